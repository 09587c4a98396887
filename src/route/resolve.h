/* One resolution in progress, shared by the policies (policy.c) and the
 * explanation of their decisions (trace.c): the state both walk and the
 * health reads, inlined into the policies on the query path. */
#ifndef ST_ROUTE_RESOLVE_H
#define ST_ROUTE_RESOLVE_H

#include "route/policy.h"
#include "health/health.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct ctx {
	const st_route_t *rt;
	const st_route_record_t *rec; /* the record whose policy runs (nested: the target) */
	const st_client_t *client;
	const struct st_health *h;
	uint64_t *rng;
	st_route_result_t *res;
	st_trace_t *tr;
	bool ignore_health; /* Route 53 all-down mode: every endpoint counts as healthy */
	bool probe;	    /* only asking whether the policy has a healthy answer */
	st_geo_loc_t loc;
} ctx_t;

/* Out of line in policy.c (they run the policies of the records they lead
 * to): is the record up (its policy has a healthy answer for this client,
 * on_all_down aside), is a cname endpoint into routed names up, is a region
 * with such endpoints healthy. */
bool st_route_record_ok(ctx_t *c, const st_route_record_t *rec);
bool st_route_via_up(ctx_t *c, const st_route_endpoint_t *ep);
bool st_route_region_live_via(ctx_t *c, const st_route_region_t *rg);

/* The endpoint's health, whatever the all-down mode. */
static inline bool ep_live(ctx_t *c, uint32_t e)
{
	if (!c->h)
		return true;
	if (!st_health_up(c->h, e))
		return false;
	const st_route_endpoint_t *ep = &c->rt->endpoints[e];
	return !ep->has_via || st_route_via_up(c, ep);
}

static inline bool ep_up(ctx_t *c, uint32_t e)
{
	return c->ignore_health || ep_live(c, e);
}

static inline bool ep_ok(ctx_t *c, uint32_t e)
{
	return st_route_endpoint_serves(&c->rt->endpoints[e], c->rec->type) && ep_up(c, e);
}

/* Region health counts endpoints of every family: the policy picks a region
 * the same way for A and AAAA (a dual-stack client must not be sent to one
 * region over IPv4 and another over IPv6); a region that lacks the asked
 * family then answers NODATA. */
static inline bool region_healthy(const st_route_region_t *rg, const struct st_health *h)
{
	uint32_t up = 0;
	for (uint32_t i = 0; i < rg->n_endpoints; i++)
		if (!h || st_health_up(h, rg->endpoints[i]))
			if (++up >= rg->min_healthy)
				return true;
	return false;
}

/* The region's health as st_route_region_healthy counts it, with the
 * health of cname endpoints that follow routed names. */
static inline bool region_live(ctx_t *c, const st_route_region_t *rg)
{
	return rg->has_via ? st_route_region_live_via(c, rg) : region_healthy(rg, c->h);
}

/* Inlined all the way (a call per candidate region was most of what
 * weighing three regions cost): a plain record's regions cost no more than
 * before records could name records. */
static inline __attribute__((always_inline)) bool region_ok(ctx_t *c, uint32_t r)
{
	const st_route_region_t *rg = &c->rt->regions[r];
	if (!c->ignore_health)
		return region_live(c, rg);
	return rg->n_endpoints > 0;
}

/* ---- candidates: regions, or records ("@name") ---- */

static inline const st_route_record_t *target_record(const ctx_t *c, uint32_t t)
{
	return &c->rt->records[t & ~ST_ROUTE_RECORD];
}

static inline bool target_ok(ctx_t *c, uint32_t t)
{
	if (__builtin_expect(st_route_is_record(t), 0))
		return st_route_record_ok(c, target_record(c, t));
	return region_ok(c, t);
}

static inline bool weight_item_ok(ctx_t *c, const st_route_weight_t *w)
{
	return w->is_region ? target_ok(c, w->index) : ep_up(c, w->index);
}

/* ---- the trace (trace.c): what explain shows of the decision ---- */

const char *st_route_target_name(const ctx_t *c, uint32_t t);
const char *st_route_weight_name(const ctx_t *c, const st_route_weight_t *w);
/* How the region picked its endpoint(s) by its select rule. */
void st_route_trace_select(ctx_t *c, const st_route_region_t *rg, st_select_t sel);
/* A region as a candidate: its endpoints' states and its health (nothing
 * without a trace, as st_route_trace_target). */
void st_route_trace_region(ctx_t *c, uint32_t r, const char *prefix);
/* A candidate, region or record. */
void st_route_trace_target(ctx_t *c, uint32_t t, const char *prefix);
/* Each item of a weighted record. */
void st_route_trace_weights(ctx_t *c);

#endif
