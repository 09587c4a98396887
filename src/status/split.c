/* The traffic split: a ring of per-region answer counts per interval. The
 * columns follow the current config's regions; a reload that changes them
 * reshapes every kept interval once (see reshape). */
#include "status/split.h"
#include "common/ring.h"
#include "common/strv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One interval: its end, its length, then `width` counts. */
typedef struct row {
	uint64_t end_ns, span_ns;
	uint64_t counts[];
} row_t;

struct st_split {
	size_t intervals;
	st_ring_t rows;	  /* of row_t + width counts */
	size_t width;	  /* columns */
	char **names;	  /* per column */
	uint64_t *last;	  /* per column: its total at the last sample */
	uint64_t last_ns; /* the last sample, 0: none yet */
};

static size_t row_size(size_t width)
{
	return sizeof(row_t) + (width ? width : 1) * sizeof(uint64_t);
}

st_split_t *st_split_new(size_t intervals)
{
	if (intervals == 0)
		return NULL;
	st_split_t *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->intervals = intervals;
	if (st_ring_init(&s->rows, intervals, row_size(0)) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void st_split_free(st_split_t *s)
{
	if (!s)
		return;
	st_ring_free(&s->rows);
	st_strv_free(s->names, s->width);
	free(s->last);
	free(s);
}

static const row_t *row_at(const st_split_t *s, size_t k)
{
	return st_ring_get(&s->rows, k);
}

/* Answers of column col over every kept interval. */
static uint64_t column_sum(const st_split_t *s, size_t col)
{
	uint64_t sum = 0;
	for (size_t k = 0; k < st_ring_len(&s->rows); k++)
		sum += row_at(s, k)->counts[col];
	return sum;
}

static bool same_columns(const st_split_t *s, const char *const *names, size_t n)
{
	if (s->width != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(s->names[i], names[i]) != 0)
			return false;
	return true;
}

/* Columns = names in order, then the old columns not among them that
 * still count answers; every kept interval is copied over. */
static int reshape(st_split_t *s, const char *const *names, size_t n)
{
	size_t width = n;
	for (size_t c = 0; c < s->width; c++) {
		bool named = false;
		for (size_t i = 0; i < n && !named; i++)
			named = strcmp(s->names[c], names[i]) == 0;
		if (!named && column_sum(s, c))
			width++;
	}
	size_t *from = malloc((width ? width : 1) * sizeof(*from)); /* old column, or SIZE_MAX */
	char **nn = calloc(width ? width : 1, sizeof(*nn));
	uint64_t *nlast = calloc(width ? width : 1, sizeof(*nlast));
	st_ring_t nrows;
	int rc = ST_ENOMEM;
	if (!from || !nn || !nlast || st_ring_init(&nrows, s->intervals, row_size(width)) != 0)
		goto fail;
	size_t w = 0;
	for (size_t i = 0; i < n; i++, w++) {
		from[w] = SIZE_MAX;
		for (size_t c = 0; c < s->width && from[w] == SIZE_MAX; c++)
			if (strcmp(s->names[c], names[i]) == 0)
				from[w] = c;
		nn[w] = strdup(names[i]);
		if (!nn[w])
			goto fail_rows;
	}
	for (size_t c = 0; c < s->width && w < width; c++) {
		bool named = false;
		for (size_t i = 0; i < n && !named; i++)
			named = strcmp(s->names[c], names[i]) == 0;
		if (named || !column_sum(s, c))
			continue;
		from[w] = c;
		nn[w] = strdup(s->names[c]);
		if (!nn[w])
			goto fail_rows;
		w++;
	}
	for (size_t i = 0; i < width; i++)
		nlast[i] = from[i] == SIZE_MAX ? UINT64_MAX : s->last[from[i]];
	/* Oldest first, so that the ring keeps its order. */
	for (size_t k = st_ring_len(&s->rows); k-- > 0;) {
		const row_t *o = row_at(s, k);
		row_t *r = st_ring_push(&nrows);
		r->end_ns = o->end_ns;
		r->span_ns = o->span_ns;
		for (size_t i = 0; i < width; i++)
			r->counts[i] = from[i] == SIZE_MAX ? 0 : o->counts[from[i]];
	}
	st_ring_free(&s->rows);
	s->rows = nrows;
	st_strv_free(s->names, s->width);
	free(s->last);
	s->names = nn;
	s->last = nlast;
	s->width = width;
	free(from);
	return 0;
fail_rows:
	st_ring_free(&nrows);
fail:
	st_strv_free(nn, width);
	free(nlast);
	free(from);
	return rc;
}

int st_split_sample(st_split_t *s, uint64_t now_ns, const char *const *names,
		    const uint64_t *totals, size_t n)
{
	if (!same_columns(s, names, n)) {
		int rc = reshape(s, names, n);
		if (rc < 0)
			return rc;
	}
	if (s->last_ns && now_ns > s->last_ns) {
		row_t *r = st_ring_push(&s->rows);
		r->end_ns = now_ns;
		r->span_ns = now_ns - s->last_ns;
		/* A total below the last one (a name that went and came back
		 * with a new count) counts from zero. */
		for (size_t i = 0; i < n; i++)
			r->counts[i] = s->last[i] == UINT64_MAX	 ? 0
				       : totals[i] >= s->last[i] ? totals[i] - s->last[i]
								 : totals[i];
	}
	for (size_t i = 0; i < n; i++)
		s->last[i] = totals[i];
	s->last_ns = now_ns;
	return 0;
}

size_t st_split_regions(const st_split_t *s)
{
	return s->width;
}

const char *st_split_region(const st_split_t *s, size_t col)
{
	return col < s->width ? s->names[col] : NULL;
}

size_t st_split_find(const st_split_t *s, const char *name)
{
	for (size_t c = 0; c < s->width; c++)
		if (strcmp(s->names[c], name) == 0)
			return c;
	return SIZE_MAX;
}

uint64_t st_split_pending(const st_split_t *s, size_t col, uint64_t total)
{
	if (col >= s->width || s->last[col] == UINT64_MAX || !s->last_ns)
		return 0;
	return total >= s->last[col] ? total - s->last[col] : total;
}

uint64_t st_split_last_ns(const st_split_t *s)
{
	return s->last_ns;
}

size_t st_split_intervals(const st_split_t *s)
{
	return st_ring_len(&s->rows);
}

void st_split_interval(const st_split_t *s, size_t k, uint64_t *end_ns, uint64_t *span_ns)
{
	const row_t *r = row_at(s, k);
	*end_ns = r ? r->end_ns : 0;
	*span_ns = r ? r->span_ns : 0;
}

uint64_t st_split_count(const st_split_t *s, size_t k, size_t col)
{
	const row_t *r = row_at(s, k);
	return r && col < s->width ? r->counts[col] : 0;
}
