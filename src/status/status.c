/* The status page service: the page on the metrics listener and the timer
 * that samples the traffic split. */
#include "status/status.h"
#include "status/split.h"
#include "answer/stats.h"
#include "common/log.h"
#include "common/time.h"
#include "conf/conf.h"
#include "metrics/metrics.h"
#include "net/ev.h"
#include "server/server.h"

#include <stdlib.h>

struct st_status {
	st_status_src_t src;
	st_split_t *split;
	st_ev_t *timer;
};

/* Each region's routed answers since start, by the current config's names. */
static void sample(st_status_t *st)
{
	const st_conf_t *conf = st_server_conf(st->src.srv);
	size_t n = conf->n_regions < ST_STATS_ROUTE_MAX ? conf->n_regions : ST_STATS_ROUTE_MAX;
	st_answer_stats_t *sum = calloc(1, sizeof(*sum));
	const char **names = calloc(n ? n : 1, sizeof(*names));
	if (sum && names) {
		st_server_route_sum(st->src.srv, sum);
		for (size_t i = 0; i < n; i++)
			names[i] = conf->regions[i].name;
		if (st_split_sample(st->split, st_real_ns(), names, sum->route_region, n) < 0)
			st_log_warn("status page: out of memory, a traffic sample is lost");
	}
	free(names);
	free(sum);
}

static void on_timer(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sample(arg);
}

static char *page(void *arg, size_t *len)
{
	st_status_t *st = arg;
	st_buf_t b;
	st_buf_init(&b);
	st_status_render(&st->src, &b);
	if (b.oom) {
		st_buf_free(&b);
		return NULL;
	}
	return st_buf_steal(&b, len);
}

int st_status_start(struct st_server *srv, struct st_metrics *metrics, st_status_t **out,
		    st_diag_t *diag)
{
	st_status_t *st = calloc(1, sizeof(*st));
	if (!st)
		return ST_ENOMEM;
	st->src.srv = srv;
	st->split = st_split_new(ST_STATUS_INTERVALS);
	st->src.split = st->split;
	st->timer = st_ev_timer_new(st_server_loop(srv), true, on_timer, st);
	int rc = ST_ENOMEM;
	if (!st->split || !st->timer || st_ev_timer_start(st->timer, ST_STATUS_SAMPLE_MS) < 0)
		goto fail;
	rc = st_metrics_add_page(metrics, "/", "text/html; charset=utf-8", page, st);
	if (rc < 0) {
		st_diag_set(diag, rc, "status page: %s", st_strerror(rc));
		goto fail;
	}
	sample(st); /* the start of the first interval */
	*out = st;
	return 0;
fail:
	st_status_free(st);
	return rc;
}

void st_status_use_ctl(st_status_t *st, const struct st_ctl *ctl)
{
	if (st)
		st->src.ctl = ctl;
}

void st_status_use_fleet(st_status_t *st, const struct st_fleet *fleet)
{
	if (st)
		st->src.fleet = fleet;
}

void st_status_free(st_status_t *st)
{
	if (!st)
		return;
	st_ev_free(st->timer);
	st_split_free(st->split);
	free(st);
}
