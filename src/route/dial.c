/* Traffic dials: written by the control plane, read by every worker on each
 * location-based answer. Relaxed atomics are enough: a dial is one value and
 * the next query seeing it a moment later is fine. */
#include "route/compiled.h"

int st_route_set_dial(st_route_t *rt, uint32_t region, uint32_t pct)
{
	if (!rt || region >= rt->n_regions)
		return ST_ENOENT;
	if (pct > 100)
		return ST_ERANGE;
	atomic_store_explicit(&rt->regions[region].dial, pct, memory_order_relaxed);
	return 0;
}

uint32_t st_route_get_dial(const st_route_t *rt, uint32_t region)
{
	if (!rt || region >= rt->n_regions)
		return 100;
	return atomic_load_explicit(&rt->regions[region].dial, memory_order_relaxed);
}
