/* Zone transfer: versions built from real zone files (and a config with
 * routed names), the differences between them, the serial policies, the
 * history bound, who may transfer, and the messages of AXFR and IXFR
 * answers read back with ldns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conf/conf.h"
#include "dns/query.h"
#include "dns/tsig.h"
#include "route/route.h"
#include "xfr/xfr.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/steer-test-xfr.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define SOA_LINE(serial) "@ 3600 IN SOA ns1 hostmaster " #serial " 7200 900 1209600 300\n"

static const char *zone_v1 =
    "$ORIGIN example.test.\n" SOA_LINE(1) "@ 3600 IN NS ns1\n"
					  "ns1 3600 IN A 192.0.2.53\n"
					  "www 300 IN A 192.0.2.1\n"
					  "www 300 IN A 192.0.2.2\n"
					  "@ 300 IN MX 10 mail\n"
					  "mail 300 IN A 192.0.2.25\n"
					  "old 300 IN TXT \"going away\"\n"
					  "*.wild 300 IN TXT \"wildcard\"\n"
					  "sub 3600 IN NS ns.sub\n"
					  "ns.sub 3600 IN A 192.0.2.99\n";

/* v1 with: a record removed (www .2), one added (www .3), a TTL changed
 * (mail), an MX changed, a name gone (old), a name new (new). */
static const char *zone_v2 =
    "$ORIGIN example.test.\n" SOA_LINE(2) "@ 3600 IN NS ns1\n"
					  "ns1 3600 IN A 192.0.2.53\n"
					  "www 300 IN A 192.0.2.1\n"
					  "www 300 IN A 192.0.2.3\n"
					  "@ 300 IN MX 20 mail\n"
					  "mail 600 IN A 192.0.2.25\n"
					  "new 300 IN AAAA 2001:db8::1\n"
					  "*.wild 300 IN TXT \"wildcard\"\n"
					  "sub 3600 IN NS ns.sub\n"
					  "ns.sub 3600 IN A 192.0.2.99\n";

static st_zone_t *load_text(const char *origin, const char *text, const st_zone_dyn_t *dyn,
			    size_t n_dyn)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/zone", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	st_zone_t *z = NULL;
	st_diag_t diag;
	int ret = st_zone_load(origin, path, dyn, n_dyn, &z, &diag);
	if (ret < 0)
		fprintf(stderr, "%s\n", diag.text);
	assert_int_equal(ret, 0);
	return z;
}

static st_xfr_zone_t *version(st_xfr_zone_t *prev, st_zone_t *zone, const st_route_t *route,
			      st_serial_policy_t serial, st_routed_transfer_t routed, uint32_t keep,
			      uint64_t now)
{
	st_xfr_opts_t opts = {.serial = serial, .routed = routed, .keep = keep};
	st_xfr_zone_t *xz = NULL;
	st_diag_t diag;
	assert_int_equal(st_xfr_zone_new(prev, zone, route, &opts, now, &xz, &diag), 0);
	st_zone_free(zone); /* the version holds it */
	return xz;
}

/* ---- reading answers back ---- */

typedef struct answer {
	char *rrs[65536];
	size_t n;
	size_t messages;
	size_t bytes;
	int rcode;
	bool signed_each;
} answer_t;

static void answer_clear(answer_t *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->rrs[i]);
	memset(a, 0, sizeof(*a));
}

/* A transfer request: AXFR, or IXFR with the client's serial. */
static size_t request(uint8_t *buf, const char *zone, uint16_t qtype, uint32_t serial)
{
	ldns_pkt *q = NULL;
	assert_int_equal(ldns_pkt_query_new_frm_str(&q, zone, qtype, LDNS_RR_CLASS_IN, 0),
			 LDNS_STATUS_OK);
	ldns_pkt_set_id(q, 0x4242);
	if (qtype == LDNS_RR_TYPE_IXFR) {
		char text[256];
		snprintf(text, sizeof(text), "%s 0 IN SOA ns1.%s hostmaster.%s %u 1 1 1 1", zone,
			 zone, zone, serial);
		ldns_rr *soa = NULL;
		assert_int_equal(ldns_rr_new_frm_str(&soa, text, 0, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(q, LDNS_SECTION_AUTHORITY, soa);
	}
	uint8_t *wire = NULL;
	size_t len = 0;
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	memcpy(buf, wire, len);
	free(wire);
	ldns_pkt_free(q);
	return len;
}

/* Every message of a stream, checked and turned into text records. */
static void drain(st_xfr_stream_t *s, answer_t *a)
{
	static uint8_t buf[65535];
	int more = 1;
	while (more == 1) {
		size_t len = 0;
		more = st_xfr_stream_next(s, buf, sizeof(buf), &len, 1700000000);
		assert_true(more >= 0);
		assert_true(len <= 65535);
		ldns_pkt *p = NULL;
		assert_int_equal(ldns_wire2pkt(&p, buf, len), LDNS_STATUS_OK);
		assert_int_equal(ldns_pkt_id(p), 0x4242);
		assert_true(ldns_pkt_qr(p));
		assert_int_equal(ldns_pkt_qdcount(p), a->messages == 0 ? 1 : 0);
		a->rcode = ldns_pkt_get_rcode(p);
		ldns_rr_list *an = ldns_pkt_answer(p);
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
			a->rrs[a->n++] = ldns_rr2str(ldns_rr_list_rr(an, i));
		if (ldns_pkt_tsig(p) == NULL)
			a->signed_each = false;
		ldns_pkt_free(p);
		a->messages++;
		a->bytes += len;
	}
	st_xfr_stream_free(s);
}

static void transfer(st_xfr_set_t *set, st_zoneset_t *zones, const char *zone, uint16_t qtype,
		     uint32_t serial, answer_t *a)
{
	uint8_t q[512];
	size_t len = request(q, zone, qtype, serial);
	st_sockaddr_t peer;
	assert_int_equal(st_sockaddr_parse("127.0.0.1:4000", 53, &peer), 0);
	st_xfr_stream_t *s = NULL;
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &peer, 1700000000, &s), 1);
	memset(a, 0, sizeof(*a));
	a->signed_each = true;
	drain(s, a);
}

static bool has(const answer_t *a, const char *rr)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->rrs[i], rr) == 0)
			return true;
	return false;
}

/* A set that lets everyone transfer one zone. */
static st_xfr_set_t *open_set(st_zoneset_t **zones, st_xfr_zone_t *xz)
{
	st_xfr_set_t *set = st_xfr_set_new();
	st_conf_acl_t any = {.key = ST_CONF_NONE, .any_address = true};
	*zones = st_zoneset_new();
	st_zone_t *z = (st_zone_t *)st_xfr_zone_zone(xz);
	assert_int_equal(st_zoneset_add(*zones, st_zone_ref(z)), 0);
	assert_int_equal(st_xfr_set_add_zone(set, z, st_xfr_zone_ref(xz), &any, 1), 0);
	return set;
}

/* ---- tests ---- */

static void test_axfr(void **state)
{
	st_xfr_zone_t *xz = version(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
				    ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	assert_int_equal(st_xfr_zone_serial(xz), 1);
	st_zoneset_t *zones;
	st_xfr_set_t *set = open_set(&zones, xz);
	answer_t *a = calloc(1, sizeof(*a));
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_AXFR, 0, a);
	assert_int_equal(a->rcode, LDNS_RCODE_NOERROR);
	assert_int_equal(a->messages, 1);
	/* SOA first and last, every record once in between. */
	const char *soa =
	    "example.test.\t3600\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 7200 "
	    "900 1209600 300\n";
	assert_int_equal(a->n, 12);
	assert_string_equal(a->rrs[0], soa);
	assert_string_equal(a->rrs[a->n - 1], soa);
	assert_true(has(a, "www.example.test.\t300\tIN\tA\t192.0.2.2\n"));
	assert_true(has(a, "example.test.\t300\tIN\tMX\t10 mail.example.test.\n"));
	assert_true(has(a, "*.wild.example.test.\t300\tIN\tTXT\t\"wildcard\"\n"));
	assert_true(has(a, "sub.example.test.\t3600\tIN\tNS\tns.sub.example.test.\n"));
	assert_true(has(a, "ns.sub.example.test.\t3600\tIN\tA\t192.0.2.99\n")); /* glue */
	answer_clear(a);

	/* Not the apex: NOTAUTH; a name we do not serve: not claimed. */
	transfer(set, zones, "www.example.test.", LDNS_RR_TYPE_AXFR, 0, a);
	assert_int_equal(a->rcode, LDNS_RCODE_NOTAUTH);
	assert_int_equal(a->n, 0);
	answer_clear(a);
	uint8_t q[512];
	size_t len = request(q, "other.test.", LDNS_RR_TYPE_AXFR, 0);
	st_sockaddr_t peer;
	st_sockaddr_parse("127.0.0.1", 53, &peer);
	st_xfr_stream_t *s = NULL;
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &peer, 0, &s), 0);
	len = request(q, "example.test.", LDNS_RR_TYPE_A, 0);
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &peer, 0, &s), 0);

	st_xfr_stats_t *st = st_xfr_zone_stats(xz);
	assert_int_equal(st->axfr, 1);
	assert_int_equal(st->done, 1);
	assert_int_equal(st->notauth, 1);
	free(a);
	st_xfr_set_free(set);
	st_zoneset_free(zones);
	st_xfr_zone_free(xz);
}

/* Enough records for many messages: each within 64 KiB, names compressed,
 * nothing lost or repeated; stopping half way counts as aborted. */
static void test_axfr_large(void **state)
{
	size_t n = 40000, cap = n * 48 + 256;
	char *text = malloc(cap);
	size_t off = (size_t)snprintf(text, cap, "$ORIGIN big.test.\n" SOA_LINE(7) "@ NS ns\n");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off,
					"host-%zu.zone-%zu 60 IN A 10.%zu.%zu.%zu\n", i, i % 50,
					i >> 16, (i >> 8) & 255, i & 255);
	st_xfr_zone_t *xz = version(NULL, load_text("big.test.", text, NULL, 0), NULL,
				    ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	free(text);
	st_zoneset_t *zones;
	st_xfr_set_t *set = open_set(&zones, xz);
	answer_t *a = calloc(1, sizeof(*a));
	transfer(set, zones, "big.test.", LDNS_RR_TYPE_AXFR, 0, a);
	assert_int_equal(a->n, n + 3);
	assert_true(a->messages > 10);
	/* Owners share "zone-K.big.test." and the apex: well under the
	 * ~45 bytes a record takes written out in full. */
	assert_true(a->bytes < (n + 3) * 30);
	for (size_t i = 0; i < n; i += 997) {
		char want[128];
		snprintf(want, sizeof(want),
			 "host-%zu.zone-%zu.big.test.\t60\tIN\tA\t10.%zu.%zu.%zu\n", i, i % 50,
			 i >> 16, (i >> 8) & 255, i & 255);
		assert_true(has(a, want));
	}
	answer_clear(a);

	uint8_t q[512], buf[65535];
	size_t len = request(q, "big.test.", LDNS_RR_TYPE_AXFR, 0), mlen;
	st_sockaddr_t peer;
	st_sockaddr_parse("127.0.0.1", 53, &peer);
	st_xfr_stream_t *s = NULL;
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &peer, 0, &s), 1);
	assert_int_equal(st_xfr_stream_next(s, buf, sizeof(buf), &mlen, 0), 1);
	st_xfr_stream_free(s);
	assert_int_equal(st_xfr_zone_stats(xz)->aborted, 1);
	assert_int_equal(st_xfr_zone_stats(xz)->done, 1);
	free(a);
	st_xfr_set_free(set);
	st_zoneset_free(zones);
	st_xfr_zone_free(xz);
}

/* v1 -> v2: the difference; IXFR from 1 carries it, from 2 is up to date,
 * from an unknown serial is a full answer. */
static void test_ixfr(void **state)
{
	st_xfr_zone_t *v1 = version(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
				    ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	st_xfr_zone_t *v2 = version(v1, load_text("example.test.", zone_v2, NULL, 0), NULL,
				    ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	const st_xfr_change_t *c = st_xfr_zone_change(v2);
	assert_true(c->data_changed);
	assert_int_equal(c->from, 1);
	assert_int_equal(c->to, 2);
	/* removed: www .2, MX 10, mail 300, old TXT; added: www .3, MX 20, mail 600, new AAAA */
	assert_int_equal(c->removed, 4);
	assert_int_equal(c->added, 4);
	assert_int_equal(st_xfr_zone_versions(v2), 1);
	assert_int_equal(st_xfr_zone_oldest(v2), 1);

	st_zoneset_t *zones;
	st_xfr_set_t *set = open_set(&zones, v2);
	answer_t *a = calloc(1, sizeof(*a));
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_IXFR, 1, a);
	const char *soa1 =
	    "example.test.\t3600\tIN\tSOA\tns1.example.test. hostmaster.example.test. 1 7200 900 "
	    "1209600 300\n";
	const char *soa2 =
	    "example.test.\t3600\tIN\tSOA\tns1.example.test. hostmaster.example.test. 2 7200 900 "
	    "1209600 300\n";
	assert_int_equal(a->n, 4 + 4 + 4);
	assert_string_equal(a->rrs[0], soa2);
	assert_string_equal(a->rrs[1], soa1);
	assert_string_equal(a->rrs[6], soa2);
	assert_string_equal(a->rrs[11], soa2);
	const char *del[] = {"www.example.test.\t300\tIN\tA\t192.0.2.2\n",
			     "example.test.\t300\tIN\tMX\t10 mail.example.test.\n",
			     "mail.example.test.\t300\tIN\tA\t192.0.2.25\n",
			     "old.example.test.\t300\tIN\tTXT\t\"going away\"\n"};
	const char *add[] = {"www.example.test.\t300\tIN\tA\t192.0.2.3\n",
			     "example.test.\t300\tIN\tMX\t20 mail.example.test.\n",
			     "mail.example.test.\t600\tIN\tA\t192.0.2.25\n",
			     "new.example.test.\t300\tIN\tAAAA\t2001:db8::1\n"};
	for (size_t i = 0; i < 4; i++) {
		bool in_del = false, in_add = false;
		for (size_t k = 2; k < 6; k++)
			in_del |= strcmp(a->rrs[k], del[i]) == 0;
		for (size_t k = 7; k < 11; k++)
			in_add |= strcmp(a->rrs[k], add[i]) == 0;
		assert_true(in_del);
		assert_true(in_add);
	}
	answer_clear(a);

	transfer(set, zones, "example.test.", LDNS_RR_TYPE_IXFR, 2, a);
	assert_int_equal(a->n, 1);
	assert_string_equal(a->rrs[0], soa2);
	answer_clear(a);
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_IXFR, 5, a); /* newer: up to date */
	assert_int_equal(a->n, 1);
	answer_clear(a);
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_IXFR, 0, a); /* unknown: in full */
	assert_int_equal(a->n, 12);
	assert_string_equal(a->rrs[0], soa2);
	assert_string_equal(a->rrs[11], soa2);
	answer_clear(a);
	st_xfr_stats_t *st = st_xfr_zone_stats(v2);
	assert_int_equal(st->ixfr, 1);
	assert_int_equal(st->uptodate, 2);
	assert_int_equal(st->axfr, 1);

	free(a);
	st_xfr_set_free(set);
	st_zoneset_free(zones);
	st_xfr_zone_free(v1);
	st_xfr_zone_free(v2);
}

static void test_serial_policies(void **state)
{
	/* file: the same serial with other data keeps it, warns, drops history. */
	st_xfr_zone_t *a = version(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
				   ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	st_xfr_zone_t *b = version(a, load_text("example.test.", zone_v2, NULL, 0), NULL,
				   ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	char *same = strdup(zone_v2);
	*strstr(same, "hostmaster 2") = '\0';
	char text[2048];
	snprintf(text, sizeof(text), "%shostmaster 2%s", same,
		 strstr(zone_v2, "hostmaster 2") + 12);
	strcat(text, "extra 300 IN A 192.0.2.77\n");
	st_xfr_zone_t *c = version(b, load_text("example.test.", text, NULL, 0), NULL,
				   ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	assert_int_equal(st_xfr_zone_serial(c), 2);
	assert_true(st_xfr_zone_change(c)->serial_kept);
	assert_true(st_xfr_zone_change(c)->history_reset);
	assert_int_equal(st_xfr_zone_versions(c), 0);
	/* Back to serial 1: gone backwards, history dropped. */
	st_xfr_zone_t *d = version(c, load_text("example.test.", zone_v1, NULL, 0), NULL,
				   ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	assert_int_equal(st_xfr_zone_serial(d), 1);
	assert_true(st_xfr_zone_change(d)->history_reset);
	st_xfr_zone_free(a);
	st_xfr_zone_free(b);
	st_xfr_zone_free(c);
	st_xfr_zone_free(d);

	/* unixtime: the clock at the first version, kept while nothing changes,
	 * the clock again (or the serial + 1) on a change; the zone's SOA says it. */
	a = version(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
		    ST_SERIAL_UNIXTIME, ST_ROUTED_ALL, 10, 1700000000);
	assert_int_equal(st_xfr_zone_serial(a), 1700000000);
	assert_int_equal(st_zone_serial(st_xfr_zone_zone(a)), 1700000000);
	b = version(a, load_text("example.test.", zone_v1, NULL, 0), NULL, ST_SERIAL_UNIXTIME,
		    ST_ROUTED_ALL, 10, 1700000100);
	assert_int_equal(st_xfr_zone_serial(b), 1700000000);
	assert_false(st_xfr_zone_change(b)->data_changed);
	c = version(b, load_text("example.test.", zone_v2, NULL, 0), NULL, ST_SERIAL_UNIXTIME,
		    ST_ROUTED_ALL, 10, 1700000200);
	assert_int_equal(st_xfr_zone_serial(c), 1700000200);
	d = version(c, load_text("example.test.", zone_v1, NULL, 0), NULL, ST_SERIAL_UNIXTIME,
		    ST_ROUTED_ALL, 10, 1700000200);
	assert_int_equal(st_xfr_zone_serial(d), 1700000201);
	assert_int_equal(st_zone_serial(st_xfr_zone_zone(d)), 1700000201);
	assert_int_equal(st_xfr_zone_versions(d), 2);
	assert_int_equal(st_xfr_zone_oldest(d), 1700000000);
	/* A restart with the serial saved: the same data keeps it; other data
	 * goes past it even when the clock is behind. */
	st_xfr_opts_t opts = {.serial = ST_SERIAL_UNIXTIME,
			      .routed = ST_ROUTED_ALL,
			      .keep = 10,
			      .has_saved = true,
			      .saved_serial = st_xfr_zone_serial(d),
			      .saved_digest = st_xfr_zone_digest(d)};
	st_xfr_zone_t *e;
	st_diag_t diag;
	assert_int_equal(st_xfr_zone_new(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
					 &opts, 1800000000, &e, &diag),
			 0);
	st_zone_free((st_zone_t *)st_xfr_zone_zone(e));
	assert_int_equal(st_xfr_zone_serial(e), 1700000201);
	assert_int_equal(st_xfr_zone_digest(e), st_xfr_zone_digest(d));
	st_xfr_zone_t *f;
	assert_int_equal(st_xfr_zone_new(NULL, load_text("example.test.", zone_v2, NULL, 0), NULL,
					 &opts, 1600000000, &f, &diag),
			 0);
	st_zone_free((st_zone_t *)st_xfr_zone_zone(f));
	assert_int_not_equal(st_xfr_zone_digest(f), st_xfr_zone_digest(d));
	assert_int_equal(st_xfr_zone_serial(f), 1700000202);
	st_xfr_zone_free(e);
	st_xfr_zone_free(f);
	free(same);
	st_xfr_zone_free(a);
	st_xfr_zone_free(b);
	st_xfr_zone_free(c);
	st_xfr_zone_free(d);
}

/* At most `keep` differences, and no more bytes than the zone. */
static void test_history_bound(void **state)
{
	st_xfr_zone_t *v = version(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
				   ST_SERIAL_UNIXTIME, ST_ROUTED_ALL, 2, 1000);
	for (int i = 1; i <= 4; i++) {
		st_xfr_zone_t *next =
		    version(v, load_text("example.test.", i % 2 ? zone_v2 : zone_v1, NULL, 0), NULL,
			    ST_SERIAL_UNIXTIME, ST_ROUTED_ALL, 2, 1000 + (uint64_t)i);
		st_xfr_zone_free(v);
		v = next;
	}
	assert_int_equal(st_xfr_zone_serial(v), 1004);
	assert_int_equal(st_xfr_zone_versions(v), 2);
	assert_int_equal(st_xfr_zone_oldest(v), 1002);
	st_zoneset_t *zones;
	st_xfr_set_t *set = open_set(&zones, v);
	answer_t *a = calloc(1, sizeof(*a));
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_IXFR, 1001, a); /* dropped: full */
	assert_int_equal(a->n, 12);
	answer_clear(a);
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_IXFR, 1002, a); /* two steps */
	assert_int_equal(a->n, 1 + 2 * (2 + 4 + 4) + 1);
	answer_clear(a);
	free(a);
	st_xfr_set_free(set);
	st_zoneset_free(zones);
	st_xfr_zone_free(v);

	/* A difference bigger than the zone (and than the floor) is not kept. */
	size_t n = 5000, cap = n * 40 + 256;
	char *text = malloc(cap);
	size_t off =
	    (size_t)snprintf(text, cap, "$ORIGIN example.test.\n" SOA_LINE(1) "@ NS ns1\n");
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, cap - off, "h%zu 60 IN A 10.0.%zu.%zu\n", i,
					i >> 8, i & 255);
	v = version(NULL, load_text("example.test.", text, NULL, 0), NULL, ST_SERIAL_UNIXTIME,
		    ST_ROUTED_ALL, 10, 1000);
	free(text);
	st_xfr_zone_t *next = version(
	    v,
	    load_text("example.test.", "$ORIGIN example.test.\n" SOA_LINE(1) "@ NS ns1\n", NULL, 0),
	    NULL, ST_SERIAL_UNIXTIME, ST_ROUTED_ALL, 10, 1001);
	assert_int_equal(st_xfr_zone_change(next)->removed, n);
	assert_int_equal(st_xfr_zone_versions(next), 0);
	st_xfr_zone_free(v);
	st_xfr_zone_free(next);
}

/* ---- routed names ---- */

static const char *conf_text = "zones:\n"
			       "  example.test: zone\n"
			       "regions:\n"
			       "  east:\n"
			       "    endpoints:\n"
			       "      e1: { address: 192.0.2.12 }\n"
			       "      e2: { address: 192.0.2.11 }\n"
			       "      e3: { address: 2001:db8::2 }\n"
			       "  west:\n"
			       "    endpoints:\n"
			       "      w1: { address: 192.0.2.11 }\n"
			       "      w2: { address: 198.51.100.7 }\n"
			       "      w3: { cname: west.cdn.test }\n"
			       "records:\n"
			       "  www.example.test:\n"
			       "    type: [A, AAAA]\n"
			       "    ttl: 20\n"
			       "    policy: failover\n"
			       "    regions: [east, west]\n"
			       "  cdn.example.test:\n"
			       "    type: CNAME\n"
			       "    ttl: 30\n"
			       "    policy: weighted\n"
			       "    weights: { w3: 1 }\n";

static void test_routed(void **state)
{
	st_conf_t *conf;
	st_route_t *route;
	st_diag_t diag;
	int ret = st_conf_load_text("test.yaml", conf_text, strlen(conf_text), &conf, &diag);
	if (ret < 0)
		fprintf(stderr, "%s\n", diag.text);
	assert_int_equal(ret, 0);
	assert_int_equal(st_route_new(conf, &route, &diag), 0);
	size_t n = st_route_record_count(route);
	st_zone_dyn_t dyn[8];
	for (size_t i = 0; i < n; i++) {
		st_route_record_info_t info;
		st_route_record_info(route, i, &info);
		dyn[i] = (st_zone_dyn_t){info.owner, info.owner_len, info.type,
					 info.ttl,   info.handle,    info.source};
	}
	const char *zt = "$ORIGIN example.test.\n" SOA_LINE(3) "@ NS ns1\n"
							       "ns1 A 192.0.2.53\n";
	st_xfr_zone_t *all = version(NULL, load_text("example.test.", zt, dyn, n), route,
				     ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	st_zoneset_t *zones;
	st_xfr_set_t *set = open_set(&zones, all);
	answer_t *a = calloc(1, sizeof(*a));
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_AXFR, 0, a);
	/* Sorted, one of each: .11 (twice in the config), .12, 198.51.100.7. */
	assert_true(has(a, "www.example.test.\t20\tIN\tA\t192.0.2.11\n"));
	assert_true(has(a, "www.example.test.\t20\tIN\tA\t192.0.2.12\n"));
	assert_true(has(a, "www.example.test.\t20\tIN\tA\t198.51.100.7\n"));
	assert_true(has(a, "www.example.test.\t20\tIN\tAAAA\t2001:db8::2\n"));
	assert_true(has(a, "cdn.example.test.\t30\tIN\tCNAME\twest.cdn.test.\n"));
	assert_int_equal(a->n, 2 + 2 + 3 + 1 + 1);
	size_t at11 = 0, at12 = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (strstr(a->rrs[i], "192.0.2.11"))
			at11 = i;
		if (strstr(a->rrs[i], "192.0.2.12"))
			at12 = i;
	}
	assert_true(at11 < at12);
	answer_clear(a);
	st_xfr_set_free(set);
	st_zoneset_free(zones);

	/* omit: the routed names are not transferred at all. */
	st_xfr_zone_t *omit = version(all, load_text("example.test.", zt, dyn, n), route,
				      ST_SERIAL_UNIXTIME, ST_ROUTED_OMIT, 10, 5000);
	assert_true(st_xfr_zone_change(omit)->data_changed);
	assert_int_equal(st_xfr_zone_change(omit)->removed, 5);
	assert_int_equal(st_xfr_zone_serial(omit), 5000);
	set = open_set(&zones, omit);
	transfer(set, zones, "example.test.", LDNS_RR_TYPE_AXFR, 0, a);
	assert_int_equal(a->n, 4);
	answer_clear(a);
	free(a);
	st_xfr_set_free(set);
	st_zoneset_free(zones);
	st_xfr_zone_free(all);
	st_xfr_zone_free(omit);
	st_route_free(route);
	st_conf_free(conf);
}

/* ---- who may transfer ---- */

static void test_access(void **state)
{
	st_xfr_zone_t *xz = version(NULL, load_text("example.test.", zone_v1, NULL, 0), NULL,
				    ST_SERIAL_FILE, ST_ROUTED_ALL, 10, 0);
	st_xfr_set_t *set = st_xfr_set_new();
	uint8_t secret[32];
	memset(secret, 9, sizeof(secret));
	assert_int_equal(st_xfr_set_add_key(set, "XFR-Key", ST_TSIG_HMAC_SHA256, secret, 32), 0);
	st_conf_acl_t acl[2] = {{.key = 0, .any_address = true}, {.key = ST_CONF_NONE}};
	assert_int_equal(st_prefix_parse("192.0.2.0/24", false, &acl[1].net), 0);
	st_zone_t *z = (st_zone_t *)st_xfr_zone_zone(xz);
	assert_int_equal(st_xfr_set_add_zone(set, z, st_xfr_zone_ref(xz), acl, 2), 0);
	size_t nk;
	const st_tsig_key_t *keys = st_xfr_set_keys(set, &nk);
	assert_int_equal(nk, 1);
	assert_memory_equal(keys[0].name, "\7xfr-key", 9);

	uint8_t q[512];
	st_query_t qq;
	st_xfr_plan_t plan;
	st_sockaddr_t in, out, mapped;
	st_sockaddr_parse("192.0.2.200", 53, &in);
	st_sockaddr_parse("192.0.3.1", 53, &out);
	st_sockaddr_parse("[::ffff:192.0.2.9]:53", 53, &mapped);
	size_t len = request(q, "example.test.", LDNS_RR_TYPE_AXFR, 0);
	assert_int_equal(st_query_parse(q, len, &qq), 0);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &in, NULL, false, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_FULL);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &mapped, NULL, false, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_FULL);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &out, NULL, false, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_REFUSED);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &out, &keys[0], false, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_FULL);
	/* AXFR over UDP: refused even when allowed. */
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &in, NULL, true, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_REFUSED);
	/* IXFR over UDP: the SOA when up to date, else truncated. */
	len = request(q, "example.test.", LDNS_RR_TYPE_IXFR, 1);
	assert_int_equal(st_query_parse(q, len, &qq), 0);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &in, NULL, true, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_UPTODATE);
	len = request(q, "example.test.", LDNS_RR_TYPE_IXFR, 0);
	assert_int_equal(st_query_parse(q, len, &qq), 0);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &in, NULL, true, &plan), 0);
	assert_int_equal(plan.kind, ST_XFR_TC);
	/* An IXFR without its SOA is malformed; with the SOA there but not
	 * counted, already to the parser (bytes after the records). */
	len = request(q, "example.test.", LDNS_RR_TYPE_IXFR, 0);
	q[9] = 0; /* NSCOUNT */
	assert_int_equal(st_query_parse(q, len, &qq), ST_EFORMERR);
	len = ST_DNS_HEADER_LEN + 14 + 4; /* header, example.test., QTYPE, QCLASS */
	assert_int_equal(st_query_parse(q, len, &qq), 0);
	assert_int_equal(st_xfr_decide(set, z, &qq, q, len, &in, NULL, true, &plan), ST_EFORMERR);

	/* Unsigned from outside over TCP: REFUSED, nothing transferred. A
	 * signed request with an unknown key: NOTAUTH/BADKEY. */
	st_zoneset_t *zones = st_zoneset_new();
	st_zoneset_add(zones, st_zone_ref(z));
	len = request(q, "example.test.", LDNS_RR_TYPE_AXFR, 0);
	st_xfr_stream_t *s;
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &out, 1700000000, &s), 1);
	answer_t *a = calloc(1, sizeof(*a));
	drain(s, a);
	assert_int_equal(a->rcode, LDNS_RCODE_REFUSED);
	assert_int_equal(a->n, 0);
	answer_clear(a);

	st_tsig_key_t other = {.alg = ST_TSIG_HMAC_SHA256, .secret = secret, .secret_len = 32};
	memcpy(other.name, "\5other", 7);
	other.name_len = 7;
	st_tsig_t t;
	st_tsig_begin(&t, &other);
	assert_int_equal(st_tsig_sign(&t, q, &len, sizeof(q), 1700000000), 0);
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &in, 1700000000, &s), 1);
	drain(s, a);
	assert_int_equal(a->rcode, LDNS_RCODE_NOTAUTH);
	assert_int_equal(a->n, 0);
	answer_clear(a);

	/* Signed with the key from outside: allowed, every message signed. */
	len = request(q, "example.test.", LDNS_RR_TYPE_AXFR, 0);
	st_tsig_begin(&t, &keys[0]);
	assert_int_equal(st_tsig_sign(&t, q, &len, sizeof(q), 1700000000), 0);
	assert_int_equal(st_xfr_tcp_start(set, zones, q, len, &out, 1700000000, &s), 1);
	a->signed_each = true;
	drain(s, a);
	assert_int_equal(a->rcode, LDNS_RCODE_NOERROR);
	assert_int_equal(a->n, 12);
	assert_true(a->signed_each);
	answer_clear(a);
	assert_int_equal(st_xfr_zone_stats(xz)->refused, 1);
	assert_int_equal(st_xfr_zone_stats(xz)->notauth, 1);

	free(a);
	st_zoneset_free(zones);
	st_xfr_set_free(set);
	st_xfr_zone_free(xz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_axfr),	  cmocka_unit_test(test_axfr_large),
	    cmocka_unit_test(test_ixfr),	  cmocka_unit_test(test_serial_policies),
	    cmocka_unit_test(test_history_bound), cmocka_unit_test(test_routed),
	    cmocka_unit_test(test_access),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
