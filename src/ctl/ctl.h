/* The control plane of steerd: the control socket (server.control), the
 * persisted drains, forced states and dials (server.state_dir) and their
 * carry-over into every view a reload builds, and dial ramps on a main-loop
 * timer. */
#ifndef ST_CTL_CTL_H
#define ST_CTL_CTL_H

#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_server;

typedef struct st_ctl st_ctl_t;

/* Restore the state from server.state_dir and apply it to the current view,
 * open server.control (if set) on the server's loop and hook into reloads.
 * Call from the main thread before the workers start answering. */
int st_ctl_start(struct st_server *srv, st_ctl_t **out, st_diag_t *diag);
/* The zone transfer service whose NOTIFY results zone-status shows. */
struct st_primary;
void st_ctl_use_primary(st_ctl_t *ctl, const struct st_primary *primary);
/* Close the socket, stop ramps (their state stays on disk), unhook. NULL ok. */
void st_ctl_free(st_ctl_t *ctl);

/* Share the drains, forced states and dials through the fleet service:
 * etcd's content replaces the local state (kept in state_dir as a cache),
 * and changes made here are written there (fleet/node.h). Free the
 * control plane before the fleet service. */
struct st_fleet;
void st_ctl_use_fleet(st_ctl_t *ctl, struct st_fleet *fleet);

/* The drains, forced states, dials and ramps in force, by name (ctl/state.h),
 * for pages that show them; main thread, read-only. */
struct st_ctl_state;
const struct st_ctl_state *st_ctl_current_state(const st_ctl_t *ctl);

/* Region health: endpoints up (effective) against min_healthy. */
struct st_conf;
struct st_view;
bool st_ctl_region_healthy(const struct st_conf *conf, const struct st_view *view,
			   uint32_t region, uint32_t *up);

struct st_ctl_cmd;
/* The command table (for help texts and tests). */
const struct st_ctl_cmd *const *st_ctl_table(size_t *n);

#endif
