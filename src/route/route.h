/* Routing: compiled records, regions and endpoints from the config; each
 * dynamic answer picks region(s) by policy and endpoint addresses by the
 * region's select rule, reading health through st_health_up(). No allocation
 * and no locks per query. */
#ifndef ST_ROUTE_ROUTE_H
#define ST_ROUTE_ROUTE_H

#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_conf;
struct st_health;

typedef struct st_route st_route_t;

#define ST_ROUTE_MAX_ADDRS 8

/* Who is asking: from ECS when source prefix > 0, else the resolver address. */
typedef struct st_client {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint8_t source_prefix; /* ECS source prefix, or 32/128 for the source address */
	bool from_ecs;
} st_client_t;

typedef enum {
	ST_ROUTE_ANSWER = 0,   /* addrs/cname filled */
	ST_ROUTE_NODATA = 1,   /* no data of that family/type: NODATA with SOA */
	ST_ROUTE_SERVFAIL = 2, /* on_all_down: servfail */
} st_route_action_t;

typedef struct st_route_result {
	st_route_action_t action;
	uint32_t ttl;
	uint8_t
	    scope; /* ECS scope prefix length: 0 when the answer does not depend on the client */
	uint16_t rrtype; /* type of the records to emit: A, AAAA or CNAME */
	size_t n;	 /* addresses (A: 4 bytes used, AAAA: 16); 0 for CNAME */
	uint8_t addrs[ST_ROUTE_MAX_ADDRS][16];
	const uint8_t *cname; /* CNAME target, canonical wire name */
	uint8_t cname_len;
	uint32_t record; /* record index (stats) */
	uint8_t depth;	 /* nested records the answer went through ("@name") */
	bool sticky;	 /* a sticky pick (by the client's subnet) decided it */
	/* region and endpoint of each address (stats); for CNAME, of the target in [0] */
	uint32_t regions[ST_ROUTE_MAX_ADDRS];	/* region of each address (stats) */
	uint32_t endpoints[ST_ROUTE_MAX_ADDRS]; /* endpoint of each address (stats) */
} st_route_result_t;

/* A record to graft into its zone (see st_zone_dyn_t). */
typedef struct st_route_record_info {
	const uint8_t *owner; /* canonical wire */
	uint8_t owner_len;
	uint16_t type;
	uint32_t ttl;
	const void *handle;
	const char *source; /* "file:line" */
} st_route_record_info_t;

/* Compile the routing part of a config; opens the geo database. Errors name
 * file:line of the offending key. */
int st_route_new(const struct st_conf *conf, st_route_t **out, st_diag_t *diag);
void st_route_free(st_route_t *rt);

size_t st_route_record_count(const st_route_t *rt);
void st_route_record_info(const st_route_t *rt, size_t i, st_route_record_info_t *out);

/* Answer a dynamic RRset for a client. qtype is the question's type (a CNAME
 * record answers any type). rng: the caller's per-thread splitmix64 state. */
int st_route_resolve(const st_route_t *rt, const void *handle, uint16_t qtype,
		     const st_client_t *client, const struct st_health *health, uint64_t *rng,
		     st_route_result_t *res);

/* Every answer a record can give, whatever the health and the client (for
 * zone transfers): fn gets the RDATA of each endpoint that serves the
 * record's type (4 or 16 address bytes, or a CNAME target as a wire name),
 * in the order the policy lists its regions (failover: primary first),
 * repeats included. */
typedef void (*st_route_target_fn)(const uint8_t *rdata, size_t len, void *arg);
void st_route_targets(const st_route_t *rt, const void *handle, st_route_target_fn fn, void *arg);

/* Traffic dials (control plane): atomic, visible to the next query.
 * set: ST_ENOENT for an unknown region, ST_ERANGE above 100.
 * get: 100 for an unknown region. */
int st_route_set_dial(st_route_t *rt, uint32_t region, uint32_t pct);
uint32_t st_route_get_dial(const st_route_t *rt, uint32_t region);

/* Describe the decision st_route_resolve would take for this client (policy,
 * location and the MMDB network, distances or RTT estimates per region,
 * dials, health, chosen region and endpoints) as text lines in buf. Random
 * choices draw from `seed` (the same seed gives the same draws). The ECS
 * scope is not told here: answer/ask.h asks the query engine for what goes
 * on the wire. Returns 0, or ST_ENOSPC when the text was cut. */
int st_route_explain(const st_route_t *rt, const void *handle, uint16_t qtype,
		     const st_client_t *client, const struct st_health *health, uint64_t seed,
		     char *buf, size_t len);

/* Lookups for the control plane (not for the query path). */
/* The record handle for a canonical wire owner and type (0: any type), or NULL. */
const void *st_route_find(const st_route_t *rt, const uint8_t *owner, size_t owner_len,
			  uint16_t type);
size_t st_route_region_count(const st_route_t *rt);
const char *st_route_region_name(const st_route_t *rt, uint32_t region);
/* Region index by name, UINT32_MAX when unknown. */
uint32_t st_route_region_index(const st_route_t *rt, const char *name);
const char *st_route_endpoint_name(const st_route_t *rt, uint32_t endpoint);

#endif
