/* The control plane: command table, socket, persisted state and its
 * carry-over into new views, dial ramps. */
#include "ctl/cmd.h"
#include "common/file.h"
#include "common/log.h"
#include "common/time.h"
#include "health/health.h"
#include "route/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const st_ctl_cmd_t *const table[] = {
    &st_cmd_status,  &st_cmd_reload, &st_cmd_stats, &st_cmd_health,  &st_cmd_drain,
    &st_cmd_undrain, &st_cmd_force,  &st_cmd_dial,  &st_cmd_explain, &st_cmd_checkconf,
    &st_cmd_ds,	     &st_cmd_cookie_rotate, &st_cmd_zone_status, &st_cmd_fleet,
};

const st_ctl_cmd_t *const *st_ctl_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

void st_ctl_use_primary(st_ctl_t *ctl, const struct st_primary *primary)
{
	ctl->primary = primary;
}

const st_conf_t *st_ctl_conf(st_ctl_t *ctl)
{
	return st_server_conf(ctl->srv);
}

st_view_t *st_ctl_view(st_ctl_t *ctl)
{
	return st_server_view(ctl->srv);
}

void st_ctl_fmt_time(uint64_t real_ns, char *buf, size_t len)
{
	st_real_fmt(real_ns, buf, (unsigned)len);
}

const st_ctl_state_t *st_ctl_current_state(const st_ctl_t *ctl)
{
	return ctl->state;
}

bool st_ctl_region_healthy(const st_conf_t *conf, const st_view_t *view, uint32_t region,
			   uint32_t *up)
{
	const st_conf_region_t *r = &conf->regions[region];
	uint32_t n = 0;
	for (size_t i = 0; i < r->n_endpoints; i++)
		if (!view->health || st_health_up(view->health, r->endpoints[i]))
			n++;
	if (up)
		*up = n;
	uint32_t need = r->min_healthy ? r->min_healthy : 1;
	return n >= need;
}

void st_ctl_apply(st_ctl_t *ctl, const st_conf_t *conf, st_view_t *view)
{
	const st_ctl_state_t *st = ctl->state;
	for (size_t i = 0; view->health && i < conf->n_endpoints; i++) {
		const st_conf_endpoint_t *ep = &conf->endpoints[i];
		st_override_t ov = st_ctl_state_endpoint(st, ep->name);
		if (ov == ST_OVERRIDE_NONE &&
		    st_ctl_state_region_drained(st, conf->regions[ep->region].name))
			ov = ST_OVERRIDE_DRAIN;
		st_health_set_override(view->health, (uint32_t)i, ov);
	}
	for (size_t r = 0; view->route && r < conf->n_regions; r++) {
		const st_state_dial_t *d = st_ctl_state_dial(st, conf->regions[r].name);
		st_route_set_dial(view->route, (uint32_t)r, d ? d->dial : conf->regions[r].dial);
	}
}

int st_ctl_save(st_ctl_t *ctl, st_diag_t *diag)
{
	if (!ctl->state_path)
		return 0;
	int rc = st_ctl_state_save(ctl->state, ctl->state_path, diag);
	if (rc < 0) {
		/* The change is in force already: say so, and that a restart
		 * would lose it, rather than look like nothing happened. */
		char why[sizeof(diag->text)];
		snprintf(why, sizeof(why), "%s", diag->text);
		st_log_err("control state, not saved (%s)", why);
		st_diag_set(diag, rc,
			    "applied, but not saved: a restart of steerd would lose it (%.900s)",
			    why);
	}
	return rc;
}

void st_ctl_ramp_tick(st_ctl_t *ctl)
{
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	uint64_t now_ms = st_real_ns() / ST_NS_PER_MS;
	bool changed = false;
	for (size_t i = 0; i < ctl->state->n_dials; i++) {
		st_state_dial_t *d = &ctl->state->dials[i];
		if (!d->ramping)
			continue;
		uint32_t r = st_conf_region_index(conf, d->name);
		if (r == ST_CONF_NONE)
			continue; /* not in this config: resumes if the region comes back */
		uint32_t up = 0, dial = d->dial;
		bool healthy = st_ctl_region_healthy(conf, view, r, &up);
		st_ramp_status_t s = st_ramp_tick(&d->ramp, now_ms, healthy, &dial);
		char span[32];
		st_duration_fmt(d->ramp.duration_ms, span, sizeof(span));
		if (s == ST_RAMP_ABORTED) {
			char text[256];
			snprintf(
			    text, sizeof(text),
			    "ramp %u%% -> %u%% over %s stopped at %u%%: region unhealthy (%u of "
			    "%zu endpoints up, min_healthy %u); dial back to %u%%",
			    d->ramp.from, d->ramp.to, span, d->dial, up,
			    conf->regions[r].n_endpoints,
			    conf->regions[r].min_healthy ? conf->regions[r].min_healthy : 1, dial);
			st_log_warn("dial %s, %s", d->name, text);
			d->ramping = false;
			if (st_ctl_state_note_stop(ctl->state, d->name, now_ms, text) < 0)
				st_log_err("dial %s, cannot keep the note of the stopped ramp",
					   d->name);
			d->dial = dial;
			st_ctl_fleet_ramp_stopped(ctl, d);
		} else if (dial != d->dial) {
			st_log_info("dial %s, %u%% (ramp %u%% -> %u%% over %s)", d->name, dial,
				    d->ramp.from, d->ramp.to, span);
		}
		if (s == ST_RAMP_DONE) {
			st_log_info("dial %s, ramp %u%% -> %u%% over %s done", d->name,
				    d->ramp.from, d->ramp.to, span);
			d->ramping = false;
		}
		if (dial != d->dial || s != ST_RAMP_RUNNING) {
			d->dial = dial;
			if (view->route)
				st_route_set_dial(view->route, r, dial);
			changed = true;
		}
	}
	if (changed) {
		st_diag_t diag;
		st_ctl_save(ctl, &diag);
		st_ctl_ramps_changed(ctl);
	}
}

static void ramp_cb(int fd, short what, void *arg)
{
	st_ctl_ramp_tick(arg);
	st_ctl_ramps_changed(arg);
}

void st_ctl_ramps_changed(st_ctl_t *ctl)
{
	/* Tick at the next step, but at least every second so that an unhealthy
	 * region stops its ramp quickly. */
	uint64_t now_ms = st_real_ns() / ST_NS_PER_MS, wait = ST_CTL_RAMP_TICK_MS;
	bool any = false;
	for (size_t i = 0; i < ctl->state->n_dials; i++) {
		const st_state_dial_t *d = &ctl->state->dials[i];
		if (!d->ramping)
			continue;
		any = true;
		uint64_t next = st_ramp_next_change_ms(&d->ramp, now_ms);
		if (next < wait)
			wait = next;
	}
	st_ev_stop(ctl->ramp_timer);
	if (any)
		st_ev_timer_start(ctl->ramp_timer, wait < 20 ? 20 : wait);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The control socket, the metrics listener and the state file stay as
 * started: say so rather than ignore a changed key. */
static void warn_restart_keys(const st_conf_t *cur, const st_conf_t *next)
{
	if (cur == next)
		return;
	if (!same_str(cur->control, next->control))
		st_log_warn("reload, server.control changed: restart steerd to apply it");
	if (!same_str(cur->metrics, next->metrics))
		st_log_warn("reload, server.metrics changed: restart steerd to apply it");
	if (!same_str(cur->state_dir, next->state_dir))
		st_log_warn("reload, server.state_dir changed: restart steerd to apply it");
}

/* Reloads: carry the state over into the view about to be published, by
 * name, so that a drained endpoint never serves from a fresh view. */
static int prepare(void *arg, const st_view_t *old, st_view_t *fresh, st_diag_t *diag)
{
	st_ctl_apply(arg, fresh->conf, fresh);
	return 0;
}

static void published(void *arg, const st_view_t *old, const st_view_t *fresh)
{
	warn_restart_keys(old->conf, fresh->conf);
}

static char *on_line(void *arg, char *line, size_t *len)
{
	st_ctl_t *ctl = arg;
	char *shared = st_ctl_fleet_line(ctl, line, len);
	if (shared)
		return shared;
	st_buf_t reply;
	st_buf_init(&reply);
	st_ctl_dispatch(table, sizeof(table) / sizeof(table[0]), ctl, line, &reply);
	return st_buf_steal(&reply, len);
}

int st_ctl_start(struct st_server *srv, st_ctl_t **out, st_diag_t *diag)
{
	const st_conf_t *conf = st_server_conf(srv);
	st_ctl_t *ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return ST_ENOMEM;
	ctl->srv = srv;
	ctl->state = st_ctl_state_new();
	ctl->ramp_timer = st_ev_timer_new(st_server_loop(srv), false, ramp_cb, ctl);
	int rc = ST_ENOMEM;
	if (!ctl->state || !ctl->ramp_timer)
		goto fail;
	if (conf->state_dir) {
		st_state_dir_make(conf->state_dir);
		ctl->state_path = st_path_join(conf->state_dir, ST_STATE_FILE);
		if (!ctl->state_path) {
			rc = ST_ENOMEM;
			goto fail;
		}
		st_diag_t why;
		rc = st_ctl_state_load(ctl->state, ctl->state_path, &why);
		if (rc == ST_EPARSE) {
			/* Keep the bad file for a look, start clean rather than not at all. */
			char aside[4200];
			snprintf(aside, sizeof(aside), "%s.corrupt", ctl->state_path);
			rename(ctl->state_path, aside);
			st_log_err("control state, %s; moved to %s, starting without drains, "
				   "forced states or dials",
				   why.text, aside);
		} else if (rc < 0) {
			rc = st_diag_set(diag, rc, "state_dir: %s", why.text);
			goto fail;
		} else if (ctl->state->n_endpoints + ctl->state->n_regions + ctl->state->n_dials) {
			st_log_info("control state, restored from %s (%zu endpoint overrides, %zu "
				    "drained regions, %zu dials)",
				    ctl->state_path, ctl->state->n_endpoints, ctl->state->n_regions,
				    ctl->state->n_dials);
		}
	}
	st_ctl_apply(ctl, conf, st_server_view(srv));
	st_ctl_ramp_tick(ctl); /* a ramp that ended while steerd was down lands now */
	st_ctl_ramps_changed(ctl);

	if (conf->control) {
		char too_long[64];
		snprintf(too_long, sizeof(too_long), "error request longer than %d bytes\n\n",
			 ST_CTL_MAX_LINE);
		rc = st_unix_listen(st_server_loop(srv), conf->control, ST_CTL_MAX_LINE, too_long,
				    on_line, ctl, &ctl->sock, diag);
		if (rc < 0)
			goto fail;
		st_log_info("control socket %s", conf->control);
	}
	static const st_server_hooks_t hooks = {.prepare = prepare, .published = published};
	rc = st_server_attach(srv, &hooks, ctl);
	if (rc < 0)
		goto fail;
	*out = ctl;
	return 0;
fail:
	st_ctl_free(ctl); /* not attached yet, no fleet yet: the rest of it */
	return rc;
}

void st_ctl_free(st_ctl_t *ctl)
{
	if (!ctl)
		return;
	st_server_detach(ctl->srv, ctl);
	st_unix_close(ctl->sock);
	st_ctl_fleet_free(ctl);
	st_ev_free(ctl->ramp_timer);
	st_ctl_state_free(ctl->state);
	free(ctl->state_path);
	free(ctl);
}
