/* dial REGION PCT [--over DURATION]: set a region's traffic dial at once, or
 * ramp it there in whole-percent steps; a ramp stops and goes back to its
 * starting dial if the region becomes unhealthy. */
#include "ctl/cmd.h"
#include "common/time.h"
#include "route/route.h"

#include <stdlib.h>
#include <string.h>

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	uint32_t r = st_conf_region_index(conf, argv[1]);
	if (r == ST_CONF_NONE)
		return st_diag_set(diag, ST_ENOENT, "no region named '%s' in the config", argv[1]);
	uint32_t pct;
	if (strcmp(argv[2], "clear") == 0 && argc == 3) {
		uint32_t was =
		    view->route ? st_route_get_dial(view->route, r) : conf->regions[r].dial;
		st_ctl_state_clear_dial(ctl->state, argv[1]);
		st_ctl_apply(ctl, conf, view);
		st_ctl_ramps_changed(ctl);
		if (st_ctl_save(ctl, diag) < 0)
			return ST_EIO;
		st_buf_printf(out, "dial %s %u%% from the config (was %u%%)\n", argv[1],
			      conf->regions[r].dial, was);
		return 0;
	}
	if (st_dial_parse(argv[2], &pct) < 0)
		return st_diag_set(diag, ST_EINVAL,
				   "dial '%s': expected a percentage 0-100 or clear", argv[2]);
	uint64_t over = 0;
	if (argc == 5 && strcmp(argv[3], "--over") == 0) {
		if (st_duration_parse(argv[4], &over) < 0 || over == 0)
			return st_diag_set(diag, ST_EINVAL,
					   "--over '%s': expected a duration (30s, 10m, 2h, 1d)",
					   argv[4]);
	} else if (argc != 3) {
		return st_diag_set(diag, ST_EINVAL, "usage: dial REGION PCT [--over DURATION]");
	}
	uint32_t cur = view->route ? st_route_get_dial(view->route, r) : conf->regions[r].dial;
	st_ramp_t ramp = {
	    .from = cur, .to = pct, .start_ms = st_real_ns() / ST_NS_PER_MS, .duration_ms = over};
	bool ramping = over > 0 && cur != pct;
	if (ramping) {
		uint32_t up = 0;
		if (!st_ctl_region_healthy(conf, view, r, &up))
			return st_diag_set(
			    diag, ST_EAGAIN,
			    "region %s is unhealthy (%u of %zu endpoints up): a ramp "
			    "would stop at once; set the dial without --over",
			    argv[1], up, conf->regions[r].n_endpoints);
	}
	int rc =
	    st_ctl_state_set_dial(ctl->state, argv[1], ramping ? cur : pct, ramping ? &ramp : NULL);
	if (rc < 0)
		return st_diag_set(diag, rc, "%s", st_strerror(rc));
	st_ctl_apply(ctl, conf, view);
	st_ctl_ramps_changed(ctl);
	if (st_ctl_save(ctl, diag) < 0)
		return ST_EIO;
	if (ramping) {
		char d[32], step[32];
		st_duration_fmt(over, d, sizeof(d));
		uint32_t span = pct > cur ? pct - cur : cur - pct;
		st_duration_fmt(over / span, step, sizeof(step));
		st_buf_printf(out, "dial %s ramping %u%% -> %u%% over %s (1%% every %s)\n", argv[1],
			      cur, pct, d, step);
	} else {
		st_buf_printf(out, "dial %s %u%% (was %u%%)\n", argv[1], pct, cur);
	}
	if (!view->route)
		st_buf_puts(out, "note: no routed records in this config, dials have no effect\n");
	return 0;
}

const st_ctl_cmd_t st_cmd_dial = {
    .name = "dial",
    .usage = "REGION PCT [--over DURATION] | REGION clear",
    .help = "set a region's traffic dial at once or as a ramp",
    .min_args = 2,
    .max_args = 4,
    .exec = exec,
};
