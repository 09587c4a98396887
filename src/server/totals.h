/* Routed-answer counts by name across reloads: what the retired views
 * counted, kept under each record's, region's and endpoint's labels. */
#ifndef ST_SERVER_TOTALS_H
#define ST_SERVER_TOTALS_H

#include "answer/stats.h"

struct st_conf;

typedef struct st_route_totals st_route_totals_t;

st_route_totals_t *st_route_totals_new(void);
void st_route_totals_free(st_route_totals_t *t); /* NULL ok */

/* Make room for every name of conf, before a view built from it is
 * published: folding and reading then never allocate. A name stays once
 * added, so that one that leaves the config and comes back continues from
 * its count. */
int st_route_totals_reserve(st_route_totals_t *t, const struct st_conf *conf);

/* Add the counts of a view built from conf (indexed by conf, relaxed loads)
 * to its names. Every name of conf must have been reserved. */
void st_route_totals_fold(st_route_totals_t *t, const struct st_conf *conf,
			  const st_route_counts_t *c);

/* Per index of conf: the name's folded count into out->route_* (the rest
 * of out untouched). */
void st_route_totals_get(const st_route_totals_t *t, const struct st_conf *conf,
			 st_answer_stats_t *out);

#endif
