/* The query engine at zone cuts between served zones (DS from the parent)
 * and on CNAME/DNAME chains that must stop (QTYPE=CNAME below a DNAME,
 * loops through wildcards and DNAMEs), over tests/data/zones/chain.test.zone
 * and its child zones; responses read back with ldns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
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

static int setup(void **state)
{
	(void)state;
	if (fx_load("chain.test.", "chain.test.zone") < 0 ||
	    fx_load("sub.chain.test.", "sub.chain.test.zone") < 0 ||
	    fx_load("nods.chain.test.", "nods.chain.test.zone") < 0)
		return -1;
	return fx_ready();
}

/* Ask over TCP (nothing truncated), return the parsed response. */
static ldns_pkt *ask(const char *name, uint16_t type)
{
	msg_t m;
	header(&m, 0xbeef, 0, 1, 0, 0, 0);
	question(&m, name, type);
	size_t len = st_answer(ctx, &view, m.b, m.len, NULL, ST_TRANSPORT_TCP, out, sizeof(out));
	assert_true(len > 0);
	ldns_pkt *p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, out, len), LDNS_STATUS_OK);
	assert_true(ldns_pkt_qr(p));
	assert_int_equal(ldns_pkt_id(p), 0xbeef);
	return p;
}


/* Check rcode, AA and both sections, then free. */
static void check(ldns_pkt *p, ldns_pkt_rcode rcode, const char *answer, const char *authority)
{
	assert_int_equal(ldns_pkt_get_rcode(p), rcode);
	assert_true(ldns_pkt_aa(p));
	assert_false(ldns_pkt_tc(p));
	assert_string_equal(ANSWER(p), answer);
	assert_string_equal(AUTHORITY(p), authority);
	ldns_pkt_free(p);
}

#define PARENT_SOA                                                                                 \
	"chain.test. 300 IN SOA ns1.chain.test. hostmaster.chain.test. 1 7200 3600 1209600 300\n"
#define SUB_SOA                                                                                    \
	"sub.chain.test. 600 IN SOA ns1.sub.chain.test. hostmaster.sub.chain.test. 2 7200 3600 "   \
	"1209600 600\n"
#define SUB_DS                                                                                     \
	" 3600 IN DS 12345 13 2 "                                                                  \
	"49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de5eead7a1d6c7fef9b9d4c7f2\n"

/* RFC 4035 3.1.4.1: DS at a cut is the parent's, whether or not the child
 * zone is served by the same server. */
static void test_ds_from_parent(void **state)
{
	check(ask("sub.chain.test.", ST_TYPE_DS), LDNS_RCODE_NOERROR, "sub.chain.test." SUB_DS,
	      "");
	/* The owner keeps the query's case. */
	check(ask("SuB.cHaIn.TeSt.", ST_TYPE_DS), LDNS_RCODE_NOERROR, "SuB.cHaIn.TeSt." SUB_DS,
	      "");
	/* No DS at the cut: the parent's NODATA, the parent's SOA. */
	check(ask("nods.chain.test.", ST_TYPE_DS), LDNS_RCODE_NOERROR, "", PARENT_SOA);
	/* No served parent: the zone answers for its own apex. */
	check(ask("chain.test.", ST_TYPE_DS), LDNS_RCODE_NOERROR, "", PARENT_SOA);
	/* Other types at the child apex and DS below it stay with the child. */
	check(ask("sub.chain.test.", ST_TYPE_SOA), LDNS_RCODE_NOERROR,
	      "sub.chain.test. 3600 IN SOA ns1.sub.chain.test. hostmaster.sub.chain.test. 2 7200 "
	      "3600 1209600 600\n",
	      "");
	check(ask("host.sub.chain.test.", ST_TYPE_DS), LDNS_RCODE_NOERROR, "", SUB_SOA);
	check(ask("nx.sub.chain.test.", ST_TYPE_DS), LDNS_RCODE_NXDOMAIN, "", SUB_SOA);
}

#define DN "dn.chain.test. 3600 IN DNAME tgt.chain.test.\n"

/* RFC 1034 4.3.2 3a, RFC 6672 3: for QTYPE=CNAME the synthesised CNAME is
 * the answer; other types go on to the target. */
static void test_dname_qtype_cname(void **state)
{
	check(ask("a.dn.chain.test.", ST_TYPE_CNAME), LDNS_RCODE_NOERROR,
	      DN "a.dn.chain.test. 3600 IN CNAME a.tgt.chain.test.\n", "");
	check(ask("host.dn.chain.test.", ST_TYPE_CNAME), LDNS_RCODE_NOERROR,
	      DN "host.dn.chain.test. 3600 IN CNAME host.tgt.chain.test.\n", "");
	check(ask("a.dn.chain.test.", ST_TYPE_A), LDNS_RCODE_NXDOMAIN,
	      DN "a.dn.chain.test. 3600 IN CNAME a.tgt.chain.test.\n", PARENT_SOA);
	check(ask("host.dn.chain.test.", ST_TYPE_A), LDNS_RCODE_NOERROR,
	      DN "host.dn.chain.test. 3600 IN CNAME host.tgt.chain.test.\n"
		 "host.tgt.chain.test. 3600 IN A 192.0.2.80\n",
	      "");
	check(ask("host.dn.chain.test.", ST_TYPE_TXT), LDNS_RCODE_NOERROR,
	      DN "host.dn.chain.test. 3600 IN CNAME host.tgt.chain.test.\n", PARENT_SOA);
}

/* RFC 2181 5: a record goes into the answer once; a chain that would add
 * one again is a loop and ends there. */
static void test_loops(void **state)
{
	check(ask("foo.cwloop.chain.test.", ST_TYPE_A), LDNS_RCODE_NOERROR,
	      "foo.cwloop.chain.test. 3600 IN CNAME a.cwloop.chain.test.\n"
	      "a.cwloop.chain.test. 3600 IN CNAME a.cwloop.chain.test.\n",
	      "");
	check(ask("a.cwloop.chain.test.", ST_TYPE_A), LDNS_RCODE_NOERROR,
	      "a.cwloop.chain.test. 3600 IN CNAME a.cwloop.chain.test.\n", "");
	/* Through two wildcards: each synthesises once per name. */
	check(ask("foo.w1.chain.test.", ST_TYPE_AAAA), LDNS_RCODE_NOERROR,
	      "foo.w1.chain.test. 3600 IN CNAME x.w2.chain.test.\n"
	      "x.w2.chain.test. 3600 IN CNAME y.w1.chain.test.\n"
	      "y.w1.chain.test. 3600 IN CNAME x.w2.chain.test.\n",
	      "");
	/* A DNAME whose target is below it: once, with its first CNAME. */
	check(ask("a.dnself.chain.test.", ST_TYPE_A), LDNS_RCODE_NOERROR,
	      "dnself.chain.test. 3600 IN DNAME x.dnself.chain.test.\n"
	      "a.dnself.chain.test. 3600 IN CNAME a.x.dnself.chain.test.\n",
	      "");
	/* Chains that do not loop are not cut. */
	check(ask("foo.wc.chain.test.", ST_TYPE_A), LDNS_RCODE_NOERROR,
	      "foo.wc.chain.test. 3600 IN CNAME host.tgt.chain.test.\n"
	      "host.tgt.chain.test. 3600 IN A 192.0.2.80\n",
	      "");
	check(ask("a.foo.wc.chain.test.", ST_TYPE_A), LDNS_RCODE_NOERROR,
	      "a.foo.wc.chain.test. 3600 IN CNAME host.tgt.chain.test.\n"
	      "host.tgt.chain.test. 3600 IN A 192.0.2.80\n",
	      "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ds_from_parent),
	    cmocka_unit_test(test_dname_qtype_cname),
	    cmocka_unit_test(test_loops),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
