/* Whole decimal numbers in text that people and files write: ports,
 * prefix lengths, counts, TTLs, timestamps. */
#ifndef ST_COMMON_NUMBER_H
#define ST_COMMON_NUMBER_H

#include <stdint.h>

/* s is one or more ASCII digits and nothing else (no sign, no space, no
 * "0x"), at most max: 0 and *out set. ST_EINVAL when s is not a number,
 * ST_ERANGE when it is one above max; *out is untouched then. */
int st_parse_u64(const char *s, uint64_t max, uint64_t *out);

#endif
