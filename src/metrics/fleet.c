/* The fleet's part of the metrics page: how this site's checker decides
 * (from the health table's header and slots) and how this nameserver's
 * link to etcd fares (from the fleet service). */
#include "metrics/metrics.h"
#include "common/time.h"
#include "conf/conf.h"
#include "fleet/node.h"
#include "health/health.h"
#include "server/server.h"

#include <string.h>

static void endpoint_label(st_buf_t *out, const char *metric, const char *name)
{
	st_buf_printf(out, "%s{endpoint=", metric);
	st_prom_label_value(out, name);
	st_buf_puts(out, "}");
}

static unsigned votes_up(const st_health_info_t *in)
{
	return in->checker.votes_up;
}

static unsigned voters(const st_health_info_t *in)
{
	return in->checker.voters;
}

static unsigned disagrees(const st_health_info_t *in)
{
	return in->checker.local != ST_HEALTH_UNKNOWN && in->checker.local != in->checker.state;
}

/* A gauge of each endpoint the vantage points vote on. */
static void vote_gauge(st_buf_t *out, const st_conf_t *conf, const st_view_t *view,
		       const char *metric, const char *help,
		       unsigned (*value)(const st_health_info_t *in))
{
	st_prom_header(out, metric, "gauge", help);
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		st_health_info_t in;
		if (st_health_info(view->health, (uint32_t)i, &in) < 0 || !in.checker.voters)
			continue;
		endpoint_label(out, metric, conf->endpoints[i].name);
		st_buf_printf(out, " %u\n", value(&in));
	}
}

static void checker_part(st_buf_t *out, const st_conf_t *conf, const st_view_t *view,
			 const st_health_fleet_t *hf)
{
	static const st_fleet_mode_t modes[] = {ST_FLEET_AGREED, ST_FLEET_KEPT, ST_FLEET_OWN};
	st_prom_header(out, "steerdns_fleet_mode", "gauge",
		       "How the checker decides: agreed (the quorum's states), kept (etcd "
		       "unreachable: the last agreed ones), own (its own view).");
	for (size_t i = 0; i < 3; i++)
		st_buf_printf(out, "steerdns_fleet_mode{mode=\"%s\"} %d\n",
			      st_fleet_mode_name(modes[i]), hf->mode == modes[i]);
	st_prom_header(out, "steerdns_fleet_vantage_points_live", "gauge",
		       "Vantage points with a view in etcd, as the checker counts them.");
	st_buf_printf(out, "steerdns_fleet_vantage_points_live %u\n", hf->vantages);
	vote_gauge(out, conf, view, "steerdns_fleet_votes_up",
		   "Vantage points that see the endpoint up.", votes_up);
	vote_gauge(out, conf, view, "steerdns_fleet_voters",
		   "Live vantage points with a view of the endpoint.", voters);
	vote_gauge(out, conf, view, "steerdns_fleet_disagreement",
		   "1 when this site's own view of the endpoint differs from the agreed state.",
		   disagrees);
}

static void node_part(st_buf_t *out, const st_fleet_t *fleet)
{
	st_fleet_status_t s;
	st_fleet_status(fleet, &s);
	st_prom_header(out, "steerdns_fleet_etcd_reachable", "gauge",
		       "1 when etcd answered this nameserver within fleet.view_ttl.");
	st_buf_printf(out, "steerdns_fleet_etcd_reachable %d\n", s.reachable);
	st_prom_header(out, "steerdns_fleet_nodes_live", "gauge",
		       "Nameservers of the fleet with a live record in etcd.");
	st_buf_printf(out, "steerdns_fleet_nodes_live %zu\n", s.nodes_live);
	st_prom_header(out, "steerdns_fleet_config_drift", "gauge",
		       "1 when a live node or vantage point runs another config than this one.");
	st_buf_printf(out, "steerdns_fleet_config_drift %d\n", s.drift);
	st_prom_results(out, "steerdns_fleet_etcd_requests_total",
			"Requests this nameserver sent to etcd, by outcome.", "answered",
			s.requests - s.failures, "failed", s.failures);
}

static void age(st_buf_t *out, const char *process, uint64_t ok_ns, uint64_t now)
{
	st_buf_printf(out, "steerdns_fleet_etcd_answer_age_seconds{process=\"%s\"} ", process);
	if (ok_ns && ok_ns <= now)
		st_buf_printf(out, "%.3f\n", (double)(now - ok_ns) / 1e9);
	else
		st_buf_puts(out, "NaN\n");
}

void st_metrics_render_fleet(struct st_server *srv, const struct st_fleet *fleet, st_buf_t *out)
{
	const st_conf_t *conf = st_server_conf(srv);
	const st_view_t *view = st_server_view(srv);
	if (!conf->fleet.enabled)
		return;
	st_health_fleet_t hf;
	st_health_fleet(view->health, &hf);
	bool checker = view->health && hf.mode != ST_FLEET_NONE;
	bool node = st_fleet_active(fleet);
	st_fleet_status_t s;
	st_fleet_status(fleet, &s);
	if (checker)
		checker_part(out, conf, view, &hf);
	if (node)
		node_part(out, fleet);
	if (!checker && !node)
		return;
	uint64_t now = st_mono_ns();
	st_prom_header(out, "steerdns_fleet_etcd_answer_age_seconds", "gauge",
		       "Since etcd last answered, by process (NaN: never).");
	if (checker)
		age(out, "steercheck", hf.etcd_ok_ns, now);
	if (node)
		age(out, "steerd", s.etcd_ok_ns, now);
	st_prom_header(out, "steerdns_fleet_watch_lag_seconds", "gauge",
		       "From a write of the process until its own watch saw it.");
	if (checker)
		st_buf_printf(out,
			      "steerdns_fleet_watch_lag_seconds{process=\"steercheck\"} %.3f\n",
			      hf.watch_lag_ms / 1e3);
	if (node)
		st_buf_printf(out, "steerdns_fleet_watch_lag_seconds{process=\"steerd\"} %.3f\n",
			      s.watch_lag_ms / 1e3);
}
