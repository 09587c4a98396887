/* The etcd client against a real etcd cluster (tests/smoke/fleet-etcd.sh
 * starts it and sets ST_ETCD_*): put, range, delete, batches, leases and
 * their loss, watches with resume and resync after a compaction, moving
 * to the next endpoint, https with a client certificate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/time.h"
#include "fleet/etcd.h"
#include "net/ev.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static st_loop_t *loop;
static char *endpoints[8];
static size_t n_endpoints;

/* ---- helpers ---- */

static size_t split(const char *list, char **out, size_t max)
{
	size_t n = 0;
	char *copy = strdup(list);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t && n < max; t = strtok_r(NULL, ",", &save))
		out[n++] = strdup(t);
	free(copy);
	return n;
}

static void cluster(const char *cmd, int member)
{
	char line[1024];
	snprintf(line, sizeof(line), "bash %s %s %s %d", getenv("ST_ETCD_SCRIPT"),
		 getenv("ST_ETCD_DIR"), cmd, member);
	assert_int_equal(system(line), 0);
}

/* Run the loop until *flag or ms pass; returns *flag. */
static bool run_until(const bool *flag, uint64_t ms)
{
	uint64_t end = st_mono_ns() + ms * ST_NS_PER_MS;
	while (!*flag && st_mono_ns() < end) {
		st_loop_run_once(loop);
		usleep(1000);
	}
	return *flag;
}

static void run_for(uint64_t ms)
{
	bool never = false;
	run_until(&never, ms);
}

static st_etcd_t *client_for(const char *const *eps, size_t n)
{
	/* generous: a loaded machine makes etcd's fsyncs slow */
	st_etcd_opts_t o = {.endpoints = eps, .n_endpoints = n, .timeout_ms = 5000};
	st_etcd_t *e = NULL;
	st_diag_t diag;
	int rc = st_etcd_new(loop, &o, &e, &diag);
	if (rc != 0)
		fail_msg("st_etcd_new: %s", diag.text);
	return e;
}

static st_etcd_t *client(void)
{
	return client_for((const char *const *)endpoints, n_endpoints);
}

/* One request's answer, copied out of the callback. */
typedef struct answer {
	bool done;
	int rc;
	int64_t revision, lease_id, ttl, deleted, mod_revision;
	bool succeeded;
	size_t n;
	char keys[400][32];
	char values[4][64];
	size_t value_len[4];
	char error[300];
} answer_t;

static void on_answer(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	answer_t *a = arg;
	a->done = true;
	a->rc = rc;
	snprintf(a->error, sizeof(a->error), "%s", error);
	if (rc != 0)
		return;
	a->revision = res->revision;
	a->lease_id = res->lease_id;
	a->ttl = res->ttl;
	a->deleted = res->deleted;
	a->succeeded = res->succeeded;
	a->n = res->n_kvs;
	a->mod_revision = res->n_kvs ? res->kvs[0].mod_revision : 0;
	for (size_t i = 0; i < res->n_kvs && i < 400; i++) {
		snprintf(a->keys[i], sizeof(a->keys[i]), "%s", res->kvs[i].key);
		if (i < 4) {
			memcpy(a->values[i], res->kvs[i].value, res->kvs[i].value_len);
			a->value_len[i] = res->kvs[i].value_len;
		}
	}
}

static answer_t *wait_answer(answer_t *a)
{
	if (!run_until(&a->done, 15000))
		fail_msg("no answer within 15 s");
	return a;
}

/* A put that must succeed; tried again for a while when etcd is busy
 * electing a leader (after a member was killed). */
static void put_ok(st_etcd_t *e, const char *key, const char *value)
{
	answer_t a = {0};
	uint64_t end = st_mono_ns() + 30 * ST_NS_PER_SEC;
	do {
		memset(&a, 0, sizeof(a));
		assert_int_equal(st_etcd_put(e, key, value, strlen(value), 0, on_answer, &a, NULL),
				 0);
		wait_answer(&a);
		if (a.rc != 0)
			run_for(500);
	} while (a.rc != 0 && st_mono_ns() < end);
	if (a.rc != 0)
		fail_msg("put %s: %s", key, a.error);
}

static void del_ok(st_etcd_t *e, const char *key)
{
	answer_t a = {0};
	uint64_t end = st_mono_ns() + 30 * ST_NS_PER_SEC;
	do {
		memset(&a, 0, sizeof(a));
		assert_int_equal(st_etcd_delete(e, key, false, on_answer, &a, NULL), 0);
		wait_answer(&a);
		if (a.rc != 0)
			run_for(500);
	} while (a.rc != 0 && st_mono_ns() < end);
	if (a.rc != 0)
		fail_msg("delete %s: %s", key, a.error);
}

static size_t count(st_etcd_t *e, const char *prefix)
{
	answer_t *a = calloc(1, sizeof(*a));
	assert_int_equal(st_etcd_range(e, prefix, true, on_answer, a, NULL), 0);
	wait_answer(a);
	assert_int_equal(a->rc, 0);
	size_t n = a->n;
	free(a);
	return n;
}

/* ---- tests ---- */

static void test_kv(void **state)
{
	st_etcd_t *e = client();
	put_ok(e, "/t/kv/a", "one");
	/* values are bytes: NUL and 0xff survive */
	answer_t a = {0};
	assert_int_equal(st_etcd_put(e, "/t/kv/b", "x\0\xffy", 4, 0, on_answer, &a, NULL), 0);
	assert_int_equal(wait_answer(&a)->rc, 0);
	assert_true(a.revision > 0);

	answer_t r = {0};
	assert_int_equal(st_etcd_range(e, "/t/kv/", true, on_answer, &r, NULL), 0);
	wait_answer(&r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.keys[0], "/t/kv/a");
	assert_int_equal(r.value_len[0], 3);
	assert_memory_equal(r.values[0], "one", 3);
	assert_int_equal(r.value_len[1], 4);
	assert_memory_equal(r.values[1], "x\0\xffy", 4);
	/* not a prefix: the one key */
	answer_t one = {0};
	st_etcd_range(e, "/t/kv/a", false, on_answer, &one, NULL);
	assert_int_equal(wait_answer(&one)->n, 1);

	answer_t d = {0};
	st_etcd_delete(e, "/t/kv/", true, on_answer, &d, NULL);
	assert_int_equal(wait_answer(&d)->rc, 0);
	assert_int_equal(d.deleted, 2);
	assert_int_equal(count(e, "/t/kv/"), 0);
	st_etcd_free(e);
}

/* A put that holds only while nobody changed the key since a revision. */
static void test_put_if(void **state)
{
	st_etcd_t *e = client();
	put_ok(e, "/t/cas", "a");
	answer_t r = {0};
	st_etcd_range(e, "/t/cas", false, on_answer, &r, NULL);
	int64_t rev = wait_answer(&r)->mod_revision;
	assert_true(rev > 0);
	answer_t stale = {0};
	st_etcd_put_if(e, "/t/cas", "b", 1, rev - 1, on_answer, &stale, NULL);
	assert_int_equal(wait_answer(&stale)->rc, 0);
	assert_false(stale.succeeded);
	answer_t ok = {0};
	st_etcd_put_if(e, "/t/cas", "c", 1, rev, on_answer, &ok, NULL);
	assert_int_equal(wait_answer(&ok)->rc, 0);
	assert_true(ok.succeeded);
	/* the second of two writers that saw the same revision loses */
	answer_t again = {0};
	st_etcd_put_if(e, "/t/cas", "d", 1, rev, on_answer, &again, NULL);
	assert_false(wait_answer(&again)->succeeded);
	answer_t v = {0};
	st_etcd_range(e, "/t/cas", false, on_answer, &v, NULL);
	assert_memory_equal(wait_answer(&v)->values[0], "c", 1);
	/* 0: only while the key does not exist */
	answer_t fresh = {0};
	st_etcd_put_if(e, "/t/cas-new", "x", 1, 0, on_answer, &fresh, NULL);
	assert_true(wait_answer(&fresh)->succeeded);
	st_etcd_delete(e, "/t/cas", true, NULL, NULL, NULL);
	run_for(200);
	st_etcd_free(e);
}

static void test_batch(void **state)
{
	st_etcd_t *e = client();
	st_etcd_batch_t *b = st_etcd_batch_new();
	char key[64];
	/* more than one transaction's worth */
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "/t/batch/%03d", i);
		assert_int_equal(st_etcd_batch_put(b, key, "v", 1, 0), 0);
	}
	assert_int_equal(st_etcd_batch_count(b), 300);
	answer_t a = {0};
	assert_int_equal(st_etcd_batch_send(e, b, on_answer, &a, NULL), 0);
	assert_int_equal(wait_answer(&a)->rc, 0);
	assert_int_equal(count(e, "/t/batch/"), 300);

	b = st_etcd_batch_new();
	st_etcd_batch_delete(b, "/t/batch/", true);
	answer_t d = {0};
	st_etcd_batch_send(e, b, on_answer, &d, NULL);
	assert_int_equal(wait_answer(&d)->rc, 0);
	assert_int_equal(count(e, "/t/batch/"), 0);

	/* an empty batch answers too, from the loop */
	answer_t z = {0};
	assert_int_equal(st_etcd_batch_send(e, st_etcd_batch_new(), on_answer, &z, NULL), 0);
	assert_false(z.done);
	assert_int_equal(wait_answer(&z)->rc, 0);
	st_etcd_free(e);
}

typedef struct lease_log {
	int64_t ids[16];
	size_t n;
	bool changed;
} lease_log_t;

static void on_lease(int64_t id, void *arg)
{
	lease_log_t *l = arg;
	if (l->n < 16)
		l->ids[l->n++] = id;
	l->changed = true;
}

static void test_lease(void **state)
{
	st_etcd_t *e = client();
	lease_log_t log = {0};
	st_etcd_lease_t *l = NULL;
	assert_int_equal(st_etcd_lease_new(e, 2, on_lease, &log, &l), 0);
	assert_true(run_until(&log.changed, 10000));
	int64_t id = st_etcd_lease_id(l);
	assert_true(id != 0);
	assert_int_equal(log.ids[0], id);

	answer_t a = {0};
	st_etcd_put(e, "/t/lease/k", "v", 1, id, on_answer, &a, NULL);
	assert_int_equal(wait_answer(&a)->rc, 0);
	/* kept alive well past its ttl */
	run_for(4500);
	assert_int_equal(count(e, "/t/lease/"), 1);
	assert_int_equal(log.n, 1);
	assert_true(st_mono_ns() - st_etcd_lease_ok_ns(l) < 2 * ST_NS_PER_SEC);

	/* revoked behind its back: lost, then granted again */
	log.changed = false;
	answer_t r = {0};
	st_etcd_lease_revoke(e, id, on_answer, &r, NULL);
	assert_int_equal(wait_answer(&r)->rc, 0);
	assert_int_equal(count(e, "/t/lease/"), 0);
	uint64_t until = st_mono_ns() + 8 * ST_NS_PER_SEC;
	while (log.n < 3 && st_mono_ns() < until) {
		log.changed = false;
		run_until(&log.changed, 1000);
	}
	assert_int_equal(log.n, 3);
	assert_int_equal(log.ids[1], 0);
	assert_true(log.ids[2] != 0 && log.ids[2] != id);
	assert_int_equal(st_etcd_lease_id(l), log.ids[2]);

	/* freeing revokes: the key under it goes at once */
	answer_t p = {0};
	st_etcd_put(e, "/t/lease/k2", "v", 1, log.ids[2], on_answer, &p, NULL);
	assert_int_equal(wait_answer(&p)->rc, 0);
	st_etcd_lease_free(l);
	run_for(500);
	assert_int_equal(count(e, "/t/lease/"), 0);

	/* a missing lease is ST_ENOENT on put, TTL 0 on keep-alive */
	answer_t m = {0};
	st_etcd_put(e, "/t/lease/k3", "v", 1, 12345, on_answer, &m, NULL);
	assert_int_equal(wait_answer(&m)->rc, ST_ENOENT);
	assert_non_null(strstr(m.error, "lease not found"));
	answer_t k = {0};
	st_etcd_lease_keepalive(e, 12345, on_answer, &k, NULL);
	assert_int_equal(wait_answer(&k)->rc, 0);
	assert_int_equal(k.ttl, 0);
	st_etcd_free(e);
}

/* What a watch has seen: the key set it would hold, and every call. */
typedef struct mirror {
	char keys[64][32];
	char vals[64][16];
	size_t n;
	unsigned resets, calls;
	int64_t revision;
	bool changed;
	char order[1024]; /* "+key=val -key ..." */
} mirror_t;

static void mirror_put(mirror_t *m, const st_etcd_kv_t *kv)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], kv->key) == 0) {
			snprintf(m->vals[i], sizeof(m->vals[i]), "%.*s", (int)kv->value_len,
				 kv->value);
			return;
		}
	if (m->n == 64)
		return;
	snprintf(m->keys[m->n], sizeof(m->keys[0]), "%s", kv->key);
	snprintf(m->vals[m->n], sizeof(m->vals[0]), "%.*s", (int)kv->value_len, kv->value);
	m->n++;
}

static void mirror_del(mirror_t *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0) {
			m->n--;
			memmove(m->keys[i], m->keys[m->n], sizeof(m->keys[0]));
			memmove(m->vals[i], m->vals[m->n], sizeof(m->vals[0]));
			return;
		}
}

static const char *mirror_get(const mirror_t *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	return NULL;
}

static void on_watch(const st_etcd_event_t *evs, size_t n, bool reset, int64_t revision, void *arg)
{
	mirror_t *m = arg;
	m->calls++;
	if (reset) {
		m->resets++;
		m->n = 0;
	}
	assert_true(revision >= m->revision);
	m->revision = revision;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(m->order);
		if (evs[i].type == ST_ETCD_PUT) {
			mirror_put(m, &evs[i].kv);
			snprintf(m->order + len, sizeof(m->order) - len, "+%s=%.*s ", evs[i].kv.key,
				 (int)evs[i].kv.value_len, evs[i].kv.value);
		} else {
			mirror_del(m, evs[i].kv.key);
			snprintf(m->order + len, sizeof(m->order) - len, "-%s ", evs[i].kv.key);
		}
	}
	m->changed = true;
}

static bool wait_value(mirror_t *m, const char *key, const char *want, uint64_t ms)
{
	uint64_t end = st_mono_ns() + ms * ST_NS_PER_MS;
	while (st_mono_ns() < end) {
		const char *v = mirror_get(m, key);
		if (want ? (v && strcmp(v, want) == 0) : v == NULL)
			return true;
		m->changed = false;
		run_until(&m->changed, 100);
	}
	return false;
}

static void test_watch(void **state)
{
	st_etcd_t *e = client();
	put_ok(e, "/t/w/0", "zero");
	put_ok(e, "/t/wx", "outside the prefix");
	mirror_t *m = calloc(1, sizeof(*m));
	st_etcd_watch_t *w = NULL;
	assert_int_equal(st_etcd_watch_new(e, "/t/w/", on_watch, m, &w), 0);
	assert_true(wait_value(m, "/t/w/0", "zero", 10000));
	assert_int_equal(m->resets, 1);
	assert_int_equal(m->n, 1);
	/* wait for the stream itself */
	for (int i = 0; i < 100 && !st_etcd_watch_live(w); i++)
		run_for(50);
	assert_true(st_etcd_watch_live(w));

	m->order[0] = '\0';
	put_ok(e, "/t/w/1", "a");
	put_ok(e, "/t/w/2", "b");
	put_ok(e, "/t/w/1", "c");
	st_etcd_delete(e, "/t/w/0", false, NULL, NULL, NULL);
	put_ok(e, "/t/wx", "still outside");
	assert_true(wait_value(m, "/t/w/0", NULL, 10000));
	assert_string_equal(m->order, "+/t/w/1=a +/t/w/2=b +/t/w/1=c -/t/w/0 ");
	assert_int_equal(m->resets, 1);
	assert_true(st_etcd_watch_revision(w) == m->revision);
	st_etcd_watch_free(w);
	st_etcd_delete(e, "/t/w", true, NULL, NULL, NULL);
	run_for(200);
	free(m);
	st_etcd_free(e);
}

/* The first endpoint refuses connections: requests move on. */
static void test_failover(void **state)
{
	const char *eps[4] = {"http://127.0.0.1:9"};
	for (size_t i = 0; i < n_endpoints && i < 3; i++)
		eps[i + 1] = endpoints[i];
	st_etcd_t *e = client_for(eps, n_endpoints + 1 > 4 ? 4 : n_endpoints + 1);
	put_ok(e, "/t/fo/a", "1");
	st_etcd_stats_t s;
	st_etcd_stats(e, &s);
	assert_true(s.failures >= 1);
	assert_int_equal(s.failures_now, 0);
	assert_true(s.last_ok_ns > 0);
	assert_string_not_equal(s.endpoint, "http://127.0.0.1:9");
	assert_true(st_etcd_backoff_ms(e) >= 75 && st_etcd_backoff_ms(e) <= 125);

	/* only dead endpoints: the request fails with the reason, backoff grows */
	const char *dead[] = {"http://127.0.0.1:9", "http://[::1]:9"};
	st_etcd_t *d = client_for(dead, 2);
	for (int i = 0; i < 3; i++) {
		answer_t a = {0};
		st_etcd_put(d, "/t/fo/b", "1", 1, 0, on_answer, &a, NULL);
		assert_int_not_equal(wait_answer(&a)->rc, 0);
		assert_non_null(strstr(a.error, "etcd http://"));
	}
	st_etcd_stats(d, &s);
	assert_int_equal(s.failures_now, 6);
	assert_true(st_etcd_backoff_ms(d) >= 600);
	assert_true(s.last_error[0] != '\0');
	st_etcd_free(d);
	st_etcd_delete(e, "/t/fo/", true, NULL, NULL, NULL);
	run_for(200);
	st_etcd_free(e);
}

/* The member a watch streams from dies: it resumes on the next one without
 * losing or repeating a change. */
static void test_watch_resume(void **state)
{
	if (n_endpoints < 3)
		skip();
	st_etcd_t *e = client();
	const char *rest[2] = {endpoints[1], endpoints[2]};
	st_etcd_t *other = client_for(rest, 2);
	mirror_t *m = calloc(1, sizeof(*m));
	st_etcd_watch_t *w = NULL;
	st_etcd_watch_new(e, "/t/wr/", on_watch, m, &w);
	for (int i = 0; i < 200 && !st_etcd_watch_live(w); i++)
		run_for(50);
	assert_true(st_etcd_watch_live(w));
	m->order[0] = '\0';
	put_ok(other, "/t/wr/a", "1");
	assert_true(wait_value(m, "/t/wr/a", "1", 10000));

	cluster("kill", 1);
	cluster("wait", 30); /* a leader among the two left */
	put_ok(other, "/t/wr/b", "2");
	put_ok(other, "/t/wr/a", "3");
	assert_true(wait_value(m, "/t/wr/a", "3", 15000));
	assert_string_equal(m->order, "+/t/wr/a=1 +/t/wr/b=2 +/t/wr/a=3 ");
	assert_int_equal(m->resets, 1);
	cluster("restart", 1);
	cluster("wait", 30);

	st_etcd_watch_free(w);
	st_etcd_delete(other, "/t/wr/", true, NULL, NULL, NULL);
	run_for(200);
	free(m);
	st_etcd_free(other);
	st_etcd_free(e);
}

/* While the only member a watch knows is down, the history it would resume
 * from is compacted away: it reads everything again. */
static void test_watch_compacted(void **state)
{
	if (n_endpoints < 3)
		skip();
	const char *first[1] = {endpoints[0]};
	st_etcd_t *e = client_for(first, 1);
	const char *rest[2] = {endpoints[1], endpoints[2]};
	st_etcd_t *other = client_for(rest, 2);
	put_ok(other, "/t/wc/gone", "x");
	mirror_t *m = calloc(1, sizeof(*m));
	st_etcd_watch_t *w = NULL;
	st_etcd_watch_new(e, "/t/wc/", on_watch, m, &w);
	for (int i = 0; i < 200 && !st_etcd_watch_live(w); i++)
		run_for(50);
	assert_true(st_etcd_watch_live(w));
	assert_int_equal(m->resets, 1);

	cluster("kill", 1);
	cluster("wait", 30);
	del_ok(other, "/t/wc/gone");
	put_ok(other, "/t/wc/new", "y");
	answer_t now = {0};
	st_etcd_range(other, "/t/wc/", true, on_answer, &now, NULL);
	wait_answer(&now);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "ETCDCTL_API=3 etcdctl --endpoints=%s compact %" PRId64 " >/dev/null 2>&1",
		 endpoints[1], now.revision);
	assert_int_equal(system(cmd), 0);
	cluster("restart", 1);
	assert_true(wait_value(m, "/t/wc/new", "y", 30000));
	assert_null(mirror_get(m, "/t/wc/gone"));
	assert_int_equal(m->resets, 2);
	cluster("wait", 30);

	st_etcd_watch_free(w);
	st_etcd_delete(other, "/t/wc/", true, NULL, NULL, NULL);
	run_for(200);
	free(m);
	st_etcd_free(other);
	st_etcd_free(e);
}

static void test_tls(void **state)
{
	const char *dir = getenv("ST_ETCD_TLS_DIR");
	const char *ep = getenv("ST_ETCD_TLS_ENDPOINTS");
	if (!dir || !ep)
		skip();
	char ca[512], cert[512], key[512], wrong[512];
	snprintf(ca, sizeof(ca), "%s/tls/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/tls/client.pem", dir);
	snprintf(key, sizeof(key), "%s/tls/client.key", dir);
	snprintf(wrong, sizeof(wrong), "%s/tls/server.pem", dir); /* not a CA */
	const char *eps[1] = {ep};
	st_diag_t diag;

	st_etcd_opts_t o = {.endpoints = eps,
			    .n_endpoints = 1,
			    .ca_file = ca,
			    .cert_file = cert,
			    .key_file = key,
			    .timeout_ms = 3000};
	st_etcd_t *e = NULL;
	assert_int_equal(st_etcd_new(loop, &o, &e, &diag), 0);
	put_ok(e, "/t/tls", "secure");
	assert_int_equal(count(e, "/t/tls"), 1);
	mirror_t *m = calloc(1, sizeof(*m));
	st_etcd_watch_t *w = NULL;
	st_etcd_watch_new(e, "/t/tls", on_watch, m, &w);
	assert_true(wait_value(m, "/t/tls", "secure", 10000));
	put_ok(e, "/t/tls", "again");
	assert_true(wait_value(m, "/t/tls", "again", 10000));
	st_etcd_watch_free(w);
	free(m);
	st_etcd_free(e);

	/* no client certificate: the member refuses */
	o.cert_file = o.key_file = NULL;
	assert_int_equal(st_etcd_new(loop, &o, &e, &diag), 0);
	answer_t a = {0};
	st_etcd_put(e, "/t/tls", "x", 1, 0, on_answer, &a, NULL);
	assert_int_not_equal(wait_answer(&a)->rc, 0);
	st_etcd_free(e);

	/* a CA that did not sign the member's certificate */
	o.cert_file = cert;
	o.key_file = key;
	o.ca_file = wrong;
	assert_int_equal(st_etcd_new(loop, &o, &e, &diag), 0);
	answer_t b = {0};
	st_etcd_put(e, "/t/tls", "x", 1, 0, on_answer, &b, NULL);
	assert_int_not_equal(wait_answer(&b)->rc, 0);
	st_etcd_free(e);

	/* a key file without its certificate, files that do not exist */
	o.ca_file = ca;
	o.cert_file = NULL;
	assert_int_equal(st_etcd_new(loop, &o, &e, &diag), ST_EINVAL);
	assert_non_null(strstr(diag.text, "cert_file"));
	o.cert_file = "/nonexistent.pem";
	assert_int_equal(st_etcd_new(loop, &o, &e, &diag), ST_EINVAL);
	assert_non_null(strstr(diag.text, "/nonexistent.pem"));
}

static void test_bad_endpoints(void **state)
{
	st_etcd_t *e = NULL;
	st_diag_t diag;
	const char *bad[] = {"127.0.0.1:2379",	 "ftp://x:1",	   "http://:2379",
			     "http://[::1:2379", "http://h:99999", "http://h:1/path"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st_etcd_opts_t o = {.endpoints = &bad[i], .n_endpoints = 1};
		st_diag_clear(&diag);
		assert_int_equal(st_etcd_new(loop, &o, &e, &diag), ST_EINVAL);
		assert_non_null(strstr(diag.text, bad[i]));
	}
	st_etcd_opts_t none = {.n_endpoints = 0};
	assert_int_equal(st_etcd_new(loop, &none, &e, &diag), ST_EINVAL);
}

int main(void)
{
	const char *eps = getenv("ST_ETCD_ENDPOINTS");
	if (!eps || !getenv("ST_ETCD_DIR") || !getenv("ST_ETCD_SCRIPT")) {
		fprintf(stderr, "test_fleet_etcd: run by tests/smoke/fleet-etcd.sh (needs "
				"ST_ETCD_ENDPOINTS, ST_ETCD_DIR, ST_ETCD_SCRIPT)\n");
		return 77;
	}
	n_endpoints = split(eps, endpoints, 8);
	loop = st_loop_new();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_endpoints), cmocka_unit_test(test_kv),
	    cmocka_unit_test(test_batch),	  cmocka_unit_test(test_put_if),	  cmocka_unit_test(test_lease),
	    cmocka_unit_test(test_watch),	  cmocka_unit_test(test_failover),
	    cmocka_unit_test(test_watch_resume),  cmocka_unit_test(test_watch_compacted),
	    cmocka_unit_test(test_tls),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	st_loop_free(loop);
	for (size_t i = 0; i < n_endpoints; i++)
		free(endpoints[i]);
	return rc;
}
