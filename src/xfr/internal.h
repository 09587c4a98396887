/* Transfer internals shared by the version builder, the difference
 * builder and the streams. */
#ifndef ST_XFR_INTERNAL_H
#define ST_XFR_INTERNAL_H

#include "xfr/xfr.h"
#include "zone/zone.h"

#include <stdatomic.h>
#include <string.h>

/* A routed RRset as transferred: the zone's dynamic RRset it stands for and
 * its records as a static RRset's (in the version's arena). */
typedef struct xfr_dyn {
	const st_rrset_t *src;
	st_rrset_t set;
	size_t wire_at; /* where `set` starts in the arena while it grows */
} xfr_dyn_t;

/* The difference between two versions (RFC 1995 section 4): the SOA
 * before, the records removed, the SOA after, the records added. Records
 * are stored back to back as owner (uncompressed wire) then TYPE CLASS TTL
 * RDLENGTH RDATA. Shared by the versions that keep it. */
typedef struct xfr_diff {
	atomic_uint refs;
	uint32_t from, to;
	uint8_t *soa_from, *soa_to; /* one SOA record each, zone wire form */
	size_t soa_from_len, soa_to_len;
	uint8_t *del, *add;
	size_t del_len, add_len;
	size_t n_del, n_add;
} xfr_diff_t;

struct st_xfr_zone {
	atomic_uint refs;
	st_zone_t *zone;
	uint32_t serial;
	xfr_dyn_t *dyn; /* sorted by src */
	size_t n_dyn;
	uint8_t *dyn_wire;
	xfr_diff_t **diffs; /* oldest first; each one's `to` is the next one's `from` */
	size_t n_diffs;
	size_t bytes;	/* wire bytes of every record (owners uncompressed) */
	size_t records; /* records of a full transfer, SOA counted once */
	uint64_t digest;
	st_xfr_stats_t *stats;
	st_xfr_change_t change;
};

/* The records of a node's RRset as transferred: the RRset itself, its
 * expansion when it is routed, or NULL when it is left out. */
const st_rrset_t *xfr_rrset(const st_xfr_zone_t *xz, const st_rrset_t *rs);

/* Longest record in the form the packer takes (TYPE CLASS TTL RDLENGTH RDATA). */
#define XFR_RR_MAX (10 + 65535)

/* Record `rr` (at its RDLENGTH) of a static RRset in the form the packer
 * takes, into out (XFR_RR_MAX bytes); returns its length. */
static inline size_t xfr_rr_wire(const st_rrset_t *rs, uint32_t ttl, const uint8_t *rr,
				 uint8_t *out)
{
	size_t n = 2u + st_rr_rdlen(rr);
	st_put16(out, rs->type);
	st_put16(out + 2, ST_CLASS_IN);
	st_put32(out + 4, ttl);
	memcpy(out + 8, rr, n);
	return 8 + n;
}

/* The difference from a to b (both complete versions), or NULL with
 * *changed false when the data is the same. Sets *changed when any record
 * or SOA field other than the serial differs. */
int xfr_diff_new(const st_xfr_zone_t *a, const st_xfr_zone_t *b, xfr_diff_t **out, bool *changed);
xfr_diff_t *xfr_diff_ref(xfr_diff_t *d);
void xfr_diff_free(xfr_diff_t *d);
size_t xfr_diff_bytes(const xfr_diff_t *d);

void xfr_stats_add(_Atomic uint64_t *c, uint64_t n);

#endif
