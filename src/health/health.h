/* Effective endpoint health as steerd sees it: the checker's state from the
 * shared table (health/table.h), admin overrides (drain, force) and the
 * staleness policy. The query path calls st_health_up() on every dynamic
 * answer: it takes no lock and never blocks. */
#ifndef ST_HEALTH_HEALTH_H
#define ST_HEALTH_HEALTH_H

#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_conf;

typedef enum {
	ST_HEALTH_UNKNOWN = 0, /* no probe result yet: treated as up (cold start) */
	ST_HEALTH_UP = 1,
	ST_HEALTH_DOWN = 2,
} st_health_state_t;

typedef enum {
	ST_OVERRIDE_NONE = 0,
	ST_OVERRIDE_DRAIN = 1, /* treated as down, reported as drained */
	ST_OVERRIDE_UP = 2,    /* force up */
	ST_OVERRIDE_DOWN = 3,  /* force down */
} st_override_t;

#define ST_HEALTH_ERROR_MAX 96 /* bytes including the NUL */

/* What the checker knows of one endpoint: its hysteresis state, kept by
 * steercheck and published as one slot of the health table. */
typedef struct st_health_rec {
	st_health_state_t state;
	uint32_t rtt_us;		 /* EWMA of successful probes, 0 = none yet */
	uint32_t successes, failures;	 /* consecutive */
	uint32_t flaps;			 /* up <-> down changes */
	uint64_t last_check_ns;		 /* CLOCK_MONOTONIC */
	uint64_t last_change_ns;	 /* CLOCK_MONOTONIC */
	char error[ST_HEALTH_ERROR_MAX]; /* why the last probe failed, "" after a success */
	/* A vantage point of a fleet: `state` is what the quorum of vantage
	 * points agreed on, votes_up of voters saw the endpoint up, and
	 * `local` is this vantage point's own view. voters 0: no fleet
	 * decision (state is this checker's own). */
	st_health_state_t local;
	uint32_t votes_up, voters;
	/* The endpoint's checks (`check: [web, db]`): each one's state in the
	 * config's order, inverted ones already inverted, 2 bits each
	 * (st_health_check_state). n_checks 0: not said (older checkers). */
	uint32_t n_checks;
	uint64_t check_states;
} st_health_rec_t;

#define ST_HEALTH_MAX_CHECKS 32 /* per endpoint: 2 bits each in check_states */

static inline st_health_state_t st_health_check_state(const st_health_rec_t *r, uint32_t k)
{
	if (k >= r->n_checks || k >= ST_HEALTH_MAX_CHECKS)
		return ST_HEALTH_UNKNOWN;
	uint32_t v = (uint32_t)(r->check_states >> (2 * k)) & 3u;
	return v <= ST_HEALTH_DOWN ? (st_health_state_t)v : ST_HEALTH_UNKNOWN;
}

static inline void st_health_set_check_state(st_health_rec_t *r, uint32_t k, st_health_state_t s)
{
	if (k >= ST_HEALTH_MAX_CHECKS)
		return;
	r->check_states &= ~(3ull << (2 * k));
	r->check_states |= (uint64_t)(s & 3u) << (2 * k);
}

/* How the checker of a fleet site decides (the table's header). */
typedef enum {
	ST_FLEET_NONE = 0,   /* no fleet: the checker's own states */
	ST_FLEET_AGREED = 1, /* the quorum's states, etcd reachable */
	ST_FLEET_KEPT = 2,   /* etcd unreachable: the last agreed states, kept */
	ST_FLEET_OWN = 3,    /* unreachable longer than fleet.stale_after: own view */
} st_fleet_mode_t;

typedef struct st_health_fleet {
	st_fleet_mode_t mode;
	uint32_t vantages;	/* live vantage points with a view in etcd */
	uint64_t etcd_ok_ns;	/* CLOCK_MONOTONIC of etcd's last answer, 0: never */
	uint64_t mode_since_ns; /* CLOCK_MONOTONIC when the mode began */
	uint32_t watch_lag_ms;	/* a write of this vantage point until its watch saw it */
} st_health_fleet_t;

const char *st_fleet_mode_name(st_fleet_mode_t m);

/* One endpoint as steerd sees it. */
typedef struct st_health_info {
	st_health_rec_t checker; /* the checker's slot, read under its seqlock
				    (state UNKNOWN when there is none) */
	st_health_state_t effective;
	st_override_t override;
	bool has_check;	 /* endpoint has a check at all */
	bool in_table;	 /* a slot of that name was found */
	bool unreadable; /* its slot is not believed (a state of no known value, a
			    sequence word that does not settle): on_stale applies */
} st_health_info_t;

typedef struct st_health st_health_t;

/* Build the health view for a config's endpoints (index = endpoint index in
 * conf->endpoints). Maps conf->health_table read-only if it exists; a missing,
 * truncated or corrupt table is not an error (acts as stale). */
int st_health_new(const struct st_conf *conf, st_health_t **out, st_diag_t *diag);
void st_health_free(st_health_t *h);
/* A reload's new view starts from the old one's last settled states (by
 * endpoint name), so a slot that cannot be read after the reload reads as
 * it last did, not as unknown. Call before h is published. */
void st_health_carry(st_health_t *h, const st_health_t *old);

/* Hot path: is the endpoint usable? (override, else checker state; unknown
 * counts as up; stale + fail-open counts as up; endpoints with no check are up.) */
bool st_health_up(const st_health_t *h, uint32_t endpoint);

/* Housekeeping from the main loop (every ~100 ms): remap when the table
 * appears, changes generation or size; detect staleness and log it once. */
void st_health_tick(st_health_t *h);

bool st_health_stale(const st_health_t *h);
/* Heartbeat age in ms (UINT64_MAX when there is no valid table). */
uint64_t st_health_age_ms(const st_health_t *h);
/* Checker pid from the table header, 0 if none. */
int st_health_checker_pid(const st_health_t *h);

/* Is the checker still there? Told from its heartbeat against the period
 * it states, the pid it left in the table, and whether that pid lives. */
typedef enum {
	ST_CHECKER_NONE = 0, /* no usable table */
	ST_CHECKER_BEATING,  /* heartbeat on time */
	ST_CHECKER_EXITED,   /* left cleanly (pid 0 in the table) */
	ST_CHECKER_GONE,     /* its process does not exist any more */
	ST_CHECKER_SILENT,   /* alive, or not known, but not beating */
} st_checker_status_t;

typedef struct st_health_checker {
	st_checker_status_t status;
	int pid;
	uint64_t age_ms;      /* of the heartbeat; UINT64_MAX: none */
	bool stale;	      /* st_health_stale() */
	uint64_t stale_in_ms; /* not beating and not yet stale: when it will be */
} st_health_checker_t;

void st_health_checker(const st_health_t *h, st_health_checker_t *out);
/* The fleet fields of the table's header (mode NONE without a table). */
void st_health_fleet(const st_health_t *h, st_health_fleet_t *out);
/* health.on_stale is fail-open (else last-known). */
bool st_health_fail_open(const st_health_t *h);
const char *st_checker_status_name(st_checker_status_t s);

/* Control plane (steerctl drain/force): atomic, visible to the next query. */
void st_health_set_override(st_health_t *h, uint32_t endpoint, st_override_t ov);
st_override_t st_health_get_override(const st_health_t *h, uint32_t endpoint);

int st_health_info(const st_health_t *h, uint32_t endpoint, st_health_info_t *out);

/* Calculated health: the endpoint has several checks, or an inverted one. */
bool st_health_calculated(const struct st_conf *conf, uint32_t endpoint);
/* Check k of the endpoint as the checker last published it (this vantage
 * point's own; an inverted one already inverted): "up", "down", or
 * "unknown" also when the table does not say (an older checker, another
 * config). */
const char *st_health_check_text(const struct st_conf *conf, uint32_t endpoint,
				 const st_health_info_t *in, uint32_t k);
/* "checks (healthy when all): web up, db down, maint up (inverted)", or
 * with json the members ,"healthy_when":"all","checks":[{"check":"web",
 * "state":"up","inverted":false},...] of an endpoint's object. */
struct st_buf;
void st_health_checks_text(const struct st_conf *conf, uint32_t endpoint,
			   const st_health_info_t *in, bool json, struct st_buf *out);
size_t st_health_count(const st_health_t *h);
/* Slots found not readable at the last tick (see st_health_info_t.unreadable). */
size_t st_health_bad_slots(const st_health_t *h);

#endif
