/* For the other files of src/net/ only: a TLS session from client settings. */
#ifndef ST_NET_TLS_INTERNAL_H
#define ST_NET_TLS_INTERNAL_H

#include "net/stream.h"

#include <openssl/ssl.h>

/* A new SSL for one connection: SNI and the name (or IP address) the
 * certificate must match, when server_name is set. NULL when out of memory. */
SSL *st_tls_client_ssl(st_tls_client_t *tls, const char *server_name);

#endif
