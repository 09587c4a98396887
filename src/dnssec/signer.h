/* Online signing of one zone snapshot: its keys, the RRsets the signer
 * publishes at the apex (DNSKEY, CDS, CDNSKEY), and signatures made on
 * demand and kept for as long as they may be served.
 *
 * The signatures in use at a time form a state: inception and expiration
 * shared by every signature of the state, the keys that sign, one slot per
 * static RRset of the zone. Workers read the current state without locks
 * and fill its slots (first signature in wins); the main thread replaces
 * the state when a quarter of the validity would be left, or when a key's
 * timing says so, and frees the old one after an RCU grace period. Routed
 * answers, denial records and other RRsets made per query are signed
 * through a per-thread cache keyed by the exact RRset and the state. */
#ifndef ST_DNSSEC_SIGNER_H
#define ST_DNSSEC_SIGNER_H

#include "dnssec/key.h"
#include "dnssec/sign.h"
#include "dns/typemap.h"
#include "zone/zone.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Signatures are back-dated this much against clock skew. */
#define ST_SIGN_SKEW 3600
/* signature_validity bounds (seconds). */
#define ST_SIGN_VALIDITY_MIN 20
#define ST_SIGN_VALIDITY_MAX (366u * 86400u)

typedef struct st_signer st_signer_t;
typedef struct st_sigstate st_sigstate_t;
typedef struct st_sigctx st_sigctx_t;

/* RRSIG RDATA, `n` of them back to back, each behind its 2-octet length. */
typedef struct st_sigs {
	uint16_t n;
	uint16_t len; /* bytes of data */
	uint8_t data[];
} st_sigs_t;

/* An RRset the signer publishes at the apex, with its signatures. */
typedef struct st_sig_rrset {
	uint16_t type;
	uint32_t ttl;
	uint16_t n;
	const st_rdata_ref_t *rr;
	const st_sigs_t *sigs;
} st_sig_rrset_t;

/* A signer for `zone` (a reference is taken) with `keys` (taken over, also
 * on error) and signatures valid for `validity` seconds, with its first
 * state made for time `now`. Errors (no key that can sign now, records a
 * zone signed online must not have) in diag. */
int st_signer_new(st_zone_t *zone, st_keyset_t *keys, uint32_t validity, int64_t now,
		  st_signer_t **out, st_diag_t *diag);
/* Signers are shared by the views of one zone snapshot and key set
 * (main thread only). */
st_signer_t *st_signer_ref(st_signer_t *s);
void st_signer_free(st_signer_t *s);

/* Whether this signer was made from exactly these inputs (a reload may keep it). */
bool st_signer_same(const st_signer_t *s, const st_zone_t *zone, const st_keyset_t *keys,
		    uint32_t validity);

const st_keyset_t *st_signer_keys(const st_signer_t *s);
const st_zone_t *st_signer_zone(const st_signer_t *s);
uint32_t st_signer_validity(const st_signer_t *s);

/* Main thread: when the state is due (or a retry after a failure), make the
 * next one and publish it. Returns the replaced state, which the caller
 * frees with st_sigstate_free after an RCU grace period; NULL when nothing
 * changed (diag set when a new state could not be made: the old one stays). */
st_sigstate_t *st_signer_maintain(st_signer_t *s, int64_t now, st_diag_t *diag);
void st_sigstate_free(st_sigstate_t *st);
/* When st_signer_maintain has something to do next (Unix seconds). */
int64_t st_signer_due(const st_signer_t *s);

/* The current state (workers, inside the RCU read side). */
const st_sigstate_t *st_signer_state(const st_signer_t *s);

/* About a state. */
uint32_t st_sigstate_expiration(const st_sigstate_t *st);
uint32_t st_sigstate_inception(const st_sigstate_t *st);
/* DNSKEY, CDS or CDNSKEY as published, or NULL (none of that type). */
const st_sig_rrset_t *st_sigstate_apex(const st_sigstate_t *st, uint16_t type);
/* Key tags that sign the zone's data and the DNSKEY RRset. */
size_t st_sigstate_tags(const st_sigstate_t *st, bool dnskey, uint16_t *tags, size_t cap);

/* What each key of the signer is and does in the signatures served now
 * (as of when the current state was made: a timing event that has just
 * passed shows once the signatures follow it), for status lines. */
typedef struct st_key_info {
	uint16_t tag; /* as published now */
	uint8_t alg;
	const char *alg_name; /* "ECDSAP256SHA256", "ED25519" */
	const char *role;     /* "CSK", "KSK" or "ZSK" */
	const char *state; /* "active", "published", "inactive", "future", "removed", "revoked" */
	bool sync;	   /* CDS/CDNSKEY published for it */
} st_key_info_t;
size_t st_signer_key_info(const st_signer_t *s, st_key_info_t *out, size_t cap);
/* The same for people, then the expiry: "keys 65202 KSK ECDSAP256SHA256
 * active (CDS), 1234 ZSK ...; signatures valid until 2026-12-01T00:00:00Z". */
struct st_buf;
void st_signer_summary(const st_signer_t *s, struct st_buf *out);

/* DS RDATA (SHA-256) of each key the parent should point at now: the
 * published SEP keys (every published key when none is SEP). `out` gets
 * them back to back, each ST_DS_RDATA_LEN bytes; returns how many. */
#define ST_DS_RDATA_LEN (4 + 32)
size_t st_signer_ds(const st_signer_t *s, int64_t now, uint8_t *out, size_t cap);

/* Per-thread signing: scratch buffers, the cache of RRsets made per query,
 * counters (single writer; readers load them relaxed). */
typedef struct st_sign_stats {
	uint64_t signatures; /* RRSIGs made */
	uint64_t hits;	     /* RRsets whose signatures were there */
	uint64_t misses;     /* RRsets that had to be signed */
	uint64_t sign_ns;    /* time spent making signatures */
	uint64_t failures;   /* RRsets that could not be signed */
} st_sign_stats_t;

st_sigctx_t *st_sigctx_new(void);
void st_sigctx_free(st_sigctx_t *c);
const st_sign_stats_t *st_sigctx_stats(const st_sigctx_t *c);

/* Signatures of a static RRset of the state's zone at `node` (a wildcard's
 * carry the wildcard's label count), made once per state. NULL when it
 * cannot be signed (counted as a failure). */
const st_sigs_t *st_sign_static(st_sigctx_t *c, const st_sigstate_t *st, const st_node_t *node,
				const st_rrset_t *rs);

/* Signatures of an RRset made per query (owner in any case, `labels` as the
 * RRSIG gives it), from the thread's cache or made now. */
const st_sigs_t *st_sign_rrset(st_sigctx_t *c, const st_sigstate_t *st, const uint8_t *owner,
			       size_t owner_len, uint8_t labels, uint16_t type, uint32_t ttl,
			       const st_rdata_ref_t *rr, size_t n);

/* The type bit map of an NSEC at `node` of the state's zone (NULL: a name
 * that does not exist, NXNAME), without `omit` and CNAME (a NODATA answer
 * proves both absent; pass 0 for a positive NSEC), always with RRSIG and
 * NSEC (RFC 4035 2.3). A zone cut lists only NS and DS. Writes the NSEC RDATA (next name, then the map) to out
 * (ST_NSEC_RDATA_MAX bytes) and returns its length. */
#define ST_NSEC_RDATA_MAX (ST_DNS_MAX_NAME + ST_TYPEMAP_MAX)
size_t st_nsec_rdata(const st_sigstate_t *st, const st_node_t *node, uint16_t omit,
		     const uint8_t *next, size_t next_len, uint8_t *out);

#endif
