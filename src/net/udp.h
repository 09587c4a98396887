/* UDP workers: threads that each own a SO_REUSEPORT socket per listen
 * address and answer recvmmsg batches from the current view (RCU, QSBR). */
#ifndef ST_NET_UDP_H
#define ST_NET_UDP_H

#include "answer/view.h"
#include "common/errors.h"
#include "common/sockaddr.h"

#include <stddef.h>

struct st_answer_ctx;

typedef struct st_udp st_udp_t;

/* Open and bind `workers` sockets on each address (one thread per socket).
 * `viewp` points at the RCU-protected current view; it must outlive the
 * workers. Bind errors name the address. */
/* coalesce_us: after a batch of 2 .. half a batch of queries, wait this
 * long before receiving again (0: never wait). */
int st_udp_new(const st_sockaddr_t *listen, size_t n_listen, unsigned workers,
	       unsigned coalesce_us, st_view_t *const *viewp, st_udp_t **out, st_diag_t *diag);
/* Change the wait while the threads run (a reload of server.coalesce_us). */
void st_udp_set_coalesce(st_udp_t *udp, unsigned coalesce_us);
/* Start the threads (signals are blocked in them). */
int st_udp_start(st_udp_t *udp, st_diag_t *diag);
/* Stop the threads and wait for them (bounded: sockets are shut down). */
void st_udp_stop(st_udp_t *udp);
/* Stops first if needed; accepts NULL. */
void st_udp_free(st_udp_t *udp);

/* One answer context per thread (counters for stats and metrics). */
size_t st_udp_ctx_count(const st_udp_t *udp);
struct st_answer_ctx *st_udp_ctx(st_udp_t *udp, size_t i);

#endif
