/* The response writer. Owners are two-byte pointers to names already in the
 * message (the question, RDATA written before), so a record costs one memcpy. */
#include "dns/response.h"
#include "dns/name.h"
#include "common/errors.h"

static void comp_add(st_resp_t *r, size_t off)
{
	if (r->n_comp < ST_RESP_COMP_MAX && off < 0x4000)
		r->comp[r->n_comp++] = (uint16_t)off;
}

/* Remember every label start of the literal name just written at off. */
static void comp_add_name(st_resp_t *r, size_t off)
{
	while (r->buf[off] != 0 && (r->buf[off] & 0xc0) == 0) {
		comp_add(r, off);
		off += r->buf[off] + 1u;
	}
}

int st_resp_begin(st_resp_t *r, uint8_t *buf, size_t cap, const st_query_t *q, bool question)
{
	r->buf = buf;
	r->cap = cap;
	r->limit = cap;
	r->count[0] = r->count[1] = r->count[2] = 0;
	r->n_comp = 0;
	r->comp_ready = false;
	if (cap < ST_DNS_HEADER_LEN)
		return ST_ETRUNC;
	st_put16(buf, q->id);
	buf[2] = (uint8_t)(ST_FLAG1_QR | (q->opcode << 3) | (q->flags1 & ST_FLAG1_RD));
	buf[3] = (uint8_t)(q->flags2 & ST_FLAG2_CD);
	memset(buf + 4, 0, 8);
	r->len = ST_DNS_HEADER_LEN;
	if (question && q->has_question) {
		size_t need = r->len + q->qname_len + 4u;
		if (need > cap)
			return ST_ETRUNC;
		memcpy(buf + r->len, q->qname_orig, q->qname_len);
		r->len += q->qname_len;
		st_put16(buf + r->len, q->qtype);
		st_put16(buf + r->len + 2, q->qclass);
		r->len += 4;
		st_put16(buf + 4, 1);
	}
	r->question_end = r->len;
	return 0;
}

/* Length of the name at off in our own buffer: labels, then 0 or a pointer. */
static size_t name_span(const uint8_t *buf, size_t off)
{
	size_t p = off;
	for (;;) {
		uint8_t c = buf[p];
		if (c == 0)
			return p + 1 - off;
		if ((c & 0xc0) == 0xc0)
			return p + 2 - off;
		p += c + 1u;
	}
}

/* An owner: a pointer when the offset can be expressed, else a copy of the name. */
static int put_owner(st_resp_t *r, size_t owner_off)
{
	if (owner_off < 0x4000) {
		if (r->len + 2 > r->limit)
			return ST_ETRUNC;
		r->buf[r->len] = (uint8_t)(0xc0 | owner_off >> 8);
		r->buf[r->len + 1] = (uint8_t)owner_off;
		r->len += 2;
		return 0;
	}
	size_t n = name_span(r->buf, owner_off);
	if (r->len + n > r->limit)
		return ST_ETRUNC;
	memmove(r->buf + r->len, r->buf + owner_off, n);
	r->len += n;
	return 0;
}

int st_resp_rr(st_resp_t *r, int section, size_t owner_off, const uint8_t *rr, size_t rr_len,
	       uint32_t ttl)
{
	size_t start = r->len;
	if (put_owner(r, owner_off) < 0)
		return ST_ETRUNC;
	if (r->len + rr_len > r->limit) {
		r->len = start;
		return ST_ETRUNC;
	}
	uint8_t *p = r->buf + r->len;
	memcpy(p, rr, rr_len);
	if (ttl != UINT32_MAX)
		st_put32(p + 4, ttl);
	r->len += rr_len;
	r->count[section]++;
	return (int)(p + 10 - r->buf);
}

/* TYPE, CLASS IN, TTL, RDLENGTH and RDATA after an owner just written (the
 * caller checked the room); returns the RDATA's offset. */
static int put_fields(st_resp_t *r, int section, uint16_t type, uint32_t ttl,
		      const uint8_t *rdata, size_t rdlen)
{
	uint8_t *p = r->buf + r->len;
	st_put16(p, type);
	st_put16(p + 2, ST_CLASS_IN);
	st_put32(p + 4, ttl);
	st_put16(p + 8, (uint16_t)rdlen);
	memcpy(p + 10, rdata, rdlen);
	r->len += 10 + rdlen;
	r->count[section]++;
	return (int)(p + 10 - r->buf);
}

int st_resp_rr_parts(st_resp_t *r, int section, size_t owner_off, uint16_t type, uint32_t ttl,
		     const uint8_t *rdata, size_t rdlen)
{
	size_t start = r->len;
	if (put_owner(r, owner_off) < 0)
		return ST_ETRUNC;
	if (r->len + 10 + rdlen > r->limit) {
		r->len = start;
		return ST_ETRUNC;
	}
	return put_fields(r, section, type, ttl, rdata, rdlen);
}

/* Does the name at off in the buffer (pointers followed) equal name[0..] ignoring case? */
static bool name_at_equals(const uint8_t *buf, size_t off, const uint8_t *name)
{
	unsigned hops = 0;
	for (;;) {
		uint8_t c = buf[off];
		if ((c & 0xc0) == 0xc0) {
			if (++hops > ST_DNS_MAX_LABELS)
				return false;
			off = (size_t)(c & 0x3f) << 8 | buf[off + 1];
			continue;
		}
		if (c != *name)
			return false;
		if (c == 0)
			return true;
		if (!st_name_equal_ci(buf + off + 1, name + 1, c))
			return false;
		off += c + 1u;
		name += c + 1u;
	}
}

int st_resp_name(st_resp_t *r, const uint8_t *name, size_t name_len)
{
	size_t start = r->len;
	size_t p = 0;
	/* The question joins the table on first use: most answers never write a name. */
	if (!r->comp_ready) {
		r->comp_ready = true;
		if (r->question_end > ST_RESP_QNAME_OFF)
			comp_add_name(r, ST_RESP_QNAME_OFF);
	}
	/* Find the longest suffix already in the message. */
	while (name[p] != 0) {
		for (unsigned i = 0; i < r->n_comp; i++) {
			if (name_at_equals(r->buf, r->comp[i], name + p)) {
				if (r->len + p + 2 > r->limit)
					return ST_ETRUNC;
				memcpy(r->buf + r->len, name, p);
				r->buf[r->len + p] = (uint8_t)(0xc0 | r->comp[i] >> 8);
				r->buf[r->len + p + 1] = (uint8_t)r->comp[i];
				r->len += p + 2;
				comp_add_name(r, start);
				return (int)start;
			}
		}
		p += name[p] + 1u;
	}
	if (r->len + name_len > r->limit)
		return ST_ETRUNC;
	memcpy(r->buf + r->len, name, name_len);
	r->len += name_len;
	comp_add_name(r, start);
	return (int)start;
}

int st_resp_rr_name(st_resp_t *r, int section, size_t owner_off, uint16_t type, uint32_t ttl,
		    const uint8_t *name, size_t name_len)
{
	st_resp_mark_t m = st_resp_mark(r);
	if (put_owner(r, owner_off) < 0 || r->len + 10 > r->limit) {
		st_resp_rollback(r, &m);
		return ST_ETRUNC;
	}
	uint8_t *p = r->buf + r->len;
	st_put16(p, type);
	st_put16(p + 2, ST_CLASS_IN);
	st_put32(p + 4, ttl);
	r->len += 10;
	int off = st_resp_name(r, name, name_len);
	if (off < 0) {
		st_resp_rollback(r, &m);
		return ST_ETRUNC;
	}
	st_put16(p + 8, (uint16_t)(r->len - (size_t)off));
	r->count[section]++;
	return off;
}

int st_resp_rr_owner(st_resp_t *r, int section, const uint8_t *owner, size_t owner_len,
		     uint16_t type, uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	st_resp_mark_t m = st_resp_mark(r);
	int off = st_resp_name(r, owner, owner_len);
	if (off < 0 || r->len + 10 + rdlen > r->limit) {
		st_resp_rollback(r, &m);
		return ST_ETRUNC;
	}
	put_fields(r, section, type, ttl, rdata, rdlen);
	return off;
}

size_t st_resp_opt_size(const st_query_t *q, bool with_ecs, bool ede)
{
	size_t n = 11;
	if (with_ecs && q->has_ecs)
		n += 8 + (q->ecs_source + 7u) / 8u;
	if (ede)
		n += 6;
	if (q->cookie_reply_len)
		n += 4 + ST_COOKIE_CLIENT_LEN + q->cookie_reply_len;
	if (q->nsid_reply_len)
		n += 4 + q->nsid_reply_len;
	return n;
}

int st_resp_opt(st_resp_t *r, const st_query_t *q, uint16_t payload, unsigned rcode, bool with_ecs,
		uint8_t scope, int ede)
{
	size_t n = st_resp_opt_size(q, with_ecs, ede >= 0);
	if (r->len + n > r->cap)
		return ST_ETRUNC;
	uint8_t *p = r->buf + r->len;
	p[0] = 0;
	st_put16(p + 1, ST_TYPE_OPT);
	st_put16(p + 3, payload);
	p[5] = (uint8_t)(rcode >> 4);
	p[6] = 0; /* version 0 */
	st_put16(p + 7, q->edns_do ? ST_EDNS_DO : 0);
	st_put16(p + 9, (uint16_t)(n - 11));
	uint8_t *o = p + 11;
	if (with_ecs && q->has_ecs) {
		size_t alen = (q->ecs_source + 7u) / 8u;
		st_put16(o, ST_EDNS_OPT_ECS);
		st_put16(o + 2, (uint16_t)(4 + alen));
		st_put16(o + 4, q->ecs_family);
		o[6] = q->ecs_source;
		o[7] = scope;
		memcpy(o + 8, q->ecs_addr, alen);
		o += 8 + alen;
	}
	if (q->cookie_reply_len) {
		/* RFC 7873 5.2: the client cookie as received, then ours. */
		st_put16(o, ST_EDNS_OPT_COOKIE);
		st_put16(o + 2, (uint16_t)(ST_COOKIE_CLIENT_LEN + q->cookie_reply_len));
		memcpy(o + 4, q->cookie, ST_COOKIE_CLIENT_LEN);
		memcpy(o + 4 + ST_COOKIE_CLIENT_LEN, q->cookie_reply, q->cookie_reply_len);
		o += 4 + ST_COOKIE_CLIENT_LEN + q->cookie_reply_len;
	}
	if (q->nsid_reply_len) {
		st_put16(o, ST_EDNS_OPT_NSID);
		st_put16(o + 2, q->nsid_reply_len);
		memcpy(o + 4, q->nsid_reply, q->nsid_reply_len);
		o += 4 + q->nsid_reply_len;
	}
	if (ede >= 0) {
		st_put16(o, ST_EDNS_OPT_EDE);
		st_put16(o + 2, 2);
		st_put16(o + 4, (uint16_t)ede);
	}
	r->len += n;
	r->count[ST_SECTION_ADDITIONAL]++;
	return 0;
}

size_t st_resp_finish(st_resp_t *r)
{
	st_put16(r->buf + 6, r->count[0]);
	st_put16(r->buf + 8, r->count[1]);
	st_put16(r->buf + 10, r->count[2]);
	return r->len;
}
