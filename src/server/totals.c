/* Routed-answer counts by name across reloads. The workers count per index
 * of the config their view was built from; when a view is retired its
 * counts are added here under the labels of each index, so that a reload
 * that adds, removes or reorders names moves no count to another name and
 * every series only grows. Main thread only. */
#include "server/totals.h"
#include "common/errors.h"
#include "common/hash.h"
#include "conf/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest key: an owner name (255 bytes in presentation form with escapes
 * fits 1024) and a type, or a region and an endpoint name. */
#define KEY_MAX 1100

typedef struct slot {
	char *key; /* NULL: empty */
	uint64_t total;
} slot_t;

typedef struct table {
	slot_t *slots;
	size_t cap, used; /* cap: a power of two, or 0 */
} table_t;

enum { K_RECORD, K_REGION, K_ENDPOINT, K_COUNT };

struct st_route_totals {
	table_t k[K_COUNT];
};

st_route_totals_t *st_route_totals_new(void)
{
	return calloc(1, sizeof(st_route_totals_t));
}

void st_route_totals_free(st_route_totals_t *t)
{
	if (!t)
		return;
	for (int k = 0; k < K_COUNT; k++) {
		for (size_t i = 0; i < t->k[k].cap; i++)
			free(t->k[k].slots[i].key);
		free(t->k[k].slots);
	}
	free(t);
}

static size_t count(const st_conf_t *conf, int k)
{
	size_t n = k == K_RECORD   ? conf->n_records
		   : k == K_REGION ? conf->n_regions
				   : conf->n_endpoints;
	return n < ST_STATS_ROUTE_MAX ? n : ST_STATS_ROUTE_MAX;
}

/* A series' identity: its labels (see the metrics and steerctl stats). */
static void key(const st_conf_t *conf, int k, size_t i, char *buf, size_t len)
{
	if (k == K_RECORD)
		snprintf(buf, len, "%s/%u", conf->records[i].owner, conf->records[i].type);
	else if (k == K_REGION)
		snprintf(buf, len, "%s", conf->regions[i].name);
	else
		snprintf(buf, len, "%s/%s", conf->regions[conf->endpoints[i].region].name,
			 conf->endpoints[i].name);
}

/* The slot of key, or the empty slot where it would go (cap > 0). */
static slot_t *lookup(const table_t *tb, const char *k)
{
	size_t mask = tb->cap - 1;
	for (size_t i = st_hash(k, strlen(k)) & mask;; i = (i + 1) & mask) {
		slot_t *s = &tb->slots[i];
		if (!s->key || strcmp(s->key, k) == 0)
			return s;
	}
}

static int grow(table_t *tb)
{
	size_t cap = tb->cap ? tb->cap * 2 : 64;
	table_t next = {.slots = calloc(cap, sizeof(slot_t)), .cap = cap, .used = tb->used};
	if (!next.slots)
		return ST_ENOMEM;
	for (size_t i = 0; i < tb->cap; i++)
		if (tb->slots[i].key)
			*lookup(&next, tb->slots[i].key) = tb->slots[i];
	free(tb->slots);
	*tb = next;
	return 0;
}

static int add(table_t *tb, const char *k)
{
	/* At most half full: probes stay short and an empty slot always exists. */
	if ((tb->used + 1) * 2 > tb->cap && grow(tb) < 0)
		return ST_ENOMEM;
	slot_t *s = lookup(tb, k);
	if (s->key)
		return 0;
	if (!(s->key = strdup(k)))
		return ST_ENOMEM;
	s->total = 0;
	tb->used++;
	return 0;
}

static const slot_t *find(const table_t *tb, const char *k)
{
	if (tb->cap == 0)
		return NULL;
	const slot_t *s = lookup(tb, k);
	return s->key ? s : NULL;
}

int st_route_totals_reserve(st_route_totals_t *t, const st_conf_t *conf)
{
	char buf[KEY_MAX];
	for (int k = 0; k < K_COUNT; k++) {
		for (size_t i = 0; i < count(conf, k); i++) {
			key(conf, k, i, buf, sizeof(buf));
			int rc = add(&t->k[k], buf);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static const uint64_t *counts_of(const st_route_counts_t *c, int k)
{
	return k == K_RECORD ? c->record : k == K_REGION ? c->region : c->endpoint;
}

void st_route_totals_fold(st_route_totals_t *t, const st_conf_t *conf, const st_route_counts_t *c)
{
	char buf[KEY_MAX];
	for (int k = 0; k < K_COUNT; k++) {
		const uint64_t *v = counts_of(c, k);
		for (size_t i = 0; i < count(conf, k); i++) {
			uint64_t n = st_stat_get(&v[i]);
			if (n == 0)
				continue;
			key(conf, k, i, buf, sizeof(buf));
			slot_t *s = (slot_t *)find(&t->k[k], buf);
			if (s)
				s->total += n;
		}
	}
}

void st_route_totals_get(const st_route_totals_t *t, const st_conf_t *conf, st_answer_stats_t *out)
{
	char buf[KEY_MAX];
	uint64_t *arr[K_COUNT] = {out->route_record, out->route_region, out->route_endpoint};
	for (int k = 0; k < K_COUNT; k++) {
		for (size_t i = 0; i < count(conf, k); i++) {
			key(conf, k, i, buf, sizeof(buf));
			const slot_t *s = find(&t->k[k], buf);
			arr[k][i] = s ? s->total : 0;
		}
	}
}
