/* NSEC type bit maps (RFC 4034 4.1.2): window blocks of up to 32 octets,
 * one bit per type present. */
#ifndef ST_DNS_TYPEMAP_H
#define ST_DNS_TYPEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest type bit map: 256 windows of 2 + 32 octets. */
#define ST_TYPEMAP_MAX (256 * 34)

/* Write the bit map of `n` types (any order, repeats allowed) to out (cap
 * bytes). Returns its length, or 0 when it does not fit. */
size_t st_typemap_write(const uint16_t *types, size_t n, uint8_t *out, size_t cap);

/* Whether a well-formed bit map has `type`; false for a malformed one. */
bool st_typemap_has(const uint8_t *map, size_t len, uint16_t type);

/* Whether `len` bytes are a well-formed bit map (windows ascending, block
 * lengths 1..32, no trailing zero octet in a block). */
bool st_typemap_valid(const uint8_t *map, size_t len);

#endif
