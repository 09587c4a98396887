/* Zone loader robustness: thousands of deterministic mutations of a good
 * zone file (flipped bytes, cut lines, stray parentheses, quotes, escapes,
 * directives). Each load must either fail with a "file:line: ..." message
 * and return nothing, or give a snapshot whose invariants hold. */
#include "config.h"

#include "common/hash.h"
#include "common/log.h"
#include "zone/zone.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define ITERATIONS 3000

static char good_dir[4096];

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static const char *const tokens[] = {
    "(",
    ")",
    "\"",
    ";",
    "\\",
    "\\#",
    "\n",
    "\t",
    " ",
    "@",
    "*",
    ".",
    "..",
    "$ORIGIN ",
    "$TTL ",
    "$INCLUDE ",
    "$INCLUDE inc/extra.inc sub\n",
    "$ORIGIN .\n",
    "$TTL 0\n",
    " CNAME x\n",
    " NS ns.x\n",
    " DNAME y\n",
    " SOA a b 1 2 3 4 5\n",
    " TYPE65535 \\# 0\n",
    " IN 0 A 1.2.3.4\n",
    "4294967295",
    "2147483647",
    "\\000",
    "\\.",
    "x.sub ",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    " A \\# 4 01020304\n",
    " TXT \"",
    "\r\n",
    "CH",
    "CLASS1 ",
    "*.x ",
    " DS 1 8 2 ab\n",
};

/* Apply 1 or 2 random edits to `src` into `dst` (capacity cap). */
static size_t mutate(const char *src, size_t len, char *dst, size_t cap, uint64_t *rng)
{
	memcpy(dst, src, len);
	int edits = 1 + (int)st_rand_below(rng, 2);
	for (int e = 0; e < edits && len > 0; e++) {
		size_t at = st_rand_below(rng, (uint32_t)len);
		switch (st_rand_below(rng, 6)) {
		case 0: /* flip a byte */
			dst[at] = (char)st_rand_below(rng, 256);
			break;
		case 1: { /* cut a range */
			size_t n = 1 + st_rand_below(rng, 40);
			if (at + n > len)
				n = len - at;
			memmove(dst + at, dst + at + n, len - at - n);
			len -= n;
			break;
		}
		case 2: /* truncate */
			len = at;
			break;
		case 3: { /* duplicate a range */
			size_t n = 1 + st_rand_below(rng, 80);
			if (at + n > len)
				n = len - at;
			if (len + n > cap)
				break;
			memmove(dst + at + n, dst + at, len - at);
			len += n;
			break;
		}
		default: { /* insert a token */
			const char *t =
			    tokens[st_rand_below(rng, sizeof(tokens) / sizeof(tokens[0]))];
			size_t n = strlen(t);
			if (len + n > cap)
				break;
			memmove(dst + at + n, dst + at, len - at);
			memcpy(dst + at, t, n);
			len += n;
			break;
		}
		}
	}
	return len;
}

static bool is_sub_or_equal(const uint8_t *name, size_t len, const uint8_t *apex, size_t alen)
{
	size_t off = 0;
	while (off + alen < len)
		off += name[off] + 1u;
	return off + alen == len && memcmp(name + off, apex, alen) == 0;
}

/* What the answer path relies on. */
static void check_snapshot(const st_zone_t *z)
{
	uint8_t alen;
	const uint8_t *apex = st_zone_apex(z, &alen);
	const st_node_t *an = st_zone_apex_node(z);
	assert_true(an->flags & ST_NODE_APEX);
	assert_non_null(st_node_rrset(an, 6));
	assert_int_equal(st_node_rrset(an, 6)->count, 1);
	assert_non_null(st_node_rrset(an, 2));
	size_t records = 0;
	for (size_t i = 0; i < st_zone_node_count(z); i++) {
		const st_node_t *n = st_zone_node(z, i);
		assert_ptr_equal(st_zone_find(z, n->name, n->name_len), n);
		assert_true(is_sub_or_equal(n->name, n->name_len, apex, alen));
		for (size_t k = 0; k < n->name_len; k++)
			assert_false(n->name[k] >= 'A' && n->name[k] <= 'Z');
		if (i > 0) {
			/* the parent exists: no gaps between a name and the apex */
			const st_node_t *p = st_zone_find(z, n->name + n->name[0] + 1,
							  n->name_len - n->name[0] - 1u);
			assert_non_null(p);
			if (p->flags & ST_NODE_GLUE)
				assert_true(n->flags & ST_NODE_GLUE);
		}
		if (n->flags & ST_NODE_ENT)
			assert_int_equal(n->n_rrsets, 0);
		bool cname = false;
		for (size_t r = 0; r < n->n_rrsets; r++) {
			const st_rrset_t *rs = &n->rrsets[r];
			if (r > 0)
				assert_true(rs->type > n->rrsets[r - 1].type);
			cname |= rs->type == 5;
			if (rs->count == 0) {
				assert_non_null(st_rrset_dyn(rs));
				continue;
			}
			assert_null(st_rrset_dyn(rs));
			const uint8_t *rr = rs->rdata;
			size_t size = 0;
			for (size_t j = 0; j < rs->count; j++) {
				uint16_t rdlen = st_rr_rdlen(rr);
				if (rs->type == 1)
					assert_int_equal(rdlen, 4);
				if (rs->type == 28)
					assert_int_equal(rdlen, 16);
				size += 2u + rdlen;
				rr = st_rr_next(rr);
			}
			assert_int_equal(size, st_rrset_size(rs));
			records += rs->count;
			if (n->flags & ST_NODE_GLUE)
				assert_true(rs->type == 1 || rs->type == 28 ||
					    ((n->flags & ST_NODE_DELEG) &&
					     (rs->type == 2 || rs->type == 43 || rs->type == 46 ||
					      rs->type == 47)));
		}
		if (cname)
			for (size_t r = 0; r < n->n_rrsets; r++)
				assert_true(n->rrsets[r].type == 5 || n->rrsets[r].type == 46 ||
					    n->rrsets[r].type == 47);
	}
	assert_int_equal(records, st_zone_record_count(z));
}

static void test_mutations(void **state)
{
	char tmpl[] = "/tmp/zone-robust.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char path[8192], inc[8192], extra[8192], other[8192];
	snprintf(inc, sizeof(inc), "%s/inc", dir);
	assert_int_equal(mkdir(inc, 0700), 0);
	size_t n;
	char *data;
	snprintf(path, sizeof(path), "%s/inc/extra.inc", good_dir);
	data = slurp(path, &n);
	snprintf(extra, sizeof(extra), "%s/inc/extra.inc", dir);
	spill(extra, data, n);
	free(data);
	snprintf(path, sizeof(path), "%s/inc/other.inc", good_dir);
	data = slurp(path, &n);
	snprintf(other, sizeof(other), "%s/inc/other.inc", dir);
	spill(other, data, n);
	free(data);

	size_t len;
	snprintf(path, sizeof(path), "%s/example.test.zone", good_dir);
	char *orig = slurp(path, &len);
	size_t cap = len * 2 + 4096;
	char *buf = malloc(cap);
	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/mutated.zone", dir);

	uint8_t dyn_owner[] = "\3dyn\7example\4test";
	st_zone_dyn_t dyn = {.owner = dyn_owner,
			     .owner_len = sizeof(dyn_owner),
			     .type = 1,
			     .ttl = 30,
			     .handle = &dyn,
			     .source = "conf:1"};
	uint64_t rng = 20240615;
	int loaded = 0, failed = 0;
	for (int i = 0; i < ITERATIONS; i++) {
		size_t n2 = mutate(orig, len, buf, cap, &rng);
		spill(path, buf, n2);
		st_zone_t *z = NULL;
		st_diag_t diag = {{0}};
		bool with_dyn = i % 3 == 0;
		int rc = st_zone_load("example.test.", path, with_dyn ? &dyn : NULL, with_dyn, &z,
				      &diag);
		if (rc == 0) {
			assert_non_null(z);
			check_snapshot(z);
			st_zone_free(z);
			loaded++;
		} else {
			assert_null(z);
			assert_true(rc == ST_EZONE || rc == ST_EIO);
			/* "<file>:<line>: ...", "<file>: ..." or "conf:1: ..." */
			assert_true(strncmp(diag.text, dir, strlen(dir)) == 0 ||
				    strncmp(diag.text, "conf:1: ", 8) == 0);
			failed++;
		}
	}
	/* Both outcomes must be common, or the mutations test nothing. */
	assert_true(loaded > ITERATIONS / 20);
	assert_true(failed > ITERATIONS / 20);
	print_message("%d loaded, %d rejected\n", loaded, failed);
	unlink(path);
	unlink(extra);
	unlink(other);
	rmdir(inc);
	rmdir(dir);
	free(orig);
	free(buf);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	if (!top)
		top = ST_SRCDIR;
	snprintf(good_dir, sizeof(good_dir), "%s/tests/data/zones-good", top);
	st_log_init("test_zone_robust", ST_LOG_ERR, false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
