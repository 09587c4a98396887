/* Zone transfer metrics: per zone its serial, the IXFR versions kept and
 * the transfers served; NOTIFY results; TSIG-signed queries. */
#include "metrics/metrics.h"
#include "primary/primary.h"
#include "xfr/xfr.h"
#include "zone/zone.h"

#include <stdatomic.h>

static unsigned long long get(_Atomic uint64_t *c)
{
	return (unsigned long long)atomic_load_explicit(c, memory_order_relaxed);
}

static void zone_series(st_buf_t *out, const char *metric, const char *zone, const char *kind)
{
	st_buf_printf(out, "%s{zone=", metric);
	st_prom_label_value(out, zone);
	if (kind)
		st_buf_printf(out, ",%s", kind);
	st_buf_puts(out, "} ");
}

void st_metrics_transfers(st_buf_t *out, const st_view_t *view, const st_primary_t *primary,
			  const st_answer_stats_t *s)
{
	st_prom_header(out, "steerdns_tsig_queries_total", "counter",
		       "TSIG-signed queries, by whether the signature checked out.");
	st_buf_printf(out, "steerdns_tsig_queries_total{result=\"ok\"} %llu\n",
		      (unsigned long long)(s->tsig - s->tsig_failed));
	st_buf_printf(out, "steerdns_tsig_queries_total{result=\"failed\"} %llu\n",
		      (unsigned long long)s->tsig_failed);

	size_t n = st_xfr_set_count(view->xfr);
	st_prom_header(out, "steerdns_zone_serial", "gauge",
		       "SOA serial of each zone that secondaries transfer.");
	for (size_t i = 0; i < n; i++) {
		const st_xfr_zone_t *xz = st_xfr_set_get(view->xfr, i);
		zone_series(out, "steerdns_zone_serial", st_zone_name(st_xfr_zone_zone(xz)), NULL);
		st_buf_printf(out, "%u\n", st_xfr_zone_serial(xz));
	}
	st_prom_header(out, "steerdns_zone_ixfr_versions", "gauge",
		       "Differences kept to answer IXFR, per zone.");
	for (size_t i = 0; i < n; i++) {
		const st_xfr_zone_t *xz = st_xfr_set_get(view->xfr, i);
		zone_series(out, "steerdns_zone_ixfr_versions", st_zone_name(st_xfr_zone_zone(xz)),
			    NULL);
		st_buf_printf(out, "%zu\n", st_xfr_zone_versions(xz));
	}
	st_prom_header(out, "steerdns_zone_transfers_total", "counter",
		       "Transfer requests per zone by outcome: axfr (full answer), ixfr, uptodate "
		       "(SOA alone), udp_truncated, refused, tsig_failed.");
	for (size_t i = 0; i < n; i++) {
		const st_xfr_zone_t *xz = st_xfr_set_get(view->xfr, i);
		st_xfr_stats_t *st = st_xfr_zone_stats(xz);
		const char *zone = st_zone_name(st_xfr_zone_zone(xz));
		const struct {
			const char *kind;
			_Atomic uint64_t *c;
		} v[] = {{"result=\"axfr\"", &st->axfr},
			 {"result=\"ixfr\"", &st->ixfr},
			 {"result=\"uptodate\"", &st->uptodate},
			 {"result=\"udp_truncated\"", &st->udp_tc},
			 {"result=\"refused\"", &st->refused},
			 {"result=\"tsig_failed\"", &st->notauth}};
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
			zone_series(out, "steerdns_zone_transfers_total", zone, v[k].kind);
			st_buf_printf(out, "%llu\n", get(v[k].c));
		}
	}
	st_prom_header(out, "steerdns_zone_transfers_ended_total", "counter",
		       "Transfers over TCP sent to the end, or cut short (client gone).");
	for (size_t i = 0; i < n; i++) {
		const st_xfr_zone_t *xz = st_xfr_set_get(view->xfr, i);
		st_xfr_stats_t *st = st_xfr_zone_stats(xz);
		const char *zone = st_zone_name(st_xfr_zone_zone(xz));
		zone_series(out, "steerdns_zone_transfers_ended_total", zone,
			    "result=\"completed\"");
		st_buf_printf(out, "%llu\n", get(&st->done));
		zone_series(out, "steerdns_zone_transfers_ended_total", zone, "result=\"aborted\"");
		st_buf_printf(out, "%llu\n", get(&st->aborted));
	}
	st_prom_header(out, "steerdns_zone_transfer_bytes_total", "counter",
		       "Bytes of transfer answers sent over TCP, per zone.");
	for (size_t i = 0; i < n; i++) {
		const st_xfr_zone_t *xz = st_xfr_set_get(view->xfr, i);
		zone_series(out, "steerdns_zone_transfer_bytes_total",
			    st_zone_name(st_xfr_zone_zone(xz)), NULL);
		st_buf_printf(out, "%llu\n", get(&st_xfr_zone_stats(xz)->bytes));
	}

	st_notify_totals_t t;
	st_notify_totals(st_primary_notify(primary), &t);
	st_prom_header(out, "steerdns_notify_total", "counter",
		       "NOTIFY messages sent (tries included), and NOTIFYs answered or failed.");
	st_buf_printf(out, "steerdns_notify_total{result=\"sent\"} %llu\n",
		      (unsigned long long)t.sent);
	st_buf_printf(out, "steerdns_notify_total{result=\"answered\"} %llu\n",
		      (unsigned long long)t.answered);
	st_buf_printf(out, "steerdns_notify_total{result=\"failed\"} %llu\n",
		      (unsigned long long)t.failed);
}
