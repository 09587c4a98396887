/* Zone loading and snapshots: lookups, flags, wire form, directives, and
 * every load error with its exact file:line text. */
#include "config.h"

#include "common/log.h"
#include "zone/internal.h"
#include "zone/zone.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char good_dir[4096], bad_dir[4096];

/* "www.example.test." -> wire (no escapes needed in these tests). */
static size_t wire(const char *s, uint8_t *out)
{
	size_t n = 0;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s += l + (dot ? 1 : 0);
	}
	out[n++] = 0;
	return n;
}

static const st_node_t *find(const st_zone_t *z, const char *name)
{
	uint8_t w[256];
	size_t n = wire(name, w);
	return st_zone_find(z, w, n);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static const uint8_t *rdata(const st_rrset_t *rs, size_t i, uint16_t *len)
{
	const uint8_t *rr = rs->rdata;
	while (i-- > 0)
		rr = st_rr_next(rr);
	*len = st_rr_rdlen(rr);
	return st_rr_rdata(rr);
}

static st_zone_t *load_good(const char *origin, const char *file, const st_zone_dyn_t *dyn,
			    size_t n_dyn)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", good_dir, file);
	st_zone_t *z = NULL;
	st_diag_t diag = {{0}};
	int rc = st_zone_load(origin, path, dyn, n_dyn, &z, &diag);
	if (rc)
		fprintf(stderr, "load %s: %s\n", path, diag.text);
	assert_int_equal(rc, 0);
	assert_non_null(z);
	return z;
}

static int setup_example(void **state)
{
	*state = load_good("example.test", "example.test.zone", NULL, 0);
	return 0;
}

static int teardown_zone(void **state)
{
	st_zone_free(*state);
	return 0;
}

static void test_apex(void **state)
{
	st_zone_t *z = *state;
	assert_int_equal(st_zone_serial(z), 2024061501);
	assert_string_equal(st_zone_name(z), "example.test.");
	assert_non_null(strstr(st_zone_file(z), "example.test.zone"));
	assert_true(st_zone_loaded_at(z) > 0);
	assert_true(st_zone_load_ns(z) > 0);
	uint8_t len;
	const uint8_t *apex = st_zone_apex(z, &len);
	assert_int_equal(len, 14);
	assert_memory_equal(apex, "\7example\4test\0", 14);
	const st_node_t *n = st_zone_apex_node(z);
	assert_ptr_equal(n, find(z, "example.test."));
	assert_int_equal(n->flags, ST_NODE_APEX);
	assert_int_equal(n->labels, 2);
	/* RRsets sorted by type: A NS SOA MX */
	assert_int_equal(n->n_rrsets, 4);
	assert_int_equal(n->rrsets[0].type, 1);
	assert_int_equal(n->rrsets[1].type, 2);
	assert_int_equal(n->rrsets[2].type, 6);
	assert_int_equal(n->rrsets[3].type, 15);
	const st_rrset_t *ns = st_node_rrset(n, 2);
	assert_int_equal(ns->count, 2);
	assert_int_equal(st_rrset_target_off(ns->type), 0);
	assert_null(st_rrset_dyn(ns));
	assert_null(st_node_rrset(n, 16));
	/* 38 records in the file, one duplicate, two hidden by the delegation. */
	assert_int_equal(st_zone_record_count(z), 35);
}

static void test_wire(void **state)
{
	st_zone_t *z = *state;
	/* Lookups ignore case; RDATA names keep theirs. */
	const st_node_t *n = find(z, "EXAMPLE.Test.");
	assert_non_null(n);
	const st_rrset_t *mx = st_node_rrset(n, 15);
	assert_non_null(mx);
	assert_int_equal(mx->count, 1);
	assert_int_equal(st_rrset_target_off(mx->type), 2);
	assert_int_equal(mx->ttl, 300);
	assert_int_equal(st_rrset_size(mx), 2 + 2 + 19);
	const uint8_t *rr = mx->rdata;
	assert_int_equal(get16(rr), 21);
	assert_memory_equal(rr + 2, "\0\12\4Mail\7example\4test\0", 21);

	/* Duplicate collapsed, lowest TTL for the whole RRset. */
	const st_rrset_t *a = st_node_rrset(find(z, "web.example.test."), 1);
	assert_non_null(a);
	assert_int_equal(a->count, 3);
	assert_int_equal(a->ttl, 60);
	for (size_t i = 0; i < a->count; i++) {
		uint16_t len;
		const uint8_t *rd = rdata(a, i, &len);
		assert_int_equal(len, 4);
		assert_int_equal(rd[0], 192);
		assert_int_equal(rd[3], 80 + i);
	}
	assert_ptr_equal(st_rr_next(a->rdata), a->rdata + 6);
	assert_int_equal(st_rrset_size(a), 18);

	const st_rrset_t *srv = st_node_rrset(find(z, "_sip._udp.example.test."), 33);
	assert_non_null(srv);
	assert_int_equal(st_rrset_target_off(srv->type), 6);
	const st_rrset_t *cname = st_node_rrset(find(z, "www.example.test."), 5);
	assert_non_null(cname);
	assert_int_equal(st_rrset_target_off(cname->type), 0);
	const st_rrset_t *ptr = st_node_rrset(find(z, "ptr.example.test."), 12);
	assert_non_null(ptr);
	assert_int_equal(st_rrset_target_off(ptr->type), 0);
	const st_rrset_t *txt = st_node_rrset(find(z, "a.b.c.example.test."), 16);
	assert_non_null(txt);
	assert_int_equal(st_rrset_target_off(txt->type), 0xffff);
	uint16_t len;
	const uint8_t *rd = rdata(txt, 0, &len);
	assert_int_equal(len, 13);
	assert_memory_equal(rd, "\14deep; (name)", 13);
}

static void test_unknown_types(void **state)
{
	st_zone_t *z = *state;
	const st_rrset_t *u = st_node_rrset(find(z, "unk.example.test."), 65000);
	assert_non_null(u);
	uint16_t len;
	const uint8_t *rd = rdata(u, 0, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(rd, "\xab\xcd\xef", 3);
	/* TYPE1 in RFC 3597 syntax is an ordinary A record. */
	const st_rrset_t *a = st_node_rrset(find(z, "unk2.example.test."), 1);
	assert_non_null(a);
	rd = rdata(a, 0, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(rd, "\xc0\x00\x02\x01", 4);
	/* "IN 60 A": class before TTL. */
	a = st_node_rrset(find(z, "cls.example.test."), 1);
	assert_non_null(a);
	assert_int_equal(a->ttl, 60);
}

static void test_ents_and_wildcards(void **state)
{
	st_zone_t *z = *state;
	const st_node_t *n = find(z, "c.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_ENT);
	assert_int_equal(n->n_rrsets, 0);
	n = find(z, "b.c.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_ENT);
	assert_int_equal(n->labels, 4);
	n = find(z, "a.b.c.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, 0);
	assert_null(find(z, "nothere.example.test."));
	assert_null(find(z, "a.a.b.c.example.test."));

	n = find(z, "wild.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_ENT | ST_NODE_HAS_WILDCARD_CHILD);
	n = find(z, "*.wild.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_WILDCARD);
	assert_non_null(st_node_rrset(n, 1));
	n = find(z, "_udp.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_ENT);
}

static void test_delegation(void **state)
{
	st_zone_t *z = *state;
	const st_node_t *n = find(z, "sub.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_DELEG | ST_NODE_GLUE);
	/* NS and DS stay at the cut; the TXT there is hidden and dropped. */
	assert_int_equal(n->n_rrsets, 2);
	assert_int_equal(st_node_rrset(n, 2)->count, 2);
	assert_non_null(st_node_rrset(n, 43));
	assert_null(st_node_rrset(n, 16));
	n = find(z, "ns.sub.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_GLUE);
	assert_non_null(st_node_rrset(n, 1));
	n = find(z, "deep.ns.sub.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_GLUE);
	assert_non_null(st_node_rrset(n, 28));
	/* Non-address data below the cut is not kept. */
	n = find(z, "x.sub.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, ST_NODE_GLUE | ST_NODE_ENT);
	assert_int_equal(n->n_rrsets, 0);
}

static void test_directives(void **state)
{
	st_zone_t *z = *state;
	/* $INCLUDE relative to the including file, with and without an origin */
	assert_non_null(st_node_rrset(find(z, "extra.example.test."), 1));
	assert_non_null(st_node_rrset(find(z, "moved.elsewhere.example.test."), 1));
	assert_non_null(st_node_rrset(find(z, "other.example.test."), 1));
	assert_non_null(st_node_rrset(find(z, "z.other.example.test."), 16));
	/* the origin comes back after the include */
	assert_non_null(st_node_rrset(find(z, "after.example.test."), 1));
	/* relative $ORIGIN, $TTL with a unit */
	const st_rrset_t *x = st_node_rrset(find(z, "x.rel.example.test."), 1);
	assert_non_null(x);
	assert_int_equal(x->ttl, 300);
	const st_rrset_t *y = st_node_rrset(find(z, "y.rel.example.test."), 1);
	assert_non_null(y);
	assert_int_equal(y->ttl, 3600);
	assert_int_equal(find(z, "rel.example.test.")->flags, ST_NODE_ENT);
	/* "$TTL 0" is a TTL, not "none" */
	assert_int_equal(st_node_rrset(find(z, "z.rel.example.test."), 1)->ttl, 0);
	assert_int_equal(st_node_rrset(find(z, "z2.rel.example.test."), 1)->ttl, 60);
	assert_int_equal(st_node_rrset(find(z, "z3.rel.example.test."), 1)->ttl, 0);
}

/* Each bad zone fails with exactly this text ("%s/" is the folder). */
static const struct {
	const char *file;
	int code;
	const char *text;
} bad_zones[] = {
    /* Messages quote the token at fault, never the line. */
    {"bad-a.zone", ST_EZONE, "%s/bad-a.zone:5: A record: '192.0.2' is not a valid IPv4 address"},
    {"bad-type.zone", ST_EZONE, "%s/bad-type.zone:5: unknown record type 'BOGUS'"},
    {"bad-fields.zone", ST_EZONE, "%s/bad-fields.zone:4: MX record: 'ten' is not a valid number"},
    {"missing-field.zone", ST_EZONE, "%s/missing-field.zone:4: MX record: data field 2 is missing"},
    {"include-text.zone", ST_EZONE, "%s/include-text.inc:1: bad record: no type"},
    {"include-words.zone", ST_EZONE, "%s/include-words.inc:1: unknown record type 'words'"},
    {"long-token.zone", ST_EZONE,
     "%s/long-token.zone:4: unknown record type 'QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ...'"},
    {"class-ch.zone", ST_EZONE, "%s/class-ch.zone:5: class CH, only IN is served"},
    {"close-paren.zone", ST_EZONE, "%s/close-paren.zone:5: ')' without a matching '('"},
    {"cname-after.zone", ST_EZONE,
     "%s/cname-after.zone:6: www.bad.test. CNAME conflicts with the A at "
     "%s/cname-after.zone:5 (a CNAME must be alone at its name)"},
    {"cname-other.zone", ST_EZONE,
     "%s/cname-other.zone:7: www.bad.test. A conflicts with the CNAME at "
     "%s/cname-other.zone:5 (a CNAME must be alone at its name)"},
    {"generate.zone", ST_EZONE, "%s/generate.zone:5: $GENERATE is not supported"},
    {"include-bad.zone", ST_EZONE,
     "%s/include-bad.inc:3: AAAA record: '192.0.2.8' is not a valid IPv6 address"},
    {"include-loop.zone", ST_EZONE,
     "%s/include-loop.zone:5: $INCLUDE nested more than 8 deep (a loop?)"},
    {"include-missing.zone", ST_EIO,
     "%s/include-missing.zone:5: cannot open $INCLUDE file %s/missing.inc: No such file or "
     "directory"},
    {"meta-type.zone", ST_EZONE, "%s/meta-type.zone:5: type 41 cannot appear in a zone file"},
    {"no-ns.zone", ST_EZONE,
     "%s/no-ns.zone:2: no NS records at the zone apex bad.test. (the SOA is here)"},
    {"no-soa.zone", ST_EZONE, "%s/no-soa.zone:1: no SOA record at the zone apex bad.test."},
    {"nul-byte.zone", ST_EZONE, "%s/nul-byte.zone:6: NUL byte in the file"},
    {"nul-escape.zone", ST_EZONE, "%s/nul-escape.zone:5: NUL byte in the file"},
    {"open-paren.zone", ST_EZONE,
     "%s/open-paren.zone:5: '(' without a matching ')' before the end of the file"},
    {"open-quote.zone", ST_EZONE, "%s/open-quote.zone:5: unterminated quoted string"},
    {"origin-args.zone", ST_EZONE, "%s/origin-args.zone:5: $ORIGIN takes exactly one domain name"},
    {"origin-bad.zone", ST_EZONE, "%s/origin-bad.zone:5: $ORIGIN 'a..b' is not a domain name"},
    /* relative, fine alone, too long once joined to the origin */
    {"origin-long.zone", ST_EZONE,
     "%s/origin-long.zone:6: $ORIGIN 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' makes a name "
     "longer than 255 bytes"},
    {"rdata-name-long.zone", ST_EZONE,
     "%s/rdata-name-long.zone:7: a name in the record data is longer than 255 bytes"},
    {"cert-type-zero.zone", ST_EZONE,
     "%s/cert-type-zero.zone:6: CERT record: '65536' is not a valid certificate type (1 to "
     "65535, or PKIX, SPKI, PGP, ...)"},
    {"origin-include-long.zone", ST_EZONE,
     "%s/origin-include-long.zone:5: $INCLUDE origin 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' "
     "makes a name longer than 255 bytes"},
    {"out-of-zone.zone", ST_EZONE,
     "%s/out-of-zone.zone:5: www.example.org. is outside the zone bad.test."},
    {"soa-not-apex.zone", ST_EZONE,
     "%s/soa-not-apex.zone:5: SOA record for sub.bad.test., which is not the zone apex "
     "bad.test."},
    {"ttl-wrap.zone", ST_EZONE,
     "%s/ttl-wrap.zone:5: TTL 5000000w is out of range (at most 2147483647)"},
    {"ttl-directive-range.zone", ST_EZONE,
     "%s/ttl-directive-range.zone:1: $TTL 4294967296 is out of range (at most 2147483647)"},
    {"ttl-directive.zone", ST_EZONE, "%s/ttl-directive.zone:5: bad $TTL value 'soon'"},
    /* ldns would read "3x" as 3: a TTL is digits and units, nothing else */
    {"ttl-junk.zone", ST_EZONE, "%s/ttl-junk.zone:5: bad TTL '3x'"},
    {"ttl-junk-class.zone", ST_EZONE, "%s/ttl-junk-class.zone:5: bad TTL '1h5q'"},
    {"ttl-range.zone", ST_EZONE,
     "%s/ttl-range.zone:5: TTL 2147483648 is out of range (at most 2147483647)"},
    {"two-cname.zone", ST_EZONE,
     "%s/two-cname.zone:6: more than one CNAME record at www.bad.test. (first at "
     "%s/two-cname.zone:5)"},
    {"two-soa.zone", ST_EZONE,
     "%s/two-soa.zone:5: more than one SOA record at bad.test. (first at %s/two-soa.zone:2)"},
    /* The record read first is "first", whatever the order of their data. */
    {"two-soa-order.zone", ST_EZONE,
     "%s/two-soa-order.zone:5: more than one SOA record at bad.test. (first at "
     "%s/two-soa-order.zone:2)"},
    {"two-cname-order.zone", ST_EZONE,
     "%s/two-cname-order.zone:6: more than one CNAME record at www.bad.test. (first at "
     "%s/two-cname-order.zone:5)"},
    {"two-soa-include.zone", ST_EZONE,
     "%s/two-soa-include.zone:5: more than one SOA record at bad.test. (first at "
     "%s/two-soa-first.inc:2)"},
    {"unknown-directive.zone", ST_EZONE, "%s/unknown-directive.zone:5: unknown directive $FOO"},
    {"unknown-length.zone", ST_EZONE,
     "%s/unknown-length.zone:5: bad TYPE65000 record data: syntax error, could not parse the "
     "RR's rdata"},
    {"dname-below.zone", ST_EZONE,
     "%s/dname-below.zone:6: www.alias.bad.test. A is below the DNAME at alias.bad.test. "
     "(%s/dname-below.zone:5); a DNAME must have no data below it"},
    {"two-dname.zone", ST_EZONE,
     "%s/two-dname.zone:6: more than one DNAME record at alias.bad.test. (first at "
     "%s/two-dname.zone:5)"},
    {"missing.zone", ST_EIO, "%s/missing.zone: cannot open: No such file or directory"},
};

static void test_bad_zones(void **state)
{
	for (size_t i = 0; i < sizeof(bad_zones) / sizeof(bad_zones[0]); i++) {
		char path[8192], want[16384];
		snprintf(path, sizeof(path), "%s/%s", bad_dir, bad_zones[i].file);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(want, sizeof(want), bad_zones[i].text, bad_dir, bad_dir);
#pragma GCC diagnostic pop
		st_zone_t *z = NULL;
		st_diag_t diag = {{0}};
		int rc = st_zone_load("bad.test.", path, NULL, 0, &z, &diag);
		if (rc != bad_zones[i].code || strcmp(diag.text, want) != 0)
			fprintf(stderr, "%s: rc %d\n got: %s\nwant: %s\n", bad_zones[i].file, rc,
				diag.text, want);
		assert_int_equal(rc, bad_zones[i].code);
		assert_string_equal(diag.text, want);
		assert_null(z);
	}
}

static void test_bad_origin(void **state)
{
	st_zone_t *z = NULL;
	st_diag_t diag = {{0}};
	char path[8192];
	snprintf(path, sizeof(path), "%s/test.zone", good_dir);
	assert_int_equal(st_zone_load("a..b", path, NULL, 0, &z, &diag), ST_EZONE);
	assert_string_equal(diag.text, "bad zone name 'a..b'");
	assert_null(z);
	/* A folder is not a zone file. */
	char want[8300];
	snprintf(want, sizeof(want), "%s: cannot read: Is a directory", good_dir);
	assert_int_equal(st_zone_load("test.", good_dir, NULL, 0, &z, &diag), ST_EIO);
	assert_string_equal(diag.text, want);
	assert_null(z);
	/* Loading the same file under another origin puts its data out of zone. */
	snprintf(path, sizeof(path), "%s/example.test.zone", good_dir);
	assert_int_equal(st_zone_load("other.test.", path, NULL, 0, &z, &diag), ST_EZONE);
	assert_non_null(strstr(diag.text, "example.test.zone:4: example.test. is outside the zone "
					  "other.test."));
}

/* Dynamic RRsets */
typedef struct {
	uint8_t w[256];
	st_zone_dyn_t d;
} dyn_t;

static void mkdyn(dyn_t *x, const char *owner, uint16_t type, const char *source)
{
	memset(x, 0, sizeof(*x));
	x->d.owner_len = (uint8_t)wire(owner, x->w);
	x->d.owner = x->w;
	x->d.type = type;
	x->d.ttl = 30;
	x->d.handle = x;
	x->d.source = source;
}

static void test_dyn_graft(void **state)
{
	dyn_t d[5];
	mkdyn(&d[0], "api.example.test.", 1, "steerd.yaml:10");
	mkdyn(&d[1], "api.example.test.", 28, "steerd.yaml:11");
	mkdyn(&d[2], "x.y.dyn.example.test.", 5, "steerd.yaml:12");
	mkdyn(&d[3], "web.example.test.", 28, "steerd.yaml:13");
	mkdyn(&d[4], "example.test.", 28, "steerd.yaml:14");
	st_zone_dyn_t dyn[5];
	for (int i = 0; i < 5; i++)
		dyn[i] = d[i].d;
	st_zone_t *z = load_good("example.test.", "example.test.zone", dyn, 5);
	const st_node_t *n = find(z, "api.example.test.");
	assert_non_null(n);
	assert_int_equal(n->flags, 0);
	assert_int_equal(n->n_rrsets, 2);
	assert_int_equal(n->rrsets[0].type, 1);
	assert_ptr_equal(st_rrset_dyn(&n->rrsets[0]), &d[0]);
	assert_int_equal(n->rrsets[0].count, 0);
	assert_int_equal(st_rrset_size(&n->rrsets[0]), 0);
	assert_int_equal(n->rrsets[0].ttl, 30);
	assert_ptr_equal(st_rrset_dyn(&n->rrsets[1]), &d[1]);
	n = find(z, "x.y.dyn.example.test.");
	assert_non_null(n);
	assert_ptr_equal(st_rrset_dyn(st_node_rrset(n, 5)), &d[2]);
	assert_int_equal(st_rrset_target_off(st_node_rrset(n, 5)->type), 0);
	assert_int_equal(find(z, "y.dyn.example.test.")->flags, ST_NODE_ENT);
	assert_int_equal(find(z, "dyn.example.test.")->flags, ST_NODE_ENT);
	/* merged with static data of other types, sorted by type */
	n = find(z, "web.example.test.");
	assert_int_equal(n->n_rrsets, 2);
	assert_null(st_rrset_dyn(&n->rrsets[0]));
	assert_int_equal(n->rrsets[0].count, 3);
	assert_ptr_equal(st_rrset_dyn(&n->rrsets[1]), &d[3]);
	n = st_zone_apex_node(z);
	assert_int_equal(n->n_rrsets, 5);
	assert_int_equal(n->rrsets[3].type, 15);
	assert_int_equal(n->rrsets[4].type, 28);
	assert_ptr_equal(st_rrset_dyn(&n->rrsets[4]), &d[4]);
	st_zone_free(z);
}

static void test_dyn_errors(void **state)
{
	static const struct {
		const char *owner;
		uint16_t type;
		const char *text; /* %s: the zone file */
	} cases[] = {
	    {"web.example.test.", 1,
	     "steerd.yaml:7: dynamic A at web.example.test. clashes with the static A at %s:15"},
	    {"ns1.example.test.", 5,
	     "steerd.yaml:7: dynamic CNAME at ns1.example.test. clashes with the static A at "
	     "%s:11"},
	    {"www.example.test.", 28,
	     "steerd.yaml:7: dynamic AAAA at www.example.test. clashes with the static CNAME at "
	     "%s:14"},
	    {"example.test.", 5,
	     "steerd.yaml:7: dynamic CNAME at example.test. clashes with the static A at %s:10"},
	    {"www.example.org.", 1,
	     "steerd.yaml:7: www.example.org. is outside the zone example.test."},
	    {"ns.sub.example.test.", 28,
	     "steerd.yaml:7: dynamic AAAA at ns.sub.example.test. is at or below the delegation "
	     "to sub.example.test. (%s:21)"},
	    {"sub.example.test.", 1,
	     "steerd.yaml:7: dynamic A at sub.example.test. is at or below the delegation to "
	     "sub.example.test. (%s:21)"},
	    {"x.alias.rel.example.test.", 1,
	     "steerd.yaml:7: dynamic A at x.alias.rel.example.test. is below the DNAME at "
	     "alias.rel.example.test. (%s:44)"},
	    {"api.example.test.", 16,
	     "steerd.yaml:7: dynamic TXT at api.example.test.: only A, AAAA and CNAME can be "
	     "dynamic"},
	};
	char path[8192];
	snprintf(path, sizeof(path), "%s/example.test.zone", good_dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dyn_t d;
		mkdyn(&d, cases[i].owner, cases[i].type, "steerd.yaml:7");
		char want[16384];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(want, sizeof(want), cases[i].text, path);
#pragma GCC diagnostic pop
		st_zone_t *z = NULL;
		st_diag_t diag = {{0}};
		assert_int_equal(st_zone_load("example.test.", path, &d.d, 1, &z, &diag), ST_EZONE);
		assert_string_equal(diag.text, want);
		assert_null(z);
	}
	/* Two dynamic RRsets of one name: same type, or a CNAME with anything. */
	dyn_t a, b;
	mkdyn(&a, "api.example.test.", 1, "steerd.yaml:7");
	mkdyn(&b, "api.example.test.", 5, "steerd.yaml:9");
	st_zone_dyn_t two[2] = {a.d, b.d};
	st_zone_t *z = NULL;
	st_diag_t diag = {{0}};
	assert_int_equal(st_zone_load("example.test.", path, two, 2, &z, &diag), ST_EZONE);
	assert_string_equal(diag.text, "steerd.yaml:9: dynamic CNAME at api.example.test. clashes "
				       "with the dynamic A at steerd.yaml:7");
	two[1].type = 1;
	assert_int_equal(st_zone_load("example.test.", path, two, 2, &z, &diag), ST_EZONE);
	assert_string_equal(diag.text, "steerd.yaml:9: dynamic A at api.example.test. clashes "
				       "with the dynamic A at steerd.yaml:7");
	assert_null(z);
}

static void test_zoneset(void **state)
{
	st_zoneset_t *set = st_zoneset_new();
	assert_non_null(set);
	st_zone_t *ex = load_good("example.test.", "example.test.zone", NULL, 0);
	st_zone_t *sub = load_good("sub.example.test.", "sub.example.test.zone", NULL, 0);
	st_zone_t *tld = load_good("test.", "test.zone", NULL, 0);
	assert_int_equal(st_zone_serial(sub), 7);
	uint8_t w[256];
	size_t n = wire("a.b.sub.example.test.", w);
	assert_null(st_zoneset_find(set, w, n));
	assert_int_equal(st_zoneset_add(set, ex), 0);
	assert_int_equal(st_zoneset_add(set, tld), 0);
	assert_ptr_equal(st_zoneset_find(set, w, n), ex);
	assert_int_equal(st_zoneset_add(set, sub), 0);
	assert_int_equal(st_zoneset_count(set), 3);
	assert_ptr_equal(st_zoneset_find(set, w, n), sub);
	n = wire("A.B.SUB.Example.TEST.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), sub);
	n = wire("sub.example.test.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), sub);
	n = wire("xsub.example.test.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), ex);
	n = wire("example.test.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), ex);
	n = wire("other.test.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), tld);
	n = wire("example.org.", w);
	assert_null(st_zoneset_find(set, w, n));
	assert_null(st_zoneset_find(set, (const uint8_t *)"", 1));

	/* A second zone of the same name is refused; the caller keeps it. */
	st_zone_t *again = load_good("Example.Test", "example.test.zone", NULL, 0);
	assert_int_equal(st_zoneset_add(set, again), ST_EEXIST);
	st_zone_free(again);

	/* Reload of one zone: take it out, share the others by reference. */
	n = wire("sub.example.test.", w);
	st_zone_t *taken = st_zoneset_take(set, w, n);
	assert_ptr_equal(taken, sub);
	assert_null(st_zoneset_take(set, w, n));
	assert_int_equal(st_zoneset_count(set), 2);
	n = wire("a.sub.example.test.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), ex);
	st_zoneset_t *next = st_zoneset_new();
	for (size_t i = 0; i < st_zoneset_count(set); i++)
		assert_int_equal(
		    st_zoneset_add(next, st_zone_ref((st_zone_t *)st_zoneset_get(set, i))), 0);
	assert_null(st_zoneset_get(set, 2));
	assert_int_equal(st_zoneset_add(next, taken), 0);
	st_zoneset_free(set);
	/* the shared zones outlive the old set */
	assert_ptr_equal(st_zoneset_find(next, w, n), sub);
	n = wire("www.example.test.", w);
	assert_ptr_equal(st_zoneset_find(next, w, n), ex);
	assert_non_null(find(ex, "www.example.test."));
	st_zoneset_free(next);
	st_zoneset_free(NULL);
	st_zone_free(NULL);
}

static void test_empty_rdata(void **state)
{
	st_zone_t *z = load_good("empty.test.", "empty-rdata.zone", NULL, 0);
	const st_rrset_t *rs = st_node_rrset(st_zone_apex_node(z), 65000);
	assert_non_null(rs);
	assert_int_equal(rs->count, 1);
	assert_int_equal(st_rrset_size(rs), 2);
	uint16_t len;
	rdata(rs, 0, &len);
	assert_int_equal(len, 0);
	assert_int_equal(st_zone_serial(z), 3);
	st_zone_free(z);
}

/* The word-at-a-time lower-casing used by the hash and the compare agrees
 * with the byte version for every byte at every position. */
static void test_lower8(void **state)
{
	for (unsigned c = 0; c < 256; c++) {
		for (unsigned pos = 0; pos < 8; pos++) {
			uint8_t b[8] = {'A', 'z', 0x80, '@', '[', 0xc1, '0', 0xff}, want[8];
			b[pos] = (uint8_t)c;
			for (int k = 0; k < 8; k++)
				want[k] = st_dns_lower(b[k]);
			uint64_t w;
			memcpy(&w, b, 8);
			w = st_dns_lower8(w);
			assert_memory_equal(&w, want, 8);
		}
	}
	/* Same hash and equality for any case, any length. */
	uint8_t a[40], l[40];
	for (size_t len = 1; len <= sizeof(a); len++) {
		for (size_t k = 0; k < len; k++) {
			a[k] = (uint8_t)("AbCdEfGhIj"[k % 10]);
			l[k] = st_dns_lower(a[k]);
		}
		assert_int_equal(st_zhash(a, len), st_zhash(l, len));
		assert_true(st_zname_eq(a, l, len));
		l[len - 1] ^= 1;
		assert_false(st_zname_eq(a, l, len));
	}
}

static void test_root_zone(void **state)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/test.zone", good_dir);
	st_zone_t *z = NULL;
	st_diag_t diag = {{0}};
	/* test.zone's NS and SOA names are absolute, so it loads as "." too. */
	assert_int_equal(st_zone_load(".", path, NULL, 0, &z, &diag), 0);
	assert_string_equal(st_zone_name(z), ".");
	st_zoneset_t *set = st_zoneset_new();
	assert_int_equal(st_zoneset_add(set, z), 0);
	uint8_t w[256];
	size_t n = wire("anything.example.", w);
	assert_ptr_equal(st_zoneset_find(set, w, n), z);
	assert_ptr_equal(st_zone_find(z, (const uint8_t *)"", 1), st_zone_apex_node(z));
	st_zoneset_free(set);
}

/* Where records were read, as messages give it: records far apart in a big
 * file, after long runs of blank lines, on several lines, in an $INCLUDE
 * and after it; each pair of CNAMEs is reported at both its lines. */
typedef struct {
	FILE *f;
	unsigned line;
} gen_t;

static void gen_line(gen_t *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gen_line(gen_t *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
	fputc('\n', g->f);
	g->line++;
}

/* Records `from` .. `to` - 1 (blank lines, comments and multi-line
 * records between them); record dup[w] is "dup CNAME", its line in at[w]. */
static void gen_records(gen_t *g, int from, int to, const int dup[2], unsigned at[2])
{
	for (int i = from; i < to; i++) {
		int gap = i % 97 == 13 ? 300 : i % 5 == 0 ? 2 : 0;
		for (int b = 0; b < gap; b++)
			gen_line(g, "%s", b % 2 ? "; a comment" : "");
		if (i == dup[0] || i == dup[1]) {
			at[i == dup[1]] = g->line;
			gen_line(g, "dup CNAME r%d", i);
		} else if (i % 7 == 3) {
			gen_line(g, "r%d TXT ( \"a\"", i);
			gen_line(g, "  \"b\" )");
		} else {
			gen_line(g, "r%d A 192.0.2.%d", i, i % 250);
		}
	}
}

static void test_record_lines(void **state)
{
	(void)state;
	char dir[256], zpath[512], ipath[512];
	snprintf(dir, sizeof(dir), "%s/st-zone-lines.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(zpath, sizeof(zpath), "%s/lines.zone", dir);
	snprintf(ipath, sizeof(ipath), "%s/lines.inc", dir);
	/* Records 0 .. 299 in the zone file before its $INCLUDE, 300 .. 599
	 * in the included file, 600 .. 899 in the zone file after it. */
	static const int pairs[][2] = {{0, 1},	   {5, 290},   {63, 64},   {64, 65},
				       {110, 320}, {350, 599}, {299, 600}, {400, 899},
				       {700, 701}, {641, 812}, {13, 14},   {12, 13}};
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		unsigned at[2] = {0, 0};
		gen_t g = {fopen(zpath, "w"), 1}, inc = {fopen(ipath, "w"), 1};
		assert_non_null(g.f);
		assert_non_null(inc.f);
		gen_line(&g, "$TTL 300");
		gen_line(&g, "@ SOA ns hm 1 2 3 4 5");
		gen_line(&g, "@ NS ns");
		gen_line(&g, "ns A 192.0.2.1");
		gen_records(&g, 0, 300, pairs[p], at);
		gen_line(&g, "$INCLUDE %s", ipath);
		gen_records(&inc, 300, 600, pairs[p], at);
		gen_records(&g, 600, 900, pairs[p], at);
		fclose(g.f);
		fclose(inc.f);
		const char *file[2];
		for (int w = 0; w < 2; w++)
			file[w] = pairs[p][w] >= 300 && pairs[p][w] < 600 ? ipath : zpath;
		char want[2048];
		snprintf(want, sizeof(want),
			 "%s:%u: more than one CNAME record at dup.lines.test. (first at %s:%u)",
			 file[1], at[1], file[0], at[0]);
		st_zone_t *z = NULL;
		st_diag_t diag = {{0}};
		assert_int_equal(st_zone_load("lines.test.", zpath, NULL, 0, &z, &diag), ST_EZONE);
		if (strcmp(diag.text, want) != 0)
			fprintf(stderr, "records %d, %d\n got: %s\nwant: %s\n", pairs[p][0],
				pairs[p][1], diag.text, want);
		assert_string_equal(diag.text, want);
		assert_null(z);
	}
	remove(zpath);
	remove(ipath);
	rmdir(dir);
}

/* A catalog zone (RFC 9432): SOA and NS of invalid., version "2", one PTR
 * per member at a label that depends on the member's name alone. */
static void test_catalog(void **state)
{
	(void)state;
	const char *members[] = {"example.test.", "Other.Test."};
	st_zone_t *z = NULL;
	st_diag_t diag = {{0}};
	assert_int_equal(st_zone_catalog("catalog.test.", members, 2, "t.yaml:3 (catalog)", NULL, 0,
					 &z, &diag),
			 0);
	assert_string_equal(st_zone_name(z), "catalog.test.");
	assert_string_equal(st_zone_file(z), "t.yaml:3 (catalog)");
	assert_int_equal(st_zone_serial(z), 1);
	assert_int_equal(st_zone_record_count(z), 5);
	const st_node_t *apex = st_zone_apex_node(z);
	const st_rrset_t *soa = st_node_rrset(apex, 6), *ns = st_node_rrset(apex, 2);
	assert_non_null(soa);
	assert_int_equal(soa->ttl, 0);
	uint16_t len;
	const uint8_t *rd = rdata(soa, 0, &len);
	assert_int_equal(len, 9 + 9 + 20);
	assert_memory_equal(rd, "\7invalid\0\7invalid\0", 18);
	assert_non_null(ns);
	rd = rdata(ns, 0, &len);
	assert_int_equal(len, 9);
	assert_memory_equal(rd, "\7invalid\0", 9);
	const st_node_t *v = find(z, "version.catalog.test.");
	assert_non_null(v);
	const st_rrset_t *txt = st_node_rrset(v, 16);
	rd = rdata(txt, 0, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(rd, "\1" "2", 2);
	assert_int_equal(txt->ttl, 0);
	/* the members, by the label of their (lower-case) name */
	size_t found = 0;
	char label[64];
	for (size_t i = 0; i < 2; i++) {
		const char *want = i == 0 ? "example.test." : "other.test.";
		size_t nodes = 0;
		for (size_t k = 0; k < st_zone_node_count(z); k++) {
			const st_node_t *n = st_zone_node(z, k);
			const st_rrset_t *ptr = st_node_rrset(n, 12);
			uint8_t w[256];
			size_t wl = wire(want, w);
			if (!ptr || st_rr_rdlen(ptr->rdata) != wl ||
			    memcmp(st_rr_rdata(ptr->rdata), w, wl) != 0)
				continue;
			nodes++;
			/* <16 hex>.zones.catalog.test. */
			assert_int_equal(n->name[0], 16);
			assert_memory_equal(n->name + 17, "\5zones\7catalog\4test\0", 20);
			for (size_t j = 1; j <= 16; j++)
				assert_non_null(strchr("0123456789abcdef", n->name[j]));
			if (i == 0)
				memcpy(label, n->name + 1, 16);
			assert_int_equal(ptr->ttl, 0);
		}
		assert_int_equal(nodes, 1);
		found += nodes;
	}
	assert_int_equal(found, 2);
	st_zone_free(z);

	/* the same member keeps its label in another catalog, with other members */
	const char *one[] = {"EXAMPLE.test."};
	assert_int_equal(st_zone_catalog("cat.test.", one, 1, "t.yaml:9 (catalog)", NULL, 0, &z,
					 &diag),
			 0);
	char name[64];
	snprintf(name, sizeof(name), "%.16s.zones.cat.test.", label);
	assert_non_null(find(z, name));
	st_zone_free(z);

	/* an empty catalog is still a zone: SOA, NS, version */
	assert_int_equal(st_zone_catalog("catalog.test.", NULL, 0, "t.yaml:3 (catalog)", NULL, 0,
					 &z, &diag),
			 0);
	assert_int_equal(st_zone_record_count(z), 3);
	st_zone_free(z);

	/* a catalog name too long for the member labels below it */
	char longname[300] = "";
	for (int i = 0; i < 4; i++)
		strcat(longname, "a123456789012345678901234567890123456789012345678901234567.");
	assert_int_equal(st_zone_catalog(longname, members, 1, "t.yaml:3 (catalog)", NULL, 0, &z,
					 &diag),
			 ST_EZONE);
	assert_non_null(strstr(diag.text, "t.yaml:3 (catalog): the catalog zone's name is too long"));
	/* ... and for version. below it, members or not */
	strcat(longname, "a12345678901.");
	assert_int_equal(st_zone_catalog(longname, NULL, 0, "t.yaml:3 (catalog)", NULL, 0, &z,
					 &diag),
			 ST_EZONE);
	assert_non_null(strstr(diag.text, "t.yaml:3 (catalog): the catalog zone's name is too long"));
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	if (!top)
		top = ST_SRCDIR;
	snprintf(good_dir, sizeof(good_dir), "%s/tests/data/zones-good", top);
	snprintf(bad_dir, sizeof(bad_dir), "%s/tests/data/zones-bad", top);
	st_log_init("test_zone", ST_LOG_ERR, false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_apex, setup_example, teardown_zone),
	    cmocka_unit_test_setup_teardown(test_wire, setup_example, teardown_zone),
	    cmocka_unit_test_setup_teardown(test_unknown_types, setup_example, teardown_zone),
	    cmocka_unit_test_setup_teardown(test_ents_and_wildcards, setup_example, teardown_zone),
	    cmocka_unit_test_setup_teardown(test_delegation, setup_example, teardown_zone),
	    cmocka_unit_test_setup_teardown(test_directives, setup_example, teardown_zone),
	    cmocka_unit_test(test_bad_zones),
	    cmocka_unit_test(test_bad_origin),
	    cmocka_unit_test(test_dyn_graft),
	    cmocka_unit_test(test_dyn_errors),
	    cmocka_unit_test(test_zoneset),
	    cmocka_unit_test(test_empty_rdata),
	    cmocka_unit_test(test_lower8),
	    cmocka_unit_test(test_root_zone),
	    cmocka_unit_test(test_record_lines),
	    cmocka_unit_test(test_catalog),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
