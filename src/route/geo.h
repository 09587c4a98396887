/* The geo database (MMDB) behind the location-based policies: where a
 * client is, with a per-thread cache, and the countries table (continent
 * and centre of each country). */
#ifndef ST_ROUTE_GEO_H
#define ST_ROUTE_GEO_H

#include "common/errors.h"
#include "conf/geocode.h"
#include "route/route.h"

#include <maxminddb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct st_country {
	uint16_t continent; /* ST_CODE2 */
	bool known;
	double lat, lon; /* radians */
	double vec[3];	 /* unit vector of (lat, lon) */
} st_country_t;

/* What one MMDB data record says, decoded once and shared by every network
 * that points at it (City records are long: decoding costs ~2 us). A slot
 * is a seqlock over plain words: workers fill and read it without locks;
 * a torn or busy slot is a miss, never a wait. */
typedef struct st_geo_cache_slot {
	_Alignas(64) _Atomic uint32_t seq;
	_Atomic uint32_t key;	   /* data offset + 1; 0 = empty */
	_Atomic uint64_t codes;	   /* continent << 48 | country << 32 | subdivision (4 chars) */
	_Atomic uint64_t lat, lon; /* double bits; NaN = no point */
	_Atomic uint64_t vec[3];   /* double bits: the point's unit vector */
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
	double vec[3];	       /* unit vector of the point: distances cost a dot product */
	uint8_t scope;	       /* prefix length of the network that decided (client family bits),
				  never longer than the client's source prefix */
	bool common;	       /* the client's network is wider than the database's networks
				  there: what they all have in common (not found: nothing) */
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

/* Look a client up (no allocation). Without a database: found=false, scope 0.
 * A client network (ECS source prefix) wider than the database's networks
 * there gets what they have in common, or is not found (see geo.c). */
void st_geo_lookup(const st_geo_t *geo, const st_client_t *client, unsigned need,
		   st_geo_loc_t *loc);

#endif
