/* fleet [--json]: the nameservers and vantage points of the fleet as etcd
 * shows them (version, config digest, started, last seen), and config
 * drift: a live member whose config differs from this site's. */
#include "ctl/cmd.h"
#include "common/time.h"
#include "fleet/node.h"

#include <stdio.h>
#include <string.h>

static void seen(const st_fleet_member_info_t *m, char *buf, size_t len)
{
	if (m->live) {
		snprintf(buf, len, "now");
		return;
	}
	uint64_t now = st_real_ns() / ST_NS_PER_MS;
	char d[32];
	st_duration_fmt(now > m->seen_ms ? now - m->seen_ms : 0, d, sizeof(d));
	snprintf(buf, len, "%s ago", d);
}

static bool drifts(const st_conf_t *conf, const st_fleet_member_info_t *m)
{
	return m->live && m->rec.config[0] && strcmp(m->rec.config, conf->digest) != 0;
}

static int show(void *ctx, bool json, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	if (!conf->fleet.enabled)
		return st_diag_set(diag, ST_ENOENT,
				   "no fleet: section in the config: this "
				   "nameserver works alone");
	if (!st_fleet_active(ctl->fleet))
		return st_diag_set(diag, ST_ENOENT,
				   "the fleet service is not running (see the "
				   "log)");
	st_fleet_status_t s;
	st_fleet_status(ctl->fleet, &s);
	size_t n = st_fleet_member_count(ctl->fleet);
	char q[16];
	st_quorum_fmt(&conf->fleet.quorum, q, sizeof(q));
	if (json) {
		st_buf_puts(out, "{\"name\":");
		st_buf_json_str(out, conf->fleet.name);
		st_buf_puts(out, ",\"config\":");
		st_buf_json_str(out, conf->digest);
		st_buf_printf(out,
			      ",\"quorum\":\"%s\",\"etcd_reachable\":%s,\"drift\":%s,\"members\":[",
			      q, s.reachable ? "true" : "false", s.drift ? "true" : "false");
		for (size_t i = 0; i < n; i++) {
			st_fleet_member_info_t m;
			st_fleet_member(ctl->fleet, i, &m);
			st_buf_puts(out, i ? ",{\"name\":" : "{\"name\":");
			st_buf_json_str(out, m.name);
			st_buf_printf(out, ",\"role\":\"%s\",\"live\":%s,\"self\":%s,\"version\":",
				      m.vantage ? "vantage" : "nameserver",
				      m.live ? "true" : "false", m.self ? "true" : "false");
			st_buf_json_str(out, m.rec.version);
			st_buf_puts(out, ",\"config\":");
			st_buf_json_str(out, m.rec.config);
			st_buf_printf(
			    out,
			    ",\"drift\":%s,\"started\":%.3f,\"generation\":%llu,"
			    "\"seen\":%.3f}",
			    drifts(conf, &m) ? "true" : "false", (double)m.rec.started_ms / 1e3,
			    (unsigned long long)m.rec.generation, (double)m.seen_ms / 1e3);
		}
		st_buf_puts(out, "]}\n");
		return 0;
	}
	st_buf_printf(out, "fleet %s, prefix %s, quorum %s, etcd %s (%s)\n", conf->fleet.name,
		      conf->fleet.prefix, q, s.reachable ? "answers" : "DOES NOT ANSWER",
		      s.reachable ? s.endpoint : (s.error[0] ? s.error : "no answer yet"));
	int wn = 6;
	for (size_t i = 0; i < n; i++) {
		st_fleet_member_info_t m;
		st_fleet_member(ctl->fleet, i, &m);
		int l = (int)strlen(m.name);
		wn = l > wn ? l : wn;
	}
	st_buf_printf(out, "%-*s  %-10s %-5s %-8s %-39s %-20s %s\n", wn, "name", "role", "state",
		      "version", "config", "started", "last seen");
	size_t drift = 0;
	for (int vantage = 0; vantage < 2; vantage++)
		for (size_t i = 0; i < n; i++) {
			st_fleet_member_info_t m;
			st_fleet_member(ctl->fleet, i, &m);
			if (m.vantage != vantage)
				continue;
			char started[32], last[48], cfg[96];
			st_ctl_fmt_time(m.rec.started_ms * ST_NS_PER_MS, started, sizeof(started));
			seen(&m, last, sizeof(last));
			snprintf(cfg, sizeof(cfg), "%s%s", m.rec.config[0] ? m.rec.config : "-",
				 drifts(conf, &m) ? " DRIFT" : "");
			drift += drifts(conf, &m);
			st_buf_printf(out, "%-*s  %-10s %-5s %-8s %-39s %-20s %s%s\n", wn, m.name,
				      m.vantage ? "vantage" : "nameserver",
				      m.live ? "live" : "gone",
				      m.rec.version[0] ? m.rec.version : "-", cfg, started, last,
				      m.self ? " (this site)" : "");
		}
	if (drift)
		st_buf_printf(out,
			      "config drift: %zu member%s run%s another config than this site's "
			      "(%s)\n",
			      drift, drift == 1 ? "" : "s", drift == 1 ? "s" : "", conf->digest);
	else
		st_buf_printf(out, "no config drift: every live member runs %s\n", conf->digest);
	return 0;
}

const st_ctl_cmd_t st_cmd_fleet = {
    .name = "fleet",
    .help = "nameservers and vantage points of the fleet, their versions and config drift",
    .show = show,
};
