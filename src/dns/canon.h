/* Canonical form and order of names and records (RFC 4034 section 6, RFC
 * 6840 5.1), and the neighbours of a name in that order (RFC 4471), for
 * signing, NSEC records and sorted output. */
#ifndef ST_DNS_CANON_H
#define ST_DNS_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compare two uncompressed wire names in canonical order: label by label
 * from the right, each label as lower-cased octets, a label that is a
 * prefix of another sorting first; a name sorts before its descendants.
 * Returns <0, 0 or >0. */
int st_name_canon_cmp(const uint8_t *a, const uint8_t *b);

/* Compare two RDATA in canonical form (left-justified octets, the shorter
 * first when one is a prefix of the other). */
int st_rdata_canon_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Copy `len` bytes of uncompressed RDATA of `type` into out (len bytes),
 * lower-casing the domain names it embeds for the types RFC 4034 6.2 lists
 * (as corrected by RFC 6840: NSEC names keep their case). Returns 0, or
 * -1 when the RDATA is malformed for its type (out is then a plain copy). */
int st_rdata_canonical(uint16_t type, const uint8_t *rdata, size_t len, uint8_t *out);

/* The names that sort right after and right before `name` (lower case,
 * len bytes, at or below `apex` for the predecessor), written to out
 * (ST_DNS_MAX_NAME bytes); return the length written or 0 when there is
 * none (the predecessor of the apex).
 *
 * successor:    the first name after `name`: "\000.name", or when that is
 *               too long, the next sibling.
 * next_sibling: the first name after every name at or below `name`
 *               ("sub\000.example." for "sub.example.").
 * predecessor:  the last name before `name` (RFC 4471 3.1.1): often 255
 *               bytes of "\255" labels over the previous sibling. */
size_t st_name_successor(const uint8_t *name, size_t len, uint8_t *out);
size_t st_name_next_sibling(const uint8_t *name, size_t len, uint8_t *out);
size_t st_name_predecessor(const uint8_t *name, size_t len, const uint8_t *apex, size_t apex_len,
			   uint8_t *out);

#endif
