/* DNS Cookies (RFC 7873) with the interoperable server cookie of RFC 9018:
 * version 1, three reserved bytes, a 32-bit timestamp and SipHash-2-4 of
 * the client cookie, those 8 bytes and the client's address under a
 * 16-byte server secret. Servers of one anycast set that share the secret
 * accept each other's cookies. */
#ifndef ST_DNS_COOKIE_H
#define ST_DNS_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_COOKIE_CLIENT_LEN 8
#define ST_COOKIE_SERVER_MIN 8
#define ST_COOKIE_SERVER_MAX 32
#define ST_COOKIE_SERVER_LEN 16 /* the server cookies made here (RFC 9018) */
#define ST_COOKIE_SECRET_LEN 16
#define ST_COOKIE_VERSION 1
/* RFC 9018 4.3: a cookie stays valid an hour after its timestamp and is
 * accepted up to five minutes ahead of this server's clock; one older than
 * half an hour is answered with a fresh one. */
#define ST_COOKIE_LIFETIME 3600
#define ST_COOKIE_SKEW 300
#define ST_COOKIE_RENEW 1800

/* RFC 7873 5.2.2: a COOKIE option holds a client cookie alone (8 bytes) or
 * with a server cookie of 8 to 32 bytes; any other length is FORMERR. */
static inline bool st_cookie_len_ok(size_t len)
{
	return len == ST_COOKIE_CLIENT_LEN || (len >= ST_COOKIE_CLIENT_LEN + ST_COOKIE_SERVER_MIN &&
					       len <= ST_COOKIE_CLIENT_LEN + ST_COOKIE_SERVER_MAX);
}

/* Write the server cookie for a client cookie, the client's address
 * (4 bytes IPv4, 16 bytes IPv6) and `now` (seconds since the epoch). */
void st_cookie_make(const uint8_t secret[ST_COOKIE_SECRET_LEN],
		    const uint8_t client[ST_COOKIE_CLIENT_LEN], const uint8_t *addr,
		    unsigned addr_len, uint32_t now, uint8_t out[ST_COOKIE_SERVER_LEN]);

typedef enum {
	ST_COOKIE_INVALID = 0, /* not made with this secret for this client, expired,
				* or not an RFC 9018 cookie */
	ST_COOKIE_VALID,       /* may be sent back as it is */
	ST_COOKIE_RENEW_DUE,   /* valid, but old enough to be replaced by a fresh one */
} st_cookie_verdict_t;

/* Check a server cookie that came with `client` from addr at `now` (RFC 9018
 * 4.3: the timestamp within the lifetime, the hash recomputed over the
 * version and reserved bytes as received). */
st_cookie_verdict_t st_cookie_check(const uint8_t secret[ST_COOKIE_SECRET_LEN],
				    const uint8_t client[ST_COOKIE_CLIENT_LEN],
				    const uint8_t *server, size_t server_len, const uint8_t *addr,
				    unsigned addr_len, uint32_t now);

#endif
