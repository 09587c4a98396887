/* Internal to src/answer: the per-thread answer context, shared by the
 * engine (answer.c) and its edge (edge.c: DNS cookies of the query, rate
 * limiting of the response). */
#ifndef ST_ANSWER_INTERNAL_H
#define ST_ANSWER_INTERNAL_H

#include "answer/answer.h"
#include "answer/sign.h"
#include "answer/stats.h"
#include "dns/query.h"
#include "dns/tsig.h"
#include "limit/rrl.h"
#include "zone/zone.h"

struct st_answer_ctx {
	uint64_t rng;
	st_query_t q;
	st_zone_pf_t pf[ST_ANSWER_BATCH_MAX]; /* st_answer_batch */
	/* What st_answer_batch's prefetch found out about each query (its zone
	 * and the hash of its name, under the name's length), so that the
	 * answer does not look again; `hint` is the one of the query being
	 * answered, NULL outside a batch. */
	struct answer_hint {
		const st_zone_t *zone;
		uint32_t hash;
		uint8_t name_len;
	} hints[ST_ANSWER_BATCH_MAX];
	const struct answer_hint *hint;
	st_answer_stats_t stats;
	st_route_counts_t route[2]; /* by view generation parity */
	st_sigctx_t *sigctx;	    /* made on the first signed answer */
	st_asign_t asign;
	/* A TSIG-signed query: the response is signed (or carries the TSIG
	 * error) in `room` bytes kept free at the end. */
	bool signing;
	size_t room;
	st_tsig_t tsig;

	/* The response being made: its rcode and TC, and for rate limiting
	 * its class and the name the class is about (pointing into the view). */
	unsigned rcode;
	bool tc;
	st_rrl_class_t cls;
	const uint8_t *cls_name;
	uint8_t cls_name_len;
	/* ST_COOKIE_SEEN_* for the query, -1: no cookie (or cookies off). */
	int cookie;

	/* This worker's rate limiting table, made on first need with the
	 * table_size it is for. */
	st_rrl_t *rrl;
	uint32_t rrl_size;
	uint64_t (*clock)(void); /* monotonic ns for rate limiting */
};

/* Look at the query's COOKIE option (server.cookies on): set ctx->cookie,
 * count it, and put the server cookie the response carries in
 * ctx->q.cookie_reply: the one received when it is valid and young, a
 * fresh one otherwise (RFC 7873 5.2, RFC 9018 4.3). */
void st_edge_cookie(st_answer_ctx_t *ctx, const st_view_t *view, const st_sockaddr_t *client);

/* Rate limiting of a UDP response about to go out (server.rrl on): what to
 * do with it. A client with a valid server cookie and an exempt network
 * are sent everything. */
st_rrl_action_t st_edge_limit(st_answer_ctx_t *ctx, const st_view_t *view,
			      const st_sockaddr_t *client);

#endif
