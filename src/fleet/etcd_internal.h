/* For src/fleet/etcd*.c only: the client's state, requests and JSON
 * helpers shared by the request, lease and watch files. */
#ifndef ST_FLEET_ETCD_INTERNAL_H
#define ST_FLEET_ETCD_INTERNAL_H

#include "fleet/etcd.h"
#include "net/httpc.h"
#include "net/stream.h"

#include <jansson.h>
#include <sys/queue.h>

/* Asks the member to answer only while it has a leader (gRPC metadata
 * through the gateway): a member cut off from the majority fails fast. */
#define ST_ETCD_LEADER_HEADER "Grpc-Metadata-hasleader: true"

typedef struct etcd_endpoint {
	char *url;
	st_httpc_t *unary; /* requests one at a time; NULL until first used */
} etcd_endpoint_t;

struct st_etcd {
	st_loop_t *loop;
	etcd_endpoint_t *eps;
	size_t n_eps;
	size_t cur;
	st_tls_client_t *tls;
	uint32_t timeout_ms;
	LIST_HEAD(, st_etcd_op) ops;	    /* in flight */
	LIST_HEAD(, st_etcd_lease) leases;  /* alive */
	LIST_HEAD(, st_etcd_watch) watches; /* alive */
	uint64_t rng;
	st_etcd_stats_t stats;
};

/* One kv decoded from the gateway's JSON (key and value base64). */
typedef struct etcd_kvs {
	st_etcd_kv_t *kvs;
	size_t n;
	char **bufs; /* one allocation per kv */
} etcd_kvs_t;

void st_etcd_kvs_free(etcd_kvs_t *k);
/* Decode one {"key":..,"value":..,"mod_revision":..} object into kv; the
 * strings are allocated into k->bufs. */
int st_etcd_kv_decode(json_t *obj, etcd_kvs_t *k, st_etcd_kv_t *kv);
/* A 64-bit number the gateway writes as a string (or a plain number). */
int64_t st_etcd_json_i64(json_t *obj, const char *name);
/* The base64 of key bytes, as a new JSON string; NULL when out of memory. */
json_t *st_etcd_json_b64(const void *data, size_t len);

/* The endpoint in use moved on after a failure there. */
void st_etcd_endpoint_failed(st_etcd_t *e, size_t endpoint, const char *error);
/* An answer came from a member with a leader. */
void st_etcd_answered(st_etcd_t *e);
/* The streaming client of the current endpoint for a watch (its own
 * connection, not shared with other requests). */
int st_etcd_stream_client(st_etcd_t *e, st_httpc_t **out, size_t *endpoint, st_diag_t *diag);

/* A watch stream's bytes as they arrive, in any split (one JSON message
 * a line); the stream's data callback, and the way tests feed a watch. */
void st_etcd_watch_input(st_etcd_watch_t *w, const char *data, size_t len);

/* For st_etcd_free: */
void st_etcd_lease_drop(st_etcd_lease_t *l);
void st_etcd_watch_drop(st_etcd_watch_t *w);

#endif
