/* For the other files of src/net/ only: the libevent base behind a loop. */
#ifndef ST_NET_EV_INTERNAL_H
#define ST_NET_EV_INTERNAL_H

#include "net/ev.h"

#include <event2/event.h>

struct event_base *st_loop_base(st_loop_t *loop);

/* accept.c: a group of listeners that pauses for a moment when accept()
 * fails (out of descriptors) instead of spinning on the error, logging at
 * most one line every few seconds. Free the guard after its listeners. */
struct evconnlistener;
typedef struct st_accept_guard st_accept_guard_t;
/* `what` names the group in log lines ("tcp", "control socket run/steerd.sock"). */
st_accept_guard_t *st_accept_guard_new(struct event_base *base, const char *what);
/* Watch a listener: its error callback becomes the guard's. */
int st_accept_guard_watch(st_accept_guard_t *g, struct evconnlistener *lev);
void st_accept_guard_free(st_accept_guard_t *g);

#endif
