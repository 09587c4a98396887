/* st_parse_u64: digits only, every boundary, and what is not a number. */
#include "config.h"

#include "common/errors.h"
#include "common/number.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_numbers(void **state)
{
	(void)state;
	uint64_t v = 7;
	assert_int_equal(st_parse_u64("0", 0, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(st_parse_u64("65535", UINT16_MAX, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(st_parse_u64("00053", UINT16_MAX, &v), 0);
	assert_int_equal(v, 53);
	assert_int_equal(st_parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_range(void **state)
{
	(void)state;
	uint64_t v = 7;
	assert_int_equal(st_parse_u64("65536", UINT16_MAX, &v), ST_ERANGE);
	assert_int_equal(st_parse_u64("129", 128, &v), ST_ERANGE);
	assert_int_equal(st_parse_u64("18446744073709551616", UINT64_MAX, &v), ST_ERANGE);
	assert_int_equal(st_parse_u64("99999999999999999999999", UINT64_MAX, &v), ST_ERANGE);
	assert_int_equal(v, 7); /* untouched */
}

static void test_not_numbers(void **state)
{
	(void)state;
	uint64_t v = 7;
	static const char *const bad[] = {"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.5", "１"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(st_parse_u64(bad[i], UINT64_MAX, &v), ST_EINVAL);
	assert_int_equal(st_parse_u64(NULL, UINT64_MAX, &v), ST_EINVAL);
	assert_int_equal(v, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_range),
	    cmocka_unit_test(test_not_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
