/* Zone transfer out: the versions of a zone as secondaries see it (routed
 * names expanded or omitted, the serial policy, the differences kept for
 * IXFR), who may transfer it, and the answers to AXFR and IXFR (RFC 5936,
 * RFC 1995) streamed message by message with TSIG on each. */
#ifndef ST_XFR_XFR_H
#define ST_XFR_XFR_H

#include "common/errors.h"
#include "common/sockaddr.h"
#include "conf/conf.h"
#include "dns/tsig.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_zone;
struct st_zoneset;
struct st_route;
struct st_query;

/* ---- versions ------------------------------------------------------------ */

/* The settings of a zone that shape its versions (conf/conf.h). */
typedef struct st_xfr_opts {
	st_serial_policy_t serial;
	st_routed_transfer_t routed;
	uint32_t keep; /* differences kept for IXFR (0: always a full transfer) */
	/* unixtime: the serial and data digest saved by an earlier run (see
	 * st_xfr_saved_load), for the first version of this run. */
	bool has_saved;
	uint32_t saved_serial;
	uint64_t saved_digest;
} st_xfr_opts_t;

/* Counters of one zone, kept across its versions (and reloads); updated by
 * the TCP and UDP threads, read by status and metrics. */
typedef struct st_xfr_stats {
	atomic_uint refs;
	_Atomic uint64_t axfr;	   /* full transfers started (AXFR, or IXFR answered in full) */
	_Atomic uint64_t ixfr;	   /* incremental transfers started */
	_Atomic uint64_t uptodate; /* IXFR answered with the SOA alone (TCP or UDP) */
	_Atomic uint64_t udp_tc;   /* IXFR over UDP answered with TC (retry over TCP) */
	_Atomic uint64_t refused;  /* refused: not allowed, or over UDP */
	_Atomic uint64_t notauth;  /* TSIG failures */
	_Atomic uint64_t done;	   /* transfers sent to the end */
	_Atomic uint64_t aborted;  /* transfers cut short (client went away) */
	_Atomic uint64_t messages; /* messages sent */
	_Atomic uint64_t bytes;	   /* bytes sent */
	_Atomic uint64_t last_ns;  /* st_real_ns() of the last transfer started, 0: never */
} st_xfr_stats_t;

/* One version of a zone as transferred: immutable once made, reference
 * counted (a transfer in progress holds one). */
typedef struct st_xfr_zone st_xfr_zone_t;

/* Make the version of `zone` (loaded for the next view; not yet seen by any
 * reader) that follows `prev` (the same zone's current version, or NULL):
 * routed names expanded through `route` (NULL: none) or omitted, the
 * differences from `prev` computed, the serial chosen by opts->serial and,
 * when it differs from the file's, written into the zone's SOA. A zone
 * shared with prev (file unchanged, nothing routed) keeps its version.
 * `now` is seconds since the epoch. Warnings (data changed but the file's
 * serial did not, serial gone backwards) are logged. */
int st_xfr_zone_new(st_xfr_zone_t *prev, struct st_zone *zone, const struct st_route *route,
		    const st_xfr_opts_t *opts, uint64_t now, st_xfr_zone_t **out, st_diag_t *diag);
st_xfr_zone_t *st_xfr_zone_ref(st_xfr_zone_t *xz);
void st_xfr_zone_free(st_xfr_zone_t *xz);

uint32_t st_xfr_zone_serial(const st_xfr_zone_t *xz);
const struct st_zone *st_xfr_zone_zone(const st_xfr_zone_t *xz);
size_t st_xfr_zone_versions(const st_xfr_zone_t *xz); /* differences kept */
/* The oldest serial an IXFR can start from (the serial itself when none kept). */
uint32_t st_xfr_zone_oldest(const st_xfr_zone_t *xz);
st_xfr_stats_t *st_xfr_zone_stats(const st_xfr_zone_t *xz);
/* Records a full transfer sends (SOA twice). */
size_t st_xfr_zone_records(const st_xfr_zone_t *xz);

/* A digest of what the version transfers, SOA serial left out (the same
 * data gives the same digest, in any order); computed for unixtime zones. */
uint64_t st_xfr_zone_digest(const st_xfr_zone_t *xz);

/* What changed from the previous version: for logs and tests. */
typedef struct st_xfr_change {
	bool first;	    /* no previous version */
	bool data_changed;  /* records or SOA fields other than the serial */
	bool serial_kept;   /* the data changed under the same serial (file policy) */
	bool history_reset; /* the differences kept were dropped */
	uint32_t from, to;  /* serials */
	size_t removed, added;
} st_xfr_change_t;
const st_xfr_change_t *st_xfr_zone_change(const st_xfr_zone_t *xz);

/* Serial arithmetic (RFC 1982): is a newer than b? */
static inline bool st_serial_gt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(a - b) < 0x80000000u;
}

/* ---- who may transfer ------------------------------------------------------ */

/* The transfer settings of a view: keys and, per zone, its version and ACL. */
typedef struct st_xfr_set st_xfr_set_t;

st_xfr_set_t *st_xfr_set_new(void);
void st_xfr_set_free(st_xfr_set_t *set);
/* Add a key (name in presentation form; the secret is copied). Keys are
 * numbered in the order added: an ACL entry's `key` is that number. */
int st_xfr_set_add_key(st_xfr_set_t *set, const char *name, st_tsig_alg_t alg,
		       const uint8_t *secret, size_t secret_len);
/* Add a zone: the set takes over the caller's reference to xz. */
int st_xfr_set_add_zone(st_xfr_set_t *set, const struct st_zone *zone, st_xfr_zone_t *xz,
			const st_conf_acl_t *acl, size_t n_acl);
const st_tsig_key_t *st_xfr_set_keys(const st_xfr_set_t *set, size_t *n);
/* The current version of a zone, or NULL when it is not transferred; by
 * the zone, or by its name (presentation, any case, trailing dot). */
st_xfr_zone_t *st_xfr_set_find(const st_xfr_set_t *set, const struct st_zone *zone);
st_xfr_zone_t *st_xfr_set_find_name(const st_xfr_set_t *set, const char *name);
size_t st_xfr_set_count(const st_xfr_set_t *set);
st_xfr_zone_t *st_xfr_set_get(const st_xfr_set_t *set, size_t i);

/* The serials of unixtime zones, kept in server.state_dir so that a restart
 * with the same data keeps the serial (and secondaries their copy). */
#define ST_XFR_SAVED_FILE "xfr-serials"
typedef struct st_xfr_saved {
	char name[256]; /* zone, presentation, lower case */
	uint32_t serial;
	uint64_t digest;
} st_xfr_saved_t;
/* Read the file (missing: none); lines that do not parse are skipped. */
int st_xfr_saved_load(const char *path, st_xfr_saved_t **out, size_t *n);
/* Write the file with the unixtime zones of `set` (conf says which). */
struct st_conf;
int st_xfr_saved_write(const char *path, const st_xfr_set_t *set, const struct st_conf *conf,
		       st_diag_t *diag);

/* ---- answering -------------------------------------------------------------- */

/* How a transfer request is answered. */
typedef enum {
	ST_XFR_REFUSED,	 /* not allowed (or AXFR over UDP) */
	ST_XFR_NOTAUTH,	 /* not the apex of a zone served here */
	ST_XFR_FULL,	 /* AXFR, or IXFR from an unknown serial */
	ST_XFR_INCR,	 /* IXFR from a kept version */
	ST_XFR_UPTODATE, /* IXFR from the current serial (or newer): SOA alone */
	ST_XFR_TC,	 /* IXFR over UDP with changes: truncated, retry over TCP */
} st_xfr_kind_t;

typedef struct st_xfr_plan {
	st_xfr_kind_t kind;
	st_xfr_zone_t *xz;  /* the version (no reference taken) */
	size_t first_diff;  /* ST_XFR_INCR: the difference to start from */
	uint32_t client;    /* IXFR: the client's serial */
	bool client_serial; /* an IXFR carried a usable SOA */
} st_xfr_plan_t;

/* Decide on an AXFR or IXFR query (parsed in q; msg is the message) for
 * `zone` from `peer`, signed with `key` (verified; NULL: unsigned). A
 * malformed IXFR (no SOA in the authority section) is ST_EFORMERR. */
int st_xfr_decide(const st_xfr_set_t *set, const struct st_zone *zone, const struct st_query *q,
		  const uint8_t *msg, size_t len, const st_sockaddr_t *peer,
		  const st_tsig_key_t *key, bool udp, st_xfr_plan_t *plan);

/* A transfer answer in progress: messages produced one at a time. */
typedef struct st_xfr_stream st_xfr_stream_t;

/* Claim a TCP query when it asks for AXFR or IXFR and `set` is not NULL:
 * returns 1 with a stream for every answer (a refusal or a TSIG error is a
 * stream of one message), 0 when the query is not a transfer (answer it the
 * usual way), or a negative error. `zones` are the view's; `now` is seconds
 * since the epoch. */
int st_xfr_tcp_start(const st_xfr_set_t *set, const struct st_zoneset *zones, const uint8_t *msg,
		     size_t len, const st_sockaddr_t *peer, uint64_t now, st_xfr_stream_t **out);
/* Write the next message into buf[0..cap) (cap >= 65535 for a full one):
 * 1 when more follow, 0 when this was the last, or a negative error. */
int st_xfr_stream_next(st_xfr_stream_t *s, uint8_t *buf, size_t cap, size_t *len, uint64_t now);
/* Free a stream; one freed before its last message counts as aborted. */
void st_xfr_stream_free(st_xfr_stream_t *s);

#endif
