/* Well-formed UTF-8: see utf8.h. */
#include "common/utf8.h"

#include <string.h>

size_t st_utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	if (c < 0x80)
		return c ? 1 : 0;
	size_t n;
	unsigned min, cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0; /* a continuation byte, an overlong lead (C0, C1) or F5..FF */
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

size_t st_utf8_copy(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0;
	while (*p) {
		size_t n = st_utf8_len(p);
		if (o + (n ? n : 1) > size - 1)
			break;
		if (n)
			memcpy(dst + o, p, n);
		else
			dst[o] = '?';
		o += n ? n : 1;
		p += n ? n : 1;
	}
	dst[o] = '\0';
	return o;
}
