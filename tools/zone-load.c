/* Load one zone and print what it cost: load time, records, names, peak
 * RSS (VmHWM), for tools/zone-load-compare.sh. */
#include "config.h"

#include "common/log.h"
#include "common/time.h"
#include "zone/zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	int opt;
	bool verbose = false;
	while ((opt = getopt(argc, argv, "vh")) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-v] ORIGIN FILE\n", argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: %s [-v] ORIGIN FILE\n", argv[0]);
		return 2;
	}
	st_log_init("zone-load", verbose ? ST_LOG_DEBUG : ST_LOG_WARNING, false);
	long rss0 = status_kb("VmRSS");
	uint64_t t0 = st_mono_ns();
	st_zone_t *z = NULL;
	st_diag_t diag = {{0}};
	int rc = st_zone_load(argv[optind], argv[optind + 1], NULL, 0, &z, &diag);
	uint64_t t1 = st_mono_ns();
	if (rc) {
		fprintf(stderr, "%s\n", diag.text[0] ? diag.text : st_strerror(rc));
		return 1;
	}
	long hwm = status_kb("VmHWM"), rss = status_kb("VmRSS");
	printf("zone %s: serial %u, %zu records, %zu names, loaded in %.3f s, "
	       "snapshot %zu KiB, rss %ld KiB (before %ld), peak rss %ld KiB\n",
	       st_zone_name(z), st_zone_serial(z), st_zone_record_count(z), st_zone_node_count(z),
	       (double)(t1 - t0) / 1e9, st_zone_memory(z) / 1024, rss, rss0, hwm);
	st_zone_free(z);
	return 0;
}
