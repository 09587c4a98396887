/* Routing test fixture: builds an st_conf_t by hand (regions, endpoints,
 * records) and runs queries through st_route_resolve. */
#ifndef TEST_ROUTE_FIXTURE_H
#define TEST_ROUTE_FIXTURE_H

#include "common/sockaddr.h"
#include "conf/conf.h"
#include "health/health.h"
#include "common/hash.h"
#include "route/route.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *fx_grow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n + 1) * size);
	assert_non_null(q);
	memset((char *)q + n * size, 0, size);
	return q;
}

static inline uint32_t fx_region(st_conf_t *c, const char *name, double lat, double lon)
{
	c->regions = fx_grow(c->regions, c->n_regions, sizeof(*c->regions));
	st_conf_region_t *r = &c->regions[c->n_regions];
	r->name = strdup(name);
	r->has_location = !(lat == 0 && lon == 0);
	r->lat = lat;
	r->lon = lon;
	r->dial = 100;
	r->select = ST_SELECT_WEIGHTED;
	r->select_max = 8;
	r->min_healthy = 1;
	r->line = 10 + (unsigned)c->n_regions;
	return (uint32_t)c->n_regions++;
}

/* addr: IPv4 or IPv6 text, or NULL; addr6 optional second address. */
static inline uint32_t fx_endpoint(st_conf_t *c, uint32_t region, const char *name,
				   const char *addr, const char *addr6, uint32_t weight)
{
	c->endpoints = fx_grow(c->endpoints, c->n_endpoints, sizeof(*c->endpoints));
	st_conf_endpoint_t *e = &c->endpoints[c->n_endpoints];
	e->name = strdup(name);
	e->region = region;
	e->weight = weight;
	e->check = ST_CONF_NONE;
	for (int k = 0; k < 3; k++)
		e->cname_routed[k] = ST_CONF_NONE;
	e->line = 100 + (unsigned)c->n_endpoints;
	const char *a[2] = {addr, addr6};
	for (int i = 0; i < 2; i++) {
		if (!a[i])
			continue;
		if (inet_pton(AF_INET, a[i], e->addr4) == 1)
			e->has_v4 = true;
		else if (inet_pton(AF_INET6, a[i], e->addr6) == 1)
			e->has_v6 = true;
		else
			fail_msg("bad address %s", a[i]);
	}
	st_conf_region_t *r = &c->regions[region];
	r->endpoints = fx_grow(r->endpoints, r->n_endpoints, sizeof(uint32_t));
	r->endpoints[r->n_endpoints++] = (uint32_t)c->n_endpoints;
	return (uint32_t)c->n_endpoints++;
}

static inline st_conf_record_t *fx_record(st_conf_t *c, const char *owner, uint16_t type,
					  st_policy_t p)
{
	c->records = fx_grow(c->records, c->n_records, sizeof(*c->records));
	st_conf_record_t *r = &c->records[c->n_records];
	r->owner = strdup(owner);
	r->type = type;
	r->ttl = 20;
	r->policy = p;
	r->line = 200 + (unsigned)c->n_records;
	c->n_records++;
	return r;
}

static inline void fx_regions(st_conf_record_t *r, size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		r->regions = fx_grow(r->regions, r->n_regions, sizeof(uint32_t));
		r->regions[r->n_regions++] = va_arg(ap, uint32_t);
	}
	va_end(ap);
}

static inline void fx_map(st_conf_record_t *r, const char *key, uint32_t region)
{
	r->map = fx_grow(r->map, r->n_map, sizeof(*r->map));
	char why[256];
	if (st_map_key_parse(key, &r->map[r->n_map].key, why, sizeof(why)) != 0)
		fail_msg("map key %s: %s", key, why);
	r->map[r->n_map].region = region;
	r->map[r->n_map].line = r->line + 1 + (unsigned)r->n_map;
	r->n_map++;
}

static inline void fx_weight(const st_conf_t *c, st_conf_record_t *r, const char *name, uint32_t w)
{
	r->weights = fx_grow(r->weights, r->n_weights, sizeof(*r->weights));
	st_conf_weight_t *x = &r->weights[r->n_weights++];
	x->name = strdup(name);
	x->weight = w;
	x->line = r->line + 1;
	x->index = st_conf_region_index(c, name);
	x->is_region = x->index != ST_CONF_NONE;
	if (!x->is_region)
		x->index = st_conf_endpoint_index(c, name);
}

static inline st_conf_t *fx_conf(void)
{
	st_conf_t *c = st_conf_new();
	assert_non_null(c);
	c->path = strdup("test.yaml");
	return c;
}

static inline st_client_t fx_client(const char *addr, unsigned prefix)
{
	st_client_t cl;
	memset(&cl, 0, sizeof(cl));
	if (inet_pton(AF_INET, addr, cl.addr) == 1)
		cl.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, cl.addr) == 1)
		cl.family = AF_INET6;
	else
		fail_msg("bad client %s", addr);
	unsigned max = cl.family == AF_INET ? 32 : 128;
	cl.source_prefix = (uint8_t)(prefix ? prefix : max);
	/* the policy tests stand for resolvers sending ECS (scopes matter);
	 * clear from_ecs to model a query without it */
	cl.from_ecs = true;
	return cl;
}

static inline const void *fx_handle(const st_route_t *rt, size_t i)
{
	st_route_record_info_t info;
	st_route_record_info(rt, i, &info);
	return info.handle;
}

/* Resolve and return the first address as text ("" for NODATA/SERVFAIL). */
static inline const char *fx_first(const st_route_t *rt, size_t rec, uint16_t qtype,
				   const char *client, unsigned prefix, const st_health_t *h,
				   uint64_t *rng, st_route_result_t *res)
{
	static char buf[INET6_ADDRSTRLEN];
	st_client_t cl = fx_client(client, prefix);
	assert_int_equal(st_route_resolve(rt, fx_handle(rt, rec), qtype, &cl, h, rng, res), 0);
	buf[0] = '\0';
	if (res->action == ST_ROUTE_ANSWER && res->n > 0)
		inet_ntop(res->rrtype == 28 ? AF_INET6 : AF_INET, res->addrs[0], buf, sizeof(buf));
	return buf;
}

/* The ECS promise for one answer: record `rec` asked by the IPv4 network
 * a/p (a has no bits past p) answers with a scope no longer than p, and
 * `tries` other /p networks inside the scope's block get the same region
 * (a resolver caches the answer for that block, RFC 7871 7.3.1). */
static inline void fx_scope_holds(const st_route_t *rt, size_t rec, uint32_t a, unsigned p,
				  int tries, uint64_t *seed)
{
	char addr[INET_ADDRSTRLEN];
	uint64_t rng = 1;
	st_route_result_t res;
	uint32_t mask = p ? ~0u << (32 - p) : 0;
	snprintf(addr, sizeof(addr), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		 a & 255);
	fx_first(rt, rec, 1, addr, p, NULL, &rng, &res);
	uint32_t region = res.regions[0];
	unsigned scope = res.scope;
	if (scope > p)
		fail_msg("%s/%u: scope %u is past the source prefix", addr, p, scope);
	uint32_t keep = scope ? ~0u << (32 - scope) : 0;
	for (int k = 0; k < tries; k++) {
		uint32_t b = ((a & keep) | ((uint32_t)st_splitmix64(seed) & ~keep)) & mask;
		char other[INET_ADDRSTRLEN];
		snprintf(other, sizeof(other), "%u.%u.%u.%u", b >> 24, (b >> 16) & 255,
			 (b >> 8) & 255, b & 255);
		fx_first(rt, rec, 1, other, p, NULL, &rng, &res);
		if (res.regions[0] != region)
			fail_msg("record %zu: %s/%u has scope %u, but %s/%u gets region %u, not %u",
				 rec, addr, p, scope, other, p, res.regions[0], region);
	}
}

static inline st_health_t *fx_health(const st_conf_t *c)
{
	st_health_t *h = NULL;
	st_diag_t d;
	assert_int_equal(st_health_new(c, &h, &d), 0);
	return h;
}

static inline void fx_down(st_health_t *h, const st_conf_t *c, const char *ep)
{
	st_health_set_override(h, st_conf_endpoint_index(c, ep), ST_OVERRIDE_DOWN);
}

static inline void fx_up(st_health_t *h, const st_conf_t *c, const char *ep)
{
	st_health_set_override(h, st_conf_endpoint_index(c, ep), ST_OVERRIDE_NONE);
}

static inline st_route_t *fx_route(const st_conf_t *c)
{
	st_route_t *rt = NULL;
	st_diag_t d = {""};
	int rc = st_route_new(c, &rt, &d);
	if (rc)
		fail_msg("st_route_new: %s (%s)", d.text, st_strerror(rc));
	return rt;
}

#endif
