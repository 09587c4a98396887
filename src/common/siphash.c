/* SipHash-2-4 from its specification: four 64-bit state words, two rounds
 * per 8-byte message word, four finalisation rounds; words are read
 * little-endian whatever the host's byte order. */
#include "common/siphash.h"

#include <endian.h>
#include <string.h>

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

/* One unaligned load (a byte swap on big-endian hosts): the compiler does
 * not always fold a loop of byte shifts into it. */
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

typedef struct sip {
	uint64_t v0, v1, v2, v3;
} sip_t;

static inline void round_(sip_t *s)
{
	s->v0 += s->v1;
	s->v1 = rotl(s->v1, 13) ^ s->v0;
	s->v0 = rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = rotl(s->v3, 16) ^ s->v2;
	s->v0 += s->v3;
	s->v3 = rotl(s->v3, 21) ^ s->v0;
	s->v2 += s->v1;
	s->v1 = rotl(s->v1, 17) ^ s->v2;
	s->v2 = rotl(s->v2, 32);
}

static inline void compress(sip_t *s, uint64_t m)
{
	s->v3 ^= m;
	round_(s);
	round_(s);
	s->v0 ^= m;
}

uint64_t st_siphash24(const uint8_t key[ST_SIPHASH_KEY_LEN], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	/* "somepseudorandomlygeneratedbytes" */
	sip_t s = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
		   k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
	size_t whole = len & ~(size_t)7;
	for (size_t i = 0; i < whole; i += 8)
		compress(&s, load_le64(p + i));
	/* The last word: the remaining bytes, the length's low byte on top. */
	uint8_t tail[8] = {0};
	memcpy(tail, p + whole, len & 7);
	tail[7] = (uint8_t)len;
	compress(&s, load_le64(tail));
	s.v2 ^= 0xff;
	for (unsigned i = 0; i < 4; i++)
		round_(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void st_siphash24_bytes(const uint8_t key[ST_SIPHASH_KEY_LEN], const void *data, size_t len,
			uint8_t out[8])
{
	uint64_t h = htole64(st_siphash24(key, data, len));
	memcpy(out, &h, sizeof(h));
}
