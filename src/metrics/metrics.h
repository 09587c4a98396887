/* Prometheus metrics (text exposition format 0.0.4) at server.metrics
 * /metrics, and the counter sums that `steerctl stats` shows too. */
#ifndef ST_METRICS_METRICS_H
#define ST_METRICS_METRICS_H

#include "answer/stats.h"
#include "common/errors.h"
#include "common/buf.h"
#include "net/http.h"

struct st_server;

typedef struct st_metrics st_metrics_t;

/* Serve server.metrics on the server's loop. */
int st_metrics_start(struct st_server *srv, st_metrics_t **out, st_diag_t *diag);
void st_metrics_free(st_metrics_t *m);
/* Serve one more page on the metrics listener (net/http.h). */
int st_metrics_add_page(st_metrics_t *m, const char *path, const char *content_type,
			st_http_page_cb_t cb, void *arg);
/* The zone transfer service whose NOTIFY results the page shows. */
struct st_primary;
void st_metrics_use_primary(st_metrics_t *m, const struct st_primary *primary);

/* The whole page (primary may be NULL). */
void st_metrics_render(struct st_server *srv, const struct st_primary *primary, st_buf_t *out);

/* The zone transfer part of the page (transfer.c). */
struct st_view;
void st_metrics_transfers(st_buf_t *out, const struct st_view *view,
			  const struct st_primary *primary, const st_answer_stats_t *s);

/* The fleet whose figures the page shows (NULL: none). */
struct st_fleet;
void st_metrics_use_fleet(st_metrics_t *m, const struct st_fleet *fleet);
/* The fleet's part of the page (fleet.c; nothing without a fleet). */
void st_metrics_render_fleet(struct st_server *srv, const struct st_fleet *fleet, st_buf_t *out);

/* Sum the counters of every answer context (sum is zeroed first); routed
 * answers come out per index of the current config, each name's count
 * since start (st_server_route_sum). */
void st_metrics_sum(struct st_server *srv, st_answer_stats_t *sum);
/* "NOERROR", "NXDOMAIN", ..., "BADVERS"; "RCODE12" for unnamed ones. */
const char *st_rcode_label(unsigned rcode, char *buf, size_t len);

/* Exposition helpers (exported for the unit tests). */
void st_prom_header(st_buf_t *out, const char *name, const char *type, const char *help);
/* A counter of two series by result: name{result="a"} va, then b's. */
void st_prom_results(st_buf_t *out, const char *name, const char *help, const char *a,
		     uint64_t va, const char *b, uint64_t vb);
/* A label value with \\, \" and \n escaped. */
void st_prom_label_value(st_buf_t *out, const char *value);

#endif
