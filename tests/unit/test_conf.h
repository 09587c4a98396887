/* Shared by the config tests: each runs in a temporary folder where
 * load_text() writes "t.yaml", so messages read "t.yaml:LINE:COL: ...". */
#ifndef ST_TESTS_UNIT_TEST_CONF_H
#define ST_TESTS_UNIT_TEST_CONF_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/log.h"
#include "conf/conf.h"
#include "conf/load.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char srcdir[PATH_MAX];
static char tmpdir[64];
static char olddir[PATH_MAX];

static inline void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load YAML text as "t.yaml" in the test's temporary folder. */
static inline int load_text(const char *yaml, st_conf_t **conf, st_diag_t *diag)
{
	write_file("t.yaml", yaml);
	st_diag_clear(diag);
	*conf = NULL;
	return st_conf_load("t.yaml", conf, diag);
}

/* snprintf that fails the test instead of truncating. */
static inline void fmt(char *buf, size_t len, const char *f, ...)
    __attribute__((format(printf, 3, 4)));
static inline void fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < len);
}

static inline void data_path(char *buf, size_t len, const char *rel)
{
	fmt(buf, len, "%s/%s", srcdir, rel);
}

static inline int group_setup(void **state)
{
	const char *top = getenv("top_srcdir");
	if (!getcwd(olddir, sizeof(olddir)))
		return -1;
	if (!top)
		top = "..";
	if (!realpath(top, srcdir))
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	if (!mkdtemp(tmpdir) || chdir(tmpdir) != 0)
		return -1;
	st_log_init("test_conf", ST_LOG_WARNING, false);
	return 0;
}

static inline int group_teardown(void **state)
{
	unlink("t.yaml");
	unlink("stderr.txt");
	if (chdir(olddir) != 0)
		return -1;
	rmdir(tmpdir);
	return 0;
}

static inline const char *addr4(const uint8_t a[4], char *buf)
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

static inline const char *addr6(const uint8_t a[16], char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

#endif
