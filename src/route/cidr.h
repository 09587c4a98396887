/* Longest-prefix tables for the cidr policy. */
#ifndef ST_ROUTE_CIDR_H
#define ST_ROUTE_CIDR_H

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
/* The indexes of the matching entries, longest first (up to max); *scope is
 * the prefix length over which the match result cannot change. */
size_t st_cidr_match(const st_cidr_t *t, int family, const uint8_t *addr, uint32_t *idx, size_t max,
		     uint8_t *scope);

#endif
