/* Prometheus exposition helpers: HELP/TYPE lines, label value escaping,
 * rcode labels. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "metrics/metrics.h"

#include <string.h>

static void test_header(void **state)
{
	st_buf_t b;
	st_buf_init(&b);
	st_prom_header(&b, "steerdns_x_total", "counter", "Things.");
	assert_string_equal(b.data, "# HELP steerdns_x_total Things.\n"
				    "# TYPE steerdns_x_total counter\n");
	st_buf_free(&b);
}

static void test_label_escape(void **state)
{
	st_buf_t b;
	st_buf_init(&b);
	st_prom_label_value(&b, "a\"b\\c\nd");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\"");
	st_buf_reset(&b);
	st_prom_label_value(&b, "");
	assert_string_equal(b.data, "\"\"");
	st_buf_free(&b);
}

static void test_rcode_label(void **state)
{
	char buf[16];
	assert_string_equal(st_rcode_label(0, buf, sizeof(buf)), "NOERROR");
	assert_string_equal(st_rcode_label(3, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(st_rcode_label(10, buf, sizeof(buf)), "NOTZONE");
	assert_string_equal(st_rcode_label(12, buf, sizeof(buf)), "RCODE12");
	assert_string_equal(st_rcode_label(ST_STATS_RCODE_BADVERS, buf, sizeof(buf)), "BADVERS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_label_escape),
	    cmocka_unit_test(test_rcode_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
