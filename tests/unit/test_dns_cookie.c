/* SipHash-2-4 against the reference implementation's 64 vectors, and RFC
 * 9018 server cookies against the examples of its Appendix A. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/siphash.h"
#include "dns/cookie.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* SipHash-2-4, key 00 01 .. 0f, message 00 01 .. (n-1) for n = 0..63. */
static const uint64_t siphash_vectors[64] = {
    0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
    0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
    0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
    0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
    0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
    0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
    0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
    0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
    0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
    0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
    0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
    0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
    0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
    0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
    0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
    0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

static void test_siphash_vectors(void **state)
{
	(void)state;
	uint8_t key[16], msg[64];
	for (unsigned i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (unsigned i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (unsigned n = 0; n < 64; n++) {
		assert_int_equal(st_siphash24(key, msg, n), siphash_vectors[n]);
		uint8_t out[8];
		st_siphash24_bytes(key, msg, n, out);
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(out[i], (uint8_t)(siphash_vectors[n] >> (8 * i)));
	}
}

static void hex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(s), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static unsigned addr(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
	return 16;
}

/* RFC 9018 Appendix A: secret, client cookie, client address, time, and
 * the server cookie a server makes from them. */
static const struct {
	const char *secret, *client, *ip;
	uint32_t now;
	const char *server;
} made[] = {
    /* A.1 learning a new server cookie */
    {"e5e973e5a6b2a43f48e7dc849e37bfcf", "2464c4abcf10c957", "198.51.100.100", 1559731985,
     "010000005cf79f111f8130c3eee29480"},
    /* A.2 the same client learning a renewed one */
    {"e5e973e5a6b2a43f48e7dc849e37bfcf", "2464c4abcf10c957", "198.51.100.100", 1559734385,
     "010000005cf7a871d4a564a1442aca77"},
    /* A.3 another client learning a renewed one */
    {"e5e973e5a6b2a43f48e7dc849e37bfcf", "fc93fc62807ddb86", "203.0.113.203", 1559734700,
     "010000005cf7a9acf73a7810aca2381e"},
    /* A.4 IPv6, after the secret rolled over */
    {"445536bcd2513298075a5d379663c962", "22681ab97d52c298", "2001:db8:220:1:59de:d0f4:8769:82b8",
     1559741961, "010000005cf7c609a6bb79d16625507a"},
};

static void test_rfc9018_make(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		uint8_t secret[16], client[8], ip[16], want[16], got[16];
		hex(made[i].secret, secret, 16);
		hex(made[i].client, client, 8);
		hex(made[i].server, want, 16);
		unsigned alen = addr(made[i].ip, ip);
		st_cookie_make(secret, client, ip, alen, made[i].now, got);
		assert_memory_equal(got, want, 16);
		/* What we made verifies, young, from the same client only. */
		assert_int_equal(st_cookie_check(secret, client, got, 16, ip, alen, made[i].now),
				 ST_COOKIE_VALID);
		ip[alen - 1] ^= 1;
		assert_int_equal(st_cookie_check(secret, client, got, 16, ip, alen, made[i].now),
				 ST_COOKIE_INVALID);
		ip[alen - 1] ^= 1;
		client[0] ^= 1;
		assert_int_equal(st_cookie_check(secret, client, got, 16, ip, alen, made[i].now),
				 ST_COOKIE_INVALID);
	}
}

/* The cookies the appendix has clients send back. */
static void test_rfc9018_check(void **state)
{
	(void)state;
	uint8_t secret[16], old[16], client[8], server[16], ip[16];
	/* A.2: the A.1 cookie 40 minutes on: valid, due for renewal. */
	hex("e5e973e5a6b2a43f48e7dc849e37bfcf", secret, 16);
	hex("2464c4abcf10c957", client, 8);
	hex("010000005cf79f111f8130c3eee29480", server, 16);
	unsigned alen = addr("198.51.100.100", ip);
	assert_int_equal(st_cookie_check(secret, client, server, 16, ip, alen, 1559734385),
			 ST_COOKIE_RENEW_DUE);
	/* A.3: reserved bytes a client set are part of the hash. */
	hex("fc93fc62807ddb86", client, 8);
	hex("01abcdef5cf78f71a314227b6679ebf5", server, 16);
	alen = addr("203.0.113.203", ip);
	assert_int_equal(st_cookie_check(secret, client, server, 16, ip, alen, 1559727985 + 600),
			 ST_COOKIE_VALID);
	server[1] = 0;
	assert_int_equal(st_cookie_check(secret, client, server, 16, ip, alen, 1559727985 + 600),
			 ST_COOKIE_INVALID);
	/* A.4: made with the old secret, not valid under the new one. */
	hex("dd3bdf9344b678b185a6f5cb60fca715", old, 16);
	hex("445536bcd2513298075a5d379663c962", secret, 16);
	hex("22681ab97d52c298", client, 8);
	hex("010000005cf7c57926556bd0934c72f8", server, 16);
	alen = addr("2001:db8:220:1:59de:d0f4:8769:82b8", ip);
	assert_int_equal(st_cookie_check(old, client, server, 16, ip, alen, 1559741961),
			 ST_COOKIE_VALID);
	assert_int_equal(st_cookie_check(secret, client, server, 16, ip, alen, 1559741961),
			 ST_COOKIE_INVALID);
}

/* RFC 9018 4.3: an hour back, five minutes ahead, across the 2106 wrap. */
static void test_lifetime(void **state)
{
	(void)state;
	uint8_t secret[16] = {1, 2, 3}, client[8] = {9, 8, 7}, ip[4] = {192, 0, 2, 1};
	uint8_t c[16];
	const uint32_t t = 1700000000;
	st_cookie_make(secret, client, ip, 4, t, c);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t + 1800), ST_COOKIE_VALID);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t + 1801),
			 ST_COOKIE_RENEW_DUE);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t + 3600),
			 ST_COOKIE_RENEW_DUE);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t + 3601),
			 ST_COOKIE_INVALID);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t - 300), ST_COOKIE_VALID);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t - 301), ST_COOKIE_INVALID);
	st_cookie_make(secret, client, ip, 4, 0xfffffc00u, c);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, 0x200), ST_COOKIE_VALID);
	/* Other versions and lengths are not ours. */
	st_cookie_make(secret, client, ip, 4, t, c);
	c[0] = 2;
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t), ST_COOKIE_INVALID);
	c[0] = 1;
	assert_int_equal(st_cookie_check(secret, client, c, 8, ip, 4, t), ST_COOKIE_INVALID);
	assert_int_equal(st_cookie_check(secret, client, c, 16, ip, 4, t), ST_COOKIE_VALID);
}

/* RFC 7873 5.2.2: 8, or 16 to 40 bytes. */
static void test_lengths(void **state)
{
	(void)state;
	for (size_t n = 0; n < 64; n++)
		assert_int_equal(st_cookie_len_ok(n), n == 8 || (n >= 16 && n <= 40));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_siphash_vectors), cmocka_unit_test(test_rfc9018_make),
	    cmocka_unit_test(test_rfc9018_check),   cmocka_unit_test(test_lifetime),
	    cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
