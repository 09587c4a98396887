/* The tsig: and zones: sections. A zone is a file name, or a mapping with
 * the file and its transfer settings: allow_transfer (TSIG key names and
 * address ranges), notify targets, routed_in_transfer, serial and
 * ixfr_versions. */
#include "conf/load.h"
#include "common/file.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- tsig keys ----------------------------------------------------------- */

/* Secrets longer than this are refused (a stream keeps a copy; HMAC hashes
 * a longer key down to the hash size anyway). */
#define SECRET_MAX 256

static int parse_algorithm(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s,
			   void *obj)
{
	st_conf_tsig_t *k = obj;
	if (st_tsig_alg_parse(s, &k->alg) != 0)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not one of hmac-sha256, hmac-sha384, hmac-sha512", s);
	return 0;
}

static int set_secret(st_ctx_t *ctx, const st_ynode_t *at, const char *key, const char *text,
		      st_conf_tsig_t *k)
{
	uint8_t buf[SECRET_MAX];
	int n = st_tsig_secret_decode(text, buf, sizeof(buf));
	if (n == ST_ENOSPC)
		return st_ctx_error(ctx, at, key, "the secret is longer than %d bytes", SECRET_MAX);
	if (n < 0)
		return st_ctx_error(ctx, at, key,
				    "the secret is not base64 (make one with: tsig-keygen, keymgr "
				    "-t NAME, or openssl rand -base64 32)");
	free(k->secret);
	k->secret = malloc((size_t)n);
	if (!k->secret)
		return ST_ENOMEM;
	memcpy(k->secret, buf, (size_t)n);
	k->secret_len = (size_t)n;
	return 0;
}

static int parse_secret(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	return set_secret(ctx, val, it->name, s, obj);
}

/* A file holding the base64 secret alone, or a BIND key clause
 * (tsig-keygen's output): the text between the quotes after `secret`. */
static int parse_secret_file(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	char *path = NULL;
	int rc = st_ctx_path(ctx, s, &path);
	if (rc != 0)
		return rc;
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	char text[4096];
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	bool err = !f || ferror(f);
	if (f)
		fclose(f);
	if (err) {
		rc = st_ctx_error(ctx, val, it->name, "cannot read %s (%s)", path,
				  st_strerror(orc < 0 ? orc : ST_EIO));
		free(path);
		return rc;
	}
	free(path);
	text[n] = '\0';
	char *b64 = text, *quote = strstr(text, "secret \"");
	if (quote) {
		b64 = quote + 8;
		char *end = strchr(b64, '"');
		if (end)
			*end = '\0';
	}
	return set_secret(ctx, val, it->name, b64, obj);
}

static const st_item_t tsig_items[] = {
    ST_KEY("algorithm", ST_T_TEXT, ST_DEF("hmac-sha256"), ST_TEXT(parse_algorithm)),
    ST_KEY("secret", ST_T_TEXT, ST_TEXT(parse_secret)),
    ST_KEY("secret_file", ST_T_TEXT, ST_TEXT(parse_secret_file)),
    ST_END,
};
const st_table_t st_tsig_table = {"tsig key", tsig_items, "a TSIG key (under tsig:)"};

/* A key: one secret, and a name no other key has. */
static int tsig_check(st_ctx_t *ctx, void *obj, const st_ynode_t *key, const st_ynode_t *val)
{
	const st_conf_t *conf = ctx->conf;
	const st_conf_tsig_t *k = obj;
	for (const st_conf_tsig_t *o = conf->tsig; o < k; o++)
		if (strcmp(o->name, k->name) == 0)
			return st_ctx_error(ctx, key, NULL, "key %s is given twice (first at line %u)",
					    k->name, o->line);
	if (!st_map_given(val, "secret") == !st_map_given(val, "secret_file"))
		return st_ctx_error(ctx, key, NULL,
				    "give the key's secret as 'secret: BASE64' or "
				    "'secret_file: PATH' (one of them)");
	return 0;
}

const st_section_t st_tsig_section = {"tsig",
				      "key name -> algorithm and secret",
				      "{ algorithm: hmac-sha256, secret: BASE64 }",
				      NULL,
				      ST_SECTION_OF(tsig, n_tsig, st_conf_tsig_t, name, 1),
				      &st_tsig_table,
				      tsig_check};

/* ---- zones ----------------------------------------------------------------- */

static uint32_t key_index(const st_conf_t *conf, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < conf->n_tsig; i++) {
		const char *k = conf->tsig[i].name;
		/* "xfr-key" names "xfr-key." */
		if (strncasecmp(k, name, n) == 0 && (k[n] == '\0' || (k[n] == '.' && !k[n + 1])))
			return (uint32_t)i;
	}
	return ST_CONF_NONE;
}

static int no_such_key(st_ctx_t *ctx, const st_ynode_t *at, const char *key, const char *s,
		       const char *also)
{
	const st_conf_t *conf = ctx->conf;
	char names[512];
	size_t len = 0;
	names[0] = '\0';
	for (size_t i = 0; i < conf->n_tsig && len < sizeof(names) - 80; i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					conf->tsig[i].name);
	return st_ctx_error(ctx, at, key, "'%s' is not a key of the tsig: section%s (keys: %s)", s,
			    also, conf->n_tsig ? names : "none");
}

/* The key named by an entry's `key:` -> its index in the tsig: section. */
static int entry_key(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *key, uint32_t *out)
{
	const char *s;
	int rc = st_ctx_scalar(ctx, key, it->name, &s);
	if (rc == 0 && (*out = key_index(ctx->conf, s)) == ST_CONF_NONE)
		rc = no_such_key(ctx, key, it->name, s, "");
	return rc;
}

/* A list of entries (or one entry; null: none), each read by `one` into an
 * element of `size` bytes of a fresh array *arr_p, counted in *count as
 * they are read (the config's free releases them). */
typedef int (*entry_fn)(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *elem);

static int parse_entries(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *arr_p,
			 size_t *count, size_t size, entry_fn one)
{
	size_t n;
	const st_ynode_t *const *items = st_ynode_list(&val, &n);
	if (st_ynode_is_null(val))
		n = 0;
	char *arr;
	memcpy(&arr, arr_p, sizeof(arr));
	free(arr);
	arr = calloc(n ? n : 1, size);
	memcpy(arr_p, &arr, sizeof(arr));
	*count = 0;
	if (!arr)
		return ST_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int rc = one(ctx, it, items[i], arr + i * size);
		if (rc != 0)
			return rc;
		(*count)++;
	}
	return 0;
}

/* One allow_transfer entry: a key name, an address range, or both as
 * { key: NAME, address: RANGE }. */
static int acl_entry(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *elem)
{
	st_conf_acl_t *e = elem;
	const char *s;
	int rc;
	e->key = ST_CONF_NONE;
	e->any_address = true;
	const st_ynode_t *key = val, *addr = val;
	if (val->kind == ST_YNODE_MAP) {
		for (size_t i = 0; i < val->n; i++) {
			const char *k = st_ynode_key(val, i)->str;
			if (strcmp(k, "key") != 0 && strcmp(k, "address") != 0)
				return st_ctx_error(
				    ctx, st_ynode_key(val, i), it->name,
				    "unknown key '%s' (an entry is a key name, an "
				    "address range, or { key: NAME, address: RANGE })",
				    k);
		}
		key = st_map_get(val, "key");
		addr = st_map_get(val, "address");
		if (!key || !addr)
			return st_ctx_error(ctx, val, it->name,
					    "{ key: NAME, address: RANGE } needs both");
		if ((rc = entry_key(ctx, it, key, &e->key)) != 0)
			return rc;
	}
	if ((rc = st_ctx_scalar(ctx, addr, it->name, &s)) != 0)
		return rc;
	if ((rc = st_prefix_parse(s, true, &e->net)) == 0) {
		e->any_address = false;
		return 0;
	}
	if (rc == ST_ERANGE)
		return st_ctx_error(ctx, addr, it->name, "'%s' has bits set past the prefix length",
				    s);
	if (val->kind == ST_YNODE_MAP || strchr(s, '/'))
		return st_ctx_error(ctx, addr, it->name,
				    "'%s' is not an address or a range such as 192.0.2.0/24", s);
	if ((e->key = key_index(ctx->conf, s)) == ST_CONF_NONE)
		return no_such_key(ctx, val, it->name, s, " nor an address or range");
	return 0;
}

static int parse_allow(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_zone_t *z = obj;
	return parse_entries(ctx, it, val, &z->allow_transfer, &z->n_allow_transfer,
			     sizeof(*z->allow_transfer), acl_entry);
}

/* One notify target: "ADDR[:PORT]", or { address: "ADDR[:PORT]", key: NAME,
 * source: ADDR } to sign the NOTIFY and send it from one of our addresses
 * (the one the secondary knows as its primary). */
static int notify_entry(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *elem)
{
	st_conf_notify_t *t = elem;
	const char *s;
	int rc;
	const st_ynode_t *addr = val, *source = NULL;
	t->key = ST_CONF_NONE;
	if (val->kind == ST_YNODE_MAP) {
		for (size_t i = 0; i < val->n; i++) {
			const char *k = st_ynode_key(val, i)->str;
			if (strcmp(k, "key") != 0 && strcmp(k, "address") != 0 &&
			    strcmp(k, "source") != 0)
				return st_ctx_error(ctx, st_ynode_key(val, i), it->name,
						    "unknown key '%s' (a target is ADDR:PORT or "
						    "{ address: ADDR:PORT, key: NAME, source: ADDR })",
						    k);
		}
		const st_ynode_t *key = st_map_get(val, "key");
		addr = st_map_get(val, "address");
		source = st_map_get(val, "source");
		if (!addr)
			return st_ctx_error(ctx, val, it->name, "the target has no address");
		if (key && (rc = entry_key(ctx, it, key, &t->key)) != 0)
			return rc;
	}
	if ((rc = st_ctx_scalar(ctx, addr, it->name, &s)) != 0)
		return rc;
	if (st_sockaddr_parse(s, 53, &t->addr) != 0)
		return st_ctx_error(ctx, addr, it->name,
				    "'%s' is not ADDR, ADDR:PORT or [ADDR6]:PORT (numeric)", s);
	if (!source)
		return 0;
	if ((rc = st_ctx_scalar(ctx, source, it->name, &s)) != 0)
		return rc;
	if (st_sockaddr_parse(s, 0, &t->source) != 0)
		return st_ctx_error(ctx, source, it->name,
				    "source '%s' is not an address of this host (ADDR, ADDR:PORT "
				    "or [ADDR6]:PORT, numeric)",
				    s);
	if (t->source.u.sa.sa_family != t->addr.u.sa.sa_family)
		return st_ctx_error(ctx, source, it->name,
				    "source '%s' and the target's address are not of the same "
				    "family (IPv4 or IPv6)",
				    s);
	t->has_source = true;
	return 0;
}

static int parse_notify(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_zone_t *z = obj;
	return parse_entries(ctx, it, val, &z->notify, &z->n_notify, sizeof(*z->notify),
			     notify_entry);
}

static const st_enum_t routed_enum[] = {
    {"all", ST_ROUTED_ALL},
    {"omit", ST_ROUTED_OMIT},
    {NULL},
};

static const st_enum_t serial_enum[] = {
    {"file", ST_SERIAL_FILE},
    {"unixtime", ST_SERIAL_UNIXTIME},
    {NULL},
};

const char *st_serial_policy_name(st_serial_policy_t s)
{
	return st_enum_value_name(serial_enum, (int)s, "unknown");
}

static const st_item_t zone_items[] = {
    ST_KEY("file", ST_T_PATH, ST_AT(st_conf_zone_t, file)),
    ST_KEY("allow_transfer", ST_T_CUSTOM, ST_PARSE(parse_allow)),
    ST_KEY("notify", ST_T_CUSTOM, ST_PARSE(parse_notify)),
    ST_KEY("routed_in_transfer", ST_T_ENUM, ST_AT(st_conf_zone_t, routed_in_transfer),
	   ST_ENUMS(routed_enum), ST_DEF("all")),
    ST_KEY("serial", ST_T_ENUM, ST_AT(st_conf_zone_t, serial), ST_ENUMS(serial_enum),
	   ST_DEF("file")),
    ST_KEY("ixfr_versions", ST_T_UINT, ST_AT(st_conf_zone_t, ixfr_versions), ST_RANGE(0, 1000),
	   ST_DEF("16")),
    ST_KEY("dnssec", ST_T_CUSTOM, ST_PARSE(st_parse_dnssec)),
    ST_KEY("catalog", ST_T_BOOL, ST_AT(st_conf_zone_t, catalog), ST_DEF("false")),
    ST_END,
};
const st_table_t st_zone_table = {"zone", zone_items,
				  "a zone given as a mapping (under zones:, with its file:)"};

/* catalog: true. The zone's content is made from the other zones, for
 * secondaries: it has no file, no signing, and a serial that follows its
 * content. */
static int catalog_checks(st_ctx_t *ctx, const st_ynode_t *k, const st_ynode_t *v,
			  st_conf_zone_t *z)
{
	if (z->file)
		return st_ctx_error(ctx, st_map_given(v, "file"), "file",
				    "a catalog zone is made from the other zones: no 'file:'");
	if (z->dnssec)
		return st_ctx_error(ctx, st_map_given(v, "dnssec"), "dnssec",
				    "a catalog zone is for secondaries and is not signed: no "
				    "'dnssec:'");
	if (st_map_given(v, "serial") && z->serial != ST_SERIAL_UNIXTIME)
		return st_ctx_error(ctx, st_map_given(v, "serial"), "serial",
				    "a catalog zone has no file to take a serial from: its serial "
				    "is 'unixtime' (the time its list last changed)");
	if (!st_conf_zone_transfers(z))
		return st_ctx_error(ctx, k, NULL,
				    "a catalog zone is for secondaries: give it 'allow_transfer:' "
				    "(and 'notify:')");
	z->serial = ST_SERIAL_UNIXTIME;
	char label[4096];
	snprintf(label, sizeof(label), "%s:%u (catalog)", ctx->file, k->line);
	z->file = strdup(label);
	return z->file ? 0 : ST_ENOMEM;
}

int st_load_zones(st_ctx_t *ctx, const st_ynode_t *map)
{
	static const st_ynode_t empty = {.kind = ST_YNODE_MAP};
	st_conf_t *conf = ctx->conf;
	int sec = st_ctx_section(ctx, "zones", map, "zone name -> zone file");
	if (sec != 0)
		return sec < 0 ? sec : 0;
	conf->zones = calloc(map->n ? map->n : 1, sizeof(*conf->zones));
	if (!conf->zones)
		return ST_ENOMEM;
	for (size_t i = 0; i < map->n; i++) {
		const st_ynode_t *k = st_ynode_key(map, i), *v = st_ynode_val(map, i);
		st_conf_zone_t *z = &conf->zones[conf->n_zones++];
		z->line = k->line;
		st_ctx_set_path(ctx, "zones", NULL);
		int rc = st_ctx_name(ctx, k, NULL, &z->name);
		if (rc != 0)
			return rc;
		if (strcmp(z->name, ".") == 0)
			return st_ctx_error(ctx, k, NULL, "the root zone cannot be served here");
		for (size_t j = 0; j + 1 < conf->n_zones; j++)
			if (strcmp(conf->zones[j].name, z->name) == 0)
				return st_ctx_error(ctx, k, NULL,
						    "zone %s is given twice (first at line %u)",
						    z->name, conf->zones[j].line);
		st_ctx_set_path(ctx, "zones", k->str);
		if (v->kind == ST_YNODE_MAP) {
			static const char no_file[] = "the zone needs 'file: PATH' (its master file)";
			if (!st_map_given(v, "file") && !st_map_given(v, "catalog"))
				return st_ctx_error(ctx, k, NULL, "%s", no_file);
			if ((rc = st_schema_apply(ctx, &st_zone_table, v, k, z, NULL)) != 0)
				return rc;
			if (z->catalog) {
				if ((rc = catalog_checks(ctx, k, v, z)) != 0)
					return rc;
				continue;
			}
			if (!z->file)
				return st_ctx_error(ctx, k, NULL, "%s", no_file);
			if (z->dnssec && st_conf_zone_transfers(z))
				st_log_warn("%s:%u: zone %s is signed online (dnssec:) and transferred: "
					    "standard secondaries get it unsigned, and validating "
					    "resolvers that reach them fail once the parent has its DS",
					    ctx->file, z->line, z->name);
			continue;
		}
		if (v->kind != ST_YNODE_SCALAR || st_ynode_is_null(v) || v->str[0] == '\0')
			return st_ctx_error(ctx, v, NULL,
					    "expected the zone's file name or a mapping with "
					    "'file:', not %s",
					    st_ynode_kind_name(v));
		/* The plain form: the file, every setting at its default. */
		if ((rc = st_schema_apply(ctx, &st_zone_table, &empty, k, z, NULL)) != 0 ||
		    (rc = st_ctx_path(ctx, v->str, &z->file)) != 0)
			return rc;
	}
	return 0;
}
