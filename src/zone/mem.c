/* Zone memory: large arrays straight from mmap, small ones from malloc. A
 * large zone's arrays go back to the kernel the moment they are freed (a
 * malloc heap may keep them, so a reload would leave the process holding
 * two zones' worth), grow by remapping instead of copying, and cost nothing
 * for capacity never touched. */
#define _GNU_SOURCE
#include "config.h"

#include "zone/internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Below this, malloc: a small zone should not cost a mapping per array. */
#define ZMEM_MAP_MIN (256u * 1024u)

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return (n + page - 1) & ~(page - 1);
}

void *st_zmem_grow(void *p, size_t *cap, size_t need)
{
	if (p && need <= *cap)
		return p;
	size_t n = *cap ? *cap : 256;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n < ZMEM_MAP_MIN) {
		void *q = realloc(p, n);
		if (q)
			*cap = n;
		return q;
	}
	n = page_round(n);
	void *q;
	if (p && *cap >= ZMEM_MAP_MIN) {
		q = mremap(p, *cap, n, MREMAP_MAYMOVE);
	} else {
		q = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q != MAP_FAILED && p) {
			memcpy(q, p, *cap);
			free(p);
		}
	}
	if (q == MAP_FAILED)
		return NULL;
	*cap = n;
	return q;
}

void *st_zmem_alloc(size_t *cap, size_t need)
{
	if (need < ZMEM_MAP_MIN) {
		void *p = malloc(need ? need : 1);
		*cap = p ? (need ? need : 1) : 0;
		return p;
	}
	size_t n = page_round(need);
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		*cap = 0;
		return NULL;
	}
	*cap = n;
	return p;
}

void *st_zmem_shrink(void *p, size_t *cap, size_t len)
{
	if (!p || *cap < ZMEM_MAP_MIN)
		return p;
	/* Still a mapping after: the size tells st_zmem_free which it is. */
	size_t n = page_round(len > ZMEM_MAP_MIN ? len : ZMEM_MAP_MIN);
	if (n >= *cap)
		return p;
	munmap((char *)p + n, *cap - n);
	*cap = n;
	return p;
}

void st_zmem_free(void *p, size_t cap)
{
	if (!p)
		return;
	if (cap >= ZMEM_MAP_MIN)
		munmap(p, cap);
	else
		free(p);
}
