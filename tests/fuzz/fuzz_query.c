/* Fuzz target for the query path: any bytes through st_answer() over the
 * engine's test zone with routed records grafted in (so ECS reaches the
 * router), on UDP and TCP, and every response checked to be a well-formed
 * message within its size limit. Without libFuzzer, main()
 * replays a corpus directory (make check replays tests/fuzz/corpus/query). */
#include "answer/answer.h"
#include "conf/conf.h"
#include "dns/name.h"
#include "dns/wire.h"
#include "health/health.h"
#include "route/route.h"
#include "zone/zone.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ST_FUZZ_SRCDIR
#define ST_FUZZ_SRCDIR "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static st_view_t view;
static st_answer_ctx_t *ctx;
static st_conf_t *conf;

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ST_FUZZ_SRCDIR;
}

static void init(void)
{
	char path[4096];
	st_diag_t diag;
	st_zone_t *zone;
	st_route_t *route;
	st_health_t *health;
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer-dyn.yaml", srcdir());
	if (st_conf_load(path, &conf, &diag) < 0 || st_route_new(conf, &route, &diag) < 0 ||
	    st_health_new(conf, &health, &diag) < 0) {
		fprintf(stderr, "fuzz_query: %s\n", diag.text);
		abort();
	}
	size_t n = st_route_record_count(route);
	st_zone_dyn_t *dyn = calloc(n + 1, sizeof(*dyn));
	if (!dyn)
		abort();
	for (size_t i = 0; i < n; i++) {
		st_route_record_info_t info;
		st_route_record_info(route, i, &info);
		dyn[i] = (st_zone_dyn_t){info.owner, info.owner_len, info.type,
					 info.ttl,   info.handle,    info.source};
	}
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer.test.zone", srcdir());
	int ret = st_zone_load("answer.test.", path, dyn, n, &zone, &diag);
	free(dyn);
	if (ret < 0) {
		fprintf(stderr, "fuzz_query: %s\n", diag.text);
		abort();
	}
	view.zones = st_zoneset_new();
	if (!view.zones || st_zoneset_add(view.zones, zone) < 0)
		abort();
	view.route = route;
	view.health = health;
	view.udp_max_payload = 1232;
	ctx = st_answer_ctx_new(1);
	if (!ctx)
		abort();
}

/* The response must parse completely: question and every record, names
 * with valid (backward) pointers, nothing left over. */
static void check_response(const uint8_t *q, size_t qlen, const uint8_t *r, size_t len, size_t cap)
{
	if (len == 0)
		return;
	if (len > cap || len < ST_DNS_HEADER_LEN || qlen < 2 || memcmp(q, r, 2) != 0 ||
	    !(r[2] & ST_FLAG1_QR))
		abort();
	size_t pos = ST_DNS_HEADER_LEN;
	unsigned qd = st_get16(r + 4);
	unsigned rrs = (unsigned)st_get16(r + 6) + st_get16(r + 8) + st_get16(r + 10);
	if (qd > 1)
		abort();
	for (unsigned i = 0; i < qd; i++) {
		if (st_name_parse(r, len, &pos, NULL, NULL, NULL, NULL) < 0 || len - pos < 4)
			abort();
		pos += 4;
	}
	for (unsigned i = 0; i < rrs; i++) {
		if (st_name_parse(r, len, &pos, NULL, NULL, NULL, NULL) < 0 || len - pos < 10)
			abort();
		size_t rdlen = st_get16(r + pos + 8);
		pos += 10;
		if (len - pos < rdlen)
			abort();
		pos += rdlen;
	}
	if (pos != len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	if (!ctx)
		init();
	size_t n = st_answer(ctx, &view, data, size, NULL, ST_TRANSPORT_UDP, out, 4096);
	check_response(data, size, out, n, 4096);
	n = st_answer(ctx, &view, data, size, NULL, ST_TRANSPORT_TCP, out, sizeof(out));
	check_response(data, size, out, n, sizeof(out));
	return 0;
}

#ifndef ST_FUZZ_LIBFUZZER
static void fini(void)
{
	st_answer_ctx_free(ctx);
	st_zoneset_free(view.zones);
	st_health_free(view.health);
	st_route_free(view.route);
	st_conf_free(conf);
}

static int replay_file(const char *path)
{
	static uint8_t buf[65536];
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

/* Replay every file of the corpus directories (default: the checked-in corpus). */
int main(int argc, char **argv)
{
	char def[4096];
	const char *dirs[64];
	int ndirs = 0, files = 0, failed = 0;
	for (int i = 1; i < argc && ndirs < 64; i++)
		dirs[ndirs++] = argv[i];
	if (ndirs == 0) {
		snprintf(def, sizeof(def), "%s/tests/fuzz/corpus/query", srcdir());
		dirs[ndirs++] = def;
	}
	init();
	for (int d = 0; d < ndirs; d++) {
		DIR *dir = opendir(dirs[d]);
		if (!dir) {
			/* A single file given on the command line. */
			if (replay_file(dirs[d]) < 0)
				failed++;
			else
				files++;
			continue;
		}
		struct dirent *e;
		while ((e = readdir(dir))) {
			char path[8192];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[d], e->d_name);
			if (replay_file(path) < 0)
				failed++;
			else
				files++;
		}
		closedir(dir);
	}
	fini();
	printf("fuzz_query: replayed %d inputs\n", files);
	if (files < 10) {
		fprintf(stderr, "fuzz_query: corpus missing or too small\n");
		return 1;
	}
	return failed ? 1 : 0;
}
#endif
