/* Response rate limiting (RRL), as Knot and BIND do it: UDP responses are
 * counted in token buckets per client network (IPv4 /24 and IPv6 /56 by
 * default), response class and the name the class is about. A response
 * over the rate is dropped, or every `slip`th one is sent truncated (no
 * records, TC=1) so that a real client behind a spoofed flood retries over
 * TCP. One table per UDP worker: bounded memory, no locks. */
#ifndef ST_LIMIT_RRL_H
#define ST_LIMIT_RRL_H

#include "conf/conf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	ST_RRL_ANSWER = 0, /* records in the answer: per QNAME and QTYPE */
	ST_RRL_NODATA,	   /* no records for the type: per QNAME */
	ST_RRL_NXDOMAIN,   /* per zone: a random-subdomain flood is one bucket */
	ST_RRL_REFERRAL,   /* per delegation point */
	ST_RRL_WILDCARD,   /* synthesised from a wildcard: per wildcard source name */
	ST_RRL_ERROR,	   /* REFUSED, FORMERR, SERVFAIL...: one bucket per network */
	ST_RRL_CLASSES
} st_rrl_class_t;

const char *st_rrl_class_name(st_rrl_class_t c);

typedef enum {
	ST_RRL_SEND = 0, /* within the rate (or exempt) */
	ST_RRL_SLIP,	 /* over it: send truncated */
	ST_RRL_DROP,	 /* over it: send nothing */
} st_rrl_action_t;

/* One response to account. */
typedef struct st_rrl_resp {
	const uint8_t *addr; /* the client: 4 bytes IPv4, 16 bytes IPv6 */
	unsigned addr_len;
	st_rrl_class_t cls;
	const uint8_t *name; /* canonical wire name the class is about (NULL: none) */
	size_t name_len;
	uint16_t qtype; /* ST_RRL_ANSWER only */
} st_rrl_resp_t;

typedef struct st_rrl st_rrl_t;

/* What one worker's limiting did: written by that worker only, read from
 * other threads with relaxed loads (like the counters of answer/stats.h),
 * so they outlive any one table. */
typedef struct st_rrl_counters {
	uint64_t limited; /* responses over the rate (slipped + dropped) */
	uint64_t slipped; /* sent truncated */
	uint64_t dropped; /* not sent */
	uint64_t entered; /* times a bucket started limiting */
	uint64_t evicted; /* buckets whose state a full table pushed out */
	uint64_t used;	  /* buckets in use (gauge) */
	uint64_t size;	  /* buckets of the table (gauge, 0: none yet) */
	/* The network limited last: address halves (big-endian) and
	 * family << 16 | prefix length << 8 | class (0: none yet). */
	uint64_t last_hi, last_lo, last_meta;
} st_rrl_counters_t;

/* A table of `size` buckets (rounded up to a power of two, at least 64);
 * seed keys its hash so that clients cannot aim at one bucket. The table
 * counts into `counters` (which must outlive it). */
st_rrl_t *st_rrl_new(uint32_t size, uint64_t seed, st_rrl_counters_t *counters);
/* Also sets the counters' used and size gauges to 0. Accepts NULL. */
void st_rrl_free(st_rrl_t *t);
uint32_t st_rrl_size(const st_rrl_t *t);

/* Whether addr is in one of the exempt networks. */
bool st_rrl_exempt(const st_conf_rrl_t *conf, const uint8_t *addr, unsigned addr_len);

/* Account one response at now_ns (a monotonic clock) and say what to do
 * with it. `share` is the number of tables a client's queries are spread
 * over (the UDP workers of a listen address): each allows rate / share, so
 * that a flood spread over every worker is held to `rate` in total.
 * Exempt networks are not counted. The owning worker only. */
st_rrl_action_t st_rrl_account(st_rrl_t *t, const st_conf_rrl_t *conf, unsigned share,
			       const st_rrl_resp_t *resp, uint64_t now_ns);

/* Add one worker's counters into sum (a private copy); the last limited
 * network is the one's when it has one. */
void st_rrl_counters_add(st_rrl_counters_t *sum, const st_rrl_counters_t *one);
/* The network limited last and its class; false when none was yet. */
bool st_rrl_last(const st_rrl_counters_t *c, st_prefix_t *net, st_rrl_class_t *cls);

#endif
