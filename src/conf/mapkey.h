/* Map keys: what a geolocation or cidr record's `map:` key (and a latency
 * table key) matches, parsed and checked once, here. */
#ifndef ST_CONF_MAPKEY_H
#define ST_CONF_MAPKEY_H

#include "common/sockaddr.h"
#include "conf/geocode.h"

#include <stddef.h>
#include <stdint.h>

/* Most specific first: the order a geolocation map is walked in. */
typedef enum {
	ST_MAP_SUBDIVISION,
	ST_MAP_COUNTRY,
	ST_MAP_CONTINENT,
	ST_MAP_DEFAULT,
	ST_MAP_NETWORK,
} st_map_kind_t;

typedef struct st_map_key {
	st_map_kind_t kind;
	uint16_t code;	 /* ST_CODE2 of the continent or country (a subdivision's country) */
	char sub[4];	 /* subdivision after "CC-", upper case ("VA", "ENG") */
	st_prefix_t net; /* ST_MAP_NETWORK */
	char text[64];	 /* normalised: "country:DE", "subdivision:US-VA", "192.0.2.0/24" */
} st_map_key_t;

/* Parse "default", "continent:eu", "country:DE", "subdivision:us-va",
 * "192.0.2.0/24" or "2001:db8::/32". A code that no database returns is an
 * error (country:UK, with the hint GB). 0, or ST_EINVAL with why set. */
int st_map_key_parse(const char *s, st_map_key_t *out, char *why, size_t why_len);

#endif
