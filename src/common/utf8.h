/* Well-formed UTF-8 (RFC 3629): text that goes into JSON (etcd values,
 * control replies), HTML and the Prometheus format must be, and text cut
 * to a fixed size or read from the network need not be. */
#ifndef ST_COMMON_UTF8_H
#define ST_COMMON_UTF8_H

#include <stddef.h>

/* The length of the UTF-8 sequence that starts at p: 1 to 4 bytes, or 0
 * at the NUL and where no well-formed sequence starts (a stray
 * continuation byte, an overlong form, a surrogate, past U+10FFFF, a
 * sequence cut short). */
size_t st_utf8_len(const unsigned char *p);

/* Copy the string src into dst (size > 0 bytes, always NUL-terminated) as
 * well-formed UTF-8: a byte that starts no well-formed sequence becomes
 * '?', and the copy stops before a sequence that does not fit whole.
 * Returns the length written. */
size_t st_utf8_copy(char *dst, size_t size, const char *src);

#endif
