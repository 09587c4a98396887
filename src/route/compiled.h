/* The compiled routing config: records, regions and endpoints in the
 * form the policies read on the query path (built by route.c). */
#ifndef ST_ROUTE_COMPILED_H
#define ST_ROUTE_COMPILED_H

#include "conf/conf.h"
#include "route/cidr.h"
#include "route/geo.h"
#include "route/latency.h"
#include "route/route.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct st_route_endpoint {
	const char *name;
	uint32_t region;
	uint32_t weight;
	bool has_v4, has_v6;
	uint8_t addr4[4];
	uint8_t addr6[16];
	uint8_t cname[255];
	uint8_t cname_len; /* 0: none */
} st_route_endpoint_t;

typedef struct st_route_region {
	const char *name;
	bool has_location;
	double lat, lon; /* radians */
	double vec[3];	 /* unit vector of (lat, lon) */
	int32_t bias;
	st_select_t select;
	uint32_t select_max;
	uint32_t min_healthy;
	uint32_t *endpoints; /* endpoint indexes */
	uint32_t n_endpoints;
	_Atomic uint32_t dial;
} st_route_region_t;

/* A weighted item: a region or a single endpoint. */
typedef struct st_route_weight {
	bool is_region;
	uint32_t index;
	uint32_t weight;
} st_route_weight_t;

/* A geolocation map entry. */
typedef struct st_route_geomap {
	st_map_kind_t level; /* subdivision, country, continent or default */
	uint16_t code; /* country (subdivision) or continent */
	char sub[4];   /* subdivision suffix */
	uint32_t region;
} st_route_geomap_t;

typedef struct st_route_record {
	uint8_t owner[255];
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	st_policy_t policy;
	st_all_down_t on_all_down;
	uint32_t *regions; /* `regions:` in order */
	uint32_t n_regions;
	st_route_weight_t *weights;
	uint32_t n_weights;
	st_route_geomap_t *geomap; /* most specific level first */
	uint32_t n_geomap;
	st_cidr_t cidr;
	uint32_t cidr_default; /* region or ST_CONF_NONE */
	uint32_t index;
	char source[128]; /* "file:line" */
} st_route_record_t;

struct st_route {
	st_route_record_t *records;
	size_t n_records;
	st_route_region_t *regions;
	size_t n_regions;
	st_route_endpoint_t *endpoints;
	size_t n_endpoints;
	char *names; /* region and endpoint names, one block */
	st_geo_t geo;
	st_latency_t latency;
	bool have_latency;
	bool needs_geo; /* some record uses a location-based policy */
};

#endif
