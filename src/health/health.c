/* Effective health: placeholder bodies until the shared table lands. */
#include "health/health.h"
#include "conf/conf.h"

#include <stdlib.h>
#include <string.h>

struct st_health {
	size_t n;
};

int st_health_new(const struct st_conf *conf, st_health_t **out, st_diag_t *diag)
{
	st_health_t *h = calloc(1, sizeof(*h));
	if (!h)
		return ST_ENOMEM;
	h->n = conf->n_endpoints;
	*out = h;
	return 0;
}

void st_health_free(st_health_t *h)
{
	free(h);
}

bool st_health_up(const st_health_t *h, uint32_t endpoint)
{
	return true;
}

void st_health_tick(st_health_t *h)
{
}

bool st_health_stale(const st_health_t *h)
{
	return true;
}

uint64_t st_health_age_ms(const st_health_t *h)
{
	return UINT64_MAX;
}

int st_health_checker_pid(const st_health_t *h)
{
	return 0;
}

void st_health_set_override(st_health_t *h, uint32_t endpoint, st_override_t ov)
{
}

st_override_t st_health_get_override(const st_health_t *h, uint32_t endpoint)
{
	return ST_OVERRIDE_NONE;
}

int st_health_info(const st_health_t *h, uint32_t endpoint, st_health_info_t *out)
{
	memset(out, 0, sizeof(*out));
	return ST_ENOENT;
}

size_t st_health_count(const st_health_t *h)
{
	return h ? h->n : 0;
}
