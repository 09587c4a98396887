/* The compiled routing config: records, regions and endpoints in the
 * form the policies read on the query path (built by route.c). */
#ifndef ST_ROUTE_COMPILED_H
#define ST_ROUTE_COMPILED_H

#include "conf/conf.h"
#include "route/cidr.h"
#include "route/geo.h"
#include "route/latency.h"
#include "route/route.h"
#include "route/sticky.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* A candidate of a policy (`regions:`, `weights:`, `map:` values): a
 * region index, or with ST_ROUTE_RECORD a record index ("@name"). */
#define ST_ROUTE_RECORD ST_CONF_RECORD
static inline bool st_route_is_record(uint32_t target)
{
	return (target & ST_ROUTE_RECORD) != 0;
}

/* The routed records a cname endpoint's target has (its health follows
 * them), by type: A, AAAA, CNAME. */
enum { ST_ROUTE_VIA_A, ST_ROUTE_VIA_AAAA, ST_ROUTE_VIA_CNAME, ST_ROUTE_VIA_N };

typedef struct st_route_endpoint {
	const char *name;
	uint32_t region;
	uint32_t weight;
	uint64_t seed; /* of its name: its rendezvous hashes */
	bool has_v4, has_v6;
	bool has_via; /* some via[] is a record */
	uint32_t via[ST_ROUTE_VIA_N]; /* record index or ST_CONF_NONE */
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
	st_route_sticky_t sticky;
	bool has_via; /* an endpoint's health follows a routed record */
	uint32_t *endpoints; /* endpoint indexes */
	uint32_t n_endpoints;
	_Atomic uint32_t dial;
} st_route_region_t;

/* A weighted item: a target (region or record) or a single endpoint. */
typedef struct st_route_weight {
	bool is_region; /* a target: index is a region, or a record (ST_ROUTE_RECORD) */
	uint32_t index;
	uint32_t weight;
	uint64_t seed; /* of its name: its rendezvous hashes */
} st_route_weight_t;

/* A geolocation map entry. */
typedef struct st_route_geomap {
	st_map_kind_t level; /* subdivision, country, continent or default */
	uint16_t code; /* country (subdivision) or continent */
	char sub[4];   /* subdivision suffix */
	uint32_t region; /* a target */
} st_route_geomap_t;

typedef struct st_route_record {
	uint8_t owner[255];
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	st_policy_t policy;
	st_all_down_t on_all_down;
	st_route_sticky_t sticky;
	const char *name; /* "@owner." for messages */
	unsigned need;	  /* ST_GEO_NEED_* of it and the records it leads to */
	uint32_t *regions; /* `regions:` in order: targets */
	uint32_t n_regions;
	st_route_weight_t *weights;
	uint32_t n_weights;
	st_route_geomap_t *geomap; /* most specific level first */
	uint32_t n_geomap;
	st_cidr_t cidr;
	uint32_t cidr_default; /* a target or ST_CONF_NONE */
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
	char *names; /* region and endpoint names, "@owner." of records, one block */
	const char **record_names; /* per record, in names */
	st_geo_t geo;
	st_latency_t latency;
	bool have_latency;
	bool needs_geo; /* some record uses a location-based policy */
};

#endif
