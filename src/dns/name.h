/* Domain names in wire form: bounded decoding of (compressed) names from
 * messages, lower-casing, label offsets, conversion to and from text. */
#ifndef ST_DNS_NAME_H
#define ST_DNS_NAME_H

#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Lower-case one byte the DNS way (ASCII letters only). */
static inline uint8_t st_dns_lower(uint8_t c)
{
	return (uint8_t)(c + (((unsigned)c - 'A') < 26u) * 32u);
}

/* The same for eight bytes at once (a word loaded from a name): 0x20 set
 * in every byte from 'A' to 'Z', the others unchanged. */
static inline uint64_t st_dns_lower8(uint64_t x)
{
	uint64_t low7 = x & 0x7f7f7f7f7f7f7f7fULL;
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fULL; /* bit 7 set where byte >= 'A' */
	uint64_t gt_z = low7 + 0x2525252525252525ULL; /* bit 7 set where byte > 'Z' */
	return x | ((ge_a & ~gt_z & ~x & 0x8080808080808080ULL) >> 2);
}

/* Decode the name at *pos of msg[0..len), following compression pointers
 * (each must point strictly backwards, at most 127 hops), checking every
 * bound and the 255-byte limit. Writes the uncompressed name in its original
 * case to `orig` and lower-cased to `lc` (either may be NULL; each needs
 * ST_DNS_MAX_NAME bytes). On success *pos is past the name as it sits in the
 * message, *name_len its uncompressed length, *labels its label count (root
 * excluded). Returns 0 or ST_EFORMERR (bad label type, loop, truncation, too
 * long). */
int st_name_parse(const uint8_t *msg, size_t len, size_t *pos, uint8_t *orig, uint8_t *lc,
		  uint8_t *name_len, uint8_t *labels);

/* Step over a name at *pos without decoding it (a pointer ends it). */
int st_name_skip(const uint8_t *msg, size_t len, size_t *pos);

/* Length of an uncompressed wire name held in at most max bytes, or 0 when
 * it is malformed (pointer, overlong, unterminated). */
size_t st_name_length(const uint8_t *name, size_t max);

/* Copy len bytes of a wire name lower-cased. */
void st_name_lower(uint8_t *dst, const uint8_t *src, size_t len);

/* Start offset of each label of an uncompressed name; returns the label
 * count (root excluded). offs needs ST_DNS_MAX_LABELS entries. */
unsigned st_name_labels(const uint8_t *name, uint8_t *offs);

/* Case-insensitive comparison of two uncompressed names of equal length. */
bool st_name_equal_ci(const uint8_t *a, const uint8_t *b, size_t len);

/* Is `sub` (sub_len bytes) equal to or below `apex` (apex_len bytes)? Both canonical. */
bool st_name_in(const uint8_t *sub, size_t sub_len, const uint8_t *apex, size_t apex_len);

/* "www.example.test." (escapes \. and \DDD allowed) -> wire; returns the
 * length or a negative error. Not for the query path. */
int st_name_from_str(const char *s, uint8_t *out, size_t outcap);
/* wire -> "www.example.test." in presentation form (\. \\ \" \; \( \) and \DDD
 * escapes); returns 0, or ST_ENOSPC with as much of the name as fits. */
int st_name_to_str(const uint8_t *name, char *buf, size_t buflen);

#endif
