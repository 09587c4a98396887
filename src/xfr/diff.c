/* Differences between two versions of a zone, for IXFR. Nodes of the new
 * version are looked up by name in the old one (and the other way round for
 * names that went away); RRsets of the same type are compared as sets of
 * records, bytes for bytes, so a changed TTL is a removal and an addition
 * (RFC 1995). */
#include "xfr/internal.h"
#include "dns/pack.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

/* Above this many comparisons an RRset pair is sorted instead. */
#define NESTED_MAX 4096

typedef struct out {
	uint8_t *p;
	size_t len, cap, n;
} out_t;

/* One record into a difference: owner, then TYPE CLASS TTL and the
 * record's RDLENGTH RDATA (rr, rlen bytes). */
static int out_put(out_t *o, const uint8_t *owner, size_t olen, uint16_t type, uint32_t ttl,
		   const uint8_t *rr, size_t rlen)
{
	if (st_grow(&o->p, &o->cap, o->len + olen + 8 + rlen, 1, 4096) != 0)
		return ST_ENOMEM;
	uint8_t *p = o->p + o->len;
	memcpy(p, owner, olen);
	st_put16(p + olen, type);
	st_put16(p + olen + 2, ST_CLASS_IN);
	st_put32(p + olen + 4, ttl);
	memcpy(p + olen + 8, rr, rlen);
	o->len += olen + 8 + rlen;
	o->n++;
	return 0;
}

/* A record of an RRset: RDLENGTH RDATA. */
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

/* The records of an RRset (none for NULL), sorted when `sort`. */
static int records(const st_rrset_t *rs, bool sort, rec_t **out, size_t *n)
{
	*n = rs ? rs->count : 0;
	*out = NULL;
	if (*n == 0)
		return 0;
	rec_t *v = malloc(*n * sizeof(*v));
	if (!v)
		return ST_ENOMEM;
	const uint8_t *rr = rs->rdata;
	for (size_t i = 0; i < *n; i++, rr = st_rr_next(rr))
		v[i] = (rec_t){rr, 2u + st_rr_rdlen(rr)};
	if (sort)
		qsort(v, *n, sizeof(*v), rec_cmp);
	*out = v;
	return 0;
}

static bool has(const rec_t *v, size_t n, const rec_t *r)
{
	for (size_t i = 0; i < n; i++)
		if (rec_cmp(r, &v[i]) == 0)
			return true;
	return false;
}

/* Records of a missing from b go to `only_a`, of b missing from a to
 * `only_b`. A record is its TTL and data: with the TTL changed, every
 * record of the set is removed and added again. */
static int rrset_diff(const uint8_t *owner, size_t olen, const st_rrset_t *a, const st_rrset_t *b,
		      out_t *only_a, out_t *only_b)
{
	size_t sa = a ? st_rrset_size(a) : 0, sb = b ? st_rrset_size(b) : 0;
	if (sa == sb && (sa == 0 || (a->ttl == b->ttl && a->count == b->count &&
				     memcmp(a->rdata, b->rdata, sa) == 0)))
		return 0;
	bool same_ttl = a && b && a->ttl == b->ttl;
	size_t na = a ? a->count : 0, nb = b ? b->count : 0;
	bool sort = same_ttl && na * nb > NESTED_MAX;
	rec_t *va, *vb;
	int ret = records(a, sort, &va, &na);
	if (ret == 0)
		ret = records(b, sort, &vb, &nb);
	else
		vb = NULL;
	if (ret == 0 && !same_ttl) {
		for (size_t i = 0; ret == 0 && i < na; i++)
			ret = out_put(only_a, owner, olen, a->type, a->ttl, va[i].p, va[i].len);
		for (size_t i = 0; ret == 0 && i < nb; i++)
			ret = out_put(only_b, owner, olen, b->type, b->ttl, vb[i].p, vb[i].len);
	} else if (ret == 0 && !sort) {
		for (size_t i = 0; ret == 0 && i < na; i++)
			if (!has(vb, nb, &va[i]))
				ret = out_put(only_a, owner, olen, a->type, a->ttl, va[i].p,
					      va[i].len);
		for (size_t i = 0; ret == 0 && i < nb; i++)
			if (!has(va, na, &vb[i]))
				ret = out_put(only_b, owner, olen, b->type, b->ttl, vb[i].p,
					      vb[i].len);
	} else {
		size_t i = 0, j = 0;
		while (ret == 0 && (i < na || j < nb)) {
			int c = i == na ? 1 : j == nb ? -1 : rec_cmp(&va[i], &vb[j]);
			if (c < 0) {
				ret = out_put(only_a, owner, olen, a->type, a->ttl, va[i].p,
					      va[i].len);
				i++;
			} else if (c > 0) {
				ret = out_put(only_b, owner, olen, b->type, b->ttl, vb[j].p,
					      vb[j].len);
				j++;
			} else {
				i++;
				j++;
			}
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
	const uint8_t *ra = st_rr_rdata(a->rdata), *rb = st_rr_rdata(b->rdata);
	size_t len = st_rr_rdlen(a->rdata), at = st_soa_serial_at(ra, len);
	if (a->ttl != b->ttl || len != st_rr_rdlen(b->rdata) || at == 0 ||
	    at != st_soa_serial_at(rb, len))
		return false;
	return memcmp(ra, rb, at) == 0 && memcmp(ra + at + 4, rb + at + 4, len - at - 4) == 0;
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
	if (ret == 0 && (d->soa_from = malloc(10u + st_rr_rdlen(sa->rdata))) == NULL)
		ret = ST_ENOMEM;
	if (ret != 0) {
		free(d);
		free(del.p);
		free(add.p);
		return ret;
	}
	atomic_init(&d->refs, 1);
	d->soa_from_len = xfr_rr_wire(sa, sa->ttl, sa->rdata, d->soa_from);
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
