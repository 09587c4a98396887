/* What the fleet keeps in etcd, as JSON values: a vantage point's
 * observation of one endpoint, and the record each process of the fleet
 * keeps under its lease (nameservers and vantage points alike). Keys:
 *   PREFIX/views/VANTAGE/ENDPOINT   observation (vantage point's lease)
 *   PREFIX/vantages/VANTAGE         member record (the same lease)
 *   PREFIX/nodes/NAME               member record (the nameserver's lease) */
#ifndef ST_FLEET_VIEW_H
#define ST_FLEET_VIEW_H

#include "common/errors.h"
#include "fleet/etcd.h"
#include "health/health.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_FLEET_ERROR_MAX 96
#define ST_FLEET_NAME_MAX 64

/* One vantage point's view of one endpoint. Written when the state
 * changes, so the RTT is the one of that moment. */
typedef struct st_fleet_obs {
	st_health_state_t state; /* UP or DOWN */
	uint32_t rtt_us;
	uint64_t since_ms; /* CLOCK_REALTIME ms of the change */
	char error[ST_FLEET_ERROR_MAX];
} st_fleet_obs_t;

/* {"state":"down","rtt_us":900,"since":1733500000000,"error":"..."}:
 * malloc'd, NULL when out of memory. */
char *st_fleet_obs_encode(const st_fleet_obs_t *o);
/* ST_EPARSE (with diag) for anything but an object with state up or down;
 * unknown members are ignored, so that newer writers can add some. */
int st_fleet_obs_decode(const char *json, size_t len, st_fleet_obs_t *out, st_diag_t *diag);

typedef struct st_fleet_member {
	char version[32];
	char config[72];     /* "sha256:" + the first 16 bytes of the config file's digest, hex */
	uint64_t started_ms; /* CLOCK_REALTIME */
	uint64_t generation; /* bumped at each reload */
	uint32_t endpoints;  /* vantage point: endpoints it checks */
} st_fleet_member_t;

char *st_fleet_member_encode(const st_fleet_member_t *m);
int st_fleet_member_decode(const char *json, size_t len, st_fleet_member_t *out, st_diag_t *diag);

/* A key from its parts: "a" "b" "c" joined (malloc'd; NULL when out of
 * memory). */
char *st_fleet_key(const char *a, const char *b, const char *c);

/* The etcd client of a fleet: section (fleet.etcd, fleet.tls). */
struct st_conf_fleet;
int st_fleet_etcd_new(st_loop_t *loop, const struct st_conf_fleet *c, st_etcd_t **out,
		      st_diag_t *diag);

/* Is name usable as a vantage point or node name (a path component: 1-63
 * of [A-Za-z0-9._-])? */
bool st_fleet_name_valid(const char *name);

/* PREFIX/views/VANTAGE/ENDPOINT split back: given the key after
 * "PREFIX/views/", the vantage name (copied into vantage) and a pointer to
 * the endpoint name in key. false when the key has no such shape. */
bool st_fleet_view_key_split(const char *rest, char *vantage, size_t len, const char **endpoint);

#endif
