/* Config loading: every key parsed to exact values, defaults, every class of
 * error with its file:line:column message, and the failover budget warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/log.h"
#include "conf/conf.h"
#include "conf/load.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char srcdir[PATH_MAX];
static char tmpdir[64];
static char olddir[PATH_MAX];

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load YAML text as "t.yaml" in the test's temporary folder. */
static int load_text(const char *yaml, st_conf_t **conf, st_diag_t *diag)
{
	write_file("t.yaml", yaml);
	st_diag_clear(diag);
	*conf = NULL;
	return st_conf_load("t.yaml", conf, diag);
}

/* snprintf that fails the test instead of truncating. */
static void fmt(char *buf, size_t len, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < len);
}

static void data_path(char *buf, size_t len, const char *rel)
{
	fmt(buf, len, "%s/%s", srcdir, rel);
}

static int group_setup(void **state)
{
	const char *top = getenv("top_srcdir");
	if (!getcwd(olddir, sizeof(olddir)))
		return -1;
	if (!top)
		top = "..";
	if (!realpath(top, srcdir))
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	if (!mkdtemp(tmpdir) || chdir(tmpdir) != 0)
		return -1;
	st_log_init("test_conf", ST_LOG_WARNING, false);
	return 0;
}

static int group_teardown(void **state)
{
	unlink("t.yaml");
	unlink("stderr.txt");
	if (chdir(olddir) != 0)
		return -1;
	rmdir(tmpdir);
	return 0;
}

static const char *addr4(const uint8_t a[4], char *buf)
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

static const char *addr6(const uint8_t a[16], char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static void test_full(void **state)
{
	char path[PATH_MAX], exp[PATH_MAX + 64], buf[64];
	st_conf_t *c = NULL;
	st_diag_t d;
	data_path(path, sizeof(path), "tests/data/conf/full.yaml");
	int rc = st_conf_load(path, &c, &d);
	if (rc != 0)
		fail_msg("%s", d.text);
	char dir[PATH_MAX];
	data_path(dir, sizeof(dir), "tests/data/conf");
	assert_string_equal(c->path, path);

	/* server */
	assert_int_equal(c->n_listen, 2);
	st_sockaddr_str(&c->listen[0], buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:5353");
	st_sockaddr_str(&c->listen[1], buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:5354");
	assert_int_equal(c->workers, 3);
	fmt(exp, sizeof(exp), "%s/run/steerd.sock", dir);
	assert_string_equal(c->control, exp);
	assert_string_equal(c->metrics, "127.0.0.1:9154");
	assert_string_equal(c->state_dir, "/var/lib/steerdns");
	assert_int_equal(c->udp_max_payload, 1400);
	assert_int_equal(c->tcp_idle_timeout_ms, 2500);
	assert_int_equal(c->tcp_max_clients, 64);
	assert_string_equal(c->log_level, "debug");

	/* zones */
	assert_int_equal(c->n_zones, 2);
	assert_string_equal(c->zones[0].name, "example.test.");
	fmt(exp, sizeof(exp), "%s/zones/example.test.zone", dir);
	assert_string_equal(c->zones[0].file, exp);
	assert_int_equal(c->zones[0].line, 14);
	assert_string_equal(c->zones[1].name, "other.test.");
	assert_string_equal(c->zones[1].file, "/srv/zones/other.test.zone");

	/* geo, health */
	fmt(exp, sizeof(exp), "%s/geo/country.mmdb", dir);
	assert_string_equal(c->geo_database, exp);
	fmt(exp, sizeof(exp), "%s/geo/countries.csv", dir);
	assert_string_equal(c->geo_coordinates, exp);
	assert_string_equal(c->geo_latency, "/etc/steerdns/latency.yaml");
	assert_string_equal(c->health_table, "/dev/shm/steer-test.shm");
	assert_int_equal(c->stale_after_ms, 60000);
	assert_int_equal(c->on_stale, ST_STALE_FAIL_OPEN);

	/* checks */
	assert_int_equal(c->n_checks, 5);
	const st_conf_check_t *k = &c->checks[0];
	assert_string_equal(k->name, "web");
	assert_int_equal(k->type, ST_CHECK_HTTP);
	assert_int_equal(k->port, 8080);
	assert_string_equal(k->path, "/healthz");
	assert_string_equal(k->host, "www.example.test");
	assert_int_equal(k->n_expect_status, 2);
	assert_int_equal(k->expect_status[0].lo, 200);
	assert_int_equal(k->expect_status[0].hi, 200);
	assert_int_equal(k->expect_status[1].lo, 204);
	assert_int_equal(k->expect_status[1].hi, 206);
	assert_string_equal(k->expect_body, "OK");
	assert_true(k->tls_verify);
	assert_int_equal(k->interval_ms, 500);
	assert_int_equal(k->timeout_ms, 250);
	assert_int_equal(k->rise, 3);
	assert_int_equal(k->fall, 4);
	k = &c->checks[1];
	assert_string_equal(k->name, "tls");
	assert_int_equal(k->type, ST_CHECK_HTTPS);
	assert_int_equal(k->port, 8443);
	assert_false(k->tls_verify);
	fmt(exp, sizeof(exp), "%s/certs/ca.pem", dir);
	assert_string_equal(k->tls_ca_file, exp);
	assert_string_equal(k->path, "/");
	assert_int_equal(k->n_expect_status, 1);
	assert_int_equal(k->expect_status[0].lo, 200);
	assert_int_equal(k->expect_status[0].hi, 399);
	assert_null(k->expect_body);
	assert_int_equal(k->interval_ms, 2000);
	assert_int_equal(k->timeout_ms, 1000);
	assert_int_equal(k->rise, 2);
	assert_int_equal(k->fall, 2);
	k = &c->checks[2];
	assert_int_equal(k->type, ST_CHECK_TCP);
	assert_int_equal(k->port, 22);
	k = &c->checks[3];
	assert_int_equal(k->type, ST_CHECK_DNS);
	assert_int_equal(k->port, 5300);
	assert_string_equal(k->dns_name, "probe.example.test.");
	assert_int_equal(k->dns_type, 28);
	assert_int_equal(k->dns_rcode, 3);
	assert_string_equal(k->dns_expect, "2001:db8::1");
	k = &c->checks[4];
	assert_int_equal(k->type, ST_CHECK_EXEC);
	assert_int_equal(k->exec_argc, 3);
	assert_string_equal(k->exec_argv[0], "/usr/bin/test");
	assert_string_equal(k->exec_argv[1], "-f");
	assert_string_equal(k->exec_argv[2], "/tmp/up");
	assert_null(k->exec_argv[3]);
	assert_int_equal(k->interval_ms, 10000);
	assert_int_equal(k->timeout_ms, 9000);

	/* regions and endpoints */
	assert_int_equal(c->n_regions, 2);
	const st_conf_region_t *r = &c->regions[0];
	assert_string_equal(r->name, "us-east-1");
	assert_true(r->has_location);
	assert_true(r->lat == 38.9 && r->lon == -77.4);
	assert_int_equal(r->dial, 40);
	assert_int_equal(r->bias, -25);
	assert_int_equal(r->select, ST_SELECT_MULTIVALUE);
	assert_int_equal(r->select_max, 2);
	assert_int_equal(r->min_healthy, 2);
	assert_int_equal(r->n_endpoints, 3);
	r = &c->regions[1];
	assert_string_equal(r->name, "us-east-2");
	assert_int_equal(r->dial, 100);
	assert_int_equal(r->bias, 0);
	assert_int_equal(r->select, ST_SELECT_ALL);
	assert_int_equal(r->select_max, 8);
	assert_int_equal(r->min_healthy, 0);
	assert_int_equal(r->n_endpoints, 2);
	assert_int_equal(r->endpoints[0], 3);
	assert_int_equal(r->endpoints[1], 4);

	assert_int_equal(c->n_endpoints, 5);
	const st_conf_endpoint_t *e = &c->endpoints[0];
	assert_string_equal(e->name, "use1-a");
	assert_int_equal(e->region, 0);
	assert_true(e->has_v4 && e->has_v6);
	assert_string_equal(addr4(e->addr4, buf), "192.0.2.11");
	assert_string_equal(addr6(e->addr6, buf), "2001:db8::11");
	assert_int_equal(e->weight, 100);
	assert_int_equal(e->check, 0);
	assert_string_equal(e->check_target, "127.0.0.1:18081");
	e = &c->endpoints[1];
	assert_true(!e->has_v4 && e->has_v6);
	assert_string_equal(addr6(e->addr6, buf), "2001:db8::12");
	assert_int_equal(e->weight, 0);
	assert_int_equal(e->check, 1);
	assert_null(e->check_target);
	e = &c->endpoints[2];
	assert_true(!e->has_v4 && !e->has_v6);
	assert_string_equal(e->cname, "lb.example.net.");
	assert_int_equal(e->weight, 1);
	assert_int_equal(e->check, 4);
	e = &c->endpoints[3];
	assert_string_equal(e->name, "use2-a");
	assert_int_equal(e->region, 1);
	assert_string_equal(e->cname, "lb2.example.net.");
	assert_int_equal(e->check, 2);
	e = &c->endpoints[4];
	assert_string_equal(e->check_target, "[::1]:5301");
	assert_int_equal(e->check, 3);
	assert_int_equal(st_conf_endpoint_index(c, "use2-b"), 4);
	assert_int_equal(st_conf_region_index(c, "us-east-2"), 1);
	assert_int_equal(st_conf_region_index(c, "nowhere"), ST_CONF_NONE);

	/* records: www is A and AAAA, so 9 records from 8 entries */
	assert_int_equal(c->n_records, 9);
	const st_conf_record_t *x = &c->records[0];
	assert_string_equal(x->owner, "www.example.test.");
	assert_int_equal(x->type, 1);
	assert_int_equal(x->ttl, 30);
	assert_int_equal(x->policy, ST_POLICY_LATENCY);
	assert_int_equal(x->n_regions, 2);
	assert_int_equal(x->regions[0], 1);
	assert_int_equal(x->regions[1], 0);
	assert_int_equal(x->on_all_down, ST_ALL_DOWN_SERVFAIL);
	assert_int_equal(x->failover_budget_ms, 120000);
	x = &c->records[1];
	assert_string_equal(x->owner, "www.example.test.");
	assert_int_equal(x->type, 28);
	assert_int_equal(x->n_regions, 2);
	assert_int_equal(x->regions[0], 1);
	assert_int_equal(x->failover_budget_ms, 120000);
	x = &c->records[2];
	assert_string_equal(x->owner, "geo.example.test.");
	assert_int_equal(x->ttl, 20);
	assert_int_equal(x->policy, ST_POLICY_GEOLOCATION);
	assert_int_equal(x->n_map, 4);
	assert_string_equal(x->map[0].key, "continent:EU");
	assert_int_equal(x->map[0].region, 1);
	assert_string_equal(x->map[1].key, "country:US");
	assert_string_equal(x->map[2].key, "subdivision:US-OH");
	assert_string_equal(x->map[3].key, "default");
	assert_int_equal(x->map[3].region, 0);
	assert_int_equal(x->on_all_down, ST_ALL_DOWN_ROUTE53);
	assert_int_equal(x->failover_budget_ms, 0);
	x = &c->records[3];
	assert_int_equal(x->policy, ST_POLICY_WEIGHTED);
	assert_int_equal(x->n_weights, 2);
	assert_string_equal(x->weights[0].name, "us-east-1");
	assert_true(x->weights[0].is_region);
	assert_int_equal(x->weights[0].index, 0);
	assert_int_equal(x->weights[0].weight, 1);
	assert_string_equal(x->weights[1].name, "use2-b");
	assert_false(x->weights[1].is_region);
	assert_int_equal(x->weights[1].index, 4);
	assert_int_equal(x->weights[1].weight, 3);
	assert_int_equal(x->on_all_down, ST_ALL_DOWN_NODATA);
	x = &c->records[4];
	assert_string_equal(x->owner, "net.other.test.");
	assert_int_equal(x->type, 28);
	assert_int_equal(x->policy, ST_POLICY_CIDR);
	assert_string_equal(x->map[0].key, "192.0.2.0/24");
	assert_string_equal(x->map[1].key, "2001:db8::/32");
	x = &c->records[5];
	assert_int_equal(x->type, 5);
	assert_int_equal(x->ttl, 0);
	assert_int_equal(x->policy, ST_POLICY_FAILOVER);
	assert_int_equal(c->records[6].policy, ST_POLICY_GEOPROXIMITY);
	assert_int_equal(c->records[7].policy, ST_POLICY_MULTIVALUE);
	assert_int_equal(c->records[8].policy, ST_POLICY_SIMPLE);
	assert_int_equal(c->records[8].line, 114);
	st_conf_free(c);
}

/* The interface as DESIGN.md shows it loads unchanged. */
static void test_design(void **state)
{
	char path[PATH_MAX], dir[PATH_MAX], exp[PATH_MAX + 64];
	st_conf_t *c = NULL;
	st_diag_t d;
	data_path(path, sizeof(path), "tests/data/conf/design.yaml");
	data_path(dir, sizeof(dir), "tests/data/conf");
	if (st_conf_load(path, &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_int_equal(c->n_listen, 2);
	assert_int_equal(c->workers, 2);
	fmt(exp, sizeof(exp), "%s/run/steerd.sock", dir);
	assert_string_equal(c->control, exp);
	assert_string_equal(c->metrics, "127.0.0.1:9153");
	fmt(exp, sizeof(exp), "%s/zones/example.test.zone", dir);
	assert_string_equal(c->zones[0].file, exp);
	fmt(exp, sizeof(exp), "%s/geo/latency.yaml", dir);
	assert_string_equal(c->geo_latency, exp);
	assert_int_equal(c->n_checks, 1);
	assert_int_equal(c->checks[0].n_expect_status, 1);
	assert_int_equal(c->checks[0].expect_status[0].hi, 200);
	assert_int_equal(c->n_regions, 2);
	assert_int_equal(c->n_endpoints, 3);
	assert_string_equal(c->endpoints[0].check_target, "127.0.0.1:18081");
	assert_int_equal(c->n_records, 3);
	assert_int_equal(c->records[0].policy, ST_POLICY_LATENCY);
	assert_int_equal(c->records[1].n_map, 4);
	assert_int_equal(c->records[2].weights[1].weight, 3);
	st_conf_free(c);
}

static void test_defaults(void **state)
{
	st_conf_t *c;
	st_diag_t d;
	int rc =
	    load_text("zones:\n  example.test: example.test.zone\n"
		      "checks:\n  c: { type: https }\n"
		      "regions:\n  r:\n    endpoints:\n      e: { address: 192.0.2.1, check: c }\n"
		      "records:\n  www.example.test: { type: A, regions: [r] }\n",
		      &c, &d);
	if (rc != 0)
		fail_msg("%s", d.text);
	char buf[64];
	assert_int_equal(c->n_listen, 2);
	st_sockaddr_str(&c->listen[0], buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:53");
	st_sockaddr_str(&c->listen[1], buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:53");
	assert_int_equal(c->workers, 0);
	assert_null(c->control);
	assert_null(c->metrics);
	assert_null(c->state_dir);
	assert_int_equal(c->udp_max_payload, 1232);
	assert_int_equal(c->tcp_idle_timeout_ms, 10000);
	assert_int_equal(c->tcp_max_clients, 1024);
	assert_string_equal(c->log_level, "info");
	assert_string_equal(c->zones[0].file, "example.test.zone");
	assert_null(c->geo_database);
	assert_null(c->geo_coordinates);
	assert_null(c->geo_latency);
	assert_string_equal(c->health_table, "run/health.shm");
	assert_int_equal(c->stale_after_ms, 10000);
	assert_int_equal(c->on_stale, ST_STALE_LAST_KNOWN);
	const st_conf_check_t *k = &c->checks[0];
	assert_int_equal(k->port, 0);
	assert_string_equal(k->path, "/");
	assert_null(k->host);
	assert_int_equal(k->n_expect_status, 1);
	assert_int_equal(k->expect_status[0].lo, 200);
	assert_int_equal(k->expect_status[0].hi, 399);
	assert_true(k->tls_verify);
	assert_null(k->tls_ca_file);
	assert_string_equal(k->dns_name, ".");
	assert_int_equal(k->dns_type, 1);
	assert_int_equal(k->dns_rcode, 0);
	assert_null(k->dns_expect);
	assert_int_equal(k->exec_argc, 0);
	assert_int_equal(k->interval_ms, 2000);
	assert_int_equal(k->timeout_ms, 1000);
	assert_int_equal(k->rise, 2);
	assert_int_equal(k->fall, 2);
	const st_conf_region_t *r = &c->regions[0];
	assert_false(r->has_location);
	assert_int_equal(r->dial, 100);
	assert_int_equal(r->bias, 0);
	assert_int_equal(r->select, ST_SELECT_WEIGHTED);
	assert_int_equal(r->select_max, 8);
	assert_int_equal(r->min_healthy, 1);
	const st_conf_endpoint_t *e = &c->endpoints[0];
	assert_int_equal(e->weight, 1);
	assert_null(e->cname);
	assert_null(e->check_target);
	assert_false(e->has_v6);
	const st_conf_record_t *x = &c->records[0];
	assert_int_equal(x->ttl, 20);
	assert_int_equal(x->policy, ST_POLICY_SIMPLE);
	assert_int_equal(x->on_all_down, ST_ALL_DOWN_ROUTE53);
	assert_int_equal(x->failover_budget_ms, 0);

	/* The command-line config starts from the same defaults. */
	st_conf_t *n = st_conf_new();
	assert_non_null(n);
	assert_int_equal(n->udp_max_payload, c->udp_max_payload);
	assert_int_equal(n->tcp_idle_timeout_ms, c->tcp_idle_timeout_ms);
	assert_int_equal(n->tcp_max_clients, c->tcp_max_clients);
	assert_int_equal(n->workers, c->workers);
	assert_int_equal(n->stale_after_ms, c->stale_after_ms);
	assert_int_equal(n->on_stale, c->on_stale);
	st_conf_free(n);
	st_conf_free(c);

	/* A key with no value takes its default. */
	assert_int_equal(
	    load_text("server:\n  workers:\n  control: ~\n  udp_max_payload: null\n"
		      "health: { table: }\nchecks:\n  c: { type: http, path: ~, port: }\n",
		      &c, &d),
	    0);
	assert_int_equal(c->workers, 0);
	assert_null(c->control);
	assert_int_equal(c->udp_max_payload, 1232);
	assert_string_equal(c->health_table, "run/health.shm");
	assert_string_equal(c->checks[0].path, "/");
	assert_int_equal(c->checks[0].port, 0);
	st_conf_free(c);
	assert_int_equal(load_text("checks:\n  c: { type: }\n", &c, &d), ST_ECONF);
	assert_string_equal(d.text, "t.yaml:2:3: checks.c: 'type' is required");

	/* An empty file is a config with every default and nothing to serve. */
	assert_int_equal(load_text("# nothing\n", &c, &d), 0);
	assert_int_equal(c->n_zones, 0);
	assert_int_equal(c->n_records, 0);
	assert_int_equal(c->n_listen, 2);
	st_conf_free(c);
}

/* Every error: the YAML and the exact message. */
static const struct {
	const char *yaml;
	const char *error;
} bad[] = {
    /* syntax and structure */
    {"server:\n  listen: [\n",
     "t.yaml:3:1: YAML syntax: did not find expected node content while parsing a flow node"},
    {"server:\n  workers: 1\n  workers: 2\n",
     "t.yaml:3:3: duplicate key 'workers' (first given at line 2); remove one of them"},
    {"a: 1\n---\nb: 2\n",
     "t.yaml:2:1: only one YAML document is allowed (remove this '---' and what follows)"},
    {"server: &s\n  workers: 1\nother: *s\n",
     "t.yaml:3:8: aliases (*s) are not supported; write the value out"},
    {"? [a]\n: 1\n", "t.yaml:1:3: a mapping key must be a plain name, not a list"},
    {"- a\n", "t.yaml:1:1: expected a mapping of sections (server:, zones:...), not a list"},
    /* unknown keys */
    {"sever:\n  workers: 1\n", "t.yaml:1:1: unknown section 'sever' (did you mean 'server'?)"},
    {"tls:\n  x: 1\n",
     "t.yaml:1:1: unknown section 'tls' (sections are server, zones, geo, health, checks, "
     "regions, records)"},
    {"server:\n  wokers: 2\n",
     "t.yaml:2:3: server: unknown key 'wokers' (did you mean 'workers'?)"},
    {"server:\n  frobnicate: 2\n", "t.yaml:2:3: server: unknown key 'frobnicate' for a server"},
    {"checks:\n  web: { type: http, intervall: 2s }\n",
     "t.yaml:2:22: checks.web: unknown key 'intervall' (did you mean 'interval'?)"},
    /* wrong types and ranges */
    {"server:\n  workers: two\n", "t.yaml:2:12: server.workers: 'two' is not a whole number"},
    {"server:\n  workers: [1]\n",
     "t.yaml:2:12: server.workers: expected a single value, not a list"},
    {"server:\n  listen: [\"127.0.0.1:53\", ~]\n",
     "t.yaml:2:28: server.listen: a value is missing"},
    {"server:\n  udp_max_payload: 100\n",
     "t.yaml:2:20: server.udp_max_payload: 100 is out of range (512..4096)"},
    {"server:\n  udp_max_payload: 99999999999999999999999\n",
     "t.yaml:2:20: server.udp_max_payload: '99999999999999999999999' is too large"},
    {"server:\n  tcp_idle_timeout: soon\n",
     "t.yaml:2:21: server.tcp_idle_timeout: 'soon' is not a duration (write 250ms, 2s, 5m, "
     "1h or a number of seconds)"},
    {"server:\n  listen: [\"127.0.0.1:53\", \"localhost:53\"]\n",
     "t.yaml:2:28: server.listen: 'localhost:53' is not ADDR:PORT or [ADDR6]:PORT"},
    {"server:\n  listen: [\"127.0.0.1:53\", \"127.0.0.1\"]\n",
     "t.yaml:2:28: server.listen: '127.0.0.1' is listed twice"},
    {"server:\n  listen: []\n",
     "t.yaml:2:11: server.listen: the list is empty; give at least one ADDR:PORT"},
    {"server:\n  metrics: nowhere:80\n",
     "t.yaml:2:12: server.metrics: 'nowhere:80' is not ADDR:PORT or [ADDR6]:PORT (numeric "
     "address)"},
    {"server:\n  log_level: loud\n",
     "t.yaml:2:14: server.log_level: 'loud' is not one of: error, warning, notice, info, "
     "debug"},
    {"server: 5\n", "t.yaml:1:9: server: expected a mapping of server keys, not a value"},
    {"regions:\n  r: { select: multivalu, endpoints: { e: { address: 192.0.2.1 } } }\n",
     "t.yaml:2:16: regions.r.select: 'multivalu' is not one of: weighted, all, multivalue (did "
     "you mean 'multivalue'?)"},
    {"health:\n  on_stale: fail-closed\n",
     "t.yaml:2:13: health.on_stale: 'fail-closed' is not one of: last-known, fail-open"},
    {"health:\n  stale_after: 10ms\n",
     "t.yaml:2:16: health.stale_after: 10ms is out of range (100ms..1d)"},
    /* zones */
    {"zones:\n  bad..name: z\n",
     "t.yaml:2:3: zones: 'bad..name' has an empty label (a leading dot or two dots in a row)"},
    {"zones:\n  Example.test: a\n  example.test.: b\n",
     "t.yaml:3:3: zones: zone example.test. is given twice (first at line 2)"},
    {"server:\n  control: \"\"\n",
     "t.yaml:2:12: server.control: the value is empty (leave the key out for the default)"},
    {"zones:\n  example.test:\n",
     "t.yaml:2:16: zones.example.test: expected the zone's file name, not nothing"},
    /* checks */
    {"checks:\n  web: { port: 80 }\n", "t.yaml:2:3: checks.web: 'type' is required"},
    {"checks:\n  web: { type: smtp }\n",
     "t.yaml:2:16: checks.web.type: 'smtp' is not one of: http, https, tcp, dns, exec"},
    {"checks:\n  web: { type: http, interval: 50ms }\n",
     "t.yaml:2:32: checks.web.interval: 50ms is out of range (100ms..1d)"},
    {"checks:\n  web: { type: http, interval: 1s, timeout: 1s }\n",
     "t.yaml:2:45: checks.web.timeout: timeout 1s must be shorter than interval 1s"},
    {"checks:\n  web: { type: http, interval: 500ms }\n",
     "t.yaml:2:32: checks.web.interval: timeout 1s must be shorter than interval 500ms"},
    {"checks:\n  web: { type: http, expect_status: [200, \"500-400\"] }\n",
     "t.yaml:2:43: checks.web.expect_status: '500-400' is not within 100-599 (low-high)"},
    {"checks:\n  web: { type: http, expect_status: [ok] }\n",
     "t.yaml:2:38: checks.web.expect_status: 'ok' is not a status code (200) or a range "
     "(\"200-399\")"},
    {"checks:\n  web: { type: http, path: healthz }\n",
     "t.yaml:2:28: checks.web.path: 'healthz' must start with '/'"},
    {"checks:\n  web: { type: tcp, path: /x }\n",
     "t.yaml:2:21: checks.web: 'path' does not apply to tcp checks (only to http and https)"},
    {"checks:\n  web: { type: http, tls_verify: maybe }\n",
     "t.yaml:2:34: checks.web.tls_verify: 'maybe' is not true or false"},
    {"checks:\n  run: { type: exec }\n",
     "t.yaml:2:3: checks.run: an exec check needs 'command: [program, arg...]'"},
    {"checks:\n  run: { type: exec, command: \"test -f /x\" }\n",
     "t.yaml:2:31: checks.run.command: expected the command as a list [program, arg...] (it "
     "runs without a shell), not a value"},
    {"checks:\n  ns: { type: dns, dns_type: BOGUS }\n",
     "t.yaml:2:30: checks.ns.dns_type: 'BOGUS' is not a record type (A, AAAA, SOA, TXT, "
     "TYPE65...)"},
    {"checks:\n  ns: { type: dns, dns_rcode: 16 }\n",
     "t.yaml:2:31: checks.ns.dns_rcode: 16 is out of range (0..15)"},
    {"checks:\n  ns: { type: dns, port: 0 }\n",
     "t.yaml:2:26: checks.ns.port: 0 is out of range (1..65535)"},
    {"checks:\n  \"a b\": { type: tcp }\n",
     "t.yaml:2:3: checks: check name 'a b' may only hold letters, digits, '-', '_' and '.'"},
    /* regions and endpoints */
    {"regions:\n  r: { dial: 0 }\n", "t.yaml:2:3: regions.r: 'endpoints' is required"},
    {"regions:\n  r:\n    dial: 101\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:11: regions.r.dial: 101 is out of range (0..100)"},
    {"regions:\n  r:\n    bias: -100\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:11: regions.r.bias: -100 is out of range (-99..99)"},
    {"regions:\n  r:\n    location: [91, 0]\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:16: regions.r.location: latitude 91 is out of range (-90..90)"},
    {"regions:\n  r:\n    location: [0, east]\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:19: regions.r.location: longitude 'east' is not a number of degrees"},
    {"regions:\n  r:\n    location: 12\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:15: regions.r.location: expected [latitude, longitude] in degrees, e.g. "
     "[38.9, -77.4]"},
    {"regions:\n  r:\n    select: random\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:13: regions.r.select: 'random' is not one of: weighted, all, multivalue"},
    {"regions:\n  r:\n    select_max: 2\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:5: regions.r: 'select_max' applies only to 'select: multivalue'"},
    {"regions:\n  r:\n    min_healthy: 2\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:18: regions.r.min_healthy: 2 is more than the region's 1 endpoint: it could "
     "never be healthy"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.300 } }\n",
     "t.yaml:3:32: regions.r.endpoints.e.address: '192.0.2.300' is not an IPv4 or IPv6 "
     "address"},
    {"regions:\n  r:\n    endpoints: { e: { address6: 192.0.2.1 } }\n",
     "t.yaml:3:33: regions.r.endpoints.e.address6: '192.0.2.1' is not an IPv6 address (put "
     "IPv4 in 'address')"},
    {"regions:\n  r:\n    endpoints: { e: { address: \"::1\", address6: \"::2\" } }\n",
     "t.yaml:3:49: regions.r.endpoints.e.address6: the endpoint has an IPv6 address "
     "already; give IPv4 in 'address' and IPv6 in 'address6'"},
    {"regions:\n  r:\n    endpoints: { e: { weight: 2 } }\n",
     "t.yaml:3:18: regions.r.endpoints.e: the endpoint needs an 'address', 'address6' or "
     "'cname'"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1, check: web } }\n",
     "t.yaml:3:50: regions.r.endpoints.e.check: no check named 'web' in the checks: section"},
    {"checks:\n  web: { type: http }\nregions:\n  r:\n    endpoints: { e: { address: "
     "192.0.2.1, check: wbe } }\n",
     "t.yaml:5:50: regions.r.endpoints.e.check: no check named 'wbe' (did you mean 'web'?)"},
    {"checks:\n  t: { type: tcp }\nregions:\n  r:\n    endpoints: { e: { address: "
     "192.0.2.1, check: t } }\n",
     "t.yaml:5:50: regions.r.endpoints.e.check: tcp check 't' has no port: set 'port' in "
     "the check or give 'check_target: ADDR:PORT'"},
    {"checks:\n  w: { type: http, port: 80 }\nregions:\n  r:\n    endpoints: { e: { cname: "
     "a.example.net, check: w } }\n",
     "t.yaml:5:52: regions.r.endpoints.e.check: check 'w' (http) needs an address to probe, "
     "and the endpoint has only a cname: give 'check_target: ADDR:PORT'"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1, check_target: "
     "\"127.0.0.1:1\" } }\n",
     "t.yaml:3:43: regions.r.endpoints.e: 'check_target' needs a 'check' to say how to probe "
     "it"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1, check_target: lb:80 } }\n",
     "t.yaml:3:57: regions.r.endpoints.e.check_target: 'lb:80' is not ADDR:PORT, "
     "[ADDR6]:PORT or ADDR (numeric address)"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1 } }\n  s:\n    endpoints: "
     "{ e: { address: 192.0.2.2 } }\n",
     "t.yaml:5:18: regions.s: endpoint name 'e' is used already in region r (line 3); "
     "endpoint names are unique across regions"},
    {"regions:\n  r:\n    endpoints: { s: { address: 192.0.2.1 } }\n  s:\n    endpoints: "
     "{ e: { address: 192.0.2.2 } }\n",
     "t.yaml:3:18: regions.r: endpoint name 's' is also a region name (line 4); rename one "
     "so that weights keys are unambiguous"},
    {"regions:\n  r:\n    endpoints: {}\n",
     "t.yaml:3:16: regions.r.endpoints: expected a mapping of endpoint name -> { address: "
     "... }, not an empty one"},
    /* records */
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { regions: [r] }\n",
     "t.yaml:4:3: records.www.example.test: 'type' is required"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: MX, regions: [r] }\n",
     "t.yaml:4:29: records.www.example.test.type: 'MX' is not a dynamic record type (A, "
     "AAAA or CNAME)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: [A, CNAME], regions: [r] }\n",
     "t.yaml:4:33: records.www.example.test.type: a list of types is A and AAAA (a CNAME "
     "stands alone)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, ttl: -1, regions: [r] }\n",
     "t.yaml:4:37: records.www.example.test.ttl: '-1' is not a whole number"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: fastest, regions: [r] }\n",
     "t.yaml:4:40: records.www.example.test.policy: 'fastest' is not one of: simple, "
     "weighted, failover, multivalue, geolocation, geoproximity, latency, cidr"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [q] }\n",
     "t.yaml:4:42: records.www.example.test.regions: 'q' is not a region defined in regions:"},
    {"zones: { example.test: z }\nregions: { us-east-1: { endpoints: { e: { address: "
     "192.0.2.1 } } } }\nrecords:\n  www.example.test: { type: A, regions: [us-east-2] }\n",
     "t.yaml:4:42: records.www.example.test.regions: 'us-east-2' is not a region (did you "
     "mean 'us-east-1'?)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r, r] }\n",
     "t.yaml:4:45: records.www.example.test.regions: region 'r' is listed twice"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"country:DEU\": r "
     "} }\n",
     "t.yaml:4:60: records.www.example.test.map: 'country:DEU' is not a map key: a country "
     "is two letters (ISO 3166-1), e.g. country:DE"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"continent:XX\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'continent:XX' is not a map key: continent "
     "codes are AF, AN, AS, EU, NA, OC, SA"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"subdivision:US\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'subdivision:US' is not a map key: a "
     "subdivision is COUNTRY-CODE (ISO 3166-2), e.g. subdivision:US-VA"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: cidr, map: { \"192.0.2.1/24\": r } }\n",
     "t.yaml:4:53: records.www.example.test.map: '192.0.2.1/24' is not a map key: the "
     "address has bits set past the prefix length"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: cidr, map: { \"192.0.2.0/33\": r } }\n",
     "t.yaml:4:53: records.www.example.test.map: '192.0.2.0/33' is not a map key: the "
     "prefix length must be 0-32"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: cidr, map: { \"country:DE\": r } }\n",
     "t.yaml:4:53: records.www.example.test.map: 'country:DE' does not fit policy cidr (keys "
     "are prefixes such as 192.0.2.0/24 or default)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"country:de\": r, "
     "\"country:DE\": r } }\n",
     "t.yaml:4:77: records.www.example.test.map: 'country:DE' is the same key as "
     "'country:de' (line 4)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { default: x } }\n",
     "t.yaml:4:69: records.www.example.test.map: 'x' is not a region defined in regions:"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { use1-a: { address: 192.0.2.1 } } "
     "} }\nrecords:\n  www.example.test: { type: A, policy: weighted, weights: { use1a: 1 } }\n",
     "t.yaml:4:61: records.www.example.test.weights: 'use1a' is not a region or endpoint (did "
     "you mean 'use1-a'?)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: weighted, weights: { zzz: 1 } }\n",
     "t.yaml:4:61: records.www.example.test.weights: 'zzz' is not a region or endpoint "
     "defined in regions:"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: weighted }\n",
     "t.yaml:4:40: records.www.example.test.policy: policy weighted needs 'weights: { name: "
     "weight }' or 'regions: [...]'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: failover, regions: [r] }\n",
     "t.yaml:4:40: records.www.example.test.policy: policy failover needs 'regions:' with at "
     "least two regions, primary first"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation }\n",
     "t.yaml:4:40: records.www.example.test.policy: policy geolocation needs 'map: { key: "
     "region }'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A }\n",
     "t.yaml:4:3: records.www.example.test: policy simple needs 'regions: [...]'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: latency, regions: [r] }\n",
     "t.yaml:4:59: records.www.example.test.regions: region 'r' has no location (line 2); "
     "policy latency needs 'location: [lat, lon]' on every region"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: latency, map: { default: r } }\n",
     "t.yaml:4:49: records.www.example.test: 'map' is not used by policy latency (latency "
     "uses 'regions')"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: AAAA, regions: [r] }\n",
     "t.yaml:4:29: records.www.example.test.type: the record is type AAAA but none of the "
     "endpoints it can pick has an IPv6 'address' or 'address6'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: CNAME, regions: [r] }\n",
     "t.yaml:4:29: records.www.example.test.type: the record is type CNAME but none of the "
     "endpoints it can pick has a 'cname'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { cname: x.example.net } } } "
     "}\nrecords:\n  example.test: { type: CNAME, regions: [r] }\n",
     "t.yaml:4:3: records.example.test: a CNAME cannot be at the zone apex example.test. (it "
     "holds SOA and NS)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.net: { type: A, regions: [r] }\n",
     "t.yaml:4:3: records.www.example.net: 'www.example.net.' is not inside any zone served "
     "(zones: example.test.)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  wwwexample.test: { type: A, regions: [r] }\n",
     "t.yaml:4:3: records.wwwexample.test: 'wwwexample.test.' is not inside any zone served "
     "(zones: example.test.)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r] }\n  WWW.example.test.: { type: A, "
     "regions: [r] }\n",
     "t.yaml:5:3: records.WWW.example.test.: record www.example.test. A is given twice (first "
     "at line 4)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1, cname: "
     "a.example.net } } } }\nrecords:\n  www.example.test: { type: A, regions: [r] }\n  "
     "WWW.example.test.: { type: CNAME, regions: [r] }\n",
     "t.yaml:5:3: records.WWW.example.test.: www.example.test. has a CNAME and an A record "
     "(line 4); a CNAME cannot share its name"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r], failover_budget: forever }\n",
     "t.yaml:4:63: records.www.example.test.failover_budget: 'forever' is not a duration "
     "(write 250ms, 2s, 5m, 1h or a number of seconds)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r], on_all_down: panic }\n",
     "t.yaml:4:59: records.www.example.test.on_all_down: 'panic' is not one of: route53, "
     "servfail, nodata"},
};

static void test_errors(void **state)
{
	size_t failed = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st_conf_t *c = (st_conf_t *)0x1;
		st_diag_t d;
		int rc = load_text(bad[i].yaml, &c, &d);
		if (rc == 0) {
			st_conf_free(c);
			fail_msg("case %zu loaded, expected: %s", i, bad[i].error);
		}
		if (rc != ST_ECONF && rc != ST_EPARSE)
			fail_msg("case %zu: code %d", i, rc);
		if (strcmp(d.text, bad[i].error) != 0) {
			print_error("case %zu:\n got: %s\nwant: %s\n", i, d.text, bad[i].error);
			failed++;
		}
		assert_null(c);
	}
	assert_int_equal(failed, 0);
}

static void test_command_line(void **state)
{
	st_conf_t *c = st_conf_new();
	st_diag_t d;
	char buf[64];
	assert_non_null(c);
	assert_int_equal(c->n_listen, 0);
	assert_int_equal(st_conf_add_listen(c, "127.0.0.1:5353", &d), 0);
	assert_int_equal(st_conf_add_listen(c, "::1", &d), 0);
	assert_int_equal(c->n_listen, 2);
	st_sockaddr_str(&c->listen[1], buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:53");
	assert_int_equal(st_conf_add_listen(c, "127.0.0.1:notaport", &d), ST_ECONF);
	assert_string_equal(d.text,
			    "listen address '127.0.0.1:notaport' is not ADDR:PORT or [ADDR6]:PORT");
	assert_int_equal(st_conf_add_zone(c, "Example.TEST:zones/x.zone", &d), 0);
	assert_string_equal(c->zones[0].name, "example.test.");
	assert_string_equal(c->zones[0].file, "zones/x.zone");
	assert_int_equal(st_conf_add_zone(c, "example.test.:other.zone", &d), ST_ECONF);
	assert_string_equal(d.text, "zone example.test. is given twice");
	assert_int_equal(st_conf_add_zone(c, "example.test", &d), ST_ECONF);
	assert_string_equal(d.text, "zone 'example.test' is not NAME:FILE");
	assert_int_equal(c->n_zones, 1);
	assert_null(c->path);
	assert_string_equal(st_policy_name(ST_POLICY_GEOPROXIMITY), "geoproximity");
	assert_string_equal(st_check_type_name(ST_CHECK_EXEC), "exec");
	st_conf_free(c);
	st_conf_free(NULL);
}

static void test_missing_file(void **state)
{
	st_conf_t *c = NULL;
	st_diag_t d;
	assert_int_equal(st_conf_load("no-such.yaml", &c, &d), ST_ENOENT);
	assert_string_equal(d.text, "no-such.yaml: cannot open: No such file or directory");
	assert_null(c);
}

/* Capture what the logger writes to stderr while loading. */
static int load_capture(const char *yaml, st_conf_t **c, st_diag_t *d, char *out, size_t len)
{
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	int fd = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	int rc = load_text(yaml, c, d);
	dup2(saved, STDERR_FILENO);
	close(saved);
	FILE *f = fopen("stderr.txt", "r");
	assert_non_null(f);
	size_t n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return rc;
}

static void test_budget_warning(void **state)
{
	static const char base[] =
	    "zones: { example.test: z }\n"
	    "checks:\n  web: { type: http, interval: 2s, timeout: 1s, fall: 3 }\n"
	    "regions:\n  r: { endpoints: { e: { address: 192.0.2.1, check: web } } }\n"
	    "  s: { endpoints: { f: { address: 192.0.2.2 } } }\n"
	    "records:\n  www.example.test: { type: A, ttl: %u, regions: [r, s], policy: failover, "
	    "failover_budget: %s }\n";
	char yaml[1024], log[4096];
	st_conf_t *c;
	st_diag_t d;

	/* 2s x 3 + 1s + 20s = 27s > 25s: a warning, not an error. */
	fmt(yaml, sizeof(yaml), base, 20, "25s");
	assert_int_equal(load_capture(yaml, &c, &d, log, sizeof(log)), 0);
	if (!strstr(log, "warning: record www.example.test. A, failover budget 25s is exceeded: "
			 "check web interval 2s x fall 3 + timeout 1s + ttl 20s = 27s; lower the "
			 "ttl or the check's interval or fall (t.yaml:8)\n"))
		fail_msg("log: %s", log);
	st_conf_free(c);

	/* 27s fits a 27s budget exactly: no warning. */
	fmt(yaml, sizeof(yaml), base, 20, "27s");
	assert_int_equal(load_capture(yaml, &c, &d, log, sizeof(log)), 0);
	assert_null(strstr(log, "budget"));
	st_conf_free(c);

	/* A record whose endpoints have no check never fails over. */
	fmt(yaml, sizeof(yaml),
	    "zones: { example.test: z }\n"
	    "regions:\n  s: { endpoints: { f: { address: 192.0.2.2 } } }\n"
	    "records:\n  www.example.test: { type: A, regions: [s], failover_budget: 1m }\n");
	assert_int_equal(load_capture(yaml, &c, &d, log, sizeof(log)), 0);
	if (!strstr(log, "warning: record www.example.test. A, failover budget 1m cannot be met: "
			 "none of its endpoints has a check, so it never fails over (t.yaml:5)\n"))
		fail_msg("log: %s", log);
	st_conf_free(c);
}

/* Load a damaged copy: it either loads or fails with "t.yaml:LINE:COL: ". */
static bool load_damaged(const char *text, const char *how, size_t line)
{
	st_conf_t *c;
	st_diag_t d;
	int rc = load_text(text, &c, &d);
	if (rc == 0) {
		st_conf_free(c);
		return true;
	}
	unsigned l, col;
	char colon;
	if (sscanf(d.text, "t.yaml:%u:%u%c", &l, &col, &colon) != 3 || colon != ':' || l == 0 ||
	    col == 0)
		fail_msg("%s line %zu: error without a position: %s", how, line, d.text);
	return false;
}

/* The full config with each line deleted, each value replaced by a wrong
 * type, and cut short after each line: every error path runs, and the
 * sanitizer build checks that none of them leaks. */
static void test_damaged(void **state)
{
	char path[PATH_MAX];
	data_path(path, sizeof(path), "tests/data/conf/full.yaml");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[16384], out[16384];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	size_t n_lines = 0;
	const char *lines[512];
	for (char *p = text; *p && n_lines < 512; n_lines++) {
		lines[n_lines] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	static const char *const wrong[] = {"{ x: 1 }", "[1, 2]", "-1", "\"\"", "99999999999", "~"};
	size_t loaded = 0, failed = 0;
	st_log_set_level(ST_LOG_ERR); /* budget warnings of damaged copies are noise here */
	for (size_t i = 0; i < n_lines; i++) {
		for (int mode = 0; mode < 2 + 6; mode++) {
			size_t o = 0;
			for (size_t j = 0; j < n_lines; j++) {
				if (mode == 1 && j > i)
					break;
				if (j == i && mode == 0)
					continue;
				const char *colon = strstr(lines[j], ": ");
				if (j == i && mode >= 2 && colon)
					o += (size_t)snprintf(out + o, sizeof(out) - o,
							      "%.*s: %s\n", (int)(colon - lines[j]),
							      lines[j], wrong[mode - 2]);
				else
					o += (size_t)snprintf(out + o, sizeof(out) - o, "%s\n",
							      lines[j]);
				assert_true(o < sizeof(out));
			}
			if (load_damaged(out,
					 mode == 0   ? "deleted"
					 : mode == 1 ? "cut after"
						     : "wrong type",
					 i + 1))
				loaded++;
			else
				failed++;
		}
	}
	st_log_set_level(ST_LOG_WARNING);
	/* Comments and optional keys can go; most damage must be caught. */
	print_message("damaged copies: %zu loaded, %zu rejected\n", loaded, failed);
	assert_true(loaded > 200 && failed > 400);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	static char buf[2][65536];
	static int which;
	char *b = buf[which++ % 2];
	size_t n = fread(b, 1, sizeof(buf[0]) - 1, f);
	fclose(f);
	b[n] = '\0';
	return b;
}

/* "key:" as a key (at a line start or after a space or '{'), or commented out
 * ("  # key: value"), not a word in a comment's text. */
static bool has_key(const char *text, const char *key)
{
	size_t len = strlen(key);
	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
		const char *line = p;
		while (line > text && line[-1] != '\n')
			line--;
		const char *hash = memchr(line, '#', (size_t)(p - line));
		bool start = p == text || p[-1] == ' ' || p[-1] == '{' || p[-1] == '\n';
		bool commented_out = hash && strspn(line, " #") == (size_t)(p - line);
		if (start && (!hash || commented_out) && p[len] == ':')
			return true;
	}
	return false;
}

/* Every key of the schema appears in the example config and in the man page:
 * adding a row without documenting it fails here. */
static void test_documented(void **state)
{
	static const st_table_t *const tables[] = {
	    &st_server_table, &st_geo_table,	  &st_health_table, &st_check_table,
	    &st_region_table, &st_endpoint_table, &st_record_table,
	};
	char path[PATH_MAX];
	data_path(path, sizeof(path), "doc/steerd.yaml.example");
	const char *example = read_all(path);
	data_path(path, sizeof(path), "doc/steerd.yaml.5");
	const char *man = read_all(path);
	size_t n = 0;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const st_item_t *it = tables[t]->items; it->name; it++, n++) {
			char roff[96];
			fmt(roff, sizeof(roff), "\n.BR %s ", it->name);
			if (!has_key(example, it->name))
				fail_msg("%s key '%s' is not in doc/steerd.yaml.example",
					 tables[t]->what, it->name);
			if (!strstr(man, roff))
				fail_msg("%s key '%s' is not in doc/steerd.yaml.5", tables[t]->what,
					 it->name);
		}
	}
	assert_true(n > 50);
	for (const char *s = "zones\0server\0geo\0health\0checks\0regions\0records\0"; *s;
	     s += strlen(s) + 1)
		assert_true(has_key(example, s));
}

static void test_example(void **state)
{
	char path[PATH_MAX];
	st_conf_t *c = NULL;
	st_diag_t d;
	data_path(path, sizeof(path), "doc/steerd.yaml.example");
	if (st_conf_load(path, &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_true(c->n_zones >= 1);
	assert_true(c->n_checks >= 1);
	assert_true(c->n_regions >= 2);
	assert_true(c->n_records >= 8);
	/* Every policy appears in the example. */
	unsigned policies = 0;
	for (size_t i = 0; i < c->n_records; i++) {
		policies |= 1u << c->records[i].policy;
		assert_non_null(strstr(c->records[i].owner, "example.test."));
	}
	assert_int_equal(policies, 0xff);
	/* Every check type too. */
	unsigned types = 0;
	for (size_t i = 0; i < c->n_checks; i++)
		types |= 1u << c->checks[i].type;
	assert_int_equal(types, 0x1f);
	st_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),	   // every key
	    cmocka_unit_test(test_design),	   // DESIGN.md's example
	    cmocka_unit_test(test_defaults),	   // every default
	    cmocka_unit_test(test_errors),	   // every class of error
	    cmocka_unit_test(test_command_line),   // --listen, --zone
	    cmocka_unit_test(test_missing_file),   // no such file
	    cmocka_unit_test(test_budget_warning), // failover budget
	    cmocka_unit_test(test_damaged),	   // error paths, leaks
	    cmocka_unit_test(test_example),
	    cmocka_unit_test(test_documented), // doc/steerd.yaml.example
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
