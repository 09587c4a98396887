/* Client location: the MMDB wrapper (any GeoIP2/GeoLite2 City or Country
 * database) and the countries table that gives Country databases a point. */
#include "route/geo.h"
#include "common/file.h"
#include "route/latency.h"

#include <math.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define DEG2RAD (M_PI / 180.0)

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
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	if (orc < 0)
		return st_diag_set(diag, ST_ECONF, "%s: cannot open the countries table (%s)", path,
				   st_strerror(orc));
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
			rc = st_diag_set(
			    diag, ST_EPARSE,
			    "%s:%u: expected iso_code,continent_code,latitude,longitude,...", path,
			    lineno);
			break;
		}
		st_country_t *c = &geo->countries[st_code_index(cc)];
		c->known = true;
		c->continent = cont;
		c->lat = lat * DEG2RAD;
		c->lon = lon * DEG2RAD;
		st_geo_vec(c->lat, c->lon, c->vec);
		n++;
	}
	fclose(f);
	if (rc == 0 && n == 0)
		rc = st_diag_set(diag, ST_EPARSE, "%s: no countries in the table", path);
	if (rc == 0)
		geo->have_countries = true;
	return rc;
}

/* Each open database gets a new id, so that the per-thread address cache
 * never serves a result from a database since closed (even one whose
 * st_geo_t reused the same memory). */
static _Atomic uint64_t geo_ids;

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
	/* libmaxminddb's open() would block on a FIFO: look first, without blocking */
	FILE *probe = NULL;
	int orc = st_file_fopen(db_path, &probe);
	if (orc < 0)
		return st_diag_set(diag, ST_ECONF, "%s: cannot open the geo database (%s)", db_path,
				   st_strerror(orc));
	fclose(probe);
	int status = MMDB_open(db_path, MMDB_MODE_MMAP, &geo->mmdb);
	if (status != MMDB_SUCCESS) {
		int err = status == MMDB_IO_ERROR ? errno : 0;
		return st_diag_set(diag, ST_ECONF, "%s: cannot open the geo database (%s%s%s)",
				   db_path, MMDB_strerror(status), err ? ": " : "",
				   err ? strerror(err) : "");
	}
	geo->open = true;
	geo->id = atomic_fetch_add_explicit(&geo_ids, 1, memory_order_relaxed) + 1;
	geo->ipv6_tree = geo->mmdb.metadata.ip_version == 6;
	geo->cache = aligned_alloc(64, ST_GEO_CACHE_SLOTS * sizeof(*geo->cache));
	if (geo->cache)
		memset(geo->cache, 0, ST_GEO_CACHE_SLOTS * sizeof(*geo->cache));
	geo->cache_mask = ST_GEO_CACHE_SLOTS - 1;
	if (!geo->cache) {
		st_geo_close(geo);
		return ST_ENOMEM;
	}
	return 0;
}

void st_geo_close(st_geo_t *geo)
{
	if (geo->open)
		MMDB_close(&geo->mmdb);
	geo->open = false;
	free(geo->cache);
	geo->cache = NULL;
}

static uint16_t get_code(MMDB_entry_s *e, const char *a, const char *b)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(e, &d, a, b, NULL) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_UTF8_STRING)
		return 0;
	return st_code_parse(d.utf8_string, d.data_size);
}

static bool coord_value(const MMDB_entry_data_s *d, double *out)
{
	if (!d->has_data)
		return false;
	if (d->type == MMDB_DATA_TYPE_DOUBLE)
		*out = d->double_value;
	else if (d->type == MMDB_DATA_TYPE_FLOAT)
		*out = d->float_value;
	else
		return false;
	return isfinite(*out);
}

/* location.latitude/longitude: find the location map once, then look
 * inside it (City records carry long name maps that every walk from the
 * top would skip again). */
static bool get_point(MMDB_entry_s *e, double *lat, double *lon)
{
	MMDB_entry_data_s d;
	if (MMDB_get_value(e, &d, "location", NULL) != MMDB_SUCCESS || !d.has_data ||
	    d.type != MMDB_DATA_TYPE_MAP)
		return false;
	MMDB_entry_s loc = {.mmdb = e->mmdb, .offset = d.offset};
	if (MMDB_get_value(&loc, &d, "latitude", NULL) != MMDB_SUCCESS || !coord_value(&d, lat))
		return false;
	if (MMDB_get_value(&loc, &d, "longitude", NULL) != MMDB_SUCCESS || !coord_value(&d, lon))
		return false;
	return *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180;
}

/* Everything the policies read from one data record. */
typedef struct decoded {
	uint16_t continent, country;
	char subdivision[4];
	bool has_point;
	double lat, lon; /* radians */
	double vec[3];
} decoded_t;

static void decode(MMDB_entry_s *e, decoded_t *dec)
{
	memset(dec, 0, sizeof(*dec));
	double lat, lon;
	if (get_point(e, &lat, &lon)) {
		dec->has_point = true;
		dec->lat = lat * DEG2RAD;
		dec->lon = lon * DEG2RAD;
		st_geo_vec(dec->lat, dec->lon, dec->vec);
	}
	dec->country = get_code(e, "country", "iso_code");
	/* satellite and anonymous networks carry only the registrant's country */
	if (!dec->country)
		dec->country = get_code(e, "registered_country", "iso_code");
	dec->continent = get_code(e, "continent", "code");
	MMDB_entry_data_s d;
	if (MMDB_get_value(e, &d, "subdivisions", "0", "iso_code", NULL) == MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size > 0 &&
	    d.data_size < sizeof(dec->subdivision)) {
		memcpy(dec->subdivision, d.utf8_string, d.data_size);
		for (char *p = dec->subdivision; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 32);
	}
}

static uint64_t dbits(double v)
{
	uint64_t u;
	memcpy(&u, &v, sizeof(u));
	return u;
}

static double bitsd(uint64_t u)
{
	double v;
	memcpy(&v, &u, sizeof(v));
	return v;
}

static st_geo_cache_slot_t *cache_slot(const st_geo_t *geo, uint32_t offset)
{
	uint32_t h = offset * 2654435761u;
	return &geo->cache[(h >> 16) & geo->cache_mask];
}

static bool cache_get(const st_geo_t *geo, uint32_t offset, decoded_t *dec)
{
	st_geo_cache_slot_t *s = cache_slot(geo, offset);
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
	if (seq & 1)
		return false;
	uint32_t key = atomic_load_explicit(&s->key, memory_order_relaxed);
	uint64_t codes = atomic_load_explicit(&s->codes, memory_order_relaxed);
	uint64_t lat = atomic_load_explicit(&s->lat, memory_order_relaxed);
	uint64_t lon = atomic_load_explicit(&s->lon, memory_order_relaxed);
	uint64_t vec[3];
	for (int i = 0; i < 3; i++)
		vec[i] = atomic_load_explicit(&s->vec[i], memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&s->seq, memory_order_relaxed) != seq || key != offset + 1)
		return false;
	dec->continent = (uint16_t)(codes >> 48);
	dec->country = (uint16_t)(codes >> 32);
	uint32_t sub = (uint32_t)codes;
	memcpy(dec->subdivision, &sub, 4);
	dec->lat = bitsd(lat);
	dec->lon = bitsd(lon);
	for (int i = 0; i < 3; i++)
		dec->vec[i] = bitsd(vec[i]);
	dec->has_point = !isnan(dec->lat);
	return true;
}

static void cache_put(const st_geo_t *geo, uint32_t offset, const decoded_t *dec)
{
	st_geo_cache_slot_t *s = cache_slot(geo, offset);
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	/* another writer holds the slot: skip, the next query fills it */
	if ((seq & 1) || !atomic_compare_exchange_strong_explicit(
			     &s->seq, &seq, seq + 1, memory_order_acquire, memory_order_relaxed))
		return;
	atomic_thread_fence(memory_order_release);
	uint32_t sub;
	memcpy(&sub, dec->subdivision, 4);
	atomic_store_explicit(&s->key, offset + 1, memory_order_relaxed);
	atomic_store_explicit(&s->codes,
			      (uint64_t)dec->continent << 48 | (uint64_t)dec->country << 32 | sub,
			      memory_order_relaxed);
	atomic_store_explicit(&s->lat, dbits(dec->has_point ? dec->lat : NAN),
			      memory_order_relaxed);
	atomic_store_explicit(&s->lon, dbits(dec->has_point ? dec->lon : NAN),
			      memory_order_relaxed);
	for (int i = 0; i < 3; i++)
		atomic_store_explicit(&s->vec[i], dbits(dec->has_point ? dec->vec[i] : 0),
				      memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

static void decoded_get(const st_geo_t *geo, uint32_t offset, decoded_t *dec)
{
	if (!cache_get(geo, offset, dec)) {
		MMDB_entry_s e = {.mmdb = &geo->mmdb, .offset = offset};
		decode(&e, dec);
		cache_put(geo, offset, dec);
	}
}

/* ---- a client network wider than the database's networks ----
 *
 * An ECS source prefix can be shorter than the networks the database
 * holds there (a /23 over two /24s of different places). The answer must
 * be right for every address of the client's network (a resolver caches it
 * for all of them, RFC 7871 7.3.1), so the location is what all the
 * database's networks inside it have in common: continent, country,
 * subdivision and point, each kept only where every one agrees. A part of
 * the network the database does not know, or more networks than we look
 * at, leaves nothing in common: the client is then not located. */
#define GEO_COMMON_NODES 1024

/* Fold one network's record into what the ones before it share; false when
 * nothing is shared any more. */
static bool common_merge(decoded_t *acc, const decoded_t *d)
{
	if (acc->continent != d->continent)
		acc->continent = 0;
	if (acc->country != d->country)
		acc->country = 0;
	if (!acc->country || strcmp(acc->subdivision, d->subdivision) != 0)
		acc->subdivision[0] = '\0';
	if (acc->has_point && (!d->has_point || acc->lat != d->lat || acc->lon != d->lon))
		acc->has_point = false;
	return acc->continent || acc->country || acc->has_point;
}

/* The search node at `depth` bits on the address's path (an IPv4 address
 * in an IPv6 tree starts below ::/96), or false when the path ends above. */
static bool node_at(const st_geo_t *geo, const st_client_t *client, unsigned depth, uint32_t *out)
{
	uint32_t n = 0;
	unsigned lead = client->family == AF_INET && geo->ipv6_tree ? 96 : 0;
	for (unsigned i = 0; i < lead + depth; i++) {
		unsigned bit =
		    i < lead ? 0 : (client->addr[(i - lead) / 8] >> (7 - (i - lead) % 8)) & 1;
		MMDB_search_node_s sn;
		if (MMDB_read_node(&geo->mmdb, n, &sn) != MMDB_SUCCESS)
			return false;
		if ((bit ? sn.right_record_type : sn.left_record_type) !=
		    MMDB_RECORD_TYPE_SEARCH_NODE)
			return false;
		n = (uint32_t)(bit ? sn.right_record : sn.left_record);
	}
	*out = n;
	return true;
}

/* What every address of the client's network (addr/prefix) has in common. */
static bool common_location(const st_geo_t *geo, const st_client_t *client, unsigned prefix,
			    decoded_t *out)
{
	uint32_t stack[256], root;
	size_t sp = 0;
	unsigned visits = 0;
	bool any = false;
	if (!node_at(geo, client, prefix, &root))
		return false;
	stack[sp++] = root;
	while (sp > 0) {
		MMDB_search_node_s sn;
		if (++visits > GEO_COMMON_NODES ||
		    MMDB_read_node(&geo->mmdb, stack[--sp], &sn) != MMDB_SUCCESS)
			return false;
		for (int side = 0; side < 2; side++) {
			uint8_t type = side ? sn.right_record_type : sn.left_record_type;
			if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
				if (sp == sizeof(stack) / sizeof(stack[0]))
					return false;
				stack[sp++] = (uint32_t)(side ? sn.right_record : sn.left_record);
				continue;
			}
			if (type != MMDB_RECORD_TYPE_DATA)
				return false; /* a part not in the database (or damaged) */
			decoded_t d;
			decoded_get(
			    geo, (side ? sn.right_record_entry : sn.left_record_entry).offset, &d);
			if (!any)
				*out = d;
			any = true;
			if (!common_merge(out, &d))
				return false;
		}
	}
	return any;
}

/* The tree walk of the last client networks a thread looked up: most
 * queries come from a few resolvers (or carry the same ECS subnet), and the
 * walk (up to 128 nodes, each a miss) is most of a geo decision. Per thread,
 * so no synchronisation; direct-mapped on the address. */
#define GEO_ADDR_CACHE 64

typedef struct geo_addr_slot {
	uint64_t geo_id; /* 0: empty */
	uint8_t addr[16];
	uint8_t family;
	uint8_t prefix;
	bool ok; /* the lookup succeeded (else: nothing decided) */
	bool found;
	bool common;	 /* the client's network is wider: dec (when found) is what the
			    database's networks inside it have in common */
	uint16_t scope;	 /* client bits */
	uint32_t offset; /* found, not common: the record */
	decoded_t dec;
} geo_addr_slot_t;

static _Thread_local geo_addr_slot_t addr_cache[GEO_ADDR_CACHE];

static geo_addr_slot_t *addr_slot(const st_client_t *client)
{
	uint64_t a, b;
	memcpy(&a, client->addr, 8);
	memcpy(&b, client->addr + 8, 8);
	uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ client->family ^
		      ((uint64_t)client->source_prefix << 8)) *
		     0xff51afd7ed558ccdULL;
	return &addr_cache[(h >> 40) % GEO_ADDR_CACHE];
}

/* Fill a slot for the client's network. */
static void slot_lookup(const st_geo_t *geo, const st_client_t *client, geo_addr_slot_t *slot)
{
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
	slot->geo_id = geo->id;
	slot->family = (uint8_t)client->family;
	slot->prefix = client->source_prefix;
	memcpy(slot->addr, client->addr, client->family == AF_INET ? 4 : 16);
	slot->ok = err == MMDB_SUCCESS;
	slot->found = slot->ok && r.found_entry;
	slot->common = false;
	slot->offset = r.entry.offset;
	int mask = r.netmask;
	if (client->family == AF_INET && geo->ipv6_tree)
		mask -= 96;
	if (mask < 0)
		mask = 0;
	if ((unsigned)mask > bits)
		mask = (int)bits;
	slot->scope = (uint16_t)mask;
	unsigned prefix = client->source_prefix ? client->source_prefix : bits;
	if (slot->ok && (unsigned)mask > prefix) {
		/* the database's network is narrower than the client's */
		slot->found = common_location(geo, client, prefix, &slot->dec);
		slot->common = true;
		slot->scope = (uint16_t)prefix;
	}
}

void st_geo_lookup(const st_geo_t *geo, const st_client_t *client, unsigned need, st_geo_loc_t *loc)
{
	memset(loc, 0, sizeof(*loc));
	if (!geo->open)
		return;
	geo_addr_slot_t *slot = addr_slot(client);
	size_t alen = client->family == AF_INET ? 4 : 16;
	if (slot->geo_id != geo->id || slot->family != client->family ||
	    slot->prefix != client->source_prefix || memcmp(slot->addr, client->addr, alen) != 0)
		slot_lookup(geo, client, slot);
	if (!slot->ok) {
		/* An IPv6 client in an IPv4-only database: nothing decided by
		 * the address, so the answer does not depend on it. */
		return;
	}
	loc->scope = (uint8_t)slot->scope;
	loc->common = slot->common;
	if (!slot->found)
		return;
	loc->found = true;
	decoded_t dec;
	if (slot->common)
		dec = slot->dec;
	else
		decoded_get(geo, slot->offset, &dec);
	loc->country = dec.country;
	if (need & ST_GEO_NEED_CONTINENT)
		loc->continent = dec.continent;
	if (need & ST_GEO_NEED_SUBDIVISION)
		memcpy(loc->subdivision, dec.subdivision, sizeof(loc->subdivision));
	if ((need & ST_GEO_NEED_POINT) && dec.has_point) {
		loc->has_point = true;
		loc->lat = dec.lat;
		loc->lon = dec.lon;
		memcpy(loc->vec, dec.vec, sizeof(loc->vec));
	}
	int ci = loc->country ? st_code_index(loc->country) : -1;
	if (ci >= 0 && geo->countries[ci].known) {
		const st_country_t *c = &geo->countries[ci];
		if (!loc->continent && (need & ST_GEO_NEED_CONTINENT))
			loc->continent = c->continent;
		if (!loc->has_point && (need & ST_GEO_NEED_POINT)) {
			loc->has_point = true;
			loc->point_from_table = true;
			loc->lat = c->lat;
			loc->lon = c->lon;
			memcpy(loc->vec, c->vec, sizeof(loc->vec));
		}
	}
}
