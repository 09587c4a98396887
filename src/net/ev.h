/* The event loop: the only libevent wrapper. Code outside src/net/ never
 * includes <event2/...>; it uses loops, timers, fd watchers and signals from
 * here (and the stream/HTTP helpers in net/). */
#ifndef ST_NET_EV_H
#define ST_NET_EV_H

#include <stdbool.h>
#include <stdint.h>

typedef struct st_loop st_loop_t;
typedef struct st_ev st_ev_t;

enum {
	ST_EV_TIMEOUT = 0x01,
	ST_EV_READ = 0x02,
	ST_EV_WRITE = 0x04,
	ST_EV_SIGNAL = 0x08,
	ST_EV_PERSIST = 0x10,
};

/* fd is -1 for timers; what is a mask of ST_EV_* that fired. */
typedef void (*st_ev_cb_t)(int fd, short what, void *arg);

st_loop_t *st_loop_new(void);
/* After every event of the loop is freed; runs what libevent itself still
 * has queued (deferred callbacks of freed bufferevents) first. */
void st_loop_free(st_loop_t *loop);
/* Run until st_loop_break() or no events remain. Returns 0 or a negative error. */
int st_loop_run(st_loop_t *loop);
/* Run once, without blocking (tests). */
int st_loop_run_once(st_loop_t *loop);
/* Safe from another thread and from callbacks. */
void st_loop_break(st_loop_t *loop);

/* Timer: fires once after ms (or every ms with persist). Not started until st_ev_timer_start. */
st_ev_t *st_ev_timer_new(st_loop_t *loop, bool persist, st_ev_cb_t cb, void *arg);
int st_ev_timer_start(st_ev_t *ev, uint64_t ms);
/* fd watcher: what = ST_EV_READ and/or ST_EV_WRITE, plus ST_EV_PERSIST. */
st_ev_t *st_ev_io_new(st_loop_t *loop, int fd, short what, st_ev_cb_t cb, void *arg);
/* Start watching; timeout_ms 0 = none (then ST_EV_TIMEOUT fires on expiry). */
int st_ev_io_start(st_ev_t *ev, uint64_t timeout_ms);
/* Signal handler run on the loop (persistent). */
st_ev_t *st_ev_signal_new(st_loop_t *loop, int signo, st_ev_cb_t cb, void *arg);
int st_ev_signal_start(st_ev_t *ev);
/* Run the event's callback on its loop soon, with what = ST_EV_TIMEOUT, even
 * if it is not started. Safe from other threads (wakes the loop). */
void st_ev_activate(st_ev_t *ev);
/* Stop an event (it may be started again). */
void st_ev_stop(st_ev_t *ev);
bool st_ev_pending(const st_ev_t *ev);
/* Stop and free; accepts NULL. */
void st_ev_free(st_ev_t *ev);

#endif
