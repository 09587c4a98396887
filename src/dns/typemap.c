/* NSEC type bit maps. */
#include "dns/typemap.h"

#include <string.h>

size_t st_typemap_write(const uint16_t *types, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0;
	uint64_t present[4] = {0, 0, 0, 0};
	for (size_t i = 0; i < n; i++)
		present[types[i] >> 14] |= 1ULL << (types[i] >> 8 & 63);
	/* Windows in ascending order; each pass collects one window's bits. */
	for (unsigned win = 0; win < 256; win++) {
		if (!(present[win >> 6] & 1ULL << (win & 63)))
			continue;
		uint8_t bits[32];
		unsigned used = 0;
		memset(bits, 0, sizeof(bits));
		for (size_t i = 0; i < n; i++) {
			if (types[i] >> 8 != win)
				continue;
			unsigned low = types[i] & 0xff;
			bits[low / 8] |= (uint8_t)(0x80 >> (low % 8));
			if (low / 8 + 1 > used)
				used = low / 8 + 1;
		}
		if (!used)
			continue;
		if (o + 2 + used > cap)
			return 0;
		out[o] = (uint8_t)win;
		out[o + 1] = (uint8_t)used;
		memcpy(out + o + 2, bits, used);
		o += 2 + used;
	}
	return o;
}

bool st_typemap_valid(const uint8_t *map, size_t len)
{
	size_t o = 0;
	int last = -1;
	while (o < len) {
		if (len - o < 2)
			return false;
		unsigned win = map[o], blen = map[o + 1];
		if ((int)win <= last || blen < 1 || blen > 32 || len - o - 2 < blen ||
		    map[o + 1 + blen] == 0)
			return false;
		last = (int)win;
		o += 2 + blen;
	}
	return true;
}

bool st_typemap_has(const uint8_t *map, size_t len, uint16_t type)
{
	if (!st_typemap_valid(map, len))
		return false;
	for (size_t o = 0; o < len; o += 2u + map[o + 1]) {
		if (map[o] != type >> 8)
			continue;
		unsigned low = type & 0xff;
		return low / 8 < map[o + 1] && (map[o + 2 + low / 8] & (0x80 >> (low % 8)));
	}
	return false;
}
