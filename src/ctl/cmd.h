/* For the command files of src/ctl/: the control plane's state and helpers,
 * and the table entries each command file exports. */
#ifndef ST_CTL_CMD_H
#define ST_CTL_CMD_H

#include "answer/view.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "ctl/state.h"
#include "health/health.h"
#include "net/ev.h"
#include "net/unix.h"
#include "server/server.h"

#include <stdbool.h>
#include <stdint.h>

#define ST_CTL_RAMP_TICK_MS 1000


struct st_primary;
struct st_fleet;
struct ctl_shared;

struct st_ctl {
	struct st_server *srv;
	const struct st_primary *primary; /* NULL: no zone transfer service */
	st_ctl_state_t *state;
	char *state_path; /* NULL: no server.state_dir, nothing persists */
	st_unix_server_t *sock;
	st_ev_t *ramp_timer;
	struct st_fleet *fleet;	    /* NULL: no fleet service (tests) */
	struct ctl_shared *shared; /* the state shared through the fleet (ctl_fleet.c) */
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

/* In a fleet (ctl_fleet.c): run a request line; a change of the state is
 * written to etcd before the reply goes (ST_UNIX_LATER), and undone when
 * etcd does not take it. NULL return: not in a fleet, run it as usual. */
char *st_ctl_fleet_line(st_ctl_t *ctl, char *line, size_t *len);
/* A ramp stopped here: tell the fleet (the first node to say so wins). */
void st_ctl_fleet_ramp_stopped(st_ctl_t *ctl, const st_state_dial_t *d);
void st_ctl_fleet_free(st_ctl_t *ctl);
/* For status, health and explain: is a fleet configured (and the health
 * table's fleet header in hf)? */
bool st_ctl_fleet_shown(st_ctl_t *ctl, st_health_fleet_t *hf);
/* "use1 up, use2 down" (or a JSON object) from the views in etcd. */
void st_ctl_fleet_views(st_ctl_t *ctl, const char *endpoint, st_buf_t *out, bool json);
/* The fleet lines of status, and its member of status --json. */
void st_ctl_fleet_status(st_ctl_t *ctl, st_buf_t *out);
void st_ctl_fleet_status_json(st_ctl_t *ctl, st_buf_t *out);
/* One endpoint's line: its state and the votes behind it. */
void st_ctl_fleet_quorum(st_ctl_t *ctl, uint32_t endpoint, st_buf_t *out);

/* "2026-11-22T04:40:00Z" from st_real_ns(). */
void st_ctl_fmt_time(uint64_t real_ns, char *buf, size_t len);

extern const st_ctl_cmd_t st_cmd_status, st_cmd_reload, st_cmd_stats, st_cmd_health, st_cmd_drain,
    st_cmd_undrain, st_cmd_force, st_cmd_dial, st_cmd_explain, st_cmd_checkconf, st_cmd_ds,
    st_cmd_cookie_rotate, st_cmd_zone_status, st_cmd_fleet;

#endif
