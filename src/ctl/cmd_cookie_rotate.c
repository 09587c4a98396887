/* cookie-rotate: a new DNS cookie server secret (written to state_dir
 * first); cookies made with the one it replaces stay valid until the next
 * rotation, so no client that just learnt a cookie loses it. */
#include "ctl/cmd.h"
#include "common/log.h"
#include "limit/secret.h"

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	st_cookie_secret_t *secret = st_server_cookie_secret(ctl->srv);
	if (!secret || !st_ctl_conf(ctl)->cookies)
		return st_diag_set(diag, ST_EINVAL,
				   "cookies are off: set server.cookies: true and reload");
	int rc = st_cookie_secret_rotate(secret, diag);
	if (rc < 0)
		return rc;
	const char *path = st_cookie_secret_path(secret);
	st_buf_printf(out,
		      "new server secret%s%s; the previous one is accepted until the next "
		      "rotation\n",
		      path ? " in " : " (in memory: no server.state_dir)", path ? path : "");
	st_log_notice("cookies, server secret rotated%s%s", path ? " in " : "", path ? path : "");
	return 0;
}

const st_ctl_cmd_t st_cmd_cookie_rotate = {
    .name = "cookie-rotate",
    .usage = "",
    .help = "new DNS cookie secret; the previous one stays valid until the next",
    .min_args = 0,
    .max_args = 0,
    .exec = exec,
};
