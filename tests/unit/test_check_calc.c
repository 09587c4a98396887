/* Calculated health: the endpoint's state from its checks' states for
 * healthy_when all, any and N, with up, down and unknown checks, and
 * inverted checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "check/calc.h"

#define U ST_HEALTH_UP
#define D ST_HEALTH_DOWN
#define K ST_HEALTH_UNKNOWN

static void test_invert(void **state)
{
	assert_int_equal(st_calc_check(U, false), U);
	assert_int_equal(st_calc_check(D, false), D);
	assert_int_equal(st_calc_check(K, false), K);
	assert_int_equal(st_calc_check(U, true), D);
	assert_int_equal(st_calc_check(D, true), U);
	/* no verdict yet stays no verdict: a probe that has not run is not a failure */
	assert_int_equal(st_calc_check(K, true), K);
}

/* Every combination of three checks, against the rule written out by
 * counting: up when at least `need` are up, down when fewer than `need`
 * could be, unknown otherwise. */
static void test_truth_table_three(void **state)
{
	static const st_health_state_t v[3] = {U, D, K};
	static const struct {
		uint32_t need;
		const char *name;
	} rules[] = {{3, "all"}, {1, "any"}, {2, "2"}};
	for (size_t r = 0; r < 3; r++)
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				for (int c = 0; c < 3; c++) {
					st_health_state_t s[3] = {v[a], v[b], v[c]};
					unsigned up = (a == 0) + (b == 0) + (c == 0);
					unsigned unk = (a == 2) + (b == 2) + (c == 2);
					uint32_t need = rules[r].need;
					st_health_state_t want = up >= need	   ? U
								 : up + unk < need ? D
										   : K;
					assert_int_equal(st_calc_state(s, 3, need), want);
				}
}

/* The rows an operator reasons with, spelled out. */
static void test_truth_table_rows(void **state)
{
	/* all of two */
	assert_int_equal(st_calc_state((st_health_state_t[]){U, U}, 2, 2), U);
	assert_int_equal(st_calc_state((st_health_state_t[]){U, D}, 2, 2), D);
	assert_int_equal(st_calc_state((st_health_state_t[]){D, D}, 2, 2), D);
	assert_int_equal(st_calc_state((st_health_state_t[]){U, K}, 2, 2), K);
	assert_int_equal(st_calc_state((st_health_state_t[]){D, K}, 2, 2), D);
	assert_int_equal(st_calc_state((st_health_state_t[]){K, K}, 2, 2), K);
	/* any of two */
	assert_int_equal(st_calc_state((st_health_state_t[]){U, D}, 2, 1), U);
	assert_int_equal(st_calc_state((st_health_state_t[]){D, D}, 2, 1), D);
	assert_int_equal(st_calc_state((st_health_state_t[]){D, K}, 2, 1), K);
	assert_int_equal(st_calc_state((st_health_state_t[]){U, K}, 2, 1), U);
	/* 2 of 4 */
	assert_int_equal(st_calc_state((st_health_state_t[]){U, D, D, U}, 4, 2), U);
	assert_int_equal(st_calc_state((st_health_state_t[]){U, D, D, D}, 4, 2), D);
	assert_int_equal(st_calc_state((st_health_state_t[]){U, D, D, K}, 4, 2), K);
	/* a single check is its own state */
	assert_int_equal(st_calc_state((st_health_state_t[]){U}, 1, 1), U);
	assert_int_equal(st_calc_state((st_health_state_t[]){D}, 1, 1), D);
	assert_int_equal(st_calc_state((st_health_state_t[]){K}, 1, 1), K);
	/* need 0 is any; more than there are checks is never up */
	assert_int_equal(st_calc_state((st_health_state_t[]){D, U}, 2, 0), U);
	assert_int_equal(st_calc_state((st_health_state_t[]){U, U}, 2, 3), D);
}

/* Inverted checks go through st_calc_check first: "web up and not in
 * maintenance" is web plus an inverted maintenance check, all needed. */
static void test_inverted_in_a_list(void **state)
{
	static const st_health_state_t v[3] = {U, D, K};
	for (int web = 0; web < 3; web++)
		for (int maint = 0; maint < 3; maint++) {
			st_health_state_t s[2] = {st_calc_check(v[web], false),
						  st_calc_check(v[maint], true)};
			st_health_state_t got = st_calc_state(s, 2, 2);
			st_health_state_t want;
			if (v[web] == D || v[maint] == U)
				want = D; /* web failing, or the maintenance page is there */
			else if (v[web] == U && v[maint] == D)
				want = U;
			else
				want = K;
			assert_int_equal(got, want);
		}
	/* any of: a check or an inverted one */
	st_health_state_t s[2] = {st_calc_check(D, false), st_calc_check(D, true)};
	assert_int_equal(st_calc_state(s, 2, 1), U);
	s[1] = st_calc_check(U, true);
	assert_int_equal(st_calc_state(s, 2, 1), D);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invert),
	    cmocka_unit_test(test_truth_table_three),
	    cmocka_unit_test(test_truth_table_rows),
	    cmocka_unit_test(test_inverted_in_a_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
