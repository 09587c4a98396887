/* The signed parts of an answer (RFC 4035 3.1, RFC 9824): RRSIGs after the
 * RRsets the engine writes, NSEC records of compact denial, the proofs of
 * wildcard answers. Used by answer.c when the query has DO set and the zone
 * is signed online. */
#ifndef ST_ANSWER_SIGN_H
#define ST_ANSWER_SIGN_H

#include "dns/response.h"
#include "dnssec/signer.h"
#include "zone/zone.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wildcard expansions one answer proves at most (one per link of a chain). */
#define ST_ASIGN_PROOFS 16

typedef struct st_asign {
	st_sigctx_t *ctx;
	const st_sigstate_t *st;
	const st_node_t *apex;
	uint32_t neg_ttl; /* min(SOA TTL, SOA MINIMUM): NSEC records (RFC 9077) */
	/* Names answered from a wildcard: the next-closer name of each. */
	unsigned n_proofs;
	uint8_t proof_len[ST_ASIGN_PROOFS];
	uint8_t proof[ST_ASIGN_PROOFS][ST_DNS_MAX_NAME];
} st_asign_t;

/* Start signing an answer from the zone whose apex node is `apex`. */
void st_asign_begin(st_asign_t *a, st_sigctx_t *ctx, const st_sigstate_t *st,
		    const st_node_t *apex);

/* Each returns 0, ST_ETRUNC (the RRSIGs do not fit: nothing written) or
 * ST_EINVAL (no signature could be made). `owner_off` is where the owner
 * of the RRset was written; `ttl` the TTL it was written with. */

/* RRSIGs of a static RRset of `node`. */
int st_asign_static(st_asign_t *a, st_resp_t *r, int section, size_t owner_off,
		    const st_node_t *node, const st_rrset_t *rs, uint32_t ttl);
/* RRSIGs of records made for this answer, owned by `node` (routed
 * records, the RFC 8482 HINFO). */
int st_asign_records(st_asign_t *a, st_resp_t *r, int section, size_t owner_off,
		     const st_node_t *node, uint16_t type, uint32_t ttl, const st_rdata_ref_t *rr,
		     size_t n);
/* Records and RRSIGs of an RRset the signer publishes at the apex. */
int st_asign_apex(st_asign_t *a, st_resp_t *r, size_t owner_off, const st_sig_rrset_t *set,
		  bool with_sigs);

/* The NSEC of compact denial at `name` (written at owner_off) in
 * `section`: for a name that does not exist (node NULL), a NODATA for
 * `qtype` at node, or a zone cut without DS (node a delegation). The
 * answer section holds it when NSEC itself was asked for (qtype 0);
 * without with_sigs (an NSEC query without DO), the NSEC alone. */
int st_asign_denial(st_asign_t *a, st_resp_t *r, int section, size_t owner_off,
		    const uint8_t *name, size_t name_len, const st_node_t *node, uint16_t qtype,
		    bool with_sigs);

/* An RRSIG query: the RRSIGs of the zone's own RRsets at `node` in the
 * answer section. Returns how many records were written or ST_ETRUNC /
 * ST_EINVAL. */
int st_asign_rrsigs(st_asign_t *a, st_resp_t *r, size_t owner_off, const st_node_t *node);
/* An RRSIG query: the RRSIGs of the NSEC an NSEC query at `name` gets (node
 * NULL: a name that does not exist), in the answer section. Returns how
 * many were written or ST_ETRUNC / ST_EINVAL. */
int st_asign_denial_sigs(st_asign_t *a, st_resp_t *r, size_t owner_off, const uint8_t *name,
			 size_t name_len, const st_node_t *node);

/* Note that `name` was answered from the wildcard at `wild`: the answer
 * must prove that no closer name exists. */
void st_asign_wildcard(st_asign_t *a, const uint8_t *name, size_t len, const st_node_t *wild);
/* Write the proofs noted (one NSEC covering each next-closer name) into
 * the authority section. */
int st_asign_proofs(st_asign_t *a, st_resp_t *r);

#endif
