/* Zones: RFC 1035 master files loaded with ldns and compiled into immutable
 * snapshots that the query path reads without locks. */
#ifndef ST_ZONE_ZONE_H
#define ST_ZONE_ZONE_H

#include "common/errors.h"
#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Node flags. */
enum {
	ST_NODE_APEX = 1 << 0,	   /* the zone apex */
	ST_NODE_DELEG = 1 << 1,	   /* NS below the apex: a zone cut (data below is glue) */
	ST_NODE_ENT = 1 << 2,	   /* empty non-terminal: exists, owns no RRsets */
	ST_NODE_WILDCARD = 1 << 3, /* this node's name starts with the '*' label */
	ST_NODE_HAS_WILDCARD_CHILD = 1 << 4, /* "*.<this name>" exists */
	ST_NODE_GLUE = 1 << 5, /* at (with DELEG) or below a zone cut: not authoritative,
				* holds only NS/DS at the cut and A/AAAA glue */
};

/* One RRset, ready to copy into a response.
 *
 * A static RRset holds `count` records (count >= 1) back to back at `rdata`,
 * each as RDLENGTH(2, network order) RDATA, names inside RDATA uncompressed
 * and in their original case. TYPE, CLASS (IN) and TTL are the set's own,
 * so they are not repeated: the writer emits the owner (usually a
 * compression pointer), type, class and TTL before each RDATA. Walk the
 * records with st_rr_next().
 *
 * A dynamic RRset (count 0) is one whose records the router computes per
 * query: st_rrset_dyn() gives the handle the builder was given.
 *
 * 16 bytes: a million-record zone holds about as many RRsets. */
typedef struct st_rrset {
	uint16_t type;
	uint16_t count; /* records; 0: dynamic */
	uint32_t ttl;
	union {
		const uint8_t *rdata;	/* static: count x (RDLENGTH RDATA) */
		const void *dyn_handle; /* dynamic: read it through st_rrset_dyn() */
	};
} st_rrset_t;

/* Offset of the serial within the RDATA of an SOA record (MNAME RNAME
 * SERIAL ...), or 0 when it is too short. */
static inline size_t st_soa_serial_at(const uint8_t *rdata, size_t rdlen)
{
	size_t p = 0;
	for (int k = 0; k < 2; k++) {
		while (p < rdlen && rdata[p])
			p += rdata[p] + 1u;
		p++;
	}
	return p > 0 && p + 4 <= rdlen ? p : 0;
}

/* The handle of a dynamic RRset, NULL for a static one. */
static inline const void *st_rrset_dyn(const st_rrset_t *rs)
{
	return rs->count ? NULL : rs->dyn_handle;
}

/* A record of a static RRset: its RDATA length, its RDATA, the next record. */
static inline uint16_t st_rr_rdlen(const uint8_t *rr)
{
	return (uint16_t)(rr[0] << 8 | rr[1]);
}
static inline const uint8_t *st_rr_rdata(const uint8_t *rr)
{
	return rr + 2;
}
static inline const uint8_t *st_rr_next(const uint8_t *rr)
{
	return rr + 2 + st_rr_rdlen(rr);
}
/* Bytes of a static RRset's records (RDLENGTH fields included). */
size_t st_rrset_size(const st_rrset_t *rs);

/* For NS, MX, SRV, CNAME, DNAME, PTR: the offset within RDATA of the domain
 * name to chase (additional section or CNAME), else 0xffff. */
static inline uint16_t st_rrset_target_off(uint16_t type)
{
	switch (type) {
	case ST_TYPE_NS:
	case ST_TYPE_CNAME:
	case ST_TYPE_PTR:
	case ST_TYPE_DNAME:
		return 0;
	case ST_TYPE_MX:
		return 2;
	case ST_TYPE_SRV:
		return 6;
	default:
		return 0xffff;
	}
}

typedef struct st_node {
	const uint8_t *name; /* canonical (lower-case) wire name, absolute */
	uint8_t name_len;
	uint8_t labels; /* label count, root excluded */
	uint16_t flags;
	uint16_t n_rrsets;
	const st_rrset_t *rrsets; /* sorted by type */
} st_node_t;

typedef struct st_zone st_zone_t;
typedef struct st_zoneset st_zoneset_t;

/* A dynamic RRset to graft into a zone at compile time. */
typedef struct st_zone_dyn {
	const uint8_t *owner; /* canonical wire name */
	uint8_t owner_len;
	uint16_t type; /* A, AAAA or CNAME */
	uint32_t ttl;
	const void *handle;
	const char *source; /* "steerd.yaml:42" for error messages */
} st_zone_dyn_t;

/* Load and compile a zone. `origin` is the presentation name ("example.test."),
 * `file` the master file. Dynamic RRsets are grafted in, creating their
 * owner and its empty non-terminals; a dynamic owner with static data of the
 * same type, a CNAME conflict, an owner outside the zone, at or below a
 * delegation or below a DNAME is an error naming both places. On error
 * returns ST_EZONE/ST_EIO/ST_ENOMEM with diag "file:line: what is wrong" and
 * nothing allocated. Warnings (TTLs unified inside an RRset, data hidden by
 * a delegation and dropped, NS targets without an address) are logged.
 * Duplicate records are collapsed. */
int st_zone_load(const char *origin, const char *file, const st_zone_dyn_t *dyn, size_t n_dyn,
		 st_zone_t **out, st_diag_t *diag);
/* A catalog zone (RFC 9432, schema version 2) named `origin` listing the
 * zones `members` (presentation names): the SOA and NS of "invalid.", TXT
 * "2" at version.<origin>, and for each member a PTR to it at
 * <label>.zones.<origin>, where the label is 16 hex digits of a hash of the
 * member's name (stable over reloads and restarts); every TTL 0. `label`
 * stands for the file in messages ("steerd.yaml:12"). Secondaries that
 * consume catalogs (Knot, BIND, NSD) serve each member zone they find in
 * it. Errors as st_zone_load. */
int st_zone_catalog(const char *origin, const char *const *members, size_t n, const char *label,
		    const st_zone_dyn_t *dyn, size_t n_dyn, st_zone_t **out, st_diag_t *diag);
/* Zones are reference counted so that zone sets built by a reload can share
 * the zones that did not change. A new zone holds one reference;
 * st_zone_free drops one and frees the zone with the last. */
st_zone_t *st_zone_ref(st_zone_t *zone);
void st_zone_free(st_zone_t *zone);

/* Accessors. */
const uint8_t *st_zone_apex(const st_zone_t *zone, uint8_t *len);
const st_node_t *st_zone_apex_node(const st_zone_t *zone);
uint32_t st_zone_serial(const st_zone_t *zone);
size_t st_zone_record_count(const st_zone_t *zone);
/* Set the SOA serial of a zone that no reader sees yet (a zone transfer
 * policy may choose the serial; see xfr/). ST_EINVAL without an SOA. */
int st_zone_set_serial(st_zone_t *zone, uint32_t serial);
const char *st_zone_file(const st_zone_t *zone);
uint64_t st_zone_loaded_at(const st_zone_t *zone); /* st_real_ns() at load */
uint64_t st_zone_load_ns(const st_zone_t *zone);   /* how long parsing and compiling took */
const char *st_zone_name(const st_zone_t *zone);   /* origin, presentation form */
size_t st_zone_node_count(const st_zone_t *zone);  /* owner names, ENTs included */
/* Node i (0 <= i < st_zone_node_count, node 0 is the apex), for walks such
 * as dumps and consistency checks; order is otherwise unspecified. */
const st_node_t *st_zone_node(const st_zone_t *zone, size_t i);
size_t st_zone_memory(const st_zone_t *zone); /* bytes held by the snapshot */
/* RRsets are numbered 0 .. st_zone_rrset_count() - 1 across the zone, so
 * that data kept beside a snapshot (signatures, say) can be an array. */
size_t st_zone_rrset_count(const st_zone_t *zone);
size_t st_zone_rrset_index(const st_zone_t *zone, const st_rrset_t *rs);

/* A file the zone read through $INCLUDE (directly or nested), as it was when
 * it was opened: a reload compares these to tell whether the zone changed. */
typedef struct st_zone_include {
	const char *path;
	bool regular;	    /* a regular file (size and mtime mean something) */
	uint64_t dev, ino;
	int64_t size;
	int64_t mtime_ns;
	int64_t stat_at_ns; /* st_real_ns() when it was opened */
} st_zone_include_t;
size_t st_zone_include_count(const st_zone_t *zone);
const st_zone_include_t *st_zone_include(const st_zone_t *zone, size_t i);

/* Exact lookup of a wire name (at or below the apex). Names compare without
 * regard to ASCII case, so the query name can be used as received. */
const st_node_t *st_zone_find(const st_zone_t *zone, const uint8_t *name, size_t len);
/* The same with the name's hash already known (st_zone_pf_t.hash). */
const st_node_t *st_zone_find_hash(const st_zone_t *zone, const uint8_t *name, size_t len,
				   uint32_t hash);
/* The RRset of `type` at a node, or NULL. */
const st_rrset_t *st_node_rrset(const st_node_t *node, uint16_t type);

/* Lookups in batches. On a busy server the zone data of a query is rarely
 * in cache, and a lookup is a chain of dependent loads (hash slot, node,
 * owner name and RRsets, record data). A worker holding several queries
 * starts a prefetch for each, then moves every one of them on by a step per
 * pass, so that the misses of different queries overlap; the lookups that
 * follow find their data in cache. A step reads only what the step before
 * brought in. Prefetching is a hint: answers are the same without it. */
typedef struct st_zone_pf {
	const st_zone_t *zone; /* NULL: nothing to prefetch */
	const st_node_t *node;
	uint32_t hash; /* of the name: st_zone_find_hash takes it */
	uint32_t slot;
	uint16_t type;
	uint8_t name_len;
	uint8_t step;
} st_zone_pf_t;

/* Start with the hash slot of `name` (any case) in `zone` (NULL: none);
 * `type` chooses the RRset whose records the last step prefetches. */
void st_zone_prefetch(st_zone_pf_t *pf, const st_zone_t *zone, const uint8_t *name, size_t len,
		      uint16_t type);
/* The next step; false once there is nothing more to prefetch. */
bool st_zone_prefetch_step(st_zone_pf_t *pf);

/* Zone sets: the zones a server answers for; immutable once built. */
st_zoneset_t *st_zoneset_new(void);
/* Takes over the caller's reference to zone. ST_EEXIST if a zone of that
 * name is in the set; on any error the caller keeps its reference. */
int st_zoneset_add(st_zoneset_t *set, st_zone_t *zone);
/* Remove and return the zone of that (canonical wire) name, or NULL. */
st_zone_t *st_zoneset_take(st_zoneset_t *set, const uint8_t *apex, size_t len);
void st_zoneset_free(st_zoneset_t *set);
/* The zone with the longest apex that is a suffix of name (any case), or
 * NULL (REFUSED). */
const st_zone_t *st_zoneset_find(const st_zoneset_t *set, const uint8_t *name, size_t len);
size_t st_zoneset_count(const st_zoneset_t *set);
/* Data the view keeps beside a zone of the set (its signer), owned by the
 * caller: ST_ENOENT when the zone is not in the set. */
int st_zoneset_attach(st_zoneset_t *set, const st_zone_t *zone, void *ext);
/* The data attached to a zone of the set, or NULL. */
void *st_zoneset_ext(const st_zoneset_t *set, const st_zone_t *zone);
const st_zone_t *st_zoneset_get(const st_zoneset_t *set, size_t i);

#endif
