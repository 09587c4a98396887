/* Sticky weighted picks: rendezvous (highest random weight) hashing of the
 * client's subnet. Each candidate scores weight / -ln(u), u a hash of the
 * subnet and the candidate's name in (0, 1); the highest score wins. A
 * client keeps its candidate while that one stays healthy, and a weight
 * change moves only the share of clients it must. */
#ifndef ST_ROUTE_STICKY_H
#define ST_ROUTE_STICKY_H

#include "route/route.h"

#include <stdbool.h>
#include <stdint.h>

/* `sticky:` of a record or a region: on, and the prefix lengths the
 * client's address is cut to before hashing. */
typedef struct st_route_sticky {
	bool on;
	uint8_t ipv4_prefix, ipv6_prefix;
} st_route_sticky_t;

/* A candidate's seed: a hash of its name (a region, endpoint or "@owner"),
 * so the picks survive a reordered config. */
uint64_t st_sticky_seed(const char *name);

/* The key of the client's subnet: its address cut to the sticky prefix, or
 * to its ECS source prefix when that is shorter (the answer must hold for
 * the whole source network). *prefix gets the length hashed. */
uint64_t st_sticky_key(const st_client_t *client, const st_route_sticky_t *s, uint8_t *prefix);

/* A candidate's score for a key; weight 0 scores 0. */
double st_sticky_score(uint64_t key, uint64_t seed, uint32_t weight);

#endif
