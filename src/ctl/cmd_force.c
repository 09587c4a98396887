/* force ENDPOINT up|down|clear: override the checker's state. */
#include "ctl/cmd.h"

#include <string.h>

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	if (st_conf_endpoint_index(conf, argv[1]) == ST_CONF_NONE)
		return st_diag_set(diag, ST_ENOENT,
				   "no endpoint named '%s' in the config (see: steerctl health)",
				   argv[1]);
	st_override_t ov = ST_OVERRIDE_NONE;
	if (strcmp(argv[2], "clear") != 0 &&
	    (!st_override_parse(argv[2], &ov) || ov == ST_OVERRIDE_DRAIN))
		return st_diag_set(diag, ST_EINVAL, "usage: force ENDPOINT up|down|clear");
	st_override_t cur = st_ctl_state_endpoint(ctl->state, argv[1]);
	if (ov == ST_OVERRIDE_NONE && cur != ST_OVERRIDE_UP && cur != ST_OVERRIDE_DOWN)
		return st_diag_set(diag, ST_ENOENT, "endpoint %s has no forced state%s", argv[1],
				   cur == ST_OVERRIDE_DRAIN ? " (it is drained: undrain it)" : "");
	int rc = st_ctl_state_set_endpoint(ctl->state, argv[1], ov);
	if (rc < 0)
		return st_diag_set(diag, rc, "%s", st_strerror(rc));
	st_ctl_apply(ctl, conf, st_ctl_view(ctl));
	if (st_ctl_save(ctl, diag) < 0)
		return ST_EIO;
	if (ov == ST_OVERRIDE_NONE)
		st_buf_printf(out, "endpoint %s follows its checker again\n", argv[1]);
	else
		st_buf_printf(out, "endpoint %s forced %s%s\n", argv[1], argv[2],
			      cur == ST_OVERRIDE_DRAIN ? " (replaces its drain)" : "");
	return 0;
}

const st_ctl_cmd_t st_cmd_force = {
    .name = "force",
    .usage = "ENDPOINT up|down|clear",
    .help = "override the checker's state of an endpoint",
    .min_args = 2,
    .max_args = 2,
    .exec = exec,
};
