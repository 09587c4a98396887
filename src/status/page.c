/* The status page's HTML: one document, inline CSS and SVG, no script.
 * Every text that comes from the config, zones, the health table or etcd
 * goes through st_buf_html. */
#include "config.h"
#include "status/status.h"
#include "status/split.h"
#include "answer/stats.h"
#include "common/time.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "ctl/state.h"
#include "dnssec/signer.h"
#include "fleet/node.h"
#include "health/health.h"
#include "route/route.h"
#include "server/server.h"
#include "xfr/xfr.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;background:#fafafa}"
    "h1{font-size:1.4em;margin:0}h2{font-size:1.1em;margin:1.4em 0 .4em}"
    "p.meta{color:#555;margin:.2em 0}"
    "table{border-collapse:collapse;background:#fff}"
    "th,td{border:1px solid #ddd;padding:.2em .6em;text-align:left;vertical-align:top}"
    "th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".up{color:#0a6b2d;font-weight:600}.down{color:#b00020;font-weight:600}"
    ".drained,.warn{color:#8a5a00;font-weight:600}.muted{color:#777}"
    ".checks{color:#555;font-size:.9em}"
    ".bar{display:inline-block;height:.8em;background:#4a7bd0;vertical-align:middle}"
    ".sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em;vertical-align:middle}"
    "svg{background:#fff;border:1px solid #ddd}";

static void text(st_buf_t *out, const char *s)
{
	st_buf_html(out, s ? s : "");
}

/* <td> with escaped text and an optional class. */
static void td(st_buf_t *out, const char *cls, const char *s)
{
	if (cls)
		st_buf_printf(out, "<td class=\"%s\">", cls);
	else
		st_buf_puts(out, "<td>");
	text(out, s);
	st_buf_puts(out, "</td>");
}

static void td_num(st_buf_t *out, unsigned long long v)
{
	st_buf_printf(out, "<td class=\"n\">%llu</td>", v);
}

static void head_row(st_buf_t *out, const char *const *cols, size_t n)
{
	st_buf_puts(out, "<tr>");
	for (size_t i = 0; i < n; i++)
		st_buf_printf(out, "<th>%s</th>", cols[i]);
	st_buf_puts(out, "</tr>\n");
}

static void ago(uint64_t ms, char *buf, unsigned len)
{
	st_duration_fmt(ms, buf, len);
}

/* A region's colour in the traffic chart and its legend. */
static void colour(st_buf_t *out, size_t col)
{
	st_buf_printf(out, "hsl(%u,60%%,48%%)", (unsigned)((col * 137 + 210) % 360));
}

static void header(const st_status_src_t *src, st_buf_t *out)
{
	const st_conf_t *conf = st_server_conf(src->srv);
	const st_view_t *view = st_server_view(src->srv);
	uint64_t now = st_real_ns(), started = st_server_started_ns(src->srv);
	char up[32], since[64], at[64];
	ago(started && now > started ? (now - started) / ST_NS_PER_MS : 0, up, sizeof(up));
	st_real_fmt(started, since, sizeof(since));
	st_real_fmt(now, at, sizeof(at));
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	st_buf_printf(out,
		      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta http-equiv=\"refresh\" content=\"%d\">"
		      "<meta name=\"viewport\" content=\"width=device-width\">"
		      "<title>steerd ",
		      ST_STATUS_REFRESH_S);
	text(out, host);
	st_buf_printf(out, "</title><style>%s</style></head>\n<body>\n<h1>steerd ", style);
	text(out, host);
	st_buf_printf(out,
		      "</h1>\n<p class=\"meta\">steerdns %s, pid %d, up %s (since %s), %u "
		      "worker%s, generation <span id=\"generation\">%llu</span>, config ",
		      PACKAGE_VERSION, (int)getpid(), up, since, st_server_workers(src->srv),
		      st_server_workers(src->srv) == 1 ? "" : "s",
		      (unsigned long long)view->generation);
	text(out, conf->path ? conf->path : "(command line)");
	st_buf_printf(
	    out,
	    "</p>\n<p class=\"meta\">This page was made at %s and reloads every %d s; "
	    "it only reads. Counters for scraping: <a href=\"/metrics\">/metrics</a>.</p>\n",
	    at, ST_STATUS_REFRESH_S);
}

static void health_table(const st_status_src_t *src, st_buf_t *out)
{
	const st_conf_t *conf = st_server_conf(src->srv);
	const st_view_t *view = st_server_view(src->srv);
	st_buf_puts(out, "<h2>Health table</h2>\n<p id=\"health-table\">");
	if (!view->health || conf->n_endpoints == 0) {
		st_buf_puts(out, "Not used: no endpoints.</p>\n");
		return;
	}
	st_health_checker_t ck;
	st_health_checker(view->health, &ck);
	char d[32];
	text(out, conf->health_table ? conf->health_table : "-");
	if (ck.age_ms == UINT64_MAX)
		st_buf_puts(out, ": no heartbeat");
	else {
		ago(ck.age_ms, d, sizeof(d));
		st_buf_printf(out, ": heartbeat <span id=\"health-age\">%s</span> old", d);
	}
	if (ck.status == ST_CHECKER_NONE)
		st_buf_puts(out, ", no checker");
	else
		st_buf_printf(out, ", checker pid %d %s", ck.pid,
			      st_checker_status_name(ck.status));
	const char *policy = st_health_fail_open(view->health) ? "fail-open: every endpoint up"
							       : "last-known states";
	if (ck.stale) {
		st_buf_printf(out, ", <span class=\"down\">STALE</span> (%s)", policy);
	} else if (ck.status == ST_CHECKER_NONE) {
		st_buf_puts(out, ", waiting for a checker");
	} else if (ck.status != ST_CHECKER_BEATING) {
		ago(ck.stale_in_ms, d, sizeof(d));
		st_buf_printf(out, ", <span class=\"warn\">ageing</span> (stale in %s, then %s)", d,
			      policy);
	} else {
		st_buf_puts(out, ", <span class=\"up\">fresh</span>");
	}
	size_t bad = st_health_bad_slots(view->health);
	if (bad)
		st_buf_printf(out, ", <span class=\"warn\">%zu slot%s not readable</span>", bad,
			      bad == 1 ? "" : "s");
	st_buf_puts(out, ".</p>\n");
}

static void fleet(const st_status_src_t *src, st_buf_t *out)
{
	const st_conf_t *conf = st_server_conf(src->srv);
	const st_view_t *view = st_server_view(src->srv);
	if (!conf->fleet.enabled)
		return;
	st_buf_puts(out, "<h2>Fleet</h2>\n<p id=\"fleet\">");
	st_health_fleet_t hf;
	st_health_fleet(view->health, &hf);
	if (view->health && hf.mode != ST_FLEET_NONE)
		st_buf_printf(out, "The checker decides: %s, %u vantage point%s live. ",
			      st_fleet_mode_name(hf.mode), hf.vantages,
			      hf.vantages == 1 ? "" : "s");
	else
		st_buf_puts(out, "The checker publishes no fleet decision. ");
	if (st_fleet_active(src->fleet)) {
		st_fleet_status_t s;
		st_fleet_status(src->fleet, &s);
		st_buf_printf(out, "etcd %s",
			      s.reachable ? "<span class=\"up\">reachable</span>"
					  : "<span class=\"down\">unreachable</span>");
		if (s.endpoint) {
			st_buf_puts(out, " at ");
			text(out, s.endpoint);
		}
		st_buf_printf(out, ", %zu nameserver%s and %zu vantage point%s live", s.nodes_live,
			      s.nodes_live == 1 ? "" : "s", s.vantages_live,
			      s.vantages_live == 1 ? "" : "s");
		if (s.drift)
			st_buf_puts(out, ", <span class=\"warn\">config drift</span>");
		if (s.error && *s.error) {
			st_buf_puts(out, "; last error: ");
			text(out, s.error);
		}
		st_buf_puts(out, ".");
	}
	st_buf_puts(out, "</p>\n");
}

static void ramp_cell(const st_state_dial_t *sd, uint64_t now_ms, st_buf_t *out)
{
	st_buf_puts(out, "<td>");
	if (sd && sd->ramping) {
		char d[32], left[32];
		ago(sd->ramp.duration_ms, d, sizeof(d));
		uint64_t end = sd->ramp.start_ms + sd->ramp.duration_ms;
		ago(end > now_ms ? end - now_ms : 0, left, sizeof(left));
		st_buf_printf(out,
			      "<span class=\"warn\">ramping</span> %u%% &rarr; %u%% over %s, now "
			      "%u%%, %s left",
			      sd->ramp.from, sd->ramp.to, d, st_ramp_value(&sd->ramp, now_ms),
			      left);
	}
	if (sd && sd->stopped) {
		char t[64];
		st_real_fmt(sd->stopped_ms * ST_NS_PER_MS, t, sizeof(t));
		st_buf_puts(out, sd->ramping ? "<br>" : "");
		text(out, sd->stopped);
		st_buf_printf(out, " at %s", t);
	}
	st_buf_puts(out, "</td>");
}

static void regions(const st_status_src_t *src, st_buf_t *out)
{
	static const char *const cols[] = {"Region", "Health",	 "Endpoints up",
					   "Dial",   "Override", "Ramp"};
	const st_conf_t *conf = st_server_conf(src->srv);
	const st_view_t *view = st_server_view(src->srv);
	const st_ctl_state_t *state = src->ctl ? st_ctl_current_state(src->ctl) : NULL;
	uint64_t now_ms = st_real_ns() / ST_NS_PER_MS;
	st_buf_puts(out, "<h2>Regions</h2>\n");
	if (conf->n_regions == 0) {
		st_buf_puts(out, "<p>No regions configured.</p>\n");
		return;
	}
	st_buf_puts(out, "<table id=\"regions\">\n");
	head_row(out, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t r = 0; r < conf->n_regions; r++) {
		const st_conf_region_t *reg = &conf->regions[r];
		uint32_t up = 0;
		bool healthy = st_ctl_region_healthy(conf, view, (uint32_t)r, &up);
		uint32_t dial =
		    view->route ? st_route_get_dial(view->route, (uint32_t)r) : reg->dial;
		bool drained = state && st_ctl_state_region_drained(state, reg->name);
		st_buf_puts(out, "<tr data-region=\"");
		text(out, reg->name);
		st_buf_printf(out, "\" data-health=\"%s\">", healthy ? "healthy" : "unhealthy");
		td(out, NULL, reg->name);
		td(out, healthy ? "up" : "down", healthy ? "healthy" : "UNHEALTHY");
		st_buf_printf(out, "<td class=\"n\">%u of %zu (need %u)</td>", up, reg->n_endpoints,
			      reg->min_healthy ? reg->min_healthy : 1);
		st_buf_printf(out, "<td class=\"n\">%u%%</td>", dial);
		td(out, drained ? "drained" : NULL, drained ? "drained" : "");
		ramp_cell(state ? st_ctl_state_dial(state, reg->name) : NULL, now_ms, out);
		st_buf_puts(out, "</tr>\n");
	}
	st_buf_puts(out, "</table>\n");
}

static const char *state_name(st_health_state_t s)
{
	return s == ST_HEALTH_UP ? "up" : s == ST_HEALTH_DOWN ? "down" : "unknown";
}

static void address_cell(const st_conf_endpoint_t *ep, st_buf_t *out)
{
	char a4[INET_ADDRSTRLEN] = "", a6[INET6_ADDRSTRLEN] = "";
	if (ep->has_v4)
		inet_ntop(AF_INET, ep->addr4, a4, sizeof(a4));
	if (ep->has_v6)
		inet_ntop(AF_INET6, ep->addr6, a6, sizeof(a6));
	st_buf_puts(out, "<td>");
	text(out, a4);
	st_buf_puts(out, a4[0] && a6[0] ? "<br>" : "");
	text(out, a6);
	if (ep->cname) {
		st_buf_puts(out, a4[0] || a6[0] ? "<br>" : "");
		st_buf_puts(out, "CNAME ");
		text(out, ep->cname);
	}
	st_buf_puts(out, "</td>");
}

/* Calculated health: each check's state under the checker's. */
static void checks_line(const st_conf_t *conf, uint32_t i, const st_health_info_t *in,
			st_buf_t *out)
{
	if (!st_health_calculated(conf, i))
		return;
	st_buf_t b;
	st_buf_init(&b);
	st_health_checks_text(conf, i, in, false, &b);
	out->oom |= b.oom;
	st_buf_puts(out, "<br><span class=\"checks\">");
	text(out, b.data);
	st_buf_puts(out, "</span>");
	st_buf_free(&b);
}

/* What the checker says: its state (and its checks'), with a fleet the
 * quorum's. */
static void checker_cells(const st_conf_t *conf, uint32_t i, const st_health_info_t *in,
			  uint64_t now, st_buf_t *out)
{
	if (!in->has_check) {
		td(out, "muted", "no check");
		td(out, "muted", "");
		td(out, "muted", "");
		td(out, "muted", "");
		return;
	}
	const st_health_rec_t *c = &in->checker;
	st_health_state_t own = c->voters ? c->local : c->state;
	const char *cls = !in->in_table ? "muted" : in->unreadable ? "warn" : state_name(own);
	st_buf_printf(out, "<td><span class=\"%s\">%s</span>", cls,
		      !in->in_table    ? "not in the table"
		      : in->unreadable ? "unreadable"
				       : state_name(own));
	checks_line(conf, i, in, out);
	st_buf_puts(out, "</td>");
	if (c->voters) {
		st_buf_printf(out, "<td class=\"%s\">%s, %u of %u up</td>", state_name(c->state),
			      state_name(c->state), c->votes_up, c->voters);
	} else {
		td(out, "muted", "");
	}
	char d[32] = "";
	if (c->rtt_us)
		ago(c->rtt_us / 1000 ? c->rtt_us / 1000 : 1, d, sizeof(d));
	if (c->rtt_us && c->rtt_us < 1000)
		snprintf(d, sizeof(d), "%uus", c->rtt_us);
	td(out, "n", d);
	d[0] = '\0';
	if (c->last_change_ns && c->last_change_ns <= now)
		ago((now - c->last_change_ns) / ST_NS_PER_MS, d, sizeof(d));
	st_buf_puts(out, "<td>");
	text(out, d);
	if (c->error[0]) {
		char err[ST_HEALTH_ERROR_MAX];
		memcpy(err, c->error, sizeof(err));
		err[sizeof(err) - 1] = '\0';
		st_buf_puts(out, d[0] ? "; " : "");
		text(out, err);
	}
	st_buf_puts(out, "</td>");
}

static void endpoints(const st_status_src_t *src, st_buf_t *out)
{
	static const char *const cols[] = {"Endpoint",	   "Region",   "Address",
					   "Answers with", "Override", "Checker",
					   "Quorum",	   "RTT",      "Since / last error"};
	const st_conf_t *conf = st_server_conf(src->srv);
	const st_view_t *view = st_server_view(src->srv);
	if (conf->n_endpoints == 0)
		return;
	uint64_t now = st_mono_ns();
	st_buf_puts(out, "<h2>Endpoints</h2>\n<table id=\"endpoints\">\n");
	head_row(out, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		const st_conf_endpoint_t *ep = &conf->endpoints[i];
		st_health_info_t in;
		memset(&in, 0, sizeof(in));
		bool have = view->health && st_health_info(view->health, (uint32_t)i, &in) == 0;
		bool up = !view->health || st_health_up(view->health, (uint32_t)i);
		const char *state = in.override == ST_OVERRIDE_DRAIN ? "drained"
				    : up			     ? "up"
								     : "down";
		st_buf_puts(out, "<tr data-endpoint=\"");
		text(out, ep->name);
		st_buf_printf(out, "\" data-state=\"%s\">", state);
		td(out, NULL, ep->name);
		td(out, NULL, conf->regions[ep->region].name);
		address_cell(ep, out);
		td(out, state, state);
		td(out, in.override == ST_OVERRIDE_NONE ? NULL : "warn",
		   in.override == ST_OVERRIDE_NONE    ? ""
		   : in.override == ST_OVERRIDE_DRAIN ? "drained"
		   : in.override == ST_OVERRIDE_UP    ? "forced up"
						      : "forced down");
		if (have)
			checker_cells(conf, (uint32_t)i, &in, now, out);
		else
			st_buf_puts(out,
				    "<td class=\"muted\">no table</td><td></td><td></td><td></td>");
		st_buf_puts(out, "</tr>\n");
	}
	st_buf_puts(out, "</table>\n");
}

#define CHART_W 600
#define CHART_H 120

/* Answers of region col in bar k: 0 the interval going on now (pend),
 * then the kept intervals, the newest first. */
static uint64_t bar_count(const st_split_t *s, const uint64_t *pend, size_t k, size_t col)
{
	return k == 0 ? pend[col] : st_split_count(s, k - 1, col);
}

/* Stacked bars, one per interval (the oldest on the left, the one going on
 * now on the right, lighter), scaled to the busiest. */
static void chart(const st_split_t *s, const uint64_t *pend, st_buf_t *out)
{
	size_t n = st_split_intervals(s) + 1, w = st_split_regions(s);
	if (n > ST_STATUS_INTERVALS)
		n = ST_STATUS_INTERVALS;
	uint64_t max = 0;
	for (size_t k = 0; k < n; k++) {
		uint64_t t = 0;
		for (size_t c = 0; c < w; c++)
			t += bar_count(s, pend, k, c);
		if (t > max)
			max = t;
	}
	st_buf_printf(out,
		      "<svg id=\"traffic-chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		      "role=\"img\" aria-label=\"answers per region per interval\">",
		      CHART_W, CHART_H, CHART_W, CHART_H);
	double bw = (double)CHART_W / ST_STATUS_INTERVALS;
	for (size_t k = 0; max && k < n; k++) {
		double x = CHART_W - (double)(k + 1) * bw, y = CHART_H;
		for (size_t c = 0; c < w; c++) {
			uint64_t v = bar_count(s, pend, k, c);
			if (!v)
				continue;
			double h = (double)v * (CHART_H - 4) / (double)max;
			y -= h;
			st_buf_printf(
			    out,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"%s "
			    "fill=\"",
			    x + 0.5, y, bw - 1, h, k == 0 ? " fill-opacity=\"0.5\"" : "");
			colour(out, c);
			st_buf_puts(out, "\"><title>");
			text(out, st_split_region(s, c));
			st_buf_printf(out, ": %llu</title></rect>", (unsigned long long)v);
		}
	}
	st_buf_puts(out, "</svg>\n");
}

static void traffic(const st_status_src_t *src, st_buf_t *out)
{
	static const char *const cols[] = {"Region", "Answers", "Share", ""};
	const st_conf_t *conf = st_server_conf(src->srv);
	const st_split_t *s = src->split;
	st_buf_puts(out, "<h2>Traffic split</h2>\n");
	if (!s || conf->n_regions == 0) {
		st_buf_puts(out, "<p>No regions configured.</p>\n");
		return;
	}
	st_answer_stats_t *sum = calloc(1, sizeof(*sum));
	if (!sum) {
		out->oom = true;
		return;
	}
	st_server_route_sum(src->srv, sum);
	size_t w = st_split_regions(s), n = st_split_intervals(s);
	/* Per column: the kept intervals, plus since the last sample for the
	 * regions of the current config. */
	uint64_t *win = calloc(w ? w : 1, sizeof(*win)), *pend = calloc(w ? w : 1, sizeof(*pend));
	if (!win || !pend) {
		free(win);
		free(pend);
		free(sum);
		out->oom = true;
		return;
	}
	uint64_t total = 0, span_ns = 0, now = st_real_ns(), last = st_split_last_ns(s);
	for (size_t k = 0; k < n; k++) {
		uint64_t end, span;
		st_split_interval(s, k, &end, &span);
		span_ns += span;
		for (size_t c = 0; c < w; c++)
			win[c] += st_split_count(s, k, c);
	}
	for (size_t r = 0; r < conf->n_regions && r < ST_STATS_ROUTE_MAX; r++) {
		size_t c = st_split_find(s, conf->regions[r].name);
		if (c != SIZE_MAX)
			pend[c] = st_split_pending(s, c, sum->route_region[r]);
	}
	if (last && now > last)
		span_ns += now - last;
	for (size_t c = 0; c < w; c++) {
		win[c] += pend[c];
		total += win[c];
	}
	char d[32];
	ago(span_ns / ST_NS_PER_MS, d, sizeof(d));
	st_buf_printf(out,
		      "<p>Addresses handed out in routed answers, by region, over the last "
		      "<span id=\"traffic-span\">%s</span> (a bar every %d s, the newest on the "
		      "right): %llu in all.</p>\n",
		      d, ST_STATUS_SAMPLE_MS / 1000, (unsigned long long)total);
	chart(s, pend, out);
	st_buf_puts(out, "<table id=\"traffic\">\n");
	head_row(out, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t c = 0; c < w; c++) {
		double share = total ? 100.0 * (double)win[c] / (double)total : 0;
		st_buf_puts(out, "<tr data-region=\"");
		text(out, st_split_region(s, c));
		st_buf_printf(out,
			      "\" data-answers=\"%llu\"><td><span class=\"sw\" style=\"background:",
			      (unsigned long long)win[c]);
		colour(out, c);
		st_buf_puts(out, "\"></span>");
		text(out, st_split_region(s, c));
		st_buf_puts(out, "</td>");
		td_num(out, win[c]);
		st_buf_printf(out,
			      "<td class=\"n\">%.1f%%</td><td><span class=\"bar\" "
			      "style=\"width:%.0fpx;background:",
			      share, share * 3);
		colour(out, c);
		st_buf_puts(out, "\"></span></td></tr>\n");
	}
	st_buf_puts(out, "</table>\n");
	free(win);
	free(pend);
	free(sum);
}

static void reloads(const st_status_src_t *src, st_buf_t *out)
{
	static const char *const cols[] = {"Ended", "What",	  "Result",
					   "Took",  "Generation", "Error"};
	st_reload_stats_t rs;
	st_server_reload_stats(src->srv, &rs);
	st_reload_event_t *ev = calloc(ST_RELOAD_HISTORY, sizeof(*ev));
	if (!ev) {
		out->oom = true;
		return;
	}
	size_t n = st_server_reload_history(src->srv, ev, ST_RELOAD_HISTORY);
	st_buf_printf(out, "<h2>Reloads</h2>\n<p>%llu done, %llu failed since start.</p>\n",
		      (unsigned long long)rs.ok, (unsigned long long)rs.failed);
	if (n) {
		st_buf_puts(out, "<table id=\"reloads\">\n");
		head_row(out, cols, sizeof(cols) / sizeof(cols[0]));
	}
	for (size_t i = 0; i < n; i++) {
		char t[64], took[32];
		st_real_fmt(ev[i].at_ns, t, sizeof(t));
		snprintf(took, sizeof(took), "%.1f ms", (double)ev[i].duration_ns / 1e6);
		st_buf_printf(out, "<tr data-result=\"%s\">", ev[i].ok ? "done" : "failed");
		td(out, NULL, t);
		if (ev[i].zone[0]) {
			st_buf_puts(out, "<td>zone ");
			text(out, ev[i].zone);
			st_buf_puts(out, "</td>");
		} else {
			td(out, NULL, "config and zones");
		}
		td(out, ev[i].ok ? "up" : "down", ev[i].ok ? "done" : "failed");
		td(out, "n", took);
		td_num(out, ev[i].generation);
		td(out, NULL, ev[i].error);
		st_buf_puts(out, "</tr>\n");
	}
	if (n)
		st_buf_puts(out, "</table>\n");
	free(ev);
}

/* DNSSEC: the keys and when the signatures served now expire. */
static void signing_cell(const st_view_t *view, const st_zone_t *z, st_buf_t *out)
{
	const st_signer_t *sg = st_zoneset_ext(view->zones, z);
	if (!sg) {
		st_buf_puts(out, "<td class=\"muted\">unsigned</td>");
		return;
	}
	st_buf_t b;
	st_buf_init(&b);
	st_buf_puts(&b, "signed online, compact denial; ");
	st_signer_summary(sg, &b);
	out->oom |= b.oom;
	td(out, NULL, b.data);
	st_buf_free(&b);
}

/* Zone transfer: the IXFR differences kept and transfers served. */
static void transfer_cell(const st_view_t *view, const st_zone_t *z, st_buf_t *out)
{
	size_t n = view->xfr ? st_xfr_set_count(view->xfr) : 0;
	for (size_t i = 0; i < n; i++) {
		const st_xfr_zone_t *xz = st_xfr_set_get(view->xfr, i);
		if (strcmp(st_zone_name(st_xfr_zone_zone(xz)), st_zone_name(z)) != 0)
			continue;
		st_xfr_stats_t *st = st_xfr_zone_stats(xz);
		st_buf_printf(out,
			      "<td>served to secondaries: %zu IXFR difference%s kept, %llu AXFR, "
			      "%llu IXFR</td>",
			      st_xfr_zone_versions(xz), st_xfr_zone_versions(xz) == 1 ? "" : "s",
			      (unsigned long long)st->axfr, (unsigned long long)st->ixfr);
		return;
	}
	st_buf_puts(out, "<td class=\"muted\">not transferred</td>");
}

static void zones(const st_status_src_t *src, st_buf_t *out)
{
	static const char *const cols[] = {"Zone", "Serial", "Records", "Loaded",
					   "File", "DNSSEC", "Transfer"};
	const st_view_t *view = st_server_view(src->srv);
	size_t nz = view->zones ? st_zoneset_count(view->zones) : 0;
	st_buf_puts(out, "<h2>Zones</h2>\n<table id=\"zones\">\n");
	head_row(out, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < nz; i++) {
		const st_zone_t *z = st_zoneset_get(view->zones, i);
		char t[64];
		st_real_fmt(st_zone_loaded_at(z), t, sizeof(t));
		st_buf_puts(out, "<tr data-zone=\"");
		text(out, st_zone_name(z));
		st_buf_printf(out, "\" data-serial=\"%u\">", st_zone_serial(z));
		td(out, NULL, st_zone_name(z));
		td_num(out, st_zone_serial(z));
		td_num(out, st_zone_record_count(z));
		td(out, NULL, t);
		td(out, NULL, st_zone_file(z));
		signing_cell(view, z, out);
		transfer_cell(view, z, out);
		st_buf_puts(out, "</tr>\n");
	}
	st_buf_puts(out, "</table>\n");
}

void st_status_render(const st_status_src_t *src, st_buf_t *out)
{
	header(src, out);
	health_table(src, out);
	fleet(src, out);
	regions(src, out);
	endpoints(src, out);
	traffic(src, out);
	reloads(src, out);
	zones(src, out);
	st_buf_puts(out, "</body></html>\n");
}
