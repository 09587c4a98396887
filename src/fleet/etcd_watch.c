/* Watches: read the prefix, then stream its changes from the next
 * revision (POST /v3/watch answers with one JSON message per line, as long
 * as the connection lives); resume after a failure, read everything again
 * after a compaction. */
#include "fleet/etcd_internal.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A quiet stream is reopened after this long (from the same revision), so
 * that a connection that died without a word is not trusted for ever. */
#define STREAM_IDLE_MS 60000
#define LINE_MAX_BYTES (4u << 20)

struct st_etcd_watch {
	st_etcd_t *e;
	LIST_ENTRY(st_etcd_watch) link;
	char *prefix;
	st_etcd_watch_cb_t cb;
	void *arg;
	int64_t rev; /* delivered up to */
	bool need_reset, live;
	st_etcd_op_t *range_op;
	st_httpc_t *http;
	size_t endpoint;
	st_httpc_req_t *req;
	char *line;
	size_t line_len, line_cap;
	bool restart;	      /* set from the data callback: reopen from the timer */
	bool restart_failure; /* ... and count it against the endpoint */
	char restart_error[300];
	st_ev_t *timer;
};

static void open_stream(st_etcd_watch_t *w);
static void read_all(st_etcd_watch_t *w);

/* The member the watch reads from (for messages; the stream may be gone). */
static const char *url(const st_etcd_watch_t *w)
{
	return w->e->eps[w->endpoint].url;
}

static void close_stream(st_etcd_watch_t *w)
{
	st_httpc_cancel(w->req);
	w->req = NULL;
	st_httpc_free(w->http);
	w->http = NULL;
	w->live = false;
	w->line_len = 0;
}

static void schedule(st_etcd_watch_t *w, bool failure, const char *error)
{
	uint32_t ms = 0;
	if (failure) {
		st_etcd_endpoint_failed(w->e, w->endpoint, error);
		ms = st_etcd_backoff_ms(w->e);
	}
	st_ev_timer_start(w->timer, ms);
}

static void on_timer(int fd, short what, void *arg)
{
	st_etcd_watch_t *w = arg;
	if (w->restart) {
		w->restart = false;
		close_stream(w);
		if (w->restart_failure) {
			w->restart_failure = false;
			schedule(w, true, w->restart_error);
			return;
		}
	}
	if (w->range_op || w->req)
		return;
	if (w->need_reset)
		read_all(w);
	else
		open_stream(w);
}

static void on_range(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	st_etcd_watch_t *w = arg;
	w->range_op = NULL;
	if (rc != 0) {
		/* the request already tried every endpoint */
		st_ev_timer_start(w->timer, st_etcd_backoff_ms(w->e));
		return;
	}
	st_etcd_event_t *evs = calloc(res->n_kvs ? res->n_kvs : 1, sizeof(*evs));
	if (!evs) {
		st_ev_timer_start(w->timer, 1000);
		return;
	}
	for (size_t i = 0; i < res->n_kvs; i++)
		evs[i] = (st_etcd_event_t){.type = ST_ETCD_PUT, .kv = res->kvs[i]};
	w->need_reset = false;
	w->rev = res->revision;
	open_stream(w);
	w->cb(evs, res->n_kvs, true, res->revision, w->arg);
	free(evs);
}

static void read_all(st_etcd_watch_t *w)
{
	if (st_etcd_range(w->e, w->prefix, true, on_range, w, &w->range_op) != 0)
		st_ev_timer_start(w->timer, 1000);
}

/* Reopen from the timer; from the data callback the stream cannot be
 * freed. */
static void restart_later(st_etcd_watch_t *w, bool failure, const char *error)
{
	w->restart = true;
	w->restart_failure = failure;
	snprintf(w->restart_error, sizeof(w->restart_error), "%s", error);
	st_httpc_cancel(w->req);
	w->req = NULL;
	w->live = false;
	st_ev_timer_start(w->timer, 0);
}

static void handle_events(st_etcd_watch_t *w, json_t *arr, int64_t header_rev)
{
	size_t n = json_array_size(arr);
	etcd_kvs_t kvs = {0};
	st_etcd_event_t *evs = calloc(n ? n : 1, sizeof(*evs));
	if (!evs) {
		w->need_reset = true;
		restart_later(w, false, "out of memory");
		return;
	}
	int64_t rev = header_rev;
	for (size_t i = 0; i < n; i++) {
		json_t *ev = json_array_get(arr, i);
		json_t *type = json_object_get(ev, "type");
		evs[i].type = json_is_string(type) && strcmp(json_string_value(type), "DELETE") == 0
				  ? ST_ETCD_DELETE
				  : ST_ETCD_PUT;
		if (st_etcd_kv_decode(json_object_get(ev, "kv"), &kvs, &evs[i].kv) != 0) {
			free(evs);
			st_etcd_kvs_free(&kvs);
			w->need_reset = true;
			restart_later(w, false, "undecodable watch event");
			return;
		}
		if (evs[i].kv.mod_revision > rev)
			rev = evs[i].kv.mod_revision;
	}
	if (rev > w->rev)
		w->rev = rev;
	w->cb(evs, n, false, w->rev, w->arg);
	free(evs);
	st_etcd_kvs_free(&kvs);
}

static void handle_message(st_etcd_watch_t *w, const char *text, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr);
	char why[300];
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(why, sizeof(why), "etcd %s: watch: not JSON", url(w));
		restart_later(w, true, why);
		return;
	}
	json_t *err = json_object_get(root, "error");
	json_t *res = json_object_get(root, "result");
	if (err || !json_is_object(res)) {
		json_t *m = json_is_object(err) ? json_object_get(err, "message") : NULL;
		snprintf(why, sizeof(why), "etcd %s: watch: %s", url(w),
			 json_is_string(m) ? json_string_value(m) : "error");
		json_decref(root);
		restart_later(w, true, why);
		return;
	}
	int64_t header_rev = st_etcd_json_i64(json_object_get(res, "header"), "revision");
	if (json_is_true(json_object_get(res, "canceled"))) {
		int64_t compact = st_etcd_json_i64(res, "compact_revision");
		json_t *reason = json_object_get(res, "cancel_reason");
		if (compact > 0) {
			st_log_info("etcd watch %s, revision %" PRId64 " compacted, reading again",
				    w->prefix, w->rev + 1);
			w->need_reset = true;
			restart_later(w, false, "compacted");
		} else {
			snprintf(why, sizeof(why), "etcd %s: watch cancelled (%s)", url(w),
				 json_is_string(reason) ? json_string_value(reason) : "no reason");
			restart_later(w, true, why);
		}
		json_decref(root);
		return;
	}
	st_etcd_answered(w->e);
	if (json_is_true(json_object_get(res, "created")))
		w->live = true;
	json_t *events = json_object_get(res, "events");
	if (json_is_array(events) && json_array_size(events) > 0)
		handle_events(w, events, header_rev);
	else if (!json_is_true(json_object_get(res, "created")) && header_rev > w->rev)
		w->rev = header_rev; /* progress: nothing up to here was missed */
	json_decref(root);
}

void st_etcd_watch_input(st_etcd_watch_t *w, const char *data, size_t len)
{
	if (w->restart)
		return; /* the rest of a stream being replaced */
	if (w->line_len + len > LINE_MAX_BYTES) {
		restart_later(w, true, "watch message too long");
		return;
	}
	if (st_grow(&w->line, &w->line_cap, w->line_len + len, 1, 4096) != 0) {
		restart_later(w, false, "out of memory");
		return;
	}
	memcpy(w->line + w->line_len, data, len);
	w->line_len += len;
	size_t start = 0;
	for (size_t i = 0; i < w->line_len && !w->restart; i++) {
		if (w->line[i] != '\n')
			continue;
		if (i > start)
			handle_message(w, w->line + start, i - start);
		start = i + 1;
	}
	if (w->restart) {
		w->line_len = 0;
		return;
	}
	memmove(w->line, w->line + start, w->line_len - start);
	w->line_len -= start;
}

static void on_data(st_httpc_req_t *r, const char *data, size_t len, void *arg)
{
	st_etcd_watch_input(arg, data, len);
}

static void on_stream_done(st_httpc_req_t *r, int rc, int status, const char *body, size_t len,
			   const char *error, void *arg)
{
	st_etcd_watch_t *w = arg;
	char why[300];
	bool was_live = w->live;
	w->req = NULL;
	snprintf(why, sizeof(why), "etcd %s: watch: %s", url(w),
		 rc != 0 ? error : (status == 200 ? "stream ended" : "refused"));
	st_httpc_free(w->http);
	w->http = NULL;
	w->live = false;
	w->line_len = 0;
	/* A live stream that went quiet for STREAM_IDLE_MS is simply reopened;
	 * anything else counts against the endpoint. */
	bool quiet = was_live && rc == ST_ETIMEDOUT;
	if (status != 200 && rc == 0)
		snprintf(why, sizeof(why), "etcd: watch: HTTP %d", status);
	schedule(w, !quiet, why);
}

static void open_stream(st_etcd_watch_t *w)
{
	st_diag_t diag;
	static const char *const headers[] = {ST_ETCD_LEADER_HEADER, NULL};
	if (st_etcd_stream_client(w->e, &w->http, &w->endpoint, &diag) != 0) {
		st_ev_timer_start(w->timer, 1000);
		return;
	}
	size_t plen = strlen(w->prefix);
	char *end = malloc(plen + 1);
	char start[24];
	snprintf(start, sizeof(start), "%" PRId64, w->rev + 1);
	json_t *req = NULL;
	if (end) {
		size_t n = st_etcd_prefix_end(w->prefix, plen, end);
		req = json_pack("{s:{s:o,s:o,s:s,s:b}}", "create_request", "key",
				st_etcd_json_b64(w->prefix, plen), "range_end",
				st_etcd_json_b64(end, n), "start_revision", start,
				"progress_notify", 1);
	}
	free(end);
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	st_httpc_post_t p = {
	    .path = "/v3/watch",
	    .body = body,
	    .len = body ? strlen(body) : 0,
	    .headers = headers,
	    .idle_ms = STREAM_IDLE_MS,
	    .on_data = on_data,
	    .on_done = on_stream_done,
	    .arg = w,
	};
	if (!body || st_httpc_post(w->http, &p, &w->req) != 0) {
		st_httpc_free(w->http);
		w->http = NULL;
		st_ev_timer_start(w->timer, 1000);
	}
	free(body);
}

int st_etcd_watch_new(st_etcd_t *e, const char *prefix, st_etcd_watch_cb_t cb, void *arg,
		      st_etcd_watch_t **out)
{
	st_etcd_watch_t *w = calloc(1, sizeof(*w));
	if (!w)
		return ST_ENOMEM;
	*w = (st_etcd_watch_t){.e = e, .cb = cb, .arg = arg, .need_reset = true};
	w->prefix = strdup(prefix);
	w->timer = st_ev_timer_new(e->loop, false, on_timer, w);
	if (!w->prefix || !w->timer) {
		free(w->prefix);
		st_ev_free(w->timer);
		free(w);
		return ST_ENOMEM;
	}
	LIST_INSERT_HEAD(&e->watches, w, link);
	st_ev_timer_start(w->timer, 0);
	*out = w;
	return 0;
}

void st_etcd_watch_drop(st_etcd_watch_t *w)
{
	LIST_REMOVE(w, link);
	st_etcd_cancel(w->range_op);
	close_stream(w);
	st_ev_free(w->timer);
	free(w->line);
	free(w->prefix);
	free(w);
}

void st_etcd_watch_free(st_etcd_watch_t *w)
{
	if (w)
		st_etcd_watch_drop(w);
}

int64_t st_etcd_watch_revision(const st_etcd_watch_t *w)
{
	return w->rev;
}

bool st_etcd_watch_live(const st_etcd_watch_t *w)
{
	return w->live;
}
