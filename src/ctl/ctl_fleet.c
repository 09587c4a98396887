/* The control plane in a fleet: the state follows etcd's shared keys (each
 * key applied once, in revision order), and a command that changes the
 * state writes the changed keys to etcd before it answers. The change is
 * in force here at once; when etcd does not take it, it is undone and the
 * command fails, so that no nameserver is left alone with it. */
#include "ctl/cmd.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/time.h"
#include "ctl/shared.h"
#include "fleet/node.h"
#include "fleet/quorum.h"
#include "health/table.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A command whose change is on its way to etcd. */
typedef struct pending {
	st_ctl_t *ctl;
	struct pending *next;
	st_unix_later_t *later;
	char *reply; /* the command's reply, sent once etcd has the change */
	size_t reply_len;
	st_ctl_kvs_t before; /* the state before the command */
	char **keys;	     /* written */
	size_t n_keys;
	st_etcd_op_t *op;
} pending_t;

typedef struct revision {
	char *key;
	int64_t revision;
} revision_t;

struct ctl_shared {
	revision_t *revs; /* the revision of each key as applied here */
	size_t n_revs;
	pending_t *pending;
	bool synced; /* etcd's content has arrived at least once */
};

static revision_t *rev_of(struct ctl_shared *sh, const char *key, bool add)
{
	for (size_t i = 0; i < sh->n_revs; i++)
		if (strcmp(sh->revs[i].key, key) == 0)
			return &sh->revs[i];
	revision_t *r = add ? st_append(&sh->revs, sh->n_revs, sizeof(*r)) : NULL;
	if (!r || !(r->key = strdup(key)))
		return NULL;
	sh->n_revs++;
	return r;
}

static void clear_revs(struct ctl_shared *sh)
{
	for (size_t i = 0; i < sh->n_revs; i++)
		free(sh->revs[i].key);
	free(sh->revs);
	sh->revs = NULL;
	sh->n_revs = 0;
}

/* Apply, save, re-arm ramps after the state changed underneath. */
static void settle(st_ctl_t *ctl)
{
	st_diag_t diag;
	st_ctl_apply(ctl, st_ctl_conf(ctl), st_ctl_view(ctl));
	st_ctl_save(ctl, &diag);
	st_ctl_ramp_tick(ctl);
	st_ctl_ramps_changed(ctl);
}

static void apply_kv(st_ctl_t *ctl, const char *key, const char *value)
{
	st_diag_t diag;
	uint64_t now = st_real_ns() / ST_NS_PER_MS;
	if (st_ctl_state_apply_kv(ctl->state, key, value, now, &diag) < 0)
		st_log_warn("control state, %s: ignored", diag.text);
}

static void on_control(const st_fleet_kv_t *kvs, size_t n, bool reset, void *arg)
{
	st_ctl_t *ctl = arg;
	struct ctl_shared *sh = ctl->shared;
	if (reset) {
		size_t before =
		    ctl->state->n_endpoints + ctl->state->n_regions + ctl->state->n_dials;
		st_ctl_state_clear(ctl->state);
		clear_revs(sh);
		if (!sh->synced || before)
			st_log_info("control state, from etcd (%zu shared entr%s)", n,
				    n == 1 ? "y" : "ies");
		sh->synced = true;
	}
	for (size_t i = 0; i < n; i++) {
		revision_t *r = rev_of(sh, kvs[i].key, true);
		if (r && r->revision >= kvs[i].revision)
			continue; /* applied already (a write of ours) */
		if (r)
			r->revision = kvs[i].revision;
		apply_kv(ctl, kvs[i].key, kvs[i].value);
		if (!reset)
			st_log_info("control state, %s %s (from the fleet)", kvs[i].key,
				    kvs[i].value ? kvs[i].value : "removed");
	}
	settle(ctl);
}

void st_ctl_use_fleet(st_ctl_t *ctl, struct st_fleet *fleet)
{
	if (!ctl || !fleet)
		return;
	if (!ctl->shared && !(ctl->shared = calloc(1, sizeof(*ctl->shared))))
		return;
	ctl->fleet = fleet;
	st_fleet_on_control(fleet, on_control, ctl);
}

/* ---- commands ---- */

static void unlink_pending(pending_t *p)
{
	struct ctl_shared *sh = p->ctl->shared;
	for (pending_t **pp = &sh->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static void pending_free(pending_t *p)
{
	free(p->reply);
	st_ctl_kvs_free(&p->before);
	st_strv_free(p->keys, p->n_keys);
	free(p);
}

/* Back to the state of `before` (etcd did not take the change). */
static void restore(st_ctl_t *ctl, const st_ctl_kvs_t *before)
{
	st_ctl_state_clear(ctl->state);
	for (size_t i = 0; i < before->n; i++)
		apply_kv(ctl, before->keys[i], before->values[i]);
	settle(ctl);
}

static void on_written(int rc, int64_t revision, const char *error, void *arg)
{
	pending_t *p = arg;
	st_ctl_t *ctl = p->ctl;
	unlink_pending(p);
	st_buf_t reply;
	st_buf_init(&reply);
	if (rc == 0) {
		for (size_t i = 0; i < p->n_keys; i++) {
			revision_t *r = rev_of(ctl->shared, p->keys[i], true);
			if (r && r->revision < revision)
				r->revision = revision;
		}
		/* "ok ...\n\n": one more line before the blank one */
		st_buf_add(&reply, p->reply, p->reply_len - 1);
		st_buf_printf(&reply, "fleet-wide: in etcd at revision %" PRId64 "\n\n", revision);
	} else {
		restore(ctl, &p->before);
		char text[512];
		snprintf(text, sizeof(text),
			 "not applied: the fleet's etcd did not take it (%s); nothing changed",
			 error && *error ? error : st_strerror(rc));
		st_log_warn("control state, %s", text);
		st_ctl_frame_error(&reply, text);
	}
	size_t len = 0;
	char *out = st_buf_steal(&reply, &len);
	st_unix_reply(p->later, out, len);
	pending_free(p);
}

/* The keys whose value differs between two sorted key sets. */
static int diff(const st_ctl_kvs_t *a, const st_ctl_kvs_t *b, st_fleet_kv_t **out, size_t *n)
{
	*out = calloc(a->n + b->n + 1, sizeof(**out));
	if (!*out)
		return ST_ENOMEM;
	*n = 0;
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->keys[i], b->keys[j]);
		if (c < 0)
			(*out)[(*n)++] = (st_fleet_kv_t){.key = a->keys[i++]}; /* removed */
		else if (c > 0) {
			(*out)[(*n)++] = (st_fleet_kv_t){.key = b->keys[j], .value = b->values[j]};
			j++;
		} else {
			if (strcmp(a->values[i], b->values[j]) != 0)
				(*out)[(*n)++] =
				    (st_fleet_kv_t){.key = b->keys[j], .value = b->values[j]};
			i++;
			j++;
		}
	}
	return 0;
}

char *st_ctl_fleet_line(st_ctl_t *ctl, char *line, size_t *len)
{
	if (!ctl->shared || !st_fleet_active(ctl->fleet))
		return NULL;
	size_t n_table;
	const st_ctl_cmd_t *const *table = st_ctl_table(&n_table);
	pending_t *p = calloc(1, sizeof(*p));
	st_buf_t reply;
	st_buf_init(&reply);
	if (!p || st_ctl_state_kvs(ctl->state, &p->before) != 0) {
		free(p);
		st_ctl_frame_error(&reply, "out of memory");
		return st_buf_steal(&reply, len);
	}
	st_ctl_dispatch(table, n_table, ctl, line, &reply);
	st_ctl_kvs_t after;
	st_fleet_kv_t *changes = NULL;
	size_t n = 0;
	if (st_ctl_state_kvs(ctl->state, &after) != 0 ||
	    diff(&p->before, &after, &changes, &n) != 0 || n == 0 || reply.oom) {
		/* nothing to share (or no memory to say it): the reply as it is */
		free(changes);
		st_ctl_kvs_free(&after);
		pending_free(p);
		return st_buf_steal(&reply, len);
	}
	p->ctl = ctl;
	p->reply = st_buf_steal(&reply, &p->reply_len);
	p->keys = calloc(n, sizeof(*p->keys));
	for (size_t i = 0; p->keys && i < n; i++)
		if ((p->keys[i] = strdup(changes[i].key)))
			p->n_keys++;
	int rc = p->reply && p->keys
		     ? st_fleet_control_write(ctl->fleet, changes, n, on_written, p, &p->op)
		     : ST_ENOMEM;
	/* the reply waits for etcd (its answer always comes from the loop) */
	if (rc == 0 && !(p->later = st_unix_defer(ctl->sock))) {
		st_etcd_cancel(p->op);
		rc = ST_ENOMEM;
	}
	free(changes);
	st_ctl_kvs_free(&after);
	if (rc != 0) {
		restore(ctl, &p->before);
		pending_free(p);
		st_buf_init(&reply);
		st_ctl_frame_error(&reply, "not applied: cannot write to the fleet's etcd");
		return st_buf_steal(&reply, len);
	}
	p->next = ctl->shared->pending;
	ctl->shared->pending = p;
	return ST_UNIX_LATER;
}

/* ---- ramps ---- */

static void on_stop_written(int rc, int64_t revision, const char *error, void *arg)
{
	char *key = arg;
	if (rc == ST_EEXIST)
		st_log_debug("control state, %s: another node stopped the ramp first", key);
	else if (rc != 0)
		st_log_warn("control state, %s: the stopped ramp is not in etcd (%s)", key, error);
	free(key);
}

void st_ctl_fleet_ramp_stopped(st_ctl_t *ctl, const st_state_dial_t *d)
{
	if (!ctl->shared || !st_fleet_active(ctl->fleet))
		return;
	char *key, *value;
	if (st_ctl_dial_kv(d, &key, &value) != 0)
		return;
	/* every node stops the same ramp from the same states: the first write
	 * over the definition wins, the others find it changed */
	revision_t *r = rev_of(ctl->shared, key, false);
	int64_t at = r ? r->revision : 0;
	if (at == 0 ||
	    st_fleet_control_put_if(ctl->fleet, key, value, at, on_stop_written, key, NULL) != 0)
		free(key);
	free(value);
}

void st_ctl_fleet_free(st_ctl_t *ctl)
{
	struct ctl_shared *sh = ctl->shared;
	if (!sh)
		return;
	while (sh->pending) {
		pending_t *p = sh->pending;
		sh->pending = p->next;
		st_etcd_cancel(p->op);
		st_unix_reply(p->later, NULL, 0);
		pending_free(p);
	}
	clear_revs(sh);
	free(sh);
	ctl->shared = NULL;
	if (ctl->fleet)
		st_fleet_on_control(ctl->fleet, NULL, NULL);
}

/* ---- what the commands show ---- */

bool st_ctl_fleet_shown(st_ctl_t *ctl, st_health_fleet_t *hf)
{
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	memset(hf, 0, sizeof(*hf));
	if (!conf->fleet.enabled)
		return false;
	st_health_fleet(view->health, hf);
	return true;
}

void st_ctl_fleet_views(st_ctl_t *ctl, const char *endpoint, st_buf_t *out, bool json)
{
	size_t n = st_fleet_vantage_count(ctl->fleet), shown = 0;
	if (json)
		st_buf_puts(out, "{");
	for (size_t i = 0; i < n; i++) {
		st_health_state_t s = st_fleet_view(ctl->fleet, i, endpoint);
		if (s == ST_HEALTH_UNKNOWN)
			continue;
		const char *vp = st_fleet_vantage_name(ctl->fleet, i);
		if (json) {
			st_buf_puts(out, shown ? "," : "");
			st_buf_json_str(out, vp);
			st_buf_printf(out, ":\"%s\"", st_health_state_name(s));
		} else {
			st_buf_printf(out, "%s%s %s", shown ? ", " : "", vp,
				      st_health_state_name(s));
		}
		shown++;
	}
	if (json)
		st_buf_puts(out, "}");
	else if (!shown)
		st_buf_puts(out, "no view in etcd");
}

static void fmt_age(uint64_t ok_ns, char *buf, size_t len)
{
	uint64_t now = st_mono_ns();
	if (!ok_ns || ok_ns > now)
		snprintf(buf, len, "never");
	else
		st_duration_fmt((now - ok_ns) / ST_NS_PER_MS, buf, len);
}

/* What the fleet lines of status show, read once for the text and the JSON. */
typedef struct fleet_shown {
	const st_conf_t *conf;
	st_health_fleet_t hf;
	st_fleet_status_t s;
	char q[16]; /* the quorum rule */
} fleet_shown_t;

static bool fleet_shown(st_ctl_t *ctl, fleet_shown_t *f)
{
	f->conf = st_ctl_conf(ctl);
	if (!st_ctl_fleet_shown(ctl, &f->hf))
		return false;
	st_fleet_status(ctl->fleet, &f->s);
	st_quorum_fmt(&f->conf->fleet.quorum, f->q, sizeof(f->q));
	return true;
}

void st_ctl_fleet_status(st_ctl_t *ctl, st_buf_t *out)
{
	fleet_shown_t f;
	if (!fleet_shown(ctl, &f))
		return;
	const st_conf_t *conf = f.conf;
	char age[32], stale[16];
	fmt_age(f.s.etcd_ok_ns, age, sizeof(age));
	if (f.s.reachable)
		st_buf_printf(
		    out, "fleet %s: etcd answers (%s, %s ago), watch %s, %zu nameserver%s\n",
		    conf->fleet.name, f.s.endpoint, age, f.s.watch_live ? "live" : "reconnecting",
		    f.s.nodes_live, f.s.nodes_live == 1 ? "" : "s");
	else
		st_buf_printf(out,
			      "fleet %s: NO ANSWER from etcd for %s (%s): drains, forced states "
			      "and dials stay as they are here, steerctl cannot change them\n",
			      conf->fleet.name, age, f.s.error[0] ? f.s.error : "not yet");
	char since[32];
	fmt_age(f.hf.mode_since_ns, since, sizeof(since));
	switch (f.hf.mode) {
	case ST_FLEET_AGREED:
		st_buf_printf(out, "fleet health: agreed by quorum %s of %u vantage point%s\n", f.q,
			      f.hf.vantages, f.hf.vantages == 1 ? "" : "s");
		break;
	case ST_FLEET_KEPT:
		st_duration_fmt(conf->fleet.stale_after_ms, stale, sizeof(stale));
		st_buf_printf(out,
			      "fleet health: KEPT for %s: the checker has no answer from etcd and "
			      "keeps the last agreed states, its own view after %s\n",
			      since, stale);
		break;
	case ST_FLEET_OWN:
		st_buf_printf(out,
			      "fleet health: OWN VIEW of this vantage point, etcd unreachable "
			      "(for %s now)\n",
			      since);
		break;
	default:
		st_buf_puts(out, "fleet health: the checker is not in the fleet (is steercheck "
				 "running with this config?)\n");
	}
	if (f.s.drift)
		st_buf_puts(out, "fleet: CONFIG DRIFT, see steerctl fleet\n");
}

void st_ctl_fleet_status_json(st_ctl_t *ctl, st_buf_t *out)
{
	fleet_shown_t f;
	if (!fleet_shown(ctl, &f))
		return;
	const st_conf_t *conf = f.conf;
	uint64_t now = st_mono_ns();
	st_buf_puts(out, ",\"fleet\":{\"name\":");
	st_buf_json_str(out, conf->fleet.name);
	st_buf_printf(out,
		      ",\"etcd_reachable\":%s,\"watch_live\":%s,\"nodes_live\":%zu,\"drift\":%s,"
		      "\"quorum\":\"%s\",\"mode\":\"%s\",\"vantage_points\":%u,\"etcd_error\":",
		      f.s.reachable ? "true" : "false", f.s.watch_live ? "true" : "false",
		      f.s.nodes_live, f.s.drift ? "true" : "false", f.q,
		      st_fleet_mode_name(f.hf.mode), f.hf.vantages);
	st_buf_json_str(out, f.s.error);
	st_buf_puts(out, ",\"etcd_answer_age_seconds\":");
	if (f.s.etcd_ok_ns && f.s.etcd_ok_ns <= now)
		st_buf_printf(out, "%.3f", (double)(now - f.s.etcd_ok_ns) / 1e9);
	else
		st_buf_puts(out, "null");
	st_buf_puts(out, "}");
}

/* "2 of 3 vantage points see it up (use1 down, use2 up, use3 up)" */
void st_ctl_fleet_quorum(st_ctl_t *ctl, uint32_t endpoint, st_buf_t *out)
{
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	st_health_info_t in;
	if (st_health_info(view->health, endpoint, &in) < 0 || !in.has_check)
		return;
	const char *name = conf->endpoints[endpoint].name;
	st_buf_printf(out, "  %s (%s) %s", name,
		      conf->regions[conf->endpoints[endpoint].region].name,
		      st_health_state_name(in.checker.state));
	if (in.checker.voters) {
		uint32_t need = st_quorum_needed(&conf->fleet.quorum, in.checker.voters);
		st_buf_printf(out, ": %u of %u vantage point%s see%s it up, %s %u (",
			      in.checker.votes_up, in.checker.voters,
			      in.checker.voters == 1 ? "" : "s",
			      in.checker.votes_up == 1 ? "s" : "",
			      in.checker.votes_up >= need ? "at least" : "fewer than", need);
		st_ctl_fleet_views(ctl, name, out, false);
		st_buf_puts(out, ")");
		if (in.checker.local != ST_HEALTH_UNKNOWN && in.checker.local != in.checker.state)
			st_buf_printf(out, "; this site alone sees it %s",
				      st_health_state_name(in.checker.local));
	} else {
		st_buf_puts(out, ": this site's own view");
	}
	st_buf_puts(out, "\n");
}
