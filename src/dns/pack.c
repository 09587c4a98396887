/* The message packer. A name is looked up suffix by suffix, longest first,
 * in a hash table of the names already in the message; the first hit ends
 * it with a pointer. Matching is exact (case included), so that every name
 * reaches the other side as the zone wrote it. */
#include "dns/pack.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "common/errors.h"

#include <string.h>

#define SLOT_MASK (ST_PACK_SLOTS - 1)
/* Keep the table at most three quarters full. */
#define SLOT_FILL (ST_PACK_SLOTS * 3 / 4)
/* Names one record writes: owner + two in RDATA (SOA, MINFO). */
#define MAX_PENDING (3 * ST_DNS_MAX_LABELS)

static uint32_t suffix_hash(const uint8_t *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h | 1u;
}

/* Is the (possibly compressed) name at off in our own message equal to s? */
static bool msg_name_eq(const uint8_t *buf, size_t off, const uint8_t *s)
{
	for (unsigned hops = 0; hops <= ST_DNS_MAX_LABELS;) {
		uint8_t c = buf[off];
		if ((c & 0xc0) == 0xc0) {
			off = (size_t)(c & 0x3f) << 8 | buf[off + 1];
			hops++;
			continue;
		}
		if (c != *s)
			return false;
		if (c == 0)
			return true;
		if (memcmp(buf + off + 1, s + 1, c) != 0)
			return false;
		off += c + 1u;
		s += c + 1u;
	}
	return false;
}

static size_t find(const st_pack_t *p, const uint8_t *s, uint32_t h)
{
	for (uint32_t i = h & SLOT_MASK;; i = (i + 1) & SLOT_MASK) {
		if (p->slots[i].off == 0)
			return 0;
		if (p->slots[i].hash == h && msg_name_eq(p->buf, p->slots[i].off, s))
			return p->slots[i].off;
	}
}

static void insert(st_pack_t *p, uint32_t h, uint16_t off)
{
	if (p->n_used >= SLOT_FILL)
		return;
	uint32_t i = h & SLOT_MASK;
	while (p->slots[i].off != 0)
		i = (i + 1) & SLOT_MASK;
	p->slots[i].hash = h;
	p->slots[i].off = off;
	p->n_used++;
}

typedef struct pending {
	uint32_t hash[MAX_PENDING];
	uint16_t off[MAX_PENDING];
	unsigned n;
} pending_t;

/* Write a name at p->len with compression; label starts written literally
 * go to `pend`, to enter the table once the whole record fits. */
static int put_name(st_pack_t *p, const uint8_t *name, size_t len, pending_t *pend)
{
	uint8_t offs[ST_DNS_MAX_LABELS];
	unsigned n = st_name_labels(name, offs);
	uint32_t hashes[ST_DNS_MAX_LABELS];
	size_t ptr = 0;
	unsigned j;
	for (j = 0; j < n; j++) {
		hashes[j] = suffix_hash(name + offs[j], len - offs[j]);
		if ((ptr = find(p, name + offs[j], hashes[j])) != 0)
			break;
	}
	size_t lit = j < n ? offs[j] : len; /* bytes written as they are */
	size_t need = lit + (j < n ? 2 : 0);
	if (p->cap - p->len < need)
		return ST_ETRUNC;
	memcpy(p->buf + p->len, name, lit);
	for (unsigned k = 0; k < j; k++) {
		size_t at = p->len + offs[k];
		if (at < 0x4000 && pend->n < MAX_PENDING) {
			pend->hash[pend->n] = hashes[k];
			pend->off[pend->n++] = (uint16_t)at;
		}
	}
	p->len += lit;
	if (j < n) {
		p->buf[p->len] = (uint8_t)(0xc0 | ptr >> 8);
		p->buf[p->len + 1] = (uint8_t)ptr;
		p->len += 2;
	}
	return 0;
}

int st_pack_begin(st_pack_t *p, uint8_t *buf, size_t cap, uint16_t id, uint8_t flags1,
		  uint8_t flags2, const uint8_t *qname, size_t qname_len, uint16_t qtype,
		  uint16_t qclass)
{
	p->buf = buf;
	p->cap = cap;
	p->len = 0;
	p->qdcount = p->ancount = p->nscount = p->arcount = 0;
	p->n_used = 0;
	memset(p->slots, 0, sizeof(p->slots));
	if (cap < ST_DNS_HEADER_LEN + (qname ? qname_len + 4 : 0))
		return ST_ETRUNC;
	st_put16(buf, id);
	buf[2] = flags1;
	buf[3] = flags2;
	memset(buf + 4, 0, 8);
	p->len = ST_DNS_HEADER_LEN;
	if (qname) {
		pending_t pend = {.n = 0};
		put_name(p, qname, qname_len, &pend);
		for (unsigned i = 0; i < pend.n; i++)
			insert(p, pend.hash[i], pend.off[i]);
		st_put16(buf + p->len, qtype);
		st_put16(buf + p->len + 2, qclass);
		p->len += 4;
		p->qdcount = 1;
	}
	return 0;
}

size_t st_rr_size(const uint8_t *rr, size_t max)
{
	if (max < 10)
		return 0;
	size_t n = 10 + (size_t)st_get16(rr + 8);
	return n <= max ? n : 0;
}

int st_pack_rr(st_pack_t *p, const uint8_t *owner, size_t owner_len, const uint8_t *rr,
	       size_t rr_len)
{
	size_t start = p->len;
	pending_t pend = {.n = 0};
	if (rr_len < 10 || put_name(p, owner, owner_len, &pend) < 0)
		goto trunc;
	uint16_t type = st_get16(rr);
	size_t rdlen = st_get16(rr + 8);
	const uint8_t *rd = rr + 10;
	if (10 + rdlen != rr_len)
		goto trunc;
	st_rdata_names_t l;
	if (!st_rdata_names(type, &l) || !l.compress) {
		if (p->cap - p->len < rr_len)
			goto trunc;
		memcpy(p->buf + p->len, rr, rr_len);
		p->len += rr_len;
	} else {
		if (p->cap - p->len < 10u + l.skip || rdlen < l.skip)
			goto trunc;
		memcpy(p->buf + p->len, rr, 10u + l.skip);
		size_t rdlen_at = p->len + 8, pos = l.skip;
		p->len += 10u + l.skip;
		for (unsigned i = 0; i < l.names; i++) {
			size_t nl = st_name_length(rd + pos, rdlen - pos);
			if (nl == 0 || put_name(p, rd + pos, nl, &pend) < 0)
				goto trunc;
			pos += nl;
		}
		size_t rest = rdlen - pos;
		if (p->cap - p->len < rest)
			goto trunc;
		memcpy(p->buf + p->len, rd + pos, rest);
		p->len += rest;
		st_put16(p->buf + rdlen_at, (uint16_t)(p->len - rdlen_at - 2));
	}
	for (unsigned i = 0; i < pend.n; i++)
		insert(p, pend.hash[i], pend.off[i]);
	p->ancount++;
	return 0;
trunc:
	p->len = start;
	return ST_ETRUNC;
}

size_t st_pack_finish(st_pack_t *p)
{
	st_put16(p->buf + 4, p->qdcount);
	st_put16(p->buf + 6, p->ancount);
	st_put16(p->buf + 8, p->nscount);
	st_put16(p->buf + 10, p->arcount);
	return p->len;
}
