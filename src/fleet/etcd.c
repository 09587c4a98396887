/* etcd requests through the JSON gateway: endpoints, retries on the next
 * endpoint, answers decoded from JSON. */
#include "fleet/etcd_internal.h"
#include "common/base64.h"
#include "common/hash.h"
#include "common/strv.h"
#include "common/time.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 3000
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

typedef enum {
	OP_PUT,
	OP_RANGE,
	OP_DELETE,
	OP_GRANT,
	OP_KEEPALIVE,
	OP_REVOKE,
	OP_TXN,
} op_kind_t;

static const char *const op_path[] = {
    [OP_PUT] = "/v3/kv/put",
    [OP_RANGE] = "/v3/kv/range",
    [OP_DELETE] = "/v3/kv/deleterange",
    [OP_GRANT] = "/v3/lease/grant",
    [OP_KEEPALIVE] = "/v3/lease/keepalive",
    [OP_REVOKE] = "/v3/lease/revoke",
    [OP_TXN] = "/v3/kv/txn",
};

struct st_etcd_op {
	st_etcd_t *e;
	LIST_ENTRY(st_etcd_op) link;
	op_kind_t kind;
	char **bodies; /* one per request: a batch may need several */
	size_t n_bodies, next_body;
	st_etcd_cb_t cb;
	void *arg;
	unsigned attempts; /* of the current body */
	size_t endpoint;
	st_httpc_req_t *req;
	st_ev_t *defer; /* completes an empty batch from the loop */
	int first_rc;
	char first_error[200];
};

/* ---- JSON helpers ---- */

int64_t st_etcd_json_i64(json_t *obj, const char *name)
{
	json_t *v = obj ? json_object_get(obj, name) : NULL;
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v))
		return (int64_t)strtoll(json_string_value(v), NULL, 10);
	return 0;
}

json_t *st_etcd_json_b64(const void *data, size_t len)
{
	char *buf = malloc(st_base64_encoded_len(len) + 1);
	if (!buf)
		return NULL;
	size_t n = st_base64_encode(data, len, buf);
	json_t *s = json_stringn(buf, n);
	free(buf);
	return s;
}

void st_etcd_kvs_free(etcd_kvs_t *k)
{
	st_strv_free(k->bufs, k->n);
	free(k->kvs);
	memset(k, 0, sizeof(*k));
}

static const char *b64_field(json_t *obj, const char *name, size_t *len)
{
	json_t *v = json_object_get(obj, name);
	if (!json_is_string(v)) {
		*len = 0;
		return "";
	}
	*len = json_string_length(v);
	return json_string_value(v);
}

int st_etcd_kv_decode(json_t *obj, etcd_kvs_t *k, st_etcd_kv_t *kv)
{
	if (!json_is_object(obj))
		return ST_EPROTO;
	size_t klen, vlen;
	const char *k64 = b64_field(obj, "key", &klen);
	const char *v64 = b64_field(obj, "value", &vlen);
	char *buf = malloc(klen * 3 / 4 + vlen * 3 / 4 + 2);
	if (!buf)
		return ST_ENOMEM;
	long kn = st_base64_decode(k64, klen, buf);
	long vn = kn >= 0 ? st_base64_decode(v64, vlen, buf + kn + 1) : -1;
	if (kn < 0 || vn < 0) {
		free(buf);
		return ST_EPROTO;
	}
	buf[kn] = '\0';
	buf[kn + 1 + vn] = '\0';
	char **bufs = realloc(k->bufs, (k->n + 1) * sizeof(*bufs));
	if (!bufs) {
		free(buf);
		return ST_ENOMEM;
	}
	k->bufs = bufs;
	bufs[k->n++] = buf;
	*kv = (st_etcd_kv_t){
	    .key = buf,
	    .key_len = (size_t)kn,
	    .value = buf + kn + 1,
	    .value_len = (size_t)vn,
	    .create_revision = st_etcd_json_i64(obj, "create_revision"),
	    .mod_revision = st_etcd_json_i64(obj, "mod_revision"),
	    .version = st_etcd_json_i64(obj, "version"),
	    .lease = st_etcd_json_i64(obj, "lease"),
	};
	return 0;
}

size_t st_etcd_prefix_end(const char *prefix, size_t len, char *out)
{
	memcpy(out, prefix, len);
	for (size_t i = len; i > 0; i--) {
		unsigned char c = (unsigned char)out[i - 1];
		if (c < 0xff) {
			out[i - 1] = (char)(c + 1);
			out[i] = '\0';
			return i;
		}
	}
	out[0] = '\0';
	return 1;
}

/* ---- the client ---- */

int st_etcd_new(st_loop_t *loop, const st_etcd_opts_t *opts, st_etcd_t **out, st_diag_t *diag)
{
	if (opts->n_endpoints == 0)
		return st_diag_set(diag, ST_EINVAL, "etcd: no endpoints");
	st_etcd_t *e = calloc(1, sizeof(*e));
	if (!e)
		return ST_ENOMEM;
	e->loop = loop;
	e->timeout_ms = opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	e->rng = st_mono_ns() ^ ((uint64_t)getpid() << 20);
	int rc = ST_ENOMEM;
	e->eps = calloc(opts->n_endpoints, sizeof(*e->eps));
	if (!e->eps)
		goto fail;
	bool https = false;
	for (size_t i = 0; i < opts->n_endpoints; i++) {
		const char *u = opts->endpoints[i];
		if (strncmp(u, "https://", 8) == 0)
			https = true;
		else if (strncmp(u, "http://", 7) != 0) {
			rc = st_diag_set(diag, ST_EINVAL,
					 "etcd endpoint '%s': expected http://HOST:PORT or "
					 "https://HOST:PORT",
					 u);
			goto fail;
		}
		if (!(e->eps[e->n_eps].url = strdup(u)))
			goto fail;
		e->n_eps++;
	}
	if (https) {
		rc = st_tls_client_new(true, opts->ca_file, &e->tls, diag);
		if (rc == 0 && (opts->cert_file || opts->key_file)) {
			if (!opts->cert_file || !opts->key_file)
				rc = st_diag_set(diag, ST_EINVAL,
						 "etcd tls: cert_file and key_file go together");
			else
				rc = st_tls_client_set_identity(e->tls, opts->cert_file,
								opts->key_file, diag);
		}
		if (rc != 0)
			goto fail;
	}
	/* Check every URL now, so that a typo is a config error. */
	for (size_t i = 0; i < e->n_eps; i++) {
		st_httpc_t *c = NULL;
		rc = st_httpc_new(loop, e->eps[i].url, e->tls, &c, diag);
		if (rc != 0)
			goto fail;
		e->eps[i].unary = c;
	}
	e->stats.endpoint = e->eps[0].url;
	*out = e;
	return 0;
fail:
	st_etcd_free(e);
	return rc;
}

static void op_free(st_etcd_op_t *op);

void st_etcd_free(st_etcd_t *e)
{
	if (!e)
		return;
	while (!LIST_EMPTY(&e->watches))
		st_etcd_watch_drop(LIST_FIRST(&e->watches));
	while (!LIST_EMPTY(&e->leases))
		st_etcd_lease_drop(LIST_FIRST(&e->leases));
	while (!LIST_EMPTY(&e->ops))
		st_etcd_cancel(LIST_FIRST(&e->ops));
	for (size_t i = 0; i < e->n_eps; i++) {
		st_httpc_free(e->eps[i].unary);
		free(e->eps[i].url);
	}
	free(e->eps);
	st_tls_client_free(e->tls);
	free(e);
}

void st_etcd_stats(const st_etcd_t *e, st_etcd_stats_t *out)
{
	*out = e->stats;
	out->endpoint = e->eps[e->cur].url;
}

const char *st_etcd_last_error(const st_etcd_t *e)
{
	return e->stats.last_error;
}

uint32_t st_etcd_backoff_ms(st_etcd_t *e)
{
	uint32_t rounds = e->stats.failures_now / (uint32_t)e->n_eps;
	uint64_t ms = BACKOFF_MIN_MS;
	for (uint32_t i = 0; i < rounds && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	/* +-25 %: nodes that lost etcd together do not come back in step */
	uint32_t j = st_rand_below(&e->rng, (uint32_t)(ms / 2) + 1);
	return (uint32_t)(ms * 3 / 4 + j);
}

void st_etcd_endpoint_failed(st_etcd_t *e, size_t endpoint, const char *error)
{
	e->stats.failures++;
	e->stats.failures_now++;
	snprintf(e->stats.last_error, sizeof(e->stats.last_error), "%s", error);
	if (endpoint == e->cur && e->n_eps > 1)
		e->cur = (e->cur + 1) % e->n_eps;
}

void st_etcd_answered(st_etcd_t *e)
{
	e->stats.last_ok_ns = st_mono_ns();
	e->stats.failures_now = 0;
	e->stats.last_error[0] = '\0';
}

int st_etcd_stream_client(st_etcd_t *e, st_httpc_t **out, size_t *endpoint, st_diag_t *diag)
{
	*endpoint = e->cur;
	return st_httpc_new(e->loop, e->eps[e->cur].url, e->tls, out, diag);
}

/* ---- requests ---- */

static void send_op(st_etcd_op_t *op);

static void op_free(st_etcd_op_t *op)
{
	LIST_REMOVE(op, link);
	st_strv_free(op->bodies, op->n_bodies);
	st_ev_free(op->defer);
	free(op);
}

void st_etcd_cancel(st_etcd_op_t *op)
{
	if (!op)
		return;
	st_httpc_cancel(op->req);
	op_free(op);
}

static void finish(st_etcd_op_t *op, int rc, const st_etcd_result_t *res, const char *error)
{
	st_etcd_cb_t cb = op->cb;
	void *arg = op->arg;
	op_free(op);
	if (cb)
		cb(rc, res, error, arg);
}

/* The error of a gateway answer: {"error":"..","code":N} for plain calls,
 * {"error":{"grpc_code":N,"message":".."}} for streams. Returns the gRPC
 * code (0 when the answer is no error). */
static int answer_error(json_t *root, const char **msg)
{
	json_t *err = json_object_get(root, "error");
	if (!err)
		return 0;
	if (json_is_object(err)) {
		json_t *m = json_object_get(err, "message");
		*msg = json_is_string(m) ? json_string_value(m) : "error";
		int code = (int)st_etcd_json_i64(err, "grpc_code");
		return code ? code : 2;
	}
	json_t *m = json_object_get(root, "message");
	*msg = json_is_string(m) ? json_string_value(m)
				 : (json_is_string(err) ? json_string_value(err) : "error");
	int code = (int)st_etcd_json_i64(root, "code");
	return code ? code : 2;
}

/* gRPC codes after which another member may do better. */
static bool retryable_code(int code)
{
	return code == 14 /* unavailable */ || code == 4 /* deadline exceeded */ ||
	       code == 13 /* internal */ || code == 10 /* aborted */;
}

static int decode_result(st_etcd_op_t *op, json_t *root, st_etcd_result_t *res, etcd_kvs_t *kvs)
{
	/* streams (keep-alive) wrap their message in "result" */
	json_t *r = json_object_get(root, "result");
	if (!json_is_object(r))
		r = root;
	memset(res, 0, sizeof(*res));
	res->revision = st_etcd_json_i64(json_object_get(r, "header"), "revision");
	switch (op->kind) {
	case OP_RANGE: {
		json_t *arr = json_object_get(r, "kvs");
		size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
		if (n) {
			kvs->kvs = calloc(n, sizeof(*kvs->kvs));
			if (!kvs->kvs)
				return ST_ENOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			int rc = st_etcd_kv_decode(json_array_get(arr, i), kvs, &kvs->kvs[i]);
			if (rc != 0)
				return rc;
		}
		res->kvs = kvs->kvs;
		res->n_kvs = n;
		break;
	}
	case OP_GRANT:
	case OP_KEEPALIVE:
		res->lease_id = st_etcd_json_i64(r, "ID");
		res->ttl = st_etcd_json_i64(r, "TTL");
		break;
	case OP_DELETE:
		res->deleted = st_etcd_json_i64(r, "deleted");
		break;
	case OP_TXN:
		res->succeeded = json_is_true(json_object_get(r, "succeeded"));
		break;
	default:
		break;
	}
	return 0;
}

static void next_body_or_finish(st_etcd_op_t *op, int rc, const st_etcd_result_t *res,
				const char *error)
{
	if (rc != 0 && op->first_rc == 0) {
		op->first_rc = rc;
		snprintf(op->first_error, sizeof(op->first_error), "%s", error);
	}
	if (++op->next_body < op->n_bodies) {
		op->attempts = 0;
		send_op(op);
		return;
	}
	if (op->first_rc != 0) {
		char text[sizeof(op->first_error)];
		snprintf(text, sizeof(text), "%s", op->first_error);
		finish(op, op->first_rc, NULL, text);
	} else {
		finish(op, 0, res, "");
	}
}

/* Try again on the next endpoint, or give up after one try on each. */
static void attempt_failed(st_etcd_op_t *op, int rc, const char *error)
{
	st_etcd_t *e = op->e;
	st_etcd_endpoint_failed(e, op->endpoint, error);
	if (op->attempts < e->n_eps) {
		send_op(op);
		return;
	}
	next_body_or_finish(op, rc, NULL, error);
}

static void on_done(st_httpc_req_t *r, int rc, int status, const char *body, size_t len,
		    const char *error, void *arg)
{
	st_etcd_op_t *op = arg;
	st_etcd_t *e = op->e;
	const char *url = e->eps[op->endpoint].url;
	char text[300];
	op->req = NULL;
	if (rc != 0) {
		snprintf(text, sizeof(text), "etcd %s: %s", url, error);
		attempt_failed(op, rc, text);
		return;
	}
	json_error_t jerr;
	json_t *root = json_loadb(body, len, 0, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(text, sizeof(text), "etcd %s: HTTP %d, not a JSON answer", url, status);
		if (status >= 500 || status == 200)
			attempt_failed(op, ST_EPROTO, text);
		else
			next_body_or_finish(op, ST_EPROTO, NULL, text);
		return;
	}
	const char *msg = NULL;
	int code = answer_error(root, &msg);
	if (status != 200 || code != 0) {
		snprintf(text, sizeof(text), "etcd %s: %s", url, msg ? msg : "error");
		json_decref(root);
		if (status >= 500 || retryable_code(code)) {
			attempt_failed(op, ST_EIO, text);
		} else {
			st_etcd_answered(e);
			next_body_or_finish(op, code == 5 ? ST_ENOENT : ST_EPROTO, NULL, text);
		}
		return;
	}
	st_etcd_result_t res;
	etcd_kvs_t kvs = {0};
	rc = decode_result(op, root, &res, &kvs);
	json_decref(root);
	st_etcd_answered(e);
	if (op->kind == OP_KEEPALIVE)
		e->stats.keepalives++;
	else if (op->kind != OP_RANGE)
		e->stats.writes++;
	if (rc != 0) {
		snprintf(text, sizeof(text), "etcd %s: undecodable answer", url);
		next_body_or_finish(op, rc, NULL, text);
	} else {
		next_body_or_finish(op, 0, &res, "");
	}
	st_etcd_kvs_free(&kvs);
}

static void send_op(st_etcd_op_t *op)
{
	st_etcd_t *e = op->e;
	static const char *const headers[] = {ST_ETCD_LEADER_HEADER, NULL};
	op->endpoint = e->cur;
	op->attempts++;
	e->stats.requests++;
	const char *body = op->bodies[op->next_body];
	st_httpc_post_t p = {
	    .path = op_path[op->kind],
	    .body = body,
	    .len = strlen(body),
	    .headers = headers,
	    .deadline_ms = e->timeout_ms,
	    .idle_ms = e->timeout_ms,
	    .on_done = on_done,
	    .arg = op,
	};
	int rc = st_httpc_post(e->eps[op->endpoint].unary, &p, &op->req);
	if (rc != 0) {
		/* only when out of memory: report it from the loop */
		op->req = NULL;
		op->first_rc = rc;
		snprintf(op->first_error, sizeof(op->first_error), "etcd: out of memory");
		op->next_body = op->n_bodies;
		st_ev_activate(op->defer);
	}
}

static void on_defer(int fd, short what, void *arg)
{
	st_etcd_op_t *op = arg;
	st_etcd_result_t res = {0};
	if (op->first_rc != 0) {
		char text[sizeof(op->first_error)];
		snprintf(text, sizeof(text), "%s", op->first_error);
		finish(op, op->first_rc, NULL, text);
	} else {
		finish(op, 0, &res, "");
	}
}

/* Start an op with its bodies (taken over, also on failure). */
static int start(st_etcd_t *e, op_kind_t kind, char **bodies, size_t n, st_etcd_cb_t cb, void *arg,
		 st_etcd_op_t **out)
{
	st_etcd_op_t *op = calloc(1, sizeof(*op));
	st_ev_t *defer = st_ev_timer_new(e->loop, false, on_defer, op);
	if (!op || !defer) {
		free(op);
		st_ev_free(defer);
		st_strv_free(bodies, n);
		return ST_ENOMEM;
	}
	*op = (st_etcd_op_t){.e = e,
			     .kind = kind,
			     .bodies = bodies,
			     .n_bodies = n,
			     .cb = cb,
			     .arg = arg,
			     .defer = defer};
	LIST_INSERT_HEAD(&e->ops, op, link);
	if (out)
		*out = op;
	if (n == 0)
		st_ev_activate(op->defer);
	else
		send_op(op);
	return 0;
}

/* One request with the JSON body obj (consumed). */
static int start_json(st_etcd_t *e, op_kind_t kind, json_t *obj, st_etcd_cb_t cb, void *arg,
		      st_etcd_op_t **out)
{
	if (!obj)
		return ST_ENOMEM;
	char *body = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	char **bodies = body ? malloc(sizeof(*bodies)) : NULL;
	if (!bodies) {
		free(body);
		return ST_ENOMEM;
	}
	bodies[0] = body;
	return start(e, kind, bodies, 1, cb, arg, out);
}

static json_t *i64_str(int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return json_string(buf);
}

static json_t *put_json(const char *key, const void *value, size_t len, int64_t lease)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (json_object_set_new(o, "key", st_etcd_json_b64(key, strlen(key))) != 0 ||
	    json_object_set_new(o, "value", st_etcd_json_b64(value, len)) != 0 ||
	    (lease && json_object_set_new(o, "lease", i64_str(lease)) != 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {"key": k} or {"key": k, "range_end": prefix end} */
static json_t *range_json(const char *key, bool prefix)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	size_t len = strlen(key);
	int rc = json_object_set_new(o, "key", st_etcd_json_b64(key, len));
	if (rc == 0 && prefix) {
		char *end = malloc(len + 1);
		if (!end) {
			json_decref(o);
			return NULL;
		}
		size_t n = st_etcd_prefix_end(key, len, end);
		rc = json_object_set_new(o, "range_end", st_etcd_json_b64(end, n));
		free(end);
	}
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int st_etcd_put(st_etcd_t *e, const char *key, const void *value, size_t len, int64_t lease,
		st_etcd_cb_t cb, void *arg, st_etcd_op_t **op)
{
	return start_json(e, OP_PUT, put_json(key, value, len, lease), cb, arg, op);
}

int st_etcd_put_if(st_etcd_t *e, const char *key, const void *value, size_t len, int64_t rev,
		   st_etcd_cb_t cb, void *arg, st_etcd_op_t **op)
{
	json_t *put = put_json(key, value, len, 0);
	json_t *txn = put ? json_pack("{s:[{s:o,s:s,s:s,s:o}],s:[{s:o}]}", "compare", "key",
				      st_etcd_json_b64(key, strlen(key)), "target", "MOD",
				      "result", "EQUAL", "mod_revision", i64_str(rev), "success",
				      "request_put", put)
			  : NULL;
	return start_json(e, OP_TXN, txn, cb, arg, op);
}

int st_etcd_range(st_etcd_t *e, const char *key, bool prefix, st_etcd_cb_t cb, void *arg,
		  st_etcd_op_t **op)
{
	return start_json(e, OP_RANGE, range_json(key, prefix), cb, arg, op);
}

int st_etcd_delete(st_etcd_t *e, const char *key, bool prefix, st_etcd_cb_t cb, void *arg,
		   st_etcd_op_t **op)
{
	return start_json(e, OP_DELETE, range_json(key, prefix), cb, arg, op);
}

int st_etcd_lease_grant(st_etcd_t *e, int64_t ttl_s, st_etcd_cb_t cb, void *arg, st_etcd_op_t **op)
{
	return start_json(e, OP_GRANT, json_pack("{s:o}", "TTL", i64_str(ttl_s)), cb, arg, op);
}

int st_etcd_lease_keepalive(st_etcd_t *e, int64_t id, st_etcd_cb_t cb, void *arg, st_etcd_op_t **op)
{
	return start_json(e, OP_KEEPALIVE, json_pack("{s:o}", "ID", i64_str(id)), cb, arg, op);
}

int st_etcd_lease_revoke(st_etcd_t *e, int64_t id, st_etcd_cb_t cb, void *arg, st_etcd_op_t **op)
{
	return start_json(e, OP_REVOKE, json_pack("{s:o}", "ID", i64_str(id)), cb, arg, op);
}

/* ---- batches ---- */

struct st_etcd_batch {
	json_t *txns; /* array of {"success": [ops]} */
	size_t count;
};

st_etcd_batch_t *st_etcd_batch_new(void)
{
	st_etcd_batch_t *b = calloc(1, sizeof(*b));
	if (b && !(b->txns = json_array())) {
		free(b);
		return NULL;
	}
	return b;
}

void st_etcd_batch_free(st_etcd_batch_t *b)
{
	if (!b)
		return;
	json_decref(b->txns);
	free(b);
}

size_t st_etcd_batch_count(const st_etcd_batch_t *b)
{
	return b->count;
}

static int batch_add(st_etcd_batch_t *b, const char *what, json_t *req)
{
	if (!req)
		return ST_ENOMEM;
	json_t *txn;
	if (b->count % ST_ETCD_MAX_TXN_OPS == 0) {
		txn = json_pack("{s:[]}", "success");
		if (!txn || json_array_append_new(b->txns, txn) != 0) {
			json_decref(req);
			return ST_ENOMEM;
		}
	} else {
		txn = json_array_get(b->txns, json_array_size(b->txns) - 1);
	}
	json_t *op = json_pack("{s:o}", what, req);
	if (!op || json_array_append_new(json_object_get(txn, "success"), op) != 0)
		return ST_ENOMEM;
	b->count++;
	return 0;
}

int st_etcd_batch_put(st_etcd_batch_t *b, const char *key, const void *value, size_t len,
		      int64_t lease)
{
	return batch_add(b, "request_put", put_json(key, value, len, lease));
}

int st_etcd_batch_delete(st_etcd_batch_t *b, const char *key, bool prefix)
{
	return batch_add(b, "request_delete_range", range_json(key, prefix));
}

int st_etcd_batch_send(st_etcd_t *e, st_etcd_batch_t *b, st_etcd_cb_t cb, void *arg,
		       st_etcd_op_t **op)
{
	size_t n = json_array_size(b->txns);
	char **bodies = calloc(n ? n : 1, sizeof(*bodies));
	if (!bodies) {
		st_etcd_batch_free(b);
		return ST_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		bodies[i] = json_dumps(json_array_get(b->txns, i), JSON_COMPACT);
		if (!bodies[i]) {
			st_strv_free(bodies, i);
			st_etcd_batch_free(b);
			return ST_ENOMEM;
		}
	}
	st_etcd_batch_free(b);
	return start(e, OP_TXN, bodies, n, cb, arg, op);
}
