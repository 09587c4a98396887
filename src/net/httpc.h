/* An HTTP/1.1 client for small JSON APIs, on libevent's evhttp: POST
 * requests to one origin (http:// or https://, with a client certificate
 * if the TLS settings have one), sent one at a time over one kept-alive
 * connection that is replaced after any failure, with a deadline and an
 * inactivity limit per request, and bodies either collected or streamed
 * (long-lived chunked responses). */
#ifndef ST_NET_HTTPC_H
#define ST_NET_HTTPC_H

#include "common/errors.h"
#include "net/ev.h"
#include "net/stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct st_httpc st_httpc_t;
typedef struct st_httpc_req st_httpc_req_t;

/* Streamed body bytes, as they arrive (any split). It may call
 * st_httpc_cancel(r), nothing else of this client. */
typedef void (*st_httpc_data_cb_t)(st_httpc_req_t *r, const char *data, size_t len, void *arg);
/* The end of a request, called from the loop (never from inside
 * st_httpc_post), so it may free the client or queue more requests.
 * rc 0: status is the HTTP status and body the collected body (NUL-
 * terminated; empty when streamed). rc < 0: ST_ETIMEDOUT or ST_EIO, and
 * error says why ("connection refused", "timed out after 2s"). */
typedef void (*st_httpc_done_cb_t)(st_httpc_req_t *r, int rc, int status, const char *body,
				   size_t len, const char *error, void *arg);

/* A client for url, "http://HOST:PORT" or "https://HOST:PORT" (IPv6
 * literals in brackets, no path). https needs tls (kept by the caller for
 * the client's life). */
int st_httpc_new(st_loop_t *loop, const char *url, st_tls_client_t *tls, st_httpc_t **out,
		 st_diag_t *diag);
/* Close the connection and drop queued requests without callbacks; not
 * from a data callback. Accepts NULL. */
void st_httpc_free(st_httpc_t *c);

typedef struct st_httpc_post {
	const char *path;
	const char *body; /* JSON */
	size_t len;
	/* Extra header lines, "Name: value", NULL-terminated list or NULL. */
	const char *const *headers;
	uint32_t deadline_ms;	    /* whole request; 0 = none (streams) */
	uint32_t idle_ms;	    /* no progress this long fails it (default 10 s) */
	st_httpc_data_cb_t on_data; /* NULL: collect the body for on_done */
	st_httpc_done_cb_t on_done;
	void *arg;
} st_httpc_post_t;

/* Queue a POST; it starts when the requests before it are done. *out (may
 * be NULL) stays valid until on_done runs or the request is cancelled. */
int st_httpc_post(st_httpc_t *c, const st_httpc_post_t *p, st_httpc_req_t **out);
/* Drop a request without a callback (from anywhere, on_data included). */
void st_httpc_cancel(st_httpc_req_t *r);
/* Requests queued or running. */
size_t st_httpc_pending(const st_httpc_t *c);
const char *st_httpc_url(const st_httpc_t *c);

#endif
