/* The state of one transfer answer, shared by the request handling that
 * makes it and the cursor that writes its messages. */
#ifndef ST_XFR_STREAM_H
#define ST_XFR_STREAM_H

#include "dns/pack.h"
#include "xfr/internal.h"

/* Longest TSIG secret a stream can carry (a transfer can outlive the
 * view whose key list signed its request, so it keeps its own copy). */
#define ST_XFR_SECRET_MAX 256

struct st_xfr_stream {
	st_xfr_zone_t *xz; /* NULL for an error answer */
	st_xfr_stats_t *stats;
	st_xfr_kind_t kind;
	size_t first_diff;

	/* The header and question of every message. */
	uint16_t id;
	uint8_t rd;    /* the query's RD bit, copied */
	uint8_t rcode; /* header byte 3 */
	bool aa;
	bool edns;
	bool question;
	uint8_t qname[ST_DNS_MAX_NAME]; /* as received */
	uint8_t qname_len;
	uint16_t qtype, qclass;

	bool has_tsig;
	st_tsig_t tsig;
	st_tsig_key_t key; /* tsig.key points here */
	uint8_t secret[ST_XFR_SECRET_MAX];

	/* The cursor. */
	int phase;
	size_t node, rrset, rec; /* full transfer */
	const uint8_t *at;	 /* record `rec` of the RRset (at its RDLENGTH) */
	size_t diff, pos;	 /* incremental transfer */
	size_t entry_len;
	size_t messages, records;
	bool finished;

	st_pack_t pack;
	uint8_t rr[XFR_RR_MAX]; /* the record being packed, in the packer's form */
};

/* Set the answer's kind and put the cursor at its first record. */
void xfr_stream_setup(st_xfr_stream_t *s, st_xfr_kind_t kind, size_t first_diff);

#endif
