/* The JSON the AWS CLI prints for `aws route53 list-resource-record-sets`,
 * `list-health-checks` and `list-cidr-blocks` (the API reference's
 * ListResourceRecordSets, ListHealthChecks and ListCidrBlocks responses),
 * read into the import's input. A record set with a field of the wrong
 * shape is reported and left out; a file that is not such a response is an
 * error. */
#include "import/internal.h"
#include "common/file.h"
#include "common/strv.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *load_file(const char *path, const char *array, const char *command, json_t **list,
			 st_diag_t *diag)
{
	FILE *f;
	int rc = st_file_fopen(path, &f);
	if (rc != 0) {
		st_diag_set(diag, rc, "%s: %s", path, st_strerror(rc));
		return NULL;
	}
	json_error_t err;
	json_t *root = json_loadf(f, 0, &err);
	fclose(f);
	if (!root) {
		st_diag_set(diag, ST_EPARSE, "%s:%d:%d: %s", path, err.line, err.column, err.text);
		return NULL;
	}
	*list = json_object_get(root, array);
	if (!json_is_array(*list)) {
		st_diag_set(diag, ST_EPARSE,
			    "%s: no \"%s\" array (expected the output of `aws route53 %s`)", path,
			    array, command);
		json_decref(root);
		return NULL;
	}
	return root;
}

/* A string member, copied; NULL when absent. *bad names a member present
 * with another type. */
static char *str(json_t *o, const char *key, const char **bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*bad = key;
		return NULL;
	}
	return strdup(json_string_value(v));
}

static int64_t num(json_t *o, const char *key, int64_t def, const char **bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return def;
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v)) { /* some tools print numbers as strings */
		char *end;
		long long n = strtoll(json_string_value(v), &end, 10);
		if (*end == '\0' && end != json_string_value(v))
			return n;
	}
	*bad = key;
	return def;
}

/* An array of strings (absent: none). */
static char **strs(json_t *o, const char *key, size_t *n, const char **bad)
{
	json_t *v = json_object_get(o, key);
	*n = 0;
	if (!v)
		return NULL;
	if (!json_is_array(v)) {
		*bad = key;
		return NULL;
	}
	char **out = calloc(json_array_size(v) + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		if (!json_is_string(e) || !(out[i] = strdup(json_string_value(e)))) {
			*bad = key;
			break;
		}
		*n = i + 1;
	}
	return out;
}

static bool flag(json_t *o, const char *key, const char **bad)
{
	json_t *v = json_object_get(o, key);
	if (v && !json_is_boolean(v))
		*bad = key;
	return json_is_true(v);
}

/* Route 53's name text (octal escapes such as \052 for '*') in RFC 1035
 * presentation form: lower case, absolute, \DDD (decimal) for the rest. */
static char *name_text(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * n + 2), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' && i + 3 < n + 1 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			c = (unsigned char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
					    (s[i + 3] - '0'));
			i += 3;
			if (c == '.') {
				o += sprintf(o, "\\046");
				continue;
			}
		} else if (c == '\\' && i + 1 < n) {
			c = (unsigned char)s[++i];
			if (c == '.') {
				o += sprintf(o, "\\046");
				continue;
			}
		} else if (c == '.') {
			*o++ = '.';
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '*')
			*o++ = (char)c;
		else if (c >= 'A' && c <= 'Z')
			*o++ = (char)(c + 32);
		else
			o += sprintf(o, "\\%03u", c);
	}
	if (o == out || o[-1] != '.')
		*o++ = '.';
	*o = '\0';
	return out;
}

static void set_clear(r53_set_t *s)
{
	free(s->name);
	free(s->type);
	free(s->label);
	st_strv_free(s->values, s->n_values);
	free(s->set_id);
	free(s->region);
	free(s->geo_continent);
	free(s->geo_country);
	free(s->geo_subdivision);
	free(s->gp_region);
	free(s->gp_zone_group);
	free(s->cidr_collection);
	free(s->cidr_location);
	free(s->health_check);
	free(s->alias_target);
}

static bool coordinate(json_t *o, const char *key, double lo, double hi, double *out)
{
	json_t *v = json_object_get(o, key);
	char *end;
	if (json_is_number(v))
		*out = json_number_value(v);
	else if (json_is_string(v))
		*out = strtod(json_string_value(v), &end);
	else
		return false;
	if (json_is_string(v) && (*end || end == json_string_value(v)))
		return false;
	return *out >= lo && *out <= hi;
}

/* The routing fields; the policy is the one whose field is given. */
static const char *routing(json_t *o, r53_set_t *s, const char **bad)
{
	json_t *v;
	int given = 0;
	if (json_object_get(o, "Weight")) {
		s->policy = ST_POLICY_WEIGHTED, given++;
		s->weight = num(o, "Weight", 0, bad);
		if (s->weight < 0 || s->weight > 255)
			return "Weight is not 0-255";
	}
	if ((s->region = str(o, "Region", bad)))
		s->policy = ST_POLICY_LATENCY, given++;
	char *fo = str(o, "Failover", bad);
	if (fo) {
		s->policy = ST_POLICY_FAILOVER, given++;
		s->secondary = strcmp(fo, "SECONDARY") == 0;
		bool ok = s->secondary || strcmp(fo, "PRIMARY") == 0;
		free(fo);
		if (!ok)
			return "Failover is neither PRIMARY nor SECONDARY";
	}
	if ((v = json_object_get(o, "GeoLocation"))) {
		s->policy = ST_POLICY_GEOLOCATION, given++;
		s->geo_continent = str(v, "ContinentCode", bad);
		s->geo_country = str(v, "CountryCode", bad);
		s->geo_subdivision = str(v, "SubdivisionCode", bad);
		if (!s->geo_continent && !s->geo_country)
			return "GeoLocation has neither ContinentCode nor CountryCode";
	}
	if ((v = json_object_get(o, "GeoProximityLocation"))) {
		s->policy = ST_POLICY_GEOPROXIMITY, given++;
		s->gp_region = str(v, "AWSRegion", bad);
		s->gp_zone_group = str(v, "LocalZoneGroup", bad);
		s->gp_bias = num(v, "Bias", 0, bad);
		json_t *c = json_object_get(v, "Coordinates");
		if (c) {
			s->gp_has_coords = true;
			if (!coordinate(c, "Latitude", -90, 90, &s->gp_lat) ||
			    !coordinate(c, "Longitude", -180, 180, &s->gp_lon))
				return "GeoProximityLocation.Coordinates are not a latitude "
				       "(-90..90) and a longitude (-180..180)";
		}
		if (s->gp_bias < -99 || s->gp_bias > 99)
			return "GeoProximityLocation.Bias is not -99..99";
		if (!c && !s->gp_region && !s->gp_zone_group)
			return "GeoProximityLocation has no AWSRegion, LocalZoneGroup or "
			       "Coordinates";
	}
	if ((v = json_object_get(o, "CidrRoutingConfig"))) {
		s->policy = ST_POLICY_CIDR, given++;
		s->cidr_collection = str(v, "CollectionId", bad);
		s->cidr_location = str(v, "LocationName", bad);
		if (!s->cidr_location)
			return "CidrRoutingConfig has no LocationName";
	}
	if (flag(o, "MultiValueAnswer", bad))
		s->policy = ST_POLICY_MULTIVALUE, given++;
	if (given > 1)
		return "more than one routing policy is given";
	if (given == 1 && !s->set_id)
		return "a routing policy without a SetIdentifier";
	if (given == 0 && s->set_id)
		return "a SetIdentifier without a routing policy";
	return NULL;
}

/* One record set; returns the reason it cannot be read, or NULL. */
static const char *read_set(json_t *o, r53_set_t *s, const char **bad)
{
	if (!json_is_object(o))
		return "not a JSON object";
	char *name = str(o, "Name", bad);
	s->type = str(o, "Type", bad);
	if (!name || !s->type) {
		free(name);
		return "no Name or Type";
	}
	s->name = name_text(name);
	free(name);
	if (!s->name)
		return "out of memory";
	for (char *p = s->type; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	s->set_id = str(o, "SetIdentifier", bad);
	json_t *ttl = json_object_get(o, "TTL");
	if (ttl) {
		int64_t t = num(o, "TTL", 0, bad);
		if (t < 0 || t > 2147483647)
			return "TTL is not 0-2147483647";
		s->has_ttl = true;
		s->ttl = (uint32_t)t;
	}
	json_t *rrs = json_object_get(o, "ResourceRecords");
	if (rrs && !json_is_array(rrs))
		return "ResourceRecords is not an array";
	size_t n = json_array_size(rrs);
	if (n && !(s->values = calloc(n, sizeof(*s->values))))
		return "out of memory";
	for (size_t i = 0; i < n; i++) {
		char *val = str(json_array_get(rrs, i), "Value", bad);
		if (!val)
			return "a ResourceRecords element has no Value";
		s->values[s->n_values++] = val;
	}
	json_t *alias = json_object_get(o, "AliasTarget");
	if (alias) {
		char *target = str(alias, "DNSName", bad);
		if (!target)
			return "AliasTarget has no DNSName";
		s->alias = true;
		s->alias_target = name_text(target);
		free(target);
		s->alias_evaluate = flag(alias, "EvaluateTargetHealth", bad);
		if (n)
			return "both AliasTarget and ResourceRecords";
	} else if (n == 0) {
		return "no ResourceRecords";
	}
	s->health_check = str(o, "HealthCheckId", bad);
	return routing(o, s, bad);
}

/* What the reading of one listing knows (report: NULL for the listings
 * that do not report). */
typedef struct {
	const char *path;
	const char *zone;
	st_buf_t *report;
	st_diag_t *diag;
} listing_t;

/* What reads one element `i` of a listing into `elem` (zeroed): 1 keeps
 * it, 0 drops it (its fields freed), an error stops the reading. */
typedef int (*read_fn)(json_t *o, size_t i, void *elem, const listing_t *l);

/* Appends the elements of the `array` of a listing (the output of `aws
 * route53 command`) to the array *elems of *n elements of `size` bytes.
 * With a report, says there when the listing is one page of several. */
static int read_list(const listing_t *l, const char *array, const char *command, void *elems,
		     size_t *n, size_t size, read_fn one)
{
	const char *path = l->path;
	st_diag_t *diag = l->diag;
	json_t *list, *root = load_file(path, array, command, &list, diag);
	if (!root)
		return ST_EPARSE;
	size_t len = json_array_size(list);
	char *a;
	memcpy(&a, elems, sizeof(a));
	if (len && !(a = realloc(a, (*n + len) * size))) {
		json_decref(root);
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	}
	memcpy(elems, &a, sizeof(a));
	int rc = 0;
	for (size_t i = 0; i < len && rc >= 0; i++) {
		char *e = a + *n * size;
		memset(e, 0, size);
		if ((rc = one(json_array_get(list, i), i, e, l)) > 0)
			(*n)++;
	}
	if (rc >= 0 && l->report && json_is_true(json_object_get(root, "IsTruncated")))
		st_buf_printf(l->report,
			      "warning: %s says IsTruncated: the listing is one page of "
			      "several; give the CLI's whole output (without --max-items)\n",
			      path);
	json_decref(root);
	return rc < 0 ? rc : 0;
}

static int read_one_set(json_t *o, size_t i, void *elem, const listing_t *l)
{
	r53_set_t *s = elem;
	const char *bad = NULL;
	const char *why = read_set(o, s, &bad);
	st_buf_t label;
	st_buf_init(&label);
	st_buf_printf(&label, "%s %s", s->name ? s->name : "(no name)",
		      s->type ? s->type : "(no type)");
	if (s->set_id)
		st_buf_printf(&label, " [%s]", s->set_id);
	s->label = st_buf_steal(&label, NULL);
	if (!why && bad)
		why = "a field has the wrong JSON type";
	if (!why && s->name && strcmp(s->name, l->zone) != 0) {
		size_t nl = strlen(s->name), zl = strlen(l->zone);
		if (nl <= zl || strcmp(s->name + nl - zl, l->zone) != 0 ||
		    s->name[nl - zl - 1] != '.')
			why = "the name is not in the zone";
	}
	if (!why)
		return 1;
	st_buf_printf(l->report, "not converted: %s (ResourceRecordSets[%zu]): %s%s%s\n",
		      s->label ? s->label : "?", i, why, bad ? ": " : "", bad ? bad : "");
	set_clear(s);
	return 0;
}

int r53_read_records(r53_input_t *in, const char *path, const char *zone, st_buf_t *report,
		     st_diag_t *diag)
{
	listing_t l = {path, zone, report, diag};
	return read_list(&l, "ResourceRecordSets", "list-resource-record-sets", &in->sets,
			 &in->n_sets, sizeof(*in->sets), read_one_set);
}

static int read_one_check(json_t *o, size_t i, void *elem, const listing_t *l)
{
	(void)i, (void)l;
	json_t *c = json_object_get(o, "HealthCheckConfig");
	r53_check_t *h = elem;
	const char *bad = NULL;
	h->state = -1;
	h->id = str(o, "Id", &bad);
	if (!h->id || !json_is_object(c)) {
		free(h->id); /* no id or no config: no record can use it */
		return 0;
	}
	h->type = str(c, "Type", &bad);
	h->ip = str(c, "IPAddress", &bad);
	h->fqdn = str(c, "FullyQualifiedDomainName", &bad);
	h->path = str(c, "ResourcePath", &bad);
	h->search = str(c, "SearchString", &bad);
	h->port = num(c, "Port", 0, &bad);
	h->interval = num(c, "RequestInterval", 30, &bad);
	h->threshold = num(c, "FailureThreshold", 3, &bad);
	h->inverted = flag(c, "Inverted", &bad);
	h->disabled = flag(c, "Disabled", &bad);
	h->children = strs(c, "ChildHealthChecks", &h->n_children, &bad);
	h->health_threshold = num(c, "HealthThreshold", -1, &bad);
	if (bad || !h->type) {
		free(h->type); /* reported when a record uses it */
		h->type = NULL;
	}
	return 1;
}

int r53_read_checks(r53_input_t *in, const char *path, st_diag_t *diag)
{
	listing_t l = {path, NULL, NULL, diag};
	return read_list(&l, "HealthChecks", "list-health-checks", &in->checks, &in->n_checks,
			 sizeof(*in->checks), read_one_check);
}

static int read_one_block(json_t *o, size_t i, void *elem, const listing_t *l)
{
	r53_block_t *k = elem;
	const char *bad = NULL;
	k->cidr = str(o, "CidrBlock", &bad);
	k->location = str(o, "LocationName", &bad);
	if (k->cidr && k->location && !bad)
		return 1;
	free(k->cidr);
	free(k->location);
	return st_diag_set(l->diag, ST_EPARSE,
			   "%s: CidrBlocks[%zu] has no CidrBlock and LocationName strings",
			   l->path, i);
}

int r53_read_blocks(r53_input_t *in, const char *path, st_diag_t *diag)
{
	listing_t l = {path, NULL, NULL, diag};
	return read_list(&l, "CidrBlocks", "list-cidr-blocks", &in->blocks, &in->n_blocks,
			 sizeof(*in->blocks), read_one_block);
}

void r53_input_clear(r53_input_t *in)
{
	for (size_t i = 0; i < in->n_sets; i++)
		set_clear(&in->sets[i]);
	free(in->sets);
	for (size_t i = 0; i < in->n_checks; i++) {
		r53_check_t *h = &in->checks[i];
		free(h->id);
		free(h->type);
		free(h->ip);
		free(h->fqdn);
		free(h->path);
		free(h->search);
		free(h->name);
		st_strv_free(h->children, h->n_children);
	}
	free(in->checks);
	for (size_t i = 0; i < in->n_blocks; i++) {
		free(in->blocks[i].cidr);
		free(in->blocks[i].location);
	}
	free(in->blocks);
	memset(in, 0, sizeof(*in));
}
