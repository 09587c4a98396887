/* The query engine's entry point: parse, refuse or limit what it must
 * (RFC 6891, 7873, 8482, 8945), find the zone, hand transfers to xfr, walk
 * the zone for the answer (lookup.c), finish and count the response. */
#include "answer/lookup.h"
#include "common/time.h"
#include "dns/tsig.h"
#include "xfr/xfr.h"
#include "zone/zone.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

st_answer_ctx_t *st_answer_ctx_new(uint64_t seed)
{
	st_answer_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (ctx) {
		ctx->rng = seed;
		ctx->clock = st_mono_ns;
	}
	return ctx;
}

void st_answer_ctx_clock(st_answer_ctx_t *ctx, uint64_t (*now_ns)(void))
{
	ctx->clock = now_ns ? now_ns : st_mono_ns;
}

void st_answer_ctx_free(st_answer_ctx_t *ctx)
{
	if (!ctx)
		return;
	st_sigctx_free(ctx->sigctx);
	st_rrl_free(ctx->rrl);
	free(ctx);
}

const st_sign_stats_t *st_answer_ctx_sign_stats(const st_answer_ctx_t *ctx)
{
	return ctx->sigctx ? st_sigctx_stats(ctx->sigctx) : NULL;
}

const st_answer_stats_t *st_answer_ctx_stats(const st_answer_ctx_t *ctx)
{
	return &ctx->stats;
}

const st_route_counts_t *st_answer_ctx_route(const st_answer_ctx_t *ctx, uint64_t generation)
{
	return &ctx->route[generation & 1];
}

void st_answer_ctx_route_reset(st_answer_ctx_t *ctx, uint64_t generation)
{
	st_route_counts_t *c = &ctx->route[generation & 1];
	for (size_t i = 0; i < ST_STATS_ROUTE_MAX; i++) {
		__atomic_store_n(&c->record[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->region[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&c->endpoint[i], 0, __ATOMIC_RELAXED);
	}
}

/* ---- the entry point ---- */

static size_t max_response(const st_answer_ctx_t *ctx, const st_view_t *view,
			   const st_query_t *q, st_transport_t transport, size_t outcap)
{
	size_t max;
	if (transport == ST_TRANSPORT_TCP) {
		max = 65535;
	} else if (q->has_edns) {
		size_t cap =
		    view && view->udp_max_payload ? view->udp_max_payload : ST_DNS_DEFAULT_UDP;
		if (cap < ST_DNS_MIN_UDP)
			cap = ST_DNS_MIN_UDP;
		max = q->edns_payload < ST_DNS_MIN_UDP ? ST_DNS_MIN_UDP : q->edns_payload;
		if (max > cap)
			max = cap;
	} else {
		max = ST_DNS_MIN_UDP;
	}
	/* A signed answer keeps room for its TSIG record. */
	max = max < outcap ? max : outcap;
	return max > ctx->room ? max - ctx->room : 0;
}

static uint16_t server_payload(const st_view_t *view)
{
	uint16_t p = view && view->udp_max_payload ? view->udp_max_payload : ST_DNS_DEFAULT_UDP;
	return p < ST_DNS_MIN_UDP ? ST_DNS_MIN_UDP : p;
}

static void count(st_answer_ctx_t *ctx, const st_query_t *q, unsigned rcode,
		  st_transport_t transport, bool tc)
{
	st_answer_stats_t *st = &ctx->stats;
	st_stat_inc(&st->queries);
	st_stat_inc(&st->rcode[st_answer_rcode_bucket(rcode)]);
	if (q->has_question)
		st_stat_inc(&st->qtype[st_answer_qtype_bucket(q->qtype)]);
	st_stat_inc(&st->transport[transport == ST_TRANSPORT_TCP ? 1 : 0]);
	if (q->has_edns)
		st_stat_inc(&st->edns);
	if (q->has_ecs)
		st_stat_inc(&st->ecs);
	if (tc)
		st_stat_inc(&st->truncated);
}

/* What the response is, for counting and rate limiting. */
static void made(st_answer_ctx_t *ctx, unsigned rcode, bool tc, st_rrl_class_t cls,
		 const uint8_t *name, uint8_t name_len)
{
	ctx->rcode = rcode;
	ctx->tc = tc;
	ctx->cls = cls;
	ctx->cls_name = name;
	ctx->cls_name_len = name_len;
}

/* A response with no records: errors, REFUSED, BADVERS, and the truncated
 * or BADCOOKIE answer that rate limiting lets slip. */
static size_t reply_rcode(st_answer_ctx_t *ctx, const st_view_t *view, const st_query_t *q,
			  unsigned rcode, bool ecs, int ede, st_transport_t transport, uint8_t *out,
			  size_t outcap)
{
	st_resp_t r;
	size_t max = max_response(ctx, view, q, transport, outcap);
	if (st_resp_begin(&r, out, max, q, true) < 0 && st_resp_begin(&r, out, max, q, false) < 0)
		return 0;
	st_resp_set_rcode(&r, rcode & 0x0f);
	if (q->has_edns && st_resp_opt(&r, q, server_payload(view), rcode, ecs, 0, ede) < 0)
		return 0;
	made(ctx, rcode, false, ST_RRL_ERROR, NULL, 0);
	return st_resp_finish(&r);
}

/* The rate limiting class of an answer from a zone (Knot's and BIND's):
 * NXDOMAIN per zone, a referral per delegation point, a wildcard answer
 * per wildcard, an empty one per name, records per name and type. */
static void made_lookup(const lookup_t *lk)
{
	const st_query_t *q = lk->q;
	st_answer_ctx_t *ctx = lk->ctx;
	if (lk->nx && lk->rcode != ST_RCODE_SERVFAIL)
		made(ctx, lk->rcode, lk->trunc, ST_RRL_NXDOMAIN, lk->apex_node->name,
		     lk->apex_node->name_len);
	else if (lk->rcode != ST_RCODE_NOERROR)
		made(ctx, lk->rcode, lk->trunc, ST_RRL_ERROR, NULL, 0);
	else if (lk->cut && lk->r.count[ST_SECTION_ANSWER] == 0)
		made(ctx, lk->rcode, lk->trunc, ST_RRL_REFERRAL, lk->cut->name, lk->cut->name_len);
	else if (lk->wild)
		made(ctx, lk->rcode, lk->trunc, ST_RRL_WILDCARD, lk->wild->name,
		     lk->wild->name_len);
	else if (lk->r.count[ST_SECTION_ANSWER] == 0)
		made(ctx, lk->rcode, lk->trunc, ST_RRL_NODATA, q->qname, q->qname_len);
	else
		made(ctx, lk->rcode, lk->trunc, ST_RRL_ANSWER, q->qname, q->qname_len);
}

/* RFC 4035 3.1.4.1: DS at a zone's apex is the parent's data; a server
 * for both sides answers it from the closest enclosing zone it serves. */
static const st_zone_t *ds_zone(const st_zoneset_t *zones, const st_zone_t *zone,
				const st_query_t *q)
{
	uint8_t apex_len;
	st_zone_apex(zone, &apex_len);
	if (q->qname_len != apex_len || q->qname[0] == 0)
		return zone;
	size_t skip = q->qname[0] + 1u;
	const st_zone_t *parent =
	    st_zoneset_find(zones, q->qname + skip, q->qname_len - skip);
	return parent ? parent : zone;
}

/* A TSIG-signed query (RFC 8945 section 5.2): checked against the view's
 * keys. A malformed record is a FORMERR; a failed check is answered
 * NOTAUTH with the TSIG error; else the response will be signed. Returns a
 * response length, or 0 to go on answering. */
static size_t tsig_check(st_answer_ctx_t *ctx, const st_view_t *view, const uint8_t *query,
			 size_t len, st_transport_t transport, uint8_t *out, size_t outcap)
{
	const st_query_t *q = &ctx->q;
	size_t n_keys;
	const st_tsig_key_t *keys = st_xfr_set_keys(view ? view->xfr : NULL, &n_keys);
	if (st_tsig_verify_request(&ctx->tsig, keys, n_keys, query, len, q->tsig_off,
				   (uint64_t)time(NULL)) < 0)
		return reply_rcode(ctx, view, q, ST_RCODE_FORMERR, false, -1, transport, out,
				   outcap);
	ctx->signing = true;
	ctx->room = st_tsig_size(&ctx->tsig);
	st_stat_inc(&ctx->stats.tsig);
	if (ctx->tsig.error == ST_TSIG_NOERROR)
		return 0;
	st_stat_inc(&ctx->stats.tsig_failed);
	return reply_rcode(ctx, view, q, ST_RCODE_NOTAUTH, false, -1, transport, out, outcap);
}

/* An authoritative answer with one record in zone wire form (TYPE CLASS
 * TTL RDLENGTH RDATA) under the question name; with TC and no record when
 * rr is NULL or the record does not fit. */
static size_t reply_record(st_answer_ctx_t *ctx, const st_view_t *view, const st_query_t *q,
			   st_transport_t transport, uint8_t *out, size_t outcap, const uint8_t *rr,
			   size_t rr_len)
{
	st_resp_t r;
	size_t max = max_response(ctx, view, q, transport, outcap);
	size_t opt = q->has_edns ? st_resp_opt_size(q, false, false) : 0;
	if (st_resp_begin(&r, out, max, q, true) < 0 || r.len + opt > max)
		return 0;
	r.limit = max - opt;
	st_resp_set_aa(&r, true);
	bool tc = !rr || st_resp_rr(&r, ST_SECTION_ANSWER, ST_RESP_QNAME_OFF, rr, rr_len,
				    UINT32_MAX) < 0;
	if (tc)
		out[2] |= ST_FLAG1_TC;
	if (q->has_edns)
		st_resp_opt(&r, q, server_payload(view), 0, false, 0, -1);
	made(ctx, ST_RCODE_NOERROR, tc, ST_RRL_ANSWER, q->qname, q->qname_len);
	return st_resp_finish(&r);
}

/* AXFR and IXFR that reach the engine: over UDP (RFC 5936 section 4.2
 * refuses AXFR; RFC 1995 section 2 answers IXFR with the SOA when the
 * client is up to date, else a truncated answer that sends it to TCP), and
 * over TCP when no transfer service took them (refused). */
static size_t transfer(st_answer_ctx_t *ctx, const st_view_t *view, const st_zone_t *zone,
		       const uint8_t *query, size_t len, const st_sockaddr_t *client,
		       st_transport_t transport, uint8_t *out, size_t outcap)
{
	const st_query_t *q = &ctx->q;
	st_xfr_plan_t plan = {.kind = ST_XFR_REFUSED};
	if (transport == ST_TRANSPORT_UDP && view->xfr &&
	    st_xfr_decide(view->xfr, zone, q, query, len, client,
			  ctx->signing ? ctx->tsig.key : NULL, true, &plan) < 0)
		return reply_rcode(ctx, view, q, ST_RCODE_FORMERR, false, -1, transport, out,
				   outcap);
	st_xfr_stats_t *st = plan.xz ? st_xfr_zone_stats(plan.xz) : NULL;
	if (plan.kind == ST_XFR_NOTAUTH)
		return reply_rcode(ctx, view, q, ST_RCODE_NOTAUTH, false, -1, transport, out,
				   outcap);
	if (plan.kind == ST_XFR_REFUSED) {
		if (st)
			atomic_fetch_add_explicit(&st->refused, 1, memory_order_relaxed);
		return reply_rcode(ctx, view, q, ST_RCODE_REFUSED, true,
				   q->qtype == ST_TYPE_AXFR ? ST_EDE_NOT_SUPPORTED : ST_EDE_PROHIBITED,
				   transport, out, outcap);
	}
	atomic_fetch_add_explicit(plan.kind == ST_XFR_UPTODATE ? &st->uptodate : &st->udp_tc, 1,
				  memory_order_relaxed);
	if (plan.kind != ST_XFR_UPTODATE)
		return reply_record(ctx, view, q, transport, out, outcap, NULL, 0);
	/* TYPE CLASS TTL, then the SOA's RDLENGTH and RDATA as the zone holds them. */
	const st_rrset_t *soa = st_node_rrset(st_zone_apex_node(zone), ST_TYPE_SOA);
	uint8_t rr[8 + 2 + 2 * ST_DNS_MAX_NAME + 20];
	size_t rdlen = st_rr_rdlen(soa->rdata);
	if (8 + 2 + rdlen > sizeof(rr))
		return reply_record(ctx, view, q, transport, out, outcap, NULL, 0);
	st_put16(rr, ST_TYPE_SOA);
	st_put16(rr + 2, ST_CLASS_IN);
	st_put32(rr + 4, soa->ttl);
	memcpy(rr + 8, soa->rdata, 2 + rdlen);
	return reply_record(ctx, view, q, transport, out, outcap, rr, 10 + rdlen);
}

/* Is the question name (lower case) this wire name? */
static bool qname_is(const st_query_t *q, const char *wire, size_t len)
{
	return q->qname_len == len && memcmp(q->qname, wire, len) == 0;
}

/* CHAOS TXT id.server. and hostname.bind. (server.identity), version.server.
 * and version.bind. (server.version), as BIND, NSD and Knot answer them
 * (RFC 4892); anything else in class CHAOS, or a text not configured, is
 * REFUSED. */
static size_t chaos(st_answer_ctx_t *ctx, const st_view_t *view, const st_query_t *q,
		    st_transport_t transport, uint8_t *out, size_t outcap)
{
	const char *text = NULL;
	if (qname_is(q, "\2id\6server", 11) || qname_is(q, "\10hostname\4bind", 15))
		text = view ? view->identity : NULL;
	else if (qname_is(q, "\7version\6server", 16) || qname_is(q, "\7version\4bind", 14))
		text = view ? view->version : NULL;
	if (!text || (q->qtype != ST_TYPE_TXT && q->qtype != ST_TYPE_ANY))
		return reply_rcode(ctx, view, q, ST_RCODE_REFUSED, true, ST_EDE_NOT_AUTHORITATIVE,
				   transport, out, outcap);
	/* TYPE CLASS TTL RDLENGTH, then one character-string (at most 255). */
	uint8_t rr[11 + 255];
	size_t tl = strlen(text);
	tl = tl > 255 ? 255 : tl;
	st_put16(rr, ST_TYPE_TXT);
	st_put16(rr + 2, ST_CLASS_CH);
	st_put32(rr + 4, 0);
	st_put16(rr + 8, (uint16_t)(tl + 1));
	rr[10] = (uint8_t)tl;
	memcpy(rr + 11, text, tl);
	return reply_record(ctx, view, q, transport, out, outcap, rr, 11 + tl);
}

static size_t answer_one(st_answer_ctx_t *ctx, const st_view_t *view, const uint8_t *query,
			 size_t len, const st_sockaddr_t *client, st_transport_t transport,
			 uint8_t *out, size_t outcap)
{
	st_query_t *q = &ctx->q;
	int ret = st_query_parse(query, len, q);
	if (ret == ST_EDROP || outcap < ST_DNS_HEADER_LEN)
		return 0;
	st_edge_cookie(ctx, view, client);
	if (q->has_nsid && view && view->nsid) {
		q->nsid_reply = view->nsid;
		q->nsid_reply_len = view->nsid_len;
	}
	if (ret == ST_ENOTIMP)
		return reply_rcode(ctx, view, q, ST_RCODE_NOTIMP, false, -1, transport, out,
				   outcap);
	/* RFC 7873 5.4: a query without a question that brings a cookie asks
	 * for a server cookie: an empty answer that carries one, NOERROR, or
	 * BADCOOKIE when the server cookie it showed is not valid. */
	if (ret == ST_EFORMERR && q->no_question && q->cookie_reply_len && q->edns_version == 0)
		return reply_rcode(ctx, view, q,
				   ctx->cookie == ST_COOKIE_SEEN_INVALID ? ST_RCODE_BADCOOKIE
									 : ST_RCODE_NOERROR,
				   false, -1, transport, out, outcap);
	if (ret < 0)
		return reply_rcode(ctx, view, q, ST_RCODE_FORMERR, false, -1, transport, out,
				   outcap);
	if (q->has_edns && q->edns_version > 0)
		return reply_rcode(ctx, view, q, ST_RCODE_BADVERS, false, -1, transport, out,
				   outcap);
	if (q->has_tsig) {
		size_t n = tsig_check(ctx, view, query, len, transport, out, outcap);
		if (n > 0)
			return n;
	}
	if (q->qtype == ST_TYPE_OPT || q->qtype == ST_TYPE_TSIG || q->qtype == ST_TYPE_TKEY)
		return reply_rcode(ctx, view, q, ST_RCODE_FORMERR, true, -1, transport, out,
				   outcap);
	if (q->qtype == ST_TYPE_MAILA || q->qtype == ST_TYPE_MAILB)
		return reply_rcode(ctx, view, q, ST_RCODE_NOTIMP, true, -1, transport, out, outcap);

	if (q->qclass == ST_CLASS_CH)
		return chaos(ctx, view, q, transport, out, outcap);

	const st_zone_t *zone = NULL;
	const struct answer_hint *hint = ctx->hint;
	if (hint && (hint->name_len != q->qname_len || !hint->zone))
		hint = NULL; /* not the name the prefetch saw (or no zone: look again) */
	if (q->qclass == ST_CLASS_IN && view && view->zones) {
		zone = hint ? hint->zone : st_zoneset_find(view->zones, q->qname, q->qname_len);
		if (zone && q->qtype == ST_TYPE_DS)
			zone = ds_zone(view->zones, zone, q);
	}
	/* Not ours: REFUSED with Extended DNS Error 20 (RFC 8914). */
	if (!zone)
		return reply_rcode(ctx, view, q, ST_RCODE_REFUSED, true, ST_EDE_NOT_AUTHORITATIVE,
				   transport, out, outcap);
	if (q->qtype == ST_TYPE_AXFR || q->qtype == ST_TYPE_IXFR)
		return transfer(ctx, view, zone, query, len, client, transport, out, outcap);

	lookup_t lk;
	lk.keys = NULL;
	lk.sig = NULL;
	lk.types = NULL;
	lk.neg_ttl_max = UINT32_MAX;
	/* A zone signed online: DNSKEY, CDS and CDNSKEY come from its signer,
	 * and with DO the answer is signed; NSEC and RRSIG are made by it,
	 * with DO or without (RFC 4035 3.1: then they are RRsets like any
	 * other). Other queries never look. */
	bool dnssec_type = q->qtype == ST_TYPE_NSEC || q->qtype == ST_TYPE_RRSIG;
	if (q->edns_do || dnssec_type || st_lookup_key_type(q->qtype) ||
	    q->qtype == ST_TYPE_NXNAME) {
		const st_signer_t *signer = st_zoneset_ext(view->zones, zone);
		if (signer) {
			/* RFC 9824 3.5: NXNAME is no type to ask for. */
			if (q->qtype == ST_TYPE_NXNAME)
				return reply_rcode(ctx, view, q, ST_RCODE_FORMERR, true,
						   ST_EDE_INVALID_QUERY_TYPE, transport, out,
						   outcap);
			lk.keys = st_signer_state(signer);
			bool signs = q->edns_do || dnssec_type;
			if (signs && !ctx->sigctx && !(ctx->sigctx = st_sigctx_new()))
				return reply_rcode(ctx, view, q, ST_RCODE_SERVFAIL, true, -1,
						   transport, out, outcap);
			if (signs)
				st_asign_begin(&ctx->asign, ctx->sigctx, lk.keys,
					       st_zone_apex_node(zone));
			lk.sig = q->edns_do ? &ctx->asign : NULL;
			lk.types = dnssec_type ? &ctx->asign : NULL;
		}
	}
	lk.ctx = ctx;
	lk.view = view;
	lk.q = q;
	lk.client = client;
	lk.zone = zone;
	lk.qhash_ok = hint != NULL;
	lk.qhash = hint ? hint->hash : 0;
	lk.apex_node = st_zone_apex_node(zone);
	lk.apex_labels = lk.apex_node->labels;
	lk.apex_len = lk.apex_node->name_len;
	lk.cut = NULL;
	lk.wild = NULL;
	lk.nx = false;
	lk.rcode = ST_RCODE_NOERROR;
	lk.aa = true;
	lk.trunc = false;
	lk.scope = 0;
	lk.n_add = 0;
	lk.n_visited = 0;
	memcpy(lk.name, q->qname, q->qname_len);
	lk.name_len = q->qname_len;
	lk.name_off = ST_RESP_QNAME_OFF;

	size_t max = max_response(ctx, view, q, transport, outcap);
	size_t opt = q->has_edns ? st_resp_opt_size(q, true, false) : 0;
	if (st_resp_begin(&lk.r, out, max, q, true) < 0 || lk.r.len + opt > max)
		return reply_rcode(ctx, view, q, ST_RCODE_SERVFAIL, false, -1, transport, out,
				   outcap);
	lk.r.limit = max - opt;

	st_lookup_run(&lk);
	made_lookup(&lk);
	if (lk.rcode == ST_RCODE_SERVFAIL) {
		/* Nothing half-made goes out with a failure. */
		lk.r.len = lk.r.question_end;
		lk.r.count[0] = lk.r.count[1] = lk.r.count[2] = 0;
		lk.aa = false;
	}
	if (lk.trunc) {
		lk.r.len = lk.r.question_end;
		lk.r.count[0] = lk.r.count[1] = lk.r.count[2] = 0;
		out[2] |= ST_FLAG1_TC;
	}
	st_resp_set_aa(&lk.r, lk.aa);
	st_resp_set_rcode(&lk.r, lk.rcode);
	if (q->has_edns)
		st_resp_opt(&lk.r, q, server_payload(view), lk.rcode, true, lk.scope, -1);
	ctx->tc = lk.trunc;
	return st_resp_finish(&lk.r);
}

size_t st_answer(st_answer_ctx_t *ctx, const st_view_t *view, const uint8_t *query, size_t len,
		 const st_sockaddr_t *client, st_transport_t transport, uint8_t *out, size_t outcap)
{
	ctx->signing = false;
	ctx->room = 0;
	size_t n = answer_one(ctx, view, query, len, client, transport, out, outcap);
	if (n == 0) {
		st_stat_inc(&ctx->stats.dropped);
		return 0;
	}
	/* Over UDP only: a TCP client proved its address. */
	if (transport == ST_TRANSPORT_UDP && view && view->conf && view->conf->rrl.enabled) {
		switch (st_edge_limit(ctx, view, client)) {
		case ST_RRL_SEND:
			break;
		case ST_RRL_DROP:
			return 0;
		case ST_RRL_SLIP: {
			/* No records: truncated, so that a real client retries over
			 * TCP; to one that sent a cookie but no valid server cookie,
			 * BADCOOKIE with a fresh one, so it can retry over UDP with
			 * it (RFC 7873 5.2.3). */
			const st_query_t *q = &ctx->q;
			bool badcookie = ctx->cookie >= 0 && q->has_edns;
			n = reply_rcode(ctx, view, q, badcookie ? ST_RCODE_BADCOOKIE : ctx->rcode,
					true, -1, transport, out, outcap);
			if (n == 0)
				return 0;
			if (!badcookie) {
				out[2] |= ST_FLAG1_TC;
				ctx->tc = true;
			}
			break;
		}
		}
	}
	/* The answer to a signed query is signed, in the room kept for it. */
	if (ctx->signing && st_tsig_sign(&ctx->tsig, out, &n, outcap, (uint64_t)time(NULL)) < 0)
		return 0;
	count(ctx, &ctx->q, ctx->rcode, transport, ctx->tc);
	return n;
}

void st_answer_prefetch(const st_view_t *view, const uint8_t *query, size_t len, st_zone_pf_t *pf)
{
	const st_zone_t *zone = NULL;
	size_t name_len = 0;
	uint16_t qtype = view && view->zones ? st_query_peek(query, len, &name_len) : 0;
	if (qtype)
		zone = st_zoneset_find(view->zones, query + ST_DNS_HEADER_LEN, name_len);
	st_zone_prefetch(pf, zone, query + ST_DNS_HEADER_LEN, name_len, qtype);
}

void st_answer_batch(st_answer_ctx_t *ctx, const st_view_t *view, st_answer_msg_t *msgs, size_t n,
		     st_transport_t transport)
{
	if (n > ST_ANSWER_BATCH_MAX)
		n = ST_ANSWER_BATCH_MAX;
	for (size_t i = 0; i < n; i++) {
		st_answer_prefetch(view, msgs[i].query, msgs[i].len, &ctx->pf[i]);
		ctx->hints[i] = (struct answer_hint){.zone = ctx->pf[i].zone,
						     .hash = ctx->pf[i].hash,
						     .name_len = ctx->pf[i].name_len};
	}
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < n; i++)
			more |= st_zone_prefetch_step(&ctx->pf[i]);
	}
	for (size_t i = 0; i < n; i++) {
		ctx->hint = &ctx->hints[i];
		msgs[i].out_len = st_answer(ctx, view, msgs[i].query, msgs[i].len, msgs[i].client,
					    transport, msgs[i].out, msgs[i].outcap);
	}
	ctx->hint = NULL;
}
