/* Small hash helpers for hot-path tables (names, endpoint lookups). */
#ifndef ST_COMMON_HASH_H
#define ST_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit FNV-1a with a final avalanche; fast on short keys such as DNS names. */
static inline uint64_t st_hash(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/* splitmix64 step: seeds and advances per-thread random generators. */
static inline uint64_t st_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform integer in [0, n) from a splitmix64 state (n > 0). */
static inline uint32_t st_rand_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((st_splitmix64(state) >> 32) * (uint64_t)n) >> 32);
}

#endif
