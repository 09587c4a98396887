/* The query engine end to end without sockets: hand-made queries through
 * st_answer() over tests/data/zones/answer.test.zone, responses read back
 * with ldns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
#include "answer/stats.h"
#include "common/errors.h"
#include "dns/query.h"
#include "zone/zone.h"
#include "test_dns_msg.h"
#include "test_pkt_text.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_answer_fixture.h"

static size_t out_len;

static int setup(void **state)
{
	(void)state;
	return fx_load("answer.test.", "answer.test.zone") < 0 ? -1 : fx_ready();
}

/* Send a message, return the response parsed by ldns (NULL when dropped). */
static ldns_pkt *send_msg(const msg_t *m, st_transport_t transport)
{
	out_len = st_answer(ctx, &view, m->b, m->len, NULL, transport, out,
			    transport == ST_TRANSPORT_TCP ? sizeof(out) : 4096);
	if (out_len == 0)
		return NULL;
	ldns_pkt *p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, out, out_len), LDNS_STATUS_OK);
	return p;
}

/* A query with optional EDNS (payload 0: none). */
static void build(msg_t *m, const char *name, uint16_t type, uint16_t payload, bool dnssec)
{
	header(m, 0xbeef, ST_FLAG1_RD, 1, 0, 0, payload ? 1 : 0);
	question(m, name, type);
	if (payload)
		opt(m, payload, 0, dnssec, NULL, 0);
}

static ldns_pkt *ask(const char *name, uint16_t type)
{
	msg_t m;
	build(&m, name, type, 0, false);
	ldns_pkt *p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_non_null(p);
	return p;
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A section with its lines sorted: for RRsets whose order the zone decides. */
static char *sorted(char *text)
{
	char *lines[256], copy[16384];
	size_t n = 0;
	snprintf(copy, sizeof(copy), "%s", text);
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && n < 256;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), cmp_lines);
	text[0] = 0;
	for (size_t i = 0; i < n; i++) {
		strcat(text, lines[i]);
		strcat(text, "\n");
	}
	return text;
}

#define SOA_LINE                                                                                   \
	"answer.test. 300 IN SOA ns1.answer.test. hostmaster.answer.test. 2024010101 7200 3600 "   \
	"1209600 300\n"

static void expect(ldns_pkt *p, ldns_pkt_rcode rcode, bool aa)
{
	assert_int_equal(ldns_pkt_get_rcode(p), rcode);
	assert_int_equal(ldns_pkt_aa(p), aa);
	assert_true(ldns_pkt_qr(p));
	assert_int_equal(ldns_pkt_id(p), 0xbeef);
}

static void test_positive(void **state)
{
	ldns_pkt *p = ask("www.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "www.answer.test. 3600 IN A 192.0.2.80\n");
	assert_string_equal(AUTHORITY(p), "");
	assert_string_equal(ADDITIONAL(p), "");
	assert_true(ldns_pkt_rd(p));
	assert_false(ldns_pkt_ra(p));
	ldns_pkt_free(p);
}

static void test_case_preserved(void **state)
{
	ldns_pkt *p = ask("wWw.AnSwEr.TeSt.", ST_TYPE_AAAA);
	expect(p, LDNS_RCODE_NOERROR, true);
	/* Question and answer owner carry the bytes as sent. */
	assert_memory_equal(out + 12, "\3wWw\6AnSwEr\4TeSt", 17);
	assert_int_equal(out[12 + 17 + 4], 0xc0);
	assert_int_equal(out[12 + 17 + 5], 12);
	assert_string_equal(ANSWER(p), "wWw.AnSwEr.TeSt. 3600 IN AAAA 2001:db8::80\n");
	ldns_pkt_free(p);
}

static void test_nxdomain_nodata(void **state)
{
	ldns_pkt *p = ask("nope.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	assert_string_equal(ANSWER(p), "");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);

	p = ask("www.answer.test.", ST_TYPE_MX);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);

	/* Deep misses stop at the first missing ancestor. */
	p = ask("a.b.c.nope.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
}

static void test_empty_non_terminal(void **state)
{
	ldns_pkt *p = ask("ent.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	p = ask("deep.ent.answer.test.", ST_TYPE_TXT);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	p = ask("x.deep.ent.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	ldns_pkt_free(p);
	p = ask("leaf.deep.ent.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "leaf.deep.ent.answer.test. 3600 IN A 192.0.2.40\n");
	ldns_pkt_free(p);
}

static void test_cname(void **state)
{
	ldns_pkt *p = ask("Chain1.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "Chain1.answer.test. 3600 IN CNAME chain2.answer.test.\n"
				       "chain2.answer.test. 3600 IN CNAME chain3.answer.test.\n"
				       "chain3.answer.test. 3600 IN CNAME www.answer.test.\n"
				       "www.answer.test. 3600 IN A 192.0.2.80\n");
	ldns_pkt_free(p);

	/* The CNAME itself when asked for. */
	p = ask("alias.answer.test.", ST_TYPE_CNAME);
	assert_string_equal(ANSWER(p), "alias.answer.test. 3600 IN CNAME www.answer.test.\n");
	ldns_pkt_free(p);

	/* Rcode and SOA from the last link (RFC 6604). */
	p = ask("dangling.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	assert_string_equal(ANSWER(p),
			    "dangling.answer.test. 3600 IN CNAME nowhere.answer.test.\n");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	p = ask("alias.answer.test.", ST_TYPE_MX);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "alias.answer.test. 3600 IN CNAME www.answer.test.\n");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);

	/* Out of the zone: the resolver follows. */
	p = ask("external.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "external.answer.test. 3600 IN CNAME www.example.org.\n");
	assert_string_equal(AUTHORITY(p), "");
	ldns_pkt_free(p);

	/* Into a delegation: the CNAME, then the referral (RFC 1034 4.3.2). */
	p = ask("tochild.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p),
			    "tochild.answer.test. 3600 IN CNAME host.sub.answer.test.\n");
	assert_string_equal(sorted(AUTHORITY(p)),
			    "sub.answer.test. 3600 IN NS ns.elsewhere.example.\n"
			    "sub.answer.test. 3600 IN NS ns1.sub.answer.test.\n");
	assert_string_equal(ADDITIONAL(p), "ns1.sub.answer.test. 3600 IN A 192.0.2.53\n"
					   "ns1.sub.answer.test. 3600 IN AAAA 2001:db8::53\n");
	ldns_pkt_free(p);
}

static void test_cname_loops(void **state)
{
	ldns_pkt *p = ask("loop1.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "loop1.answer.test. 3600 IN CNAME loop2.answer.test.\n"
				       "loop2.answer.test. 3600 IN CNAME loop1.answer.test.\n");
	ldns_pkt_free(p);
	p = ask("self.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "self.answer.test. 3600 IN CNAME self.answer.test.\n");
	ldns_pkt_free(p);
}

static void test_dname(void **state)
{
	ldns_pkt *p = ask("host.OLD.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "OLD.answer.test. 3600 IN DNAME new.answer.test.\n"
				       "host.OLD.answer.test. 3600 IN CNAME host.new.answer.test.\n"
				       "host.new.answer.test. 3600 IN A 192.0.2.70\n");
	ldns_pkt_free(p);
	p = ask("x.old.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	assert_string_equal(ANSWER(p), "old.answer.test. 3600 IN DNAME new.answer.test.\n"
				       "x.old.answer.test. 3600 IN CNAME x.new.answer.test.\n");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	p = ask("a.b.out.answer.test.", ST_TYPE_AAAA);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "out.answer.test. 3600 IN DNAME example.org.\n"
				       "a.b.out.answer.test. 3600 IN CNAME a.b.example.org.\n");
	ldns_pkt_free(p);
	/* The owner itself is not redirected. */
	p = ask("old.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	ldns_pkt_free(p);
	p = ask("old.answer.test.", ST_TYPE_DNAME);
	assert_string_equal(ANSWER(p), "old.answer.test. 3600 IN DNAME new.answer.test.\n");
	ldns_pkt_free(p);
	/* A substitution longer than 255 bytes: YXDOMAIN with the DNAME. */
	char name[256];
	snprintf(name, sizeof(name), "%.60s.long.answer.test.",
		 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	p = ask(name, ST_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_YXDOMAIN);
	assert_int_equal(ldns_pkt_ancount(p), 1);
	ldns_pkt_free(p);
}

static void test_wildcards(void **state)
{
	ldns_pkt *p = ask("Foo.wild.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "Foo.wild.answer.test. 3600 IN A 192.0.2.99\n");
	ldns_pkt_free(p);
	/* Several labels below the closest encloser. */
	p = ask("a.b.wild.answer.test.", ST_TYPE_TXT);
	assert_string_equal(ANSWER(p), "a.b.wild.answer.test. 3600 IN TXT \"wildcard\"\n");
	ldns_pkt_free(p);
	/* NODATA from a wildcard. */
	p = ask("foo.wild.answer.test.", ST_TYPE_MX);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	/* Blocked by an existing name. */
	p = ask("exists.wild.answer.test.", ST_TYPE_A);
	assert_string_equal(ANSWER(p), "exists.wild.answer.test. 3600 IN A 192.0.2.98\n");
	ldns_pkt_free(p);
	p = ask("exists.wild.answer.test.", ST_TYPE_TXT);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	ldns_pkt_free(p);
	/* Blocked by an empty non-terminal. */
	p = ask("ent.wild.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	ldns_pkt_free(p);
	p = ask("x.ent.wild.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	/* The wildcard name itself. */
	p = ask("*.wild.answer.test.", ST_TYPE_A);
	assert_string_equal(ANSWER(p), "*.wild.answer.test. 3600 IN A 192.0.2.99\n");
	ldns_pkt_free(p);
	/* Wildcard CNAMEs are chased. */
	p = ask("x.cwild.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "x.cwild.answer.test. 3600 IN CNAME www.answer.test.\n"
				       "www.answer.test. 3600 IN A 192.0.2.80\n");
	ldns_pkt_free(p);
	p = ask("x.nxwild.answer.test.", ST_TYPE_A);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	assert_string_equal(ANSWER(p), "x.nxwild.answer.test. 3600 IN CNAME gone.answer.test.\n");
	ldns_pkt_free(p);
}

static void test_delegation(void **state)
{
	const char *ns = "sub.answer.test. 3600 IN NS ns.elsewhere.example.\n"
			 "sub.answer.test. 3600 IN NS ns1.sub.answer.test.\n";
	const char *glue = "ns1.sub.answer.test. 3600 IN A 192.0.2.53\n"
			   "ns1.sub.answer.test. 3600 IN AAAA 2001:db8::53\n";
	const char *names[] = {"host.sub.answer.test.", "sub.answer.test.", "ns1.sub.answer.test.",
			       "a.b.sub.answer.test."};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ldns_pkt *p = ask(names[i], i == 1 ? ST_TYPE_NS : ST_TYPE_A);
		expect(p, LDNS_RCODE_NOERROR, false);
		assert_string_equal(ANSWER(p), "");
		assert_string_equal(sorted(AUTHORITY(p)), ns);
		assert_string_equal(ADDITIONAL(p), glue);
		ldns_pkt_free(p);
	}
	/* DS is the parent's: answered authoritatively above the cut. */
	ldns_pkt *p = ask("sub.answer.test.", ST_TYPE_DS);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p),
			    "sub.answer.test. 3600 IN DS 12345 13 2 "
			    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	assert_string_equal(AUTHORITY(p), "");
	ldns_pkt_free(p);
	p = ask("nods.answer.test.", ST_TYPE_DS);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	/* Below the cut, DS is referred like anything else. */
	p = ask("x.sub.answer.test.", ST_TYPE_DS);
	expect(p, LDNS_RCODE_NOERROR, false);
	assert_string_equal(sorted(AUTHORITY(p)), ns);
	ldns_pkt_free(p);
}

static void test_refused(void **state)
{
	ldns_pkt *p = ask("www.example.org.", ST_TYPE_A);
	expect(p, LDNS_RCODE_REFUSED, false);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	assert_string_equal(ANSWER(p), "");
	ldns_pkt_free(p);
	p = ask("test.", ST_TYPE_SOA); /* a parent of the zone */
	expect(p, LDNS_RCODE_REFUSED, false);
	ldns_pkt_free(p);
	/* With EDNS: Extended DNS Error 20, "not authoritative" (RFC 8914). */
	msg_t e;
	build(&e, "www.example.org.", ST_TYPE_A, 1232, false);
	p = send_msg(&e, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_REFUSED, false);
	ldns_pkt_free(p);
	assert_memory_equal(out + out_len - 6, "\x00\x0f\x00\x02\x00\x14", 6);
	/* Another class. */
	msg_t m;
	header(&m, 0xbeef, 0, 1, 0, 0, 0);
	put_name(&m, "www.answer.test.");
	put16(&m, ST_TYPE_A);
	put16(&m, 3); /* CH */
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_REFUSED, false);
	ldns_pkt_free(p);
	/* Zone transfers are not offered. */
	build(&m, "answer.test.", ST_TYPE_AXFR, 0, false);
	p = send_msg(&m, ST_TRANSPORT_TCP);
	expect(p, LDNS_RCODE_REFUSED, false);
	ldns_pkt_free(p);
}

static void test_additional(void **state)
{
	ldns_pkt *p = ask("answer.test.", ST_TYPE_NS);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "answer.test. 3600 IN NS ns1.answer.test.\n"
				       "answer.test. 3600 IN NS ns2.answer.test.\n");
	assert_string_equal(ADDITIONAL(p), "ns1.answer.test. 3600 IN A 192.0.2.1\n"
					   "ns1.answer.test. 3600 IN AAAA 2001:db8::1\n"
					   "ns2.answer.test. 3600 IN A 192.0.2.2\n");
	ldns_pkt_free(p);
	p = ask("mx.answer.test.", ST_TYPE_MX);
	assert_string_equal(ANSWER(p), "mx.answer.test. 3600 IN MX 10 mail.answer.test.\n"
				       "mx.answer.test. 3600 IN MX 20 mail2.example.org.\n");
	assert_string_equal(ADDITIONAL(p), "mail.answer.test. 3600 IN A 192.0.2.25\n"
					   "mail.answer.test. 3600 IN AAAA 2001:db8::25\n");
	ldns_pkt_free(p);
	p = ask("_sip._udp.answer.test.", ST_TYPE_SRV);
	assert_string_equal(ANSWER(p),
			    "_sip._udp.answer.test. 3600 IN SRV 10 5 5060 sip.answer.test.\n");
	assert_string_equal(ADDITIONAL(p), "sip.answer.test. 3600 IN A 192.0.2.60\n");
	ldns_pkt_free(p);
}

static void test_any(void **state)
{
	ldns_pkt *p = ask("www.answer.test.", ST_TYPE_ANY);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "www.answer.test. 3600 IN A 192.0.2.80\n");
	ldns_pkt_free(p);
	p = ask("alias.answer.test.", ST_TYPE_ANY);
	assert_string_equal(ANSWER(p), "alias.answer.test. 3600 IN CNAME www.answer.test.\n");
	ldns_pkt_free(p);
	p = ask("answer.test.", ST_TYPE_ANY);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_int_equal(ldns_pkt_ancount(p), 2); /* one RRset: the apex NS */
	assert_string_equal(ADDITIONAL(p), "");
	ldns_pkt_free(p);
	p = ask("ent.answer.test.", ST_TYPE_ANY);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "");
	assert_string_equal(AUTHORITY(p), SOA_LINE);
	ldns_pkt_free(p);
	p = ask("nope.answer.test.", ST_TYPE_ANY);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	ldns_pkt_free(p);
	/* Nothing but DNSSEC metadata: the RFC 8482 HINFO. */
	p = ask("meta.answer.test.", ST_TYPE_ANY);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_string_equal(ANSWER(p), "meta.answer.test. 3600 IN HINFO \"RFC8482\" \"\"\n");
	ldns_pkt_free(p);
}

static void test_errors(void **state)
{
	msg_t m;
	/* QR=1 and runts are dropped. */
	build(&m, "www.answer.test.", ST_TYPE_A, 0, false);
	m.b[2] |= ST_FLAG1_QR;
	assert_null(send_msg(&m, ST_TRANSPORT_UDP));
	assert_int_equal(st_answer(ctx, &view, m.b, 5, NULL, ST_TRANSPORT_UDP, out, 512), 0);

	/* Unknown opcode: NOTIMP, question echoed. */
	build(&m, "www.answer.test.", ST_TYPE_A, 0, false);
	m.b[2] = (uint8_t)(5 << 3); /* UPDATE */
	ldns_pkt *p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOTIMPL);
	assert_int_equal(ldns_pkt_get_opcode(p), LDNS_PACKET_UPDATE);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	ldns_pkt_free(p);

	/* Two questions: FORMERR, nothing echoed. */
	header(&m, 0xbeef, 0, 2, 0, 0, 0);
	question(&m, "www.answer.test.", ST_TYPE_A);
	question(&m, "www.answer.test.", ST_TYPE_A);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_FORMERR, false);
	assert_int_equal(ldns_pkt_qdcount(p), 0);
	ldns_pkt_free(p);

	/* Truncated question: FORMERR with the header echoed. */
	build(&m, "www.answer.test.", ST_TYPE_A, 0, false);
	m.len -= 3;
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_FORMERR, false);
	assert_int_equal(out_len, 12);
	ldns_pkt_free(p);

	/* Compression loop in the question. */
	header(&m, 0xbeef, 0, 1, 0, 0, 0);
	put8(&m, 0xc0);
	put8(&m, 12);
	put16(&m, 1);
	put16(&m, 1);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_FORMERR, false);
	ldns_pkt_free(p);

	/* Meta types in the question. */
	build(&m, "www.answer.test.", ST_TYPE_OPT, 0, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_FORMERR, false);
	ldns_pkt_free(p);
}

static void test_edns(void **state)
{
	msg_t m;
	build(&m, "www.answer.test.", ST_TYPE_A, 4096, true);
	ldns_pkt *p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_int_equal(ldns_pkt_edns_udp_size(p), 1232);
	assert_true(ldns_pkt_edns_do(p));
	assert_int_equal(ldns_pkt_edns_version(p), 0);
	assert_int_equal(st_get16(out + 10), 1); /* the OPT (ldns does not count it) */
	ldns_pkt_free(p);

	build(&m, "www.answer.test.", ST_TYPE_A, 1232, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_false(ldns_pkt_edns_do(p));
	ldns_pkt_free(p);

	/* Version 1: BADVERS (16) split between header and OPT. */
	header(&m, 0xbeef, 0, 1, 0, 0, 1);
	question(&m, "www.answer.test.", ST_TYPE_A);
	opt(&m, 1232, 1, false, NULL, 0);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_int_equal(out[3] & 0x0f, 0);
	assert_int_equal(out[out_len - 11 + 5], 1); /* upper rcode bits in the OPT TTL */
	assert_int_equal(out[out_len - 11 + 6], 0); /* version 0 */
	assert_int_equal(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);

	/* Two OPT records. */
	header(&m, 0xbeef, 0, 1, 0, 0, 2);
	question(&m, "www.answer.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, NULL, 0);
	opt(&m, 1232, 0, false, NULL, 0);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_FORMERR, false);
	ldns_pkt_free(p);

	/* Unknown options are ignored. */
	uint8_t unknown[] = {0xfd, 0xe9, 0, 2, 'h', 'i'};
	header(&m, 0xbeef, 0, 1, 0, 0, 1);
	question(&m, "www.answer.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, unknown, sizeof(unknown));
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_int_equal(ldns_pkt_ancount(p), 1);
	ldns_pkt_free(p);
}

static void test_ecs(void **state)
{
	msg_t m;
	uint8_t v4[] = {198, 51, 100};
	header(&m, 0xbeef, 0, 1, 0, 0, 1);
	question(&m, "www.answer.test.", ST_TYPE_A);
	uint8_t o[32];
	size_t n = ecs(o, 1, 24, 0, v4, 3);
	opt(&m, 1232, 0, false, o, n);
	ldns_pkt *p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_NOERROR, true);
	ldns_pkt_free(p);
	/* The OPT is last: its RDATA is the echoed option with scope 0. */
	assert_memory_equal(out + out_len - 11, "\x00\x08\x00\x07\x00\x01\x18\x00\xc6\x33\x64", 11);

	/* Same on negative answers. */
	header(&m, 0xbeef, 0, 1, 0, 0, 1);
	question(&m, "nope.answer.test.", ST_TYPE_A);
	opt(&m, 1232, 0, false, o, n);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_NXDOMAIN, true);
	ldns_pkt_free(p);
	assert_memory_equal(out + out_len - 11, "\x00\x08\x00\x07\x00\x01\x18\x00\xc6\x33\x64", 11);

	/* Malformed: scope set in the query. */
	header(&m, 0xbeef, 0, 1, 0, 0, 1);
	question(&m, "www.answer.test.", ST_TYPE_A);
	n = ecs(o, 1, 24, 16, v4, 3);
	opt(&m, 1232, 0, false, o, n);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_FORMERR, false);
	assert_int_equal(ldns_pkt_ancount(p), 0);
	ldns_pkt_free(p);
}

static void test_truncation(void **state)
{
	msg_t m;
	/* About 800 bytes: TC=1 without EDNS, whole with 1232. */
	build(&m, "big.answer.test.", ST_TYPE_TXT, 0, false);
	ldns_pkt *p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_NOERROR, true);
	assert_true(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	assert_true(out_len <= 512);
	ldns_pkt_free(p);

	build(&m, "big.answer.test.", ST_TYPE_TXT, 1232, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_false(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_ancount(p), 8);
	assert_true(out_len <= 1232);
	ldns_pkt_free(p);

	/* A payload below 512 counts as 512. */
	build(&m, "big.answer.test.", ST_TYPE_TXT, 100, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_true(ldns_pkt_tc(p));
	assert_int_equal(st_get16(out + 10), 1); /* OPT kept */
	ldns_pkt_free(p);
	build(&m, "www.answer.test.", ST_TYPE_A, 100, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_false(ldns_pkt_tc(p));
	ldns_pkt_free(p);

	/* The view caps what the client offers. */
	build(&m, "huge.answer.test.", ST_TYPE_TXT, 65000, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_true(ldns_pkt_tc(p));
	assert_true(out_len <= 1232);
	ldns_pkt_free(p);

	/* TCP carries everything. */
	p = send_msg(&m, ST_TRANSPORT_TCP);
	assert_false(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_ancount(p), 30);
	ldns_pkt_free(p);

	/* A smaller configured cap. */
	view.udp_max_payload = 600;
	build(&m, "big.answer.test.", ST_TYPE_TXT, 4096, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_true(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), 600);
	ldns_pkt_free(p);
	view.udp_max_payload = 1232;
}

/* Glue for in-domain name servers must fit, else TC (RFC 9471). */
static void test_referral_glue_truncation(void **state)
{
	msg_t m;
	build(&m, "www.fat.answer.test.", ST_TYPE_A, 0, false);
	ldns_pkt *p = send_msg(&m, ST_TRANSPORT_UDP);
	expect(p, LDNS_RCODE_NOERROR, false);
	assert_true(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_nscount(p), 0);
	ldns_pkt_free(p);
	build(&m, "www.fat.answer.test.", ST_TYPE_A, 1232, false);
	p = send_msg(&m, ST_TRANSPORT_UDP);
	assert_false(ldns_pkt_tc(p));
	assert_int_equal(ldns_pkt_nscount(p), 12);
	assert_int_equal(ldns_pkt_arcount(p), 24);
	ldns_pkt_free(p);
}

static void test_stats(void **state)
{
	st_answer_stats_t before, after;
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	st_answer_stats_add(&before, st_answer_ctx_stats(ctx));
	ldns_pkt_free(ask("www.answer.test.", ST_TYPE_A));
	ldns_pkt_free(ask("nope.answer.test.", ST_TYPE_SRV));
	msg_t m;
	build(&m, "www.answer.test.", ST_TYPE_A, 1232, false);
	ldns_pkt_free(send_msg(&m, ST_TRANSPORT_TCP));
	m.b[2] |= ST_FLAG1_QR;
	assert_null(send_msg(&m, ST_TRANSPORT_UDP));
	st_answer_stats_add(&after, st_answer_ctx_stats(ctx));
	assert_int_equal(after.queries - before.queries, 3);
	assert_int_equal(after.dropped - before.dropped, 1);
	assert_int_equal(after.rcode[0] - before.rcode[0], 2);
	assert_int_equal(after.rcode[3] - before.rcode[3], 1);
	assert_int_equal(after.qtype[ST_QTYPE_BUCKET_A] - before.qtype[ST_QTYPE_BUCKET_A], 2);
	assert_int_equal(after.qtype[ST_QTYPE_BUCKET_SRV] - before.qtype[ST_QTYPE_BUCKET_SRV], 1);
	assert_int_equal(after.transport[ST_TRANSPORT_TCP] - before.transport[ST_TRANSPORT_TCP], 1);
	assert_int_equal(after.edns - before.edns, 1);
	assert_string_equal(st_answer_qtype_bucket_name(ST_QTYPE_BUCKET_OTHER), "other");
}

/* Every prefix of real queries and responses fed back as queries: never a
 * crash, never a response longer than the buffer allowed. */
static void test_garbage(void **state)
{
	msg_t m;
	uint8_t copy[4096];
	build(&m, "x.cwild.answer.test.", ST_TYPE_A, 1232, true);
	for (size_t len = 0; len <= m.len; len++) {
		size_t n = st_answer(ctx, &view, m.b, len, NULL, ST_TRANSPORT_UDP, out, 512);
		assert_true(n <= 512);
	}
	size_t rlen = st_answer(ctx, &view, m.b, m.len, NULL, ST_TRANSPORT_UDP, out, 1232);
	memcpy(copy, out, rlen);
	copy[2] &= (uint8_t)~ST_FLAG1_QR;
	for (size_t len = 0; len <= rlen; len++) {
		size_t n = st_answer(ctx, &view, copy, len, NULL, ST_TRANSPORT_UDP, out, 512);
		assert_true(n <= 512);
	}
	/* Flip each byte of a query. */
	for (size_t i = 0; i < m.len; i++) {
		memcpy(copy, m.b, m.len);
		copy[i] ^= 0xff;
		size_t n = st_answer(ctx, &view, copy, m.len, NULL, ST_TRANSPORT_UDP, out, 512);
		assert_true(n <= 512);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_positive),
	    cmocka_unit_test(test_case_preserved),
	    cmocka_unit_test(test_nxdomain_nodata),
	    cmocka_unit_test(test_empty_non_terminal),
	    cmocka_unit_test(test_cname),
	    cmocka_unit_test(test_cname_loops),
	    cmocka_unit_test(test_dname),
	    cmocka_unit_test(test_wildcards),
	    cmocka_unit_test(test_delegation),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_additional),
	    cmocka_unit_test(test_any),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_edns),
	    cmocka_unit_test(test_ecs),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_referral_glue_truncation),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
