/* Domain names in wire form: decoding with every bound checked, helpers. */
#include "dns/name.h"
#include "common/errors.h"

#include <stdio.h>

int st_name_parse(const uint8_t *msg, size_t len, size_t *pos, uint8_t *orig, uint8_t *lc,
		  uint8_t *name_len, uint8_t *labels)
{
	size_t p = *pos;
	size_t end = 0; /* position after the name in place, set at the first pointer */
	size_t out = 0;
	size_t seg = p; /* start of the run of labels being walked (copied in one go) */
	unsigned nlab = 0, hops = 0;
	size_t lowest = p; /* pointers must go strictly below every label seen */
	uint8_t *dst = orig ? orig : lc;

	for (;;) {
		if (p >= len)
			return ST_EFORMERR;
		uint8_t c = msg[p];
		if (c == 0) {
			if (out + 1 > ST_DNS_MAX_NAME)
				return ST_EFORMERR;
			out++;
			if (dst)
				memcpy(dst + out - (p + 1 - seg), msg + seg, p + 1 - seg);
			if (!end)
				end = p + 1;
			break;
		}
		if ((c & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return ST_EFORMERR;
			size_t target = (size_t)(c & 0x3f) << 8 | msg[p + 1];
			if (!end)
				end = p + 2;
			if (target >= lowest || ++hops > ST_DNS_MAX_LABELS)
				return ST_EFORMERR;
			if (dst)
				memcpy(dst + out - (p - seg), msg + seg, p - seg);
			lowest = target;
			p = seg = target;
			continue;
		}
		if (c & 0xc0) /* 01 and 10: extended and reserved label types */
			return ST_EFORMERR;
		if (p + 1 + c > len || out + 1 + c + 1 > ST_DNS_MAX_NAME)
			return ST_EFORMERR;
		out += (size_t)c + 1;
		p += (size_t)c + 1;
		nlab++;
	}
	/* Length bytes (< 64) are never letters: lower-case the whole name at once. */
	if (lc)
		st_name_lower(lc, dst, out);
	*pos = end;
	if (name_len)
		*name_len = (uint8_t)out;
	if (labels)
		*labels = (uint8_t)nlab;
	return 0;
}

int st_name_skip(const uint8_t *msg, size_t len, size_t *pos)
{
	size_t p = *pos, total = 0;
	for (;;) {
		if (p >= len)
			return ST_EFORMERR;
		uint8_t c = msg[p];
		if (c == 0) {
			*pos = p + 1;
			return 0;
		}
		if ((c & 0xc0) == 0xc0) {
			if (p + 2 > len)
				return ST_EFORMERR;
			*pos = p + 2;
			return 0;
		}
		if (c & 0xc0)
			return ST_EFORMERR;
		total += (size_t)c + 1;
		if (total > ST_DNS_MAX_NAME - 1)
			return ST_EFORMERR;
		p += (size_t)c + 1;
	}
}

size_t st_name_length(const uint8_t *name, size_t max)
{
	size_t p = 0;
	if (max > ST_DNS_MAX_NAME)
		max = ST_DNS_MAX_NAME;
	while (p < max) {
		uint8_t c = name[p];
		if (c == 0)
			return p + 1;
		if (c & 0xc0)
			return 0;
		p += (size_t)c + 1;
	}
	return 0;
}

/* Eight bytes at i lower-cased. */
static inline void lower8(uint8_t *dst, const uint8_t *src, size_t i)
{
	uint64_t x;
	memcpy(&x, src + i, 8);
	x = st_dns_lower8(x);
	memcpy(dst + i, &x, 8);
}

void st_name_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8)
		lower8(dst, src, i);
	if (i == len)
		return;
	/* The rest in the last eight bytes (lower-casing twice changes
	 * nothing: dst and src are the same buffer or apart). */
	if (len >= 8) {
		lower8(dst, src, len - 8);
		return;
	}
	for (; i < len; i++)
		dst[i] = st_dns_lower(src[i]);
}

unsigned st_name_labels(const uint8_t *name, uint8_t *offs)
{
	unsigned n = 0, p = 0;
	while (name[p] != 0 && n < ST_DNS_MAX_LABELS) {
		offs[n++] = (uint8_t)p;
		p += name[p] + 1u;
	}
	return n;
}

bool st_name_equal_ci(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (st_dns_lower(a[i]) != st_dns_lower(b[i]))
			return false;
	return true;
}

bool st_name_in(const uint8_t *sub, size_t sub_len, const uint8_t *apex, size_t apex_len)
{
	if (sub_len < apex_len)
		return false;
	size_t p = 0, skip = sub_len - apex_len;
	/* The suffix must start on a label boundary. */
	while (p < skip) {
		if (sub[p] == 0)
			return false;
		p += sub[p] + 1u;
	}
	return p == skip && memcmp(sub + skip, apex, apex_len) == 0;
}

int st_name_from_str(const char *s, uint8_t *out, size_t outcap)
{
	size_t o = 0;
	if (outcap > ST_DNS_MAX_NAME)
		outcap = ST_DNS_MAX_NAME;
	if (s[0] == '.' && s[1] == 0) {
		if (outcap < 1)
			return ST_ENOSPC;
		out[0] = 0;
		return 1;
	}
	while (*s) {
		size_t lpos = o++;
		unsigned llen = 0;
		if (lpos >= outcap)
			return ST_ENOSPC;
		while (*s && *s != '.') {
			unsigned c = (unsigned char)*s++;
			if (c == '\\') {
				if (s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
				    s[2] >= '0' && s[2] <= '9') {
					c = (unsigned)(s[0] - '0') * 100 +
					    (unsigned)(s[1] - '0') * 10 + (unsigned)(s[2] - '0');
					if (c > 255)
						return ST_EINVAL;
					s += 3;
				} else if (*s) {
					c = (unsigned char)*s++;
				} else {
					return ST_EINVAL;
				}
			}
			if (++llen > 63 || o >= outcap)
				return ST_EINVAL;
			out[o++] = (uint8_t)c;
		}
		if (llen == 0)
			return ST_EINVAL;
		out[lpos] = (uint8_t)llen;
		if (*s == '.')
			s++;
	}
	if (o >= outcap)
		return ST_ENOSPC;
	out[o++] = 0;
	return (int)o;
}

int st_name_to_str(const uint8_t *name, char *buf, size_t buflen)
{
	size_t o = 0, p = 0;
	if (buflen == 0)
		return ST_ENOSPC;
	if (name[0] == 0) {
		if (buflen < 2) {
			buf[0] = '\0';
			return ST_ENOSPC;
		}
		buf[0] = '.';
		buf[1] = '\0';
		return 0;
	}
	while (p < ST_DNS_MAX_NAME && name[p] != 0) {
		unsigned l = name[p++];
		for (unsigned i = 0; i < l; i++) {
			uint8_t c = name[p++];
			char esc[5];
			size_t n;
			if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')')
				n = (size_t)snprintf(esc, sizeof(esc), "\\%c", c);
			else if (c <= ' ' || c >= 127)
				n = (size_t)snprintf(esc, sizeof(esc), "\\%03u", c);
			else {
				esc[0] = (char)c;
				n = 1;
			}
			if (o + n >= buflen) {
				buf[o] = '\0';
				return ST_ENOSPC;
			}
			memcpy(buf + o, esc, n);
			o += n;
		}
		if (o + 1 >= buflen) {
			buf[o] = '\0';
			return ST_ENOSPC;
		}
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return 0;
}
