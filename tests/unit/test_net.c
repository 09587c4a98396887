/* The server over real loopback sockets: UDP and TCP answers, TCP framing,
 * reloads (whole and one zone, failures keep the old view), bounded stop. */
#include "server/server.h"
#include "conf/conf.h"
#include "net/ev.h"
#include "net/coalesce.h"
#include "net/frame.h"
#include "net/stream.h"
#include "zone/zone.h"
#include "common/log.h"
#include "common/sockaddr.h"
#include "common/time.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct fixture {
	char dir[64];
	char zone[128];
	uint16_t port;
	st_server_t *srv;
	pthread_t tid;
	int run_ret;
} fixture_t;

static void write_zone(const char *path, unsigned serial, const char *extra)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"$ORIGIN example.test.\n"
		"$TTL 300\n"
		"@ IN SOA ns1 hostmaster %u 3600 600 86400 300\n"
		"@ IN NS ns1\n"
		"ns1 IN A 192.0.2.53\n"
		"www IN A 192.0.2.1\n"
		"%s",
		serial, extra ? extra : "");
	fclose(f);
}

/* A port free for both UDP and TCP on 127.0.0.1 (best effort). */
static uint16_t free_port(void)
{
	for (int i = 0; i < 50; i++) {
		int u = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof(sa);
		assert_int_equal(bind(u, (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(getsockname(u, (struct sockaddr *)&sa, &len), 0);
		int t = socket(AF_INET, SOCK_STREAM, 0);
		int ok = bind(t, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(t);
		close(u);
		if (ok)
			return ntohs(sa.sin_port);
	}
	fail_msg("no free port");
	return 0;
}

static void *run_thread(void *arg)
{
	fixture_t *fx = arg;
	st_diag_t diag;
	fx->run_ret = st_server_start(fx->srv, &diag);
	if (fx->run_ret == 0)
		fx->run_ret = st_server_serve(fx->srv, &diag);
	return NULL;
}

/* Wait (bounded) until the server answers a UDP query. */
static size_t udp_query(uint16_t port, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap);

static size_t make_query(uint8_t *buf, uint16_t id, const char *name, uint16_t qtype)
{
	size_t o = 0;
	buf[o++] = (uint8_t)(id >> 8);
	buf[o++] = (uint8_t)id;
	memset(buf + o, 0, 10);
	buf[o + 3] = 1; /* QDCOUNT */
	o += 10;
	const char *p = name;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		buf[o++] = (uint8_t)l;
		memcpy(buf + o, p, l);
		o += l;
		p += l + (dot ? 1 : 0);
	}
	buf[o++] = 0;
	buf[o++] = (uint8_t)(qtype >> 8);
	buf[o++] = (uint8_t)qtype;
	buf[o++] = 0;
	buf[o++] = 1;
	return o;
}

static size_t udp_query(uint16_t port, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ssize_t n = -1;
	for (int i = 0; i < 25 && n < 0; i++) {
		sendto(fd, q, qlen, 0, (struct sockaddr *)&sa, sizeof(sa));
		n = recv(fd, out, cap, 0);
	}
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static uint32_t soa_serial_udp(uint16_t port)
{
	uint8_t q[512], a[4096];
	size_t ql = make_query(q, 0x5151, "example.test", 6);
	size_t n = udp_query(port, q, ql, a, sizeof(a));
	assert_true(n > ql + 20);
	/* One SOA in the answer: the serial is 20 bytes before the end of its RDATA. */
	assert_int_equal(a[7], 1);
	return (uint32_t)a[n - 20] << 24 | (uint32_t)a[n - 19] << 16 | (uint32_t)a[n - 18] << 8 |
	       a[n - 17];
}

static int setup(void **state)
{
	fixture_t *fx = calloc(1, sizeof(*fx));
	strcpy(fx->dir, "/tmp/steer-test-net.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->zone, sizeof(fx->zone), "%s/example.test.zone", fx->dir);
	write_zone(fx->zone, 1, NULL);
	/* An old file: a reload may share it when it has not changed since. */
	struct timeval past[2] = {{.tv_sec = time(NULL) - 100}, {.tv_sec = time(NULL) - 100}};
	assert_int_equal(utimes(fx->zone, past), 0);
	fx->port = free_port();

	st_conf_t *conf = st_conf_new();
	st_diag_t diag;
	char arg[256];
	snprintf(arg, sizeof(arg), "127.0.0.1:%u", fx->port);
	assert_int_equal(st_conf_add_listen(conf, arg, &diag), 0);
	snprintf(arg, sizeof(arg), "example.test:%s", fx->zone);
	assert_int_equal(st_conf_add_zone(conf, arg, &diag), 0);
	conf->workers = 2;
	conf->tcp_idle_timeout_ms = 2000;
	int ret = st_server_new(conf, &fx->srv, &diag);
	if (ret != 0)
		fail_msg("st_server_new: %s", diag.text);
	assert_int_equal(pthread_create(&fx->tid, NULL, run_thread, fx), 0);
	/* UDP answers once every socket, TCP included, is open. */
	uint8_t q[512], a[4096];
	size_t ql = make_query(q, 1, "example.test", 6);
	assert_true(udp_query(fx->port, q, ql, a, sizeof(a)) > 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *fx = *state;
	uint64_t t0 = st_mono_ns();
	st_server_stop(fx->srv);
	pthread_join(fx->tid, NULL);
	/* Stopping is bounded: workers wake up from their blocking receive. */
	assert_true(st_mono_ns() - t0 < 2 * ST_NS_PER_SEC);
	assert_int_equal(fx->run_ret, 0);
	st_server_free(fx->srv);
	unlink(fx->zone);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void test_udp(void **state)
{
	fixture_t *fx = *state;
	uint8_t q[512], a[4096];
	size_t ql = make_query(q, 0x1234, "WwW.Example.Test", 1);
	size_t n = udp_query(fx->port, q, ql, a, sizeof(a));
	assert_true(n > ql);
	assert_int_equal(a[0], 0x12);
	assert_int_equal(a[1], 0x34);
	assert_true(a[2] & 0x80);	  /* QR */
	assert_true(a[2] & 0x04);	  /* AA */
	assert_int_equal(a[3] & 0x0f, 0); /* NOERROR */
	assert_int_equal(a[7], 1);	  /* one answer */
	const uint8_t addr[4] = {192, 0, 2, 1};
	assert_memory_equal(a + n - 4, addr, 4);
	/* The question keeps its case. */
	assert_memory_equal(a + 12, q + 12, ql - 12);

	/* A response (QR=1) is dropped, not answered. */
	q[2] |= 0x80;
	assert_int_equal(udp_query(fx->port, q, ql, a, sizeof(a)), 0);
	assert_true(st_server_answer_ctx_count(fx->srv) >= 3); /* 2 UDP workers + TCP */
}

static void read_exact(int fd, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		assert_true(r > 0);
		got += (size_t)r;
	}
}

static void test_tcp_framing(void **state)
{
	fixture_t *fx = *state;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct timeval tv = {.tv_sec = 3};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons(fx->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);

	/* Three queries, the first split inside its length prefix, the other
	 * two pipelined in one write. */
	uint8_t buf[3][514];
	size_t len[3];
	const char *names[3] = {"www.example.test", "nx.example.test", "example.test"};
	for (int i = 0; i < 3; i++) {
		size_t ql = make_query(buf[i] + 2, (uint16_t)(100 + i), names[i], 1);
		buf[i][0] = (uint8_t)(ql >> 8);
		buf[i][1] = (uint8_t)ql;
		len[i] = ql + 2;
	}
	assert_int_equal(send(fd, buf[0], 1, 0), 1);
	usleep(50000);
	assert_int_equal(send(fd, buf[0] + 1, len[0] - 1, 0), (ssize_t)(len[0] - 1));
	uint8_t two[1028];
	memcpy(two, buf[1], len[1]);
	memcpy(two + len[1], buf[2], len[2]);
	assert_int_equal(send(fd, two, len[1] + len[2], 0), (ssize_t)(len[1] + len[2]));

	for (int i = 0; i < 3; i++) {
		uint8_t hdr[2], msg[65535];
		read_exact(fd, hdr, 2);
		size_t n = (size_t)hdr[0] << 8 | hdr[1];
		read_exact(fd, msg, n);
		assert_int_equal(msg[0] << 8 | msg[1], 100 + i);
		/* www: NOERROR, nx: NXDOMAIN, apex A: NODATA (NOERROR). */
		assert_int_equal(msg[3] & 0x0f, i == 1 ? 3 : 0);
	}
	close(fd);
}

static void test_reload(void **state)
{
	fixture_t *fx = *state;
	st_diag_t diag;
	st_reload_stats_t rs;
	assert_int_equal(soa_serial_udp(fx->port), 1);

	/* Whole reload after the file changed. */
	write_zone(fx->zone, 2, NULL);
	assert_int_equal(st_server_reload(fx->srv, NULL, &diag), 0);
	assert_int_equal(soa_serial_udp(fx->port), 2);
	uint64_t gen = st_server_view(fx->srv)->generation;

	/* One zone by name, in any case and without the trailing dot. */
	write_zone(fx->zone, 3, NULL);
	assert_int_equal(st_server_reload(fx->srv, "EXAMPLE.test", &diag), 0);
	assert_int_equal(soa_serial_udp(fx->port), 3);
	assert_true(st_server_view(fx->srv)->generation > gen);

	/* An unknown zone and a broken file fail and keep the old view serving. */
	st_view_t *before = st_server_view(fx->srv);
	assert_int_not_equal(st_server_reload(fx->srv, "nope.test", &diag), 0);
	assert_non_null(strstr(diag.text, "nope.test"));
	write_zone(fx->zone, 4, "bad IN A 192.0.2.300\n");
	assert_int_not_equal(st_server_reload(fx->srv, NULL, &diag), 0);
	assert_non_null(strstr(diag.text, "example.test.zone:7"));
	assert_ptr_equal(st_server_view(fx->srv), before);
	assert_int_equal(soa_serial_udp(fx->port), 3);

	st_server_reload_stats(fx->srv, &rs);
	assert_int_equal(rs.ok, 2);
	assert_int_equal(rs.failed, 2);
	assert_non_null(strstr(rs.last_error, "example.test.zone:7"));
	assert_true(rs.last_failed_ns >= rs.last_ok_ns);
}

static void test_reload_shares_unchanged(void **state)
{
	fixture_t *fx = *state;
	st_diag_t diag;
	const st_zone_t *z0 = st_zoneset_get(st_server_view(fx->srv)->zones, 0);
	/* Nothing changed: the zone is shared, the view is new. */
	assert_int_equal(st_server_reload(fx->srv, NULL, &diag), 0);
	assert_ptr_equal(st_zoneset_get(st_server_view(fx->srv)->zones, 0), z0);
	/* Reloading the zone by name always reads it again. */
	assert_int_equal(st_server_reload(fx->srv, "example.test.", &diag), 0);
	assert_ptr_not_equal(st_zoneset_get(st_server_view(fx->srv)->zones, 0), z0);
}

static void test_overrides(void **state)
{
	(void)state;
	st_diag_t diag;
	st_conf_t *conf = st_conf_new();
	assert_int_equal(st_conf_add_listen(conf, "127.0.0.1:5300", &diag), 0);
	assert_int_equal(st_conf_add_zone(conf, "a.test:a.zone", &diag), 0);
	assert_int_equal(st_conf_add_zone(conf, "b.test:b.zone", &diag), 0);

	const char *listen[] = {"[::1]:5301", "127.0.0.2:5302"};
	const char *zones[] = {"A.Test.:other-a.zone", "c.test:c.zone"};
	st_server_overrides_t ov = {
	    .listen = listen,
	    .n_listen = 2,
	    .zones = zones,
	    .n_zones = 2,
	    .workers = 3,
	    .log_level = "debug",
	};
	assert_int_equal(st_server_apply_overrides(conf, &ov, &diag), 0);
	/* --listen replaces the config's addresses. */
	assert_int_equal(conf->n_listen, 2);
	assert_int_equal(conf->listen[0].u.sa.sa_family, AF_INET6);
	assert_int_equal(st_sockaddr_port(&conf->listen[1]), 5302);
	/* --zone adds, and replaces the zone of the same name. */
	assert_int_equal(conf->n_zones, 3);
	for (size_t i = 0; i < conf->n_zones; i++) {
		if (strcmp(conf->zones[i].name, "a.test.") == 0)
			assert_non_null(strstr(conf->zones[i].file, "other-a.zone"));
	}
	assert_int_equal(conf->workers, 3);
	assert_string_equal(conf->log_level, "debug");

	/* A bad address is an error naming it. */
	const char *bad[] = {"127.0.0.1:port"};
	st_server_overrides_t ov_bad = {.listen = bad, .n_listen = 1};
	assert_int_not_equal(st_server_apply_overrides(conf, &ov_bad, &diag), 0);
	assert_non_null(strstr(diag.text, "127.0.0.1:port"));
	st_conf_free(conf);

	/* No listen address at all: the defaults. */
	conf = st_conf_new();
	assert_int_equal(st_server_apply_overrides(conf, NULL, &diag), 0);
	assert_int_equal(conf->n_listen, 2);
	assert_int_equal(st_sockaddr_port(&conf->listen[0]), 53);
	st_conf_free(conf);
}

static void activate_cb(int fd, short what, void *arg)
{
	*(int *)arg += 1;
}

static void *activate_thread(void *arg)
{
	st_ev_activate(arg);
	return NULL;
}

static void test_ev_activate(void **state)
{
	(void)state;
	st_loop_t *loop = st_loop_new();
	int fired = 0;
	st_ev_t *ev = st_ev_timer_new(loop, false, activate_cb, &fired);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, activate_thread, ev), 0);
	pthread_join(t, NULL);
	/* Activated before the loop ran: not lost. */
	assert_int_equal(st_loop_run_once(loop), 0);
	assert_int_equal(fired, 1);
	st_ev_free(ev);
	st_loop_free(loop);
}

/* A stream freed after a stop that ended the loop's turn in which its
 * connection completed: libevent still held the deferred "connected"
 * callback, and with it a reference to the stream's buffers, which freeing
 * the loop must still let go (the sanitizer build reports them otherwise). */
static void count_cb(st_stream_t *s, st_stream_event_t ev, void *arg)
{
	*(int *)arg += 1;
}

static void break_cb(int fd, short what, void *arg)
{
	st_loop_break(arg);
}

static void test_stream_freed_after_stop(void **state)
{
	(void)state;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	char addr[32];
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(sa.sin_port));
	st_sockaddr_t to;
	assert_int_equal(st_sockaddr_parse(addr, 0, &to), 0);
	st_loop_t *loop = st_loop_new();
	int events = 0;
	st_stream_t *s = NULL;
	assert_int_equal(st_stream_connect(loop, NULL, &to, NULL, NULL, count_cb, &events, &s), 0);
	usleep(100 * 1000); /* the kernel completes the connection meanwhile */
	/* one turn: the socket turns writable (connected), then the stop */
	st_ev_t *stop = st_ev_timer_new(loop, false, break_cb, loop);
	assert_int_equal(st_ev_timer_start(stop, 0), 0);
	assert_int_equal(st_loop_run(loop), 0);
	st_stream_free(s);
	st_ev_free(stop);
	st_loop_free(loop);
	close(lfd);
}

/* Stream framing alone, fed as the TCP server feeds it (whatever fits,
 * then every complete message taken, then compaction): messages split
 * anywhere and pipelined come out whole and in order; a long one gets
 * room, then the inline buffer again. */
static size_t feed(st_frame_t *f, const uint8_t *data, size_t len, size_t chunk,
		   const uint8_t **msgs, size_t *lens, size_t max)
{
	static uint8_t copies[8][4096];
	size_t got = 0;
	while (len > 0) {
		size_t room;
		uint8_t *tail = st_frame_tail(f, &room);
		assert_true(room > 0);
		size_t n = len < room ? len : room;
		n = n < chunk ? n : chunk;
		memcpy(tail, data, n);
		st_frame_filled(f, n);
		data += n;
		len -= n;
		const uint8_t *m;
		size_t mlen;
		while (st_frame_next(f, &m, &mlen)) {
			assert_true(got < max && mlen <= sizeof(copies[0]));
			memcpy(copies[got], m, mlen);
			msgs[got] = copies[got];
			lens[got++] = mlen;
		}
		assert_int_equal(st_frame_compact(f), 0);
	}
	return got;
}

static void test_frame(void **state)
{
	(void)state;
	static uint8_t stream[3 * 2 + 5 + 3000 + 1];
	size_t n = 0;
	stream[n++] = 0, stream[n++] = 3, stream[n++] = 'a', stream[n++] = 'b', stream[n++] = 'c';
	stream[n++] = 3000 >> 8, stream[n++] = 3000 & 255;
	for (int i = 0; i < 3000; i++)
		stream[n++] = (uint8_t)i;
	stream[n++] = 0, stream[n++] = 2, stream[n++] = 'x', stream[n++] = 'y';
	stream[n++] = 0; /* half of the next length */
	const uint8_t *m[8];
	size_t len[8];
	for (size_t chunk = 1; chunk < sizeof(stream) + 2; chunk += chunk < 8 ? 1 : 997) {
		st_frame_t f;
		st_frame_init(&f);
		assert_false(st_frame_next(&f, &m[0], &len[0]));
		assert_int_equal(feed(&f, stream, n, chunk, m, len, 8), 3);
		assert_int_equal(len[0], 3);
		assert_memory_equal(m[0], "abc", 3);
		assert_int_equal(len[1], 3000);
		assert_memory_equal(m[1], stream + 7, 3000);
		assert_int_equal(len[2], 2);
		assert_memory_equal(m[2], "xy", 2);
		assert_int_equal(st_frame_partial(&f), 1);
		assert_true(f.buf == f.inl);
		assert_int_equal(f.len, 1);
		st_frame_free(&f);
	}
	/* A long message on its own: the heap buffer holds all of it. */
	st_frame_t f;
	st_frame_init(&f);
	assert_int_equal(feed(&f, stream + 5, 1000, 1000, m, len, 8), 0);
	assert_true(f.buf != f.inl);
	assert_true(f.cap >= 3002);
	assert_int_equal(st_frame_partial(&f), 1000);
	st_frame_free(&f);
	assert_true(f.buf == f.inl);
}

/* Coalescing waits: one that overran and then found a small batch pauses
 * waiting, 100 ms, doubling while that goes on, up to 1.6 s; one on time,
 * or an overrun that gathered a full batch (a busy server), ends the
 * doubling and waiting goes on. */
static void test_coalesce(void **state)
{
	(void)state;
	const uint64_t ms = 1000000, wait = 200000;
	const unsigned small = 32;
	st_coalesce_t c = {0};
	assert_true(st_coalesce_may_wait(&c, 0));
	/* on time, with timer slack: nothing changes */
	st_coalesce_note(&c, 1000 * ms, wait, 2 * wait + ST_COALESCE_SLACK_NS);
	st_coalesce_gathered(&c, 1, small);
	assert_true(st_coalesce_may_wait(&c, 1000 * ms + 1));
	assert_int_equal(c.overruns, 0);
	/* 5 ms for 200 us, then a full batch: the wait paid, waiting goes on */
	st_coalesce_note(&c, 1500 * ms, wait, 5 * ms);
	st_coalesce_gathered(&c, 64, small);
	assert_true(st_coalesce_may_wait(&c, 1505 * ms));
	assert_int_equal(c.overruns, 0);
	/* 5 ms for 200 us, then 3 queries: no waiting for 100 ms after it ended */
	st_coalesce_note(&c, 2000 * ms, wait, 5 * ms);
	st_coalesce_gathered(&c, 3, small);
	assert_int_equal(c.overruns, 1);
	assert_false(st_coalesce_may_wait(&c, 2005 * ms));
	assert_false(st_coalesce_may_wait(&c, 2104 * ms));
	assert_true(st_coalesce_may_wait(&c, 2105 * ms));
	/* a batch without a wait before it changes nothing */
	st_coalesce_gathered(&c, 0, small);
	assert_int_equal(c.overruns, 1);
	/* overrunning again, nothing found (a receive that timed out): 200,
	 * 400, 800, 1600, 1600 ms */
	uint64_t t = 3000 * ms, pause[] = {200, 400, 800, 1600, 1600};
	for (size_t i = 0; i < sizeof(pause) / sizeof(pause[0]); i++, t += 10000 * ms) {
		st_coalesce_note(&c, t, wait, 3 * ms);
		st_coalesce_gathered(&c, 0, small);
		assert_false(st_coalesce_may_wait(&c, t + 3 * ms + pause[i] * ms - 1));
		assert_true(st_coalesce_may_wait(&c, t + 3 * ms + pause[i] * ms));
	}
	/* a wait on time, then an overrun: back to 100 ms */
	st_coalesce_note(&c, t, wait, wait);
	st_coalesce_gathered(&c, 2, small);
	st_coalesce_note(&c, t + ms, wait, 3 * ms);
	st_coalesce_gathered(&c, small, small);
	assert_true(st_coalesce_may_wait(&c, t + 4 * ms + 100 * ms));
	assert_false(st_coalesce_may_wait(&c, t + 4 * ms + 100 * ms - 1));
	assert_int_equal(c.overruns, 7);
	/* an overrun, a full batch: the doubling starts over */
	st_coalesce_note(&c, t + 200 * ms, wait, 3 * ms);
	st_coalesce_gathered(&c, small + 1, small);
	st_coalesce_note(&c, t + 300 * ms, wait, 3 * ms);
	st_coalesce_gathered(&c, 1, small);
	assert_true(st_coalesce_may_wait(&c, t + 303 * ms + 100 * ms));
	assert_int_equal(c.overruns, 8);
}

int main(void)
{
	st_log_init("test_net", ST_LOG_ERR, false);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_udp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_framing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reload_shares_unchanged, setup, teardown),
	    cmocka_unit_test(test_ev_activate),
	    cmocka_unit_test(test_stream_freed_after_stop),
	    cmocka_unit_test(test_frame),
	    cmocka_unit_test(test_overrides),
	    cmocka_unit_test(test_coalesce),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
