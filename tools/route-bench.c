/* route-bench: the cost of one routing decision (st_route_resolve), per
 * record of a config and per client address, in-process, without sockets.
 *
 *   route-bench -c steerd.yaml [-n ITERATIONS] [CLIENT[/PREFIX] ...]
 *
 * Prints nanoseconds per decision. Clients default to 127.0.0.1 (not in a
 * geo database) and 81.2.69.160/27 (a City record in MaxMind's test data). */
#include "common/sockaddr.h"
#include "conf/conf.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "health/health.h"
#include "route/route.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int parse_client(const char *s, st_client_t *c)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(c, 0, sizeof(*c));
	if (st_addr_parse(buf, &c->family, c->addr) != 0)
		return -1;
	unsigned max = c->family == AF_INET ? 32 : 128;
	c->source_prefix = (uint8_t)(slash ? atoi(slash + 1) : (int)max);
	c->from_ecs = slash != NULL;
	return 0;
}

int main(int argc, char **argv)
{
	const char *config = NULL;
	long iters = 1000000;
	int opt;
	while ((opt = getopt(argc, argv, "c:n:h")) != -1) {
		switch (opt) {
		case 'c':
			config = optarg;
			break;
		case 'n':
			iters = atol(optarg);
			break;
		default:
			fprintf(
			    stderr,
			    "usage: route-bench -c CONFIG [-n ITERATIONS] [CLIENT[/PREFIX]...]\n");
			return 2;
		}
	}
	if (!config || iters <= 0) {
		fprintf(stderr,
			"usage: route-bench -c CONFIG [-n ITERATIONS] [CLIENT[/PREFIX]...]\n");
		return 2;
	}
	const char *defaults[] = {"127.0.0.1", "81.2.69.160/27"};
	const char **clients = optind < argc ? (const char **)argv + optind : defaults;
	int n_clients = optind < argc ? argc - optind : 2;

	st_conf_t *conf = NULL;
	st_route_t *rt = NULL;
	st_health_t *h = NULL;
	st_diag_t diag = {""};
	if (st_conf_load(config, &conf, &diag) != 0 || st_route_new(conf, &rt, &diag) != 0 ||
	    st_health_new(conf, &h, &diag) != 0) {
		fprintf(stderr, "route-bench: %s\n", diag.text);
		return 1;
	}
	printf("%-28s %-6s %-22s %10s %6s\n", "record", "type", "client", "ns/answer", "scope");
	uint64_t rng = 42;
	for (size_t i = 0; i < st_route_record_count(rt); i++) {
		st_route_record_info_t info;
		st_route_record_info(rt, i, &info);
		for (int k = 0; k < n_clients; k++) {
			st_client_t c;
			if (parse_client(clients[k], &c) != 0) {
				fprintf(stderr, "route-bench: bad client %s\n", clients[k]);
				return 1;
			}
			st_route_result_t res;
			uint64_t sink = 0;
			for (long j = 0; j < iters / 10; j++) /* warm up */
				st_route_resolve(rt, info.handle, info.type, &c, h, &rng, &res);
			double t0 = now_ns();
			for (long j = 0; j < iters; j++) {
				st_route_resolve(rt, info.handle, info.type, &c, h, &rng, &res);
				sink += res.n;
			}
			double ns = (now_ns() - t0) / (double)iters;
			char owner[1024];
			st_name_to_str(info.owner, owner, sizeof(owner));
			printf("%-28s %-6s %-22s %10.0f %6u%s\n", owner, st_rrtype_name(info.type),
			       clients[k], ns, res.scope, sink ? "" : " ");
		}
	}
	st_health_free(h);
	st_route_free(rt);
	st_conf_free(conf);
	return 0;
}
