/* Stream framing (see frame.h). */
#include "net/frame.h"
#include "common/errors.h"

#include <stdlib.h>
#include <string.h>

void st_frame_init(st_frame_t *f)
{
	f->buf = f->inl;
	f->len = 0;
	f->off = 0;
	f->cap = sizeof(f->inl);
}

void st_frame_free(st_frame_t *f)
{
	if (f->buf != f->inl)
		free(f->buf);
	st_frame_init(f);
}

bool st_frame_next(st_frame_t *f, const uint8_t **msg, size_t *len)
{
	if (f->len - f->off < 2)
		return false;
	size_t n = (size_t)f->buf[f->off] << 8 | f->buf[f->off + 1];
	if (f->len - f->off - 2 < n)
		return false;
	*msg = f->buf + f->off + 2;
	*len = n;
	f->off += 2 + n;
	return true;
}

size_t st_frame_partial(const st_frame_t *f)
{
	size_t left = f->len - f->off;
	if (left < 2)
		return left;
	size_t n = (size_t)f->buf[f->off] << 8 | f->buf[f->off + 1];
	return left - 2 < n ? left : 0;
}

int st_frame_compact(st_frame_t *f)
{
	size_t left = f->len - f->off;
	size_t need = left >= 2 ? 2 + ((size_t)f->buf[f->off] << 8 | f->buf[f->off + 1]) : 0;
	if (need > f->cap) {
		/* A message longer than the buffer: room for all of it. */
		uint8_t *p = malloc(need);
		if (!p)
			return ST_ENOMEM;
		memcpy(p, f->buf + f->off, left);
		if (f->buf != f->inl)
			free(f->buf);
		f->buf = p;
		f->cap = need;
	} else if (f->buf != f->inl && left <= sizeof(f->inl) && need <= sizeof(f->inl)) {
		/* Back to the inline buffer once the long message is done. */
		memcpy(f->inl, f->buf + f->off, left);
		free(f->buf);
		f->buf = f->inl;
		f->cap = sizeof(f->inl);
	} else if (f->off > 0) {
		memmove(f->buf, f->buf + f->off, left);
	}
	f->len = left;
	f->off = 0;
	return 0;
}
