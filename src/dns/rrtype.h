/* RR type mnemonics: the one place that turns a type number into its name
 * and back (the numbers themselves are the ST_TYPE_* constants of
 * dns/wire.h). */
#ifndef ST_DNS_RRTYPE_H
#define ST_DNS_RRTYPE_H

#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The mnemonic of a type ("AAAA"), or NULL for a type without one here
 * (write those as "TYPE%u", RFC 3597). */
const char *st_rrtype_name(uint16_t type);

/* Longest text st_rrtype_str writes, NUL included ("NSEC3PARAM", "TYPE65535"). */
#define ST_RRTYPE_STRLEN 16

/* The mnemonic, or "TYPE65280" (RFC 3597) for a type without one. Returns buf. */
const char *st_rrtype_str(uint16_t type, char *buf, size_t len);

/* A mnemonic in any case, or "TYPEnnn" -> the type. 0, or ST_EINVAL. */
int st_rrtype_parse(const char *s, uint16_t *out);

/* Where the domain names stand in the RDATA of a type whose names follow
 * fixed fields: `skip` bytes, then `names` names one after the other.
 * `compress` is set for the types of RFC 1035, whose names may be
 * compressed (RFC 3597 section 4). */
typedef struct st_rdata_names {
	uint8_t skip;
	uint8_t names;
	bool compress;
} st_rdata_names_t;

/* The names of a type's RDATA (RFC 4034 section 6.2's list, but NAPTR and
 * A6, whose names follow fields of variable length) -> true; false for a
 * type without names in its RDATA, or not in that list. */
bool st_rdata_names(uint16_t type, st_rdata_names_t *out);

#endif
