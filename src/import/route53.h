/* Import from Amazon Route 53: the JSON of `aws route53
 * list-resource-record-sets`, `list-health-checks` and `list-cidr-blocks`
 * -> a steerd.yaml and the zone's static records in an RFC 1035 file, which
 * steerd serves as they are (`steerctl import-route53`). */
#ifndef ST_IMPORT_ROUTE53_H
#define ST_IMPORT_ROUTE53_H

#include "common/buf.h"
#include "common/errors.h"

#include <stddef.h>

typedef struct st_r53_opts {
	const char *zone;		/* "example.com" or "example.com." */
	const char *records;		/* list-resource-record-sets output */
	const char *health_checks;	/* list-health-checks output, or NULL */
	const char *const *cidr_blocks; /* list-cidr-blocks outputs */
	size_t n_cidr_blocks;
	const char *geo_database;    /* geo.database to write, or NULL */
	const char *geo_coordinates; /* geo.coordinates to write, or NULL */
	const char *out;	     /* folder: steerd.yaml, ZONE.zone, import-report.txt */
} st_r53_opts_t;

typedef struct st_r53_stats {
	size_t sets;	   /* record sets read */
	size_t static_rrs; /* RRs in the zone file */
	size_t records;	   /* routed records in steerd.yaml */
	size_t regions, checks;
	size_t dropped; /* record sets and health checks not converted */
	size_t warnings;
} st_r53_stats_t;

/* The report file in the output folder. */
#define ST_R53_REPORT "import-report.txt"

/* Read, convert, write the folder (made when missing) and check the result
 * as `steerd --check` does. Returns 0 when everything was converted, 1
 * when the output is written but something was not converted (the report
 * says what and why), or a negative code with diag set (input unreadable
 * or not such JSON, output not writable) when nothing usable is written.
 * `report` receives the report's lines ("not converted: ...",
 * "warning: ..."). */
int st_r53_import(const st_r53_opts_t *o, st_buf_t *report, st_r53_stats_t *stats, st_diag_t *diag);

#endif
