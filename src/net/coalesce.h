/* Coalescing waits (server.coalesce_us), one rule for the UDP and TCP
 * workers: a worker in a steady stream of small batches waits a moment
 * before it looks for queries again, so that one wake-up (a pair of system
 * calls and a context switch, dearer than an answer) serves several.
 *
 * The wait pays only while it is short. On a CPU other threads want, a
 * sleeping worker also waits for its turn to run again: 200 us become
 * milliseconds of latency, and fewer answers per second. So each wait is
 * timed, and one that overran (more than twice what was asked, plus
 * ST_COALESCE_SLACK_NS) turns waiting off for a pause: 100 ms, doubled
 * while waits keep overrunning, up to 1.6 s; a wait on time ends it. */
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
	uint64_t overruns;  /* waits that overran, for the record */
} st_coalesce_t;

/* May a worker wait at monotonic time now? */
static inline bool st_coalesce_may_wait(const st_coalesce_t *c, uint64_t now)
{
	return now >= c->off_until;
}

/* A wait of wait_ns asked at t0 lasted slept_ns: pause waiting if it overran. */
void st_coalesce_note(st_coalesce_t *c, uint64_t t0, uint64_t wait_ns, uint64_t slept_ns);

/* Wait wait_ns (0: not at all) unless waiting is paused. */
void st_coalesce_wait(st_coalesce_t *c, uint64_t wait_ns);

#endif
