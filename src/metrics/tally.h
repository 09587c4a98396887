/* Routed-answer counters by name across reloads. The workers count answers
 * per record, region and endpoint by their index in the config; a reload
 * may move names to other indices. The tally keeps each name's count as a
 * carry per index, so that a series (its labels) only ever grows, and a
 * name that leaves the config and comes back continues where it was. */
#ifndef ST_METRICS_TALLY_H
#define ST_METRICS_TALLY_H

#include "answer/stats.h"
#include "conf/conf.h"

#include <stdbool.h>

typedef struct st_route_tally st_route_tally_t;

st_route_tally_t *st_route_tally_new(void);
void st_route_tally_free(st_route_tally_t *t); /* NULL ok */

/* At a reload from old_conf to new_conf, with the workers' summed raw
 * counters (indexed by old_conf): from now on st_route_tally_apply maps
 * raw counters indexed by new_conf. On ST_ENOMEM the mapping may be
 * partly updated. Answers still in flight on the old view when it is
 * replaced count for the new config's name at the same index. */
int st_route_tally_rebase(st_route_tally_t *t, const st_conf_t *old_conf, const st_conf_t *new_conf,
			  const st_answer_stats_t *raw);

/* Turn raw per-index counters (current config) into per-name counters. */
void st_route_tally_apply(const st_route_tally_t *t, st_answer_stats_t *sum);

#endif
