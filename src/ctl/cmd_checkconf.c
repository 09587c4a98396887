/* checkconf: load the config file and every zone as a reload would, report
 * the first error (file:line), apply nothing. */
#include "ctl/cmd.h"

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *cur = st_ctl_conf(ctl);
	size_t nz;
	int rc = st_server_check(ctl->srv, &nz, diag);
	if (rc < 0)
		return rc;
	st_buf_printf(out, "%s and %zu zone%s are valid (nothing applied)\n",
		      cur->path ? cur->path : "command-line zones", nz, nz == 1 ? "" : "s");
	return 0;
}

const st_ctl_cmd_t st_cmd_checkconf = {
    .name = "checkconf",
    .usage = "",
    .help = "validate the config file and zones without applying them",
    .min_args = 0,
    .max_args = 0,
    .exec = exec,
};
