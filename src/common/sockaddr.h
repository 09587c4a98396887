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
/* The peer's IP address as a client is known by: 4 bytes for IPv4 (an
 * IPv4-mapped IPv6 address too), 16 for IPv6. Returns the length written
 * to addr, 0 for anything else (NULL, not an IP socket). */
unsigned st_sockaddr_ip(const st_sockaddr_t *sa, uint8_t addr[16]);

/* A network: family (AF_INET or AF_INET6), prefix length and the address
 * with every bit past the prefix zero. */
typedef struct st_prefix {
	int family;
	uint8_t len;
	uint8_t addr[16];
} st_prefix_t;

/* Parse "192.0.2.0/24" or "2001:db8::/32"; with bare_ok, a bare address
 * stands for itself (/32, /128). Returns 0, ST_EINVAL (not a prefix) or
 * ST_ERANGE (bits set past the prefix length: "192.0.2.1/24"; *out is then
 * the network they are in, for a hint). */
int st_prefix_parse(const char *s, bool bare_ok, st_prefix_t *out);
/* Whether an address (4 bytes IPv4, 16 bytes IPv6) is inside the prefix. */
bool st_prefix_match(const st_prefix_t *p, const uint8_t *addr, unsigned addr_len);
/* "192.0.2.0/24". */
void st_prefix_str(const st_prefix_t *p, char *buf, unsigned len);
/* Clear every bit of addr (len bytes) from bit `keep` on. */
void st_addr_mask(uint8_t *addr, unsigned len, unsigned keep);

#endif
