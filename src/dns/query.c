/* The query parser: every length is checked before it is read; malformed
 * input ends in FORMERR or a drop, never in a read past the message. */
#include "dns/query.h"
#include "dns/name.h"
#include "common/errors.h"

/* RFC 7871 section 6: family, prefix bounds, scope 0, exact address length,
 * no bits set beyond the source prefix. */
static int parse_ecs(const uint8_t *d, size_t dlen, st_query_t *q)
{
	if (q->has_ecs || dlen < 4)
		return ST_EFORMERR;
	uint16_t family = st_get16(d);
	uint8_t source = d[2], scope = d[3];
	unsigned maxbits;
	if (family == 1)
		maxbits = 32;
	else if (family == 2)
		maxbits = 128;
	else
		return ST_EFORMERR;
	if (source > maxbits || scope != 0)
		return ST_EFORMERR;
	size_t alen = (source + 7u) / 8u;
	if (dlen - 4 != alen)
		return ST_EFORMERR;
	memset(q->ecs_addr, 0, sizeof(q->ecs_addr));
	memcpy(q->ecs_addr, d + 4, alen);
	if (source % 8 != 0 && (q->ecs_addr[alen - 1] & (0xffu >> (source % 8))) != 0)
		return ST_EFORMERR;
	q->ecs_family = family;
	q->ecs_source = source;
	q->ecs_scope = 0;
	q->has_ecs = true;
	return 0;
}

static int parse_opt(const uint8_t *msg, size_t pos, st_query_t *q)
{
	/* pos is at CLASS; the caller checked the 8 fixed bytes and RDATA bounds. */
	q->edns_payload = st_get16(msg + pos);
	q->edns_version = msg[pos + 3];
	q->edns_do = (st_get16(msg + pos + 4) & ST_EDNS_DO) != 0;
	q->has_edns = true;
	size_t rdlen = st_get16(msg + pos + 6);
	const uint8_t *d = msg + pos + 8;
	size_t off = 0;
	while (off < rdlen) {
		if (rdlen - off < 4)
			return ST_EFORMERR;
		uint16_t code = st_get16(d + off);
		size_t olen = st_get16(d + off + 2);
		off += 4;
		if (olen > rdlen - off)
			return ST_EFORMERR;
		if (code == ST_EDNS_OPT_ECS) {
			int ret = parse_ecs(d + off, olen, q);
			if (ret < 0)
				return ret;
		} else if (code == ST_EDNS_OPT_COOKIE) {
			/* RFC 7873 5.2.2: every COOKIE option is well formed or
			 * the query is FORMERR; of several, the first counts
			 * (as in BIND). */
			if (!st_cookie_len_ok(olen))
				return ST_EFORMERR;
			if (!q->has_cookie) {
				memcpy(q->cookie, d + off, olen);
				q->cookie_len = (uint8_t)olen;
				q->has_cookie = true;
			}
		} else if (code == ST_EDNS_OPT_NSID) {
			/* RFC 5001 2.1: sent empty; whatever it holds, it asks. */
			q->has_nsid = true;
		}
		/* Other options (padding, keepalive...) are ignored. */
		off += olen;
	}
	return 0;
}

/* Walk the records after the question: OPT only once, at the root, in the
 * additional section. The records end the message: bytes after the last
 * one the header counts are FORMERR, as Knot and PowerDNS answer (RFC 1035
 * 4.1: a message is its header and the sections it counts; bytes after a
 * TSIG record would be outside what its MAC covers). */
static int parse_records(const uint8_t *msg, size_t len, size_t pos, unsigned an_ns, unsigned ar,
			 st_query_t *q)
{
	unsigned total = an_ns + ar;
	for (unsigned i = 0; i < total; i++) {
		size_t owner = pos;
		if (st_name_skip(msg, len, &pos) < 0)
			return ST_EFORMERR;
		if (len - pos < 10)
			return ST_EFORMERR;
		uint16_t type = st_get16(msg + pos);
		size_t rdlen = st_get16(msg + pos + 8);
		if (len - pos - 10 < rdlen)
			return ST_EFORMERR;
		if (type == ST_TYPE_TSIG) {
			/* RFC 8945 section 5.2: only as the very last record. */
			if (i < an_ns || i != total - 1)
				return ST_EFORMERR;
			q->has_tsig = true;
			q->tsig_off = (uint16_t)owner;
		}
		if (type == ST_TYPE_OPT) {
			if (i < an_ns || q->has_edns || msg[owner] != 0 || pos != owner + 1)
				return ST_EFORMERR;
			int ret = parse_opt(msg, pos + 2, q);
			if (ret < 0)
				return ret;
		}
		pos += 10 + rdlen;
	}
	return pos == len ? 0 : ST_EFORMERR;
}

int st_query_parse(const uint8_t *msg, size_t len, st_query_t *q)
{
	q->has_question = false;
	q->no_question = false;
	q->has_edns = false;
	q->has_ecs = false;
	q->has_tsig = false;
	q->tsig_off = 0;
	q->has_cookie = false;
	q->cookie_len = 0;
	q->cookie_reply_len = 0;
	q->has_nsid = false;
	q->nsid_reply_len = 0;
	q->edns_do = false;
	q->edns_version = 0;
	q->edns_payload = 0;
	q->qname_len = 0;
	q->qlabels = 0;
	q->qtype = 0;
	q->qclass = 0;
	if (len < ST_DNS_HEADER_LEN)
		return ST_EDROP;
	q->id = st_get16(msg);
	q->flags1 = msg[2];
	q->flags2 = msg[3];
	if (q->flags1 & ST_FLAG1_QR)
		return ST_EDROP;
	q->opcode = (msg[2] >> 3) & 0x0f;
	unsigned qd = st_get16(msg + 4), an = st_get16(msg + 6), ns = st_get16(msg + 8),
		 ar = st_get16(msg + 10);

	size_t pos = ST_DNS_HEADER_LEN;
	int ret = 0;
	if (qd != 1)
		ret = ST_EFORMERR;
	else if (st_name_parse(msg, len, &pos, q->qname_orig, q->qname, &q->qname_len,
			       &q->qlabels) < 0 ||
		 len - pos < 4)
		ret = ST_EFORMERR;
	if (ret == 0) {
		q->qtype = st_get16(msg + pos);
		q->qclass = st_get16(msg + pos + 2);
		q->has_question = true;
		pos += 4;
	}
	if (q->opcode != ST_OPCODE_QUERY)
		return ST_ENOTIMP;
	if (ret < 0 && qd == 0) {
		/* RFC 7873 5.4: no question, only to learn a server cookie. The
		 * records are read for the COOKIE; it is FORMERR all the same. */
		q->no_question = parse_records(msg, len, pos, an + ns, ar, q) == 0;
		return ret;
	}
	if (ret < 0)
		return ret;
	return parse_records(msg, len, pos, an + ns, ar, q);
}

/* The end of a one-question message's name (its root label) when it is
 * plain labels, else 0. */
static size_t plain_name_end(const uint8_t *msg, size_t len)
{
	if (len <= ST_DNS_HEADER_LEN || st_get16(msg + 4) != 1)
		return 0;
	size_t pos = ST_DNS_HEADER_LEN;
	while (pos < len && msg[pos] != 0 && msg[pos] < 64 && pos - ST_DNS_HEADER_LEN < ST_DNS_MAX_NAME)
		pos += msg[pos] + 1u;
	if (pos >= len || msg[pos] != 0 || pos + 1 - ST_DNS_HEADER_LEN > ST_DNS_MAX_NAME)
		return 0;
	return pos;
}

uint16_t st_query_peek(const uint8_t *msg, size_t len, size_t *name_len)
{
	if (len <= ST_DNS_HEADER_LEN || (msg[2] & (ST_FLAG1_QR | 0x78)))
		return 0;
	size_t end = plain_name_end(msg, len);
	if (!end || len - end < 5)
		return 0;
	*name_len = end + 1 - ST_DNS_HEADER_LEN;
	return st_get16(msg + end + 1);
}

uint16_t st_query_peek_type(const uint8_t *msg, size_t len)
{
	size_t end = plain_name_end(msg, len);
	return end && len - end >= 3 ? st_get16(msg + end + 1) : 0;
}
