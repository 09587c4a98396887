/* Asynchronous TCP and TLS client streams on a loop (libevent bufferevents,
 * bufferevent_openssl for TLS): what the health probes connect with. */
#ifndef ST_NET_STREAM_H
#define ST_NET_STREAM_H

#include "common/errors.h"
#include "common/sockaddr.h"
#include "net/ev.h"

#include <stdbool.h>
#include <stddef.h>

/* TLS client settings shared by many streams (an SSL_CTX). */
typedef struct st_tls_client st_tls_client_t;

/* verify: check the peer certificate chain against ca_file (a PEM bundle) or,
 * when ca_file is NULL, the system's default CA store; and check the name. */
int st_tls_client_new(bool verify, const char *ca_file, st_tls_client_t **out, st_diag_t *diag);
/* Present a client certificate (PEM chain) and its key (PEM) to servers that
 * ask for one. */
int st_tls_client_set_identity(st_tls_client_t *tls, const char *cert_file, const char *key_file,
			       st_diag_t *diag);
void st_tls_client_free(st_tls_client_t *tls);

typedef struct st_stream st_stream_t;

typedef enum {
	ST_STREAM_CONNECTED = 1, /* TCP connected (and TLS handshake done) */
	ST_STREAM_READ = 2,	 /* new bytes are readable */
	ST_STREAM_EOF = 3,	 /* peer closed; bytes may still be readable */
	ST_STREAM_ERROR = 4,	 /* see st_stream_error() */
} st_stream_event_t;

typedef void (*st_stream_cb_t)(st_stream_t *s, st_stream_event_t ev, void *arg);

/* Start connecting, from the address `from` when it is not NULL (port 0:
 * any). With tls, server_name is sent as SNI (unless it is an IP address)
 * and is the name (or IP address) the certificate must match. The callback
 * may call st_stream_free(). Returns 0 or a negative error (then
 * st_stream_error is not set: nothing was started). */
int st_stream_connect(st_loop_t *loop, const st_sockaddr_t *from, const st_sockaddr_t *to,
		      st_tls_client_t *tls, const char *server_name, st_stream_cb_t cb, void *arg,
		      st_stream_t **out);
int st_stream_write(st_stream_t *s, const void *data, size_t len);
/* Bytes waiting in the input buffer. */
size_t st_stream_pending(const st_stream_t *s);
/* Move up to len bytes out of the input buffer; returns the count. */
size_t st_stream_read(st_stream_t *s, void *buf, size_t len);
/* Why the stream failed: "connection refused", "tls: certificate verify
 * failed (self-signed certificate)". */
const char *st_stream_error(const st_stream_t *s);
/* Close and free; accepts NULL. */
void st_stream_free(st_stream_t *s);
/* Close with a reset (SO_LINGER 0) and free: no FIN exchange and no
 * TIME_WAIT, for probes that have their verdict; accepts NULL. */
void st_stream_abort(st_stream_t *s);

#endif
