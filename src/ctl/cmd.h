/* For the command files of src/ctl/: the control plane's state and helpers,
 * and the table entries each command file exports. */
#ifndef ST_CTL_CMD_H
#define ST_CTL_CMD_H

#include "answer/view.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "ctl/state.h"
#include "net/ev.h"
#include "net/unix.h"
#include "server/server.h"

#include <stdbool.h>
#include <stdint.h>

#define ST_CTL_RAMP_TICK_MS 1000


struct st_primary;

struct st_ctl {
	struct st_server *srv;
	const struct st_primary *primary; /* NULL: no zone transfer service */
	st_ctl_state_t *state;
	char *state_path; /* NULL: no server.state_dir, nothing persists */
	st_unix_server_t *sock;
	st_ev_t *ramp_timer;
};

/* The current config and view (main thread). */
const st_conf_t *st_ctl_conf(st_ctl_t *ctl);
st_view_t *st_ctl_view(st_ctl_t *ctl);

/* Put the state (overrides and dials, by name) into a view built from conf. */
void st_ctl_apply(st_ctl_t *ctl, const st_conf_t *conf, st_view_t *view);
/* Persist the state; 0 when there is no state_dir. */
int st_ctl_save(st_ctl_t *ctl, st_diag_t *diag);
/* Arm or stop the ramp timer after ramps were added or removed. */
void st_ctl_ramps_changed(st_ctl_t *ctl);
/* One ramp step for every ramping dial (the timer's body; also at start). */
void st_ctl_ramp_tick(st_ctl_t *ctl);

/* Region health: endpoints up (effective) against min_healthy. */
bool st_ctl_region_healthy(const st_conf_t *conf, const st_view_t *view, uint32_t region,
			   uint32_t *up);

/* Is `flag` among argv[1..]? Removes nothing. */
bool st_ctl_has_flag(int argc, char **argv, const char *flag);
/* "2026-11-22T04:40:00Z" from st_real_ns(). */
void st_ctl_fmt_time(uint64_t real_ns, char *buf, size_t len);

extern const st_ctl_cmd_t st_cmd_status, st_cmd_reload, st_cmd_stats, st_cmd_health, st_cmd_drain,
    st_cmd_undrain, st_cmd_force, st_cmd_dial, st_cmd_explain, st_cmd_checkconf, st_cmd_ds,
    st_cmd_cookie_rotate, st_cmd_zone_status;

#endif
