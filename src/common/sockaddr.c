/* Socket addresses. */
#include "common/sockaddr.h"
#include "common/errors.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 0 || v > 65535)
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
