/* checkconf: load the config file and every zone as a reload would, report
 * the first error (file:line), apply nothing. */
#include "ctl/cmd.h"
#include "server/view_build.h"

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *cur = st_ctl_conf(ctl);
	const st_view_box_t *old = (const st_view_box_t *)st_ctl_view(ctl);
	st_view_box_t *box = NULL;
	int rc;
	if (cur->path) {
		st_conf_t *conf = NULL;
		rc = st_conf_load(cur->path, &conf, diag);
		if (rc < 0)
			return rc;
		/* Unchanged zone files are shared with the serving view (they were
		 * checked when loaded); changed ones are loaded and checked. */
		rc = st_view_build(conf, old, 0, &box, diag);
	} else {
		rc = st_view_build_same(old, 0, &box, diag);
	}
	if (rc < 0)
		return rc;
	size_t nz = box->n_srcs;
	st_view_box_free(box);
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
