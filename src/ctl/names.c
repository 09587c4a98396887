/* Resolve ENDPOINT|REGION arguments of control commands. */
#include "ctl/names.h"

int st_ctl_find_target(const st_conf_t *conf, const char *name, st_ctl_target_t *out,
		       st_diag_t *diag)
{
	out->endpoint = st_conf_endpoint_index(conf, name);
	out->region =
	    out->endpoint == ST_CONF_NONE ? st_conf_region_index(conf, name) : ST_CONF_NONE;
	if (out->endpoint == ST_CONF_NONE && out->region == ST_CONF_NONE)
		return st_diag_set(diag, ST_ENOENT,
				   "no endpoint or region named '%s' in the config (see: steerctl "
				   "health)",
				   name);
	return 0;
}
