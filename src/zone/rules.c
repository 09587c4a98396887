/* The zone's content rules, checked by the builder between gathering the
 * records and compiling the snapshot: one SOA, at the apex, with NS beside
 * it; a CNAME alone at its name, one DNAME (RFC 1034 3.6.2, 2181 10.1,
 * 6672); zone cuts, glue and wildcards marked, data a delegation hides
 * dropped with a warning, none below a DNAME; NS targets in the zone
 * without an address warned about. */
#include "zone/internal.h"
#include "dns/rrtype.h"

#include <stdlib.h>

/* SOA, NS at the apex, CNAME exclusivity. */
int zb_check_static(zb_t *zb)
{
	char nb[1024], tb[16];
	for (size_t i = 0; i < zb->n_nodes; i++) {
		const zb_node_t *n = &zb->nodes[i];
		if (!n->nrec)
			continue;
		const zb_rec_t *soa = zb_node_rec(zb, n, ST_TYPE_SOA);
		if (!soa && !zb_node_rec(zb, n, ST_TYPE_CNAME) && !zb_node_rec(zb, n, ST_TYPE_DNAME))
			continue;
		st_name_to_str(zb->names + n->name_off, nb, sizeof(nb));
		if (soa && i != 0)
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s:%u: SOA record for %s, which is not the zone apex %s",
			    ZB_REC_LOC(zb, soa), nb, zb->origin);
		static const uint16_t single[] = {ST_TYPE_SOA, ST_TYPE_CNAME, ST_TYPE_DNAME};
		for (size_t k = 0; k < 3; k++) {
			/* The two read first: the sorted order is by data. */
			const zb_rec_t *first = NULL, *second = NULL;
			for (const zb_rec_t *r = zb_node_rec(zb, n, single[k]);
			     r && r < zb->recs + n->first + n->nrec && r->type == single[k]; r++) {
				if (r->flags & ZB_DROP)
					continue;
				if (!first || zb_read_before(r, first)) {
					second = first;
					first = r;
				} else if (!second || zb_read_before(r, second)) {
					second = r;
				}
			}
			if (second)
				return st_diag_set(
				    zb->diag, ST_EZONE,
				    "%s:%u: more than one %s record at %s (first at %s:%u)",
				    ZB_REC_LOC(zb, second), st_rrtype_name(single[k]), nb,
				    ZB_REC_LOC(zb, first));
		}
		const zb_rec_t *cn = zb_node_rec(zb, n, ST_TYPE_CNAME);
		const zb_rec_t *other = cn ? zb_node_other(zb, n, ST_TYPE_CNAME) : NULL;
		if (other) {
			bool cname_later = zb_read_before(other, cn);
			const zb_rec_t *later = cname_later ? cn : other;
			const zb_rec_t *earlier = cname_later ? other : cn;
			char eb[16];
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s:%u: %s %s conflicts with the %s at %s:%u (a CNAME must be "
			    "alone at its name)",
			    ZB_REC_LOC(zb, later), nb, st_rrtype_str(later->type, tb, sizeof(tb)),
			    st_rrtype_str(earlier->type, eb, sizeof(eb)), ZB_REC_LOC(zb, earlier));
		}
	}
	const zb_node_t *apex = &zb->nodes[0];
	const zb_rec_t *soa = zb_node_rec(zb, apex, ST_TYPE_SOA);
	if (!soa)
		return st_diag_set(zb->diag, ST_EZONE, "%s:%u: no SOA record at the zone apex %s",
				   zb->files[0], 1u, zb->origin);
	if (!zb_node_rec(zb, apex, ST_TYPE_NS))
		return st_diag_set(zb->diag, ST_EZONE,
				   "%s:%u: no NS records at the zone apex %s (the SOA is here)",
				   ZB_REC_LOC(zb, soa), zb->origin);
	return 0;
}

/* Zone cuts, glue, wildcards and DNAMEs of node i, whose parent is done;
 * drops occluded data. */
static int mark_node(zb_t *zb, uint32_t i)
{
	char nb[1024], cb[1024], tb[16];
	zb_node_t *n = &zb->nodes[i];
	const uint8_t *name = zb->names + n->name_off;
	uint32_t up = i == 0 ? ZB_NONE : zb->nodes[n->parent].dname;
	n->flags |= ZB_NODE_MARKED;
	if (i == 0) {
		n->flags |= ST_NODE_APEX;
	} else {
		const zb_node_t *p = &zb->nodes[n->parent];
		if (name[0] == 1 && name[1] == '*') {
			n->flags |= ST_NODE_WILDCARD;
			zb->nodes[n->parent].flags |= ST_NODE_HAS_WILDCARD_CHILD;
		}
		bool below = p->flags & ST_NODE_GLUE;
		if (!below && zb_node_rec(zb, n, ST_TYPE_NS))
			n->flags |= ST_NODE_DELEG | ST_NODE_GLUE;
		else if (below)
			n->flags |= ST_NODE_GLUE;
	}
	uint32_t dyn_first, ndyn = zb_node_dyn(zb, i, &dyn_first);
	const st_zone_dyn_t *dyn = ndyn ? &zb->dyn[zb->dyn_order[dyn_first]] : NULL;
	if ((n->flags & ST_NODE_GLUE) && dyn) {
		uint32_t cut = i;
		while (!(zb->nodes[cut].flags & ST_NODE_DELEG))
			cut = zb->nodes[cut].parent;
		const zb_node_t *c = &zb->nodes[cut];
		st_name_to_str(name, nb, sizeof(nb));
		st_name_to_str(zb->names + c->name_off, cb, sizeof(cb));
		return st_diag_set(zb->diag, ST_EZONE,
				   "%s: dynamic %s at %s is at or below the delegation to %s (%s:%u)",
				   dyn->source ? dyn->source : "dynamic record",
				   st_rrtype_str(dyn->type, tb, sizeof(tb)), nb, cb,
				   ZB_REC_LOC(zb, zb_node_rec(zb, c, ST_TYPE_NS)));
	}
	/* Like NSD and Knot, data a delegation hides is not served; unlike
	 * them it is not even kept: only addresses (glue) and, at the cut,
	 * NS, DS and DNSSEC records stay. */
	bool cut = n->flags & ST_NODE_DELEG;
	for (uint32_t r = n->first; (n->flags & ST_NODE_GLUE) && r < n->first + n->nrec; r++) {
		zb_rec_t *rec = &zb->recs[r];
		uint16_t t = rec->type;
		if ((rec->flags & ZB_DROP) || t == ST_TYPE_A || t == ST_TYPE_AAAA ||
		    (cut && (t == ST_TYPE_NS || t == ST_TYPE_DS || t == ST_TYPE_RRSIG ||
			     t == ST_TYPE_NSEC)))
			continue;
		rec->flags |= ZB_DROP;
		st_name_to_str(name, nb, sizeof(nb));
		zb_warn(zb, "%s:%u: %s %s is %s a delegation and is not served, ignored",
			ZB_REC_LOC(zb, rec), nb, st_rrtype_str(t, tb, sizeof(tb)),
			cut ? "at" : "below");
	}
	/* RFC 6672: no data below a DNAME (NSD refuses such zones too). */
	if (up != ZB_NONE) {
		const zb_node_t *d = &zb->nodes[up];
		const zb_rec_t *live = n->nrec ? zb_node_other(zb, n, 0) : NULL;
		if (!live)
			live = zb_node_rec(zb, n, ST_TYPE_RRSIG) ? zb_node_rec(zb, n, ST_TYPE_RRSIG)
								  : zb_node_rec(zb, n, ST_TYPE_NSEC);
		if (live || dyn) {
			st_name_to_str(name, nb, sizeof(nb));
			st_name_to_str(zb->names + d->name_off, cb, sizeof(cb));
			const zb_rec_t *dr = zb_node_rec(zb, d, ST_TYPE_DNAME);
			if (live)
				return st_diag_set(zb->diag, ST_EZONE,
						   "%s:%u: %s %s is below the DNAME at %s (%s:%u); "
						   "a DNAME must have no data below it",
						   ZB_REC_LOC(zb, live), nb,
						   st_rrtype_str(live->type, tb, sizeof(tb)), cb,
						   ZB_REC_LOC(zb, dr));
			return st_diag_set(zb->diag, ST_EZONE,
					   "%s: dynamic %s at %s is below the DNAME at %s (%s:%u)",
					   dyn->source ? dyn->source : "dynamic record",
					   st_rrtype_str(dyn->type, tb, sizeof(tb)), nb, cb,
					   ZB_REC_LOC(zb, dr));
		}
	}
	n->dname = zb_node_rec(zb, n, ST_TYPE_DNAME) ? i : up;
	return 0;
}

/* Every node, each after its parent: a node's ancestors not yet marked are
 * marked first, top down (a name has at most 127 labels). No array by
 * label count: a big zone's reload holds no more than it must. */
int zb_mark_cuts(zb_t *zb)
{
	for (uint32_t i = 0; i < zb->n_nodes; i++) {
		uint32_t chain[128];
		size_t m = 0;
		for (uint32_t u = i; !(zb->nodes[u].flags & ZB_NODE_MARKED) && m < 128;
		     u = zb->nodes[u].parent) {
			chain[m++] = u;
			if (u == 0)
				break;
		}
		while (m) {
			int rc = mark_node(zb, chain[--m]);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* An NS target inside the zone (at or below the apex, or below the cut it
 * serves) with no address cannot be reached: warn, as NSD and Knot do. */
void zb_warn_glue(zb_t *zb)
{
	char nb[1024], tb[1024];
	for (size_t i = 0; i < zb->n_nodes; i++) {
		const zb_node_t *n = &zb->nodes[i];
		if (!(n->flags & (ST_NODE_APEX | ST_NODE_DELEG)))
			continue;
		for (uint32_t r = n->first; r < n->first + n->nrec; r++) {
			const zb_rec_t *rec = &zb->recs[r];
			if (rec->type != ST_TYPE_NS || (rec->flags & ZB_DROP))
				continue;
			const uint8_t *t = zb_rec_data(zb, rec);
			/* Below a cut only names under that cut need glue. */
			const uint8_t *scope = i == 0 ? zb->apex : zb->names + n->name_off;
			size_t scope_len = i == 0 ? zb->apex_len : n->name_len;
			uint16_t len = zb_rec_rdlen(zb, rec);
			if (st_zname_suffix(t, len, scope, scope_len) < 0)
				continue;
			uint32_t h = st_zhash(t, len);
			uint32_t ti = zb_lookup(zb, t, len, h);
			if (ti != ZB_NONE) {
				const zb_node_t *tn = &zb->nodes[ti];
				if (zb_node_rec(zb, tn, ST_TYPE_A) || zb_node_rec(zb, tn, ST_TYPE_AAAA))
					continue;
				bool dyn_addr = false;
				uint32_t dyn_first, ndyn = zb_node_dyn(zb, ti, &dyn_first);
				for (uint32_t d = 0; d < ndyn; d++)
					dyn_addr |= zb->dyn[zb->dyn_order[dyn_first + d]].type !=
						    ST_TYPE_CNAME;
				if (dyn_addr)
					continue;
			}
			st_name_to_str(zb->names + n->name_off, nb, sizeof(nb));
			st_name_to_str(t, tb, sizeof(tb));
			zb_warn(zb, "%s:%u: NS %s of %s has no address record in the zone",
				ZB_REC_LOC(zb, rec), tb, nb);
		}
	}
}
