/* Versions of a zone as transferred: routed names expanded, the serial
 * chosen, the differences from the versions before kept for IXFR. */
#include "xfr/internal.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/siphash.h"
#include "common/time.h"
#include "dns/name.h"
#include "route/route.h"

#include <stdlib.h>
#include <string.h>

void xfr_stats_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static st_xfr_stats_t *stats_new(void)
{
	st_xfr_stats_t *s = calloc(1, sizeof(*s));
	if (s)
		atomic_init(&s->refs, 1);
	return s;
}

static void stats_free(st_xfr_stats_t *s)
{
	if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		free(s);
}

/* ---- routed names ---------------------------------------------------------- */

typedef struct targets {
	uint8_t (*v)[ST_DNS_MAX_NAME];
	uint8_t *len;
	size_t n, cap;
	int err;
} targets_t;

static void add_target(const uint8_t *rdata, size_t len, void *arg)
{
	targets_t *t = arg;
	if (t->err)
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		void *v = realloc(t->v, cap * sizeof(*t->v));
		void *l = v ? realloc(t->len, cap) : NULL;
		if (v)
			t->v = v;
		if (!v || !l) {
			t->err = ST_ENOMEM;
			return;
		}
		t->len = l;
		t->cap = cap;
	}
	memcpy(t->v[t->n], rdata, len);
	t->len[t->n++] = (uint8_t)len;
}

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

typedef struct arena {
	uint8_t *wire;
	size_t len, cap;
} arena_t;

/* One record as a zone snapshot holds it: RDLENGTH RDATA. */
static int arena_rr(arena_t *a, const uint8_t *rd, size_t rdlen)
{
	if (st_grow(&a->wire, &a->cap, a->len + 2 + rdlen, 1, 1024) != 0)
		return ST_ENOMEM;
	uint8_t *p = a->wire + a->len;
	st_put16(p, (uint16_t)rdlen);
	memcpy(p + 2, rd, rdlen);
	a->len += 2 + rdlen;
	return 0;
}

/* The records one routed RRset transfers as: every address, sorted and
 * without repeats; a CNAME can hold one target only, the first the policy
 * lists. The records are an arena position until the arena is final. */
static int expand(const st_route_t *route, const st_rrset_t *rs, arena_t *a, xfr_dyn_t *d)
{
	targets_t t = {0};
	st_route_targets(route, st_rrset_dyn(rs), add_target, &t);
	int ret = t.err;
	size_t first_byte = a->len, kept = 0;
	if (ret == 0 && rs->type != ST_TYPE_CNAME && t.n > 1) {
		/* Addresses are 4 or 16 bytes of one family; zero the tails to sort. */
		for (size_t i = 0; i < t.n; i++)
			memset(t.v[i] + t.len[i], 0, 16 - (size_t)t.len[i]);
		qsort(t.v, t.n, sizeof(*t.v), addr_cmp);
	}
	for (size_t i = 0; ret == 0 && i < t.n; i++) {
		if (rs->type == ST_TYPE_CNAME && i > 0)
			break;
		if (i > 0 && memcmp(t.v[i], t.v[i - 1], t.len[i]) == 0)
			continue;
		ret = arena_rr(a, t.v[i], t.len[i]);
		kept++;
	}
	free(t.v);
	free(t.len);
	d->src = rs;
	d->set = (st_rrset_t){.type = rs->type, .ttl = rs->ttl, .count = (uint16_t)kept};
	d->wire_at = first_byte;
	return ret;
}

static int dyn_cmp(const void *a, const void *b)
{
	const xfr_dyn_t *x = a, *y = b;
	return (x->src > y->src) - (x->src < y->src);
}

static int build_dyn(st_xfr_zone_t *xz, const st_route_t *route)
{
	arena_t a = {0};
	size_t cap = 0;
	int ret = 0;
	for (size_t i = 0; ret == 0 && i < st_zone_node_count(xz->zone); i++) {
		const st_node_t *n = st_zone_node(xz->zone, i);
		for (uint16_t k = 0; ret == 0 && k < n->n_rrsets; k++) {
			const st_rrset_t *rs = &n->rrsets[k];
			if (!st_rrset_dyn(rs))
				continue;
			if (xz->n_dyn == cap) {
				cap = cap ? cap * 2 : 16;
				xfr_dyn_t *d = realloc(xz->dyn, cap * sizeof(*d));
				if (!d) {
					ret = ST_ENOMEM;
					break;
				}
				xz->dyn = d;
			}
			ret = expand(route, rs, &a, &xz->dyn[xz->n_dyn++]);
		}
	}
	xz->dyn_wire = a.wire;
	if (ret != 0)
		return ret;
	for (size_t i = 0; i < xz->n_dyn; i++) {
		xfr_dyn_t *d = &xz->dyn[i];
		if (d->set.count)
			d->set.rdata = a.wire + d->wire_at;
	}
	if (xz->n_dyn > 1)
		qsort(xz->dyn, xz->n_dyn, sizeof(*xz->dyn), dyn_cmp);
	return 0;
}

const st_rrset_t *xfr_rrset(const st_xfr_zone_t *xz, const st_rrset_t *rs)
{
	if (!st_rrset_dyn(rs))
		return rs;
	size_t lo = 0, hi = xz->n_dyn;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (xz->dyn[mid].src == rs)
			return xz->dyn[mid].set.count ? &xz->dyn[mid].set : NULL;
		if ((uintptr_t)xz->dyn[mid].src < (uintptr_t)rs)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The digest: a sum of keyed hashes of the records (owner, type, TTL,
 * RDATA), so that the order of nodes does not matter; the SOA's serial is
 * zeroed first. */
static const uint8_t digest_key[ST_SIPHASH_KEY_LEN] = "steerdns-xfr-dig";

static uint64_t record_hash(const st_node_t *n, const st_rrset_t *rs, const uint8_t *rr)
{
	uint8_t buf[ST_DNS_MAX_NAME + XFR_RR_MAX];
	memcpy(buf, n->name, n->name_len);
	size_t len = n->name_len + xfr_rr_wire(rs, rs->ttl, rr, buf + n->name_len);
	if (rs->type == ST_TYPE_SOA) {
		size_t at = st_soa_serial_at(st_rr_rdata(rr), st_rr_rdlen(rr));
		if (at)
			memset(buf + n->name_len + 10 + at, 0, 4);
	}
	return st_siphash24(digest_key, buf, len);
}

/* Size and record count of a full transfer, and (unixtime) its digest. */
static void measure(st_xfr_zone_t *xz, bool digest)
{
	for (size_t i = 0; i < st_zone_node_count(xz->zone); i++) {
		const st_node_t *n = st_zone_node(xz->zone, i);
		for (uint16_t k = 0; k < n->n_rrsets; k++) {
			const st_rrset_t *rs = xfr_rrset(xz, &n->rrsets[k]);
			if (!rs)
				continue;
			/* TYPE CLASS TTL and the owner of each record, uncompressed */
			xz->records += rs->count;
			xz->bytes += st_rrset_size(rs) + (size_t)rs->count * (8u + n->name_len);
			const uint8_t *rr = rs->rdata;
			for (uint16_t r = 0; digest && r < rs->count; r++, rr = st_rr_next(rr))
				xz->digest += record_hash(n, rs, rr);
		}
	}
}

/* ---- versions --------------------------------------------------------------- */

static void zone_destroy(st_xfr_zone_t *xz)
{
	for (size_t i = 0; i < xz->n_diffs; i++)
		xfr_diff_free(xz->diffs[i]);
	free(xz->diffs);
	free(xz->dyn);
	free(xz->dyn_wire);
	stats_free(xz->stats);
	st_zone_free(xz->zone);
	free(xz);
}

st_xfr_zone_t *st_xfr_zone_ref(st_xfr_zone_t *xz)
{
	if (xz)
		atomic_fetch_add_explicit(&xz->refs, 1, memory_order_relaxed);
	return xz;
}

void st_xfr_zone_free(st_xfr_zone_t *xz)
{
	if (xz && atomic_fetch_sub_explicit(&xz->refs, 1, memory_order_acq_rel) == 1)
		zone_destroy(xz);
}

/* History below this many bytes is kept whatever the zone's size. */
#define HISTORY_FLOOR (64 * 1024)

/* Keep prev's differences (and `next` after them), as many as opts allow
 * and no more bytes than a full transfer (past that AXFR is cheaper), or
 * than HISTORY_FLOOR for a small zone. */
static int keep_history(st_xfr_zone_t *xz, const st_xfr_zone_t *prev, xfr_diff_t *next,
			uint32_t keep)
{
	size_t n = (prev ? prev->n_diffs : 0) + (next ? 1 : 0);
	xfr_diff_t **v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return ST_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; prev && i < prev->n_diffs; i++)
		v[k++] = prev->diffs[i];
	if (next)
		v[k++] = next;
	size_t start = k > keep ? k - keep : 0, bytes = 0, i;
	size_t limit = xz->bytes > HISTORY_FLOOR ? xz->bytes : HISTORY_FLOOR;
	for (i = k; i > start; i--) {
		bytes += xfr_diff_bytes(v[i - 1]);
		if (bytes > limit)
			break;
	}
	start = i;
	xz->n_diffs = k - start;
	memmove(v, v + start, xz->n_diffs * sizeof(*v));
	for (size_t j = 0; j < xz->n_diffs; j++)
		if (v[j] != next)
			xfr_diff_ref(v[j]);
	if (next && (xz->n_diffs == 0 || v[xz->n_diffs - 1] != next))
		xfr_diff_free(next);
	xz->diffs = v;
	return 0;
}

static int copy_soa_to(xfr_diff_t *d, const st_xfr_zone_t *xz)
{
	const st_rrset_t *soa = st_node_rrset(st_zone_apex_node(xz->zone), ST_TYPE_SOA);
	d->soa_to = malloc(10u + st_rr_rdlen(soa->rdata));
	if (!d->soa_to)
		return ST_ENOMEM;
	d->soa_to_len = xfr_rr_wire(soa, soa->ttl, soa->rdata, d->soa_to);
	d->to = xz->serial;
	return 0;
}

/* Choose the serial and what to keep, given the difference from prev. */
static int settle(st_xfr_zone_t *xz, const st_xfr_zone_t *prev, xfr_diff_t *d, bool changed,
		  const st_xfr_opts_t *opts, uint64_t now)
{
	st_xfr_change_t *c = &xz->change;
	uint32_t file = st_zone_serial(xz->zone);
	c->first = prev == NULL;
	c->data_changed = changed;
	c->from = prev ? prev->serial : 0;
	c->removed = d ? d->n_del : 0;
	c->added = d ? d->n_add : 0;
	if (opts->serial == ST_SERIAL_UNIXTIME) {
		uint32_t t = (uint32_t)now;
		if (!prev && opts->has_saved && opts->saved_digest == xz->digest) {
			xz->serial = opts->saved_serial; /* a restart, the same data */
		} else if (!prev) {
			/* Never below the file's serial, nor the saved one. */
			xz->serial = st_serial_gt(file, t) ? file : t;
			if (opts->has_saved && !st_serial_gt(xz->serial, opts->saved_serial))
				xz->serial = opts->saved_serial + 1;
		} else if (!changed) {
			xz->serial = prev->serial;
		} else {
			xz->serial = st_serial_gt(t, prev->serial) ? t : prev->serial + 1;
		}
	} else {
		xz->serial = file;
	}
	c->to = xz->serial;
	if (xz->serial != file && st_zone_set_serial(xz->zone, xz->serial) != 0)
		return ST_EINVAL;
	if (!prev) {
		xfr_diff_free(d);
		return keep_history(xz, NULL, NULL, 0);
	}
	if (xz->serial == prev->serial) {
		xfr_diff_free(d);
		if (!changed)
			return keep_history(xz, prev, NULL, opts->keep);
		c->serial_kept = true;
		c->history_reset = prev->n_diffs > 0;
		st_log_warn("zone %s, transferred data changed (%zu removed, %zu added) but the "
			    "serial %u did not: secondaries keep the old data; raise the serial "
			    "in %s or set serial: unixtime",
			    st_zone_name(xz->zone), c->removed, c->added, xz->serial,
			    st_zone_file(xz->zone));
		return keep_history(xz, NULL, NULL, 0);
	}
	if (!st_serial_gt(xz->serial, prev->serial)) {
		xfr_diff_free(d);
		c->history_reset = true;
		st_log_warn("zone %s, serial went back from %u to %u: secondaries that hold %u "
			    "keep it until the serial passes it (RFC 1982)",
			    st_zone_name(xz->zone), prev->serial, xz->serial, prev->serial);
		return keep_history(xz, NULL, NULL, 0);
	}
	int ret = copy_soa_to(d, xz);
	if (ret != 0) {
		xfr_diff_free(d);
		return ret;
	}
	return keep_history(xz, prev, d, opts->keep);
}

int st_xfr_zone_new(st_xfr_zone_t *prev, st_zone_t *zone, const st_route_t *route,
		    const st_xfr_opts_t *opts, uint64_t now, st_xfr_zone_t **out, st_diag_t *diag)
{
	st_xfr_zone_t *xz = calloc(1, sizeof(*xz));
	if (!xz)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	atomic_init(&xz->refs, 1);
	xz->zone = st_zone_ref(zone);
	xz->stats = prev ? prev->stats : stats_new();
	if (prev)
		atomic_fetch_add_explicit(&prev->stats->refs, 1, memory_order_relaxed);
	int ret = xz->stats ? 0 : ST_ENOMEM;
	if (ret == 0 && route && opts->routed == ST_ROUTED_ALL)
		ret = build_dyn(xz, route);
	if (ret == 0)
		measure(xz, opts->serial == ST_SERIAL_UNIXTIME);

	xfr_diff_t *d = NULL;
	bool changed = true;
	if (ret == 0 && prev && prev->zone == zone && prev->n_dyn == 0 && xz->n_dyn == 0)
		changed = false; /* the same snapshot: nothing to compare */
	else if (ret == 0 && prev)
		ret = xfr_diff_new(prev, xz, &d, &changed);
	if (ret == 0)
		ret = settle(xz, prev, d, changed, opts, now);
	if (ret != 0) {
		zone_destroy(xz);
		return st_diag_set(diag, ret, "zone %s, transfer version: %s", st_zone_name(zone),
				   st_strerror(ret));
	}
	*out = xz;
	return 0;
}

uint32_t st_xfr_zone_serial(const st_xfr_zone_t *xz)
{
	return xz->serial;
}

const st_zone_t *st_xfr_zone_zone(const st_xfr_zone_t *xz)
{
	return xz->zone;
}

size_t st_xfr_zone_versions(const st_xfr_zone_t *xz)
{
	return xz->n_diffs;
}

uint32_t st_xfr_zone_oldest(const st_xfr_zone_t *xz)
{
	return xz->n_diffs ? xz->diffs[0]->from : xz->serial;
}

st_xfr_stats_t *st_xfr_zone_stats(const st_xfr_zone_t *xz)
{
	return xz->stats;
}

size_t st_xfr_zone_records(const st_xfr_zone_t *xz)
{
	return xz->records + 1;
}

uint64_t st_xfr_zone_digest(const st_xfr_zone_t *xz)
{
	return xz->digest;
}

const st_xfr_change_t *st_xfr_zone_change(const st_xfr_zone_t *xz)
{
	return &xz->change;
}
