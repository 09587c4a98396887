/* SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit pseudorandom
 * function for short inputs. DNS server cookies (RFC 9018) and the rate
 * limiter's table keys use it. */
#ifndef ST_COMMON_SIPHASH_H
#define ST_COMMON_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define ST_SIPHASH_KEY_LEN 16

/* The hash of len bytes under a 16-byte key, as the reference
 * implementation's 64-bit value (its 8 output bytes read little-endian). */
uint64_t st_siphash24(const uint8_t key[ST_SIPHASH_KEY_LEN], const void *data, size_t len);

/* The same, written as the reference implementation's 8 output bytes. */
void st_siphash24_bytes(const uint8_t key[ST_SIPHASH_KEY_LEN], const void *data, size_t len,
			uint8_t out[8]);

#endif
