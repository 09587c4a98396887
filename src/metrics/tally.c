/* Routed-answer counters by name across reloads: the workers count by
 * config index, and a reload that adds, removes or reorders records,
 * regions or endpoints would otherwise hand one name's count to another. */
#include "metrics/tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct named {
	char *key;
	uint64_t total; /* the name's count at the last rebase */
} named_t;

typedef struct kind {
	named_t *names; /* every name seen at a rebase, even if gone since */
	size_t n_names, cap_names;
	int64_t *carry; /* per current index: added to the workers' count */
	size_t n_carry;
} kind_t;

enum { K_RECORD, K_REGION, K_ENDPOINT, K_COUNT };

struct st_route_tally {
	kind_t k[K_COUNT];
};

st_route_tally_t *st_route_tally_new(void)
{
	return calloc(1, sizeof(st_route_tally_t));
}

void st_route_tally_free(st_route_tally_t *t)
{
	if (!t)
		return;
	for (int k = 0; k < K_COUNT; k++) {
		for (size_t i = 0; i < t->k[k].n_names; i++)
			free(t->k[k].names[i].key);
		free(t->k[k].names);
		free(t->k[k].carry);
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

/* The series' identity: its labels. */
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

static const uint64_t *raw_of(const st_answer_stats_t *s, int k)
{
	return k == K_RECORD   ? s->route_record
	       : k == K_REGION ? s->route_region
			       : s->route_endpoint;
}

static named_t *find(kind_t *kd, const char *k)
{
	for (size_t i = 0; i < kd->n_names; i++)
		if (strcmp(kd->names[i].key, k) == 0)
			return &kd->names[i];
	return NULL;
}

static named_t *find_or_add(kind_t *kd, const char *k)
{
	named_t *n = find(kd, k);
	if (n)
		return n;
	if (kd->n_names == kd->cap_names) {
		size_t cap = kd->cap_names ? kd->cap_names * 2 : 16;
		named_t *names = realloc(kd->names, cap * sizeof(*names));
		if (!names)
			return NULL;
		kd->names = names;
		kd->cap_names = cap;
	}
	char *dup = strdup(k);
	if (!dup)
		return NULL;
	n = &kd->names[kd->n_names++];
	n->key = dup;
	n->total = 0;
	return n;
}

static int rebase_kind(kind_t *kd, int k, const st_conf_t *old_conf, const st_conf_t *new_conf,
		       const uint64_t *raw)
{
	char buf[600];
	/* Nothing moved (a zone reload, or a config with the same names in the
	 * same places): the carries stay as they are. */
	size_t n_old = count(old_conf, k), n_new = count(new_conf, k);
	bool same = n_old == n_new;
	for (size_t i = 0; same && i < n_new; i++) {
		char other[600];
		key(old_conf, k, i, buf, sizeof(buf));
		key(new_conf, k, i, other, sizeof(other));
		same = strcmp(buf, other) == 0;
	}
	if (same)
		return 0;

	int64_t *carry = calloc(n_new ? n_new : 1, sizeof(*carry));
	if (!carry)
		return ST_ENOMEM;
	for (size_t i = 0; i < n_old; i++) {
		key(old_conf, k, i, buf, sizeof(buf));
		named_t *n = find_or_add(kd, buf);
		if (!n) {
			free(carry);
			return ST_ENOMEM;
		}
		n->total = (uint64_t)((int64_t)raw[i] + (i < kd->n_carry ? kd->carry[i] : 0));
	}
	for (size_t i = 0; i < n_new; i++) {
		key(new_conf, k, i, buf, sizeof(buf));
		const named_t *n = find(kd, buf);
		carry[i] = (int64_t)(n ? n->total : 0) - (int64_t)raw[i];
	}
	free(kd->carry);
	kd->carry = carry;
	kd->n_carry = n_new;
	return 0;
}

int st_route_tally_rebase(st_route_tally_t *t, const st_conf_t *old_conf, const st_conf_t *new_conf,
			  const st_answer_stats_t *raw)
{
	for (int k = 0; k < K_COUNT; k++) {
		int rc = rebase_kind(&t->k[k], k, old_conf, new_conf, raw_of(raw, k));
		if (rc < 0)
			return rc;
	}
	return 0;
}

void st_route_tally_apply(const st_route_tally_t *t, st_answer_stats_t *sum)
{
	uint64_t *arr[K_COUNT] = {sum->route_record, sum->route_region, sum->route_endpoint};
	for (int k = 0; k < K_COUNT; k++)
		for (size_t i = 0; i < t->k[k].n_carry; i++)
			arr[k][i] = (uint64_t)((int64_t)arr[k][i] + t->k[k].carry[i]);
}
