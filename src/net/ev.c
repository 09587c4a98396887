/* The event loop over libevent. */
#include "net/ev_internal.h"
#include "common/errors.h"

#include <event2/thread.h>
#include <pthread.h>
#include <stdlib.h>

struct st_loop {
	struct event_base *base;
};

struct st_ev {
	struct event *ev;
	st_ev_cb_t cb;
	void *arg;
};

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;

static void threads_init(void)
{
	/* Lets st_loop_break() and event additions come from other threads. */
	evthread_use_pthreads();
}

st_loop_t *st_loop_new(void)
{
	pthread_once(&threads_once, threads_init);
	st_loop_t *loop = calloc(1, sizeof(*loop));
	if (!loop)
		return NULL;
	loop->base = event_base_new();
	if (!loop->base) {
		free(loop);
		return NULL;
	}
	return loop;
}

void st_loop_free(st_loop_t *loop)
{
	if (!loop)
		return;
	/* A bufferevent freed while one of its deferred callbacks waits (a stop
	 * ended the turn that queued it) is only released by that callback:
	 * one more turn without waiting lets it run, where event_base_free
	 * would drop it and leak the bufferevent. The owners of every other
	 * event have freed them by now. */
	event_base_loop(loop->base, EVLOOP_NONBLOCK);
	event_base_free(loop->base);
	free(loop);
}

struct event_base *st_loop_base(st_loop_t *loop)
{
	return loop->base;
}

int st_loop_run(st_loop_t *loop)
{
	return event_base_dispatch(loop->base) < 0 ? ST_EIO : 0;
}

int st_loop_run_once(st_loop_t *loop)
{
	return event_base_loop(loop->base, EVLOOP_NONBLOCK | EVLOOP_ONCE) < 0 ? ST_EIO : 0;
}

void st_loop_break(st_loop_t *loop)
{
	event_base_loopbreak(loop->base);
}

/* ST_EV_* flags and libevent's, side by side. */
static const struct {
	short st, ev;
} ev_flags[] = {
    {ST_EV_TIMEOUT, EV_TIMEOUT}, {ST_EV_READ, EV_READ},	    {ST_EV_WRITE, EV_WRITE},
    {ST_EV_SIGNAL, EV_SIGNAL},	 {ST_EV_PERSIST, EV_PERSIST},
};

/* A mask of libevent's flags as ST_EV_* flags (to_st), or the reverse. */
static short ev_flags_map(short what, bool to_st)
{
	short out = 0;
	for (size_t i = 0; i < sizeof(ev_flags) / sizeof(ev_flags[0]); i++)
		if (what & (to_st ? ev_flags[i].ev : ev_flags[i].st))
			out |= to_st ? ev_flags[i].st : ev_flags[i].ev;
	return out;
}

static void ev_trampoline(evutil_socket_t fd, short what, void *arg)
{
	st_ev_t *ev = arg;
	ev->cb((int)fd, ev_flags_map(what & ~EV_PERSIST, true), ev->arg);
}

static st_ev_t *ev_new(st_loop_t *loop, int fd, short flags, st_ev_cb_t cb, void *arg)
{
	st_ev_t *ev = calloc(1, sizeof(*ev));
	if (!ev)
		return NULL;
	ev->cb = cb;
	ev->arg = arg;
	ev->ev = event_new(loop->base, fd, flags, ev_trampoline, ev);
	if (!ev->ev) {
		free(ev);
		return NULL;
	}
	return ev;
}

static struct timeval ms_to_tv(uint64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000),
			     .tv_usec = (suseconds_t)((ms % 1000) * 1000)};
	return tv;
}

st_ev_t *st_ev_timer_new(st_loop_t *loop, bool persist, st_ev_cb_t cb, void *arg)
{
	return ev_new(loop, -1, persist ? EV_PERSIST : 0, cb, arg);
}

int st_ev_timer_start(st_ev_t *ev, uint64_t ms)
{
	struct timeval tv = ms_to_tv(ms);
	return event_add(ev->ev, &tv) == 0 ? 0 : ST_EIO;
}

st_ev_t *st_ev_io_new(st_loop_t *loop, int fd, short what, st_ev_cb_t cb, void *arg)
{
	short flags = ev_flags_map(what & (ST_EV_READ | ST_EV_WRITE | ST_EV_PERSIST), false);
	return ev_new(loop, fd, flags, cb, arg);
}

int st_ev_io_start(st_ev_t *ev, uint64_t timeout_ms)
{
	struct timeval tv = ms_to_tv(timeout_ms);
	return event_add(ev->ev, timeout_ms ? &tv : NULL) == 0 ? 0 : ST_EIO;
}

st_ev_t *st_ev_signal_new(st_loop_t *loop, int signo, st_ev_cb_t cb, void *arg)
{
	return ev_new(loop, signo, EV_SIGNAL | EV_PERSIST, cb, arg);
}

int st_ev_signal_start(st_ev_t *ev)
{
	return event_add(ev->ev, NULL) == 0 ? 0 : ST_EIO;
}

void st_ev_activate(st_ev_t *ev)
{
	event_active(ev->ev, EV_TIMEOUT, 0);
}

void st_ev_stop(st_ev_t *ev)
{
	if (ev)
		event_del(ev->ev);
}

bool st_ev_pending(const st_ev_t *ev)
{
	return ev && event_pending(ev->ev, EV_TIMEOUT | EV_READ | EV_WRITE | EV_SIGNAL, NULL);
}

void st_ev_free(st_ev_t *ev)
{
	if (!ev)
		return;
	event_free(ev->ev);
	free(ev);
}
