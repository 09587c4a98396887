/* st_hex_decode: both cases, and every way text can fail to be bytes. */
#include "config.h"

#include "common/errors.h"
#include "common/hex.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_decode(void **state)
{
	(void)state;
	uint8_t out[4];
	assert_int_equal(st_hex_decode("00fF41", 6, out, sizeof(out)), 3);
	assert_memory_equal(out, "\0\377A", 3);
	assert_int_equal(st_hex_decode("", 0, out, sizeof(out)), 0);
	assert_int_equal(st_hex_decode("a1b2c3d4", 8, out, 4), 4);
	assert_memory_equal(out, "\241\262\303\324", 4);
}

static void test_refused(void **state)
{
	(void)state;
	uint8_t out[4];
	assert_int_equal(st_hex_decode("abc", 3, out, sizeof(out)), ST_EINVAL);	 /* odd */
	assert_int_equal(st_hex_decode("0g", 2, out, sizeof(out)), ST_EINVAL);	 /* not hex */
	assert_int_equal(st_hex_decode(" 01", 2, out, sizeof(out)), ST_EINVAL); /* space */
	assert_int_equal(st_hex_decode("0102030405", 10, out, 4), ST_EINVAL);	 /* too long */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
