/* Prometheus metrics (text exposition format 0.0.4) at server.metrics
 * /metrics, and the counter sums that `steerctl stats` shows too. */
#ifndef ST_METRICS_METRICS_H
#define ST_METRICS_METRICS_H

#include "answer/stats.h"
#include "common/errors.h"
#include "ctl/buf.h"

struct st_server;
struct st_conf;

typedef struct st_metrics st_metrics_t;

/* Serve server.metrics on the server's loop. */
int st_metrics_start(struct st_server *srv, st_metrics_t **out, st_diag_t *diag);
void st_metrics_free(st_metrics_t *m);

/* The whole page. */
void st_metrics_render(struct st_server *srv, st_buf_t *out);

/* Sum the counters of every answer context (sum is zeroed first); routed
 * answers come out per name of the current config (see tally.h). */
void st_metrics_sum(struct st_server *srv, st_answer_stats_t *sum);
/* Before a reload from old_conf to new_conf is published: keep each
 * record's, region's and endpoint's count with its name. Main loop only. */
int st_metrics_rebase(struct st_server *srv, const struct st_conf *old_conf,
		      const struct st_conf *new_conf);
/* Drop what st_metrics_rebase kept for srv. */
void st_metrics_forget(struct st_server *srv);
/* "NOERROR", "NXDOMAIN", ..., "BADVERS"; "RCODE12" for unnamed ones. */
const char *st_rcode_label(unsigned rcode, char *buf, size_t len);

/* Exposition helpers (exported for the unit tests). */
void st_prom_header(st_buf_t *out, const char *name, const char *type, const char *help);
/* A label value with \\, \" and \n escaped. */
void st_prom_label_value(st_buf_t *out, const char *value);

#endif
