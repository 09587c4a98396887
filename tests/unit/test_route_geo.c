/* Client location and the location-based policies: lookups in the project's
 * test databases (City IPv6 and IPv4 trees, Country + countries table) and
 * MaxMind's test databases, ECS scopes, geolocation walk-up, geoproximity
 * with bias, latency with measured overrides, dials in the client's order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_route_fixture.h"

#include "common/hash.h"
#include "route/policy.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#ifndef ROUTE_TEST_DB_DIR
#define ROUTE_TEST_DB_DIR "tests/data/geo"
#endif

#define DB(name) ROUTE_TEST_DB_DIR "/" name
#define MAXMIND(name) ST_SRCDIR "/tests/data/geo/maxmind/" name
#define COUNTRIES ST_SRCDIR "/geo/countries.csv"
#define DEG(x) ((x)*180.0 / M_PI)

static void lookup(const char *db, const char *countries, const char *addr, unsigned prefix,
		   st_geo_loc_t *loc)
{
	st_geo_t *geo = calloc(1, sizeof(*geo));
	st_diag_t d = {""};
	if (st_geo_open(geo, db, countries, &d) != 0)
		fail_msg("open %s: %s", db, d.text);
	st_client_t cl = fx_client(addr, prefix);
	st_geo_lookup(geo, &cl, ST_GEO_NEED_ALL, loc);
	st_geo_close(geo);
	free(geo);
}

/* The per-thread address cache: two databases open at once, the same
 * addresses looked up in each, in turn and again, give what a fresh open
 * of that database gives. */
static void test_lookup_cached(void **state)
{
	static const char *addrs[] = {"192.0.2.70",    "192.0.2.64",  "203.0.113.200",
				      "2001:db8:2::1", "10.1.2.3",    "2001:db8:ffff::1",
				      "198.51.100.9",  "81.2.69.160", "127.0.0.1"};
	static const char *dbs[] = {DB("test-city.mmdb"), DB("test-city4.mmdb")};
	st_geo_t *geo[2];
	for (int g = 0; g < 2; g++) {
		geo[g] = calloc(1, sizeof(*geo[g]));
		st_diag_t d = {""};
		if (st_geo_open(geo[g], dbs[g], NULL, &d) != 0)
			fail_msg("open %s: %s", dbs[g], d.text);
	}
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
			for (int g = 0; g < 2; g++) {
				st_geo_loc_t got, want;
				st_client_t cl = fx_client(addrs[i], 0);
				memset(&got, 0x5a, sizeof(got));
				st_geo_lookup(geo[g], &cl, ST_GEO_NEED_ALL, &got);
				lookup(dbs[g], NULL, addrs[i], 0, &want);
				assert_int_equal(got.found, want.found);
				assert_int_equal(got.scope, want.scope);
				assert_int_equal(got.country, want.country);
				assert_int_equal(got.continent, want.continent);
				assert_string_equal(got.subdivision, want.subdivision);
				assert_int_equal(got.has_point, want.has_point);
				if (got.has_point) {
					assert_true(got.lat == want.lat);
					assert_true(got.lon == want.lon);
				}
			}
		}
	}
	for (int g = 0; g < 2; g++) {
		st_geo_close(geo[g]);
		free(geo[g]);
	}
}

static void assert_code(uint16_t code, const char *want)
{
	char got[3] = {code ? (char)(code >> 8) : '-', code ? (char)(code & 0xff) : '-', 0};
	assert_string_equal(got, want);
}

static void test_lookup_city(void **state)
{
	st_geo_loc_t loc;
	lookup(DB("test-city.mmdb"), NULL, "192.0.2.70", 0, &loc);
	assert_true(loc.found);
	assert_code(loc.continent, "NA");
	assert_code(loc.country, "US");
	assert_string_equal(loc.subdivision, "OH");
	assert_true(loc.has_point && !loc.point_from_table);
	assert_true(fabs(DEG(loc.lat) - 39.96) < 1e-6 && fabs(DEG(loc.lon) + 83.0) < 1e-6);
	assert_int_equal(loc.scope, 26); /* IPv6 tree: 122 - 96 */

	/* ECS /24 over three networks: what they share, for the whole /24 */
	lookup(DB("test-city.mmdb"), NULL, "192.0.2.0", 24, &loc);
	assert_int_equal(loc.scope, 24);
	assert_string_equal(loc.subdivision, "");

	lookup(DB("test-city.mmdb"), NULL, "203.0.113.200", 0, &loc);
	assert_true(loc.found);
	assert_code(loc.continent, "EU");
	assert_code(loc.country, "--");
	assert_false(loc.has_point);
	assert_int_equal(loc.scope, 27);

	lookup(DB("test-city.mmdb"), NULL, "2001:db8:2::1", 0, &loc);
	assert_code(loc.country, "DE");
	assert_string_equal(loc.subdivision, "HE");
	assert_int_equal(loc.scope, 48);

	/* not in the database: the scope is the empty network's */
	lookup(DB("test-city.mmdb"), NULL, "10.1.2.3", 0, &loc);
	assert_false(loc.found);
	assert_true(loc.scope > 0 && loc.scope <= 32);
	lookup(DB("test-city.mmdb"), NULL, "2001:db8:ffff::1", 0, &loc);
	assert_false(loc.found);
	assert_true(loc.scope > 32 && loc.scope <= 48);

	/* IPv4 tree: no offset; an IPv6 client finds nothing, scope 0 */
	lookup(DB("test-city4.mmdb"), NULL, "192.0.2.70", 0, &loc);
	assert_code(loc.country, "US");
	assert_int_equal(loc.scope, 26);
	lookup(DB("test-city4.mmdb"), NULL, "2001:db8:2::1", 0, &loc);
	assert_false(loc.found);
	assert_int_equal(loc.scope, 0);
}

static void test_lookup_country(void **state)
{
	st_geo_loc_t loc;
	lookup(DB("test-country.mmdb"), NULL, "198.51.100.9", 0, &loc);
	assert_code(loc.country, "DE");
	assert_false(loc.has_point); /* no table, no point */
	lookup(DB("test-country.mmdb"), COUNTRIES, "198.51.100.9", 0, &loc);
	assert_true(loc.has_point && loc.point_from_table);
	assert_true(fabs(DEG(loc.lat) - 51) < 1e-6 && fabs(DEG(loc.lon) - 9) < 1e-6);
	assert_int_equal(loc.scope, 24);
}

static void test_lookup_maxmind(void **state)
{
	st_geo_loc_t loc;
	lookup(MAXMIND("GeoIP2-City-Test.mmdb"), COUNTRIES, "81.2.69.160", 0, &loc);
	assert_true(loc.found);
	assert_code(loc.continent, "EU");
	assert_code(loc.country, "GB");
	assert_string_equal(loc.subdivision, "ENG");
	assert_true(loc.has_point && !loc.point_from_table);
	assert_true(fabs(DEG(loc.lat) - 51.5142) < 1e-4 && fabs(DEG(loc.lon) + 0.0931) < 1e-4);
	assert_true(loc.scope >= 24 && loc.scope <= 32);

	lookup(MAXMIND("GeoLite2-City-Test.mmdb"), COUNTRIES, "216.160.83.56", 0, &loc);
	assert_code(loc.country, "US");
	assert_string_equal(loc.subdivision, "WA");
	assert_false(loc.point_from_table);

	lookup(MAXMIND("GeoLite2-City-Test.mmdb"), COUNTRIES, "2001:218::1", 0, &loc);
	assert_code(loc.country, "JP");
	assert_int_equal(loc.scope, 32);

	lookup(MAXMIND("GeoLite2-Country-Test.mmdb"), COUNTRIES, "89.160.20.112", 0, &loc);
	assert_code(loc.country, "SE");
	assert_code(loc.continent, "EU");
	assert_true(loc.has_point && loc.point_from_table);

	lookup(MAXMIND("GeoIP2-Country-Test.mmdb"), COUNTRIES, "2a02:d280::1", 0, &loc);
	assert_code(loc.country, "CZ");
	assert_true(loc.scope <= 32 && loc.scope >= 16);
}

/* A client network (ECS source prefix) wider than the database's networks
 * there: located by what they all have in common, scope = the source
 * prefix; a part the database does not know leaves nothing in common. The
 * same in the IPv6 tree (IPv4 below ::/96), the IPv4 tree and for IPv6. */
static void test_lookup_wider_than_network(void **state)
{
	static const char *dbs[] = {DB("test-city.mmdb"), DB("test-city4.mmdb")};
	st_geo_loc_t loc;
	for (int i = 0; i < 2; i++) {
		/* 192.0.2.0/25 = Ashburn US-VA /26 + Columbus US-OH /26 */
		lookup(dbs[i], COUNTRIES, "192.0.2.0", 25, &loc);
		assert_true(loc.found && loc.common);
		assert_code(loc.continent, "NA");
		assert_code(loc.country, "US");
		assert_string_equal(loc.subdivision, "");
		assert_true(loc.has_point && loc.point_from_table); /* not Ashburn's */
		assert_int_equal(loc.scope, 25);
		/* /24: Boardman US-OR /25 too */
		lookup(dbs[i], NULL, "192.0.2.0", 24, &loc);
		assert_true(loc.found);
		assert_code(loc.country, "US");
		assert_false(loc.has_point);
		assert_int_equal(loc.scope, 24);
		/* 203.0.113.0/24: Tokyo (AS) and London (EU): nothing in common */
		lookup(dbs[i], COUNTRIES, "203.0.113.0", 24, &loc);
		assert_false(loc.found);
		assert_int_equal(loc.scope, 24);
		/* 203.0.113.128/25: London, an EU network without country, and a
		 * part not in the database: nothing in common */
		lookup(dbs[i], COUNTRIES, "203.0.113.128", 25, &loc);
		assert_false(loc.found);
		assert_int_equal(loc.scope, 25);
		/* 203.0.113.128/26 is one network: as before */
		lookup(dbs[i], COUNTRIES, "203.0.113.128", 26, &loc);
		assert_true(loc.found && !loc.common);
		assert_string_equal(loc.subdivision, "ENG");
		assert_int_equal(loc.scope, 26);
		/* a source prefix longer than the network: the network's scope */
		lookup(dbs[i], COUNTRIES, "198.51.100.0", 28, &loc);
		assert_true(loc.found && !loc.common);
		assert_int_equal(loc.scope, 24);
		/* 127.0.0.0/22: a /24 not in the database beside BR, AU, FR */
		lookup(dbs[i], COUNTRIES, "127.0.0.0", 22, &loc);
		assert_false(loc.found);
		assert_int_equal(loc.scope, 22);
		/* 127.0.2.0/23: AU (OC) and FR (EU) */
		lookup(dbs[i], COUNTRIES, "127.0.2.0", 23, &loc);
		assert_false(loc.found);
		assert_int_equal(loc.scope, 23);
	}
	/* IPv6: 2001:db8::/46 holds the US, DE and JP /48s and unknown space */
	lookup(DB("test-city.mmdb"), COUNTRIES, "2001:db8::", 46, &loc);
	assert_false(loc.found);
	assert_int_equal(loc.scope, 46);
	lookup(DB("test-city.mmdb"), COUNTRIES, "2001:db8:2::", 48, &loc);
	assert_true(loc.found && !loc.common);
	assert_code(loc.country, "DE");
	assert_int_equal(loc.scope, 48);
	/* the per-thread cache keys on the prefix too: the /26 after the /25 */
	lookup(DB("test-city.mmdb"), COUNTRIES, "192.0.2.0", 25, &loc);
	assert_string_equal(loc.subdivision, "");
	lookup(DB("test-city.mmdb"), COUNTRIES, "192.0.2.0", 26, &loc);
	assert_string_equal(loc.subdivision, "VA");
}

/* us-east-1, us-east-2, eu-central-1, ap-northeast-1 with one endpoint each. */
static st_conf_t *world(const char *db)
{
	st_conf_t *c = fx_conf();
	c->geo_database = strdup(db);
	c->geo_coordinates = strdup(COUNTRIES);
	uint32_t r[4];
	r[0] = fx_region(c, "us-east-1", 39.04, -77.49);
	r[1] = fx_region(c, "us-east-2", 39.96, -83.00);
	r[2] = fx_region(c, "eu-central-1", 50.11, 8.68);
	r[3] = fx_region(c, "ap-northeast-1", 35.68, 139.69);
	fx_endpoint(c, r[0], "use1", "192.0.2.1", "2001:db8:a::1", 1);
	fx_endpoint(c, r[1], "use2", "192.0.2.2", "2001:db8:a::2", 1);
	fx_endpoint(c, r[2], "euc1", "192.0.2.3", "2001:db8:a::3", 1);
	fx_endpoint(c, r[3], "apne1", "192.0.2.4", "2001:db8:a::4", 1);
	return c;
}

static void test_geolocation(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	st_conf_record_t *r = fx_record(c, "geo.example.test.", 1, ST_POLICY_GEOLOCATION);
	fx_map(r, "default", 0);
	fx_map(r, "country:US", 0);
	fx_map(r, "continent:EU", 2);
	fx_map(r, "subdivision:US-OH", 1);
	r = fx_record(c, "nodef.example.test.", 1, ST_POLICY_GEOLOCATION);
	fx_map(r, "continent:EU", 2);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	uint64_t rng = 1;
	st_route_result_t res;
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.70", 0, h, &rng, &res), "192.0.2.2");
	assert_int_equal(res.scope, 26);
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.64", 26, h, &rng, &res), "192.0.2.2");
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.1", 0, h, &rng, &res), "192.0.2.1");
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.1", 24, h, &rng, &res), "192.0.2.3");
	assert_int_equal(res.scope, 24);
	/* continent-only record and a country without an entry */
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.200", 0, h, &rng, &res), "192.0.2.3");
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.1", 0, h, &rng, &res), "192.0.2.1");
	/* not in the database: default */
	assert_string_equal(fx_first(rt, 0, 1, "10.0.0.1", 0, h, &rng, &res), "192.0.2.1");
	/* walk up past unhealthy regions: subdivision -> country */
	fx_down(h, c, "use2");
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.70", 0, h, &rng, &res), "192.0.2.1");
	/* EU region down: continent -> default */
	fx_down(h, c, "euc1");
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.1", 0, h, &rng, &res), "192.0.2.1");
	/* no default, no match: NODATA (still client-specific) */
	fx_first(rt, 1, 1, "192.0.2.70", 0, h, &rng, &res);
	assert_int_equal(res.action, ST_ROUTE_NODATA);
	assert_int_equal(res.scope, 26);
	/* only match down: Route 53 answers it anyway */
	assert_string_equal(fx_first(rt, 1, 1, "198.51.100.1", 0, h, &rng, &res), "192.0.2.3");
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* The location-based policies under an ECS source prefix wider than the
 * database's networks: decided on what the whole client network has in
 * common (its country), never on one of its networks; and for random
 * client networks, every network of the same length inside the answer's
 * scope gets the same answer, the scope never past the source prefix. */
static void test_location_wider_than_network(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	st_conf_record_t *r = fx_record(c, "geo.example.test.", 1, ST_POLICY_GEOLOCATION);
	fx_map(r, "subdivision:US-OH", 1);
	fx_map(r, "country:US", 3);
	fx_map(r, "continent:EU", 2);
	fx_map(r, "default", 0);
	fx_regions(fx_record(c, "lat.example.test.", 1, ST_POLICY_LATENCY), 4, 0u, 1u, 2u, 3u);
	fx_regions(fx_record(c, "near.example.test.", 1, ST_POLICY_GEOPROXIMITY), 4, 0u, 1u, 2u,
		   3u);
	st_route_t *rt = fx_route(c);
	uint64_t rng = 1;
	st_route_result_t res;
	/* 192.0.2.64/26 is Columbus (US-OH): us-east-2, scope 26 */
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.64", 26, NULL, &rng, &res), "192.0.2.2");
	assert_int_equal(res.scope, 26);
	/* 192.0.2.0/25 is Ashburn and Columbus: country US, not US-OH */
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.0", 25, NULL, &rng, &res), "192.0.2.4");
	assert_int_equal(res.scope, 25);
	/* 198.51.100.0/23: Frankfurt /24 and a /24 not in the database: default */
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.0", 23, NULL, &rng, &res),
			    "192.0.2.1");
	assert_int_equal(res.scope, 23);
	/* latency and geoproximity from the country's centre, the same for
	 * the whole /25 (the US centre is nearest us-east-2) */
	for (size_t rec = 1; rec <= 2; rec++) {
		assert_string_equal(fx_first(rt, rec, 1, "192.0.2.0", 25, NULL, &rng, &res),
				    "192.0.2.2");
		assert_int_equal(res.scope, 25);
		/* a /26 of Ashburn alone: us-east-1 */
		assert_string_equal(fx_first(rt, rec, 1, "192.0.2.0", 26, NULL, &rng, &res),
				    "192.0.2.1");
		assert_int_equal(res.scope, 26);
	}

	static const uint32_t bases[] = {0xc0000200u, 0xcb007100u, 0x7f000000u, 0xc6336400u};
	uint64_t seed = 0x6e0;
	for (size_t rec = 0; rec < 3; rec++) {
		for (int q = 0; q < 300; q++) {
			unsigned p = 20 + (unsigned)(st_splitmix64(&seed) % 13);
			uint32_t a = bases[st_splitmix64(&seed) % 4] |
				     ((uint32_t)st_splitmix64(&seed) & 0x3ffu);
			fx_scope_holds(rt, rec, a & ~0u << (32 - p), p, 8, &seed);
		}
	}
	st_route_free(rt);
	st_conf_free(c);
}

static void test_geoproximity_bias(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	fx_regions(fx_record(c, "near.example.test.", 1, ST_POLICY_GEOPROXIMITY), 4, 0u, 1u, 2u,
		   3u);
	st_route_t *rt = fx_route(c);
	uint64_t rng = 1;
	st_route_result_t res;
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.70", 0, NULL, &rng, &res), "192.0.2.2");
	assert_int_equal(res.scope, 26);
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.1", 0, NULL, &rng, &res), "192.0.2.1");
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.130", 0, NULL, &rng, &res), "192.0.2.3");
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.1", 0, NULL, &rng, &res), "192.0.2.4");
	/* Sao Paulo: nearest is us-east-1 (~7,600 km) */
	assert_string_equal(fx_first(rt, 0, 1, "127.0.1.1", 0, NULL, &rng, &res), "192.0.2.1");
	/* IPv6 client */
	assert_string_equal(fx_first(rt, 0, 1, "2001:db8:3::9", 0, NULL, &rng, &res), "192.0.2.4");
	assert_int_equal(res.scope, 48);
	/* Boardman: us-east-2 ~3,020 km, us-east-1 ~3,500 km; a +20 bias on
	 * us-east-1 makes that 2,800 km */
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.130", 0, NULL, &rng, &res), "192.0.2.2");
	st_route_free(rt);
	c->regions[0].bias = 20;
	rt = fx_route(c);
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.130", 0, NULL, &rng, &res), "192.0.2.1");
	st_route_free(rt);
	/* eu-central-1 bias -90: London -> Frankfurt 640 km counts 6,400 km,
	 * more than London -> Ashburn (5,900 km) */
	c->regions[0].bias = 0;
	c->regions[2].bias = -90;
	rt = fx_route(c);
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.130", 0, NULL, &rng, &res), "192.0.2.1");
	c->regions[2].bias = -80; /* 3,200 km: Frankfurt again */
	st_route_free(rt);
	rt = fx_route(c);
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.130", 0, NULL, &rng, &res), "192.0.2.3");
	st_route_free(rt);
	st_conf_free(c);
}

static void test_latency_overrides(void **state)
{
	char path[] = "/tmp/steer-latency-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *yaml = "# measured\n"
			   "\"country:US\": { us-east-1: 30, us-east-2: 40 }\n"
			   "\"continent:EU\":\n"
			   "  us-east-1: 2\n";
	assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
	close(fd);

	st_conf_t *c = world(DB("test-country.mmdb"));
	fx_regions(fx_record(c, "lat.example.test.", 1, ST_POLICY_LATENCY), 4, 0u, 1u, 2u, 3u);
	st_route_t *rt = fx_route(c);
	uint64_t rng = 1;
	st_route_result_t res;
	/* Country database: every US client sits on the US centre (Kansas),
	 * nearer us-east-2 than us-east-1 */
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.1", 0, NULL, &rng, &res), "192.0.2.2");
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.1", 0, NULL, &rng, &res), "192.0.2.3");
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.1", 0, NULL, &rng, &res), "192.0.2.4");
	st_route_free(rt);

	c->geo_latency = strdup(path);
	rt = fx_route(c);
	assert_string_equal(fx_first(rt, 0, 1, "192.0.2.1", 0, NULL, &rng, &res), "192.0.2.1");
	/* continent row: Europe 'measured' 2 ms to us-east-1 (made up; it beats the
	 * 3.5 ms estimate from Germany's centre to Frankfurt) */
	assert_string_equal(fx_first(rt, 0, 1, "198.51.100.1", 0, NULL, &rng, &res), "192.0.2.1");
	/* no row for JP/AS: the estimate */
	assert_string_equal(fx_first(rt, 0, 1, "203.0.113.1", 0, NULL, &rng, &res), "192.0.2.4");
	char buf[4096];
	st_client_t cl = fx_client("192.0.2.0", 24);
	st_route_explain(rt, fx_handle(rt, 0), 1, &cl, NULL, 0x5eed, buf, sizeof(buf));
	assert_non_null(strstr(buf, "measured RTT"));
	assert_non_null(strstr(buf, "30.0 ms"));
	st_route_free(rt);

	/* an unknown region in the table: file:line */
	FILE *f = fopen(path, "w");
	fputs("\"country:US\": { us-east-1: 30 }\n\"country:DE\": { mars-1: 3 }\n", f);
	fclose(f);
	st_diag_t d = {""};
	assert_int_equal(st_route_new(c, &rt, &d), ST_ECONF);
	assert_non_null(strstr(d.text, ":2: 'mars-1' is not a region"));
	f = fopen(path, "w");
	fputs("\"planet:EARTH\": { us-east-1: 30 }\n", f);
	fclose(f);
	assert_int_equal(st_route_new(c, &rt, &d), ST_ECONF);
	assert_non_null(strstr(d.text, ":1: key 'planet:EARTH'"));
	/* codes no database returns would be rows that never apply */
	f = fopen(path, "w");
	fputs("\"country:US\": { us-east-1: 30 }\n\"country:UK\": { us-east-1: 80 }\n", f);
	fclose(f);
	assert_int_equal(st_route_new(c, &rt, &d), ST_ECONF);
	assert_non_null(strstr(d.text, ":2: key 'country:UK': UK is not an ISO 3166-1 country "
				       "code, so no client ever matches it; did you mean GB?"));
	f = fopen(path, "w");
	fputs("\"continent:XX\": { us-east-1: 30 }\n", f);
	fclose(f);
	assert_int_equal(st_route_new(c, &rt, &d), ST_ECONF);
	assert_non_null(strstr(d.text, ":1: key 'continent:XX': continent codes are AF, AN"));
	unlink(path);
	st_conf_free(c);
}

static void test_dial_in_client_order(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	fx_regions(fx_record(c, "lat.example.test.", 1, ST_POLICY_LATENCY), 4, 0u, 1u, 2u, 3u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	assert_int_equal(st_route_set_dial(rt, 1, 70), 0); /* us-east-2 keeps 70% */
	uint64_t rng = 99;
	unsigned n[5] = {0};
	for (int i = 0; i < 10000; i++) {
		st_route_result_t res;
		fx_first(rt, 0, 1, "192.0.2.70", 0, h, &rng, &res); /* Columbus */
		n[res.addrs[0][3]]++;
	}
	/* the spill goes to the next in this client's order: us-east-1 */
	assert_true(fabs(n[2] / 100.0 - 70) <= 2);
	assert_true(fabs(n[1] / 100.0 - 30) <= 2);
	assert_int_equal(n[3] + n[4], 0);
	/* Ashburn clients never reach us-east-2's dial: all to us-east-1 */
	for (int i = 0; i < 1000; i++) {
		st_route_result_t res;
		assert_string_equal(fx_first(rt, 0, 1, "192.0.2.1", 0, h, &rng, &res), "192.0.2.1");
	}
	/* us-east-1 down: Columbus spill goes on to Frankfurt */
	fx_down(h, c, "use1");
	memset(n, 0, sizeof(n));
	for (int i = 0; i < 10000; i++) {
		st_route_result_t res;
		fx_first(rt, 0, 1, "192.0.2.70", 0, h, &rng, &res);
		n[res.addrs[0][3]]++;
	}
	assert_int_equal(n[1], 0);
	assert_true(fabs(n[3] / 100.0 - 30) <= 2);
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

static void test_scope_zero_when_not_client_specific(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	st_conf_record_t *r = fx_record(c, "w.example.test.", 1, ST_POLICY_WEIGHTED);
	fx_weight(c, r, "us-east-1", 1);
	fx_regions(fx_record(c, "f.example.test.", 1, ST_POLICY_FAILOVER), 2, 0u, 1u);
	fx_regions(fx_record(c, "m.example.test.", 1, ST_POLICY_MULTIVALUE), 2, 0u, 1u);
	fx_regions(fx_record(c, "s.example.test.", 1, ST_POLICY_SIMPLE), 2, 0u, 1u);
	st_route_t *rt = fx_route(c);
	uint64_t rng = 1;
	for (size_t i = 0; i < 4; i++) {
		st_route_result_t res;
		fx_first(rt, i, 1, "192.0.2.70", 24, NULL, &rng, &res);
		assert_int_equal(res.action, ST_ROUTE_ANSWER);
		assert_int_equal(res.scope, 0);
	}
	st_route_free(rt);
	st_conf_free(c);
}

static void test_explain_geo(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	fx_regions(fx_record(c, "near.example.test.", 1, ST_POLICY_GEOPROXIMITY), 3, 0u, 1u, 2u);
	st_route_t *rt = fx_route(c);
	st_health_t *h = fx_health(c);
	fx_down(h, c, "use2");
	char buf[4096];
	st_client_t cl = fx_client("192.0.2.77", 0);
	assert_int_equal(
	    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, 0x5eed, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "client 192.0.2.77/32 (EDNS client subnet)"));
	assert_non_null(strstr(buf, "location: continent NA, country US, subdivision OH, point "
				    "39.9600,-83.0000 (database), network 192.0.2.64/26"));
	assert_non_null(strstr(buf, "us-east-2: 0/1 endpoints up (use2 forced down)"));
	assert_non_null(strstr(buf, "answer: A 192.0.2.1 (us-east-1/use1), ttl 20\n"));
	/* the same from the source address (no ECS, or ECS /0): the scope
	 * is 0, since no client subnet decided */
	cl.from_ecs = false;
	assert_int_equal(
	    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, 0x5eed, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "client 192.0.2.77/32 (source address)"));
	assert_non_null(strstr(buf, "network 192.0.2.64/26"));
	assert_non_null(strstr(buf, "answer: A 192.0.2.1 (us-east-1/use1), ttl 20\n"));
	uint64_t rng = 1;
	st_route_result_t res;
	assert_int_equal(st_route_resolve(rt, fx_handle(rt, 0), 1, &cl, h, &rng, &res), 0);
	assert_int_equal(res.scope, 0);
	/* an ECS network wider than the database's: what they share */
	cl = fx_client("192.0.2.0", 25);
	assert_int_equal(
	    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, 0x5eed, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "location: continent NA, country US, subdivision -, point "));
	assert_non_null(strstr(buf, "(country centre), what every network inside the client's "
				    "network has in common: 192.0.2.0/25"));
	cl = fx_client("203.0.113.0", 24);
	assert_int_equal(
	    st_route_explain(rt, fx_handle(rt, 0), 1, &cl, h, 0x5eed, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "location: none (the database's networks inside the client's "
				    "203.0.113.0/24 share nothing"));
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(c);
}

/* Workers share the decoded-record cache without locks: with one slot, two
 * threads asking for different records fight over it all the time, and
 * every answer must still be right (a torn slot is a miss, never data). */
typedef struct race {
	const st_route_t *rt;
	int id;
	int wrong;
} race_t;

static void *race_worker(void *arg)
{
	race_t *r = arg;
	static const char *const clients[] = {"192.0.2.70", "198.51.100.1", "203.0.113.1",
					      "203.0.113.130"};
	static const char *const want[] = {"192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.3"};
	st_client_t cl[4];
	for (int i = 0; i < 4; i++)
		cl[i] = fx_client(clients[i], 0);
	uint64_t rng = (uint64_t)r->id;
	st_route_record_info_t info;
	st_route_record_info(r->rt, 0, &info);
	for (int i = 0; i < 40000; i++) {
		int k = (i + r->id) & 3;
		st_route_result_t res;
		st_route_resolve(r->rt, info.handle, 1, &cl[k], NULL, &rng, &res);
		char buf[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET, res.addrs[0], buf, sizeof(buf));
		if (res.n != 1 || strcmp(buf, want[k]) != 0)
			r->wrong++;
	}
	return NULL;
}

static void test_cache_race(void **state)
{
	st_conf_t *c = world(DB("test-city.mmdb"));
	fx_regions(fx_record(c, "near.example.test.", 1, ST_POLICY_GEOPROXIMITY), 4, 0u, 1u, 2u,
		   3u);
	st_route_t *rt = fx_route(c);
	rt->geo.cache_mask = 0;
	pthread_t t[3];
	race_t r[3];
	for (int i = 0; i < 3; i++) {
		r[i] = (race_t){.rt = rt, .id = i};
		assert_int_equal(pthread_create(&t[i], NULL, race_worker, &r[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].wrong, 0);
	}
	st_route_free(rt);
	st_conf_free(c);
}

int main(void)
{
	if (access(DB("test-city.mmdb"), R_OK) != 0 || access(DB("test-country.mmdb"), R_OK) != 0 ||
	    access(DB("test-city4.mmdb"), R_OK) != 0) {
		printf("SKIP: test databases not built (MaxMind::DB::Writer missing?)\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup_city),
	    cmocka_unit_test(test_lookup_cached),
	    cmocka_unit_test(test_lookup_country),
	    cmocka_unit_test(test_lookup_maxmind),
	    cmocka_unit_test(test_lookup_wider_than_network),
	    cmocka_unit_test(test_geolocation),
	    cmocka_unit_test(test_location_wider_than_network),
	    cmocka_unit_test(test_geoproximity_bias),
	    cmocka_unit_test(test_latency_overrides),
	    cmocka_unit_test(test_dial_in_client_order),
	    cmocka_unit_test(test_scope_zero_when_not_client_specific),
	    cmocka_unit_test(test_explain_geo),
	    cmocka_unit_test(test_cache_race),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
