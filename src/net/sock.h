/* Listening sockets for the UDP and TCP servers, and per-thread seeds. */
#ifndef ST_NET_SOCK_H
#define ST_NET_SOCK_H

#include "common/errors.h"
#include "common/sockaddr.h"

#include <stdbool.h>
#include <stdint.h>

/* Create and bind a socket of `type` (SOCK_DGRAM or SOCK_STREAM) on addr:
 * IPV6_V6ONLY on IPv6, SO_REUSEPORT for UDP (one socket per worker),
 * SO_REUSEADDR for TCP, destination-address control messages on wildcard
 * UDP binds, listen() for TCP. Errors name the address. */
int st_sock_listen(const st_sockaddr_t *addr, int type, int *fd, st_diag_t *diag);

/* Fail if another socket holds addr for UDP: SO_REUSEPORT would otherwise let
 * a second server of the same user silently share the port with this one. */
int st_sock_udp_unused(const st_sockaddr_t *addr, st_diag_t *diag);

/* True when addr is 0.0.0.0 or :: (replies need the queried address set). */
bool st_sock_is_wildcard(const st_sockaddr_t *addr);

/* Raise the soft limit of open files to the hard limit, as Knot and NSD do:
 * TCP clients, listeners, the control and metrics clients and the files a
 * reload reads all take descriptors. Returns the soft limit in force after
 * (UINT64_MAX: unlimited), and sets *before to the one before. */
uint64_t st_sock_raise_fd_limit(uint64_t *before);

/* A random seed for a thread's answer context (differs per call). */
uint64_t st_sock_seed(void);

#endif
