/* A growable text buffer (control replies, metrics pages, JSON strings). */
#include "common/buf.h"
#include "common/errors.h"
#include "common/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void st_buf_init(st_buf_t *b)
{
	memset(b, 0, sizeof(*b));
}

void st_buf_free(st_buf_t *b)
{
	free(b->data);
	st_buf_init(b);
}

void st_buf_reset(st_buf_t *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

int st_grow(void *pp, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : first;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return ST_ENOMEM;
		n *= 2;
	}
	if (size && n > SIZE_MAX / size)
		return ST_ENOMEM;
	void *p;
	memcpy(&p, pp, sizeof(p));
	p = realloc(p, n * size);
	if (!p)
		return ST_ENOMEM;
	memcpy(pp, &p, sizeof(p));
	*cap = n;
	return 0;
}

void *st_append(void *pp, size_t n, size_t size)
{
	char *p;
	memcpy(&p, pp, sizeof(p));
	if (n + 1 > SIZE_MAX / size || !(p = realloc(p, (n + 1) * size)))
		return NULL;
	memcpy(pp, &p, sizeof(p));
	memset(p + n * size, 0, size);
	return p + n * size;
}

static bool reserve(st_buf_t *b, size_t more)
{
	if (!b->oom && st_grow(&b->data, &b->cap, b->len + more + 1, 1, 256) != 0)
		b->oom = true;
	return !b->oom;
}

void st_buf_add(st_buf_t *b, const char *s, size_t len)
{
	if (!reserve(b, len))
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void st_buf_puts(st_buf_t *b, const char *s)
{
	st_buf_add(b, s, strlen(s));
}

void st_buf_printf(st_buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void st_buf_escape(st_buf_t *b, const char *s, const char *special, const char *const *repl,
		   st_esc_ctl_t ctl)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const char *hit = strchr(special, *p);
		size_t n = st_utf8_len(p);
		if (hit)
			st_buf_puts(b, repl[hit - special]);
		else if (n == 0)
			st_buf_puts(b, REPLACEMENT);
		else if (ctl == ST_ESC_CTL_JSON && *p < 0x20)
			st_buf_printf(b, "\\u%04x", *p);
		else if (ctl == ST_ESC_CTL_FFFD &&
			 ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f))
			st_buf_puts(b, REPLACEMENT);
		else
			st_buf_add(b, (const char *)p, n);
		p += n ? n : 1;
	}
}

void st_buf_json_str(st_buf_t *b, const char *s)
{
	static const char *const escape[] = {"\\\"", "\\\\", "\\n", "\\t"};
	st_buf_add(b, "\"", 1);
	st_buf_escape(b, s, "\"\\\n\t", escape, ST_ESC_CTL_JSON);
	st_buf_add(b, "\"", 1);
}

void st_buf_html(st_buf_t *b, const char *s)
{
	static const char *const entity[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	st_buf_escape(b, s, "&<>\"'", entity, ST_ESC_CTL_FFFD);
}

char *st_buf_steal(st_buf_t *b, size_t *len)
{
	if (!b->data)
		st_buf_add(b, "", 0);
	char *d = b->data;
	if (len)
		*len = b->len;
	st_buf_init(b);
	return d;
}
