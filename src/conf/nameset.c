/* Open addressing with linear probing over st_hash(). */
#include "conf/nameset.h"
#include "common/errors.h"
#include "common/hash.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(const st_nameset_entry_t *slots, size_t cap, const char *name)
{
	size_t i = (size_t)st_hash(name, strlen(name)) & (cap - 1);
	while (slots[i].name && strcmp(slots[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(st_nameset_t *set)
{
	size_t cap = set->cap ? 2 * set->cap : 16;
	st_nameset_entry_t *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return ST_ENOMEM;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i].name)
			slots[slot_of(slots, cap, set->slots[i].name)] = set->slots[i];
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int st_nameset_put(st_nameset_t *set, const char *name, uint32_t value, uint32_t *existing)
{
	if (2 * (set->n + 1) > set->cap) {
		int rc = grow(set);
		if (rc != 0)
			return rc;
	}
	size_t i = slot_of(set->slots, set->cap, name);
	if (set->slots[i].name) {
		*existing = set->slots[i].value;
		return 1;
	}
	set->slots[i].name = name;
	set->slots[i].value = value;
	set->n++;
	return 0;
}

uint32_t st_nameset_get(const st_nameset_t *set, const char *name)
{
	if (set->cap == 0)
		return UINT32_MAX;
	const st_nameset_entry_t *e = &set->slots[slot_of(set->slots, set->cap, name)];
	return e->name ? e->value : UINT32_MAX;
}

uint32_t *st_nameset_find(st_nameset_t *set, const char *name)
{
	if (set->cap == 0)
		return NULL;
	st_nameset_entry_t *e = &set->slots[slot_of(set->slots, set->cap, name)];
	return e->name ? &e->value : NULL;
}

void st_nameset_clear(st_nameset_t *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
}
