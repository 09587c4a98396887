/* TSIG against messages signed by dnspython (test_tsig_vectors.h, made by
 * tests/data/tsig/make-vectors.py): requests verify, responses signed here
 * equal dnspython's byte for byte (first and following messages of a
 * transfer, our NOTIFY), and each error of RFC 8945 section 5.2 comes out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/errors.h"
#include "dns/tsig.h"
#include "test_tsig_vectors.h"

#include <string.h>

#define N_VECS (sizeof(tsig_vecs) / sizeof(tsig_vecs[0]))

static uint8_t secret[64];
static size_t secret_len;

static void make_key(st_tsig_key_t *key, const char *alg)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->name, "\7xfr-key", 9);
	key->name_len = 9;
	assert_int_equal(st_tsig_alg_parse(alg, &key->alg), 0);
	int n = st_tsig_secret_decode(TSIG_VEC_SECRET, secret, sizeof(secret));
	assert_int_equal(n, 32);
	secret_len = (size_t)n;
	key->secret = secret;
	key->secret_len = secret_len;
}

/* A signed message without its TSIG record: what the signer signed. */
static size_t strip(const uint8_t *msg, size_t len, uint8_t *out)
{
	size_t off;
	assert_int_equal(st_tsig_locate(msg, len, &off), 0);
	memcpy(out, msg, off);
	out[11] = (uint8_t)(out[11] - 1); /* ARCOUNT, < 256 here */
	return off;
}

static void verify(const tsig_vec_t *v, const st_tsig_key_t *keys, size_t n, uint64_t now,
		   st_tsig_t *t)
{
	size_t off;
	assert_int_equal(st_tsig_locate(v->query, v->query_len, &off), 0);
	assert_int_equal(st_tsig_verify_request(t, keys, n, v->query, v->query_len, off, now), 0);
}

static void test_secret_decode(void **state)
{
	uint8_t b[8];
	assert_int_equal(st_tsig_secret_decode("AQID", b, sizeof(b)), 3);
	assert_memory_equal(b, "\1\2\3", 3);
	assert_int_equal(st_tsig_secret_decode(" AQ\nI= ", b, sizeof(b)), 2);
	assert_int_equal(st_tsig_secret_decode("AQ==", b, sizeof(b)), 1);
	assert_int_equal(st_tsig_secret_decode("AQ=", b, sizeof(b)), ST_EINVAL);
	assert_int_equal(st_tsig_secret_decode("A", b, sizeof(b)), ST_EINVAL);
	assert_int_equal(st_tsig_secret_decode("A*B=", b, sizeof(b)), ST_EINVAL);
	assert_int_equal(st_tsig_secret_decode("", b, sizeof(b)), ST_EINVAL);
	assert_int_equal(st_tsig_secret_decode("AQIDBAUGBwgJ", b, sizeof(b)), ST_ENOSPC);
	st_tsig_alg_t alg;
	assert_int_equal(st_tsig_alg_parse("HMAC-SHA384.", &alg), 0);
	assert_int_equal(alg, ST_TSIG_HMAC_SHA384);
	assert_string_equal(st_tsig_alg_name(alg), "hmac-sha384");
	assert_int_equal(st_tsig_alg_parse("hmac-md5", &alg), ST_EINVAL);
}

/* The request verifies; the first two messages of the answer, signed here,
 * are dnspython's to the byte. */
static void test_transfer_stream(void **state)
{
	for (size_t i = 0; i < N_VECS; i++) {
		const tsig_vec_t *v = &tsig_vecs[i];
		st_tsig_key_t key;
		st_tsig_t t;
		make_key(&key, v->alg);
		verify(v, &key, 1, TSIG_VEC_TIME, &t);
		assert_int_equal(t.error, ST_TSIG_NOERROR);
		assert_ptr_equal(t.key, &key);

		uint8_t msg[1024];
		size_t len = strip(v->resp1, v->resp1_len, msg);
		assert_int_equal(st_tsig_size(&t), v->resp1_len - len);
		assert_int_equal(st_tsig_sign(&t, msg, &len, sizeof(msg), TSIG_VEC_TIME), 0);
		assert_int_equal(len, v->resp1_len);
		assert_memory_equal(msg, v->resp1, len);

		len = strip(v->resp2, v->resp2_len, msg);
		assert_int_equal(st_tsig_sign(&t, msg, &len, sizeof(msg), TSIG_VEC_TIME), 0);
		assert_int_equal(len, v->resp2_len);
		assert_memory_equal(msg, v->resp2, len);
		assert_int_equal(t.messages, 2);

		/* No room for the record: nothing written. */
		len = strip(v->resp2, v->resp2_len, msg);
		size_t before = len;
		assert_int_equal(st_tsig_sign(&t, msg, &len, len + 10, TSIG_VEC_TIME), ST_ETRUNC);
		assert_int_equal(len, before);
	}
}

/* Our NOTIFY signed here is dnspython's; the secondary's signed answer verifies. */
static void test_notify_exchange(void **state)
{
	for (size_t i = 0; i < N_VECS; i++) {
		const tsig_vec_t *v = &tsig_vecs[i];
		st_tsig_key_t key;
		st_tsig_t t;
		make_key(&key, v->alg);
		st_tsig_begin(&t, &key);
		uint8_t msg[1024];
		size_t len = strip(v->notify, v->notify_len, msg);
		assert_int_equal(st_tsig_sign(&t, msg, &len, sizeof(msg), TSIG_VEC_TIME), 0);
		assert_int_equal(len, v->notify_len);
		assert_memory_equal(msg, v->notify, len);

		st_tsig_t copy = t;
		assert_int_equal(
		    st_tsig_verify_response(&t, v->notify_resp, v->notify_resp_len, TSIG_VEC_TIME),
		    0);
		/* Too late, or tampered with: refused. */
		t = copy;
		assert_int_equal(st_tsig_verify_response(&t, v->notify_resp, v->notify_resp_len,
							 TSIG_VEC_TIME + 301),
				 ST_EPROTO);
		assert_int_equal(t.error, ST_TSIG_BADTIME);
		uint8_t bad[1024];
		memcpy(bad, v->notify_resp, v->notify_resp_len);
		bad[0] ^= 1; /* the ID is covered (as the original ID) */
		t = copy;
		assert_int_equal(
		    st_tsig_verify_response(&t, bad, v->notify_resp_len, TSIG_VEC_TIME), 0);
		bad[13] ^= 0x20; /* a byte of the question */
		t = copy;
		assert_int_equal(
		    st_tsig_verify_response(&t, bad, v->notify_resp_len, TSIG_VEC_TIME), ST_EPROTO);
		assert_int_equal(t.error, ST_TSIG_BADSIG);
		/* An unsigned answer. */
		t = copy;
		len = strip(v->notify_resp, v->notify_resp_len, msg);
		assert_int_equal(st_tsig_verify_response(&t, msg, len, TSIG_VEC_TIME), ST_ENOENT);
	}
}

static void test_request_errors(void **state)
{
	const tsig_vec_t *v = &tsig_vecs[0]; /* hmac-sha256 */
	st_tsig_key_t keys[2];
	st_tsig_t t;
	make_key(&keys[0], "hmac-sha512");
	make_key(&keys[1], v->alg);

	/* The key is found among several by name and algorithm. */
	verify(v, keys, 2, TSIG_VEC_TIME, &t);
	assert_int_equal(t.error, ST_TSIG_NOERROR);
	assert_ptr_equal(t.key, &keys[1]);

	/* Same name, other algorithm: BADKEY; unknown name: BADKEY. */
	verify(v, keys, 1, TSIG_VEC_TIME, &t);
	assert_int_equal(t.error, ST_TSIG_BADKEY);
	assert_null(t.key);
	keys[1].name[1] = 'y';
	verify(v, &keys[1], 1, TSIG_VEC_TIME, &t);
	assert_int_equal(t.error, ST_TSIG_BADKEY);
	keys[1].name[1] = 'x';

	/* Outside the fudge either way: BADTIME; at its edge: fine. */
	verify(v, &keys[1], 1, TSIG_VEC_TIME + 301, &t);
	assert_int_equal(t.error, ST_TSIG_BADTIME);
	verify(v, &keys[1], 1, TSIG_VEC_TIME - 301, &t);
	assert_int_equal(t.error, ST_TSIG_BADTIME);
	verify(v, &keys[1], 1, TSIG_VEC_TIME - 300, &t);
	assert_int_equal(t.error, ST_TSIG_NOERROR);

	/* Another secret: BADSIG. */
	uint8_t other[32];
	memset(other, 7, sizeof(other));
	keys[1].secret = other;
	verify(v, &keys[1], 1, TSIG_VEC_TIME, &t);
	assert_int_equal(t.error, ST_TSIG_BADSIG);
	keys[1].secret = secret;

	/* A changed byte of the question: BADSIG. */
	uint8_t q[512];
	size_t off;
	memcpy(q, v->query, v->query_len);
	q[14] ^= 1;
	assert_int_equal(st_tsig_locate(q, v->query_len, &off), 0);
	assert_int_equal(
	    st_tsig_verify_request(&t, &keys[1], 1, q, v->query_len, off, TSIG_VEC_TIME), 0);
	assert_int_equal(t.error, ST_TSIG_BADSIG);
}

/* The MAC cut to 16 bytes: the prefix matches, local policy says BADTRUNC;
 * cut to 8 (below 10 and half the hash): FORMERR. */
static void test_truncated_mac(void **state)
{
	const tsig_vec_t *v = &tsig_vecs[0];
	st_tsig_key_t key;
	st_tsig_t t;
	make_key(&key, v->alg);
	size_t off;
	assert_int_equal(st_tsig_locate(v->query, v->query_len, &off), 0);
	/* owner "xfr-key." (9) + 10, algorithm (13) + time and fudge (8): MAC size. */
	size_t rdlen_at = off + 9 + 8, macsize_at = off + 9 + 10 + 13 + 8;
	for (unsigned cut = 16; cut >= 8; cut -= 8) {
		uint8_t q[512];
		memcpy(q, v->query, v->query_len);
		assert_int_equal((q[macsize_at] << 8) | q[macsize_at + 1], 32);
		size_t drop = 32 - cut;
		q[macsize_at + 1] = (uint8_t)cut;
		memmove(q + macsize_at + 2 + cut, q + macsize_at + 2 + 32,
			v->query_len - (macsize_at + 2 + 32));
		size_t len = v->query_len - drop;
		unsigned rdlen = ((unsigned)q[rdlen_at] << 8 | q[rdlen_at + 1]) - (unsigned)drop;
		q[rdlen_at] = (uint8_t)(rdlen >> 8);
		q[rdlen_at + 1] = (uint8_t)rdlen;
		int ret = st_tsig_verify_request(&t, &key, 1, q, len, off, TSIG_VEC_TIME);
		if (cut == 16) {
			assert_int_equal(ret, 0);
			assert_int_equal(t.error, ST_TSIG_BADTRUNC);
		} else {
			assert_int_equal(ret, ST_EFORMERR);
		}
	}
}

/* BADKEY and BADSIG answers carry the error and no MAC; BADTIME is signed,
 * with the request's time and ours in Other Data. */
static void test_error_responses(void **state)
{
	const tsig_vec_t *v = &tsig_vecs[0];
	st_tsig_key_t key;
	st_tsig_t t;
	make_key(&key, v->alg);
	uint8_t msg[1024];

	verify(v, NULL, 0, TSIG_VEC_TIME, &t);
	assert_int_equal(t.error, ST_TSIG_BADKEY);
	size_t len = strip(v->resp1, v->resp1_len, msg), base = len;
	assert_int_equal(st_tsig_sign(&t, msg, &len, sizeof(msg), TSIG_VEC_TIME + 5), 0);
	/* name(9) type class ttl rdlen(10) alg(13) time(6) fudge(2) mac size(2)
	 * original id(2) error(2) other len(2) */
	assert_int_equal(len - base, 9 + 10 + 13 + 16);
	const uint8_t *r = msg + base;
	assert_memory_equal(r, "\7xfr-key\0\0\xfa\0\xff", 13);
	assert_int_equal(r[9 + 10 + 13 + 8] << 8 | r[9 + 10 + 13 + 9], 0); /* MAC size */
	assert_int_equal(r[9 + 10 + 13 + 12] << 8 | r[9 + 10 + 13 + 13], ST_TSIG_BADKEY);
	assert_int_equal(msg[11], v->resp1[11]);

	verify(v, &key, 1, TSIG_VEC_TIME + 1000, &t);
	assert_int_equal(t.error, ST_TSIG_BADTIME);
	len = strip(v->resp1, v->resp1_len, msg);
	assert_int_equal(st_tsig_sign(&t, msg, &len, sizeof(msg), TSIG_VEC_TIME + 1000), 0);
	assert_int_equal(len - base, 9 + 10 + 13 + 16 + 32 + 6);
	r = msg + base + 9 + 10 + 13;
	assert_memory_equal(r, "\0\0\x65\x53\xf1\0", 6); /* the request's time */
	assert_int_equal(r[10 + 32 + 2] << 8 | r[10 + 32 + 3], ST_TSIG_BADTIME);
	assert_int_equal(r[10 + 32 + 4] << 8 | r[10 + 32 + 5], 6);
	assert_memory_equal(r + 10 + 32 + 6, "\0\0\x65\x53\xf4\xe8", 6); /* T + 1000 */
}

static void test_locate(void **state)
{
	const tsig_vec_t *v = &tsig_vecs[0];
	size_t off;
	uint8_t q[512];
	memcpy(q, v->query, v->query_len);
	/* Without it: ENOENT. Counted in the answer section: FORMERR. */
	q[11] = 0;
	assert_int_equal(st_tsig_locate(q, v->query_len, &off), ST_ENOENT);
	q[7] = 1;
	assert_int_equal(st_tsig_locate(q, v->query_len, &off), ST_EFORMERR);
	/* Cut short: FORMERR. */
	assert_int_equal(st_tsig_locate(v->query, v->query_len - 1, &off), ST_EFORMERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_secret_decode),   cmocka_unit_test(test_transfer_stream),
	    cmocka_unit_test(test_notify_exchange), cmocka_unit_test(test_request_errors),
	    cmocka_unit_test(test_truncated_mac),   cmocka_unit_test(test_error_responses),
	    cmocka_unit_test(test_locate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
