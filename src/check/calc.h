/* Calculated health: an endpoint's state from the states of its checks
 * (`check: [web, db]`, `healthy_when: all | any | N`, `invert: true` on a
 * check). Pure logic, so that its truth table is tested on its own. */
#ifndef ST_CHECK_CALC_H
#define ST_CHECK_CALC_H

#include "health/health.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A check's state as it counts for its endpoint: an inverted check is up
 * when its probes say down and down when they say up; unknown (no verdict
 * yet) stays unknown. */
st_health_state_t st_calc_check(st_health_state_t probed, bool invert);

/* The endpoint's state from its n checks' states (as st_calc_check gives
 * them), `need` of which must be up (all: n, any: 1):
 *   up      when at least `need` checks are up,
 *   down    when fewer than `need` could still be up (up + unknown < need),
 *   unknown otherwise: it hangs on checks with no verdict yet (steerd treats
 *           unknown as up, as for a single check before its first probe).
 * need 0 is taken as 1; need > n can never be up. */
st_health_state_t st_calc_state(const st_health_state_t *checks, size_t n, uint32_t need);

#endif
