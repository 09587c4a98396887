/* Routing: placeholder bodies until the policies land (no records compile). */
#include "route/route.h"
#include "conf/conf.h"

int st_route_new(const struct st_conf *conf, st_route_t **out, st_diag_t *diag)
{
	if (conf->n_records > 0)
		return st_diag_set(diag, ST_ENOTIMP, "%s: dynamic records are not supported yet",
				   conf->path ? conf->path : "config");
	*out = NULL;
	return 0;
}

void st_route_free(st_route_t *rt)
{
	(void)rt;
}

size_t st_route_record_count(const st_route_t *rt)
{
	(void)rt;
	return 0;
}

void st_route_record_info(const st_route_t *rt, size_t i, st_route_record_info_t *out)
{
	(void)rt;
	(void)i;
	(void)out;
}

int st_route_resolve(const st_route_t *rt, const void *handle, uint16_t qtype,
		     const st_client_t *client, const struct st_health *health, uint64_t *rng,
		     st_route_result_t *res)
{
	res->action = ST_ROUTE_SERVFAIL;
	return ST_ENOTIMP;
}

int st_route_set_dial(st_route_t *rt, uint32_t region, uint32_t pct)
{
	return ST_ENOTIMP;
}

uint32_t st_route_get_dial(const st_route_t *rt, uint32_t region)
{
	return 100;
}
