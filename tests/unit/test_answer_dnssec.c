/* Signed answers through st_answer(): every kind of answer made with DO is
 * checked by tests/dnssec_check.py (dnspython's dns.dnssec against the
 * zone's DNSKEY, denial and wildcard proofs as a validator reads them);
 * answers without DO are byte for byte those of the unsigned zone; TC when
 * signatures do not fit; the per-thread cache; renewed signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "answer/answer.h"
#include "answer/stats.h"
#include "conf/conf.h"
#include "dnssec/signer.h"
#include "health/health.h"
#include "route/route.h"
#include "zone/zone.h"
#include "test_dns_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VALIDITY 3600

static const char *src;
static st_conf_t *conf;
static st_route_t *route;
static st_health_t *health;
static st_zone_t *zone;
static st_signer_t *signer;
static st_view_t signed_view, plain_view;
static st_answer_ctx_t *ctx, *ctx_plain;
static uint8_t out[65535];
static char tmp[256];

static int setup(void **state)
{
	st_diag_t diag;
	char path[4096];
	src = getenv("top_srcdir");
	src = src && *src ? src : ST_SRCDIR;
	snprintf(path, sizeof(path), "%s/tests/data/zones/signed.example.test.yaml", src);
	if (st_conf_load(path, &conf, &diag) < 0 || st_route_new(conf, &route, &diag) < 0 ||
	    st_health_new(conf, &health, &diag) < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	size_t n = st_route_record_count(route);
	st_zone_dyn_t *dyn = calloc(n, sizeof(*dyn));
	for (size_t i = 0; i < n; i++) {
		st_route_record_info_t info;
		st_route_record_info(route, i, &info);
		dyn[i] = (st_zone_dyn_t){info.owner, info.owner_len, info.type,
					 info.ttl,   info.handle,    info.source};
	}
	snprintf(path, sizeof(path), "%s/tests/data/zones/signed.example.test.zone", src);
	int ret = st_zone_load("example.test.", path, dyn, n, &zone, &diag);
	free(dyn);
	if (ret < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	st_keyset_t *ks;
	uint8_t al;
	const uint8_t *apex = st_zone_apex(zone, &al);
	snprintf(path, sizeof(path), "%s/tests/data/keys/ecdsa", src);
	if (st_keyset_load(path, apex, al, &ks, &diag) < 0 ||
	    st_signer_new(zone, ks, VALIDITY, time(NULL), &signer, &diag) < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	signed_view.zones = st_zoneset_new();
	plain_view.zones = st_zoneset_new();
	if (st_zoneset_add(signed_view.zones, st_zone_ref(zone)) < 0 ||
	    st_zoneset_add(plain_view.zones, zone) < 0 ||
	    st_zoneset_attach(signed_view.zones, zone, signer) < 0)
		return -1;
	for (st_view_t *v = &signed_view; v; v = v == &signed_view ? &plain_view : NULL) {
		v->route = route;
		v->health = health;
		v->udp_max_payload = 1232;
		v->generation = 1;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/steer-test-answer-dnssec.XXXXXX");
	ctx = st_answer_ctx_new(7);
	ctx_plain = st_answer_ctx_new(7);
	return ctx && ctx_plain && mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), getenv("ST_KEEP_TMP") ? "true %s" : "rm -rf '%s'", tmp);
	st_answer_ctx_free(ctx);
	st_answer_ctx_free(ctx_plain);
	st_zoneset_free(signed_view.zones);
	st_zoneset_free(plain_view.zones);
	st_signer_free(signer);
	st_health_free(health);
	st_route_free(route);
	st_conf_free(conf);
	return system(cmd) == 0 ? 0 : -1;
}

/* One query: EDNS with `payload` (0: no EDNS), DO, optional ECS (IPv4 /24). */
static size_t ask(const st_view_t *v, const char *name, uint16_t type, uint16_t payload,
		  bool dnssec, const uint8_t *ecs4, st_transport_t transport)
{
	msg_t m;
	header(&m, 0x4242, 0, 1, 0, 0, payload ? 1 : 0);
	question(&m, name, type);
	if (payload) {
		uint8_t o[32];
		size_t ol = ecs4 ? ecs(o, 1, 24, 0, ecs4, 3) : 0;
		opt(&m, payload, 0, dnssec, o, ol);
	}
	st_sockaddr_t client;
	memset(&client, 0, sizeof(client));
	client.u.in4.sin_family = AF_INET;
	client.u.in4.sin_addr.s_addr = htonl(0x7f000001);
	/* Each view its own context: the same random choices for both. */
	return st_answer(v == &plain_view ? ctx_plain : ctx, v, m.b, m.len, &client, transport, out,
			 sizeof(out));
}

static void save(const char *file, size_t len)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmp, file);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out, 1, len, f), len);
	fclose(f);
}

typedef struct kase {
	const char *name;
	uint16_t type;
	const char *kind;
	bool ecs;
} kase_t;

static const kase_t cases[] = {
    {"www.example.test.", ST_TYPE_A, "answer", false},
    {"WwW.ExAmple.TEST.", ST_TYPE_TXT, "answer", false},
    {"example.test.", ST_TYPE_MX, "answer", false}, /* signed additional addresses */
    {"example.test.", ST_TYPE_SOA, "answer", false},
    {"example.test.", ST_TYPE_NS, "answer", false},
    {"example.test.", ST_TYPE_CDS, "answer", false},
    {"example.test.", ST_TYPE_CDNSKEY, "answer", false},
    {"example.test.", ST_TYPE_ANY, "answer", false},
    {"upper.example.test.", ST_TYPE_MX, "answer", false},
    {"alias.example.test.", ST_TYPE_A, "answer", false},
    {"dyn.example.test.", ST_TYPE_A, "answer", false},
    {"dyn.example.test.", ST_TYPE_AAAA, "answer", false},
    {"dyn.example.test.", ST_TYPE_TXT, "nodata", false},
    {"multi.example.test.", ST_TYPE_A, "answer", false},
    {"geo.example.test.", ST_TYPE_A, "answer", false},
    {"geo.example.test.", ST_TYPE_A, "answer", true},
    {"lbname.example.test.", ST_TYPE_A, "answer", false},
    {"torouted.example.test.", ST_TYPE_A, "answer", false},
    {"torouted.example.test.", ST_TYPE_AAAA, "answer", false},
    {"nothere.example.test.", ST_TYPE_A, "nxname", false},
    {"a.b.nothere.example.test.", ST_TYPE_AAAA, "nxname", false},
    {"www.example.test.", ST_TYPE_AAAA, "nodata", false},
    {"ent.example.test.", ST_TYPE_A, "nodata", false},
    {"deep.ent.example.test.", ST_TYPE_TXT, "nodata", false},
    {"x.wild.example.test.", ST_TYPE_A, "wildcard", false},
    {"a.b.c.wild.example.test.", ST_TYPE_TXT, "wildcard", false},
    {"x.wild.example.test.", ST_TYPE_AAAA, "nodata", false},
    {"x.cwild.example.test.", ST_TYPE_A, "wildcard", false},
    {"www.secure.example.test.", ST_TYPE_A, "secure-referral", false},
    {"secure.example.test.", ST_TYPE_DS, "answer", false},
    {"www.insecure.example.test.", ST_TYPE_A, "referral", false},
    {"insecure.example.test.", ST_TYPE_DS, "nodata", false},
    {"a.dn.example.test.", ST_TYPE_A, "answer", false},
    {"example.test.", ST_TYPE_DS, "nodata", false},
    {"www.example.test.", ST_TYPE_NSEC, "answer", false},
    {"nothere.example.test.", ST_TYPE_NSEC, "answer", false},
    {"example.test.", ST_TYPE_RRSIG, "answer", false},
    /* Every name has a signed NSEC: an RRSIG query is never NODATA. */
    {"ent.example.test.", ST_TYPE_RRSIG, "answer", false},
    {"dyn.example.test.", ST_TYPE_RRSIG, "answer", false},
    {"nothere.example.test.", ST_TYPE_RRSIG, "answer", false},
    {"x.wild.example.test.", ST_TYPE_RRSIG, "answer", false},
    {"dyn.example.test.", ST_TYPE_NSEC, "answer", false},
    {"dyn.example.test.", ST_TYPE_MX, "nodata", false},
    {"lbname.example.test.", ST_TYPE_MX, "nodata", false},
};

static int run_check(const char *args)
{
	char cmd[16384];
	if (access("/usr/bin/python3", X_OK) != 0)
		return 77;
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && /usr/bin/python3 '%s/tests/dnssec_check.py' --files "
		 "example.test. keys.bin %s",
		 tmp, src, args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_validated(void **state)
{
	static const uint8_t net[3] = {192, 0, 2};
	size_t n =
	    ask(&signed_view, "example.test.", ST_TYPE_DNSKEY, 1232, true, NULL, ST_TRANSPORT_TCP);
	assert_true(n > 12);
	save("keys.bin", n);
	char args[8192] = "";
	size_t al = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char file[32];
		n = ask(&signed_view, cases[i].name, cases[i].type, 1232, true,
			cases[i].ecs ? net : NULL, ST_TRANSPORT_UDP);
		assert_true(n > 12);
		assert_int_equal(out[3] & ST_FLAG2_AD, 0);
		snprintf(file, sizeof(file), "%zu.bin", i);
		save(file, n);
		al +=
		    (size_t)snprintf(args + al, sizeof(args) - al, " '%s %s'", file, cases[i].kind);
	}
	int st = run_check(args);
	if (st == 77)
		skip();
	assert_int_equal(st, 0);
}

/* Without DO, a signed zone answers as the unsigned one, byte for byte. */
static void test_no_do_unchanged(void **state)
{
	static uint8_t plain[65535];
	/* Both contexts from the same seed: the same random choices. */
	st_answer_ctx_free(ctx);
	st_answer_ctx_free(ctx_plain);
	ctx = st_answer_ctx_new(11);
	ctx_plain = st_answer_ctx_new(11);
	assert_true(ctx && ctx_plain);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Made by the signer with DO or without: test_rrsig_query. */
		if (cases[i].type == ST_TYPE_CDS || cases[i].type == ST_TYPE_CDNSKEY ||
		    cases[i].type == ST_TYPE_NSEC || cases[i].type == ST_TYPE_RRSIG)
			continue;
		for (int edns = 0; edns < 2; edns++) {
			size_t a = ask(&plain_view, cases[i].name, cases[i].type, edns ? 1232 : 0,
				       false, NULL, ST_TRANSPORT_UDP);
			memcpy(plain, out, a);
			size_t b = ask(&signed_view, cases[i].name, cases[i].type, edns ? 1232 : 0,
				       false, NULL, ST_TRANSPORT_UDP);
			if (a != b || memcmp(plain, out, a) != 0)
				fail_msg("%s %u: the DO=0 answer differs", cases[i].name,
					 cases[i].type);
		}
	}
	/* DNSKEY without DO: the keys, no signatures. */
	size_t n =
	    ask(&signed_view, "example.test.", ST_TYPE_DNSKEY, 1232, false, NULL, ST_TRANSPORT_UDP);
	assert_true(n > 12);
	assert_int_equal(st_get16(out + 6), 2);
	assert_int_equal(out[3] & 0x0f, ST_RCODE_NOERROR);
	/* The plain zone has none. */
	ask(&plain_view, "example.test.", ST_TYPE_DNSKEY, 1232, false, NULL, ST_TRANSPORT_UDP);
	assert_int_equal(st_get16(out + 6), 0);
}

/* A signed answer that does not fit the UDP payload: TC, nothing else. */
static void test_truncated(void **state)
{
	size_t n =
	    ask(&signed_view, "big.example.test.", ST_TYPE_TXT, 512, false, NULL, ST_TRANSPORT_UDP);
	assert_false(out[2] & ST_FLAG1_TC); /* fits without signatures */
	n = ask(&signed_view, "big.example.test.", ST_TYPE_TXT, 512, true, NULL, ST_TRANSPORT_UDP);
	assert_true(out[2] & ST_FLAG1_TC);
	assert_int_equal(st_get16(out + 6), 0);
	assert_true(n <= 512);
	ask(&signed_view, "big.example.test.", ST_TYPE_TXT, 512, true, NULL, ST_TRANSPORT_TCP);
	assert_false(out[2] & ST_FLAG1_TC);
	assert_int_equal(st_get16(out + 6), 6); /* 5 TXT and their RRSIG */
}

static uint64_t stat_of(size_t off)
{
	const st_sign_stats_t *s = st_answer_ctx_sign_stats(ctx);
	assert_non_null(s);
	return *(const uint64_t *)((const uint8_t *)s + off);
}

/* The second identical routed answer comes from the thread's cache. */
static void test_cache(void **state)
{
	ask(&signed_view, "geo.example.test.", ST_TYPE_A, 1232, true, NULL, ST_TRANSPORT_UDP);
	uint64_t made = stat_of(offsetof(st_sign_stats_t, signatures));
	uint64_t hits = stat_of(offsetof(st_sign_stats_t, hits));
	ask(&signed_view, "geo.example.test.", ST_TYPE_A, 1232, true, NULL, ST_TRANSPORT_UDP);
	assert_int_equal(stat_of(offsetof(st_sign_stats_t, signatures)), made);
	assert_true(stat_of(offsetof(st_sign_stats_t, hits)) > hits);
	/* Another client, another answer: signed once. */
	static const uint8_t net[3] = {192, 0, 2};
	ask(&signed_view, "geo.example.test.", ST_TYPE_A, 1232, true, net, ST_TRANSPORT_UDP);
	assert_int_equal(stat_of(offsetof(st_sign_stats_t, signatures)), made + 1);
	ask(&signed_view, "geo.example.test.", ST_TYPE_A, 1232, true, net, ST_TRANSPORT_UDP);
	assert_int_equal(stat_of(offsetof(st_sign_stats_t, signatures)), made + 1);
}

/* Renewal at three quarters of the validity: new inception and expiration,
 * answers still valid. */
static void test_renewal(void **state)
{
	const st_sigstate_t *st = st_signer_state(signer);
	uint32_t exp = st_sigstate_expiration(st);
	int64_t now = time(NULL);
	st_diag_t diag;
	assert_null(st_signer_maintain(signer, now, &diag));
	assert_true(st_signer_due(signer) <= now + VALIDITY * 3 / 4);
	st_sigstate_t *old = st_signer_maintain(signer, now + VALIDITY * 3 / 4, &diag);
	assert_non_null(old);
	st_sigstate_free(old); /* no other thread reads it here */
	assert_true(st_sigstate_expiration(st_signer_state(signer)) > exp);
	test_validated(state);
}

/* The answer section of the last response: the types its RRSIGs cover
 * and the types of its other records, as bits (types below 64). */
static void answer_types(size_t len, uint64_t *covered, uint64_t *other)
{
	size_t pos = ST_DNS_HEADER_LEN;
	*covered = *other = 0;
	assert_int_equal(st_name_skip(out, len, &pos), 0);
	pos += 4;
	for (unsigned i = 0; i < st_get16(out + 6); i++) {
		assert_int_equal(st_name_skip(out, len, &pos), 0);
		uint16_t type = st_get16(out + pos), rdlen = st_get16(out + pos + 8);
		assert_true(pos + 10 + rdlen <= len);
		uint16_t t = type == ST_TYPE_RRSIG ? st_get16(out + pos + 10) : type;
		assert_true(t < 64);
		*(type == ST_TYPE_RRSIG ? covered : other) |= UINT64_C(1) << t;
		pos += 10 + rdlen;
	}
}

#define BIT(t) (UINT64_C(1) << (t))

/* An RRSIG query gets every signature at the name as it would be answered
 * now (RFC 4035 2.3, RFC 4034 4.1.2): routed RRsets signed for this
 * client, the NSEC's even at a name without data or that does not exist;
 * never a NODATA, whose NSEC would have to leave RRSIG out. */
static void test_rrsig_query(void **state)
{
	uint64_t cov, other;
	size_t n = ask(&signed_view, "dyn.example.test.", ST_TYPE_RRSIG, 1232, true, NULL,
		       ST_TRANSPORT_UDP);
	assert_int_equal(out[3] & 0x0f, ST_RCODE_NOERROR);
	answer_types(n, &cov, &other);
	assert_int_equal(other, 0);
	assert_int_equal(cov, BIT(ST_TYPE_A) | BIT(ST_TYPE_AAAA) | BIT(ST_TYPE_NSEC));
	n = ask(&signed_view, "lbname.example.test.", ST_TYPE_RRSIG, 1232, true, NULL,
		ST_TRANSPORT_UDP);
	answer_types(n, &cov, &other);
	assert_int_equal(cov, BIT(ST_TYPE_CNAME) | BIT(ST_TYPE_NSEC));
	n = ask(&signed_view, "www.example.test.", ST_TYPE_RRSIG, 1232, true, NULL,
		ST_TRANSPORT_UDP);
	answer_types(n, &cov, &other);
	assert_int_equal(cov, BIT(ST_TYPE_A) | BIT(ST_TYPE_TXT) | BIT(ST_TYPE_NSEC));
	const char *bare[] = {"ent.example.test.", "nothere.example.test.", "a.b.nothere.example.test."};
	for (size_t i = 0; i < 3; i++) {
		n = ask(&signed_view, bare[i], ST_TYPE_RRSIG, 1232, true, NULL, ST_TRANSPORT_UDP);
		assert_int_equal(out[3] & 0x0f, ST_RCODE_NOERROR);
		answer_types(n, &cov, &other);
		assert_int_equal(cov, BIT(ST_TYPE_NSEC));
		assert_int_equal(other, 0);
	}
	/* Without DO, RRSIG and NSEC are RRsets like any other (RFC 4035 3.1):
	 * the same signatures, the NSEC unsigned, nothing in the other
	 * sections; a name that does not exist is NXDOMAIN without proof. */
	const char *names[] = {"dyn.example.test.", "www.example.test.", "ent.example.test."};
	const uint64_t want[] = {BIT(ST_TYPE_A) | BIT(ST_TYPE_AAAA) | BIT(ST_TYPE_NSEC),
				 BIT(ST_TYPE_A) | BIT(ST_TYPE_TXT) | BIT(ST_TYPE_NSEC),
				 BIT(ST_TYPE_NSEC)};
	for (size_t i = 0; i < 3; i++) {
		for (int edns = 0; edns < 2; edns++) {
			n = ask(&signed_view, names[i], ST_TYPE_RRSIG, edns ? 1232 : 0, false,
				NULL, ST_TRANSPORT_UDP);
			assert_int_equal(out[3] & 0x0f, ST_RCODE_NOERROR);
			answer_types(n, &cov, &other);
			assert_int_equal(cov, want[i]);
			assert_int_equal(other, 0);
			assert_int_equal(st_get16(out + 8), 0);
			n = ask(&signed_view, names[i], ST_TYPE_NSEC, edns ? 1232 : 0, false, NULL,
				ST_TRANSPORT_UDP);
			assert_int_equal(out[3] & 0x0f, ST_RCODE_NOERROR);
			answer_types(n, &cov, &other);
			assert_int_equal(cov, 0);
			assert_int_equal(other, BIT(ST_TYPE_NSEC));
			assert_int_equal(st_get16(out + 6), 1);
			assert_int_equal(st_get16(out + 8), 0);
		}
	}
	for (size_t i = 1; i < 3; i++) {
		uint16_t type = i == 1 ? ST_TYPE_RRSIG : ST_TYPE_NSEC;
		n = ask(&signed_view, bare[i], type, 1232, false, NULL, ST_TRANSPORT_UDP);
		assert_int_equal(out[3] & 0x0f, ST_RCODE_NXDOMAIN);
		assert_int_equal(st_get16(out + 6), 0);
		assert_int_equal(st_get16(out + 8), 1); /* the SOA alone */
	}
}

/* RFC 9824 3.5: NXNAME is not a type to ask for. */
static void test_nxname_query(void **state)
{
	ask(&signed_view, "www.example.test.", ST_TYPE_NXNAME, 1232, true, NULL, ST_TRANSPORT_UDP);
	assert_int_equal(out[3] & 0x0f, ST_RCODE_FORMERR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validated),	 cmocka_unit_test(test_no_do_unchanged),
	    cmocka_unit_test(test_truncated),	 cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_nxname_query), cmocka_unit_test(test_rrsig_query),
	    cmocka_unit_test(test_renewal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
