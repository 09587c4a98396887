/* The one logger: lines to stderr (or syslog), lower case, context first. */
#ifndef ST_COMMON_LOG_H
#define ST_COMMON_LOG_H

#include <stdbool.h>

typedef enum {
	ST_LOG_ERR = 3,
	ST_LOG_WARNING = 4,
	ST_LOG_NOTICE = 5,
	ST_LOG_INFO = 6,
	ST_LOG_DEBUG = 7,
} st_log_level_t;

/* Configure the logger: program name, lowest level printed, syslog or stderr. */
void st_log_init(const char *ident, st_log_level_t level, bool use_syslog);
void st_log_set_level(st_log_level_t level);
st_log_level_t st_log_get_level(void);
/* Parse "error|warning|notice|info|debug"; returns 0 or ST_EINVAL. */
int st_log_level_parse(const char *s, st_log_level_t *out);

void st_log(st_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define st_log_err(...) st_log(ST_LOG_ERR, __VA_ARGS__)
#define st_log_warn(...) st_log(ST_LOG_WARNING, __VA_ARGS__)
#define st_log_notice(...) st_log(ST_LOG_NOTICE, __VA_ARGS__)
#define st_log_info(...) st_log(ST_LOG_INFO, __VA_ARGS__)
#define st_log_debug(...) st_log(ST_LOG_DEBUG, __VA_ARGS__)

#endif
