/* The checker: probes every endpoint that has a check on one loop, on its
 * interval with a start jitter, applies rise/fall hysteresis, keeps the RTT
 * average, publishes slots and the heartbeat in the shared health table, and
 * logs state changes. */
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
/* Last probe's verdict text ("http 500 from 127.0.0.1:8080") and result. */
const char *st_checker_last_text(const st_checker_t *c, size_t i);
bool st_checker_last_ok(const st_checker_t *c, size_t i);
/* When the next probe is due (st_mono_ns clock). */
uint64_t st_checker_next_due_ns(const st_checker_t *c, size_t i);

#endif
