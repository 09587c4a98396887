/* The checker: probes every check of every endpoint that has checks on one
 * loop, each on its interval with a start jitter, applies rise/fall
 * hysteresis per check, keeps the RTT average, computes the endpoint's state
 * from its checks (check/calc.h), publishes slots and the heartbeat in the
 * shared health table, and logs state changes. */
#ifndef ST_CHECK_CHECKER_H
#define ST_CHECK_CHECKER_H

#include "check/hyst.h"
#include "common/errors.h"
#include "conf/conf.h"
#include "net/ev.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct st_checker st_checker_t;

/* Build the probes for conf's checked endpoints (conf must outlive the
 * checker). table_path NULL: no table (--once). Opening the table reattaches
 * an existing one (see st_healthtab_writer_open). */
int st_checker_new(st_loop_t *loop, const st_conf_t *conf, const char *table_path,
		   st_checker_t **out, st_diag_t *diag);
/* Start the schedule: every endpoint's first probe at a random point of its
 * first interval, then every interval; the heartbeat beats at once. */
int st_checker_start(st_checker_t *c);
/* Seed the start jitter (tests: a fixed seed); before st_checker_start. */
void st_checker_seed(st_checker_t *c, uint64_t seed);
/* Probe every endpoint once, now; call done when all results are in. */
int st_checker_once(st_checker_t *c, void (*done)(st_checker_t *c, void *arg), void *arg);
/* Stop probing and detach from the table (pid cleared); accepts NULL. */
void st_checker_free(st_checker_t *c);

size_t st_checker_count(const st_checker_t *c);
/* Per endpoint (index among the checked endpoints). */
const char *st_checker_name(const st_checker_t *c, size_t i);
const st_health_rec_t *st_checker_hyst(const st_checker_t *c, size_t i);
/* Last probe's verdict text ("http 500 from 127.0.0.1:8080") and result;
 * of several checks, the verdict counted by healthy_when and the text of
 * those that failed. */
const char *st_checker_last_text(const st_checker_t *c, size_t i);
bool st_checker_last_ok(const st_checker_t *c, size_t i);
/* The checks of endpoint i (calculated health: several, or an inverted
 * one) and what each one last said. */
typedef struct st_checker_check {
	const char *name;
	bool invert;
	st_health_state_t state; /* as it counts for the endpoint (inverted) */
	bool last_ok;		 /* the last probe's own verdict */
	uint32_t rtt_us;
	const char *text; /* the last probe's text */
} st_checker_check_t;
uint32_t st_checker_checks(const st_checker_t *c, size_t i);
bool st_checker_check(const st_checker_t *c, size_t i, uint32_t k, st_checker_check_t *out);
/* When the next probe of endpoint i is due (st_mono_ns clock). */
uint64_t st_checker_next_due_ns(const st_checker_t *c, size_t i);

/* A vantage point of a fleet (fleet/vantage.h) hooks in here. */
/* Called when an endpoint's own state changes (first result included). */
typedef void (*st_checker_change_cb_t)(st_checker_t *c, size_t i, void *arg);
void st_checker_on_change(st_checker_t *c, st_checker_change_cb_t cb, void *arg);
/* Publish the agreed state (and its votes) for endpoint i instead of the
 * checker's own; the own state goes in the slot's `local`. A table of a
 * fleet reopened at start keeps showing its agreed states until then. */
void st_checker_set_agreed(st_checker_t *c, size_t i, st_health_state_t state, uint32_t up,
			   uint32_t voters);
/* Back to the checker's own state for endpoint i. */
void st_checker_clear_agreed(st_checker_t *c, size_t i);
/* The agreed state shown for endpoint i, if any. */
bool st_checker_agreed(const st_checker_t *c, size_t i, st_health_state_t *state, uint32_t *up,
		       uint32_t *voters);
/* The fleet's status in the table's header; NULL: no fleet (every
 * endpoint back to its own state). */
void st_checker_set_fleet(st_checker_t *c, const st_health_fleet_t *f);

#endif
