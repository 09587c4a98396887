/* Probe life cycle (deadline, verdict, one callback) and the stream-based
 * probes: tcp (connect), http and https (GET, status ranges, body match). */
#define _GNU_SOURCE
#include "check/probe_int.h"
#include "common/errors.h"
#include "common/time.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define HTTP_BODY_WINDOW 5120
#define HTTP_HEADER_MAX 16384

static uint16_t default_port(st_check_type_t t)
{
	switch (t) {
	case ST_CHECK_HTTP:
		return 80;
	case ST_CHECK_HTTPS:
		return 443;
	case ST_CHECK_DNS:
		return 53;
	default:
		return 0;
	}
}

int st_probe_spec_init(st_probe_spec_t *spec, const st_conf_t *conf, uint32_t endpoint,
		       st_diag_t *diag)
{
	return st_probe_spec_init_check(spec, conf, endpoint, conf->endpoints[endpoint].check,
					diag);
}

int st_probe_spec_init_check(st_probe_spec_t *spec, const st_conf_t *conf, uint32_t endpoint,
			     uint32_t check, st_diag_t *diag)
{
	const st_conf_endpoint_t *ep = &conf->endpoints[endpoint];
	memset(spec, 0, sizeof(*spec));
	if (check >= conf->n_checks)
		return st_diag_set(diag, ST_ECONF, "endpoint %s has no check", ep->name);
	const st_conf_check_t *c = &conf->checks[check];
	spec->check = c;
	spec->endpoint = ep->name;
	uint16_t port = c->port ? c->port : default_port(c->type);
	bool have = false;
	/* The check's own target, else the endpoint's check_target. */
	const char *target = c->target ? c->target : ep->check_target;
	if (target) {
		if (st_sockaddr_parse(target, port, &spec->target) != 0)
			return st_diag_set(
			    diag, ST_ECONF, "%s:%u: endpoint %s, %s '%s' is not ADDR:PORT",
			    conf->path ? conf->path : "config", c->target ? c->line : ep->line,
			    ep->name, c->target ? "the check's target" : "check_target", target);
		have = true;
	} else if (ep->has_v4 || ep->has_v6) {
		st_sockaddr_t *t = &spec->target;
		if (ep->has_v4) {
			t->u.in4.sin_family = AF_INET;
			t->u.in4.sin_port = htons(port);
			memcpy(&t->u.in4.sin_addr, ep->addr4, 4);
			t->len = sizeof(t->u.in4);
		} else {
			t->u.in6.sin6_family = AF_INET6;
			t->u.in6.sin6_port = htons(port);
			memcpy(&t->u.in6.sin6_addr, ep->addr6, 16);
			t->len = sizeof(t->u.in6);
		}
		have = true;
	}
	if (have) {
		if (st_sockaddr_port(&spec->target) == 0 && c->type != ST_CHECK_EXEC)
			return st_diag_set(diag, ST_ECONF,
					   "%s:%u: endpoint %s, check %s needs a port (set port: "
					   "in the check or check_target: ADDR:PORT)",
					   conf->path ? conf->path : "config", ep->line, ep->name,
					   c->name);
		st_sockaddr_str(&spec->target, spec->target_str, sizeof(spec->target_str));
		const void *a = spec->target.u.sa.sa_family == AF_INET
				    ? (const void *)&spec->target.u.in4.sin_addr
				    : (const void *)&spec->target.u.in6.sin6_addr;
		inet_ntop(spec->target.u.sa.sa_family, a, spec->host, sizeof(spec->host));
	} else if (c->type != ST_CHECK_EXEC) {
		return st_diag_set(diag, ST_ECONF,
				   "%s:%u: endpoint %s has no address to probe (set check_target: "
				   "ADDR:PORT)",
				   conf->path ? conf->path : "config", ep->line, ep->name);
	}
	if (c->host)
		snprintf(spec->host, sizeof(spec->host), "%s", c->host);
	if (have && conf->has_health_source &&
	    conf->health_source.u.sa.sa_family == spec->target.u.sa.sa_family)
		spec->source = &conf->health_source;
	return 0;
}

void st_probe_close_fd(st_probe_t *p)
{
	st_ev_free(p->io);
	p->io = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static void cleanup(st_probe_t *p)
{
	/* The verdict is in: reset rather than close politely (as HAProxy's
	 * checks do), which saves the FIN exchange and a TIME_WAIT socket per
	 * probe on both sides. */
	st_stream_abort(p->stream);
	p->stream = NULL;
	free(p->buf);
	p->buf = NULL;
	st_ev_free(p->deadline);
	p->deadline = NULL;
	st_probe_close_fd(p);
	if (p->spec->check->type == ST_CHECK_EXEC)
		st_probe_exec_cleanup(p);
}

static void probe_free(st_probe_t *p)
{
	cleanup(p);
	st_ev_free(p->defer);
	free(p);
}

static void deliver(int fd, short what, void *arg)
{
	st_probe_t *p = arg;
	p->cb(&p->res, p->arg);
	probe_free(p);
}

void st_probe_finish(st_probe_t *p, bool ok, const char *fmt, ...)
{
	if (p->finished)
		return;
	p->finished = true;
	uint64_t now = st_mono_ns();
	uint64_t us = (now - p->start_ns) / 1000;
	p->res.ok = ok;
	p->res.rtt_us = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->res.text, sizeof(p->res.text), fmt, ap);
	va_end(ap);
	/* One printable line for logs and the table. */
	for (char *c = p->res.text; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	cleanup(p);
	/* Always from the loop, so that callers never see a callback from
	 * inside st_probe_start (and may free from it). */
	st_ev_timer_start(p->defer, 0);
}

static void on_deadline(int fd, short what, void *arg)
{
	st_probe_t *p = arg;
	st_probe_finish(p, false, "timeout after %llums (%s)",
			(unsigned long long)p->spec->check->timeout_ms,
			p->spec->target_str[0] ? p->spec->target_str : p->spec->endpoint);
}

static bool status_ok(const st_conf_check_t *c, int status)
{
	if (c->n_expect_status == 0)
		return status >= 200 && status <= 399;
	for (size_t i = 0; i < c->n_expect_status; i++)
		if (status >= c->expect_status[i].lo && status <= c->expect_status[i].hi)
			return true;
	return false;
}

static bool header_has(const char *hdr, size_t len, const char *name, const char *value)
{
	for (const char *line = hdr; line && line < hdr + len;) {
		const char *end = memchr(line, '\n', (size_t)(hdr + len - line));
		size_t ll = end ? (size_t)(end - line) : (size_t)(hdr + len - line);
		size_t nl = strlen(name);
		if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			for (size_t i = nl + 1; i + strlen(value) <= ll; i++)
				if (strncasecmp(line + i, value, strlen(value)) == 0)
					return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* Decode up to the body window of a chunked body; *complete when the last
 * chunk, the window's end or something malformed was reached. */
static size_t dechunk(const char *in, size_t len, char *out, bool *complete)
{
	size_t i = 0, o = 0;
	*complete = false;
	while (o < HTTP_BODY_WINDOW) {
		size_t sz = 0, j = i;
		while (j < len && isxdigit((unsigned char)in[j]) && sz < (1u << 24)) {
			int c = in[j++];
			sz = sz * 16 + (size_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
		}
		const char *nl = memchr(in + j, '\n', len - j);
		if (j == i) {
			*complete = j < len; /* a size line must start with hex digits */
			return o;
		}
		if (!nl)
			return o;
		i = (size_t)(nl - in) + 1;
		if (sz == 0) {
			*complete = true;
			return o;
		}
		size_t take = sz;
		if (take > len - i)
			take = len - i;
		if (take > HTTP_BODY_WINDOW - o)
			take = HTTP_BODY_WINDOW - o;
		memcpy(out + o, in + i, take);
		o += take;
		if (take < sz) {
			*complete = o >= HTTP_BODY_WINDOW;
			return o;
		}
		i += sz;
		if (i + 2 > len)
			return o;
		i += 2; /* CRLF after the chunk */
	}
	*complete = true;
	return o;
}

/* Decide on what has arrived so far; returns without a verdict when more is needed. */
static void http_parse(st_probe_t *p, bool eof)
{
	const st_conf_check_t *c = p->spec->check;
	const char *to = p->spec->target_str;
	const char *nl = memchr(p->buf, '\n', p->len);
	if (!nl) {
		if (eof || p->len >= p->cap)
			st_probe_finish(p, false, "http: no status line from %s", to);
		return;
	}
	int status = 0;
	if (p->len < 12 || memcmp(p->buf, "HTTP/1.", 7) != 0 ||
	    sscanf(p->buf + 8, " %3d", &status) != 1 || status < 100 || status > 999) {
		st_probe_finish(p, false, "http: bad status line from %s", to);
		return;
	}
	if (!status_ok(c, status)) {
		st_probe_finish(p, false, "http %d from %s", status, to);
		return;
	}
	if (!c->expect_body) {
		st_probe_finish(p, true, "http %d from %s", status, to);
		return;
	}
	const char *end = memmem(p->buf, p->len, "\r\n\r\n", 4);
	size_t hlen = end ? (size_t)(end - p->buf) + 4 : 0;
	if (!end) {
		end = memmem(p->buf, p->len, "\n\n", 2);
		hlen = end ? (size_t)(end - p->buf) + 2 : 0;
	}
	if (!end) {
		if (eof || p->len >= HTTP_HEADER_MAX)
			st_probe_finish(p, false, "http %d from %s, headers incomplete", status,
					to);
		return;
	}
	size_t blen = p->len - hlen;
	const char *body = p->buf + hlen;
	bool complete = false;
	char plain[HTTP_BODY_WINDOW];
	if (header_has(p->buf, hlen, "transfer-encoding", "chunked")) {
		blen = dechunk(body, blen, plain, &complete);
		body = plain;
	} else if (blen >= HTTP_BODY_WINDOW) {
		blen = HTTP_BODY_WINDOW;
		complete = true;
	}
	if (memmem(body, blen, c->expect_body, strlen(c->expect_body))) {
		st_probe_finish(p, true, "http %d from %s", status, to);
		return;
	}
	if (eof || complete || p->len >= p->cap)
		st_probe_finish(p, false, "http %d from %s, body lacks \"%.24s\"", status, to,
				c->expect_body);
}

static void send_request(st_probe_t *p)
{
	const st_conf_check_t *c = p->spec->check;
	char req[1024];
	uint16_t port = st_sockaddr_port(&p->spec->target);
	bool std_port = port == (c->type == ST_CHECK_HTTPS ? 443 : 80);
	bool v6 = strchr(p->spec->host, ':') != NULL && !c->host;
	char hostport[300];
	if (std_port || c->host)
		snprintf(hostport, sizeof(hostport), v6 ? "[%s]" : "%s", p->spec->host);
	else
		snprintf(hostport, sizeof(hostport), v6 ? "[%s]:%u" : "%s:%u", p->spec->host, port);
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: steercheck\r\n"
			 "Accept: */*\r\nConnection: close\r\n\r\n",
			 c->path && *c->path ? c->path : "/", hostport);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		st_probe_finish(p, false, "http: request too long");
		return;
	}
	if (st_stream_write(p->stream, req, (size_t)n) != 0)
		st_probe_finish(p, false, "http: out of memory");
}

static void on_stream(st_stream_t *s, st_stream_event_t ev, void *arg)
{
	st_probe_t *p = arg;
	const st_conf_check_t *c = p->spec->check;
	switch (ev) {
	case ST_STREAM_CONNECTED:
		if (c->type == ST_CHECK_TCP)
			st_probe_finish(p, true, "tcp connect to %s", p->spec->target_str);
		else
			send_request(p);
		return;
	case ST_STREAM_READ:
	case ST_STREAM_EOF: {
		size_t room = p->cap - p->len;
		if (room)
			p->len += st_stream_read(s, p->buf + p->len, room);
		/* Drop what does not fit: the verdict only needs the window. */
		char sink[1024];
		while (st_stream_pending(s) > 0 && st_stream_read(s, sink, sizeof(sink)) > 0)
			;
		p->buf[p->len] = '\0';
		http_parse(p, ev == ST_STREAM_EOF || p->len >= p->cap);
		return;
	}
	case ST_STREAM_ERROR:
		if (p->len > 0) {
			http_parse(p, true);
			if (p->finished)
				return;
		}
		st_probe_finish(p, false, "%s: %s", p->spec->target_str, st_stream_error(s));
		return;
	}
}

static int stream_start(st_probe_t *p)
{
	const st_conf_check_t *c = p->spec->check;
	if (c->type != ST_CHECK_TCP) {
		p->cap = HTTP_HEADER_MAX + HTTP_BODY_WINDOW;
		p->buf = malloc(p->cap + 1);
		if (!p->buf)
			return ST_ENOMEM;
	}
	int rc = st_stream_connect(p->loop, p->spec->source, &p->spec->target,
				   c->type == ST_CHECK_HTTPS ? p->spec->tls : NULL, p->spec->host,
				   on_stream, p, &p->stream);
	if (rc != 0 && p->spec->source) {
		char from[ST_SOCKADDR_STRLEN];
		st_sockaddr_str(p->spec->source, from, sizeof(from));
		*strrchr(from, ':') = '\0'; /* the port, 0 */
		from[strcspn(from, "]")] = '\0';
		st_probe_finish(p, false, "connect to %s from %s: %s", p->spec->target_str,
				from + (from[0] == '['), st_strerror(rc));
	} else if (rc != 0) {
		st_probe_finish(p, false, "connect to %s: %s", p->spec->target_str,
				st_strerror(rc));
	}
	return 0;
}

int st_probe_start(st_loop_t *loop, const st_probe_spec_t *spec, st_probe_cb_t cb, void *arg,
		   st_probe_t **out)
{
	st_probe_t *p = calloc(1, sizeof(*p));
	if (!p)
		return ST_ENOMEM;
	*p = (st_probe_t){.loop = loop, .spec = spec, .cb = cb, .arg = arg, .fd = -1, .pid = -1,
			  .start_ns = st_mono_ns()};
	p->defer = st_ev_timer_new(loop, false, deliver, p);
	p->deadline = st_ev_timer_new(loop, false, on_deadline, p);
	if (!p->defer || !p->deadline) {
		probe_free(p);
		return ST_ENOMEM;
	}
	uint64_t timeout = spec->check->timeout_ms ? spec->check->timeout_ms : 1000;
	st_ev_timer_start(p->deadline, timeout);
	int rc;
	switch (spec->check->type) {
	case ST_CHECK_DNS:
		rc = st_probe_dns_start(p);
		break;
	case ST_CHECK_EXEC:
		rc = st_probe_exec_start(p);
		break;
	default:
		rc = stream_start(p);
		break;
	}
	if (rc != 0) {
		probe_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void st_probe_cancel(st_probe_t *p)
{
	if (p)
		probe_free(p);
}
