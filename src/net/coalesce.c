/* Coalescing waits: see coalesce.h. */
#include "config.h"

#include "net/coalesce.h"
#include "common/time.h"

#include <time.h>

void st_coalesce_note(st_coalesce_t *c, uint64_t t0, uint64_t wait_ns, uint64_t slept_ns)
{
	if (slept_ns <= 2 * wait_ns + ST_COALESCE_SLACK_NS) {
		c->pause_ns = 0;
		c->overran = 0;
		return;
	}
	c->overran = t0 + slept_ns;
}

void st_coalesce_gathered(st_coalesce_t *c, unsigned n, unsigned small)
{
	if (!c->overran)
		return;
	if (n > small) { /* the long wait filled a batch: it paid */
		c->pause_ns = 0;
		c->overran = 0;
		return;
	}
	c->overruns++;
	c->pause_ns = c->pause_ns == 0				   ? ST_COALESCE_PAUSE_NS
		      : c->pause_ns * 2 > ST_COALESCE_PAUSE_MAX_NS ? ST_COALESCE_PAUSE_MAX_NS
								   : c->pause_ns * 2;
	c->off_until = c->overran + c->pause_ns;
	c->overran = 0;
}

void st_coalesce_wait(st_coalesce_t *c, uint64_t wait_ns)
{
	if (wait_ns == 0)
		return;
	uint64_t t0 = st_mono_ns();
	if (!st_coalesce_may_wait(c, t0))
		return;
	struct timespec ts = {.tv_sec = (time_t)(wait_ns / 1000000000u),
			      .tv_nsec = (long)(wait_ns % 1000000000u)};
	nanosleep(&ts, NULL);
	st_coalesce_note(c, t0, wait_ns, st_mono_ns() - t0);
}
