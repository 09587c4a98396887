/* HTTP client requests on evhttp. evhttp reconnects a failed connection on
 * the same bufferevent, which a TLS bufferevent does not survive, and it
 * may free a connection from inside its own callbacks; so a connection that
 * failed or closed is never used again but freed from our own timer, and
 * every completion reaches the caller from that timer too. */
#include "net/httpc.h"
#include "common/strv.h"
#include "common/time.h"
#include "net/ev_internal.h"
#include "net/tls_internal.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_IDLE_MS 10000

struct st_httpc_req {
	st_httpc_t *c;
	st_httpc_req_t *next;
	st_httpc_post_t p;
	char *path, *body;
	char **headers;
	size_t n_headers;
	struct evhttp_request *ev; /* while running */
	st_ev_t *timer;		   /* deadline, then the deferred completion */
	bool running, finished, cancel_in_data;
	int ev_error; /* enum evhttp_request_error + 1, 0 = none */
	int sys_errno;
	int rc, status;
	char *resp; /* collected body */
	size_t resp_len;
	char error[160];
};

struct st_httpc {
	st_loop_t *loop;
	struct evdns_base *dns; /* only for host names */
	char *url, *host, *hostport;
	uint16_t port;
	st_tls_client_t *tls;
	struct evhttp_connection *evcon; /* current connection, NULL: none yet */
	struct evhttp_connection **dead;
	size_t n_dead, cap_dead;
	st_ev_t *kick; /* frees dead connections, starts the next request */
	st_httpc_req_t *head, *tail;
	st_httpc_req_t *in_data; /* request whose data callback runs */
};

static void start_next(st_httpc_t *c);

static void retire(st_httpc_t *c, struct evhttp_connection *evcon)
{
	if (!evcon || evcon != c->evcon)
		return;
	c->evcon = NULL;
	evhttp_connection_set_closecb(evcon, NULL, NULL);
	if (c->n_dead == c->cap_dead) {
		size_t cap = c->cap_dead ? c->cap_dead * 2 : 4;
		void *p = realloc(c->dead, cap * sizeof(*c->dead));
		if (!p)
			return; /* leaks one connection rather than freeing it in use */
		c->dead = p;
		c->cap_dead = cap;
	}
	c->dead[c->n_dead++] = evcon;
	st_ev_activate(c->kick);
}

static void on_close(struct evhttp_connection *evcon, void *arg)
{
	retire(arg, evcon);
}

static void on_kick(int fd, short what, void *arg)
{
	st_httpc_t *c = arg;
	for (size_t i = 0; i < c->n_dead; i++)
		evhttp_connection_free(c->dead[i]);
	c->n_dead = 0;
	start_next(c);
}

static void unlink_req(st_httpc_t *c, st_httpc_req_t *r)
{
	st_httpc_req_t **pp = &c->head, *prev = NULL;
	while (*pp && *pp != r) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = r->next;
	if (c->tail == r)
		c->tail = prev;
	r->next = NULL;
}

static void req_free(st_httpc_req_t *r)
{
	st_ev_free(r->timer);
	st_strv_free(r->headers, r->n_headers);
	free(r->path);
	free(r->body);
	free(r->resp);
	free(r);
}

/* Hand the result to the caller (from our timer, outside evhttp). */
static void deliver(st_httpc_req_t *r)
{
	st_httpc_t *c = r->c;
	unlink_req(c, r);
	st_ev_activate(c->kick); /* the next request starts on the next turn */
	r->p.on_done(r, r->rc, r->status, r->resp ? r->resp : "", r->resp_len, r->error, r->p.arg);
	req_free(r);
}

static void fail(st_httpc_req_t *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(st_httpc_req_t *r, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	r->rc = rc;
	r->finished = true;
	r->running = false;
	r->ev = NULL;
}

static const char *ev_error_text(int e)
{
	switch (e - 1) {
	case EVREQ_HTTP_TIMEOUT:
		return "no answer in time";
	case EVREQ_HTTP_EOF:
		return "connection closed";
	case EVREQ_HTTP_INVALID_HEADER:
		return "invalid response header";
	case EVREQ_HTTP_BUFFER_ERROR:
		return "connection failed";
	case EVREQ_HTTP_DATA_TOO_LONG:
		return "response too long";
	default:
		return "connection failed";
	}
}

static void on_error(enum evhttp_request_error error, void *arg)
{
	st_httpc_req_t *r = arg;
	r->ev_error = (int)error + 1;
	r->sys_errno = errno;
}

static void on_complete(struct evhttp_request *ev, void *arg)
{
	st_httpc_req_t *r = arg;
	st_httpc_t *c = r->c;
	int code = ev ? evhttp_request_get_response_code(ev) : 0;
	if (!ev || code == 0) {
		int e = r->sys_errno ? r->sys_errno : errno;
		const char *what = r->ev_error ? ev_error_text(r->ev_error) : "connection failed";
		if (e && e != EAGAIN && e != EINPROGRESS &&
		    (!r->ev_error || r->ev_error - 1 == EVREQ_HTTP_BUFFER_ERROR))
			fail(r, ST_EIO, "%s (%s)", what, strerror(e));
		else
			fail(r, r->ev_error - 1 == EVREQ_HTTP_TIMEOUT ? ST_ETIMEDOUT : ST_EIO, "%s",
			     what);
		retire(c, c->evcon);
	} else {
		r->status = code;
		r->rc = 0;
		if (!r->p.on_data) {
			struct evbuffer *in = evhttp_request_get_input_buffer(ev);
			size_t n = evbuffer_get_length(in);
			r->resp = malloc(n + 1);
			if (r->resp) {
				evbuffer_remove(in, r->resp, n);
				r->resp[n] = '\0';
				r->resp_len = n;
			} else {
				r->rc = ST_ENOMEM;
				snprintf(r->error, sizeof(r->error), "out of memory");
			}
		}
		r->finished = true;
		r->running = false;
		r->ev = NULL;
	}
	st_ev_stop(r->timer);
	st_ev_activate(r->timer);
}

static void on_chunk(struct evhttp_request *ev, void *arg)
{
	st_httpc_req_t *r = arg;
	st_httpc_t *c = r->c;
	struct evbuffer *in = evhttp_request_get_input_buffer(ev);
	size_t n = evbuffer_get_length(in);
	const char *data = (const char *)evbuffer_pullup(in, -1);
	if (!data || n == 0)
		return;
	c->in_data = r;
	r->p.on_data(r, data, n, r->p.arg);
	c->in_data = NULL;
	if (r->cancel_in_data) {
		/* evhttp allows this from its chunk callback */
		r->ev = NULL;
		r->running = false;
		struct evhttp_connection *evcon = c->evcon;
		evhttp_cancel_request(ev);
		retire(c, evcon);
		unlink_req(c, r);
		req_free(r);
	}
}

static void on_timer(int fd, short what, void *arg)
{
	st_httpc_req_t *r = arg;
	if (r->finished) {
		deliver(r);
		return;
	}
	/* The deadline passed. */
	st_httpc_t *c = r->c;
	struct evhttp_request *ev = r->ev;
	struct evhttp_connection *evcon = c->evcon;
	char d[32];
	st_duration_fmt(r->p.deadline_ms, d, sizeof(d));
	fail(r, ST_ETIMEDOUT, "no answer within %s", d);
	if (ev)
		evhttp_cancel_request(ev);
	retire(c, evcon);
	deliver(r);
}

static struct evhttp_connection *connect_new(st_httpc_t *c)
{
	struct event_base *base = st_loop_base(c->loop);
	struct evhttp_connection *evcon;
	if (c->tls) {
		SSL *ssl = st_tls_client_ssl(c->tls, c->host);
		if (!ssl)
			return NULL;
		struct bufferevent *bev = bufferevent_openssl_socket_new(
		    base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
		if (!bev) {
			SSL_free(ssl);
			return NULL;
		}
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
		evcon = evhttp_connection_base_bufferevent_new(base, c->dns, bev, c->host, c->port);
		if (!evcon)
			bufferevent_free(bev);
	} else {
		evcon = evhttp_connection_base_new(base, c->dns, c->host, c->port);
	}
	if (!evcon)
		return NULL;
	evhttp_connection_set_retries(evcon, 0);
	evhttp_connection_set_closecb(evcon, on_close, c);
	return evcon;
}

static int add_headers(st_httpc_t *c, st_httpc_req_t *r, struct evhttp_request *ev)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(ev);
	if (evhttp_add_header(h, "Host", c->hostport) != 0 ||
	    evhttp_add_header(h, "Content-Type", "application/json") != 0)
		return ST_ENOMEM;
	for (size_t i = 0; i < r->n_headers; i++) {
		char *colon = strchr(r->headers[i], ':');
		if (!colon)
			continue;
		*colon = '\0';
		int rc = evhttp_add_header(h, r->headers[i], colon + 1 + strspn(colon + 1, " "));
		*colon = ':';
		if (rc != 0)
			return ST_ENOMEM;
	}
	return 0;
}

static void start_next(st_httpc_t *c)
{
	st_httpc_req_t *r = c->head;
	if (!r || r->running || r->finished)
		return;
	if (!c->evcon && !(c->evcon = connect_new(c))) {
		fail(r, ST_ENOMEM, "cannot create a connection");
		st_ev_activate(r->timer);
		return;
	}
	struct evhttp_request *ev = evhttp_request_new(on_complete, r);
	if (!ev) {
		fail(r, ST_ENOMEM, "out of memory");
		st_ev_activate(r->timer);
		return;
	}
	evhttp_request_set_error_cb(ev, on_error);
	if (r->p.on_data)
		evhttp_request_set_chunked_cb(ev, on_chunk);
	if (add_headers(c, r, ev) != 0 ||
	    evbuffer_add(evhttp_request_get_output_buffer(ev), r->body, r->p.len) != 0) {
		evhttp_request_free(ev);
		fail(r, ST_ENOMEM, "out of memory");
		st_ev_activate(r->timer);
		return;
	}
	uint32_t idle = r->p.idle_ms ? r->p.idle_ms : DEFAULT_IDLE_MS;
	struct timeval tv = {.tv_sec = idle / 1000, .tv_usec = (idle % 1000) * 1000};
	evhttp_connection_set_timeout_tv(c->evcon, &tv);
	r->running = true;
	r->ev = ev;
	r->ev_error = 0;
	r->sys_errno = 0;
	errno = 0;
	if (r->p.deadline_ms)
		st_ev_timer_start(r->timer, r->p.deadline_ms);
	if (evhttp_make_request(c->evcon, ev, EVHTTP_REQ_POST, r->path) != 0) {
		/* evhttp may or may not have freed ev here: it is not touched again */
		if (!r->finished) {
			fail(r, ST_EIO, "cannot send the request (%s)",
			     errno ? strerror(errno) : "connection failed");
			st_ev_stop(r->timer);
			st_ev_activate(r->timer);
		}
		retire(c, c->evcon);
	}
}

static int parse_url(st_httpc_t *c, const char *url, st_diag_t *diag)
{
	const char *rest;
	if (strncmp(url, "http://", 7) == 0) {
		rest = url + 7;
		c->port = 80;
	} else if (strncmp(url, "https://", 8) == 0) {
		rest = url + 8;
		c->port = 443;
	} else {
		return st_diag_set(diag, ST_EINVAL,
				   "'%s': expected http://HOST:PORT or https://HOST:PORT", url);
	}
	const char *host = rest, *end;
	size_t hlen;
	if (*rest == '[') {
		host = rest + 1;
		end = strchr(host, ']');
		if (!end)
			return st_diag_set(diag, ST_EINVAL, "'%s': unclosed '[' in the address",
					   url);
		hlen = (size_t)(end - host);
		end++;
	} else {
		end = host + strcspn(host, ":/");
		hlen = (size_t)(end - host);
	}
	if (hlen == 0)
		return st_diag_set(diag, ST_EINVAL, "'%s': no host", url);
	if (*end == ':') {
		char *e;
		long port = strtol(end + 1, &e, 10);
		if (e == end + 1 || port <= 0 || port > 65535 || (*e && strcmp(e, "/") != 0))
			return st_diag_set(diag, ST_EINVAL, "'%s': bad port", url);
		c->port = (uint16_t)port;
	} else if (*end && strcmp(end, "/") != 0) {
		return st_diag_set(diag, ST_EINVAL, "'%s': expected no path after the address",
				   url);
	}
	c->host = strndup(host, hlen);
	if (!c->host)
		return ST_ENOMEM;
	size_t hp = hlen + 16;
	c->hostport = malloc(hp);
	if (!c->hostport)
		return ST_ENOMEM;
	snprintf(c->hostport, hp, *rest == '[' ? "[%s]:%u" : "%s:%u", c->host, c->port);
	return 0;
}

static bool is_ip(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int st_httpc_new(st_loop_t *loop, const char *url, st_tls_client_t *tls, st_httpc_t **out,
		 st_diag_t *diag)
{
	st_httpc_t *c = calloc(1, sizeof(*c));
	if (!c)
		return ST_ENOMEM;
	c->loop = loop;
	int rc = parse_url(c, url, diag);
	if (rc != 0)
		goto fail;
	if (strncmp(url, "https://", 8) == 0) {
		if (!tls) {
			rc = st_diag_set(diag, ST_EINVAL, "'%s': https without TLS settings", url);
			goto fail;
		}
		c->tls = tls;
	}
	rc = ST_ENOMEM;
	c->url = strdup(url);
	c->kick = st_ev_timer_new(loop, false, on_kick, c);
	if (!c->url || !c->kick)
		goto fail;
	if (!is_ip(c->host)) {
		c->dns = evdns_base_new(st_loop_base(loop), EVDNS_BASE_INITIALIZE_NAMESERVERS);
		if (!c->dns) {
			rc = st_diag_set(diag, ST_EIO, "'%s': cannot set up name resolution", url);
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	st_httpc_free(c);
	return rc;
}

void st_httpc_free(st_httpc_t *c)
{
	if (!c)
		return;
	while (c->head) {
		st_httpc_req_t *r = c->head;
		c->head = r->next;
		if (r->ev)
			evhttp_cancel_request(r->ev);
		req_free(r);
	}
	if (c->evcon) {
		evhttp_connection_set_closecb(c->evcon, NULL, NULL);
		evhttp_connection_free(c->evcon);
	}
	for (size_t i = 0; i < c->n_dead; i++)
		evhttp_connection_free(c->dead[i]);
	free(c->dead);
	st_ev_free(c->kick);
	if (c->dns)
		evdns_base_free(c->dns, 0);
	free(c->url);
	free(c->host);
	free(c->hostport);
	free(c);
}

int st_httpc_post(st_httpc_t *c, const st_httpc_post_t *p, st_httpc_req_t **out)
{
	st_httpc_req_t *r = calloc(1, sizeof(*r));
	if (!r)
		return ST_ENOMEM;
	r->c = c;
	r->p = *p;
	r->path = strdup(p->path);
	r->body = malloc(p->len ? p->len : 1);
	r->timer = st_ev_timer_new(c->loop, false, on_timer, r);
	if (!r->path || !r->body || !r->timer)
		goto nomem;
	if (p->len)
		memcpy(r->body, p->body, p->len);
	size_t n = 0;
	while (p->headers && p->headers[n])
		n++;
	if (n) {
		r->headers = calloc(n, sizeof(*r->headers));
		if (!r->headers)
			goto nomem;
		for (; r->n_headers < n; r->n_headers++)
			if (!(r->headers[r->n_headers] = strdup(p->headers[r->n_headers])))
				goto nomem;
	}
	r->p.path = r->path;
	r->p.body = r->body;
	r->p.headers = NULL;
	if (c->tail)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
	if (out)
		*out = r;
	/* started from the loop, so that on_done never runs inside this call */
	st_ev_activate(c->kick);
	return 0;
nomem:
	req_free(r);
	return ST_ENOMEM;
}

void st_httpc_cancel(st_httpc_req_t *r)
{
	if (!r)
		return;
	st_httpc_t *c = r->c;
	if (c->in_data == r) {
		r->cancel_in_data = true;
		return;
	}
	if (r->ev) {
		struct evhttp_connection *evcon = c->evcon;
		evhttp_cancel_request(r->ev);
		retire(c, evcon);
	}
	unlink_req(c, r);
	req_free(r);
	st_ev_activate(c->kick);
}

size_t st_httpc_pending(const st_httpc_t *c)
{
	size_t n = 0;
	for (const st_httpc_req_t *r = c->head; r; r = r->next)
		n++;
	return n;
}

const char *st_httpc_url(const st_httpc_t *c)
{
	return c->url;
}
