/* Fast paths of the lookups. Batch prefetching (st_answer_prefetch,
 * st_zone_prefetch) finds the node st_zone_find finds, st_answer_batch
 * answers as st_answer does, ends in a bounded
 * number of steps, and reads nothing outside a malformed or truncated query
 * (run under ASan in CI: every query here sits in a heap block of exactly
 * its size). Zone sets find the same zone whether they are small enough to
 * be searched directly or hashed. Name words load the same bytes whichever
 * way they are read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
#include "common/errors.h"
#include "zone/internal.h"
#include "zone/zone.h"
#include "test_dns_msg.h"

#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

/* More steps than this would mean a walk that does not end. */
#define MAX_STEPS 8

static st_view_t view;
static st_zoneset_t *zones;
static const st_zone_t *zone;

static int setup(void **state)
{
	(void)state;
	st_diag_t diag;
	st_zone_t *z = NULL;
	char path[4096];
	const char *src = getenv("top_srcdir");
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer.test.zone",
		 src && *src ? src : ST_SRCDIR);
	if (st_zone_load("answer.test.", path, NULL, 0, &z, &diag) < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	/* The test zone is small enough that lookups would not be prefetched
	 * (it stays in cache): prefetch it anyway, to test the walk. */
	z->cached = false;
	zones = st_zoneset_new();
	if (!zones || st_zoneset_add(zones, z) < 0)
		return -1;
	zone = z;
	view.zones = zones;
	view.udp_max_payload = 1232;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	st_zoneset_free(zones);
	return 0;
}

/* Prefetch for the first len bytes of m, copied into a block of exactly
 * that size; returns the steps taken and the node the first step found. */
static unsigned run(const uint8_t *msg, size_t len, const st_node_t **node)
{
	uint8_t *b = malloc(len ? len : 1);
	assert_non_null(b);
	memcpy(b, msg, len);
	st_zone_pf_t pf;
	st_answer_prefetch(&view, b, len, &pf);
	unsigned steps = 0;
	*node = NULL;
	while (st_zone_prefetch_step(&pf)) {
		if (steps++ == 0)
			*node = pf.node;
		assert_true(steps < MAX_STEPS);
	}
	assert_false(st_zone_prefetch_step(&pf)); /* stays done */
	free(b);
	return steps;
}

/* Existing names in any case: the first step lands on the node that the
 * lookup returns; the walk then goes through name, RRsets and records. */
static void test_finds_the_node(void **state)
{
	(void)state;
	static const char *names[] = {"www.answer.test.",   "WwW.AnSwEr.TeSt.",
				      "answer.test.",	    "ns1.answer.test.",
				      "alias.answer.test.", "mail.answer.test."};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		msg_t m;
		query(&m, names[i], ST_TYPE_A);
		uint8_t wire[ST_DNS_MAX_NAME];
		int n = st_name_from_str(names[i], wire, sizeof(wire));
		assert_true(n > 0);
		const st_node_t *want = st_zone_find(zone, wire, (size_t)n);
		assert_non_null(want);
		const st_node_t *got;
		unsigned steps = run(m.b, m.len, &got);
		assert_ptr_equal(got, want);
		assert_int_equal(steps, 2);
	}
}

/* A zone that stays in cache is not prefetched: no step, but the zone and
 * the name's hash still come out for the answer. */
static void test_cached_zone(void **state)
{
	(void)state;
	msg_t m;
	query(&m, "WWW.answer.test.", ST_TYPE_A);
	((st_zone_t *)zone)->cached = true;
	st_zone_pf_t pf;
	st_answer_prefetch(&view, m.b, m.len, &pf);
	assert_ptr_equal(pf.zone, zone);
	uint8_t wire[ST_DNS_MAX_NAME];
	int n = st_name_from_str("www.answer.test.", wire, sizeof(wire));
	assert_int_equal(pf.name_len, n);
	assert_ptr_equal(st_zone_find_hash(zone, wire, (size_t)n, pf.hash),
			 st_zone_find(zone, wire, (size_t)n));
	assert_false(st_zone_prefetch_step(&pf));
	assert_null(pf.node);
	((st_zone_t *)zone)->cached = false;
}

/* A name that does not exist and a name outside every zone: a walk that
 * stops early, and no step at all. */
static void test_missing_names(void **state)
{
	(void)state;
	msg_t m;
	const st_node_t *got;
	query(&m, "nothing-here.answer.test.", ST_TYPE_A);
	assert_true(run(m.b, m.len, &got) <= 2);
	query(&m, "www.example.", ST_TYPE_A);
	assert_int_equal(run(m.b, m.len, &got), 0);
	assert_null(got);
}

/* A batch answers each message exactly as st_answer() does alone, in
 * order, whatever mix it holds (answers, NXDOMAIN, malformed and dropped
 * messages), and never more than ST_ANSWER_BATCH_MAX of them. */
static void test_batch(void **state)
{
	(void)state;
	enum { N = ST_ANSWER_BATCH_MAX + 1 };
	/* Case mixed, the apex, chains, a referral and its DS (answered from
	 * the parent side), names of no zone: the prefetch's findings (zone,
	 * name hash) must serve each answer as a lookup of its own would. */
	static const char *names[] = {"www.answer.test.", "nope.answer.test.", "mail.answer.test.",
				      "alias.answer.test.", "other.zone.", "WWW.Answer.TEST.",
				      "answer.test.", "chain1.answer.test.", "Sub.Answer.Test.",
				      "x.sub.answer.test."};
	static const uint16_t types[] = {ST_TYPE_A, ST_TYPE_MX, ST_TYPE_DS, ST_TYPE_AAAA};
	static msg_t m[N];
	static uint8_t got[N][1232], want[1232];
	st_answer_msg_t msgs[N];
	for (size_t i = 0; i < N; i++) {
		query(&m[i], names[i % 10], types[i % 4]);
		if (i % 7 == 6)
			m[i].b[2] |= ST_FLAG1_QR; /* a response: dropped */
		if (i % 11 == 10)
			m[i].len -= 3; /* a cut question: FORMERR */
		msgs[i] = (st_answer_msg_t){m[i].b, m[i].len, NULL, got[i], sizeof(got[i]), 7};
	}
	/* prefetched, and as a zone that stays in cache (not prefetched) */
	for (int cached = 0; cached < 2; cached++) {
		((st_zone_t *)zone)->cached = cached;
		st_answer_ctx_t *batch = st_answer_ctx_new(1), *alone = st_answer_ctx_new(1);
		assert_non_null(batch);
		assert_non_null(alone);
		msgs[N - 1].out_len = 7;
		st_answer_batch(batch, &view, msgs, N, ST_TRANSPORT_UDP);
		for (size_t i = 0; i < N - 1; i++) {
			size_t n = st_answer(alone, &view, m[i].b, m[i].len, NULL,
					     ST_TRANSPORT_UDP, want, sizeof(want));
			assert_int_equal(msgs[i].out_len, n);
			assert_memory_equal(got[i], want, n);
		}
		assert_int_equal(msgs[N - 1].out_len, 7); /* past the limit: left alone */
		st_answer_ctx_free(batch);
		st_answer_ctx_free(alone);
	}
	((st_zone_t *)zone)->cached = false;
}

/* Every prefix of a valid query, and messages that st_answer() refuses:
 * nothing prefetched from what is not a plain one-question QUERY. */
static void test_malformed(void **state)
{
	(void)state;
	msg_t m;
	const st_node_t *got;
	query(&m, "www.answer.test.", ST_TYPE_A);
	for (size_t len = 0; len < m.len; len++)
		run(m.b, len, &got);
	/* Without the class the question is incomplete. */
	assert_int_equal(run(m.b, m.len - 2, &got), 0);

	query(&m, "www.answer.test.", ST_TYPE_A);
	m.b[2] |= ST_FLAG1_QR;
	assert_int_equal(run(m.b, m.len, &got), 0);

	header(&m, 1, 0, 2, 0, 0, 0);
	question(&m, "www.answer.test.", ST_TYPE_A);
	question(&m, "www.answer.test.", ST_TYPE_A);
	assert_int_equal(run(m.b, m.len, &got), 0);

	/* A compressed question name. */
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 0xc0);
	put8(&m, 12);
	put16(&m, ST_TYPE_A);
	put16(&m, ST_CLASS_IN);
	assert_int_equal(run(m.b, m.len, &got), 0);

	/* Labels running past 255 bytes, then past the end of the message. */
	header(&m, 1, 0, 1, 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		put8(&m, 63);
		for (int k = 0; k < 63; k++)
			put8(&m, 'a');
	}
	put8(&m, 0);
	put16(&m, ST_TYPE_A);
	put16(&m, ST_CLASS_IN);
	assert_int_equal(run(m.b, m.len, &got), 0);
	header(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 63);
	put8(&m, 'a');
	assert_int_equal(run(m.b, m.len, &got), 0);
}

/* The word loads of the hash and the compare: every tail of every length
 * equals the bytes read one at a time, zero-padded. */
static void test_zload(void **state)
{
	(void)state;
	uint8_t b[64];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 37 + 11);
	for (size_t len = 1; len <= 40; len++) {
		/* Copied to the end of a block of exactly len bytes for ASan. */
		uint8_t *p = malloc(len);
		assert_non_null(p);
		memcpy(p, b, len);
		for (size_t i = 0; i < len; i += 8) {
			uint64_t want = 0;
			for (size_t k = 0; k < 8 && i + k < len; k++)
				want |= (uint64_t)p[i + k] << (8 * k);
			uint64_t got = st_zload(p, i, len);
			uint8_t gb[8], wb[8];
			memcpy(gb, &got, 8);
			for (int k = 0; k < 8; k++)
				wb[k] = (uint8_t)(want >> (8 * k));
			if (len - i >= 8)
				memcpy(wb, p + i, 8); /* whole words: memory order */
			assert_memory_equal(gb, wb, 8);
		}
		free(p);
	}
}

/* Apexes of nested and sibling zones. */
static const char *apexes[] = {
    "test.",	 "a.test.",  "b.a.test.",    "c.b.a.test.",   "x.test.",
    "y.x.test.", "example.", "sub.example.", "d.c.b.a.test.", "aa.test.",
};
#define N_APEX (sizeof(apexes) / sizeof(apexes[0]))

static st_zone_t *load_zone(const char *dir, const char *apex)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%szone", dir, apex);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"$ORIGIN %s\n@ 3600 IN SOA ns.invalid. h.invalid. 1 7200 3600 1209600 300\n"
		"@ 3600 IN NS ns.invalid.\n",
		apex);
	fclose(f);
	st_diag_t diag;
	st_zone_t *z = NULL;
	if (st_zone_load(apex, path, NULL, 0, &z, &diag) < 0)
		fail_msg("%s", diag.text);
	unlink(path);
	return z;
}

/* The zone with the longest apex that is a suffix on a label boundary. */
static const st_zone_t *reference(st_zone_t **zs, size_t n, const uint8_t *name, size_t len)
{
	const st_zone_t *best = NULL;
	uint8_t best_len = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t alen;
		const uint8_t *apex = st_zone_apex(zs[i], &alen);
		if (st_zname_suffix(name, len, apex, alen) >= 0 && (!best || alen > best_len)) {
			best = zs[i];
			best_len = alen;
		}
	}
	return best;
}

/* Sets of every size from 1 to N_APEX: small ones are searched directly,
 * larger ones through their hash table; both agree with the reference for
 * names in and around every zone, in any case. */
static void test_zoneset_sizes(void **state)
{
	(void)state;
	static const char *names[] = {
	    "test.",	     "TEST.",	      "www.test.",	 "a.test.",
	    "A.TeSt.",	     "q.a.test.",     "b.a.test.",	 "zz.b.a.TEST.",
	    "c.b.a.test.",   "d.c.b.a.test.", "e.d.c.b.a.test.", "x.test.",
	    "y.X.test.",     "z.y.x.test.",   "aa.test.",	 "aaa.test.",
	    "a.aa.test.",    "example.",      "sub.example.",	 "www.sub.example.",
	    "bsub.example.", "ample.",	      "other.",		 ".",
	    "testa.",	     "xtest.",	      "a.test.example.",
	};
	char dir[] = "/tmp/test_fastpath.XXXXXX";
	assert_non_null(mkdtemp(dir));
	st_zone_t *zs[N_APEX];
	for (size_t i = 0; i < N_APEX; i++)
		zs[i] = load_zone(dir, apexes[i]);
	rmdir(dir);
	for (size_t n = 1; n <= N_APEX; n++) {
		st_zoneset_t *set = st_zoneset_new();
		assert_non_null(set);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(st_zoneset_add(set, st_zone_ref(zs[i])), 0);
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			uint8_t w[ST_DNS_MAX_NAME];
			int len = st_name_from_str(names[k], w, sizeof(w));
			assert_true(len > 0);
			assert_ptr_equal(st_zoneset_find(set, w, (size_t)len),
					 reference(zs, n, w, (size_t)len));
		}
		st_zoneset_free(set);
	}
	for (size_t i = 0; i < N_APEX; i++)
		st_zone_free(zs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finds_the_node),
	    cmocka_unit_test(test_cached_zone), cmocka_unit_test(test_missing_names),
	    cmocka_unit_test(test_malformed),	   cmocka_unit_test(test_zload),
	    cmocka_unit_test(test_zoneset_sizes),  cmocka_unit_test(test_batch),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
