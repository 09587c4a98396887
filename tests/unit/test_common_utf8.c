/* Well-formed UTF-8 (common/utf8.h) and the escapes of common/buf.h that
 * rely on it: whatever bytes go in, what comes out is UTF-8 a strict JSON
 * parser takes. */
#include "common/buf.h"
#include "common/utf8.h"

#include <jansson.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static size_t len_of(const char *s)
{
	return st_utf8_len((const unsigned char *)s);
}

static void test_len(void **state)
{
	(void)state;
	assert_int_equal(len_of(""), 0);
	assert_int_equal(len_of("a"), 1);
	assert_int_equal(len_of("\x7f"), 1);
	assert_int_equal(len_of("\xc3\xa9"), 2);	 /* é */
	assert_int_equal(len_of("\xe2\x82\xac"), 3);	 /* € */
	assert_int_equal(len_of("\xf0\x9f\x98\x80"), 4); /* U+1F600 */
	assert_int_equal(len_of("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
	assert_int_equal(len_of("\xed\x9f\xbf"), 3);	 /* U+D7FF */
	assert_int_equal(len_of("\xee\x80\x80"), 3);	 /* U+E000 */
	/* not well formed */
	assert_int_equal(len_of("\x80"), 0); /* a continuation byte alone */
	assert_int_equal(len_of("\xbf"), 0);
	assert_int_equal(len_of("\xc0\xaf"), 0); /* overlong '/' */
	assert_int_equal(len_of("\xc1\xbf"), 0);
	assert_int_equal(len_of("\xe0\x80\xaf"), 0);	 /* overlong, 3 bytes */
	assert_int_equal(len_of("\xf0\x80\x80\xaf"), 0); /* overlong, 4 bytes */
	assert_int_equal(len_of("\xed\xa0\x80"), 0);	 /* surrogate U+D800 */
	assert_int_equal(len_of("\xed\xbf\xbf"), 0);	 /* surrogate U+DFFF */
	assert_int_equal(len_of("\xf4\x90\x80\x80"), 0); /* U+110000 */
	assert_int_equal(len_of("\xf5\x80\x80\x80"), 0);
	assert_int_equal(len_of("\xff"), 0);
	assert_int_equal(len_of("\xc3"), 0); /* cut short at the NUL */
	assert_int_equal(len_of("\xe2\x82"), 0);
	assert_int_equal(len_of("\xe2\x82x"), 0);
	assert_int_equal(len_of("\xf0\x9f\x98"), 0);
}

static void test_copy(void **state)
{
	(void)state;
	char out[8];
	assert_int_equal(st_utf8_copy(out, sizeof(out), "abc"), 3);
	assert_string_equal(out, "abc");
	/* bytes that start nothing well formed become '?' */
	assert_int_equal(st_utf8_copy(out, sizeof(out),
				      "a\xff\x80"
				      "b"),
			 4);
	assert_string_equal(out, "a??b");
	/* cut before a character that does not fit whole: 7 bytes of room */
	assert_int_equal(st_utf8_copy(out, sizeof(out), "abcde\xe2\x82\xac"), 5);
	assert_string_equal(out, "abcde");
	assert_int_equal(st_utf8_copy(out, sizeof(out), "abcd\xe2\x82\xac!"), 7);
	assert_string_equal(out, "abcd\xe2\x82\xac");
	assert_int_equal(st_utf8_copy(out, sizeof(out), "0123456789"), 7);
	assert_string_equal(out, "0123456");
	assert_int_equal(st_utf8_copy(out, 1, "abc"), 0);
	assert_string_equal(out, "");
	/* a sequence cut short by the end of the text */
	assert_int_equal(st_utf8_copy(out, sizeof(out), "ab\xf0\x9f\x98"), 5);
	assert_string_equal(out, "ab???");
}

/* Every byte value in every position: the JSON literal parses back, and
 * what was well formed comes back unchanged. */
static void test_json_any_bytes(void **state)
{
	(void)state;
	char in[8];
	st_buf_t b;
	st_buf_init(&b);
	for (unsigned x = 1; x < 256; x++) {
		for (unsigned y = 0; y < 256; y += 17) {
			snprintf(in, sizeof(in), "%c%c\xc3\xa9", (char)x, (char)(y ? y : 'z'));
			st_buf_reset(&b);
			st_buf_json_str(&b, in);
			json_error_t err;
			json_t *j = json_loads(b.data, JSON_DECODE_ANY, &err);
			if (!json_is_string(j))
				fail_msg("0x%02x 0x%02x: %s: %s", x, y, b.data, err.text);
			const char *back = json_string_value(j);
			size_t n = st_utf8_len((const unsigned char *)in);
			if (n == 0)
				assert_memory_equal(back, "\xef\xbf\xbd", 3);
			else
				assert_memory_equal(back, in, n);
			/* the é at the end always survives */
			assert_string_equal(back + strlen(back) - 2, "\xc3\xa9");
			json_decref(j);
		}
	}
	st_buf_free(&b);
}

static void test_escapes(void **state)
{
	(void)state;
	st_buf_t b;
	st_buf_init(&b);
	st_buf_json_str(&b, "a\"b\\c\n\x01\t\x7f\xc3\xa9\xc3");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\\t\x7f\xc3\xa9\xef\xbf\xbd\"");
	st_buf_reset(&b);
	st_buf_html(&b, "<a href='x'>&\"\x01\t\n\x7f\xe2\x82\xac\xe2\x82</a>");
	assert_string_equal(b.data, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xef\xbf\xbd\t\n"
				    "\xef\xbf\xbd\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd&lt;/a&gt;");
	st_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_len),
	    cmocka_unit_test(test_copy),
	    cmocka_unit_test(test_json_any_bytes),
	    cmocka_unit_test(test_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
