/* Rendezvous hashing for sticky weighted picks (see sticky.h). */
#include "route/sticky.h"

#include "common/hash.h"

#include <math.h>
#include <string.h>
#include <sys/socket.h>

uint64_t st_sticky_seed(const char *name)
{
	return st_hash(name, strlen(name));
}

uint64_t st_sticky_key(const st_client_t *client, const st_route_sticky_t *s, uint8_t *prefix)
{
	bool v4 = client->family == AF_INET;
	unsigned bytes = v4 ? 4 : 16;
	unsigned len = v4 ? s->ipv4_prefix : s->ipv6_prefix;
	if (client->source_prefix < len)
		len = client->source_prefix;
	uint8_t buf[18] = {0};
	buf[0] = v4 ? 4 : 6;
	buf[1] = (uint8_t)len;
	for (unsigned i = 0; i < bytes && i * 8 < len; i++) {
		unsigned keep = len - i * 8 >= 8 ? 8 : len - i * 8;
		buf[2 + i] = client->addr[i] & (uint8_t)(0xff00 >> keep);
	}
	*prefix = (uint8_t)len;
	return st_hash(buf, 2 + bytes);
}

double st_sticky_score(uint64_t key, uint64_t seed, uint32_t weight)
{
	if (weight == 0)
		return 0;
	uint64_t state = key ^ seed;
	uint64_t h = st_splitmix64(&state);
	/* u in (0, 1): 53 bits and a half step off either end */
	double u = ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
	return (double)weight / -log(u);
}
