/* Zone internals shared by the parser, the builder and the snapshot code. */
#ifndef ST_ZONE_INTERNAL_H
#define ST_ZONE_INTERNAL_H

#include "zone/zone.h"
#include "dns/name.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ZB_NONE UINT32_MAX
#define ZB_MAX_INCLUDE_DEPTH 8
#define ZB_MAX_WARNINGS 20

/* Eight bytes of p at i, or the last 1..7 bytes zero-padded. */
static inline uint64_t st_zload(const uint8_t *p, size_t i, size_t len)
{
	uint64_t w = 0;
	if (len - i >= 8) {
		memcpy(&w, p + i, 8);
		return w;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The same value from the eight bytes that end the name, shifted:
	 * one load instead of a loop on the lookup path. */
	if (len >= 8) {
		memcpy(&w, p + len - 8, 8);
		return w >> (8 * (8 - (len - i)));
	}
#endif
	for (size_t k = 0; k < len - i; k++)
		w |= (uint64_t)p[i + k] << (8 * k);
	return w;
}

/* A hash of the lower-cased name, eight bytes at a time: the same value for
 * any case of a name, so lookups need not canonicalise first. */
static inline uint32_t st_zhash(const uint8_t *p, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
	for (size_t i = 0; i < len; i += 8) {
		h ^= st_dns_lower8(st_zload(p, i, len));
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* a (any case) equals canonical b, both len bytes. */
static inline bool st_zname_eq(const uint8_t *a, const uint8_t *canon, size_t len)
{
	for (size_t i = 0; i < len; i += 8)
		if (st_dns_lower8(st_zload(a, i, len)) != st_zload(canon, i, len))
			return false;
	return true;
}

/* One slot of the owner-name table: node index (ZB_NONE when empty) and
 * the name's hash, which rejects most mismatches without touching the node. */
typedef struct st_zslot {
	uint32_t idx;
	uint32_t hash;
} st_zslot_t;

/* The snapshot's slot for a hash: slots are n_slots long (not a power of
 * two: the table is sized to its load), the hash mapped onto them by a
 * multiply. */
static inline uint32_t st_zslot_of(uint32_t hash, uint32_t n_slots)
{
	return (uint32_t)(((uint64_t)hash * n_slots) >> 32);
}

struct st_zone {
	atomic_uint refs;
	char *name; /* origin in presentation form */
	char *file;
	uint8_t apex[255];
	uint8_t apex_len;
	uint32_t serial;
	size_t records;
	uint64_t loaded_at;
	uint64_t load_ns;
	/* The data, each array from st_zmem_* (the builder's own, most of
	 * them, taken over). */
	uint8_t *names;
	size_t names_len, names_cap;
	uint8_t *rdata;
	size_t rdata_len, rdata_cap;
	st_zslot_t *slots;
	uint32_t n_slots;
	size_t slots_cap;
	st_node_t *nodes;
	size_t n_nodes, nodes_cap;
	st_rrset_t *rrsets;
	size_t n_rrsets, rrsets_cap;
	st_zone_include_t *includes; /* paths owned */
	size_t n_includes;
	/* Small enough to stay in the caches of a busy server: lookups are not
	 * prefetched (st_zone_prefetch only hashes the name). */
	bool cached;
};

/* Zones up to this size (snapshot bytes) are not prefetched. */
#define ST_ZONE_CACHED_MAX (4u << 20)

/* Zone memory (mem.c): arrays of `cap` bytes, mapped when large. grow keeps
 * p and returns NULL when it fails. */
void *st_zmem_alloc(size_t *cap, size_t need);
void *st_zmem_grow(void *p, size_t *cap, size_t need);
void *st_zmem_shrink(void *p, size_t *cap, size_t len);
void st_zmem_free(void *p, size_t cap);

/* Builder: the records of a zone between parsing and compiling, as small
 * as the snapshot's RRsets they become (compile writes those in place).
 * Records enter the rdata arena in reading order: a record's offset there
 * says which of two was read first, and leads to its file and line
 * (zb_rec_file, zb_rec_line). */
typedef struct zb_rec {
	uint32_t node;
	uint16_t type;
	uint16_t flags;
	uint32_t ttl;
	uint32_t rdata; /* offset in the rdata arena of RDLENGTH, RDATA */
} zb_rec_t;

/* Where records were read, for messages: a checkpoint every ZB_LOC_SPAN
 * records (and at each change of file or jump of 255 lines or more), and
 * between checkpoints one byte per record, the lines since the previous
 * record. */
#define ZB_LOC_SPAN 64
typedef struct zb_loc {
	uint32_t rdata; /* the arena offset of the checkpoint's record */
	uint32_t ord;	/* its place in reading order */
	uint32_t line;
	uint16_t file;
} zb_loc_t;

enum { ZB_DROP = 1 };

typedef struct zb_node {
	uint32_t name_off;
	uint8_t name_len;
	uint8_t labels;
	uint16_t flags;
	uint32_t parent;
	uint32_t first; /* first record in the sorted record array */
	uint32_t nrec;
	uint32_t dname; /* the nearest node at or above this one with a DNAME (zb_mark_cuts) */
} zb_node_t;

/* A builder node's flag besides ST_NODE_*: zb_mark_cuts has been there. */
#define ZB_NODE_MARKED 0x8000u

typedef struct zb {
	const char *origin; /* presentation, for messages */
	uint8_t apex[255];
	uint8_t apex_len;
	uint8_t apex_labels;
	st_diag_t *diag;
	unsigned warnings;

	uint8_t *names;
	size_t names_len, names_cap;
	zb_node_t *nodes;
	size_t n_nodes, nodes_cap; /* nodes_cap in bytes */
	st_zslot_t *slots; /* the owner table, sized as the snapshot's (st_zslot_of) */
	size_t slots_cap;  /* bytes */
	uint32_t n_slots;
	size_t n_indexed;   /* nodes[0 .. n_indexed) are in the owner table */
	uint32_t last_node; /* owner of the previous record */

	zb_rec_t *recs;
	size_t n_recs, recs_cap; /* recs_cap in bytes */
	uint8_t *rdata;
	size_t rdata_len, rdata_cap;
	zb_loc_t *locs;
	size_t n_locs, locs_cap; /* locs_cap in bytes */
	uint8_t *loc_step;	 /* per record in reading order */
	size_t loc_step_cap;
	uint32_t last_line;

	char **files;
	size_t n_files;
	st_zone_include_t *includes; /* $INCLUDEd files as opened (paths owned) */
	size_t n_includes;

	const st_zone_dyn_t *dyn;
	size_t n_dyn;
	uint32_t *dyn_node;  /* node of each dyn entry */
	uint32_t *dyn_order; /* dyn entries sorted by (node, type) */
} zb_t;

int zb_init(zb_t *zb, const char *origin, st_diag_t *diag);
void zb_clear(zb_t *zb);
/* Remember a file name for messages; returns its index or a negative error. */
int zb_add_file(zb_t *zb, const char *path);
/* Add one parsed record (owner: absolute wire name in any case). */
int zb_add_record(zb_t *zb, const uint8_t *owner, size_t owner_len, uint16_t type, uint16_t rclass,
		  uint32_t ttl, const uint8_t *rdata, size_t rdlen, uint16_t file, uint32_t line);
/* Checks, dynamic RRsets, compilation into `zone`. */
int zb_finish(zb_t *zb, const st_zone_dyn_t *dyn, size_t n_dyn, st_zone_t *zone);
/* A zone from what `fill` adds to a builder over `origin` (the master file
 * parser, or a generated zone), then zb_finish; `label` names the source in
 * messages and is the zone's st_zone_file(). */
int zb_make(const char *origin, const char *label, int (*fill)(zb_t *zb, void *arg), void *arg,
	    const st_zone_dyn_t *dyn, size_t n_dyn, st_zone_t **out, st_diag_t *diag);
void zb_warn(zb_t *zb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where a record was read, for messages: "%s:%u". */
#define ZB_REC_LOC(zb, r) (zb)->files[zb_rec_file(zb, r)], zb_rec_line(zb, r)
uint16_t zb_rec_file(const zb_t *zb, const zb_rec_t *r);
uint32_t zb_rec_line(const zb_t *zb, const zb_rec_t *r);

/* The RDATA of a record (after its RDLENGTH). */
static inline const uint8_t *zb_rec_data(const zb_t *zb, const zb_rec_t *r)
{
	return zb->rdata + r->rdata + 2;
}

/* The RDLENGTH of a record. */
static inline uint16_t zb_rec_rdlen(const zb_t *zb, const zb_rec_t *r)
{
	const uint8_t *p = zb->rdata + r->rdata;
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The first live record of `type` at a node, or NULL. */
static inline const zb_rec_t *zb_node_rec(const zb_t *zb, const zb_node_t *n, uint16_t type)
{
	for (uint32_t i = n->first; i < n->first + n->nrec; i++) {
		const zb_rec_t *r = &zb->recs[i];
		if (r->type == type && !(r->flags & ZB_DROP))
			return r;
	}
	return NULL;
}

/* The first live record of another type than `type` (RRSIG and NSEC
 * aside), or NULL. */
static inline const zb_rec_t *zb_node_other(const zb_t *zb, const zb_node_t *n, uint16_t type)
{
	for (uint32_t i = n->first; i < n->first + n->nrec; i++) {
		const zb_rec_t *r = &zb->recs[i];
		if (r->type != type && r->type != ST_TYPE_RRSIG && r->type != ST_TYPE_NSEC &&
		    !(r->flags & ZB_DROP))
			return r;
	}
	return NULL;
}

/* The dynamic RRsets of a node: how many, and (when some) *first, where
 * they start in dyn_order. */
uint32_t zb_node_dyn(const zb_t *zb, uint32_t node, uint32_t *first);

/* The node of a name (h its st_zhash), or ZB_NONE. */
uint32_t zb_lookup(const zb_t *zb, const uint8_t *name, size_t len, uint32_t h);
/* Was record a read before record b (through $INCLUDEs)? */
static inline bool zb_read_before(const zb_rec_t *a, const zb_rec_t *b)
{
	return a->rdata < b->rdata;
}

/* The content rules (rules.c), in the order zb_finish runs them. */
int zb_check_static(zb_t *zb);
int zb_mark_cuts(zb_t *zb);
void zb_warn_glue(zb_t *zb);

/* The master file reader (parse.c) and its fast path (scan.c). */
#define ZP_MAX_TTL 2147483647u /* RFC 2181 8 */
#define ZP_DEFAULT_TTL 3600u   /* ldns's, without $TTL */

/* What reading an entry depends on. */
typedef struct zp_ctx {
	const uint8_t *origin; /* wire */
	size_t origin_len;
	const uint8_t *prev; /* owner of the last entry that named one; NULL: none */
	size_t prev_len;
	uint32_t ttl;  /* $TTL; 0: none (ldns then uses ZP_DEFAULT_TTL) */
	bool ttl_zero; /* an explicit "$TTL 0" */
} zp_ctx_t;

/* One record as read. */
typedef struct zp_rr {
	uint8_t owner[ST_DNS_MAX_NAME];
	size_t owner_len;
	bool owner_given;  /* the entry names its owner (it becomes the previous one) */
	bool explicit_ttl; /* the entry states its TTL */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	size_t rdlen;
	uint8_t rdata[65535];
} zp_rr_t;

/* The fast path: 1 and the record when the entry (n bytes, as the reader
 * leaves it: comments and parentheses gone) is one it reads exactly as
 * ldns would; 0 when ldns must read it. */
int zp_fast(const char *s, size_t n, const zp_ctx_t *ctx, zp_rr_t *rr);
/* The same entry through ldns (buf NUL-terminated, changed in place): 0 and
 * the record, or ST_EZONE with diag "path:line: what is wrong". */
int zp_ldns(zb_t *zb, const char *path, uint32_t line, char *buf, const zp_ctx_t *ctx,
	    zp_rr_t *rr);
/* Take entries through the fast path (tests turn it off to compare). */
extern bool zp_fast_enabled;
/* A TTL: seconds or BIND-style units ("1h30m"); 64-bit, so a value past
 * 32 bits shows. 0 or ST_EINVAL. */
int zp_ttl_value(const char *s, size_t n, uint64_t *out);

/* Free an array of includes and their paths. */
void zb_includes_free(st_zone_include_t *inc, size_t n);
/* Parse a master file (and its includes) into the builder. */
int zp_parse(zb_t *zb, const char *file);

/* Offset of the suffix of `name` that equals `apex` on a label boundary, or -1. */
int st_zname_suffix(const uint8_t *name, size_t len, const uint8_t *apex, size_t apex_len);
/* Presentation form of a wire name into buf (always terminated). */

#endif
