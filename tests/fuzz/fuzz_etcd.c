/* Fuzz target for the etcd watch stream: what the v3 JSON gateway sends on
 * POST /v3/watch (one JSON message a line: created, events, progress,
 * cancellation, errors), fed to a watch of the real client as the stream's
 * data callback gets it, in chunks whose sizes come from the first two
 * bytes of the input. Every event must come out whole (key and value as
 * long as they say, NUL-terminated after), a watch that gives up on the
 * stream must take nothing more from it, and the events must be the same
 * as when the stream arrives at once. The client is never connected: its
 * loop never runs. */
#include "fuzz.h"
#include "common/buf.h"
#include "common/log.h"
#include "fleet/etcd_internal.h"
#include "net/ev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_target[] = "etcd";

static st_loop_t *loop;
static st_etcd_t *etcd;

void fuzz_fini(void)
{
	st_etcd_free(etcd);
	st_loop_free(loop);
	etcd = NULL;
	loop = NULL;
}

static void init(void)
{
	static const char *const endpoints[] = {"http://127.0.0.1:2379"};
	st_etcd_opts_t opts = {.endpoints = endpoints, .n_endpoints = 1};
	st_diag_t diag;
	st_log_set_level(ST_LOG_ERR); /* compactions and restarts are news, not findings */
	loop = st_loop_new();
	if (!loop || st_etcd_new(loop, &opts, &etcd, &diag) != 0)
		abort();
}

/* Each delivery as text: "n reset revision" and a line an event. */
static void on_events(const st_etcd_event_t *evs, size_t n, bool reset, int64_t revision, void *arg)
{
	st_buf_t *log = arg;
	st_buf_printf(log, "%zu %d %lld\n", n, reset, (long long)revision);
	for (size_t i = 0; i < n; i++) {
		const st_etcd_kv_t *kv = &evs[i].kv;
		if ((evs[i].type != ST_ETCD_PUT && evs[i].type != ST_ETCD_DELETE) || !kv->key ||
		    !kv->value || kv->key[kv->key_len] != '\0' || kv->value[kv->value_len] != '\0')
			abort();
		st_buf_printf(log, "%d %lld ", (int)evs[i].type, (long long)kv->mod_revision);
		st_buf_add(log, kv->key, kv->key_len);
		st_buf_puts(log, " = ");
		st_buf_add(log, kv->value, kv->value_len);
		st_buf_puts(log, "\n");
	}
}

/* The events of the stream fed in chunks (rng) or at once (rng NULL). */
static void feed(const char *stream, size_t len, uint64_t *rng, st_buf_t *log)
{
	st_etcd_watch_t *w = NULL;
	if (st_etcd_watch_new(etcd, "/steer/", on_events, log, &w) != 0)
		abort();
	for (size_t pos = 0; pos < len;) {
		size_t n = rng ? fuzz_chunk_size(rng) : len;
		if (n > len - pos)
			n = len - pos;
		st_etcd_watch_input(w, stream + pos, n);
		pos += n;
	}
	st_etcd_watch_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!etcd)
		init();
	if (size < 2)
		return 0;
	uint64_t rng = (uint64_t)data[0] << 8 | data[1];
	const char *stream = (const char *)data + 2;
	st_buf_t whole, split;
	st_buf_init(&whole);
	st_buf_init(&split);
	feed(stream, size - 2, NULL, &whole);
	feed(stream, size - 2, &rng, &split);
	size_t lw = 0, ls = 0;
	char *a = st_buf_steal(&whole, &lw), *b = st_buf_steal(&split, &ls);
	if (!a || !b || lw != ls || memcmp(a, b, lw) != 0) {
		fprintf(stderr, "fuzz_etcd: the stream at once gave:\n%.*s---\nin chunks:\n%.*s",
			(int)lw, a ? a : "", (int)ls, b ? b : "");
		abort();
	}
	free(a);
	free(b);
	return 0;
}
