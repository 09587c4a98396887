/* The DNS server of steerd: the config, the current view (RCU), the UDP and
 * TCP workers, signals and reloads. Services beside it (the control socket,
 * the metrics endpoint) attach to it from steerd's main.c: see
 * st_server_attach. */
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

/* Open the listen sockets, start the workers (they answer from here on) and
 * the signal handlers. Services that must act before the first answer
 * (control state: drains, dials) attach before this. */
int st_server_start(st_server_t *srv, st_diag_t *diag);
/* Run the main loop (signals, health housekeeping, every attached service's
 * events) until SIGTERM/SIGINT or st_server_stop(); then stop the workers. */
int st_server_serve(st_server_t *srv, st_diag_t *diag);
/* Make st_server_serve return (from any thread). */
void st_server_stop(st_server_t *srv);

/* Attaching a service. A service (the control socket, the metrics endpoint,
 * a fleet watcher, a zone transfer service) is created by main.c with the
 * server after st_server_new(): it adds its sockets and timers to
 * st_server_loop(), reads through the accessors below (main thread), and
 * follows reloads through hooks. Hooks run in the order they were attached. */
typedef struct st_server_hooks {
	/* A reload built `fresh` (fresh->conf is its config); finish it before
	 * it is published, e.g. carry drains and dials over by name. Non-zero
	 * fails the reload (diag says why) and the old view keeps serving. */
	int (*prepare)(void *arg, const st_view_t *old, st_view_t *fresh, st_diag_t *diag);
	/* `fresh` is published; `old` is still valid during the call. */
	void (*published)(void *arg, const st_view_t *old, const st_view_t *fresh);
} st_server_hooks_t;

/* Hooks (either may be NULL) with the argument they get; arg identifies the
 * attachment. ST_ENOMEM, or 0. */
int st_server_attach(st_server_t *srv, const st_server_hooks_t *hooks, void *arg);
/* Remove the attachment of arg (before arg is freed). */
void st_server_detach(st_server_t *srv, void *arg);

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
/* The DNS cookie secret, NULL until server.cookies is on (it stays when a
 * reload turns cookies off again). */
struct st_cookie_secret *st_server_cookie_secret(st_server_t *srv);
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

/* Answers of more than one message over TCP (zone transfers): a service
 * hands the server its streamer before st_server_start (net/tcp.h). */
struct st_tcp_streamer;
void st_server_set_tcp_streamer(st_server_t *srv, const struct st_tcp_streamer *streamer);

/* Open TCP connections (approximate: counted by the TCP thread). */
uint32_t st_server_tcp_clients(const st_server_t *srv);

/* Load the config file (or re-read the command-line zones) and every zone
 * as a reload would, apply nothing: 0 and the number of zones, or the first
 * error (file:line) in diag. */
int st_server_check(st_server_t *srv, size_t *n_zones, st_diag_t *diag);

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

/* The last reloads, each as it ended (for the status page). */
#define ST_RELOAD_HISTORY 16
typedef struct st_reload_event {
	uint64_t at_ns;	      /* st_real_ns() when it ended */
	uint64_t duration_ns; /* from the request to the new view serving (or the failure) */
	uint64_t generation;  /* the view serving after it */
	bool ok;
	char zone[256];	 /* the one zone reloaded, "" for the config and every zone */
	char error[512]; /* why it failed, "" after a success */
} st_reload_event_t;
/* Up to max entries into out, newest first; returns how many. */
size_t st_server_reload_history(const st_server_t *srv, st_reload_event_t *out, size_t max);

#endif
