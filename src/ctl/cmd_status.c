/* status [--json]: version, uptime, workers, zones, health table, dials and
 * ramps, overrides, reloads. */
#include "config.h"
#include "ctl/cmd.h"
#include "common/time.h"
#include "dns/name.h"
#include "dnssec/signer.h"
#include "health/health.h"
#include "limit/secret.h"
#include "route/route.h"
#include "zone/zone.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void zone_name(const st_zone_t *z, char *buf, size_t len)
{
	uint8_t alen;
	const uint8_t *apex = st_zone_apex(z, &alen);
	if (st_name_to_str(apex, buf, len) < 0)
		snprintf(buf, len, "?");
}

#define KEYS_SHOWN 16

/* "  signed: key 65202 KSK ECDSAP256SHA256 active (CDS), ...; signatures
 * valid until ..." under a signed zone's line. */
static void signing_text(const st_view_t *view, const st_zone_t *z, st_buf_t *out)
{
	const st_signer_t *s = st_zoneset_ext(view->zones, z);
	if (!s)
		return;
	st_buf_puts(out, "  signed online, compact denial; ");
	st_signer_summary(s, out);
	st_buf_puts(out, "\n");
}

static void signing_json(const st_view_t *view, const st_zone_t *z, st_buf_t *out)
{
	const st_signer_t *s = st_zoneset_ext(view->zones, z);
	if (!s) {
		st_buf_puts(out, ",\"dnssec\":null");
		return;
	}
	st_key_info_t k[KEYS_SHOWN];
	size_t n = st_signer_key_info(s, k, KEYS_SHOWN);
	st_buf_puts(out, ",\"dnssec\":{\"keys\":[");
	for (size_t i = 0; i < n; i++)
		st_buf_printf(out,
			      "%s{\"tag\":%u,\"algorithm\":%u,\"role\":\"%s\",\"state\":\"%s\","
			      "\"cds\":%s}",
			      i ? "," : "", k[i].tag, k[i].alg, k[i].role, k[i].state,
			      k[i].sync ? "true" : "false");
	st_buf_printf(out, "],\"signatures_expire\":%u}",
		      st_sigstate_expiration(st_signer_state(s)));
}

/* Rate limiting and cookies: the settings, the cookie secret in use (when
 * it was made, whether the previous one is still accepted). */
static void limits(st_ctl_t *ctl, bool json, st_buf_t *out)
{
	const st_conf_rrl_t *r = &st_ctl_conf(ctl)->rrl;
	if (!r->enabled)
		st_buf_puts(out, json ? ",\"rrl\":null" : "rrl off\n");
	else if (json)
		st_buf_printf(out,
			      ",\"rrl\":{\"rate\":%u,\"slip\":%u,\"ipv4_prefix\":%u,"
			      "\"ipv6_prefix\":%u,\"table_size\":%u,\"exempt\":%zu}",
			      r->rate, r->slip, r->ipv4_prefix, r->ipv6_prefix, r->table_size,
			      r->n_exempt);
	else
		st_buf_printf(out,
			      "rrl on, %u responses/s per network and name, slip %u, networks /%u "
			      "and /%u, %zu exempt network%s\n",
			      r->rate, r->slip, r->ipv4_prefix, r->ipv6_prefix, r->n_exempt,
			      r->n_exempt == 1 ? "" : "s");
	st_cookie_secret_t *cs = st_server_cookie_secret(ctl->srv);
	if (!cs || !st_ctl_conf(ctl)->cookies) {
		st_buf_puts(out, json ? ",\"cookies\":null" : "cookies off\n");
		return;
	}
	uint8_t cur[ST_COOKIE_SECRET_LEN], prev[ST_COOKIE_SECRET_LEN];
	bool has_prev = st_cookie_secret_get(cs, cur, prev);
	uint64_t since = st_cookie_secret_since(cs);
	char t[64];
	if (json) {
		st_buf_printf(out, ",\"cookies\":{\"secret_since\":%llu,\"previous\":%s}",
			      (unsigned long long)since, has_prev ? "true" : "false");
		return;
	}
	st_ctl_fmt_time(since * ST_NS_PER_SEC, t, sizeof(t));
	st_buf_printf(out, "cookies on, secret made %s%s\n", t,
		      has_prev ? ", the previous one accepted until the next rotation" : "");
}

static void text(st_ctl_t *ctl, st_buf_t *out)
{
	st_server_t *srv = ctl->srv;
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	uint64_t now = st_real_ns();
	char t[64], d[32];

	uint64_t started = st_server_started_ns(srv);
	st_duration_fmt(started && now > started ? (now - started) / ST_NS_PER_MS : 0, d,
			sizeof(d));
	st_ctl_fmt_time(started, t, sizeof(t));
	st_buf_printf(out, "steerd %s, pid %d, up %s (since %s)\n", PACKAGE_VERSION, (int)getpid(),
		      d, t);
	st_buf_printf(out, "workers %u, config %s, generation %llu\n", st_server_workers(srv),
		      conf->path ? conf->path : "(command line)",
		      (unsigned long long)view->generation);

	size_t nz = view->zones ? st_zoneset_count(view->zones) : 0;
	for (size_t i = 0; i < nz; i++) {
		const st_zone_t *z = st_zoneset_get(view->zones, i);
		char name[256];
		zone_name(z, name, sizeof(name));
		st_ctl_fmt_time(st_zone_loaded_at(z), t, sizeof(t));
		st_buf_printf(out, "zone %s serial %u, %zu records, loaded %s from %s\n", name,
			      st_zone_serial(z), st_zone_record_count(z), t, st_zone_file(z));
		signing_text(view, z, out);
	}

	if (view->health && conf->n_endpoints > 0) {
		st_health_checker_t ck;
		st_health_checker(view->health, &ck);
		const char *policy = conf->on_stale == ST_STALE_FAIL_OPEN ? "fail-open: all up"
									  : "last-known states";
		if (ck.age_ms == UINT64_MAX)
			snprintf(d, sizeof(d), "none");
		else
			st_duration_fmt(ck.age_ms, d, sizeof(d));
		char who[64], state[96];
		if (ck.status == ST_CHECKER_NONE)
			snprintf(who, sizeof(who), "no checker");
		else
			snprintf(who, sizeof(who), "checker pid %d %s", ck.pid,
				 st_checker_status_name(ck.status));
		if (ck.stale) {
			snprintf(state, sizeof(state), "STALE (%s)", policy);
		} else if (ck.status != ST_CHECKER_BEATING) {
			char in[32];
			st_duration_fmt(ck.stale_in_ms, in, sizeof(in));
			snprintf(state, sizeof(state), "ageing (stale in %s, then %s)", in, policy);
		} else {
			snprintf(state, sizeof(state), "fresh");
		}
		st_buf_printf(out, "health table %s, heartbeat age %s, %s, %s",
			      conf->health_table ? conf->health_table : "-", d, who, state);
		size_t bad = st_health_bad_slots(view->health);
		if (bad)
			st_buf_printf(out, ", %zu slot%s not readable", bad, bad == 1 ? "" : "s");
		st_buf_puts(out, "\n");
	} else {
		st_buf_puts(out, "health table not used (no endpoints)\n");
	}
	st_ctl_fleet_status(ctl, out);

	for (size_t r = 0; r < conf->n_regions; r++) {
		const char *name = conf->regions[r].name;
		uint32_t up = 0;
		bool healthy = st_ctl_region_healthy(conf, view, (uint32_t)r, &up);
		uint32_t dial = view->route ? st_route_get_dial(view->route, (uint32_t)r)
					    : conf->regions[r].dial;
		st_buf_printf(out, "region %s %s, %u/%zu endpoints up, dial %u%%%s\n", name,
			      healthy ? "healthy" : "UNHEALTHY", up, conf->regions[r].n_endpoints,
			      dial,
			      st_ctl_state_region_drained(ctl->state, name) ? ", drained" : "");
		const st_state_dial_t *sd = st_ctl_state_dial(ctl->state, name);
		if (sd && sd->ramping) {
			st_duration_fmt(sd->ramp.duration_ms, d, sizeof(d));
			st_ctl_fmt_time(sd->ramp.start_ms * ST_NS_PER_MS, t, sizeof(t));
			uint64_t next = st_ramp_next_change_ms(&sd->ramp, now / ST_NS_PER_MS);
			char nd[32];
			st_duration_fmt(next, nd, sizeof(nd));
			st_buf_printf(out,
				      "  ramp %u%% -> %u%% over %s, started %s, next step in %s\n",
				      sd->ramp.from, sd->ramp.to, d, t, nd);
		}
		if (sd && sd->stopped) {
			st_ctl_fmt_time(sd->stopped_ms * ST_NS_PER_MS, t, sizeof(t));
			st_buf_printf(out, "  %s at %s\n", sd->stopped, t);
		}
	}
	for (size_t i = 0; i < ctl->state->n_endpoints; i++)
		st_buf_printf(out, "override %s %s\n", ctl->state->endpoints[i].name,
			      st_override_name(ctl->state->endpoints[i].ov));

	st_reload_stats_t rs;
	st_server_reload_stats(srv, &rs);
	st_ctl_fmt_time(rs.last_ok_ns, t, sizeof(t));
	st_buf_printf(out, "reloads %llu ok (last %s), %llu failed", (unsigned long long)rs.ok, t,
		      (unsigned long long)rs.failed);
	if (rs.failed) {
		st_ctl_fmt_time(rs.last_failed_ns, t, sizeof(t));
		st_buf_printf(out, " (last %s: %s)", t, rs.last_error);
	}
	st_buf_puts(out, "\n");
	st_buf_printf(out, "state %s\n",
		      ctl->state_path ? ctl->state_path : "not persisted (no server.state_dir)");
	limits(ctl, false, out);
}

static void json(st_ctl_t *ctl, st_buf_t *out)
{
	st_server_t *srv = ctl->srv;
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	uint64_t now = st_real_ns(), started = st_server_started_ns(srv);
	st_buf_printf(out,
		      "{\"version\":\"%s\",\"pid\":%d,\"uptime_seconds\":%.3f,\"workers\":%u,"
		      "\"generation\":%llu,\"zones\":[",
		      PACKAGE_VERSION, (int)getpid(),
		      started && now > started ? (double)(now - started) / 1e9 : 0.0,
		      st_server_workers(srv), (unsigned long long)view->generation);
	size_t nz = view->zones ? st_zoneset_count(view->zones) : 0;
	for (size_t i = 0; i < nz; i++) {
		const st_zone_t *z = st_zoneset_get(view->zones, i);
		char name[256];
		zone_name(z, name, sizeof(name));
		st_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
		st_buf_json_str(out, name);
		st_buf_printf(out, ",\"serial\":%u,\"records\":%zu,\"loaded_at\":%.3f,\"file\":",
			      st_zone_serial(z), st_zone_record_count(z),
			      (double)st_zone_loaded_at(z) / 1e9);
		st_buf_json_str(out, st_zone_file(z));
		signing_json(view, z, out);
		st_buf_puts(out, "}");
	}
	st_buf_puts(out, "],\"health\":");
	if (view->health && conf->n_endpoints > 0) {
		st_health_checker_t ck;
		st_health_checker(view->health, &ck);
		st_buf_printf(out,
			      "{\"stale\":%s,\"checker_pid\":%d,\"checker\":\"%s\","
			      "\"unreadable_slots\":%zu,\"age_seconds\":",
			      ck.stale ? "true" : "false", ck.pid,
			      st_checker_status_name(ck.status), st_health_bad_slots(view->health));
		if (ck.age_ms == UINT64_MAX)
			st_buf_puts(out, "null");
		else
			st_buf_printf(out, "%.3f", (double)ck.age_ms / 1e3);
		if (ck.stale_in_ms)
			st_buf_printf(out, ",\"stale_in_seconds\":%.3f",
				      (double)ck.stale_in_ms / 1e3);
		st_buf_puts(out, "}");
	} else {
		st_buf_puts(out, "null");
	}
	st_buf_puts(out, ",\"regions\":[");
	for (size_t r = 0; r < conf->n_regions; r++) {
		const char *name = conf->regions[r].name;
		uint32_t up = 0;
		bool healthy = st_ctl_region_healthy(conf, view, (uint32_t)r, &up);
		st_buf_puts(out, r ? ",{\"name\":" : "{\"name\":");
		st_buf_json_str(out, name);
		st_buf_printf(out, ",\"healthy\":%s,\"endpoints_up\":%u,\"dial\":%u,\"drained\":%s",
			      healthy ? "true" : "false", up,
			      view->route ? st_route_get_dial(view->route, (uint32_t)r)
					  : conf->regions[r].dial,
			      st_ctl_state_region_drained(ctl->state, name) ? "true" : "false");
		const st_state_dial_t *sd = st_ctl_state_dial(ctl->state, name);
		if (sd && sd->ramping)
			st_buf_printf(out,
				      ",\"ramp\":{\"from\":%u,\"to\":%u,\"start\":%.3f,"
				      "\"duration_seconds\":%.3f}",
				      sd->ramp.from, sd->ramp.to, (double)sd->ramp.start_ms / 1e3,
				      (double)sd->ramp.duration_ms / 1e3);
		if (sd && sd->stopped) {
			st_buf_puts(out, ",\"ramp_stopped\":");
			st_buf_json_str(out, sd->stopped);
		}
		st_buf_puts(out, "}");
	}
	st_buf_puts(out, "]");
	st_ctl_fleet_status_json(ctl, out);
	limits(ctl, true, out);
	st_reload_stats_t rs;
	st_server_reload_stats(srv, &rs);
	st_buf_printf(out, ",\"reloads\":{\"ok\":%llu,\"failed\":%llu,\"last_error\":",
		      (unsigned long long)rs.ok, (unsigned long long)rs.failed);
	st_buf_json_str(out, rs.last_error);
	st_buf_puts(out, "}}\n");
}

static int show(void *ctx, bool as_json, st_buf_t *out, st_diag_t *diag)
{
	if (as_json)
		json(ctx, out);
	else
		text(ctx, out);
	return 0;
}

const st_ctl_cmd_t st_cmd_status = {
    .name = "status",
    .help = "version, uptime, workers, zones, health table, dials and ramps",
    .show = show,
};
