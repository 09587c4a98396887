/* Records over records ("@name") and sticky weighted picks: every policy
 * over a nested record with fixed seeds and health states, the target's
 * health (its on_all_down not counting), TTL and ECS scope along the chain,
 * cname endpoints that follow the routed name they point to, zone transfer
 * targets and explain through the chain; rendezvous hashing of the client
 * subnet (stickiness, the share a weight change moves, scopes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_route_fixture.h"

#include "dns/name.h"
#include "route/sticky.h"

#include <unistd.h>

#ifndef ROUTE_TEST_DB_DIR
#define ROUTE_TEST_DB_DIR "tests/data/geo"
#endif
#define DB(name) ROUTE_TEST_DB_DIR "/" name

#define REC(i) (ST_CONF_RECORD | (uint32_t)(i))

/* Four regions with a location each and one dual-stack endpoint each,
 * 192.0.2.1 .. 192.0.2.4, with the test City database. */
static st_conf_t *world(void)
{
	st_conf_t *c = fx_conf();
	c->geo_database = strdup(DB("test-city.mmdb"));
	fx_region(c, "us-east-1", 39.04, -77.49);
	fx_region(c, "us-east-2", 39.96, -83.00);
	fx_region(c, "eu-central-1", 50.11, 8.68);
	fx_region(c, "ap-northeast-1", 35.68, 139.69);
	fx_endpoint(c, 0, "use1", "192.0.2.1", "2001:db8:a::1", 1);
	fx_endpoint(c, 1, "use2", "192.0.2.2", "2001:db8:a::2", 1);
	fx_endpoint(c, 2, "euc1", "192.0.2.3", "2001:db8:a::3", 1);
	fx_endpoint(c, 3, "apne1", "192.0.2.4", "2001:db8:a::4", 1);
	return c;
}

static void weight_on(st_conf_record_t *r, uint32_t target, const char *name, uint32_t w)
{
	r->weights = fx_grow(r->weights, r->n_weights, sizeof(*r->weights));
	st_conf_weight_t *x = &r->weights[r->n_weights++];
	x->name = strdup(name);
	x->weight = w;
	x->is_region = true;
	x->index = target;
	x->line = r->line + 1;
}

static void sticky_on(st_conf_sticky_t *s, unsigned v4, unsigned v6)
{
	s->on = true;
	s->ipv4_prefix = v4;
	s->ipv6_prefix = v6;
}

static void all_up(st_health_t *h, const st_conf_t *c)
{
	for (size_t i = 0; i < c->n_endpoints; i++)
		fx_up(h, c, c->endpoints[i].name);
}

/* Failover between two geolocation records: the first is up while its
 * map walk finds a healthy region for the client (its on_all_down answer
 * does not count); the answer is the target's, with the smallest TTL and
 * the geo scope. */
static void test_failover_over_geolocation(void **state)
{
	st_conf_t *c = world();
	st_conf_record_t *r = fx_record(c, "geo-a.example.test.", 1, ST_POLICY_GEOLOCATION);
	r->ttl = 20;
	r->on_all_down = ST_ALL_DOWN_NODATA;
	fx_map(r, "country:US", 0);
	fx_map(r, "continent:EU", 2);
	fx_map(r, "default", 0);
	r = fx_record(c, "geo-b.example.test.", 1, ST_POLICY_GEOLOCATION);
	r->ttl = 5;
	fx_map(r, "country:US", 1);
	fx_map(r, "default", 3);
	r = fx_record(c, "top.example.test.", 1, ST_POLICY_FAILOVER);
	r->ttl = 30;
	fx_regions(r, 2, REC(0), REC(1));
	r = fx_record(c, "strict.example.test.", 1, ST_POLICY_FAILOVER);
	r->on_all_down = ST_ALL_DOWN_SERVFAIL;
	fx_regions(r, 2, REC(0), REC(1));
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 7;
	st_route_result_t res;

	assert_string_equal(fx_first(rt, 2, 1, "192.0.2.1", 0, h, &rng, &res), "192.0.2.1");
	assert_int_equal(res.ttl, 20);
	assert_int_equal(res.scope, 26); /* the database's network: Ashburn /26 */
	assert_int_equal(res.depth, 1);
	assert_int_equal(res.record, 2);
	assert_string_equal(fx_first(rt, 2, 1, "198.51.100.1", 24, h, &rng, &res), "192.0.2.3");
	assert_int_equal(res.scope, 24);
	/* the US region of geo-a down: its walk ends at default, also down */
	fx_down(h, c, "use1");
	assert_string_equal(fx_first(rt, 2, 1, "192.0.2.1", 0, h, &rng, &res), "192.0.2.2");
	assert_int_equal(res.ttl, 5);
	/* a European client still has geo-a's EU region */
	assert_string_equal(fx_first(rt, 2, 1, "198.51.100.1", 24, h, &rng, &res), "192.0.2.3");
	/* every region of geo-a down for it too: geo-b's default */
	fx_down(h, c, "euc1");
	assert_string_equal(fx_first(rt, 2, 1, "198.51.100.1", 24, h, &rng, &res), "192.0.2.4");
	assert_int_equal(res.ttl, 5);
	/* asked directly, geo-a answers by its on_all_down */
	fx_first(rt, 0, 1, "198.51.100.1", 24, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	/* everything down: the top record's on_all_down decides */
	fx_down(h, c, "use2");
	fx_down(h, c, "apne1");
	assert_string_equal(fx_first(rt, 2, 1, "192.0.2.1", 0, h, &rng, &res), "192.0.2.1");
	fx_first(rt, 3, 1, "192.0.2.1", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_SERVFAIL);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* Weighted over two latency records: each nested record answers with the
 * region nearest the client among its own; the draw splits by weight, and
 * a record with every region down takes no share. */
static void test_weighted_over_latency(void **state)
{
	st_conf_t *c = world();
	fx_regions(fx_record(c, "lat-a.example.test.", 1, ST_POLICY_LATENCY), 2, 0u, 2u);
	fx_regions(fx_record(c, "lat-b.example.test.", 1, ST_POLICY_LATENCY), 2, 1u, 3u);
	st_conf_record_t *r = fx_record(c, "top.example.test.", 1, ST_POLICY_WEIGHTED);
	weight_on(r, REC(0), "@lat-a.example.test.", 1);
	weight_on(r, REC(1), "@lat-b.example.test.", 3);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 42;
	st_route_result_t res;
	int a = 0, b = 0;
	for (int i = 0; i < 4000; i++) {
		const char *got = fx_first(rt, 2, 1, "192.0.2.1", 26, h, &rng, &res);
		a += strcmp(got, "192.0.2.1") == 0;
		b += strcmp(got, "192.0.2.2") == 0;
		assert_int_equal(res.scope, 26);
	}
	assert_int_equal(a + b, 4000);
	assert_in_range(a, 850, 1150); /* 1/4 of 4000 */
	/* lat-a's nearest down: its next region answers */
	fx_down(h, c, "use1");
	a = 0;
	for (int i = 0; i < 400; i++)
		a += strcmp(fx_first(rt, 2, 1, "192.0.2.1", 26, h, &rng, &res), "192.0.2.3") == 0;
	assert_in_range(a, 60, 140);
	/* all of lat-a down: every answer from lat-b */
	fx_down(h, c, "euc1");
	for (int i = 0; i < 200; i++)
		assert_string_equal(fx_first(rt, 2, 1, "192.0.2.1", 26, h, &rng, &res),
				    "192.0.2.2");
	/* the Tokyo client: lat-b's nearest is ap-northeast-1 */
	assert_string_equal(fx_first(rt, 2, 1, "203.0.113.1", 25, h, &rng, &res), "192.0.2.4");
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* The other policies over records, each with fixed seeds and health
 * states: failover over weighted, cidr and geolocation values that are
 * records, multivalue and simple over records, a zero-weight backup record,
 * AAAA through two levels, TTL the smallest along the chain. */
static void test_each_policy_over_records(void **state)
{
	st_conf_t *c = world();
	/* 0: weighted over us-east-1 and us-east-2 */
	st_conf_record_t *r = fx_record(c, "w.example.test.", 1, ST_POLICY_WEIGHTED);
	weight_on(r, 0, "us-east-1", 1);
	weight_on(r, 1, "us-east-2", 1);
	r->ttl = 15;
	/* 1: failover [@w, ap-northeast-1] */
	fx_regions(fx_record(c, "f.example.test.", 1, ST_POLICY_FAILOVER), 2, REC(0), 3u);
	/* 2: cidr 192.0.2.0/24 -> @w, default -> eu-central-1 */
	r = fx_record(c, "cidr.example.test.", 1, ST_POLICY_CIDR);
	fx_map(r, "192.0.2.0/24", REC(0));
	fx_map(r, "default", 2);
	/* 3: multivalue [@f, eu-central-1] */
	fx_regions(fx_record(c, "mv.example.test.", 1, ST_POLICY_MULTIVALUE), 2, REC(1), 2u);
	/* 4: simple [@f] */
	fx_regions(fx_record(c, "s.example.test.", 1, ST_POLICY_SIMPLE), 1, REC(1));
	/* 5: weighted { eu-central-1: 1, @f: 0 } (a backup record) */
	r = fx_record(c, "wb.example.test.", 1, ST_POLICY_WEIGHTED);
	weight_on(r, 2, "eu-central-1", 1);
	weight_on(r, REC(1), "@f.example.test.", 0);
	/* 6: geolocation { continent:EU -> @cidr, default -> @f } */
	r = fx_record(c, "g.example.test.", 1, ST_POLICY_GEOLOCATION);
	fx_map(r, "continent:EU", REC(2));
	fx_map(r, "default", REC(1));
	/* 7, 8: AAAA, failover [@aaaa-w] over weighted */
	r = fx_record(c, "w6.example.test.", 28, ST_POLICY_WEIGHTED);
	weight_on(r, 3, "ap-northeast-1", 1);
	r->ttl = 3;
	fx_regions(fx_record(c, "f6.example.test.", 28, ST_POLICY_FAILOVER), 2, REC(7), 2u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 3;
	st_route_result_t res;
	const char *got;

	/* failover over weighted: the weighted record answers while one of
	 * its regions is up */
	int seen[2] = {0};
	for (int i = 0; i < 200; i++) {
		got = fx_first(rt, 1, 1, "10.0.0.1", 0, h, &rng, &res);
		seen[strcmp(got, "192.0.2.1") == 0 ? 0 : 1]++;
		assert_true(strcmp(got, "192.0.2.1") == 0 || strcmp(got, "192.0.2.2") == 0);
		assert_int_equal(res.ttl, 15);
		assert_int_equal(res.scope, 0);
	}
	assert_in_range(seen[0], 70, 130);
	fx_down(h, c, "use1");
	assert_string_equal(fx_first(rt, 1, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.2");
	fx_down(h, c, "use2");
	assert_string_equal(fx_first(rt, 1, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.4");
	assert_int_equal(res.ttl, 20);
	assert_int_equal(res.depth, 0);
	all_up(h, c);

	/* cidr: the ECS /24 inside 192.0.2.0/24 gets @w with scope 24 */
	got = fx_first(rt, 2, 1, "192.0.2.0", 24, h, &rng, &res);
	assert_true(strcmp(got, "192.0.2.1") == 0 || strcmp(got, "192.0.2.2") == 0);
	assert_int_equal(res.scope, 24);
	assert_string_equal(fx_first(rt, 2, 1, "10.1.2.0", 24, h, &rng, &res), "192.0.2.3");
	/* @w entirely down: the next shorter match, here default */
	fx_down(h, c, "use1");
	fx_down(h, c, "use2");
	assert_string_equal(fx_first(rt, 2, 1, "192.0.2.0", 24, h, &rng, &res), "192.0.2.3");
	all_up(h, c);

	/* multivalue: the nested record's answer joins the draw */
	fx_first(rt, 3, 1, "10.0.0.1", 0, h, &rng, &res);
	assert_int_equal(res.n, 2);
	fx_down(h, c, "euc1");
	fx_first(rt, 3, 1, "10.0.0.1", 0, h, &rng, &res);
	assert_int_equal(res.n, 1);
	fx_down(h, c, "use1");
	fx_down(h, c, "use2");
	assert_string_equal(fx_first(rt, 3, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.4");
	all_up(h, c);

	/* simple: the nested record's answer, decided by its own policy */
	fx_down(h, c, "use1");
	fx_down(h, c, "use2");
	assert_string_equal(fx_first(rt, 4, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.4");
	all_up(h, c);

	/* a zero-weight record: only when every weighted item is down */
	for (int i = 0; i < 50; i++)
		assert_string_equal(fx_first(rt, 5, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.3");
	fx_down(h, c, "euc1");
	fx_down(h, c, "use1");
	assert_string_equal(fx_first(rt, 5, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.2");
	assert_int_equal(res.depth, 2);
	all_up(h, c);

	/* geolocation -> @cidr (EU client, default branch of the cidr) and
	 * -> @f -> @w for the rest */
	assert_string_equal(fx_first(rt, 6, 1, "198.51.100.1", 24, h, &rng, &res), "192.0.2.3");
	assert_int_equal(res.scope, 24);
	fx_down(h, c, "use1");
	fx_down(h, c, "use2");
	assert_string_equal(fx_first(rt, 6, 1, "192.0.2.1", 26, h, &rng, &res), "192.0.2.4");
	assert_int_equal(res.scope, 26);
	all_up(h, c);

	/* AAAA through failover over weighted; the TTL of the inner record */
	assert_string_equal(fx_first(rt, 8, 28, "10.0.0.1", 0, h, &rng, &res), "2001:db8:a::4");
	assert_int_equal(res.ttl, 3);
	fx_first(rt, 8, 1, "10.0.0.1", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	fx_down(h, c, "apne1");
	assert_string_equal(fx_first(rt, 8, 28, "10.0.0.1", 0, h, &rng, &res), "2001:db8:a::3");
	assert_int_equal(res.ttl, 20);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static uint32_t cname_endpoint(st_conf_t *c, uint32_t region, const char *name, const char *target,
			       uint32_t routed)
{
	uint32_t e = fx_endpoint(c, region, name, NULL, NULL, 1);
	c->endpoints[e].cname = strdup(target);
	c->endpoints[e].cname_routed[0] = routed;
	return e;
}

/* A failover CNAME whose primary endpoint points into a routed name that
 * is entirely down fails over: the cname follows its target's health. */
static void test_cname_follows_target(void **state)
{
	st_conf_t *c = world();
	uint32_t lb = fx_region(c, "lb", 0, 0);
	uint32_t spare = fx_region(c, "spare", 0, 0);
	/* 0: app A, failover [us-east-1, us-east-2], on_all_down servfail */
	st_conf_record_t *r = fx_record(c, "app.example.test.", 1, ST_POLICY_FAILOVER);
	r->on_all_down = ST_ALL_DOWN_SERVFAIL;
	fx_regions(r, 2, 0u, 1u);
	/* 1: www CNAME failover [lb -> app.example.test., spare -> static] */
	fx_regions(fx_record(c, "www.example.test.", 5, ST_POLICY_FAILOVER), 2, lb, spare);
	cname_endpoint(c, lb, "to-app", "app.example.test.", 0);
	cname_endpoint(c, spare, "to-static", "static.example.net.", ST_CONF_NONE);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 1;
	st_route_result_t res;
	st_client_t cl = fx_client("10.0.0.1", 0);
	char name[256];

	assert_int_equal(st_route_resolve(rt, fx_handle(rt, 1), 1, &cl, h, &rng, &res), 0);
	st_name_to_str(res.cname, name, sizeof(name));
	assert_string_equal(name, "app.example.test.");
	fx_down(h, c, "use1");
	assert_int_equal(st_route_resolve(rt, fx_handle(rt, 1), 1, &cl, h, &rng, &res), 0);
	st_name_to_str(res.cname, name, sizeof(name));
	assert_string_equal(name, "app.example.test.");
	fx_down(h, c, "use2");
	assert_int_equal(st_route_resolve(rt, fx_handle(rt, 1), 1, &cl, h, &rng, &res), 0);
	st_name_to_str(res.cname, name, sizeof(name));
	assert_string_equal(name, "static.example.net.");
	/* the endpoint's own state still counts */
	fx_up(h, c, "use2");
	fx_down(h, c, "to-app");
	assert_int_equal(st_route_resolve(rt, fx_handle(rt, 1), 1, &cl, h, &rng, &res), 0);
	st_name_to_str(res.cname, name, sizeof(name));
	assert_string_equal(name, "static.example.net.");
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

typedef struct collected {
	char text[512];
} collected_t;

static void collect(const uint8_t *rdata, size_t len, void *arg)
{
	collected_t *cl = arg;
	char a[INET6_ADDRSTRLEN];
	inet_ntop(len == 4 ? AF_INET : AF_INET6, rdata, a, sizeof(a));
	size_t n = strlen(cl->text);
	snprintf(cl->text + n, sizeof(cl->text) - n, "%s%s", n ? " " : "", a);
}

/* Zone transfers list every answer a record can give, through the records
 * it nests; explain tells the whole chain. */
static void test_targets_and_explain(void **state)
{
	st_conf_t *c = world();
	st_conf_record_t *r = fx_record(c, "geo-a.example.test.", 1, ST_POLICY_GEOLOCATION);
	fx_map(r, "country:US", 0);
	fx_map(r, "default", 2);
	fx_regions(fx_record(c, "top.example.test.", 1, ST_POLICY_FAILOVER), 2, REC(0), 3u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	collected_t got = {""};
	st_route_targets(rt, fx_handle(rt, 1), collect, &got);
	assert_string_equal(got.text, "192.0.2.1 192.0.2.3 192.0.2.4");

	char buf[4096];
	st_client_t cl = fx_client("192.0.2.1", 0);
	fx_down(h, c, "use1");
	assert_int_equal(st_route_explain(rt, fx_handle(rt, 1), 1, &cl, h, 9, buf, sizeof(buf)), 0);
	print_message("%s", buf);
	assert_non_null(strstr(buf, "location: continent NA, country US"));
	assert_non_null(strstr(buf, "  primary @geo-a.example.test.: record A (test.yaml:200), "
				    "policy geolocation -> has a healthy answer\n"));
	assert_non_null(strstr(buf, "-> @geo-a.example.test. A (test.yaml:200), policy "
				    "geolocation, ttl 20:\n"));
	assert_non_null(strstr(buf, "country match us-east-1 is down, walking up\n"));
	assert_non_null(strstr(buf, "geolocation: default match -> eu-central-1\n"));
	assert_non_null(strstr(buf, "answer: A 192.0.2.3 (eu-central-1/euc1), ttl 20\n"));
	fx_down(h, c, "euc1");
	assert_int_equal(st_route_explain(rt, fx_handle(rt, 1), 1, &cl, h, 9, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "policy geolocation -> no healthy answer\n"));
	assert_non_null(strstr(buf, "answer: A 192.0.2.4 (ap-northeast-1/apne1)"));
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* ---- sticky ---- */

static st_route_t *sticky_pair(uint32_t wa, uint32_t wb, st_conf_t **out)
{
	st_conf_t *c = world();
	st_conf_record_t *r = fx_record(c, "s.example.test.", 1, ST_POLICY_WEIGHTED);
	weight_on(r, 0, "us-east-1", wa);
	weight_on(r, 2, "eu-central-1", wb);
	sticky_on(&r->sticky, 24, 56);
	*out = c;
	return fx_route(c);
}

/* 10,000 client /24s: with weights 1:1 about half each; at 1:2 only the
 * share that must moves (1/6 ideally), all of it toward the heavier one. */
static void test_sticky_rendezvous(void **state)
{
	st_conf_t *c1, *c2;
	st_route_t *r1 = sticky_pair(1, 1, &c1), *r2 = sticky_pair(1, 2, &c2);
	uint64_t rng = 5;
	st_route_result_t res;
	int first = 0, moved = 0, back = 0;
	for (uint32_t i = 0; i < 10000; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.%u.%u.0", (i >> 8) & 255, i & 255);
		bool x = strcmp(fx_first(r1, 0, 1, a, 24, NULL, &rng, &res), "192.0.2.1") == 0;
		assert_int_equal(res.scope, 24);
		assert_true(res.sticky);
		bool y = strcmp(fx_first(r2, 0, 1, a, 24, NULL, &rng, &res), "192.0.2.1") == 0;
		first += x;
		moved += x != y;
		back += !x && y;
	}
	print_message("1:1 -> %d of 10000 on the first; 1:2 moves %d (ideal 1667)\n", first, moved);
	assert_in_range(first, 4800, 5200);
	assert_in_range(moved, 1667 - 200, 1667 + 200);
	assert_int_equal(back, 0);
	st_route_free(r1);
	st_route_free(r2);
	st_conf_free(c1);
	st_conf_free(c2);
}

/* A subnet keeps its pick whatever the random state; addresses of one
 * /24 share it; an ECS source shorter than the hashing prefix is hashed at
 * its own length (the scope says so); a failed pick moves only its own
 * clients, who come back when it recovers. */
static void test_sticky_keeps(void **state)
{
	st_conf_t *c;
	st_route_t *rt = sticky_pair(1, 1, &c);
	st_health_t *h = fx_health(c);
	st_route_result_t res;
	char want[INET6_ADDRSTRLEN];
	uint64_t rng = 11;
	strcpy(want, fx_first(rt, 0, 1, "10.9.8.0", 24, h, &rng, &res));
	for (int i = 1; i < 256; i += 17) {
		char a[32];
		snprintf(a, sizeof(a), "10.9.8.%d", i);
		rng = (uint64_t)i * 7919;
		assert_string_equal(fx_first(rt, 0, 1, a, 32, h, &rng, &res), want);
		assert_int_equal(res.scope, 24);
	}
	fx_first(rt, 0, 1, "10.9.0.0", 16, h, &rng, &res);
	assert_int_equal(res.scope, 16);
	/* without ECS: the resolver's /24, scope 0 */
	st_client_t cl = fx_client("10.9.8.1", 0);
	cl.from_ecs = false;
	assert_int_equal(st_route_resolve(rt, fx_handle(rt, 0), 1, &cl, h, &rng, &res), 0);
	assert_int_equal(res.scope, 0);

	/* record which subnets pick us-east-1, then take it down */
	bool pick[500];
	for (int i = 0; i < 500; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.%d.%d.0", 7 + i / 250, i % 250);
		pick[i] = strcmp(fx_first(rt, 0, 1, a, 24, h, &rng, &res), "192.0.2.1") == 0;
	}
	fx_down(h, c, "use1");
	for (int i = 0; i < 500; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.%d.%d.0", 7 + i / 250, i % 250);
		assert_string_equal(fx_first(rt, 0, 1, a, 24, h, &rng, &res), "192.0.2.3");
	}
	fx_up(h, c, "use1");
	for (int i = 0; i < 500; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.%d.%d.0", 7 + i / 250, i % 250);
		assert_int_equal(strcmp(fx_first(rt, 0, 1, a, 24, h, &rng, &res), "192.0.2.1") == 0,
				 pick[i]);
	}
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* A region's sticky weighted pick among its endpoints, under a record
 * that is not sticky: by the subnet, by weight, IPv6 at its own prefix. */
static void test_sticky_region(void **state)
{
	st_conf_t *c = fx_conf();
	uint32_t g = fx_region(c, "pool", 0, 0);
	sticky_on(&c->regions[g].sticky, 24, 48);
	fx_endpoint(c, g, "p1", "192.0.2.1", "2001:db8::1", 1);
	fx_endpoint(c, g, "p2", "192.0.2.2", "2001:db8::2", 3);
	fx_endpoint(c, g, "p3", "192.0.2.3", "2001:db8::3", 0);
	fx_regions(fx_record(c, "a.example.test.", 1, ST_POLICY_WEIGHTED), 1, g);
	fx_regions(fx_record(c, "b.example.test.", 28, ST_POLICY_WEIGHTED), 1, g);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 1;
	st_route_result_t res;
	int heavy = 0;
	for (int i = 0; i < 2000; i++) {
		char a[32];
		snprintf(a, sizeof(a), "10.%d.%d.0", i / 250, i % 250);
		const char *got = fx_first(rt, 0, 1, a, 24, h, &rng, &res);
		heavy += strcmp(got, "192.0.2.2") == 0;
		assert_true(strcmp(got, "192.0.2.3") != 0);
		assert_int_equal(res.scope, 24);
		/* again with another random state: the same */
		rng += 12345;
		assert_string_equal(fx_first(rt, 0, 1, a, 24, h, &rng, &res), got);
	}
	assert_in_range(heavy, 1400, 1600); /* 3/4 of 2000 */
	fx_first(rt, 1, 28, "2001:db8:1:2::", 64, h, &rng, &res);
	assert_int_equal(res.scope, 48);
	/* the weighted ones down: the zero-weight backup */
	fx_down(h, c, "p1");
	fx_down(h, c, "p2");
	assert_string_equal(fx_first(rt, 0, 1, "10.0.0.0", 24, h, &rng, &res), "192.0.2.3");
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* The key and score: the subnet alone counts, every bit of it. */
static void test_sticky_key(void **state)
{
	st_route_sticky_t s = {true, 24, 56};
	st_client_t a = fx_client("10.1.2.3", 0), b = fx_client("10.1.2.200", 0),
		    d = fx_client("10.1.3.3", 0), e = fx_client("2001:db8:0:ff::1", 0),
		    f = fx_client("2001:db8:0:1::1", 0), g = fx_client("2001:db8:0:100::1", 0);
	uint8_t p;
	assert_true(st_sticky_key(&a, &s, &p) == st_sticky_key(&b, &s, &p));
	assert_int_equal(p, 24);
	assert_true(st_sticky_key(&a, &s, &p) != st_sticky_key(&d, &s, &p));
	assert_true(st_sticky_key(&e, &s, &p) == st_sticky_key(&f, &s, &p));
	assert_int_equal(p, 56);
	assert_true(st_sticky_key(&e, &s, &p) != st_sticky_key(&g, &s, &p));
	a.source_prefix = 20;
	st_sticky_key(&a, &s, &p);
	assert_int_equal(p, 20);
	uint64_t k = st_sticky_key(&d, &s, &p);
	assert_true(st_sticky_score(k, st_sticky_seed("x"), 0) == 0);
	assert_true(st_sticky_score(k, st_sticky_seed("x"), 2) >
		    st_sticky_score(k, st_sticky_seed("x"), 1));
}

int main(void)
{
	if (access(DB("test-city.mmdb"), R_OK) != 0) {
		printf("SKIP: test databases not built (MaxMind::DB::Writer missing?)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_failover_over_geolocation),
	    cmocka_unit_test(test_weighted_over_latency),
	    cmocka_unit_test(test_each_policy_over_records),
	    cmocka_unit_test(test_cname_follows_target),
	    cmocka_unit_test(test_targets_and_explain),
	    cmocka_unit_test(test_sticky_rendezvous),
	    cmocka_unit_test(test_sticky_keeps),
	    cmocka_unit_test(test_sticky_region),
	    cmocka_unit_test(test_sticky_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
