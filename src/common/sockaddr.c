/* Socket addresses. */
#include "common/sockaddr.h"
#include "common/errors.h"
#include "common/number.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;
	if (st_parse_u64(s, UINT16_MAX, &v) != 0)
		return ST_EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int st_addr_parse(const char *s, int *family, uint8_t addr[16])
{
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return ST_EINVAL;
}

int st_sockaddr_parse(const char *s, uint16_t default_port, st_sockaddr_t *out)
{
	char host[INET6_ADDRSTRLEN + 8];
	uint16_t port = default_port;
	const char *colon = strrchr(s, ':');

	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof(host))
			return ST_EINVAL;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close[1] == ':') {
			if (parse_port(close + 2, &port) != 0)
				return ST_EINVAL;
		} else if (close[1] != '\0') {
			return ST_EINVAL;
		}
	} else if (colon && strchr(s, ':') == colon) {
		/* exactly one colon: IPv4 with port */
		if ((size_t)(colon - s) >= sizeof(host))
			return ST_EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		if (parse_port(colon + 1, &port) != 0)
			return ST_EINVAL;
	} else {
		if (strlen(s) >= sizeof(host))
			return ST_EINVAL;
		strcpy(host, s);
	}

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &out->u.in4.sin_addr) == 1) {
		out->u.in4.sin_family = AF_INET;
		out->u.in4.sin_port = htons(port);
		out->len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &out->u.in6.sin6_addr) == 1) {
		out->u.in6.sin6_family = AF_INET6;
		out->u.in6.sin6_port = htons(port);
		out->len = sizeof(struct sockaddr_in6);
		return 0;
	}
	return ST_EINVAL;
}

void st_sockaddr_str(const st_sockaddr_t *sa, char *buf, unsigned len)
{
	char host[INET6_ADDRSTRLEN];
	if (sa->u.sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &sa->u.in4.sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sa->u.in4.sin_port));
	} else if (sa->u.sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &sa->u.in6.sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sa->u.in6.sin6_port));
	} else {
		snprintf(buf, len, "(unknown)");
	}
}

uint16_t st_sockaddr_port(const st_sockaddr_t *sa)
{
	if (sa->u.sa.sa_family == AF_INET)
		return ntohs(sa->u.in4.sin_port);
	if (sa->u.sa.sa_family == AF_INET6)
		return ntohs(sa->u.in6.sin6_port);
	return 0;
}

unsigned st_sockaddr_ip(const st_sockaddr_t *sa, uint8_t addr[16])
{
	if (!sa)
		return 0;
	if (sa->u.sa.sa_family == AF_INET) {
		memcpy(addr, &sa->u.in4.sin_addr, 4);
		return 4;
	}
	if (sa->u.sa.sa_family != AF_INET6)
		return 0;
	const struct in6_addr *a = &sa->u.in6.sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		memcpy(addr, a->s6_addr + 12, 4);
		return 4;
	}
	memcpy(addr, a->s6_addr, 16);
	return 16;
}

void st_addr_mask(uint8_t *addr, unsigned len, unsigned keep)
{
	for (unsigned i = 0; i < len; i++) {
		if (keep >= 8 * (i + 1))
			continue;
		unsigned bits = keep > 8 * i ? keep - 8 * i : 0;
		addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

int st_prefix_parse(const char *s, bool bare_ok, st_prefix_t *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if ((!slash && !bare_ok) || alen >= sizeof(buf))
		return ST_EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	st_prefix_t p;
	memset(&p, 0, sizeof(p));
	if (st_addr_parse(buf, &p.family, p.addr) != 0)
		return ST_EINVAL;
	unsigned max = p.family == AF_INET ? 32 : 128;
	unsigned long len = max;
	if (slash) {
		uint64_t v;
		if (st_parse_u64(slash + 1, max, &v) != 0)
			return ST_EINVAL;
		len = (unsigned long)v;
	}
	p.len = (uint8_t)len;
	uint8_t masked[16];
	memcpy(masked, p.addr, sizeof(masked));
	st_addr_mask(masked, max / 8, p.len);
	/* Host bits set ("192.0.2.1/24") are a typo more often than not. */
	bool host_bits = memcmp(masked, p.addr, max / 8) != 0;
	memcpy(p.addr, masked, sizeof(masked));
	*out = p;
	return host_bits ? ST_ERANGE : 0;
}

bool st_prefix_match(const st_prefix_t *p, const uint8_t *addr, unsigned addr_len)
{
	if (addr_len != (p->family == AF_INET ? 4u : 16u))
		return false;
	unsigned whole = p->len / 8u, rest = p->len % 8u;
	if (memcmp(p->addr, addr, whole) != 0)
		return false;
	return rest == 0 || ((p->addr[whole] ^ addr[whole]) & (uint8_t)(0xff00u >> rest)) == 0;
}

void st_prefix_str(const st_prefix_t *p, char *buf, unsigned len)
{
	char host[INET6_ADDRSTRLEN];
	if (!inet_ntop(p->family, p->addr, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	snprintf(buf, len, "%s/%u", host, p->len);
}
