/* The message packer: many records into one message with a full name
 * compression table (owners, and names inside the RDATA of the RFC 1035
 * types that may be compressed), for zone transfers and NOTIFY. The query
 * path keeps its own lighter writer (dns/response.h). */
#ifndef ST_DNS_PACK_H
#define ST_DNS_PACK_H

#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_PACK_SLOTS 2048

typedef struct st_pack {
	uint8_t *buf;
	size_t cap; /* what the records may fill (the caller keeps room for TSIG) */
	size_t len;
	uint16_t qdcount, ancount, nscount, arcount;
	uint16_t n_used;
	/* Open addressing: hash of a name suffix -> its offset (< 0x4000). */
	struct {
		uint32_t hash;
		uint16_t off; /* 0: empty (no name starts at offset 0) */
	} slots[ST_PACK_SLOTS];
} st_pack_t;

/* Start a message in buf[0..cap): ID, flags (header bytes 2 and 3), and
 * the question when qname is not NULL (qname written as given, any case).
 * Returns 0 or ST_ETRUNC. */
int st_pack_begin(st_pack_t *p, uint8_t *buf, size_t cap, uint16_t id, uint8_t flags1,
		  uint8_t flags2, const uint8_t *qname, size_t qname_len, uint16_t qtype,
		  uint16_t qclass);

/* Add one record to the answer section: owner (uncompressed wire name),
 * then `rr` = TYPE CLASS TTL RDLENGTH RDATA with names in RDATA
 * uncompressed (the zone's wire form). Names are compressed where RFC 3597
 * allows it. ST_ETRUNC when it does not fit: the message is as before. */
int st_pack_rr(st_pack_t *p, const uint8_t *owner, size_t owner_len, const uint8_t *rr,
	       size_t rr_len);

/* Write the counts; returns the message length. */
size_t st_pack_finish(st_pack_t *p);

/* Bytes of a record in zone wire form starting at rr (TYPE .. RDATA), or 0
 * when fewer than `max` bytes cannot hold it. */
size_t st_rr_size(const uint8_t *rr, size_t max);

#endif
