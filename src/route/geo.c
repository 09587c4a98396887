/* Client location: the MMDB wrapper (any GeoIP2/GeoLite2 City or Country
 * database) and the countries table that gives Country databases a point. */
#include "route/route_internal.h"

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define DEG2RAD (M_PI / 180.0)

uint16_t st_code_parse(const char *s, size_t len)
{
	if (len != 2)
		return 0;
	char a = s[0], b = s[1];
	if (a >= 'a' && a <= 'z')
		a = (char)(a - 32);
	if (b >= 'a' && b <= 'z')
		b = (char)(b - 32);
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return 0;
	return ST_CODE2(a, b);
}

/* Split one CSV line into at most max fields (quotes allowed; the fields
 * we read are never quoted, a quoted name may hold commas). */
static size_t csv_split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		fields[n++] = p;
		bool quoted = false;
		for (; *p; p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == ',' && !quoted)
				break;
		}
		if (*p != ',')
			break;
		*p++ = '\0';
	}
	return n;
}

static bool parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	if (!*s)
		return false;
	double v = strtod(s, &end);
	if (*end != '\0' || !(v >= lo && v <= hi))
		return false;
	*out = v;
	return true;
}

int st_geo_load_countries(st_geo_t *geo, const char *path, st_diag_t *diag)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return st_diag_set(diag, ST_ECONF, "%s: cannot open the countries table (%s)", path,
				   st_strerror(-errno));
	char line[512];
	unsigned lineno = 0;
	int rc = 0;
	size_t n = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		char *fld[9];
		size_t nf = csv_split(line, fld, 9);
		if (lineno == 1 && strcmp(fld[0], "iso_code") == 0)
			continue;
		uint16_t cc = nf >= 4 ? st_code_parse(fld[0], strlen(fld[0])) : 0;
		uint16_t cont = nf >= 4 ? st_code_parse(fld[1], strlen(fld[1])) : 0;
		double lat, lon;
		if (!cc || !cont || !parse_double(fld[2], -90, 90, &lat) ||
		    !parse_double(fld[3], -180, 180, &lon)) {
			rc = st_diag_set(diag, ST_EPARSE,
					 "%s:%u: expected iso_code,continent_code,latitude,longitude,...",
					 path, lineno);
			break;
		}
		st_country_t *c = &geo->countries[st_code_index(cc)];
		c->known = true;
		c->continent = cont;
		c->lat = lat * DEG2RAD;
		c->lon = lon * DEG2RAD;
		n++;
	}
	fclose(f);
	if (rc == 0 && n == 0)
		rc = st_diag_set(diag, ST_EPARSE, "%s: no countries in the table", path);
	if (rc == 0)
		geo->have_countries = true;
	return rc;
}

int st_geo_open(st_geo_t *geo, const char *db_path, const char *countries_path, st_diag_t *diag)
{
	memset(geo, 0, sizeof(*geo));
	if (countries_path) {
		int rc = st_geo_load_countries(geo, countries_path, diag);
		if (rc)
			return rc;
	}
	if (!db_path)
		return 0;
	int status = MMDB_open(db_path, MMDB_MODE_MMAP, &geo->mmdb);
	if (status != MMDB_SUCCESS) {
		int err = status == MMDB_IO_ERROR ? errno : 0;
		return st_diag_set(diag, ST_ECONF, "%s: cannot open the geo database (%s%s%s)",
				   db_path, MMDB_strerror(status), err ? ": " : "",
				   err ? strerror(err) : "");
	}
	geo->open = true;
	geo->ipv6_tree = geo->mmdb.metadata.ip_version == 6;
	return 0;
}

void st_geo_close(st_geo_t *geo)
{
	if (geo->open)
		MMDB_close(&geo->mmdb);
	geo->open = false;
}

static uint16_t get_code(MMDB_entry_s *e, const char *a, const char *b)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(e, &d, a, b, NULL) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return 0;
	return st_code_parse(d.utf8_string, d.data_size);
}

static bool get_coord(MMDB_entry_s *e, const char *key, double *out)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(e, &d, "location", key, NULL) != MMDB_SUCCESS || !d.has_data)
		return false;
	if (d.type == MMDB_DATA_TYPE_DOUBLE)
		*out = d.double_value;
	else if (d.type == MMDB_DATA_TYPE_FLOAT)
		*out = d.float_value;
	else
		return false;
	return isfinite(*out);
}

void st_geo_lookup(const st_geo_t *geo, const st_client_t *client, st_geo_loc_t *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (!geo->open)
		return;
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} u;
	memset(&u, 0, sizeof(u));
	unsigned bits;
	if (client->family == AF_INET) {
		u.in4.sin_family = AF_INET;
		memcpy(&u.in4.sin_addr, client->addr, 4);
		bits = 32;
	} else {
		u.in6.sin6_family = AF_INET6;
		memcpy(&u.in6.sin6_addr, client->addr, 16);
		bits = 128;
	}
	int err = 0;
	MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&geo->mmdb, &u.sa, &err);
	if (err != MMDB_SUCCESS) {
		/* An IPv6 client in an IPv4-only database: nothing decided by
		 * the address, so the answer does not depend on it. */
		return;
	}
	int mask = r.netmask;
	if (client->family == AF_INET && geo->ipv6_tree)
		mask -= 96;
	if (mask < 0)
		mask = 0;
	if ((unsigned)mask > bits)
		mask = (int)bits;
	loc->scope = (uint8_t)mask;
	if (!r.found_entry)
		return;
	loc->found = true;
	MMDB_entry_s e = r.entry;
	loc->continent = get_code(&e, "continent", "code");
	loc->country = get_code(&e, "country", "iso_code");

	MMDB_entry_data_s d;
	if (MMDB_get_value(&e, &d, "subdivisions", "0", "iso_code", NULL) == MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size > 0 &&
	    d.data_size < sizeof(loc->subdivision)) {
		memcpy(loc->subdivision, d.utf8_string, d.data_size);
		loc->subdivision[d.data_size] = '\0';
		for (char *p = loc->subdivision; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
	}

	double lat, lon;
	if (get_coord(&e, "latitude", &lat) && get_coord(&e, "longitude", &lon) && lat >= -90 &&
	    lat <= 90 && lon >= -180 && lon <= 180) {
		loc->has_point = true;
		loc->lat = lat * DEG2RAD;
		loc->lon = lon * DEG2RAD;
	}
	int ci = loc->country ? st_code_index(loc->country) : -1;
	if (ci >= 0 && geo->countries[ci].known) {
		const st_country_t *c = &geo->countries[ci];
		if (!loc->continent)
			loc->continent = c->continent;
		if (!loc->has_point) {
			loc->has_point = true;
			loc->point_from_table = true;
			loc->lat = c->lat;
			loc->lon = c->lon;
		}
	}
}
