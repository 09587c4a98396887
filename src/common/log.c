/* The one logger. Lines are written with a single write() so that threads do not interleave. */
#include "common/log.h"
#include "common/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static const char *log_ident = "steerdns";
static st_log_level_t log_level = ST_LOG_INFO;
static bool log_syslog;

static const char *const level_names[] = {
	[ST_LOG_ERR] = "error", [ST_LOG_WARNING] = "warning", [ST_LOG_NOTICE] = "notice",
	[ST_LOG_INFO] = "info", [ST_LOG_DEBUG] = "debug",
};

void st_log_init(const char *ident, st_log_level_t level, bool use_syslog)
{
	log_ident = ident ? ident : "steerdns";
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void st_log_set_level(st_log_level_t level)
{
	log_level = level;
}

st_log_level_t st_log_get_level(void)
{
	return log_level;
}

int st_log_level_parse(const char *s, st_log_level_t *out)
{
	for (int l = ST_LOG_ERR; l <= ST_LOG_DEBUG; l++) {
		if (strcmp(s, level_names[l]) == 0) {
			*out = (st_log_level_t)l;
			return 0;
		}
	}
	if (strcmp(s, "warn") == 0) {
		*out = ST_LOG_WARNING;
		return 0;
	}
	return ST_EINVAL;
}

void st_log(st_log_level_t level, const char *fmt, ...)
{
	if (level > log_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog((int)level, fmt, ap);
		va_end(ap);
		return;
	}
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d]: %s: ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, ts.tv_nsec / 1000000, log_ident, (int)getpid(),
			 level_names[level]);
	if (n < 0)
		n = 0;
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}
