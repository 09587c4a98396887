/* Canonical order and form (RFC 4034 6), neighbours of names (RFC 4471),
 * NSEC type bit maps (RFC 4034 4.1.2, the example of 4.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dns/canon.h"
#include "dns/name.h"
#include "dns/typemap.h"

#include <string.h>

static size_t w(const char *s, uint8_t *out)
{
	int n = st_name_from_str(s, out, ST_DNS_MAX_NAME);
	assert_true(n > 0);
	return (size_t)n;
}

/* RFC 4034 6.1: the example list, in canonical order. */
static void test_order_rfc_example(void **state)
{
	static const char *const sorted[] = {
	    "example.",		"a.example.",	   "yljkjljk.a.example.",
	    "Z.a.example.",	"zABC.a.EXAMPLE.", "z.example.",
	    "\\001.z.example.", "*.z.example.",	   "\\200.z.example.",
	};
	size_t n = sizeof(sorted) / sizeof(sorted[0]);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			uint8_t a[256], b[256];
			w(sorted[i], a);
			w(sorted[j], b);
			int c = st_name_canon_cmp(a, b);
			if (i < j)
				assert_true(c < 0);
			else if (i > j)
				assert_true(c > 0);
			else
				assert_int_equal(c, 0);
		}
	}
}

static void test_order_case_and_prefix(void **state)
{
	uint8_t a[256], b[256];
	w("WWW.Example.TEST.", a);
	w("www.example.test.", b);
	assert_int_equal(st_name_canon_cmp(a, b), 0);
	w("ab.test.", a);
	w("ab\\000.test.", b);
	assert_true(st_name_canon_cmp(a, b) < 0);
	/* A descendant sorts before a later sibling of its ancestor. */
	w("zz.ab.test.", a);
	w("ab\\000.test.", b);
	assert_true(st_name_canon_cmp(a, b) < 0);
	/* '[' sorts after 'Z' ('z' in canonical form: 0x7a > 0x5b). */
	w("[.test.", a);
	w("Z.test.", b);
	assert_true(st_name_canon_cmp(a, b) < 0);
}

static void test_rdata_canonical(void **state)
{
	/* MX 10 Mail.Example.TEST. -> lower case name, same length. */
	uint8_t rd[64], out[64];
	rd[0] = 0;
	rd[1] = 10;
	size_t n = w("Mail.Example.TEST.", rd + 2);
	assert_int_equal(st_rdata_canonical(15, rd, n + 2, out), 0);
	assert_memory_equal(out + 2, "\4mail\7example\4test", n);
	/* SOA: both names. */
	uint8_t soa[128];
	size_t o = w("NS.Test.", soa);
	o += w("Host.Test.", soa + o);
	memset(soa + o, 0xAB, 20);
	o += 20;
	assert_int_equal(st_rdata_canonical(6, soa, o, out), 0);
	assert_memory_equal(out, "\2ns\4test\0\4host\4test\0", 17);
	assert_int_equal(out[o - 1], 0xAB);
	/* NSEC keeps its case (RFC 6840 5.1); TXT is not touched. */
	n = w("Next.Test.", rd);
	assert_int_equal(st_rdata_canonical(47, rd, n, out), 0);
	assert_memory_equal(out, rd, n);
	assert_int_equal(st_rdata_canonical(16, (const uint8_t *)"\3ABC", 4, out), 0);
	assert_memory_equal(out, "\3ABC", 4);
	/* A name running past the RDATA is malformed. */
	assert_int_equal(st_rdata_canonical(2, (const uint8_t *)"\5ab", 3, out), -1);
	assert_int_equal(st_rdata_canonical(33, (const uint8_t *)"\0\1\0\2", 4, out), -1);
}

static void test_rdata_order(void **state)
{
	assert_true(st_rdata_canon_cmp((const uint8_t *)"\1\2", 2, (const uint8_t *)"\1\3", 2) < 0);
	assert_true(st_rdata_canon_cmp((const uint8_t *)"\1", 1, (const uint8_t *)"\1\0", 2) < 0);
	assert_int_equal(st_rdata_canon_cmp((const uint8_t *)"ab", 2, (const uint8_t *)"ab", 2), 0);
}

static void test_successor(void **state)
{
	uint8_t a[256], out[256];
	size_t n = w("a.example.", a);
	size_t m = st_name_successor(a, n, out);
	assert_int_equal(m, n + 2);
	assert_memory_equal(out, "\1\0\1a\7example", 12);
	assert_true(st_name_canon_cmp(a, out) < 0);

	m = st_name_next_sibling(a, n, out);
	assert_int_equal(m, n + 1);
	assert_memory_equal(out, "\2a\0\7example", 12);
	/* The whole subtree of a.example. sorts before it. */
	uint8_t d[256];
	w("\\255.zzz.a.example.", d);
	assert_true(st_name_canon_cmp(d, out) < 0);

	/* A 63-octet label cannot grow: its last octet goes up instead. */
	uint8_t big[256];
	big[0] = 63;
	memset(big + 1, 'x', 63);
	memcpy(big + 64, "\4test", 6);
	m = st_name_next_sibling(big, 70, out);
	assert_int_equal(m, 70);
	assert_int_equal(out[63], 'y');
	assert_true(st_name_canon_cmp(big, out) < 0);
	/* ...and skips the upper-case letters, which sort as lower case. */
	big[63] = '@';
	m = st_name_next_sibling(big, 70, out);
	assert_int_equal(out[63], '[');
	/* A label of 63 0xff octets: the parent's sibling. */
	memset(big + 1, 0xff, 63);
	m = st_name_next_sibling(big, 70, out);
	assert_int_equal(m, 7);
	assert_memory_equal(out, "\5test\0\0", 7);
}

/* A name that uses all 255 octets: no "\000." child fits. */
static size_t long_name(uint8_t *out)
{
	size_t o = 0;
	for (int i = 0; i < 3; i++) {
		out[o++] = 63;
		memset(out + o, 'a', 63);
		o += 63;
	}
	out[o++] = 61;
	memset(out + o, 'b', 61);
	o += 61;
	out[o++] = 0;
	return o;
}

static void test_successor_long(void **state)
{
	uint8_t a[256], out[256];
	size_t n = long_name(a);
	assert_int_equal(n, 255);
	size_t m = st_name_successor(a, n, out);
	assert_true(m > 0 && m <= 255);
	assert_true(st_name_canon_cmp(a, out) < 0);
	assert_int_equal(st_name_length(out, m), m);
}

static void test_predecessor(void **state)
{
	uint8_t apex[256], a[256], out[256];
	size_t al = w("example.", apex);
	size_t n = w("b.example.", a);
	size_t m = st_name_predecessor(a, n, apex, al, out);
	assert_int_equal(m, 255);
	assert_int_equal(st_name_length(out, m), 255);
	assert_true(st_name_canon_cmp(out, a) < 0);
	/* Above every name before b.example.: a.example. and its subtree. */
	uint8_t x[256];
	w("a.example.", x);
	assert_true(st_name_canon_cmp(x, out) < 0);
	w("\\255\\255.zzzz.a.example.", x);
	assert_true(st_name_canon_cmp(x, out) < 0);
	w("a\\255\\255\\255.example.", x);
	assert_true(st_name_canon_cmp(x, out) < 0);
	/* ...and at or below the apex. */
	assert_true(st_name_in(out, m, apex, al));

	/* "\000.x" comes right after x. */
	n = w("\\000.x.example.", a);
	m = st_name_predecessor(a, n, apex, al, out);
	assert_int_equal(m, 11);
	assert_memory_equal(out, "\1x\7example", 11);
	/* A label ending in \000 loses it. */
	n = w("ab\\000.example.", a);
	m = st_name_predecessor(a, n, apex, al, out);
	assert_true(m > 0);
	w("ab.example.", x);
	assert_true(st_name_canon_cmp(x, out) < 0);
	assert_true(st_name_canon_cmp(out, a) < 0);
	/* '[' - 1 skips the upper-case letters. */
	n = w("[.example.", a);
	m = st_name_predecessor(a, n, apex, al, out);
	assert_true(st_name_canon_cmp(out, a) < 0);
	w("z.example.", x);
	assert_true(st_name_canon_cmp(out, x) < 0);
	/* The apex has none. */
	assert_int_equal(st_name_predecessor(apex, al, apex, al, out), 0);
}

/* RFC 4034 4.3: A MX RRSIG NSEC TYPE1234. */
static void test_typemap_rfc_example(void **state)
{
	static const uint8_t want[] = {0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20};
	uint16_t types[] = {1234, 47, 15, 1, 46, 15};
	uint8_t out[64];
	size_t n = st_typemap_write(types, 6, out, sizeof(out));
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_true(st_typemap_valid(out, n));
	assert_true(st_typemap_has(out, n, 1234));
	assert_true(st_typemap_has(out, n, 47));
	assert_false(st_typemap_has(out, n, 2));
	assert_false(st_typemap_has(out, n, 1235));
	assert_false(st_typemap_has(out, n, 128));
	/* Too small a buffer. */
	assert_int_equal(st_typemap_write(types, 6, out, 10), 0);
	/* Malformed maps. */
	assert_false(st_typemap_valid((const uint8_t *)"\0\0", 2));
	assert_false(st_typemap_valid((const uint8_t *)"\0\2\x40\0", 4));
	assert_false(st_typemap_valid((const uint8_t *)"\1\1\x40\0\1\x40", 6));
	assert_int_equal(st_typemap_write(types, 0, out, sizeof(out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_rfc_example), cmocka_unit_test(test_order_case_and_prefix),
	    cmocka_unit_test(test_rdata_canonical),   cmocka_unit_test(test_rdata_order),
	    cmocka_unit_test(test_successor),	      cmocka_unit_test(test_successor_long),
	    cmocka_unit_test(test_predecessor),	      cmocka_unit_test(test_typemap_rfc_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
