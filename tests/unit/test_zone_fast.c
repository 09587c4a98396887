/* The zone reader's fast path against ldns. Every entry the fast path takes
 * must come out exactly as ldns reads it (owner, type, class, TTL, RDATA,
 * whether it names its owner), over hand-picked entries and thousands of
 * generated ones; the common forms must take the fast path; and whole zones
 * (good and bad, every directive, escapes, parentheses, comments, relative
 * names, TTL units) load to the same snapshot and the same messages with
 * the fast path on and off. */
#include "config.h"

#include "common/log.h"
#include "zone/internal.h"
#include "zone/zone.h"
#include "dns/name.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static const uint8_t origin[] = "\7example\4test";     /* 14 bytes with the root */
static const uint8_t prev[] = "\4prev\7example\4test"; /* 19 */

typedef struct ctxs {
	zp_ctx_t c[6];
} ctxs_t;

static void contexts(ctxs_t *x)
{
	for (int i = 0; i < 6; i++) {
		x->c[i] = (zp_ctx_t){.origin = origin, .origin_len = sizeof(origin)};
		if (i & 1) {
			x->c[i].prev = prev;
			x->c[i].prev_len = sizeof(prev);
		}
		x->c[i].ttl = i / 2 == 1 ? 300 : 0;
		x->c[i].ttl_zero = i / 2 == 2;
	}
}

static zb_t zb;
static st_diag_t diag;

/* One entry through both paths: 1 when the fast path took it (and then it
 * must equal what ldns reads). */
static int compare(const char *entry, const zp_ctx_t *ctx)
{
	static zp_rr_t fast, slow;
	memset(&fast, 0xaa, sizeof(fast));
	memset(&slow, 0x55, sizeof(slow));
	int f = zp_fast(entry, strlen(entry), ctx, &fast);
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", entry);
	st_diag_clear(&diag);
	int s = zp_ldns(&zb, "t", 1, buf, ctx, &slow);
	if (!f)
		return 0;
	if (s != 0 || fast.owner_len != slow.owner_len ||
	    memcmp(fast.owner, slow.owner, fast.owner_len) != 0 ||
	    fast.owner_given != slow.owner_given || fast.type != slow.type ||
	    slow.rclass != ST_CLASS_IN || fast.ttl != slow.ttl ||
	    fast.explicit_ttl != slow.explicit_ttl || fast.rdlen != slow.rdlen ||
	    memcmp(fast.rdata, slow.rdata, fast.rdlen) != 0) {
		fprintf(stderr,
			"entry '%s' (prev %d, ttl %u%s): ldns %d (%s), type %u/%u, ttl %u/%u, "
			"rdlen %zu/%zu, owner %zu/%zu\n",
			entry, ctx->prev != NULL, ctx->ttl, ctx->ttl_zero ? " zero" : "", s,
			diag.text, fast.type, slow.type, fast.ttl, slow.ttl, fast.rdlen, slow.rdlen,
			fast.owner_len, slow.owner_len);
		fail();
	}
	return 1;
}

/* Entries the fast path must take (and ldns agree on). */
static const char *const must[] = {
    "www A 192.0.2.1",
    "www IN A 192.0.2.1",
    "www 300 IN A 192.0.2.1",
    "www IN 300 A 192.0.2.1",
    "www 1h30m A 192.0.2.1",
    "WWW.Example.Test. 60 in a 192.0.2.1",
    "\tA 192.0.2.2",
    "  300 IN AAAA 2001:db8::1",
    "@ NS ns1",
    "@ NS ns1.example.net.",
    "@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300",
    "@ SOA ns1. h.example.net. 1 1h 30m 1w 1d",
    "@ SOA @ @ 0 0 0 0 0",
    "mx MX 10 mail",
    "mx MX 0 .",
    "mx MX 010 mail.example.net.",
    "_sip._udp SRV 0 5 5060 sipserver",
    "www CNAME web",
    "www CNAME @",
    "ptr PTR web.example.net.",
    "alias DNAME example.net.",
    "t TXT \"hello world\"",
    "t TXT hello",
    "t TXT \"a\" \"b\" c",
    "t TXT \"\"",
    "t TXT \"v=spf1 ip4:192.0.2.0/24 -all\" \"id=0123456789ab\"",
    "t TXT \"deep; (name)\"",
    "*.wild A 192.0.2.99",
    "xn--caf-dma A 192.0.2.3",
    "a.b.c.d.e.f AAAA ::",
    "h1.dept7 300 TXT \"x\"",
    ". A 192.0.2.4",
};

/* Entries ldns reads its own way (or refuses): the fast path leaves them. */
static const char *const leave[] = {
    "www A 1.2.3",
    "www A 192.0.2.1 extra",
    "www CH A 192.0.2.1",
    "www CLASS1 A 192.0.2.1",
    "www TYPE1 \\# 4 c0000201",
    "www HINFO \"a\" \"b\"",
    "a\\.b A 192.0.2.1",
    "\\065bc A 192.0.2.1",
    "@x A 192.0.2.1",
    "a..b A 192.0.2.1",
    "www 3x A 192.0.2.1",
    "www 1e3 A 192.0.2.1",
    "www 2147483648 A 192.0.2.1",
    "mx MX 65536 mail",
    "mx MX -1 mail",
    "mx MX +5 mail",
    "t TXT \"a\\\"b\"",
    "t TXT \"a\"b",
    "t TXT \"unterminated",
    "t TXT a\"b",
    "@ SOA ns1 h 4294967296 1 1 1 1",
    "@ SOA ns1 h 1 1 1 1",
    "www CNAME @.x",
    "www",
    "www 300",
};

static void test_entries(void **state)
{
	(void)state;
	ctxs_t x;
	contexts(&x);
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		for (int k = 0; k < 6; k++)
			if (!compare(must[i], &x.c[k])) {
				fprintf(stderr, "not taken: '%s'\n", must[i]);
				fail();
			}
	for (size_t i = 0; i < sizeof(leave) / sizeof(leave[0]); i++)
		for (int k = 0; k < 6; k++)
			if (compare(leave[i], &x.c[k])) {
				fprintf(stderr, "taken: '%s'\n", leave[i]);
				fail();
			}
}

/* ---- generated entries ---- */

static uint64_t rng = 20261207;

static uint32_t pick(uint32_t n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)((rng >> 33) % n);
}

#define N(a) (sizeof(a) / sizeof(a[0]))

/* Pools list the well-formed values first (`good` of them): picked two
 * times in three, so that many entries make it to the end. */
static const char *from(const char *const *pool, uint32_t n, uint32_t good)
{
	return pool[pick(3) ? pick(good) : pick(n)];
}
#define FROM(a, good) from(a, N(a), good)

static const char *const owners[] = {
    "",
    "@",
    "www",
    "WWW.Example.Test.",
    "a.b.c",
    "*.wild",
    "x.",
    "_sip._tcp",
    "xn--caf-dma",
    "-",
    "1.2.3.4",
    "h123.dept45",
    "MiXeD",
    "z",
    "a@b",
    "*",
    ".",
    "@x",
    "a..b",
    "\\065bc",
    "a\\.b",
    "a\"b",
    "\\@",
    "a.b.c.d.e.f.g.h",
};
#define OWNERS_GOOD 15

static const char *const ttls[] = {
    "",	      "0",	    "300",	  "1h30m",	"1H",  "2w", "2147483647",  "00300", "5M",
    "604800", "1s1m1h1d1w", "2147483648", "4294967296", "1e3", "3x", "99999999999", "h",
};
#define TTLS_GOOD 11

static const char *const classes[] = {"", "IN", "in", "In", "CH", "HS", "CLASS1", "ANY"};
#define CLASSES_GOOD 4

static const char *const types[] = {"A",   "AAAA",  "NS",    "CNAME", "PTR", "DNAME",
				    "MX",  "SRV",   "SOA",   "TXT",   "a",   "Mx",
				    "txt", "TYPE1", "HINFO", "SPF",   "CAA", "IN"};

static const char *const names[] = {
    "ns1", "ns1.example.net.", "@", ".", "MAIL", "a.b.", "a.b", "-x", "*", "@.x", "a..b", "x\\.y",
};
#define NAMES_GOOD 9

static const char *const addrs4[] = {"192.0.2.1", "0.0.0.0",  "255.255.255.255", "1.2.3",
				     "256.1.1.1", "01.2.3.4", "1.2.3.4.5",	 "::1"};
#define ADDRS4_GOOD 3
static const char *const addrs6[] = {
    "2001:db8::1", "::",      "::ffff:1.2.3.4", "2001:DB8:0:0:0:0:0:1",
    "2001:db8::g", "1.2.3.4", "fe80::1%1"};
#define ADDRS6_GOOD 4
static const char *const nums[] = {"0",	 "10", "65535",	     "010",	   "65536", "-1",
				   "+5", "x",  "4294967295", "4294967296", "1h"};
#define NUMS_GOOD 4
static const char *const txts[] = {
    "\"hello world\"",
    "hello",
    "\"a\" \"b\"",
    "\"\"",
    "\"with ; (x)\"",
    "a \"b c\" d",
    "\"@\"",
    "@",
    "-",
    "\"'\"",
    "\"a\"b",
    "\"esc \\\" q\"",
    "\"\\065\"",
    "\"unterminated",
    "\"tab\there\"",
    "x\\ y",
};
#define TXTS_GOOD 10

/* A name that may be long (labels of 63 and 64, names near 255). */
static void long_name(char *out, size_t cap)
{
	size_t n = 0, want = 40 + pick(230);
	unsigned label = pick(2) ? 63 : 64;
	while (n + 2 < want && n + 2 < cap) {
		size_t l = label < want - n - 1 ? label : want - n - 1;
		memset(out + n, 'a' + (char)pick(26), l);
		n += l;
		out[n++] = '.';
	}
	if (pick(2) && n > 0)
		n--; /* relative */
	out[n] = '\0';
}

static void gen_rdata(const char *type, char *out, size_t cap)
{
	char a[300];
	switch (type[0] | 0x20) {
	case 'a':
		if (strlen(type) == 1)
			snprintf(out, cap, "%s", FROM(addrs4, ADDRS4_GOOD));
		else
			snprintf(out, cap, "%s", FROM(addrs6, ADDRS6_GOOD));
		break;
	case 'm':
		snprintf(out, cap, "%s %s", FROM(nums, NUMS_GOOD), FROM(names, NAMES_GOOD));
		break;
	case 's':
		if ((type[1] | 0x20) == 'r')
			snprintf(out, cap, "%s %s %s %s", FROM(nums, NUMS_GOOD),
				 FROM(nums, NUMS_GOOD), FROM(nums, NUMS_GOOD),
				 FROM(names, NAMES_GOOD));
		else if ((type[1] | 0x20) == 'o')
			snprintf(out, cap, "%s %s %s %s %s %s %s", FROM(names, NAMES_GOOD),
				 FROM(names, NAMES_GOOD), FROM(nums, NUMS_GOOD),
				 ttls[1 + pick(TTLS_GOOD - 1)], ttls[1 + pick(TTLS_GOOD - 1)],
				 FROM(nums, NUMS_GOOD), ttls[1 + pick(TTLS_GOOD - 1)]);
		else
			snprintf(out, cap, "%s", FROM(txts, TXTS_GOOD));
		break;
	case 't':
		if ((type[1] | 0x20) == 'x') {
			if (pick(8) == 0) {
				memset(a, 'x', 256);
				a[255 + pick(2)] = '\0';
				snprintf(out, cap, "\"%s\"", a);
			} else {
				snprintf(out, cap, "%s %s", FROM(txts, TXTS_GOOD),
					 pick(2) ? FROM(txts, TXTS_GOOD) : "");
			}
		} else {
			snprintf(out, cap, "\\# 4 c0000201");
		}
		break;
	case 'h':
		snprintf(out, cap, "\"cpu\" \"os\"");
		break;
	case 'c':
		if ((type[1] | 0x20) == 'a')
			snprintf(out, cap, "0 issue \"ca.example.net\"");
		else if (pick(6) == 0) {
			long_name(a, sizeof(a));
			snprintf(out, cap, "%s", a);
		} else
			snprintf(out, cap, "%s", FROM(names, NAMES_GOOD));
		break;
	default:
		snprintf(out, cap, "%s", FROM(names, NAMES_GOOD));
	}
	if (pick(12) == 0) /* trailing text */
		snprintf(out + strlen(out), cap - strlen(out), " extra");
	if (pick(12) == 0)
		snprintf(out + strlen(out), cap - strlen(out), "  \t");
}

static void test_generated(void **state)
{
	(void)state;
	ctxs_t x;
	contexts(&x);
	size_t taken = 0, total = 0;
	for (int i = 0; i < 30000; i++) {
		char owner[300], rd[1024], entry[2048];
		const char *o = FROM(owners, OWNERS_GOOD);
		if (pick(10) == 0) {
			long_name(owner, sizeof(owner));
			o = owner;
		}
		const char *t = FROM(ttls, TTLS_GOOD), *c = FROM(classes, CLASSES_GOOD);
		const char *type = FROM(types, 10);
		gen_rdata(type, rd, sizeof(rd));
		const char *sep = pick(3) ? " " : "\t";
		bool swap = pick(2);
		snprintf(entry, sizeof(entry), "%s%s%s%s%s%s%s%s%s", o, sep, swap ? c : t,
			 (swap ? *c : *t) ? sep : "", swap ? t : c, (swap ? *t : *c) ? sep : "",
			 type, sep, rd);
		int k = (int)pick(6);
		taken += (size_t)compare(entry, &x.c[k]);
		total++;
	}
	/* Most generated entries are fine and common: the fast path must take
	 * a good share (it is not simply handing everything to ldns). */
	fprintf(stderr, "fast path took %zu of %zu generated entries\n", taken, total);
	assert_true(taken > total / 5);
}

/* ---- whole zones ---- */

static char good_dir[4096], bad_dir[4096], tmp_dir[256];

static st_zone_t *load(const char *origin_name, const char *path, bool fast, st_diag_t *d)
{
	st_zone_t *z = NULL;
	zp_fast_enabled = fast;
	st_diag_clear(d);
	st_zone_load(origin_name, path, NULL, 0, &z, d);
	zp_fast_enabled = true;
	return z;
}

static void same_zone(const st_zone_t *a, const st_zone_t *b)
{
	assert_int_equal(st_zone_node_count(a), st_zone_node_count(b));
	assert_int_equal(st_zone_record_count(a), st_zone_record_count(b));
	assert_int_equal(st_zone_serial(a), st_zone_serial(b));
	for (size_t i = 0; i < st_zone_node_count(a); i++) {
		const st_node_t *na = st_zone_node(a, i);
		const st_node_t *nb = st_zone_find(b, na->name, na->name_len);
		assert_non_null(nb);
		assert_int_equal(na->flags, nb->flags);
		assert_int_equal(na->n_rrsets, nb->n_rrsets);
		for (size_t r = 0; r < na->n_rrsets; r++) {
			const st_rrset_t *x = &na->rrsets[r], *y = &nb->rrsets[r];
			assert_int_equal(x->type, y->type);
			assert_int_equal(x->count, y->count);
			assert_int_equal(x->ttl, y->ttl);
			size_t size = st_rrset_size(x);
			assert_int_equal(size, st_rrset_size(y));
			if (size)
				assert_memory_equal(x->rdata, y->rdata, size);
		}
	}
}

static void both_ways(const char *origin_name, const char *path)
{
	st_diag_t d1, d2;
	st_zone_t *a = load(origin_name, path, true, &d1);
	st_zone_t *b = load(origin_name, path, false, &d2);
	if ((a == NULL) != (b == NULL) || strcmp(d1.text, d2.text) != 0)
		fprintf(stderr, "%s:\n fast: %s\n ldns: %s\n", path, d1.text, d2.text);
	assert_true((a == NULL) == (b == NULL));
	assert_string_equal(d1.text, d2.text);
	if (a)
		same_zone(a, b);
	st_zone_free(a);
	st_zone_free(b);
}

static void test_zone_files(void **state)
{
	(void)state;
	static const struct {
		const char *origin, *file;
	} good[] = {
	    {"example.test.", "example.test.zone"},
	    {"sub.example.test.", "sub.example.test.zone"},
	    {"test.", "test.zone"},
	    {"empty.test.", "empty-rdata.zone"},
	};
	char path[8192];
	for (size_t i = 0; i < N(good); i++) {
		snprintf(path, sizeof(path), "%s/%s", good_dir, good[i].file);
		both_ways(good[i].origin, path);
	}
	FILE *ls;
	char cmd[8300];
	snprintf(cmd, sizeof(cmd), "ls %s", bad_dir);
	assert_non_null(ls = popen(cmd, "r"));
	char name[512];
	size_t n = 0;
	while (fgets(name, sizeof(name), ls)) {
		name[strcspn(name, "\n")] = '\0';
		if (!strstr(name, ".zone"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", bad_dir, name);
		both_ways("bad.test.", path);
		n++;
	}
	pclose(ls);
	assert_true(n > 30);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A zone with every syntax the reader knows, in the forms zones use. */
static void test_syntax_zone(void **state)
{
	(void)state;
	char path[512], inc[512];
	snprintf(inc, sizeof(inc), "%s/part.inc", tmp_dir);
	write_file(inc, "; included\n"
			"in1\tA\t192.0.2.101\n"
			"\tAAAA\t2001:db8::101\n"
			"$ORIGIN deeper\n"
			"in2 (\n 60 IN A\n 192.0.2.102 ) ; multi-line\n"
			"@ TXT \"at the include's origin\"\n");
	snprintf(path, sizeof(path), "%s/syntax.zone", tmp_dir);
	char text[8192];
	snprintf(text, sizeof(text),
		 "$TTL 1h\n"
		 "$ORIGIN syntax.test.\n"
		 "@ IN SOA ns1 hostmaster (\n"
		 "\t2024010101 ; serial\n"
		 "\t2h 30M 2W 5m )\n"
		 "  IN NS ns1\n"
		 "\tIN NS ns2.syntax.test.\n"
		 "@ MX 10 mail\n"
		 "@ MX 20 Mail.Other.Test.\n"
		 "ns1 A 192.0.2.1 ; comment\n"
		 "ns2 300 IN A 192.0.2.2\n"
		 "mail IN 300 A 192.0.2.3\r\n"
		 "Mixed.Case A 192.0.2.4\n"
		 "esc\\.dot A 192.0.2.5\n"
		 "\\065bc A 192.0.2.6\n"
		 "q\\032space TXT \"a \\\"quoted\\\" word\" \\065BC plain\n"
		 "txt TXT ( \"one\"\n \"two\" ) \"three\"\n"
		 "txt TXT \"semi ; colon\" \"paren ( )\"\n"
		 "long TXT \"%0255d\"\n"
		 "gen TYPE65000 \\# 3 abcdef\n"
		 "gen2 A \\# 4 c0000207\n"
		 "hinfo HINFO \"cpu\" \"os\"\n"
		 "caa CAA 0 issue \"ca.example.net\"\n"
		 "srv._tcp SRV 0 5 5060 sip\n"
		 "sip A 192.0.2.8\n"
		 "w1 1w A 192.0.2.9\n"
		 "w2 1d2h3m4s A 192.0.2.10\n"
		 "$TTL 0\n"
		 "zero A 192.0.2.11\n"
		 "$TTL 120\n"
		 "cn CNAME @\n"
		 "dn DNAME other.test.\n"
		 "ptr PTR sip\n"
		 "$INCLUDE part.inc inc\n"
		 "after A 192.0.2.12\n"
		 "\tAAAA 2001:db8::12\n"
		 "$ORIGIN sub\n"
		 "rel A 192.0.2.13\n"
		 "@ A 192.0.2.14\n",
		 0);
	write_file(path, text);
	both_ways("syntax.test.", path);
	st_diag_t d;
	st_zone_t *z = load("syntax.test.", path, true, &d);
	if (!z)
		fprintf(stderr, "%s\n", d.text);
	assert_non_null(z);
	assert_true(st_zone_record_count(z) > 30);
	st_zone_free(z);
	unlink(inc);
	unlink(path);
}

/* A larger zone in the shape of tools/zone-gen.py's. */
static void test_generated_zone(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/big.zone", tmp_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "$ORIGIN big.test.\n$TTL 3600\n"
		   "@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
		   "@ IN NS ns1\n@ IN NS ns2\nns1 IN A 192.0.2.1\nns2 IN A 192.0.2.2\n");
	/* Lines as editors and generators leave them: comments after the
	 * data (quotes and parentheses in them), CR LF ends, tabs, quoted
	 * semicolons. */
	static const char *const ends[] = {
	    "\n",   "\n",   "\n",   " ; a comment\n",
	    ";x\n", "\r\n", "\t\n", " ; it's \"quoted\" (and parens)\n"};
	for (unsigned h = 1; h < 30000; h++) {
		char name[64];
		if (h % 10 == 0)
			snprintf(name, sizeof(name), "h%u.dept%u", h, h % 97);
		else
			snprintf(name, sizeof(name), "h%u", h);
		const char *e1 = ends[pick(N(ends))], *e2 = ends[pick(N(ends))];
		switch (pick(5)) {
		case 0:
			fprintf(f, "%s A 10.%u.%u.%u%s", name, (h >> 16) & 255, (h >> 8) & 255,
				h & 255, e1);
			break;
		case 1:
			fprintf(f, "%s\tA\t10.0.%u.%u%s\tAAAA\t2001:db8::%x%s", name,
				(h >> 8) & 255, h & 255, e1, h, e2);
			break;
		case 2:
			fprintf(f, "%s 300 TXT \"v=spf1 -all\" \"id=%08x\"%s", name,
				h * 2654435761u, e1);
			break;
		case 3:
			fprintf(f, "%s TXT \"a;b\" plain \"(c)\"%s", name, e1);
			break;
		default:
			fprintf(f, "%s MX 10 mx%u%s%s MX 20 mx%u%s", name, h % 50, e1, name,
				(h + 1) % 50, e2);
		}
	}
	fclose(f);
	both_ways("big.test.", path);
	unlink(path);
}

/* A file bigger than the reader's give-back step (4 MiB): what it already
 * read is dropped from the process as it goes; every record still loads. */
static void test_big_file(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof(path), "%s/huge.zone", tmp_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "$ORIGIN huge.test.\n$TTL 300\n"
		   "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n");
	enum { N = 240000 };
	for (unsigned i = 0; i < N; i++)
		fprintf(f, "host-%06u.a-long-enough-label TXT \"record %u\"\n", i, i);
	long size = ftell(f);
	fclose(f);
	assert_true(size > (8 << 20)); /* two steps and more */
	st_diag_t d;
	st_zone_t *z = load("huge.test.", path, true, &d);
	if (!z)
		fprintf(stderr, "%s\n", d.text);
	assert_non_null(z);
	assert_int_equal(st_zone_record_count(z), N + 3);
	static const unsigned probe[] = {0, 1, N / 2, N - 2, N - 1};
	for (size_t i = 0; i < N(probe); i++) {
		char name[128];
		uint8_t wire[ST_DNS_MAX_NAME];
		snprintf(name, sizeof(name), "host-%06u.a-long-enough-label.huge.test.", probe[i]);
		int n = st_name_from_str(name, wire, sizeof(wire));
		assert_true(n > 0);
		const st_node_t *node = st_zone_find(z, wire, (size_t)n);
		assert_non_null(node);
		const st_rrset_t *txt = st_node_rrset(node, ST_TYPE_TXT);
		assert_non_null(txt);
		char want[64];
		int wl = snprintf(want, sizeof(want), "record %u", probe[i]);
		assert_int_equal(st_rr_rdlen(txt->rdata), wl + 1);
		assert_memory_equal(st_rr_rdata(txt->rdata) + 1, want, (size_t)wl);
	}
	st_zone_free(z);
	unlink(path);
}

int main(void)
{
	st_log_init("test_zone_fast", ST_LOG_ERR, false);
	snprintf(good_dir, sizeof(good_dir), "%s/tests/data/zones-good", ST_SRCDIR);
	snprintf(bad_dir, sizeof(bad_dir), "%s/tests/data/zones-bad", ST_SRCDIR);
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/st-zone-fast.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp_dir))
		return 1;
	if (zb_init(&zb, "example.test.", &diag) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries),	   cmocka_unit_test(test_generated),
	    cmocka_unit_test(test_zone_files),	   cmocka_unit_test(test_syntax_zone),
	    cmocka_unit_test(test_generated_zone), cmocka_unit_test(test_big_file),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	zb_clear(&zb);
	rmdir(tmp_dir);
	return rc;
}
