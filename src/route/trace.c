/* The trace of a resolution (steerctl explain): what the policies in
 * policy.c decided and why, in words. Runs only when a trace is asked for,
 * never on the query path. */
#include "route/resolve.h"

#include "dns/rrtype.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void st_trace_add(st_trace_t *t, const char *fmt, ...)
{
	if (t->pos >= t->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->pos, t->len - t->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= t->len - t->pos) {
		t->pos = t->len;
		t->cut = true;
	} else {
		t->pos += (size_t)n;
	}
}

const char *st_route_target_name(const ctx_t *c, uint32_t t)
{
	return st_route_is_record(t) ? target_record(c, t)->name : c->rt->regions[t].name;
}

const char *st_route_weight_name(const ctx_t *c, const st_route_weight_t *w)
{
	return w->is_region ? st_route_target_name(c, w->index) : c->rt->endpoints[w->index].name;
}

/* An endpoint's state as explain names it: an override is said as such
 * (a drain is not a failure, a forced state not the checker's). */
static const char *ep_state(ctx_t *c, uint32_t e)
{
	switch (c->h ? st_health_get_override(c->h, e) : ST_OVERRIDE_NONE) {
	case ST_OVERRIDE_DRAIN:
		return "drained";
	case ST_OVERRIDE_UP:
		return "forced up";
	case ST_OVERRIDE_DOWN:
		return "forced down";
	default:
		if (c->h && !st_health_up(c->h, e))
			return "down";
		return ep_live(c, e) ? "up"
				     : "down (its cname's routed target has no healthy answer)";
	}
}

void st_route_trace_select(ctx_t *c, const st_route_region_t *rg, st_select_t sel)
{
	const char *all = c->ignore_health ? ", every endpoint counted healthy" : "";
	if (sel == ST_SELECT_ALL) {
		st_trace_add(c->tr, "region %s selects (all): every usable endpoint%s\n", rg->name,
			     all);
		return;
	}
	if (sel == ST_SELECT_MULTIVALUE) {
		st_trace_add(c->tr,
			     "region %s selects (multivalue): up to %u usable endpoints, which "
			     "and in what order by one random draw%s\n",
			     rg->name, rg->select_max, all);
		return;
	}
	uint64_t sum = 0;
	uint32_t usable = 0;
	for (uint32_t i = 0; i < rg->n_endpoints; i++) {
		uint32_t e = rg->endpoints[i];
		if (ep_ok(c, e)) {
			usable++;
			sum += c->rt->endpoints[e].weight;
		}
	}
	const st_route_result_t *res = c->res;
	bool got = c->rec->type == ST_TYPE_CNAME ? res->cname != NULL : res->n > 0;
	if (!got) {
		st_trace_add(c->tr, "region %s selects (weighted): no usable endpoint%s\n",
			     rg->name, all);
		return;
	}
	uint32_t e = c->rec->type == ST_TYPE_CNAME ? res->endpoints[0] : res->endpoints[res->n - 1];
	uint32_t w = c->rt->endpoints[e].weight;
	if (usable <= 1)
		st_trace_add(c->tr,
			     "region %s selects (weighted): %s, its only usable endpoint%s\n",
			     rg->name, c->rt->endpoints[e].name, all);
	else if (rg->sticky.on)
		st_trace_add(c->tr,
			     "region %s selects (weighted, sticky): %s, the highest rendezvous "
			     "hash of the client's subnet among %u usable endpoints (weight %u "
			     "of %llu)%s\n",
			     rg->name, c->rt->endpoints[e].name, usable, w, (unsigned long long)sum,
			     all);
	else if (sum > 0 && w > 0)
		st_trace_add(c->tr,
			     "region %s selects (weighted): %s by one random draw among %u usable "
			     "endpoints (weight %u of %llu: %.0f%% of answers)%s\n",
			     rg->name, c->rt->endpoints[e].name, usable, w, (unsigned long long)sum,
			     100.0 * w / (double)sum, all);
	else
		st_trace_add(c->tr,
			     "region %s selects (weighted): %s by one random draw among the "
			     "zero-weight backups%s\n",
			     rg->name, c->rt->endpoints[e].name, all);
}

void st_route_trace_region(ctx_t *c, uint32_t r, const char *prefix)
{
	if (!c->tr)
		return;
	const st_route_region_t *rg = &c->rt->regions[r];
	uint32_t up = 0, serve = 0;
	char notes[256];
	size_t nl = 0;
	notes[0] = '\0';
	for (uint32_t i = 0; i < rg->n_endpoints; i++) {
		uint32_t e = rg->endpoints[i];
		serve += st_route_endpoint_serves(&c->rt->endpoints[e], c->rec->type);
		if (ep_live(c, e))
			up++;
		const char *state = ep_state(c, e);
		if (strcmp(state, "up") != 0 && nl < sizeof(notes)) {
			int k = snprintf(notes + nl, sizeof(notes) - nl, "%s%s %s",
					 nl ? ", " : " (", c->rt->endpoints[e].name, state);
			nl += k > 0 ? (size_t)k : 0;
		}
	}
	st_trace_add(c->tr,
		     "%s%s: %u/%u endpoints up%s%s, %u with %s data (min_healthy %u) -> %s, "
		     "dial %u\n",
		     prefix, rg->name, up, rg->n_endpoints, notes, nl ? ")" : "", serve,
		     st_rrtype_name(c->rec->type), rg->min_healthy,
		     region_live(c, rg) ? "healthy" : "down",
		     atomic_load_explicit(&rg->dial, memory_order_relaxed));
}

void st_route_trace_target(ctx_t *c, uint32_t t, const char *prefix)
{
	if (!c->tr)
		return;
	if (!st_route_is_record(t)) {
		st_route_trace_region(c, t, prefix);
		return;
	}
	const st_route_record_t *rec = target_record(c, t);
	st_trace_add(c->tr, "%s%s: record %s (%s), policy %s -> %s\n", prefix, rec->name,
		     st_rrtype_name(rec->type), rec->source, st_policy_name(rec->policy),
		     c->ignore_health		  ? "counted healthy"
		     : st_route_record_ok(c, rec) ? "has a healthy answer"
						  : "no healthy answer");
}

void st_route_trace_weights(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	for (uint32_t i = 0; i < rec->n_weights; i++) {
		const st_route_weight_t *w = &rec->weights[i];
		if (w->is_region && st_route_is_record(w->index)) {
			st_route_trace_target(c, w->index, "  weight ");
			continue;
		}
		bool ok = weight_item_ok(c, w);
		st_trace_add(
		    c->tr, "  %s %s: weight %u, %s\n", w->is_region ? "region" : "endpoint",
		    st_route_weight_name(c, w), w->weight,
		    w->is_region ? (ok ? "healthy" : "down")
		    : ok	 ? (strcmp(ep_state(c, w->index), "up") == 0 ? "healthy"
									     : ep_state(c, w->index))
				 : ep_state(c, w->index));
	}
}
