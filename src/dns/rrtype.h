/* RR type mnemonics: the one place that turns a type number into its name
 * and back (the numbers themselves are the ST_TYPE_* constants of
 * dns/wire.h). */
#ifndef ST_DNS_RRTYPE_H
#define ST_DNS_RRTYPE_H

#include "dns/wire.h"

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

#endif
