/* A ring of the last N entries of one fixed size (histories: reloads,
 * traffic samples). Pushing into a full ring drops the oldest entry. */
#ifndef ST_COMMON_RING_H
#define ST_COMMON_RING_H

#include <stddef.h>

typedef struct st_ring {
	unsigned char *slots;
	size_t size; /* bytes per entry */
	size_t cap;  /* entries kept */
	size_t next; /* slot the next push fills */
	size_t n;    /* entries held, up to cap */
} st_ring_t;

/* cap entries of size bytes each (both > 0): 0 or ST_ENOMEM / ST_EINVAL. */
int st_ring_init(st_ring_t *r, size_t cap, size_t size);
/* Frees the slots; the ring is empty and unusable until st_ring_init. */
void st_ring_free(st_ring_t *r);
/* The slot of a new newest entry, zeroed, to fill in (the oldest one is
 * dropped when the ring is full). NULL when the ring has no slots. */
void *st_ring_push(st_ring_t *r);
size_t st_ring_len(const st_ring_t *r);
/* Entry i, 0 the newest, len - 1 the oldest; NULL past the end. */
const void *st_ring_get(const st_ring_t *r, size_t i);

#endif
