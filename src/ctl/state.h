/* Control-plane state that must survive reloads and restarts: endpoint
 * overrides (drain, force up/down), drained regions, dials and dial ramps,
 * all by name. Stored in server.state_dir as a small text file written
 * atomically (temp file, fsync, rename). */
#ifndef ST_CTL_STATE_H
#define ST_CTL_STATE_H

#include "common/errors.h"
#include "ctl/ramp.h"
#include "health/health.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_STATE_FILE "steerd.state"

typedef struct st_state_endpoint {
	char *name;
	st_override_t ov; /* never ST_OVERRIDE_NONE: such entries are removed */
} st_state_endpoint_t;

typedef struct st_state_dial {
	char *name;
	uint32_t dial; /* the dial set by steerctl (a ramp's current value) */
	bool ramping;
	st_ramp_t ramp;
	char *stopped;	     /* why the last ramp stopped early, or NULL */
	uint64_t stopped_ms; /* when (st_real_ns() / 1e6) */
} st_state_dial_t;

typedef struct st_ctl_state {
	st_state_endpoint_t *endpoints;
	size_t n_endpoints;
	char **regions; /* drained regions */
	size_t n_regions;
	st_state_dial_t *dials;
	size_t n_dials;
} st_ctl_state_t;

st_ctl_state_t *st_ctl_state_new(void);
void st_ctl_state_free(st_ctl_state_t *st);
void st_ctl_state_clear(st_ctl_state_t *st);

/* Endpoint override by name; ST_OVERRIDE_NONE removes it. */
int st_ctl_state_set_endpoint(st_ctl_state_t *st, const char *name, st_override_t ov);
st_override_t st_ctl_state_endpoint(const st_ctl_state_t *st, const char *name);
int st_ctl_state_set_region_drain(st_ctl_state_t *st, const char *name, bool drained);
bool st_ctl_state_region_drained(const st_ctl_state_t *st, const char *name);
/* Dial by region name; a NULL ramp sets a fixed dial (ending any ramp).
 * Either forgets the note of an earlier stopped ramp. */
int st_ctl_state_set_dial(st_ctl_state_t *st, const char *name, uint32_t dial,
			  const st_ramp_t *ramp);
st_state_dial_t *st_ctl_state_dial(const st_ctl_state_t *st, const char *name);
/* Forget the dial of a region (the config's value applies again). */
void st_ctl_state_clear_dial(st_ctl_state_t *st, const char *name);
/* Note why the ramp of an existing dial stopped (kept until the next dial
 * command, and across restarts). ST_ENOENT when the region has no dial. */
int st_ctl_state_note_stop(st_ctl_state_t *st, const char *name, uint64_t at_ms,
			   const char *text);

/* Read a state file. A missing file is an empty state (0). A malformed one
 * returns ST_EPARSE with "file:line: what is wrong" and leaves st empty. */
int st_ctl_state_load(st_ctl_state_t *st, const char *path, st_diag_t *diag);
/* Write atomically: path.tmp, fsync, rename over path, fsync the folder. */
int st_ctl_state_save(const st_ctl_state_t *st, const char *path, st_diag_t *diag);

const char *st_override_name(st_override_t ov);
/* A dial: "0" to "100", or with a '%' ("40%") -> 0, or ST_EINVAL. */
int st_dial_parse(const char *s, uint32_t *out);
/* "drain", "up" or "down" -> the override; false for other text. */
bool st_override_parse(const char *s, st_override_t *out);

#endif
