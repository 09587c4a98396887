/* One question asked of the query engine by the control plane (see ask.h). */
#include "answer/ask.h"
#include "answer/answer.h"
#include "common/errors.h"
#include "dns/name.h"
#include "dns/wire.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define ASK_PAYLOAD 1232

/* The query: header, question, OPT (with ECS for an ECS client). */
static size_t build_query(uint8_t *q, const uint8_t *qname, size_t qname_len, uint16_t qtype,
			  const st_client_t *client)
{
	memset(q, 0, ST_DNS_HEADER_LEN);
	st_put16(q, 0x5eed);
	st_put16(q + 4, 1);  /* QDCOUNT */
	st_put16(q + 10, 1); /* ARCOUNT: the OPT */
	size_t pos = ST_DNS_HEADER_LEN;
	memcpy(q + pos, qname, qname_len);
	pos += qname_len;
	st_put16(q + pos, qtype);
	st_put16(q + pos + 2, ST_CLASS_IN);
	pos += 4;
	q[pos] = 0; /* root owner */
	st_put16(q + pos + 1, ST_TYPE_OPT);
	st_put16(q + pos + 3, ASK_PAYLOAD);
	memset(q + pos + 5, 0, 4); /* extended rcode, version, flags */
	size_t rdlen_at = pos + 9;
	pos += 11;
	size_t rdlen = 0;
	if (client->from_ecs) {
		size_t alen = (client->source_prefix + 7u) / 8u;
		st_put16(q + pos, ST_EDNS_OPT_ECS);
		st_put16(q + pos + 2, (uint16_t)(4 + alen));
		st_put16(q + pos + 4, client->family == AF_INET ? 1 : 2);
		q[pos + 6] = client->source_prefix;
		q[pos + 7] = 0;
		memcpy(q + pos + 8, client->addr, alen);
		/* no bits past the source prefix (RFC 7871 6) */
		if (client->source_prefix % 8)
			q[pos + 8 + alen - 1] &= (uint8_t)(0xff00u >> (client->source_prefix % 8));
		rdlen = 8 + alen;
	}
	st_put16(q + rdlen_at, (uint16_t)rdlen);
	return pos + rdlen;
}

/* Skip one resource record at *pos; its type and RDATA in *type, *rd, *rdlen. */
static int skip_rr(const uint8_t *m, size_t len, size_t *pos, uint16_t *type, const uint8_t **rd,
		   size_t *rdlen)
{
	if (st_name_skip(m, len, pos) < 0 || *pos + 10 > len)
		return ST_EPROTO;
	*type = st_get16(m + *pos);
	*rdlen = st_get16(m + *pos + 8);
	*pos += 10;
	if (*pos + *rdlen > len)
		return ST_EPROTO;
	*rd = m + *pos;
	*pos += *rdlen;
	return 0;
}

static int read_response(const uint8_t *m, size_t len, st_ask_result_t *out)
{
	if (len < ST_DNS_HEADER_LEN)
		return ST_EPROTO;
	out->rcode = m[3] & 0x0f;
	out->truncated = (m[2] & ST_FLAG1_TC) != 0;
	out->answers = st_get16(m + 6);
	unsigned qd = st_get16(m + 4);
	unsigned rrs = st_get16(m + 6) + st_get16(m + 8) + st_get16(m + 10);
	size_t pos = ST_DNS_HEADER_LEN;
	for (unsigned i = 0; i < qd; i++) {
		if (st_name_skip(m, len, &pos) < 0 || pos + 4 > len)
			return ST_EPROTO;
		pos += 4;
	}
	unsigned add_from = st_get16(m + 6) + st_get16(m + 8);
	for (unsigned i = 0; i < rrs; i++) {
		size_t at = pos;
		uint16_t type;
		const uint8_t *rd;
		size_t rdlen;
		if (skip_rr(m, len, &pos, &type, &rd, &rdlen) < 0)
			return ST_EPROTO;
		if (i < add_from || type != ST_TYPE_OPT)
			continue;
		size_t fixed = at + 1; /* the root owner of an OPT */
		out->rcode |= (unsigned)m[fixed + 4] << 4;
		for (size_t o = 0; o + 4 <= rdlen;) {
			uint16_t code = st_get16(rd + o), olen = st_get16(rd + o + 2);
			if (o + 4 + olen > rdlen)
				return ST_EPROTO;
			if (code == ST_EDNS_OPT_ECS && olen >= 4) {
				out->ecs = true;
				out->ecs_source = rd[o + 6];
				out->ecs_scope = rd[o + 7];
			}
			o += 4 + (size_t)olen;
		}
	}
	return 0;
}

int st_answer_ask(const st_view_t *view, const uint8_t *qname, size_t qname_len, uint16_t qtype,
		  const st_client_t *client, uint64_t seed, st_ask_result_t *out)
{
	if (!view || !qname || qname_len == 0 || qname_len > ST_DNS_MAX_NAME || !client || !out)
		return ST_EINVAL;
	memset(out, 0, sizeof(*out));
	uint8_t query[ST_DNS_HEADER_LEN + ST_DNS_MAX_NAME + 4 + 11 + 8 + 16];
	size_t qlen = build_query(query, qname, qname_len, qtype, client);
	/* the peer: the client's own address without ECS; with ECS the
	 * resolver's address does not matter */
	st_sockaddr_t peer;
	memset(&peer, 0, sizeof(peer));
	if (client->family == AF_INET6) {
		peer.u.in6.sin6_family = AF_INET6;
		memcpy(&peer.u.in6.sin6_addr, client->addr, 16);
		peer.len = sizeof(peer.u.in6);
	} else {
		peer.u.in4.sin_family = AF_INET;
		memcpy(&peer.u.in4.sin_addr, client->addr, 4);
		peer.len = sizeof(peer.u.in4);
	}
	st_answer_ctx_t *ctx = st_answer_ctx_new(seed);
	uint8_t *resp = malloc(ASK_PAYLOAD);
	int rc = ST_ENOMEM;
	if (ctx && resp) {
		size_t n =
		    st_answer(ctx, view, query, qlen, &peer, ST_TRANSPORT_UDP, resp, ASK_PAYLOAD);
		rc = n ? read_response(resp, n, out) : ST_EPROTO;
	}
	free(resp);
	st_answer_ctx_free(ctx);
	return rc;
}
