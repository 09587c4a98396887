/* The status page: GET / on the metrics listener (server.metrics), one
 * HTML page with no external assets that refreshes itself. It shows the
 * regions and endpoints with their health as the checker and the fleet's
 * quorum see it, overrides, dials and ramps, the traffic split per region
 * over the last minutes, the health table's age, the last reloads and the
 * zones. Read-only: it changes nothing. */
#ifndef ST_STATUS_STATUS_H
#define ST_STATUS_STATUS_H

#include "common/buf.h"
#include "common/errors.h"

struct st_server;
struct st_metrics;
struct st_ctl;
struct st_fleet;
struct st_split;

/* One sample of the traffic split every ST_STATUS_SAMPLE_MS, the last
 * ST_STATUS_INTERVALS kept (ten minutes). */
#define ST_STATUS_SAMPLE_MS 10000
#define ST_STATUS_INTERVALS 60
/* The page asks the browser to load it again this often. */
#define ST_STATUS_REFRESH_S 10

typedef struct st_status st_status_t;

/* Serve / on the metrics service's listener and start sampling the
 * traffic split on the server's loop. */
int st_status_start(struct st_server *srv, struct st_metrics *metrics, st_status_t **out,
		    st_diag_t *diag);
/* The control plane whose drains, dials and ramps the page shows (NULL: none). */
void st_status_use_ctl(st_status_t *st, const struct st_ctl *ctl);
/* The fleet service whose link to etcd the page shows (NULL: none). */
void st_status_use_fleet(st_status_t *st, const struct st_fleet *fleet);
/* Stop sampling; accepts NULL. Free before the metrics service. */
void st_status_free(st_status_t *st);

/* What the page is made from (page.c). */
typedef struct st_status_src {
	struct st_server *srv;
	const struct st_ctl *ctl;     /* NULL: no control plane */
	const struct st_fleet *fleet; /* NULL: no fleet service */
	const struct st_split *split;
} st_status_src_t;

void st_status_render(const st_status_src_t *src, st_buf_t *out);

#endif
