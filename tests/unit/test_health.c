/* Effective health as steerd sees it: table states, unknown = up, endpoints
 * without a check, overrides, staleness policies, remap by name after a
 * generation bump, damaged tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/time.h"
#include "conf/conf.h"
#include "health/health.h"
#include "health/table.h"

#include <pthread.h>
#include <sys/wait.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "test_health_tmp.h"

/* Endpoints e0, e1 (checked) and e2 (no check). */
static st_conf_t *make_conf(st_on_stale_t on_stale, uint64_t stale_ms)
{
	st_conf_t *c = st_conf_new();
	c->health_table = strdup(path);
	c->on_stale = on_stale;
	c->stale_after_ms = stale_ms;
	c->n_checks = 1;
	c->checks = calloc(1, sizeof(*c->checks));
	c->checks[0].name = strdup("web");
	c->n_endpoints = 3;
	c->endpoints = calloc(3, sizeof(*c->endpoints));
	for (int i = 0; i < 3; i++) {
		char nm[16];
		snprintf(nm, sizeof(nm), "e%d", i);
		c->endpoints[i].name = strdup(nm);
		c->endpoints[i].check = i < 2 ? 0 : ST_CONF_NONE;
	}
	return c;
}

static void put(st_healthtab_t *w, const char *name, st_health_state_t s)
{
	st_health_rec_t rec;
	memset(&rec, 0, sizeof(rec));
	rec.state = s;
	rec.rtt_us = 1500;
	snprintf(rec.error, sizeof(rec.error), "%s", s == ST_HEALTH_DOWN ? "http 500" : "");
	st_healthtab_write(w, st_healthtab_find(w, name), &rec);
}

static void test_no_table(void **state)
{
	unlink(path);
	st_conf_t *c = make_conf(ST_STALE_LAST_KNOWN, 10000);
	st_health_t *h = NULL;
	st_diag_t diag;
	assert_int_equal(st_health_new(c, &h, &diag), 0);
	assert_int_equal(st_health_count(h), 3);
	/* Cold start: nothing known, every endpoint usable. */
	for (uint32_t i = 0; i < 3; i++)
		assert_true(st_health_up(h, i));
	assert_true(st_health_stale(h));
	assert_int_equal(st_health_age_ms(h), UINT64_MAX);
	assert_int_equal(st_health_checker_pid(h), 0);
	assert_true(st_health_up(h, 99)); /* out of range is not a crash */
	st_health_info_t info;
	assert_int_equal(st_health_info(h, 0, &info), 0);
	assert_false(info.in_table);
	assert_true(info.has_check);
	assert_int_equal(info.effective, ST_HEALTH_UP);
	st_health_tick(h);
	st_health_free(h);
	st_conf_free(c);
	st_health_free(NULL);
}

static void test_states_and_overrides(void **state)
{
	unlink(path);
	const char *names[2] = {"e1", "e0"}; /* order differs from the config */
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	st_conf_t *c = make_conf(ST_STALE_LAST_KNOWN, 10000);
	st_health_t *h = NULL;
	assert_int_equal(st_health_new(c, &h, &diag), 0);
	assert_false(st_health_stale(h));
	assert_int_equal(st_health_checker_pid(h), getpid());
	assert_true(st_health_age_ms(h) < 5000);
	assert_true(st_health_up(h, 0)); /* unknown */

	put(w, "e0", ST_HEALTH_DOWN);
	put(w, "e1", ST_HEALTH_UP);
	/* Visible at once, no tick needed: the query path reads the slot. */
	assert_false(st_health_up(h, 0));
	assert_true(st_health_up(h, 1));
	assert_true(st_health_up(h, 2));

	st_health_info_t info;
	assert_int_equal(st_health_info(h, 0, &info), 0);
	assert_true(info.in_table);
	assert_int_equal(info.checker.state, ST_HEALTH_DOWN);
	assert_int_equal(info.effective, ST_HEALTH_DOWN);
	assert_int_equal(info.checker.rtt_us, 1500);
	assert_string_equal(info.checker.error, "http 500");
	assert_int_equal(st_health_info(h, 2, &info), 0);
	assert_false(info.has_check);
	assert_int_equal(info.effective, ST_HEALTH_UP);

	st_health_set_override(h, 0, ST_OVERRIDE_UP);
	assert_true(st_health_up(h, 0));
	st_health_set_override(h, 1, ST_OVERRIDE_DRAIN);
	assert_false(st_health_up(h, 1));
	assert_int_equal(st_health_get_override(h, 1), ST_OVERRIDE_DRAIN);
	st_health_set_override(h, 2, ST_OVERRIDE_DOWN); /* even without a check */
	assert_false(st_health_up(h, 2));
	st_health_set_override(h, 0, ST_OVERRIDE_NONE);
	st_health_set_override(h, 1, ST_OVERRIDE_NONE);
	st_health_set_override(h, 2, ST_OVERRIDE_NONE);
	assert_false(st_health_up(h, 0));
	assert_true(st_health_up(h, 1));
	assert_true(st_health_up(h, 2));

	st_health_free(h);
	st_conf_free(c);
	st_healthtab_close(w);
}

static void test_stale_policies(void **state)
{
	unlink(path);
	const char *names[2] = {"e0", "e1"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	put(w, "e0", ST_HEALTH_DOWN);
	st_healthtab_heartbeat(w, st_mono_ns());

	st_conf_t *lk = make_conf(ST_STALE_LAST_KNOWN, 200);
	st_conf_t *fo = make_conf(ST_STALE_FAIL_OPEN, 200);
	st_health_t *hl = NULL, *hf = NULL;
	assert_int_equal(st_health_new(lk, &hl, &diag), 0);
	assert_int_equal(st_health_new(fo, &hf, &diag), 0);
	assert_false(st_health_stale(hl));
	assert_false(st_health_up(hl, 0));
	assert_false(st_health_up(hf, 0));

	usleep(300 * 1000); /* heartbeat now older than stale_after */
	st_health_tick(hl);
	st_health_tick(hf);
	assert_true(st_health_stale(hl));
	assert_true(st_health_stale(hf));
	assert_false(st_health_up(hl, 0)); /* last-known keeps the state */
	assert_true(st_health_up(hf, 0));  /* fail-open */
	/* An override still wins while stale. */
	st_health_set_override(hf, 0, ST_OVERRIDE_DOWN);
	assert_false(st_health_up(hf, 0));
	st_health_set_override(hf, 0, ST_OVERRIDE_NONE);

	st_healthtab_heartbeat(w, st_mono_ns());
	st_health_tick(hl);
	st_health_tick(hf);
	assert_false(st_health_stale(hl));
	assert_false(st_health_up(hf, 0));

	/* A heartbeat far in the future comes from a previous boot: stale. */
	st_healthtab_heartbeat(w, st_mono_ns() + 3600 * ST_NS_PER_SEC);
	st_health_tick(hl);
	assert_true(st_health_stale(hl));

	st_health_free(hl);
	st_health_free(hf);
	st_conf_free(lk);
	st_conf_free(fo);
	st_healthtab_close(w);
}

static void test_remap_by_name(void **state)
{
	unlink(path);
	const char *first[1] = {"e0"};
	const char *second[3] = {"x", "e1", "e0"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, first, 1, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	put(w, "e0", ST_HEALTH_DOWN);
	st_conf_t *c = make_conf(ST_STALE_LAST_KNOWN, 10000);
	st_health_t *h = NULL;
	assert_int_equal(st_health_new(c, &h, &diag), 0);
	assert_false(st_health_up(h, 0));
	assert_true(st_health_up(h, 1));

	/* The checker restarts with another endpoint set. */
	st_healthtab_close(w);
	assert_int_equal(st_healthtab_writer_open(path, second, 3, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	put(w, "e1", ST_HEALTH_DOWN);
	st_health_tick(h);
	assert_false(st_health_up(h, 0)); /* carried over by name */
	assert_false(st_health_up(h, 1)); /* e1 now bound */
	put(w, "e0", ST_HEALTH_UP);
	assert_true(st_health_up(h, 0));

	/* The file is replaced by garbage: no crash, last-known states, stale. */
	st_healthtab_close(w);
	char tmp[400];
	snprintf(tmp, sizeof(tmp), "%s.junk", path);
	FILE *f = fopen(tmp, "w");
	fputs("this is not a health table", f);
	fclose(f);
	rename(tmp, path);
	st_health_tick(h);
	assert_true(st_health_stale(h));
	assert_true(st_health_up(h, 0));
	assert_false(st_health_up(h, 1));

	/* The file disappears: still no crash. */
	unlink(path);
	st_health_tick(h);
	assert_true(st_health_stale(h));
	assert_false(st_health_up(h, 1));

	/* A good table comes back: fresh again. */
	assert_int_equal(st_healthtab_writer_open(path, first, 1, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	st_health_tick(h);
	assert_false(st_health_stale(h));
	assert_true(st_health_up(h, 1)); /* no slot any more: unknown */
	st_health_free(h);
	st_conf_free(c);
	st_healthtab_close(w);
}

/* Workers read health while RCU-online, as steerd's do, while the tick
 * remaps the table again and again: a binding freed while a worker can
 * still hold it is a use after free (ASan reports it). */
typedef struct {
	st_health_t *h;
	atomic_bool stop;
	atomic_ulong reads;
} readers_t;

static void *reader_main(void *arg)
{
	readers_t *r = arg;
	rcu_register_thread();
	while (!atomic_load(&r->stop)) {
		rcu_thread_online();
		for (int i = 0; i < 64; i++)
			(void)st_health_up(r->h, (uint32_t)(i & 1));
		rcu_thread_offline();
		atomic_fetch_add(&r->reads, 64);
	}
	rcu_unregister_thread();
	return NULL;
}

static void test_remap_under_readers(void **state)
{
	unlink(path);
	const char *set_a[2] = {"e0", "e1"};
	const char *set_b[3] = {"x", "e1", "e0"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, set_a, 2, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	st_conf_t *c = make_conf(ST_STALE_LAST_KNOWN, 10000);
	readers_t r = {.h = NULL};
	assert_int_equal(st_health_new(c, &r.h, &diag), 0);
	pthread_t tid[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, reader_main, &r), 0);
	for (int round = 0; round < 3000; round++) {
		/* A checker with the other endpoint set: a new generation. */
		st_healthtab_close(w);
		unlink(path);
		if (round & 1)
			assert_int_equal(st_healthtab_writer_open(path, set_a, 2, &w, &diag), 0);
		else
			assert_int_equal(st_healthtab_writer_open(path, set_b, 3, &w, &diag), 0);
		st_healthtab_heartbeat(w, st_mono_ns());
		put(w, "e0", ST_HEALTH_DOWN);
		put(w, "e1", ST_HEALTH_UP);
		st_health_tick(r.h);
		assert_false(st_health_up(r.h, 0));
		assert_true(st_health_up(r.h, 1));
	}
	atomic_store(&r.stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	assert_true(atomic_load(&r.reads) > 0);
	st_health_free(r.h);
	st_conf_free(c);
	st_healthtab_close(w);
}

/* A table of e0 (down) and e1 read by a health view; the writer closed, so
 * that the file can be damaged under the reader. */
static st_health_t *two_endpoints_e0_down(st_conf_t **conf)
{
	unlink(path);
	const char *names[2] = {"e0", "e1"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	put(w, "e0", ST_HEALTH_DOWN);
	*conf = make_conf(ST_STALE_LAST_KNOWN, 10000);
	st_health_t *h = NULL;
	assert_int_equal(st_health_new(*conf, &h, &diag), 0);
	st_health_tick(h);
	assert_false(st_health_up(h, 0));
	st_healthtab_close(w);
	return h;
}

static void test_truncated_in_place(void **state)
{
	const char *names[2] = {"e0", "e1"};
	st_diag_t diag;
	st_healthtab_t *w = NULL;
	st_conf_t *c = NULL;
	st_health_t *h = two_endpoints_e0_down(&c);

	/* Someone empties the file in place (same inode): the mapping's pages
	 * are gone. The next tick must stop reading it; nothing may fault. */
	assert_int_equal(truncate(path, 0), 0);
	st_health_tick(h);
	assert_true(st_health_stale(h));
	assert_false(st_health_up(h, 0)); /* last states seen */
	assert_true(st_health_up(h, 1));
	st_health_info_t info;
	assert_int_equal(st_health_info(h, 0, &info), 0);
	assert_false(info.in_table);
	assert_int_equal(st_health_checker_pid(h), 0);
	assert_int_equal(st_health_age_ms(h), UINT64_MAX);
	st_health_tick(h);
	assert_false(st_health_up(h, 0));

	/* A checker starts again: the damaged file is replaced, remapped. */
	assert_int_equal(st_healthtab_writer_open(path, names, 2, &w, &diag), 0);
	st_healthtab_heartbeat(w, st_mono_ns());
	put(w, "e0", ST_HEALTH_UP);
	st_health_tick(h);
	assert_false(st_health_stale(h));
	assert_true(st_health_up(h, 0));
	st_health_free(h);
	st_conf_free(c);
	st_healthtab_close(w);
}

/* Truncated in place and read before the next tick: the pages past the end
 * fault (SIGBUS), which the table's guard turns into zero pages. Reading
 * must not crash; the tick after it serves the last states. */
static void test_truncated_read_before_tick(void **state)
{
	st_conf_t *c = NULL;
	st_health_t *h = two_endpoints_e0_down(&c);
	unsigned long faults = st_healthtab_faults();
	assert_int_equal(truncate(path, 0), 0);
	/* Zero pages from then on: read as the last states seen, not as
	 * unknown (which counts as up), even before the tick. */
	assert_false(st_health_up(h, 0));
	assert_int_equal(st_healthtab_faults(), faults + 1);
	assert_true(st_health_up(h, 1));
	st_health_tick(h);
	assert_false(st_health_up(h, 0)); /* last states seen */
	assert_true(st_health_up(h, 1));
	st_health_info_t info;
	assert_int_equal(st_health_info(h, 0, &info), 0);
	assert_false(info.in_table);
	st_health_free(h);
	st_conf_free(c);
}

/* Write one 32-bit word of slot `slot` in the file, as a stray writer would. */
static void poke(uint32_t slot, size_t field, uint32_t value)
{
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	long off = (long)(sizeof(st_healthtab_header_t) + slot * sizeof(st_healthtab_slot_t) + field);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	assert_int_equal(fwrite(&value, sizeof(value), 1, f), 1);
	fclose(f);
}

/* A slot whose state is no known value, or whose sequence word stays odd
 * (a writer that died half-way, a stray write), is not believed: it reads
 * as the last state seen (last-known) or up (fail-open), at once for a bad
 * state, from the next tick for a sequence word that does not settle; the
 * query path, steerctl health and metrics (st_health_info) agree. */
static void test_corrupt_slots(void **state)
{
	const size_t seq = offsetof(st_healthtab_slot_t, seq);
	const size_t st = offsetof(st_healthtab_slot_t, state);
	for (int policy = 0; policy < 2; policy++) {
		st_conf_t *c = NULL;
		st_health_t *h = two_endpoints_e0_down(&c);
		st_health_t *fo = NULL;
		st_diag_t diag;
		c->on_stale = ST_STALE_FAIL_OPEN;
		assert_int_equal(st_health_new(c, &fo, &diag), 0);
		st_health_tick(fo);
		st_health_t *x = policy == 0 ? h : fo;
		bool fallback_up = policy == 1;
		assert_false(st_health_up(x, 0));
		assert_int_equal(st_health_bad_slots(x), 0);

		/* a state that is no known value */
		for (uint32_t v = 3; v < 40; v += 9) {
			poke(0, st, v);
			assert_int_equal(st_health_up(x, 0), fallback_up);
			st_health_tick(x);
			assert_int_equal(st_health_up(x, 0), fallback_up);
			st_health_info_t info;
			assert_int_equal(st_health_info(x, 0, &info), 0);
			assert_true(info.unreadable);
			assert_int_equal(info.effective,
					 fallback_up ? ST_HEALTH_UP : ST_HEALTH_DOWN);
			assert_int_equal(st_health_bad_slots(x), 1);
		}
		poke(0, st, 0xffffffffu);
		assert_int_equal(st_health_up(x, 0), fallback_up);

		/* an odd sequence word that stays odd, over a state that says up */
		poke(0, seq, 77);
		poke(0, st, ST_HEALTH_UP);
		st_health_tick(x);
		st_health_tick(x);
		assert_int_equal(st_health_up(x, 0), fallback_up);
		st_health_info_t info;
		assert_int_equal(st_health_info(x, 0, &info), 0);
		assert_true(info.unreadable);
		assert_int_equal(st_health_bad_slots(x), 1);
		assert_true(st_health_up(x, 1)); /* its neighbour is read as before */

		/* settled again: believed again */
		poke(0, seq, 78);
		st_health_tick(x);
		assert_true(st_health_up(x, 0));
		assert_int_equal(st_health_info(x, 0, &info), 0);
		assert_false(info.unreadable);
		assert_int_equal(st_health_bad_slots(x), 0);
		poke(0, st, ST_HEALTH_DOWN);
		assert_false(st_health_up(x, 0));
		st_health_free(h);
		st_health_free(fo);
		st_conf_free(c);
	}
}

/* A reload builds a new view: an endpoint whose slot cannot be read reads
 * as its last settled state from before the reload (by name, wherever it
 * moved in the config), not as unknown. */
static void test_carry_over_reload(void **state)
{
	st_conf_t *c = NULL;
	st_health_t *h = two_endpoints_e0_down(&c);
	poke(0, offsetof(st_healthtab_slot_t, state), 99);
	st_health_tick(h);
	assert_false(st_health_up(h, 0));

	/* the new config lists e1 first, then e0 */
	st_conf_t *c2 = make_conf(ST_STALE_LAST_KNOWN, 10000);
	free(c2->endpoints[0].name);
	free(c2->endpoints[1].name);
	c2->endpoints[0].name = strdup("e1");
	c2->endpoints[1].name = strdup("e0");
	st_diag_t diag;
	st_health_t *fresh = NULL, *carried = NULL;
	assert_int_equal(st_health_new(c2, &fresh, &diag), 0);
	assert_int_equal(st_health_new(c2, &carried, &diag), 0);
	st_health_carry(carried, h);
	st_health_tick(fresh);
	st_health_tick(carried);
	assert_true(st_health_up(fresh, 1)); /* never seen settled: unknown, up */
	assert_false(st_health_up(carried, 1));
	assert_true(st_health_up(carried, 0));
	st_health_carry(carried, NULL); /* nothing to carry: no change */
	st_health_carry(NULL, h);
	assert_false(st_health_up(carried, 1));

	/* readable again: believed, whatever was carried */
	poke(0, offsetof(st_healthtab_slot_t, state), ST_HEALTH_UP);
	st_health_tick(carried);
	assert_true(st_health_up(carried, 1));
	st_health_free(fresh);
	st_health_free(carried);
	st_health_free(h);
	st_conf_free(c2);
	st_conf_free(c);
}

/* Write the header's pid, as a checker that died would have left it. */
static void poke_pid(int32_t pid)
{
	FILE *f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)offsetof(st_healthtab_header_t, pid), SEEK_SET), 0);
	assert_int_equal(fwrite(&pid, sizeof(pid), 1, f), 1);
	fclose(f);
}

/* The checker's liveness as status shows it: beating, then (from one
 * missed beat) gone when its pid no longer exists, silent when it does but
 * does not beat, exited at once when it left cleanly; with the time left
 * until the table is stale. */
static void test_checker_status(void **state)
{
	unlink(path);
	const char *names[1] = {"e0"};
	st_healthtab_t *w = NULL;
	st_diag_t diag;
	assert_int_equal(st_healthtab_writer_open(path, names, 1, &w, &diag), 0);
	st_healthtab_set_beat_period(w, 50);
	st_healthtab_heartbeat(w, st_mono_ns());
	st_conf_t *c = make_conf(ST_STALE_LAST_KNOWN, 10000);
	st_health_t *h = NULL;
	assert_int_equal(st_health_new(c, &h, &diag), 0);
	st_health_checker_t ck;
	st_health_checker(h, &ck);
	assert_int_equal(ck.status, ST_CHECKER_BEATING);
	assert_int_equal(ck.pid, getpid());
	assert_int_equal(ck.stale_in_ms, 0);

	/* a pid that no longer exists: gone after one missed beat */
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	assert_true(child > 0);
	waitpid(child, NULL, 0);
	poke_pid(child);
	st_healthtab_heartbeat(w, st_mono_ns());
	usleep(200 * 1000);
	st_health_tick(h);
	st_health_checker(h, &ck);
	assert_int_equal(ck.status, ST_CHECKER_GONE);
	assert_false(ck.stale);
	assert_true(ck.stale_in_ms > 9000 && ck.stale_in_ms < 10000);
	assert_string_equal(st_checker_status_name(ck.status), "gone");

	/* alive (us) but not beating: silent, past two missed beats */
	poke_pid(getpid());
	usleep(200 * 1000);
	st_health_checker(h, &ck);
	assert_int_equal(ck.status, ST_CHECKER_SILENT);
	st_healthtab_heartbeat(w, st_mono_ns());
	st_health_checker(h, &ck);
	assert_int_equal(ck.status, ST_CHECKER_BEATING);

	/* a clean exit: at once, without waiting for a missed beat */
	st_healthtab_writer_detach(w);
	st_health_tick(h);
	st_health_checker(h, &ck);
	assert_int_equal(ck.status, ST_CHECKER_EXITED);
	assert_int_equal(ck.pid, 0);
	assert_true(ck.stale_in_ms > 9000);

	/* no table: none */
	st_healthtab_close(w);
	unlink(path);
	st_health_tick(h);
	st_health_checker(h, &ck);
	assert_int_equal(ck.status, ST_CHECKER_NONE);
	st_health_free(h);
	st_conf_free(c);
}

static void test_no_checks_never_stale(void **state)
{
	st_conf_t *c = st_conf_new();
	st_health_t *h = NULL;
	st_diag_t diag;
	assert_int_equal(st_health_new(c, &h, &diag), 0);
	assert_false(st_health_stale(h));
	assert_int_equal(st_health_count(h), 0);
	st_health_tick(h);
	st_health_free(h);
	st_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_table),	       cmocka_unit_test(test_states_and_overrides),
	    cmocka_unit_test(test_stale_policies),     cmocka_unit_test(test_remap_by_name),
	    cmocka_unit_test(test_remap_under_readers),
	    cmocka_unit_test(test_truncated_in_place),
	    cmocka_unit_test(test_truncated_read_before_tick), cmocka_unit_test(test_no_checks_never_stale),
	    cmocka_unit_test(test_corrupt_slots),
	    cmocka_unit_test(test_carry_over_reload),
	    cmocka_unit_test(test_checker_status),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
