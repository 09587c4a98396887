/* drain ENDPOINT|REGION: take an endpoint, or every endpoint of a region,
 * out of answers (effective state down, shown as drained), persistently. */
#include "ctl/cmd.h"
#include "ctl/names.h"

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_ctl_target_t t;
	int rc = st_ctl_find_target(conf, argv[1], &t, diag);
	if (rc < 0)
		return rc;
	if (t.endpoint != ST_CONF_NONE) {
		st_override_t cur = st_ctl_state_endpoint(ctl->state, argv[1]);
		if (cur == ST_OVERRIDE_UP || cur == ST_OVERRIDE_DOWN)
			st_buf_printf(out, "note: replaces force %s\n", st_override_name(cur));
		rc = st_ctl_state_set_endpoint(ctl->state, argv[1], ST_OVERRIDE_DRAIN);
	} else {
		rc = st_ctl_state_set_region_drain(ctl->state, argv[1], true);
	}
	if (rc < 0)
		return st_diag_set(diag, rc, "%s", st_strerror(rc));
	st_ctl_apply(ctl, conf, st_ctl_view(ctl));
	if (st_ctl_save(ctl, diag) < 0)
		return ST_EIO;
	if (t.endpoint != ST_CONF_NONE)
		st_buf_printf(out, "drained endpoint %s (region %s)\n", argv[1],
			      conf->regions[conf->endpoints[t.endpoint].region].name);
	else
		st_buf_printf(out, "drained region %s (%zu endpoints)\n", argv[1],
			      conf->regions[t.region].n_endpoints);
	return 0;
}

const st_ctl_cmd_t st_cmd_drain = {
    .name = "drain",
    .usage = "ENDPOINT|REGION",
    .help = "take an endpoint or all endpoints of a region out of answers",
    .min_args = 1,
    .max_args = 1,
    .exec = exec,
};
