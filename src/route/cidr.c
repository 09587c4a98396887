/* CIDR tables for the cidr policy: longest-prefix match over a record's map
 * (a handful of entries: a sorted array beats a trie at that size), and the
 * ECS scope over which the match cannot change. */
#include "route/cidr.h"
#include "common/errors.h"
#include "common/sockaddr.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int cmp_entry(const void *a, const void *b)
{
	const st_cidr_entry_t *x = a, *y = b;
	if (x->prefix != y->prefix)
		return x->prefix > y->prefix ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

void st_cidr_sort(st_cidr_t *t)
{
	if (t->n > 1)
		qsort(t->entries, t->n, sizeof(*t->entries), cmp_entry);
}

/* Leading bits that a and b share, up to max. */
static unsigned common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; n < max; i++) {
		uint8_t x = a[i] ^ b[i];
		if (x == 0) {
			n += 8;
			continue;
		}
		n += (unsigned)__builtin_clz((unsigned)x) - 24;
		break;
	}
	return n < max ? n : max;
}

bool st_cidr_inside(const st_cidr_entry_t *e, int family, const uint8_t *addr, unsigned prefix)
{
	return e->family == family && e->prefix > prefix &&
	       common_bits(e->net, addr, prefix) >= prefix;
}

size_t st_cidr_match(const st_cidr_t *t, int family, const uint8_t *addr, unsigned prefix,
		     uint32_t *idx, size_t max, uint8_t *scope)
{
	size_t n = 0;
	unsigned s = 0;
	bool matched = false;
	for (size_t i = 0; i < t->n; i++) {
		const st_cidr_entry_t *e = &t->entries[i];
		if (e->family != family)
			continue;
		unsigned c = common_bits(e->net, addr, e->prefix);
		/* an entry inside the client's network (c >= prefix) makes the
		 * scope below reach past the source prefix: clamped at the end,
		 * the answer then holds for the whole of the client's network */
		if (c >= e->prefix && e->prefix <= prefix) {
			if (!matched) {
				matched = true;
				/* the deciding network is the longest match; the
				 * longer entries it does not contain are already
				 * excluded through the scope below */
				if (e->prefix > s)
					s = e->prefix;
			}
			if (n < max)
				idx[n++] = (uint32_t)i;
		} else if (!matched) {
			/* a longer (unmatched) entry: the scope must be long
			 * enough that the client's network does not reach into it */
			if (c + 1 > s)
				s = c + 1;
		}
	}
	*scope = (uint8_t)(s < prefix ? s : prefix);
	return n;
}
