/* Control protocol: request parsing, command table dispatch, reply framing
 * and parsing, and the UNIX-socket line server end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "net/unix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <signal.h>
#include <unistd.h>

typedef struct fake {
	int calls;
	char last[64];
} fake_t;

static int exec_echo(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	fake_t *f = ctx;
	f->calls++;
	snprintf(f->last, sizeof(f->last), "%s", argv[0]);
	st_buf_printf(out, "%d args\n", argc - 1);
	for (int i = 1; i < argc; i++)
		st_buf_printf(out, "%s\n\n", argv[i]); /* the blank lines must not end the reply */
	return 0;
}

static int exec_fail(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_buf_puts(out, "partial output\n");
	return st_diag_set(diag, ST_EZONE, "zones/x.zone:12: bad IPv4 address\nsecond line");
}

static int show_it(void *ctx, bool json, st_buf_t *out, st_diag_t *diag)
{
	fake_t *f = ctx;
	f->calls++;
	st_buf_puts(out, json ? "{\"shown\":true}\n" : "shown\n");
	return 0;
}

static const st_ctl_cmd_t cmd_echo = {
    .name = "echo", .usage = "[ARG...]", .help = "", .max_args = 3, .exec = exec_echo};
static const st_ctl_cmd_t cmd_fail = {.name = "fail", .usage = "", .help = "", .exec = exec_fail};
static const st_ctl_cmd_t cmd_two = {
    .name = "two", .usage = "A B", .help = "", .min_args = 2, .max_args = 2, .exec = exec_echo};
static const st_ctl_cmd_t *const table[] = {&cmd_echo, &cmd_fail, &cmd_two};
#define N_TABLE (sizeof(table) / sizeof(table[0]))

static char *run_in(const st_ctl_cmd_t *const *t, size_t n, fake_t *f, const char *req)
{
	char line[256];
	snprintf(line, sizeof(line), "%s", req);
	st_buf_t reply;
	st_buf_init(&reply);
	st_ctl_dispatch(t, n, f, line, &reply);
	return st_buf_steal(&reply, NULL);
}

static char *run(fake_t *f, const char *req)
{
	return run_in(table, N_TABLE, f, req);
}

static void test_parse(void **state)
{
	char line[] = "STEER1  dial\tus-east-1 50 --over 1h\r\n";
	char *argv[ST_CTL_MAX_ARGS];
	int argc = 0;
	st_diag_t d;
	assert_int_equal(st_ctl_parse(line, &argc, argv, &d), 0);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "dial");
	assert_string_equal(argv[1], "us-east-1");
	assert_string_equal(argv[4], "1h");

	char v2[] = "STEER2 status";
	assert_int_equal(st_ctl_parse(v2, &argc, argv, &d), ST_EPROTO);
	assert_non_null(strstr(d.text, "unsupported protocol version STEER2"));
	char junk[] = "GET / HTTP/1.0";
	assert_int_equal(st_ctl_parse(junk, &argc, argv, &d), ST_EPROTO);
	char empty[] = "   ";
	assert_int_equal(st_ctl_parse(empty, &argc, argv, &d), ST_EPROTO);
	char nocmd[] = "STEER1";
	assert_int_equal(st_ctl_parse(nocmd, &argc, argv, &d), ST_EPROTO);
	char many[256] = "STEER1 x";
	for (int i = 0; i < ST_CTL_MAX_ARGS; i++)
		strcat(many, " a");
	assert_int_equal(st_ctl_parse(many, &argc, argv, &d), ST_EPROTO);
}

static void test_dispatch(void **state)
{
	fake_t f = {0};
	char *r = run(&f, "STEER1 echo a b");
	assert_string_equal(r, "ok 2 args\na\nb\n\n");
	assert_int_equal(f.calls, 1);
	free(r);

	r = run(&f, "STEER1 echo");
	assert_string_equal(r, "ok 0 args\n\n");
	free(r);

	r = run(&f, "STEER1 nope");
	assert_string_equal(r, "error unknown command 'nope' (commands: echo fail two)\n\n");
	free(r);

	r = run(&f, "STEER1 two a");
	assert_string_equal(r, "error usage: two A B\n\n");
	free(r);
	r = run(&f, "STEER1 echo 1 2 3 4");
	assert_string_equal(r, "error usage: echo [ARG...]\n\n");
	free(r);
	assert_int_equal(f.calls, 2);

	/* An error replaces any partial output and stays on one line. */
	r = run(&f, "STEER1 fail");
	assert_string_equal(r, "error zones/x.zone:12: bad IPv4 address; second line\n\n");
	free(r);

	r = run(&f, "STEER9 echo");
	assert_string_equal(r, "error unsupported protocol version STEER9 (this server speaks "
			       "STEER1)\n\n");
	free(r);
}

/* A command with show takes [--json] and nothing else. */
static void test_dispatch_show(void **state)
{
	static const st_ctl_cmd_t cmd_show = {.name = "show", .help = "", .show = show_it};
	static const st_ctl_cmd_t *const t[] = {&cmd_show};
	fake_t f = {0};
	char *r = run_in(t, 1, &f, "STEER1 show");
	assert_string_equal(r, "ok shown\n\n");
	free(r);
	r = run_in(t, 1, &f, "STEER1 show --json");
	assert_string_equal(r, "ok {\"shown\":true}\n\n");
	free(r);
	assert_int_equal(f.calls, 2);
	const char *bad[] = {"STEER1 show --yaml", "STEER1 show --json --json",
			     "STEER1 show json"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = run_in(t, 1, &f, bad[i]);
		assert_string_equal(r, "error usage: show [--json]\n\n");
		free(r);
	}
	assert_int_equal(f.calls, 2);
}

static void test_reply_parse(void **state)
{
	const char *a = "ok 2 args\na\nb\n\nok next\n\n";
	size_t end = st_ctl_reply_complete(a, strlen(a));
	assert_int_equal(end, strlen("ok 2 args\na\nb\n\n"));
	bool ok = false;
	st_buf_t body;
	st_buf_init(&body);
	assert_int_equal(st_ctl_reply_parse(a, strlen(a), &ok, &body), 0);
	assert_true(ok);
	assert_string_equal(body.data, "2 args\na\nb");
	st_buf_reset(&body);

	assert_int_equal(st_ctl_reply_parse("ok\n\n", 4, &ok, &body), 0);
	assert_true(ok);
	assert_int_equal(body.len, 0);

	assert_int_equal(st_ctl_reply_parse("error no such zone\n\n", 20, &ok, &body), 0);
	assert_false(ok);
	assert_string_equal(body.data, "no such zone");
	st_buf_reset(&body);

	assert_int_equal(st_ctl_reply_complete("ok partial\n", 11), 0);
	assert_int_equal(st_ctl_reply_parse("ok partial\n", 11, &ok, &body), ST_EPROTO);
	assert_int_equal(st_ctl_reply_parse("what\n\n", 6, &ok, &body), ST_EPROTO);
	st_buf_free(&body);
}

static void test_buf_json(void **state)
{
	st_buf_t b;
	st_buf_init(&b);
	st_buf_json_str(&b, "a\"b\\c\n\x01");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
	st_buf_free(&b);
}

/* The line server: a real socket, mode 0600, pipelined requests, a stale
 * socket file replaced, a live one refused. */
static char *on_line(void *arg, char *line, size_t *len)
{
	st_buf_t reply;
	st_buf_init(&reply);
	st_ctl_dispatch(table, N_TABLE, arg, line, &reply);
	return st_buf_steal(&reply, len);
}

/* Run the loop and read what the server sends until it closes (or `turns`
 * loop turns pass). */
static void read_replies(st_loop_t *loop, int fd, char *got, size_t size, int turns)
{
	size_t have = 0;
	for (int i = 0; i < turns && have < size - 1; i++) {
		st_loop_run_once(loop);
		ssize_t n = recv(fd, got + have, size - 1 - have, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n > 0)
			have += (size_t)n;
		else
			usleep(1000);
	}
	got[have] = '\0';
}

static void test_unix_server(void **state)
{
	char dir[] = "/tmp/test_ctl_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%.40s/ctl.sock", dir);

	/* A stale socket file from a dead server. */
	int stale = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(stale, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(stale);

	fake_t f = {0};
	st_loop_t *loop = st_loop_new();
	st_unix_server_t *srv = NULL;
	st_diag_t d;
	assert_int_equal(
	    st_unix_listen(loop, path, 4096, "error too long\n\n", on_line, &f, &srv, &d), 0);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* A second server on the same path must refuse. */
	st_unix_server_t *srv2 = NULL;
	assert_int_equal(st_unix_listen(loop, path, 4096, "x", on_line, &f, &srv2, &d), ST_EEXIST);
	assert_non_null(strstr(d.text, "another server answers"));

	int fd = st_unix_connect(path);
	assert_true(fd >= 0);
	/* The last request lacks its newline: answered at end of input. */
	const char *req = "STEER1 echo x\nSTEER1 two\nSTEER1 echo y z";
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	shutdown(fd, SHUT_WR);
	char got[512];
	read_replies(loop, fd, got, sizeof(got), 200);
	assert_string_equal(got, "ok 1 args\nx\n\nerror usage: two A B\n\nok 2 args\ny\nz\n\n");
	close(fd);
	assert_int_equal(f.calls, 2);

	st_unix_close(srv);
	assert_int_not_equal(access(path, F_OK), 0); /* removed on close */
	st_loop_free(loop);
	rmdir(dir);
}

/* Deferred replies: "later N" is answered from a timer; the requests after
 * it wait, in order, and a client that half-closed still gets everything. */
typedef struct later_srv {
	st_unix_server_t *srv;
	st_unix_later_t *pending;
	char text[64];
	st_ev_t *timer;
	int deferred;
} later_srv_t;

static char *on_line_later(void *arg, char *line, size_t *len)
{
	later_srv_t *ls = arg;
	st_buf_t reply;
	st_buf_init(&reply);
	if (strncmp(line, "later ", 6) == 0) {
		ls->pending = st_unix_defer(ls->srv);
		assert_non_null(ls->pending);
		assert_null(st_unix_defer(ls->srv)); /* one per request */
		snprintf(ls->text, sizeof(ls->text), "ok %s\n\n", line + 6);
		ls->deferred++;
		st_ev_timer_start(ls->timer, 30);
		return ST_UNIX_LATER;
	}
	st_buf_printf(&reply, "ok %s\n\n", line);
	return st_buf_steal(&reply, len);
}

static void on_later_timer(int fd, short what, void *arg)
{
	later_srv_t *ls = arg;
	char *r = strdup(ls->text);
	st_unix_later_t *p = ls->pending;
	ls->pending = NULL;
	st_unix_reply(p, r, strlen(r));
}

static void test_unix_later(void **state)
{
	char dir[] = "/tmp/test_ctl_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%.40s/ctl.sock", dir);
	st_loop_t *loop = st_loop_new();
	later_srv_t ls = {0};
	ls.timer = st_ev_timer_new(loop, false, on_later_timer, &ls);
	st_diag_t d;
	assert_int_equal(
	    st_unix_listen(loop, path, 4096, "error too long\n\n", on_line_later, &ls, &ls.srv, &d),
	    0);
	int fd = st_unix_connect(path);
	const char *req = "a\nlater 1\nb\nlater 2\nc\nlater 3";
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	shutdown(fd, SHUT_WR);
	char got[512];
	read_replies(loop, fd, got, sizeof(got), 2000);
	assert_string_equal(got, "ok a\n\nok 1\n\nok b\n\nok 2\n\nok c\n\nok 3\n\n");
	assert_int_equal(ls.deferred, 3);
	close(fd);

	/* a client gone before its reply: the reply is dropped, no crash (a
	 * write to it may raise SIGPIPE, which the daemons ignore) */
	signal(SIGPIPE, SIG_IGN);
	fd = st_unix_connect(path);
	assert_int_equal(write(fd, "later x\n", 8), 8);
	for (int i = 0; i < 50 && !ls.pending; i++) {
		st_loop_run_once(loop);
		usleep(1000);
	}
	assert_non_null(ls.pending);
	close(fd);
	for (int i = 0; i < 100; i++) {
		st_loop_run_once(loop);
		usleep(1000);
	}
	assert_null(ls.pending);
	st_unix_close(ls.srv);
	st_ev_free(ls.timer);
	st_loop_free(loop);
	rmdir(dir);
}

/* The real table: unique names, sane arity, usage errors caught before a
 * command runs (so no server is needed here). */
static void test_real_table(void **state)
{
	size_t n = 0;
	const st_ctl_cmd_t *const *t = st_ctl_table(&n);
	assert_int_equal(n, 14);
	const char *want[] = {"status",	   "reload",	  "stats",	 "health",
			      "drain",	   "undrain",	  "force",	 "dial",
			      "explain",   "checkconf",	  "ds",		 "cookie-rotate",
			      "zone-status", "fleet"};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(t[i]->name, want[i]);
		assert_true(t[i]->help && t[i]->help[0]);
		/* exec with its usage, or show (and [--json]) */
		assert_true(!t[i]->exec != !t[i]->show);
		assert_true(!t[i]->exec || t[i]->usage);
		assert_true(t[i]->min_args <= t[i]->max_args);
		assert_true(t[i]->max_args < ST_CTL_MAX_ARGS);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i]->name, t[j]->name);
		assert_ptr_equal(st_ctl_lookup(t, n, want[i]), t[i]);
	}
	static const struct {
		const char *req, *reply;
	} cases[] = {
	    {"STEER1 force use1-a", "error usage: force ENDPOINT up|down|clear\n\n"},
	    {"STEER1 drain", "error usage: drain ENDPOINT|REGION\n\n"},
	    {"STEER1 undrain a b", "error usage: undrain ENDPOINT|REGION|all\n\n"},
	    {"STEER1 dial r", "error usage: dial REGION PCT [--over DURATION] | REGION clear\n\n"},
	    {"STEER1 explain x", "error usage: explain NAME TYPE [--client ADDR[/PREFIX]]\n\n"},
	    {"STEER1 checkconf now", "error usage: checkconf\n\n"},
	    {"STEER1 reload a b", "error usage: reload [ZONE]\n\n"},
	    {"STEER1 cookie-rotate now", "error usage: cookie-rotate\n\n"},
	    {"STEER1 status --yaml", "error usage: status [--json]\n\n"},
	    {"STEER1 stats --json now", "error usage: stats [--json]\n\n"},
	    {"STEER1 health json", "error usage: health [--json]\n\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "%s", cases[i].req);
		st_buf_t reply;
		st_buf_init(&reply);
		st_ctl_dispatch(t, n, NULL, line, &reply);
		assert_string_equal(reply.data, cases[i].reply);
		st_buf_free(&reply);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	cmocka_unit_test(test_dispatch),
	    cmocka_unit_test(test_dispatch_show),
	    cmocka_unit_test(test_reply_parse), cmocka_unit_test(test_buf_json),
	    cmocka_unit_test(test_unix_server), cmocka_unit_test(test_unix_later),
	    cmocka_unit_test(test_real_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
