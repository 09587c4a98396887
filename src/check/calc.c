/* Calculated health: three-valued counting over an endpoint's checks. */
#include "check/calc.h"

st_health_state_t st_calc_check(st_health_state_t probed, bool invert)
{
	if (!invert || probed == ST_HEALTH_UNKNOWN)
		return probed;
	return probed == ST_HEALTH_UP ? ST_HEALTH_DOWN : ST_HEALTH_UP;
}

st_health_state_t st_calc_state(const st_health_state_t *checks, size_t n, uint32_t need)
{
	size_t up = 0, unknown = 0;
	for (size_t i = 0; i < n; i++) {
		if (checks[i] == ST_HEALTH_UP)
			up++;
		else if (checks[i] != ST_HEALTH_DOWN)
			unknown++;
	}
	if (need == 0)
		need = 1;
	if (up >= need)
		return ST_HEALTH_UP;
	if (up + unknown < need)
		return ST_HEALTH_DOWN;
	return ST_HEALTH_UNKNOWN;
}
