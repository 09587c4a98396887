/* Prometheus text exposition of steerd's counters and state. */
#include "config.h"
#include "metrics/metrics.h"
#include "dns/rrtype.h"
#include "answer/answer.h"
#include "common/log.h"
#include "common/time.h"
#include "answer/stats.h"
#include "conf/conf.h"
#include "dns/name.h"
#include "dnssec/signer.h"
#include "health/health.h"
#include "net/http.h"
#include "route/route.h"
#include "server/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct st_metrics {
	struct st_server *srv;
	const struct st_primary *primary;
	st_http_server_t *http;
	const struct st_fleet *fleet;
};

static const char *const rcode_names[] = {
    "NOERROR",	"FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
};

const char *st_rcode_label(unsigned rcode, char *buf, size_t len)
{
	if (rcode < sizeof(rcode_names) / sizeof(rcode_names[0]))
		return rcode_names[rcode];
	if (rcode == ST_STATS_RCODE_BADVERS)
		return "BADVERS";
	if (rcode == ST_STATS_RCODE_BADCOOKIE)
		return "BADCOOKIE";
	snprintf(buf, len, "RCODE%u", rcode);
	return buf;
}

void st_metrics_sum(struct st_server *srv, st_answer_stats_t *sum)
{
	memset(sum, 0, sizeof(*sum));
	size_t n = st_server_answer_ctx_count(srv);
	for (size_t i = 0; i < n; i++) {
		st_answer_ctx_t *ctx = st_server_answer_ctx(srv, i);
		if (ctx)
			st_answer_stats_add(sum, st_answer_ctx_stats(ctx));
	}
	st_server_route_sum(srv, sum);
}

void st_prom_header(st_buf_t *out, const char *name, const char *type, const char *help)
{
	st_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void st_prom_label_value(st_buf_t *out, const char *value)
{
	static const char *const escape[] = {"\\\\", "\\\"", "\\n"};
	st_buf_puts(out, "\"");
	st_buf_escape(out, value, "\\\"\n", escape, ST_ESC_CTL_KEEP);
	st_buf_puts(out, "\"");
}

/* The first label of a series starts it with the metric's name. */
static void label(st_buf_t *out, const char *metric, const char *key, const char *value)
{
	if (metric)
		st_buf_printf(out, "%s{%s=", metric, key);
	else
		st_buf_printf(out, ",%s=", key);
	st_prom_label_value(out, value);
}

static void queries(st_buf_t *out, const st_answer_stats_t *s)
{
	/* The workers count rcode, type and transport separately (no cross
	 * product on the query path), so each is its own metric and every
	 * metric sums to the total without double counting. */
	static const char *const tr[] = {"udp", "tcp"};
	st_prom_header(out, "steerdns_queries_total", "counter",
		       "DNS queries answered, by transport.");
	for (unsigned i = 0; i < 2; i++)
		st_buf_printf(out, "steerdns_queries_total{transport=\"%s\"} %llu\n", tr[i],
			      (unsigned long long)st_stat_get(&s->transport[i]));
	st_prom_header(out, "steerdns_responses_total", "counter", "DNS responses sent, by rcode.");
	char buf[16];
	for (unsigned i = 0; i < ST_STATS_RCODES; i++) {
		uint64_t v = st_stat_get(&s->rcode[i]);
		/* The usual rcodes always appear so that rate() has a series. */
		if (!v && i != 0 && i != 1 && i != 2 && i != 3 && i != 4 && i != 5)
			continue;
		label(out, "steerdns_responses_total", "rcode",
		      st_rcode_label(i, buf, sizeof(buf)));
		st_buf_printf(out, "} %llu\n", (unsigned long long)v);
	}
	st_prom_header(out, "steerdns_queries_by_qtype_total", "counter",
		       "DNS queries answered, by query type.");
	for (unsigned i = 0; i < ST_STATS_QTYPES; i++) {
		label(out, "steerdns_queries_by_qtype_total", "qtype",
		      st_answer_qtype_bucket_name(i));
		st_buf_printf(out, "} %llu\n", (unsigned long long)st_stat_get(&s->qtype[i]));
	}
	st_prom_header(out, "steerdns_queries_dropped_total", "counter",
		       "Messages dropped without an answer (responses, runts).");
	st_buf_printf(out, "steerdns_queries_dropped_total %llu\n",
		      (unsigned long long)st_stat_get(&s->dropped));
	st_prom_header(out, "steerdns_truncated_total", "counter",
		       "UDP answers sent truncated (TC=1).");
	st_buf_printf(out, "steerdns_truncated_total %llu\n",
		      (unsigned long long)st_stat_get(&s->truncated));
}

static void counter(st_buf_t *out, const char *name, const char *help, uint64_t v)
{
	st_prom_header(out, name, "counter", help);
	st_buf_printf(out, "%s %llu\n", name, (unsigned long long)v);
}

void st_prom_results(st_buf_t *out, const char *name, const char *help, const char *a, uint64_t va,
		     const char *b, uint64_t vb)
{
	st_prom_header(out, name, "counter", help);
	st_buf_printf(out, "%s{result=\"%s\"} %llu\n%s{result=\"%s\"} %llu\n", name, a,
		      (unsigned long long)va, name, b, (unsigned long long)vb);
}

static void gauge(st_buf_t *out, const char *name, const char *help, uint64_t v)
{
	st_prom_header(out, name, "gauge", help);
	st_buf_printf(out, "%s %llu\n", name, (unsigned long long)v);
}

/* Response rate limiting and DNS cookies (server.rrl, server.cookies). */
static void limits(st_buf_t *out, const st_answer_stats_t *s)
{
	const st_rrl_counters_t *r = &s->rrl;
	counter(out, "steerdns_rrl_limited_total",
		"UDP responses over the rate limit (slipped plus dropped).", r->limited);
	counter(out, "steerdns_rrl_slipped_total",
		"Limited responses sent truncated (or BADCOOKIE) instead.", r->slipped);
	counter(out, "steerdns_rrl_dropped_total", "Limited responses not sent.", r->dropped);
	counter(out, "steerdns_rrl_limiting_started_total",
		"Times a bucket (network, class, name) went over the rate.", r->entered);
	counter(out, "steerdns_rrl_evicted_total",
		"Buckets with state given up because the table was full.", r->evicted);
	gauge(out, "steerdns_rrl_table_buckets_used", "Rate limiting buckets in use, all workers.",
	      r->used);
	gauge(out, "steerdns_rrl_table_buckets", "Rate limiting buckets, all workers.", r->size);
	static const char *const seen[ST_COOKIE_SEEN_N] = {
	    [ST_COOKIE_SEEN_CLIENT] = "none",
	    [ST_COOKIE_SEEN_VALID] = "valid",
	    [ST_COOKIE_SEEN_INVALID] = "invalid",
	};
	st_prom_header(out, "steerdns_cookie_queries_total", "counter",
		       "Queries with a DNS cookie, by their server cookie.");
	for (unsigned i = 0; i < ST_COOKIE_SEEN_N; i++)
		st_buf_printf(out, "steerdns_cookie_queries_total{server_cookie=\"%s\"} %llu\n",
			      seen[i], (unsigned long long)st_stat_get(&s->cookies[i]));
}

static void answers(st_buf_t *out, const st_conf_t *conf, const st_answer_stats_t *s)
{
	st_prom_header(out, "steerdns_answers_total", "counter",
		       "Addresses handed out in routed answers, by region and endpoint "
		       "(sum by region for the traffic split).");
	for (size_t i = 0; i < conf->n_endpoints && i < ST_STATS_ROUTE_MAX; i++) {
		label(out, "steerdns_answers_total", "region",
		      conf->regions[conf->endpoints[i].region].name);
		label(out, NULL, "endpoint", conf->endpoints[i].name);
		st_buf_printf(out, "} %llu\n",
			      (unsigned long long)st_stat_get(&s->route_endpoint[i]));
	}
	st_prom_header(out, "steerdns_record_answers_total", "counter",
		       "Routed answers, by record (owner/type).");
	for (size_t i = 0; i < conf->n_records && i < ST_STATS_ROUTE_MAX; i++) {
		char rec[300];
		snprintf(rec, sizeof(rec), "%s/%s", conf->records[i].owner,
			 st_rrtype_name(conf->records[i].type));
		label(out, "steerdns_record_answers_total", "record", rec);
		st_buf_printf(out, "} %llu\n",
			      (unsigned long long)st_stat_get(&s->route_record[i]));
	}
	counter(out, "steerdns_nested_answers_total",
		"Routed answers given by a record another one names (\"@name\").",
		st_stat_get(&s->nested));
	counter(out, "steerdns_sticky_answers_total",
		"Routed answers decided by a sticky pick (a hash of the client's subnet).",
		st_stat_get(&s->sticky));
}

static void health(st_buf_t *out, const st_conf_t *conf, const st_view_t *view)
{
	uint64_t now = st_mono_ns();
	st_prom_header(out, "steerdns_endpoint_up", "gauge",
		       "Effective endpoint health: 1 up, 0 down or drained.");
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		label(out, "steerdns_endpoint_up", "endpoint", conf->endpoints[i].name);
		label(out, NULL, "region", conf->regions[conf->endpoints[i].region].name);
		st_buf_printf(out, "} %d\n",
			      !view->health || st_health_up(view->health, (uint32_t)i) ? 1 : 0);
	}
	st_prom_header(out, "steerdns_endpoint_state_age_seconds", "gauge",
		       "Seconds since the checker last changed the endpoint's state.");
	for (size_t i = 0; view->health && i < conf->n_endpoints; i++) {
		st_health_info_t in;
		memset(&in, 0, sizeof(in));
		if (st_health_info(view->health, (uint32_t)i, &in) < 0 ||
		    !in.checker.last_change_ns || in.checker.last_change_ns > now)
			continue;
		label(out, "steerdns_endpoint_state_age_seconds", "endpoint",
		      conf->endpoints[i].name);
		label(out, NULL, "region", conf->regions[conf->endpoints[i].region].name);
		st_buf_printf(out, "} %.3f\n", (double)(now - in.checker.last_change_ns) / 1e9);
	}
	st_prom_header(out, "steerdns_endpoint_rtt_seconds", "gauge",
		       "Average round-trip time of the endpoint's successful probes.");
	for (size_t i = 0; view->health && i < conf->n_endpoints; i++) {
		st_health_info_t in;
		memset(&in, 0, sizeof(in));
		if (st_health_info(view->health, (uint32_t)i, &in) < 0 || !in.checker.rtt_us)
			continue;
		label(out, "steerdns_endpoint_rtt_seconds", "endpoint", conf->endpoints[i].name);
		label(out, NULL, "region", conf->regions[conf->endpoints[i].region].name);
		st_buf_printf(out, "} %.6f\n", in.checker.rtt_us / 1e6);
	}
	st_prom_header(out, "steerdns_endpoint_check_up", "gauge",
		       "Each check of an endpoint as it counts for the endpoint's state (inverted "
		       "checks inverted): 1 up, 0 down; absent while it has no verdict.");
	for (size_t i = 0; view->health && i < conf->n_endpoints; i++) {
		const st_conf_endpoint_t *ep = &conf->endpoints[i];
		st_health_info_t in;
		memset(&in, 0, sizeof(in));
		if (ep->n_checks == 0 || st_health_info(view->health, (uint32_t)i, &in) < 0 ||
		    in.unreadable || in.checker.n_checks != ep->n_checks)
			continue;
		for (uint32_t k = 0; k < ep->n_checks; k++) {
			st_health_state_t s = st_health_check_state(&in.checker, k);
			if (s == ST_HEALTH_UNKNOWN)
				continue;
			label(out, "steerdns_endpoint_check_up", "endpoint", ep->name);
			label(out, NULL, "region", conf->regions[ep->region].name);
			label(out, NULL, "check", conf->checks[ep->checks[k]].name);
			st_buf_printf(out, "} %d\n", s == ST_HEALTH_UP);
		}
	}
	st_prom_header(out, "steerdns_endpoint_override", "gauge",
		       "Admin override of the endpoint: 1 for the active kind.");
	for (size_t i = 0; view->health && i < conf->n_endpoints; i++) {
		st_override_t ov = st_health_get_override(view->health, (uint32_t)i);
		if (ov == ST_OVERRIDE_NONE)
			continue;
		label(out, "steerdns_endpoint_override", "endpoint", conf->endpoints[i].name);
		st_buf_printf(out, ",override=\"%s\"} 1\n",
			      ov == ST_OVERRIDE_DRAIN ? "drain"
			      : ov == ST_OVERRIDE_UP  ? "up"
						      : "down");
	}
	if (view->health && conf->n_endpoints > 0) {
		uint64_t age = st_health_age_ms(view->health);
		st_prom_header(out, "steerdns_health_table_age_seconds", "gauge",
			       "Age of the checker's heartbeat (NaN: no valid table).");
		if (age == UINT64_MAX)
			st_buf_puts(out, "steerdns_health_table_age_seconds NaN\n");
		else
			st_buf_printf(out, "steerdns_health_table_age_seconds %.3f\n",
				      (double)age / 1e3);
		st_prom_header(out, "steerdns_health_table_stale", "gauge",
			       "1 when the heartbeat is older than health.stale_after.");
		st_buf_printf(out, "steerdns_health_table_stale %d\n",
			      st_health_stale(view->health) ? 1 : 0);
		st_health_checker_t ck;
		st_health_checker(view->health, &ck);
		st_prom_header(out, "steerdns_health_checker_beating", "gauge",
			       "1 while the checker's heartbeat comes on time.");
		st_buf_printf(out, "steerdns_health_checker_beating %d\n",
			      ck.status == ST_CHECKER_BEATING);
		st_prom_header(out, "steerdns_health_table_unreadable_slots", "gauge",
			       "Slots not believed (no known state, or a sequence word that "
			       "does not settle): health.on_stale applies to them.");
		st_buf_printf(out, "steerdns_health_table_unreadable_slots %zu\n",
			      st_health_bad_slots(view->health));
	}
	st_prom_header(out, "steerdns_region_dial_ratio", "gauge",
		       "Traffic dial of the region, 0 to 1.");
	for (size_t r = 0; r < conf->n_regions; r++) {
		uint32_t dial = view->route ? st_route_get_dial(view->route, (uint32_t)r)
					    : conf->regions[r].dial;
		label(out, "steerdns_region_dial_ratio", "region", conf->regions[r].name);
		st_buf_printf(out, "} %.2f\n", dial / 100.0);
	}
}

static void reloads(st_buf_t *out, struct st_server *srv)
{
	st_reload_stats_t rs;
	st_server_reload_stats(srv, &rs);
	st_prom_results(out, "steerdns_reloads_total", "Reloads by result.", "success", rs.ok,
			"failure", rs.failed);
	st_prom_header(out, "steerdns_last_reload_timestamp_seconds", "gauge",
		       "Unix time of the last reload by result (0: never).");
	st_buf_printf(out, "steerdns_last_reload_timestamp_seconds{result=\"success\"} %.3f\n",
		      (double)rs.last_ok_ns / 1e9);
	st_buf_printf(out, "steerdns_last_reload_timestamp_seconds{result=\"failure\"} %.3f\n",
		      (double)rs.last_failed_ns / 1e9);
}

/* Online signing: work summed over the workers, and per signed zone the
 * keys and when the signatures served now expire. */
static void dnssec(st_buf_t *out, struct st_server *srv, const st_view_t *view)
{
	st_sign_stats_t sum = {0, 0, 0, 0, 0};
	size_t n = st_server_answer_ctx_count(srv);
	for (size_t i = 0; i < n; i++) {
		st_answer_ctx_t *ctx = st_server_answer_ctx(srv, i);
		const st_sign_stats_t *one = ctx ? st_answer_ctx_sign_stats(ctx) : NULL;
		if (!one)
			continue;
		sum.signatures += st_stat_get(&one->signatures);
		sum.hits += st_stat_get(&one->hits);
		sum.misses += st_stat_get(&one->misses);
		sum.sign_ns += st_stat_get(&one->sign_ns);
		sum.failures += st_stat_get(&one->failures);
	}
	counter(out, "steerdns_dnssec_signatures_total", "RRSIG records made by online signing.",
		sum.signatures);
	st_prom_results(out, "steerdns_dnssec_rrsets_total",
			"Signed RRsets answered, by whether their signatures were made before "
			"(hit) or for this answer (miss).",
			"hit", sum.hits, "miss", sum.misses);
	st_prom_header(out, "steerdns_dnssec_signing_seconds_total", "counter",
		       "Time the workers spent making signatures.");
	st_buf_printf(out, "steerdns_dnssec_signing_seconds_total %.6f\n",
		      (double)sum.sign_ns / 1e9);
	counter(out, "steerdns_dnssec_signing_failures_total",
		"RRsets that could not be signed (the answer was SERVFAIL).", sum.failures);
	st_prom_header(out, "steerdns_dnssec_signatures_expire_timestamp_seconds", "gauge",
		       "Unix time at which the signatures served now expire, per signed zone.");
	size_t nz = view->zones ? st_zoneset_count(view->zones) : 0;
	for (size_t i = 0; i < nz; i++) {
		const st_zone_t *z = st_zoneset_get(view->zones, i);
		const st_signer_t *sg = st_zoneset_ext(view->zones, z);
		if (!sg)
			continue;
		label(out, "steerdns_dnssec_signatures_expire_timestamp_seconds", "zone",
		      st_zone_name(z));
		st_buf_printf(out, "} %u\n", st_sigstate_expiration(st_signer_state(sg)));
	}
	st_prom_header(out, "steerdns_dnssec_key_info", "gauge",
		       "Keys of the signed zones (always 1): tag, algorithm, role, state.");
	for (size_t i = 0; i < nz; i++) {
		const st_zone_t *z = st_zoneset_get(view->zones, i);
		const st_signer_t *sg = st_zoneset_ext(view->zones, z);
		st_key_info_t k[16];
		size_t nk = sg ? st_signer_key_info(sg, k, 16) : 0;
		for (size_t j = 0; j < nk; j++) {
			label(out, "steerdns_dnssec_key_info", "zone", st_zone_name(z));
			st_buf_printf(out, ",tag=\"%u\",algorithm=\"%u\",role=\"%s\",state=\"%s\"} 1\n",
				      k[j].tag, k[j].alg, k[j].role, k[j].state);
		}
	}
}

void st_metrics_render(struct st_server *srv, const struct st_primary *primary, st_buf_t *out)
{
	const st_conf_t *conf = st_server_conf(srv);
	st_view_t *view = st_server_view(srv);
	st_answer_stats_t *s = calloc(1, sizeof(*s));
	if (!s) {
		out->oom = true;
		return;
	}
	st_metrics_sum(srv, s);
	st_prom_header(out, "steerdns_build_info", "gauge", "Build information (always 1).");
	st_buf_printf(out, "steerdns_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	st_prom_header(out, "steerdns_start_time_seconds", "gauge",
		       "Unix time at which steerd started.");
	st_buf_printf(out, "steerdns_start_time_seconds %.3f\n",
		      (double)st_server_started_ns(srv) / 1e9);
	queries(out, s);
	limits(out, s);
	answers(out, conf, s);
	health(out, conf, view);
	reloads(out, srv);
	dnssec(out, srv, view);
	st_metrics_transfers(out, view, primary, s);
	free(s);
}

static char *page(void *arg, size_t *len)
{
	st_metrics_t *m = arg;
	st_buf_t b;
	st_buf_init(&b);
	st_metrics_render(m->srv, m->primary, &b);
	st_metrics_render_fleet(m->srv, m->fleet, &b);
	if (b.oom) {
		st_buf_free(&b);
		return NULL;
	}
	return st_buf_steal(&b, len);
}

int st_metrics_start(struct st_server *srv, st_metrics_t **out, st_diag_t *diag)
{
	const st_conf_t *conf = st_server_conf(srv);
	st_metrics_t *m = calloc(1, sizeof(*m));
	if (!m)
		return ST_ENOMEM;
	m->srv = srv;
	int rc =
	    st_http_listen(st_server_loop(srv), conf->metrics, "/metrics",
			   "text/plain; version=0.0.4; charset=utf-8", page, m, &m->http, diag);
	if (rc < 0) {
		free(m);
		return rc;
	}
	st_log_info("metrics at http://%s/metrics", conf->metrics);
	*out = m;
	return 0;
}

int st_metrics_add_page(st_metrics_t *m, const char *path, const char *content_type,
			st_http_page_cb_t cb, void *arg)
{
	return st_http_add(m->http, path, content_type, cb, arg);
}

void st_metrics_use_primary(st_metrics_t *m, const struct st_primary *primary)
{
	m->primary = primary;
}

void st_metrics_use_fleet(st_metrics_t *m, const struct st_fleet *fleet)
{
	if (m)
		m->fleet = fleet;
}

void st_metrics_free(st_metrics_t *m)
{
	if (!m)
		return;
	st_http_close(m->http);
	free(m);
}
