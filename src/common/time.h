/* Clocks and durations. */
#ifndef ST_COMMON_TIME_H
#define ST_COMMON_TIME_H

#include <stdint.h>

#define ST_NS_PER_MS 1000000ULL
#define ST_NS_PER_SEC 1000000000ULL

/* CLOCK_MONOTONIC in nanoseconds: system-wide, so processes can compare it. */
uint64_t st_mono_ns(void);
/* CLOCK_REALTIME in nanoseconds since the epoch. */
uint64_t st_real_ns(void);

/* "2026-11-22T04:40:00Z" from st_real_ns(), "never" for 0. */
void st_real_fmt(uint64_t real_ns, char *buf, unsigned len);

/* Parse a duration: "250ms", "2s", "1.5s", "5m", "1h", "1d", or a bare
 * number of seconds. Returns 0 and sets *ms, or ST_EINVAL. */
int st_duration_parse(const char *s, uint64_t *ms);
/* Format milliseconds as a short duration ("1.5s", "250ms", "2h"). */
void st_duration_fmt(uint64_t ms, char *buf, unsigned len);

#endif
