/* Zone sets: the zones a server answers for, found by longest suffix with
 * one hash probe per candidate apex length and no allocation. */
#include "config.h"

#include "zone/internal.h"

#include <stdlib.h>
#include <string.h>

struct st_zoneset {
	st_zone_t **zones;
	void **ext; /* attached per zone, NULL until the first st_zoneset_attach */
	size_t n, cap;
	st_zslot_t *slots; /* idx into zones */
	uint32_t mask;
	uint64_t labels[2];   /* bit l: some apex has l labels (0..127) */
	uint64_t lengths[4];  /* bit l: some apex is l bytes long (1..255) */
};

st_zoneset_t *st_zoneset_new(void)
{
	return calloc(1, sizeof(st_zoneset_t));
}

static unsigned count_labels(const uint8_t *name, size_t len)
{
	unsigned n = 0;
	for (size_t off = 0; off < len && name[off]; off += name[off] + 1u)
		n++;
	return n;
}

/* Rebuilt on each change: sets are small and built off the query path. */
static int reindex(st_zoneset_t *set)
{
	uint32_t slots = 8;
	while (slots < set->n * 2 + 2)
		slots *= 2;
	st_zslot_t *t = malloc(sizeof(*t) * slots);
	if (!t)
		return ST_ENOMEM;
	for (uint32_t i = 0; i < slots; i++)
		t[i].idx = ZB_NONE;
	set->labels[0] = set->labels[1] = 0;
	memset(set->lengths, 0, sizeof(set->lengths));
	for (size_t k = 0; k < set->n; k++) {
		const st_zone_t *z = set->zones[k];
		uint32_t h = st_zhash(z->apex, z->apex_len), i = h & (slots - 1);
		while (t[i].idx != ZB_NONE)
			i = (i + 1) & (slots - 1);
		t[i] = (st_zslot_t){.idx = (uint32_t)k, .hash = h};
		unsigned l = count_labels(z->apex, z->apex_len);
		set->labels[l / 64] |= 1ULL << (l % 64);
		set->lengths[z->apex_len / 64] |= 1ULL << (z->apex_len % 64);
	}
	free(set->slots);
	set->slots = t;
	set->mask = slots - 1;
	return 0;
}

static const st_zone_t *probe(const st_zoneset_t *set, const uint8_t *name, size_t len, size_t *pos)
{
	if (!set->slots)
		return NULL;
	uint32_t h = st_zhash(name, len);
	for (uint32_t i = h & set->mask;; i = (i + 1) & set->mask) {
		const st_zslot_t *s = &set->slots[i];
		if (s->idx == ZB_NONE)
			return NULL;
		const st_zone_t *z = set->zones[s->idx];
		if (s->hash == h && z->apex_len == len && st_zname_eq(name, z->apex, len)) {
			if (pos)
				*pos = s->idx;
			return z;
		}
	}
}

int st_zoneset_add(st_zoneset_t *set, st_zone_t *zone)
{
	if (probe(set, zone->apex, zone->apex_len, NULL))
		return ST_EEXIST;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		st_zone_t **z = realloc(set->zones, sizeof(*z) * cap);
		if (!z)
			return ST_ENOMEM;
		set->zones = z;
		if (set->ext) {
			void **e = realloc(set->ext, sizeof(*e) * cap);
			if (!e)
				return ST_ENOMEM;
			memset(e + set->cap, 0, sizeof(*e) * (cap - set->cap));
			set->ext = e;
		}
		set->cap = cap;
	}
	set->zones[set->n++] = zone;
	int rc = reindex(set);
	if (rc)
		set->n--;
	return rc;
}

st_zone_t *st_zoneset_take(st_zoneset_t *set, const uint8_t *apex, size_t len)
{
	size_t pos;
	if (!probe(set, apex, len, &pos))
		return NULL;
	st_zone_t *z = set->zones[pos];
	memmove(&set->zones[pos], &set->zones[pos + 1], sizeof(*set->zones) * (set->n - pos - 1));
	if (set->ext) {
		memmove(&set->ext[pos], &set->ext[pos + 1], sizeof(*set->ext) * (set->n - pos - 1));
		set->ext[set->n - 1] = NULL;
	}
	set->n--;
	if (reindex(set)) {
		/* Keep the set consistent without a table: lookups find nothing
		 * rather than a stale index. */
		free(set->slots);
		set->slots = NULL;
	}
	return z;
}

void st_zoneset_free(st_zoneset_t *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		st_zone_free(set->zones[i]);
	free(set->zones);
	free(set->ext);
	free(set->slots);
	free(set);
}

/* Sets up to this size are searched by comparing apexes directly: cheaper
 * than hashing each candidate suffix (a server usually has a few zones). */
#define ZONESET_LINEAR 4

/* The longest apex in a small set that is a suffix of name on a label
 * boundary: the suffix at each label start is compared with every apex of
 * its length, longest first (only at lengths some apex has). */
static const st_zone_t *find_linear(const st_zoneset_t *set, const uint8_t *name, size_t len)
{
	for (size_t o = 0, l = 0; o < len && l < 128; o += name[o] + 1u, l++) {
		size_t rest = len - o; /* < 256: a name is at most 255 bytes */
		if (rest < 256 && (set->lengths[rest / 64] >> (rest % 64) & 1))
			for (size_t k = 0; k < set->n; k++) {
				const st_zone_t *z = set->zones[k];
				if (z->apex_len == rest && st_zname_eq(name + o, z->apex, rest))
					return z;
			}
		if (!name[o])
			break;
	}
	return NULL;
}

const st_zone_t *st_zoneset_find(const st_zoneset_t *set, const uint8_t *name, size_t len)
{
	if (set->n <= ZONESET_LINEAR)
		return set->slots ? find_linear(set, name, len) : NULL;
	size_t off[128];
	unsigned n = 0;
	for (size_t o = 0; o < len && n < 128; o += name[o] + 1u) {
		off[n++] = o;
		if (!name[o])
			break;
	}
	/* off[k] starts the suffix with n - 1 - k labels (the root is last). */
	for (unsigned k = 0; k < n; k++) {
		unsigned l = n - 1 - k;
		if (!(set->labels[l / 64] & (1ULL << (l % 64))))
			continue;
		const st_zone_t *z = probe(set, name + off[k], len - off[k], NULL);
		if (z)
			return z;
	}
	return NULL;
}

size_t st_zoneset_count(const st_zoneset_t *set)
{
	return set->n;
}

const st_zone_t *st_zoneset_get(const st_zoneset_t *set, size_t i)
{
	return i < set->n ? set->zones[i] : NULL;
}

/* Position of a zone of the set: pointers compared, no hashing. */
static size_t zone_pos(const st_zoneset_t *set, const st_zone_t *zone)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->zones[i] == zone)
			return i;
	return SIZE_MAX;
}

int st_zoneset_attach(st_zoneset_t *set, const st_zone_t *zone, void *ext)
{
	size_t pos = zone_pos(set, zone);
	if (pos == SIZE_MAX)
		return ST_ENOENT;
	if (!set->ext && !(set->ext = calloc(set->cap, sizeof(*set->ext))))
		return ST_ENOMEM;
	set->ext[pos] = ext;
	return 0;
}

void *st_zoneset_ext(const st_zoneset_t *set, const st_zone_t *zone)
{
	if (!set->ext)
		return NULL;
	size_t pos;
	if (set->n > ZONESET_LINEAR) {
		if (!probe(set, zone->apex, zone->apex_len, &pos))
			return NULL;
	} else if ((pos = zone_pos(set, zone)) == SIZE_MAX) {
		return NULL;
	}
	return set->ext[pos];
}
