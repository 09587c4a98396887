/* Inside the Route 53 import: the record sets, health checks and CIDR blocks
 * read from the AWS CLI's JSON, and the conversion's working state. */
#ifndef ST_IMPORT_INTERNAL_H
#define ST_IMPORT_INTERNAL_H

#include "common/buf.h"
#include "common/errors.h"
#include "conf/conf.h"
#include "conf/nameset.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One element of ResourceRecordSets. */
typedef struct r53_set {
	char *name;  /* presentation form, lower case, absolute (RFC 1035 escapes) */
	char *type;  /* upper case: "A" */
	char *label; /* "www.example.com. A [us-east-1]" for messages */
	bool has_ttl;
	uint32_t ttl;
	char **values; /* ResourceRecords[].Value */
	size_t n_values;
	char *set_id; /* SetIdentifier, or NULL */
	st_policy_t policy;
	int64_t weight;
	char *region;	       /* latency: Region */
	bool secondary;	       /* failover: SECONDARY */
	char *geo_continent;   /* GeoLocation */
	char *geo_country;     /* "*" is the default location */
	char *geo_subdivision; /* without the country: "WA" */
	char *gp_region;       /* GeoProximityLocation.AWSRegion */
	char *gp_zone_group;   /* GeoProximityLocation.LocalZoneGroup */
	bool gp_has_coords;
	double gp_lat, gp_lon;
	int64_t gp_bias;
	char *cidr_collection, *cidr_location; /* CidrRoutingConfig */
	char *health_check;		       /* HealthCheckId */
	bool alias;
	char *alias_target; /* AliasTarget.DNSName, presentation form */
	bool alias_evaluate;
	bool nested;  /* the alias is "@alias_target": a routed record of the zone */
	bool dropped; /* reported as not converted */
} r53_set_t;

/* One element of HealthChecks. */
typedef struct r53_check {
	char *id;
	char *type; /* HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH, TCP, CALCULATED, ... */
	char *ip, *fqdn, *path, *search;
	int64_t port, interval, threshold;
	bool inverted, disabled;
	char **children; /* CALCULATED: ChildHealthChecks (ids) */
	size_t n_children;
	int64_t health_threshold; /* CALCULATED: children that must be healthy */
	bool child;		  /* a CALCULATED check's child: written with its target */
	/* Conversion: -1 not tried, 0 converted, 1 not convertible (reported). */
	int state;
	char *name; /* in checks: */
	bool used; /* written under checks: (a CALCULATED check never is: its children are) */
} r53_check_t;

typedef struct r53_block {
	char *cidr, *location;
} r53_block_t;

typedef struct r53_input {
	r53_set_t *sets;
	size_t n_sets;
	r53_check_t *checks;
	size_t n_checks;
	r53_block_t *blocks;
	size_t n_blocks;
} r53_input_t;

/* JSON files -> input (r53_json.c). Errors name the file and, for JSON
 * syntax, the line and column. */
int r53_read_records(r53_input_t *in, const char *path, const char *zone, st_buf_t *report,
		     st_diag_t *diag);
int r53_read_checks(r53_input_t *in, const char *path, st_diag_t *diag);
int r53_read_blocks(r53_input_t *in, const char *path, st_diag_t *diag);
void r53_input_clear(r53_input_t *in);

/* A routed record of the output: the sets it picks from; for a merged
 * A and AAAA pair, six[i] is the AAAA set beside sets[i]. */
typedef struct r53_rec {
	const char *owner;
	const char *type; /* "A", "AAAA", "CNAME" or "[A, AAAA]" */
	st_policy_t policy;
	uint32_t ttl;
	r53_set_t **sets, **six;
	size_t n_sets;
	char **regions; /* region name per set, given at output */
	bool dropped;
} r53_rec_t;

/* A static RR of the zone file. */
typedef struct r53_rr {
	const char *owner, *type;
	char *text; /* the whole line */
	r53_set_t *set;
	bool dropped;
} r53_rr_t;

typedef struct r53_conv {
	const char *zone; /* absolute, lower case */
	r53_input_t *in;
	r53_rec_t *recs;
	size_t n_recs;
	r53_rr_t *rrs;
	size_t n_rrs;
	st_nameset_t check_ids; /* health check id -> index */
	st_buf_t *report;	/* "not converted: ..." and "warning: ..." lines */
	size_t n_dropped, n_warnings;
	bool geo_needed; /* geolocation, latency or geoproximity records */
} r53_conv_t;

/* Report lines (also the count of each kind). */
void r53_drop(r53_conv_t *cv, r53_set_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void r53_warn(r53_conv_t *cv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sort the sets into static RRs and routed records (r53_conv.c). */
int r53_convert(r53_conv_t *cv);
/* The health check `id` as a check of the output, or NULL when there is
 * none or it cannot be converted (said once in the report). */
r53_check_t *r53_check_use(r53_conv_t *cv, const char *id, const char *user);

/* The map key of a geolocation set: "continent:EU", "country:US",
 * "subdivision:US-WA" or "default". */
void r53_geo_key(const r53_set_t *s, char *buf, size_t len);

/* A converted check under checks: (YAML lines). */
void r53_check_yaml(st_buf_t *y, const r53_check_t *h);
/* ", check: NAME, check_target: ..." of an endpoint (flow style); false
 * (with a warning) when the check cannot probe it. */
bool r53_check_endpoint(r53_conv_t *cv, st_buf_t *y, const r53_check_t *h, bool has_address,
			const char *endpoint);

/* Latitude and longitude of an AWS region's metro area; false when unknown. */
bool r53_aws_region_location(const char *region, double *lat, double *lon);

#endif
