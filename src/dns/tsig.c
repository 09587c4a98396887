/* TSIG signing and verification with OpenSSL's HMAC. The digest is fed in
 * parts (previous MAC, message, variables), so nothing is copied or
 * allocated beyond OpenSSL's own context. */
#include "dns/tsig.h"
#include "common/enumname.h"
#include "dns/name.h"
#include "common/base64.h"
#include "common/errors.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TSIG_CLASS_ANY 255

static const struct {
	const char *name;
	const uint8_t *wire;
	uint8_t wire_len;
	const char *digest;
	size_t size;
} algs[] = {
    [ST_TSIG_HMAC_SHA256] = {"hmac-sha256", (const uint8_t *)"\x0bhmac-sha256", 13, "SHA256", 32},
    [ST_TSIG_HMAC_SHA384] = {"hmac-sha384", (const uint8_t *)"\x0bhmac-sha384", 13, "SHA384", 48},
    [ST_TSIG_HMAC_SHA512] = {"hmac-sha512", (const uint8_t *)"\x0bhmac-sha512", 13, "SHA512", 64},
};
#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

int st_tsig_alg_parse(const char *s, st_tsig_alg_t *out)
{
	size_t n = strlen(s);
	if (n > 0 && s[n - 1] == '.')
		n--;
	for (size_t i = 0; i < N_ALGS; i++) {
		if (strlen(algs[i].name) == n && strncasecmp(algs[i].name, s, n) == 0) {
			*out = (st_tsig_alg_t)i;
			return 0;
		}
	}
	return ST_EINVAL;
}

const char *st_tsig_alg_name(st_tsig_alg_t alg)
{
	return (size_t)alg < N_ALGS ? algs[alg].name : "?";
}

size_t st_tsig_alg_size(st_tsig_alg_t alg)
{
	return (size_t)alg < N_ALGS ? algs[alg].size : 0;
}

/* The algorithm a canonical wire name stands for, or -1. */
static int alg_by_wire(const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < N_ALGS; i++)
		if (algs[i].wire_len == len && memcmp(algs[i].wire, name, len) == 0)
			return (int)i;
	return -1;
}

const char *st_tsig_error_name(uint16_t error)
{
	static const char *const names[] = {
	    [ST_TSIG_NOERROR] = "NOERROR", [ST_TSIG_BADSIG] = "BADSIG",
	    [ST_TSIG_BADKEY] = "BADKEY",   [ST_TSIG_BADTIME] = "BADTIME",
	    [ST_TSIG_BADTRUNC] = "BADTRUNC"};
	return st_enum_name(names, ST_NELEMS(names), error, "TSIG error");
}

/* ---- secrets ----------------------------------------------------------------- */

int st_tsig_secret_decode(const char *b64, uint8_t *out, size_t cap)
{
	size_t len = strlen(b64);
	uint8_t *buf = malloc(len * 3 / 4 + 3);
	if (!buf)
		return ST_ENOMEM;
	long n = st_base64_decode(b64, len, buf);
	int ret = n <= 0 ? ST_EINVAL : (size_t)n > cap ? ST_ENOSPC : (int)n;
	if (ret > 0)
		memcpy(out, buf, (size_t)n);
	OPENSSL_cleanse(buf, len * 3 / 4 + 3);
	free(buf);
	return ret;
}

/* ---- HMAC ------------------------------------------------------------------- */

static EVP_MAC *hmac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

typedef struct part {
	const uint8_t *p;
	size_t len;
} part_t;

/* HMAC of the concatenated parts into out (the algorithm's full size). */
static int mac_parts(const st_tsig_key_t *key, const part_t *parts, size_t n, uint8_t *out)
{
	pthread_once(&hmac_once, hmac_fetch);
	if (!hmac)
		return ST_ENOMEM;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac);
	if (!ctx)
		return ST_ENOMEM;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)algs[key->alg].digest,
					     0),
	    OSSL_PARAM_construct_end(),
	};
	int ok = EVP_MAC_init(ctx, key->secret, key->secret_len, params);
	for (size_t i = 0; ok && i < n; i++)
		if (parts[i].len > 0)
			ok = EVP_MAC_update(ctx, parts[i].p, parts[i].len);
	size_t olen = 0;
	if (ok)
		ok = EVP_MAC_final(ctx, out, &olen, ST_TSIG_MAX_MAC);
	EVP_MAC_CTX_free(ctx);
	return ok && olen == algs[key->alg].size ? 0 : ST_ENOMEM;
}

static void put48(uint8_t *p, uint64_t v)
{
	st_put16(p, (uint16_t)(v >> 32));
	st_put32(p + 2, (uint32_t)v);
}

static uint64_t get48(const uint8_t *p)
{
	return (uint64_t)st_get16(p) << 32 | st_get32(p + 2);
}

/* The TSIG variables after the names (RFC 8945 section 4.3.3): time signed,
 * fudge, error, other length and data. */
typedef struct vars {
	uint8_t name_tail[6]; /* class ANY, TTL 0 */
	uint8_t fixed[12];    /* time(6) fudge(2) error(2) other_len(2) */
	const uint8_t *other;
	uint16_t other_len;
} vars_t;

static void vars_fill(vars_t *v, uint64_t time_signed, uint16_t fudge, uint16_t error,
		      const uint8_t *other, uint16_t other_len)
{
	st_put16(v->name_tail, TSIG_CLASS_ANY);
	st_put32(v->name_tail + 2, 0);
	put48(v->fixed, time_signed);
	st_put16(v->fixed + 6, fudge);
	st_put16(v->fixed + 8, error);
	st_put16(v->fixed + 10, other_len);
	v->other = other;
	v->other_len = other_len;
}

/* MAC of one message (header given apart: ID and ARCOUNT as signed) in an
 * exchange. prev: the MAC it follows (request MAC or previous message),
 * none for a request of our own. first: cover every variable; else the
 * timers only. */
static int mac_message(const st_tsig_key_t *key, const uint8_t *prev, uint16_t prev_len,
		       const uint8_t hdr[ST_DNS_HEADER_LEN], const uint8_t *body, size_t body_len,
		       const uint8_t *kname, size_t kname_len, const vars_t *v, bool first,
		       uint8_t *out)
{
	uint8_t plen[2];
	st_put16(plen, prev_len);
	part_t parts[9];
	size_t n = 0;
	if (prev_len > 0) {
		parts[n++] = (part_t){plen, 2};
		parts[n++] = (part_t){prev, prev_len};
	}
	parts[n++] = (part_t){hdr, ST_DNS_HEADER_LEN};
	parts[n++] = (part_t){body, body_len};
	if (first) {
		parts[n++] = (part_t){kname, kname_len};
		parts[n++] = (part_t){v->name_tail, sizeof(v->name_tail)};
		parts[n++] = (part_t){algs[key->alg].wire, algs[key->alg].wire_len};
		parts[n++] = (part_t){v->fixed, sizeof(v->fixed)};
		parts[n++] = (part_t){v->other, v->other_len};
	} else {
		parts[n++] = (part_t){v->fixed, 8};
	}
	return mac_parts(key, parts, n, out);
}

/* ---- parsing ------------------------------------------------------------------ */

/* A TSIG record as found in a message. */
typedef struct rec {
	size_t off; /* where the record starts */
	uint8_t name[ST_DNS_MAX_NAME], name_len;
	uint8_t alg[ST_DNS_MAX_NAME], alg_len;
	uint64_t time_signed;
	uint16_t fudge, mac_len, orig_id, error, other_len;
	const uint8_t *mac, *other;
} rec_t;

int st_tsig_locate(const uint8_t *msg, size_t len, size_t *off)
{
	if (len < ST_DNS_HEADER_LEN)
		return ST_EFORMERR;
	size_t pos = ST_DNS_HEADER_LEN;
	unsigned qd = st_get16(msg + 4);
	unsigned rrs = st_get16(msg + 6) + st_get16(msg + 8) + st_get16(msg + 10);
	unsigned ar_first = st_get16(msg + 6) + st_get16(msg + 8);
	for (unsigned i = 0; i < qd; i++) {
		if (st_name_skip(msg, len, &pos) < 0 || len - pos < 4)
			return ST_EFORMERR;
		pos += 4;
	}
	bool found = false;
	for (unsigned i = 0; i < rrs; i++) {
		size_t start = pos;
		if (st_name_skip(msg, len, &pos) < 0 || len - pos < 10)
			return ST_EFORMERR;
		uint16_t type = st_get16(msg + pos);
		size_t rdlen = st_get16(msg + pos + 8);
		if (len - pos - 10 < rdlen)
			return ST_EFORMERR;
		pos += 10 + rdlen;
		if (type == ST_TYPE_TSIG) {
			if (found || i < ar_first || i != rrs - 1)
				return ST_EFORMERR;
			found = true;
			*off = start;
		}
	}
	return found ? 0 : ST_ENOENT;
}

static int parse_rec(const uint8_t *msg, size_t len, size_t off, rec_t *r)
{
	size_t pos = off;
	uint8_t labels;
	r->off = off;
	if (st_name_parse(msg, len, &pos, NULL, r->name, &r->name_len, &labels) < 0 ||
	    len - pos < 10)
		return ST_EFORMERR;
	if (st_get16(msg + pos) != ST_TYPE_TSIG || st_get16(msg + pos + 2) != TSIG_CLASS_ANY)
		return ST_EFORMERR;
	size_t rdlen = st_get16(msg + pos + 8);
	pos += 10;
	if (len - pos != rdlen)
		return ST_EFORMERR; /* the last record of the message */
	if (st_name_parse(msg, len, &pos, NULL, r->alg, &r->alg_len, &labels) < 0 || len - pos < 10)
		return ST_EFORMERR;
	r->time_signed = get48(msg + pos);
	r->fudge = st_get16(msg + pos + 6);
	r->mac_len = st_get16(msg + pos + 8);
	pos += 10;
	if (len - pos < (size_t)r->mac_len + 6)
		return ST_EFORMERR;
	r->mac = msg + pos;
	pos += r->mac_len;
	r->orig_id = st_get16(msg + pos);
	r->error = st_get16(msg + pos + 2);
	r->other_len = st_get16(msg + pos + 4);
	pos += 6;
	if (len - pos != r->other_len)
		return ST_EFORMERR;
	r->other = msg + pos;
	return 0;
}

/* The MAC over msg[0..r->off) as its signer computed it: original ID in
 * the header, ARCOUNT without the TSIG record. */
static int mac_received(const st_tsig_key_t *key, const uint8_t *prev, uint16_t prev_len,
			const uint8_t *msg, const rec_t *r, uint8_t *out)
{
	uint8_t hdr[ST_DNS_HEADER_LEN];
	memcpy(hdr, msg, sizeof(hdr));
	st_put16(hdr, r->orig_id);
	st_put16(hdr + 10, (uint16_t)(st_get16(msg + 10) - 1));
	vars_t v;
	vars_fill(&v, r->time_signed, r->fudge, r->error, r->other, r->other_len);
	return mac_message(key, prev, prev_len, hdr, msg + ST_DNS_HEADER_LEN,
			   r->off - ST_DNS_HEADER_LEN, key->name, key->name_len, &v, true, out);
}

static bool time_ok(uint64_t time_signed, uint16_t fudge, uint64_t now)
{
	uint64_t d = now > time_signed ? now - time_signed : time_signed - now;
	return d <= fudge;
}

/* RFC 8945 section 5.2.2.1: at most the hash size, at least the larger of
 * 10 bytes and half the hash. */
static bool mac_len_ok(st_tsig_alg_t alg, size_t len)
{
	size_t full = algs[alg].size, min = full / 2 > 10 ? full / 2 : 10;
	return len <= full && len >= min;
}

int st_tsig_verify_request(st_tsig_t *t, const st_tsig_key_t *keys, size_t n_keys,
			   const uint8_t *msg, size_t len, size_t off, uint64_t now)
{
	rec_t r;
	memset(t, 0, sizeof(*t));
	int ret = parse_rec(msg, len, off, &r);
	if (ret < 0)
		return ret;
	memcpy(t->name, r.name, r.name_len);
	t->name_len = r.name_len;
	memcpy(t->alg, r.alg, r.alg_len);
	t->alg_len = r.alg_len;
	t->time_signed = r.time_signed;
	t->fudge = r.fudge;

	int alg = alg_by_wire(r.alg, r.alg_len);
	for (size_t i = 0; i < n_keys && alg >= 0; i++)
		if (keys[i].name_len == r.name_len &&
		    memcmp(keys[i].name, r.name, r.name_len) == 0 && (int)keys[i].alg == alg)
			t->key = &keys[i];
	if (!t->key) {
		t->error = ST_TSIG_BADKEY;
		return 0;
	}
	if (!mac_len_ok(t->key->alg, r.mac_len))
		return ST_EFORMERR;
	uint8_t mac[ST_TSIG_MAX_MAC];
	if ((ret = mac_received(t->key, NULL, 0, msg, &r, mac)) < 0)
		return ret;
	if (CRYPTO_memcmp(mac, r.mac, r.mac_len) != 0) {
		t->error = ST_TSIG_BADSIG;
		return 0;
	}
	memcpy(t->mac, r.mac, r.mac_len);
	t->mac_len = r.mac_len;
	if (!time_ok(r.time_signed, r.fudge, now))
		t->error = ST_TSIG_BADTIME;
	else if (r.mac_len < algs[t->key->alg].size)
		t->error = ST_TSIG_BADTRUNC;
	return 0;
}

/* ---- signing -------------------------------------------------------------------- */

void st_tsig_begin(st_tsig_t *t, const st_tsig_key_t *key)
{
	memset(t, 0, sizeof(*t));
	t->key = key;
	memcpy(t->name, key->name, key->name_len);
	t->name_len = key->name_len;
	memcpy(t->alg, algs[key->alg].wire, algs[key->alg].wire_len);
	t->alg_len = algs[key->alg].wire_len;
	t->fudge = ST_TSIG_FUDGE;
}

/* An error response about the key or the MAC goes out unsigned. */
static bool unsigned_error(const st_tsig_t *t)
{
	return !t->key || t->error == ST_TSIG_BADKEY || t->error == ST_TSIG_BADSIG;
}

size_t st_tsig_size(const st_tsig_t *t)
{
	size_t mac = unsigned_error(t) ? 0 : algs[t->key->alg].size;
	size_t other = t->error == ST_TSIG_BADTIME ? 6 : 0;
	return t->name_len + 10 + t->alg_len + 16 + mac + other;
}

int st_tsig_sign(st_tsig_t *t, uint8_t *msg, size_t *len, size_t cap, uint64_t now)
{
	size_t need = st_tsig_size(t);
	if (*len < ST_DNS_HEADER_LEN || cap < *len || cap - *len < need)
		return ST_ETRUNC;
	bool with_mac = !unsigned_error(t);
	bool first = t->messages == 0;
	uint64_t time_signed = t->error == ST_TSIG_BADTIME ? t->time_signed : now;
	uint8_t other[6];
	uint16_t other_len = 0;
	if (t->error == ST_TSIG_BADTIME) {
		put48(other, now);
		other_len = 6;
	}
	uint8_t mac[ST_TSIG_MAX_MAC];
	size_t mac_len = 0;
	if (with_mac) {
		vars_t v;
		vars_fill(&v, time_signed, t->fudge ? t->fudge : ST_TSIG_FUDGE, t->error, other,
			  other_len);
		int ret =
		    mac_message(t->key, t->mac, t->mac_len, msg, msg + ST_DNS_HEADER_LEN,
				*len - ST_DNS_HEADER_LEN, t->name, t->name_len, &v, first, mac);
		if (ret < 0)
			return ret;
		mac_len = algs[t->key->alg].size;
	}

	uint8_t *p = msg + *len;
	memcpy(p, t->name, t->name_len);
	p += t->name_len;
	st_put16(p, ST_TYPE_TSIG);
	st_put16(p + 2, TSIG_CLASS_ANY);
	st_put32(p + 4, 0);
	st_put16(p + 8, (uint16_t)(t->alg_len + 16 + mac_len + other_len));
	p += 10;
	memcpy(p, t->alg, t->alg_len);
	p += t->alg_len;
	put48(p, time_signed);
	st_put16(p + 6, t->fudge ? t->fudge : ST_TSIG_FUDGE);
	st_put16(p + 8, (uint16_t)mac_len);
	p += 10;
	memcpy(p, mac, mac_len);
	p += mac_len;
	st_put16(p, st_get16(msg)); /* original ID: this message's */
	st_put16(p + 2, t->error);
	st_put16(p + 4, other_len);
	memcpy(p + 6, other, other_len);
	*len += need;
	st_put16(msg + 10, (uint16_t)(st_get16(msg + 10) + 1));
	if (with_mac) {
		memcpy(t->mac, mac, mac_len);
		t->mac_len = (uint16_t)mac_len;
	}
	t->messages++;
	return 0;
}

int st_tsig_verify_response(st_tsig_t *t, const uint8_t *msg, size_t len, uint64_t now)
{
	size_t off;
	int ret = st_tsig_locate(msg, len, &off);
	if (ret < 0)
		return ret;
	rec_t r;
	if ((ret = parse_rec(msg, len, off, &r)) < 0)
		return ret;
	const st_tsig_key_t *key = t->key;
	if (r.name_len != key->name_len || memcmp(r.name, key->name, r.name_len) != 0 ||
	    alg_by_wire(r.alg, r.alg_len) != (int)key->alg)
		return ST_EPROTO;
	if (r.error != ST_TSIG_NOERROR) {
		t->error = r.error;
		return ST_EPROTO;
	}
	if (!mac_len_ok(key->alg, r.mac_len))
		return ST_EFORMERR;
	uint8_t mac[ST_TSIG_MAX_MAC];
	if ((ret = mac_received(key, t->mac, t->mac_len, msg, &r, mac)) < 0)
		return ret;
	if (CRYPTO_memcmp(mac, r.mac, r.mac_len) != 0) {
		t->error = ST_TSIG_BADSIG;
		return ST_EPROTO;
	}
	if (!time_ok(r.time_signed, r.fudge, now)) {
		t->error = ST_TSIG_BADTIME;
		return ST_EPROTO;
	}
	memcpy(t->mac, r.mac, r.mac_len);
	t->mac_len = r.mac_len;
	t->messages++;
	return 0;
}
