/* The quorum rule applied: how many of the live vantage points that have a
 * view of an endpoint must see it up for the fleet to count it up (the rule
 * itself, st_quorum_t, is read by conf). */
#ifndef ST_FLEET_QUORUM_H
#define ST_FLEET_QUORUM_H

#include "conf/conf.h"
#include "health/health.h"

#include <stddef.h>
#include <stdint.h>

/* Up votes needed among `voters` (0 when there is no voter). */
uint32_t st_quorum_needed(const st_quorum_t *q, uint32_t voters);
/* The agreed state: UNKNOWN without voters, else UP or DOWN. */
st_health_state_t st_quorum_decide(const st_quorum_t *q, uint32_t up, uint32_t voters);

#endif
