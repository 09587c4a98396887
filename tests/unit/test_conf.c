/* Config loading: every key parsed to exact values, defaults, the
 * command-line additions, the failover budget warning, and the example config
 * and man page in step with the schema. Errors are in test_conf_errors.c. */
#include "test_conf.h"

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
	assert_int_equal(c->tcp_message_timeout_ms, 1500);
	assert_int_equal(c->tcp_max_clients, 64);
	assert_int_equal(c->coalesce_us, 50);
	assert_string_equal(c->log_level, "debug");

	/* zones */
	assert_int_equal(c->n_zones, 2);
	assert_string_equal(c->zones[0].name, "example.test.");
	fmt(exp, sizeof(exp), "%s/zones/example.test.zone", dir);
	assert_string_equal(c->zones[0].file, exp);
	assert_int_equal(c->zones[0].line, 16);
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
	assert_string_equal(x->map[0].key.text, "continent:EU");
	assert_int_equal(x->map[0].region, 1);
	assert_string_equal(x->map[1].key.text, "country:US");
	assert_string_equal(x->map[2].key.text, "subdivision:US-OH");
	assert_string_equal(x->map[3].key.text, "default");
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
	assert_string_equal(x->map[0].key.text, "192.0.2.0/24");
	assert_string_equal(x->map[1].key.text, "2001:db8::/32");
	x = &c->records[5];
	assert_int_equal(x->type, 5);
	assert_int_equal(x->ttl, 0);
	assert_int_equal(x->policy, ST_POLICY_FAILOVER);
	assert_int_equal(c->records[6].policy, ST_POLICY_GEOPROXIMITY);
	assert_int_equal(c->records[7].policy, ST_POLICY_MULTIVALUE);
	assert_int_equal(c->records[8].policy, ST_POLICY_SIMPLE);
	assert_int_equal(c->records[8].line, 116);
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

/* The tsig: section and the mapping form of a zone: keys from the text or
 * from a file (bare or BIND's key clause), access lists of keys, ranges
 * and both, NOTIFY targets with and without a key; the plain form keeps
 * every default. */
static void test_transfers(void **state)
{
	st_conf_t *c;
	st_diag_t d;
	write_file("k.key", "key \"file-key\" {\n\talgorithm hmac-sha512;\n\tsecret "
			    "\"AQIDBA==\";\n};\n");
	write_file("bare.key", "  BQYHCA==\n");
	int rc = load_text("tsig:\n"
			   "  xfr-key: { algorithm: hmac-sha384, secret: \"AQID\" }\n"
			   "  File-Key.: { algorithm: hmac-sha512, secret_file: k.key }\n"
			   "  bare: { secret_file: bare.key }\n"
			   "zones:\n"
			   "  plain.test: plain.zone\n"
			   "  example.test:\n"
			   "    file: zones/example.zone\n"
			   "    allow_transfer: [xfr-key, 192.0.2.0/24, \"2001:db8::1\",\n"
			   "                     { key: file-key, address: 10.0.0.0/8 }]\n"
			   "    notify: [\"192.0.2.53\", { address: \"[2001:db8::53]:5300\", key: bare,\n"
			   "               source: \"2001:db8::1\" }]\n"
			   "    routed_in_transfer: omit\n"
			   "    serial: unixtime\n"
			   "    ixfr_versions: 3\n",
			   &c, &d);
	if (rc != 0)
		fail_msg("%s", d.text);
	assert_int_equal(c->n_tsig, 3);
	assert_string_equal(c->tsig[0].name, "xfr-key.");
	assert_int_equal(c->tsig[0].alg, ST_TSIG_HMAC_SHA384);
	assert_int_equal(c->tsig[0].secret_len, 3);
	assert_memory_equal(c->tsig[0].secret, "\1\2\3", 3);
	assert_string_equal(c->tsig[1].name, "file-key.");
	assert_memory_equal(c->tsig[1].secret, "\1\2\3\4", 4);
	assert_int_equal(c->tsig[2].alg, ST_TSIG_HMAC_SHA256);
	assert_memory_equal(c->tsig[2].secret, "\5\6\7\10", 4);

	const st_conf_zone_t *p = &c->zones[0], *z = &c->zones[1];
	assert_false(st_conf_zone_transfers(p));
	assert_int_equal(p->routed_in_transfer, ST_ROUTED_ALL);
	assert_int_equal(p->serial, ST_SERIAL_FILE);
	assert_int_equal(p->ixfr_versions, 16);
	assert_true(st_conf_zone_transfers(z));
	assert_string_equal(z->file, "zones/example.zone");
	assert_int_equal(z->n_allow_transfer, 4);
	assert_int_equal(z->allow_transfer[0].key, 0);
	assert_true(z->allow_transfer[0].any_address);
	assert_int_equal(z->allow_transfer[1].key, ST_CONF_NONE);
	assert_int_equal(z->allow_transfer[1].net.len, 24);
	assert_int_equal(z->allow_transfer[2].net.family, AF_INET6);
	assert_int_equal(z->allow_transfer[2].net.len, 128);
	assert_int_equal(z->allow_transfer[3].key, 1);
	assert_false(z->allow_transfer[3].any_address);
	assert_int_equal(z->allow_transfer[3].net.len, 8);
	assert_int_equal(z->n_notify, 2);
	assert_int_equal(st_sockaddr_port(&z->notify[0].addr), 53);
	assert_int_equal(z->notify[0].key, ST_CONF_NONE);
	assert_int_equal(st_sockaddr_port(&z->notify[1].addr), 5300);
	assert_int_equal(z->notify[1].key, 2);
	assert_false(z->notify[0].has_source);
	assert_true(z->notify[1].has_source);
	char src[ST_SOCKADDR_STRLEN];
	st_sockaddr_str(&z->notify[1].source, src, sizeof(src));
	assert_string_equal(src, "[2001:db8::1]:0");
	assert_int_equal(z->routed_in_transfer, ST_ROUTED_OMIT);
	assert_int_equal(z->serial, ST_SERIAL_UNIXTIME);
	assert_int_equal(z->ixfr_versions, 3);
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
	assert_int_equal(c->tcp_message_timeout_ms, 2000);
	assert_int_equal(c->tcp_max_clients, 1024);
	assert_int_equal(c->coalesce_us, 200);
	assert_string_equal(c->log_level, "info");
	assert_false(c->rrl.enabled);
	assert_false(c->cookies);
	assert_null(c->identity);
	assert_null(c->version);
	assert_null(c->nsid);
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
	assert_int_equal(n->tcp_message_timeout_ms, c->tcp_message_timeout_ms);
	assert_int_equal(n->tcp_max_clients, c->tcp_max_clients);
	assert_int_equal(n->workers, c->workers);
	assert_int_equal(n->stale_after_ms, c->stale_after_ms);
	assert_int_equal(n->on_stale, c->on_stale);
	assert_int_equal(n->coalesce_us, c->coalesce_us);
	assert_int_equal(n->cookies, c->cookies);
	/* and nothing that names a file or a listen address */
	assert_null(n->health_table);
	assert_int_equal(n->n_listen, 0);
	assert_false(n->rrl.enabled);
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
/* server.identity, version and nsid (text, or 0x and hex). */
static void test_identity(void **state)
{
	(void)state;
	st_conf_t *c;
	st_diag_t d;
	if (load_text("server:\n  identity: ns1.eu\n  version: \"steerd 1\"\n  nsid: 0x00fF41\n",
		      &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_string_equal(c->identity, "ns1.eu");
	assert_string_equal(c->version, "steerd 1");
	assert_int_equal(c->nsid_len, 3);
	assert_memory_equal(c->nsid, "\0\377A", 3);
	st_conf_free(c);
	if (load_text("server:\n  nsid: ns1-eu\n", &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_int_equal(c->nsid_len, 6);
	assert_memory_equal(c->nsid, "ns1-eu", 6);
	st_conf_free(c);
}

/* server.rrl: a mapping (defaults for what it leaves out), true, false;
 * server.cookies. */
static void test_rrl(void **state)
{
	st_conf_t *c;
	st_diag_t d;
	if (load_text("server:\n  rrl: { rate: 5, exempt: [10.0.0.0/8, \"2001:db8::1\"] }\n"
		      "  cookies: yes\n",
		      &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_true(c->rrl.enabled);
	assert_int_equal(c->rrl.rate, 5);
	assert_int_equal(c->rrl.slip, 2);
	assert_int_equal(c->rrl.ipv4_prefix, 24);
	assert_int_equal(c->rrl.ipv6_prefix, 56);
	assert_int_equal(c->rrl.table_size, 65536);
	assert_int_equal(c->rrl.n_exempt, 2);
	char buf[64];
	st_prefix_str(&c->rrl.exempt[0], buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0/8");
	st_prefix_str(&c->rrl.exempt[1], buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1/128");
	assert_true(c->cookies);
	st_conf_free(c);

	if (load_text("server:\n  rrl: true\n", &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_true(c->rrl.enabled);
	assert_int_equal(c->rrl.rate, 200);
	assert_int_equal(c->rrl.n_exempt, 0);
	st_conf_free(c);

	if (load_text("server:\n  rrl: { slip: 0, ipv4_prefix: 32, ipv6_prefix: 128, "
		      "table_size: 1024, exempt: 192.0.2.0/24 }\n",
		      &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_int_equal(c->rrl.slip, 0);
	assert_int_equal(c->rrl.ipv4_prefix, 32);
	assert_int_equal(c->rrl.ipv6_prefix, 128);
	assert_int_equal(c->rrl.table_size, 1024);
	assert_int_equal(c->rrl.n_exempt, 1);
	st_conf_free(c);

	if (load_text("server:\n  rrl: off\n", &c, &d) != 0)
		fail_msg("%s", d.text);
	assert_false(c->rrl.enabled);
	st_conf_free(c);
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
	assert_string_equal(st_all_down_name(ST_ALL_DOWN_NODATA), "nodata");
	assert_string_equal(st_serial_policy_name(ST_SERIAL_UNIXTIME), "unixtime");
	assert_string_equal(st_policy_name((st_policy_t)99), "unknown");
	st_conf_free(c);
	st_conf_free(NULL);
}

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

	/* A CNAME record's region without a cname endpoint: said once. */
	fmt(yaml, sizeof(yaml), "%s",
	    "zones: { example.test: z }\n"
	    "regions:\n  a: { endpoints: { e: { cname: lb.example.net } } }\n"
	    "  b: { endpoints: { f: { address: 192.0.2.2 } } }\n"
	    "records:\n  www.example.test: { type: CNAME, regions: [a, b], policy: failover }\n");
	assert_int_equal(load_capture(yaml, &c, &d, log, sizeof(log)), 0);
	if (!strstr(log, "warning: record www.example.test. CNAME: region b has no endpoint with "
			 "a 'cname', so the answer is NODATA whenever the policy picks it "
			 "(t.yaml:6)\n"))
		fail_msg("log: %s", log);
	assert_null(strstr(log, "region a has"));
	st_conf_free(c);
}

/* Load a damaged copy: it either loads or fails with "t.yaml:LINE:COL: ". */
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
/* The fleet section and health.source: values, defaults, and none at all. */
static void test_fleet(void **state)
{
	st_conf_t *c = NULL;
	st_diag_t d;
	assert_int_equal(load_text("fleet:\n  name: use1\n"
				   "  etcd: [\"http://127.0.0.1:2379\", \"https://[::1]:2379\"]\n"
				   "  prefix: /prod/dns\n  quorum: 34%\n  view_ttl: 3s\n"
				   "  stale_after: 20s\n"
				   "  tls: { ca_file: ca.pem, cert_file: c.pem, key_file: c.key }\n"
				   "health:\n  source: 127.0.10.1\n",
				   &c, &d),
			 0);
	assert_true(c->fleet.enabled);
	assert_string_equal(c->fleet.name, "use1");
	assert_int_equal(c->fleet.n_etcd, 2);
	assert_string_equal(c->fleet.etcd[1], "https://[::1]:2379");
	assert_string_equal(c->fleet.prefix, "/prod/dns");
	assert_int_equal(c->fleet.quorum.kind, ST_QUORUM_PERCENT);
	assert_int_equal(c->fleet.quorum.n, 34);
	assert_int_equal(c->fleet.view_ttl_ms, 3000);
	assert_int_equal(c->fleet.stale_after_ms, 20000);
	assert_string_equal(c->fleet.tls_ca_file, "ca.pem");
	assert_string_equal(c->fleet.tls_key_file, "c.key");
	assert_true(c->has_health_source);
	char buf[64];
	st_sockaddr_str(&c->health_source, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.10.1:0");
	st_conf_free(c);

	/* defaults: the host name, /steerdns, majority, 5s, 15s */
	assert_int_equal(load_text("fleet:\n  etcd: [\"http://127.0.0.1:2379\"]\n"
				   "health: { source: \"::1\" }\n",
				   &c, &d),
			 0);
	char host[256];
	gethostname(host, sizeof(host));
	host[strcspn(host, ".")] = '\0';
	assert_string_equal(c->fleet.name, host);
	assert_string_equal(c->fleet.prefix, "/steerdns");
	assert_int_equal(c->fleet.quorum.kind, ST_QUORUM_MAJORITY);
	assert_int_equal(c->fleet.view_ttl_ms, 5000);
	assert_int_equal(c->fleet.stale_after_ms, 15000);
	assert_null(c->fleet.tls_ca_file);
	assert_int_equal(c->health_source.u.sa.sa_family, AF_INET6);
	st_conf_free(c);

	/* no section, or a null one: one box */
	assert_int_equal(load_text("fleet:\n", &c, &d), 0);
	assert_false(c->fleet.enabled);
	assert_false(c->has_health_source);
	st_conf_free(c);

	/* the digest: the same for two sites, different for another config */
	const char *site1 = "server: { listen: [\"127.0.0.1:53\"], workers: 2 }\n"
			    "fleet: { name: a, etcd: [\"http://e:1\"] }\n"
			    "health: { source: 127.0.10.1, stale_after: 5s }\n";
	const char *site2 = "health: { stale_after: 5s, source: 127.0.10.2 }\n"
			    "fleet:\n  etcd: [\"http://e:1\"]\n  name: b\n"
			    "server: { workers: 2, listen: [\"127.0.0.2:53\"], control: c.sock }\n";
	const char *other = "server: { listen: [\"127.0.0.1:53\"], workers: 3 }\n"
			    "fleet: { name: a, etcd: [\"http://e:1\"] }\n"
			    "health: { source: 127.0.10.1, stale_after: 5s }\n";
	char d1[48];
	assert_int_equal(load_text(site1, &c, &d), 0);
	snprintf(d1, sizeof(d1), "%s", c->digest);
	assert_int_equal(strlen(d1), 7 + 32);
	assert_memory_equal(d1, "sha256:", 7);
	st_conf_free(c);
	assert_int_equal(load_text(site2, &c, &d), 0);
	assert_string_equal(c->digest, d1);
	st_conf_free(c);
	assert_int_equal(load_text(other, &c, &d), 0);
	assert_string_not_equal(c->digest, d1);
	st_conf_free(c);

	st_quorum_t q;
	char text[16];
	const char *round[] = {"majority", "3", "18%", "100%", "1000"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(st_quorum_parse(round[i], &q), 0);
		st_quorum_fmt(&q, text, sizeof(text));
		assert_string_equal(text, round[i]);
	}
	const char *bad[] = {"", "0", "0%", "101%", "-1", "2x", "%", "majority ", "1.5", "1001",
			     "Majority"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(st_quorum_parse(bad[i], &q), ST_EINVAL);
}

static void test_documented(void **state)
{
	static const st_table_t *const tables[] = {
	    &st_server_table, &st_tsig_table,	  &st_zone_table,   &st_geo_table,
	    &st_health_table, &st_check_table,	  &st_region_table, &st_endpoint_table,
	    &st_record_table, &st_fleet_table,	  &st_fleet_tls_table, &st_rrl_table,
	    &st_dnssec_table,
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
	for (const char *s = "zones\0tsig\0server\0geo\0health\0checks\0regions\0records\0fleet\0";
	     *s;
	     s += strlen(s) + 1)
		assert_true(has_key(example, s));
}

/* Calculated health: a check name or a list of them, healthy_when as all,
 * any or a number (kept as the count of up checks needed), invert on a
 * check, and a failover budget weighed against the slowest of the checks. */
static void test_calculated(void **state)
{
	static const char yaml[] =
	    "zones: { example.test: z }\n"
	    "checks:\n"
	    "  web: { type: http, port: 8080 }\n"
	    "  db: { type: tcp, port: 5432, interval: 5s, fall: 3 }\n"
	    "  maint: { type: http, port: 8080, path: /maintenance, invert: true }\n"
	    "regions:\n"
	    "  r:\n"
	    "    endpoints:\n"
	    "      one: { address: 192.0.2.1, check: web }\n"
	    "      listed: { address: 192.0.2.2, check: [web] }\n"
	    "      all: { address: 192.0.2.3, check: [web, db, maint] }\n"
	    "      any: { address: 192.0.2.4, check: [db, web], healthy_when: any }\n"
	    "      two: { address: 192.0.2.5, check: [web, db, maint], healthy_when: 2,"
	    " check_target: 127.0.0.1 }\n"
	    "      none: { address: 192.0.2.6 }\n"
	    "  s: { endpoints: { f: { address: 192.0.2.9 } } }\n"
	    "records:\n"
	    "  www.example.test: { type: A, ttl: 20, regions: [r, s], policy: failover,"
	    " failover_budget: 30s }\n";
	char log[4096], hw[16];
	st_conf_t *c;
	st_diag_t d;
	assert_int_equal(load_capture(yaml, &c, &d, log, sizeof(log)), 0);
	uint32_t web = 0, db = 1, maint = 2;
	assert_false(c->checks[web].invert);
	assert_true(c->checks[maint].invert);
	static const struct {
		const char *name;
		uint32_t n, need, first;
		const char *hw;
	} want[] = {
	    {"one", 1, 1, 0, "all"}, {"listed", 1, 1, 0, "all"}, {"all", 3, 3, 0, "all"},
	    {"any", 2, 1, 1, "any"}, {"two", 3, 2, 0, "2"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const st_conf_endpoint_t *e = &c->endpoints[st_conf_endpoint_index(c, want[i].name)];
		assert_int_equal(e->n_checks, want[i].n);
		assert_int_equal(e->healthy_when, want[i].need);
		assert_int_equal(e->check, want[i].first);
		assert_int_equal(e->checks[0], want[i].first);
		st_conf_healthy_when_fmt(e, hw, sizeof(hw));
		assert_string_equal(hw, want[i].hw);
	}
	const st_conf_endpoint_t *all = &c->endpoints[st_conf_endpoint_index(c, "all")];
	assert_int_equal(all->checks[1], db);
	assert_int_equal(all->checks[2], maint);
	const st_conf_endpoint_t *none = &c->endpoints[st_conf_endpoint_index(c, "none")];
	assert_int_equal(none->n_checks, 0);
	assert_int_equal(none->check, ST_CONF_NONE);
	assert_null(none->checks);
	/* db, second in two lists, is the slowest: 5s x 3 + 1s + 20s = 36s */
	if (!strstr(log, "failover budget 30s is exceeded: check db interval 5s x fall 3 + "
			 "timeout 1s + ttl 20s = 36s"))
		fail_msg("log: %s", log);
	st_conf_free(c);
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
	/* Calculated health: an endpoint with several checks, an inverted check. */
	bool several = false, inverted = false;
	for (size_t i = 0; i < c->n_endpoints; i++)
		several |= c->endpoints[i].n_checks > 1;
	for (size_t i = 0; i < c->n_checks; i++)
		inverted |= c->checks[i].invert;
	assert_true(several);
	assert_true(inverted);
	st_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),	   cmocka_unit_test(test_design),
	    cmocka_unit_test(test_defaults),	   cmocka_unit_test(test_command_line),
	    cmocka_unit_test(test_budget_warning), cmocka_unit_test(test_example),
	    cmocka_unit_test(test_documented),	   cmocka_unit_test(test_fleet),
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_rrl),	   cmocka_unit_test(test_calculated),
	    cmocka_unit_test(test_transfers),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
