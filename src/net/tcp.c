/* TCP: one thread with its own libevent loop. Queries arrive with a 2-byte
 * length prefix, possibly split across reads or pipelined several per read;
 * answers go out in order. Idle connections time out; a message must arrive
 * whole within the message timeout once its first byte came (a client that
 * trickles bytes does not hold a connection by resetting the idle timer);
 * the least recently active connection makes room when the cap is reached.
 * A zone transfer is a stream of messages, made one at a time as the
 * socket drains, a few per turn of the loop, so that other connections are
 * served meanwhile. */
#define _GNU_SOURCE
#define _LGPL_SOURCE
#include "net/tcp.h"
#include "net/ev_internal.h"
#include "net/coalesce.h"
#include "net/frame.h"
#include "net/sock.h"
#include "answer/answer.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/thread.h"
#include "common/time.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#define TCP_MSG_MAX 65535
/* Answers of one read are gathered and sent with one send(). */
#define TCP_BATCH (2 * (2 + TCP_MSG_MAX))
/* Stop reading from a client while this much of its output is unsent. */
#define TCP_OUT_HIGH (256 * 1024)
/* Output buffer kept for the next time the socket is full; larger ones are
 * freed once drained. */
#define TCP_OUT_KEEP (16 * 1024)
/* Messages of a stream written per turn of the loop. */
#define TCP_STREAM_BURST 4

/* Reads and writes go straight to the socket: one recv() and one send() per
 * batch of queries in the common case. Output is buffered only when the
 * socket will not take it all, and only then is a write event armed. */
typedef struct tcp_conn {
	struct st_tcp *tcp;
	int fd;
	struct event *rev, *wev;
	struct event *mev; /* the message timeout, armed while a message is partial */
	bool mev_armed;
	st_sockaddr_t peer;
	TAILQ_ENTRY(tcp_conn) lru; /* activity order: first = least recently active */
	st_frame_t in;		   /* queries as they arrive */
	uint8_t *out;		   /* answers the socket did not take yet */
	size_t out_off, out_len, out_cap;
	bool throttled; /* reading paused until the output drains */
	bool closing;	/* peer closed: close once the answers are sent */
	void *stream;	/* a multi-message answer being sent; reading paused */
} tcp_conn_t;

struct st_tcp {
	st_view_t *const *viewp;
	st_loop_t *loop;
	struct event *stop_ev;
	st_accept_guard_t *guard; /* pauses accepting after an accept error */
	struct evconnlistener **listeners;
	size_t n_listeners;
	const struct timeval *idle; /* a common timeout of the loop */
	const struct timeval *msg;  /* another: the message timeout */
	struct event *timeouts_ev;  /* applies idle_ms and msg_ms on the loop's thread */
	_Atomic uint64_t idle_ms;   /* requested by st_tcp_set_timeouts */
	_Atomic uint64_t msg_ms;    /* requested by st_tcp_set_timeouts */
	_Atomic uint32_t max_clients; /* changed by st_tcp_set_max_clients */
	atomic_uint clients;
	TAILQ_HEAD(conn_lru, tcp_conn) lru;
	pthread_t tid;
	bool started;
	st_answer_ctx_t *ctx;
	st_tcp_streamer_t streamer; /* start NULL: none */
	_Atomic uint64_t coalesce_ns; /* see tcp_main(); changed by st_tcp_set_coalesce */
	unsigned answered;     /* queries answered in this loop iteration */
	bool stopping;
	size_t batch_len;
	uint8_t batch[TCP_BATCH];
};

static void conn_free(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	TAILQ_REMOVE(&tcp->lru, c, lru);
	if (c->stream)
		tcp->streamer.release(c->stream);
	struct event *evs[] = {c->rev, c->wev, c->mev};
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	close(c->fd);
	st_frame_free(&c->in);
	free(c->out);
	atomic_fetch_sub_explicit(&tcp->clients, 1, memory_order_relaxed);
	free(c);
}

static size_t out_pending(const tcp_conn_t *c)
{
	return c->out_len - c->out_off;
}

/* Keep what the socket did not take; arm the write event. */
static int out_keep(tcp_conn_t *c, const uint8_t *data, size_t len)
{
	if (c->out_off > 0 && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		if (c->out_off > 0) {
			memmove(c->out, c->out + c->out_off, out_pending(c));
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		if (st_grow(&c->out, &c->out_cap, c->out_len + len, 1, 4096) != 0)
			return ST_ENOMEM;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	event_add(c->wev, c->tcp->idle);
	return 0;
}

/* Send the gathered answers: straight to the socket unless earlier answers
 * still wait (order matters), the rest kept for the write event. */
static int conn_flush(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	size_t len = tcp->batch_len;
	tcp->batch_len = 0;
	if (len == 0)
		return 0;
	size_t sent = 0;
	if (out_pending(c) == 0) {
		ssize_t n = send(c->fd, tcp->batch, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				return -errno;
			n = 0;
		}
		sent = (size_t)n;
	}
	if (sent < len)
		return out_keep(c, tcp->batch + sent, len - sent);
	return 0;
}

/* Answer every complete query in the input buffer, in order. Returns 0 or a
 * negative error (the connection is then closed). */
static int conn_process(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	const st_view_t *view = NULL;
	bool online = false;
	int ret = 0;
	size_t taken = 0;

	while (st_frame_held(&c->in) >= 2) {
		if (out_pending(c) + tcp->batch_len >= TCP_OUT_HIGH) {
			/* A client that does not read its answers does not get more. */
			c->throttled = true;
			event_del(c->rev);
			break;
		}
		const uint8_t *q;
		size_t qlen;
		if (!st_frame_next(&c->in, &q, &qlen))
			break;
		taken++;
		if (TCP_BATCH - tcp->batch_len < 2 + TCP_MSG_MAX && (ret = conn_flush(c)) < 0)
			break;
		if (!online) {
			rcu_thread_online();
			view = rcu_dereference(*tcp->viewp);
			online = true;
		}
		if (tcp->streamer.start &&
		    tcp->streamer.start(tcp->streamer.arg, view, q, qlen, &c->peer, &c->stream) > 0) {
			/* The answers before it go first; the rest waits for the end. */
			event_del(c->rev);
			event_add(c->wev, tcp->idle);
			break;
		}
		uint8_t *a = tcp->batch + tcp->batch_len;
		size_t n = st_answer(tcp->ctx, view, q, qlen, &c->peer, ST_TRANSPORT_TCP, a + 2,
				     TCP_MSG_MAX);
		if (n == 0)
			continue;
		a[0] = (uint8_t)(n >> 8);
		a[1] = (uint8_t)n;
		tcp->batch_len += 2 + n;
		tcp->answered++;
	}
	if (online)
		rcu_thread_offline();
	if (ret == 0)
		ret = conn_flush(c);
	else
		tcp->batch_len = 0;
	if (ret == 0)
		ret = st_frame_compact(&c->in);
	/* The clock of a message starts with its first byte: a new partial
	 * message (none was, or messages before it were answered) arms it,
	 * the same one still partial leaves it running. Nothing held, or
	 * reading paused by us (throttled, or a transfer going out): no clock. */
	if (st_frame_held(&c->in) == 0 || c->throttled || c->stream) {
		if (c->mev_armed)
			event_del(c->mev);
		c->mev_armed = false;
	} else if (!c->mev_armed || taken > 0) {
		event_add(c->mev, tcp->msg);
		c->mev_armed = true;
	}
	return ret;
}

static void conn_touch(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	if (TAILQ_LAST(&tcp->lru, conn_lru) != c) {
		TAILQ_REMOVE(&tcp->lru, c, lru);
		TAILQ_INSERT_TAIL(&tcp->lru, c, lru);
	}
}

static void conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	tcp_conn_t *c = arg;
	if (what & EV_TIMEOUT) {
		conn_free(c);
		return;
	}
	size_t room;
	uint8_t *tail = st_frame_tail(&c->in, &room);
	ssize_t n = recv(fd, tail, room, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		conn_free(c);
		return;
	}
	if (n == 0) {
		/* Half-close after the last query: send the answers first. */
		if (out_pending(c) == 0) {
			conn_free(c);
			return;
		}
		c->closing = true;
		event_del(c->rev);
		return;
	}
	st_frame_filled(&c->in, (size_t)n);
	conn_touch(c);
	if (conn_process(c) < 0)
		conn_free(c);
}

static void conn_msg_cb(evutil_socket_t fd, short what, void *arg)
{
	tcp_conn_t *c = arg;
	char str[ST_SOCKADDR_STRLEN];
	st_sockaddr_str(&c->peer, str, sizeof(str));
	st_log_debug("tcp, %s sent %zu bytes of a message and not the rest in time: closed", str,
		     st_frame_held(&c->in));
	conn_free(c);
}

/* The next messages of the connection's stream, while the socket takes
 * them whole, TCP_STREAM_BURST at most: the write event brings the rest.
 * After the last one, reading resumes through the write event too. */
static int conn_stream(tcp_conn_t *c)
{
	st_tcp_t *tcp = c->tcp;
	conn_touch(c);
	for (unsigned i = 0; i < TCP_STREAM_BURST && c->stream && out_pending(c) == 0; i++) {
		size_t len = 0;
		int more = tcp->streamer.next(c->stream, tcp->batch + 2, TCP_MSG_MAX, &len);
		if (more < 0)
			return more;
		tcp->batch[0] = (uint8_t)(len >> 8);
		tcp->batch[1] = (uint8_t)len;
		tcp->batch_len = 2 + len;
		if (more == 0) {
			tcp->streamer.release(c->stream);
			c->stream = NULL;
			c->throttled = true;
		}
		int ret = conn_flush(c);
		if (ret < 0)
			return ret;
	}
	event_add(c->wev, tcp->idle);
	return 0;
}

static void conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	tcp_conn_t *c = arg;
	if (what & EV_TIMEOUT) {
		conn_free(c);
		return;
	}
	if (out_pending(c) > 0) {
		ssize_t n =
		    send(fd, c->out + c->out_off, out_pending(c), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			conn_free(c);
			return;
		}
		c->out_off += (size_t)n;
		if (out_pending(c) > 0)
			return;
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > TCP_OUT_KEEP) {
		/* A burst is over: an idle connection does not hold its buffer. */
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	if (c->stream) {
		if (conn_stream(c) < 0)
			conn_free(c);
		return;
	}
	event_del(c->wev);
	if (c->closing) {
		conn_free(c);
		return;
	}
	if (c->throttled) {
		c->throttled = false;
		event_add(c->rev, c->tcp->idle);
		if (conn_process(c) < 0)
			conn_free(c);
	}
}

static void accept_cb(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	(void)lev;
	st_tcp_t *tcp = arg;

	uint32_t max = atomic_load_explicit(&tcp->max_clients, memory_order_relaxed);
	tcp_conn_t *oldest = TAILQ_FIRST(&tcp->lru);
	if (atomic_load_explicit(&tcp->clients, memory_order_relaxed) >= max && oldest) {
		char str[ST_SOCKADDR_STRLEN];
		st_sockaddr_str(&oldest->peer, str, sizeof(str));
		st_log_debug("tcp, connection limit %u reached, closing the least active (%s)", max,
			     str);
		conn_free(oldest);
	}

	tcp_conn_t *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->tcp = tcp;
	c->fd = fd;
	st_frame_init(&c->in);
	if (salen > 0 && (size_t)salen <= sizeof(c->peer.u.ss)) {
		memcpy(&c->peer.u.ss, sa, (size_t)salen);
		c->peer.len = (socklen_t)salen;
	}
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct event_base *base = st_loop_base(tcp->loop);
	c->rev = event_new(base, fd, EV_READ | EV_PERSIST, conn_read_cb, c);
	c->wev = event_new(base, fd, EV_WRITE | EV_PERSIST, conn_write_cb, c);
	c->mev = evtimer_new(base, conn_msg_cb, c);
	atomic_fetch_add_explicit(&tcp->clients, 1, memory_order_relaxed);
	TAILQ_INSERT_TAIL(&tcp->lru, c, lru);
	if (!c->rev || !c->wev || !c->mev || event_add(c->rev, tcp->idle) != 0)
		conn_free(c);
}

/* Timeouts are armed by the thread that runs the loop: a new timeout is
 * made there, and each connection takes it at its next read or write (idle)
 * or its next message. */
static int set_timeout(st_tcp_t *tcp, uint64_t ms, const struct timeval **out)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000),
			     .tv_usec = (suseconds_t)(ms % 1000) * 1000};
	/* A common timeout keeps rearming it on each read O(1); libevent keeps
	 * a few hundred distinct ones per loop, then says no. */
	const struct timeval *t = event_base_init_common_timeout(st_loop_base(tcp->loop), &tv);
	if (!t)
		return ST_ENOMEM;
	*out = t;
	return 0;
}

static void timeouts_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	st_tcp_t *tcp = arg;
	uint64_t ms = atomic_load_explicit(&tcp->idle_ms, memory_order_relaxed);
	if (set_timeout(tcp, ms, &tcp->idle) != 0)
		st_log_warn("tcp, cannot change the idle timeout to %llu ms, keeping the old one",
			    (unsigned long long)ms);
	ms = atomic_load_explicit(&tcp->msg_ms, memory_order_relaxed);
	if (set_timeout(tcp, ms, &tcp->msg) != 0)
		st_log_warn("tcp, cannot change the message timeout to %llu ms, keeping the old "
			    "one",
			    (unsigned long long)ms);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	st_tcp_t *tcp = arg;
	tcp->stopping = true;
}

/* Coalescing, as for UDP: in a steady stream of queries (the previous
 * iteration that answered something ended less than the window ago) and
 * short of a busy iteration, wait the window before polling again so that
 * the next wake-up finds several queries. A wake-up, with its system calls
 * and the client's wake-up by each answer, costs more than answering; the
 * price is at most the window of added latency (net/coalesce.h: a wait
 * that overran and found little pauses waiting). Light load (queries further apart than the
 * window) and heavy load never wait. */
#define TCP_BUSY 32

static void *tcp_main(void *arg)
{
	st_tcp_t *tcp = arg;
	struct event_base *base = st_loop_base(tcp->loop);
	uint64_t last = 0;
	st_coalesce_t coalesce = {0};
	rcu_register_thread();
	/* Offline while waiting for events; online only around st_answer(). */
	rcu_thread_offline();
	while (!tcp->stopping) {
		tcp->answered = 0;
		/* 1: nothing to wait for (no listener): the thread is done. */
		if (event_base_loop(base, EVLOOP_ONCE) != 0)
			break;
		st_coalesce_gathered(&coalesce, tcp->answered, TCP_BUSY - 1);
		uint64_t wait_ns = atomic_load_explicit(&tcp->coalesce_ns, memory_order_relaxed);
		if (tcp->answered == 0 || wait_ns == 0)
			continue;
		uint64_t now = st_mono_ns();
		if (tcp->answered < TCP_BUSY && now - last < wait_ns)
			st_coalesce_wait(&coalesce, wait_ns);
		last = now;
	}
	rcu_unregister_thread();
	return NULL;
}

int st_tcp_new(const st_sockaddr_t *listen, size_t n_listen, const st_tcp_limits_t *limits,
	       st_view_t *const *viewp, st_tcp_t **out, st_diag_t *diag)
{
	st_tcp_t *tcp = calloc(1, sizeof(*tcp));
	if (!tcp)
		return ST_ENOMEM;
	TAILQ_INIT(&tcp->lru);
	tcp->viewp = viewp;
	uint64_t idle = limits && limits->idle_timeout_ms ? limits->idle_timeout_ms : 10000;
	uint64_t msg = limits && limits->message_timeout_ms ? limits->message_timeout_ms : 2000;
	atomic_init(&tcp->max_clients, limits && limits->max_clients ? limits->max_clients : 1024);
	atomic_init(&tcp->coalesce_ns, limits ? limits->coalesce_us * 1000 : 0);
	atomic_init(&tcp->clients, 0);

	int ret = ST_ENOMEM;
	tcp->loop = st_loop_new();
	tcp->ctx = st_answer_ctx_new(st_sock_seed());
	tcp->listeners = calloc(n_listen ? n_listen : 1, sizeof(*tcp->listeners));
	if (!tcp->loop || !tcp->ctx || !tcp->listeners)
		goto fail;
	struct event_base *base = st_loop_base(tcp->loop);
	atomic_init(&tcp->idle_ms, idle);
	atomic_init(&tcp->msg_ms, msg);
	tcp->stop_ev = event_new(base, -1, 0, stop_cb, tcp);
	tcp->timeouts_ev = event_new(base, -1, 0, timeouts_cb, tcp);
	tcp->guard = st_accept_guard_new(base, "tcp");
	if (set_timeout(tcp, idle, &tcp->idle) != 0 || set_timeout(tcp, msg, &tcp->msg) != 0 ||
	    !tcp->stop_ev || !tcp->timeouts_ev || !tcp->guard)
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
		tcp->listeners[tcp->n_listeners++] = lev;
		if ((ret = st_accept_guard_watch(tcp->guard, lev)) != 0)
			goto fail;
	}
	*out = tcp;
	return 0;
fail:
	st_tcp_free(tcp);
	return ret;
}

void st_tcp_set_streamer(st_tcp_t *tcp, const st_tcp_streamer_t *streamer)
{
	tcp->streamer = *streamer;
}

void st_tcp_set_coalesce(st_tcp_t *tcp, uint64_t coalesce_us)
{
	if (tcp)
		atomic_store_explicit(&tcp->coalesce_ns, coalesce_us * 1000, memory_order_relaxed);
}

void st_tcp_set_timeouts(st_tcp_t *tcp, uint64_t idle_timeout_ms, uint64_t message_timeout_ms)
{
	if (!tcp)
		return;
	atomic_store_explicit(&tcp->idle_ms, idle_timeout_ms ? idle_timeout_ms : 10000,
			      memory_order_relaxed);
	atomic_store_explicit(&tcp->msg_ms, message_timeout_ms ? message_timeout_ms : 2000,
			      memory_order_relaxed);
	event_active(tcp->timeouts_ev, EV_READ, 0);
}

void st_tcp_set_max_clients(st_tcp_t *tcp, uint32_t max_clients)
{
	if (tcp)
		atomic_store_explicit(&tcp->max_clients, max_clients ? max_clients : 1024,
				      memory_order_relaxed);
}

int st_tcp_start(st_tcp_t *tcp, st_diag_t *diag)
{
	int err = st_thread_start(&tcp->tid, tcp_main, tcp);
	if (err != 0)
		return st_diag_set(diag, err, "tcp, cannot start thread (%s)", strerror(-err));
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
	while (!TAILQ_EMPTY(&tcp->lru))
		conn_free(TAILQ_FIRST(&tcp->lru));
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
	if (tcp->timeouts_ev)
		event_free(tcp->timeouts_ev);
	st_accept_guard_free(tcp->guard);
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
