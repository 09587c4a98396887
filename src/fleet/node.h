/* steerd in a fleet: the nameserver's own record in etcd (PREFIX/nodes/NAME,
 * under its lease: version, config digest, generation), and one watch on
 * the whole prefix that keeps what `steerctl fleet`, `health` and `explain`
 * show (nodes, vantage points, every view) and hands the shared control
 * keys (PREFIX/overrides/..., PREFIX/dials/...) to the control plane, which
 * also writes them here. A service attached to the server; idle without a
 * fleet: section (a reload may add one). */
#ifndef ST_FLEET_NODE_H
#define ST_FLEET_NODE_H

#include "common/errors.h"
#include "fleet/etcd.h"
#include "fleet/view.h"
#include "health/health.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_server;

typedef struct st_fleet st_fleet_t;

int st_fleet_start(struct st_server *srv, st_fleet_t **out, st_diag_t *diag);
/* Leaves etcd (the node record goes with its lease) without waiting. */
void st_fleet_free(st_fleet_t *f);
/* A fleet: section is in force. */
bool st_fleet_active(const st_fleet_t *f);

/* A shared control key, relative to the prefix ("dials/east"); value NULL:
 * deleted. revision: of the change. */
typedef struct st_fleet_kv {
	const char *key;
	const char *value;
	int64_t revision;
} st_fleet_kv_t;

/* The control plane's listener: reset = the whole content (forget
 * everything before), else changes in revision order. */
typedef void (*st_fleet_control_cb_t)(const st_fleet_kv_t *kvs, size_t n, bool reset, void *arg);
void st_fleet_on_control(st_fleet_t *f, st_fleet_control_cb_t cb, void *arg);
/* Everything under the control keys as etcd last said (for a control plane
 * that must start over from etcd). *kvs stays valid until the next event. */
void st_fleet_control_content(const st_fleet_t *f, const st_fleet_kv_t **kvs, size_t *n);
/* Write control keys (value NULL: delete) together; cb gets the revision
 * of the write, or an error text. */
typedef void (*st_fleet_write_cb_t)(int rc, int64_t revision, const char *error, void *arg);
int st_fleet_control_write(st_fleet_t *f, const st_fleet_kv_t *kvs, size_t n,
			   st_fleet_write_cb_t cb, void *arg, st_etcd_op_t **op);
/* Put one control key only while it is still at `revision` (the first of
 * several nodes doing the same wins); cb rc ST_EEXIST when another was
 * first. */
int st_fleet_control_put_if(st_fleet_t *f, const char *key, const char *value, int64_t revision,
			    st_fleet_write_cb_t cb, void *arg, st_etcd_op_t **op);
/* The revision of a control key's last change as known here (0: none). */
int64_t st_fleet_control_revision(const st_fleet_t *f, const char *key);

/* What status, fleet and metrics show. */
typedef struct st_fleet_status {
	const char *name;
	bool reachable;	       /* etcd answered within view_ttl */
	uint64_t etcd_ok_ns;   /* last answer, CLOCK_MONOTONIC; 0: never */
	const char *endpoint;  /* the member in use */
	const char *error;     /* the last failure, "" when none since */
	bool watch_live;       /* the watch stream is up */
	uint32_t watch_lag_ms; /* a write of this node until its watch saw it */
	uint64_t requests, failures, writes, keepalives;
	size_t nodes_live, vantages_live;
	bool drift; /* a live node or vantage point runs another config */
} st_fleet_status_t;
void st_fleet_status(const st_fleet_t *f, st_fleet_status_t *out);

/* The members seen since start: nameservers (nodes/) and vantage points
 * (vantages/), live ones with their lease, gone ones with when they went. */
typedef struct st_fleet_member_info {
	const char *name;
	bool vantage; /* else a nameserver */
	bool live;
	bool self;	  /* this site */
	uint64_t seen_ms; /* CLOCK_REALTIME ms: its last write, or when it went */
	st_fleet_member_t rec;
} st_fleet_member_info_t;
size_t st_fleet_member_count(const st_fleet_t *f);
void st_fleet_member(const st_fleet_t *f, size_t i, st_fleet_member_info_t *out);

/* The views: every vantage point seen, and its state of an endpoint
 * (UNKNOWN: none). */
size_t st_fleet_vantage_count(const st_fleet_t *f);
const char *st_fleet_vantage_name(const st_fleet_t *f, size_t i);
st_health_state_t st_fleet_view(const st_fleet_t *f, size_t vantage, const char *endpoint);

#endif
