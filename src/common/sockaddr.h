/* Socket addresses: parse "127.0.0.1:53", "[::1]:53", "::1", format them back. */
#ifndef ST_COMMON_SOCKADDR_H
#define ST_COMMON_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

typedef struct st_sockaddr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	} u;
	socklen_t len;
} st_sockaddr_t;

#define ST_SOCKADDR_STRLEN 64

/* Parse "ADDR:PORT", "[ADDR6]:PORT", "ADDR" or "ADDR6" (then default_port).
 * Numeric addresses only: no name lookups. Returns 0 or ST_EINVAL. */
int st_sockaddr_parse(const char *s, uint16_t default_port, st_sockaddr_t *out);
/* Parse a bare IPv4 or IPv6 address. family is AF_INET or AF_INET6, addr holds 4 or 16 bytes. */
int st_addr_parse(const char *s, int *family, uint8_t addr[16]);
/* "127.0.0.1:53" or "[::1]:53". */
void st_sockaddr_str(const st_sockaddr_t *sa, char *buf, unsigned len);
/* The port in host order. */
uint16_t st_sockaddr_port(const st_sockaddr_t *sa);

#endif
