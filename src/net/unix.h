/* A line server on a UNIX stream socket (the control socket): each request
 * line is handed to a callback whose reply is written back; several requests
 * may be pipelined on one connection. The socket is created with mode 0600. */
#ifndef ST_NET_UNIX_H
#define ST_NET_UNIX_H

#include "common/errors.h"
#include "net/ev.h"

#include <stddef.h>

typedef struct st_unix_server st_unix_server_t;

/* Handle one request line (without its newline); return a malloc'd reply
 * (freed by the server) and its length, or NULL to close the connection,
 * or ST_UNIX_LATER after st_unix_defer() to reply later. */
typedef char *(*st_unix_line_cb_t)(void *arg, char *line, size_t *reply_len);

/* A reply that comes later: the connection reads no further request until
 * it is given (a client that half-closed still gets it). */
typedef struct st_unix_later st_unix_later_t;
extern char st_unix_later_mark;
#define ST_UNIX_LATER (&st_unix_later_mark)

/* Listen on path. A stale socket file (nobody answers) is removed; a live
 * one (another server answers) is an error, as is a path that exists and
 * is not a socket. Lines longer than max_line get reply `too_long` and the
 * connection is closed. */
int st_unix_listen(st_loop_t *loop, const char *path, size_t max_line, const char *too_long,
		   st_unix_line_cb_t cb, void *arg, st_unix_server_t **out, st_diag_t *diag);
/* Close the listener and every connection, remove the socket file. */
void st_unix_close(st_unix_server_t *srv);

/* From inside the line callback: the token for its reply (the callback
 * then returns ST_UNIX_LATER). NULL when out of memory. */
st_unix_later_t *st_unix_defer(st_unix_server_t *srv);
/* Give a deferred reply (malloc'd, taken) and free the token; the reply is
 * dropped when the client has gone. */
void st_unix_reply(st_unix_later_t *l, char *reply, size_t len);

/* Client side: a blocking connected socket to path, or a negative errno. */
int st_unix_connect(const char *path);

#endif
