/* The control state shared by a fleet: one etcd key per entry, a JSON
 * value each, so that a drain, a forced state or a dial set with steerctl
 * on any nameserver applies on every one.
 *   overrides/endpoints/NAME  {"override":"drain"|"up"|"down"}
 *   overrides/regions/NAME    {"drain":true}
 *   dials/NAME                {"dial":50}
 *                             {"dial":100,"ramp":{"from":100,"to":0,"start_ms":..,"duration_ms":..}}
 *                             ... ,"stopped":{"at_ms":..,"text":".."}
 * A ramp is kept as its definition: every node computes the same dial from
 * its own clock. */
#ifndef ST_CTL_SHARED_H
#define ST_CTL_SHARED_H

#include "common/errors.h"
#include "ctl/state.h"

#include <stddef.h>

typedef struct st_ctl_kvs {
	char **keys; /* sorted */
	char **values;
	size_t n;
} st_ctl_kvs_t;

/* Every entry of the state as a key and its value. */
int st_ctl_state_kvs(const st_ctl_state_t *st, st_ctl_kvs_t *out);
void st_ctl_kvs_free(st_ctl_kvs_t *kvs);
/* The key and value of one dial entry (after a ramp stopped). */
int st_ctl_dial_kv(const st_state_dial_t *d, char **key, char **value);

/* One shared key into the state; value NULL removes the entry. Keys of no
 * known shape are ignored (0); a value that does not read is ST_EPARSE
 * with diag. now_ms places a ramp's dial. */
int st_ctl_state_apply_kv(st_ctl_state_t *st, const char *key, const char *value, uint64_t now_ms,
			  st_diag_t *diag);

#endif
