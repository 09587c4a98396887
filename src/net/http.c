/* The metrics HTTP server on libevent's evhttp. */
#include "net/http.h"
#include "common/sockaddr.h"
#include "net/ev_internal.h"

#include <event2/buffer.h>
#include <event2/http.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct page {
	char *path;
	char *content_type;
	st_http_page_cb_t cb;
	void *arg;
} page_t;

#define PAGES_MAX 8

struct st_http_server {
	struct evhttp *http;
	st_accept_guard_t *guard;
	page_t pages[PAGES_MAX];
	size_t n_pages;
};

static void free_body(const void *data, size_t len, void *extra)
{
	free((void *)data);
}

static void on_page(struct evhttp_request *req, void *arg)
{
	const page_t *pg = arg;
	size_t len = 0;
	char *body = pg->cb(pg->arg, &len);
	if (!body) {
		evhttp_send_error(req, HTTP_INTERNAL, "cannot build the page");
		return;
	}
	struct evbuffer *buf = evbuffer_new();
	if (!buf) {
		free(body);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evbuffer_add_reference(buf, body, len, free_body, NULL);
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	evhttp_add_header(hdr, "Content-Type", pg->content_type);
	evhttp_add_header(hdr, "Cache-Control", "no-store");
	evhttp_send_reply(req, HTTP_OK, "OK", buf);
	evbuffer_free(buf);
}

static void on_other(struct evhttp_request *req, void *arg)
{
	st_http_server_t *srv = arg;
	struct evbuffer *buf = evbuffer_new();
	if (!buf) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	evbuffer_add_printf(buf, "steerdns: no such page; there are");
	for (size_t i = 0; i < srv->n_pages; i++)
		evbuffer_add_printf(buf, " %s", srv->pages[i].path);
	evbuffer_add_printf(buf, "\n");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
			  "text/plain; charset=utf-8");
	evhttp_send_reply(req, HTTP_NOTFOUND, "Not Found", buf);
	evbuffer_free(buf);
}

int st_http_listen(st_loop_t *loop, const char *addrport, const char *path,
		   const char *content_type, st_http_page_cb_t cb, void *arg,
		   st_http_server_t **out, st_diag_t *diag)
{
	st_sockaddr_t sa;
	if (st_sockaddr_parse(addrport, 0, &sa) < 0 || st_sockaddr_port(&sa) == 0)
		return st_diag_set(diag, ST_EINVAL,
				   "metrics address '%s': expected ADDR:PORT (e.g. 127.0.0.1:9153)",
				   addrport);
	st_http_server_t *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return ST_ENOMEM;
	srv->http = evhttp_new(st_loop_base(loop));
	int rc = ST_ENOMEM;
	if (!srv->http)
		goto fail;
	int fd = socket(sa.u.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = st_diag_set(diag, -errno, "metrics %s: socket: %s", addrport, strerror(errno));
		goto fail;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (sa.u.sa.sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, &sa.u.sa, sa.len) != 0 || listen(fd, 64) != 0) {
		int e = errno;
		close(fd);
		rc = st_diag_set(diag, -e, "metrics %s: %s", addrport, strerror(e));
		goto fail;
	}
	struct evhttp_bound_socket *bound = evhttp_accept_socket_with_handle(srv->http, fd);
	if (!bound) {
		close(fd);
		rc = st_diag_set(diag, ST_EIO, "metrics %s: cannot accept connections", addrport);
		goto fail;
	}
	char what[128];
	snprintf(what, sizeof(what), "metrics %s", addrport);
	srv->guard = st_accept_guard_new(st_loop_base(loop), what);
	if (!srv->guard ||
	    st_accept_guard_watch(srv->guard, evhttp_bound_socket_get_listener(bound)) != 0)
		goto fail;
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_timeout(srv->http, 10);
	evhttp_set_max_headers_size(srv->http, 16384);
	evhttp_set_gencb(srv->http, on_other, srv);
	rc = st_http_add(srv, path, content_type, cb, arg);
	if (rc < 0)
		goto fail;
	*out = srv;
	return 0;
fail:
	st_http_close(srv);
	return rc;
}

int st_http_add(st_http_server_t *srv, const char *path, const char *content_type,
		st_http_page_cb_t cb, void *arg)
{
	if (srv->n_pages == PAGES_MAX)
		return ST_ENOSPC;
	page_t *pg = &srv->pages[srv->n_pages];
	pg->path = strdup(path);
	pg->content_type = strdup(content_type);
	pg->cb = cb;
	pg->arg = arg;
	int rc = ST_ENOMEM;
	if (pg->path && pg->content_type) {
		rc = evhttp_set_cb(srv->http, path, on_page, pg) == 0 ? 0 : ST_EEXIST;
		if (rc == 0) {
			srv->n_pages++;
			return 0;
		}
	}
	free(pg->path);
	free(pg->content_type);
	memset(pg, 0, sizeof(*pg));
	return rc;
}

void st_http_close(st_http_server_t *srv)
{
	if (!srv)
		return;
	if (srv->http)
		evhttp_free(srv->http); /* closes the bound socket and open connections */
	st_accept_guard_free(srv->guard);
	for (size_t i = 0; i < srv->n_pages; i++) {
		free(srv->pages[i].path);
		free(srv->pages[i].content_type);
	}
	free(srv);
}
