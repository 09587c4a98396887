/* The response writer: header, question as received, records copied from
 * their wire form with owners as compression pointers, EDNS OPT with Client
 * Subnet. Works in a caller buffer; nothing is allocated. */
#ifndef ST_DNS_RESPONSE_H
#define ST_DNS_RESPONSE_H

#include "dns/query.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ST_SECTION_ANSWER = 0,
	ST_SECTION_AUTHORITY = 1,
	ST_SECTION_ADDITIONAL = 2,
};

#define ST_RESP_COMP_MAX 32
/* Offset of the question name in every response. */
#define ST_RESP_QNAME_OFF ST_DNS_HEADER_LEN

typedef struct st_resp {
	uint8_t *buf;
	size_t cap;   /* bytes the buffer holds */
	size_t limit; /* bytes the sections may use (room for OPT kept aside) */
	size_t len;
	size_t question_end;
	uint16_t count[3];
	bool comp_ready; /* the question is in the compression table */
	uint16_t n_comp; /* label starts of names written literally, for compression */
	uint16_t comp[ST_RESP_COMP_MAX];
} st_resp_t;

/* A point to roll back to (a whole RRset that did not fit). */
typedef struct st_resp_mark {
	size_t len;
	uint16_t count[3];
	uint16_t n_comp;
	bool comp_ready;
} st_resp_mark_t;

/* Start a response to q in buf[0..cap): ID, opcode, RD and CD copied, QR set,
 * the question (original case) when q->has_question and `question`.
 * Returns 0 or ST_ETRUNC (cap below header + question). */
int st_resp_begin(st_resp_t *r, uint8_t *buf, size_t cap, const st_query_t *q, bool question);

static inline void st_resp_set_rcode(st_resp_t *r, unsigned rcode)
{
	r->buf[3] = (uint8_t)((r->buf[3] & 0xf0) | (rcode & 0x0f));
}

static inline void st_resp_set_aa(st_resp_t *r, bool aa)
{
	if (aa)
		r->buf[2] |= ST_FLAG1_AA;
	else
		r->buf[2] &= (uint8_t)~ST_FLAG1_AA;
}

static inline st_resp_mark_t st_resp_mark(const st_resp_t *r)
{
	st_resp_mark_t m = {
	    r->len, {r->count[0], r->count[1], r->count[2]}, r->n_comp, r->comp_ready};
	return m;
}

static inline void st_resp_rollback(st_resp_t *r, const st_resp_mark_t *m)
{
	r->len = m->len;
	r->count[0] = m->count[0];
	r->count[1] = m->count[1];
	r->count[2] = m->count[2];
	r->n_comp = m->n_comp;
	r->comp_ready = m->comp_ready;
}

/* Copy one record in zone wire form (TYPE CLASS TTL RDLENGTH RDATA, rr_len
 * bytes) after an owner that points at `owner_off`, where that name was
 * written before (the question, a name in earlier RDATA). ttl, when not
 * UINT32_MAX, replaces the record's TTL. Returns the RDATA offset in the
 * response (> 0) or ST_ETRUNC. */
int st_resp_rr(st_resp_t *r, int section, size_t owner_off, const uint8_t *rr, size_t rr_len,
	       uint32_t ttl);

/* Write a record from parts: owner pointer, type, class IN, TTL and RDATA. */
int st_resp_rr_parts(st_resp_t *r, int section, size_t owner_off, uint16_t type, uint32_t ttl,
		     const uint8_t *rdata, size_t rdlen);

/* Write a record whose RDATA is one domain name, compressed against the
 * names written so far (dynamic CNAME answers). Returns the offset where the
 * target's first byte was written (a name that compression can point at). */
int st_resp_rr_name(st_resp_t *r, int section, size_t owner_off, uint16_t type, uint32_t ttl,
		    const uint8_t *name, size_t name_len);

/* Write a record whose owner is written here, compressed against the names
 * written so far (an owner that is in no earlier name: NSEC records of
 * denial). Returns the owner's offset (for the records that follow it) or
 * ST_ETRUNC, with nothing written. */
int st_resp_rr_owner(st_resp_t *r, int section, const uint8_t *owner, size_t owner_len,
		     uint16_t type, uint32_t ttl, const uint8_t *rdata, size_t rdlen);

/* Write a name with compression against earlier literal names; returns the
 * name's offset or ST_ETRUNC. */
int st_resp_name(st_resp_t *r, const uint8_t *name, size_t name_len);

/* Bytes an OPT record takes with these contents (ede: with an Extended DNS Error). */
size_t st_resp_opt_size(const st_query_t *q, bool with_ecs, bool ede);

/* Append the OPT record (in the room kept aside from limit): payload size,
 * extended rcode (upper 8 bits of a 12-bit rcode), DO copied, Client Subnet
 * echoed with `scope` when with_ecs, the client cookie with q->cookie_reply
 * when that is set (RFC 7873), the server's NSID when q->nsid_reply is set
 * (RFC 5001), and an Extended DNS Error (RFC 8914) with
 * info-code `ede` when ede >= 0. */
int st_resp_opt(st_resp_t *r, const st_query_t *q, uint16_t payload, unsigned rcode, bool with_ecs,
		uint8_t scope, int ede);

/* Write the section counts; returns the message length. */
size_t st_resp_finish(st_resp_t *r);

#endif
