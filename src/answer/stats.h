/* Per-thread query counters. Each worker is the only writer of its own
 * counters (relaxed atomic load + store, no locked instruction); metrics and
 * the control socket read them from other threads with relaxed loads. */
#ifndef ST_ANSWER_STATS_H
#define ST_ANSWER_STATS_H

#include "answer/answer.h"
#include "dns/wire.h"
#include "limit/rrl.h"

#include <stddef.h>
#include <stdint.h>

/* Query type buckets. */
enum {
	ST_QTYPE_BUCKET_A = 0,
	ST_QTYPE_BUCKET_AAAA,
	ST_QTYPE_BUCKET_CNAME,
	ST_QTYPE_BUCKET_NS,
	ST_QTYPE_BUCKET_SOA,
	ST_QTYPE_BUCKET_MX,
	ST_QTYPE_BUCKET_TXT,
	ST_QTYPE_BUCKET_SRV,
	ST_QTYPE_BUCKET_ANY,
	ST_QTYPE_BUCKET_OTHER,
};

/* Queries that carried a DNS cookie, by what their server cookie was. */
enum {
	ST_COOKIE_SEEN_CLIENT = 0, /* a client cookie alone */
	ST_COOKIE_SEEN_VALID,	   /* a server cookie that verifies */
	ST_COOKIE_SEEN_INVALID,	   /* one that does not (other secret, expired, not ours) */
	ST_COOKIE_SEEN_N,
};

/* Answers per route record, region and endpoint index; larger indices are not counted. */
#define ST_STATS_ROUTE_MAX 4096

/* Routed answers per record, region and endpoint index of the config that
 * one view was built from. Indices mean nothing across views: a reload may
 * add, remove or reorder names. */
typedef struct st_route_counts {
	uint64_t record[ST_STATS_ROUTE_MAX];
	uint64_t region[ST_STATS_ROUTE_MAX];
	uint64_t endpoint[ST_STATS_ROUTE_MAX];
} st_route_counts_t;

typedef struct st_answer_stats {
	uint64_t queries;		 /* messages answered (drops excluded) */
	uint64_t dropped;		 /* QR=1, shorter than a header */
	uint64_t rcode[ST_STATS_RCODES]; /* index = rcode; BADVERS is ST_STATS_RCODE_BADVERS */
	uint64_t qtype[ST_STATS_QTYPES];
	uint64_t transport[2]; /* ST_TRANSPORT_UDP, ST_TRANSPORT_TCP */
	uint64_t truncated;    /* UDP answers sent with TC=1 */
	uint64_t edns;	       /* queries with an OPT record */
	uint64_t ecs;	       /* queries with Client Subnet */
	uint64_t dynamic;      /* routed RRsets answered */
	uint64_t nested;       /* of those, answered through a nested record ("@name") */
	uint64_t sticky;       /* of those, decided by a sticky pick (the client's subnet) */
	uint64_t cookies[ST_COOKIE_SEEN_N]; /* with server.cookies on */
	st_rrl_counters_t rrl;		    /* response rate limiting */
	uint64_t tsig;	       /* TSIG-signed queries */
	uint64_t tsig_failed;  /* of those, answered NOTAUTH (BADKEY, BADSIG, BADTIME...) */
	/* Per index of the current config, each name's count since start
	 * (st_server_route_sum). An answer context keeps these at zero: it
	 * counts routed answers per view (st_answer_ctx_route). */
	uint64_t route_record[ST_STATS_ROUTE_MAX];
	uint64_t route_region[ST_STATS_ROUTE_MAX];
	uint64_t route_endpoint[ST_STATS_ROUTE_MAX];
} st_answer_stats_t;

/* The counters of one context (the owning worker keeps writing them). */
const st_answer_stats_t *st_answer_ctx_stats(const st_answer_ctx_t *ctx);
/* The context's signing counters, NULL before its first signed answer. */
struct st_sign_stats;
const struct st_sign_stats *st_answer_ctx_sign_stats(const st_answer_ctx_t *ctx);

/* Add one context's counters into sum (relaxed loads; sum is private to the
 * caller). The route_* arrays are left alone: see st_answer_ctx_route. */
void st_answer_stats_add(st_answer_stats_t *sum, const st_answer_stats_t *one);

/* The routed-answer counters that answers from a view of this generation
 * go to. A context keeps two sets, by the parity of the generation: during
 * a reload the view being replaced and the new one count apart. */
const st_route_counts_t *st_answer_ctx_route(const st_answer_ctx_t *ctx, uint64_t generation);
/* Zero the set of `generation`. Only once no worker can answer from a view
 * of that generation (after synchronize_rcu), and before a view of the same
 * parity is published. */
void st_answer_ctx_route_reset(st_answer_ctx_t *ctx, uint64_t generation);

/* Bucket of an rcode. */
static inline unsigned st_answer_rcode_bucket(unsigned rcode)
{
	if (rcode == ST_RCODE_BADCOOKIE)
		return ST_STATS_RCODE_BADCOOKIE;
	return rcode < ST_STATS_RCODE_BADVERS ? rcode : ST_STATS_RCODE_BADVERS;
}

/* Bucket of a query type. */
unsigned st_answer_qtype_bucket(uint16_t qtype);
/* "A", "AAAA", ..., "other" for metrics labels. */
const char *st_answer_qtype_bucket_name(unsigned bucket);

/* Single-writer increment: no lock prefix, readers see whole values. */
static inline void st_stat_inc(uint64_t *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

static inline uint64_t st_stat_get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

#endif
