/* Rise/fall hysteresis and the RTT average of one endpoint: pure logic over
 * probe results and a clock value, so it is tested with a fake clock. */
#ifndef ST_CHECK_HYST_H
#define ST_CHECK_HYST_H

#include "health/health.h"

#include <stdbool.h>
#include <stdint.h>

/* Weight of a new RTT sample in the average, as 1/ST_HYST_EWMA_DIV. */
#define ST_HYST_EWMA_DIV 4

/* Feed one probe result. Unknown (no result yet) counts as up, so a success
 * makes it up at once and `fall` consecutive failures make it down; from up it
 * takes `fall` failures to go down, from down `rise` successes to go up.
 * Returns true when the state changed. */
bool st_hyst_update(st_health_rec_t *h, bool ok, uint32_t rtt_us, uint32_t rise, uint32_t fall,
		    uint64_t now_ns);

#endif
