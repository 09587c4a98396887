/* Base64, RFC 4648 section 4. */
#include "common/base64.h"
#include "common/errors.h"

#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t st_base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

size_t st_base64_encode(const void *data, size_t len, char *out)
{
	const uint8_t *p = data;
	char *o = out;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (size_t)(o - out);
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long st_base64_decode(const char *text, size_t len, void *out)
{
	uint8_t *o = out;
	uint32_t acc = 0;
	int n = 0, pad = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			/* only in the last two places of a group */
			if (n < 2)
				return ST_EINVAL;
			pad++;
			n++;
			acc <<= 6;
		} else {
			int v = value_of(c);
			if (v < 0 || pad)
				return ST_EINVAL;
			acc = acc << 6 | (uint32_t)v;
			n++;
		}
		if (n == 4) {
			*o++ = (uint8_t)(acc >> 16);
			if (pad < 2)
				*o++ = (uint8_t)(acc >> 8);
			if (pad < 1)
				*o++ = (uint8_t)acc;
			if (pad)
				/* nothing may follow a padded group */
				for (size_t j = i + 1; j < len; j++)
					if (text[j] != ' ' && text[j] != '\t' && text[j] != '\r' &&
					    text[j] != '\n')
						return ST_EINVAL;
			acc = 0;
			n = 0;
		}
	}
	if (n != 0)
		return ST_EINVAL;
	return (long)(o - (uint8_t *)out);
}
