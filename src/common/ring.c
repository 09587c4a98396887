/* A ring of the last N fixed-size entries. */
#include "common/ring.h"
#include "common/errors.h"

#include <stdlib.h>
#include <string.h>

int st_ring_init(st_ring_t *r, size_t cap, size_t size)
{
	memset(r, 0, sizeof(*r));
	if (cap == 0 || size == 0)
		return ST_EINVAL;
	r->slots = calloc(cap, size);
	if (!r->slots)
		return ST_ENOMEM;
	r->cap = cap;
	r->size = size;
	return 0;
}

void st_ring_free(st_ring_t *r)
{
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

void *st_ring_push(st_ring_t *r)
{
	if (!r->slots)
		return NULL;
	unsigned char *slot = r->slots + r->next * r->size;
	memset(slot, 0, r->size);
	r->next = (r->next + 1) % r->cap;
	if (r->n < r->cap)
		r->n++;
	return slot;
}

size_t st_ring_len(const st_ring_t *r)
{
	return r->n;
}

const void *st_ring_get(const st_ring_t *r, size_t i)
{
	if (i >= r->n)
		return NULL;
	size_t slot = (r->next + r->cap - 1 - i) % r->cap;
	return r->slots + slot * r->size;
}
