/* The query parser: header, exactly one question, EDNS0 OPT with Client
 * Subnet and COOKIE, hand-written, bounded and allocation-free. */
#ifndef ST_DNS_QUERY_H
#define ST_DNS_QUERY_H

#include "dns/cookie.h"
#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct st_query {
	uint16_t id;
	uint8_t flags1; /* header byte 2 (QR, opcode, AA, TC, RD) */
	uint8_t flags2; /* header byte 3 (RA, Z, AD, CD, rcode) */
	uint8_t opcode;
	bool has_question; /* question parsed: it can be echoed */
	bool no_question;  /* QDCOUNT 0 and the rest well formed (FORMERR all the same) */
	uint16_t qtype, qclass;
	uint8_t qname_len;
	uint8_t qlabels;
	uint8_t qname[ST_DNS_MAX_NAME];	     /* lower-cased (canonical) */
	uint8_t qname_orig[ST_DNS_MAX_NAME]; /* as received (0x20 case preserved) */

	/* EDNS0 (RFC 6891), valid when has_edns. */
	bool has_edns;
	bool edns_do;
	uint8_t edns_version;
	uint16_t edns_payload; /* as sent by the client */

	/* TSIG (RFC 8945): the record's offset in the message, valid when
	 * has_tsig; it is the last record of the additional section. */
	bool has_tsig;
	uint16_t tsig_off;

	/* DNS cookie (RFC 7873), valid when has_cookie: the client cookie (8
	 * bytes) then the server cookie as received (0 or 8 to 32 bytes). Only
	 * the first COOKIE option counts; any of a length RFC 7873 5.2.2 does
	 * not allow is FORMERR. */
	bool has_cookie;
	uint8_t cookie_len;
	uint8_t cookie[ST_COOKIE_CLIENT_LEN + ST_COOKIE_SERVER_MAX];
	/* The server cookie the response carries after the client's (set by
	 * the engine, cleared by the parser; 0: no COOKIE option). */
	uint8_t cookie_reply_len;
	uint8_t cookie_reply[ST_COOKIE_SERVER_MAX];

	/* Name server identifier (RFC 5001): the query asks for it
	 * (has_nsid); the engine points nsid_reply at the server's (cleared
	 * by the parser; length 0: no NSID option in the response). */
	bool has_nsid;
	uint8_t nsid_reply_len;
	const uint8_t *nsid_reply;

	/* Client Subnet (RFC 7871), valid when has_ecs. */
	bool has_ecs;
	uint8_t ecs_source, ecs_scope;
	uint16_t ecs_family;  /* 1 = IPv4, 2 = IPv6 */
	uint8_t ecs_addr[16]; /* ceil(source/8) significant bytes, rest zero */
} st_query_t;

/* Parse a query message. Returns
 *   0            a well-formed QUERY (EDNS version not checked: the caller answers BADVERS)
 *   ST_EDROP     nothing may be sent back (shorter than a header, QR=1)
 *   ST_ENOTIMP   opcode other than QUERY (the question is echoed when it parses)
 *   ST_EFORMERR  malformed, bytes after the records counted included (has_question
 *                and has_edns tell what can be echoed)
 * Every field the caller reads is set whatever the outcome. */
int st_query_parse(const uint8_t *msg, size_t len, st_query_t *q);

/* The question of a plain query, cheaply, for prefetching before the
 * parse: a QUERY (QR clear) with one whole question whose name is plain
 * labels. Its QTYPE, with the name at ST_DNS_HEADER_LEN, *name_len bytes;
 * else 0. */
uint16_t st_query_peek(const uint8_t *msg, size_t len, size_t *name_len);

/* The type asked for, cheaply: the QTYPE of a message with one question
 * whose name is plain labels, else 0. For routing a message before parsing it. */
uint16_t st_query_peek_type(const uint8_t *msg, size_t len);

#endif
