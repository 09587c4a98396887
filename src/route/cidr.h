/* Longest-prefix tables for the cidr policy. */
#ifndef ST_ROUTE_CIDR_H
#define ST_ROUTE_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

void st_cidr_sort(st_cidr_t *t);
/* The client is the network addr/prefix (an ECS source prefix, or a whole
 * address). The indexes of the entries that hold all of it, longest first
 * (up to max): an entry narrower than the client's network does not match
 * even where it lies inside it, for it decides nothing about the rest of
 * that network (Route 53 does the same). *scope is the prefix length over
 * which the match result cannot change, never longer than prefix. */
size_t st_cidr_match(const st_cidr_t *t, int family, const uint8_t *addr, unsigned prefix,
		     uint32_t *idx, size_t max, uint8_t *scope);
/* Does entry e lie inside the client's network addr/prefix, narrower than it
 * (an entry st_cidr_match passes over)? */
bool st_cidr_inside(const st_cidr_entry_t *e, int family, const uint8_t *addr, unsigned prefix);

#endif
