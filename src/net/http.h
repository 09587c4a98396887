/* A tiny HTTP server for a few generated pages (the Prometheus /metrics
 * page, the status page), on libevent's evhttp. GET and HEAD only; other
 * paths get 404. */
#ifndef ST_NET_HTTP_H
#define ST_NET_HTTP_H

#include "common/errors.h"
#include "net/ev.h"

#include <stddef.h>

typedef struct st_http_server st_http_server_t;

/* Build the page: return a malloc'd body (freed by the server) and its
 * length, or NULL for a 500 answer. */
typedef char *(*st_http_page_cb_t)(void *arg, size_t *len);

/* Listen on "ADDR:PORT" ("[::1]:9153" for IPv6) and serve `path`. */
int st_http_listen(st_loop_t *loop, const char *addrport, const char *path,
		   const char *content_type, st_http_page_cb_t cb, void *arg,
		   st_http_server_t **out, st_diag_t *diag);
/* Serve one more page (a path not served yet) on the same listener. */
int st_http_add(st_http_server_t *srv, const char *path, const char *content_type,
		st_http_page_cb_t cb, void *arg);
void st_http_close(st_http_server_t *srv);

#endif
