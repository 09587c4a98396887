/* Internal to src/answer: one answer's state, and the walk through its
 * zone (lookup.c) that the engine's entry point (answer.c) starts. */
#ifndef ST_ANSWER_LOOKUP_H
#define ST_ANSWER_LOOKUP_H

#include "answer/internal.h"
#include "dns/response.h"

#include <stdbool.h>
#include <stdint.h>

/* CNAME and DNAME links followed at most, loops included. */
#define CHAIN_MAX 16
/* Names whose addresses go into the additional section. */
#define ADDITIONAL_MAX 16

/* State of one answer being built. */
typedef struct lookup {
	st_answer_ctx_t *ctx;
	const st_view_t *view;
	const st_query_t *q;
	const st_sockaddr_t *client;
	st_resp_t r;
	const st_zone_t *zone;
	const st_node_t *apex_node;
	uint8_t apex_len;
	uint8_t apex_labels;
	const st_node_t *cut;  /* the referral's delegation point */
	const st_node_t *wild; /* the first wildcard the answer came from */
	bool nx;	       /* the name does not exist (NOERROR in compact denial) */
	unsigned rcode;
	bool aa;
	bool trunc;
	uint8_t scope;
	/* A NODATA that a routed record's policy decided (on_all_down: nodata,
	 * no data of the type where health sent it) lasts no longer in a cache
	 * than its answer would: its TTL (UINT32_MAX: no such NODATA). */
	uint32_t neg_ttl_max;
	/* The name being resolved (qname, then CNAME targets): canonical form
	 * and the offset in the response where it is written. */
	uint8_t name[ST_DNS_MAX_NAME];
	uint8_t name_len;
	size_t name_off;
	/* The hash of the question's name, from the batch's prefetch, for the
	 * first lookup (qhash_ok until it is used). */
	bool qhash_ok;
	uint32_t qhash;
	/* Targets (NS, MX, SRV) whose addresses go into the additional section. */
	uint32_t add_off[ADDITIONAL_MAX];
	bool add_glue[ADDITIONAL_MAX];
	unsigned n_add;
	/* Nodes whose records the chain put into the answer, each with the
	 * offset of the name it answered for (see visited()). */
	const st_node_t *visited[CHAIN_MAX];
	uint16_t visited_off[CHAIN_MAX];
	unsigned n_visited;
	/* A zone signed online: its signatures (keys: DNSKEY, CDS and CDNSKEY
	 * are answered from them) and, when the query has DO, the signing of
	 * this answer (NULL otherwise). types: the signing that answers an
	 * NSEC or RRSIG query, with DO or without (NULL for other types). */
	const st_sigstate_t *keys;
	st_asign_t *sig;
	st_asign_t *types;
} lookup_t;

/* Types answered from a signed zone's keys (DNSKEY, CDS, CDNSKEY). */
static inline bool st_lookup_key_type(uint16_t qtype)
{
	return qtype == ST_TYPE_DNSKEY || qtype == ST_TYPE_CDS || qtype == ST_TYPE_CDNSKEY;
}

/* The answer to lk's question (lk set up by the caller, the response begun
 * in lk->r): its sections, the DNSSEC proofs of a signed answer, and the
 * additional addresses; lk->rcode, aa, trunc and scope say how it ended. */
void st_lookup_run(lookup_t *lk);

#endif
