/* One answer's walk through its zone: names found (delegations, CNAME and
 * DNAME chains, wildcards), records put at each node (static, routed,
 * signed), negative answers and additional addresses. RFC 1034 4.3.2,
 * 2181, 4592, 6604, 6672. */
#include "answer/lookup.h"
#include "dns/name.h"
#include "route/route.h"
#include "zone/zone.h"

#include <string.h>

/* What the walk for one name ended at. */
enum find_result { FIND_EXACT, FIND_DELEG, FIND_DNAME, FIND_WILDCARD, FIND_NXDOMAIN };

/* What answering at a node asks the caller to do next. */
enum step { STEP_DONE, STEP_CHASE, STEP_NODATA };

/* ---- records ---- */

static void note_additional(lookup_t *lk, size_t off, bool glue)
{
	if (lk->n_add < ADDITIONAL_MAX) {
		lk->add_off[lk->n_add] = (uint32_t)off;
		lk->add_glue[lk->n_add] = glue;
		lk->n_add++;
	}
}

static bool wants_additional(uint16_t type)
{
	return type == ST_TYPE_NS || type == ST_TYPE_MX || type == ST_TYPE_SRV;
}

/* One record of a static RRset (rr at its RDLENGTH): the offset of its
 * RDATA in the response, or ST_ETRUNC. */
static int put_rr(lookup_t *lk, int section, size_t owner_off, const st_rrset_t *rs,
		  const uint8_t *rr, uint32_t ttl)
{
	return st_resp_rr_parts(&lk->r, section, owner_off, rs->type, ttl, st_rr_rdata(rr),
				st_rr_rdlen(rr));
}

/* RRSIGs of a static RRset just written, when the answer is signed: the
 * zone's own data only (glue, and the NS of a cut, are not signed). A
 * signature that cannot be made fails the answer. */
static int sign_static(lookup_t *lk, int section, size_t owner_off, const st_node_t *node,
		       const st_rrset_t *rs, uint32_t ttl)
{
	if (!lk->sig || ((node->flags & (ST_NODE_GLUE | ST_NODE_DELEG)) && rs->type != ST_TYPE_DS))
		return 0;
	int ret = st_asign_static(lk->sig, &lk->r, section, owner_off, node, rs, ttl);
	if (ret == ST_EINVAL && section != ST_SECTION_ADDITIONAL)
		lk->rcode = ST_RCODE_SERVFAIL;
	return ret;
}

/* Copy a static RRset of `node`; remember targets for the additional
 * section (as glue when `glue`). */
static int put_rrset(lookup_t *lk, int section, size_t owner_off, const st_node_t *node,
		     const st_rrset_t *rs, bool glue)
{
	uint16_t target = st_rrset_target_off(rs->type);
	bool add = wants_additional(rs->type) && target != 0xffff;
	const uint8_t *rr = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rr = st_rr_next(rr)) {
		int off = put_rr(lk, section, owner_off, rs, rr, rs->ttl);
		if (off < 0)
			return off;
		if (add)
			note_additional(lk, (size_t)off + target, glue);
	}
	return sign_static(lk, section, owner_off, node, rs, rs->ttl);
}

/* The zone's SOA for negative answers, TTL = min(SOA TTL, MINIMUM) (RFC 2308). */
static int put_soa(lookup_t *lk)
{
	const st_rrset_t *soa = st_node_rrset(lk->apex_node, ST_TYPE_SOA);
	if (!soa || soa->count == 0)
		return 0;
	const uint8_t *rr = soa->rdata;
	size_t len = st_rr_rdlen(rr);
	if (len < 22)
		return 0;
	uint32_t ttl = soa->ttl, minimum = st_get32(st_rr_rdata(rr) + len - 4);
	if (minimum < ttl)
		ttl = minimum;
	if (lk->neg_ttl_max < ttl)
		ttl = lk->neg_ttl_max;
	/* The apex is a suffix of the question name (chains stay in the zone). */
	size_t owner = ST_RESP_QNAME_OFF + lk->q->qname_len - lk->apex_len;
	int ret = put_rr(lk, ST_SECTION_AUTHORITY, owner, soa, rr, ttl);
	if (ret < 0)
		return ret;
	return sign_static(lk, ST_SECTION_AUTHORITY, owner, lk->apex_node, soa, ttl);
}

/* A negative answer: the SOA, and with DO the NSEC of compact denial at the
 * current name (RFC 9824: a name that does not exist is answered as one
 * without data, NXNAME in its types). */
static void put_negative(lookup_t *lk, const st_node_t *node, uint16_t qtype)
{
	if (lk->sig && !node && lk->rcode == ST_RCODE_NXDOMAIN)
		lk->rcode = ST_RCODE_NOERROR;
	int ret = put_soa(lk);
	if (lk->sig && lk->neg_ttl_max < lk->sig->neg_ttl)
		lk->sig->neg_ttl = lk->neg_ttl_max;
	if (ret == 0 && lk->sig)
		ret = st_asign_denial(lk->sig, &lk->r, ST_SECTION_AUTHORITY, lk->name_off, lk->name,
				      lk->name_len, node, qtype, true);
	if (ret == ST_ETRUNC)
		lk->trunc = true;
	else if (ret < 0)
		lk->rcode = ST_RCODE_SERVFAIL;
}

/* Signing of records made for this answer (routed, synthesised). */
static bool sign_records(lookup_t *lk, int section, size_t owner_off, const st_node_t *node,
			 uint16_t type, uint32_t ttl, const st_rdata_ref_t *rr, size_t n)
{
	if (!lk->sig)
		return true;
	int ret = st_asign_records(lk->sig, &lk->r, section, owner_off, node, type, ttl, rr, n);
	if (ret == ST_ETRUNC)
		lk->trunc = true;
	else if (ret < 0)
		lk->rcode = ST_RCODE_SERVFAIL;
	return ret == 0;
}

/* Offset in the response of the suffix of the name written at off that
 * starts after `skip` labels (pointers followed). */
static size_t suffix_off(const uint8_t *buf, size_t off, unsigned skip)
{
	for (;;) {
		uint8_t c = buf[off];
		if ((c & 0xc0) == 0xc0) {
			off = (size_t)(c & 0x3f) << 8 | buf[off + 1];
			continue;
		}
		if (skip == 0 || c == 0)
			return off;
		off += c + 1u;
		skip--;
	}
}

/* ---- dynamic RRsets ---- */

static void make_client(const lookup_t *lk, st_client_t *c)
{
	const st_query_t *q = lk->q;
	memset(c->addr, 0, sizeof(c->addr));
	c->from_ecs = false;
	if (q->has_ecs && q->ecs_source > 0) {
		c->family = q->ecs_family == 1 ? AF_INET : AF_INET6;
		memcpy(c->addr, q->ecs_addr, q->ecs_family == 1 ? 4 : 16);
		c->source_prefix = q->ecs_source;
		c->from_ecs = true;
		return;
	}
	c->family = AF_INET;
	c->source_prefix = 32;
	if (!lk->client)
		return;
	if (lk->client->u.sa.sa_family == AF_INET) {
		memcpy(c->addr, &lk->client->u.in4.sin_addr, 4);
	} else if (lk->client->u.sa.sa_family == AF_INET6) {
		const struct in6_addr *a = &lk->client->u.in6.sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			memcpy(c->addr, a->s6_addr + 12, 4);
		} else {
			c->family = AF_INET6;
			c->source_prefix = 128;
			memcpy(c->addr, a->s6_addr, 16);
		}
	}
}

static void count_route(lookup_t *lk, const st_route_result_t *res)
{
	st_stat_inc(&lk->ctx->stats.dynamic);
	if (res->depth)
		st_stat_inc(&lk->ctx->stats.nested);
	if (res->sticky)
		st_stat_inc(&lk->ctx->stats.sticky);
	/* Indices are the view's: count with the view (see st_answer_ctx_route). */
	st_route_counts_t *rc = &lk->ctx->route[lk->view->generation & 1];
	if (res->record < ST_STATS_ROUTE_MAX)
		st_stat_inc(&rc->record[res->record]);
	size_t n = res->rrtype == ST_TYPE_CNAME ? 1 : res->n;
	for (size_t i = 0; i < n && i < ST_ROUTE_MAX_ADDRS; i++) {
		if (res->regions[i] < ST_STATS_ROUTE_MAX)
			st_stat_inc(&rc->region[res->regions[i]]);
		if (res->endpoints[i] < ST_STATS_ROUTE_MAX)
			st_stat_inc(&rc->endpoint[res->endpoints[i]]);
	}
}

/* The router found no data. Unless the record is of another type than the
 * question, that is its policy's answer for now (all down, or a region
 * without data of the type): cached no longer than the record's TTL, so
 * that clients see the data again when health brings it back, not after
 * the zone's negative TTL (SOA MINIMUM, often an hour). */
static enum step routed_nodata(lookup_t *lk, const st_route_result_t *res, uint16_t qtype)
{
	bool other_type = res->rrtype != qtype && res->rrtype != ST_TYPE_CNAME &&
			  qtype != ST_TYPE_ANY;
	if (!other_type && res->ttl < lk->neg_ttl_max)
		lk->neg_ttl_max = res->ttl;
	return STEP_NODATA;
}

/* Ask the router for a dynamic RRset: false, with SERVFAIL set, when it
 * cannot answer. This and route_rdata are inlined: put_dynamic runs for
 * every routed answer (as calls they cost it about 35 instructions). */
static inline __attribute__((always_inline)) bool route(lookup_t *lk, const st_rrset_t *rs,
							  uint16_t qtype, st_route_result_t *res)
{
	st_client_t client;
	if (!lk->view->route) {
		lk->rcode = ST_RCODE_SERVFAIL;
		return false;
	}
	make_client(lk, &client);
	res->n = 0;
	res->cname = NULL;
	int ret = st_route_resolve(lk->view->route, st_rrset_dyn(rs), qtype, &client,
				   lk->view->health, &lk->ctx->rng, res);
	if (ret < 0 || res->action == ST_ROUTE_SERVFAIL) {
		lk->rcode = ST_RCODE_SERVFAIL;
		return false;
	}
	if (res->scope > lk->scope)
		lk->scope = res->scope;
	return true;
}

/* The records of a router's answer (rr: at least ST_ROUTE_MAX_ADDRS): how
 * many; 0 when it has none, -1 when its CNAME target is not a name. */
static inline __attribute__((always_inline)) int route_rdata(const st_route_result_t *res,
							       st_rdata_ref_t *rr)
{
	if (res->action == ST_ROUTE_NODATA)
		return 0;
	if (res->rrtype == ST_TYPE_CNAME) {
		if (!res->cname || res->cname_len == 0 ||
		    st_name_length(res->cname, res->cname_len) != res->cname_len)
			return -1;
		rr[0] = (st_rdata_ref_t){res->cname, res->cname_len};
		return 1;
	}
	if (res->rrtype != ST_TYPE_A && res->rrtype != ST_TYPE_AAAA)
		return 0;
	uint16_t alen = res->rrtype == ST_TYPE_A ? 4 : 16;
	size_t n = res->n < ST_ROUTE_MAX_ADDRS ? res->n : ST_ROUTE_MAX_ADDRS;
	for (size_t i = 0; i < n; i++)
		rr[i] = (st_rdata_ref_t){res->addrs[i], alen};
	return (int)n;
}

/* Ask the router. A CNAME result becomes the next name to chase. */
static enum step put_dynamic(lookup_t *lk, const st_node_t *node, const st_rrset_t *rs,
			     size_t owner_off, uint16_t qtype)
{
	st_route_result_t res;
	st_rdata_ref_t rr[ST_ROUTE_MAX_ADDRS];
	if (!route(lk, rs, qtype, &res))
		return STEP_DONE;
	if (res.action == ST_ROUTE_NODATA)
		return routed_nodata(lk, &res, qtype);
	count_route(lk, &res);
	int n = route_rdata(&res, rr);
	if (n < 0) {
		lk->rcode = ST_RCODE_SERVFAIL;
		return STEP_DONE;
	}
	if (n == 0)
		return routed_nodata(lk, &res, qtype);
	if (res.rrtype == ST_TYPE_CNAME) {
		int off = st_resp_rr_name(&lk->r, ST_SECTION_ANSWER, owner_off, ST_TYPE_CNAME,
					  res.ttl, res.cname, res.cname_len);
		if (off < 0) {
			lk->trunc = true;
			return STEP_DONE;
		}
		if (!sign_records(lk, ST_SECTION_ANSWER, owner_off, node, ST_TYPE_CNAME, res.ttl,
				  rr, 1))
			return STEP_DONE;
		/* Asked for the CNAME itself (or ANY): it is the answer. */
		if (lk->q->qtype == ST_TYPE_CNAME || lk->q->qtype == ST_TYPE_ANY)
			return STEP_DONE;
		memcpy(lk->name, res.cname, res.cname_len);
		lk->name_len = res.cname_len;
		/* Point later owners at labels, not at a bare pointer. */
		lk->name_off = suffix_off(lk->r.buf, (size_t)off, 0);
		return STEP_CHASE;
	}
	for (int i = 0; i < n; i++) {
		if (st_resp_rr_parts(&lk->r, ST_SECTION_ANSWER, owner_off, res.rrtype, res.ttl,
				     rr[i].data, rr[i].len) < 0) {
			lk->trunc = true;
			return STEP_DONE;
		}
	}
	sign_records(lk, ST_SECTION_ANSWER, owner_off, node, res.rrtype, res.ttl, rr, (size_t)n);
	return STEP_DONE;
}

/* An RRSIG query at a node with dynamic RRsets: the RRSIGs of each as it
 * would be answered now. Returns how many RRsets were signed, or < 0. */
static int put_dynamic_sigs(lookup_t *lk, st_asign_t *a, const st_node_t *node, size_t owner_off)
{
	int signed_sets = 0;
	for (unsigned i = 0; i < node->n_rrsets; i++) {
		const st_rrset_t *rs = &node->rrsets[i];
		st_route_result_t res;
		st_rdata_ref_t rr[ST_ROUTE_MAX_ADDRS];
		if (!st_rrset_dyn(rs))
			continue;
		if (!route(lk, rs, rs->type, &res))
			return ST_EINVAL;
		int n = route_rdata(&res, rr);
		if (n < 0) {
			lk->rcode = ST_RCODE_SERVFAIL;
			return ST_EINVAL;
		}
		if (n == 0)
			continue;
		int ret = st_asign_records(a, &lk->r, ST_SECTION_ANSWER, owner_off, node,
					   res.rrtype, res.ttl, rr, (size_t)n);
		if (ret < 0)
			return ret;
		signed_sets++;
	}
	return signed_sets;
}

/* ---- answering at a node ---- */

/* NSEC and RRSIG queries get what compact denial says is there: the NSEC
 * at the name (NXNAME in it when the name does not exist, node NULL);
 * every RRSIG at the name as it would be answered now: those of the zone's
 * RRsets, of routed ones for this client, and of that NSEC, which every
 * name has (RFC 4035 2.3), so that an RRSIG query is never NODATA. Without
 * DO these are RRsets like any other (RFC 4035 3.1): the same records, the
 * NSEC without its signatures, and a name that does not exist is NXDOMAIN
 * (the caller's). */
static enum step put_dnssec_types(lookup_t *lk, const st_node_t *node, size_t owner_off)
{
	st_asign_t *a = lk->sig ? lk->sig : lk->types;
	int ret = 0;
	if (lk->q->qtype == ST_TYPE_NSEC) {
		ret = st_asign_denial(a, &lk->r, ST_SECTION_ANSWER, owner_off, lk->name,
				      lk->name_len, node, 0, lk->sig != NULL);
	} else {
		st_resp_mark_t m = st_resp_mark(&lk->r);
		if (node)
			ret = st_asign_rrsigs(a, &lk->r, owner_off, node);
		if (node && ret >= 0)
			ret = put_dynamic_sigs(lk, a, node, owner_off);
		if (ret >= 0)
			ret = st_asign_denial_sigs(a, &lk->r, owner_off, lk->name, lk->name_len,
						   node);
		if (ret < 0)
			st_resp_rollback(&lk->r, &m);
	}
	if (ret == ST_ETRUNC)
		lk->trunc = true;
	else if (ret < 0)
		lk->rcode = ST_RCODE_SERVFAIL;
	return STEP_DONE;
}

/* RFC 8482: one RRset for ANY, the most useful one. */
static const st_rrset_t *pick_any(const st_node_t *node)
{
	const st_rrset_t *rs;
	if ((rs = st_node_rrset(node, ST_TYPE_CNAME)) || (rs = st_node_rrset(node, ST_TYPE_A)) ||
	    (rs = st_node_rrset(node, ST_TYPE_AAAA)))
		return rs;
	for (unsigned i = 0; i < node->n_rrsets; i++) {
		uint16_t t = node->rrsets[i].type;
		if (t != ST_TYPE_RRSIG && t != ST_TYPE_NSEC && t != ST_TYPE_NSEC3)
			return &node->rrsets[i];
	}
	return NULL;
}

/* HINFO "RFC8482" "" for an ANY at a node with nothing worth sending. */
static void put_hinfo(lookup_t *lk, const st_node_t *node, size_t owner_off)
{
	static const uint8_t rdata[] = {7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
	uint32_t ttl = 3600;
	const st_rrset_t *soa = st_node_rrset(lk->apex_node, ST_TYPE_SOA);
	if (soa && soa->count)
		ttl = soa->ttl;
	if (st_resp_rr_parts(&lk->r, ST_SECTION_ANSWER, owner_off, ST_TYPE_HINFO, ttl, rdata,
			     sizeof(rdata)) < 0) {
		lk->trunc = true;
		return;
	}
	st_rdata_ref_t rr = {rdata, sizeof(rdata)};
	sign_records(lk, ST_SECTION_ANSWER, owner_off, node, ST_TYPE_HINFO, ttl, &rr, 1);
}

/* An alias (the first record of a CNAME or DNAME RRset) into the answer
 * section with its signatures: its offset, or -1 with lk->trunc set when
 * it did not fit. */
static int put_alias(lookup_t *lk, size_t owner_off, const st_node_t *node, const st_rrset_t *rs)
{
	int off = put_rr(lk, ST_SECTION_ANSWER, owner_off, rs, rs->rdata, rs->ttl);
	if (off < 0) {
		lk->trunc = true;
		return -1;
	}
	int ret = sign_static(lk, ST_SECTION_ANSWER, owner_off, node, rs, rs->ttl);
	if (ret < 0) {
		lk->trunc |= ret == ST_ETRUNC;
		return -1;
	}
	return off;
}

/* Put the CNAME and make its target the next name. */
static enum step put_cname(lookup_t *lk, const st_node_t *node, const st_rrset_t *rs,
			   size_t owner_off)
{
	if (rs->count == 0)
		return STEP_NODATA;
	const uint8_t *rr = rs->rdata;
	size_t tlen = st_name_length(st_rr_rdata(rr), st_rr_rdlen(rr));
	if (tlen == 0)
		return STEP_NODATA;
	int off = put_alias(lk, owner_off, node, rs);
	if (off < 0)
		return STEP_DONE;
	st_name_lower(lk->name, st_rr_rdata(rr), tlen);
	lk->name_len = (uint8_t)tlen;
	lk->name_off = (size_t)off;
	return STEP_CHASE;
}

/* DNSKEY, CDS, CDNSKEY of a zone signed online: from its signer. */
static enum step put_keys(lookup_t *lk, size_t owner_off, uint16_t qtype)
{
	const st_sig_rrset_t *set = st_sigstate_apex(lk->keys, qtype);
	if (!set)
		return STEP_NODATA;
	if (st_asign_apex(lk->sig, &lk->r, owner_off, set, lk->sig != NULL) < 0)
		lk->trunc = true;
	return STEP_DONE;
}

static enum step answer_node(lookup_t *lk, const st_node_t *node, size_t owner_off)
{
	uint16_t qtype = lk->q->qtype;
	const st_rrset_t *rs;

	if (lk->keys && (node->flags & ST_NODE_APEX) && st_lookup_key_type(qtype))
		return put_keys(lk, owner_off, qtype);
	if (lk->types)
		return put_dnssec_types(lk, node, owner_off);
	if (qtype == ST_TYPE_ANY) {
		rs = pick_any(node);
		if (!rs) {
			if (node->n_rrsets == 0)
				return STEP_NODATA;
			put_hinfo(lk, node, owner_off);
			return STEP_DONE;
		}
		if (st_rrset_dyn(rs))
			return put_dynamic(lk, node, rs, owner_off, rs->type);
		if (put_rrset(lk, ST_SECTION_ANSWER, owner_off, node, rs, false) == ST_ETRUNC)
			lk->trunc = true;
		lk->n_add = 0; /* keep ANY small */
		return STEP_DONE;
	}
	rs = st_node_rrset(node, qtype);
	if (rs) {
		if (st_rrset_dyn(rs))
			return put_dynamic(lk, node, rs, owner_off, qtype);
		if (put_rrset(lk, ST_SECTION_ANSWER, owner_off, node, rs, false) == ST_ETRUNC)
			lk->trunc = true;
		return STEP_DONE;
	}
	rs = st_node_rrset(node, ST_TYPE_CNAME);
	if (rs) {
		if (st_rrset_dyn(rs))
			return put_dynamic(lk, node, rs, owner_off, qtype);
		return put_cname(lk, node, rs, owner_off);
	}
	return STEP_NODATA;
}

/* RFC 6672: the DNAME, then a CNAME synthesised from it (TTL of the DNAME)
 * whose target becomes the next name. */
static enum step put_dname(lookup_t *lk, const st_node_t *node)
{
	const st_rrset_t *rs = st_node_rrset(node, ST_TYPE_DNAME);
	if (!rs || rs->count == 0)
		return STEP_NODATA;
	const uint8_t *rr = rs->rdata;
	const uint8_t *target = st_rr_rdata(rr);
	size_t tlen = st_name_length(target, st_rr_rdlen(rr));
	if (tlen == 0)
		return STEP_NODATA;
	uint8_t offs[ST_DNS_MAX_LABELS];
	unsigned labels = st_name_labels(lk->name, offs);
	size_t owner = suffix_off(lk->r.buf, lk->name_off, labels - node->labels);
	/* The DNAME is signed; the CNAME made from it is not (RFC 6672 5.3.1). */
	if (put_alias(lk, owner, node, rs) < 0)
		return STEP_DONE;
	size_t prefix = lk->name_len - node->name_len;
	if (prefix + tlen > ST_DNS_MAX_NAME) {
		lk->rcode = ST_RCODE_YXDOMAIN;
		return STEP_DONE;
	}
	uint8_t synth[ST_DNS_MAX_NAME];
	memcpy(synth, lk->name, prefix);
	st_name_lower(synth + prefix, target, tlen);
	int off = st_resp_rr_name(&lk->r, ST_SECTION_ANSWER, lk->name_off, ST_TYPE_CNAME, rs->ttl,
				  synth, prefix + tlen);
	if (off < 0) {
		lk->trunc = true;
		return STEP_DONE;
	}
	memcpy(lk->name, synth, prefix + tlen);
	lk->name_len = (uint8_t)(prefix + tlen);
	lk->name_off = suffix_off(lk->r.buf, (size_t)off, 0);
	return STEP_CHASE;
}

/* ---- finding names ---- */

/* Walk one canonical name down from the apex. Nodes exist for every name that
 * owns data or has descendants (empty non-terminals), so the first missing
 * ancestor ends the walk; the topmost zone cut on the way wins. */
static inline enum find_result find(lookup_t *lk, const st_node_t **out)
{
	const uint8_t *name = lk->name;
	size_t len = lk->name_len;
	/* The question's name: its hash comes with the batch's prefetch. */
	const st_node_t *node = lk->qhash_ok ? st_zone_find_hash(lk->zone, name, len, lk->qhash)
					     : st_zone_find(lk->zone, name, len);
	lk->qhash_ok = false;
	if (node && !(node->flags & (ST_NODE_DELEG | ST_NODE_GLUE))) {
		*out = node;
		return FIND_EXACT;
	}
	uint8_t offs[ST_DNS_MAX_LABELS];
	int labels = (int)st_name_labels(name, offs);
	const st_node_t *ce = lk->apex_node;
	/* A DNAME redirects everything below its owner (RFC 6672), the apex's too. */
	if (labels > lk->apex_labels && st_node_rrset(ce, ST_TYPE_DNAME)) {
		*out = ce;
		return FIND_DNAME;
	}
	for (int i = labels - lk->apex_labels - 1; i >= 0; i--) {
		const st_node_t *n =
		    i == 0 ? node : st_zone_find(lk->zone, name + offs[i], len - offs[i]);
		if (!n)
			break;
		if (n->flags & ST_NODE_DELEG) {
			*out = n;
			return FIND_DELEG;
		}
		if (i > 0 && st_node_rrset(n, ST_TYPE_DNAME)) {
			*out = n;
			return FIND_DNAME;
		}
		ce = n;
	}
	if (node) {
		*out = node;
		return FIND_EXACT;
	}
	if (ce->flags & ST_NODE_HAS_WILDCARD_CHILD && ce->name_len + 2u <= ST_DNS_MAX_NAME) {
		uint8_t wild[ST_DNS_MAX_NAME];
		wild[0] = 1;
		wild[1] = '*';
		memcpy(wild + 2, ce->name, ce->name_len);
		const st_node_t *w = st_zone_find(lk->zone, wild, ce->name_len + 2u);
		if (w) {
			*out = w;
			return FIND_WILDCARD;
		}
	}
	*out = ce;
	return FIND_NXDOMAIN;
}

/* Whether the name written at off in the response is the current name. */
static bool same_name(const lookup_t *lk, size_t off)
{
	uint8_t lc[ST_DNS_MAX_NAME], len;
	if (st_name_parse(lk->r.buf, lk->r.len, &off, NULL, lc, &len, NULL) < 0)
		return false;
	return len == lk->name_len && memcmp(lc, lk->name, len) == 0;
}

/* Whether a link of the chain was made here before, else note it. A record
 * goes into the answer once (RFC 2181 5): an owner's CNAME, a DNAME, and
 * a wildcard's CNAME once per name it is synthesised for (`by_name`). */
static bool visited(lookup_t *lk, const st_node_t *node, bool by_name)
{
	for (unsigned i = 0; i < lk->n_visited; i++)
		if (lk->visited[i] == node && (!by_name || same_name(lk, lk->visited_off[i])))
			return true;
	if (lk->n_visited < CHAIN_MAX) {
		lk->visited[lk->n_visited] = node;
		lk->visited_off[lk->n_visited] = (uint16_t)lk->name_off;
		lk->n_visited++;
	}
	return false;
}

/* Referral: the cut's NS in authority, glue noted for additional. AA stays
 * only for the CNAME or DNAME records of a chain that led here. */
static void put_referral(lookup_t *lk, const st_node_t *cut, unsigned depth)
{
	const st_rrset_t *ns = st_node_rrset(cut, ST_TYPE_NS);
	if (depth == 0)
		lk->aa = false;
	if (!ns || ns->count == 0)
		return;
	uint8_t offs[ST_DNS_MAX_LABELS];
	unsigned labels = st_name_labels(lk->name, offs);
	size_t owner = suffix_off(lk->r.buf, lk->name_off, labels - cut->labels);
	if (put_rrset(lk, ST_SECTION_AUTHORITY, owner, cut, ns, true) < 0) {
		lk->trunc = true;
		return;
	}
	if (!lk->sig)
		return;
	/* RFC 4035 3.1.4: the signed DS, or the NSEC that proves there is none. */
	const st_rrset_t *ds = st_node_rrset(cut, ST_TYPE_DS);
	int ret = ds && ds->count ? put_rrset(lk, ST_SECTION_AUTHORITY, owner, cut, ds, false)
				  : st_asign_denial(lk->sig, &lk->r, ST_SECTION_AUTHORITY, owner,
						    cut->name, cut->name_len, cut, 0, true);
	if (ret == ST_ETRUNC)
		lk->trunc = true;
	else if (ret < 0)
		lk->rcode = ST_RCODE_SERVFAIL;
}

/* Resolve the question: follow CNAMEs within the zone, at most CHAIN_MAX links. */
static void resolve(lookup_t *lk)
{
	for (unsigned depth = 0;; depth++) {
		const st_node_t *node;
		enum find_result fr = find(lk, &node);
		enum step st = STEP_DONE;
		switch (fr) {
		case FIND_DELEG:
			/* RFC 1034 4.3.2: a chain that leaves our authority ends in a referral. */
			if (depth == 0 && lk->q->qtype == ST_TYPE_DS &&
			    node->name_len == lk->name_len) {
				/* DS belongs to the parent side of the cut. */
				const st_rrset_t *ds = st_node_rrset(node, ST_TYPE_DS);
				if (ds && ds->count) {
					if (put_rrset(lk, ST_SECTION_ANSWER, lk->name_off, node, ds,
						      false) == ST_ETRUNC)
						lk->trunc = true;
				} else {
					put_negative(lk, node, ST_TYPE_DS);
				}
				return;
			}
			lk->cut = node;
			put_referral(lk, node, depth);
			return;
		case FIND_DNAME:
			/* A DNAME that leads below itself: its records are in already. */
			if (visited(lk, node, false))
				return;
			st = put_dname(lk, node);
			/* RFC 1034 4.3.2 3a: the synthesised CNAME answers QTYPE=CNAME. */
			if (st == STEP_CHASE && lk->q->qtype == ST_TYPE_CNAME)
				return;
			break;
		case FIND_NXDOMAIN:
			lk->rcode = ST_RCODE_NXDOMAIN;
			lk->nx = true;
			if (lk->sig && lk->types) {
				lk->rcode = ST_RCODE_NOERROR;
				put_dnssec_types(lk, NULL, lk->name_off);
				return;
			}
			put_negative(lk, NULL, lk->q->qtype);
			return;
		case FIND_EXACT:
		case FIND_WILDCARD: {
			if (visited(lk, node, fr == FIND_WILDCARD))
				return; /* CNAME loop */
			/* A wildcard's answer proves no closer name exists; its
			 * NODATA is a compact one at the name (RFC 9824 3.3). */
			unsigned proofs = lk->sig ? lk->sig->n_proofs : 0;
			if (lk->sig && fr == FIND_WILDCARD)
				st_asign_wildcard(lk->sig, lk->name, lk->name_len, node);
			if (fr == FIND_WILDCARD && !lk->wild)
				lk->wild = node;
			st = answer_node(lk, node, lk->name_off);
			if (lk->sig && st == STEP_NODATA)
				lk->sig->n_proofs = proofs;
			break;
		}
		}
		if (st == STEP_NODATA) {
			put_negative(lk, node, lk->q->qtype);
			return;
		}
		if (st == STEP_DONE || lk->trunc || depth + 1 >= CHAIN_MAX)
			return;
		/* STEP_CHASE: the next name must be in this zone. */
		uint8_t apex_len;
		const uint8_t *apex = st_zone_apex(lk->zone, &apex_len);
		if (!st_name_in(lk->name, lk->name_len, apex, apex_len))
			return;
	}
}

/* Addresses of in-zone NS, MX and SRV targets. Glue a referral needs must
 * fit (else TC, RFC 9471); other additions are dropped when they do not. */
static void put_additional(lookup_t *lk)
{
	uint8_t apex_len;
	const uint8_t *apex = st_zone_apex(lk->zone, &apex_len);
	const st_node_t *done[ADDITIONAL_MAX];
	unsigned n_done = 0;
	for (unsigned i = 0; i < lk->n_add; i++) {
		uint8_t name[ST_DNS_MAX_NAME], len;
		size_t pos = lk->add_off[i];
		if (st_name_parse(lk->r.buf, lk->r.len, &pos, NULL, name, &len, NULL) < 0)
			continue;
		if (!st_name_in(name, len, apex, apex_len))
			continue;
		const st_node_t *node = st_zone_find(lk->zone, name, len);
		if (!node || ((node->flags & ST_NODE_GLUE) && !lk->add_glue[i]))
			continue;
		bool dup = false;
		for (unsigned j = 0; j < n_done; j++)
			dup |= done[j] == node;
		if (dup)
			continue;
		done[n_done++] = node;
		st_resp_mark_t m = st_resp_mark(&lk->r);
		const st_rrset_t *a = st_node_rrset(node, ST_TYPE_A);
		const st_rrset_t *aaaa = st_node_rrset(node, ST_TYPE_AAAA);
		int ret = 0;
		if (a && a->count)
			ret = put_rrset(lk, ST_SECTION_ADDITIONAL, lk->add_off[i], node, a, false);
		if (ret == 0 && aaaa && aaaa->count)
			ret =
			    put_rrset(lk, ST_SECTION_ADDITIONAL, lk->add_off[i], node, aaaa, false);
		if (ret < 0) {
			st_resp_rollback(&lk->r, &m);
			if (lk->add_glue[i] && (node->flags & ST_NODE_GLUE))
				lk->trunc = true;
			return;
		}
	}
}

void st_lookup_run(lookup_t *lk)
{
	resolve(lk);
	if (lk->sig && !lk->trunc && lk->rcode != ST_RCODE_SERVFAIL) {
		int pr = st_asign_proofs(lk->sig, &lk->r);
		if (pr == ST_ETRUNC)
			lk->trunc = true;
		else if (pr < 0)
			lk->rcode = ST_RCODE_SERVFAIL;
	}
	if (lk->n_add && !lk->trunc && lk->rcode != ST_RCODE_SERVFAIL)
		put_additional(lk);
}
