/* DNSSEC keys and signatures: BIND and ldns key files (both algorithms),
 * timing metadata and roles, every load error, DS digests, and RRSIGs over
 * RRsets checked by dnspython's dns.dnssec against the DNSKEY RRset. */
#include "config.h"

#include "dns/name.h"
#include "dns/typemap.h"
#include "dnssec/key.h"
#include "dnssec/sign.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static char tmp[256];
static uint8_t apex[ST_DNS_MAX_NAME];
static size_t apex_len;

static int setup(void **state)
{
	snprintf(tmp, sizeof(tmp), "/tmp/steer-test-dnssec.XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	apex_len = (size_t)st_name_from_str("example.test.", apex, sizeof(apex));
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static st_keyset_t *load_dir(const char *which)
{
	char dir[512];
	st_diag_t diag;
	st_keyset_t *ks = NULL;
	snprintf(dir, sizeof(dir), "%s/tests/data/keys/%s", ST_SRCDIR, which);
	int ret = st_keyset_load(dir, apex, apex_len, &ks, &diag);
	if (ret != 0)
		fail_msg("%s", diag.text);
	return ks;
}

static const st_dnskey_t *by_tag(const st_keyset_t *ks, uint16_t tag)
{
	for (size_t i = 0; i < ks->n; i++)
		if (ks->keys[i].tag == tag)
			return &ks->keys[i];
	fail_msg("no key %u", tag);
	return NULL;
}

static size_t index_of(const st_keyset_t *ks, const st_dnskey_t *k)
{
	return (size_t)(k - ks->keys);
}

/* A KSK of one algorithm and a ZSK of another: each signs the DNSKEY RRset
 * and the zone, so every RRset has a signature of each algorithm (RFC 4035
 * 2.2), as BIND assigns roles per algorithm. */
static void test_roles_per_algorithm(void **state)
{
	st_keyset_t *ks = load_dir("mixed");
	assert_int_equal(ks->n, 2);
	const st_dnskey_t *ksk = by_tag(ks, 15318), *zsk = by_tag(ks, 54607);
	assert_int_equal(ksk->alg, 15);
	assert_int_equal(zsk->alg, 13);
	int64_t now = time(NULL);
	assert_true(st_dnskey_signs_keys(ks, index_of(ks, ksk), now));
	assert_true(st_dnskey_signs_zone(ks, index_of(ks, ksk), now));
	assert_true(st_dnskey_signs_zone(ks, index_of(ks, zsk), now));
	assert_true(st_dnskey_signs_keys(ks, index_of(ks, zsk), now));
	st_keyset_free(ks);
}

static void test_load_bind(void **state)
{
	st_keyset_t *ks = load_dir("ecdsa");
	assert_int_equal(ks->n, 2);
	const st_dnskey_t *ksk = by_tag(ks, 65202), *zsk = by_tag(ks, 54607);
	assert_int_equal(ksk->flags, 257);
	assert_int_equal(zsk->flags, 256);
	assert_int_equal(ksk->alg, 13);
	assert_int_equal(ksk->rdlen, 68);
	assert_non_null(ksk->pkey);
	assert_int_equal(ksk->times[ST_KEY_ACTIVATE], 1577836800);
	assert_int_equal(ksk->times[ST_KEY_INACTIVE], ST_KEY_UNSET);
	int64_t now = time(NULL);
	st_key_role_t r = st_dnskey_role(ksk, now);
	assert_true(r.publish && r.sign && r.sync && !r.revoked);
	assert_true(st_dnskey_signs_keys(ks, index_of(ks, ksk), now));
	assert_false(st_dnskey_signs_zone(ks, index_of(ks, ksk), now));
	assert_true(st_dnskey_signs_zone(ks, index_of(ks, zsk), now));
	assert_false(st_dnskey_signs_keys(ks, index_of(ks, zsk), now));
	/* The CDS goes with the KSK only. */
	assert_false(st_dnskey_role(zsk, now).sync && (zsk->flags & ST_DNSKEY_SEP));
	/* Before Publish: nothing. */
	r = st_dnskey_role(ksk, 1577836799);
	assert_false(r.publish || r.sign);
	assert_int_equal(st_dnskey_next_event(ksk, 0), 1577836800);
	assert_int_equal(st_dnskey_next_event(ksk, now), INT64_MAX);
	st_keyset_free(ks);
}

static void test_load_ldns(void **state)
{
	st_keyset_t *ks = load_dir("ed25519");
	assert_int_equal(ks->n, 2);
	const st_dnskey_t *ksk = by_tag(ks, 15318), *zsk = by_tag(ks, 40068);
	assert_int_equal(ksk->flags, 257);
	assert_int_equal(zsk->flags, 256);
	assert_int_equal(ksk->alg, 15);
	assert_int_equal(ksk->rdlen, 36);
	/* No timing at all: published and active. */
	st_key_role_t r = st_dnskey_role(zsk, 0);
	assert_true(r.publish && r.sign);
	st_keyset_free(ks);
}

/* DS digests as dnssec-dsfromkey prints them. */
#define DS_65202_SHA256 "9752EB6FCAAF5192B7A71725CF9FE4D7D647B7F243F49620A7EA3B40967209F2"

static void test_ds(void **state)
{
	st_keyset_t *ks = load_dir("ecdsa");
	const st_dnskey_t *ksk = by_tag(ks, 65202);
	uint8_t ds[64];
	int n = st_ds_rdata(apex, apex_len, ksk->rdata, ksk->rdlen, 2, ds);
	assert_int_equal(n, 36);
	char hex[80];
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02X", ds[4 + i]);
	assert_string_equal(hex, DS_65202_SHA256);
	assert_int_equal(ds[0] << 8 | ds[1], 65202);
	assert_int_equal(ds[2], 13);
	assert_int_equal(ds[3], 2);
	n = st_ds_rdata(apex, apex_len, ksk->rdata, ksk->rdlen, 4, ds);
	assert_int_equal(n, 52);
	assert_int_equal(st_ds_rdata(apex, apex_len, ksk->rdata, ksk->rdlen, 1, ds), ST_EINVAL);
	st_keyset_free(ks);
}

/* ---- load errors ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void copy_key(const char *from_dir, const char *base, const char *to_dir,
		     const char *private_from)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "cp '%s/tests/data/keys/%s/%s.key' '%s/' && cp '%s/tests/data/keys/%s/%s.private' "
		 "'%s/%s.private'",
		 ST_SRCDIR, from_dir, base, to_dir, ST_SRCDIR, from_dir,
		 private_from ? private_from : base, to_dir, base);
	assert_int_equal(system(cmd), 0);
}

static void expect_error(const char *dir, const char *needle)
{
	st_diag_t diag;
	st_keyset_t *ks = NULL;
	int ret = st_keyset_load(dir, apex, apex_len, &ks, &diag);
	assert_true(ret < 0);
	assert_null(ks);
	if (!strstr(diag.text, needle))
		fail_msg("expected '%s' in '%s'", needle, diag.text);
}

static void fresh_dir(char *dir, size_t cap, const char *name)
{
	snprintf(dir, cap, "%s/%s", tmp, name);
	assert_int_equal(mkdir(dir, 0700), 0);
}

static void test_load_errors(void **state)
{
	char d[400];
	fresh_dir(d, sizeof(d), "none");
	expect_error(d, "no key of zone example.test.");
	write_file(d, "Kother.test.+013+11111.key", "other.test. IN DNSKEY 256 3 13 AAAA\n");
	expect_error(d, "no key of zone example.test.");
	snprintf(d, sizeof(d), "%s/missing", tmp);
	expect_error(d, "missing: No such file or directory");

	/* A private key of another key. */
	fresh_dir(d, sizeof(d), "mismatch");
	copy_key("ecdsa", "Kexample.test.+013+65202", d, "Kexample.test.+013+54607");
	expect_error(d, "Kexample.test.+013+65202.private:3: this private key does not belong");

	fresh_dir(d, sizeof(d), "rsa");
	write_file(d, "Kexample.test.+008+12345.key",
		   "; a comment\nexample.test. IN DNSKEY 256 3 8 AwEAAa==\n");
	expect_error(d, "Kexample.test.+008+12345.key:2: algorithm 8 is not supported");

	fresh_dir(d, sizeof(d), "owner");
	write_file(d, "Kexample.test.+013+12345.key", "other.test. IN DNSKEY 256 3 13 AAAA\n");
	expect_error(d, "Kexample.test.+013+12345.key:1: the key is for other.test.");

	fresh_dir(d, sizeof(d), "short");
	write_file(d, "Kexample.test.+015+12345.key",
		   "example.test. 3600 IN DNSKEY 256 3 15 AAAA\n");
	expect_error(d, ".key:1: the public key is not 32 octets of base64");

	fresh_dir(d, sizeof(d), "nozone");
	write_file(d, "Kexample.test.+015+12345.key",
		   "example.test. IN DNSKEY 0 3 15 "
		   "uGw0Dvqfh7kFD3mBGpXzi9YRuUhAN4i9rjEJKREqAJI=\n");
	expect_error(d, ".key:1: flags 0 lack the zone key bit");

	fresh_dir(d, sizeof(d), "priv");
	copy_key("ed25519", "Kexample.test.+015+40068", d, NULL);
	write_file(d, "Kexample.test.+015+40068.private",
		   "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n");
	expect_error(d, "Kexample.test.+015+40068.private: no PrivateKey line");
	write_file(d, "Kexample.test.+015+40068.private",
		   "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: x\n");
	expect_error(d, ".private:2: algorithm 13, but the .key file says 15");
	write_file(d, "Kexample.test.+015+40068.private", "garbage\n");
	expect_error(d, ".private:1: expected \"Field: value\"");
	write_file(d, "Kexample.test.+015+40068.private",
		   "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\nPrivateKey: AAAA\n");
	expect_error(d, ".private:3: the private key is not 32 octets");
}

/* A .key alone is published, never used to sign. */
static void test_public_only(void **state)
{
	char d[400], cmd[1200];
	fresh_dir(d, sizeof(d), "public");
	snprintf(cmd, sizeof(cmd),
		 "cp '%s/tests/data/keys/ecdsa/Kexample.test.+013+54607.key' '%s/'", ST_SRCDIR, d);
	assert_int_equal(system(cmd), 0);
	st_keyset_t *ks = NULL;
	st_diag_t diag;
	assert_int_equal(st_keyset_load(d, apex, apex_len, &ks, &diag), 0);
	assert_null(ks->keys[0].pkey);
	st_key_role_t r = st_dnskey_role(&ks->keys[0], time(NULL));
	assert_true(r.publish);
	assert_false(r.sign);
	st_keyset_free(ks);
}

/* Timing from the .private file wins over the .key comments. */
static void test_timing(void **state)
{
	char d[400];
	fresh_dir(d, sizeof(d), "timing");
	copy_key("ed25519", "Kexample.test.+015+40068", d, NULL);
	char path[600];
	snprintf(path, sizeof(path), "%s/Kexample.test.+015+40068.private", d);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("Publish: 20300101000000\nActivate: 20300102000000\nInactive: "
	      "20300201000000\nDelete: 20300301000000\nSyncPublish: 20300103000000\n",
	      f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/Kexample.test.+015+40068.key", d);
	f = fopen(path, "a");
	fputs("; Activate: 20990101000000\n", f);
	fclose(f);
	st_keyset_t *ks = NULL;
	st_diag_t diag;
	assert_int_equal(st_keyset_load(d, apex, apex_len, &ks, &diag), 0);
	const st_dnskey_t *k = &ks->keys[0];
	int64_t pub, act, ina, del;
	assert_int_equal(st_key_time_parse("20300101000000", &pub), 0);
	assert_int_equal(st_key_time_parse("20300102000000", &act), 0);
	assert_int_equal(st_key_time_parse("20300201000000", &ina), 0);
	assert_int_equal(st_key_time_parse("20300301000000", &del), 0);
	assert_int_equal(k->times[ST_KEY_ACTIVATE], act);
	st_key_role_t r = st_dnskey_role(k, pub - 1);
	assert_false(r.publish);
	r = st_dnskey_role(k, pub);
	assert_true(r.publish && !r.sign);
	r = st_dnskey_role(k, act);
	assert_true(r.publish && r.sign);
	assert_false(r.sync); /* SyncPublish is a day later */
	r = st_dnskey_role(k, act + 86400);
	assert_true(r.sync);
	r = st_dnskey_role(k, ina);
	assert_true(r.publish && !r.sign);
	r = st_dnskey_role(k, del);
	assert_false(r.publish || r.sign);
	assert_int_equal(st_dnskey_next_event(k, pub), act);
	assert_int_equal(st_dnskey_next_event(k, ina), del);
	/* A lone ZSK also signs the DNSKEY RRset (CSK). */
	assert_true(st_dnskey_signs_keys(ks, 0, act));
	assert_true(st_dnskey_signs_zone(ks, 0, act));
	st_keyset_free(ks);
	assert_int_equal(st_key_time_parse("2030010100000", &pub), -1);
	assert_int_equal(st_key_time_parse("203001010000000", &pub), -1);
	assert_int_equal(st_key_time_parse("20301301000000", &pub), -1);
}

/* RFC 5011: a revoked key is published with the REVOKE flag (a new tag)
 * and signs the DNSKEY RRset, nothing else, and gets no CDS. */
static void test_revoke(void **state)
{
	char d[400];
	fresh_dir(d, sizeof(d), "revoke");
	copy_key("ecdsa", "Kexample.test.+013+65202", d, NULL);
	copy_key("ecdsa", "Kexample.test.+013+54607", d, NULL);
	char path[600];
	snprintf(path, sizeof(path), "%s/Kexample.test.+013+65202.private", d);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("Revoke: 20210101000000\n", f);
	fclose(f);
	st_keyset_t *ks = NULL;
	st_diag_t diag;
	assert_int_equal(st_keyset_load(d, apex, apex_len, &ks, &diag), 0);
	const st_dnskey_t *k = by_tag(ks, 65202);
	int64_t now = time(NULL);
	st_key_role_t r = st_dnskey_role(k, now);
	assert_true(r.publish && r.revoked && !r.sync);
	uint8_t rd[ST_DNSKEY_RDATA_MAX];
	size_t n = st_dnskey_rdata(k, true, rd);
	assert_int_equal(rd[1], 0x81);
	assert_int_not_equal(st_key_tag(rd, n), 65202);
	assert_true(st_dnskey_signs_keys(ks, index_of(ks, k), now));
	assert_false(st_dnskey_signs_zone(ks, index_of(ks, k), now));
	/* Before its Revoke time it was an ordinary KSK. */
	r = st_dnskey_role(k, 1609459199);
	assert_false(r.revoked);
	assert_true(r.sync);
	st_keyset_free(ks);
}

/* ---- signatures checked by dnspython ---- */

typedef struct msgb {
	uint8_t b[16384];
	size_t len;
	unsigned n;
} msgb_t;

static void msg_init(msgb_t *m)
{
	memset(m->b, 0, 12);
	m->b[2] = 0x84; /* QR AA */
	m->len = 12;
	m->n = 0;
}

static void put_rr(msgb_t *m, const uint8_t *owner, size_t olen, uint16_t type, uint32_t ttl,
		   const uint8_t *rd, size_t rdlen)
{
	assert_true(m->len + olen + 10 + rdlen <= sizeof(m->b));
	memcpy(m->b + m->len, owner, olen);
	m->len += olen;
	st_put16(m->b + m->len, type);
	st_put16(m->b + m->len + 2, ST_CLASS_IN);
	st_put32(m->b + m->len + 4, ttl);
	st_put16(m->b + m->len + 8, (uint16_t)rdlen);
	memcpy(m->b + m->len + 10, rd, rdlen);
	m->len += 10 + rdlen;
	m->n++;
	st_put16(m->b + 6, (uint16_t)m->n);
}

static uint32_t now32(void)
{
	return (uint32_t)time(NULL);
}

/* Sign rr[0..n) as owner/type with key, put the records (with `shown` as
 * owner) and the RRSIG into the message. */
static void sign_put(msgb_t *m, st_sigbuf_t *sb, const st_dnskey_t *key, const char *owner,
		     const char *shown, uint16_t type, uint32_t ttl, const st_rdata_ref_t *rr,
		     size_t n)
{
	uint8_t o[256], s[256];
	size_t ol = (size_t)st_name_from_str(owner, o, sizeof(o));
	size_t sl = (size_t)st_name_from_str(shown, s, sizeof(s));
	assert_int_equal(st_sigbuf_rrset(sb, o, ol, type, ttl, rr, n), 0);
	uint8_t offs[ST_DNS_MAX_LABELS];
	unsigned labels = st_name_labels(o, offs);
	if (o[0] == 1 && o[1] == '*')
		labels--;
	st_rrsig_meta_t meta = {
	    .type = type,
	    .labels = (uint8_t)labels,
	    .ttl = ttl,
	    .inception = now32() - 3600,
	    .expiration = now32() + 86400,
	    .signer = apex,
	    .signer_len = apex_len,
	};
	uint8_t sig[ST_RRSIG_RDATA_MAX];
	int sl2 = st_rrsig_make(sb, key, key->tag, &meta, sig);
	assert_true(sl2 > 0);
	for (size_t i = 0; i < n; i++)
		put_rr(m, s, sl, type, ttl, rr[i].data, rr[i].len);
	put_rr(m, s, sl, ST_TYPE_RRSIG, ttl, sig, (size_t)sl2);
}

/* Run the dnspython check on the message; returns its exit status. */
static int verify(const msgb_t *m)
{
	char path[400], cmd[1200];
	snprintf(path, sizeof(path), "%s/msg.bin", tmp);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(m->b, 1, m->len, f), m->len);
	fclose(f);
	if (access("/usr/bin/python3", X_OK) != 0)
		return 77;
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/tests/unit/dnssec_verify.py' '%s'",
		 ST_SRCDIR, path);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sign_all(const char *which, uint16_t ksk_tag, uint16_t zsk_tag)
{
	st_keyset_t *ks = load_dir(which);
	const st_dnskey_t *ksk = by_tag(ks, ksk_tag), *zsk = by_tag(ks, zsk_tag);
	st_sigbuf_t sb;
	st_sigbuf_init(&sb);
	msgb_t m;
	msg_init(&m);

	st_rdata_ref_t keys[2] = {{ksk->rdata, ksk->rdlen}, {zsk->rdata, zsk->rdlen}};
	sign_put(&m, &sb, ksk, "example.test.", "example.test.", ST_TYPE_DNSKEY, 3600, keys, 2);

	/* Records out of order, one repeated: signed sorted and once. */
	static const uint8_t a1[] = {192, 0, 2, 9}, a2[] = {192, 0, 2, 1}, a3[] = {10, 0, 0, 1};
	st_rdata_ref_t as[4] = {{a1, 4}, {a2, 4}, {a1, 4}, {a3, 4}};
	sign_put(&m, &sb, zsk, "WwW.Example.TEST.", "www.example.test.", ST_TYPE_A, 20, as, 4);

	/* Names inside RDATA in upper case: signed lower-cased. */
	uint8_t mx[64];
	mx[0] = 0;
	mx[1] = 10;
	size_t ml = 2 + (size_t)st_name_from_str("MAIL.Example.Test.", mx + 2, sizeof(mx) - 2);
	st_rdata_ref_t mxs[1] = {{mx, (uint16_t)ml}};
	sign_put(&m, &sb, zsk, "example.test.", "example.test.", ST_TYPE_MX, 300, mxs, 1);

	/* A wildcard signature shown under the name it answered for. */
	static const uint8_t aaaa[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	st_rdata_ref_t six[1] = {{aaaa, 16}};
	sign_put(&m, &sb, zsk, "*.wild.example.test.", "a.b.wild.example.test.", ST_TYPE_AAAA, 20,
		 six, 1);

	/* An NSEC with NXNAME, as compact denial makes it. */
	uint8_t nsec[300];
	size_t nl = (size_t)st_name_from_str("\\000.nope.example.test.", nsec, sizeof(nsec));
	uint16_t types[] = {ST_TYPE_RRSIG, ST_TYPE_NSEC, 128};
	nl += st_typemap_write(types, 3, nsec + nl, sizeof(nsec) - nl);
	st_rdata_ref_t ns[1] = {{nsec, (uint16_t)nl}};
	sign_put(&m, &sb, zsk, "nope.example.test.", "nope.example.test.", ST_TYPE_NSEC, 300, ns,
		 1);

	int st = verify(&m);
	if (st == 77) {
		st_sigbuf_clear(&sb);
		st_keyset_free(ks);
		skip();
	}
	assert_int_equal(st, 0);

	/* The check can fail: a changed address breaks the A signature. */
	for (size_t i = 12; i + 4 <= m.len; i++) {
		if (memcmp(m.b + i, a3, 4) == 0) {
			m.b[i + 3] ^= 1;
			break;
		}
	}
	assert_int_equal(verify(&m), 1);
	st_sigbuf_clear(&sb);
	st_keyset_free(ks);
}

static void test_sign_ecdsa(void **state)
{
	sign_all("ecdsa", 65202, 54607);
}

/* BIND writes an ECDSA private key as a number: this ZSK's is 31 octets
 * (its first octet is zero), as one key in 256 is. */
static void test_sign_ecdsa_short_private(void **state)
{
	sign_all("ecdsa-short", 44546, 31994);
}

static void test_sign_ed25519(void **state)
{
	sign_all("ed25519", 15318, 40068);
}

/* The canonical form itself: owner and names lowered, sorted, one copy. */
static void test_canonical_rrset(void **state)
{
	st_sigbuf_t sb;
	st_sigbuf_init(&sb);
	uint8_t o[64];
	size_t ol = (size_t)st_name_from_str("A.Test.", o, sizeof(o));
	static const uint8_t r1[] = {3, 'B', 'b', 'b', 0}, r2[] = {1, 'A', 0};
	st_rdata_ref_t rr[3] = {{r1, 5}, {r2, 3}, {r1, 5}};
	assert_int_equal(st_sigbuf_rrset(&sb, o, ol, ST_TYPE_NS, 7, rr, 3), 0);
	static const uint8_t want[] = {
	    1,	 'a', 4,   't', 'e', 's', 't', 0, 0, 2, 0, 1, 0, 0, 0, 7, 0, 3, 1,   'a', 0,   1,
	    'a', 4,   't', 'e', 's', 't', 0,   0, 2, 0, 1, 0, 0, 0, 7, 0, 5, 3, 'b', 'b', 'b', 0,
	};
	assert_int_equal(sb.len, sizeof(want));
	assert_memory_equal(sb.buf + ST_RRSIG_HEAD, want, sizeof(want));
	/* A malformed name in RDATA is refused. */
	static const uint8_t bad[] = {5, 'a'};
	st_rdata_ref_t rb[1] = {{bad, 2}};
	assert_int_equal(st_sigbuf_rrset(&sb, o, ol, ST_TYPE_CNAME, 7, rb, 1), ST_EINVAL);
	st_sigbuf_clear(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_bind),
	    cmocka_unit_test(test_roles_per_algorithm),
	    cmocka_unit_test(test_load_ldns),
	    cmocka_unit_test(test_ds),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_public_only),
	    cmocka_unit_test(test_timing),
	    cmocka_unit_test(test_revoke),
	    cmocka_unit_test(test_canonical_rrset),
	    cmocka_unit_test(test_sign_ecdsa),
	    cmocka_unit_test(test_sign_ecdsa_short_private),
	    cmocka_unit_test(test_sign_ed25519),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
