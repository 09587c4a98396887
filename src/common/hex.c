/* Hexadecimal text to bytes: see hex.h. */
#include "common/hex.h"
#include "common/errors.h"

static unsigned digit(char c)
{
	return c >= '0' && c <= '9'   ? (unsigned)(c - '0')
	       : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
	       : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
				      : 16;
}

long st_hex_decode(const char *text, size_t len, uint8_t *out, size_t cap)
{
	if (len % 2 != 0 || len / 2 > cap)
		return ST_EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);
		if (hi > 15 || lo > 15)
			return ST_EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}
