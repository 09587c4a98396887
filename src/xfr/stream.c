/* Transfer answers message by message: a cursor walks the records of the
 * answer (RFC 5936 for AXFR, RFC 1995 for IXFR) and the packer fills each
 * message up to 64 KiB; every message is signed when the request was. The
 * caller asks for the next message when the connection can take it, so a
 * transfer never holds up the thread that serves other clients. */
#include "xfr/stream.h"
#include "dns/name.h"
#include "dns/pack.h"
#include "zone/zone.h"

#include <stdlib.h>
#include <string.h>

/* The OPT record of a response whose query had one: root, type 41,
 * payload 1232, no extended flags, no options. */
#define OPT_LEN 11
static const uint8_t opt_rr[OPT_LEN] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};

enum {
	P_SOA_FIRST,
	P_NODES,
	P_DIFF_FROM,
	P_DIFF_DEL,
	P_DIFF_TO,
	P_DIFF_ADD,
	P_SOA_LAST,
	P_END,
};

static const st_rrset_t *apex_soa(const st_xfr_zone_t *xz)
{
	return st_node_rrset(st_zone_apex_node(xz->zone), ST_TYPE_SOA);
}

/* Position the cursor on the next record and return it; false at the end. */
static bool peek(st_xfr_stream_t *s, const uint8_t **owner, size_t *olen, const uint8_t **rr,
		 size_t *rlen)
{
	const st_xfr_zone_t *xz = s->xz;
	for (;;) {
		const xfr_diff_t *d = xz && s->diff < xz->n_diffs ? xz->diffs[s->diff] : NULL;
		switch (s->phase) {
		case P_SOA_FIRST:
		case P_SOA_LAST: {
			const st_node_t *apex = st_zone_apex_node(xz->zone);
			const st_rrset_t *soa = apex_soa(xz);
			*owner = apex->name;
			*olen = apex->name_len;
			*rr = s->rr;
			*rlen = xfr_rr_wire(soa, soa->ttl, soa->rdata, s->rr);
			return true;
		}
		case P_NODES: {
			if (s->node >= st_zone_node_count(xz->zone)) {
				s->phase = P_SOA_LAST;
				continue;
			}
			const st_node_t *n = st_zone_node(xz->zone, s->node);
			if (s->rrset >= n->n_rrsets) {
				s->node++;
				s->rrset = s->rec = 0;
				continue;
			}
			const st_rrset_t *rs = &n->rrsets[s->rrset];
			const st_rrset_t *eff = xfr_rrset(xz, rs);
			if (!eff || s->rec >= eff->count ||
			    (rs->type == ST_TYPE_SOA && (n->flags & ST_NODE_APEX))) {
				s->rrset++;
				s->rec = 0;
				continue;
			}
			if (s->rec == 0)
				s->at = eff->rdata;
			*owner = n->name;
			*olen = n->name_len;
			*rr = s->rr;
			*rlen = xfr_rr_wire(eff, eff->ttl, s->at, s->rr);
			return true;
		}
		case P_DIFF_FROM:
		case P_DIFF_TO: {
			const st_node_t *apex = st_zone_apex_node(xz->zone);
			*owner = apex->name;
			*olen = apex->name_len;
			*rr = s->phase == P_DIFF_FROM ? d->soa_from : d->soa_to;
			*rlen = s->phase == P_DIFF_FROM ? d->soa_from_len : d->soa_to_len;
			return true;
		}
		case P_DIFF_DEL:
		case P_DIFF_ADD: {
			const uint8_t *base = s->phase == P_DIFF_DEL ? d->del : d->add;
			size_t total = s->phase == P_DIFF_DEL ? d->del_len : d->add_len;
			if (s->pos >= total) {
				if (s->phase == P_DIFF_DEL) {
					s->phase = P_DIFF_TO;
				} else {
					s->diff++;
					s->phase = s->diff < xz->n_diffs ? P_DIFF_FROM : P_SOA_LAST;
				}
				s->pos = 0;
				continue;
			}
			*owner = base + s->pos;
			*olen = st_name_length(*owner, total - s->pos);
			*rr = *owner + *olen;
			*rlen = st_rr_size(*rr, total - s->pos - *olen);
			s->entry_len = *olen + *rlen;
			return true;
		}
		default:
			return false;
		}
	}
}

static void advance(st_xfr_stream_t *s)
{
	switch (s->phase) {
	case P_SOA_FIRST:
		s->phase = s->kind == ST_XFR_INCR ? P_DIFF_FROM : P_NODES;
		s->diff = s->first_diff;
		break;
	case P_NODES:
		s->rec++;
		s->at = st_rr_next(s->at);
		break;
	case P_DIFF_FROM:
	case P_DIFF_TO:
		s->phase++;
		s->pos = 0;
		break;
	case P_DIFF_DEL:
	case P_DIFF_ADD:
		s->pos += s->entry_len;
		break;
	case P_SOA_LAST:
		s->phase = P_END;
		break;
	default:
		break;
	}
}

void xfr_stream_setup(st_xfr_stream_t *s, st_xfr_kind_t kind, size_t first_diff)
{
	s->kind = kind;
	s->first_diff = first_diff;
	switch (kind) {
	case ST_XFR_FULL:
	case ST_XFR_INCR:
		s->phase = P_SOA_FIRST;
		s->aa = true;
		break;
	case ST_XFR_UPTODATE:
		s->phase = P_SOA_LAST;
		s->aa = true;
		break;
	default:
		s->phase = P_END;
		break;
	}
}

int st_xfr_stream_next(st_xfr_stream_t *s, uint8_t *buf, size_t cap, size_t *len, uint64_t now)
{
	if (s->finished)
		return ST_EINVAL;
	if (cap > 65535)
		cap = 65535;
	size_t reserve = (s->has_tsig ? st_tsig_size(&s->tsig) : 0) + (s->edns ? OPT_LEN : 0);
	if (cap < reserve + ST_DNS_HEADER_LEN)
		return ST_ETRUNC;
	st_pack_t *p = &s->pack;
	uint8_t flags1 = (uint8_t)(ST_FLAG1_QR | (s->aa ? ST_FLAG1_AA : 0) | s->rd);
	bool first = s->messages == 0;
	int ret = st_pack_begin(p, buf, cap - reserve, s->id, flags1, s->rcode,
				first && s->question ? s->qname : NULL, s->qname_len, s->qtype,
				s->qclass);
	if (ret < 0)
		return ret;
	const uint8_t *owner, *rr;
	size_t olen, rlen, n = 0;
	while (peek(s, &owner, &olen, &rr, &rlen)) {
		if (st_pack_rr(p, owner, olen, rr, rlen) < 0) {
			if (n == 0)
				return ST_ETRUNC; /* one record larger than a message */
			break;
		}
		advance(s);
		n++;
	}
	size_t mlen = st_pack_finish(p);
	if (s->edns) {
		memcpy(buf + mlen, opt_rr, OPT_LEN);
		mlen += OPT_LEN;
		st_put16(buf + 10, (uint16_t)(st_get16(buf + 10) + 1));
	}
	if (s->has_tsig && (ret = st_tsig_sign(&s->tsig, buf, &mlen, cap, now)) < 0)
		return ret;
	*len = mlen;
	s->messages++;
	s->records += n;
	if (s->stats) {
		xfr_stats_add(&s->stats->messages, 1);
		xfr_stats_add(&s->stats->bytes, mlen + 2);
	}
	if (s->phase != P_END)
		return 1;
	s->finished = true;
	if (s->stats && s->aa)
		xfr_stats_add(&s->stats->done, 1);
	return 0;
}

void st_xfr_stream_free(st_xfr_stream_t *s)
{
	if (!s)
		return;
	if (!s->finished && s->stats && s->aa)
		xfr_stats_add(&s->stats->aborted, 1);
	st_xfr_zone_free(s->xz);
	free(s);
}
