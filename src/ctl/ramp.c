/* Traffic dial ramps: linear in whole-percent steps, pure functions of time. */
#include "ctl/ramp.h"

static uint32_t span(const st_ramp_t *r)
{
	return r->to > r->from ? r->to - r->from : r->from - r->to;
}

uint32_t st_ramp_value(const st_ramp_t *r, uint64_t now_ms)
{
	if (now_ms <= r->start_ms)
		return r->from;
	uint64_t elapsed = now_ms - r->start_ms;
	if (r->duration_ms == 0 || elapsed >= r->duration_ms)
		return r->to;
	/* Steps completed so far; truncation keeps the dial on the `from` side
	 * until a step is fully due. */
	uint32_t steps = (uint32_t)((uint64_t)span(r) * elapsed / r->duration_ms);
	return r->to > r->from ? r->from + steps : r->from - steps;
}

uint64_t st_ramp_next_change_ms(const st_ramp_t *r, uint64_t now_ms)
{
	uint64_t end = r->start_ms + r->duration_ms;
	if (now_ms >= end || span(r) == 0)
		return 0;
	if (now_ms < r->start_ms)
		return r->start_ms - now_ms;
	uint64_t elapsed = now_ms - r->start_ms;
	uint64_t steps = (uint64_t)span(r) * elapsed / r->duration_ms;
	/* First instant at which steps+1 are complete: ceil((k+1) * D / span). */
	uint64_t next = ((steps + 1) * r->duration_ms + span(r) - 1) / span(r);
	return next > elapsed ? next - elapsed : 1;
}

st_ramp_status_t st_ramp_tick(const st_ramp_t *r, uint64_t now_ms, bool region_healthy,
			      uint32_t *dial)
{
	if (!region_healthy) {
		*dial = r->from;
		return ST_RAMP_ABORTED;
	}
	*dial = st_ramp_value(r, now_ms);
	return now_ms >= r->start_ms + r->duration_ms ? ST_RAMP_DONE : ST_RAMP_RUNNING;
}
