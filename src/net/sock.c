/* Listening sockets for the UDP and TCP servers, and per-thread seeds. */
#include "net/sock.h"
#include "common/hash.h"
#include "common/time.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_BACKLOG 1024
#define UDP_RCVBUF (4 * 1024 * 1024)

bool st_sock_is_wildcard(const st_sockaddr_t *addr)
{
	if (addr->u.sa.sa_family == AF_INET)
		return addr->u.in4.sin_addr.s_addr == htonl(INADDR_ANY);
	if (addr->u.sa.sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&addr->u.in6.sin6_addr);
	return false;
}

static int sock_fail(int fd, const st_sockaddr_t *addr, const char *what, st_diag_t *diag)
{
	int err = errno;
	char str[ST_SOCKADDR_STRLEN];
	st_sockaddr_str(addr, str, sizeof(str));
	if (fd >= 0)
		close(fd);
	return st_diag_set(diag, -err, "listen %s: %s failed (%s)", str, what, strerror(err));
}

int st_sock_listen(const st_sockaddr_t *addr, int type, int *out, st_diag_t *diag)
{
	int family = addr->u.sa.sa_family;
	int one = 1;
	int fd = socket(family, type | SOCK_CLOEXEC | (type == SOCK_STREAM ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return sock_fail(-1, addr, "socket", diag);

	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		return sock_fail(fd, addr, "IPV6_V6ONLY", diag);

	if (type == SOCK_DGRAM) {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
			return sock_fail(fd, addr, "SO_REUSEPORT", diag);
		/* Best effort: a deeper queue absorbs bursts (capped by rmem_max). */
		int rcvbuf = UDP_RCVBUF;
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		if (st_sock_is_wildcard(addr)) {
			int r =
			    family == AF_INET
				? setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one))
				: setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
			if (r < 0)
				return sock_fail(fd, addr, "PKTINFO", diag);
		}
	} else {
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
			return sock_fail(fd, addr, "SO_REUSEADDR", diag);
	}

	if (bind(fd, &addr->u.sa, addr->len) < 0)
		return sock_fail(fd, addr, "bind", diag);
	if (type == SOCK_STREAM && listen(fd, TCP_BACKLOG) < 0)
		return sock_fail(fd, addr, "listen", diag);
	*out = fd;
	return 0;
}

int st_sock_udp_unused(const st_sockaddr_t *addr, st_diag_t *diag)
{
	int one = 1;
	int fd = socket(addr->u.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sock_fail(-1, addr, "socket", diag);
	if (addr->u.sa.sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, &addr->u.sa, addr->len) < 0)
		return sock_fail(fd, addr, "bind", diag);
	close(fd);
	return 0;
}

uint64_t st_sock_seed(void)
{
	static atomic_uint_fast64_t counter;
	uint64_t seed = 0;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t)sizeof(seed))
		seed = st_real_ns() ^ ((uint64_t)getpid() << 32);
	uint64_t mix = seed + atomic_fetch_add(&counter, 1) * 0x9e3779b97f4a7c15ULL;
	return st_splitmix64(&mix);
}

uint64_t st_sock_raise_fd_limit(uint64_t *before)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		*before = 0;
		return 0;
	}
	*before = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
	if (rl.rlim_cur != rl.rlim_max) {
		struct rlimit up = {.rlim_cur = rl.rlim_max, .rlim_max = rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
}
