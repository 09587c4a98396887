/* Rise/fall hysteresis and the RTT average, driven by a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "check/hyst.h"
#include "common/time.h"

#include <string.h>

static uint64_t now;

static bool feed(st_health_rec_t *h, bool ok, uint32_t rise, uint32_t fall)
{
	now += 2 * ST_NS_PER_SEC;
	return st_hyst_update(h, ok, 1000, rise, fall, now);
}

static void test_unknown_counts_as_up(void **state)
{
	st_health_rec_t h;
	memset(&h, 0, sizeof(h));
	now = 0;
	/* A success from unknown is up at once: it was already treated as up. */
	assert_true(feed(&h, true, 3, 3));
	assert_int_equal(h.state, ST_HEALTH_UP);
	assert_int_equal(h.flaps, 0);
	assert_int_equal(h.last_change_ns, now);

	/* From unknown, going down takes `fall` failures like from up. */
	memset(&h, 0, sizeof(h));
	assert_false(feed(&h, false, 2, 3));
	assert_false(feed(&h, false, 2, 3));
	assert_int_equal(h.state, ST_HEALTH_UNKNOWN);
	assert_true(feed(&h, false, 2, 3));
	assert_int_equal(h.state, ST_HEALTH_DOWN);
	assert_int_equal(h.flaps, 0);
}

static void test_rise_fall(void **state)
{
	st_health_rec_t h;
	memset(&h, 0, sizeof(h));
	now = 0;
	feed(&h, true, 2, 3);
	uint64_t up_at = now;
	/* Two failures, then a success: the streak resets, still up. */
	assert_false(feed(&h, false, 2, 3));
	assert_false(feed(&h, false, 2, 3));
	assert_false(feed(&h, true, 2, 3));
	assert_int_equal(h.state, ST_HEALTH_UP);
	assert_int_equal(h.last_change_ns, up_at);
	/* Three in a row: down, on the third. */
	assert_false(feed(&h, false, 2, 3));
	assert_false(feed(&h, false, 2, 3));
	assert_int_equal(h.failures, 2);
	assert_true(feed(&h, false, 2, 3));
	assert_int_equal(h.state, ST_HEALTH_DOWN);
	assert_int_equal(h.failures, 3);
	assert_int_equal(h.successes, 0);
	assert_int_equal(h.flaps, 1);
	uint64_t down_at = now;
	assert_int_equal(h.last_change_ns, down_at);
	/* More failures change nothing. */
	assert_false(feed(&h, false, 2, 3));
	assert_int_equal(h.last_change_ns, down_at);
	/* One success is not enough to rise, a failure resets it. */
	assert_false(feed(&h, true, 2, 3));
	assert_false(feed(&h, false, 2, 3));
	assert_false(feed(&h, true, 2, 3));
	assert_int_equal(h.state, ST_HEALTH_DOWN);
	assert_true(feed(&h, true, 2, 3));
	assert_int_equal(h.state, ST_HEALTH_UP);
	assert_int_equal(h.flaps, 2);
	assert_int_equal(h.last_check_ns, now);
}

static void test_rise_fall_one(void **state)
{
	st_health_rec_t h;
	memset(&h, 0, sizeof(h));
	now = 0;
	/* rise = fall = 1 (and 0 behaves as 1): every result decides. */
	assert_true(feed(&h, false, 1, 1));
	assert_int_equal(h.state, ST_HEALTH_DOWN);
	assert_true(feed(&h, true, 0, 0));
	assert_true(feed(&h, false, 0, 0));
	assert_true(feed(&h, true, 1, 1));
	assert_int_equal(h.flaps, 3);
}

static void test_rtt_ewma(void **state)
{
	st_health_rec_t h;
	memset(&h, 0, sizeof(h));
	st_hyst_update(&h, true, 4000, 2, 2, 1);
	assert_int_equal(h.rtt_us, 4000); /* first sample taken as is */
	st_hyst_update(&h, true, 8000, 2, 2, 2);
	assert_int_equal(h.rtt_us, 5000); /* 3/4 old + 1/4 new */
	/* Failures do not move the average. */
	st_hyst_update(&h, false, 900000, 2, 2, 3);
	assert_int_equal(h.rtt_us, 5000);
	for (int i = 0; i < 60; i++)
		st_hyst_update(&h, true, 1000, 2, 2, 4 + (uint64_t)i);
	assert_true(h.rtt_us >= 1000 && h.rtt_us <= 1010);
	/* A zero-time probe still records that an RTT exists. */
	memset(&h, 0, sizeof(h));
	st_hyst_update(&h, true, 0, 2, 2, 1);
	assert_true(h.rtt_us > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unknown_counts_as_up),
	    cmocka_unit_test(test_rise_fall),
	    cmocka_unit_test(test_rise_fall_one),
	    cmocka_unit_test(test_rtt_ewma),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
