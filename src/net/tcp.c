/* TCP: one thread with its own libevent loop. Queries arrive with a 2-byte
 * length prefix, possibly split across reads or pipelined several per read;
 * answers go out in order. Idle connections time out and the least recently
 * active one makes room when the connection cap is reached. */
#define _GNU_SOURCE
#define _LGPL_SOURCE
#include "net/tcp.h"
#include "net/ev_internal.h"
#include "net/sock.h"
#include "answer/answer.h"
#include "common/log.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#define TCP_MSG_MAX 65535
/* Stop reading from a client while this much of its output is unsent. */
#define TCP_OUT_HIGH (256 * 1024)
#define TCP_ACCEPT_PAUSE_MS 100

typedef struct tcp_conn {
	struct st_tcp *tcp;
	struct bufferevent *bev;
	st_sockaddr_t peer;
	struct tcp_conn *prev, *next; /* activity order: head = least recently active */
	bool throttled;		      /* reading paused until the output drains */
	bool closing;		      /* peer closed: close once the answers are sent */
} tcp_conn_t;

struct st_tcp {
	st_view_t *const *viewp;
	st_loop_t *loop;
	struct event *stop_ev;
	struct event *resume_ev; /* re-enables accepting after an accept error */
	struct evconnlistener **listeners;
	size_t n_listeners;
	struct timeval idle;
	uint32_t max_clients;
	atomic_uint clients;
	tcp_conn_t *head, *tail;
	pthread_t tid;
	bool started;
	st_answer_ctx_t *ctx;
	uint8_t qbuf[TCP_MSG_MAX];
	uint8_t abuf[2 + TCP_MSG_MAX];
};

static void lru_unlink(st_tcp_t *tcp, tcp_conn_t *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		tcp->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		tcp->tail = c->prev;
	c->prev = c->next = NULL;
}

static void lru_append(st_tcp_t *tcp, tcp_conn_t *c)
{
	c->prev = tcp->tail;
	c->next = NULL;
	if (tcp->tail)
		tcp->tail->next = c;
	else
		tcp->head = c;
	tcp->tail = c;
}

static void conn_free(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	lru_unlink(tcp, c);
	bufferevent_free(c->bev); /* closes the socket */
	atomic_fetch_sub_explicit(&tcp->clients, 1, memory_order_relaxed);
	free(c);
}

/* Answer every complete query in the input buffer, in order. */
static void conn_process(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	const st_view_t *view = NULL;
	bool online = false;

	for (;;) {
		if (evbuffer_get_length(out) >= TCP_OUT_HIGH) {
			/* A client that does not read its answers does not get more. */
			c->throttled = true;
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		size_t avail = evbuffer_get_length(in);
		if (avail < 2)
			break;
		uint8_t hdr[2];
		evbuffer_copyout(in, hdr, 2);
		size_t qlen = (size_t)hdr[0] << 8 | hdr[1];
		if (avail < 2 + qlen)
			break;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, tcp->qbuf, qlen);
		if (!online) {
			rcu_thread_online();
			view = rcu_dereference(*tcp->viewp);
			online = true;
		}
		size_t n = st_answer(tcp->ctx, view, tcp->qbuf, qlen, &c->peer, ST_TRANSPORT_TCP,
				     tcp->abuf + 2, TCP_MSG_MAX);
		if (n == 0)
			continue;
		tcp->abuf[0] = (uint8_t)(n >> 8);
		tcp->abuf[1] = (uint8_t)n;
		evbuffer_add(out, tcp->abuf, n + 2);
	}
	if (online)
		rcu_thread_offline();
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	tcp_conn_t *c = arg;
	lru_unlink(c->tcp, c);
	lru_append(c->tcp, c);
	conn_process(c);
}

/* Called when the output buffer has drained completely. */
static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	tcp_conn_t *c = arg;
	if (c->throttled) {
		c->throttled = false;
		if (!c->closing)
			bufferevent_enable(bev, EV_READ);
		conn_process(c);
	}
	if (c->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	tcp_conn_t *c = arg;
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    evbuffer_get_length(bufferevent_get_output(bev)) > 0) {
		/* Half-close after the last query: send the answers first. */
		c->closing = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	conn_free(c);
}

static void accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)lev;
	st_tcp_t *tcp = arg;

	if (atomic_load_explicit(&tcp->clients, memory_order_relaxed) >= tcp->max_clients &&
	    tcp->head) {
		char str[ST_SOCKADDR_STRLEN];
		st_sockaddr_str(&tcp->head->peer, str, sizeof(str));
		st_log_debug("tcp, connection limit %u reached, closing the least active (%s)",
			     tcp->max_clients, str);
		conn_free(tcp->head);
	}

	tcp_conn_t *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->tcp = tcp;
	if (salen > 0 && (size_t)salen <= sizeof(c->peer.u.ss)) {
		memcpy(&c->peer.u.ss, sa, (size_t)salen);
		c->peer.len = (socklen_t)salen;
	}
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->bev = bufferevent_socket_new(st_loop_base(tcp->loop), fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	atomic_fetch_add_explicit(&tcp->clients, 1, memory_order_relaxed);
	lru_append(tcp, c);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_set_timeouts(c->bev, &tcp->idle, &tcp->idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void accept_error_cb(struct evconnlistener *lev, void *arg)
{
	(void)lev;
	st_tcp_t *tcp = arg;
	int err = EVUTIL_SOCKET_ERROR();
	/* Out of descriptors: pause accepting instead of spinning on the error. */
	st_log_warn("tcp, accept failed (%s), pausing for %d ms", strerror(err),
		    TCP_ACCEPT_PAUSE_MS);
	for (size_t i = 0; i < tcp->n_listeners; i++)
		evconnlistener_disable(tcp->listeners[i]);
	struct timeval tv = {.tv_sec = 0, .tv_usec = TCP_ACCEPT_PAUSE_MS * 1000};
	event_add(tcp->resume_ev, &tv);
}

static void resume_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	st_tcp_t *tcp = arg;
	for (size_t i = 0; i < tcp->n_listeners; i++)
		evconnlistener_enable(tcp->listeners[i]);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	st_tcp_t *tcp = arg;
	event_base_loopbreak(st_loop_base(tcp->loop));
}

static void *tcp_main(void *arg)
{
	st_tcp_t *tcp = arg;
	rcu_register_thread();
	/* Offline while waiting for events; online only around st_answer(). */
	rcu_thread_offline();
	st_loop_run(tcp->loop);
	rcu_unregister_thread();
	return NULL;
}

int st_tcp_new(const st_sockaddr_t *listen, size_t n_listen, const st_tcp_limits_t *limits,
	       st_view_t *const *viewp, st_tcp_t **out, st_diag_t *diag)
{
	st_tcp_t *tcp = calloc(1, sizeof(*tcp));
	if (!tcp)
		return ST_ENOMEM;
	tcp->viewp = viewp;
	uint64_t idle = limits && limits->idle_timeout_ms ? limits->idle_timeout_ms : 10000;
	tcp->idle.tv_sec = (time_t)(idle / 1000);
	tcp->idle.tv_usec = (suseconds_t)(idle % 1000) * 1000;
	tcp->max_clients = limits && limits->max_clients ? limits->max_clients : 1024;
	atomic_init(&tcp->clients, 0);

	int ret = ST_ENOMEM;
	tcp->loop = st_loop_new();
	tcp->ctx = st_answer_ctx_new(st_sock_seed());
	tcp->listeners = calloc(n_listen ? n_listen : 1, sizeof(*tcp->listeners));
	if (!tcp->loop || !tcp->ctx || !tcp->listeners)
		goto fail;
	struct event_base *base = st_loop_base(tcp->loop);
	tcp->stop_ev = event_new(base, -1, 0, stop_cb, tcp);
	tcp->resume_ev = evtimer_new(base, resume_cb, tcp);
	if (!tcp->stop_ev || !tcp->resume_ev)
		goto fail;

	for (size_t i = 0; i < n_listen; i++) {
		int fd;
		ret = st_sock_listen(&listen[i], SOCK_STREAM, &fd, diag);
		if (ret != 0)
			goto fail;
		/* backlog 0: the socket is already listening. */
		struct evconnlistener *lev = evconnlistener_new(
		    base, accept_cb, tcp, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
		if (!lev) {
			close(fd);
			ret = ST_ENOMEM;
			goto fail;
		}
		evconnlistener_set_error_cb(lev, accept_error_cb);
		tcp->listeners[tcp->n_listeners++] = lev;
	}
	*out = tcp;
	return 0;
fail:
	st_tcp_free(tcp);
	return ret;
}

int st_tcp_start(st_tcp_t *tcp, st_diag_t *diag)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = pthread_create(&tcp->tid, NULL, tcp_main, tcp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0)
		return st_diag_set(diag, -err, "tcp, cannot start thread (%s)", strerror(err));
	tcp->started = true;
	return 0;
}

void st_tcp_stop(st_tcp_t *tcp)
{
	if (!tcp)
		return;
	if (tcp->started) {
		/* An activated event is not lost if the loop has not started yet. */
		event_active(tcp->stop_ev, EV_READ, 0);
		pthread_join(tcp->tid, NULL);
		tcp->started = false;
	}
	while (tcp->head)
		conn_free(tcp->head);
}

void st_tcp_free(st_tcp_t *tcp)
{
	if (!tcp)
		return;
	st_tcp_stop(tcp);
	for (size_t i = 0; i < tcp->n_listeners; i++)
		evconnlistener_free(tcp->listeners[i]);
	free(tcp->listeners);
	if (tcp->stop_ev)
		event_free(tcp->stop_ev);
	if (tcp->resume_ev)
		event_free(tcp->resume_ev);
	st_loop_free(tcp->loop);
	st_answer_ctx_free(tcp->ctx);
	free(tcp);
}

struct st_answer_ctx *st_tcp_ctx(st_tcp_t *tcp)
{
	return tcp ? tcp->ctx : NULL;
}

uint32_t st_tcp_clients(const st_tcp_t *tcp)
{
	return tcp ? atomic_load_explicit(&((st_tcp_t *)tcp)->clients, memory_order_relaxed) : 0;
}
