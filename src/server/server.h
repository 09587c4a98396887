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
st_view_t *st_server_view(st_server_t *srv);   /* current view */
struct st_loop *st_server_loop(st_server_t *srv);
uint64_t st_server_started_ns(const st_server_t *srv); /* st_real_ns() at start */
unsigned st_server_workers(const st_server_t *srv);
/* Per-worker answer contexts (their counters are summed by stats/metrics). */
size_t st_server_answer_ctx_count(const st_server_t *srv);
struct st_answer_ctx *st_server_answer_ctx(st_server_t *srv, size_t i);

/* Reload bookkeeping for status and metrics. */
typedef struct st_reload_stats {
	uint64_t ok, failed;
	uint64_t last_ok_ns, last_failed_ns; /* st_real_ns(), 0 = never */
	char last_error[512];
} st_reload_stats_t;
void st_server_reload_stats(const st_server_t *srv, st_reload_stats_t *out);

#endif
