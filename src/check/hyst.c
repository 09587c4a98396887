/* Rise/fall hysteresis and RTT EWMA. */
#include "check/hyst.h"

static void change(st_health_rec_t *h, st_health_state_t to, uint64_t now_ns)
{
	if (h->state != ST_HEALTH_UNKNOWN)
		h->flaps++;
	h->state = to;
	h->last_change_ns = now_ns;
}

bool st_hyst_update(st_health_rec_t *h, bool ok, uint32_t rtt_us, uint32_t rise, uint32_t fall,
		    uint64_t now_ns)
{
	st_health_state_t before = h->state;
	if (rise == 0)
		rise = 1;
	if (fall == 0)
		fall = 1;
	h->last_check_ns = now_ns;
	if (ok) {
		h->failures = 0;
		if (h->successes < UINT32_MAX)
			h->successes++;
		if (h->rtt_us == 0)
			h->rtt_us = rtt_us ? rtt_us : 1;
		else
			h->rtt_us =
			    (uint32_t)(((uint64_t)h->rtt_us * (ST_HYST_EWMA_DIV - 1) + rtt_us) /
				       ST_HYST_EWMA_DIV);
		if (h->rtt_us == 0)
			h->rtt_us = 1;
		if (h->state == ST_HEALTH_UNKNOWN ||
		    (h->state == ST_HEALTH_DOWN && h->successes >= rise))
			change(h, ST_HEALTH_UP, now_ns);
	} else {
		h->successes = 0;
		if (h->failures < UINT32_MAX)
			h->failures++;
		if (h->state != ST_HEALTH_DOWN && h->failures >= fall)
			change(h, ST_HEALTH_DOWN, now_ns);
	}
	return h->state != before;
}
