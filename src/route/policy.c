/* The policies: each record picks region(s) by its policy, then the region
 * picks endpoint addresses by its select rule, reading health on the way.
 * Runs per query: no allocation, no locks, O(regions + endpoints). The same
 * code explains its decisions when given a trace (steerctl explain).
 *
 * Choices made where Route 53 / Global Accelerator leave room:
 * - A region is healthy with min_healthy endpoints up, whatever their
 *   address family, so A and AAAA pick the same region; a region without
 *   the asked family answers NODATA (a dual-stack client is never sent to
 *   one region over IPv4 and another over IPv6).
 * - Dials chain: in the client's order each healthy region keeps dial% of
 *   what reaches it; what every region passes on goes to the last one with
 *   a dial above 0 (the nearest healthy one when all dials are 0).
 * - cidr: the longest matching network decides; when its region is down the
 *   next shorter match, then `default`.
 * - The client is a network (its ECS source prefix): a resolver caches the
 *   answer for all of it (RFC 7871 7.3.1), so the answer must be right for
 *   all of it. A map network or database network narrower than the
 *   client's decides nothing about the rest of it: cidr takes the longest
 *   entry that holds the whole client network (Route 53 does the same),
 *   the location-based policies what the database's networks inside it have
 *   in common (route/geo.c).
 * - The ECS scope is that of the deciding network when the client came
 *   from ECS, never longer than the source prefix, and 0 when located by
 *   the resolver's own address. */
#include "route/resolve.h"

#include "common/hash.h"
#include "dns/rrtype.h"
#include "health/health.h"

#include <string.h>
#include <sys/socket.h>

#define TR(c, ...)                                                                                 \
	do {                                                                                       \
		if ((c)->tr)                                                                       \
			st_trace_add((c)->tr, __VA_ARGS__);                                        \
	} while (0)

enum { PICKED = 0, NONE_HEALTHY = 1, NO_MATCH = 2 };

/* A cname endpoint into routed names follows their health: up while one of
 * its target's routed records has a healthy answer. */
bool st_route_via_up(ctx_t *c, const st_route_endpoint_t *ep)
{
	for (int k = 0; k < ST_ROUTE_VIA_N; k++)
		if (ep->via[k] != ST_CONF_NONE &&
		    st_route_record_ok(c, &c->rt->records[ep->via[k]]))
			return true;
	return false;
}

bool st_route_region_healthy(const st_route_region_t *rg, const struct st_health *h)
{
	return region_healthy(rg, h);
}

/* The health of a region with cname endpoints that follow routed names. */
bool st_route_region_live_via(ctx_t *c, const st_route_region_t *rg)
{
	uint32_t up = 0;
	for (uint32_t i = 0; i < rg->n_endpoints; i++)
		if (ep_live(c, rg->endpoints[i]) && ++up >= rg->min_healthy)
			return true;
	return false;
}

/* The scope (ECS prefix) an answer holds for: the narrowest along the way. */
static inline void narrow_scope(ctx_t *c, uint8_t scope)
{
	if (scope > c->res->scope)
		c->res->scope = scope;
}

/* Uniform in [0, n) for 64-bit n. */
static uint64_t rand_below64(uint64_t *rng, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)st_splitmix64(rng) * n) >> 64);
}

static void add_endpoint(ctx_t *c, uint32_t e)
{
	st_route_result_t *res = c->res;
	const st_route_endpoint_t *ep = &c->rt->endpoints[e];
	if (!st_route_endpoint_serves(ep, c->rec->type))
		return; /* the choice lacks this family: NODATA */
	if (c->rec->type == ST_TYPE_CNAME) {
		if (res->cname)
			return;
		res->cname = ep->cname;
		res->cname_len = ep->cname_len;
		res->regions[0] = ep->region;
		res->endpoints[0] = e;
		return;
	}
	if (res->n >= ST_ROUTE_MAX_ADDRS)
		return;
	if (c->rec->type == ST_TYPE_A)
		memcpy(res->addrs[res->n], ep->addr4, 4);
	else
		memcpy(res->addrs[res->n], ep->addr6, 16);
	res->regions[res->n] = ep->region;
	res->endpoints[res->n] = e;
	res->n++;
}

/* Shuffle the collected addresses (Fisher-Yates) for random order. */
static void shuffle_result(ctx_t *c)
{
	st_route_result_t *res = c->res;
	for (size_t i = res->n; i > 1; i--) {
		size_t j = st_rand_below(c->rng, (uint32_t)i);
		size_t k = i - 1;
		if (j == k)
			continue;
		uint8_t a[16];
		memcpy(a, res->addrs[k], 16);
		memcpy(res->addrs[k], res->addrs[j], 16);
		memcpy(res->addrs[j], a, 16);
		uint32_t t = res->regions[k];
		res->regions[k] = res->regions[j];
		res->regions[j] = t;
		t = res->endpoints[k];
		res->endpoints[k] = res->endpoints[j];
		res->endpoints[j] = t;
	}
}

/* Reservoir sampling of up to max endpoints from a stream (then shuffled). */
typedef struct reservoir {
	uint32_t pick[ST_ROUTE_MAX_ADDRS];
	uint32_t n, seen, max;
} reservoir_t;

static void reservoir_add(reservoir_t *rs, uint64_t *rng, uint32_t e)
{
	if (rs->n < rs->max) {
		rs->pick[rs->n++] = e;
	} else {
		uint32_t j = st_rand_below(rng, rs->seen + 1);
		if (j < rs->max)
			rs->pick[j] = e;
	}
	rs->seen++;
}

static void reservoir_emit(ctx_t *c, reservoir_t *rs)
{
	for (uint32_t i = 0; i < rs->n; i++)
		add_endpoint(c, rs->pick[i]);
	shuffle_result(c);
}

/* Sticky: the usable endpoint of the highest rendezvous score (weight 0
 * ones, the backups, only when no weighted one is usable). */
static int pick_sticky_endpoint(ctx_t *c, const st_route_region_t *rg)
{
	uint8_t prefix;
	uint64_t key = st_sticky_key(c->client, &rg->sticky, &prefix);
	narrow_scope(c, prefix);
	c->res->sticky = true;
	int best = -1;
	bool weighted = false;
	double top = -1;
	for (uint32_t i = 0; i < rg->n_endpoints; i++) {
		uint32_t e = rg->endpoints[i];
		if (!ep_ok(c, e))
			continue;
		const st_route_endpoint_t *ep = &c->rt->endpoints[e];
		if (weighted && !ep->weight)
			continue;
		double v = st_sticky_score(key, ep->seed, ep->weight ? ep->weight : 1);
		if (ep->weight && !weighted) {
			weighted = true;
			top = -1;
		}
		if (v > top) {
			top = v;
			best = (int)e;
		}
	}
	return best;
}

/* Items (endpoints, or a record's weighted candidates) whose health a
 * weighted choice remembers between its two passes (more are asked again). */
#define WEIGHT_MEMO 64

/* Weighted choice among a region's usable endpoints: weight 0 = backup. */
static int pick_weighted_endpoint(ctx_t *c, const st_route_region_t *rg)
{
	if (rg->sticky.on)
		return pick_sticky_endpoint(c, rg);
	uint64_t sum = 0;
	uint32_t zero = 0;
	bool memo[WEIGHT_MEMO]; /* usable, for the second pass */
	for (uint32_t i = 0; i < rg->n_endpoints; i++) {
		uint32_t e = rg->endpoints[i];
		bool ok = ep_ok(c, e);
		if (i < WEIGHT_MEMO)
			memo[i] = ok;
		if (!ok)
			continue;
		if (c->rt->endpoints[e].weight)
			sum += c->rt->endpoints[e].weight;
		else
			zero++;
	}
	if (sum > 0) {
		uint64_t r = rand_below64(c->rng, sum);
		for (uint32_t i = 0; i < rg->n_endpoints; i++) {
			uint32_t e = rg->endpoints[i];
			uint32_t w = c->rt->endpoints[e].weight;
			if (!w || !(i < WEIGHT_MEMO ? memo[i] : ep_ok(c, e)))
				continue;
			if (r < w)
				return (int)e;
			r -= w;
		}
	} else if (zero > 0) {
		uint32_t r = st_rand_below(c->rng, zero);
		for (uint32_t i = 0; i < rg->n_endpoints; i++) {
			uint32_t e = rg->endpoints[i];
			if ((i < WEIGHT_MEMO ? memo[i] : ep_ok(c, e)) && r-- == 0)
				return (int)e;
		}
	}
	return -1;
}

/* The region picks its endpoint(s) by its select rule. */
static int select_in_region(ctx_t *c, uint32_t r)
{
	if (c->probe)
		return PICKED;
	const st_route_region_t *rg = &c->rt->regions[r];
	st_select_t sel = c->rec->type == ST_TYPE_CNAME ? ST_SELECT_WEIGHTED : rg->select;
	switch (sel) {
	case ST_SELECT_ALL:
		for (uint32_t i = 0; i < rg->n_endpoints; i++)
			if (ep_ok(c, rg->endpoints[i]))
				add_endpoint(c, rg->endpoints[i]);
		break;
	case ST_SELECT_MULTIVALUE: {
		reservoir_t rs = {.max = rg->select_max};
		for (uint32_t i = 0; i < rg->n_endpoints; i++)
			if (ep_ok(c, rg->endpoints[i]))
				reservoir_add(&rs, c->rng, rg->endpoints[i]);
		reservoir_emit(c, &rs);
		break;
	}
	case ST_SELECT_WEIGHTED:
	default: {
		int e = pick_weighted_endpoint(c, rg);
		if (e >= 0)
			add_endpoint(c, (uint32_t)e);
		break;
	}
	}
	if (c->tr)
		st_route_trace_select(c, rg, sel);
	return PICKED;
}

/* A candidate that is a record: its policy answers (the answer under the
 * queried name, no CNAME), with the smallest TTL along the way. */
static int run_policy(ctx_t *c);

static int run_nested(ctx_t *c, const st_route_record_t *rec)
{
	const st_route_record_t *up = c->rec;
	TR(c, "-> %s %s (%s), policy %s, ttl %u:\n", rec->name, st_rrtype_name(rec->type),
	   rec->source, st_policy_name(rec->policy), rec->ttl);
	if (rec->ttl < c->res->ttl)
		c->res->ttl = rec->ttl;
	if (c->res->depth < UINT8_MAX)
		c->res->depth++;
	c->rec = rec;
	int rc = run_policy(c);
	c->rec = up;
	if (rc == PICKED)
		TR(c, "<- %s answers for %s\n", rec->name, up->name);
	return rc;
}

static inline int select_target(ctx_t *c, uint32_t t)
{
	if (!st_route_is_record(t))
		return select_in_region(c, t);
	return c->probe ? PICKED : run_nested(c, target_record(c, t));
}

/* Is the record up: does its policy have a healthy answer for this client
 * (on_all_down does not count)? */
bool st_route_record_ok(ctx_t *c, const st_route_record_t *rec)
{
	if (c->ignore_health)
		return true;
	const st_route_record_t *up = c->rec;
	st_trace_t *tr = c->tr;
	bool probe = c->probe;
	c->rec = rec;
	c->tr = NULL;
	c->probe = true;
	bool ok = run_policy(c) == PICKED;
	c->rec = up;
	c->tr = tr;
	c->probe = probe;
	return ok;
}

/* ---- record policies ---- */

/* A probe of a record whose candidates all answer alike: up when some
 * candidate is, whatever their order and dials. */
static int probe_any(ctx_t *c)
{
	for (uint32_t i = 0; i < c->rec->n_regions; i++)
		if (target_ok(c, c->rec->regions[i]))
			return PICKED;
	return NONE_HEALTHY;
}

static int pol_simple(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	if (c->probe) /* health not consulted for the answer */
		return probe_any(c);
	for (uint32_t i = 0; i < rec->n_regions; i++) {
		uint32_t t = rec->regions[i];
		if (st_route_is_record(t)) {
			run_nested(c, target_record(c, t));
			continue;
		}
		const st_route_region_t *rg = &c->rt->regions[t];
		for (uint32_t j = 0; j < rg->n_endpoints; j++)
			if (st_route_endpoint_serves(&c->rt->endpoints[rg->endpoints[j]],
						     rec->type))
				add_endpoint(c, rg->endpoints[j]);
	}
	TR(c, "simple: every listed endpoint, health not consulted\n");
	return PICKED;
}

/* Sticky: the healthy item of the highest rendezvous score of the client's
 * subnet (zero-weight backups only when no weighted item is healthy). */
static const st_route_weight_t *pick_sticky(ctx_t *c, const bool *memo, bool backups)
{
	const st_route_record_t *rec = c->rec;
	uint8_t prefix;
	uint64_t key = st_sticky_key(c->client, &rec->sticky, &prefix);
	narrow_scope(c, prefix);
	c->res->sticky = true;
	const st_route_weight_t *pick = NULL;
	double top = -1;
	for (uint32_t i = 0; i < rec->n_weights; i++) {
		const st_route_weight_t *w = &rec->weights[i];
		if ((w->weight == 0) != backups ||
		    !(i < WEIGHT_MEMO ? memo[i] : weight_item_ok(c, w)))
			continue;
		double v = st_sticky_score(key, w->seed, backups ? 1 : w->weight);
		if (v > top) {
			top = v;
			pick = w;
		}
	}
	TR(c,
	   "weighted: %s, the highest rendezvous hash of the client's subnet /%u among the "
	   "healthy %s (sticky)\n",
	   pick ? st_route_weight_name(c, pick) : "-", prefix,
	   backups ? "zero-weight backups" : "weighted items");
	return pick;
}

static int pol_weighted(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	if (c->tr)
		st_route_trace_weights(c);
	if (c->probe) {
		for (uint32_t i = 0; i < rec->n_weights; i++)
			if (weight_item_ok(c, &rec->weights[i]))
				return PICKED;
		return NONE_HEALTHY;
	}
	uint64_t sum = 0;
	uint32_t zero = 0;
	bool memo[WEIGHT_MEMO];
	for (uint32_t i = 0; i < rec->n_weights; i++) {
		const st_route_weight_t *w = &rec->weights[i];
		bool ok = weight_item_ok(c, w);
		if (i < WEIGHT_MEMO)
			memo[i] = ok;
		if (!ok)
			continue;
		if (w->weight)
			sum += w->weight;
		else
			zero++;
	}
	const st_route_weight_t *pick = NULL;
	if ((sum > 0 || zero > 0) && rec->sticky.on) {
		pick = pick_sticky(c, memo, sum == 0);
	} else if (sum > 0) {
		uint64_t r = rand_below64(c->rng, sum);
		for (uint32_t i = 0; i < rec->n_weights && !pick; i++) {
			const st_route_weight_t *w = &rec->weights[i];
			if (!w->weight || !(i < WEIGHT_MEMO ? memo[i] : weight_item_ok(c, w)))
				continue;
			if (r < w->weight)
				pick = w;
			else
				r -= w->weight;
		}
	} else if (zero > 0) {
		/* every weighted item is down (or all weights are 0): the
		 * zero-weight backups share equally */
		uint32_t r = st_rand_below(c->rng, zero);
		for (uint32_t i = 0; i < rec->n_weights && !pick; i++) {
			const st_route_weight_t *w = &rec->weights[i];
			if (!w->weight && (i < WEIGHT_MEMO ? memo[i] : weight_item_ok(c, w)) &&
			    r-- == 0)
				pick = w;
		}
	}
	if (!pick)
		return NONE_HEALTHY;
	if (c->tr && sum > 0 && !rec->sticky.on)
		st_trace_add(c->tr,
			     "weighted: %s by one random draw over the healthy weight %llu (weight "
			     "%u: %.0f%% of answers)\n",
			     st_route_weight_name(c, pick), (unsigned long long)sum, pick->weight,
			     100.0 * pick->weight / (double)sum);
	else if (c->tr && !rec->sticky.on)
		st_trace_add(c->tr,
			     "weighted: %s by one random draw among %u zero-weight backups\n",
			     st_route_weight_name(c, pick), zero);
	if (pick->is_region)
		return select_target(c, pick->index);
	add_endpoint(c, pick->index);
	return PICKED;
}

static int pol_failover(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	for (uint32_t i = 0; i < rec->n_regions; i++) {
		uint32_t t = rec->regions[i];
		st_route_trace_target(c, t, i == 0 ? "  primary " : "  then ");
		if (target_ok(c, t)) {
			TR(c, "failover: %s\n", st_route_target_name(c, t));
			return select_target(c, t);
		}
	}
	return NONE_HEALTHY;
}

/* A record among multivalue's regions: its answer's endpoints join the
 * draw. */
static void multivalue_nested(ctx_t *c, const st_route_record_t *rec, reservoir_t *rs)
{
	st_route_result_t *res = c->res;
	st_route_result_t part = {.ttl = res->ttl, .scope = res->scope, .depth = res->depth};
	c->res = &part;
	int rc = run_nested(c, rec);
	c->res = res;
	res->ttl = part.ttl;
	res->scope = part.scope;
	res->depth = part.depth;
	res->sticky |= part.sticky;
	if (rc != PICKED)
		return;
	size_t n = rec->type == ST_TYPE_CNAME ? (part.cname != NULL) : part.n;
	for (size_t k = 0; k < n; k++)
		reservoir_add(rs, c->rng, part.endpoints[k]);
}

static int pol_multivalue(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	reservoir_t rs = {.max = rec->type == ST_TYPE_CNAME ? 1 : ST_ROUTE_MAX_ADDRS};
	bool any_up = false;
	for (uint32_t i = 0; i < rec->n_regions; i++) {
		uint32_t t = rec->regions[i];
		st_route_trace_target(c, t, "  ");
		if (!target_ok(c, t))
			continue;
		if (c->probe)
			return PICKED;
		if (st_route_is_record(t)) {
			any_up = true;
			multivalue_nested(c, target_record(c, t), &rs);
			continue;
		}
		const st_route_region_t *rg = &c->rt->regions[t];
		/* a region that answers with at most select_max addresses
		 * gives at most that many here too */
		bool capped = rg->select == ST_SELECT_MULTIVALUE && rg->select_max < rs.max;
		reservoir_t sub = {.max = rg->select_max};
		for (uint32_t j = 0; j < rg->n_endpoints; j++) {
			uint32_t e = rg->endpoints[j];
			if (!ep_up(c, e))
				continue;
			any_up = true;
			if (!st_route_endpoint_serves(&c->rt->endpoints[e], rec->type))
				continue;
			reservoir_add(capped ? &sub : &rs, c->rng, e);
		}
		if (capped && sub.seen > sub.n)
			TR(c, "  %s gives %u of its %u usable endpoints (select_max)\n", rg->name,
			   sub.n, sub.seen);
		for (uint32_t j = 0; j < sub.n; j++)
			reservoir_add(&rs, c->rng, sub.pick[j]);
	}
	if (rs.n == 0)
		return any_up ? NO_MATCH : NONE_HEALTHY;
	TR(c, "multivalue: %u of %u usable endpoints, which and in what order by one random draw\n",
	   rs.n, rs.seen);
	reservoir_emit(c, &rs);
	return PICKED;
}

static bool geomap_match(const st_route_geomap_t *m, const st_geo_loc_t *loc)
{
	switch (m->level) {
	case ST_MAP_SUBDIVISION:
		return loc->country == m->code && loc->subdivision[0] &&
		       strcmp(loc->subdivision, m->sub) == 0;
	case ST_MAP_COUNTRY:
		return loc->country && loc->country == m->code;
	case ST_MAP_CONTINENT:
		return loc->continent && loc->continent == m->code;
	case ST_MAP_DEFAULT:
	default:
		return true;
	}
}

static int pol_geolocation(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	bool matched = false;
	static const char *const lvl[] = {"subdivision", "country", "continent", "default"};
	for (uint32_t i = 0; i < rec->n_geomap; i++) {
		const st_route_geomap_t *m = &rec->geomap[i];
		if (!geomap_match(m, &c->loc))
			continue;
		matched = true;
		st_route_trace_target(c, m->region, "  ");
		if (target_ok(c, m->region)) {
			TR(c, "geolocation: %s match -> %s\n", lvl[m->level],
			   st_route_target_name(c, m->region));
			return select_target(c, m->region);
		}
		TR(c, "  %s match %s is down, walking up\n", lvl[m->level],
		   st_route_target_name(c, m->region));
	}
	if (!matched) {
		TR(c, "geolocation: no map entry matches and there is no default: NODATA\n");
		return NO_MATCH;
	}
	return NONE_HEALTHY;
}

static int pol_nearest(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	if (c->probe) /* whatever the order and the dials, a healthy region answers */
		return probe_any(c);
	uint32_t order[ST_ROUTE_MAX_ORDER];
	double cost[ST_ROUTE_MAX_ORDER];
	const char *why;
	size_t n = st_route_order(c->rt, rec, &c->loc, order, cost, c->tr != NULL, &why);
	TR(c, "%s order by %s:\n", st_policy_name(rec->policy), why);
	/* healthy regions in the client's order; each keeps dial% of what
	 * reaches it and spills the rest to the next one */
	for (size_t i = 0; c->tr && i < n; i++) {
		int32_t bias = c->rt->regions[order[i]].bias;
		if (cost[i] < 1e9 && rec->policy == ST_POLICY_GEOPROXIMITY && bias)
			st_trace_add(c->tr, "  %.1f km (bias %+d)  ", cost[i], (int)bias);
		else if (cost[i] < 1e9)
			st_trace_add(c->tr, "  %.1f %s  ", cost[i],
				     rec->policy == ST_POLICY_LATENCY ? "ms" : "km");
		else
			st_trace_add(c->tr, "  -  ");
		st_route_trace_region(c, order[i], "");
	}
	int last_taker = -1, first = -1;
	for (size_t i = 0; i < n; i++) {
		uint32_t r = order[i];
		if (!region_ok(c, r))
			continue;
		if (first < 0)
			first = (int)r;
		uint32_t dial = atomic_load_explicit(&c->rt->regions[r].dial, memory_order_relaxed);
		if (dial == 0)
			continue;
		last_taker = (int)r;
		if (dial >= 100) {
			TR(c, "%s: %s (dial 100%%)\n", st_policy_name(rec->policy),
			   c->rt->regions[r].name);
			return select_in_region(c, r);
		}
		if (st_rand_below(c->rng, 100) < dial) {
			TR(c,
			   "%s: %s keeps it, by one random draw (dial %u%%: it keeps %u%% of "
			   "what reaches it)\n",
			   st_policy_name(rec->policy), c->rt->regions[r].name, dial, dial);
			return select_in_region(c, r);
		}
		TR(c,
		   "  %s passes it on, by one random draw (dial %u%%: %u%% of what reaches it "
		   "spills)\n",
		   c->rt->regions[r].name, dial, 100 - dial);
	}
	if (first < 0)
		return NONE_HEALTHY;
	/* every region passed the traffic on: the last one that takes any
	 * keeps it (or the nearest when every dial is 0) */
	uint32_t r = (uint32_t)(last_taker >= 0 ? last_taker : first);
	TR(c, "%s: %s (every dial spilled)\n", st_policy_name(rec->policy), c->rt->regions[r].name);
	return select_in_region(c, r);
}

static int pol_cidr(ctx_t *c)
{
	const st_route_record_t *rec = c->rec;
	const st_client_t *client = c->client;
	uint32_t idx[16];
	uint8_t scope = 0;
	size_t n = st_cidr_match(&rec->cidr, client->family, client->addr, client->source_prefix,
				 idx, 16, &scope);
	narrow_scope(c, scope);
	for (size_t i = 0; c->tr && i < rec->cidr.n; i++) {
		const st_cidr_entry_t *e = &rec->cidr.entries[i];
		if (st_cidr_inside(e, client->family, client->addr, client->source_prefix))
			TR(c, "  /%u (line %u) lies inside the client's /%u: it decides only part "
			      "of it, not matched\n",
			   e->prefix, e->line, client->source_prefix);
	}
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		const st_cidr_entry_t *e = &rec->cidr.entries[idx[i]];
		any = true;
		st_route_trace_target(c, e->region, "  ");
		if (target_ok(c, e->region)) {
			TR(c, "cidr: /%u match (line %u) -> %s\n", e->prefix, e->line,
			   st_route_target_name(c, e->region));
			return select_target(c, e->region);
		}
	}
	if (rec->cidr_default != ST_CONF_NONE) {
		any = true;
		st_route_trace_target(c, rec->cidr_default, "  default ");
		if (target_ok(c, rec->cidr_default)) {
			TR(c, "cidr: %s -> %s\n", n ? "matches down, default" : "no match, default",
			   st_route_target_name(c, rec->cidr_default));
			return select_target(c, rec->cidr_default);
		}
	}
	if (!any) {
		TR(c, "cidr: no network matches and there is no default: NODATA\n");
		return NO_MATCH;
	}
	return NONE_HEALTHY;
}

static int run_policy(ctx_t *c)
{
	switch (c->rec->policy) {
	case ST_POLICY_SIMPLE:
		return pol_simple(c);
	case ST_POLICY_WEIGHTED:
		return pol_weighted(c);
	case ST_POLICY_FAILOVER:
		return pol_failover(c);
	case ST_POLICY_MULTIVALUE:
		return pol_multivalue(c);
	case ST_POLICY_GEOLOCATION:
		return pol_geolocation(c);
	case ST_POLICY_GEOPROXIMITY:
	case ST_POLICY_LATENCY:
		return pol_nearest(c);
	case ST_POLICY_CIDR:
		return pol_cidr(c);
	}
	return NO_MATCH;
}

int st_route_resolve_trace(const st_route_t *rt, const void *handle, uint16_t qtype,
			   const st_client_t *client, const struct st_health *health, uint64_t *rng,
			   st_route_result_t *res, st_trace_t *tr, st_geo_loc_t *loc_out)
{
	const st_route_record_t *rec = handle;
	res->action = ST_ROUTE_ANSWER;
	res->ttl = rec->ttl;
	res->scope = 0;
	res->rrtype = rec->type;
	res->n = 0;
	res->cname = NULL;
	res->cname_len = 0;
	res->record = rec->index;
	res->depth = 0;
	res->sticky = false;
	if (rec->type != ST_TYPE_CNAME && qtype != rec->type && qtype != ST_TYPE_ANY) {
		res->action = ST_ROUTE_NODATA;
		return 0;
	}
	ctx_t c = {.rt = rt,
		   .rec = rec,
		   .client = client,
		   .h = health,
		   .rng = rng,
		   .res = res,
		   .tr = tr};
	/* what it and every record it leads to need (route.c): one lookup */
	unsigned need = rec->need;
	if (tr || loc_out)
		need = ST_GEO_NEED_ALL; /* explain shows everything */
	if (need) {
		st_geo_lookup(&rt->geo, client, need, &c.loc);
		if (rec->need)
			res->scope = c.loc.scope;
	}
	if (loc_out)
		*loc_out = c.loc;
	int rc = run_policy(&c);
	if (rc == NONE_HEALTHY) {
		switch (rec->on_all_down) {
		case ST_ALL_DOWN_SERVFAIL:
			TR(&c, "every candidate is down: on_all_down servfail\n");
			res->action = ST_ROUTE_SERVFAIL;
			return 0;
		case ST_ALL_DOWN_NODATA:
			TR(&c, "every candidate is down: on_all_down nodata\n");
			res->action = ST_ROUTE_NODATA;
			return 0;
		case ST_ALL_DOWN_ROUTE53:
		default:
			TR(&c, "every candidate is down: answering as if all were healthy\n");
			c.ignore_health = true;
			res->ttl = rec->ttl;
			res->depth = 0;
			res->sticky = false;
			rc = run_policy(&c);
			break;
		}
	}
	if (rc != PICKED || (rec->type == ST_TYPE_CNAME ? res->cname == NULL : res->n == 0))
		res->action = ST_ROUTE_NODATA;
	/* located by the resolver's own address (no ECS, or ECS /0): the
	 * answer is not tied to any client subnet (RFC 7871: scope 0) */
	if (!client->from_ecs)
		res->scope = 0;
	/* decided for the whole source network (see above): a longer scope
	 * would claim what that network does not determine */
	if (client->source_prefix && res->scope > client->source_prefix)
		res->scope = client->source_prefix;
	return 0;
}

int st_route_resolve(const st_route_t *rt, const void *handle, uint16_t qtype,
		     const st_client_t *client, const struct st_health *health, uint64_t *rng,
		     st_route_result_t *res)
{
	if (!rt || !handle || !client || !rng || !res)
		return ST_EINVAL;
	return st_route_resolve_trace(rt, handle, qtype, client, health, rng, res, NULL, NULL);
}
