/* Shared health table: seqlock under a writer thread and hammering readers,
 * validation of damaged files, reattach, generation bump, writer lock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "health/table.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_health_tmp.h"

/* Every field of a record derived from one counter: a torn read mixes two. */
static void rec_from(uint32_t c, st_health_rec_t *r)
{
	memset(r, 0, sizeof(*r));
	r->state = (c & 1) ? ST_HEALTH_UP : ST_HEALTH_DOWN;
	r->rtt_us = c * 3u;
	r->successes = c;
	r->failures = ~c;
	r->flaps = c ^ 0x5a5a5a5au;
	r->last_check_ns = (uint64_t)c * 7u;
	r->last_change_ns = (uint64_t)c * 11u + 1;
	snprintf(r->error, sizeof(r->error), "counter %u and some padding text to span words %u", c,
		 c);
}

static bool rec_consistent(const st_health_rec_t *r)
{
	st_health_rec_t want;
	rec_from(r->successes, &want);
	return r->state == want.state && r->rtt_us == want.rtt_us && r->failures == want.failures &&
	       r->flaps == want.flaps && r->last_check_ns == want.last_check_ns &&
	       r->last_change_ns == want.last_change_ns && strcmp(r->error, want.error) == 0;
}

#define HAMMER_SLOTS 4
static atomic_bool hammer_stop;

static void *writer_main(void *arg)
{
	st_healthtab_t *w = arg;
	st_health_rec_t r;
	for (uint32_t c = 1; !atomic_load(&hammer_stop); c++) {
		rec_from(c, &r);
		st_healthtab_write(w, c % HAMMER_SLOTS, &r);
	}
	return NULL;
}

typedef struct {
	st_healthtab_t *r;
	unsigned long reads, torn, busy;
} reader_arg_t;

static void *reader_main(void *arg)
{
	reader_arg_t *a = arg;
	st_health_rec_t rec;
	while (!atomic_load(&hammer_stop)) {
		for (uint32_t s = 0; s < HAMMER_SLOTS; s++) {
			int rc = st_healthtab_read(a->r, s, &rec);
			if (rc == ST_EAGAIN) {
				a->busy++;
				continue;
			}
			a->reads++;
			if (rec.successes != 0 && !rec_consistent(&rec))
				a->torn++;
		}
	}
	return NULL;
}

static void test_seqlock_hammer(void **state)
{
	const char *names[HAMMER_SLOTS] = {"a", "b", "c", "d"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, names, HAMMER_SLOTS, &w, &diag), 0);
	reader_arg_t ra[3];
	pthread_t rt[3], wt;
	atomic_store(&hammer_stop, false);
	for (int i = 0; i < 3; i++) {
		memset(&ra[i], 0, sizeof(ra[i]));
		/* Each reader maps the file itself, as steerd would. */
		assert_int_equal(st_healthtab_reader_open(path, &ra[i].r, &diag), 0);
		pthread_create(&rt[i], NULL, reader_main, &ra[i]);
	}
	pthread_create(&wt, NULL, writer_main, w);
	usleep(700 * 1000);
	atomic_store(&hammer_stop, true);
	pthread_join(wt, NULL);
	unsigned long reads = 0, torn = 0;
	for (int i = 0; i < 3; i++) {
		pthread_join(rt[i], NULL);
		reads += ra[i].reads;
		torn += ra[i].torn;
		st_healthtab_close(ra[i].r);
	}
	print_message("seqlock: %lu consistent reads, %lu torn\n", reads, torn);
	assert_true(reads > 1000);
	assert_int_equal(torn, 0);
	st_healthtab_close(w);
}

static void write_file(const void *data, size_t len)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* A valid table image with two slots, to be damaged by the tests. */
static void *valid_image(size_t *len)
{
	const char *names[2] = {"x", "y"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	unlink(path);
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	st_healthtab_close(w);
	int fd = open(path, O_RDONLY);
	struct stat sb;
	fstat(fd, &sb);
	*len = (size_t)sb.st_size;
	void *buf = malloc(*len);
	assert_int_equal(read(fd, buf, *len), (ssize_t)*len);
	close(fd);
	return buf;
}

static void expect_reject(int want)
{
	st_healthtab_t *r = NULL;
	st_diag_t diag;
	int rc = st_healthtab_reader_open(path, &r, &diag);
	assert_int_equal(rc, want);
	assert_null(r);
}

static void test_validation(void **state)
{
	size_t len;
	unsigned char *img = valid_image(&len);
	st_healthtab_t *r = NULL;
	st_diag_t diag;
	assert_int_equal(len, sizeof(st_healthtab_header_t) + 2 * sizeof(st_healthtab_slot_t));

	unlink(path);
	expect_reject(ST_ENOENT);

	write_file(img, len);
	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	assert_int_equal(st_healthtab_count(r), 2);
	assert_string_equal(st_healthtab_name(r, 1), "y");
	assert_int_equal(st_healthtab_find(r, "y"), 1);
	assert_int_equal(st_healthtab_find(r, "z"), UINT32_MAX);
	st_healthtab_close(r);

	write_file(img, 0); /* empty */
	expect_reject(ST_ECORRUPT);
	write_file(img, 60); /* half a header */
	expect_reject(ST_ECORRUPT);
	write_file(img, len - 1); /* last slot cut short */
	expect_reject(ST_ECORRUPT);

	unsigned char *bad = malloc(len);
	memcpy(bad, img, len);
	bad[0] ^= 0xff; /* magic */
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	memcpy(bad, img, len);
	((st_healthtab_header_t *)bad)->version = ST_HEALTHTAB_VERSION + 1;
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	memcpy(bad, img, len);
	((st_healthtab_header_t *)bad)->version = 0;
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	memcpy(bad, img, len);
	((st_healthtab_header_t *)bad)->slot_size = 128;
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	memcpy(bad, img, len);
	((st_healthtab_header_t *)bad)->n_slots = 3; /* more slots than the file holds */
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	memcpy(bad, img, len);
	((st_healthtab_header_t *)bad)->n_slots = 0xffffffffu;
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	memcpy(bad, img, len);
	st_healthtab_slot_t *s = (void *)(bad + sizeof(st_healthtab_header_t));
	memset(s[0].name, 'n', sizeof(s[0].name)); /* name without NUL */
	write_file(bad, len);
	expect_reject(ST_ECORRUPT);

	/* Garbage of many sizes must be rejected without crashing. */
	unsigned seed = 12345;
	for (int i = 0; i < 200; i++) {
		size_t n = (size_t)(rand_r(&seed) % (len * 2));
		for (size_t k = 0; k < n && k < len; k++)
			bad[k] = (unsigned char)rand_r(&seed);
		write_file(bad, n < len ? n : len);
		expect_reject(ST_ECORRUPT);
	}

	/* A directory in the way. */
	unlink(path);
	mkdir(path, 0755);
	assert_true(st_healthtab_reader_open(path, &r, &diag) < 0);
	rmdir(path);

	/* The writer replaces a damaged file instead of trusting it. */
	memcpy(bad, img, len);
	bad[0] ^= 0xff;
	write_file(bad, len);
	const char *names[1] = {"fresh"};
	st_healthtab_t *w = NULL;
	assert_int_equal(st_healthtab_writer_open(path, names, 1, &w, &diag), 0);
	assert_int_equal(st_healthtab_count(w), 1);
	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	assert_string_equal(st_healthtab_name(r, 0), "fresh");
	st_healthtab_close(r);
	st_healthtab_close(w);
	free(bad);
	free(img);
}

static void test_reattach_generation(void **state)
{
	const char *ab[2] = {"a", "b"};
	const char *bc[2] = {"b", "c"};
	st_healthtab_t *w = NULL, *r = NULL, *r2 = NULL;
	st_diag_t diag;
	st_health_rec_t rec;
	unlink(path);
	assert_int_equal(st_healthtab_writer_open(path, ab, 2, &w, &diag), 0);
	uint64_t gen = st_healthtab_generation(w);
	assert_int_equal(st_healthtab_pid(w), getpid());
	memset(&rec, 0, sizeof(rec));
	rec.state = ST_HEALTH_DOWN;
	rec.failures = 3;
	snprintf(rec.error, sizeof(rec.error), "http 500");
	st_healthtab_write(w, 1, &rec);
	rec.state = ST_HEALTH_UP;
	st_healthtab_write(w, 0, &rec);
	st_healthtab_heartbeat(w, 42);

	/* A second writer is refused while the first holds the table. */
	st_healthtab_t *w2 = NULL;
	assert_int_equal(st_healthtab_writer_open(path, ab, 2, &w2, &diag), ST_EEXIST);
	assert_non_null(strstr(diag.text, "in use"));

	st_healthtab_writer_detach(w);
	st_healthtab_close(w);

	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	assert_int_equal(st_healthtab_pid(r), 0);
	assert_false(st_healthtab_changed(r));

	/* Restart with the same endpoints: same file, same generation, states kept. */
	assert_int_equal(st_healthtab_writer_open(path, ab, 2, &w, &diag), 0);
	assert_int_equal(st_healthtab_generation(w), gen);
	assert_false(st_healthtab_changed(r));
	assert_int_equal(st_healthtab_read(r, 1, &rec), 0);
	assert_int_equal(rec.state, ST_HEALTH_DOWN);
	assert_string_equal(rec.error, "http 500");
	st_healthtab_close(w);

	/* The endpoint set changes: new file, generation bumped, b carried over. */
	assert_int_equal(st_healthtab_writer_open(path, bc, 2, &w, &diag), 0);
	assert_int_equal(st_healthtab_generation(w), gen + 1);
	assert_true(st_healthtab_changed(r));
	assert_int_equal(st_healthtab_reader_open(path, &r2, &diag), 0);
	assert_int_equal(st_healthtab_generation(r2), gen + 1);
	assert_int_equal(st_healthtab_find(r2, "a"), UINT32_MAX);
	uint32_t b = st_healthtab_find(r2, "b"), c = st_healthtab_find(r2, "c");
	assert_int_equal(b, 0);
	assert_int_equal(c, 1);
	assert_int_equal(st_healthtab_read(r2, b, &rec), 0);
	assert_int_equal(rec.state, ST_HEALTH_DOWN);
	assert_int_equal(rec.failures, 3);
	assert_int_equal(st_healthtab_read(r2, c, &rec), 0);
	assert_int_equal(rec.state, ST_HEALTH_UNKNOWN);
	assert_false(st_healthtab_changed(r2));

	/* No temporary file left behind. */
	char tmp[400];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(access(tmp, F_OK), -1);

	/* Removing the file is a change too. */
	unlink(path);
	assert_true(st_healthtab_changed(r2));
	st_healthtab_close(r);
	st_healthtab_close(r2);
	st_healthtab_close(w);
}

/* Read or write the file's header or a slot in place, as another writer
 * (an older layout) would have left them. */
static void file_io(off_t at, void *buf, size_t len, bool write)
{
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	ssize_t n = write ? pwrite(fd, buf, len, at) : pread(fd, buf, len, at);
	assert_int_equal(n, (ssize_t)len);
	close(fd);
}
#define SLOT_AT(i) ((off_t)(sizeof(st_healthtab_header_t) + (i) * sizeof(st_healthtab_slot_t)))

/* A writer reattaching to the file takes it over as the current layout. */
static void reattach_takes_over(const char *const *names, size_t n)
{
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	st_healthtab_header_t h;
	assert_int_equal(st_healthtab_writer_open(path, names, n, &w, &diag), 0);
	file_io(0, &h, sizeof(h), false);
	assert_int_equal(h.version, ST_HEALTHTAB_VERSION);
	st_healthtab_writer_detach(w);
	st_healthtab_close(w);
}

/* Layout 2 carries a fleet's votes and mode; a layout-1 file (zeros where
 * they go) is read as "no fleet", and a writer reattaching takes it over. */
static void test_fleet_fields(void **state)
{
	const char *names[] = {"a", "b"};
	st_healthtab_t *w = NULL, *r = NULL;
	st_diag_t diag;
	unlink(path);
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	st_health_rec_t rec = {.state = ST_HEALTH_UP, .local = ST_HEALTH_DOWN, .votes_up = 2,
			       .voters = 3};
	st_healthtab_write(w, 1, &rec);
	st_health_fleet_t f = {.mode = ST_FLEET_KEPT,
			       .vantages = 3,
			       .etcd_ok_ns = 42,
			       .mode_since_ns = 43,
			       .watch_lag_ms = 7};
	st_healthtab_set_fleet(w, &f);
	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	st_health_rec_t got;
	assert_int_equal(st_healthtab_read(r, 1, &got), 0);
	assert_int_equal(got.state, ST_HEALTH_UP);
	assert_int_equal(got.local, ST_HEALTH_DOWN);
	assert_int_equal(got.votes_up, 2);
	assert_int_equal(got.voters, 3);
	st_health_fleet_t back;
	st_healthtab_fleet(r, &back);
	assert_int_equal(back.mode, ST_FLEET_KEPT);
	assert_int_equal(back.vantages, 3);
	assert_int_equal(back.etcd_ok_ns, 42);
	assert_int_equal(back.mode_since_ns, 43);
	assert_int_equal(back.watch_lag_ms, 7);
	assert_string_equal(st_fleet_mode_name(back.mode), "kept");
	st_healthtab_close(r);
	st_healthtab_writer_detach(w);
	st_healthtab_close(w);

	/* the same file as layout 1 wrote it: version 1, zeros past the old fields */
	st_healthtab_header_t h;
	file_io(0, &h, sizeof(h), false);
	h.version = 1;
	atomic_store(&h.fleet_mode, 0);
	atomic_store(&h.fleet_vantages, 0);
	file_io(0, &h, sizeof(h), true);
	st_healthtab_slot_t slot;
	file_io(SLOT_AT(1), &slot, sizeof(slot), false);
	atomic_store(&slot.local, 0);
	atomic_store(&slot.votes_up, 0);
	atomic_store(&slot.voters, 0);
	file_io(SLOT_AT(1), &slot, sizeof(slot), true);
	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	assert_int_equal(st_healthtab_read(r, 1, &got), 0);
	assert_int_equal(got.state, ST_HEALTH_UP);
	assert_int_equal(got.voters, 0);
	st_healthtab_fleet(r, &back);
	assert_int_equal(back.mode, ST_FLEET_NONE);
	st_healthtab_close(r);
	reattach_takes_over(names, 2);
}

/* Layout 3 carries the states of an endpoint's checks; a layout-2 file
 * (zeros there) reads as "not said", a count past the limit is capped, and
 * a writer reattaching takes the file over as layout 3. */
static void test_check_states(void **state)
{
	const char *names[] = {"a", "b"};
	st_healthtab_t *w = NULL, *r = NULL;
	st_diag_t diag;
	unlink(path);
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	st_health_rec_t rec = {.state = ST_HEALTH_DOWN, .n_checks = 3};
	st_health_set_check_state(&rec, 0, ST_HEALTH_UP);
	st_health_set_check_state(&rec, 1, ST_HEALTH_DOWN);
	st_health_set_check_state(&rec, 2, ST_HEALTH_UNKNOWN);
	st_health_set_check_state(&rec, 1, ST_HEALTH_DOWN); /* set twice: no bits left over */
	st_healthtab_write(w, 0, &rec);
	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	st_health_rec_t got;
	assert_int_equal(st_healthtab_read(r, 0, &got), 0);
	assert_int_equal(got.n_checks, 3);
	assert_int_equal(st_health_check_state(&got, 0), ST_HEALTH_UP);
	assert_int_equal(st_health_check_state(&got, 1), ST_HEALTH_DOWN);
	assert_int_equal(st_health_check_state(&got, 2), ST_HEALTH_UNKNOWN);
	assert_int_equal(st_health_check_state(&got, 3), ST_HEALTH_UNKNOWN); /* past the count */
	/* the last of 32 checks has its own two bits */
	rec.n_checks = ST_HEALTH_MAX_CHECKS;
	st_health_set_check_state(&rec, ST_HEALTH_MAX_CHECKS - 1, ST_HEALTH_DOWN);
	st_healthtab_write(w, 1, &rec);
	assert_int_equal(st_healthtab_read(r, 1, &got), 0);
	assert_int_equal(st_health_check_state(&got, ST_HEALTH_MAX_CHECKS - 1), ST_HEALTH_DOWN);
	assert_int_equal(st_health_check_state(&got, 0), ST_HEALTH_UP);
	st_healthtab_close(r);
	st_healthtab_writer_detach(w);
	st_healthtab_close(w);

	/* the same file as layout 2 wrote it: version 2, zeros past its fields;
	 * then a count no writer of ours gives, and a pair of bits set to 3 */
	st_healthtab_header_t h;
	file_io(0, &h, sizeof(h), false);
	h.version = 2;
	file_io(0, &h, sizeof(h), true);
	st_healthtab_slot_t slot;
	file_io(SLOT_AT(0), &slot, sizeof(slot), false);
	atomic_store(&slot.n_checks, 0);
	atomic_store(&slot.check_states, 0);
	file_io(SLOT_AT(0), &slot, sizeof(slot), true);
	file_io(SLOT_AT(1), &slot, sizeof(slot), false);
	atomic_store(&slot.n_checks, 1000);
	atomic_store(&slot.check_states, 3);
	file_io(SLOT_AT(1), &slot, sizeof(slot), true);
	assert_int_equal(st_healthtab_reader_open(path, &r, &diag), 0);
	assert_int_equal(st_healthtab_read(r, 0, &got), 0);
	assert_int_equal(got.state, ST_HEALTH_DOWN);
	assert_int_equal(got.n_checks, 0);
	assert_int_equal(st_health_check_state(&got, 0), ST_HEALTH_UNKNOWN);
	assert_int_equal(st_healthtab_read(r, 1, &got), 0);
	assert_int_equal(got.n_checks, ST_HEALTH_MAX_CHECKS);
	assert_int_equal(st_health_check_state(&got, 0), ST_HEALTH_UNKNOWN);
	st_healthtab_close(r);
	reattach_takes_over(names, 2);
}

static void test_long_name(void **state)
{
	char name[ST_HEALTHTAB_NAME_MAX + 4];
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	const char *names[1] = {name};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	unlink(path);
	assert_int_equal(st_healthtab_writer_open(path, names, 1, &w, &diag), ST_EINVAL);
	assert_null(w);
	assert_int_equal(access(path, F_OK), -1);
}

/* Anything but a regular file at the path is refused at once, without
 * blocking (open() of a FIFO waits for a writer), by reader and writer; the
 * writer puts a table in its place. An alarm fails the test if it blocks. */
static void test_not_regular(void **state)
{
	static const char *const names[1] = {"e0"};
	alarm(10);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	st_healthtab_t *t = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_reader_open(path, &t, &diag), ST_ECORRUPT);
	assert_null(t);
	assert_non_null(strstr(diag.text, "a FIFO, not a regular file"));
	assert_int_equal(st_healthtab_writer_open(path, names, 1, &t, &diag), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	st_healthtab_close(t);
	/* a folder, and a device */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(st_healthtab_reader_open(path, &t, &diag), ST_ECORRUPT);
	assert_non_null(strstr(diag.text, "a folder, not a regular file"));
	rmdir(path);
	assert_int_equal(symlink("/dev/null", path), 0);
	assert_int_equal(st_healthtab_reader_open(path, &t, &diag), ST_ECORRUPT);
	assert_non_null(strstr(diag.text, "a character device, not a regular file"));
	unlink(path);
	alarm(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seqlock_hammer),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_reattach_generation),
	    cmocka_unit_test(test_fleet_fields),
	    cmocka_unit_test(test_check_states),
	    cmocka_unit_test(test_long_name),
	    cmocka_unit_test(test_not_regular),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
