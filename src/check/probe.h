/* Health probes: one asynchronous http, https, tcp, dns or exec check of one
 * target on a loop, ending in exactly one result callback. */
#ifndef ST_CHECK_PROBE_H
#define ST_CHECK_PROBE_H

#include "common/sockaddr.h"
#include "conf/conf.h"
#include "net/ev.h"
#include "net/stream.h"

#include <stdbool.h>
#include <stdint.h>

/* What to probe: the check settings plus the resolved destination. The spec
 * must outlive the probes started from it. */
typedef struct st_probe_spec {
	const st_conf_check_t *check;
	const char *endpoint;		     /* endpoint name (exec: STEERCHECK_ENDPOINT) */
	st_sockaddr_t target;		     /* network probes */
	char target_str[ST_SOCKADDR_STRLEN]; /* "127.0.0.1:8080" for messages */
	char host[256];			     /* Host header and TLS name */
	st_tls_client_t *tls;		     /* https */
	const st_sockaddr_t *source;	     /* health.source, when of the target's family */
} st_probe_spec_t;

#define ST_PROBE_TEXT_MAX 96

typedef struct st_probe_result {
	bool ok;
	uint32_t rtt_us;	      /* start to verdict */
	char text[ST_PROBE_TEXT_MAX]; /* "http 500 from 127.0.0.1:8080" */
} st_probe_result_t;

typedef struct st_probe st_probe_t;
typedef void (*st_probe_cb_t)(const st_probe_result_t *res, void *arg);

/* Fill spec->target, target_str, host and source for an endpoint and a
 * check of it: the check's own target when set, else the endpoint's
 * check_target ("ADDR:PORT") when set, else the endpoint's address with the
 * check's port; health.source when it is of the target's family
 * (else the kernel's choice). Returns ST_ECONF with diag when nothing can be
 * probed. */
int st_probe_spec_init(st_probe_spec_t *spec, const st_conf_t *conf, uint32_t endpoint,
		       st_diag_t *diag);
/* The same for one of the endpoint's checks (index into conf->checks); the
 * one above takes its first. */
int st_probe_spec_init_check(st_probe_spec_t *spec, const st_conf_t *conf, uint32_t endpoint,
			     uint32_t check, st_diag_t *diag);

/* Start a probe. The callback runs once, later, from the loop (never from
 * inside this call); the probe frees itself after it. */
int st_probe_start(st_loop_t *loop, const st_probe_spec_t *spec, st_probe_cb_t cb, void *arg,
		   st_probe_t **out);
/* Abandon a running probe: no callback; a child process is killed. */
void st_probe_cancel(st_probe_t *p);

/* Reap exec children killed on timeout that had not exited yet. */
void st_probe_reap(void);

#endif
