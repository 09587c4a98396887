/* Zone snapshots: loading entry point, lookups, reference counting. */
#include "config.h"

#include "zone/internal.h"

#include "common/log.h"
#include "common/time.h"

#include <stdlib.h>
#include <string.h>

/* A prefetch step past the last: the next one ends the prefetch. */
#define PF_DONE 3

static void zone_destroy(st_zone_t *z)
{
	free(z->name);
	free(z->file);
	st_zmem_free(z->names, z->names_cap);
	st_zmem_free(z->rdata, z->rdata_cap);
	st_zmem_free(z->slots, z->slots_cap);
	st_zmem_free(z->nodes, z->nodes_cap);
	st_zmem_free(z->rrsets, z->rrsets_cap);
	zb_includes_free(z->includes, z->n_includes);
	free(z);
}

int zb_make(const char *origin, const char *label, int (*fill)(zb_t *zb, void *arg), void *arg,
	    const st_zone_dyn_t *dyn, size_t n_dyn, st_zone_t **out, st_diag_t *diag)
{
	zb_t zb;
	uint64_t t0 = st_mono_ns();
	st_diag_clear(diag);
	st_zone_t *z = calloc(1, sizeof(*z));
	if (!z)
		return st_diag_set(diag, ST_ENOMEM, "%s: out of memory", label);
	int rc = zb_init(&zb, origin, diag);
	if (!rc)
		rc = fill(&zb, arg);
	if (!rc)
		rc = zb_finish(&zb, dyn, n_dyn, z);
	if (!rc) {
		memcpy(z->apex, zb.apex, zb.apex_len);
		z->apex_len = zb.apex_len;
		char buf[1024];
		st_name_to_str(z->apex, buf, sizeof(buf));
		z->name = strdup(buf);
		z->file = strdup(label);
		if (!z->name || !z->file)
			rc = ST_ENOMEM;
		z->includes = zb.includes;
		z->n_includes = zb.n_includes;
		zb.includes = NULL;
		zb.n_includes = 0;
	}
	zb_clear(&zb);
	if (rc) {
		if (rc == ST_ENOMEM)
			st_diag_set(diag, rc, "%s: out of memory", label);
		else if (rc == ST_ERANGE && diag && !diag->text[0])
			st_diag_set(diag, ST_EZONE, "%s: zone too large", label);
		zone_destroy(z);
		return rc == ST_ERANGE ? ST_EZONE : rc;
	}
	atomic_init(&z->refs, 1);
	z->loaded_at = st_real_ns();
	z->load_ns = st_mono_ns() - t0;
	*out = z;
	return 0;
}

static int parse_file(zb_t *zb, void *file)
{
	return zp_parse(zb, file);
}

int st_zone_load(const char *origin, const char *file, const st_zone_dyn_t *dyn, size_t n_dyn,
		 st_zone_t **out, st_diag_t *diag)
{
	return zb_make(origin, file, parse_file, (void *)file, dyn, n_dyn, out, diag);
}

st_zone_t *st_zone_ref(st_zone_t *zone)
{
	if (zone)
		atomic_fetch_add_explicit(&zone->refs, 1, memory_order_relaxed);
	return zone;
}

void st_zone_free(st_zone_t *zone)
{
	if (!zone)
		return;
	if (atomic_fetch_sub_explicit(&zone->refs, 1, memory_order_acq_rel) == 1)
		zone_destroy(zone);
}

const uint8_t *st_zone_apex(const st_zone_t *zone, uint8_t *len)
{
	if (len)
		*len = zone->apex_len;
	return zone->apex;
}

const st_node_t *st_zone_apex_node(const st_zone_t *zone)
{
	return &zone->nodes[0];
}

const char *st_zone_name(const st_zone_t *zone)
{
	return zone->name;
}

uint32_t st_zone_serial(const st_zone_t *zone)
{
	return zone->serial;
}

int st_zone_set_serial(st_zone_t *zone, uint32_t serial)
{
	const st_rrset_t *soa = st_node_rrset(&zone->nodes[0], ST_TYPE_SOA);
	if (!soa || !soa->count)
		return ST_EINVAL;
	size_t at = st_soa_serial_at(st_rr_rdata(soa->rdata), st_rr_rdlen(soa->rdata));
	if (!at)
		return ST_EINVAL;
	/* The snapshot's own arena: writable, the const is for readers. */
	uint8_t *p = zone->rdata + (st_rr_rdata(soa->rdata) - zone->rdata) + at;
	p[0] = (uint8_t)(serial >> 24);
	p[1] = (uint8_t)(serial >> 16);
	p[2] = (uint8_t)(serial >> 8);
	p[3] = (uint8_t)serial;
	zone->serial = serial;
	return 0;
}

size_t st_zone_record_count(const st_zone_t *zone)
{
	return zone->records;
}

size_t st_zone_node_count(const st_zone_t *zone)
{
	return zone->n_nodes;
}

const st_node_t *st_zone_node(const st_zone_t *zone, size_t i)
{
	return i < zone->n_nodes ? &zone->nodes[i] : NULL;
}

size_t st_zone_rrset_count(const st_zone_t *zone)
{
	return zone->n_rrsets;
}

size_t st_zone_rrset_index(const st_zone_t *zone, const st_rrset_t *rs)
{
	return (size_t)(rs - zone->rrsets);
}

size_t st_zone_memory(const st_zone_t *zone)
{
	return sizeof(*zone) + zone->names_len + zone->rdata_len +
	       zone->n_slots * sizeof(st_zslot_t) + zone->n_nodes * sizeof(st_node_t) +
	       zone->n_rrsets * sizeof(st_rrset_t);
}

size_t st_rrset_size(const st_rrset_t *rs)
{
	const uint8_t *rr = rs->count ? rs->rdata : NULL;
	for (uint16_t i = 0; i < rs->count; i++)
		rr = st_rr_next(rr);
	return rs->count ? (size_t)(rr - rs->rdata) : 0;
}

const char *st_zone_file(const st_zone_t *zone)
{
	return zone->file;
}

uint64_t st_zone_loaded_at(const st_zone_t *zone)
{
	return zone->loaded_at;
}

uint64_t st_zone_load_ns(const st_zone_t *zone)
{
	return zone->load_ns;
}

const st_node_t *st_zone_find(const st_zone_t *zone, const uint8_t *name, size_t len)
{
	return st_zone_find_hash(zone, name, len, st_zhash(name, len));
}

const st_node_t *st_zone_find_hash(const st_zone_t *zone, const uint8_t *name, size_t len,
				   uint32_t h)
{
	for (uint32_t i = st_zslot_of(h, zone->n_slots);; i = i + 1 == zone->n_slots ? 0 : i + 1) {
		const st_zslot_t *s = &zone->slots[i];
		if (s->idx == ZB_NONE)
			return NULL;
		const st_node_t *n = &zone->nodes[s->idx];
		if (s->hash == h && n->name_len == len && st_zname_eq(name, n->name, len))
			return n;
	}
}

const st_rrset_t *st_node_rrset(const st_node_t *node, uint16_t type)
{
	/* A node holds a handful of RRsets: a linear scan beats a search. */
	for (uint16_t i = 0; i < node->n_rrsets; i++) {
		if (node->rrsets[i].type == type)
			return &node->rrsets[i];
		if (node->rrsets[i].type > type)
			break;
	}
	return NULL;
}

size_t st_zone_include_count(const st_zone_t *zone)
{
	return zone->n_includes;
}

const st_zone_include_t *st_zone_include(const st_zone_t *zone, size_t i)
{
	return i < zone->n_includes ? &zone->includes[i] : NULL;
}

void st_zone_prefetch(st_zone_pf_t *pf, const st_zone_t *zone, const uint8_t *name, size_t len,
		      uint16_t type)
{
	pf->zone = zone;
	pf->node = NULL;
	pf->type = type;
	pf->step = 0;
	if (!zone)
		return;
	pf->hash = st_zhash(name, len);
	pf->name_len = (uint8_t)len;
	if (zone->cached) {
		pf->step = PF_DONE; /* nothing to bring in: the hash is all it gives */
		return;
	}
	pf->slot = st_zslot_of(pf->hash, zone->n_slots);
	__builtin_prefetch(&zone->slots[pf->slot]);
}

/* Probes that prefetching follows: collisions sit next to each other, so
 * a few slots cost no more than the line they are in. */
#define PF_PROBES 4

bool st_zone_prefetch_step(st_zone_pf_t *pf)
{
	const st_zone_t *z = pf->zone;
	if (!z)
		return false;
	switch (pf->step++) {
	case 0:
		/* The slot: its node (24 bytes, maybe across two lines). */
		for (uint32_t k = 0, i = pf->slot; k < PF_PROBES;
		     k++, i = i + 1 == z->n_slots ? 0 : i + 1) {
			const st_zslot_t *s = &z->slots[i];
			if (s->idx == ZB_NONE)
				break;
			if (s->hash == pf->hash) {
				pf->node = &z->nodes[s->idx];
				__builtin_prefetch(pf->node);
				__builtin_prefetch((const char *)(pf->node + 1) - 1);
				return true;
			}
		}
		break;
	case 1:
		/* The node: its name and its RRsets. */
		__builtin_prefetch(pf->node->name);
		__builtin_prefetch(pf->node->rrsets);
		if (pf->node->n_rrsets > 1)
			__builtin_prefetch(pf->node->rrsets + pf->node->n_rrsets - 1);
		return true;
	case 2: {
		/* The RRsets: the records of the one asked for (or a CNAME). */
		const st_rrset_t *rs = st_node_rrset(pf->node, pf->type);
		if (!rs)
			rs = st_node_rrset(pf->node, ST_TYPE_CNAME);
		if (rs && rs->count)
			__builtin_prefetch(rs->rdata);
		break;
	}
	default:
		break;
	}
	pf->zone = NULL;
	return false;
}
