/* undrain ENDPOINT|REGION|all: end drains (forced states stay). */
#include "ctl/cmd.h"
#include "ctl/names.h"

#include <string.h>

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_ctl_state_t *st = ctl->state;
	size_t n = 0;
	int rc = 0;
	if (strcmp(argv[1], "all") == 0) {
		for (size_t i = st->n_endpoints; i-- > 0;)
			if (st->endpoints[i].ov == ST_OVERRIDE_DRAIN) {
				st_ctl_state_set_endpoint(st, st->endpoints[i].name,
							  ST_OVERRIDE_NONE);
				n++;
			}
		while (st->n_regions > 0) {
			st_ctl_state_set_region_drain(st, st->regions[0], false);
			n++;
		}
		st_buf_printf(out, "ended %zu drain%s\n", n, n == 1 ? "" : "s");
	} else {
		st_ctl_target_t t;
		rc = st_ctl_find_target(conf, argv[1], &t, diag);
		if (rc < 0)
			return rc;
		if (t.endpoint != ST_CONF_NONE) {
			const char *region = conf->regions[conf->endpoints[t.endpoint].region].name;
			if (st_ctl_state_endpoint(st, argv[1]) != ST_OVERRIDE_DRAIN &&
			    !st_ctl_state_region_drained(st, region))
				return st_diag_set(diag, ST_ENOENT, "endpoint %s is not drained",
						   argv[1]);
			/* Refused before any change: an error leaves the state as it
			 * was, in memory and on disk alike. */
			if (st_ctl_state_region_drained(st, region))
				return st_diag_set(diag, ST_EINVAL,
						   "endpoint %s stays drained with its region %s "
						   "(undrain %s)",
						   argv[1], region, region);
			st_ctl_state_set_endpoint(st, argv[1], ST_OVERRIDE_NONE);
			st_buf_printf(out, "undrained endpoint %s\n", argv[1]);
		} else {
			const st_conf_region_t *r = &conf->regions[t.region];
			bool was = st_ctl_state_region_drained(st, argv[1]);
			st_ctl_state_set_region_drain(st, argv[1], false);
			/* Undraining a region also ends the drains of its endpoints. */
			for (size_t i = 0; i < r->n_endpoints; i++) {
				const char *ep = conf->endpoints[r->endpoints[i]].name;
				if (st_ctl_state_endpoint(st, ep) == ST_OVERRIDE_DRAIN) {
					st_ctl_state_set_endpoint(st, ep, ST_OVERRIDE_NONE);
					was = true;
				}
			}
			if (!was)
				return st_diag_set(diag, ST_ENOENT, "region %s is not drained",
						   argv[1]);
			st_buf_printf(out, "undrained region %s\n", argv[1]);
		}
	}
	st_ctl_apply(ctl, conf, st_ctl_view(ctl));
	if (st_ctl_save(ctl, diag) < 0)
		return ST_EIO;
	return 0;
}

const st_ctl_cmd_t st_cmd_undrain = {
    .name = "undrain",
    .usage = "ENDPOINT|REGION|all",
    .help = "end a drain",
    .min_args = 1,
    .max_args = 1,
    .exec = exec,
};
