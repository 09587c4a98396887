/* The status page's pieces: HTML escaping of names from the config, the
 * history ring (reloads, traffic samples) and the traffic split sampler
 * across reloads that add, remove and reorder regions. */
#include "config.h"

#include "common/buf.h"
#include "common/errors.h"
#include "common/ring.h"
#include "status/split.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void html_is(const char *in, const char *want)
{
	st_buf_t b;
	st_buf_init(&b);
	st_buf_html(&b, in);
	assert_false(b.oom);
	assert_string_equal(b.data ? b.data : "", want);
	st_buf_free(&b);
}

static void test_html_escape(void **state)
{
	(void)state;
	html_is("", "");
	html_is("us-east-1", "us-east-1");
	html_is("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	html_is("a&b \"c\"", "a&amp;b &quot;c&quot;");
	html_is("&amp;", "&amp;amp;");
	/* UTF-8 passes as it is; control characters become U+FFFD. */
	html_is("z\xc3\xbcrich", "z\xc3\xbcrich");
	html_is("a\x01"
		"b\x7f"
		"c",
		"a\xef\xbf\xbd"
		"b\xef\xbf\xbd"
		"c");
	html_is("tab\tnew\nline", "tab\tnew\nline");
}

typedef struct entry {
	int v;
	char pad[13];
} entry_t;

static void test_ring(void **state)
{
	(void)state;
	st_ring_t r;
	assert_int_equal(st_ring_init(&r, 0, 8), ST_EINVAL);
	assert_int_equal(st_ring_init(&r, 3, sizeof(entry_t)), 0);
	assert_int_equal(st_ring_len(&r), 0);
	assert_null(st_ring_get(&r, 0));
	for (int i = 1; i <= 5; i++) {
		entry_t *e = st_ring_push(&r);
		assert_non_null(e);
		assert_int_equal(e->v, 0); /* a reused slot comes back zeroed */
		e->v = i;
		assert_int_equal(st_ring_len(&r), i < 3 ? (size_t)i : 3);
		assert_int_equal(((const entry_t *)st_ring_get(&r, 0))->v, i);
	}
	/* Newest first: 5, 4, 3; the two oldest went. */
	assert_int_equal(((const entry_t *)st_ring_get(&r, 1))->v, 4);
	assert_int_equal(((const entry_t *)st_ring_get(&r, 2))->v, 3);
	assert_null(st_ring_get(&r, 3));
	st_ring_free(&r);
	assert_null(st_ring_push(&r));
	assert_int_equal(st_ring_len(&r), 0);
	st_ring_free(&r);
}

#define S(n) ((uint64_t)(n)*1000000000ULL)

static size_t col(const st_split_t *s, const char *name)
{
	size_t c = st_split_find(s, name);
	assert_int_not_equal(c, SIZE_MAX);
	assert_string_equal(st_split_region(s, c), name);
	return c;
}

static void test_split_intervals(void **state)
{
	(void)state;
	assert_null(st_split_new(0));
	st_split_t *s = st_split_new(3);
	assert_non_null(s);
	const char *names[] = {"east", "west"};
	uint64_t t[] = {100, 7};
	/* The first sample only starts the first interval. */
	assert_int_equal(st_split_sample(s, S(10), names, t, 2), 0);
	assert_int_equal(st_split_intervals(s), 0);
	assert_int_equal(st_split_regions(s), 2);
	assert_int_equal(st_split_last_ns(s), S(10));
	assert_int_equal(st_split_pending(s, col(s, "east"), 130), 30);
	for (int i = 1; i <= 4; i++) {
		t[0] += 10 * (uint64_t)i;
		t[1] += 1;
		assert_int_equal(st_split_sample(s, S(10 + 10 * i), names, t, 2), 0);
	}
	/* Three intervals kept, the newest first. */
	assert_int_equal(st_split_intervals(s), 3);
	uint64_t end, span;
	st_split_interval(s, 0, &end, &span);
	assert_int_equal(end, S(50));
	assert_int_equal(span, S(10));
	assert_int_equal(st_split_count(s, 0, col(s, "east")), 40);
	assert_int_equal(st_split_count(s, 1, col(s, "east")), 30);
	assert_int_equal(st_split_count(s, 2, col(s, "east")), 20);
	assert_int_equal(st_split_count(s, 2, col(s, "west")), 1);
	assert_int_equal(st_split_count(s, 3, 0), 0);
	assert_int_equal(st_split_count(s, 0, 9), 0);
	assert_int_equal(st_split_pending(s, col(s, "west"), t[1] + 5), 5);
	/* A clock that does not move on adds no interval. */
	assert_int_equal(st_split_sample(s, S(50), names, t, 2), 0);
	assert_int_equal(st_split_intervals(s), 3);
	st_split_free(s);
	st_split_free(NULL);
}

static void test_split_reload(void **state)
{
	(void)state;
	st_split_t *s = st_split_new(4);
	const char *before[] = {"east", "west", "north"};
	uint64_t tb[] = {10, 20, 0};
	assert_int_equal(st_split_sample(s, S(1), before, tb, 3), 0);
	tb[0] = 15, tb[1] = 30, tb[2] = 0;
	assert_int_equal(st_split_sample(s, S(10), before, tb, 3), 0);

	/* A reload reorders, removes north (no answers) and west (answers
	 * kept), adds south: west stays after the current regions while
	 * an interval counts answers for it; north goes. */
	const char *after[] = {"south", "east"};
	uint64_t ta[] = {4, 21};
	assert_int_equal(st_split_sample(s, S(20), after, ta, 2), 0);
	assert_int_equal(st_split_regions(s), 3);
	assert_int_equal(col(s, "south"), 0);
	assert_int_equal(col(s, "east"), 1);
	assert_int_equal(col(s, "west"), 2);
	assert_int_equal(st_split_find(s, "north"), SIZE_MAX);
	/* Counts moved with their names. */
	assert_int_equal(st_split_count(s, 1, col(s, "east")), 5);
	assert_int_equal(st_split_count(s, 1, col(s, "west")), 10);
	assert_int_equal(st_split_count(s, 0, col(s, "east")), 6);
	/* A new name starts counting at its first sample. */
	assert_int_equal(st_split_count(s, 0, col(s, "south")), 0);
	assert_int_equal(st_split_count(s, 0, col(s, "west")), 0);
	ta[0] = 9, ta[1] = 21;
	assert_int_equal(st_split_sample(s, S(30), after, ta, 2), 0);
	assert_int_equal(st_split_count(s, 0, col(s, "south")), 5);
	/* Once the interval with west's answers is out of the ring, west goes. */
	for (int i = 4; i <= 6; i++)
		assert_int_equal(st_split_sample(s, S(10 * i), after, ta, 2), 0);
	assert_int_equal(st_split_intervals(s), 4);
	assert_int_equal(st_split_find(s, "west"), SIZE_MAX);
	assert_int_equal(st_split_regions(s), 2);
	/* A total below the last one (a name gone and back) counts from zero. */
	ta[1] = 3;
	assert_int_equal(st_split_sample(s, S(70), after, ta, 2), 0);
	assert_int_equal(st_split_count(s, 0, col(s, "east")), 3);
	/* No regions at all. */
	assert_int_equal(st_split_sample(s, S(80), NULL, NULL, 0), 0);
	assert_int_equal(st_split_regions(s), 1); /* east's 3 answers are still kept */
	st_split_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html_escape),
	    cmocka_unit_test(test_ring),
	    cmocka_unit_test(test_split_intervals),
	    cmocka_unit_test(test_split_reload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
