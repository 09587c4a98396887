/* Persisted control state: round trip through the file, atomic replacement,
 * corrupt files, and dial ramps driven by a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl/ramp.h"
#include "ctl/state.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char path[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_ctl_state_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, ST_STATE_FILE);
	return 0;
}

static int teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_set_and_clear(void **state)
{
	st_ctl_state_t *st = st_ctl_state_new();
	assert_int_equal(st_ctl_state_set_endpoint(st, "use1-a", ST_OVERRIDE_DRAIN), 0);
	assert_int_equal(st_ctl_state_set_endpoint(st, "use1-b", ST_OVERRIDE_UP), 0);
	assert_int_equal(st_ctl_state_set_endpoint(st, "use1-a", ST_OVERRIDE_DOWN), 0);
	assert_int_equal(st->n_endpoints, 2);
	assert_int_equal(st_ctl_state_endpoint(st, "use1-a"), ST_OVERRIDE_DOWN);
	assert_int_equal(st_ctl_state_set_endpoint(st, "use1-a", ST_OVERRIDE_NONE), 0);
	assert_int_equal(st_ctl_state_endpoint(st, "use1-a"), ST_OVERRIDE_NONE);
	assert_int_equal(st->n_endpoints, 1);
	assert_int_equal(st_ctl_state_set_endpoint(st, "nope", ST_OVERRIDE_NONE), 0);

	assert_int_equal(st_ctl_state_set_region_drain(st, "us-east-2", true), 0);
	assert_int_equal(st_ctl_state_set_region_drain(st, "us-east-2", true), 0);
	assert_int_equal(st->n_regions, 1);
	assert_true(st_ctl_state_region_drained(st, "us-east-2"));
	assert_int_equal(st_ctl_state_set_region_drain(st, "us-east-2", false), 0);
	assert_false(st_ctl_state_region_drained(st, "us-east-2"));

	st_ramp_t r = {.from = 1, .to = 50, .start_ms = 1000, .duration_ms = 86400000};
	assert_int_equal(st_ctl_state_set_dial(st, "us-east-1", 1, &r), 0);
	assert_true(st_ctl_state_dial(st, "us-east-1")->ramping);
	assert_int_equal(st_ctl_state_set_dial(st, "us-east-1", 30, NULL), 0);
	assert_false(st_ctl_state_dial(st, "us-east-1")->ramping);
	assert_int_equal(st->n_dials, 1);
	st_ctl_state_clear_dial(st, "us-east-1");
	st_ctl_state_clear_dial(st, "us-east-1");
	assert_null(st_ctl_state_dial(st, "us-east-1"));
	assert_int_equal(st->n_dials, 0);
	st_ctl_state_free(st);
	st_ctl_state_free(NULL);
}

static void test_round_trip(void **state)
{
	st_ctl_state_t *st = st_ctl_state_new();
	st_ctl_state_set_endpoint(st, "use1-a", ST_OVERRIDE_DRAIN);
	st_ctl_state_set_endpoint(st, "use2-a", ST_OVERRIDE_DOWN);
	st_ctl_state_set_endpoint(st, "use2-b", ST_OVERRIDE_UP);
	st_ctl_state_set_region_drain(st, "eu-west-1", true);
	st_ctl_state_set_dial(st, "us-east-2", 40, NULL);
	st_ramp_t r = {.from = 1, .to = 50, .start_ms = 1790000000123ULL, .duration_ms = 86400000};
	st_ctl_state_set_dial(st, "us-east-1", 7, &r);
	assert_int_equal(st_ctl_state_note_stop(st, "us-east-2", 1790000000456ULL,
						"ramp 40% -> 90% over 1h stopped at 41%: unhealthy"),
			 0);
	assert_int_equal(st_ctl_state_note_stop(st, "nowhere", 1, "x"), ST_ENOENT);
	st_diag_t d;
	assert_int_equal(st_ctl_state_save(st, path, &d), 0);

	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0); /* renamed away */

	st_ctl_state_t *back = st_ctl_state_new();
	assert_int_equal(st_ctl_state_load(back, path, &d), 0);
	assert_int_equal(back->n_endpoints, 3);
	assert_int_equal(st_ctl_state_endpoint(back, "use1-a"), ST_OVERRIDE_DRAIN);
	assert_int_equal(st_ctl_state_endpoint(back, "use2-a"), ST_OVERRIDE_DOWN);
	assert_int_equal(st_ctl_state_endpoint(back, "use2-b"), ST_OVERRIDE_UP);
	assert_true(st_ctl_state_region_drained(back, "eu-west-1"));
	st_state_dial_t *dl = st_ctl_state_dial(back, "us-east-2");
	assert_non_null(dl);
	assert_int_equal(dl->dial, 40);
	assert_false(dl->ramping);
	assert_string_equal(dl->stopped, "ramp 40% -> 90% over 1h stopped at 41%: unhealthy");
	assert_int_equal(dl->stopped_ms, 1790000000456ULL);
	/* the next dial command forgets it */
	assert_int_equal(st_ctl_state_set_dial(back, "us-east-2", 45, NULL), 0);
	assert_null(st_ctl_state_dial(back, "us-east-2")->stopped);
	dl = st_ctl_state_dial(back, "us-east-1");
	assert_non_null(dl);
	assert_true(dl->ramping);
	assert_int_equal(dl->dial, 7);
	assert_int_equal(dl->ramp.from, 1);
	assert_int_equal(dl->ramp.to, 50);
	assert_int_equal(dl->ramp.start_ms, 1790000000123ULL);
	assert_int_equal(dl->ramp.duration_ms, 86400000);

	/* A temp file left by a crash before the rename is neither read nor
	 * in the way: the last complete file wins, the next save replaces it. */
	FILE *crash = fopen(tmp, "w");
	assert_non_null(crash);
	fputs("steerd-state 1\nendpoint half", crash);
	fclose(crash);
	assert_int_equal(st_ctl_state_load(back, path, &d), 0);
	assert_int_equal(back->n_endpoints, 3);
	assert_int_equal(st_ctl_state_save(st, path, &d), 0);
	assert_int_not_equal(access(tmp, F_OK), 0);

	/* Saving again replaces the file whole (an emptied state stays empty). */
	st_ctl_state_clear(st);
	assert_int_equal(st_ctl_state_save(st, path, &d), 0);
	assert_int_equal(st_ctl_state_load(back, path, &d), 0);
	assert_int_equal(back->n_endpoints + back->n_regions + back->n_dials, 0);
	st_ctl_state_free(st);
	st_ctl_state_free(back);
}

static void test_missing_and_unwritable(void **state)
{
	st_ctl_state_t *st = st_ctl_state_new();
	st_diag_t d;
	assert_int_equal(st_ctl_state_load(st, path, &d), 0); /* no file yet: empty */
	assert_int_equal(st->n_endpoints, 0);
	assert_true(st_ctl_state_save(st, "/nonexistent-dir/steerd.state", &d) < 0);
	assert_non_null(strstr(d.text, "/nonexistent-dir/steerd.state.tmp"));
	st_ctl_state_free(st);
}

static void expect_corrupt(const char *text, const char *diag_part)
{
	write_file(text);
	st_ctl_state_t *st = st_ctl_state_new();
	st_ctl_state_set_endpoint(st, "leftover", ST_OVERRIDE_DRAIN);
	st_diag_t d;
	assert_int_equal(st_ctl_state_load(st, path, &d), ST_EPARSE);
	if (!strstr(d.text, diag_part))
		fail_msg("diag '%s' lacks '%s'", d.text, diag_part);
	/* Nothing half-loaded. */
	assert_int_equal(st->n_endpoints + st->n_regions + st->n_dials, 0);
	st_ctl_state_free(st);
}

static void test_corrupt(void **state)
{
	expect_corrupt("garbage\n", "steerd.state:1: not a steerd state file");
	expect_corrupt("steerd-state 2\n", ":1: unsupported state file version");
	expect_corrupt("steerd-state 1\nendpoint a drain\nendpoint b sideways\n",
		       ":3: endpoint override must be drain, up or down");
	expect_corrupt("steerd-state 1\ndial r 101\n", ":2: dial must be 0-100");
	expect_corrupt("steerd-state 1\ndial r -1\n", ":2: dial must be 0-100");
	expect_corrupt("steerd-state 1\nramp r 5 1 50 123\n", ":2: unknown or malformed entry");
	expect_corrupt("steerd-state 1\nramp r 5 1 50 123 0\n", ":2: bad ramp");
	expect_corrupt("steerd-state 1\nwhat ever\n", ":2: unknown or malformed entry");
	expect_corrupt("steerd-state 1\nramp-stopped r 5 it stopped\n",
		       ":2: ramp-stopped for a region without a dial line before it");
	expect_corrupt("steerd-state 1\ndial r 5\nramp-stopped r soon it stopped\n",
		       ":3: bad ramp-stopped");
	expect_corrupt("steerd-state 1\ndial r 5\nramp-stopped r 12 \n", ":3: ramp-stopped without a text");
	/* A file cut short in the middle of a write never reaches here (rename),
	 * but a truncated header is still caught. */
	expect_corrupt("steerd-sta", ":1: not a steerd state file");
	char nul[] = "steerd-state 1\nendpoint a\0b drain\n";
	FILE *f = fopen(path, "w");
	fwrite(nul, 1, sizeof(nul) - 1, f);
	fclose(f);
	st_ctl_state_t *st = st_ctl_state_new();
	st_diag_t d;
	assert_int_equal(st_ctl_state_load(st, path, &d), ST_EPARSE);
	assert_non_null(strstr(d.text, ":2: NUL byte"));
	st_ctl_state_free(st);

	/* Comments and blank lines are fine; an empty file is an empty state. */
	write_file("steerd-state 1\n# note\n\nregion-drain x\n");
	st = st_ctl_state_new();
	assert_int_equal(st_ctl_state_load(st, path, &d), 0);
	assert_true(st_ctl_state_region_drained(st, "x"));
	write_file("");
	assert_int_equal(st_ctl_state_load(st, path, &d), 0);
	assert_int_equal(st->n_regions, 0);
	st_ctl_state_free(st);
}

static void test_ramp_value(void **state)
{
	/* The seed migration: 1% -> 50% over a day. */
	const uint64_t day = 86400000;
	st_ramp_t r = {.from = 1, .to = 50, .start_ms = 1000000, .duration_ms = day};
	assert_int_equal(st_ramp_value(&r, 0), 1);
	assert_int_equal(st_ramp_value(&r, 1000000), 1);
	assert_int_equal(st_ramp_value(&r, 1000000 + day / 2), 25); /* 24.5 steps done */
	assert_int_equal(st_ramp_value(&r, 1000000 + day - 1), 49);
	assert_int_equal(st_ramp_value(&r, 1000000 + day), 50);
	assert_int_equal(st_ramp_value(&r, 1000000 + 2 * day), 50);

	/* One step per whole percent: the next change is day/49 after the start. */
	uint64_t step = (day + 48) / 49;
	assert_int_equal(st_ramp_next_change_ms(&r, 1000000), step);
	assert_int_equal(st_ramp_value(&r, 1000000 + step - 1), 1);
	assert_int_equal(st_ramp_value(&r, 1000000 + step), 2);
	assert_int_equal(st_ramp_next_change_ms(&r, 1000000 + day), 0);

	/* Walking the whole ramp by its own next-change times visits every value. */
	uint64_t now = 1000000;
	uint32_t prev = st_ramp_value(&r, now), visits = 0;
	while (st_ramp_next_change_ms(&r, now) > 0 && visits < 1000) {
		now += st_ramp_next_change_ms(&r, now);
		uint32_t v = st_ramp_value(&r, now);
		assert_int_equal(v, prev + 1);
		prev = v;
		visits++;
	}
	assert_int_equal(prev, 50);
	assert_int_equal(visits, 49);

	/* Downward ramps. */
	st_ramp_t down = {.from = 100, .to = 0, .start_ms = 0, .duration_ms = 10000};
	assert_int_equal(st_ramp_value(&down, 5000), 50);
	assert_int_equal(st_ramp_value(&down, 9999), 1);
	assert_int_equal(st_ramp_value(&down, 10000), 0);
}

static void test_ramp_tick(void **state)
{
	st_ramp_t r = {.from = 10, .to = 60, .start_ms = 0, .duration_ms = 50000};
	uint32_t dial = 0;
	assert_int_equal(st_ramp_tick(&r, 20000, true, &dial), ST_RAMP_RUNNING);
	assert_int_equal(dial, 30);
	/* The region goes down mid-ramp: back to the starting dial. */
	assert_int_equal(st_ramp_tick(&r, 21000, false, &dial), ST_RAMP_ABORTED);
	assert_int_equal(dial, 10);
	assert_int_equal(st_ramp_tick(&r, 50000, true, &dial), ST_RAMP_DONE);
	assert_int_equal(dial, 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_set_and_clear),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_and_unwritable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	    cmocka_unit_test(test_ramp_value),
	    cmocka_unit_test(test_ramp_tick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
