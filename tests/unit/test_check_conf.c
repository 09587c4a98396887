/* Checks from a real YAML config: defaults, probe destinations (address,
 * address6, check_target, default ports), Host/TLS names, and the checker
 * built from it (table slots for checked endpoints only, bad CA file). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "check/checker.h"
#include "check/probe.h"
#include "common/time.h"
#include "conf/conf.h"
#include "health/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_check_conf.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static st_conf_t *load(const char *yaml, int want_rc, st_diag_t *diag)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/steer.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	st_conf_t *conf = NULL;
	int rc = st_conf_load(path, &conf, diag);
	if (rc != want_rc)
		print_message("load: %d %s\n", rc, diag->text);
	assert_int_equal(rc, want_rc);
	return conf;
}

static const char *base_yaml =
    "health:\n"
    "  table: run/health.shm\n"
    "checks:\n"
    "  web: { type: http, port: 8080 }\n"
    "  secure: { type: https, host: api.example.test, tls_verify: false, path: /hc }\n"
    "  dnsc: { type: dns, dns_name: www.example.test., dns_expect: 192.0.2.1 }\n"
    "  tcpc: { type: tcp, port: 22, interval: 100ms, timeout: 50ms, rise: 3, fall: 4 }\n"
    "  cmd: { type: exec, command: [/bin/true, --flag] }\n"
    "regions:\n"
    "  r1:\n"
    "    endpoints:\n"
    "      a: { address: 192.0.2.1, check: web }\n"
    "      b: { address6: \"2001:db8::1\", check: secure }\n"
    "      c: { address: 192.0.2.3, check: dnsc, check_target: \"127.0.0.1:5300\" }\n"
    "      d: { address: 192.0.2.4, check: tcpc }\n"
    "      e: { cname: lb.example.net., check: cmd }\n"
    "      f: { address: 192.0.2.6 }\n";

static void test_specs(void **state)
{
	st_diag_t diag;
	st_conf_t *conf = load(base_yaml, 0, &diag);
	st_probe_spec_t s;

	uint32_t a = st_conf_endpoint_index(conf, "a");
	assert_int_equal(st_probe_spec_init(&s, conf, a, &diag), 0);
	assert_int_equal(s.check->type, ST_CHECK_HTTP);
	assert_string_equal(s.target_str, "192.0.2.1:8080");
	assert_string_equal(s.host, "192.0.2.1");
	assert_string_equal(s.check->path, "/");
	assert_int_equal(s.check->interval_ms, 2000);
	assert_int_equal(s.check->timeout_ms, 1000);
	assert_int_equal(s.check->rise, 2);
	assert_int_equal(s.check->fall, 2);

	assert_int_equal(st_probe_spec_init(&s, conf, st_conf_endpoint_index(conf, "b"), &diag), 0);
	assert_string_equal(s.target_str, "[2001:db8::1]:443");
	assert_string_equal(s.host, "api.example.test");
	assert_false(s.check->tls_verify);
	assert_string_equal(s.check->path, "/hc");

	assert_int_equal(st_probe_spec_init(&s, conf, st_conf_endpoint_index(conf, "c"), &diag), 0);
	assert_string_equal(s.target_str, "127.0.0.1:5300");
	assert_string_equal(s.check->dns_expect, "192.0.2.1");
	assert_int_equal(s.check->dns_type, 1);
	assert_int_equal(s.check->dns_rcode, 0);

	assert_int_equal(st_probe_spec_init(&s, conf, st_conf_endpoint_index(conf, "d"), &diag), 0);
	assert_string_equal(s.target_str, "192.0.2.4:22");
	assert_int_equal(s.check->interval_ms, 100);
	assert_int_equal(s.check->timeout_ms, 50);
	assert_int_equal(s.check->rise, 3);
	assert_int_equal(s.check->fall, 4);

	assert_int_equal(st_probe_spec_init(&s, conf, st_conf_endpoint_index(conf, "e"), &diag), 0);
	assert_int_equal(s.check->type, ST_CHECK_EXEC);
	assert_int_equal(s.check->exec_argc, 2);
	assert_string_equal(s.check->exec_argv[0], "/bin/true");
	assert_null(s.check->exec_argv[2]);

	/* No check: nothing to probe. */
	assert_int_equal(st_probe_spec_init(&s, conf, st_conf_endpoint_index(conf, "f"), &diag),
			 ST_ECONF);
	st_conf_free(conf);
}

/* A check with its own target probes it for every endpoint that lists the
 * check, before the endpoint's check_target and address; its port is the
 * target's, else the check's. A cname endpoint needs no check_target then. */
static void test_check_target(void **state)
{
	static const char yaml[] =
	    "health:\n"
	    "  table: run/health.shm\n"
	    "checks:\n"
	    "  web: { type: http, port: 8080 }\n"
	    "  db: { type: tcp, target: \"127.0.0.2:5432\" }\n"
	    "  lb: { type: http, port: 81, target: \"::1\", path: /ready }\n"
	    "regions:\n"
	    "  r1:\n"
	    "    endpoints:\n"
	    "      a: { address: 192.0.2.1, check: [web, db] }\n"
	    "      b: { address: 192.0.2.2, check: [web, db], check_target: \"127.0.0.9:9\" }\n"
	    "      c: { cname: lb.example.net., check: [lb, db], healthy_when: any }\n";
	st_diag_t diag;
	st_conf_t *conf = load(yaml, 0, &diag);
	st_probe_spec_t s;
	uint32_t a = st_conf_endpoint_index(conf, "a"), b = st_conf_endpoint_index(conf, "b"),
		 c = st_conf_endpoint_index(conf, "c");
	uint32_t web = 0, db = 1, lb = 2;
	assert_string_equal(conf->checks[db].name, "db");
	assert_int_equal(st_probe_spec_init_check(&s, conf, a, web, &diag), 0);
	assert_string_equal(s.target_str, "192.0.2.1:8080");
	assert_int_equal(st_probe_spec_init_check(&s, conf, a, db, &diag), 0);
	assert_string_equal(s.target_str, "127.0.0.2:5432");
	assert_string_equal(s.endpoint, "a");
	/* the endpoint's check_target serves its checks without a target */
	assert_int_equal(st_probe_spec_init_check(&s, conf, b, web, &diag), 0);
	assert_string_equal(s.target_str, "127.0.0.9:9");
	assert_int_equal(st_probe_spec_init_check(&s, conf, b, db, &diag), 0);
	assert_string_equal(s.target_str, "127.0.0.2:5432");
	/* no port in the target: the check's */
	assert_int_equal(st_probe_spec_init_check(&s, conf, c, lb, &diag), 0);
	assert_string_equal(s.target_str, "[::1]:81");
	assert_string_equal(s.host, "::1");
	assert_int_equal(st_probe_spec_init_check(&s, conf, c, db, &diag), 0);
	assert_string_equal(s.target_str, "127.0.0.2:5432");
	st_conf_free(conf);
}

static void test_checker_table(void **state)
{
	st_diag_t diag;
	st_conf_t *conf = load(base_yaml, 0, &diag);
	st_loop_t *loop = st_loop_new();
	st_checker_t *c = NULL;
	/* The table's folder does not exist yet: the writer makes it. */
	assert_int_equal(st_checker_new(loop, conf, conf->health_table, &c, &diag), 0);
	assert_int_equal(st_checker_count(c), 5);
	assert_string_equal(st_checker_name(c, 4), "e");
	st_healthtab_t *t = NULL;
	assert_int_equal(st_healthtab_reader_open(conf->health_table, &t, &diag), 0);
	assert_int_equal(st_healthtab_count(t), 5);
	assert_int_equal(st_healthtab_find(t, "f"), UINT32_MAX);
	assert_int_equal(st_healthtab_pid(t), getpid());
	assert_true(st_healthtab_heartbeat_ns(t) > 0);
	st_checker_free(c);
	assert_int_equal(st_healthtab_pid(t), 0);
	st_healthtab_close(t);
	st_loop_free(loop);
	st_conf_free(conf);
}

/* Start jitter: 200 endpoints with the same 1 s interval get their first
 * probes spread over that second, not all at once. */
static void test_start_jitter(void **state)
{
	enum { N = 200 };
	static char yaml[N * 64 + 512];
	size_t len = (size_t)snprintf(yaml, sizeof(yaml),
				      "checks:\n"
				      "  t: { type: tcp, port: 9, interval: 1s, timeout: 200ms }\n"
				      "regions:\n"
				      "  r1:\n"
				      "    endpoints:\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(yaml + len, sizeof(yaml) - len,
					"      e%d: { address: 127.0.0.1, check: t }\n", i);
	st_diag_t diag;
	st_conf_t *conf = load(yaml, 0, &diag);
	st_loop_t *loop = st_loop_new();
	st_checker_t *c = NULL;
	assert_int_equal(st_checker_new(loop, conf, NULL, &c, &diag), 0);
	assert_int_equal(st_checker_count(c), N);
	st_checker_seed(c, 42);
	uint64_t before = st_mono_ns();
	assert_int_equal(st_checker_start(c), 0);
	uint64_t after = st_mono_ns();
	unsigned tenths[10] = {0};
	for (size_t i = 0; i < N; i++) {
		uint64_t due = st_checker_next_due_ns(c, i);
		assert_true(due >= before);
		assert_true(due < after + ST_NS_PER_MS * 1000);
		uint64_t ms = (due - before) / ST_NS_PER_MS;
		tenths[ms >= 1000 ? 9 : ms / 100]++;
	}
	/* Uniform over the interval: every tenth of it gets some, none most. */
	for (int k = 0; k < 10; k++) {
		assert_true(tenths[k] >= 5);
		assert_true(tenths[k] <= 50);
	}
	st_checker_free(c);
	st_loop_free(loop);
	st_conf_free(conf);
}

/* A checker restarted over its table carries on from what it published:
 * a calculated endpoint's checks take the states its slot kept (an
 * inverted one turned back to what its probes said), a single check the
 * slot as it is, and a slot that kept another number of checks gives them
 * no state. */
static void test_calculated_restart(void **state)
{
	static const char yaml[] =
	    "health:\n"
	    "  table: run/calc.shm\n"
	    "checks:\n"
	    "  web: { type: tcp, port: 9 }\n"
	    "  maint: { type: tcp, port: 10, invert: true }\n"
	    "regions:\n"
	    "  r1:\n"
	    "    endpoints:\n"
	    "      calc: { address: 127.0.0.1, check: [web, maint] }\n"
	    "      single: { address: 127.0.0.1, check: maint }\n"
	    "      other: { address: 127.0.0.1, check: [maint, web] }\n";
	st_diag_t diag;
	st_conf_t *conf = load(yaml, 0, &diag);
	st_loop_t *loop = st_loop_new();
	st_checker_t *c = NULL;
	assert_int_equal(st_checker_new(loop, conf, conf->health_table, &c, &diag), 0);
	st_checker_free(c);
	/* what a checker had published: web up, maint down (its page answers) */
	st_healthtab_t *t = NULL;
	const char *names[] = {"calc", "single", "other"};
	assert_int_equal(st_healthtab_writer_open(conf->health_table, names, 3, &t, &diag), 0);
	st_health_rec_t rec = {.state = ST_HEALTH_DOWN, .n_checks = 2, .flaps = 4};
	st_health_set_check_state(&rec, 0, ST_HEALTH_UP);
	st_health_set_check_state(&rec, 1, ST_HEALTH_DOWN);
	st_healthtab_write(t, 0, &rec);
	st_health_rec_t one = {.state = ST_HEALTH_UP, .failures = 3, .n_checks = 1};
	st_health_set_check_state(&one, 0, ST_HEALTH_UP);
	st_healthtab_write(t, 1, &one);
	rec.n_checks = 3; /* not what the config says now */
	st_healthtab_write(t, 2, &rec);
	st_healthtab_writer_detach(t);
	st_healthtab_close(t);

	assert_int_equal(st_checker_new(loop, conf, conf->health_table, &c, &diag), 0);
	st_checker_check_t k;
	assert_int_equal(st_checker_count(c), 3);
	assert_int_equal(st_checker_checks(c, 0), 2);
	assert_int_equal(st_checker_hyst(c, 0)->state, ST_HEALTH_DOWN);
	assert_int_equal(st_checker_hyst(c, 0)->flaps, 4);
	assert_true(st_checker_check(c, 0, 0, &k));
	assert_string_equal(k.name, "web");
	assert_false(k.invert);
	assert_int_equal(k.state, ST_HEALTH_UP);
	assert_true(st_checker_check(c, 0, 1, &k));
	assert_string_equal(k.name, "maint");
	assert_true(k.invert);
	assert_int_equal(k.state, ST_HEALTH_DOWN);
	assert_false(st_checker_check(c, 0, 2, &k));
	/* a single inverted check: the endpoint's state is the check's */
	assert_int_equal(st_checker_checks(c, 1), 1);
	assert_true(st_checker_check(c, 1, 0, &k));
	assert_int_equal(k.state, ST_HEALTH_UP);
	assert_int_equal(st_checker_hyst(c, 1)->failures, 3);
	/* another number of checks: no state for them, the endpoint's kept */
	assert_true(st_checker_check(c, 2, 0, &k));
	assert_int_equal(k.state, ST_HEALTH_UNKNOWN);
	assert_true(st_checker_check(c, 2, 1, &k));
	assert_int_equal(k.state, ST_HEALTH_UNKNOWN);
	assert_int_equal(st_checker_hyst(c, 2)->state, ST_HEALTH_DOWN);
	st_checker_free(c);
	st_loop_free(loop);
	st_conf_free(conf);
}

static void test_bad_ca_file(void **state)
{
	st_diag_t diag;
	char yaml[1024];
	snprintf(yaml, sizeof(yaml),
		 "health: { table: health.shm }\n"
		 "checks:\n"
		 "  secure: { type: https, tls_ca_file: %s/missing.pem }\n"
		 "regions:\n"
		 "  r1:\n"
		 "    endpoints:\n"
		 "      a: { address: 192.0.2.1, check: secure }\n",
		 dir);
	st_conf_t *conf = load(yaml, 0, &diag);
	st_loop_t *loop = st_loop_new();
	st_checker_t *c = NULL;
	st_diag_clear(&diag);
	assert_int_not_equal(st_checker_new(loop, conf, conf->health_table, &c, &diag), 0);
	assert_null(c);
	assert_non_null(strstr(diag.text, "missing.pem"));
	st_loop_free(loop);
	st_conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_target),
	    cmocka_unit_test(test_specs),
	    cmocka_unit_test(test_checker_table),
	    cmocka_unit_test(test_calculated_restart),
	    cmocka_unit_test(test_bad_ca_file),
	    cmocka_unit_test(test_start_jitter),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
