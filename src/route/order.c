/* The client's order of a latency or geoproximity record's regions
 * (st_route_order): estimated or measured RTTs, biased distances, or dot
 * products of unit vectors when only the order matters. */
#include "route/policy.h"

#include <math.h>

/* A region's cost for a client at cv (unit vector): RTT estimate or
 * (biased) distance. */
static double region_cost(const st_route_record_t *rec, const st_route_region_t *rg,
			  const double cv[3])
{
	double km = st_geo_vec_km(cv, rg->vec);
	return rec->policy == ST_POLICY_LATENCY ? st_latency_estimate_ms(km)
						: st_bias_distance(km, rg->bias);
}

/* Without measured RTTs or a bias, a region's cost only grows with its
 * distance, which only shrinks as the dot product of the two unit vectors
 * grows: the order follows from dot products, no acos per region. Dot
 * products too close to tell apart are settled by the costs themselves, so
 * the order is the one the costs give (ties keep the configured order). */
static size_t order_by_dot(const st_route_t *rt, const st_route_record_t *rec, const double cv[3],
			   uint32_t *order, double *cost)
{
	size_t n = 0;
	for (uint32_t i = 0; i < rec->n_regions; i++) {
		uint32_t r = rec->regions[i];
		const double *v = rt->regions[r].vec;
		double dot = cv[0] * v[0] + cv[1] * v[1] + cv[2] * v[2];
		size_t j = n++;
		for (; j > 0; j--) {
			double d = cost[j - 1]; /* the dot product, until the end */
			bool after = fabs(d - dot) > 1e-9
					 ? d < dot
					 : region_cost(rec, &rt->regions[order[j - 1]], cv) >
					       region_cost(rec, &rt->regions[r], cv);
			if (!after)
				break;
			cost[j] = cost[j - 1];
			order[j] = order[j - 1];
		}
		cost[j] = dot;
		order[j] = r;
	}
	return n;
}

size_t st_route_order(const st_route_t *rt, const st_route_record_t *rec, const st_geo_loc_t *loc,
		      uint32_t *order, double *cost, bool costs, const char **why)
{
	const st_latency_row_t *row = NULL;
	if (rec->policy == ST_POLICY_LATENCY && rt->have_latency)
		row = st_latency_row(&rt->latency, loc);
	*why = loc->has_point ? (rec->policy == ST_POLICY_LATENCY ? "estimated RTT" : "distance")
			      : "configured order (client location unknown)";
	if (!costs && !row && loc->has_point) {
		bool biased = false;
		for (uint32_t i = 0; rec->policy == ST_POLICY_GEOPROXIMITY && i < rec->n_regions; i++)
			biased |= rt->regions[rec->regions[i]].bias != 0;
		if (!biased)
			return order_by_dot(rt, rec, loc->vec, order, cost);
	}
	size_t n = 0;
	for (uint32_t i = 0; i < rec->n_regions; i++) {
		uint32_t r = rec->regions[i];
		const st_route_region_t *rg = &rt->regions[r];
		double v;
		if (row && row->ms[r] >= 0) {
			v = row->ms[r];
		} else if (loc->has_point) {
			v = region_cost(rec, rg, loc->vec);
		} else {
			/* no point: after every measured region, in config order */
			v = 1e9 + i;
		}
		/* insertion sort: stable, and n is small */
		size_t j = n++;
		while (j > 0 && cost[j - 1] > v) {
			cost[j] = cost[j - 1];
			order[j] = order[j - 1];
			j--;
		}
		cost[j] = v;
		order[j] = r;
	}
	if (row)
		*why = "measured RTT where known, else estimated";
	return n;
}
