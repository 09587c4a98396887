/* st_r53_import(): read the three listings, convert, name the regions and
 * endpoints, write steerd.yaml, the zone file and the report, then load
 * the result as `steerd --check` does. */
#include "import/route53.h"
#include "import/internal.h"
#include "common/file.h"
#include "conf/conf.h"
#include "conf/mapkey.h"
#include "server/server.h"
#include "common/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- names of regions and endpoints ----------------------------------------- */

/* Every name given out, so that none is given twice (regions and endpoints
 * share one namespace in steerd.yaml). */
typedef struct names {
	char **all;
	size_t n;
	st_nameset_t set;
} names_t;

static void sanitize(char *s)
{
	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			*p = '-';
}

/* Keep a string with the names (freed with them), not as a name. */
static char *keep(names_t *nm, char *s)
{
	char **all = s ? realloc(nm->all, (nm->n + 1) * sizeof(*all)) : NULL;
	if (!all) {
		free(s);
		return NULL;
	}
	nm->all = all;
	nm->all[nm->n++] = s;
	return s;
}

/* `want`, or want-2, want-3... when taken; at most 63 characters. */
static char *unique(names_t *nm, const char *want)
{
	char base[64], name[64];
	snprintf(base, sizeof(base), "%s", want[0] ? want : "set");
	sanitize(base);
	snprintf(name, sizeof(name), "%s", base);
	for (unsigned k = 2; st_nameset_get(&nm->set, name) != UINT32_MAX; k++) {
		char tail[16];
		int tl = snprintf(tail, sizeof(tail), "-%u", k);
		snprintf(name, sizeof(name), "%.*s%s", (int)(63 - (size_t)tl), base, tail);
	}
	char **all = realloc(nm->all, (nm->n + 1) * sizeof(*all));
	char *copy = strdup(name);
	if (all)
		nm->all = all;
	if (!all || !copy) {
		free(copy);
		return NULL;
	}
	uint32_t dummy;
	if (st_nameset_put(&nm->set, copy, (uint32_t)nm->n, &dummy) < 0) {
		free(copy);
		return NULL;
	}
	nm->all[nm->n++] = copy;
	return copy;
}

static void names_clear(names_t *nm)
{
	st_nameset_clear(&nm->set);
	st_strv_free(nm->all, nm->n);
}

/* A region is named after its SetIdentifier; one that several records use
 * gets the record's name beside it ("us-east-1.www"). */
static int name_regions(r53_conv_t *cv, names_t *nm)
{
	st_nameset_t count = {0};
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < cv->n_recs; i++) {
		r53_rec_t *r = &cv->recs[i];
		if (r->dropped)
			continue;
		for (size_t k = 0; rc >= 0 && k < r->n_sets; k++) {
			uint32_t n;
			if (r->sets[k]->nested)
				continue;
			rc = st_nameset_put(&count, r->sets[k]->set_id, 1, &n);
			if (rc == 1)
				(*st_nameset_find(&count, r->sets[k]->set_id))++;
		}
	}
	size_t zl = strlen(cv->zone);
	for (size_t i = 0; rc >= 0 && i < cv->n_recs; i++) {
		r53_rec_t *r = &cv->recs[i];
		if (r->dropped)
			continue;
		if (!(r->regions = calloc(r->n_sets, sizeof(*r->regions)))) {
			rc = ST_ENOMEM;
			break;
		}
		size_t ol = strlen(r->owner);
		for (size_t k = 0; k < r->n_sets; k++) {
			const char *id = r->sets[k]->set_id;
			char want[160];
			if (r->sets[k]->nested) {
				/* a record over the alias's target */
				size_t tl = strlen(r->sets[k]->alias_target) + 2;
				char *at = malloc(tl);
				if (at)
					snprintf(at, tl, "@%s", r->sets[k]->alias_target);
				if (!(r->regions[k] = keep(nm, at))) {
					rc = ST_ENOMEM;
					break;
				}
				continue;
			}
			if (st_nameset_get(&count, id) > 1 && ol > zl)
				snprintf(want, sizeof(want), "%s.%.*s", id, (int)(ol - zl - 1),
					 r->owner);
			else if (st_nameset_get(&count, id) > 1)
				snprintf(want, sizeof(want), "%s.apex", id);
			else
				snprintf(want, sizeof(want), "%s", id);
			if (!(r->regions[k] = unique(nm, want))) {
				rc = ST_ENOMEM;
				break;
			}
		}
	}
	st_nameset_clear(&count);
	return rc < 0 ? rc : 0;
}

/* ---- steerd.yaml --------------------------------------------------------------- */

static void yaml_str(st_buf_t *y, const char *s)
{
	st_buf_json_str(y, s); /* a JSON string is a YAML double-quoted scalar */
}

static int region_yaml(r53_conv_t *cv, names_t *nm, st_buf_t *y, const r53_rec_t *r, size_t k)
{
	const r53_set_t *s = r->sets[k], *six = r->six ? r->six[k] : NULL;
	st_buf_puts(y, "  ");
	yaml_str(y, r->regions[k]);
	st_buf_printf(y, ": # %s\n", s->label);
	if (r->policy == ST_POLICY_LATENCY || r->policy == ST_POLICY_GEOPROXIMITY)
		st_buf_printf(y, "    location: [%.4f, %.4f]\n", s->gp_lat, s->gp_lon);
	if (r->policy == ST_POLICY_GEOPROXIMITY && s->gp_bias)
		st_buf_printf(y, "    bias: %lld\n", (long long)s->gp_bias);
	st_buf_puts(y, "    select: all\n    endpoints:\n");
	bool cname = !strcmp(r->type, "CNAME");
	size_t n = cname ? 1 : s->n_values;
	if (six && six->n_values > n)
		n = six->n_values;
	r53_check_t *hc = r53_check_use(cv, s->health_check, s->label);
	for (size_t i = 0; i < n; i++) {
		char want[80];
		snprintf(want, sizeof(want), "%s-%zu", r->regions[k], i + 1);
		char *ep = unique(nm, want);
		if (!ep)
			return ST_ENOMEM;
		st_buf_puts(y, "      ");
		yaml_str(y, ep);
		st_buf_puts(y, ": { ");
		bool addr = false;
		if (cname) {
			st_buf_puts(y, "cname: ");
			const char *to = s->alias ? s->alias_target : s->values[0];
			size_t tl = strlen(to);
			char *abs = malloc(tl + 2);
			if (!abs)
				return ST_ENOMEM;
			snprintf(abs, tl + 2, "%s%s", to, tl && to[tl - 1] == '.' ? "" : ".");
			yaml_str(y, abs);
			free(abs);
		} else {
			const r53_set_t *v4 = !strcmp(s->type, "A") ? s : NULL;
			const r53_set_t *v6 = !strcmp(s->type, "AAAA") ? s : six;
			if (v4 && i < v4->n_values) {
				st_buf_puts(y, "address: ");
				yaml_str(y, v4->values[i]);
				addr = true;
			}
			if (v6 && i < v6->n_values) {
				st_buf_puts(y, addr ? ", address6: " : "address6: ");
				yaml_str(y, v6->values[i]);
				addr = true;
			}
		}
		if (hc)
			r53_check_endpoint(cv, y, hc, addr, ep);
		st_buf_puts(y, " }\n");
	}
	return 0;
}

static void record_yaml(r53_conv_t *cv, st_buf_t *y, const r53_rec_t *r)
{
	st_buf_puts(y, "  ");
	yaml_str(y, r->owner);
	st_buf_printf(y, ":\n    type: %s\n    ttl: %u\n    policy: %s\n", r->type, r->ttl,
		      st_policy_name(r->policy));
	if (r->policy == ST_POLICY_WEIGHTED) {
		st_buf_puts(y, "    weights:\n");
		for (size_t k = 0; k < r->n_sets; k++) {
			st_buf_puts(y, "      ");
			yaml_str(y, r->regions[k]);
			st_buf_printf(y, ": %lld\n", (long long)r->sets[k]->weight);
		}
		return;
	}
	if (r->policy == ST_POLICY_GEOLOCATION || r->policy == ST_POLICY_CIDR) {
		st_buf_puts(y, "    map:\n");
		for (size_t k = 0; k < r->n_sets; k++) {
			const r53_set_t *s = r->sets[k];
			char key[80];
			if (r->policy == ST_POLICY_GEOLOCATION || !strcmp(s->cidr_location, "*")) {
				if (r->policy == ST_POLICY_GEOLOCATION)
					r53_geo_key(s, key, sizeof(key));
				else
					snprintf(key, sizeof(key), "default");
				st_buf_puts(y, "      ");
				yaml_str(y, key);
				st_buf_puts(y, ": ");
				yaml_str(y, r->regions[k]);
				st_buf_puts(y, "\n");
				continue;
			}
			for (size_t b = 0; b < cv->in->n_blocks; b++) {
				const r53_block_t *bl = &cv->in->blocks[b];
				if (strcmp(bl->location, s->cidr_location) != 0)
					continue;
				st_buf_puts(y, "      ");
				yaml_str(y, bl->cidr);
				st_buf_puts(y, ": ");
				yaml_str(y, r->regions[k]);
				st_buf_puts(y, "\n");
			}
		}
		return;
	}
	st_buf_puts(y, "    regions: [");
	for (size_t k = 0; k < r->n_sets; k++) {
		st_buf_puts(y, k ? ", " : "");
		yaml_str(y, r->regions[k]);
	}
	st_buf_puts(y, "]\n");
}

/* CIDR blocks: canonical text, each once (the first location that lists
 * it keeps it); a block that is not a network is left out. */
static int check_blocks(r53_conv_t *cv)
{
	r53_input_t *in = cv->in;
	st_nameset_t seen = {0};
	size_t kept = 0, i;
	int rc = 0;
	for (i = 0; i < in->n_blocks; i++) {
		r53_block_t *b = &in->blocks[i];
		st_map_key_t mk;
		char why[256];
		uint32_t at;
		bool net = strchr(b->cidr, '/') &&
			   st_map_key_parse(b->cidr, &mk, why, sizeof(why)) == 0 &&
			   mk.kind == ST_MAP_NETWORK;
		char *canon = net ? strdup(mk.text) : NULL;
		if (net && !canon) {
			rc = ST_ENOMEM;
			break;
		}
		if (net) {
			free(b->cidr);
			b->cidr = canon;
			if ((rc = st_nameset_put(&seen, b->cidr, (uint32_t)kept, &at)) < 0)
				break;
		}
		if (!net)
			r53_warn(cv, "CIDR block %s (location %s) is left out: %s", b->cidr,
				 b->location, strchr(b->cidr, '/') ? why : "not ADDRESS/LENGTH");
		else if (rc == 1)
			r53_warn(cv, "CIDR block %s is listed for location %s and %s: %s keeps it",
				 b->cidr, in->blocks[at].location, b->location,
				 in->blocks[at].location);
		if (!net || rc == 1) {
			free(b->cidr);
			free(b->location);
			continue;
		}
		in->blocks[kept++] = *b;
	}
	for (; i < in->n_blocks; i++) /* after an error: kept for r53_input_clear */
		in->blocks[kept++] = in->blocks[i];
	in->n_blocks = kept;
	st_nameset_clear(&seen);
	return rc < 0 ? rc : 0;
}

static int write_yaml(r53_conv_t *cv, const st_r53_opts_t *o, st_buf_t *y, const char *zonefile,
		      st_r53_stats_t *stats)
{
	names_t nm = {0};
	int rc = name_regions(cv, &nm);
	st_buf_t regions, checks;
	st_buf_init(&regions);
	st_buf_init(&checks);
	for (size_t i = 0; rc == 0 && i < cv->n_recs; i++) {
		const r53_rec_t *r = &cv->recs[i];
		for (size_t k = 0; rc == 0 && !r->dropped && k < r->n_sets; k++) {
			if (r->sets[k]->nested)
				continue;
			rc = region_yaml(cv, &nm, &regions, r, k);
			stats->regions++;
		}
	}
	for (size_t i = 0; i < cv->in->n_checks; i++)
		if (cv->in->checks[i].used) {
			r53_check_yaml(&checks, &cv->in->checks[i]);
			stats->checks++;
		}
	st_buf_printf(y,
		      "# steerd.yaml imported from Route 53 by steerctl import-route53 (zone %s).\n"
		      "# Serve it:  steerd -c steerd.yaml --listen ADDR:PORT\n"
		      "# Probe it:  steercheck -c steerd.yaml\n"
		      "# What was not converted, and why: " ST_R53_REPORT ".\n\n"
		      "server:\n"
		      "  listen: [\"127.0.0.1:53\", \"[::1]:53\"]   # or --listen ADDR:PORT\n"
		      "  control: steerd.sock\n"
		      "  state_dir: state\n\n"
		      "zones:\n  ",
		      cv->zone);
	yaml_str(y, cv->zone);
	st_buf_puts(y, ": ");
	yaml_str(y, zonefile);
	st_buf_puts(y, "\n\n");
	if (o->geo_database || o->geo_coordinates) {
		st_buf_puts(y, "geo:\n");
		if (o->geo_database) {
			st_buf_puts(y, "  database: ");
			yaml_str(y, o->geo_database);
			st_buf_puts(y, "\n");
		}
		if (o->geo_coordinates) {
			st_buf_puts(y, "  coordinates: ");
			yaml_str(y, o->geo_coordinates);
			st_buf_puts(y, "\n");
		}
		st_buf_puts(y, "\n");
	} else if (cv->geo_needed) {
		st_buf_puts(y, "# Geolocation, geoproximity and latency need a geo database:\n"
			       "# geo:\n#   database: /path/to/country.mmdb\n"
			       "#   coordinates: /path/to/countries.csv\n\n");
		r53_warn(cv, "geolocation, geoproximity or latency records, and no --geo-database: "
			     "until geo.database is set, every client counts as unknown");
	}
	st_buf_puts(y, "health:\n  table: health.shm\n\n");
	if (checks.len)
		st_buf_printf(y, "checks:\n%s\n", checks.data);
	if (regions.len)
		st_buf_printf(y, "regions:\n%s\n", regions.data);
	bool any = false;
	for (size_t i = 0; i < cv->n_recs; i++) {
		if (cv->recs[i].dropped)
			continue;
		if (!any)
			st_buf_puts(y, "records:\n");
		any = true;
		record_yaml(cv, y, &cv->recs[i]);
		stats->records++;
	}
	st_buf_free(&regions);
	st_buf_free(&checks);
	names_clear(&nm);
	if (rc == 0 && (y->oom || regions.oom || checks.oom))
		rc = ST_ENOMEM;
	return rc;
}

/* ---- zone file and report ------------------------------------------------------ */

static void write_zone(r53_conv_t *cv, st_buf_t *z, st_r53_stats_t *stats)
{
	st_buf_printf(z,
		      "; %s imported from Route 53 by steerctl import-route53: the records\n"
		      "; without routing. Routed records are in steerd.yaml.\n",
		      cv->zone);
	bool soa = false, ns = false;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < cv->n_rrs; i++) {
			const r53_rr_t *r = &cv->rrs[i];
			bool is_soa = !strcmp(r->type, "SOA") && !strcmp(r->owner, cv->zone);
			if (r->dropped || is_soa != (pass == 0))
				continue;
			soa |= is_soa;
			ns |= !strcmp(r->type, "NS") && !strcmp(r->owner, cv->zone);
			st_buf_printf(z, "%s\n", r->text);
			stats->static_rrs++;
		}
	if (!soa) {
		r53_warn(cv, "no SOA record at %s: one is made up (serial 1); edit it", cv->zone);
		st_buf_printf(z, "%s 900 IN SOA ns1.%s hostmaster.%s 1 7200 900 1209600 86400\n",
			      cv->zone, cv->zone, cv->zone);
	}
	if (!ns) {
		r53_warn(cv,
			 "no NS records at %s: ns1.%s is made up; put the zone's name servers "
			 "in its place",
			 cv->zone, cv->zone);
		st_buf_printf(z, "%s 900 IN NS ns1.%s\n", cv->zone, cv->zone);
	} else {
		r53_warn(cv,
			 "the NS records at %s are Route 53's name servers: put yours in "
			 "their place before you delegate to steerd",
			 cv->zone);
	}
}

typedef struct text {
	const char *data;
	size_t len;
} text_t;

static int fill(FILE *f, void *arg, st_diag_t *diag)
{
	const text_t *t = arg;
	if (t->len && fwrite(t->data, 1, t->len, f) != t->len)
		return st_diag_set(diag, ST_EIO, "write failed");
	return 0;
}

static int put_file(const char *dir, const char *name, const st_buf_t *b, st_diag_t *diag)
{
	char *path = st_path_join(dir, name);
	if (!path)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	text_t t = {b->data ? b->data : "", b->len};
	int rc = st_file_replace(path, 0644, fill, &t, diag);
	free(path);
	return rc;
}

/* Load what was written as `steerd --check` does. */
static int self_check(const char *dir, st_diag_t *diag)
{
	char *path = st_path_join(dir, "steerd.yaml");
	if (!path)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	st_conf_t *conf = NULL;
	st_diag_t why;
	st_diag_clear(&why);
	int rc = st_conf_load(path, &conf, &why);
	st_server_t *srv = NULL;
	if (rc == 0)
		rc = st_server_new(conf, &srv, &why); /* takes conf, even on error */
	st_server_free(srv);
	if (rc != 0)
		st_diag_set(diag, rc, "the output does not pass steerd --check: %s",
			    why.text[0] ? why.text : st_strerror(rc));
	free(path);
	return rc;
}

int st_r53_import(const st_r53_opts_t *o, st_buf_t *report, st_r53_stats_t *stats, st_diag_t *diag)
{
	memset(stats, 0, sizeof(*stats));
	size_t zl = strlen(o->zone);
	char *zone = malloc(zl + 2);
	if (!zone)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	snprintf(zone, zl + 2, "%s%s", o->zone, zl && o->zone[zl - 1] == '.' ? "" : ".");
	for (char *p = zone; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	r53_input_t in = {0};
	r53_conv_t cv = {.zone = zone, .in = &in, .report = report};
	int rc = r53_read_records(&in, o->records, zone, report, diag);
	for (const char *p = report->data; p && (p = strstr(p, "not converted: ")); p++)
		cv.n_dropped++;
	for (const char *p = report->data; p && (p = strstr(p, "warning: ")); p++)
		cv.n_warnings++;
	if (rc == 0 && o->health_checks)
		rc = r53_read_checks(&in, o->health_checks, diag);
	for (size_t i = 0; rc == 0 && i < o->n_cidr_blocks; i++)
		rc = r53_read_blocks(&in, o->cidr_blocks[i], diag);
	if (rc == 0)
		rc = check_blocks(&cv);
	for (size_t i = 0; rc == 0 && i < in.n_checks; i++) {
		uint32_t dummy;
		int put = st_nameset_put(&cv.check_ids, in.checks[i].id, (uint32_t)i, &dummy);
		if (put < 0)
			rc = put;
	}
	if (rc == 0)
		rc = r53_convert(&cv);
	st_buf_t yaml, zf;
	st_buf_init(&yaml);
	st_buf_init(&zf);
	char *zonefile = malloc(zl + 8);
	if (!zonefile && rc == 0)
		rc = ST_ENOMEM;
	if (zonefile)
		snprintf(zonefile, zl + 8, "%.*szone", (int)strlen(zone), zone);
	if (rc == 0)
		write_zone(&cv, &zf, stats);
	if (rc == 0)
		rc = write_yaml(&cv, o, &yaml, zonefile, stats);
	if (rc == ST_ENOMEM)
		st_diag_set(diag, rc, "out of memory");
	if (rc == 0 && mkdir(o->out, 0755) != 0 && errno != EEXIST)
		rc = st_diag_set(diag, -errno, "%s: %s", o->out, strerror(errno));
	if (rc == 0) {
		char *state = st_path_join(o->out, "state");
		if (state && mkdir(state, 0750) != 0 && errno != EEXIST)
			rc = st_diag_set(diag, -errno, "%s: %s", state, strerror(errno));
		free(state);
	}
	if (rc == 0)
		rc = put_file(o->out, zonefile, &zf, diag);
	if (rc == 0)
		rc = put_file(o->out, "steerd.yaml", &yaml, diag);
	stats->sets = in.n_sets;
	stats->dropped = cv.n_dropped;
	stats->warnings = cv.n_warnings;
	if (rc == 0)
		rc = put_file(o->out, ST_R53_REPORT, report, diag);
	if (rc == 0)
		rc = self_check(o->out, diag);
	for (size_t i = 0; i < cv.n_recs; i++) {
		r53_rec_t *r = &cv.recs[i];
		free(r->sets);
		free(r->six);
		free(r->regions); /* the names belong to the names_t */
	}
	free(cv.recs);
	for (size_t i = 0; i < cv.n_rrs; i++)
		free(cv.rrs[i].text);
	free(cv.rrs);
	st_nameset_clear(&cv.check_ids);
	r53_input_clear(&in);
	st_buf_free(&yaml);
	st_buf_free(&zf);
	free(zonefile);
	free(zone);
	if (rc != 0)
		return rc;
	return cv.n_dropped ? 1 : 0;
}
