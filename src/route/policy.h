/* The policies (policy.c): the decision behind st_route_resolve, with an
 * optional trace for steerctl explain (trace.c), and the pieces the explain
 * text reuses. */
#ifndef ST_ROUTE_POLICY_H
#define ST_ROUTE_POLICY_H

#include "route/compiled.h"
#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Text that explains a decision (NULL on the query path). */
typedef struct st_trace {
	char *buf;
	size_t len, pos;
	bool cut;
} st_trace_t;

void st_trace_add(st_trace_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* st_route_resolve with an optional trace and the location it used. */
int st_route_resolve_trace(const st_route_t *rt, const void *handle, uint16_t qtype,
			   const st_client_t *client, const struct st_health *health, uint64_t *rng,
			   st_route_result_t *res, st_trace_t *tr, st_geo_loc_t *loc_out);

/* Up to this many regions take part in one ordering (latency, geoproximity). */
#define ST_ROUTE_MAX_ORDER ST_CONF_MAX_ORDER

/* Does the endpoint carry data for the record's type? */
static inline bool st_route_endpoint_serves(const st_route_endpoint_t *ep, uint16_t type)
{
	return type == ST_TYPE_A      ? ep->has_v4
	       : type == ST_TYPE_AAAA ? ep->has_v6
				      : ep->cname_len > 0;
}

bool st_route_region_healthy(const st_route_region_t *rg, const struct st_health *h);

/* Order regions for a location-based policy: distances or RTTs (ms, km),
 * ascending; returns the count. With `costs`, cost[] receives each ordered
 * region's cost; without, cost[] is scratch (the order may come from dot
 * products alone). */
size_t st_route_order(const st_route_t *rt, const st_route_record_t *rec, const st_geo_loc_t *loc,
		      uint32_t *order, double *cost, bool costs, const char **why);

#endif
