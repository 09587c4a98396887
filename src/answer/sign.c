/* The signed parts of an answer: RRSIGs, compact denial, wildcard proofs. */
#include "answer/sign.h"
#include "dns/canon.h"
#include "dns/name.h"
#include "dns/typemap.h"

#include <string.h>

void st_asign_begin(st_asign_t *a, st_sigctx_t *ctx, const st_sigstate_t *st, const st_node_t *apex)
{
	a->ctx = ctx;
	a->st = st;
	a->apex = apex;
	a->n_proofs = 0;
	a->neg_ttl = 3600;
	const st_rrset_t *soa = st_node_rrset(apex, ST_TYPE_SOA);
	if (soa && soa->count) {
		uint16_t rdlen = st_rr_rdlen(soa->rdata);
		if (rdlen >= 22) {
			uint32_t minimum = st_get32(st_rr_rdata(soa->rdata) + rdlen - 4);
			a->neg_ttl = soa->ttl < minimum ? soa->ttl : minimum;
		}
	}
}

/* The RRSIG label count of an owner: root and a leading '*' not counted. */
static uint8_t sig_labels(const uint8_t *name)
{
	uint8_t offs[ST_DNS_MAX_LABELS];
	unsigned n = st_name_labels(name, offs);
	if (n > 0 && name[0] == 1 && name[1] == '*')
		n--;
	return (uint8_t)n;
}

static uint8_t node_labels(const st_node_t *node)
{
	return (uint8_t)(node->labels - ((node->flags & ST_NODE_WILDCARD) ? 1 : 0));
}

static int put_sigs(st_resp_t *r, int section, size_t owner_off, uint32_t ttl, const st_sigs_t *s)
{
	if (!s)
		return ST_EINVAL;
	st_resp_mark_t m = st_resp_mark(r);
	const uint8_t *p = s->data;
	for (unsigned i = 0; i < s->n; i++) {
		size_t l = st_get16(p);
		if (st_resp_rr_parts(r, section, owner_off, ST_TYPE_RRSIG, ttl, p + 2, l) < 0) {
			st_resp_rollback(r, &m);
			return ST_ETRUNC;
		}
		p += 2 + l;
	}
	return 0;
}

int st_asign_static(st_asign_t *a, st_resp_t *r, int section, size_t owner_off,
		    const st_node_t *node, const st_rrset_t *rs, uint32_t ttl)
{
	return put_sigs(r, section, owner_off, ttl, st_sign_static(a->ctx, a->st, node, rs));
}

int st_asign_records(st_asign_t *a, st_resp_t *r, int section, size_t owner_off,
		     const st_node_t *node, uint16_t type, uint32_t ttl, const st_rdata_ref_t *rr,
		     size_t n)
{
	const st_sigs_t *s = st_sign_rrset(a->ctx, a->st, node->name, node->name_len,
					   node_labels(node), type, ttl, rr, n);
	return put_sigs(r, section, owner_off, ttl, s);
}

int st_asign_apex(st_asign_t *a, st_resp_t *r, size_t owner_off, const st_sig_rrset_t *set,
		  bool with_sigs)
{
	st_resp_mark_t m = st_resp_mark(r);
	for (unsigned i = 0; i < set->n; i++) {
		if (st_resp_rr_parts(r, ST_SECTION_ANSWER, owner_off, set->type, set->ttl,
				     set->rr[i].data, set->rr[i].len) < 0) {
			st_resp_rollback(r, &m);
			return ST_ETRUNC;
		}
	}
	int ret = with_sigs ? put_sigs(r, ST_SECTION_ANSWER, owner_off, set->ttl, set->sigs) : 0;
	if (ret < 0)
		st_resp_rollback(r, &m);
	return ret;
}

/* An NSEC owned by `name` (written at owner_off), and its RRSIGs unless
 * the query left DO clear. */
static int put_nsec(st_asign_t *a, st_resp_t *r, int section, size_t owner_off, const uint8_t *name,
		    size_t name_len, const uint8_t *rdata, size_t rdlen, bool with_sigs)
{
	st_resp_mark_t m = st_resp_mark(r);
	if (st_resp_rr_parts(r, section, owner_off, ST_TYPE_NSEC, a->neg_ttl, rdata, rdlen) < 0)
		return ST_ETRUNC;
	if (!with_sigs)
		return 0;
	st_rdata_ref_t ref = {rdata, (uint16_t)rdlen};
	const st_sigs_t *s = st_sign_rrset(a->ctx, a->st, name, name_len, sig_labels(name),
					   ST_TYPE_NSEC, a->neg_ttl, &ref, 1);
	int ret = put_sigs(r, section, owner_off, a->neg_ttl, s);
	if (ret < 0)
		st_resp_rollback(r, &m);
	return ret;
}

/* The RDATA of the NSEC of compact denial at `name` (lower-cased into lc):
 * its length, 0 when there is no next name. */
static size_t denial_rdata(const st_asign_t *a, const uint8_t *name, size_t name_len,
			   const st_node_t *node, uint16_t qtype, uint8_t *lc, uint8_t *rdata)
{
	uint8_t next[ST_DNS_MAX_NAME];
	st_name_lower(lc, name, name_len);
	/* RFC 9824 3.4: at a zone cut, the next name stays out of the child. */
	size_t nl = node && (node->flags & ST_NODE_DELEG) ? st_name_next_sibling(lc, name_len, next)
							  : st_name_successor(lc, name_len, next);
	return nl ? st_nsec_rdata(a->st, node, qtype, next, nl, rdata) : 0;
}

int st_asign_denial(st_asign_t *a, st_resp_t *r, int section, size_t owner_off, const uint8_t *name,
		    size_t name_len, const st_node_t *node, uint16_t qtype, bool with_sigs)
{
	uint8_t lc[ST_DNS_MAX_NAME], rdata[ST_NSEC_RDATA_MAX];
	size_t rl = denial_rdata(a, name, name_len, node, qtype, lc, rdata);
	if (rl == 0)
		return ST_EINVAL;
	return put_nsec(a, r, section, owner_off, lc, name_len, rdata, rl, with_sigs);
}

int st_asign_denial_sigs(st_asign_t *a, st_resp_t *r, size_t owner_off, const uint8_t *name,
			 size_t name_len, const st_node_t *node)
{
	uint8_t lc[ST_DNS_MAX_NAME], rdata[ST_NSEC_RDATA_MAX];
	size_t rl = denial_rdata(a, name, name_len, node, 0, lc, rdata);
	if (rl == 0)
		return ST_EINVAL;
	st_rdata_ref_t ref = {rdata, (uint16_t)rl};
	const st_sigs_t *s = st_sign_rrset(a->ctx, a->st, lc, name_len, sig_labels(lc),
					   ST_TYPE_NSEC, a->neg_ttl, &ref, 1);
	int ret = put_sigs(r, ST_SECTION_ANSWER, owner_off, a->neg_ttl, s);
	return ret < 0 ? ret : (int)s->n;
}

int st_asign_rrsigs(st_asign_t *a, st_resp_t *r, size_t owner_off, const st_node_t *node)
{
	st_resp_mark_t m = st_resp_mark(r);
	int n = 0;
	for (unsigned i = 0; i < node->n_rrsets; i++) {
		const st_rrset_t *rs = &node->rrsets[i];
		if (!rs->count ||
		    ((node->flags & (ST_NODE_GLUE | ST_NODE_DELEG)) && rs->type != ST_TYPE_DS))
			continue;
		const st_sigs_t *s = st_sign_static(a->ctx, a->st, node, rs);
		int ret = put_sigs(r, ST_SECTION_ANSWER, owner_off, rs->ttl, s);
		if (ret < 0) {
			st_resp_rollback(r, &m);
			return ret;
		}
		n += s->n;
	}
	for (uint16_t t = ST_TYPE_DNSKEY; (node->flags & ST_NODE_APEX) && t <= ST_TYPE_CDNSKEY;
	     t = t == ST_TYPE_DNSKEY ? ST_TYPE_CDS : (uint16_t)(t + 1)) {
		const st_sig_rrset_t *set = st_sigstate_apex(a->st, t);
		if (!set)
			continue;
		if (put_sigs(r, ST_SECTION_ANSWER, owner_off, set->ttl, set->sigs) < 0) {
			st_resp_rollback(r, &m);
			return ST_ETRUNC;
		}
		n += set->sigs->n;
	}
	return n;
}

void st_asign_wildcard(st_asign_t *a, const uint8_t *name, size_t len, const st_node_t *wild)
{
	uint8_t offs[ST_DNS_MAX_LABELS];
	unsigned n = st_name_labels(name, offs), ce = node_labels(wild);
	if (n <= ce || a->n_proofs >= ST_ASIGN_PROOFS)
		return;
	/* The next-closer name: one label below the closest encloser. */
	const uint8_t *nc = name + offs[n - ce - 1];
	size_t nc_len = len - offs[n - ce - 1];
	for (unsigned i = 0; i < a->n_proofs; i++)
		if (a->proof_len[i] == nc_len && st_name_equal_ci(a->proof[i], nc, nc_len))
			return;
	st_name_lower(a->proof[a->n_proofs], nc, nc_len);
	a->proof_len[a->n_proofs++] = (uint8_t)nc_len;
}

int st_asign_proofs(st_asign_t *a, st_resp_t *r)
{
	static const uint16_t types[] = {ST_TYPE_RRSIG, ST_TYPE_NSEC};
	for (unsigned i = 0; i < a->n_proofs; i++) {
		/* RFC 4470: the NSEC that covers the next-closer name and nothing
		 * else; sharing only the closest encloser with the name, as
		 * validators require of a wildcard proof. */
		uint8_t owner[ST_DNS_MAX_NAME], rdata[ST_DNS_MAX_NAME + 8];
		size_t ol = st_name_predecessor(a->proof[i], a->proof_len[i], a->apex->name,
						a->apex->name_len, owner);
		size_t nl = st_name_next_sibling(a->proof[i], a->proof_len[i], rdata);
		if (ol == 0 || nl == 0)
			return ST_EINVAL;
		size_t rl = nl + st_typemap_write(types, 2, rdata + nl, sizeof(rdata) - nl);
		st_resp_mark_t m = st_resp_mark(r);
		int off = st_resp_rr_owner(r, ST_SECTION_AUTHORITY, owner, ol, ST_TYPE_NSEC,
					   a->neg_ttl, rdata, rl);
		if (off < 0)
			return ST_ETRUNC;
		st_rdata_ref_t ref = {rdata, (uint16_t)rl};
		const st_sigs_t *s = st_sign_rrset(a->ctx, a->st, owner, ol, sig_labels(owner),
						   ST_TYPE_NSEC, a->neg_ttl, &ref, 1);
		int ret = put_sigs(r, ST_SECTION_AUTHORITY, (size_t)off, a->neg_ttl, s);
		if (ret < 0) {
			st_resp_rollback(r, &m);
			return ret;
		}
	}
	return 0;
}
