/* Signing primitives: an RRset in canonical form (RFC 4034 6.2, 6.3), its
 * RRSIG made with OpenSSL (RFC 4034 3, RFC 6605, RFC 8080), DS digests. */
#ifndef ST_DNSSEC_SIGN_H
#define ST_DNSSEC_SIGN_H

#include "dnssec/key.h"
#include "dns/wire.h"

#include <stddef.h>
#include <stdint.h>

/* RRSIG RDATA before the signer's name. */
#define ST_RRSIG_FIXED 18
/* Room kept in front of an RRset for the RRSIG fields that are signed with it. */
#define ST_RRSIG_HEAD (ST_RRSIG_FIXED + ST_DNS_MAX_NAME)
/* Longest RRSIG RDATA of the supported algorithms. */
#define ST_RRSIG_RDATA_MAX (ST_RRSIG_HEAD + ST_SIG_MAX)

/* One record of an RRset: its RDATA, uncompressed. */
typedef struct st_rdata_ref {
	const uint8_t *data;
	uint16_t len;
} st_rdata_ref_t;

/* A growable buffer holding one RRset in canonical form after
 * ST_RRSIG_HEAD bytes of room, so that the signed data is contiguous. */
typedef struct st_sigbuf {
	uint8_t *buf;
	size_t cap; /* bytes after the room */
	size_t len; /* bytes of RRset */
} st_sigbuf_t;

void st_sigbuf_init(st_sigbuf_t *sb);
void st_sigbuf_clear(st_sigbuf_t *sb);

/* The RRset `owner` (any case; written in lower case) `type` with TTL `ttl`
 * and records rr[0..n) in canonical form and order, repeated records
 * written once. The RDATA must not point into sb's buffer. Returns 0, ST_ENOMEM, or ST_EINVAL (a
 * record whose RDATA is malformed for its type). */
int st_sigbuf_rrset(st_sigbuf_t *sb, const uint8_t *owner, size_t owner_len, uint16_t type,
		    uint32_t ttl, const st_rdata_ref_t *rr, size_t n);

/* The fields of an RRSIG besides the key. */
typedef struct st_rrsig_meta {
	uint16_t type;	/* covered */
	uint8_t labels; /* of the owner, '*' and root not counted */
	uint32_t ttl;	/* original TTL */
	uint32_t inception;
	uint32_t expiration;
	const uint8_t *signer; /* the zone apex, canonical */
	size_t signer_len;
} st_rrsig_meta_t;

/* Sign the RRset in sb with `key` (published with tag `tag`) and write the
 * RRSIG RDATA to out (ST_RRSIG_RDATA_MAX bytes). Returns its length or a
 * negative error. */
int st_rrsig_make(st_sigbuf_t *sb, const st_dnskey_t *key, uint16_t tag, const st_rrsig_meta_t *m,
		  uint8_t *out);

/* DS RDATA (RFC 4034 5.1.4) of a DNSKEY of `owner` with digest type 2
 * (SHA-256) or 4 (SHA-384); out needs 4 + 48 bytes. Returns the length or
 * ST_EINVAL. */
int st_ds_rdata(const uint8_t *owner, size_t owner_len, const uint8_t *dnskey, size_t dnskey_len,
		uint8_t digest_type, uint8_t *out);

#endif
