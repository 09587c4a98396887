/* Zone builder: collects parsed records in a table of owner names, checks
 * them (the content rules of rules.c, dynamic RRsets) and compiles the
 * immutable snapshot into a handful of arenas. */
#include "config.h"

#include "zone/internal.h"

#include "common/log.h"
#include "common/strv.h"
#include "dns/rrtype.h"

#include <ldns/ldns.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `need` elements of `elem` bytes in an array of *cap bytes. */
static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	if (p && need * elem <= *cap)
		return p;
	return st_zmem_grow(p, cap, need * elem);
}

void zb_warn(zb_t *zb, const char *fmt, ...)
{
	char buf[512];
	if (++zb->warnings > ZB_MAX_WARNINGS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	st_log_warn("zone %s, %s", zb->origin, buf);
}

int st_zname_suffix(const uint8_t *name, size_t len, const uint8_t *apex, size_t apex_len)
{
	if (len < apex_len)
		return -1;
	size_t off = 0;
	while (off < len - apex_len && name[off])
		off += name[off] + 1u;
	if (off != len - apex_len || !st_zname_eq(name + off, apex, apex_len))
		return -1;
	return (int)off;
}

/* Owner-name table. */
uint32_t zb_lookup(const zb_t *zb, const uint8_t *name, size_t len, uint32_t h)
{
	for (uint32_t i = st_zslot_of(h, zb->n_slots);; i = i + 1 == zb->n_slots ? 0 : i + 1) {
		const st_zslot_t *s = &zb->slots[i];
		if (s->idx == ZB_NONE)
			return ZB_NONE;
		const zb_node_t *n = &zb->nodes[s->idx];
		if (s->hash == h && n->name_len == len &&
		    st_zname_eq(name, zb->names + n->name_off, len))
			return s->idx;
	}
}

/* Slots for n names: about 60% full, so that a miss ends within a cache
 * line or two. */
static size_t slots_for(size_t n)
{
	return n + n * 2 / 3 + 8;
}

static int rehash(zb_t *zb, size_t slots)
{
	if (slots > UINT32_MAX)
		return ST_ERANGE;
	size_t cap;
	st_zslot_t *t = st_zmem_alloc(&cap, sizeof(*t) * slots);
	if (!t)
		return ST_ENOMEM;
	memset(t, 0xff, sizeof(*t) * slots); /* idx = ZB_NONE */
	for (size_t k = 0; k < zb->n_slots; k++) {
		st_zslot_t s = zb->slots[k];
		if (s.idx == ZB_NONE)
			continue;
		uint32_t i = st_zslot_of(s.hash, (uint32_t)slots);
		while (t[i].idx != ZB_NONE)
			i = i + 1 == slots ? 0 : i + 1;
		t[i] = s;
	}
	st_zmem_free(zb->slots, zb->slots_cap);
	zb->slots = t;
	zb->slots_cap = cap;
	zb->n_slots = (uint32_t)slots;
	return 0;
}

/* A new node for a name (lower-cased into the name arena), not yet in the
 * owner table. */
static int new_node(zb_t *zb, const uint8_t *name, size_t len)
{
	if (zb->n_nodes >= ZB_NONE - 1)
		return ST_ERANGE;
	zb_node_t *nodes = grow(zb->nodes, &zb->nodes_cap, zb->n_nodes + 1, sizeof(*nodes));
	uint8_t *names = grow(zb->names, &zb->names_cap, zb->names_len + len, 1);
	if (nodes)
		zb->nodes = nodes;
	if (names)
		zb->names = names;
	if (!nodes || !names)
		return ST_ENOMEM;
	zb_node_t *n = &zb->nodes[zb->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->name_off = (uint32_t)zb->names_len;
	n->name_len = (uint8_t)len;
	n->parent = ZB_NONE;
	uint8_t *lc = zb->names + zb->names_len;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, name + i, 8);
		w = st_dns_lower8(w);
		memcpy(lc + i, &w, 8);
	}
	for (; i < len; i++)
		lc[i] = st_dns_lower(name[i]);
	zb->names_len += len;
	for (size_t off = 0; name[off]; off += name[off] + 1u)
		n->labels++;
	return 0;
}

static void insert_slot(zb_t *zb, uint32_t idx, uint32_t h)
{
	uint32_t i = st_zslot_of(h, zb->n_slots);
	while (zb->slots[i].idx != ZB_NONE)
		i = i + 1 == zb->n_slots ? 0 : i + 1;
	zb->slots[i] = (st_zslot_t){.idx = idx, .hash = h};
}

/* The node of a name (hash h), created (with no records) when missing.
 * Every node is in the owner table by now (see index_names). */
static int intern_h(zb_t *zb, const uint8_t *name, size_t len, uint32_t h, uint32_t *out)
{
	uint32_t idx = zb_lookup(zb, name, len, h);
	if (idx != ZB_NONE) {
		*out = idx;
		return 0;
	}
	if ((zb->n_nodes + 1) * 4 > (size_t)zb->n_slots * 3) {
		int rc = rehash(zb, slots_for(2 * zb->n_nodes));
		if (rc)
			return rc;
	}
	int rc = new_node(zb, name, len);
	if (rc)
		return rc;
	*out = (uint32_t)(zb->n_nodes - 1);
	insert_slot(zb, *out, h);
	zb->n_indexed = zb->n_nodes;
	return 0;
}

static int intern(zb_t *zb, const uint8_t *name, size_t len, uint32_t *out)
{
	return intern_h(zb, name, len, st_zhash(name, len), out);
}

/* Owners are read into nodes as they come, one per change of owner,
 * without looking them up (a lookup is a cache miss per name: most of the
 * time a big zone took). Here they go into the owner table in batches,
 * each batch's slots prefetched first so that the misses overlap; a name
 * seen before folds into its first node, and records follow. */
static int index_names(zb_t *zb)
{
	enum { BATCH = 16 };
	size_t first = zb->n_indexed, n = zb->n_nodes;
	if (first == n)
		return 0;
	int rc = slots_for(n) > zb->n_slots ? rehash(zb, slots_for(n)) : 0;
	if (rc)
		return rc;
	/* Records name their nodes in reading order (a record's node is the
	 * previous record's or a new one): those of each node folded here
	 * follow those of the nodes before it, and are renamed as they come. */
	size_t r = 0;
	while (r < zb->n_recs && zb->recs[r].node < first)
		r++;
	uint32_t next = (uint32_t)first;
	for (size_t i = first; i < n; i += BATCH) {
		uint32_t h[BATCH];
		size_t b = n - i < BATCH ? n - i : BATCH;
		for (size_t k = 0; k < b; k++) {
			const zb_node_t *node = &zb->nodes[i + k];
			h[k] = st_zhash(zb->names + node->name_off, node->name_len);
			__builtin_prefetch(&zb->slots[st_zslot_of(h[k], zb->n_slots)]);
		}
		for (size_t k = 0; k < b; k++) {
			const zb_node_t *node = &zb->nodes[i + k];
			uint32_t idx = zb_lookup(zb, zb->names + node->name_off, node->name_len, h[k]);
			if (idx == ZB_NONE) {
				idx = next++;
				zb->nodes[idx] = *node;
				insert_slot(zb, idx, h[k]);
			}
			for (; r < zb->n_recs && zb->recs[r].node == i + k; r++)
				zb->recs[r].node = idx;
		}
	}
	zb->n_nodes = zb->n_indexed = next;
	return 0;
}

int zb_init(zb_t *zb, const char *origin, st_diag_t *diag)
{
	memset(zb, 0, sizeof(*zb));
	zb->diag = diag;
	zb->origin = origin;
	ldns_rdf *o = NULL;
	size_t n = strlen(origin);
	char *abs = malloc(n + 2);
	if (!abs)
		return ST_ENOMEM;
	memcpy(abs, origin, n + 1);
	if (n == 0 || origin[n - 1] != '.')
		strcpy(abs + n, ".");
	ldns_status s = ldns_str2rdf_dname(&o, abs);
	free(abs);
	if (s != LDNS_STATUS_OK || !o)
		return st_diag_set(diag, ST_EZONE, "bad zone name '%s'", origin);
	zb->apex_len = (uint8_t)ldns_rdf_size(o);
	for (size_t i = 0; i < zb->apex_len; i++)
		zb->apex[i] = st_dns_lower(ldns_rdf_data(o)[i]);
	ldns_rdf_deep_free(o);
	int rc = rehash(zb, 64);
	uint32_t apex;
	if (!rc)
		rc = intern(zb, zb->apex, zb->apex_len, &apex);
	if (rc)
		return rc;
	zb->apex_labels = zb->nodes[0].labels;
	return 0;
}

void zb_clear(zb_t *zb)
{
	st_zmem_free(zb->names, zb->names_cap);
	st_zmem_free(zb->nodes, zb->nodes_cap);
	st_zmem_free(zb->slots, zb->slots_cap);
	st_zmem_free(zb->recs, zb->recs_cap);
	st_zmem_free(zb->rdata, zb->rdata_cap);
	st_zmem_free(zb->locs, zb->locs_cap);
	st_zmem_free(zb->loc_step, zb->loc_step_cap);
	st_strv_free(zb->files, zb->n_files);
	zb_includes_free(zb->includes, zb->n_includes);
	free(zb->dyn_node);
	free(zb->dyn_order);
	memset(zb, 0, sizeof(*zb));
}

int zb_add_file(zb_t *zb, const char *path)
{
	if (zb->n_files >= UINT16_MAX - 1)
		return st_diag_set(zb->diag, ST_ERANGE, "%s: too many included files", path);
	char **f = realloc(zb->files, sizeof(*f) * (zb->n_files + 1));
	if (!f)
		return ST_ENOMEM;
	zb->files = f;
	if (!(f[zb->n_files] = strdup(path)))
		return ST_ENOMEM;
	return (int)zb->n_files++;
}

/* The checkpoint at or before a record, and the record's line. */
static const zb_loc_t *rec_loc(const zb_t *zb, const zb_rec_t *r, uint32_t *line)
{
	size_t lo = 0, hi = zb->n_locs;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (zb->locs[mid].rdata <= r->rdata)
			lo = mid;
		else
			hi = mid;
	}
	const zb_loc_t *c = &zb->locs[lo];
	uint32_t at = c->rdata, ord = c->ord;
	*line = c->line;
	while (at < r->rdata) {
		at += 2u + (uint32_t)(zb->rdata[at] << 8 | zb->rdata[at + 1]);
		*line += zb->loc_step[++ord];
	}
	return c;
}

uint16_t zb_rec_file(const zb_t *zb, const zb_rec_t *r)
{
	uint32_t line;
	return rec_loc(zb, r, &line)->file;
}

uint32_t zb_rec_line(const zb_t *zb, const zb_rec_t *r)
{
	uint32_t line;
	rec_loc(zb, r, &line);
	return line;
}

/* Remember where the next record is read. */
static int add_loc(zb_t *zb, uint16_t file, uint32_t line)
{
	size_t ord = zb->n_recs;
	uint8_t *step = grow(zb->loc_step, &zb->loc_step_cap, ord + 1, 1);
	if (!step)
		return ST_ENOMEM;
	zb->loc_step = step;
	const zb_loc_t *c = zb->n_locs ? &zb->locs[zb->n_locs - 1] : NULL;
	if (c && c->file == file && line >= zb->last_line && line - zb->last_line < 255 &&
	    ord - c->ord < ZB_LOC_SPAN) {
		step[ord] = (uint8_t)(line - zb->last_line);
	} else {
		zb_loc_t *locs = grow(zb->locs, &zb->locs_cap, zb->n_locs + 1, sizeof(*locs));
		if (!locs)
			return ST_ENOMEM;
		zb->locs = locs;
		locs[zb->n_locs++] = (zb_loc_t){.rdata = (uint32_t)zb->rdata_len,
						.ord = (uint32_t)ord,
						.line = line,
						.file = file};
		step[ord] = 0;
	}
	zb->last_line = line;
	return 0;
}

int zb_add_record(zb_t *zb, const uint8_t *owner, size_t owner_len, uint16_t type, uint16_t rclass,
		  uint32_t ttl, const uint8_t *rdata, size_t rdlen, uint16_t file, uint32_t line)
{
	const char *path = zb->files[file];
	if (rclass != LDNS_RR_CLASS_IN) {
		char cls[32];
		ldns_rr_class c = rclass;
		char *s = ldns_rr_class2str(c);
		snprintf(cls, sizeof(cls), "%s", s ? s : "?");
		free(s);
		return st_diag_set(zb->diag, ST_EZONE, "%s:%u: class %s, only IN is served", path,
				   line, cls);
	}
	if (zb->rdata_len + 2 + rdlen > UINT32_MAX || zb->n_recs >= UINT32_MAX)
		return st_diag_set(zb->diag, ST_ERANGE, "%s:%u: zone too large", path, line);
	/* Records of one name usually follow each other: a new node only when
	 * the owner changes (index_names folds repeats later). */
	uint32_t node = zb->last_node;
	const zb_node_t *last = &zb->nodes[node];
	if (last->name_len != owner_len ||
	    !st_zname_eq(owner, zb->names + last->name_off, owner_len)) {
		if (st_zname_suffix(owner, owner_len, zb->apex, zb->apex_len) < 0) {
			char n[1024];
			st_name_to_str(owner, n, sizeof(n));
			return st_diag_set(zb->diag, ST_EZONE, "%s:%u: %s is outside the zone %s",
					   path, line, n, zb->origin);
		}
		int rc = new_node(zb, owner, owner_len);
		if (rc)
			return rc;
		node = zb->last_node = (uint32_t)(zb->n_nodes - 1);
	}
	zb_rec_t *recs = grow(zb->recs, &zb->recs_cap, zb->n_recs + 1, sizeof(*recs));
	if (!recs)
		return ST_ENOMEM;
	zb->recs = recs;
	int rc = add_loc(zb, file, line);
	if (rc)
		return rc;
	uint8_t *rd = grow(zb->rdata, &zb->rdata_cap, zb->rdata_len + 2 + rdlen, 1);
	if (!rd)
		return ST_ENOMEM;
	zb->rdata = rd;
	rd[zb->rdata_len] = (uint8_t)(rdlen >> 8);
	rd[zb->rdata_len + 1] = (uint8_t)rdlen;
	memcpy(rd + zb->rdata_len + 2, rdata, rdlen);
	recs[zb->n_recs++] = (zb_rec_t){
	    .node = node, .type = type, .ttl = ttl, .rdata = (uint32_t)zb->rdata_len};
	zb->rdata_len += 2 + rdlen;
	return 0;
}

static int rec_cmp(const void *a, const void *b, void *arg)
{
	const zb_rec_t *x = a, *y = b;
	const zb_t *zb = arg;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	uint16_t xl = zb_rec_rdlen(zb, x), yl = zb_rec_rdlen(zb, y);
	int c = memcmp(zb_rec_data(zb, x), zb_rec_data(zb, y), xl < yl ? xl : yl);
	if (c)
		return c;
	if (xl != yl)
		return xl < yl ? -1 : 1;
	/* Equal records: the first read stays, later ones are dropped. */
	return x->rdata < y->rdata ? -1 : x->rdata > y->rdata;
}

/* Collapse duplicates, unify TTLs inside each RRset (the lowest wins, RFC
 * 2181 5.2), and index each node's records. */
static void group_records(zb_t *zb)
{
	size_t i = 0;
	while (i < zb->n_recs) {
		zb_rec_t *r = &zb->recs[i];
		zb_node_t *n = &zb->nodes[r->node];
		if (n->nrec == 0)
			n->first = (uint32_t)i;
		size_t j = i + 1;
		uint32_t ttl = r->ttl;
		const zb_rec_t *other = NULL;
		while (j < zb->n_recs && zb->recs[j].node == r->node &&
		       zb->recs[j].type == r->type) {
			zb_rec_t *q = &zb->recs[j], *p = &zb->recs[j - 1];
			uint16_t len = zb_rec_rdlen(zb, q);
			if (len == zb_rec_rdlen(zb, p) &&
			    memcmp(zb_rec_data(zb, q), zb_rec_data(zb, p), len) == 0)
				q->flags |= ZB_DROP;
			if (q->ttl != ttl) {
				other = q;
				if (q->ttl < ttl)
					ttl = q->ttl;
			}
			j++;
		}
		if (other) {
			char tb[16], nb[1024];
			st_name_to_str(zb->names + n->name_off, nb, sizeof(nb));
			zb_warn(zb, "%s:%u: TTL %u of %s %s differs from %u at %s:%u, using %u",
				ZB_REC_LOC(zb, other), other->ttl, nb,
				st_rrtype_str(r->type, tb, sizeof(tb)), r->ttl, ZB_REC_LOC(zb, r),
				ttl);
		}
		for (size_t k = i; k < j; k++)
			zb->recs[k].ttl = ttl;
		n->nrec += (uint32_t)(j - i);
		i = j;
	}
}

/* The parent of node i, created as an empty non-terminal when missing. The
 * name is copied first: interning may move the name arena. */
static int intern_parent(zb_t *zb, size_t i, uint32_t *out)
{
	uint8_t buf[255];
	const zb_node_t *n = &zb->nodes[i];
	const uint8_t *name = zb->names + n->name_off;
	size_t len = n->name_len - name[0] - 1u;
	memcpy(buf, name + name[0] + 1, len);
	return intern(zb, buf, len, out);
}

/* Nodes for every empty non-terminal, and each node's parent (new nodes
 * get theirs as the loop reaches them). Batches as in index_names. */
static int link_parents(zb_t *zb)
{
	enum { BATCH = 16 };
	for (size_t i = 1, b; i < zb->n_nodes; i += b) {
		uint32_t h[BATCH];
		b = zb->n_nodes - i < BATCH ? zb->n_nodes - i : BATCH;
		for (size_t k = 0; k < b; k++) {
			const zb_node_t *n = &zb->nodes[i + k];
			const uint8_t *name = zb->names + n->name_off;
			h[k] = st_zhash(name + name[0] + 1, n->name_len - name[0] - 1u);
			__builtin_prefetch(&zb->slots[st_zslot_of(h[k], zb->n_slots)]);
		}
		for (size_t k = 0; k < b; k++) {
			uint8_t buf[255];
			const zb_node_t *n = &zb->nodes[i + k];
			const uint8_t *name = zb->names + n->name_off;
			size_t len = n->name_len - name[0] - 1u;
			memcpy(buf, name + name[0] + 1, len);
			uint32_t p;
			int rc = intern_h(zb, buf, len, h[k], &p);
			if (rc)
				return rc;
			zb->nodes[i + k].parent = p;
		}
	}
	return 0;
}

static int dyn_cmp(const void *a, const void *b, void *arg)
{
	const zb_t *zb = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (zb->dyn_node[x] != zb->dyn_node[y])
		return zb->dyn_node[x] < zb->dyn_node[y] ? -1 : 1;
	if (zb->dyn[x].type != zb->dyn[y].type)
		return zb->dyn[x].type < zb->dyn[y].type ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int add_dyn(zb_t *zb)
{
	char nb[1024], tb[16];
	if (!zb->n_dyn)
		return 0;
	zb->dyn_node = malloc(sizeof(uint32_t) * zb->n_dyn);
	zb->dyn_order = malloc(sizeof(uint32_t) * zb->n_dyn);
	if (!zb->dyn_node || !zb->dyn_order)
		return ST_ENOMEM;
	for (size_t i = 0; i < zb->n_dyn; i++) {
		const st_zone_dyn_t *d = &zb->dyn[i];
		const char *src = d->source ? d->source : "dynamic record";
		st_name_to_str(d->owner, nb, sizeof(nb));
		if (d->type != ST_TYPE_A && d->type != ST_TYPE_AAAA && d->type != ST_TYPE_CNAME)
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s: dynamic %s at %s: only A, AAAA and CNAME can be dynamic", src,
			    st_rrtype_str(d->type, tb, sizeof(tb)), nb);
		if (st_zname_suffix(d->owner, d->owner_len, zb->apex, zb->apex_len) < 0)
			return st_diag_set(zb->diag, ST_EZONE, "%s: %s is outside the zone %s", src,
					   nb, zb->origin);
		size_t before = zb->n_nodes;
		int rc = intern(zb, d->owner, d->owner_len, &zb->dyn_node[i]);
		if (rc)
			return rc;
		/* New nodes need their parents (and ENTs) too. */
		for (size_t k = before; k < zb->n_nodes; k++) {
			uint32_t p;
			if ((rc = intern_parent(zb, k, &p)))
				return rc;
			zb->nodes[k].parent = p;
		}
		const zb_node_t *n = &zb->nodes[zb->dyn_node[i]];
		const zb_rec_t *same = zb_node_rec(zb, n, d->type);
		const zb_rec_t *cname = zb_node_rec(zb, n, ST_TYPE_CNAME);
		const zb_rec_t *any = n->nrec ? zb_node_other(zb, n, 0) : NULL;
		st_rrtype_str(d->type, tb, sizeof(tb));
		if (same)
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s: dynamic %s at %s clashes with the static %s at %s:%u", src, tb, nb,
			    tb, ZB_REC_LOC(zb, same));
		if (cname)
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s: dynamic %s at %s clashes with the static CNAME at %s:%u", src, tb,
			    nb, ZB_REC_LOC(zb, cname));
		if (d->type == ST_TYPE_CNAME && any) {
			char ob[16];
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s: dynamic CNAME at %s clashes with the static %s at %s:%u", src, nb,
			    st_rrtype_str(any->type, ob, sizeof(ob)), ZB_REC_LOC(zb, any));
		}
		zb->dyn_order[i] = (uint32_t)i;
	}
	qsort_r(zb->dyn_order, zb->n_dyn, sizeof(uint32_t), dyn_cmp, zb);
	for (size_t k = 0; k < zb->n_dyn; k++) {
		uint32_t i = zb->dyn_order[k];
		if (k == 0 || zb->dyn_node[zb->dyn_order[k - 1]] != zb->dyn_node[i])
			continue;
		const st_zone_dyn_t *a = &zb->dyn[zb->dyn_order[k - 1]], *b = &zb->dyn[i];
		if (a->type == b->type || a->type == ST_TYPE_CNAME || b->type == ST_TYPE_CNAME) {
			st_name_to_str(b->owner, nb, sizeof(nb));
			char ob[16];
			return st_diag_set(zb->diag, ST_EZONE,
					   "%s: dynamic %s at %s clashes with the dynamic %s at %s",
					   b->source ? b->source : "dynamic record",
					   st_rrtype_str(b->type, tb, sizeof(tb)), nb,
					   st_rrtype_str(a->type, ob, sizeof(ob)),
					   a->source ? a->source : "dynamic record");
		}
	}
	return 0;
}

uint32_t zb_node_dyn(const zb_t *zb, uint32_t node, uint32_t *first)
{
	/* dyn_order is sorted by node: the first entry at or after `node`. */
	size_t lo = 0, hi = zb->dyn_order ? zb->n_dyn : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (zb->dyn_node[zb->dyn_order[mid]] < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < zb->n_dyn && zb->dyn_order && zb->dyn_node[zb->dyn_order[end]] == node)
		end++;
	*first = (uint32_t)lo;
	return (uint32_t)(end - lo);
}

/* The next live record of node n from r on (rend when none). */
static uint32_t live(const zb_t *zb, uint32_t r, uint32_t rend)
{
	while (r < rend && (zb->recs[r].flags & ZB_DROP))
		r++;
	return r;
}

/* The live records of one RRset, from r (live) to the first of another
 * type: are they back to back in the rdata arena, in order? Sets *end and
 * *count, and *bytes to their size. */
static bool rrset_span(const zb_t *zb, uint32_t r, uint32_t rend, uint32_t *end, size_t *count,
		       size_t *bytes)
{
	uint16_t type = zb->recs[r].type;
	bool together = true;
	size_t n = 0, b = 0;
	uint32_t next = zb->recs[r].rdata;
	for (; r < rend && zb->recs[r].type == type; r++) {
		const zb_rec_t *rec = &zb->recs[r];
		if (rec->flags & ZB_DROP)
			continue;
		together &= rec->rdata == next;
		next = rec->rdata + 2u + zb_rec_rdlen(zb, rec);
		n++;
		b += 2u + zb_rec_rdlen(zb, rec);
	}
	*end = r;
	*count = n;
	*bytes = b;
	return together;
}

/* Static RRsets and dynamic ones merged by type. The snapshot takes over
 * the builder's arrays, so that a reload holds little more than the two
 * zones: the names, the owner table (sized for the snapshot), the nodes
 * (rewritten in place: a snapshot node is smaller than a builder node, so
 * node i never overwrites a node after it) and the rdata arena. The records
 * of an RRset usually sit back to back in the arena already (one after
 * another in the file): the snapshot points at them where they are, and
 * only the others are copied to the arena's end. */
static int compile(zb_t *zb, st_zone_t *z)
{
	size_t n_rrsets = 0, n_recs = 0, extra = 0;
	for (size_t i = 0; i < zb->n_nodes; i++) {
		const zb_node_t *n = &zb->nodes[i];
		uint32_t dyn_first;
		size_t sets = zb_node_dyn(zb, (uint32_t)i, &dyn_first);
		uint32_t rend = n->first + n->nrec;
		for (uint32_t r = live(zb, n->first, rend); r < rend; r = live(zb, r, rend)) {
			const zb_rec_t *first = &zb->recs[r];
			size_t count, bytes;
			if (!rrset_span(zb, r, rend, &r, &count, &bytes))
				extra += bytes;
			sets++;
			n_recs += count;
			if (count > UINT16_MAX) {
				char nb[1024], tb[16];
				st_name_to_str(zb->names + n->name_off, nb, sizeof(nb));
				return st_diag_set(zb->diag, ST_EZONE,
						   "%s:%u: more than %u records in the %s %s RRset",
						   ZB_REC_LOC(zb, first), UINT16_MAX, nb,
						   st_rrtype_str(first->type, tb, sizeof(tb)));
			}
		}
		if (sets > UINT16_MAX) {
			char nb[1024];
			st_name_to_str(zb->names + n->name_off, nb, sizeof(nb));
			return st_diag_set(zb->diag, ST_EZONE, "%s: more than %u RRsets at %s",
					   zb->files[0], UINT16_MAX, nb);
		}
		n_rrsets += sets;
	}
	if (zb->rdata_len + extra > UINT32_MAX)
		return st_diag_set(zb->diag, ST_ERANGE, "%s: zone too large", zb->files[0]);
	uint8_t *rdata = grow(zb->rdata, &zb->rdata_cap, zb->rdata_len + extra, 1);
	if (!rdata)
		return ST_ENOMEM;
	zb->rdata = rdata;

	/* Without dynamic RRsets every RRset has a record of its own, at or
	 * after its own index, and a snapshot RRset is smaller than a builder
	 * record: RRset k is written over records the loop has read (k <= the
	 * index of its first record), so the records array becomes the RRsets. */
	_Static_assert(sizeof(st_rrset_t) <= sizeof(zb_rec_t), "RRsets are written in place");
	bool in_place = zb->n_dyn == 0 && n_rrsets <= zb->n_recs;
	char *sets = (char *)zb->recs;
	if (!in_place) {
		sets = st_zmem_alloc(&z->rrsets_cap, sizeof(st_rrset_t) * n_rrsets);
		if (!sets)
			return ST_ENOMEM;
		z->rrsets = (st_rrset_t *)(void *)sets;
	}
	z->n_rrsets = n_rrsets;
	z->records = n_recs;
	z->names = zb->names;
	z->names_len = zb->names_len;
	z->names_cap = zb->names_cap;
	zb->names = NULL;
	zb->names_cap = 0;
	z->slots = zb->slots;
	z->n_slots = zb->n_slots;
	z->slots_cap = zb->slots_cap;
	zb->slots = NULL;
	zb->slots_cap = 0;
	_Static_assert(sizeof(st_node_t) <= sizeof(zb_node_t), "nodes are rewritten in place");
	char *nodes = (char *)zb->nodes;

	size_t k = 0; /* the next RRset */
	size_t tail = zb->rdata_len;
	for (size_t i = 0; i < zb->n_nodes; i++) {
		zb_node_t bn;
		memcpy(&bn, nodes + i * sizeof(zb_node_t), sizeof(bn));
		const zb_node_t *n = &bn;
		st_node_t out = {.name = z->names + n->name_off,
				 .name_len = n->name_len,
				 .labels = n->labels,
				 .flags = n->flags & (uint16_t)~ZB_NODE_MARKED,
				 .rrsets = (const st_rrset_t *)(void *)(sets + k * sizeof(st_rrset_t))};
		size_t k0 = k;
		uint32_t rend = n->first + n->nrec, r = live(zb, n->first, rend), d = 0;
		uint32_t dyn_first, ndyn = zb_node_dyn(zb, (uint32_t)i, &dyn_first);
		while (r < rend || d < ndyn) {
			const st_zone_dyn_t *dy =
			    d < ndyn ? &zb->dyn[zb->dyn_order[dyn_first + d]] : NULL;
			if (dy && (r >= rend || dy->type < zb->recs[r].type)) {
				st_rrset_t set = {
				    .type = dy->type, .ttl = dy->ttl, .dyn_handle = dy->handle};
				memcpy(sets + k++ * sizeof(set), &set, sizeof(set));
				d++;
				continue;
			}
			const zb_rec_t *first = &zb->recs[r];
			uint32_t end;
			size_t count, bytes;
			st_rrset_t set = {
			    .type = first->type, .ttl = first->ttl, .rdata = rdata + first->rdata};
			if (!rrset_span(zb, r, rend, &end, &count, &bytes)) {
				set.rdata = rdata + tail;
				for (; r < end; r++) {
					const zb_rec_t *rec = &zb->recs[r];
					if (rec->flags & ZB_DROP)
						continue;
					size_t len = 2u + zb_rec_rdlen(zb, rec);
					memcpy(rdata + tail, rdata + rec->rdata, len);
					tail += len;
				}
			}
			set.count = (uint16_t)count;
			memcpy(sets + k++ * sizeof(set), &set, sizeof(set));
			r = live(zb, end, rend);
		}
		out.n_rrsets = (uint16_t)(k - k0);
		if (!out.n_rrsets && !(out.flags & ST_NODE_APEX))
			out.flags |= ST_NODE_ENT;
		memcpy(nodes + i * sizeof(st_node_t), &out, sizeof(out));
	}
	z->nodes = (st_node_t *)(void *)nodes;
	z->n_nodes = zb->n_nodes;
	z->nodes_cap = zb->nodes_cap;
	zb->nodes = NULL;
	zb->nodes_cap = 0;
	z->nodes = st_zmem_shrink(z->nodes, &z->nodes_cap, sizeof(st_node_t) * z->n_nodes);
	if (in_place) {
		z->rrsets = (st_rrset_t *)(void *)sets;
		z->rrsets_cap = zb->recs_cap;
		zb->recs = NULL;
		zb->recs_cap = 0;
		z->rrsets = st_zmem_shrink(z->rrsets, &z->rrsets_cap, sizeof(st_rrset_t) * n_rrsets);
	}
	z->rdata = rdata;
	z->rdata_len = tail;
	z->rdata_cap = zb->rdata_cap;
	zb->rdata = NULL;
	zb->rdata_cap = 0;
	z->rdata = st_zmem_shrink(z->rdata, &z->rdata_cap, z->rdata_len);
	z->names = st_zmem_shrink(z->names, &z->names_cap, z->names_len);

	z->cached = st_zone_memory(z) <= ST_ZONE_CACHED_MAX;

	const st_rrset_t *soa = st_node_rrset(&z->nodes[0], ST_TYPE_SOA);
	const uint8_t *rd = st_rr_rdata(soa->rdata);
	size_t at = st_soa_serial_at(rd, st_rr_rdlen(soa->rdata));
	if (at)
		z->serial = (uint32_t)rd[at] << 24 | (uint32_t)rd[at + 1] << 16 |
			    (uint32_t)rd[at + 2] << 8 | rd[at + 3];
	return 0;
}

/* Records by (node, type, data). A zone file usually keeps each name's
 * records together, and nodes are numbered in reading order: then only
 * each node's few records need sorting. */
static void sort_records(zb_t *zb)
{
	zb_rec_t *r = zb->recs;
	size_t n = zb->n_recs, i = 1;
	while (i < n && r[i].node >= r[i - 1].node)
		i++;
	if (i < n) {
		qsort_r(r, n, sizeof(*r), rec_cmp, zb);
		return;
	}
	for (size_t start = 0, end; start < n; start = end) {
		for (end = start + 1; end < n && r[end].node == r[start].node; end++)
			;
		if (end - start > 16) {
			qsort_r(r + start, end - start, sizeof(*r), rec_cmp, zb);
			continue;
		}
		for (size_t k = start + 1; k < end; k++) {
			zb_rec_t x = r[k];
			size_t j = k;
			for (; j > start && rec_cmp(&r[j - 1], &x, zb) > 0; j--)
				r[j] = r[j - 1];
			r[j] = x;
		}
	}
}

int zb_finish(zb_t *zb, const st_zone_dyn_t *dyn, size_t n_dyn, st_zone_t *z)
{
	int rc = index_names(zb);
	if (rc)
		return rc;
	sort_records(zb);
	group_records(zb);
	rc = zb_check_static(zb);
	if (rc)
		return rc;
	zb->dyn = dyn;
	zb->n_dyn = n_dyn;
	if ((rc = link_parents(zb)) || (rc = add_dyn(zb)) || (rc = zb_mark_cuts(zb)))
		return rc;
	zb_warn_glue(zb);
	if (zb->warnings > ZB_MAX_WARNINGS)
		st_log_warn("zone %s, %u more warnings not shown", zb->origin,
			    zb->warnings - ZB_MAX_WARNINGS);
	return compile(zb, z);
}
