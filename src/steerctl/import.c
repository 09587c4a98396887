/* steerctl import-route53: the one command that needs no steerd. Exit 0
 * when everything was converted, 1 when the output is written but some
 * record sets or health checks were not (the report lists them), 2 on
 * usage errors or when the input cannot be read or the output written. */
#include "config.h"
#include "steerctl/import.h"
#include "common/cli.h"
#include "import/route53.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CIDR_FILES 64

void steerctl_import_usage(FILE *f)
{
	fprintf(f, "       steerctl " STEERCTL_IMPORT_USAGE "\n");
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: steerctl " STEERCTL_IMPORT_USAGE "\n\n"
		"Reads the JSON of `aws route53 list-resource-record-sets`, `list-health-checks`\n"
		"and `list-cidr-blocks` (one file per CIDR collection location listing) and\n"
		"writes DIR/steerd.yaml, DIR/ZONE.zone and DIR/" ST_R53_REPORT ".\n\n"
		"  --zone NAME             the hosted zone's name\n"
		"  --records FILE          list-resource-record-sets output\n"
		"  --health-checks FILE    list-health-checks output\n"
		"  --cidr-blocks FILE      list-cidr-blocks output (repeatable)\n"
		"  --geo-database FILE     geo.database of the config (for geolocation,\n"
		"                          geoproximity and latency records)\n"
		"  --geo-coordinates FILE  geo.coordinates of the config (countries.csv)\n"
		"  --out DIR               the output folder (made when missing)\n"
		"  -V, --version, -h, --help\n\n"
		"exit 0: all converted; 1: written, some not converted (see the report);\n"
		"2: usage, input or output error\n");
}

int steerctl_import(int argc, char **argv)
{
	const char *cidr[MAX_CIDR_FILES];
	st_r53_opts_t o = {.cidr_blocks = cidr};
	const st_cli_opt_t opts[] = {
	    {"zone", 0, .arg = &o.zone},
	    {"records", 0, .arg = &o.records},
	    {"health-checks", 0, .arg = &o.health_checks},
	    {"cidr-blocks", 0, .list = cidr, .n = &o.n_cidr_blocks, .max = MAX_CIDR_FILES},
	    {"geo-database", 0, .arg = &o.geo_database},
	    {"geo-coordinates", 0, .arg = &o.geo_coordinates},
	    {"out", 0, .arg = &o.out},
	    {NULL},
	};
	optind = 1;
	int rc = st_cli_options(argc, argv, "steerctl import-route53", opts, false, usage);
	if (rc >= 0)
		return rc;
	if (st_cli_no_args(argc, argv, "steerctl import-route53", usage) != 0)
		return ST_EXIT_USAGE;
	const char *missing = !o.zone		 ? "--zone"
			      : !o.records	 ? "--records"
			      : !o.health_checks ? "--health-checks"
			      : !o.out		 ? "--out"
						 : NULL;
	if (missing) {
		fprintf(stderr, "steerctl import-route53: %s is required\n", missing);
		usage(stderr);
		return ST_EXIT_USAGE;
	}
	/* Loading the output to check it logs what steerd would at start
	 * (no health table yet): only errors belong here. */
	st_log_init("steerctl", ST_LOG_ERR, false);
	st_buf_t report;
	st_buf_init(&report);
	st_r53_stats_t stats;
	st_diag_t diag;
	st_diag_clear(&diag);
	rc = st_r53_import(&o, &report, &stats, &diag);
	if (report.len)
		fputs(report.data, stderr);
	st_buf_free(&report);
	if (rc < 0) {
		fprintf(stderr, "steerctl import-route53: %s\n",
			diag.text[0] ? diag.text : st_strerror(rc));
		return ST_EXIT_USAGE;
	}
	printf("%s: %zu record sets: %zu static records in the zone file, %zu routed records "
	       "over %zu regions, %zu health checks; %zu not converted, %zu warnings (%s/%s)\n",
	       o.out, stats.sets, stats.static_rrs, stats.records, stats.regions, stats.checks,
	       stats.dropped, stats.warnings, o.out, ST_R53_REPORT);
	return rc == 0 ? 0 : 1;
}
