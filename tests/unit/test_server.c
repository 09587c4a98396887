/* Attaching a service to the server: the hooks of every attached service
 * follow each reload in the order they were attached, see the view with its
 * config, can fail a reload (the old view keeps serving), and stop after a
 * detach. No sockets: the server is built, not started. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "server/server.h"
#include "common/log.h"
#include "conf/conf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ZONE "example.test:" ST_SRCDIR "/zones/example.test.zone"

typedef struct service {
	char name;
	bool fail;
	char *log; /* shared: "a+b+a!b!" = prepare a, prepare b, published a, b */
	const st_view_t *prepared;
} service_t;

static int prepare(void *arg, const st_view_t *old, st_view_t *fresh, st_diag_t *diag)
{
	service_t *s = arg;
	assert_non_null(fresh->conf);
	assert_true(fresh->generation == old->generation + 1);
	s->prepared = fresh;
	snprintf(s->log + strlen(s->log), 8, "%c+", s->name);
	if (s->fail)
		return st_diag_set(diag, ST_EINVAL, "service %c says no", s->name);
	return 0;
}

static void published(void *arg, const st_view_t *old, const st_view_t *fresh)
{
	service_t *s = arg;
	assert_ptr_equal(fresh, s->prepared);
	assert_ptr_not_equal(old, fresh);
	snprintf(s->log + strlen(s->log), 8, "%c!", s->name);
}

static st_server_t *server(void)
{
	st_conf_t *conf = st_conf_new();
	st_diag_t diag;
	assert_non_null(conf);
	assert_int_equal(st_conf_add_listen(conf, "127.0.0.1:53", &diag), 0);
	assert_int_equal(st_conf_add_zone(conf, ZONE, &diag), 0);
	st_server_t *srv = NULL;
	if (st_server_new(conf, &srv, &diag) != 0)
		fail_msg("st_server_new: %s", diag.text);
	return srv;
}

static void test_hooks_in_order(void **state)
{
	(void)state;
	st_server_t *srv = server();
	char log[64] = "";
	service_t a = {.name = 'a', .log = log}, b = {.name = 'b', .log = log};
	static const st_server_hooks_t hooks = {.prepare = prepare, .published = published};
	static const st_server_hooks_t only_prepare = {.prepare = prepare};
	assert_int_equal(st_server_attach(srv, &hooks, &a), 0);
	assert_int_equal(st_server_attach(srv, &only_prepare, &b), 0);

	st_diag_t diag;
	assert_int_equal(st_server_reload(srv, NULL, &diag), 0);
	assert_string_equal(log, "a+b+a!");
	assert_ptr_equal(st_server_view(srv), a.prepared);
	assert_ptr_equal(st_server_view(srv)->conf, st_server_conf(srv));

	/* A service that refuses the new view fails the reload: the old one serves. */
	log[0] = '\0';
	const st_view_t *before = st_server_view(srv);
	b.fail = true;
	assert_true(st_server_reload(srv, NULL, &diag) < 0);
	assert_string_equal(log, "a+b+");
	assert_ptr_equal(st_server_view(srv), before);
	assert_non_null(strstr(diag.text, "service b says no"));
	st_reload_stats_t rs;
	st_server_reload_stats(srv, &rs);
	assert_int_equal(rs.ok, 1);
	assert_int_equal(rs.failed, 1);

	/* Detached, a service hears of no more reloads. */
	st_server_detach(srv, &b);
	log[0] = '\0';
	assert_int_equal(st_server_reload(srv, "example.test", &diag), 0);
	assert_string_equal(log, "a+a!");
	st_server_detach(srv, &a);
	log[0] = '\0';
	assert_int_equal(st_server_reload(srv, NULL, &diag), 0);
	assert_string_equal(log, "");
	st_server_free(srv);
}

/* What steerctl checkconf runs: a check that applies nothing. */
static void test_check_applies_nothing(void **state)
{
	(void)state;
	st_server_t *srv = server();
	const st_view_t *before = st_server_view(srv);
	size_t nz = 0;
	st_diag_t diag;
	assert_int_equal(st_server_check(srv, &nz, &diag), 0);
	assert_int_equal(nz, 1);
	assert_ptr_equal(st_server_view(srv), before);
	st_server_free(srv);
}

int main(void)
{
	st_log_init("test_server", ST_LOG_ERR, false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hooks_in_order),
	    cmocka_unit_test(test_check_applies_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
