/* Routing compile step: records, regions and endpoints of a config turned
 * into compact runtime structures (wire names, candidate lists, parsed maps,
 * coordinates in radians), plus the geo database and the latency table. */
#include "route/policy.h"

#include "common/log.h"
#include "dns/name.h"
#include "dns/rrtype.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEG2RAD (M_PI / 180.0)

/* "www.example.test." -> canonical (lower-case) wire form; length or < 0. */
static int name_wire(const char *s, uint8_t *out, size_t cap)
{
	int len = st_name_from_str(s, out, cap);
	if (len > 0)
		st_name_lower(out, out, (size_t)len);
	return len;
}

static bool policy_uses_location(st_policy_t p)
{
	return p == ST_POLICY_GEOLOCATION || p == ST_POLICY_GEOPROXIMITY || p == ST_POLICY_LATENCY;
}

static int geomap_cmp(const void *a, const void *b)
{
	const st_route_geomap_t *x = a, *y = b;
	return (int)x->level - (int)y->level;
}

/* The map of a geolocation or cidr record, as conf parsed and checked it. */
static int compile_map(const st_conf_record_t *cr, st_route_record_t *rec)
{
	rec->cidr_default = ST_CONF_NONE;
	if (cr->policy == ST_POLICY_GEOLOCATION) {
		rec->geomap = calloc(cr->n_map ? cr->n_map : 1, sizeof(*rec->geomap));
		if (!rec->geomap)
			return ST_ENOMEM;
	} else if (cr->policy == ST_POLICY_CIDR) {
		rec->cidr.entries = calloc(cr->n_map ? cr->n_map : 1, sizeof(*rec->cidr.entries));
		if (!rec->cidr.entries)
			return ST_ENOMEM;
	} else {
		return 0;
	}
	for (size_t i = 0; i < cr->n_map; i++) {
		const st_conf_map_entry_t *me = &cr->map[i];
		const st_map_key_t *k = &me->key;
		if (cr->policy == ST_POLICY_CIDR) {
			if (k->kind == ST_MAP_DEFAULT) {
				rec->cidr_default = me->region;
				continue;
			}
			st_cidr_entry_t *e = &rec->cidr.entries[rec->cidr.n++];
			e->family = (uint8_t)k->net.family;
			e->prefix = k->net.len;
			memcpy(e->net, k->net.addr, sizeof(e->net));
			e->region = me->region;
			e->line = me->line ? me->line : cr->line;
			continue;
		}
		st_route_geomap_t *m = &rec->geomap[rec->n_geomap++];
		m->level = k->kind;
		m->code = k->code;
		memcpy(m->sub, k->sub, sizeof(m->sub));
		m->region = me->region;
	}
	if (cr->policy == ST_POLICY_GEOLOCATION) {
		/* stable: entries of one level keep their order, and the level
		 * order is the walk order (most specific first) */
		for (uint32_t i = 1; i < rec->n_geomap; i++)
			for (uint32_t j = i;
			     j > 0 && geomap_cmp(&rec->geomap[j - 1], &rec->geomap[j]) > 0; j--) {
				st_route_geomap_t t = rec->geomap[j];
				rec->geomap[j] = rec->geomap[j - 1];
				rec->geomap[j - 1] = t;
			}
	}
	if (cr->policy == ST_POLICY_CIDR)
		st_cidr_sort(&rec->cidr);
	return 0;
}

/* Call fn for each endpoint a record can answer with (that serves its
 * type), whatever the health: the regions of `regions:` in order, then
 * `weights:`, `map:` and the CIDR table; repeats included. Stops when fn
 * returns true, and says whether it did. */
typedef bool (*ep_fn)(const st_route_endpoint_t *ep, void *arg);

static bool region_each(const st_route_t *rt, const st_route_record_t *rec, uint32_t r, ep_fn fn,
			void *arg)
{
	const st_route_region_t *rg = &rt->regions[r];
	for (uint32_t j = 0; j < rg->n_endpoints; j++) {
		const st_route_endpoint_t *ep = &rt->endpoints[rg->endpoints[j]];
		if (st_route_endpoint_serves(ep, rec->type) && fn(ep, arg))
			return true;
	}
	return false;
}

static bool record_each(const st_route_t *rt, const st_route_record_t *rec, ep_fn fn, void *arg);

/* A candidate: a region's endpoints, or those of a nested record. */
static bool target_each(const st_route_t *rt, const st_route_record_t *rec, uint32_t t, ep_fn fn,
			void *arg)
{
	if (st_route_is_record(t))
		return record_each(rt, &rt->records[t & ~ST_ROUTE_RECORD], fn, arg);
	return region_each(rt, rec, t, fn, arg);
}

static bool record_each(const st_route_t *rt, const st_route_record_t *rec, ep_fn fn, void *arg)
{
	for (uint32_t i = 0; i < rec->n_regions; i++)
		if (target_each(rt, rec, rec->regions[i], fn, arg))
			return true;
	for (uint32_t i = 0; i < rec->n_weights; i++) {
		const st_route_weight_t *w = &rec->weights[i];
		if (w->is_region ? target_each(rt, rec, w->index, fn, arg)
				 : st_route_endpoint_serves(&rt->endpoints[w->index], rec->type) &&
				       fn(&rt->endpoints[w->index], arg))
			return true;
	}
	for (uint32_t i = 0; i < rec->n_geomap; i++)
		if (target_each(rt, rec, rec->geomap[i].region, fn, arg))
			return true;
	for (size_t i = 0; i <= rec->cidr.n; i++) {
		uint32_t r = i < rec->cidr.n ? rec->cidr.entries[i].region : rec->cidr_default;
		if (r != ST_CONF_NONE && target_each(rt, rec, r, fn, arg))
			return true;
	}
	return false;
}

typedef struct targets {
	uint16_t type;
	st_route_target_fn fn;
	void *arg;
} targets_t;

static bool ep_target(const st_route_endpoint_t *ep, void *arg)
{
	const targets_t *t = arg;
	if (t->type == ST_TYPE_A)
		t->fn(ep->addr4, 4, t->arg);
	else if (t->type == ST_TYPE_AAAA)
		t->fn(ep->addr6, 16, t->arg);
	else
		t->fn(ep->cname, ep->cname_len, t->arg);
	return false;
}

void st_route_targets(const st_route_t *rt, const void *handle, st_route_target_fn fn, void *arg)
{
	const st_route_record_t *rec = handle;
	targets_t t = {rec->type, fn, arg};
	record_each(rt, rec, ep_target, &t);
}

static st_route_sticky_t sticky_of(const st_conf_sticky_t *s)
{
	return (st_route_sticky_t){s->on, (uint8_t)s->ipv4_prefix, (uint8_t)s->ipv6_prefix};
}

/* What a record needs of the client's location: its own policy's, and that
 * of every record it leads to (nested records, and the routed targets of
 * its cname endpoints, whose health follows them). Loops were rejected at
 * load; state guards against them anyway. */
static unsigned record_need(st_route_t *rt, uint32_t i, uint8_t *state);

static unsigned target_need(st_route_t *rt, uint32_t t, uint8_t *state)
{
	if (st_route_is_record(t))
		return record_need(rt, t & ~ST_ROUTE_RECORD, state);
	unsigned need = 0;
	const st_route_region_t *rg = &rt->regions[t];
	for (uint32_t j = 0; rg->has_via && j < rg->n_endpoints; j++) {
		const st_route_endpoint_t *ep = &rt->endpoints[rg->endpoints[j]];
		for (int k = 0; ep->has_via && k < ST_ROUTE_VIA_N; k++)
			if (ep->via[k] != ST_CONF_NONE)
				need |= record_need(rt, ep->via[k], state);
	}
	return need;
}

static unsigned record_need(st_route_t *rt, uint32_t i, uint8_t *state)
{
	st_route_record_t *rec = &rt->records[i];
	if (state[i])
		return rec->need;
	state[i] = 1;
	unsigned need = 0;
	if (rec->policy == ST_POLICY_GEOLOCATION)
		need = ST_GEO_NEED_CONTINENT | ST_GEO_NEED_SUBDIVISION;
	else if (rec->policy == ST_POLICY_GEOPROXIMITY)
		need = ST_GEO_NEED_POINT;
	else if (rec->policy == ST_POLICY_LATENCY)
		need = ST_GEO_NEED_POINT | (rt->have_latency ? ST_GEO_NEED_CONTINENT : 0);
	for (uint32_t k = 0; k < rec->n_regions; k++)
		need |= target_need(rt, rec->regions[k], state);
	for (uint32_t k = 0; k < rec->n_weights; k++)
		if (rec->weights[k].is_region)
			need |= target_need(rt, rec->weights[k].index, state);
	for (uint32_t k = 0; k < rec->n_geomap; k++)
		need |= target_need(rt, rec->geomap[k].region, state);
	for (size_t k = 0; k <= rec->cidr.n; k++) {
		uint32_t t = k < rec->cidr.n ? rec->cidr.entries[k].region : rec->cidr_default;
		if (t != ST_CONF_NONE)
			need |= target_need(rt, t, state);
	}
	rec->need = need;
	state[i] = 2;
	return need;
}

/* Compile one record as conf checked it (conf/record.c: names, types,
 * policies and what each needs, map keys, duplicates). */
static int compile_record(st_route_t *rt, const st_conf_t *conf, size_t idx)
{
	const st_conf_record_t *cr = &conf->records[idx];
	st_route_record_t *rec = &rt->records[idx];
	rec->index = (uint32_t)idx;
	rec->name = rt->record_names[idx];
	snprintf(rec->source, sizeof(rec->source), "%s:%u", conf->path ? conf->path : "config",
		 cr->line);
	int len = name_wire(cr->owner, rec->owner, sizeof(rec->owner));
	if (len <= 0)
		return ST_EINVAL;
	rec->owner_len = (uint8_t)len;
	rec->type = cr->type;
	rec->ttl = cr->ttl;
	rec->policy = cr->policy;
	rec->on_all_down = cr->on_all_down;
	rec->sticky = sticky_of(&cr->sticky);
	rec->regions = calloc(cr->n_regions ? cr->n_regions : 1, sizeof(uint32_t));
	/* `regions:` alone under weighted: equal shares */
	size_t n_weights = cr->n_weights ? cr->n_weights : cr->n_regions;
	rec->weights = calloc(n_weights ? n_weights : 1, sizeof(*rec->weights));
	if (!rec->regions || !rec->weights)
		return ST_ENOMEM;
	for (size_t i = 0; i < cr->n_regions; i++)
		rec->regions[rec->n_regions++] = cr->regions[i];
	for (size_t i = 0; i < cr->n_weights; i++)
		rec->weights[rec->n_weights++] = (st_route_weight_t){
		    .is_region = cr->weights[i].is_region,
		    .index = cr->weights[i].index,
		    .weight = cr->weights[i].weight,
		    .seed = st_sticky_seed(cr->weights[i].name)};
	if (cr->policy == ST_POLICY_WEIGHTED && cr->n_weights == 0)
		for (uint32_t i = 0; i < rec->n_regions; i++) {
			uint32_t t = rec->regions[i];
			const char *name = st_route_is_record(t)
					       ? conf->records[t & ~ST_ROUTE_RECORD].owner
					       : conf->regions[t].name;
			char at[300];
			snprintf(at, sizeof(at), "%s%s", st_route_is_record(t) ? "@" : "", name);
			rec->weights[rec->n_weights++] =
			    (st_route_weight_t){true, t, 1, st_sticky_seed(at)};
		}
	if (policy_uses_location(cr->policy))
		rt->needs_geo = true;
	return compile_map(cr, rec);
}

/* name copied to *np in the pool of names, *np moved past it. */
static const char *pool_name(char **np, const char *name)
{
	size_t l = strlen(name) + 1;
	char *at = memcpy(*np, name, l);
	*np += l;
	return at;
}

/* Regions and endpoints, as conf checked them (conf/region.c). */
static int compile_topology(st_route_t *rt, const st_conf_t *conf)
{
	size_t names = 0;
	for (size_t i = 0; i < conf->n_regions; i++)
		names += strlen(conf->regions[i].name) + 1;
	for (size_t i = 0; i < conf->n_endpoints; i++)
		names += strlen(conf->endpoints[i].name) + 1;
	for (size_t i = 0; i < conf->n_records; i++)
		names += strlen(conf->records[i].owner) + 2;
	rt->names = malloc(names ? names : 1);
	rt->record_names = calloc(conf->n_records ? conf->n_records : 1, sizeof(char *));
	rt->regions = calloc(conf->n_regions ? conf->n_regions : 1, sizeof(*rt->regions));
	rt->endpoints = calloc(conf->n_endpoints ? conf->n_endpoints : 1, sizeof(*rt->endpoints));
	if (!rt->names || !rt->record_names || !rt->regions || !rt->endpoints)
		return ST_ENOMEM;
	char *np = rt->names;
	rt->n_regions = conf->n_regions;
	rt->n_endpoints = conf->n_endpoints;
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		const st_conf_endpoint_t *ce = &conf->endpoints[i];
		st_route_endpoint_t *ep = &rt->endpoints[i];
		ep->name = pool_name(&np, ce->name);
		ep->region = ce->region;
		ep->weight = ce->weight;
		ep->seed = st_sticky_seed(ce->name);
		for (int k = 0; k < ST_ROUTE_VIA_N; k++) {
			ep->via[k] = ce->cname_routed[k];
			ep->has_via |= ep->via[k] != ST_CONF_NONE;
		}
		ep->has_v4 = ce->has_v4;
		ep->has_v6 = ce->has_v6;
		memcpy(ep->addr4, ce->addr4, 4);
		memcpy(ep->addr6, ce->addr6, 16);
		if (ce->cname) {
			int len = name_wire(ce->cname, ep->cname, sizeof(ep->cname));
			if (len <= 0)
				return ST_EINVAL;
			ep->cname_len = (uint8_t)len;
		}
	}
	for (size_t i = 0; i < conf->n_regions; i++) {
		const st_conf_region_t *cg = &conf->regions[i];
		st_route_region_t *rg = &rt->regions[i];
		rg->name = pool_name(&np, cg->name);
		rg->has_location = cg->has_location;
		rg->lat = cg->lat * DEG2RAD;
		rg->lon = cg->lon * DEG2RAD;
		st_geo_vec(rg->lat, rg->lon, rg->vec);
		rg->bias = cg->bias;
		atomic_init(&rg->dial, cg->dial);
		rg->select = cg->select;
		rg->select_max = cg->select_max ? cg->select_max : ST_ROUTE_MAX_ADDRS;
		if (rg->select_max > ST_ROUTE_MAX_ADDRS)
			rg->select_max = ST_ROUTE_MAX_ADDRS;
		rg->min_healthy = cg->min_healthy ? cg->min_healthy : 1;
		rg->endpoints = calloc(cg->n_endpoints ? cg->n_endpoints : 1, sizeof(uint32_t));
		if (!rg->endpoints)
			return ST_ENOMEM;
		rg->sticky = sticky_of(&cg->sticky);
		for (size_t j = 0; j < cg->n_endpoints; j++) {
			rg->endpoints[rg->n_endpoints++] = cg->endpoints[j];
			rg->has_via |= rt->endpoints[cg->endpoints[j]].has_via;
		}
	}
	for (size_t i = 0; i < conf->n_records; i++) {
		size_t l = strlen(conf->records[i].owner) + 1;
		*np = '@';
		memcpy(np + 1, conf->records[i].owner, l);
		rt->record_names[i] = np;
		np += l + 1;
	}
	return 0;
}

int st_route_new(const struct st_conf *conf, st_route_t **out, st_diag_t *diag)
{
	st_route_t *rt = calloc(1, sizeof(*rt));
	if (!rt)
		return ST_ENOMEM;
	int rc = compile_topology(rt, conf);
	if (rc)
		goto fail;
	rt->records = calloc(conf->n_records ? conf->n_records : 1, sizeof(*rt->records));
	if (!rt->records) {
		rc = ST_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < conf->n_records; i++) {
		rt->n_records = i + 1;
		rc = compile_record(rt, conf, i);
		if (rc)
			goto fail;
	}
	rc = st_geo_open(&rt->geo, conf->geo_database, conf->geo_coordinates, diag);
	if (rc)
		goto fail;
	if (rt->needs_geo && !rt->geo.open)
		st_log_warn("routing, no geo database configured (geo.database): "
			    "location-based records answer as if every client were unknown");
	if (conf->geo_latency) {
		rc = st_latency_load(&rt->latency, conf->geo_latency, conf, diag);
		if (rc)
			goto fail;
		rt->have_latency = true;
	}
	uint8_t *state = calloc(rt->n_records ? rt->n_records : 1, 1);
	if (!state) {
		rc = ST_ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < rt->n_records; i++)
		record_need(rt, i, state);
	free(state);
	*out = rt;
	return 0;
fail:
	st_route_free(rt);
	return rc;
}

void st_route_free(st_route_t *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n_records; i++) {
		st_route_record_t *rec = &rt->records[i];
		free(rec->regions);
		free(rec->weights);
		free(rec->geomap);
		free(rec->cidr.entries);
	}
	free(rt->records);
	for (size_t i = 0; i < rt->n_regions; i++)
		free(rt->regions[i].endpoints);
	free(rt->regions);
	free(rt->endpoints);
	free(rt->names);
	free(rt->record_names);
	st_geo_close(&rt->geo);
	if (rt->have_latency)
		st_latency_free(&rt->latency);
	free(rt);
}

size_t st_route_record_count(const st_route_t *rt)
{
	return rt ? rt->n_records : 0;
}

void st_route_record_info(const st_route_t *rt, size_t i, st_route_record_info_t *out)
{
	const st_route_record_t *rec = &rt->records[i];
	out->owner = rec->owner;
	out->owner_len = rec->owner_len;
	out->type = rec->type;
	out->ttl = rec->ttl;
	out->handle = rec;
	out->source = rec->source;
}

const void *st_route_find(const st_route_t *rt, const uint8_t *owner, size_t owner_len,
			  uint16_t type)
{
	if (!rt)
		return NULL;
	for (size_t i = 0; i < rt->n_records; i++) {
		const st_route_record_t *rec = &rt->records[i];
		if (rec->owner_len == owner_len &&
		    strncasecmp((const char *)rec->owner, (const char *)owner, owner_len) == 0 &&
		    (type == 0 || rec->type == type))
			return rec;
	}
	return NULL;
}

size_t st_route_region_count(const st_route_t *rt)
{
	return rt ? rt->n_regions : 0;
}

const char *st_route_region_name(const st_route_t *rt, uint32_t region)
{
	return rt && region < rt->n_regions ? rt->regions[region].name : NULL;
}

uint32_t st_route_region_index(const st_route_t *rt, const char *name)
{
	for (size_t i = 0; rt && i < rt->n_regions; i++)
		if (strcmp(rt->regions[i].name, name) == 0)
			return (uint32_t)i;
	return UINT32_MAX;
}

const char *st_route_endpoint_name(const st_route_t *rt, uint32_t endpoint)
{
	return rt && endpoint < rt->n_endpoints ? rt->endpoints[endpoint].name : NULL;
}
