/* TCP: one thread with its own event loop accepts on every listen address,
 * reassembles length-prefixed queries and answers them in order (RFC 7766). */
#ifndef ST_NET_TCP_H
#define ST_NET_TCP_H

#include "answer/view.h"
#include "common/errors.h"
#include "common/sockaddr.h"

#include <stddef.h>
#include <stdint.h>

struct st_answer_ctx;

typedef struct st_tcp st_tcp_t;

typedef struct st_tcp_limits {
	uint64_t idle_timeout_ms; /* close a connection idle this long (0: 10 s) */
	uint64_t message_timeout_ms; /* a message must arrive whole within this
				      * once its first byte came (0: 2 s) */
	uint32_t max_clients;	  /* open connections; the least recently active
				   * one is closed to make room (0: 1024) */
	uint64_t coalesce_us;	  /* wait this long between wake-ups in a steady
				   * stream of queries (0: never wait) */
} st_tcp_limits_t;

/* Answers longer than one message (zone transfers). `start` sees every
 * query first and may claim it (returns 1 and sets *stream; 0 leaves it to
 * st_answer). The connection then sends what `next` writes, one message
 * at a time as the socket takes them, and reads its next query only after
 * the last message. `start` runs with the view held; `next` and `release`
 * may run after that view is gone. */
typedef struct st_tcp_streamer {
	int (*start)(void *arg, const st_view_t *view, const uint8_t *query, size_t len,
		     const st_sockaddr_t *peer, void **stream);
	/* The next message into buf[0..cap): 1 when more follow, 0 for the
	 * last, a negative error to close the connection. */
	int (*next)(void *stream, uint8_t *buf, size_t cap, size_t *len);
	void (*release)(void *stream);
	void *arg;
} st_tcp_streamer_t;

/* Open the listening sockets. `viewp` points at the RCU-protected current view. */
int st_tcp_new(const st_sockaddr_t *listen, size_t n_listen, const st_tcp_limits_t *limits,
	       st_view_t *const *viewp, st_tcp_t **out, st_diag_t *diag);
/* Set before st_tcp_start (the streamer is copied). */
void st_tcp_set_streamer(st_tcp_t *tcp, const st_tcp_streamer_t *streamer);
int st_tcp_start(st_tcp_t *tcp, st_diag_t *diag);
/* Change limits->coalesce_us while the thread runs (a reload). */
void st_tcp_set_coalesce(st_tcp_t *tcp, uint64_t coalesce_us);
/* Change limits->idle_timeout_ms (0: 10 s) and limits->message_timeout_ms
 * (0: 2 s) while the thread runs; each connection takes the new idle
 * timeout at its next read or write, the message timeout at its next
 * message. */
void st_tcp_set_timeouts(st_tcp_t *tcp, uint64_t idle_timeout_ms, uint64_t message_timeout_ms);
/* Change limits->max_clients while the thread runs (0: 1024). Above a
 * lowered limit, each new connection closes the least active one. */
void st_tcp_set_max_clients(st_tcp_t *tcp, uint32_t max_clients);
/* Stop the thread and close every connection (bounded). */
void st_tcp_stop(st_tcp_t *tcp);
void st_tcp_free(st_tcp_t *tcp);

struct st_answer_ctx *st_tcp_ctx(st_tcp_t *tcp);
/* Open connections right now (approximate when read from another thread). */
uint32_t st_tcp_clients(const st_tcp_t *tcp);

#endif
