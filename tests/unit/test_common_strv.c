/* st_strv_dup and st_strv_free: copies that own their strings, the empty
 * array, NULL (leaks show under the sanitizer build). */
#include "config.h"

#include "common/strv.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_dup(void **state)
{
	(void)state;
	const char *v[] = {"127.0.0.1@5353", "", "example.test."};
	char **copy = st_strv_dup(v, 3);
	assert_non_null(copy);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(copy[i], v[i]);
		assert_ptr_not_equal(copy[i], v[i]);
	}
	st_strv_free(copy, 3);
}

static void test_empty(void **state)
{
	(void)state;
	char **copy = st_strv_dup(NULL, 0);
	assert_non_null(copy); /* no strings is not "out of memory" */
	st_strv_free(copy, 0);
	st_strv_free(NULL, 0);
	st_strv_free(NULL, 5);
}

/* An array filled in part (a failure half way): the count says how many. */
static void test_partial(void **state)
{
	(void)state;
	char **v = calloc(4, sizeof(*v));
	assert_non_null(v);
	v[0] = strdup("a");
	v[1] = strdup("b");
	st_strv_free(v, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dup),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_partial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
