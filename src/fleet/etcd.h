/* The etcd client: etcd's v3 API through its JSON gateway (POST /v3/...,
 * keys and values in base64, 64-bit numbers as strings, watch streams as
 * newline-separated JSON messages), over net/httpc. One client serves a
 * list of endpoints: requests go to the current one and move on to the next
 * when it fails or has no leader; leases keep themselves alive and come
 * back after a loss; watches resume from their last revision and resync
 * after a compaction. Every request asks for a member with a leader, so an
 * answer means the etcd majority was reachable. */
#ifndef ST_FLEET_ETCD_H
#define ST_FLEET_ETCD_H

#include "common/errors.h"
#include "net/ev.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The gateway's message size limit is etcd's --max-request-bytes (1.5 MiB);
 * the ops per transaction, --max-txn-ops (128 by default). */
#define ST_ETCD_MAX_TXN_OPS 128

typedef struct st_etcd st_etcd_t;
typedef struct st_etcd_op st_etcd_op_t;

typedef struct st_etcd_opts {
	const char *const *endpoints; /* "http://127.0.0.1:2379", "https://[::1]:2379" */
	size_t n_endpoints;
	const char *ca_file;		  /* https: the CA that signed the members' certificates */
	const char *cert_file, *key_file; /* https: client certificate, optional */
	uint32_t timeout_ms;		  /* one attempt of one request (default 3000) */
} st_etcd_opts_t;

typedef struct st_etcd_kv {
	const char *key; /* NUL-terminated after key_len */
	size_t key_len;
	const char *value; /* NUL-terminated after value_len; "" for deletions */
	size_t value_len;
	int64_t create_revision, mod_revision, version, lease;
} st_etcd_kv_t;

typedef struct st_etcd_result {
	int64_t revision;	 /* the store's revision when the member answered */
	const st_etcd_kv_t *kvs; /* range */
	size_t n_kvs;
	int64_t lease_id; /* lease grant, keep-alive */
	int64_t ttl;	  /* lease grant, keep-alive: 0 = no such lease */
	int64_t deleted;  /* delete */
	bool succeeded;	  /* put_if: the comparison held and the put was done */
} st_etcd_result_t;

/* rc 0 and the result, or a negative error with a text ("etcd
 * http://127.0.0.1:2379: connection refused"); ST_ENOENT for a missing
 * lease. Called from the loop, never from inside the call that started the
 * request; it may free the client. */
typedef void (*st_etcd_cb_t)(int rc, const st_etcd_result_t *res, const char *error, void *arg);

/* Checks the endpoint URLs and TLS files; connects on the first request. */
int st_etcd_new(st_loop_t *loop, const st_etcd_opts_t *opts, st_etcd_t **out, st_diag_t *diag);
/* Drops every request, lease and watch of the client without callbacks
 * (leases are left to expire). Accepts NULL. */
void st_etcd_free(st_etcd_t *e);

/* One request each. cb may be NULL (fire and forget); op (may be NULL)
 * lets the caller cancel it; it is gone when cb has run. */
int st_etcd_put(st_etcd_t *e, const char *key, const void *value, size_t len, int64_t lease,
		st_etcd_cb_t cb, void *arg, st_etcd_op_t **op);
/* Put only while the key's last change is at revision `rev` (0: while it
 * does not exist): res->succeeded says whether it was done. */
int st_etcd_put_if(st_etcd_t *e, const char *key, const void *value, size_t len, int64_t rev,
		   st_etcd_cb_t cb, void *arg, st_etcd_op_t **op);
/* prefix: every key that starts with key. */
int st_etcd_range(st_etcd_t *e, const char *key, bool prefix, st_etcd_cb_t cb, void *arg,
		  st_etcd_op_t **op);
int st_etcd_delete(st_etcd_t *e, const char *key, bool prefix, st_etcd_cb_t cb, void *arg,
		   st_etcd_op_t **op);
int st_etcd_lease_grant(st_etcd_t *e, int64_t ttl_s, st_etcd_cb_t cb, void *arg, st_etcd_op_t **op);
int st_etcd_lease_keepalive(st_etcd_t *e, int64_t id, st_etcd_cb_t cb, void *arg,
			    st_etcd_op_t **op);
int st_etcd_lease_revoke(st_etcd_t *e, int64_t id, st_etcd_cb_t cb, void *arg, st_etcd_op_t **op);
/* Drop a request without its callback; accepts NULL. */
void st_etcd_cancel(st_etcd_op_t *op);

/* Puts and deletes sent together: one transaction per ST_ETCD_MAX_TXN_OPS,
 * cb once when all have answered (the first error, if any). */
typedef struct st_etcd_batch st_etcd_batch_t;
st_etcd_batch_t *st_etcd_batch_new(void);
int st_etcd_batch_put(st_etcd_batch_t *b, const char *key, const void *value, size_t len,
		      int64_t lease);
int st_etcd_batch_delete(st_etcd_batch_t *b, const char *key, bool prefix);
size_t st_etcd_batch_count(const st_etcd_batch_t *b);
/* Sends and frees the batch (also on error). An empty batch calls cb. */
int st_etcd_batch_send(st_etcd_t *e, st_etcd_batch_t *b, st_etcd_cb_t cb, void *arg,
		       st_etcd_op_t **op);
void st_etcd_batch_free(st_etcd_batch_t *b);

/* Health of the client, for status and metrics. */
typedef struct st_etcd_stats {
	uint64_t last_ok_ns;   /* st_mono_ns() of the last answer; 0 = none yet */
	uint64_t requests;     /* sent (attempts) */
	uint64_t writes;       /* puts, deletes, txns, grants, revokes answered */
	uint64_t keepalives;   /* keep-alives answered */
	uint64_t failures;     /* attempts that failed */
	uint32_t failures_now; /* consecutive failed attempts */
	const char *endpoint;  /* the endpoint in use */
	char last_error[200];  /* "" when none since the last answer */
} st_etcd_stats_t;
void st_etcd_stats(const st_etcd_t *e, st_etcd_stats_t *out);
/* The last failure ("" when none since the last answer); valid until the
 * next request. */
const char *st_etcd_last_error(const st_etcd_t *e);
/* How long to wait before retrying after failures: grows with the failed
 * rounds over all endpoints, 100 ms to 5 s, with jitter. */
uint32_t st_etcd_backoff_ms(st_etcd_t *e);

/* A lease kept alive every ttl/3: granted at once, granted again when etcd
 * says it is gone or when no keep-alive got through for a whole ttl. The
 * callback gets the new id (the owner puts its keys again under it) or 0
 * when the lease is lost. */
typedef struct st_etcd_lease st_etcd_lease_t;
typedef void (*st_etcd_lease_cb_t)(int64_t id, void *arg);
int st_etcd_lease_new(st_etcd_t *e, uint32_t ttl_s, st_etcd_lease_cb_t cb, void *arg,
		      st_etcd_lease_t **out);
/* Revokes the lease (without waiting) and frees; accepts NULL. */
void st_etcd_lease_free(st_etcd_lease_t *l);
/* Revokes the lease and frees it; cb when etcd has answered (cb may be
 * NULL). With no lease granted, ST_ENOENT and nothing is sent (freed all
 * the same). */
int st_etcd_lease_end(st_etcd_lease_t *l, st_etcd_cb_t cb, void *arg);
int64_t st_etcd_lease_id(const st_etcd_lease_t *l);
/* st_mono_ns() of the last keep-alive (or grant) etcd answered. */
uint64_t st_etcd_lease_ok_ns(const st_etcd_lease_t *l);

/* A watch on every key under a prefix. It reads the prefix first and
 * hands over everything (reset), then each change in revision order; after
 * a reconnect it resumes from the next revision, after a compaction it
 * reads everything again. */
typedef enum {
	ST_ETCD_PUT = 0,
	ST_ETCD_DELETE = 1,
} st_etcd_event_type_t;

typedef struct st_etcd_event {
	st_etcd_event_type_t type;
	st_etcd_kv_t kv;
} st_etcd_event_t;

typedef struct st_etcd_watch st_etcd_watch_t;
/* reset: evs are the whole content (all puts): forget everything before.
 * revision: the store's revision everything up to which has been seen. */
typedef void (*st_etcd_watch_cb_t)(const st_etcd_event_t *evs, size_t n, bool reset,
				   int64_t revision, void *arg);
int st_etcd_watch_new(st_etcd_t *e, const char *prefix, st_etcd_watch_cb_t cb, void *arg,
		      st_etcd_watch_t **out);
void st_etcd_watch_free(st_etcd_watch_t *w);
/* Everything up to this revision has been delivered (0: nothing yet). */
int64_t st_etcd_watch_revision(const st_etcd_watch_t *w);
/* Is the stream established (created and not failed since)? */
bool st_etcd_watch_live(const st_etcd_watch_t *w);

/* The key range end that selects every key with this prefix (etcd's
 * "prefix + 1"), into out (room for len + 1 bytes). Returns its length; 1
 * byte "\0" when the prefix is all 0xff bytes (= to the end). */
size_t st_etcd_prefix_end(const char *prefix, size_t len, char *out);

#endif
