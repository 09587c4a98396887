/* Distances and latency: great-circle distance, the RTT estimate, the
 * geoproximity bias and the measured RTT table of the latency policy. */
#ifndef ST_ROUTE_LATENCY_H
#define ST_ROUTE_LATENCY_H

#include "common/errors.h"
#include "conf/conf.h"
#include "route/geo.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_EARTH_RADIUS_KM 6371.0088

double st_geo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* Unit vector of a point (radians): distances then cost a dot product and
 * one acos, with the region's vector computed once at load. */
void st_geo_vec(double lat, double lon, double v[3]);
double st_geo_vec_km(const double a[3], const double b[3]);
/* RTT_ms = 1.5 * (km / 99.9) + 3 */
double st_latency_estimate_ms(double km);
/* Route 53 geoproximity bias applied to a distance. */
double st_bias_distance(double km, int32_t bias);

typedef struct st_latency_row {
	uint16_t code; /* ST_CODE2 of the country or continent */
	bool continent;
	float *ms; /* per region, < 0 when not measured */
} st_latency_row_t;

typedef struct st_latency {
	st_latency_row_t *rows;
	size_t n_rows;
	int16_t by_country[26 * 26]; /* row index or -1 */
	size_t n_regions;
} st_latency_t;

int st_latency_load(st_latency_t *lt, const char *path, const st_conf_t *conf, st_diag_t *diag);
void st_latency_free(st_latency_t *lt);
/* The measured row for a location (country first, then continent), or NULL. */
const st_latency_row_t *st_latency_row(const st_latency_t *lt, const st_geo_loc_t *loc);

#endif
