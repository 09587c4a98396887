/* Clocks and durations. */
#include "common/time.h"
#include "common/errors.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t st_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * ST_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t st_real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * ST_NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void st_real_fmt(uint64_t real_ns, char *buf, unsigned len)
{
	if (real_ns == 0) {
		snprintf(buf, len, "never");
		return;
	}
	time_t t = (time_t)(real_ns / ST_NS_PER_SEC);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int st_duration_parse(const char *s, uint64_t *ms)
{
	if (!s || !*s)
		return ST_EINVAL;
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0 || !isfinite(v))
		return ST_EINVAL;
	double mult;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0)
		mult = 60000;
	else if (strcmp(end, "h") == 0)
		mult = 3600000;
	else if (strcmp(end, "d") == 0)
		mult = 86400000;
	else
		return ST_EINVAL;
	double r = v * mult;
	if (r > 1e15)
		return ST_EINVAL;
	*ms = (uint64_t)llround(r);
	return 0;
}

void st_duration_fmt(uint64_t ms, char *buf, unsigned len)
{
	if (ms == 0)
		snprintf(buf, len, "0s");
	else if (ms % 86400000 == 0)
		snprintf(buf, len, "%llud", (unsigned long long)(ms / 86400000));
	else if (ms % 3600000 == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(ms / 3600000));
	else if (ms % 60000 == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(ms / 60000));
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
	else if (ms > 1000)
		snprintf(buf, len, "%.3gs", (double)ms / 1000.0);
	else
		snprintf(buf, len, "%llums", (unsigned long long)ms);
}
