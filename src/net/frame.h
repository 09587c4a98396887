/* DNS messages over a byte stream (RFC 1035 4.2.2, RFC 7766 6.2): each
 * behind a two-byte length, split anywhere by the network and several to a
 * read. A connection's input buffer: inline room for ordinary queries, a
 * heap buffer only while a longer one is arriving. No sockets: the TCP
 * server and the stream fuzzer feed it alike. */
#ifndef ST_NET_FRAME_H
#define ST_NET_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_FRAME_INLINE 1024

typedef struct st_frame {
	uint8_t *buf; /* inl, or a heap buffer for a long message */
	size_t len;   /* bytes held */
	size_t cap;   /* bytes buf holds */
	size_t off;   /* start of the first message not taken yet */
	uint8_t inl[ST_FRAME_INLINE];
} st_frame_t;

void st_frame_init(st_frame_t *f);
/* Free the heap buffer, if any (f itself belongs to the caller). */
void st_frame_free(st_frame_t *f);

/* Where the next bytes go, and how many fit (at least one after
 * st_frame_compact() unless a message waits to be taken). */
static inline uint8_t *st_frame_tail(st_frame_t *f, size_t *room)
{
	*room = f->cap - f->len;
	return f->buf + f->len;
}

/* n bytes were written at the tail. */
static inline void st_frame_filled(st_frame_t *f, size_t n)
{
	f->len += n;
}

/* Bytes held that were not taken yet (a message, or part of one). */
static inline size_t st_frame_held(const st_frame_t *f)
{
	return f->len - f->off;
}

/* Take the next complete message: its bytes (without the length) stay
 * valid until st_frame_compact(). Returns false when none is complete. */
bool st_frame_next(st_frame_t *f, const uint8_t **msg, size_t *len);

/* Drop the messages taken, move what is left to the front, and make room
 * for the whole of a message that is arriving. Returns 0 or ST_ENOMEM
 * (the buffer is then as it was). */
int st_frame_compact(st_frame_t *f);

/* Bytes held that are not a complete message yet (0 between messages). */
size_t st_frame_partial(const st_frame_t *f);

#endif
