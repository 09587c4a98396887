/* Traffic dial ramps: a dial moved from one value to another in whole-percent
 * steps, linearly over a duration. Pure functions of the clock so that the
 * logic is tested with a fake one; times are CLOCK_REALTIME ms so that a ramp
 * persisted in the state file resumes where it should after a restart. */
#ifndef ST_CTL_RAMP_H
#define ST_CTL_RAMP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct st_ramp {
	uint32_t from, to;    /* percent, 0-100 */
	uint64_t start_ms;    /* st_real_ns() / 1e6 when the ramp began */
	uint64_t duration_ms; /* > 0 */
} st_ramp_t;

typedef enum {
	ST_RAMP_RUNNING = 0,
	ST_RAMP_DONE = 1,    /* reached `to` */
	ST_RAMP_ABORTED = 2, /* region unhealthy: back to `from` */
} st_ramp_status_t;

/* The dial at now_ms: from, then one step per whole percent, to at the end. */
uint32_t st_ramp_value(const st_ramp_t *r, uint64_t now_ms);
/* ms from now_ms until the value next changes (0 when finished). */
uint64_t st_ramp_next_change_ms(const st_ramp_t *r, uint64_t now_ms);
/* One timer tick: the dial to apply in *dial and whether the ramp goes on.
 * An unhealthy region stops the ramp and puts the dial back to `from`. */
st_ramp_status_t st_ramp_tick(const st_ramp_t *r, uint64_t now_ms, bool region_healthy,
			      uint32_t *dial);

#endif
