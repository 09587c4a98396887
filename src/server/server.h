/* The steerd process: owns the config, the current view (RCU), the UDP/TCP
 * workers, the control socket and the metrics endpoint, and reloads. */
#ifndef ST_SERVER_SERVER_H
#define ST_SERVER_SERVER_H

#include "answer/view.h"
#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_conf;
struct st_loop;
struct st_answer_ctx;

typedef struct st_server st_server_t;

/* Build a server from a config (takes ownership of conf): loads every zone,
 * compiles routing, maps the health table. Does not open sockets yet. */
int st_server_new(struct st_conf *conf, st_server_t **out, st_diag_t *diag);
void st_server_free(st_server_t *srv);

/* Open sockets, start workers, control socket and metrics; run the main
 * loop until SIGTERM/SIGINT or st_server_stop(). */
int st_server_run(st_server_t *srv, st_diag_t *diag);
void st_server_stop(st_server_t *srv);

/* Reload: re-read the config file (if any) and all zones, or only `zone`
 * (presentation name) when non-NULL. Atomic: on any error the old view keeps
 * serving and diag says file:line and what is wrong. */
int st_server_reload(st_server_t *srv, const char *zone, st_diag_t *diag);

/* Main-thread accessors for the control plane (not for workers). */
const struct st_conf *st_server_conf(const st_server_t *srv);
st_view_t *st_server_view(st_server_t *srv); /* current view */
struct st_loop *st_server_loop(st_server_t *srv);
uint64_t st_server_started_ns(const st_server_t *srv); /* st_real_ns() at start */
unsigned st_server_workers(const st_server_t *srv);
/* Per-worker answer contexts (their counters are summed by stats/metrics). */
size_t st_server_answer_ctx_count(const st_server_t *srv);
struct st_answer_ctx *st_server_answer_ctx(st_server_t *srv, size_t i);
/* Routed answers since start into sum->route_* (the rest of sum untouched),
 * per index of the current config: each record's, region's and endpoint's
 * count stays with its name across reloads that add, remove or reorder
 * names, and only grows. Main thread. */
struct st_answer_stats;
void st_server_route_sum(st_server_t *srv, struct st_answer_stats *sum);

/* Command-line settings laid over the config at start and on every reload. */
typedef struct st_server_overrides {
	const char *const *listen; /* "ADDR:PORT": replace server.listen when n_listen > 0 */
	size_t n_listen;
	const char *const *zones; /* "NAME:FILE": add, or replace the zone of that name */
	size_t n_zones;
	uint32_t workers;      /* 0: keep the config's */
	const char *log_level; /* NULL: keep the config's */
} st_server_overrides_t;

/* Apply overrides to a config (also fills the default listen addresses). */
int st_server_apply_overrides(struct st_conf *conf, const st_server_overrides_t *ov,
			      st_diag_t *diag);
/* Remember overrides (copied) so that a reload of the config file applies them too. */
int st_server_set_overrides(st_server_t *srv, const st_server_overrides_t *ov);

/* Finalise a view built by a reload before it is published, for example to
 * carry drains, forced states and dials over from the old view. A non-zero
 * return fails the reload (diag says why) and the old view keeps serving. */
typedef int (*st_server_view_hook_t)(st_server_t *srv, const st_view_t *old, st_view_t *fresh,
				     void *arg, st_diag_t *diag);
void st_server_set_view_hook(st_server_t *srv, st_server_view_hook_t hook, void *arg);

/* Open TCP connections (approximate: counted by the TCP thread). */
uint32_t st_server_tcp_clients(const st_server_t *srv);

/* Totals over the current view's zones (for --check and status). */
size_t st_server_record_count(const st_server_t *srv);
size_t st_server_dyn_record_count(const st_server_t *srv);

/* Reload bookkeeping for status and metrics. */
typedef struct st_reload_stats {
	uint64_t ok, failed;
	uint64_t last_ok_ns, last_failed_ns; /* st_real_ns(), 0 = never */
	char last_error[512];
} st_reload_stats_t;
void st_server_reload_stats(const st_server_t *srv, st_reload_stats_t *out);

#endif
