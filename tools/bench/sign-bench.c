/* sign-bench: the cost of online signing, in-process on one thread.
 *
 *   sign-bench [-n COUNT] KEYDIR ORIGIN
 *       fresh signatures per second over a routed-style A RRset (one
 *       address, a new one each time, so none comes from a cache), with the
 *       zone-signing keys found in KEYDIR
 *   sign-bench -z ZONEFILE [-a] KEYDIR ORIGIN
 *       load ZONEFILE as steerd does, make its signer (DNSKEY RRset signed),
 *       and with -a sign every static RRset once as answers would, timing
 *       each step
 *
 * Times are the thread's CPU clock. Key folders of both algorithms are in
 * tests/data/keys (ecdsa: 13, ed25519: 15) for ORIGIN example.test. */
#include "dns/name.h"
#include "dnssec/key.h"
#include "dnssec/signer.h"
#include "zone/zone.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const st_diag_t *diag)
{
	fprintf(stderr, "sign-bench: %s: %s\n", what, diag->text);
	exit(1);
}

/* A one-record zone to sign against: the apex SOA only. */
static st_zone_t *tiny_zone(const char *origin)
{
	char path[] = "/tmp/sign-bench.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		perror("sign-bench: temporary zone");
		exit(1);
	}
	fprintf(f, "%s 3600 IN SOA ns.%s host.%s 1 7200 3600 1209600 300\n%s 3600 IN NS ns.%s\n",
		origin, origin, origin, origin, origin);
	fclose(f);
	st_zone_t *z;
	st_diag_t diag;
	if (st_zone_load(origin, path, NULL, 0, &z, &diag) < 0)
		die("zone", &diag);
	remove(path);
	return z;
}

int main(int argc, char **argv)
{
	long count = 20000;
	const char *zonefile = NULL;
	bool all = false;
	int c;
	while ((c = getopt(argc, argv, "n:z:a")) != -1) {
		switch (c) {
		case 'n':
			count = atol(optarg);
			break;
		case 'z':
			zonefile = optarg;
			break;
		case 'a':
			all = true;
			break;
		default:
			fprintf(stderr,
				"usage: sign-bench [-n COUNT] [-z ZONEFILE [-a]] KEYDIR ORIGIN\n");
			return 2;
		}
	}
	if (argc - optind != 2 || count <= 0) {
		fprintf(stderr, "usage: sign-bench [-n COUNT] [-z ZONEFILE [-a]] KEYDIR ORIGIN\n");
		return 2;
	}
	const char *dir = argv[optind], *origin = argv[optind + 1];
	st_diag_t diag;
	double w0 = wall_s(), t0 = cpu_s();
	st_zone_t *zone;
	if (zonefile) {
		if (st_zone_load(origin, zonefile, NULL, 0, &zone, &diag) < 0)
			die("zone", &diag);
	} else {
		zone = tiny_zone(origin);
	}
	double t1 = cpu_s();
	uint8_t al;
	const uint8_t *apex = st_zone_apex(zone, &al);
	st_keyset_t *ks;
	st_signer_t *signer;
	if (st_keyset_load(dir, apex, al, &ks, &diag) < 0)
		die("keys", &diag);
	if (st_signer_new(zone, ks, 7 * 86400, time(NULL), &signer, &diag) < 0)
		die("signer", &diag);
	double t2 = cpu_s(), w2 = wall_s();
	const st_sigstate_t *st = st_signer_state(signer);
	st_sigctx_t *ctx = st_sigctx_new();
	if (!ctx)
		return 1;
	if (zonefile) {
		printf("zone %s: %zu records, %zu RRsets; load %.3f s CPU, signer (keys, DNSKEY "
		       "signed) %.3f s CPU; %.3f s wall for both\n",
		       origin, st_zone_record_count(zone), st_zone_rrset_count(zone), t1 - t0,
		       t2 - t1, w2 - w0);
		if (all) {
			size_t n = 0, failed = 0;
			double s0 = cpu_s();
			for (size_t i = 0; i < st_zone_node_count(zone); i++) {
				const st_node_t *node = st_zone_node(zone, i);
				if (node->flags & (ST_NODE_GLUE | ST_NODE_DELEG))
					continue;
				for (unsigned k = 0; k < node->n_rrsets; k++) {
					n++;
					failed += !st_sign_static(ctx, st, node, &node->rrsets[k]);
				}
			}
			double s1 = cpu_s();
			printf("signed every RRset: %zu in %.3f s (%.0f RRsets/s, %zu failed)\n", n,
			       s1 - s0, (double)n / (s1 - s0), failed);
		}
	} else {
		uint8_t owner[ST_DNS_MAX_NAME], addr[4] = {10, 0, 0, 0};
		char name[300];
		snprintf(name, sizeof(name), "www.%s", origin);
		int ol = st_name_from_str(name, owner, sizeof(owner));
		if (ol < 0)
			return 2;
		st_rdata_ref_t rr = {addr, 4};
		uint16_t tags[8];
		size_t nz = st_sigstate_tags(st, false, tags, 8);
		double s0 = cpu_s();
		for (long i = 0; i < count; i++) {
			addr[1] = (uint8_t)(i >> 16);
			addr[2] = (uint8_t)(i >> 8);
			addr[3] = (uint8_t)i;
			if (!st_sign_rrset(ctx, st, owner, (size_t)ol, 3, 1, 20, &rr, 1))
				return 1;
		}
		double s1 = cpu_s();
		const st_sign_stats_t *ss = st_sigctx_stats(ctx);
		printf("%s: %lu signatures (%zu zone-signing key%s, algorithm %u) in %.3f s: "
		       "%.0f signatures/s on one core, %.1f us each\n",
		       dir, (unsigned long)ss->signatures, nz, nz == 1 ? "" : "s", ks->keys[0].alg,
		       s1 - s0, (double)ss->signatures / (s1 - s0),
		       (s1 - s0) * 1e6 / (double)ss->signatures);
	}
	st_sigctx_free(ctx);
	st_signer_free(signer);
	st_zone_free(zone);
	return 0;
}
