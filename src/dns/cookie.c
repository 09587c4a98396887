/* RFC 9018 server cookies: made and checked from the same hash input, so
 * that a cookie this server made always verifies here. */
#include "dns/cookie.h"
#include "dns/wire.h"
#include "common/siphash.h"

#include <string.h>

/* SipHash-2-4 over client cookie | version | reserved | timestamp | address
 * (RFC 9018 4.4), into the last 8 bytes of the server cookie. */
static void cookie_hash(const uint8_t secret[ST_COOKIE_SECRET_LEN],
			const uint8_t client[ST_COOKIE_CLIENT_LEN], const uint8_t head[8],
			const uint8_t *addr, unsigned addr_len, uint8_t out[8])
{
	uint8_t in[ST_COOKIE_CLIENT_LEN + 8 + 16];
	if (addr_len > 16)
		addr_len = 16;
	memcpy(in, client, ST_COOKIE_CLIENT_LEN);
	memcpy(in + ST_COOKIE_CLIENT_LEN, head, 8);
	memcpy(in + ST_COOKIE_CLIENT_LEN + 8, addr, addr_len);
	st_siphash24_bytes(secret, in, ST_COOKIE_CLIENT_LEN + 8 + addr_len, out);
}

void st_cookie_make(const uint8_t secret[ST_COOKIE_SECRET_LEN],
		    const uint8_t client[ST_COOKIE_CLIENT_LEN], const uint8_t *addr,
		    unsigned addr_len, uint32_t now, uint8_t out[ST_COOKIE_SERVER_LEN])
{
	out[0] = ST_COOKIE_VERSION;
	out[1] = out[2] = out[3] = 0;
	st_put32(out + 4, now);
	cookie_hash(secret, client, out, addr, addr_len, out + 8);
}

st_cookie_verdict_t st_cookie_check(const uint8_t secret[ST_COOKIE_SECRET_LEN],
				    const uint8_t client[ST_COOKIE_CLIENT_LEN],
				    const uint8_t *server, size_t server_len, const uint8_t *addr,
				    unsigned addr_len, uint32_t now)
{
	if (server_len != ST_COOKIE_SERVER_LEN || server[0] != ST_COOKIE_VERSION)
		return ST_COOKIE_INVALID;
	/* Serial number arithmetic (RFC 1982): the timestamp wraps in 2106. */
	int32_t age = (int32_t)(now - st_get32(server + 4));
	if (age > ST_COOKIE_LIFETIME || age < -ST_COOKIE_SKEW)
		return ST_COOKIE_INVALID;
	uint8_t want[8];
	cookie_hash(secret, client, server, addr, addr_len, want);
	/* Compared in constant time: the time taken says nothing about the hash. */
	uint8_t diff = 0;
	for (unsigned i = 0; i < 8; i++)
		diff |= (uint8_t)(want[i] ^ server[8 + i]);
	if (diff != 0)
		return ST_COOKIE_INVALID;
	return age > ST_COOKIE_RENEW ? ST_COOKIE_RENEW_DUE : ST_COOKIE_VALID;
}
