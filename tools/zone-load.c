/* Load one zone and print what it cost: load time, records, names, peak
 * RSS (VmHWM), for tools/zone-load-compare.sh. With -d, also list every
 * node with its flags and RRsets, as the query path sees them. */
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

static void print_name(const uint8_t *n)
{
	if (!*n)
		putchar('.');
	while (*n) {
		for (uint8_t i = 1; i <= *n; i++) {
			uint8_t c = n[i];
			if (c == '.' || c == '\\' || c <= ' ' || c >= 0x7f)
				printf("\\%03u", c);
			else
				putchar(c);
		}
		putchar('.');
		n += *n + 1;
	}
}

static void dump(const st_zone_t *z)
{
	static const char *const flags[] = {"apex",	"deleg",	  "ent",
					    "wildcard", "wildcard-child", "glue"};
	for (size_t i = 0; i < st_zone_node_count(z); i++) {
		const st_node_t *n = st_zone_node(z, i);
		print_name(n->name);
		for (unsigned f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (n->flags & (1u << f))
				printf(" %s", flags[f]);
		for (uint16_t r = 0; r < n->n_rrsets; r++) {
			const st_rrset_t *rs = &n->rrsets[r];
			if (st_rrset_dyn(rs))
				printf(" TYPE%u/dynamic", rs->type);
			else
				printf(" TYPE%u/%u/ttl=%u", rs->type, rs->count, rs->ttl);
		}
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	int opt;
	bool verbose = false, list = false;
	while ((opt = getopt(argc, argv, "dvh")) != -1) {
		switch (opt) {
		case 'd':
			list = true;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-d] [-v] ORIGIN FILE\n", argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: %s [-d] [-v] ORIGIN FILE\n", argv[0]);
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
	if (list)
		dump(z);
	st_zone_free(z);
	return 0;
}
