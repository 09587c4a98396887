/* The latency model: great-circle distance, the RTT estimate of DESIGN.md,
 * geoproximity bias, and the table of measured RTTs that overrides the
 * estimate per client country or continent (geo.latency, a small YAML file:
 *   "country:DE": { eu-central-1: 12, us-east-1: 95 }
 *   "continent:EU": { eu-central-1: 25 }
 * values in milliseconds, keys of the inner maps are region names). */
#include "route/latency.h"
#include "common/file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

double st_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	/* haversine: well conditioned for the short distances that matter most */
	double dlat = sin((lat2 - lat1) / 2), dlon = sin((lon2 - lon1) / 2);
	double a = dlat * dlat + cos(lat1) * cos(lat2) * dlon * dlon;
	if (a > 1)
		a = 1;
	return 2 * ST_EARTH_RADIUS_KM * asin(sqrt(a));
}

void st_geo_vec(double lat, double lon, double v[3])
{
	double cl = cos(lat);
	v[0] = cl * cos(lon);
	v[1] = cl * sin(lon);
	v[2] = sin(lat);
}

double st_geo_vec_km(const double a[3], const double b[3])
{
	double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	if (dot > 1)
		dot = 1;
	else if (dot < -1)
		dot = -1;
	return ST_EARTH_RADIUS_KM * acos(dot);
}

double st_latency_estimate_ms(double km)
{
	/* fibre at 2/3 c (99.9 km per ms round trip), path stretch 1.5, 3 ms of equipment */
	return 1.5 * (km / 99.9) + 3.0;
}

double st_bias_distance(double km, int32_t bias)
{
	/* Route 53: a positive bias shrinks the distance (draws traffic in),
	 * a negative one stretches it. */
	if (bias > 0)
		return km * (1.0 - bias / 100.0);
	if (bias < 0)
		return km / (1.0 + bias / 100.0);
	return km;
}

void st_latency_free(st_latency_t *lt)
{
	for (size_t i = 0; i < lt->n_rows; i++)
		free(lt->rows[i].ms);
	free(lt->rows);
	memset(lt, 0, sizeof(*lt));
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int load_doc(st_latency_t *lt, yaml_document_t *doc, const char *path, const st_conf_t *conf,
		    st_diag_t *diag)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root)
		return 0; /* empty file: no overrides */
	if (root->type != YAML_MAPPING_NODE)
		return st_diag_set(
		    diag, ST_ECONF,
		    "%s:%zu: expected a mapping of \"country:XX\" or \"continent:XX\" "
		    "to { region: ms }",
		    path, root->start_mark.line + 1);
	size_t n = (size_t)(root->data.mapping.pairs.top - root->data.mapping.pairs.start);
	lt->rows = calloc(n ? n : 1, sizeof(*lt->rows));
	if (!lt->rows)
		return ST_ENOMEM;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		const char *key = scalar(k);
		size_t line = k->start_mark.line + 1;
		st_latency_row_t row = {0};
		st_map_key_t mk;
		char why[256];
		if (!key ||
		    (strncmp(key, "country:", 8) != 0 && strncmp(key, "continent:", 10) != 0))
			return st_diag_set(
			    diag, ST_ECONF,
			    "%s:%zu: key '%s' is not \"country:XX\" or \"continent:XX\"", path,
			    line, key ? key : "(not a scalar)");
		if (st_map_key_parse(key, &mk, why, sizeof(why)) != 0)
			return st_diag_set(diag, ST_ECONF, "%s:%zu: key '%s': %s", path, line, key,
					   why);
		row.code = mk.code;
		row.continent = mk.kind == ST_MAP_CONTINENT;
		for (size_t i = 0; i < lt->n_rows; i++)
			if (lt->rows[i].code == row.code && lt->rows[i].continent == row.continent)
				return st_diag_set(diag, ST_ECONF, "%s:%zu: '%s' is given twice",
						   path, line, key);
		if (!v || v->type != YAML_MAPPING_NODE)
			return st_diag_set(
			    diag, ST_ECONF,
			    "%s:%zu: '%s' needs a mapping of region names to RTTs in ms", path,
			    line, key);
		row.ms = malloc((conf->n_regions ? conf->n_regions : 1) * sizeof(float));
		if (!row.ms)
			return ST_ENOMEM;
		for (size_t i = 0; i < conf->n_regions; i++)
			row.ms[i] = -1;
		lt->rows[lt->n_rows++] = row;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *rk = yaml_document_get_node(doc, q->key);
			const char *rname = scalar(rk);
			const char *val = scalar(yaml_document_get_node(doc, q->value));
			size_t rline = rk->start_mark.line + 1;
			uint32_t ri = rname ? st_conf_region_index(conf, rname) : ST_CONF_NONE;
			if (ri == ST_CONF_NONE)
				return st_diag_set(diag, ST_ECONF,
						   "%s:%zu: '%s' is not a region of the config",
						   path, rline, rname ? rname : "(not a scalar)");
			char *end;
			double ms = val ? strtod(val, &end) : -1;
			if (!val || *end != '\0' || !(ms >= 0 && ms <= 60000))
				return st_diag_set(
				    diag, ST_ECONF,
				    "%s:%zu: RTT for %s must be a number of ms (0-60000)", path,
				    rline, rname);
			row.ms[ri] = (float)ms;
		}
		if (!row.continent) {
			int ci = st_code_index(row.code);
			lt->by_country[ci] = (int16_t)(lt->n_rows - 1);
		}
	}
	return 0;
}

int st_latency_load(st_latency_t *lt, const char *path, const st_conf_t *conf, st_diag_t *diag)
{
	memset(lt, 0, sizeof(*lt));
	for (size_t i = 0; i < 26 * 26; i++)
		lt->by_country[i] = -1;
	lt->n_regions = conf->n_regions;
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	if (orc < 0)
		return st_diag_set(diag, ST_ECONF, "%s: cannot open the latency table (%s)", path,
				   st_strerror(orc));
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = 0;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return ST_ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = st_diag_set(diag, ST_EPARSE, "%s:%zu:%zu: %s", path,
				 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
				 parser.problem ? parser.problem : "YAML syntax error");
	} else {
		rc = load_doc(lt, &doc, path, conf, diag);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc)
		st_latency_free(lt);
	return rc;
}

const st_latency_row_t *st_latency_row(const st_latency_t *lt, const st_geo_loc_t *loc)
{
	if (loc->country) {
		int ci = st_code_index(loc->country);
		if (ci >= 0 && lt->by_country[ci] >= 0)
			return &lt->rows[lt->by_country[ci]];
	}
	if (loc->continent)
		for (size_t i = 0; i < lt->n_rows; i++)
			if (lt->rows[i].continent && lt->rows[i].code == loc->continent)
				return &lt->rows[i];
	return NULL;
}
