/* Fuzz target for the config loader: any bytes through st_conf_load_text()
 * must load or fail with a message naming the file, without crashing or
 * leaking. A config that loads is compiled as steerd compiles it (routing
 * and health view) and every routed record answers A, AAAA and TXT for
 * IPv4 and IPv6 clients, with and without ECS, and explains itself: every
 * answer within its bounds. Built with --enable-fuzzing it runs under
 * libFuzzer (dictionary: tests/data/conf/conf.dict, seeds:
 * tests/fuzz/corpus/conf); otherwise main() replays those seeds, the
 * configs in tests/data/conf and the example config. */
#include "common/log.h"
#include "conf/conf.h"
#include "dns/rrtype.h"
#include "health/health.h"
#include "route/route.h"

#include <dirent.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(const st_route_t *rt, int rc, uint16_t qtype, const st_route_result_t *res)
{
	bool ok = rc == 0 && res->action <= ST_ROUTE_SERVFAIL && res->n <= ST_ROUTE_MAX_ADDRS;
	if (ok && res->action == ST_ROUTE_ANSWER) {
		if (res->rrtype == ST_TYPE_CNAME)
			ok = res->cname && res->cname_len > 0 && res->n == 0;
		else
			ok = (res->rrtype == ST_TYPE_A || res->rrtype == ST_TYPE_AAAA) &&
			     res->rrtype == qtype && res->n > 0;
		for (size_t i = 0; ok && i < res->n; i++)
			ok = res->regions[i] < st_route_region_count(rt) &&
			     st_route_endpoint_name(rt, res->endpoints[i]) != NULL;
	}
	if (!ok) {
		fprintf(stderr, "test_conf_fuzz: resolve %d: action %d type %u n %zu\n", rc,
			(int)res->action, res->rrtype, res->n);
		abort();
	}
}

static void count_target(const uint8_t *rdata, size_t len, void *arg)
{
	if (!rdata || len == 0 || len > 255)
		abort();
	(*(size_t *)arg)++;
}

/* Compile and ask every routed record, as steerd does after a load. */
static void route_all(st_conf_t *conf)
{
	/* No files named by the input: they would read the host. */
	free(conf->geo_database);
	free(conf->geo_coordinates);
	free(conf->geo_latency);
	conf->geo_database = conf->geo_coordinates = conf->geo_latency = NULL;
	static const st_client_t clients[] = {
	    {AF_INET, {192, 0, 2, 1}, 32, false},
	    {AF_INET, {198, 51, 100, 0}, 24, true},
	    {AF_INET6, {0x20, 0x01, 0x0d, 0xb8, 0, 1}, 128, false},
	    {AF_INET6, {0x20, 0x01, 0x0d, 0xb8, 0, 2}, 56, true},
	};
	static const uint16_t qtypes[] = {ST_TYPE_A, ST_TYPE_AAAA, ST_TYPE_TXT};
	st_route_t *rt = NULL;
	st_health_t *health = NULL;
	st_diag_t diag;
	st_diag_clear(&diag);
	if (st_route_new(conf, &rt, &diag) == 0 && st_health_new(conf, &health, &diag) == 0) {
		uint64_t rng = 1;
		char text[4096];
		for (size_t i = 0; i < st_route_record_count(rt); i++) {
			st_route_record_info_t info;
			st_route_record_info(rt, i, &info);
			size_t targets = 0;
			st_route_targets(rt, info.handle, count_target, &targets);
			for (size_t q = 0; q < sizeof(qtypes) / sizeof(qtypes[0]); q++)
				for (size_t c = 0; c < sizeof(clients) / sizeof(clients[0]); c++) {
					st_route_result_t res;
					int rc = st_route_resolve(rt, info.handle, qtypes[q],
								  &clients[c], health, &rng, &res);
					if (qtypes[q] != ST_TYPE_TXT || info.type == ST_TYPE_CNAME)
						check_result(rt, rc, qtypes[q], &res);
					st_route_explain(rt, info.handle, qtypes[q], &clients[c],
							 health, c, text, sizeof(text));
				}
		}
	}
	st_health_free(health);
	st_route_free(rt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet++)
		st_log_set_level(ST_LOG_ERR); /* budget warnings are not findings */
	st_conf_t *conf = NULL;
	st_diag_t diag;
	st_diag_clear(&diag);
	int rc = st_conf_load_text("fuzz.yaml", (const char *)data, size, &conf, &diag);
	if (rc == 0) {
		if (!conf)
			abort();
		route_all(conf);
		st_conf_free(conf);
		return 0;
	}
	if (conf || (rc != ST_ENOMEM && strncmp(diag.text, "fuzz.yaml:", 10) != 0)) {
		fprintf(stderr, "test_conf_fuzz: error %d without the file name: %s\n", rc,
			diag.text);
		abort();
	}
	return 0;
}

#ifndef ST_FUZZ_LIBFUZZER
static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	/* Every prefix too: documents cut anywhere, mid-token included. */
	for (size_t cut = 0; cut < n; cut += 7)
		LLVMFuzzerTestOneInput(buf, cut);
	return 0;
}

/* Every .yaml file of a folder; -1 when one cannot be read. */
static int replay_dir(const char *dir)
{
	char path[8192];
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	int files = 0;
	struct dirent *e;
	while (files >= 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		files = replay(path) == 0 ? files + 1 : -1;
	}
	closedir(d);
	return files;
}

/* The configs of the unit tests, the seeds (the smoke tests' configs and
 * the quick start's) and the example config. */
int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	if (!top || !*top)
		top = ST_SRCDIR;
	snprintf(dir, sizeof(dir), "%s/tests/data/conf", top);
	int unit = replay_dir(dir);
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/conf", top);
	int seeds = replay_dir(dir);
	snprintf(dir, sizeof(dir), "%s/doc/steerd.yaml.example", top);
	if (unit <= 0 || seeds <= 0 || replay(dir) != 0)
		return 1;
	printf("test_conf_fuzz: replayed %d configs and their prefixes\n", unit + seeds + 1);
	return 0;
}
#endif
