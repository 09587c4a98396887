/* steercheck as a vantage point of a fleet: it publishes its own view of
 * every endpoint in etcd under its lease (PREFIX/views/NAME/ENDPOINT, only
 * when a state changes), watches the views of every vantage point, applies
 * the quorum and has the checker write the agreed state and its votes into
 * the local health table. Cut off from etcd it keeps the last agreed states
 * for fleet.stale_after, then goes back to its own view until etcd answers
 * again. */
#ifndef ST_FLEET_VANTAGE_H
#define ST_FLEET_VANTAGE_H

#include "check/checker.h"
#include "common/errors.h"
#include "conf/conf.h"
#include "net/ev.h"

#include <stdbool.h>

typedef struct st_vantage st_vantage_t;

/* Join conf's fleet (conf->fleet.enabled) with the checker's endpoints.
 * conf and checker must outlive the vantage point (or be replaced with
 * st_vantage_rebind). Connects in the background. */
int st_vantage_new(st_loop_t *loop, const st_conf_t *conf, st_checker_t *checker,
		   st_vantage_t **out, st_diag_t *diag);
/* Before the checker is freed (a reload): let go of it. */
void st_vantage_unbind(st_vantage_t *v);
/* A reload: the new config and its checker, when st_vantage_same_fleet()
 * says the fleet settings did not change. Endpoints gone from the config
 * leave etcd. */
int st_vantage_rebind(st_vantage_t *v, const st_conf_t *conf, st_checker_t *checker);
/* Do two configs join the same fleet the same way (name, etcd, prefix,
 * view_ttl, TLS)? The quorum and stale_after may differ: they are applied
 * from the current config. */
bool st_vantage_same_fleet(const st_conf_t *a, const st_conf_t *b);
/* Leave: revoke the lease (this view leaves every quorum at once), then
 * call done (also after a bounded wait when etcd does not answer). */
void st_vantage_leave(st_vantage_t *v, void (*done)(void *arg), void *arg);
/* Free without a word to etcd (the lease expires by itself); NULL ok. */
void st_vantage_free(st_vantage_t *v);

#endif
