/* For the other files of src/net/ only: the libevent base behind a loop. */
#ifndef ST_NET_EV_INTERNAL_H
#define ST_NET_EV_INTERNAL_H

#include "net/ev.h"

#include <event2/event.h>

struct event_base *st_loop_base(st_loop_t *loop);

#endif
