/* NOTIFY (RFC 1996): tell secondaries that a zone has a new serial. Sent
 * over UDP from the main loop, again after 1, 2, 4, 8 and 16 seconds until
 * the secondary answers, TSIG-signed when the target is tied to a key; each
 * outcome is logged, counted and kept for `steerctl zone-status`. */
#ifndef ST_PRIMARY_NOTIFY_H
#define ST_PRIMARY_NOTIFY_H

#include "common/sockaddr.h"
#include "conf/conf.h"
#include "net/ev.h"
#include "xfr/xfr.h"

#include <stdint.h>

typedef struct st_notify st_notify_t;

st_notify_t *st_notify_new(st_loop_t *loop);
/* Stop every NOTIFY in flight and free; accepts NULL. */
void st_notify_free(st_notify_t *n);

/* Notify each target of the version's serial (keys: the config's tsig
 * list, which the targets' key indexes point into). A NOTIFY still in
 * flight for the same zone and target is replaced. */
int st_notify_zone(st_notify_t *n, const st_xfr_zone_t *xz, const st_conf_notify_t *targets,
		   size_t n_targets, const st_conf_tsig_t *keys, size_t n_keys);

typedef enum {
	ST_NOTIFY_SENDING, /* sent, waiting for the answer (or the next try) */
	ST_NOTIFY_ANSWERED,
	ST_NOTIFY_FAILED, /* no answer after the last try, an error rcode or TSIG */
} st_notify_state_t;

/* The last NOTIFY to one target of a zone. */
typedef struct st_notify_status {
	const char *zone; /* presentation */
	char target[ST_SOCKADDR_STRLEN];
	const char *key; /* key name, or NULL when unsigned */
	uint32_t serial;
	st_notify_state_t state;
	unsigned attempts;  /* messages sent for this serial */
	const char *result; /* "answered", "no answer", "REFUSED", "TSIG BADKEY"... */
	uint64_t at_ns;	    /* st_real_ns() of the last change */
} st_notify_status_t;

/* The status of every target notified so far (main loop thread), in the
 * order they were first notified. */
size_t st_notify_count(const st_notify_t *n);
void st_notify_get(const st_notify_t *n, size_t i, st_notify_status_t *out);

/* Totals since start: messages sent (tries included), answered, failed. */
typedef struct st_notify_totals {
	uint64_t sent, answered, failed;
} st_notify_totals_t;
void st_notify_totals(const st_notify_t *n, st_notify_totals_t *out);

const char *st_notify_state_name(st_notify_state_t s);

#endif
