/* The DNS server: the current view under RCU, the UDP and TCP servers,
 * signals, the health housekeeping timer, reloads and the hooks of the
 * services attached to it. */
#define _GNU_SOURCE
#define _LGPL_SOURCE
#include "config.h"
#include "server/server.h"
#include "server/view_build.h"
#include "server/totals.h"
#include "answer/stats.h"
#include "answer/answer.h"
#include "conf/conf.h"
#include "health/health.h"
#include "net/ev.h"
#include "net/sock.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "zone/zone.h"
#include "common/strv.h"
#include "common/log.h"
#include "common/file.h"
#include "common/ring.h"
#include "limit/secret.h"
#include "common/time.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#define HEALTH_TICK_MS 100

typedef struct attachment {
	st_server_hooks_t hooks;
	void *arg;
} attachment_t;

struct st_server {
	/* The published view, &box->view. Workers rcu_dereference() it; only
	 * the main thread replaces it. */
	st_view_t *view;
	st_view_box_t *box; /* main thread: the view with what built it */
	uint64_t generation;

	st_loop_t *loop;
	st_ev_t *ev_term, *ev_int, *ev_hup, *ev_tick, *ev_stop;
	int64_t resign_checked; /* the second signatures were last looked at */
	st_udp_t *udp;
	st_tcp_t *tcp;
	st_tcp_streamer_t streamer; /* start NULL: none */
	unsigned workers;
	uint64_t fd_limit; /* open files allowed (UINT64_MAX: unlimited) */
	uint64_t started_ns;

	char **ov_listen;
	size_t n_ov_listen;
	char **ov_zones;
	size_t n_ov_zones;
	uint32_t ov_workers;
	char *ov_log_level;

	attachment_t *attached;
	size_t n_attached;
	st_reload_stats_t reloads;
	st_ring_t reload_history; /* of st_reload_event_t */
	/* Routed answers of the views retired so far, by name. */
	st_route_totals_t *totals;
	/* The DNS cookie secret, made when server.cookies is first on. */
	st_cookie_secret_t *cookies;
	/* Rate limiting counters at the last summary (see log_limited). */
	st_rrl_counters_t rrl_logged;
	unsigned ticks;
};

/* ---- overrides ------------------------------------------------------------ */

/* Remove the config's zone named like the "NAME:FILE" argument, if any. */
static void drop_zone(st_conf_t *conf, const char *name_colon_file)
{
	const char *colon = strchr(name_colon_file, ':');
	if (!colon || colon == name_colon_file)
		return;
	size_t n = (size_t)(colon - name_colon_file);
	if (name_colon_file[n - 1] == '.')
		n--;
	for (size_t z = 0; z < conf->n_zones; z++) {
		const char *have = conf->zones[z].name;
		if (strlen(have) == n + 1 && strncasecmp(have, name_colon_file, n) == 0) {
			st_conf_zone_clear(&conf->zones[z]);
			memmove(&conf->zones[z], &conf->zones[z + 1],
				(conf->n_zones - z - 1) * sizeof(conf->zones[0]));
			conf->n_zones--;
			return;
		}
	}
}

int st_server_apply_overrides(struct st_conf *conf, const st_server_overrides_t *ov,
			      st_diag_t *diag)
{
	int ret;
	if (ov && ov->n_listen > 0) {
		free(conf->listen);
		conf->listen = NULL;
		conf->n_listen = 0;
		for (size_t i = 0; i < ov->n_listen; i++) {
			ret = st_conf_add_listen(conf, ov->listen[i], diag);
			if (ret != 0)
				return ret;
		}
	}
	for (size_t i = 0; ov && i < ov->n_zones; i++) {
		/* A zone named again on the command line replaces the config's. */
		drop_zone(conf, ov->zones[i]);
		ret = st_conf_add_zone(conf, ov->zones[i], diag);
		if (ret != 0)
			return ret;
	}
	if (ov && ov->workers)
		conf->workers = ov->workers;
	if (ov && ov->log_level) {
		char *level = strdup(ov->log_level);
		if (!level)
			return ST_ENOMEM;
		free(conf->log_level);
		conf->log_level = level;
	}
	return st_conf_default_listen(conf, diag);
}

int st_server_set_overrides(st_server_t *srv, const st_server_overrides_t *ov)
{
	char **l = st_strv_dup(ov->listen, ov->n_listen);
	char **z = st_strv_dup(ov->zones, ov->n_zones);
	char *level = ov->log_level ? strdup(ov->log_level) : NULL;
	if (!l || !z || (ov->log_level && !level)) {
		st_strv_free(l, ov->n_listen);
		st_strv_free(z, ov->n_zones);
		free(level);
		return ST_ENOMEM;
	}
	free(srv->ov_log_level);
	srv->ov_log_level = level;
	st_strv_free(srv->ov_listen, srv->n_ov_listen);
	st_strv_free(srv->ov_zones, srv->n_ov_zones);
	srv->ov_listen = l;
	srv->n_ov_listen = ov->n_listen;
	srv->ov_zones = z;
	srv->n_ov_zones = ov->n_zones;
	srv->ov_workers = ov->workers;
	return 0;
}

static int reapply_overrides(const st_server_t *srv, st_conf_t *conf, st_diag_t *diag)
{
	st_server_overrides_t ov = {
	    .listen = (const char *const *)srv->ov_listen,
	    .n_listen = srv->n_ov_listen,
	    .zones = (const char *const *)srv->ov_zones,
	    .n_zones = srv->n_ov_zones,
	    .workers = srv->ov_workers,
	    .log_level = srv->ov_log_level,
	};
	return st_server_apply_overrides(conf, &ov, diag);
}

/* ---- lifecycle ------------------------------------------------------------ */

static void log_zones(const st_view_box_t *box, const st_view_box_t *old)
{
	for (size_t i = 0; i < box->n_srcs; i++) {
		const st_zone_src_t *s = &box->srcs[i];
		bool kept = false;
		for (size_t j = 0; old && j < old->n_srcs; j++)
			kept |= old->srcs[j].zone == s->zone;
		if (kept)
			continue;
		st_log_info("zone %s, serial %u, %zu records%s, loaded from %s", s->name,
			    st_zone_serial(s->zone), st_zone_record_count(s->zone),
			    s->n_dyn ? " (+ dynamic)" : "", s->file);
	}
}

/* Routed-answer counters exist for the first ST_STATS_ROUTE_MAX records,
 * regions and endpoints of a config; say so when a config has more. */
static void log_uncounted(const st_conf_t *conf)
{
	const struct {
		const char *what;
		size_t n;
	} sets[] = {{"records", conf->n_records},
		    {"regions", conf->n_regions},
		    {"endpoints", conf->n_endpoints}};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (sets[i].n > ST_STATS_ROUTE_MAX)
			st_log_warn("config has %zu %s: answers of those after the first %d are "
				    "not counted in stats and metrics",
				    sets[i].n, sets[i].what, ST_STATS_ROUTE_MAX);
}

static void stop_cb(int fd, short what, void *arg)
{
	st_server_t *srv = arg;
	st_loop_break(srv->loop);
}

static void signal_cb(int signo, short what, void *arg)
{
	st_server_t *srv = arg;
	if (signo == SIGHUP) {
		st_log_info("reload requested by SIGHUP");
		st_diag_t diag;
		(void)st_server_reload(srv, NULL, &diag);
		return;
	}
	st_log_info("%s received, shutting down", signo == SIGTERM ? "SIGTERM" : "SIGINT");
	st_loop_break(srv->loop);
}

static bool same_rrl(const st_conf_rrl_t *a, const st_conf_rrl_t *b)
{
	return a->enabled == b->enabled && a->rate == b->rate && a->slip == b->slip &&
	       a->ipv4_prefix == b->ipv4_prefix && a->ipv6_prefix == b->ipv6_prefix &&
	       a->table_size == b->table_size && a->n_exempt == b->n_exempt &&
	       (a->n_exempt == 0 || memcmp(a->exempt, b->exempt, a->n_exempt * sizeof(*a->exempt)) == 0);
}

static void log_rrl(const st_server_t *srv, const st_conf_t *conf, const st_conf_t *was)
{
	const st_conf_rrl_t *r = &conf->rrl;
	if (was && same_rrl(r, &was->rrl))
		return;
	if (!r->enabled) {
		if (was)
			st_log_info("rrl off");
		return;
	}
	st_log_info("rrl on, %u responses/s per network and name (%u/s in each of %u worker%s), "
		    "slip %u, networks /%u and /%u, %u buckets per worker, %zu exempt network%s",
		    r->rate, r->rate / srv->workers ? r->rate / srv->workers : 1, srv->workers,
		    srv->workers == 1 ? "" : "s", r->slip, r->ipv4_prefix, r->ipv6_prefix,
		    r->table_size, r->n_exempt, r->n_exempt == 1 ? "" : "s");
}

/* What a view takes from the server rather than from its config: how many
 * UDP workers share each address, and the cookie secret (read from
 * state_dir, or made, the first time a started server has cookies on: not
 * by a --check). */
static int limits_view(st_server_t *srv, st_view_t *view, const st_conf_t *was, st_diag_t *diag)
{
	const st_conf_t *conf = view->conf;
	log_rrl(srv, conf, was);
	view->rrl_share = srv->workers;
	view->cookies = NULL;
	if (!conf->cookies || !srv->started_ns)
		return 0;
	if (!srv->cookies) {
		char *path = NULL;
		if (conf->state_dir) {
			st_state_dir_make(conf->state_dir);
			path = st_path_join(conf->state_dir, ST_COOKIE_SECRET_FILE);
			if (!path)
				return st_diag_set(diag, ST_ENOMEM, "out of memory");
		}
		st_diag_t why;
		int rc = st_cookie_secret_open(path, &srv->cookies, &why);
		free(path);
		if (rc != 0)
			return st_diag_set(diag, rc, "server.cookies: %s", why.text);
		if (conf->state_dir)
			st_log_info("cookies, server secret from %s",
				    st_cookie_secret_path(srv->cookies));
		else
			st_log_notice("cookies, server secret in memory only (no server.state_dir): "
				      "a restart changes it");
	} else if (was) {
		bool changed;
		st_diag_t why;
		int rc = st_cookie_secret_reread(srv->cookies, &changed, &why);
		if (rc != 0)
			return st_diag_set(diag, rc, "server.cookies: %s", why.text);
		if (changed)
			st_log_notice("cookies, new server secret read from %s",
				      st_cookie_secret_path(srv->cookies));
	}
	view->cookies = srv->cookies;
	return 0;
}

/* While responses are being limited, one line every LIMIT_LOG_TICKS ticks
 * says how many and who last, never a line per packet. */
#define LIMIT_LOG_TICKS 100
static void log_limited(st_server_t *srv)
{
	st_rrl_counters_t now;
	memset(&now, 0, sizeof(now));
	size_t n = st_server_answer_ctx_count(srv);
	for (size_t i = 0; i < n; i++) {
		st_answer_ctx_t *ctx = st_server_answer_ctx(srv, i);
		if (ctx)
			st_rrl_counters_add(&now, &st_answer_ctx_stats(ctx)->rrl);
	}
	const st_rrl_counters_t *was = &srv->rrl_logged;
	if (now.limited > was->limited) {
		char net[64] = "?";
		st_prefix_t last;
		st_rrl_class_t cls = ST_RRL_CLASSES;
		if (st_rrl_last(&now, &last, &cls))
			st_prefix_str(&last, net, sizeof(net));
		st_log_notice("rrl, %llu responses limited in the last %u s (%llu slipped, %llu "
			      "dropped), last from %s (%s); table %llu of %llu buckets",
			      (unsigned long long)(now.limited - was->limited),
			      LIMIT_LOG_TICKS * HEALTH_TICK_MS / 1000,
			      (unsigned long long)(now.slipped - was->slipped),
			      (unsigned long long)(now.dropped - was->dropped), net,
			      st_rrl_class_name(cls), (unsigned long long)now.used,
			      (unsigned long long)now.size);
	}
	srv->rrl_logged = now;
}

static void tick_cb(int fd, short what, void *arg)
{
	st_server_t *srv = arg;
	st_view_t *view = srv->view;
	if (view->health)
		st_health_tick(view->health);
	/* Signatures renewed before a quarter of their validity is left. */
	int64_t now = (int64_t)(st_real_ns() / ST_NS_PER_SEC);
	if (now != srv->resign_checked) {
		srv->resign_checked = now;
		st_view_box_resign(srv->box, now);
	}
	if (++srv->ticks % LIMIT_LOG_TICKS == 0)
		log_limited(srv);
}

int st_server_new(struct st_conf *conf, st_server_t **out, st_diag_t *diag)
{
	int ret = st_conf_default_listen(conf, diag);
	if (ret != 0) {
		st_conf_free(conf);
		return ret;
	}
	st_server_t *srv = calloc(1, sizeof(*srv));
	if (!srv) {
		st_conf_free(conf);
		return ST_ENOMEM;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	srv->workers = conf->workers ? conf->workers : (unsigned)(ncpu > 0 ? ncpu : 1);
	srv->loop = st_loop_new();
	if (!srv->loop) {
		st_conf_free(conf);
		free(srv);
		return ST_ENOMEM;
	}
	srv->ev_stop = st_ev_timer_new(srv->loop, false, stop_cb, srv);
	if (!srv->ev_stop ||
	    st_ring_init(&srv->reload_history, ST_RELOAD_HISTORY, sizeof(st_reload_event_t)) != 0) {
		st_conf_free(conf);
		st_server_free(srv);
		return ST_ENOMEM;
	}

	srv->generation = 1;
	st_view_box_t *box;
	ret = st_view_build(conf, NULL, srv->generation, &box, diag);
	if (ret != 0) {
		st_server_free(srv);
		return ret;
	}
	srv->totals = st_route_totals_new();
	if (!srv->totals || st_route_totals_reserve(srv->totals, box->routing->conf) != 0) {
		st_view_box_free(box);
		st_server_free(srv);
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	}
	ret = limits_view(srv, &box->view, NULL, diag);
	if (ret != 0) {
		st_view_box_free(box);
		st_server_free(srv);
		return ret;
	}
	srv->box = box;
	rcu_assign_pointer(srv->view, &box->view);
	*out = srv;
	return 0;
}

void st_server_free(st_server_t *srv)
{
	if (!srv)
		return;
	/* Workers first: nobody reads the view after this. */
	st_udp_free(srv->udp);
	st_tcp_free(srv->tcp);
	st_ev_free(srv->ev_term);
	st_ev_free(srv->ev_int);
	st_ev_free(srv->ev_hup);
	st_ev_free(srv->ev_tick);
	st_ev_free(srv->ev_stop);
	st_view_box_free(srv->box);
	st_route_totals_free(srv->totals);
	st_cookie_secret_free(srv->cookies);
	free(srv->attached);
	st_ring_free(&srv->reload_history);
	st_loop_free(srv->loop);
	st_strv_free(srv->ov_listen, srv->n_ov_listen);
	st_strv_free(srv->ov_zones, srv->n_ov_zones);
	free(srv->ov_log_level);
	free(srv);
}

static int start_signals(st_server_t *srv)
{
	srv->ev_term = st_ev_signal_new(srv->loop, SIGTERM, signal_cb, srv);
	srv->ev_int = st_ev_signal_new(srv->loop, SIGINT, signal_cb, srv);
	srv->ev_hup = st_ev_signal_new(srv->loop, SIGHUP, signal_cb, srv);
	srv->ev_tick = st_ev_timer_new(srv->loop, true, tick_cb, srv);
	if (!srv->ev_term || !srv->ev_int || !srv->ev_hup || !srv->ev_tick)
		return ST_ENOMEM;
	if (st_ev_signal_start(srv->ev_term) || st_ev_signal_start(srv->ev_int) ||
	    st_ev_signal_start(srv->ev_hup) || st_ev_timer_start(srv->ev_tick, HEALTH_TICK_MS))
		return ST_EIO;
	return 0;
}

/* TCP connections that fit the open-file limit beside everything else:
 * standard streams and logs, a UDP socket per worker and address and a TCP
 * listener per address, each event loop's own descriptors, the control and
 * metrics listeners and their clients, the health table, the zone, include
 * and geo files a reload opens: a generous allowance. Warns when
 * server.tcp_max_clients does not fit, so that a flood of TCP clients can
 * never take the descriptors the rest needs. */
static uint32_t tcp_clients_that_fit(const st_server_t *srv, const st_conf_t *conf)
{
	uint64_t want = conf->tcp_max_clients ? conf->tcp_max_clients : 1024;
	uint64_t reserve = 64 + (uint64_t)conf->n_listen * (srv->workers + 1) +
			   4 * ((uint64_t)srv->workers + 2) + (conf->control ? 32 : 0) +
			   (conf->metrics ? 32 : 0);
	if (srv->fd_limit == UINT64_MAX || srv->fd_limit >= want + reserve)
		return (uint32_t)want;
	uint64_t fit = srv->fd_limit > reserve + 16 ? srv->fd_limit - reserve : 16;
	st_log_warn("server.tcp_max_clients %llu does not fit the open-file limit %llu (%llu kept "
		    "for listeners, control, metrics and files): at most %llu TCP connections; "
		    "raise the limit (LimitNOFILE= in the unit, ulimit -n) or lower "
		    "tcp_max_clients",
		    (unsigned long long)want, (unsigned long long)srv->fd_limit,
		    (unsigned long long)reserve, (unsigned long long)fit);
	return (uint32_t)fit;
}

int st_server_start(st_server_t *srv, st_diag_t *diag)
{
	const st_conf_t *conf = st_server_conf(srv);
	/* A client that resets a TCP connection must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	uint64_t before;
	srv->fd_limit = st_sock_raise_fd_limit(&before);
	if (srv->fd_limit != before)
		st_log_info("open-file limit raised from %llu to %llu (the hard limit)",
			    (unsigned long long)before, (unsigned long long)srv->fd_limit);
	if (srv->fd_limit == 0)
		srv->fd_limit = UINT64_MAX; /* not known: nothing to fit */

	srv->started_ns = st_real_ns();
	/* The view the workers start with gets the cookie secret. */
	int ret = limits_view(srv, &srv->box->view, conf, diag);
	if (ret != 0)
		return ret;
	ret = st_udp_new(conf->listen, conf->n_listen, srv->workers, conf->coalesce_us, &srv->view,
			 &srv->udp, diag);
	if (ret != 0)
		return ret;
	st_tcp_limits_t limits = {
	    .idle_timeout_ms = conf->tcp_idle_timeout_ms,
	    .message_timeout_ms = conf->tcp_message_timeout_ms,
	    .max_clients = tcp_clients_that_fit(srv, conf),
	    .coalesce_us = conf->coalesce_us,
	};
	ret = st_tcp_new(conf->listen, conf->n_listen, &limits, &srv->view, &srv->tcp, diag);
	if (ret != 0)
		return ret;
	if (srv->streamer.start)
		st_tcp_set_streamer(srv->tcp, &srv->streamer);
	ret = start_signals(srv);
	if (ret != 0)
		return st_diag_set(diag, ret, "cannot set up signal handlers (%s)",
				   st_strerror(ret));
	ret = st_udp_start(srv->udp, diag);
	if (ret == 0)
		ret = st_tcp_start(srv->tcp, diag);
	if (ret != 0)
		return ret;

	st_log_info("steerd %s started, %u worker%s per address, pid %d", PACKAGE_VERSION,
		    srv->workers, srv->workers == 1 ? "" : "s", (int)getpid());
	for (size_t i = 0; i < conf->n_listen; i++) {
		char a[ST_SOCKADDR_STRLEN];
		st_sockaddr_str(&conf->listen[i], a, sizeof(a));
		st_log_info("listening on %s (udp, tcp)", a);
	}
	log_zones(srv->box, NULL);
	log_uncounted(st_server_conf(srv));
	return 0;
}

int st_server_serve(st_server_t *srv, st_diag_t *diag)
{
	int ret = st_loop_run(srv->loop);
	st_udp_stop(srv->udp);
	st_tcp_stop(srv->tcp);
	if (ret != 0)
		return st_diag_set(diag, ret, "main loop failed (%s)", st_strerror(ret));
	return 0;
}

void st_server_stop(st_server_t *srv)
{
	st_ev_activate(srv->ev_stop);
}

/* ---- reload --------------------------------------------------------------- */

static void apply_log_level(const st_conf_t *conf)
{
	st_log_level_t level;
	if (conf->log_level && st_log_level_parse(conf->log_level, &level) == 0)
		st_log_set_level(level);
}

/* Sockets and threads stay as started: warn about changes and
 * keep the running values in the new config, so that it says what runs.
 * (coalesce_us and the TCP limits apply on the fly: apply_live_settings.) */
static int keep_running_settings(const st_conf_t *cur, st_conf_t *next, unsigned workers)
{
	bool same = cur->n_listen == next->n_listen;
	for (size_t i = 0; same && i < cur->n_listen; i++)
		same = cur->listen[i].len == next->listen[i].len &&
		       memcmp(&cur->listen[i].u, &next->listen[i].u, cur->listen[i].len) == 0;
	if (!same) {
		st_log_warn("reload, server.listen changed: restart steerd to apply it");
		st_sockaddr_t *l = calloc(cur->n_listen ? cur->n_listen : 1, sizeof(*l));
		if (!l)
			return ST_ENOMEM;
		memcpy(l, cur->listen, cur->n_listen * sizeof(*l));
		free(next->listen);
		next->listen = l;
		next->n_listen = cur->n_listen;
	}
	if (next->workers && next->workers != workers)
		st_log_warn("reload, server.workers changed: restart steerd to apply it");
	next->workers = cur->workers;
	return 0;
}

/* server.coalesce_us and the TCP limits apply to running workers at once. */
static void apply_live_settings(st_server_t *srv, const st_conf_t *cur, const st_conf_t *next)
{
	if (next->coalesce_us != cur->coalesce_us) {
		st_udp_set_coalesce(srv->udp, next->coalesce_us);
		st_tcp_set_coalesce(srv->tcp, next->coalesce_us);
		st_log_info("reload, server.coalesce_us %u -> %u", cur->coalesce_us,
			    next->coalesce_us);
	}
	if (next->tcp_idle_timeout_ms != cur->tcp_idle_timeout_ms ||
	    next->tcp_message_timeout_ms != cur->tcp_message_timeout_ms)
		st_tcp_set_timeouts(srv->tcp, next->tcp_idle_timeout_ms,
				    next->tcp_message_timeout_ms);
	if (next->tcp_idle_timeout_ms != cur->tcp_idle_timeout_ms)
		st_log_info("reload, server.tcp_idle_timeout %llu ms -> %llu ms",
			    (unsigned long long)cur->tcp_idle_timeout_ms,
			    (unsigned long long)next->tcp_idle_timeout_ms);
	if (next->tcp_message_timeout_ms != cur->tcp_message_timeout_ms)
		st_log_info("reload, server.tcp_message_timeout %llu ms -> %llu ms",
			    (unsigned long long)cur->tcp_message_timeout_ms,
			    (unsigned long long)next->tcp_message_timeout_ms);
	if (next->tcp_max_clients != cur->tcp_max_clients) {
		st_tcp_set_max_clients(srv->tcp, tcp_clients_that_fit(srv, next));
		st_log_info("reload, server.tcp_max_clients %u -> %u", cur->tcp_max_clients,
			    next->tcp_max_clients);
	}
}

/* No worker answers from `old` any more: add what it counted to the names
 * of its config and clear that set for the view after next. */
static void retire_counts(st_server_t *srv, const st_view_box_t *old)
{
	size_t n = st_server_answer_ctx_count(srv);
	for (size_t i = 0; i < n; i++) {
		st_answer_ctx_t *ctx = st_server_answer_ctx(srv, i);
		if (!ctx)
			continue;
		st_route_totals_fold(srv->totals, old->routing->conf,
				     st_answer_ctx_route(ctx, old->view.generation));
		st_answer_ctx_route_reset(ctx, old->view.generation);
	}
}

/* src cut to fit dst (size bytes, NUL included). */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* One entry of the reload history. */
static void note_reload(st_server_t *srv, const char *zone, uint64_t t0, int ret,
			const st_diag_t *diag)
{
	st_reload_event_t *e = st_ring_push(&srv->reload_history);
	if (!e)
		return;
	e->at_ns = st_real_ns();
	e->duration_ns = st_mono_ns() - t0;
	e->generation = srv->generation;
	e->ok = ret == 0;
	copy_text(e->zone, sizeof(e->zone), zone ? zone : "");
	if (ret != 0)
		copy_text(e->error, sizeof(e->error), diag->text);
}

int st_server_reload(st_server_t *srv, const char *zone, st_diag_t *diag)
{
	st_diag_t local;
	if (!diag)
		diag = &local;
	st_diag_clear(diag);
	uint64_t t0 = st_mono_ns();
	st_view_box_t *old = srv->box, *fresh = NULL;
	uint64_t gen = srv->generation + 1;
	int ret;

	if (zone) {
		ret = st_view_build_zone(old, zone, gen, &fresh, diag);
	} else if (old->routing->conf->path) {
		st_conf_t *conf = NULL;
		ret = st_conf_load(old->routing->conf->path, &conf, diag);
		if (ret == 0)
			ret = reapply_overrides(srv, conf, diag);
		if (ret == 0)
			ret = keep_running_settings(old->routing->conf, conf, srv->workers);
		if (ret == 0)
			ret = st_view_build(conf, old, gen, &fresh, diag);
		else
			st_conf_free(conf);
	} else {
		ret = st_view_build_same(old, gen, &fresh, diag);
	}
	if (ret == 0) {
		ret = limits_view(srv, &fresh->view, old->view.conf, diag);
		if (ret != 0)
			st_view_box_free(fresh);
	}
	if (ret == 0) {
		/* Room for the new names now, so that retiring the old view and
		 * reading the counters never fail or allocate. */
		ret = st_route_totals_reserve(srv->totals, fresh->routing->conf);
		if (ret != 0) {
			st_view_box_free(fresh);
			st_diag_set(diag, ret, "out of memory");
		}
	}
	for (size_t i = 0; ret == 0 && i < srv->n_attached; i++) {
		const attachment_t *a = &srv->attached[i];
		if (a->hooks.prepare)
			ret = a->hooks.prepare(a->arg, &old->view, &fresh->view, diag);
		if (ret != 0)
			st_view_box_free(fresh);
	}

	if (ret != 0) {
		if (diag->text[0] == '\0')
			st_diag_set(diag, ret, "%s", st_strerror(ret));
		srv->reloads.failed++;
		srv->reloads.last_failed_ns = st_real_ns();
		copy_text(srv->reloads.last_error, sizeof(srv->reloads.last_error), diag->text);
		st_log_err("reload%s%s failed, old data kept serving (%s)", zone ? " of zone " : "",
			   zone ? zone : "", diag->text);
		note_reload(srv, zone, t0, ret, diag);
		return ret;
	}

	/* Publish, wait until no worker can still see the old view, free it. */
	rcu_xchg_pointer(&srv->view, &fresh->view);
	srv->box = fresh;
	apply_live_settings(srv, old->routing->conf, fresh->routing->conf);
	for (size_t i = 0; i < srv->n_attached; i++) {
		const attachment_t *a = &srv->attached[i];
		if (a->hooks.published)
			a->hooks.published(a->arg, &old->view, &fresh->view);
	}
	synchronize_rcu();
	retire_counts(srv, old);
	log_zones(fresh, old);
	log_uncounted(fresh->routing->conf);
	st_view_box_free(old);
	srv->generation = gen;
	apply_log_level(st_server_conf(srv));
	srv->reloads.ok++;
	srv->reloads.last_ok_ns = st_real_ns();
	note_reload(srv, zone, t0, 0, diag);
	st_log_info("reload%s%s done in %.1f ms, generation %llu", zone ? " of zone " : "",
		    zone ? zone : "", (double)(st_mono_ns() - t0) / 1e6, (unsigned long long)gen);
	return 0;
}

/* ---- accessors ------------------------------------------------------------ */

int st_server_attach(st_server_t *srv, const st_server_hooks_t *hooks, void *arg)
{
	attachment_t *a = realloc(srv->attached, (srv->n_attached + 1) * sizeof(*a));
	if (!a)
		return ST_ENOMEM;
	srv->attached = a;
	a[srv->n_attached].hooks = *hooks;
	a[srv->n_attached].arg = arg;
	srv->n_attached++;
	return 0;
}

void st_server_detach(st_server_t *srv, void *arg)
{
	for (size_t i = 0; i < srv->n_attached; i++)
		if (srv->attached[i].arg == arg) {
			memmove(&srv->attached[i], &srv->attached[i + 1],
				(srv->n_attached - i - 1) * sizeof(srv->attached[0]));
			srv->n_attached--;
			return;
		}
}

int st_server_check(st_server_t *srv, size_t *n_zones, st_diag_t *diag)
{
	const st_view_box_t *old = srv->box;
	const char *path = old->routing->conf->path;
	st_view_box_t *box = NULL;
	int rc;
	if (path) {
		st_conf_t *conf = NULL;
		rc = st_conf_load(path, &conf, diag);
		if (rc < 0)
			return rc;
		/* Unchanged zone files are shared with the serving view (they were
		 * checked when loaded); changed ones are loaded and checked. */
		rc = st_view_build(conf, old, 0, &box, diag);
	} else {
		rc = st_view_build_same(old, 0, &box, diag);
	}
	if (rc < 0)
		return rc;
	*n_zones = box->n_srcs;
	st_view_box_free(box);
	return 0;
}

const struct st_conf *st_server_conf(const st_server_t *srv)
{
	return srv->box->routing->conf;
}

st_view_t *st_server_view(st_server_t *srv)
{
	return srv->view;
}

struct st_loop *st_server_loop(st_server_t *srv)
{
	return srv->loop;
}

uint64_t st_server_started_ns(const st_server_t *srv)
{
	return srv->started_ns;
}

unsigned st_server_workers(const st_server_t *srv)
{
	return srv->workers;
}

struct st_cookie_secret *st_server_cookie_secret(st_server_t *srv)
{
	return srv->cookies;
}

size_t st_server_answer_ctx_count(const st_server_t *srv)
{
	return st_udp_ctx_count(srv->udp) + (srv->tcp ? 1 : 0);
}

struct st_answer_ctx *st_server_answer_ctx(st_server_t *srv, size_t i)
{
	size_t n_udp = st_udp_ctx_count(srv->udp);
	if (i < n_udp)
		return st_udp_ctx(srv->udp, i);
	return i == n_udp ? st_tcp_ctx(srv->tcp) : NULL;
}

void st_server_set_tcp_streamer(st_server_t *srv, const st_tcp_streamer_t *streamer)
{
	srv->streamer = *streamer;
}

uint32_t st_server_tcp_clients(const st_server_t *srv)
{
	return st_tcp_clients(srv->tcp);
}

size_t st_server_record_count(const st_server_t *srv)
{
	return srv->box->n_records;
}

size_t st_server_dyn_record_count(const st_server_t *srv)
{
	return st_view_box_dyn_count(srv->box);
}

void st_server_route_sum(st_server_t *srv, st_answer_stats_t *sum)
{
	const st_view_box_t *box = srv->box;
	const st_conf_t *conf = box->routing->conf;
	memset(sum->route_record, 0, sizeof(sum->route_record));
	memset(sum->route_region, 0, sizeof(sum->route_region));
	memset(sum->route_endpoint, 0, sizeof(sum->route_endpoint));
	st_route_totals_get(srv->totals, conf, sum);
	size_t nrec = conf->n_records < ST_STATS_ROUTE_MAX ? conf->n_records : ST_STATS_ROUTE_MAX;
	size_t nreg = conf->n_regions < ST_STATS_ROUTE_MAX ? conf->n_regions : ST_STATS_ROUTE_MAX;
	size_t nep =
	    conf->n_endpoints < ST_STATS_ROUTE_MAX ? conf->n_endpoints : ST_STATS_ROUTE_MAX;
	size_t n = st_server_answer_ctx_count(srv);
	for (size_t c = 0; c < n; c++) {
		const st_answer_ctx_t *ctx = st_server_answer_ctx(srv, c);
		if (!ctx)
			continue;
		const st_route_counts_t *rc = st_answer_ctx_route(ctx, box->view.generation);
		for (size_t i = 0; i < nrec; i++)
			sum->route_record[i] += st_stat_get(&rc->record[i]);
		for (size_t i = 0; i < nreg; i++)
			sum->route_region[i] += st_stat_get(&rc->region[i]);
		for (size_t i = 0; i < nep; i++)
			sum->route_endpoint[i] += st_stat_get(&rc->endpoint[i]);
	}
}

void st_server_reload_stats(const st_server_t *srv, st_reload_stats_t *out)
{
	*out = srv->reloads;
}

size_t st_server_reload_history(const st_server_t *srv, st_reload_event_t *out, size_t max)
{
	size_t n = st_ring_len(&srv->reload_history);
	if (n > max)
		n = max;
	for (size_t i = 0; i < n; i++)
		out[i] = *(const st_reload_event_t *)st_ring_get(&srv->reload_history, i);
	return n;
}
