/* Coalescing waits (server.coalesce_us), one rule for the UDP and TCP
 * workers: a worker in a steady stream of small batches waits a moment
 * before it looks for queries again, so that one wake-up (a pair of system
 * calls and a context switch, dearer than an answer) serves several.
 *
 * On a CPU other threads want, a sleeping worker also waits for its turn to
 * run again: 200 us can become milliseconds. Such a wait still pays when it
 * gathered a full batch (a busy server: the answers per wake-up are what
 * saves CPU at full rate); it only adds latency when the batch after it is
 * still small. So each wait is timed, and one that overran (more than
 * twice what was asked, plus ST_COALESCE_SLACK_NS) and then gathered a
 * small batch turns waiting off for a pause: 100 ms, doubled while that
 * keeps happening, up to 1.6 s; a wait on time, or one that gathered a
 * full batch, ends the doubling. */
#ifndef ST_NET_COALESCE_H
#define ST_NET_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#define ST_COALESCE_SLACK_NS 100000ull
#define ST_COALESCE_PAUSE_NS 100000000ull
#define ST_COALESCE_PAUSE_MAX_NS 1600000000ull

typedef struct st_coalesce {
	uint64_t off_until; /* monotonic ns: no waiting before this */
	uint64_t pause_ns;  /* the pause after the next overrun; 0: none yet */
	uint64_t overruns;  /* overran waits that paused waiting, for the record */
	uint64_t overran;   /* monotonic ns: the end of a wait that overran, until the
			     * batch after it is known (st_coalesce_gathered); 0: none */
} st_coalesce_t;

/* May a worker wait at monotonic time now? */
static inline bool st_coalesce_may_wait(const st_coalesce_t *c, uint64_t now)
{
	return now >= c->off_until;
}

/* A wait of wait_ns asked at t0 lasted slept_ns. */
void st_coalesce_note(st_coalesce_t *c, uint64_t t0, uint64_t wait_ns, uint64_t slept_ns);
/* The worker's next batch had n queries (0: none); small: the most that
 * counts as a small batch. After a wait that overran, a small batch pauses
 * waiting. */
void st_coalesce_gathered(st_coalesce_t *c, unsigned n, unsigned small);

/* Wait wait_ns (0: not at all) unless waiting is paused. */
void st_coalesce_wait(st_coalesce_t *c, uint64_t wait_ns);

#endif
