/* The query engine: one DNS message in, one response out, no sockets and no
 * allocation per query. Used by the UDP/TCP workers, the tests and the fuzzers. */
#ifndef ST_ANSWER_ANSWER_H
#define ST_ANSWER_ANSWER_H

#include "answer/view.h"
#include "common/sockaddr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	ST_TRANSPORT_UDP = 0,
	ST_TRANSPORT_TCP = 1,
} st_transport_t;

/* Counter buckets (answer/stats.h): rcodes 0-15, then BADVERS and
 * BADCOOKIE; query types A, AAAA, CNAME, NS, SOA, MX, TXT, SRV, ANY and
 * other. */
#define ST_STATS_RCODES 18
#define ST_STATS_RCODE_BADVERS 16
#define ST_STATS_RCODE_BADCOOKIE 17
#define ST_STATS_QTYPES 10

/* Per-thread answer context: scratch space, the random generator for
 * weighted choices, and counters (read by metrics without locks). */
typedef struct st_answer_ctx st_answer_ctx_t;

/* seed: the per-thread random seed (tests pass a fixed one). */
st_answer_ctx_t *st_answer_ctx_new(uint64_t seed);
void st_answer_ctx_free(st_answer_ctx_t *ctx);
/* The monotonic clock (ns) rate limiting reads: st_mono_ns() unless a test
 * sets another (NULL: back to st_mono_ns). */
void st_answer_ctx_clock(st_answer_ctx_t *ctx, uint64_t (*now_ns)(void));

/* Answer one query.
 *   view:     current view (caller holds the RCU read side)
 *   query:    the message as received (len bytes)
 *   client:   the peer address (client location when no ECS)
 *   out:      response buffer, outcap bytes (>= 512; 65535 for TCP)
 * Returns the response length, or 0 when the message must be dropped
 * (QR=1, too short for a header). UDP answers are truncated (TC=1) to the
 * requester's payload size (EDNS, at least 512, capped by the view). */
size_t st_answer(st_answer_ctx_t *ctx, const st_view_t *view, const uint8_t *query, size_t len,
		 const st_sockaddr_t *client, st_transport_t transport, uint8_t *out,
		 size_t outcap);

/* One message of a batch: the query in, the response out. */
typedef struct st_answer_msg {
	const uint8_t *query;
	size_t len;
	const st_sockaddr_t *client;
	uint8_t *out;
	size_t outcap;
	size_t out_len; /* set by st_answer_batch: as st_answer() returns */
} st_answer_msg_t;

#define ST_ANSWER_BATCH_MAX 64

/* Answer up to ST_ANSWER_BATCH_MAX messages as st_answer() does each. The
 * zone data of every query is brought into cache first, a step at a time
 * for all of them, so that their cache misses overlap. */
void st_answer_batch(st_answer_ctx_t *ctx, const st_view_t *view, st_answer_msg_t *msgs, size_t n,
		     st_transport_t transport);

/* Start bringing into cache the zone data that answering `query` will read
 * (st_answer_batch does it for each message, then st_zone_prefetch_step()
 * on each in turn until every one returns false). A hint only: a query
 * that does not parse prefetches nothing. The caller holds the view. */
struct st_zone_pf;
void st_answer_prefetch(const st_view_t *view, const uint8_t *query, size_t len,
			struct st_zone_pf *pf);

#endif
