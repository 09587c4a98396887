/* The traffic split over the last minutes: a ring of samples of each
 * region's routed answers, taken every few seconds from the counters that
 * /metrics shows (answers since start, by region name). A region is known
 * by its name across reloads that add, remove or reorder regions. */
#ifndef ST_STATUS_SPLIT_H
#define ST_STATUS_SPLIT_H

#include "common/errors.h"

#include <stddef.h>
#include <stdint.h>

typedef struct st_split st_split_t;

/* Keep the last `intervals` intervals (> 0). NULL: out of memory. */
st_split_t *st_split_new(size_t intervals);
void st_split_free(st_split_t *s);

/* A sample at now_ns (CLOCK_REALTIME): names[i] has answered totals[i]
 * since start (n names, the current config's regions in order). The first
 * sample only sets the start; each next one adds the interval since the
 * one before. Regions no longer named stay while an interval kept counts
 * answers for them. 0 or ST_ENOMEM (the sample is then lost). */
int st_split_sample(st_split_t *s, uint64_t now_ns, const char *const *names,
		    const uint64_t *totals, size_t n);

/* Regions with a column: the current ones in config order, then those
 * no longer named that still have answers in the kept intervals. */
size_t st_split_regions(const st_split_t *s);
const char *st_split_region(const st_split_t *s, size_t col);

/* The column of a region, SIZE_MAX when it has none. */
size_t st_split_find(const st_split_t *s, const char *name);
/* Answers of column col since the last sample, given its total now. */
uint64_t st_split_pending(const st_split_t *s, size_t col, uint64_t total);
/* When the last sample was taken (0: none yet). */
uint64_t st_split_last_ns(const st_split_t *s);

/* Intervals kept, 0 the newest; each ends at *end_ns and lasted *span_ns. */
size_t st_split_intervals(const st_split_t *s);
void st_split_interval(const st_split_t *s, size_t k, uint64_t *end_ns, uint64_t *span_ns);
/* Answers of region col in interval k. */
uint64_t st_split_count(const st_split_t *s, size_t k, size_t col);

#endif
