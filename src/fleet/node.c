/* steerd's fleet service: its record under a lease, one watch on the whole
 * prefix, the members and views it saw, the shared control keys. */
#include "fleet/node.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/time.h"
#include "conf/conf.h"
#include "conf/nameset.h"
#include "config.h"
#include "server/server.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_MS 500

typedef struct member {
	char *name;
	bool vantage, live;
	uint64_t seen_ms;
	st_fleet_member_t rec;
} member_t;

typedef struct view {
	char *key; /* "VANTAGE/ENDPOINT" */
	uint8_t state;
} view_t;

typedef struct ctl_kv {
	char *key, *value;
	int64_t revision;
} ctl_kv_t;

struct st_fleet {
	struct st_server *srv;
	st_loop_t *loop;
	bool active;
	char *name;
	char *prefix; /* "PREFIX/" */
	char *node_key;
	uint64_t view_ttl_ms;
	st_etcd_t *etcd;
	st_etcd_lease_t *lease;
	st_etcd_watch_t *watch;
	uint64_t started_ms, generation;
	char digest[48];
	bool record_due;
	st_etcd_op_t *record_op;
	st_ev_t *tick;
	bool reachable;
	int64_t lag_rev, watch_rev;
	uint64_t lag_sent_ns;
	uint32_t lag_ms;
	/* the mirror */
	member_t *members;
	size_t n_members;
	char **vps;
	size_t n_vps;
	view_t *views;
	size_t n_views;
	st_nameset_t view_index;
	ctl_kv_t *ctl;
	size_t n_ctl;
	st_fleet_kv_t *ctl_out; /* st_fleet_control_content() */
	st_fleet_control_cb_t cb;
	void *cb_arg;
};

/* ---- the mirror ---- */

static member_t *member(st_fleet_t *f, const char *name, bool vantage, bool add)
{
	for (size_t i = 0; i < f->n_members; i++)
		if (f->members[i].vantage == vantage && strcmp(f->members[i].name, name) == 0)
			return &f->members[i];
	member_t *m = add ? st_append(&f->members, f->n_members, sizeof(*m)) : NULL;
	if (!m || !(m->name = strdup(name)))
		return NULL;
	m->vantage = vantage;
	f->n_members++;
	return m;
}

static void clear_views(st_fleet_t *f)
{
	for (size_t i = 0; i < f->n_views; i++)
		free(f->views[i].key);
	free(f->views);
	f->views = NULL;
	f->n_views = 0;
	st_nameset_clear(&f->view_index);
}

static void set_view(st_fleet_t *f, const char *rest, uint8_t state)
{
	uint32_t *at = st_nameset_find(&f->view_index, rest);
	if (at) {
		f->views[*at].state = state;
		return;
	}
	if (state == ST_HEALTH_UNKNOWN)
		return;
	char vp[ST_FLEET_NAME_MAX];
	const char *ep;
	if (!st_fleet_view_key_split(rest, vp, sizeof(vp), &ep))
		return;
	bool known = false;
	for (size_t i = 0; i < f->n_vps && !known; i++)
		known = strcmp(f->vps[i], vp) == 0;
	if (!known) {
		char **name = st_append(&f->vps, f->n_vps, sizeof(*name));
		if (!name || !(*name = strdup(vp)))
			return;
		f->n_vps++;
	}
	view_t *v = st_append(&f->views, f->n_views, sizeof(*v));
	if (!v || !(v->key = strdup(rest)))
		return;
	v->state = state;
	/* the set keeps pointers to the keys: the array may move, the keys not */
	if (st_nameset_put(&f->view_index, v->key, (uint32_t)f->n_views, NULL) < 0) {
		free(v->key);
		return;
	}
	f->n_views++;
}

static void clear_ctl(st_fleet_t *f)
{
	for (size_t i = 0; i < f->n_ctl; i++) {
		free(f->ctl[i].key);
		free(f->ctl[i].value);
	}
	free(f->ctl);
	f->ctl = NULL;
	f->n_ctl = 0;
}

static void set_ctl(st_fleet_t *f, const char *key, const char *value, size_t len, int64_t rev)
{
	for (size_t i = 0; i < f->n_ctl; i++) {
		if (strcmp(f->ctl[i].key, key) != 0)
			continue;
		free(f->ctl[i].value);
		if (!value) {
			free(f->ctl[i].key);
			f->ctl[i] = f->ctl[--f->n_ctl];
			return;
		}
		f->ctl[i].value = strndup(value, len);
		f->ctl[i].revision = rev;
		return;
	}
	if (!value)
		return;
	ctl_kv_t *kv = st_append(&f->ctl, f->n_ctl, sizeof(*kv));
	if (!kv)
		return;
	*kv = (ctl_kv_t){.key = strdup(key), .value = strndup(value, len), .revision = rev};
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		return;
	}
	f->n_ctl++;
}

static bool is_control(const char *rest)
{
	return strncmp(rest, "overrides/", 10) == 0 || strncmp(rest, "dials/", 6) == 0;
}

/* One change of the prefix; control changes are collected into out. */
static void apply(st_fleet_t *f, const st_etcd_event_t *ev, st_fleet_kv_t *out, size_t *n_out)
{
	size_t plen = strlen(f->prefix);
	if (ev->kv.key_len <= plen || memcmp(ev->kv.key, f->prefix, plen) != 0)
		return;
	const char *rest = ev->kv.key + plen;
	bool put = ev->type == ST_ETCD_PUT;
	st_diag_t diag;
	if (strncmp(rest, "views/", 6) == 0) {
		st_fleet_obs_t obs;
		uint8_t state = ST_HEALTH_UNKNOWN;
		if (put && st_fleet_obs_decode(ev->kv.value, ev->kv.value_len, &obs, &diag) == 0)
			state = (uint8_t)obs.state;
		set_view(f, rest + 6, state);
	} else if (strncmp(rest, "nodes/", 6) == 0 || strncmp(rest, "vantages/", 9) == 0) {
		bool vantage = rest[0] == 'v';
		const char *name = strchr(rest, '/') + 1;
		if (!st_fleet_name_valid(name))
			return;
		member_t *m = member(f, name, vantage, put);
		if (!m)
			return;
		m->live = put;
		m->seen_ms = st_real_ns() / ST_NS_PER_MS;
		if (put &&
		    st_fleet_member_decode(ev->kv.value, ev->kv.value_len, &m->rec, &diag) != 0)
			memset(&m->rec, 0, sizeof(m->rec));
	} else if (is_control(rest)) {
		set_ctl(f, rest, put ? ev->kv.value : NULL, ev->kv.value_len, ev->kv.mod_revision);
		out[(*n_out)++] = (st_fleet_kv_t){.key = rest,
						  .value = put ? ev->kv.value : NULL,
						  .revision = ev->kv.mod_revision};
	}
}

static void on_watch(const st_etcd_event_t *evs, size_t n, bool reset, int64_t revision, void *arg)
{
	st_fleet_t *f = arg;
	if (reset) {
		uint64_t now = st_real_ns() / ST_NS_PER_MS;
		for (size_t i = 0; i < f->n_members; i++)
			if (f->members[i].live) {
				f->members[i].live = false;
				f->members[i].seen_ms = now;
			}
		clear_views(f);
		clear_ctl(f);
	}
	st_fleet_kv_t *out = calloc(n ? n : 1, sizeof(*out));
	size_t n_out = 0;
	for (size_t i = 0; out && i < n; i++)
		apply(f, &evs[i], out, &n_out);
	f->watch_rev = revision;
	if (f->lag_rev && revision >= f->lag_rev) {
		f->lag_ms = (uint32_t)((st_mono_ns() - f->lag_sent_ns) / ST_NS_PER_MS);
		f->lag_rev = 0;
	}
	if (f->cb && out && (n_out || reset))
		f->cb(out, n_out, reset, f->cb_arg);
	free(out);
}

/* ---- this node's record ---- */

static void note_write(st_fleet_t *f, int64_t revision)
{
	if (revision && revision <= f->watch_rev) {
		f->lag_ms = 0; /* the watch was quicker than the answer */
		return;
	}
	if (revision && !f->lag_rev) {
		f->lag_rev = revision;
		f->lag_sent_ns = st_mono_ns();
	}
}

static void put_record(st_fleet_t *f);

static void on_record(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	st_fleet_t *f = arg;
	f->record_op = NULL;
	if (rc != 0) {
		f->record_due = true;
		return; /* again at the next tick */
	}
	note_write(f, res->revision);
	if (f->record_due)
		put_record(f);
}

static void put_record(st_fleet_t *f)
{
	int64_t lease = f->lease ? st_etcd_lease_id(f->lease) : 0;
	if (f->record_op || lease == 0)
		return;
	st_fleet_member_t m = {.started_ms = f->started_ms, .generation = f->generation};
	snprintf(m.version, sizeof(m.version), "%s", PACKAGE_VERSION);
	snprintf(m.config, sizeof(m.config), "%s", f->digest);
	char *json = st_fleet_member_encode(&m);
	if (!json)
		return;
	f->record_due = false;
	if (st_etcd_put(f->etcd, f->node_key, json, strlen(json), lease, on_record, f,
			&f->record_op) != 0)
		f->record_due = true;
	free(json);
}

static void on_lease(int64_t id, void *arg)
{
	st_fleet_t *f = arg;
	st_etcd_cancel(f->record_op);
	f->record_op = NULL;
	f->record_due = true;
	if (id) {
		st_log_info("fleet %s, nameserver in etcd (lease %" PRIx64 ")", f->name,
			    (uint64_t)id);
		put_record(f);
	}
}

static void on_tick(int fd, short what, void *arg)
{
	st_fleet_t *f = arg;
	st_fleet_status_t s;
	st_fleet_status(f, &s);
	if (s.reachable != f->reachable) {
		if (s.reachable)
			st_log_notice("fleet %s, etcd answers (%s)", f->name, s.endpoint);
		else
			st_log_warn("fleet %s, no answer from etcd (%s): drains, forced states "
				    "and dials stay as they are here, and steerctl cannot change "
				    "them until it answers",
				    f->name, s.error[0] ? s.error : "no answer yet");
		f->reachable = s.reachable;
	}
	if (f->record_due)
		put_record(f);
}

/* ---- life cycle ---- */

static void stop(st_fleet_t *f)
{
	if (f->lease)
		st_etcd_lease_free(f->lease); /* the record goes with it */
	f->lease = NULL;
	f->watch = NULL;
	f->record_op = NULL;
	/* the revoke is sent before the client goes: give it the loop's next
	 * turns only if steerd keeps running (a reload); at exit it expires */
	st_etcd_free(f->etcd);
	f->etcd = NULL;
	st_ev_stop(f->tick);
	free(f->name);
	free(f->prefix);
	free(f->node_key);
	f->name = f->prefix = f->node_key = NULL;
	f->active = false;
	clear_views(f);
	clear_ctl(f);
	for (size_t i = 0; i < f->n_members; i++)
		free(f->members[i].name);
	free(f->members);
	f->members = NULL;
	f->n_members = 0;
	st_strv_free(f->vps, f->n_vps);
	f->vps = NULL;
	f->n_vps = 0;
}

static int begin(st_fleet_t *f, const st_conf_t *conf, st_diag_t *diag)
{
	const st_conf_fleet_t *c = &conf->fleet;
	f->name = strdup(c->name);
	f->prefix = st_fleet_key(c->prefix, "/", "");
	f->node_key = st_fleet_key(c->prefix, "/nodes/", c->name);
	f->view_ttl_ms = c->view_ttl_ms;
	snprintf(f->digest, sizeof(f->digest), "%s", conf->digest);
	if (!f->name || !f->prefix || !f->node_key)
		return ST_ENOMEM;
	int rc = st_fleet_etcd_new(f->loop, c, &f->etcd, diag);
	if (rc == 0)
		rc = st_etcd_lease_new(f->etcd, (uint32_t)(c->view_ttl_ms / 1000), on_lease, f,
				       &f->lease);
	if (rc == 0)
		rc = st_etcd_watch_new(f->etcd, f->prefix, on_watch, f, &f->watch);
	if (rc == 0)
		rc = st_ev_timer_start(f->tick, TICK_MS);
	if (rc != 0)
		return rc;
	f->active = true;
	f->reachable = true; /* the first tick says so if not */
	st_log_info("fleet %s, nameserver, etcd %s%s, prefix %s", c->name, c->etcd[0],
		    c->n_etcd > 1 ? " and others" : "", c->prefix);
	return 0;
}

/* A reload: the same fleet gets the new digest and generation; another
 * one (or none) starts over. */
static void published(void *arg, const st_view_t *old, const st_view_t *fresh)
{
	st_fleet_t *f = arg;
	const st_conf_t *conf = fresh->conf;
	if (st_conf_same_fleet(&old->conf->fleet, &conf->fleet)) {
		if (!f->active)
			return;
		f->generation++;
		snprintf(f->digest, sizeof(f->digest), "%s", conf->digest);
		f->record_due = true;
		put_record(f);
		return;
	}
	stop(f);
	if (f->cb)
		f->cb(NULL, 0, true, f->cb_arg); /* nothing shared any more, or not yet */
	st_diag_t diag;
	if (conf->fleet.enabled && begin(f, conf, &diag) != 0) {
		st_log_err("fleet %s, cannot join (%s): working alone", conf->fleet.name,
			   diag.text);
		stop(f);
	} else if (!conf->fleet.enabled) {
		st_log_notice("fleet, left: no fleet: section any more");
	}
}

int st_fleet_start(struct st_server *srv, st_fleet_t **out, st_diag_t *diag)
{
	const st_conf_t *conf = st_server_conf(srv);
	st_fleet_t *f = calloc(1, sizeof(*f));
	if (!f)
		return ST_ENOMEM;
	f->srv = srv;
	f->loop = st_server_loop(srv);
	f->started_ms = st_real_ns() / ST_NS_PER_MS;
	f->tick = st_ev_timer_new(f->loop, true, on_tick, f);
	int rc = f->tick ? 0 : ST_ENOMEM;
	if (rc == 0 && conf->fleet.enabled)
		rc = begin(f, conf, diag);
	static const st_server_hooks_t hooks = {.published = published};
	if (rc == 0)
		rc = st_server_attach(srv, &hooks, f);
	if (rc != 0) {
		st_fleet_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void st_fleet_free(st_fleet_t *f)
{
	if (!f)
		return;
	st_server_detach(f->srv, f);
	stop(f);
	st_ev_free(f->tick);
	free(f->ctl_out);
	free(f);
}

bool st_fleet_active(const st_fleet_t *f)
{
	return f && f->active;
}

/* ---- control keys ---- */

void st_fleet_on_control(st_fleet_t *f, st_fleet_control_cb_t cb, void *arg)
{
	f->cb = cb;
	f->cb_arg = arg;
}

void st_fleet_control_content(const st_fleet_t *f, const st_fleet_kv_t **kvs, size_t *n)
{
	st_fleet_t *m = (st_fleet_t *)f; /* the output array is a cache */
	free(m->ctl_out);
	m->ctl_out = calloc(f->n_ctl ? f->n_ctl : 1, sizeof(*m->ctl_out));
	*kvs = m->ctl_out;
	*n = m->ctl_out ? f->n_ctl : 0;
	for (size_t i = 0; m->ctl_out && i < f->n_ctl; i++)
		m->ctl_out[i] = (st_fleet_kv_t){
		    .key = f->ctl[i].key, .value = f->ctl[i].value, .revision = f->ctl[i].revision};
}

int64_t st_fleet_control_revision(const st_fleet_t *f, const char *key)
{
	for (size_t i = 0; i < f->n_ctl; i++)
		if (strcmp(f->ctl[i].key, key) == 0)
			return f->ctl[i].revision;
	return 0;
}

typedef struct write_op {
	st_fleet_t *f;
	st_fleet_write_cb_t cb;
	void *arg;
	bool cas;
} write_op_t;

static void on_written(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	write_op_t w = *(write_op_t *)arg;
	free(arg);
	int64_t rev = rc == 0 && res ? res->revision : 0;
	if (rc == 0)
		note_write(w.f, rev);
	if (rc == 0 && w.cas && !res->succeeded) {
		rc = ST_EEXIST;
		error = "changed meanwhile";
	}
	if (w.cb)
		w.cb(rc, rev, error, w.arg);
}

int st_fleet_control_write(st_fleet_t *f, const st_fleet_kv_t *kvs, size_t n,
			   st_fleet_write_cb_t cb, void *arg, st_etcd_op_t **op)
{
	if (!f->active)
		return ST_ENOENT;
	st_etcd_batch_t *b = st_etcd_batch_new();
	write_op_t *w = malloc(sizeof(*w));
	if (!b || !w) {
		st_etcd_batch_free(b);
		free(w);
		return ST_ENOMEM;
	}
	*w = (write_op_t){.f = f, .cb = cb, .arg = arg};
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *key = st_fleet_key(f->prefix, kvs[i].key, "");
		rc = !key ? ST_ENOMEM
		     : kvs[i].value
			 ? st_etcd_batch_put(b, key, kvs[i].value, strlen(kvs[i].value), 0)
			 : st_etcd_batch_delete(b, key, false);
		free(key);
	}
	if (rc == 0)
		rc = st_etcd_batch_send(f->etcd, b, on_written, w, op);
	else
		st_etcd_batch_free(b);
	if (rc != 0)
		free(w);
	return rc;
}

int st_fleet_control_put_if(st_fleet_t *f, const char *key, const char *value, int64_t revision,
			    st_fleet_write_cb_t cb, void *arg, st_etcd_op_t **op)
{
	if (!f->active)
		return ST_ENOENT;
	char *full = st_fleet_key(f->prefix, key, "");
	write_op_t *w = malloc(sizeof(*w));
	if (!full || !w) {
		free(full);
		free(w);
		return ST_ENOMEM;
	}
	*w = (write_op_t){.f = f, .cb = cb, .arg = arg, .cas = true};
	int rc = st_etcd_put_if(f->etcd, full, value, strlen(value), revision, on_written, w, op);
	free(full);
	if (rc != 0)
		free(w);
	return rc;
}

/* ---- what is shown ---- */

void st_fleet_status(const st_fleet_t *f, st_fleet_status_t *out)
{
	memset(out, 0, sizeof(*out));
	out->error = "";
	out->endpoint = "";
	if (!f || !f->active)
		return;
	st_etcd_stats_t s;
	st_etcd_stats(f->etcd, &s);
	uint64_t now = st_mono_ns();
	out->name = f->name;
	out->etcd_ok_ns = s.last_ok_ns;
	out->reachable = s.last_ok_ns && (now - s.last_ok_ns) / ST_NS_PER_MS < f->view_ttl_ms;
	out->endpoint = s.endpoint;
	out->error = st_etcd_last_error(f->etcd);
	out->watch_live = f->watch && st_etcd_watch_live(f->watch);
	out->watch_lag_ms = f->lag_ms;
	if (f->lag_rev && (now - f->lag_sent_ns) / ST_NS_PER_MS > out->watch_lag_ms)
		out->watch_lag_ms = (uint32_t)((now - f->lag_sent_ns) / ST_NS_PER_MS);
	out->requests = s.requests;
	out->failures = s.failures;
	out->writes = s.writes;
	out->keepalives = s.keepalives;
	for (size_t i = 0; i < f->n_members; i++) {
		const member_t *m = &f->members[i];
		if (!m->live)
			continue;
		if (m->vantage)
			out->vantages_live++;
		else
			out->nodes_live++;
		if (m->rec.config[0] && strcmp(m->rec.config, f->digest) != 0)
			out->drift = true;
	}
}

size_t st_fleet_member_count(const st_fleet_t *f)
{
	return f && f->active ? f->n_members : 0;
}

void st_fleet_member(const st_fleet_t *f, size_t i, st_fleet_member_info_t *out)
{
	const member_t *m = &f->members[i];
	*out = (st_fleet_member_info_t){.name = m->name,
					.vantage = m->vantage,
					.live = m->live,
					.self = strcmp(m->name, f->name) == 0,
					.seen_ms = m->seen_ms,
					.rec = m->rec};
}

size_t st_fleet_vantage_count(const st_fleet_t *f)
{
	return f && f->active ? f->n_vps : 0;
}

const char *st_fleet_vantage_name(const st_fleet_t *f, size_t i)
{
	return i < f->n_vps ? f->vps[i] : NULL;
}

st_health_state_t st_fleet_view(const st_fleet_t *f, size_t vantage, const char *endpoint)
{
	if (!f || vantage >= f->n_vps)
		return ST_HEALTH_UNKNOWN;
	char key[ST_FLEET_NAME_MAX + 256];
	if ((size_t)snprintf(key, sizeof(key), "%s/%s", f->vps[vantage], endpoint) >= sizeof(key))
		return ST_HEALTH_UNKNOWN;
	uint32_t i = st_nameset_get(&f->view_index, key);
	return i == UINT32_MAX ? ST_HEALTH_UNKNOWN : (st_health_state_t)f->views[i].state;
}
