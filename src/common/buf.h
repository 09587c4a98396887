/* A growable text buffer (control replies, metrics pages, JSON), and the
 * growth of any array. */
#ifndef ST_COMMON_BUF_H
#define ST_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct st_buf {
	char *data; /* NUL-terminated when non-NULL */
	size_t len, cap;
	bool oom; /* an append failed: the text is cut short */
} st_buf_t;

void st_buf_init(st_buf_t *b);
void st_buf_free(st_buf_t *b);
void st_buf_reset(st_buf_t *b);
void st_buf_add(st_buf_t *b, const char *s, size_t len);
void st_buf_puts(st_buf_t *b, const char *s);
void st_buf_printf(st_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What st_buf_escape does with a control character (below 0x20) that is
 * not in its `special` list. */
typedef enum {
	ST_ESC_CTL_KEEP, /* as it is */
	ST_ESC_CTL_JSON, /* as \u00XX */
	ST_ESC_CTL_FFFD, /* as U+FFFD, and DEL too; tab and newline as they are */
} st_esc_ctl_t;
/* s with each character of `special` written as the string at the same
 * index of repl, control characters as ctl says, and each byte that does
 * not belong to well-formed UTF-8 as U+FFFD: JSON, HTML and the Prometheus
 * text format all require UTF-8, and names and messages from the network
 * or from a truncation need not be. */
void st_buf_escape(st_buf_t *b, const char *s, const char *special, const char *const *repl,
		   st_esc_ctl_t ctl);
/* A JSON string literal with quotes and escapes. */
void st_buf_json_str(st_buf_t *b, const char *s);
/* Text for an HTML element or a quoted attribute value: &, <, >, " and '
 * as character references, control characters other than tab and newline
 * as U+FFFD (they may not appear in HTML). */
void st_buf_html(st_buf_t *b, const char *s);
/* Hand the text over to the caller (free() it); the buffer is empty after. */
char *st_buf_steal(st_buf_t *b, size_t *len);

/* Room for `need` elements of `size` bytes in the array *pp of *cap
 * elements (pp points to the array's pointer): the capacity doubles, from
 * `first` when it is 0, until they fit. 0, or ST_ENOMEM with the array as
 * it was. */
int st_grow(void *pp, size_t *cap, size_t need, size_t size, size_t first);
/* One more element of `size` bytes after the n of the array *pp (pp
 * points to the array's pointer): the new element, zeroed, or NULL with
 * the array as it was. The caller counts it. */
void *st_append(void *pp, size_t n, size_t size);

#endif
