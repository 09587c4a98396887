/* The Route 53 import: the fixtures of tests/data/route53 (every routing
 * policy, aliases in and out of the zone, each health check kind, sets that
 * cannot be converted) converted and the output loaded back through the
 * config loader, checked field by field; region naming, clean inputs and
 * inputs that are not Route 53 listings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/log.h"
#include "conf/conf.h"
#include "import/route53.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static char *slurp(const char *dir, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot open", path);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static void write_file(const char *name, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int import(const char *records, const char *checks, const char *cidr, const char *out,
		  st_buf_t *report, st_diag_t *diag)
{
	const char *blocks[1] = {cidr};
	st_r53_opts_t o = {.zone = "Example.Test",
			   .records = records,
			   .health_checks = checks,
			   .cidr_blocks = blocks,
			   .n_cidr_blocks = cidr ? 1 : 0,
			   .out = out};
	st_r53_stats_t stats;
	st_diag_clear(diag);
	return st_r53_import(&o, report, &stats, diag);
}

/* Import records given as JSON text (no health checks) into tmpdir/OUT. */
static int import_text(const char *json, const char *out_name, char *out, size_t out_len,
		       st_buf_t *report, st_diag_t *diag)
{
	char records[128], checks[128];
	write_file("in.json", json);
	write_file("none.json", "{\"HealthChecks\": []}");
	snprintf(records, sizeof(records), "%s/in.json", tmpdir);
	snprintf(checks, sizeof(checks), "%s/none.json", tmpdir);
	snprintf(out, out_len, "%s/%s", tmpdir, out_name);
	return import(records, checks, NULL, out, report, diag);
}

static st_conf_t *load_out(const char *out)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/steerd.yaml", out);
	st_conf_t *c = NULL;
	st_diag_t d;
	if (st_conf_load(path, &c, &d) != 0)
		fail_msg("%s", d.text);
	return c;
}

static const st_conf_record_t *record(const st_conf_t *c, const char *owner, uint16_t type)
{
	for (size_t i = 0; i < c->n_records; i++)
		if (!strcmp(c->records[i].owner, owner) && c->records[i].type == type)
			return &c->records[i];
	fail_msg("no record %s type %u", owner, type);
	return NULL;
}

static const st_conf_region_t *region(const st_conf_t *c, const char *name)
{
	uint32_t i = st_conf_region_index(c, name);
	if (i == ST_CONF_NONE)
		fail_msg("no region %s", name);
	return &c->regions[i];
}

static const st_conf_endpoint_t *endpoint(const st_conf_t *c, const char *name)
{
	uint32_t i = st_conf_endpoint_index(c, name);
	if (i == ST_CONF_NONE)
		fail_msg("no endpoint %s", name);
	return &c->endpoints[i];
}

static const st_conf_check_t *check(const st_conf_t *c, const char *id)
{
	char name[64];
	snprintf(name, sizeof(name), "hc-%s", id);
	for (size_t i = 0; i < c->n_checks; i++)
		if (!strcmp(c->checks[i].name, name))
			return &c->checks[i];
	fail_msg("no check %s", name);
	return NULL;
}

static const char *region_of(const st_conf_t *c, uint32_t i)
{
	return c->regions[i].name;
}

static void assert_contains(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("'%s' not in:\n%s", what, text);
}

static int count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static void test_fixtures(void **state)
{
	(void)state;
	char out[128];
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	st_buf_t report;
	st_buf_init(&report);
	st_diag_t d;
	int rc = import(ST_SRCDIR "/tests/data/route53/records.json",
			ST_SRCDIR "/tests/data/route53/health-checks.json",
			ST_SRCDIR "/tests/data/route53/cidr-blocks.json", out, &report, &d);
	if (rc < 0)
		fail_msg("%s", d.text);
	assert_int_equal(rc, 1);
	const char *r = report.data;
	/* every set or check that cannot be converted, with its reason */
	assert_contains(r, "not converted: typo.example.test. A: value '300.1.2.3'");
	assert_contains(r, "not converted: geo.example.test. A [geo-uk]: GeoLocation country:UK");
	assert_contains(r, "did you mean GB?");
	assert_contains(r, "not converted: lat.example.test. A [moon]: Region moon-base-1");
	assert_contains(r, "not converted: txt.example.test. TXT [txt-a]: steerd routes A, AAAA");
	assert_contains(r, "not converted: example.test. AAAA: an alias at the zone apex");
	assert_contains(r, "not converted: health check 11111111-1111-1111-1111-000000000009: a "
			   "CLOUDWATCH_METRIC check");
	assert_int_equal(count(r, "not converted: "), 6);
	assert_contains(r, "warning: cdn.example.test. A: alias to d111111abcdef8.cloudfront.net. "
			   "outside the zone");

	assert_contains(r, "warning: near.example.test. A [gp-west]: Local Zone Group "
			   "us-west-2-lax-1 placed at its parent region us-west-2");
	/* the report file holds the same */
	assert_string_equal(slurp(out, ST_R53_REPORT), r);

	/* the zone file: static data, aliases as copies or CNAMEs */
	const char *z = slurp(out, "example.test.zone");
	assert_contains(z, "\nexample.test. 900 IN SOA ns-1.awsdns-01.org. ");
	assert_contains(z, "\nexample.test. 3600 IN MX 10 mail.example.test.\n");
	assert_contains(z, "\n*.wild.example.test. 60 IN A 192.0.2.99\n");
	assert_contains(z, "\nshop.example.test. 300 IN A 192.0.2.1\n");
	assert_null(strstr(z, "store.example.test."));
	assert_int_equal(count(z, "cdn.example.test. 60 IN CNAME d111111abcdef8.cloudfront.net.\n"),
			 1);
	assert_null(strstr(z, "typo"));
	assert_null(strstr(z, "elb.amazonaws.com"));

	st_conf_t *c = load_out(out);
	/* weighted, A and AAAA merged, weight 0 kept */
	const st_conf_record_t *www = record(c, "www.example.test.", 1);
	record(c, "www.example.test.", 28);
	assert_int_equal(www->policy, ST_POLICY_WEIGHTED);
	assert_int_equal(www->ttl, 20);
	assert_int_equal(www->n_weights, 3);
	assert_string_equal(www->weights[0].name, "blue");
	assert_int_equal(www->weights[0].weight, 3);
	assert_string_equal(www->weights[1].name, "dark");
	assert_int_equal(www->weights[1].weight, 0);
	const st_conf_endpoint_t *blue = endpoint(c, "blue-1");
	uint8_t a4[4], a6[16];
	inet_pton(AF_INET, "192.0.2.11", a4);
	inet_pton(AF_INET6, "2001:db8::11", a6);
	assert_true(blue->has_v4 && blue->has_v6);
	assert_memory_equal(blue->addr4, a4, 4);
	assert_memory_equal(blue->addr6, a6, 16);
	assert_string_equal(blue->check_target, "127.0.0.1:18080");
	assert_string_equal(c->checks[blue->check].name, "hc-11111111-1111-1111-1111-000000000001");
	assert_int_equal(region(c, "blue")->select, ST_SELECT_ALL);
	assert_int_equal(endpoint(c, "green-1")->check, ST_CONF_NONE);

	/* failover: the primary first */
	const st_conf_record_t *api = record(c, "api.example.test.", 1);
	assert_int_equal(api->policy, ST_POLICY_FAILOVER);
	assert_int_equal(api->n_regions, 2);
	assert_string_equal(region_of(c, api->regions[0]), "api-primary");
	assert_string_equal(region_of(c, api->regions[1]), "api-secondary");

	/* multivalue */
	const st_conf_record_t *multi = record(c, "multi.example.test.", 1);
	assert_int_equal(multi->policy, ST_POLICY_MULTIVALUE);
	assert_int_equal(multi->n_regions, 3);

	/* geolocation: continent, country, subdivision, default */
	const st_conf_record_t *geo = record(c, "geo.example.test.", 1);
	assert_int_equal(geo->policy, ST_POLICY_GEOLOCATION);
	assert_int_equal(geo->n_map, 4);
	assert_string_equal(geo->map[0].key.text, "continent:EU");
	assert_string_equal(geo->map[2].key.text, "subdivision:US-OH");
	assert_string_equal(region_of(c, geo->map[2].region), "geo-us-oh");
	assert_string_equal(geo->map[3].key.text, "default");

	/* latency: each AWS region at its metro area */
	const st_conf_record_t *lat = record(c, "lat.example.test.", 1);
	assert_int_equal(lat->policy, ST_POLICY_LATENCY);
	assert_int_equal(lat->n_regions, 3);
	const st_conf_region_t *apne1 = region(c, "apne1");
	assert_true(apne1->has_location);
	assert_true(apne1->lat > 35.6 && apne1->lat < 35.7 && apne1->lon > 139.6 &&
		    apne1->lon < 139.7);

	/* geoproximity: coordinates, AWS region, Local Zone Group; bias */
	const st_conf_record_t *near = record(c, "near.example.test.", 1);
	assert_int_equal(near->policy, ST_POLICY_GEOPROXIMITY);
	assert_int_equal(region(c, "gp-frankfurt")->bias, 10);
	assert_true(region(c, "gp-frankfurt")->lat > 50.1);
	assert_int_equal(region(c, "gp-west")->bias, -5);
	assert_true(region(c, "gp-west")->lon < -119.6 && region(c, "gp-west")->lon > -119.8);
	assert_true(region(c, "gp-east")->lat > 38.8 && region(c, "gp-east")->lat < 39.1);

	/* IP-based: the blocks of each location, "*" as the default */
	const st_conf_record_t *office = record(c, "office.example.test.", 1);
	assert_int_equal(office->policy, ST_POLICY_CIDR);
	assert_int_equal(office->n_map, 4);
	assert_string_equal(office->map[1].key.text, "2001:db8:100::/48");
	assert_string_equal(region_of(c, office->map[1].region), "office");
	assert_string_equal(office->map[3].key.text, "default");

	/* aliases to routed records of the zone: records over them */
	const st_conf_record_t *store = record(c, "store.example.test.", 1);
	assert_int_equal(store->policy, ST_POLICY_SIMPLE);
	assert_int_equal(store->n_regions, 1);
	assert_true(st_conf_is_record(store->regions[0]));
	assert_ptr_equal(&c->records[store->regions[0] & ~ST_CONF_RECORD], www);
	const st_conf_record_t *mix = record(c, "mix.example.test.", 1);
	assert_int_equal(mix->policy, ST_POLICY_WEIGHTED);
	assert_int_equal(mix->n_weights, 2);
	assert_string_equal(mix->weights[0].name, "@geo.example.test.");
	assert_string_equal(mix->weights[1].name, "mix-local");

	/* weighted aliases to load balancers: a CNAME record */
	const st_conf_record_t *lb = record(c, "lb.example.test.", 5);
	assert_int_equal(lb->policy, ST_POLICY_WEIGHTED);
	assert_string_equal(endpoint(c, "lb-use1-1")->cname,
			    "web-use1-111.us-east-1.elb.amazonaws.com.");

	/* health checks of each kind */
	const st_conf_check_t *h = check(c, "11111111-1111-1111-1111-000000000001");
	assert_int_equal(h->type, ST_CHECK_HTTP);
	assert_int_equal(h->port, 18080);
	assert_string_equal(h->path, "/health");
	assert_string_equal(h->host, "blue.example.test");
	assert_string_equal(h->expect_body, "OK");
	assert_int_equal(h->interval_ms, 10000);
	assert_int_equal(h->timeout_ms, 6000);
	assert_int_equal(h->rise, 1);
	assert_int_equal(h->fall, 1);
	h = check(c, "11111111-1111-1111-1111-000000000002");
	assert_int_equal(h->type, ST_CHECK_TCP);
	assert_int_equal(h->port, 18081);
	assert_int_equal(h->timeout_ms, 9000);
	h = check(c, "11111111-1111-1111-1111-000000000006");
	assert_int_equal(h->type, ST_CHECK_HTTPS);
	assert_int_equal(h->port, 443);
	assert_false(h->tls_verify);
	assert_null(h->expect_body);
	assert_int_equal(h->interval_ms, 30000);
	assert_int_equal(h->rise, 3);
	assert_null(endpoint(c, "web-https-1")->check_target); /* FQDN only: own address */
	h = check(c, "11111111-1111-1111-1111-000000000007");
	assert_int_equal(h->type, ST_CHECK_HTTPS);
	assert_string_equal(h->expect_body, "\"status\": \"up\"");
	assert_string_equal(h->path, "/status?full=1");
	assert_string_equal(endpoint(c, "web-https-str-1")->check_target, "[2001:db8::443]:8443");
	/* CALCULATED (children 2 and 3, HealthThreshold 1): the children are the
	 * endpoint's checks, each probing its own address (target:) */
	const st_conf_endpoint_t *calc = endpoint(c, "calc-a-1");
	assert_int_equal(calc->n_checks, 2);
	assert_string_equal(c->checks[calc->checks[0]].name,
			    "hc-11111111-1111-1111-1111-000000000002");
	assert_string_equal(c->checks[calc->checks[1]].name,
			    "hc-11111111-1111-1111-1111-000000000003");
	assert_int_equal(calc->healthy_when, 1);
	assert_null(calc->check_target);
	assert_string_equal(check(c, "11111111-1111-1111-1111-000000000002")->target,
			    "127.0.0.1:18081");
	assert_string_equal(check(c, "11111111-1111-1111-1111-000000000003")->target,
			    "127.0.0.1:18080");
	/* inverted */
	h = &c->checks[endpoint(c, "web-inverted-1")->check];
	assert_string_equal(h->name, "hc-11111111-1111-1111-1111-000000000010");
	assert_true(h->invert);
	assert_false(check(c, "11111111-1111-1111-1111-000000000002")->invert);
	assert_int_equal(c->n_checks, 8);
	st_conf_free(c);
	st_buf_free(&report);
}

/* CALCULATED health checks: the children become the endpoint's checks with
 * healthy_when: HealthThreshold, each child probing its own address
 * (target:); what steerd cannot express is reported with the reason. */
static void test_calculated(void **state)
{
	(void)state;
	static const char *const ids[] = {"c-ok",      "c-inv",	 "c-zero",  "c-many",
					  "c-missing", "c-fqdn", "c-nested"};
	char recs[4096] = "{\"ResourceRecordSets\": ["
			  "{\"Name\": \"example.test.\", \"Type\": \"SOA\", \"TTL\": 900, "
			  "\"ResourceRecords\": [{\"Value\": \"ns1.example.test. h.example.test. 7 "
			  "1 1 1 1\"}]},"
			  "{\"Name\": \"example.test.\", \"Type\": \"NS\", \"TTL\": 900, "
			  "\"ResourceRecords\": [{\"Value\": \"ns1.example.test\"}]}";
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		size_t n = strlen(recs);
		snprintf(recs + n, sizeof(recs) - n,
			 ",{\"Name\": \"w.example.test.\", \"Type\": \"A\", \"SetIdentifier\": "
			 "\"%s\", \"Weight\": 1, \"TTL\": 60, \"ResourceRecords\": [{\"Value\": "
			 "\"192.0.2.%zu\"}], \"HealthCheckId\": \"%s\"}",
			 ids[i], i + 1, ids[i]);
	}
	strcat(recs, "]}");
	write_file("calc-records.json", recs);
#define CALC(id, extra)                                                                            \
	"{\"Id\": \"" id "\", \"HealthCheckConfig\": {\"Type\": \"CALCULATED\", " extra "}}"
	write_file("calc-checks.json",
		   "{\"HealthChecks\": ["
		   "{\"Id\": \"k1\", \"HealthCheckConfig\": {\"Type\": \"HTTP\", \"IPAddress\": "
		   "\"192.0.2.70\", \"Port\": 80, \"ResourcePath\": \"/hc\"}},"
		   "{\"Id\": \"k2\", \"HealthCheckConfig\": {\"Type\": \"TCP\", \"IPAddress\": "
		   "\"2001:db8::7\", \"Port\": 5432}},"
		   "{\"Id\": \"kf\", \"HealthCheckConfig\": {\"Type\": \"HTTP\", "
		   "\"FullyQualifiedDomainName\": \"db.example.net\"}}," CALC("c-ok", "\"HealthThre"
										      "shold\": 2, "
										      "\"ChildHealt"
										      "hChecks\": "
										      "[\"k1\", "
										      "\"k2\"]") "," CALC(
		       "c-inv",
		       "\"Inverted\": true, \"HealthThreshold\": 1, \"ChildHealthChecks\": "
		       "[\"k1\"]") "," CALC("c-zero",
					    "\"HealthThreshold\": 0, \"ChildHealthChecks\": "
					    "[\"k1\"]") "," CALC("c-many",
								 "\"HealthThreshold\": 3, "
								 "\"ChildHealthChecks\": [\"k1\", "
								 "\"k2\"]") "," CALC("c-missing",
										     "\"HealthThres"
										     "hold\": 1, "
										     "\"ChildHealth"
										     "Checks\": "
										     "[\"k1\", "
										     "\"nope\"]") "," CALC("c-fqdn",
													   "\"HealthThreshold\": 1, \"ChildHealthChecks\": [\"kf\"]") "," CALC("c-nested",
																					       "\"HealthThreshold\": 1, \"ChildHealthChecks\": [\"c-ok\"]") "]}");
#undef CALC
	char records[128], checks[128], out[128];
	snprintf(records, sizeof(records), "%s/calc-records.json", tmpdir);
	snprintf(checks, sizeof(checks), "%s/calc-checks.json", tmpdir);
	snprintf(out, sizeof(out), "%s/calc-out", tmpdir);
	st_buf_t report;
	st_buf_init(&report);
	st_diag_t d;
	int rc = import(records, checks, NULL, out, &report, &d);
	if (rc < 0)
		fail_msg("%s", d.text);
	assert_int_equal(rc, 1);
	const char *r = report.data;
	assert_contains(r, "not converted: health check c-inv: an inverted CALCULATED check");
	assert_contains(r, "not converted: health check c-zero: a CALCULATED check whose "
			   "HealthThreshold is not 1 to its number of children");
	assert_contains(r, "not converted: health check c-many: a CALCULATED check whose "
			   "HealthThreshold is not 1 to its number of children");
	assert_contains(r, "not converted: health check c-missing: a CALCULATED check whose "
			   "child nope is not in the --health-checks file");
	assert_contains(r, "not converted: health check c-fqdn: a CALCULATED check whose child "
			   "kf names only a domain name");
	assert_contains(r, "not converted: health check c-nested: a CALCULATED check whose "
			   "child c-ok is CALCULATED too");
	assert_int_equal(count(r, "not converted: "), 6);
	assert_null(strstr(r, "c-ok:"));

	st_conf_t *c = load_out(out);
	const st_conf_endpoint_t *ok = endpoint(c, "c-ok-1");
	assert_int_equal(ok->n_checks, 2);
	assert_int_equal(ok->healthy_when, 2);
	assert_null(ok->check_target);
	const st_conf_check_t *k1 = &c->checks[ok->checks[0]], *k2 = &c->checks[ok->checks[1]];
	assert_string_equal(k1->name, "hc-k1");
	assert_string_equal(k1->target, "192.0.2.70:80");
	assert_string_equal(k1->path, "/hc");
	assert_string_equal(k2->name, "hc-k2");
	assert_int_equal(k2->type, ST_CHECK_TCP);
	assert_string_equal(k2->target, "[2001:db8::7]:5432");
	/* the others are imported without a check */
	assert_int_equal(endpoint(c, "c-inv-1")->check, ST_CONF_NONE);
	assert_int_equal(endpoint(c, "c-nested-1")->check, ST_CONF_NONE);
	assert_int_equal(c->n_checks, 2);
	st_conf_free(c);
	st_buf_free(&report);
}

/* Regions take the SetIdentifier, qualified by the record when several
 * records share it; odd names are escaped; a clean input exits 0. */
static void test_names(void **state)
{
	(void)state;
	char out[128];
	st_buf_t report;
	st_buf_init(&report);
	st_diag_t d;
	int rc = import_text(
	    "{\"ResourceRecordSets\": ["
	    "{\"Name\": \"example.test.\", \"Type\": \"SOA\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"ns1.example.test. h.example.test. 7 1 1 1 "
	    "1\"}]},"
	    "{\"Name\": \"example.test.\", \"Type\": \"NS\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"ns1.example.test\"}]},"
	    "{\"Name\": \"ns1.example.test.\", \"Type\": \"A\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"192.0.2.53\"}]},"
	    "{\"Name\": \"a\\\\100b.example.test.\", \"Type\": \"TXT\", \"TTL\": 60, "
	    "\"ResourceRecords\": [{\"Value\": \"\\\"x\\\"\"}]},"
	    "{\"Name\": \"www.example.test.\", \"Type\": \"A\", \"SetIdentifier\": \"us "
	    "east/1\", \"Region\": \"us-east-1\", \"TTL\": 30, \"ResourceRecords\": "
	    "[{\"Value\": \"192.0.2.1\"}, {\"Value\": \"192.0.2.2\"}]},"
	    "{\"Name\": \"api.example.test.\", \"Type\": \"A\", \"SetIdentifier\": \"us "
	    "east/1\", \"Region\": \"us-east-1\", \"TTL\": 30, \"ResourceRecords\": "
	    "[{\"Value\": \"192.0.2.3\"}]},"
	    "{\"Name\": \"api.example.test.\", \"Type\": \"A\", \"SetIdentifier\": \"eu\", "
	    "\"Region\": \"eu-west-1\", \"TTL\": 10, \"ResourceRecords\": "
	    "[{\"Value\": \"192.0.2.4\"}]}"
	    "]}",
	    "names", out, sizeof(out), &report, &d);
	if (rc < 0)
		fail_msg("%s", d.text);
	assert_null(strstr(report.data ? report.data : "", "not converted"));
	assert_int_equal(rc, 0);
	st_conf_t *c = load_out(out);
	const st_conf_region_t *g = region(c, "us-east-1.www");
	assert_int_equal(g->n_endpoints, 2);
	assert_string_equal(c->endpoints[g->endpoints[1]].name, "us-east-1.www-2");
	region(c, "us-east-1.api");
	region(c, "eu");
	/* the lowest TTL of the sets, said in a warning */
	assert_int_equal(record(c, "api.example.test.", 1)->ttl, 10);
	assert_contains(report.data, "different TTLs");
	st_conf_free(c);
	const char *z = slurp(out, "example.test.zone");
	assert_contains(z, "\na\\064b.example.test. 60 IN TXT \"x\"\n");
	assert_contains(z, "\nexample.test. 900 IN NS ns1.example.test.\n");
	st_buf_free(&report);
}

/* Files that are not the listings: an error naming the file, nothing
 * converted. */
static void test_bad_input(void **state)
{
	(void)state;
	char path[128], checks[128], out[128];
	snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
	snprintf(checks, sizeof(checks), "%s/none.json", tmpdir);
	snprintf(out, sizeof(out), "%s/bad", tmpdir);
	write_file("none.json", "{\"HealthChecks\": []}");
	st_buf_t report;
	st_buf_init(&report);
	st_diag_t d;

	write_file("bad.json", "{\"ResourceRecordSets\": [\n  {\"Name\": }\n]}");
	assert_true(import(path, checks, NULL, out, &report, &d) < 0);
	assert_contains(d.text, "bad.json:2:");

	write_file("bad.json", "{\"HostedZones\": []}");
	assert_true(import(path, checks, NULL, out, &report, &d) < 0);
	assert_contains(d.text, "no \"ResourceRecordSets\" array (expected the output of `aws "
				"route53 list-resource-record-sets`)");

	write_file("bad.json", "{\"ResourceRecordSets\": []}");
	assert_true(import(path, path, NULL, out, &report, &d) < 0);
	assert_contains(d.text, "no \"HealthChecks\" array");

	assert_true(import(path, checks, "/nonexistent/cidr.json", out, &report, &d) < 0);
	assert_contains(d.text, "/nonexistent/cidr.json: ");

	write_file("bad.json", "{\"ResourceRecordSets\": [{\"Name\": \"x.other.\", \"Type\": "
			       "\"A\", \"TTL\": 1, \"ResourceRecords\": [{\"Value\": "
			       "\"192.0.2.1\"}]}, {\"Name\": \"y.example.test.\", \"Type\": "
			       "\"A\", \"Weight\": 1, \"ResourceRecords\": [{\"Value\": "
			       "\"192.0.2.1\"}]}]}");
	st_buf_reset(&report);
	assert_int_equal(import(path, checks, NULL, out, &report, &d), 1);
	assert_contains(report.data, "not converted: x.other. A (ResourceRecordSets[0]): the name "
				     "is not in the zone");
	assert_contains(report.data, "not converted: y.example.test. A (ResourceRecordSets[1]): a "
				     "routing policy without a SetIdentifier");
	assert_contains(report.data, "no SOA record");
	st_buf_free(&report);
}

/* Routed names steerd cannot route: a wildcard, aliases at the apex, a
 * name below a delegation. */
static void test_unroutable(void **state)
{
	(void)state;
	char out[128];
	st_buf_t report;
	st_buf_init(&report);
	st_diag_t d;
	int rc = import_text(
	    "{\"ResourceRecordSets\": ["
	    "{\"Name\": \"example.test.\", \"Type\": \"SOA\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"ns1.example.test. h.example.test. 1 2 3 4 "
	    "5\"}]},"
	    "{\"Name\": \"example.test.\", \"Type\": \"NS\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"ns1.example.test.\"}]},"
	    "{\"Name\": \"\\\\052.w.example.test.\", \"Type\": \"A\", \"SetIdentifier\": "
	    "\"a\", \"Weight\": 1, \"TTL\": 9, \"ResourceRecords\": [{\"Value\": "
	    "\"192.0.2.1\"}]},"
	    "{\"Name\": \"sub.example.test.\", \"Type\": \"NS\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"ns.sub.example.test.\"}]},"
	    "{\"Name\": \"ns.sub.example.test.\", \"Type\": \"A\", \"TTL\": 900, "
	    "\"ResourceRecords\": [{\"Value\": \"192.0.2.9\"}]},"
	    "{\"Name\": \"www.sub.example.test.\", \"Type\": \"A\", \"SetIdentifier\": "
	    "\"d\", \"Weight\": 1, \"TTL\": 9, \"ResourceRecords\": [{\"Value\": "
	    "\"192.0.2.1\"}]},"
	    "{\"Name\": \"example.test.\", \"Type\": \"A\", \"SetIdentifier\": \"lb1\", "
	    "\"Weight\": 1, \"AliasTarget\": {\"HostedZoneId\": \"Z\", \"DNSName\": "
	    "\"lb1.elb.amazonaws.com.\", \"EvaluateTargetHealth\": true}}"
	    "]}",
	    "w", out, sizeof(out), &report, &d);
	if (rc < 0)
		fail_msg("%s", d.text);
	assert_int_equal(rc, 1);
	assert_contains(report.data, "not converted: *.w.example.test. A [a]: steerd routes no "
				     "wildcard names");
	assert_contains(report.data, "not converted: example.test. A [lb1]: an alias at the zone "
				     "apex");
	assert_contains(report.data, "not converted: www.sub.example.test. A [d]: "
				     "sub.example.test. is delegated (NS records there)");
	assert_null(strstr(report.data, "warning: example.test. A"));
	st_buf_free(&report);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_import.XXXXXX");
	st_log_init("test_import", ST_LOG_ERR, false);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_calculated),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_unroutable),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
