/* Differences between two versions of a zone, for IXFR. Nodes of the new
 * version are looked up by name in the old one (and the other way round for
 * names that went away); RRsets of the same type are compared as sets of
 * records, bytes for bytes, so a changed TTL is a removal and an addition
 * (RFC 1995). */
#include "xfr/internal.h"
#include "dns/pack.h"

#include <stdlib.h>
#include <string.h>

/* Above this many comparisons an RRset pair is sorted instead. */
#define NESTED_MAX 4096

typedef struct out {
	uint8_t *p;
	size_t len, cap, n;
} out_t;

static int out_put(out_t *o, const uint8_t *owner, size_t olen, const uint8_t *rr, size_t rlen)
{
	if (o->cap - o->len < olen + rlen) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap - o->len < olen + rlen)
			cap *= 2;
		uint8_t *p = realloc(o->p, cap);
		if (!p)
			return ST_ENOMEM;
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, owner, olen);
	memcpy(o->p + o->len + olen, rr, rlen);
	o->len += olen + rlen;
	o->n++;
	return 0;
}

typedef struct rec {
	const uint8_t *p;
	size_t len;
} rec_t;

static int rec_cmp(const void *x, const void *y)
{
	const rec_t *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->p, b->p, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static rec_t rec_at(const st_rrset_t *rs, size_t i)
{
	return (rec_t){rs->wire + rs->rr_offsets[i], xfr_rr_len(rs, i)};
}

static bool rrset_has(const st_rrset_t *rs, rec_t r)
{
	for (size_t i = 0; i < rs->count; i++)
		if (rec_cmp(&r, &(rec_t){rs->wire + rs->rr_offsets[i], xfr_rr_len(rs, i)}) == 0)
			return true;
	return false;
}

static rec_t *sorted(const st_rrset_t *rs)
{
	rec_t *v = malloc(rs->count * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < rs->count; i++)
		v[i] = rec_at(rs, i);
	qsort(v, rs->count, sizeof(*v), rec_cmp);
	return v;
}

/* Records of a missing from b go to `only_a`, of b missing from a to `only_b`. */
static int rrset_diff(const uint8_t *owner, size_t olen, const st_rrset_t *a, const st_rrset_t *b,
		      out_t *only_a, out_t *only_b)
{
	static const st_rrset_t none = {.count = 0};
	if (!a)
		a = &none;
	if (!b)
		b = &none;
	if (a->wire_len == b->wire_len && a->count == b->count &&
	    (a->wire_len == 0 || memcmp(a->wire, b->wire, a->wire_len) == 0))
		return 0;
	int ret = 0;
	if ((size_t)a->count * b->count <= NESTED_MAX) {
		for (size_t i = 0; ret == 0 && i < a->count; i++) {
			rec_t r = rec_at(a, i);
			if (!rrset_has(b, r))
				ret = out_put(only_a, owner, olen, r.p, r.len);
		}
		for (size_t i = 0; ret == 0 && i < b->count; i++) {
			rec_t r = rec_at(b, i);
			if (!rrset_has(a, r))
				ret = out_put(only_b, owner, olen, r.p, r.len);
		}
		return ret;
	}
	rec_t *va = sorted(a), *vb = sorted(b);
	size_t i = 0, j = 0;
	if (!va || !vb)
		ret = ST_ENOMEM;
	while (ret == 0 && (i < a->count || j < b->count)) {
		int c = i == a->count ? 1 : j == b->count ? -1 : rec_cmp(&va[i], &vb[j]);
		if (c < 0) {
			ret = out_put(only_a, owner, olen, va[i].p, va[i].len);
			i++;
		} else if (c > 0) {
			ret = out_put(only_b, owner, olen, vb[j].p, vb[j].len);
			j++;
		} else {
			i++;
			j++;
		}
	}
	free(va);
	free(vb);
	return ret;
}

/* Every RRset of a node pair, matched by type (both sorted by type); a NULL
 * node has none. The apex SOA is compared apart. */
static int node_diff(const st_xfr_zone_t *xa, const st_node_t *na, const st_xfr_zone_t *xb,
		     const st_node_t *nb, out_t *del, out_t *add)
{
	const st_node_t *owner = nb ? nb : na;
	size_t i = 0, j = 0, ca = na ? na->n_rrsets : 0, cb = nb ? nb->n_rrsets : 0;
	int ret = 0;
	while (ret == 0 && (i < ca || j < cb)) {
		const st_rrset_t *ra = i < ca ? &na->rrsets[i] : NULL;
		const st_rrset_t *rb = j < cb ? &nb->rrsets[j] : NULL;
		if (ra && rb && ra->type != rb->type) {
			if (ra->type < rb->type)
				rb = NULL;
			else
				ra = NULL;
		}
		i += ra != NULL;
		j += rb != NULL;
		uint16_t type = ra ? ra->type : rb->type;
		if (type == ST_TYPE_SOA && (owner->flags & ST_NODE_APEX))
			continue;
		ret = rrset_diff(owner->name, owner->name_len, ra ? xfr_rrset(xa, ra) : NULL,
				 rb ? xfr_rrset(xb, rb) : NULL, del, add);
	}
	return ret;
}

static const st_rrset_t *apex_soa(const st_xfr_zone_t *xz)
{
	return st_node_rrset(st_zone_apex_node(xz->zone), ST_TYPE_SOA);
}

/* SOA records equal but for the serial? */
static bool soa_same(const st_rrset_t *a, const st_rrset_t *b)
{
	size_t at = st_soa_serial_at(a->wire, a->wire_len);
	if (a->wire_len != b->wire_len || at == 0 || at != st_soa_serial_at(b->wire, b->wire_len))
		return false;
	return memcmp(a->wire, b->wire, at) == 0 &&
	       memcmp(a->wire + at + 4, b->wire + at + 4, a->wire_len - at - 4) == 0;
}

int xfr_diff_new(const st_xfr_zone_t *a, const st_xfr_zone_t *b, xfr_diff_t **out, bool *changed)
{
	out_t del = {0}, add = {0};
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < st_zone_node_count(b->zone); i++) {
		const st_node_t *nb = st_zone_node(b->zone, i);
		const st_node_t *na = st_zone_find(a->zone, nb->name, nb->name_len);
		ret = node_diff(a, na, b, nb, &del, &add);
	}
	for (size_t i = 0; ret == 0 && i < st_zone_node_count(a->zone); i++) {
		const st_node_t *na = st_zone_node(a->zone, i);
		if (!st_zone_find(b->zone, na->name, na->name_len))
			ret = node_diff(a, na, b, NULL, &del, &add);
	}
	const st_rrset_t *sa = apex_soa(a), *sb = apex_soa(b);
	xfr_diff_t *d = NULL;
	if (ret == 0 && (d = calloc(1, sizeof(*d))) == NULL)
		ret = ST_ENOMEM;
	if (ret == 0 && (d->soa_from = malloc(sa->wire_len)) == NULL)
		ret = ST_ENOMEM;
	if (ret != 0) {
		free(d);
		free(del.p);
		free(add.p);
		return ret;
	}
	atomic_init(&d->refs, 1);
	memcpy(d->soa_from, sa->wire, sa->wire_len);
	d->soa_from_len = sa->wire_len;
	d->from = a->serial;
	d->del = del.p;
	d->del_len = del.len;
	d->n_del = del.n;
	d->add = add.p;
	d->add_len = add.len;
	d->n_add = add.n;
	*changed = del.n > 0 || add.n > 0 || !soa_same(sa, sb);
	*out = d;
	return 0;
}

xfr_diff_t *xfr_diff_ref(xfr_diff_t *d)
{
	atomic_fetch_add_explicit(&d->refs, 1, memory_order_relaxed);
	return d;
}

void xfr_diff_free(xfr_diff_t *d)
{
	if (!d || atomic_fetch_sub_explicit(&d->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(d->soa_from);
	free(d->soa_to);
	free(d->del);
	free(d->add);
	free(d);
}

size_t xfr_diff_bytes(const xfr_diff_t *d)
{
	return d->del_len + d->add_len + d->soa_from_len + d->soa_to_len;
}
