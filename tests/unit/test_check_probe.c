/* Probes against real loopback servers run in threads of the test: tcp
 * connect and refusal, http status ranges, body match, timeout, dns rcode and
 * answer, exec exit codes, output and timeout (the process group is killed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "check/probe.h"
#include "common/time.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A loopback server thread: http (canned response or hang) or dns. */
typedef struct server {
	int fd;
	uint16_t port;
	pthread_t thread;
	atomic_bool stop;
	const char *response; /* http; NULL = accept and never answer */
	int rcode;	      /* dns */
	unsigned served;
	char peer[64]; /* address of the last client */
} server_t;

static void note_peer(server_t *s, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	inet_ntop(AF_INET, &in->sin_addr, s->peer, sizeof(s->peer));
}

static int listen_on(int type, uint16_t *port)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 16), 0);
	socklen_t len = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void *http_main(void *arg)
{
	server_t *s = arg;
	int held[16], n_held = 0;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof(ss);
		int c = accept(s->fd, (struct sockaddr *)&ss, &sslen);
		if (c < 0)
			continue;
		note_peer(s, &ss);
		char req[2048];
		size_t len = 0;
		while (len < sizeof(req) - 1) {
			struct pollfd cp = {.fd = c, .events = POLLIN};
			if (poll(&cp, 1, 1000) <= 0)
				break;
			ssize_t r = read(c, req + len, sizeof(req) - 1 - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			req[len] = '\0';
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		s->served++;
		if (!s->response) {
			if (n_held < 16)
				held[n_held++] = c;
			else
				close(c);
			continue;
		}
		ssize_t w = write(c, s->response, strlen(s->response));
		(void)w;
		close(c);
	}
	for (int i = 0; i < n_held; i++)
		close(held[i]);
	return NULL;
}

static void *dns_main(void *arg)
{
	server_t *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		uint8_t buf[512];
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		ldns_pkt *q = NULL;
		if (n <= 0 || ldns_wire2pkt(&q, buf, (size_t)n) != LDNS_STATUS_OK)
			continue;
		s->served++;
		note_peer(s, &from);
		ldns_pkt *a = ldns_pkt_new();
		ldns_pkt_set_id(a, ldns_pkt_id(q));
		ldns_pkt_set_qr(a, true);
		ldns_pkt_set_aa(a, true);
		ldns_pkt_set_rcode(a, (uint8_t)s->rcode);
		ldns_rr *qrr = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q), 0));
		ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, qrr);
		if (s->rcode == 0) {
			ldns_rr *rr = NULL;
			ldns_rr_new_frm_str(&rr, "probe.test. 60 IN A 192.0.2.53", 0, NULL, NULL);
			ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
		}
		uint8_t *wire = NULL;
		size_t wlen = 0;
		if (ldns_pkt2wire(&wire, a, &wlen) == LDNS_STATUS_OK)
			sendto(s->fd, wire, wlen, 0, (struct sockaddr *)&from, flen);
		free(wire);
		ldns_pkt_free(a);
		ldns_pkt_free(q);
	}
	return NULL;
}

static void server_start(server_t *s, bool dns)
{
	s->fd = listen_on(dns ? SOCK_DGRAM : SOCK_STREAM, &s->port);
	atomic_store(&s->stop, false);
	pthread_create(&s->thread, NULL, dns ? dns_main : http_main, s);
}

static void server_stop(server_t *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	close(s->fd);
}

/* Run one probe to its verdict. */
static st_probe_result_t result;
static bool got;

static void on_done(const st_probe_result_t *res, void *arg)
{
	result = *res;
	got = true;
	st_loop_break(arg);
}

static const st_sockaddr_t *probe_source;

static void run_probe(st_conf_check_t *chk, uint16_t port)
{
	st_probe_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	spec.source = probe_source;
	spec.check = chk;
	spec.endpoint = "probe-ep";
	char addr[64];
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
	assert_int_equal(st_sockaddr_parse(addr, 0, &spec.target), 0);
	snprintf(spec.target_str, sizeof(spec.target_str), "%s", addr);
	snprintf(spec.host, sizeof(spec.host), "127.0.0.1");
	st_loop_t *loop = st_loop_new();
	st_probe_t *p = NULL;
	got = false;
	assert_int_equal(st_probe_start(loop, &spec, on_done, loop, &p), 0);
	/* Never synchronously, always from the loop. */
	assert_false(got);
	st_loop_run(loop);
	assert_true(got);
	st_loop_free(loop);
	print_message("  -> %s (%s, %uus)\n", result.ok ? "ok" : "fail", result.text,
		      result.rtt_us);
}

static st_conf_check_t check_of(st_check_type_t t)
{
	st_conf_check_t c;
	memset(&c, 0, sizeof(c));
	c.name = "t";
	c.type = t;
	c.timeout_ms = 3000; /* generous: a loaded machine may stall a thread */
	c.interval_ms = 5000;
	c.rise = c.fall = 2;
	return c;
}

static void test_tcp(void **state)
{
	server_t s = {.response = "HTTP/1.0 200 OK\r\n\r\n"};
	server_start(&s, false);
	st_conf_check_t c = check_of(ST_CHECK_TCP);
	run_probe(&c, s.port);
	assert_true(result.ok);
	uint16_t port = s.port;
	server_stop(&s);
	run_probe(&c, port); /* nothing listens any more */
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "refused"));
}

static void test_http(void **state)
{
	server_t s = {.response = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nall is OK"};
	server_start(&s, false);
	st_conf_check_t c = check_of(ST_CHECK_HTTP);
	run_probe(&c, s.port);
	assert_true(result.ok);
	assert_non_null(strstr(result.text, "http 200"));

	c.expect_body = "is OK";
	run_probe(&c, s.port);
	assert_true(result.ok);
	c.expect_body = "healthy";
	run_probe(&c, s.port);
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "body lacks"));
	c.expect_body = NULL;

	s.response = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
	run_probe(&c, s.port);
	assert_false(result.ok);
	char want[64];
	snprintf(want, sizeof(want), "http 500 from 127.0.0.1:%u", s.port);
	assert_string_equal(result.text, want);

	/* expect_status ranges decide, not the 200-399 default. */
	st_status_range_t r[2] = {{200, 200}, {500, 503}};
	c.expect_status = r;
	c.n_expect_status = 2;
	run_probe(&c, s.port);
	assert_true(result.ok);
	s.response = "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n";
	run_probe(&c, s.port);
	assert_false(result.ok);
	c.n_expect_status = 0;
	c.expect_status = NULL;
	run_probe(&c, s.port);
	assert_true(result.ok);

	s.response = "garbage\r\n\r\n";
	run_probe(&c, s.port);
	assert_false(result.ok);

	/* A chunked body is matched after decoding, across chunk boundaries. */
	s.response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		     "5\r\nall O\r\n1;ext=1\r\nK\r\n0\r\n\r\n";
	c.expect_body = "all OK";
	run_probe(&c, s.port);
	assert_true(result.ok);
	c.expect_body = "0\r\n";
	run_probe(&c, s.port);
	assert_false(result.ok);
	c.expect_body = NULL;

	/* The body window is 5120 bytes: a match beyond it does not count. */
	static char big[8000];
	int n = snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n\r\n");
	memset(big + n, 'x', 6000);
	memcpy(big + n + 6000, "MARK", 5);
	s.response = big;
	c.expect_body = "MARK";
	run_probe(&c, s.port);
	assert_false(result.ok);
	memcpy(big + n + 5000, "MARK", 4);
	run_probe(&c, s.port);
	assert_true(result.ok);
	server_stop(&s);
}

static void test_http_timeout(void **state)
{
	server_t s = {.response = NULL};
	server_start(&s, false);
	st_conf_check_t c = check_of(ST_CHECK_HTTP);
	c.timeout_ms = 300;
	uint64_t t0 = st_mono_ns();
	run_probe(&c, s.port);
	uint64_t ms = (st_mono_ns() - t0) / ST_NS_PER_MS;
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "timeout after 300ms"));
	assert_true(ms >= 290 && ms < 1500);
	server_stop(&s);
}

/* The server thread notes the client after accept(): wait for it. */
static const char *peer_of(server_t *s)
{
	for (int i = 0; i < 200 && !s->peer[0]; i++)
		usleep(10000);
	return s->peer;
}

/* health.source: tcp, http and dns probes leave from it. */
static void test_source(void **state)
{
	st_sockaddr_t src;
	assert_int_equal(st_sockaddr_parse("127.0.0.7", 0, &src), 0);
	probe_source = &src;
	server_t s = {.response = "HTTP/1.0 200 OK\r\n\r\nOK"};
	server_start(&s, false);
	st_conf_check_t c = check_of(ST_CHECK_TCP);
	run_probe(&c, s.port);
	assert_true(result.ok);
	assert_string_equal(peer_of(&s), "127.0.0.7");
	c = check_of(ST_CHECK_HTTP);
	c.path = "/";
	st_status_range_t ok = {200, 299};
	c.expect_status = &ok;
	c.n_expect_status = 1;
	s.peer[0] = '\0';
	run_probe(&c, s.port);
	assert_true(result.ok);
	assert_string_equal(peer_of(&s), "127.0.0.7");
	server_stop(&s);

	server_t d = {.rcode = 0};
	server_start(&d, true);
	c = check_of(ST_CHECK_DNS);
	c.dns_name = "probe.test.";
	c.dns_type = 1;
	run_probe(&c, d.port);
	assert_true(result.ok);
	assert_string_equal(peer_of(&d), "127.0.0.7");
	server_stop(&d);

	/* an address this host does not have: the probe fails and says why */
	assert_int_equal(st_sockaddr_parse("192.0.2.77", 0, &src), 0);
	c = check_of(ST_CHECK_TCP);
	run_probe(&c, 9);
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "assign"));
	probe_source = NULL;
}

static void test_dns(void **state)
{
	server_t s = {.rcode = 0};
	server_start(&s, true);
	st_conf_check_t c = check_of(ST_CHECK_DNS);
	c.dns_name = "probe.test.";
	c.dns_type = 1;
	run_probe(&c, s.port);
	assert_true(result.ok);
	c.dns_expect = "192.0.2.53";
	run_probe(&c, s.port);
	assert_true(result.ok);
	c.dns_expect = "192.0.2.54";
	run_probe(&c, s.port);
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "lacks"));
	c.dns_expect = NULL;
	s.rcode = 2;
	run_probe(&c, s.port);
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "SERVFAIL"));
	c.dns_rcode = 2; /* expecting SERVFAIL makes it pass */
	run_probe(&c, s.port);
	assert_true(result.ok);
	uint16_t port = s.port;
	server_stop(&s);
	c.timeout_ms = 300;
	run_probe(&c, port); /* refused (ICMP) or timeout: either way down */
	assert_false(result.ok);
}

/* A killed process whose parent is gone may linger as a zombie of init. */
static bool is_zombie(int pid)
{
	char p[64], buf[256];
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static void test_exec(void **state)
{
	st_conf_check_t c = check_of(ST_CHECK_EXEC);
	char *ok_argv[] = {"sh", "-c", "test \"$STEERCHECK_ENDPOINT\" = probe-ep", NULL};
	c.exec_argv = ok_argv;
	run_probe(&c, 1);
	assert_true(result.ok);

	char *bad_argv[] = {"sh", "-c", "echo 'backend says no'; echo more; exit 3", NULL};
	c.exec_argv = bad_argv;
	run_probe(&c, 1);
	assert_false(result.ok);
	assert_string_equal(result.text, "exit 3: backend says no");

	char *missing[] = {"/nonexistent/steer-probe", NULL};
	c.exec_argv = missing;
	run_probe(&c, 1);
	assert_false(result.ok);

	/* A hang: killed with its whole process group at the timeout. */
	char pidfile[] = "/tmp/test_check_probe.XXXXXX";
	int fd = mkstemp(pidfile);
	close(fd);
	char script[256];
	snprintf(script, sizeof(script), "sleep 30 & echo $! > %s; wait", pidfile);
	char *hang_argv[] = {"sh", "-c", script, NULL};
	c.exec_argv = hang_argv;
	c.timeout_ms = 300;
	uint64_t t0 = st_mono_ns();
	run_probe(&c, 1);
	assert_false(result.ok);
	assert_non_null(strstr(result.text, "timeout"));
	assert_true((st_mono_ns() - t0) / ST_NS_PER_MS < 2000);
	FILE *f = fopen(pidfile, "r");
	int grandchild = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &grandchild), 1);
	fclose(f);
	unlink(pidfile);
	/* The grandchild died with the group (bounded wait). */
	bool gone = false;
	for (int i = 0; i < 100 && !gone; i++) {
		st_probe_reap();
		gone = kill(grandchild, 0) != 0 || is_zombie(grandchild);
		if (!gone)
			usleep(10000);
	}
	assert_true(gone);
}

static void test_ipv6(void **state)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4) != 0) {
		if (fd >= 0)
			close(fd);
		skip(); /* no IPv6 loopback here */
	}
	socklen_t len = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	st_conf_check_t c = check_of(ST_CHECK_TCP);
	st_probe_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	spec.check = &c;
	spec.endpoint = "v6";
	char addr[64];
	snprintf(addr, sizeof(addr), "[::1]:%u", ntohs(sa.sin6_port));
	assert_int_equal(st_sockaddr_parse(addr, 0, &spec.target), 0);
	snprintf(spec.target_str, sizeof(spec.target_str), "%s", addr);
	st_loop_t *loop = st_loop_new();
	st_probe_t *p = NULL;
	got = false;
	assert_int_equal(st_probe_start(loop, &spec, on_done, loop, &p), 0);
	st_loop_run(loop);
	assert_true(got);
	assert_true(result.ok);
	st_loop_free(loop);
	close(fd);
}

/* Cancelling running probes: no callback, no leak, the child is killed. */
static void test_cancel(void **state)
{
	server_t s = {.response = NULL};
	server_start(&s, false);
	st_conf_check_t h = check_of(ST_CHECK_HTTP);
	st_conf_check_t e = check_of(ST_CHECK_EXEC);
	char *argv[] = {"sleep", "30", NULL};
	e.exec_argv = argv;
	st_probe_spec_t sh, se;
	memset(&sh, 0, sizeof(sh));
	memset(&se, 0, sizeof(se));
	sh.check = &h;
	se.check = &e;
	sh.endpoint = se.endpoint = "c";
	char addr[64];
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", s.port);
	assert_int_equal(st_sockaddr_parse(addr, 0, &sh.target), 0);
	snprintf(sh.target_str, sizeof(sh.target_str), "%s", addr);
	st_loop_t *loop = st_loop_new();
	st_probe_t *ph = NULL, *pe = NULL;
	got = false;
	assert_int_equal(st_probe_start(loop, &sh, on_done, loop, &ph), 0);
	assert_int_equal(st_probe_start(loop, &se, on_done, loop, &pe), 0);
	for (int i = 0; i < 20; i++) {
		st_loop_run_once(loop);
		usleep(5000);
	}
	st_probe_cancel(ph);
	st_probe_cancel(pe);
	for (int i = 0; i < 10; i++)
		st_loop_run_once(loop);
	assert_false(got);
	for (int i = 0; i < 100; i++) {
		st_probe_reap();
		usleep(5000);
	}
	st_loop_free(loop);
	server_stop(&s);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tcp), cmocka_unit_test(test_source),		 cmocka_unit_test(test_http),
	    cmocka_unit_test(test_http_timeout), cmocka_unit_test(test_dns),
	    cmocka_unit_test(test_exec),	 cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_cancel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
