/* Files a daemon reads at start and on reload: a FIFO, a folder or a device
 * at the path is refused or read with a bound, never waited on for ever. */
#include "config.h"

#include "common/file.h"
#include "common/time.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[] = "/tmp/steer-file.XXXXXX";

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	/* Each case ends well within this; a blocking open() would not. */
	alarm(30);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *path(const char *name)
{
	static char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void test_fopen_regular(void **state)
{
	FILE *w = fopen(path("plain"), "w");
	assert_non_null(w);
	fputs("hello\n", w);
	fclose(w);
	FILE *f = NULL;
	assert_int_equal(st_file_fopen(path("plain"), &f), 0);
	char line[16];
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "hello\n");
	fclose(f);
	assert_int_equal(st_file_fopen(path("missing"), &f), ST_ENOENT);
}

static void test_fopen_refuses(void **state)
{
	FILE *f = NULL;
	/* a FIFO with no writer: open() alone would block until one comes */
	assert_int_equal(mkfifo(path("fifo"), 0600), 0);
	assert_int_equal(st_file_fopen(path("fifo"), &f), ST_ENOTREG);
	assert_int_equal(st_file_fopen(dir, &f), ST_ENOTREG);
	assert_int_equal(st_file_fopen("/dev/null", &f), ST_ENOTREG);
	assert_null(f);
	assert_string_equal(st_strerror(ST_ENOTREG), "not a regular file");
	struct stat sb;
	int fd = st_file_open(path("fifo"), O_RDONLY, &sb);
	assert_true(fd >= 0);
	assert_string_equal(st_file_kind(sb.st_mode), "a FIFO");
	close(fd);
}

static void test_stream(void **state)
{
	/* a writer that stalls after some bytes: the reader gives up after the
	 * idle time instead of waiting for the rest */
	assert_int_equal(mkfifo(path("slow"), 0600), 0);
	struct stat sb;
	int fd = st_file_open(path("slow"), O_RDONLY, &sb);
	assert_true(fd >= 0);
	int w = open(path("slow"), O_WRONLY | O_NONBLOCK);
	assert_true(w >= 0);
	assert_int_equal(write(w, "abc", 3), 3);
	char *buf = NULL;
	size_t len = 0;
	uint64_t t0 = st_mono_ns();
	assert_int_equal(st_file_read_stream(fd, 1 << 20, 200, &buf, &len), ST_ETIMEDOUT);
	uint64_t took_ms = (st_mono_ns() - t0) / 1000000;
	assert_true(took_ms >= 150 && took_ms < 10000);
	/* the writer finishes: everything up to its close is read */
	assert_int_equal(write(w, "def", 3), 3);
	close(w);
	assert_int_equal(st_file_read_stream(fd, 1 << 20, 200, &buf, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "def", 3);
	free(buf);
	close(fd);
	/* a device that never ends stops at the bound */
	fd = st_file_open("/dev/zero", O_RDONLY, &sb);
	assert_true(fd >= 0);
	assert_int_equal(st_file_read_stream(fd, 100000, 200, &buf, &len), ST_ERANGE);
	close(fd);
	/* a FIFO nobody writes to is empty at once */
	assert_int_equal(mkfifo(path("idle"), 0600), 0);
	fd = st_file_open(path("idle"), O_RDONLY, &sb);
	assert_true(fd >= 0);
	assert_int_equal(st_file_read_stream(fd, 1 << 20, 5000, &buf, &len), 0);
	assert_int_equal(len, 0);
	free(buf);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fopen_regular),
	    cmocka_unit_test(test_fopen_refuses),
	    cmocka_unit_test(test_stream),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
