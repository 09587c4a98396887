/* The UNIX-socket line server behind the control socket, on libevent. */
#include "net/unix.h"
#include "net/ev_internal.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define IDLE_TIMEOUT_S 60

typedef struct conn {
	struct bufferevent *bev;
	st_unix_server_t *srv;
	bool closing; /* close once the output is flushed */
	st_unix_later_t *later; /* a reply to come: read nothing more until then */
	bool eof;		/* the client has sent all it will */
	LIST_ENTRY(conn) link;
} conn_t;

struct st_unix_later {
	conn_t *conn; /* NULL: the client has gone */
};

char st_unix_later_mark;

struct st_unix_server {
	struct evconnlistener *listener;
	st_accept_guard_t *guard;
	char *path;
	size_t max_line;
	char *too_long;
	st_unix_line_cb_t cb;
	void *arg;
	LIST_HEAD(, conn) conns;
	conn_t *current; /* whose line the callback handles */
};

static int make_addr(const char *path, struct sockaddr_un *sun, st_diag_t *diag)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return st_diag_set(diag, ST_ERANGE, "%s: socket path longer than %zu bytes", path,
				   sizeof(sun->sun_path) - 1);
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

int st_unix_connect(const char *path)
{
	struct sockaddr_un sun;
	if (make_addr(path, &sun, NULL) < 0)
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static void conn_free(conn_t *c)
{
	if (c->later)
		c->later->conn = NULL;
	LIST_REMOVE(c, link);
	bufferevent_free(c->bev);
	free(c);
}

static void conn_reply(conn_t *c, char *reply, size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	evbuffer_add(out, reply, len);
	free(reply);
}

/* Run the callback on a line; false when the reply comes later. */
static bool handle(conn_t *c, char *line)
{
	st_unix_server_t *srv = c->srv;
	size_t rlen = 0;
	srv->current = c;
	char *reply = srv->cb(srv->arg, line, &rlen);
	srv->current = NULL;
	if (reply == ST_UNIX_LATER)
		return c->later == NULL; /* no token taken: nothing will come */
	if (!reply) {
		c->closing = true;
		return true;
	}
	conn_reply(c, reply, rlen);
	return true;
}

/* Answer every complete line in the input; sets closing on a line too long
 * or a callback asking to close. Never frees the connection. */
static void drain_lines(conn_t *c)
{
	st_unix_server_t *srv = c->srv;
	struct bufferevent *bev = c->bev;
	struct evbuffer *in = bufferevent_get_input(bev);
	while (!c->closing && !c->later) {
		size_t n;
		char *line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
		if (!line) {
			if (evbuffer_get_length(in) > srv->max_line) {
				evbuffer_add(bufferevent_get_output(bev), srv->too_long,
					     strlen(srv->too_long));
				c->closing = true;
			}
			break;
		}
		if (n > srv->max_line) {
			free(line);
			evbuffer_add(bufferevent_get_output(bev), srv->too_long,
				     strlen(srv->too_long));
			c->closing = true;
			break;
		}
		handle(c, line);
		free(line);
	}
}

static void on_read(struct bufferevent *bev, void *arg)
{
	conn_t *c = arg;
	drain_lines(c);
	if (c->closing) {
		bufferevent_disable(bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			conn_free(c);
	}
}

static void on_write(struct bufferevent *bev, void *arg)
{
	conn_t *c = arg;
	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

/* The client sent all it will: answer what is left (the last request may
 * lack its newline: "printf 'STEER1 status' | socat"), then close once the
 * output is out. Stops at a deferred reply; st_unix_reply goes on. May free
 * the connection. */
static void input_ended(conn_t *c)
{
	drain_lines(c);
	if (c->later)
		return;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t left = evbuffer_get_length(in);
	if (!c->closing && left > 0 && left <= c->srv->max_line) {
		/* the input's end is frozen by libevent: take the bytes out */
		char *line = malloc(left + 1);
		if (line) {
			evbuffer_remove(in, line, left);
			line[left] = '\0';
			handle(c, line);
			free(line);
			if (c->later)
				return;
		}
	}
	c->closing = true;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	conn_t *c = arg;
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		/* Half-closed by the client: still deliver what it asked for. */
		c->eof = true;
		bufferevent_disable(bev, EV_READ);
		input_ended(c);
		return;
	}
	conn_free(c);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	st_unix_server_t *srv = arg;
	struct event_base *base = evconnlistener_get_base(l);
	conn_t *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	c->srv = srv;
	LIST_INSERT_HEAD(&srv->conns, c, link);
	struct timeval idle = {.tv_sec = IDLE_TIMEOUT_S};
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ);
}

/* Remove a leftover socket file, refusing when a server still answers. */
static int clear_stale(const char *path, st_diag_t *diag)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0
				       : st_diag_set(diag, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(sb.st_mode))
		return st_diag_set(diag, ST_EEXIST,
				   "%s: exists and is not a socket (remove it or choose another "
				   "server.control path)",
				   path);
	int fd = st_unix_connect(path);
	if (fd >= 0) {
		close(fd);
		return st_diag_set(diag, ST_EEXIST,
				   "%s: another server answers on this control socket (is steerd "
				   "already running?)",
				   path);
	}
	if (unlink(path) != 0 && errno != ENOENT)
		return st_diag_set(diag, -errno, "%s: cannot remove stale socket: %s", path,
				   strerror(errno));
	return 0;
}

int st_unix_listen(st_loop_t *loop, const char *path, size_t max_line, const char *too_long,
		   st_unix_line_cb_t cb, void *arg, st_unix_server_t **out, st_diag_t *diag)
{
	struct sockaddr_un sun;
	int rc = make_addr(path, &sun, diag);
	if (rc < 0)
		return rc;
	rc = clear_stale(path, diag);
	if (rc < 0)
		return rc;
	st_unix_server_t *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return ST_ENOMEM;
	srv->path = strdup(path);
	srv->too_long = strdup(too_long);
	srv->max_line = max_line;
	srv->cb = cb;
	srv->arg = arg;
	if (!srv->path || !srv->too_long) {
		rc = ST_ENOMEM;
		goto fail;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = st_diag_set(diag, -errno, "%s: socket: %s", path, strerror(errno));
		goto fail;
	}
	/* The umask closes the window between bind and chmod in which another
	 * user could connect. */
	mode_t old = umask(0177);
	int b = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	int e = errno;
	umask(old);
	if (b != 0) {
		close(fd);
		rc = st_diag_set(diag, -e, "%s: bind: %s", path, strerror(e));
		goto fail;
	}
	if (chmod(path, 0600) != 0 || listen(fd, 16) != 0) {
		e = errno;
		close(fd);
		unlink(path);
		rc = st_diag_set(diag, -e, "%s: %s", path, strerror(e));
		goto fail;
	}
	srv->listener = evconnlistener_new(st_loop_base(loop), on_accept, srv,
					   LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (!srv->listener) {
		close(fd);
		unlink(path);
		rc = st_diag_set(diag, ST_ENOMEM, "%s: cannot watch the socket", path);
		goto fail;
	}
	char what[sizeof(sun.sun_path) + 32];
	snprintf(what, sizeof(what), "control socket %s", path);
	srv->guard = st_accept_guard_new(st_loop_base(loop), what);
	if (!srv->guard || st_accept_guard_watch(srv->guard, srv->listener) != 0) {
		evconnlistener_free(srv->listener);
		st_accept_guard_free(srv->guard);
		unlink(path);
		rc = ST_ENOMEM;
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	free(srv->path);
	free(srv->too_long);
	free(srv);
	return rc;
}

void st_unix_close(st_unix_server_t *srv)
{
	if (!srv)
		return;
	while (!LIST_EMPTY(&srv->conns))
		conn_free(LIST_FIRST(&srv->conns));
	evconnlistener_free(srv->listener);
	st_accept_guard_free(srv->guard);
	unlink(srv->path);
	free(srv->path);
	free(srv->too_long);
	free(srv);
}

st_unix_later_t *st_unix_defer(st_unix_server_t *srv)
{
	conn_t *c = srv->current;
	if (!c || c->later)
		return NULL;
	st_unix_later_t *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->conn = c;
	c->later = l;
	return l;
}

void st_unix_reply(st_unix_later_t *l, char *reply, size_t len)
{
	if (!l)
		return;
	conn_t *c = l->conn;
	free(l);
	if (!c) {
		free(reply);
		return;
	}
	c->later = NULL;
	conn_reply(c, reply, len);
	if (c->eof) {
		input_ended(c);
		return;
	}
	if (!c->closing) {
		drain_lines(c); /* requests that waited behind this one */
		if (!c->closing)
			return;
		bufferevent_disable(c->bev, EV_READ);
	}
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}
