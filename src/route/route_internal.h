/* Routing internals: the compiled runtime structures shared by the policy,
 * geo, latency, CIDR, dial and explain files. Nothing here is a contract. */
#ifndef ST_ROUTE_ROUTE_INTERNAL_H
#define ST_ROUTE_ROUTE_INTERNAL_H

#include "conf/conf.h"
#include "route/route.h"

#include <maxminddb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct st_health;

/* A two-letter code packed as (c0 << 8) | c1; 0 = none. */
#define ST_CODE2(a, b) ((uint16_t)(((uint8_t)(a) << 8) | (uint8_t)(b)))

/* ---- geo.c: the MMDB wrapper and the countries table ---- */

typedef struct st_country {
	uint16_t continent; /* ST_CODE2 */
	bool known;
	double lat, lon; /* radians */
} st_country_t;

/* What one MMDB data record says, decoded once and shared by every network
 * that points at it (City records are long: decoding costs ~2 us). A slot
 * is a seqlock over plain words: workers fill and read it without locks;
 * a torn or busy slot is a miss, never a wait. */
typedef struct st_geo_cache_slot {
	_Atomic uint32_t seq;
	_Atomic uint32_t key;	   /* data offset + 1; 0 = empty */
	_Atomic uint64_t codes;	   /* continent << 48 | country << 32 | subdivision (4 chars) */
	_Atomic uint64_t lat, lon; /* double bits; NaN = no point */
} st_geo_cache_slot_t;

#define ST_GEO_CACHE_SLOTS 4096

typedef struct st_geo {
	MMDB_s mmdb;
	bool open;
	st_geo_cache_slot_t *cache;
	uint32_t cache_mask;		 /* slots - 1 (tests shrink it to force collisions) */
	bool ipv6_tree;			 /* ip_version 6: IPv4 netmasks come back in IPv6 bits */
	st_country_t countries[26 * 26]; /* by code index, filled from countries.csv */
	bool have_countries;
	uint64_t id; /* unique per open: keys the per-thread address cache */
} st_geo_t;

/* Where a client is, as far as the database knows. */
typedef struct st_geo_loc {
	bool found;	     /* the database has a record for the address */
	uint16_t continent;  /* ST_CODE2 or 0 */
	uint16_t country;    /* ST_CODE2 or 0 */
	char subdivision[4]; /* ISO 3166-2 suffix ("VA", "ENG"), "" if none */
	bool has_point;
	bool point_from_table; /* the point is the country's centre (countries.csv) */
	double lat, lon;       /* radians */
	uint8_t scope;	       /* prefix length of the network that decided (client family bits) */
} st_geo_loc_t;

int st_geo_open(st_geo_t *geo, const char *db_path, const char *countries_path, st_diag_t *diag);
void st_geo_close(st_geo_t *geo);
/* Load countries.csv into the table; errors name file:line. */
int st_geo_load_countries(st_geo_t *geo, const char *path, st_diag_t *diag);
/* What a lookup must fill in (the country always): each field is one walk
 * through the record's maps, so callers ask only for what they use. */
#define ST_GEO_NEED_CONTINENT 0x1
#define ST_GEO_NEED_SUBDIVISION 0x2
#define ST_GEO_NEED_POINT 0x4
#define ST_GEO_NEED_ALL 0x7

/* Look a client up (no allocation). Without a database: found=false, scope 0. */
void st_geo_lookup(const st_geo_t *geo, const st_client_t *client, unsigned need,
		   st_geo_loc_t *loc);
static inline int st_code_index(uint16_t code)
{
	int a = (code >> 8) - 'A', b = (code & 0xff) - 'A';
	if (a < 0 || a >= 26 || b < 0 || b >= 26)
		return -1;
	return a * 26 + b;
}
/* Parse "DE"/"de" into ST_CODE2 (upper case); 0 when not two letters. */
uint16_t st_code_parse(const char *s, size_t len);

/* ---- latency.c: great-circle distance, RTT estimate, measured overrides ---- */

#define ST_EARTH_RADIUS_KM 6371.0088

double st_geo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* Unit vector of a point (radians): distances then cost a dot product and
 * one acos, with the region's vector computed once at load. */
void st_geo_vec(double lat, double lon, double v[3]);
double st_geo_vec_km(const double a[3], const double b[3]);
/* RTT_ms = 1.5 * (km / 99.9) + 3 */
double st_latency_estimate_ms(double km);
/* Route 53 geoproximity bias applied to a distance. */
double st_bias_distance(double km, int32_t bias);

typedef struct st_latency_row {
	uint16_t code; /* ST_CODE2 of the country or continent */
	bool continent;
	float *ms; /* per region, < 0 when not measured */
} st_latency_row_t;

typedef struct st_latency {
	st_latency_row_t *rows;
	size_t n_rows;
	int16_t by_country[26 * 26]; /* row index or -1 */
	size_t n_regions;
} st_latency_t;

int st_latency_load(st_latency_t *lt, const char *path, const st_conf_t *conf, st_diag_t *diag);
void st_latency_free(st_latency_t *lt);
/* The measured row for a location (country first, then continent), or NULL. */
const st_latency_row_t *st_latency_row(const st_latency_t *lt, const st_geo_loc_t *loc);

/* ---- cidr.c: longest-prefix tables for the cidr policy ---- */

typedef struct st_cidr_entry {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefix;
	uint8_t net[16];
	uint32_t region;
	unsigned line;
} st_cidr_entry_t;

typedef struct st_cidr {
	st_cidr_entry_t *entries; /* sorted by prefix, longest first */
	size_t n;
} st_cidr_t;

int st_cidr_parse(const char *s, st_cidr_entry_t *out);
void st_cidr_sort(st_cidr_t *t);
/* The indexes of the matching entries, longest first (up to max); *scope is
 * the prefix length over which the match result cannot change. */
size_t st_cidr_match(const st_cidr_t *t, int family, const uint8_t *addr, uint32_t *idx, size_t max,
		     uint8_t *scope);

/* ---- the compiled config ---- */

int st_rt_name_to_wire(const char *s, uint8_t *out, size_t cap);

typedef struct st_rt_endpoint {
	const char *name;
	uint32_t region;
	uint32_t weight;
	bool has_v4, has_v6;
	uint8_t addr4[4];
	uint8_t addr6[16];
	uint8_t cname[255];
	uint8_t cname_len; /* 0: none */
} st_rt_endpoint_t;

typedef struct st_rt_region {
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
} st_rt_region_t;

/* A weighted item: a region or a single endpoint. */
typedef struct st_rt_weight {
	bool is_region;
	uint32_t index;
	uint32_t weight;
} st_rt_weight_t;

/* A geolocation map entry. */
typedef enum {
	ST_GEO_SUBDIVISION,
	ST_GEO_COUNTRY,
	ST_GEO_CONTINENT,
	ST_GEO_DEFAULT
} st_geo_level_t;

typedef struct st_rt_geomap {
	st_geo_level_t level;
	uint16_t code; /* country (subdivision) or continent */
	char sub[4];   /* subdivision suffix */
	uint32_t region;
} st_rt_geomap_t;

typedef struct st_rt_record {
	uint8_t owner[255];
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	st_policy_t policy;
	st_all_down_t on_all_down;
	uint32_t *regions; /* `regions:` in order */
	uint32_t n_regions;
	st_rt_weight_t *weights;
	uint32_t n_weights;
	st_rt_geomap_t *geomap; /* most specific level first */
	uint32_t n_geomap;
	st_cidr_t cidr;
	uint32_t cidr_default; /* region or ST_CONF_NONE */
	uint32_t index;
	char source[128]; /* "file:line" */
} st_rt_record_t;

struct st_route {
	st_rt_record_t *records;
	size_t n_records;
	st_rt_region_t *regions;
	size_t n_regions;
	st_rt_endpoint_t *endpoints;
	size_t n_endpoints;
	char *names; /* region and endpoint names, one block */
	st_geo_t geo;
	st_latency_t latency;
	bool have_latency;
	bool needs_geo; /* some record uses a location-based policy */
};

/* ---- policy.c ---- */

/* Text that explains a decision (NULL on the query path). */
typedef struct st_trace {
	char *buf;
	size_t len, pos;
	bool cut;
} st_trace_t;

void st_trace_add(st_trace_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* st_route_resolve with an optional trace and the location it used. */
int st_rt_resolve(const st_route_t *rt, const void *handle, uint16_t qtype,
		  const st_client_t *client, const struct st_health *health, uint64_t *rng,
		  st_route_result_t *res, st_trace_t *tr, st_geo_loc_t *loc_out);

/* Up to this many regions take part in one ordering (latency, geoproximity). */
#define ST_ROUTE_MAX_ORDER 64

/* Does the endpoint carry data for the record's type? */
static inline bool st_rt_ep_serves(const st_rt_endpoint_t *ep, uint16_t type)
{
	return type == 1 ? ep->has_v4 : type == 28 ? ep->has_v6 : ep->cname_len > 0;
}

bool st_rt_region_healthy(const st_route_t *rt, const st_rt_region_t *rg, uint16_t type,
			  const struct st_health *h);

/* Order regions for a location-based policy: distances or RTTs (ms, km),
 * ascending; returns the count. cost[] receives each ordered region's cost. */
size_t st_rt_order(const st_route_t *rt, const st_rt_record_t *rec, const st_geo_loc_t *loc,
		   uint32_t *order, double *cost, const char **why);

#endif
