/* Client streams over libevent bufferevents; TLS through bufferevent_openssl
 * with SNI, chain verification and host name (or IP address) checks. */
#include "net/stream.h"
#include "net/ev_internal.h"
#include "net/tls_internal.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct st_tls_client {
	SSL_CTX *ctx;
	bool verify;
};

struct st_stream {
	struct bufferevent *bev;
	SSL *ssl; /* owned by bev (BEV_OPT_CLOSE_ON_FREE) */
	st_stream_cb_t cb;
	void *arg;
	char error[160];
};

int st_tls_client_new(bool verify, const char *ca_file, st_tls_client_t **out, st_diag_t *diag)
{
	st_tls_client_t *tls = calloc(1, sizeof(*tls));
	if (!tls)
		return ST_ENOMEM;
	tls->verify = verify;
	tls->ctx = SSL_CTX_new(TLS_client_method());
	if (!tls->ctx) {
		free(tls);
		return st_diag_set(diag, ST_ENOMEM, "tls: cannot create a context");
	}
	SSL_CTX_set_min_proto_version(tls->ctx, TLS1_2_VERSION);
	if (verify) {
		int ok = ca_file ? SSL_CTX_load_verify_locations(tls->ctx, ca_file, NULL)
				 : SSL_CTX_set_default_verify_paths(tls->ctx);
		if (ok != 1) {
			char buf[160];
			ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
			st_tls_client_free(tls);
			return st_diag_set(diag, ST_EINVAL,
					   "tls: cannot load CA certificates %s (%s)",
					   ca_file ? ca_file : "(system default)", buf);
		}
		SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_PEER, NULL);
	} else {
		SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_NONE, NULL);
	}
	*out = tls;
	return 0;
}

int st_tls_client_set_identity(st_tls_client_t *tls, const char *cert_file, const char *key_file,
			       st_diag_t *diag)
{
	if (SSL_CTX_use_certificate_chain_file(tls->ctx, cert_file) != 1 ||
	    SSL_CTX_use_PrivateKey_file(tls->ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(tls->ctx) != 1) {
		char buf[160];
		ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
		while (ERR_get_error() != 0)
			;
		return st_diag_set(diag, ST_EINVAL, "tls: cannot use certificate %s with key %s (%s)",
				   cert_file, key_file, buf);
	}
	return 0;
}

void st_tls_client_free(st_tls_client_t *tls)
{
	if (!tls)
		return;
	SSL_CTX_free(tls->ctx);
	free(tls);
}

static void set_error(st_stream_t *s, short what)
{
	unsigned long e = s->ssl ? bufferevent_get_openssl_error(s->bev) : 0;
	if (s->ssl && SSL_get_verify_result(s->ssl) != X509_V_OK) {
		snprintf(s->error, sizeof(s->error), "tls: certificate verify failed (%s)",
			 X509_verify_cert_error_string(SSL_get_verify_result(s->ssl)));
	} else if (e != 0) {
		const char *r = ERR_reason_error_string(e);
		snprintf(s->error, sizeof(s->error), "tls: %s", r ? r : "handshake failed");
	} else {
		int err = EVUTIL_SOCKET_ERROR();
		if (err == 0)
			snprintf(s->error, sizeof(s->error), "%s",
				 (what & BEV_EVENT_EOF) ? "connection closed"
							: "connection failed");
		else
			snprintf(s->error, sizeof(s->error), "%s",
				 evutil_socket_error_to_string(err));
	}
	while (ERR_get_error() != 0)
		;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	st_stream_t *s = arg;
	s->cb(s, ST_STREAM_READ, s->arg);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	st_stream_t *s = arg;
	if (what & BEV_EVENT_CONNECTED) {
		s->cb(s, ST_STREAM_CONNECTED, s->arg);
	} else if (what & BEV_EVENT_ERROR) {
		set_error(s, what);
		s->cb(s, ST_STREAM_ERROR, s->arg);
	} else if (what & BEV_EVENT_EOF) {
		s->cb(s, ST_STREAM_EOF, s->arg);
	}
}

static bool is_ip(const char *name)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1;
}

SSL *st_tls_client_ssl(st_tls_client_t *tls, const char *server_name)
{
	SSL *ssl = SSL_new(tls->ctx);
	if (!ssl || !server_name || !*server_name)
		return ssl;
	if (is_ip(server_name)) {
		if (tls->verify)
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name);
	} else {
		SSL_set_tlsext_host_name(ssl, server_name);
		if (tls->verify)
			SSL_set1_host(ssl, server_name);
	}
	return ssl;
}

/* A socket bound to `from`, or -1 for bufferevent to make one. */
static int bound_socket(const st_sockaddr_t *from, const st_sockaddr_t *to, int *fd)
{
	*fd = -1;
	if (!from)
		return 0;
	if (from->u.sa.sa_family != to->u.sa.sa_family)
		return ST_EINVAL;
	int s = socket(to->u.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (bind(s, &from->u.sa, from->len) != 0) {
		int e = errno;
		close(s);
		return -e;
	}
	*fd = s;
	return 0;
}

int st_stream_connect(st_loop_t *loop, const st_sockaddr_t *from, const st_sockaddr_t *to,
		      st_tls_client_t *tls, const char *server_name, st_stream_cb_t cb, void *arg,
		      st_stream_t **out)
{
	int fd;
	int rc = bound_socket(from, to, &fd);
	if (rc != 0)
		return rc;
	st_stream_t *s = calloc(1, sizeof(*s));
	if (!s) {
		if (fd >= 0)
			close(fd);
		return ST_ENOMEM;
	}
	s->cb = cb;
	s->arg = arg;
	struct event_base *base = st_loop_base(loop);
	int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS;
	if (tls) {
		s->ssl = st_tls_client_ssl(tls, server_name);
		if (!s->ssl) {
			if (fd >= 0)
				close(fd);
			free(s);
			return ST_ENOMEM;
		}
		s->bev = bufferevent_openssl_socket_new(base, fd, s->ssl,
							BUFFEREVENT_SSL_CONNECTING, opts);
		if (!s->bev)
			SSL_free(s->ssl);
		else
			bufferevent_openssl_set_allow_dirty_shutdown(s->bev, 1);
	} else {
		s->bev = bufferevent_socket_new(base, fd, opts);
	}
	if (!s->bev) {
		if (fd >= 0)
			close(fd);
		free(s);
		return ST_ENOMEM;
	}
	bufferevent_setcb(s->bev, on_read, NULL, on_event, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	/* An immediate failure (say, no route) is reported through the callback
	 * by libevent; -1 here means nothing could be started. */
	if (bufferevent_socket_connect(s->bev, (struct sockaddr *)&to->u.sa, (int)to->len) != 0) {
		int err = -EVUTIL_SOCKET_ERROR();
		bufferevent_free(s->bev);
		free(s);
		return err ? err : ST_EIO;
	}
	*out = s;
	return 0;
}

int st_stream_write(st_stream_t *s, const void *data, size_t len)
{
	return bufferevent_write(s->bev, data, len) == 0 ? 0 : ST_ENOMEM;
}

size_t st_stream_pending(const st_stream_t *s)
{
	return evbuffer_get_length(bufferevent_get_input(s->bev));
}

size_t st_stream_read(st_stream_t *s, void *buf, size_t len)
{
	int n = evbuffer_remove(bufferevent_get_input(s->bev), buf, len);
	return n > 0 ? (size_t)n : 0;
}

const char *st_stream_error(const st_stream_t *s)
{
	return s->error[0] ? s->error : "connection failed";
}

void st_stream_free(st_stream_t *s)
{
	if (!s)
		return;
	bufferevent_free(s->bev);
	free(s);
}

void st_stream_abort(st_stream_t *s)
{
	if (!s)
		return;
	evutil_socket_t fd = bufferevent_getfd(s->bev);
	if (fd >= 0) {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	st_stream_free(s);
}
