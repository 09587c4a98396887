/* A vantage point: own view out to etcd, everyone's views in, the quorum's
 * decision into the checker's table, and the fleet mode (agreed, kept, own)
 * from how recently etcd answered. */
#include "fleet/vantage.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/time.h"
#include "conf/nameset.h"
#include "config.h"
#include "fleet/etcd.h"
#include "fleet/quorum.h"
#include "health/table.h"
#include "fleet/view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_MS 200
#define LEAVE_WAIT_MS 1000

struct st_vantage {
	st_loop_t *loop;
	const st_conf_t *conf;
	st_checker_t *ck;
	st_etcd_t *etcd;
	st_etcd_lease_t *lease;
	st_etcd_watch_t *watch;
	char *views;  /* "PREFIX/views/" */
	char *mine;   /* "PREFIX/views/NAME/" */
	char *record; /* "PREFIX/vantages/NAME" */
	/* the checked endpoints (checker index) by name */
	size_t n;
	char **names;
	st_nameset_t index;
	/* vantage points seen, [0] = this one; votes of the others per endpoint */
	char **vp;
	size_t n_vp, cap_vp;
	uint32_t *vp_keys; /* per vantage point: its views of our endpoints */
	uint8_t *votes;	   /* [endpoint * cap_vp + vp]: st_health_state_t */
	bool synced;	   /* the watch has handed over everything since the last rebuild */
	bool *dirty;	   /* endpoints to decide again */
	/* what etcd holds of this view */
	uint8_t *published, *sending;
	char **gone; /* endpoints to delete (left the config) */
	size_t n_gone, gone_sending;
	bool record_due, record_sending;
	st_etcd_op_t *flush_op;
	st_ev_t *flush;
	/* the mode and the header */
	st_health_fleet_t fleet;
	uint64_t start_ns;
	bool joined; /* has agreed once */
	st_ev_t *tick;
	int64_t lag_rev, watch_rev;
	uint64_t lag_sent_ns;
	uint64_t generation;
	uint64_t started_ms;
	/* leaving */
	void (*leave_done)(void *arg);
	void *leave_arg;
	st_ev_t *leave_timer;
};

static const char *fleet_name(const st_vantage_t *v)
{
	return v->conf->fleet.name;
}

/* ---- vantage points and votes ---- */

static int vp_index(st_vantage_t *v, const char *name, bool add)
{
	for (size_t i = 0; i < v->n_vp; i++)
		if (strcmp(v->vp[i], name) == 0)
			return (int)i;
	if (!add)
		return -1;
	if (v->n_vp == v->cap_vp) {
		size_t cap = v->cap_vp ? v->cap_vp * 2 : 4;
		uint8_t *votes = calloc(v->n ? v->n * cap : 1, 1);
		char **vp = realloc(v->vp, cap * sizeof(*vp));
		uint32_t *keys = realloc(v->vp_keys, cap * sizeof(*keys));
		if (vp)
			v->vp = vp;
		if (keys)
			v->vp_keys = keys;
		if (!votes || !vp || !keys) {
			free(votes);
			return -1;
		}
		for (size_t e = 0; e < v->n; e++)
			memcpy(votes + e * cap, v->votes + e * v->cap_vp, v->cap_vp);
		free(v->votes);
		v->votes = votes;
		v->cap_vp = cap;
	}
	if (!(v->vp[v->n_vp] = strdup(name)))
		return -1;
	v->vp_keys[v->n_vp] = 0;
	return (int)v->n_vp++;
}

static void set_vote(st_vantage_t *v, size_t e, int vp, uint8_t state)
{
	uint8_t *cell = &v->votes[e * v->cap_vp + (size_t)vp];
	if (*cell == state)
		return;
	if (*cell == ST_HEALTH_UNKNOWN)
		v->vp_keys[vp]++;
	else if (state == ST_HEALTH_UNKNOWN)
		v->vp_keys[vp]--;
	*cell = state;
	v->dirty[e] = true;
}

static uint32_t live_vantages(const st_vantage_t *v)
{
	uint32_t n = 0;
	for (size_t i = 1; i < v->n_vp; i++)
		n += v->vp_keys[i] > 0;
	for (size_t e = 0; v->ck && e < v->n; e++)
		if (st_checker_hyst(v->ck, e)->state != ST_HEALTH_UNKNOWN)
			return n + 1;
	return n;
}

/* "use1 up, use2 down" for logs. */
static void fmt_votes(const st_vantage_t *v, size_t e, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->n_vp && off < len; i++) {
		uint8_t s = i == 0 ? (uint8_t)st_checker_hyst(v->ck, e)->state
				   : v->votes[e * v->cap_vp + i];
		if (s == ST_HEALTH_UNKNOWN)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s", off ? ", " : "", v->vp[i],
					st_health_state_name((st_health_state_t)s));
	}
}

/* Apply the quorum to endpoint e and show the result. */
static void decide(st_vantage_t *v, size_t e)
{
	v->dirty[e] = false;
	uint32_t up = 0, voters = 0;
	st_health_state_t own = st_checker_hyst(v->ck, e)->state;
	if (own != ST_HEALTH_UNKNOWN) {
		voters++;
		up += own == ST_HEALTH_UP;
	}
	for (size_t i = 1; i < v->n_vp; i++) {
		uint8_t s = v->votes[e * v->cap_vp + i];
		if (s == ST_HEALTH_UNKNOWN)
			continue;
		voters++;
		up += s == ST_HEALTH_UP;
	}
	st_health_state_t agreed = st_quorum_decide(&v->conf->fleet.quorum, up, voters);
	st_health_state_t before;
	uint32_t bup, bvoters;
	bool had = st_checker_agreed(v->ck, e, &before, &bup, &bvoters);
	st_checker_set_agreed(v->ck, e, agreed, up, voters);
	if (agreed == ST_HEALTH_UNKNOWN || (had && before == agreed))
		return;
	char votes[256], q[16];
	fmt_votes(v, e, votes, sizeof(votes));
	st_quorum_fmt(&v->conf->fleet.quorum, q, sizeof(q));
	const char *name = v->names[e];
	if (agreed == ST_HEALTH_DOWN)
		st_log_warn("endpoint %s, fleet agrees down: %u of %u vantage point%s see%s it up, "
			    "quorum %s needs %u (%s)",
			    name, up, voters, voters == 1 ? "" : "s", up == 1 ? "s" : "", q,
			    st_quorum_needed(&v->conf->fleet.quorum, voters), votes);
	else
		st_log(had && before == ST_HEALTH_DOWN ? ST_LOG_NOTICE : ST_LOG_DEBUG,
		       "endpoint %s, fleet agrees up: %u of %u vantage point%s see%s it up (%s)",
		       name, up, voters, voters == 1 ? "" : "s", up == 1 ? "s" : "", votes);
}

static void decide_dirty(st_vantage_t *v, bool all)
{
	if (v->fleet.mode != ST_FLEET_AGREED || !v->synced || !v->ck)
		return;
	for (size_t e = 0; e < v->n; e++)
		if (all || v->dirty[e])
			decide(v, e);
}

/* ---- the watch on PREFIX/views/ ---- */

static void apply_event(st_vantage_t *v, const st_etcd_event_t *ev)
{
	size_t plen = strlen(v->views);
	if (ev->kv.key_len <= plen || memcmp(ev->kv.key, v->views, plen) != 0)
		return;
	char name[ST_FLEET_NAME_MAX];
	const char *ep;
	if (!st_fleet_view_key_split(ev->kv.key + plen, name, sizeof(name), &ep))
		return;
	uint32_t e = st_nameset_get(&v->index, ep);
	if (e == UINT32_MAX || strcmp(name, fleet_name(v)) == 0)
		return; /* not checked here, or our own (we know it better) */
	uint8_t state = ST_HEALTH_UNKNOWN;
	if (ev->type == ST_ETCD_PUT) {
		st_fleet_obs_t obs;
		st_diag_t diag;
		if (st_fleet_obs_decode(ev->kv.value, ev->kv.value_len, &obs, &diag) == 0)
			state = (uint8_t)obs.state;
		else
			st_log_debug("fleet, %s: ignored (%s)", ev->kv.key, diag.text);
	}
	int vp = vp_index(v, name, state != ST_HEALTH_UNKNOWN);
	if (vp > 0)
		set_vote(v, e, vp, state);
}

static void on_watch(const st_etcd_event_t *evs, size_t n, bool reset, int64_t revision, void *arg)
{
	st_vantage_t *v = arg;
	if (reset) {
		for (size_t e = 0; e < v->n; e++)
			for (size_t i = 1; i < v->n_vp; i++)
				set_vote(v, e, (int)i, ST_HEALTH_UNKNOWN);
		v->synced = true;
	}
	for (size_t i = 0; i < n; i++)
		apply_event(v, &evs[i]);
	v->watch_rev = revision;
	if (v->lag_rev && revision >= v->lag_rev) {
		v->fleet.watch_lag_ms = (uint32_t)((st_mono_ns() - v->lag_sent_ns) / ST_NS_PER_MS);
		v->lag_rev = 0;
	}
	decide_dirty(v, reset);
}

/* ---- publishing this view ---- */

static char *key_of(const st_vantage_t *v, const char *endpoint)
{
	return st_fleet_key(v->mine, endpoint, "");
}

static char *obs_of(const st_vantage_t *v, size_t e)
{
	const st_health_rec_t *r = st_checker_hyst(v->ck, e);
	uint64_t now_mono = st_mono_ns(), now_real = st_real_ns();
	uint64_t ago =
	    r->last_change_ns && r->last_change_ns <= now_mono ? now_mono - r->last_change_ns : 0;
	st_fleet_obs_t o = {.state = r->state,
			    .rtt_us = r->rtt_us,
			    .since_ms = (now_real - (ago < now_real ? ago : 0)) / ST_NS_PER_MS};
	snprintf(o.error, sizeof(o.error), "%s", r->state == ST_HEALTH_DOWN ? r->error : "");
	return st_fleet_obs_encode(&o);
}

static char *record_of(const st_vantage_t *v)
{
	st_fleet_member_t m = {
	    .started_ms = v->started_ms, .generation = v->generation, .endpoints = (uint32_t)v->n};
	snprintf(m.version, sizeof(m.version), "%s", PACKAGE_VERSION);
	snprintf(m.config, sizeof(m.config), "%s", v->conf->digest);
	return st_fleet_member_encode(&m);
}

static void on_flushed(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	st_vantage_t *v = arg;
	v->flush_op = NULL;
	if (rc != 0) {
		st_log_debug("fleet, publishing the view failed (%s)", error);
		v->record_due |= v->record_sending;
		v->record_sending = false;
		v->gone_sending = 0;
		st_ev_timer_start(v->flush, st_etcd_backoff_ms(v->etcd));
		return;
	}
	v->record_sending = false;
	for (size_t i = 0; i < v->gone_sending; i++)
		free(v->gone[i]);
	memmove(v->gone, v->gone + v->gone_sending,
		(v->n_gone - v->gone_sending) * sizeof(*v->gone));
	v->n_gone -= v->gone_sending;
	v->gone_sending = 0;
	for (size_t e = 0; e < v->n; e++)
		if (v->sending[e]) {
			v->published[e] = v->sending[e];
			v->sending[e] = ST_HEALTH_UNKNOWN;
		}
	if (res && res->revision && res->revision <= v->watch_rev) {
		v->fleet.watch_lag_ms = 0; /* the watch was quicker than the answer */
	} else if (res && res->revision && !v->lag_rev) {
		v->lag_rev = res->revision;
		v->lag_sent_ns = st_mono_ns();
	}
	st_ev_activate(v->flush); /* anything that changed meanwhile */
}

static void on_flush(int fd, short what, void *arg)
{
	st_vantage_t *v = arg;
	int64_t lease = v->lease ? st_etcd_lease_id(v->lease) : 0;
	if (v->flush_op || lease == 0 || !v->ck)
		return; /* again when it answers, a lease is granted, a checker is bound */
	st_etcd_batch_t *b = st_etcd_batch_new();
	if (!b)
		return;
	bool record = v->record_due;
	if (record) {
		char *rec = record_of(v);
		if (!rec || st_etcd_batch_put(b, v->record, rec, strlen(rec), lease) != 0)
			record = false;
		free(rec);
	}
	size_t gone = 0;
	for (; gone < v->n_gone; gone++) {
		char *k = key_of(v, v->gone[gone]);
		int rc = k ? st_etcd_batch_delete(b, k, false) : ST_ENOMEM;
		free(k);
		if (rc != 0)
			break;
	}
	for (size_t e = 0; e < v->n; e++) {
		uint8_t s = (uint8_t)st_checker_hyst(v->ck, e)->state;
		if (s == ST_HEALTH_UNKNOWN || s == v->published[e])
			continue;
		char *k = key_of(v, v->names[e]);
		char *j = obs_of(v, e);
		if (k && j && st_etcd_batch_put(b, k, j, strlen(j), lease) == 0)
			v->sending[e] = s;
		free(k);
		free(j);
	}
	if (st_etcd_batch_count(b) == 0) {
		st_etcd_batch_free(b);
		return;
	}
	v->record_due = v->record_due && !record;
	v->record_sending = record;
	v->gone_sending = gone;
	if (st_etcd_batch_send(v->etcd, b, on_flushed, v, &v->flush_op) != 0) {
		memset(v->sending, 0, v->n);
		v->record_due |= record;
		v->record_sending = false;
		v->gone_sending = 0;
		st_ev_timer_start(v->flush, 1000);
	}
}

static void on_change(st_checker_t *c, size_t e, void *arg)
{
	st_vantage_t *v = arg;
	st_ev_activate(v->flush);
	v->dirty[e] = true;
	decide_dirty(v, false);
}

static void on_lease(int64_t id, void *arg)
{
	st_vantage_t *v = arg;
	/* a new lease holds nothing yet */
	memset(v->published, 0, v->n);
	memset(v->sending, 0, v->n);
	st_etcd_cancel(v->flush_op);
	v->flush_op = NULL;
	v->record_due = true;
	v->record_sending = false;
	v->gone_sending = 0;
	if (id != 0) {
		st_log_info("fleet %s, vantage point in etcd (lease %" PRIx64 ", %zu endpoints)",
			    fleet_name(v), (uint64_t)id, v->n);
		st_ev_activate(v->flush);
	}
}

/* ---- the mode ---- */

static void set_mode(st_vantage_t *v, st_fleet_mode_t mode, uint64_t now)
{
	v->fleet.mode = mode;
	v->fleet.mode_since_ns = now;
	if (mode == ST_FLEET_OWN)
		for (size_t e = 0; v->ck && e < v->n; e++)
			st_checker_clear_agreed(v->ck, e);
	else if (mode == ST_FLEET_AGREED)
		decide_dirty(v, true);
}

static void on_tick(int fd, short what, void *arg)
{
	st_vantage_t *v = arg;
	uint64_t now = st_mono_ns();
	st_etcd_stats_t s;
	st_etcd_stats(v->etcd, &s);
	const st_conf_fleet_t *f = &v->conf->fleet;
	uint64_t since = s.last_ok_ns ? s.last_ok_ns : v->start_ns;
	uint64_t age_ms = (now - since) / ST_NS_PER_MS;
	bool reachable = s.last_ok_ns && age_ms < f->view_ttl_ms;
	bool ready = reachable && v->synced && st_etcd_watch_live(v->watch);
	char d[32], w[32];
	switch (v->fleet.mode) {
	case ST_FLEET_AGREED:
		if (reachable)
			break;
		st_duration_fmt(age_ms, d, sizeof(d));
		st_duration_fmt(f->stale_after_ms, w, sizeof(w));
		st_log_warn("fleet %s, no answer from etcd for %s (%s): keeping the agreed "
			    "states for up to %s",
			    f->name, d, s.last_error[0] ? s.last_error : "no answer", w);
		set_mode(v, ST_FLEET_KEPT, now);
		break;
	case ST_FLEET_KEPT:
		if (ready) {
			uint32_t n = live_vantages(v);
			if (v->joined)
				st_log_notice("fleet %s, etcd answers again: agreeing with %u "
					      "vantage point%s",
					      f->name, n, n == 1 ? "" : "s");
			else
				st_log_info("fleet %s, agreeing with %u vantage point%s", f->name,
					    n, n == 1 ? "" : "s");
			v->joined = true;
			set_mode(v, ST_FLEET_AGREED, now);
		} else if (age_ms >= f->stale_after_ms) {
			st_duration_fmt(age_ms, d, sizeof(d));
			st_log_warn("fleet %s, no answer from etcd for %s (%s): using this "
				    "vantage point's own view",
				    f->name, d, s.last_error[0] ? s.last_error : "no answer");
			set_mode(v, ST_FLEET_OWN, now);
		}
		break;
	case ST_FLEET_OWN:
		if (ready) {
			uint32_t n = live_vantages(v);
			st_log_notice("fleet %s, etcd answers again: agreeing with %u vantage "
				      "point%s",
				      f->name, n, n == 1 ? "" : "s");
			v->joined = true;
			set_mode(v, ST_FLEET_AGREED, now);
		}
		break;
	default:
		break;
	}
	v->fleet.vantages = live_vantages(v);
	v->fleet.etcd_ok_ns = s.last_ok_ns;
	if (v->lag_rev) {
		uint64_t waiting = (now - v->lag_sent_ns) / ST_NS_PER_MS;
		if (waiting > v->fleet.watch_lag_ms)
			v->fleet.watch_lag_ms = (uint32_t)waiting;
	}
	if (v->ck)
		st_checker_set_fleet(v->ck, &v->fleet);
}

/* ---- life cycle ---- */

/* Per-endpoint arrays for the checker's endpoints. What etcd holds of the
 * previous ones carries over by name; names gone are deleted there. */
static int bind_checker(st_vantage_t *v, const st_conf_t *conf, st_checker_t *ck)
{
	size_t n = st_checker_count(ck);
	st_nameset_t index = {0};
	char **names = calloc(n ? n : 1, sizeof(*names));
	uint8_t *votes = calloc(n && v->cap_vp ? n * v->cap_vp : 1, 1);
	bool *dirty = calloc(n ? n : 1, sizeof(*dirty));
	uint8_t *published = calloc(n ? n : 1, 1), *sending = calloc(n ? n : 1, 1);
	char **gone = calloc(v->n_gone + v->n + 1, sizeof(*gone));
	int rc = names && votes && dirty && published && sending && gone ? 0 : ST_ENOMEM;
	for (size_t e = 0; rc == 0 && e < n; e++)
		if (!(names[e] = strdup(st_checker_name(ck, e))) ||
		    st_nameset_put(&index, names[e], (uint32_t)e, NULL) < 0)
			rc = ST_ENOMEM;
	size_t n_gone = 0;
	for (size_t i = 0; rc == 0 && i < v->n_gone; i++)
		if (st_nameset_get(&index, v->gone[i]) == UINT32_MAX &&
		    !(gone[n_gone++] = strdup(v->gone[i])))
			rc = ST_ENOMEM;
	for (size_t e = 0; rc == 0 && e < v->n; e++) {
		uint32_t now = st_nameset_get(&index, v->names[e]);
		if (now != UINT32_MAX)
			published[now] = v->published[e];
		else if (v->published[e] && !(gone[n_gone++] = strdup(v->names[e])))
			rc = ST_ENOMEM;
	}
	if (rc != 0) {
		st_strv_free(gone, n_gone);
		st_strv_free(names, n);
		free(votes);
		free(dirty);
		free(published);
		free(sending);
		st_nameset_clear(&index);
		return rc;
	}
	st_etcd_cancel(v->flush_op);
	v->flush_op = NULL;
	v->record_sending = false;
	v->gone_sending = 0;
	st_strv_free(v->gone, v->n_gone);
	v->gone = gone;
	v->n_gone = n_gone;
	st_strv_free(v->names, v->n);
	free(v->votes);
	free(v->dirty);
	free(v->published);
	free(v->sending);
	st_nameset_clear(&v->index);
	v->names = names;
	v->votes = votes;
	v->dirty = dirty;
	v->published = published;
	v->sending = sending;
	v->index = index;
	for (size_t i = 0; i < v->n_vp; i++)
		v->vp_keys[i] = 0;
	v->n = n;
	v->conf = conf;
	v->ck = ck;
	v->synced = false;
	v->record_due = true;
	st_checker_on_change(ck, on_change, v);
	st_checker_set_fleet(ck, &v->fleet);
	return 0;
}

int st_vantage_new(st_loop_t *loop, const st_conf_t *conf, st_checker_t *checker,
		   st_vantage_t **out, st_diag_t *diag)
{
	const st_conf_fleet_t *f = &conf->fleet;
	st_vantage_t *v = calloc(1, sizeof(*v));
	if (!v)
		return ST_ENOMEM;
	v->loop = loop;
	v->start_ns = st_mono_ns();
	v->started_ms = st_real_ns() / ST_NS_PER_MS;
	v->fleet.mode = ST_FLEET_KEPT; /* until etcd has answered */
	v->fleet.mode_since_ns = v->start_ns;
	int rc = ST_ENOMEM;
	v->views = st_fleet_key(f->prefix, "/views/", "");
	v->mine = v->views ? st_fleet_key(v->views, f->name, "/") : NULL;
	v->record = st_fleet_key(f->prefix, "/vantages/", f->name);
	v->flush = st_ev_timer_new(loop, false, on_flush, v);
	v->tick = st_ev_timer_new(loop, true, on_tick, v);
	if (!v->views || !v->mine || !v->record || !v->flush || !v->tick ||
	    vp_index(v, f->name, true) != 0)
		goto fail;
	if ((rc = st_fleet_etcd_new(loop, f, &v->etcd, diag)) != 0)
		goto fail;
	if ((rc = bind_checker(v, conf, checker)) != 0)
		goto fail;
	if ((rc = st_etcd_lease_new(v->etcd, (uint32_t)(f->view_ttl_ms / 1000), on_lease, v,
				    &v->lease)) != 0 ||
	    (rc = st_etcd_watch_new(v->etcd, v->views, on_watch, v, &v->watch)) != 0 ||
	    (rc = st_ev_timer_start(v->tick, TICK_MS)) != 0)
		goto fail;
	char q[16];
	st_quorum_fmt(&f->quorum, q, sizeof(q));
	st_log_info("fleet %s, vantage point of %zu endpoints, quorum %s, etcd %s%s", f->name, v->n,
		    q, f->etcd[0], f->n_etcd > 1 ? " and others" : "");
	*out = v;
	return 0;
fail:
	st_vantage_free(v);
	return rc;
}

bool st_vantage_same_fleet(const st_conf_t *a, const st_conf_t *b)
{
	return a->fleet.enabled && b->fleet.enabled && st_conf_same_fleet(&a->fleet, &b->fleet);
}

void st_vantage_unbind(st_vantage_t *v)
{
	if (v && v->ck)
		st_checker_on_change(v->ck, NULL, NULL);
	if (v)
		v->ck = NULL;
}

int st_vantage_rebind(st_vantage_t *v, const st_conf_t *conf, st_checker_t *checker)
{
	int rc = bind_checker(v, conf, checker);
	if (rc != 0)
		return rc;
	v->generation++;
	/* read everyone's views again for the new set of endpoints */
	st_etcd_watch_free(v->watch);
	v->watch = NULL;
	rc = st_etcd_watch_new(v->etcd, v->views, on_watch, v, &v->watch);
	st_ev_activate(v->flush);
	return rc;
}

static void on_left(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	st_vantage_t *v = arg;
	if (!v->leave_done)
		return;
	st_ev_stop(v->leave_timer);
	if (v->leave_done)
		v->leave_done(v->leave_arg);
	v->leave_done = NULL;
}

static void on_leave_timeout(int fd, short what, void *arg)
{
	on_left(ST_ETIMEDOUT, NULL, "", arg);
}

void st_vantage_leave(st_vantage_t *v, void (*done)(void *arg), void *arg)
{
	st_etcd_watch_free(v->watch);
	v->watch = NULL;
	v->leave_done = done;
	v->leave_arg = arg;
	v->leave_timer = st_ev_timer_new(v->loop, false, on_leave_timeout, v);
	st_etcd_lease_t *l = v->lease;
	v->lease = NULL;
	if (!v->leave_timer || st_etcd_lease_end(l, on_left, v) != 0) {
		on_left(0, NULL, "", v);
		return;
	}
	st_ev_timer_start(v->leave_timer, LEAVE_WAIT_MS);
}

void st_vantage_free(st_vantage_t *v)
{
	if (!v)
		return;
	if (v->ck)
		st_checker_on_change(v->ck, NULL, NULL);
	st_etcd_free(v->etcd); /* its lease, watch and requests with it */
	st_ev_free(v->flush);
	st_ev_free(v->tick);
	st_ev_free(v->leave_timer);
	for (size_t i = 0; i < v->n_vp; i++)
		free(v->vp[i]);
	st_strv_free(v->gone, v->n_gone);
	st_strv_free(v->names, v->n);
	free(v->vp);
	free(v->vp_keys);
	free(v->votes);
	free(v->dirty);
	free(v->published);
	free(v->sending);
	st_nameset_clear(&v->index);
	free(v->views);
	free(v->mine);
	free(v->record);
	free(v);
}
