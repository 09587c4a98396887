/* health [--json]: every endpoint with its region, effective state, the
 * checker's state, the override, how long since the last change, RTT and
 * the last probe error; an endpoint with several checks (or an inverted
 * one), each check's state on a line below it. */
#include "ctl/cmd.h"
#include "common/time.h"
#include "health/health.h"
#include "health/table.h"

#include <stdio.h>
#include <string.h>

/* The effective state as an operator reads it: a drain is not a failure. */
static const char *effective_name(const st_health_t *h, uint32_t i, const st_health_info_t *in)
{
	if (in->override == ST_OVERRIDE_DRAIN)
		return "drained";
	return st_health_up(h, i) ? "up" : "down";
}

static void since(const st_health_info_t *in, uint64_t now_mono, char *buf, size_t len)
{
	if (!in->has_check || !in->checker.last_change_ns ||
	    in->checker.last_change_ns > now_mono) {
		snprintf(buf, len, "-");
		return;
	}
	st_duration_fmt((now_mono - in->checker.last_change_ns) / ST_NS_PER_MS, buf, len);
}

/* In a fleet: what the quorum agreed, this site's own view, the votes and
 * every vantage point's view. */
static void fleet_votes(st_ctl_t *ctl, const st_conf_t *conf, st_view_t *view,
			const st_health_fleet_t *hf, st_buf_t *out)
{
	char q[16];
	st_quorum_fmt(&conf->fleet.quorum, q, sizeof(q));
	st_buf_printf(out, "fleet: %s, quorum %s, %u vantage point%s\n", st_fleet_mode_name(hf->mode),
		      q, hf->vantages, hf->vantages == 1 ? "" : "s");
	int wn = 8;
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		int a = (int)strlen(conf->endpoints[i].name);
		wn = a > wn ? a : wn;
	}
	st_buf_printf(out, "%-*s  %-8s %-8s %-6s %s\n", wn, "endpoint", "agreed", "own", "votes",
		      "views");
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		st_health_info_t in;
		memset(&in, 0, sizeof(in));
		st_health_info(view->health, (uint32_t)i, &in);
		if (!in.has_check)
			continue;
		char votes[24];
		if (in.checker.voters)
			snprintf(votes, sizeof(votes), "%u/%u", in.checker.votes_up,
				 in.checker.voters);
		else
			snprintf(votes, sizeof(votes), "-");
		st_buf_printf(out, "%-*s  %-8s %-8s %-6s ", wn, conf->endpoints[i].name,
			      in.checker.voters ? st_health_state_name(in.checker.state) : "-",
			      st_health_state_name(in.checker.voters ? in.checker.local
								     : in.checker.state),
			      votes);
		st_ctl_fleet_views(ctl, conf->endpoints[i].name, out, false);
		st_buf_puts(out, "\n");
	}
}

static int show(void *ctx, bool json, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	if (conf->n_endpoints == 0) {
		st_buf_puts(out, json ? "[]\n" : "no endpoints configured\n");
		return 0;
	}
	if (!view->health)
		return st_diag_set(diag, ST_ENOENT, "no health view (no endpoints with checks)");
	uint64_t now = st_mono_ns();
	st_health_fleet_t hf;
	bool fleet = st_ctl_fleet_shown(ctl, &hf);
	int wn = 8, wr = 6;
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		int a = (int)strlen(conf->endpoints[i].name);
		int b = (int)strlen(conf->regions[conf->endpoints[i].region].name);
		wn = a > wn ? a : wn;
		wr = b > wr ? b : wr;
	}
	if (json)
		st_buf_puts(out, "[");
	else
		st_buf_printf(out, "%-*s  %-*s  %-8s %-8s %-8s %-10s %-9s %s\n", wn, "endpoint", wr,
			      "region", "state", "checker", "override", "since", "rtt", "error");
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		const st_conf_endpoint_t *ep = &conf->endpoints[i];
		st_health_info_t in;
		memset(&in, 0, sizeof(in));
		st_health_info(view->health, (uint32_t)i, &in);
		/* a slot not believed: the state column says what the policy made of it */
		const char *checker = !in.has_check  ? "no-check"
				      : in.unreadable ? "corrupt"
						      : st_health_state_name(in.checker.state);
		const char *eff = effective_name(view->health, (uint32_t)i, &in);
		char s[32], rtt[32];
		since(&in, now, s, sizeof(s));
		if (in.checker.rtt_us)
			snprintf(rtt, sizeof(rtt), "%.1fms", in.checker.rtt_us / 1000.0);
		else
			snprintf(rtt, sizeof(rtt), "-");
		if (json) {
			st_buf_puts(out, i ? ",{\"endpoint\":" : "{\"endpoint\":");
			st_buf_json_str(out, ep->name);
			st_buf_puts(out, ",\"region\":");
			st_buf_json_str(out, conf->regions[ep->region].name);
			st_buf_printf(out,
				      ",\"state\":\"%s\",\"checker\":\"%s\",\"override\":\"%s\","
				      "\"since_seconds\":",
				      eff, checker, st_override_name(in.override));
			if (s[0] == '-')
				st_buf_puts(out, "null");
			else
				st_buf_printf(out, "%.3f",
					      (double)(now - in.checker.last_change_ns) / 1e9);
			st_buf_printf(out, ",\"rtt_ms\":%.3f,\"flaps\":%u,\"error\":",
				      in.checker.rtt_us / 1000.0, in.checker.flaps);
			st_buf_json_str(out, in.checker.error);
			if (ep->n_checks)
				st_health_checks_text(conf, (uint32_t)i, &in, true, out);
			if (fleet && in.has_check) {
				st_buf_printf(out,
					      ",\"fleet\":{\"own\":\"%s\",\"votes_up\":%u,"
					      "\"voters\":%u,\"views\":",
					      st_health_state_name(in.checker.local),
					      in.checker.votes_up, in.checker.voters);
				st_ctl_fleet_views(ctl, ep->name, out, true);
				st_buf_puts(out, "}");
			}
			st_buf_puts(out, "}");
		} else {
			st_buf_printf(out, "%-*s  %-*s  %-8s %-8s %-8s %-10s %-9s %s\n", wn,
				      ep->name, wr, conf->regions[ep->region].name, eff, checker,
				      in.override ? st_override_name(in.override) : "-", s, rtt,
				      in.checker.error[0] ? in.checker.error : "-");
			if (st_health_calculated(conf, (uint32_t)i)) {
				st_buf_puts(out, "  ");
				st_health_checks_text(conf, (uint32_t)i, &in, false, out);
				st_buf_puts(out, "\n");
			}
		}
	}
	if (json)
		st_buf_puts(out, "]\n");
	if (!json && fleet)
		fleet_votes(ctl, conf, view, &hf, out);
	if (!json && st_health_stale(view->health))
		st_buf_puts(out, "warning: the health table is stale (is steercheck running?)\n");
	size_t bad = st_health_bad_slots(view->health);
	if (!json && bad)
		st_buf_printf(out,
			      "warning: %zu slot%s of the health table not readable: %s\n", bad,
			      bad == 1 ? "" : "s",
			      conf->on_stale == ST_STALE_FAIL_OPEN ? "treated as up (fail-open)"
								   : "last states kept");
	return 0;
}

const st_ctl_cmd_t st_cmd_health = {
    .name = "health",
    .help = "each endpoint: region, state, checker state, override, since, RTT, error, checks",
    .show = show,
};
