/* Query parser, name handling and response writer: hand-made messages,
 * every FORMERR and drop case, EDNS and Client Subnet. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/errors.h"
#include "dns/name.h"
#include "dns/query.h"
#include "dns/response.h"
#include "dns/rrtype.h"
#include "test_dns_msg.h"

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

static int parse(msg_t *m, st_query_t *q)
{
	return st_query_parse(m->b, m->len, q);
}

static void test_plain_query(void **state)
{
	msg_t m;
	st_query_t q;
	query(&m, "WwW.ExAmple.TEST.", ST_TYPE_AAAA);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.id, 0x1234);
	assert_int_equal(q.qtype, ST_TYPE_AAAA);
	assert_int_equal(q.qclass, ST_CLASS_IN);
	assert_int_equal(q.qname_len, 18);
	assert_int_equal(q.qlabels, 3);
	assert_memory_equal(q.qname, "\3www\7example\4test", 18);
	assert_memory_equal(q.qname_orig, "\3WwW\7ExAmple\4TEST", 18);
	assert_false(q.has_edns);
	assert_true(q.has_question);
}

static void test_drops(void **state)
{
	msg_t m;
	st_query_t q;
	query(&m, "a.test.", ST_TYPE_A);
	assert_int_equal(st_query_parse(m.b, 11, &q), ST_EDROP);
	assert_int_equal(st_query_parse(m.b, 0, &q), ST_EDROP);
	m.b[2] |= ST_FLAG1_QR;
	assert_int_equal(parse(&m, &q), ST_EDROP);
}

static void test_notimp(void **state)
{
	msg_t m;
	st_query_t q;
	query(&m, "a.test.", ST_TYPE_SOA);
	m.b[2] = (uint8_t)(4 << 3); /* NOTIFY */
	assert_int_equal(parse(&m, &q), ST_ENOTIMP);
	assert_true(q.has_question);
	assert_int_equal(q.opcode, 4);
	header(&m, 1, 2 << 3, 0, 0, 0, 0); /* STATUS, no question */
	assert_int_equal(parse(&m, &q), ST_ENOTIMP);
	assert_false(q.has_question);
}

static void test_qdcount(void **state)
{
	msg_t m;
	st_query_t q;
	header(&m, 1, 0, 0, 0, 0, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	header(&m, 1, 0, 2, 0, 0, 0);
	question(&m, "a.test.", ST_TYPE_A);
	question(&m, "b.test.", ST_TYPE_A);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_false(q.has_question);
}

static void test_truncated(void **state)
{
	msg_t m;
	st_query_t q;
	query(&m, "www.example.test.", ST_TYPE_A);
	for (size_t len = 12; len < m.len; len++)
		assert_int_equal(st_query_parse(m.b, len, &q), ST_EFORMERR);
	assert_int_equal(st_query_parse(m.b, m.len, &q), 0);
	/* An additional record promised but missing. */
	m.b[11] = 1;
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* A record whose RDATA runs past the end. */
	put8(&m, 0);
	put16(&m, ST_TYPE_A);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 8);
	put_bytes(&m, "\1\2\3\4", 4);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	m.b[m.len - 5] = 4; /* RDLENGTH 4: now it fits */
	assert_int_equal(parse(&m, &q), 0);
}

/* Bytes after the records the header counts: FORMERR, whatever comes last
 * (the question, OPT, TSIG, the SOA of an IXFR, a no-question cookie
 * query); the question and OPT are still known, to be echoed. */
static void test_trailing(void **state)
{
	msg_t m;
	st_query_t q;
	query(&m, "a.test.", ST_TYPE_A);
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_true(q.has_question);
	assert_false(q.has_edns);

	/* What a client that forgot ARCOUNT sends: an OPT not counted. */
	header(&m, 1, 0, 1, 0, 0, 0);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, true, NULL, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	m.b[11] = 1;
	assert_int_equal(parse(&m, &q), 0);
	put_bytes(&m, "\0\0\0", 3);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_true(q.has_question);
	assert_true(q.has_edns);

	/* An IXFR with its SOA in authority, then a TSIG: exact, then one more byte. */
	header(&m, 1, 0, 1, 0, 1, 1);
	question(&m, "a.test.", ST_TYPE_IXFR);
	put_name(&m, "a.test.");
	put16(&m, ST_TYPE_SOA);
	put16(&m, ST_CLASS_IN);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 22);
	put_bytes(&m, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22);
	size_t tsig = m.len;
	put_name(&m, "key.");
	put16(&m, ST_TYPE_TSIG);
	put16(&m, 255); /* ANY */
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 4);
	put_bytes(&m, "\1\2\3\4", 4);
	assert_int_equal(parse(&m, &q), 0);
	assert_true(q.has_tsig);
	assert_int_equal(q.tsig_off, tsig);
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);

	/* A query for a server cookie only (no question): FORMERR, not the
	 * cookie answer, when something follows its OPT. */
	uint8_t cookie[] = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
	header(&m, 1, 0, 0, 0, 0, 1);
	opt(&m, 1232, 0, false, cookie, sizeof(cookie));
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_true(q.no_question);
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_false(q.no_question);

	/* Other opcodes are NOTIMP before their records are read. */
	query(&m, "a.test.", ST_TYPE_SOA);
	m.b[2] = (uint8_t)(4 << 3);
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), ST_ENOTIMP);
}

static void test_bad_labels(void **state)
{
	msg_t m;
	st_query_t q;
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 0x41); /* extended label type 01 */
	put_bytes(&m, "a", 1);
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	m.b[12] = 0x81; /* reserved 10 */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* Label running past the end. */
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 40);
	put_bytes(&m, "abc", 3);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
}

static void test_compression_loops(void **state)
{
	msg_t m;
	st_query_t q;
	/* A pointer to itself. */
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 0xc0);
	put8(&m, 12);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* A pointer forwards. */
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 0xc0);
	put8(&m, 18);
	put16(&m, 1);
	put16(&m, 1);
	put8(&m, 1);
	put8(&m, 'a');
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* A pointer past the end. */
	m.b[13] = 0xff;
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* Label, then a pointer back to that label: a two-step loop. */
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 1);
	put8(&m, 'a');
	put8(&m, 0xc0);
	put8(&m, 12);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
}

static void test_backward_pointer(void **state)
{
	/* Names in the message body may point back at the question. */
	uint8_t msgb[] = {0, 1,	  0,   0,   0,	 1, 0, 0, 0, 0, 0, 0,	1,    'a',
			  4, 't', 'e', 's', 't', 0, 0, 1, 0, 1, 1, 'x', 0xc0, 12};
	uint8_t orig[255], lc[255], len, labels;
	size_t pos = 24;
	assert_int_equal(st_name_parse(msgb, sizeof(msgb), &pos, orig, lc, &len, &labels), 0);
	assert_int_equal(pos, sizeof(msgb));
	assert_int_equal(len, 10);
	assert_int_equal(labels, 3);
	assert_memory_equal(lc, "\1x\1a\4test", 10);
	/* Two hops: "Y" + pointer to "x" + pointer to the question. */
	uint8_t two[sizeof(msgb) + 4];
	memcpy(two, msgb, sizeof(msgb));
	two[28] = 1;
	two[29] = 'Y';
	two[30] = 0xc0;
	two[31] = 24;
	pos = 28;
	assert_int_equal(st_name_parse(two, sizeof(two), &pos, orig, lc, &len, &labels), 0);
	assert_int_equal(pos, 32);
	assert_int_equal(len, 12);
	assert_int_equal(labels, 4);
	assert_memory_equal(orig, "\1Y\1x\1a\4test", 12);
	assert_memory_equal(lc, "\1y\1x\1a\4test", 12);
	/* Lower-cased copy only. */
	pos = 28;
	memset(lc, 0, sizeof(lc));
	assert_int_equal(st_name_parse(two, sizeof(two), &pos, NULL, lc, &len, NULL), 0);
	assert_memory_equal(lc, "\1y\1x\1a\4test", 12);
	/* Same bytes, pointer aimed at itself (offset 26). */
	msgb[27] = 26;
	pos = 24;
	assert_int_equal(st_name_parse(msgb, sizeof(msgb), &pos, orig, lc, &len, &labels),
			 ST_EFORMERR);
}

static void test_name_too_long(void **state)
{
	msg_t m;
	st_query_t q;
	header(&m, 1, 0, 1, 0, 0, 0);
	/* 4 labels of 63 = 256 bytes with the root: one too many. */
	for (int i = 0; i < 4; i++) {
		put8(&m, 63);
		for (int j = 0; j < 63; j++)
			put8(&m, 'a');
	}
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* 3 x 63 + 61 + root = 255: the limit. */
	header(&m, 1, 0, 1, 0, 0, 0);
	for (int i = 0; i < 3; i++) {
		put8(&m, 63);
		for (int j = 0; j < 63; j++)
			put8(&m, 'b');
	}
	put8(&m, 61);
	for (int j = 0; j < 61; j++)
		put8(&m, 'c');
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.qname_len, 255);
}

static void test_root_query(void **state)
{
	msg_t m;
	st_query_t q;
	query(&m, ".", ST_TYPE_NS);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.qname_len, 1);
	assert_int_equal(q.qlabels, 0);
}

static void test_edns(void **state)
{
	msg_t m;
	st_query_t q;
	uint8_t unknown[] = {0xfd, 0xe9, 0, 3, 'x', 'y', 'z', 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 4096, 0, true, unknown, sizeof(unknown));
	assert_int_equal(parse(&m, &q), 0);
	assert_true(q.has_edns);
	assert_true(q.edns_do);
	assert_int_equal(q.edns_payload, 4096);
	assert_int_equal(q.edns_version, 0);
	assert_false(q.has_ecs);

	/* Version 1 parses (the engine answers BADVERS). */
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 512, 1, false, NULL, 0);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.edns_version, 1);
	assert_false(q.edns_do);
}

/* RFC 7873: the first COOKIE option counts; lengths other than 8 or 16 to
 * 40 are FORMERR; the writer echoes the client cookie before ours. */
static void test_cookie_option(void **state)
{
	msg_t m;
	st_query_t q;
	uint8_t o[128];
	for (size_t len = 0; len <= 48; len++) {
		o[0] = 0, o[1] = 10, o[2] = 0, o[3] = (uint8_t)len;
		for (size_t i = 0; i < len; i++)
			o[4 + i] = (uint8_t)(i + 1);
		header(&m, 1, 0, 1, 0, 0, 1);
		question(&m, "a.test.", ST_TYPE_A);
		opt(&m, 1232, 0, false, o, 4 + len);
		int rc = parse(&m, &q);
		if (len == 8 || (len >= 16 && len <= 40)) {
			assert_int_equal(rc, 0);
			assert_true(q.has_cookie);
			assert_int_equal(q.cookie_len, len);
			assert_memory_equal(q.cookie, o + 4, len);
		} else {
			assert_int_equal(rc, ST_EFORMERR);
			assert_false(q.has_cookie);
		}
		assert_int_equal(q.cookie_reply_len, 0);
	}
	/* Two well formed: the first counts. */
	uint8_t two[] = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 0, 8, 9, 9, 9, 9, 9, 9, 9, 9};
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, two, sizeof(two));
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.cookie_len, 8);
	assert_memory_equal(q.cookie, two + 4, 8);
	/* A malformed one is FORMERR wherever it is, after a good one too. */
	uint8_t bad_second[] = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 0, 3, 9, 9, 9};
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, bad_second, sizeof(bad_second));
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_true(q.has_edns);
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, two, sizeof(two));
	assert_int_equal(parse(&m, &q), 0);

	/* The writer: client cookie, then the reply's server cookie. */
	uint8_t out[512];
	st_resp_t r;
	for (unsigned i = 0; i < 16; i++)
		q.cookie_reply[i] = (uint8_t)(0xa0 + i);
	q.cookie_reply_len = 16;
	assert_int_equal(st_resp_begin(&r, out, sizeof(out), &q, true), 0);
	size_t before = r.len;
	assert_int_equal(st_resp_opt_size(&q, false, false), 11 + 4 + 24);
	assert_int_equal(st_resp_opt(&r, &q, 1232, 23, false, 0, -1), 0);
	assert_int_equal(r.len - before, 11 + 4 + 24);
	assert_int_equal(out[before + 5], 1); /* BADCOOKIE (23): upper bits 1 */
	assert_int_equal(st_get16(out + before + 9), 4 + 24);
	assert_int_equal(st_get16(out + before + 11), ST_EDNS_OPT_COOKIE);
	assert_int_equal(st_get16(out + before + 13), 24);
	assert_memory_equal(out + before + 15, two + 4, 8);
	assert_memory_equal(out + before + 23, q.cookie_reply, 16);
	/* A new parse forgets the reply. */
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.cookie_reply_len, 0);
}

static void test_edns_formerr(void **state)
{
	msg_t m;
	st_query_t q;
	/* Two OPT records. */
	header(&m, 1, 0, 1, 0, 0, 2);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, NULL, 0);
	opt(&m, 1232, 0, false, NULL, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* OPT in the answer section. */
	header(&m, 1, 0, 1, 1, 0, 0);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, NULL, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* OPT in the authority section. */
	m.b[7] = 0;
	m.b[9] = 1;
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* OPT owned by a name other than the root. */
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	put8(&m, 1);
	put8(&m, 'x');
	opt(&m, 1232, 0, false, NULL, 0);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* An option running past the RDATA. */
	uint8_t bad[] = {0, 10, 0, 9, 1, 2, 3, 4};
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, bad, sizeof(bad));
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* Less than an option header left. */
	uint8_t stub[] = {0, 10, 0};
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, stub, sizeof(stub));
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
}

static void test_ecs_valid(void **state)
{
	msg_t m;
	st_query_t q;
	uint8_t v4[] = {192, 0, 2};
	ecs_query(&m, 1, 24, 0, v4, 3);
	assert_int_equal(parse(&m, &q), 0);
	assert_true(q.has_ecs);
	assert_int_equal(q.ecs_family, 1);
	assert_int_equal(q.ecs_source, 24);
	assert_memory_equal(q.ecs_addr, "\xc0\x00\x02\x00", 4);

	uint8_t v4b[] = {198, 51, 100, 128};
	ecs_query(&m, 1, 25, 0, v4b, 4);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.ecs_source, 25);

	uint8_t v6[] = {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56};
	ecs_query(&m, 2, 56, 0, v6, 7);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(q.ecs_family, 2);
	assert_int_equal(q.ecs_source, 56);

	ecs_query(&m, 1, 0, 0, NULL, 0);
	assert_int_equal(parse(&m, &q), 0);
	assert_true(q.has_ecs);
	assert_int_equal(q.ecs_source, 0);
}

static void test_ecs_formerr(void **state)
{
	msg_t m;
	st_query_t q;
	uint8_t a[17] = {192, 0, 2, 1};
	ecs_query(&m, 3, 24, 0, a, 3); /* unknown family */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	ecs_query(&m, 1, 33, 0, a, 5); /* prefix beyond IPv4 */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	ecs_query(&m, 2, 129, 0, a, 17); /* prefix beyond IPv6 */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	ecs_query(&m, 1, 24, 24, a, 3); /* scope set in a query */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	ecs_query(&m, 1, 24, 0, a, 4); /* too many address bytes */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	ecs_query(&m, 1, 24, 0, a, 2); /* too few */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	uint8_t b[] = {192, 0, 2, 1};
	ecs_query(&m, 1, 31, 0, b, 4); /* bit set beyond the prefix */
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* Shorter than family + prefixes. */
	uint8_t stub[] = {0, 8, 0, 2, 0, 1};
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, stub, sizeof(stub));
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	/* Two ECS options. */
	uint8_t two[64];
	size_t n = ecs(two, 1, 8, 0, b, 1);
	n += ecs(two + n, 1, 8, 0, b, 1);
	header(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "a.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, two, n);
	assert_int_equal(parse(&m, &q), ST_EFORMERR);
	assert_true(q.has_edns); /* the answer can still carry an OPT */
}

/* The one text form of a name: zone-file special characters escaped, and a
 * short buffer gets as much of the name as fits, always terminated. */
static void test_name_text(void **state)
{
	(void)state;
	uint8_t w[255];
	char buf[64];
	const uint8_t odd[] = {6, 'a', ';', '"', '(', ')', '@', 4, 't', 'e', 's', 't', 0};
	assert_int_equal(st_name_to_str(odd, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a\\;\\\"\\(\\)@.test.");
	assert_true(st_name_from_str(buf, w, sizeof(w)) == (int)sizeof(odd));
	assert_memory_equal(w, odd, sizeof(odd));
	st_name_from_str("www.example.test.", w, sizeof(w));
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(st_name_to_str(w, buf, 9), ST_ENOSPC);
	assert_string_equal(buf, "www.exam");
	assert_int_equal(st_name_to_str(w, buf, 1), ST_ENOSPC);
	assert_string_equal(buf, "");
}

/* Type mnemonics both ways: every known type round-trips, case does not
 * matter, RFC 3597 TYPEnnn is read and written, nonsense is refused. */
static void test_rrtype(void **state)
{
	(void)state;
	uint16_t t;
	unsigned known = 0;
	for (unsigned v = 0; v <= UINT16_MAX; v++) {
		const char *name = st_rrtype_name((uint16_t)v);
		if (!name)
			continue;
		known++;
		assert_int_equal(st_rrtype_parse(name, &t), 0);
		assert_int_equal(t, v);
	}
	assert_true(known >= 60);
	assert_string_equal(st_rrtype_name(ST_TYPE_AAAA), "AAAA");
	assert_string_equal(st_rrtype_name(ST_TYPE_CNAME), "CNAME");
	assert_null(st_rrtype_name(0));
	assert_null(st_rrtype_name(65280));
	assert_int_equal(st_rrtype_parse("aaaa", &t), 0);
	assert_int_equal(t, ST_TYPE_AAAA);
	assert_int_equal(st_rrtype_parse("nsap-ptr", &t), 0);
	assert_int_equal(t, 23);
	assert_int_equal(st_rrtype_parse("TYPE65280", &t), 0);
	assert_int_equal(t, 65280);
	assert_int_equal(st_rrtype_parse("type1", &t), 0);
	assert_int_equal(t, ST_TYPE_A);
	char buf[ST_RRTYPE_STRLEN];
	assert_string_equal(st_rrtype_str(65280, buf, sizeof(buf)), "TYPE65280");
	assert_string_equal(st_rrtype_str(ST_TYPE_NSEC3PARAM, buf, sizeof(buf)), "NSEC3PARAM");
	const char *bad[] = {"", "AA", "TYPE", "TYPE65536", "TYPE1x", "TYPE-1", "TYPE 1", "A "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(st_rrtype_parse(bad[i], &t), ST_EINVAL);
}

/* Every mnemonic ldns reads is read the same way by st_rrtype_parse (which
 * replaced it for health checks' dns_type and zone diagnostics) and written
 * back alike. */
static void test_rrtype_ldns(void **state)
{
	(void)state;
	unsigned seen = 0;
	for (unsigned v = 1; v <= UINT16_MAX; v++) {
		char *name = ldns_rr_type2str((ldns_rr_type)v);
		assert_non_null(name);
		if (strncmp(name, "TYPE", 4) != 0 && ldns_get_rr_type_by_name(name) == v) {
			uint16_t t = 0;
			assert_int_equal(st_rrtype_parse(name, &t), 0);
			assert_int_equal(t, v);
			assert_string_equal(st_rrtype_name((uint16_t)v), name);
			seen++;
		}
		free(name);
	}
	assert_true(seen >= 60);
}

static void test_name_helpers(void **state)
{
	uint8_t w[255];
	char buf[1024];
	assert_int_equal(st_name_from_str("Www.Example.TEST.", w, sizeof(w)), 18);
	assert_int_equal(st_name_length(w, sizeof(w)), 18);
	assert_int_equal(st_name_to_str(w, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Www.Example.TEST.");
	assert_int_equal(st_name_from_str("a\\.b.c\\032d.", w, sizeof(w)), 9);
	assert_int_equal(st_name_to_str(w, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a\\.b.c\\032d.");
	assert_true(st_name_from_str("a..b.", w, sizeof(w)) < 0);
	assert_int_equal(st_name_from_str(".", w, sizeof(w)), 1);
	assert_int_equal(st_name_to_str(w, buf, sizeof(buf)), 0);
	assert_string_equal(buf, ".");

	uint8_t offs[ST_DNS_MAX_LABELS];
	st_name_from_str("a.bb.ccc.", w, sizeof(w));
	assert_int_equal(st_name_labels(w, offs), 3);
	assert_int_equal(offs[0], 0);
	assert_int_equal(offs[1], 2);
	assert_int_equal(offs[2], 5);

	/* Suffix tests land on label boundaries only. */
	uint8_t apex[255];
	int al = st_name_from_str("example.test.", apex, sizeof(apex));
	int nl = st_name_from_str("www.example.test.", w, sizeof(w));
	assert_true(st_name_in(w, (size_t)nl, apex, (size_t)al));
	assert_true(st_name_in(apex, (size_t)al, apex, (size_t)al));
	nl = st_name_from_str("wwwexample.test.", w, sizeof(w));
	assert_false(st_name_in(w, (size_t)nl, apex, (size_t)al));
	nl = st_name_from_str("xexample.test.", w, sizeof(w));
	assert_false(st_name_in(w, (size_t)nl, apex, (size_t)al));
	nl = st_name_from_str("test.", w, sizeof(w));
	assert_false(st_name_in(w, (size_t)nl, apex, (size_t)al));

	/* Malformed uncompressed names. */
	uint8_t ptr[] = {1, 'a', 0xc0, 12};
	assert_int_equal(st_name_length(ptr, sizeof(ptr)), 0);
	uint8_t unterminated[] = {1, 'a', 1, 'b'};
	assert_int_equal(st_name_length(unterminated, sizeof(unterminated)), 0);
	assert_true(st_name_equal_ci((const uint8_t *)"\3AbC", (const uint8_t *)"\3aBc", 4));

	/* The word-at-a-time lower-casing agrees with the byte rule on every byte
	 * value, at every alignment and length. */
	uint8_t all[256 + 16], low[256 + 16];
	for (unsigned i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)(i * 7 + 3);
	for (unsigned start = 0; start < 9; start++) {
		for (unsigned len = 0; len + start <= 256; len += 13) {
			memset(low, 0xaa, sizeof(low));
			st_name_lower(low, all + start, len);
			for (unsigned i = 0; i < len; i++)
				assert_int_equal(low[i], st_dns_lower(all[start + i]));
			assert_int_equal(low[len], 0xaa);
			/* in place too */
			uint8_t same[256 + 16];
			memcpy(same, all + start, len);
			same[len] = 0xaa;
			st_name_lower(same, same, len);
			assert_memory_equal(same, low, len + 1);
		}
	}
	for (unsigned c = 0; c < 256; c++) {
		uint8_t one[8];
		memset(one, (int)c, sizeof(one));
		st_name_lower(low, one, 8);
		assert_int_equal(low[3], c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

static void test_writer(void **state)
{
	msg_t m;
	st_query_t q;
	uint8_t out[512];
	st_resp_t r;
	query(&m, "WWW.example.test.", ST_TYPE_A);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(st_resp_begin(&r, out, sizeof(out), &q, true), 0);
	assert_int_equal(r.len, 12 + 18 + 4);
	assert_memory_equal(out + 12, "\3WWW\7example\4test", 18);
	assert_int_equal(out[2], ST_FLAG1_QR | ST_FLAG1_RD);

	/* A record with its owner pointing at the question. */
	uint8_t rr[] = {0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1};
	int off = st_resp_rr(&r, ST_SECTION_ANSWER, ST_RESP_QNAME_OFF, rr, sizeof(rr), UINT32_MAX);
	assert_int_equal(off, 34 + 2 + 10);
	assert_int_equal(out[34], 0xc0);
	assert_int_equal(out[35], 12);

	/* A name sharing a suffix with the question compresses to a pointer. */
	uint8_t name[255];
	int nl = st_name_from_str("lb.EXAMPLE.test.", name, sizeof(name));
	off = st_resp_rr_name(&r, ST_SECTION_ANSWER, ST_RESP_QNAME_OFF, ST_TYPE_CNAME, 20, name,
			      (size_t)nl);
	assert_true(off > 0);
	assert_memory_equal(out + off, "\2lb\xc0\x10", 5);
	assert_int_equal(st_get16(out + off - 2), 5); /* RDLENGTH */
	/* The whole question name compresses to a bare pointer. */
	nl = st_name_from_str("www.example.test.", name, sizeof(name));
	off = st_resp_name(&r, name, (size_t)nl);
	assert_int_equal(out[off], 0xc0);
	assert_int_equal(out[off + 1], 12);

	/* OPT with Client Subnet echoed. */
	uint8_t v4[] = {192, 0, 2};
	ecs_query(&m, 1, 24, 0, v4, 3);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(st_resp_begin(&r, out, sizeof(out), &q, true), 0);
	size_t before = r.len;
	assert_int_equal(st_resp_opt_size(&q, true, false), 11 + 8 + 3);
	assert_int_equal(st_resp_opt(&r, &q, 1232, 16, true, 0, -1), 0);
	assert_int_equal(r.len - before, 22);
	assert_int_equal(st_get16(out + before + 3), 1232);
	assert_int_equal(out[before + 5], 1); /* BADVERS upper bits */
	assert_int_equal(st_get16(out + before + 15), 1);
	assert_int_equal(out[before + 17], 24);
	assert_int_equal(out[before + 18], 0);
	assert_memory_equal(out + before + 19, v4, 3);
	assert_int_equal(st_resp_finish(&r), before + 22);
	assert_int_equal(st_get16(out + 10), 1);

	/* ECS then an Extended DNS Error. */
	assert_int_equal(st_resp_begin(&r, out, sizeof(out), &q, true), 0);
	before = r.len;
	assert_int_equal(st_resp_opt_size(&q, true, true), 11 + 8 + 3 + 6);
	assert_int_equal(st_resp_opt(&r, &q, 1232, 5, true, 0, 20), 0);
	assert_int_equal(st_get16(out + before + 9), 8 + 3 + 6);
	assert_memory_equal(out + before + 22, "\x00\x0f\x00\x02\x00\x14", 6);
	/* Not enough room. */
	assert_int_equal(st_resp_begin(&r, out, 12 + 18 + 4 + 10, &q, true), 0);
	assert_int_equal(st_resp_opt(&r, &q, 1232, 0, true, 0, -1), ST_ETRUNC);

	/* Records that do not fit report it and leave the message whole. */
	assert_int_equal(st_resp_begin(&r, out, 40, &q, true), 0);
	size_t len = r.len;
	assert_int_equal(st_resp_rr(&r, ST_SECTION_ANSWER, 12, rr, sizeof(rr), UINT32_MAX),
			 ST_ETRUNC);
	assert_int_equal(r.len, len);
	assert_int_equal(r.count[0], 0);
}

static void test_writer_far_owner(void **state)
{
	/* Owners beyond the 14-bit pointer range are written out. */
	static uint8_t out[20000];
	msg_t m;
	st_query_t q;
	st_resp_t r;
	query(&m, "a.test.", ST_TYPE_TXT);
	assert_int_equal(parse(&m, &q), 0);
	assert_int_equal(st_resp_begin(&r, out, sizeof(out), &q, true), 0);
	uint8_t big[10 + 200];
	memset(big, 'x', sizeof(big));
	big[0] = 0;
	big[1] = 16;
	big[2] = 0;
	big[3] = 1;
	st_put16(big + 8, 200);
	while (r.len < 0x4000)
		assert_true(st_resp_rr(&r, ST_SECTION_ANSWER, 12, big, sizeof(big), 60) > 0);
	uint8_t name[255];
	int nl = st_name_from_str("far.away.", name, sizeof(name));
	int at = st_resp_name(&r, name, (size_t)nl);
	assert_true(at >= 0x4000);
	size_t before = r.len;
	assert_true(st_resp_rr(&r, ST_SECTION_ANSWER, (size_t)at, big, sizeof(big), 60) > 0);
	assert_memory_equal(out + before, name, (size_t)nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_query),
	    cmocka_unit_test(test_drops),
	    cmocka_unit_test(test_notimp),
	    cmocka_unit_test(test_qdcount),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_trailing),
	    cmocka_unit_test(test_bad_labels),
	    cmocka_unit_test(test_compression_loops),
	    cmocka_unit_test(test_backward_pointer),
	    cmocka_unit_test(test_name_too_long),
	    cmocka_unit_test(test_root_query),
	    cmocka_unit_test(test_edns),
	    cmocka_unit_test(test_edns_formerr),
	    cmocka_unit_test(test_cookie_option),
	    cmocka_unit_test(test_ecs_valid),
	    cmocka_unit_test(test_ecs_formerr),
	    cmocka_unit_test(test_name_helpers),
	    cmocka_unit_test(test_name_text),
	    cmocka_unit_test(test_rrtype),
	    cmocka_unit_test(test_rrtype_ldns),
	    cmocka_unit_test(test_writer),
	    cmocka_unit_test(test_writer_far_owner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
