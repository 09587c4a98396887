/* DNSSEC keys from BIND-format files (K<zone>.+<alg>+<tag>.key and
 * .private, as dnssec-keygen and ldns-keygen write them): algorithms 13
 * (ECDSA P-256 SHA-256) and 15 (Ed25519), their timing metadata, and which
 * keys a zone publishes and signs with at a given time. */
#ifndef ST_DNSSEC_KEY_H
#define ST_DNSSEC_KEY_H

#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_DNSKEY_ZONE 0x0100
#define ST_DNSKEY_REVOKE 0x0080
#define ST_DNSKEY_SEP 0x0001

#define ST_ALG_ECDSAP256SHA256 13
#define ST_ALG_ED25519 15

/* Longest DNSKEY RDATA of the supported algorithms (4 + a P-256 point). */
#define ST_DNSKEY_RDATA_MAX (4 + 64)
/* Longest signature (ECDSA P-256: r and s, 32 octets each). */
#define ST_SIG_MAX 64

/* Timing metadata, Unix seconds; ST_KEY_UNSET when absent. */
#define ST_KEY_UNSET INT64_MIN
enum {
	ST_KEY_PUBLISH,
	ST_KEY_ACTIVATE,
	ST_KEY_INACTIVE,
	ST_KEY_DELETE,
	ST_KEY_REVOKE,
	ST_KEY_SYNC_PUBLISH,
	ST_KEY_SYNC_DELETE,
	ST_KEY_TIMES,
};

struct evp_pkey_st;

typedef struct st_dnskey {
	char *file;	/* the .key file, for messages */
	uint16_t flags; /* as in the file: 256 (zone key) or 257 (SEP) */
	uint8_t alg;
	uint16_t tag; /* of the key as published in the file (REVOKE clear) */
	uint32_t ttl; /* TTL written in the .key file, 0 when none */
	uint8_t rdata[ST_DNSKEY_RDATA_MAX];
	uint16_t rdlen;
	struct evp_pkey_st *pkey; /* NULL: public part only (no .private file) */
	int64_t times[ST_KEY_TIMES];
} st_dnskey_t;

/* What one key does at a moment. */
typedef struct st_key_role {
	bool publish; /* in the DNSKEY RRset */
	bool sign;    /* active: signs (the zone or the DNSKEY RRset, by role) */
	bool revoked; /* published with the REVOKE flag (RFC 5011) */
	bool sync;    /* CDS/CDNSKEY published for it */
} st_key_role_t;

typedef struct st_keyset {
	st_dnskey_t *keys;
	size_t n;
} st_keyset_t;

/* Load every key of zone `apex` (canonical wire) found in folder `dir`:
 * each K<zone>.+NNN+NNNNN.key with its .private when there is one (files
 * of other zones are ignored). Errors name file:line: unreadable or
 * malformed files, an unsupported algorithm, a .private that does not
 * belong to its .key, no key at all. */
int st_keyset_load(const char *dir, const uint8_t *apex, size_t apex_len, st_keyset_t **out,
		   st_diag_t *diag);
void st_keyset_free(st_keyset_t *ks);

/* Parse one key pair (the .private path may be NULL). */
int st_dnskey_load(const char *key_file, const char *private_file, const uint8_t *apex,
		   size_t apex_len, st_dnskey_t *out, st_diag_t *diag);
void st_dnskey_clear(st_dnskey_t *key);

/* The key's role at time `now` (BIND's rules: a key without any timing
 * is published and active; Publish/Activate from their time on,
 * Inactive/Delete from theirs). */
st_key_role_t st_dnskey_role(const st_dnskey_t *key, int64_t now);

/* The first timing event after `now`, or INT64_MAX. */
int64_t st_dnskey_next_event(const st_dnskey_t *key, int64_t now);

/* DNSKEY RDATA as published at `now` (REVOKE set once revoked) and its tag. */
size_t st_dnskey_rdata(const st_dnskey_t *key, bool revoked, uint8_t *out);
uint16_t st_key_tag(const uint8_t *rdata, size_t len);

/* The zone's roles at `now`, per algorithm: signing keys for the DNSKEY
 * RRset (active SEP keys; every active key of an algorithm without an
 * active SEP key) and for the rest (active keys without SEP; the SEP keys
 * of an algorithm without such a key). Every RRset thus gets a signature
 * of each algorithm (RFC 4035 2.2). */
bool st_dnskey_signs_keys(const st_keyset_t *ks, size_t i, int64_t now);
bool st_dnskey_signs_zone(const st_keyset_t *ks, size_t i, int64_t now);

/* Parse "20240102030405" (UTC); returns 0 or -1. */
int st_key_time_parse(const char *s, int64_t *out);

#endif
