/* answer-bench: the userspace cost of answering, in-process and without
 * sockets: a dnsperf query file pushed through st_answer() over a zone, in
 * batches like a UDP worker's, with or without the batch prefetch.
 *
 *   answer-bench [-n PASSES] [-b BATCH] [-p] [-t KIB] [-e SUBNET] ORIGIN ZONEFILE QUERYFILE
 *   answer-bench [-n PASSES] [-b BATCH] [-p] [-t KIB] [-e SUBNET] -c CONFIG QUERYFILE
 *
 *   -c      answer from the view steerd builds from CONFIG (zones and routed
 *           records, as tools/bench/run.sh --dynamic serves them)
 *   -e      send an EDNS Client Subnet option (ADDR/PREFIX) with every query
 *   -d      set the DNSSEC OK bit (EDNS): signed answers from a zone signed
 *           online (-c with dnssec:); the first pass fills the signature
 *           caches and is not counted
 *   -p      answer each batch as the UDP workers do (st_answer_batch: prefetch first)
 *   -t KIB  touch KIB KiB of other memory before each batch: a stand-in for
 *           the kernel's work between batches, which evicts the zone from cache
 *
 * Prints CPU nanoseconds per query (the thread's CPU clock, the touching
 * left out). For instruction counts run it under
 * `valgrind --tool=callgrind --toggle-collect=st_answer`. */
#include "answer/answer.h"
#include "answer/view.h"
#include "common/sockaddr.h"
#include "conf/conf.h"
#include "server/view_build.h"
#include "dns/rrtype.h"
#include "zone/zone.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_QUERIES 1000000
#define QUERY_MAX 512
#define BATCH_MAX ST_ANSWER_BATCH_MAX

static int type_code(const char *s)
{
	uint16_t t;
	return st_rrtype_parse(s, &t) == 0 ? t : -1;
}

/* One query in wire form: header with RD clear, the question. */
static size_t encode(const char *name, int type, uint16_t id, uint8_t *p)
{
	memset(p, 0, 12);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[5] = 1;
	size_t o = 12;
	for (const char *s = name; *s;) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		if (l == 0 || l > 63 || o + l + 6 > 12 + 255)
			return 0;
		p[o++] = (uint8_t)l;
		memcpy(p + o, s, l);
		o += l;
		s += l + (dot ? 1 : 0);
	}
	p[o++] = 0;
	p[o++] = (uint8_t)(type >> 8);
	p[o++] = (uint8_t)type;
	p[o++] = 0;
	p[o++] = 1;
	return o;
}

/* An OPT record (DO set when `dnssec`) after the question: ARCOUNT 1,
 * payload 1232; with family != 0 an EDNS Client Subnet option (RFC 7871),
 * the address cut to its prefix. */
static size_t add_opt(uint8_t *p, size_t o, bool dnssec, int family, const uint8_t *addr,
		      unsigned prefix)
{
	size_t alen = (prefix + 7) / 8;
	p[11] = 1;
	const uint8_t opt[] = {0, 0, 41, 1232 >> 8, 1232 & 0xff, 0, 0, dnssec ? 0x80 : 0, 0};
	memcpy(p + o, opt, sizeof(opt));
	o += sizeof(opt);
	if (!family) {
		p[o++] = 0;
		p[o++] = 0;
		return o;
	}
	p[o++] = 0;
	p[o++] = (uint8_t)(8 + alen);
	p[o++] = 0;
	p[o++] = 8;
	p[o++] = 0;
	p[o++] = (uint8_t)(4 + alen);
	p[o++] = 0;
	p[o++] = family == AF_INET ? 1 : 2;
	p[o++] = (uint8_t)prefix;
	p[o++] = 0;
	memcpy(p + o, addr, alen);
	if (prefix % 8)
		p[o + alen - 1] &= (uint8_t)(0xff << (8 - prefix % 8));
	return o + alen;
}

static double cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr, "usage: answer-bench [-n PASSES] [-b BATCH] [-p] [-t KIB] [-e SUBNET] [-d]\n"
			"                    (ORIGIN ZONEFILE | -c CONFIG) QUERYFILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long passes = 10, batch = 16, touch_kib = 0;
	bool prefetch = false, dnssec = false;
	const char *config = NULL, *ecs = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:b:pt:c:e:dh")) != -1) {
		switch (opt) {
		case 'n':
			passes = atol(optarg);
			break;
		case 'b':
			batch = atol(optarg);
			break;
		case 'p':
			prefetch = true;
			break;
		case 't':
			touch_kib = atol(optarg);
			break;
		case 'c':
			config = optarg;
			break;
		case 'e':
			ecs = optarg;
			break;
		case 'd':
			dnssec = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != (config ? 1 : 3) || passes < 1 || batch < 1 || batch > BATCH_MAX ||
	    touch_kib < 0)
		usage();
	int ecs_family = 0;
	uint8_t ecs_addr[16];
	unsigned ecs_prefix = 0;
	if (ecs) {
		char buf[128];
		snprintf(buf, sizeof(buf), "%s", ecs);
		char *slash = strchr(buf, '/');
		if (slash)
			*slash = '\0';
		if (!slash || st_addr_parse(buf, &ecs_family, ecs_addr) != 0 ||
		    (ecs_prefix = (unsigned)atoi(slash + 1)) > (ecs_family == AF_INET ? 32u : 128u)) {
			fprintf(stderr, "answer-bench: -e wants ADDR/PREFIX\n");
			return 2;
		}
	}

	st_diag_t diag = {0};
	st_view_t view = {.udp_max_payload = 1232};
	st_view_box_t *box = NULL;
	st_zoneset_t *set = NULL;
	if (config) {
		st_conf_t *conf = NULL;
		if (st_conf_load(config, &conf, &diag) < 0 ||
		    st_view_build(conf, NULL, 1, &box, &diag) < 0) {
			fprintf(stderr, "answer-bench: %s\n", diag.text);
			return 1;
		}
		view = box->view;
	} else {
		st_zone_t *zone = NULL;
		if (st_zone_load(argv[optind], argv[optind + 1], NULL, 0, &zone, &diag) < 0) {
			fprintf(stderr, "answer-bench: %s\n", diag.text);
			return 1;
		}
		set = st_zoneset_new();
		if (!set || st_zoneset_add(set, zone) < 0) {
			fprintf(stderr, "answer-bench: out of memory\n");
			return 1;
		}
		view.zones = set;
	}

	const char *qfile = argv[argc - 1];
	FILE *f = fopen(qfile, "r");
	if (!f) {
		perror(qfile);
		return 1;
	}
	uint8_t(*q)[QUERY_MAX] = malloc((size_t)MAX_QUERIES * QUERY_MAX);
	size_t *qlen = malloc(MAX_QUERIES * sizeof(*qlen));
	if (!q || !qlen) {
		fprintf(stderr, "answer-bench: out of memory\n");
		return 1;
	}
	size_t n = 0;
	char line[1024];
	while (n < MAX_QUERIES && fgets(line, sizeof(line), f)) {
		char name[512], type[32];
		int code;
		if (sscanf(line, "%511s %31s", name, type) != 2 || (code = type_code(type)) < 0)
			continue;
		if ((qlen[n] = encode(name, code, (uint16_t)n, q[n])) == 0)
			continue;
		if (ecs || dnssec)
			qlen[n] = add_opt(q[n], qlen[n], dnssec, ecs_family, ecs_addr, ecs_prefix);
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "answer-bench: no queries in %s\n", qfile);
		return 1;
	}

	st_answer_ctx_t *ctx = st_answer_ctx_new(1);
	uint8_t *junk = touch_kib ? calloc((size_t)touch_kib, 1024) : NULL;
	if (!ctx || (touch_kib && !junk)) {
		fprintf(stderr, "answer-bench: out of memory\n");
		return 1;
	}
	st_sockaddr_t client;
	memset(&client, 0, sizeof(client));
	client.u.in4.sin_family = AF_INET;
	client.u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	client.len = sizeof(client.u.in4);

	static uint8_t out[4096];
	st_answer_msg_t msgs[BATCH_MAX];
	size_t bytes = 0, answered = 0;
	double spent = 0;
	for (long r = dnssec ? -1 : 0; r < passes; r++) {
		for (size_t i = 0; i < n; i += (size_t)batch) {
			size_t end = i + (size_t)batch < n ? i + (size_t)batch : n;
			for (size_t k = 0; k < (size_t)touch_kib * 1024; k += 64)
				junk[k]++;
			double t0 = cpu_ns();
			if (prefetch) {
				/* as the UDP workers do (one output buffer: its bytes are not read)
				 */
				for (size_t k = i; k < end; k++)
					msgs[k - i] = (st_answer_msg_t){q[k], qlen[k],	   &client,
									out,  sizeof(out), 0};
				st_answer_batch(ctx, &view, msgs, end - i, ST_TRANSPORT_UDP);
				for (size_t k = 0; r >= 0 && k < end - i; k++) {
					bytes += msgs[k].out_len;
					answered += msgs[k].out_len > 0;
				}
			}
			for (size_t k = i; !prefetch && k < end; k++) {
				size_t len = st_answer(ctx, &view, q[k], qlen[k], &client,
						       ST_TRANSPORT_UDP, out, sizeof(out));
				if (r >= 0) {
					bytes += len;
					answered += len > 0;
				}
			}
			if (r >= 0)
				spent += cpu_ns() - t0;
		}
	}
	printf("%zu queries x %ld passes, batch %ld%s, %ld KiB touched per batch: "
	       "%.1f ns/query, %zu answered, %zu bytes\n",
	       n, passes, batch, prefetch ? " prefetched" : "", touch_kib,
	       spent / ((double)n * (double)passes), answered, bytes);
	free(junk);
	free(q);
	free(qlen);
	st_answer_ctx_free(ctx);
	st_zoneset_free(set);
	st_view_box_free(box);
	return 0;
}
