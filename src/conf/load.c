/* st_conf_load(): the top level, the server, zones, geo and health sections,
 * and health checks. Regions and records live in region.c and record.c. */
#include "conf/load.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/time.h"
#include "dns/rrtype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const st_ynode_t *st_map_key(const st_ynode_t *map, const char *name)
{
	if (!map || map->kind != ST_YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(st_ynode_key(map, i)->str, name) == 0)
			return st_ynode_key(map, i);
	return NULL;
}

const st_ynode_t *st_map_given(const st_ynode_t *map, const char *name)
{
	if (!map || map->kind != ST_YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(st_ynode_key(map, i)->str, name) == 0)
			return st_ynode_is_null(st_ynode_val(map, i)) ? NULL : st_ynode_key(map, i);
	return NULL;
}

const st_ynode_t *st_map_get(const st_ynode_t *map, const char *name)
{
	if (!map || map->kind != ST_YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(st_ynode_key(map, i)->str, name) == 0)
			return st_ynode_val(map, i);
	return NULL;
}

void st_ctx_set_path(st_ctx_t *ctx, const char *section, const char *name)
{
	if (name)
		snprintf(ctx->path, sizeof(ctx->path), "%s.%s", section, name);
	else
		snprintf(ctx->path, sizeof(ctx->path), "%s", section);
}

int st_ctx_section(st_ctx_t *ctx, const char *section, const st_ynode_t *map, const char *what)
{
	st_ctx_set_path(ctx, section, NULL);
	if (st_ynode_is_null(map))
		return 1;
	if (map->kind != ST_YNODE_MAP)
		return st_ctx_error(ctx, map, NULL, "expected a mapping of %s, not %s", what,
				    st_ynode_kind_name(map));
	return 0;
}

int st_load_section(st_ctx_t *ctx, const st_section_t *s, const st_ynode_t *map)
{
	int rc = st_ctx_section(ctx, s->name, map, s->what);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	char *conf = (char *)ctx->conf;
	char *objs = calloc(map->n ? map->n * s->per_entry : 1, s->size);
	if (!objs)
		return ST_ENOMEM;
	memcpy(conf + s->array, &objs, sizeof(objs));
	size_t *count = (size_t *)(conf + s->count);
	ctx->section = map;
	for (size_t i = 0; i < map->n; i++) {
		const st_ynode_t *k = st_ynode_key(map, i), *v = st_ynode_val(map, i);
		char *obj = objs + (*count)++ * s->size;
		char **name = (char **)(obj + s->name_at);
		*(unsigned *)(obj + s->line_at) = k->line;
		st_ctx_set_path(ctx, s->name, NULL);
		if (s->object)
			rc = st_check_object_name(ctx, k, s->object);
		if (rc == 0)
			rc = s->object ? st_ctx_strdup(ctx, k->str, name)
				       : st_ctx_name(ctx, k, NULL, name);
		if (rc != 0)
			return rc;
		st_ctx_set_path(ctx, s->name, k->str);
		if (v->kind != ST_YNODE_MAP)
			return st_ctx_error(ctx, v, NULL, "expected %s, not %s", s->settings,
					    st_ynode_kind_name(v));
		if ((rc = st_schema_apply(ctx, s->table, v, k, obj, NULL)) != 0 ||
		    (rc = s->check(ctx, obj, k, v)) != 0)
			return rc;
	}
	return 0;
}

int st_ctx_nonempty_map(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *what)
{
	if (val->kind != ST_YNODE_MAP || val->n == 0)
		return st_ctx_error(ctx, val, key, "expected a mapping of %s, not %s", what,
				    val->kind == ST_YNODE_MAP ? "an empty one"
							      : st_ynode_kind_name(val));
	return 0;
}

int st_ctx_map_array(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *what,
		     size_t size, void *array, size_t *n, st_map_entry_fn one)
{
	int rc = st_ctx_nonempty_map(ctx, val, key, what);
	if (rc != 0)
		return rc;
	void *elems = calloc(val->n, size);
	if (!elems)
		return ST_ENOMEM;
	memcpy(array, &elems, sizeof(elems));
	for (*n = 0; *n < val->n; (*n)++)
		if ((rc = one(ctx, key, val, *n, elems)) != 0)
			return rc;
	return 0;
}

int st_check_object_name(st_ctx_t *ctx, const st_ynode_t *key, const char *what)
{
	const char *s = key->str;
	size_t len = strlen(s);
	if (len == 0 || len > 63)
		return st_ctx_error(ctx, key, NULL, "%s name '%s' must be 1 to 63 characters", what,
				    s);
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.';
		if (!ok)
			return st_ctx_error(ctx, key, NULL,
					    "%s name '%s' may only hold letters, digits, '-', '_' "
					    "and '.'",
					    what, s);
	}
	return 0;
}

/* ---- server ---------------------------------------------------------- */

int st_parse_list(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
		  const st_list_kind_t *k, void **out, size_t *n_out)
{
	if (val->kind != ST_YNODE_SEQ && (val->kind != ST_YNODE_SCALAR || st_ynode_is_null(val)))
		return st_ctx_error(ctx, val, it->name, "expected a list of %s, not %s", k->what,
				    st_ynode_kind_name(val));
	size_t n;
	const st_ynode_t *const *items = st_ynode_list(&val, &n);
	if (n < k->min)
		return st_ctx_error(ctx, val, it->name, "the list is empty; give at least one %s",
				    k->what);
	char *list = calloc(n ? n : 1, k->size);
	if (!list)
		return ST_ENOMEM;
	int rc = 0;
	size_t got = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *s;
		rc = st_ctx_scalar(ctx, items[i], it->name, &s);
		if (rc == 0)
			rc = k->one(ctx, it, items[i], s, list + i * k->size);
		if (rc == 0)
			got++;
		for (size_t j = 0; rc == 0 && j < i; j++) {
			const void *a = list + j * k->size, *b = list + i * k->size;
			if (k->same ? k->same(a, b) : memcmp(a, b, k->size) == 0)
				rc = st_ctx_error(ctx, items[i], it->name, "'%s' is listed twice",
						  s);
		}
	}
	if (rc != 0) {
		for (size_t i = 0; k->drop && i < got; i++)
			k->drop(list + i * k->size);
		free(list);
		return rc;
	}
	*out = list;
	*n_out = n;
	return 0;
}

static int listen_one(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *node, const char *s,
		      void *elem)
{
	if (st_sockaddr_parse(s, 53, elem) != 0)
		return st_ctx_error(ctx, node, it->name, "'%s' is not ADDR:PORT or [ADDR6]:PORT",
				    s);
	return 0;
}

static int parse_listen(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_t *conf = obj;
	void *list;
	size_t n;
	static const st_list_kind_t kind = {
	    .what = "ADDR:PORT", .min = 1, .size = sizeof(st_sockaddr_t), .one = listen_one};
	int rc = st_parse_list(ctx, it, val, &kind, &list, &n);
	if (rc != 0)
		return rc;
	free(conf->listen);
	conf->listen = list;
	conf->n_listen = n;
	return 0;
}

static int parse_metrics(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s,
			 void *obj)
{
	st_conf_t *conf = obj;
	st_sockaddr_t sa;
	if (st_sockaddr_parse(s, 9153, &sa) != 0)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not ADDR:PORT or [ADDR6]:PORT (numeric address)", s);
	char buf[ST_SOCKADDR_STRLEN];
	st_sockaddr_str(&sa, buf, sizeof(buf));
	free(conf->metrics);
	conf->metrics = NULL;
	return st_ctx_strdup(ctx, buf, &conf->metrics);
}

static int parse_log_level(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	st_conf_t *conf = obj;
	st_log_level_t level;
	if (st_log_level_parse(s, &level) != 0)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not one of: error, warning, notice, info, debug", s);
	free(conf->log_level);
	conf->log_level = NULL;
	return st_ctx_strdup(ctx, s, &conf->log_level);
}

/* server.identity, server.version: one TXT string (up to 255 bytes). */
static int parse_chaos_txt(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
			   const char *s, void *obj)
{
	st_conf_t *conf = obj;
	char **field = strcmp(it->name, "identity") == 0 ? &conf->identity : &conf->version;
	size_t n = strlen(s);
	if (n == 0 || n > 255)
		return st_ctx_error(ctx, val, it->name,
				    "the text must be 1 to 255 bytes long (it is %zu); leave the key "
				    "out to answer REFUSED",
				    n);
	free(*field);
	*field = NULL;
	return st_ctx_strdup(ctx, s, field);
}

/* server.nsid: text as it is, or 0x followed by hex digits. */
static int parse_nsid(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s,
		      void *obj)
{
	st_conf_t *conf = obj;
	uint8_t buf[ST_CONF_NSID_MAX];
	size_t n = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		long got = st_hex_decode(s + 2, strlen(s + 2), buf, sizeof(buf));
		if (got <= 0)
			return st_ctx_error(ctx, val, it->name,
					    "'%s' is not 0x and an even number of hex digits (1 to "
					    "%d bytes)",
					    s, ST_CONF_NSID_MAX);
		n = (size_t)got;
	} else {
		n = strlen(s);
		if (n == 0 || n > sizeof(buf))
			return st_ctx_error(ctx, val, it->name,
					    "the identifier must be 1 to %d bytes long (it is %zu)",
					    ST_CONF_NSID_MAX, n);
		memcpy(buf, s, n);
	}
	uint8_t *p = malloc(n);
	if (!p)
		return ST_ENOMEM;
	memcpy(p, buf, n);
	free(conf->nsid);
	conf->nsid = p;
	conf->nsid_len = (uint8_t)n;
	return 0;
}

static int exempt_one(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *node, const char *s,
		      void *elem)
{
	st_prefix_t *p = elem;
	int rc = st_prefix_parse(s, true, p);
	if (rc == ST_ERANGE) {
		char net[64];
		st_prefix_str(p, net, sizeof(net));
		return st_ctx_error(ctx, node, it->name,
				    "'%s' has address bits set past its prefix length (the "
				    "network is %s)",
				    s, net);
	}
	if (rc != 0)
		return st_ctx_error(ctx, node, it->name,
				    "'%s' is not a network (ADDR/LEN) or an address", s);
	return 0;
}

/* server.rrl.exempt: networks (or single addresses) that are never limited. */
static int parse_exempt(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_rrl_t *rrl = obj;
	void *list;
	size_t n;
	static const st_list_kind_t kind = {.what = "networks (ADDR/LEN or ADDR)",
					    .min = 0,
					    .size = sizeof(st_prefix_t),
					    .one = exempt_one};
	int rc = st_parse_list(ctx, it, val, &kind, &list, &n);
	if (rc != 0)
		return rc;
	free(rrl->exempt);
	rrl->exempt = list;
	rrl->n_exempt = n;
	return 0;
}

static const st_item_t rrl_items[] = {
    ST_KEY("rate", ST_T_UINT, ST_AT(st_conf_rrl_t, rate), ST_RANGE(1, 1000000), ST_DEF("200")),
    ST_KEY("slip", ST_T_UINT, ST_AT(st_conf_rrl_t, slip), ST_RANGE(0, 100), ST_DEF("2")),
    ST_KEY("ipv4_prefix", ST_T_UINT, ST_AT(st_conf_rrl_t, ipv4_prefix), ST_RANGE(8, 32),
	   ST_DEF("24")),
    ST_KEY("ipv6_prefix", ST_T_UINT, ST_AT(st_conf_rrl_t, ipv6_prefix), ST_RANGE(16, 128),
	   ST_DEF("56")),
    ST_KEY("table_size", ST_T_UINT, ST_AT(st_conf_rrl_t, table_size), ST_RANGE(1024, 16777216),
	   ST_DEF("65536")),
    ST_KEY("exempt", ST_T_CUSTOM, ST_PARSE(parse_exempt)),
    ST_END,
};
const st_table_t st_rrl_table = {"server.rrl", rrl_items, "server.rrl (under server:)"};

/* server.rrl: a mapping of rrl_items, `true` for every default, `false` for off. */
static int parse_rrl(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_t *conf = obj;
	st_ynode_t *defaults = NULL;
	if (val->kind == ST_YNODE_SCALAR) {
		bool on;
		if (st_parse_bool(val->str, &on) != 0)
			return st_ctx_error(ctx, val, it->name,
					    "expected a mapping (rate, slip, ipv4_prefix, "
					    "ipv6_prefix, table_size, exempt), true or false, not '%s'",
					    val->str);
		if (!on) {
			free(conf->rrl.exempt);
			memset(&conf->rrl, 0, sizeof(conf->rrl));
			return 0;
		}
		st_diag_t d;
		if (st_ynode_parse_string("{}", 2, "default", &defaults, &d) != 0)
			return ST_ENOMEM;
		val = defaults;
	}
	char saved[sizeof(ctx->path)];
	memcpy(saved, ctx->path, sizeof(saved));
	st_ctx_set_path(ctx, "server.rrl", NULL);
	int rc = st_schema_apply(ctx, &st_rrl_table, val, val, &conf->rrl, NULL);
	memcpy(ctx->path, saved, sizeof(saved));
	st_ynode_free(defaults);
	if (rc == 0)
		conf->rrl.enabled = true;
	return rc;
}

static const st_item_t server_items[] = {
    ST_KEY("listen", ST_T_CUSTOM, ST_DEF("[\"127.0.0.1:53\", \"[::1]:53\"]"),
	   ST_PARSE(parse_listen)),
    ST_KEY("workers", ST_T_UINT, ST_AT(st_conf_t, workers), ST_RANGE(0, 1024), ST_DEF("0")),
    ST_KEY("control", ST_T_PATH, ST_AT(st_conf_t, control)),
    ST_KEY("metrics", ST_T_TEXT, ST_TEXT(parse_metrics)),
    ST_KEY("state_dir", ST_T_PATH, ST_AT(st_conf_t, state_dir)),
    ST_KEY("udp_max_payload", ST_T_UINT, ST_AT(st_conf_t, udp_max_payload), ST_RANGE(512, 4096),
	   ST_DEF("1232")),
    ST_KEY("tcp_idle_timeout", ST_T_DURATION, ST_AT(st_conf_t, tcp_idle_timeout_ms),
	   ST_RANGE(100, 3600000), ST_DEF("10s")),
    ST_KEY("tcp_message_timeout", ST_T_DURATION, ST_AT(st_conf_t, tcp_message_timeout_ms),
	   ST_RANGE(100, 3600000), ST_DEF("2s")),
    ST_KEY("tcp_max_clients", ST_T_UINT, ST_AT(st_conf_t, tcp_max_clients), ST_RANGE(1, 1000000),
	   ST_DEF("1024")),
    ST_KEY("coalesce_us", ST_T_UINT, ST_AT(st_conf_t, coalesce_us), ST_RANGE(0, 10000),
	   ST_DEF("200")),
    ST_KEY("log_level", ST_T_TEXT, ST_DEF("info"), ST_TEXT(parse_log_level)),
    ST_KEY("rrl", ST_T_CUSTOM, ST_PARSE(parse_rrl)),
    ST_KEY("cookies", ST_T_BOOL, ST_AT(st_conf_t, cookies), ST_DEF("false")),
    ST_KEY("identity", ST_T_TEXT, ST_TEXT(parse_chaos_txt)),
    ST_KEY("version", ST_T_TEXT, ST_TEXT(parse_chaos_txt)),
    ST_KEY("nsid", ST_T_TEXT, ST_TEXT(parse_nsid)),
    ST_END,
};
const st_table_t st_server_table = {"server", server_items, "the server: section"};

/* ---- geo, health ------------------------------------------------------ */

static const st_item_t geo_items[] = {
    ST_KEY("database", ST_T_PATH, ST_AT(st_conf_t, geo_database)),
    ST_KEY("coordinates", ST_T_PATH, ST_AT(st_conf_t, geo_coordinates)),
    ST_KEY("latency", ST_T_PATH, ST_AT(st_conf_t, geo_latency)),
    ST_END,
};
const st_table_t st_geo_table = {"geo", geo_items, "the geo: section"};

static const st_enum_t on_stale_enum[] = {
    {"last-known", ST_STALE_LAST_KNOWN},
    {"fail-open", ST_STALE_FAIL_OPEN},
    {NULL},
};

static int parse_source(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	st_conf_t *conf = obj;
	int family;
	uint8_t addr[16];
	if (st_addr_parse(s, &family, addr) != 0 || st_sockaddr_parse(s, 0, &conf->health_source) != 0)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not an IPv4 or IPv6 address (no port)", s);
	conf->has_health_source = true;
	return 0;
}

static const st_item_t health_items[] = {
    ST_KEY("table", ST_T_PATH, ST_AT(st_conf_t, health_table), ST_DEF("run/health.shm")),
    ST_KEY("stale_after", ST_T_DURATION, ST_AT(st_conf_t, stale_after_ms), ST_RANGE(100, 86400000),
	   ST_DEF("10s")),
    ST_KEY("on_stale", ST_T_ENUM, ST_AT(st_conf_t, on_stale), ST_ENUMS(on_stale_enum),
	   ST_DEF("last-known")),
    ST_KEY("source", ST_T_TEXT, ST_TEXT(parse_source)),
    ST_END,
};
const st_table_t st_health_table = {"health", health_items, "the health: section"};

/* ---- checks ------------------------------------------------------------- */

/* "200", 200, "200-399", or a list of those. */
static int parse_status(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_check_t *c = obj;
	size_t n;
	const st_ynode_t *const *items = st_ynode_list(&val, &n);
	if (n == 0)
		return st_ctx_error(ctx, val, it->name, "the list is empty");
	st_status_range_t *r = calloc(n, sizeof(*r));
	if (!r)
		return ST_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s;
		int rc = st_ctx_scalar(ctx, items[i], it->name, &s);
		unsigned lo = 0, hi = 0;
		if (rc == 0) {
			const char *p = s;
			bool ok = *p >= '0' && *p <= '9';
			while (*p >= '0' && *p <= '9' && lo < 1000)
				lo = lo * 10 + (unsigned)(*p++ - '0');
			hi = lo;
			if (ok && *p == '-') {
				p++;
				ok = *p >= '0' && *p <= '9';
				for (hi = 0; *p >= '0' && *p <= '9' && hi < 1000; p++)
					hi = hi * 10 + (unsigned)(*p - '0');
			}
			if (!ok || *p != '\0')
				rc = st_ctx_error(ctx, items[i], it->name,
						  "'%s' is not a status code (200) or a range "
						  "(\"200-399\")",
						  s);
			else if (lo < 100 || hi > 599 || lo > hi)
				rc = st_ctx_error(ctx, items[i], it->name,
						  "'%s' is not within 100-599 (low-high)", s);
		}
		if (rc != 0) {
			free(r);
			return rc;
		}
		r[i].lo = (uint16_t)lo;
		r[i].hi = (uint16_t)hi;
	}
	free(c->expect_status);
	c->expect_status = r;
	c->n_expect_status = n;
	return 0;
}

static int parse_dns_type(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	st_conf_check_t *c = obj;
	uint16_t t = 0;
	if (st_rrtype_parse(s, &t) < 0 || t == 0 || t == ST_TYPE_ANY || t == ST_TYPE_AXFR ||
	    t == ST_TYPE_IXFR)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not a record type (A, AAAA, SOA, TXT, TYPE65...)", s);
	c->dns_type = t;
	return 0;
}

static int parse_dns_rcode(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE"};
	st_conf_check_t *c = obj;
	int rc;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i]) == 0) {
			c->dns_rcode = (int)i;
			return 0;
		}
	}
	uint64_t v;
	if (s[0] >= '0' && s[0] <= '9') {
		if ((rc = st_ctx_uint(ctx, val, it->name, 0, 15, &v)) != 0)
			return rc;
		c->dns_rcode = (int)v;
		return 0;
	}
	return st_ctx_error(
	    ctx, val, it->name,
	    "'%s' is not an rcode (NOERROR, NXDOMAIN, SERVFAIL, REFUSED... or 0-15)", s);
}

static int parse_command(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_check_t *c = obj;
	if (val->kind != ST_YNODE_SEQ || val->n == 0)
		return st_ctx_error(ctx, val, it->name,
				    "expected the command as a list [program, arg...] (it runs "
				    "without a shell), not %s",
				    val->kind == ST_YNODE_SEQ ? "an empty list"
							      : st_ynode_kind_name(val));
	c->exec_argv = calloc(val->n + 1, sizeof(char *));
	if (!c->exec_argv)
		return ST_ENOMEM;
	for (size_t i = 0; i < val->n; i++) {
		const char *s;
		int rc = st_ctx_scalar(ctx, val->items[i], it->name, &s);
		if (rc == 0 && i == 0 && s[0] == '\0')
			rc =
			    st_ctx_error(ctx, val->items[i], it->name, "the program name is empty");
		if (rc == 0)
			rc = st_ctx_strdup(ctx, s, &c->exec_argv[i]);
		if (rc != 0)
			return rc;
		c->exec_argc = i + 1;
	}
	return 0;
}

/* target: a numeric address, with or without a port. */
static int parse_check_target(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
			      const char *s, void *obj)
{
	st_conf_check_t *c = obj;
	return st_ctx_probe_addr(ctx, val, it->name, s, &c->target);
}

static const st_enum_t check_type_enum[] = {
    {"http", ST_CHECK_HTTP}, {"https", ST_CHECK_HTTPS}, {"tcp", ST_CHECK_TCP},
    {"dns", ST_CHECK_DNS},   {"exec", ST_CHECK_EXEC},	{NULL},
};

const char *st_check_type_name(st_check_type_t t)
{
	return st_enum_value_name(check_type_enum, (int)t, "unknown");
}

#define HTTP_T ((1u << ST_CHECK_HTTP) | (1u << ST_CHECK_HTTPS))
#define NET_T (HTTP_T | (1u << ST_CHECK_TCP) | (1u << ST_CHECK_DNS))

static const st_item_t check_items[] = {
    ST_KEY("type", ST_T_ENUM, ST_AT(st_conf_check_t, type), ST_ENUMS(check_type_enum), ST_REQUIRED),
    ST_KEY("port", ST_T_UINT, ST_AT(st_conf_check_t, port), ST_RANGE(1, 65535)),
    ST_KEY("path", ST_T_STR, ST_AT(st_conf_check_t, path), ST_DEF("/")),
    ST_KEY("host", ST_T_STR, ST_AT(st_conf_check_t, host)),
    ST_KEY("expect_status", ST_T_CUSTOM, ST_DEF("200-399"), ST_PARSE(parse_status)),
    ST_KEY("expect_body", ST_T_STR, ST_AT(st_conf_check_t, expect_body)),
    ST_KEY("tls_verify", ST_T_BOOL, ST_AT(st_conf_check_t, tls_verify), ST_DEF("true")),
    ST_KEY("tls_ca_file", ST_T_PATH, ST_AT(st_conf_check_t, tls_ca_file)),
    ST_KEY("dns_name", ST_T_NAME, ST_AT(st_conf_check_t, dns_name), ST_DEF(".")),
    ST_KEY("dns_type", ST_T_TEXT, ST_DEF("A"), ST_TEXT(parse_dns_type)),
    ST_KEY("dns_rcode", ST_T_TEXT, ST_DEF("NOERROR"), ST_TEXT(parse_dns_rcode)),
    ST_KEY("dns_expect", ST_T_STR, ST_AT(st_conf_check_t, dns_expect)),
    ST_KEY("command", ST_T_CUSTOM, ST_PARSE(parse_command)),
    ST_KEY("interval", ST_T_DURATION, ST_AT(st_conf_check_t, interval_ms), ST_RANGE(100, 86400000),
	   ST_DEF("2s")),
    ST_KEY("timeout", ST_T_DURATION, ST_AT(st_conf_check_t, timeout_ms), ST_RANGE(1, 86400000),
	   ST_DEF("1s")),
    ST_KEY("rise", ST_T_UINT, ST_AT(st_conf_check_t, rise), ST_RANGE(1, 100), ST_DEF("2")),
    ST_KEY("fall", ST_T_UINT, ST_AT(st_conf_check_t, fall), ST_RANGE(1, 100), ST_DEF("2")),
    ST_KEY("invert", ST_T_BOOL, ST_AT(st_conf_check_t, invert), ST_DEF("false")),
    ST_KEY("target", ST_T_TEXT, ST_TEXT(parse_check_target)),
    ST_END,
};
const st_table_t st_check_table = {"check", check_items, "a check (under checks:)"};

/* Which check types a key applies to (keys not listed apply to all). */
static const struct {
	const char *key;
	unsigned types;
	const char *types_text;
} check_applies[] = {
    {"port", NET_T, "http, https, tcp and dns"},
    {"target", NET_T, "http, https, tcp and dns"},
    {"path", HTTP_T, "http and https"},
    {"host", HTTP_T, "http and https"},
    {"expect_status", HTTP_T, "http and https"},
    {"expect_body", HTTP_T, "http and https"},
    {"tls_verify", 1u << ST_CHECK_HTTPS, "https"},
    {"tls_ca_file", 1u << ST_CHECK_HTTPS, "https"},
    {"dns_name", 1u << ST_CHECK_DNS, "dns"},
    {"dns_type", 1u << ST_CHECK_DNS, "dns"},
    {"dns_rcode", 1u << ST_CHECK_DNS, "dns"},
    {"dns_expect", 1u << ST_CHECK_DNS, "dns"},
    {"command", 1u << ST_CHECK_EXEC, "exec"},
};

static int check_validate(st_ctx_t *ctx, void *obj, const st_ynode_t *name, const st_ynode_t *map)
{
	const st_conf_check_t *c = obj;
	for (size_t i = 0; i < map->n; i++) {
		const st_ynode_t *k = st_ynode_key(map, i);
		if (st_ynode_is_null(st_ynode_val(map, i)))
			continue;
		for (size_t j = 0; j < sizeof(check_applies) / sizeof(check_applies[0]); j++)
			if (strcmp(k->str, check_applies[j].key) == 0 &&
			    !(check_applies[j].types & (1u << c->type)))
				return st_ctx_error(ctx, k, NULL,
						    "'%s' does not apply to %s checks (only to %s)",
						    k->str, st_check_type_name(c->type),
						    check_applies[j].types_text);
	}
	if (c->type == ST_CHECK_EXEC && c->exec_argc == 0)
		return st_ctx_error(ctx, name, NULL,
				    "an exec check needs 'command: [program, arg...]'");
	if ((c->type == ST_CHECK_HTTP || c->type == ST_CHECK_HTTPS) && c->path[0] != '/')
		return st_ctx_error(ctx, st_map_get(map, "path"), "path",
				    "'%s' must start with '/'", c->path);
	if (c->timeout_ms >= c->interval_ms) {
		char t[32], iv[32];
		st_duration_fmt(c->timeout_ms, t, sizeof(t));
		st_duration_fmt(c->interval_ms, iv, sizeof(iv));
		const char *key = st_map_get(map, "timeout")	? "timeout"
				  : st_map_get(map, "interval") ? "interval"
								: NULL;
		return st_ctx_error(ctx, key ? st_map_get(map, key) : name, key,
				    "timeout %s must be shorter than interval %s", t, iv);
	}
	st_sockaddr_t sa;
	if (c->type == ST_CHECK_TCP && c->target && c->port == 0 &&
	    (st_sockaddr_parse(c->target, 0, &sa) != 0 || st_sockaddr_port(&sa) == 0))
		return st_ctx_error(ctx, st_map_get(map, "target"), "target",
				    "a tcp check needs a port: 'target: ADDR:PORT', or 'port:'");
	return 0;
}

/* ---- top level ---------------------------------------------------------- */

const st_table_t *const st_schema_tables[] = {
    &st_server_table, &st_tsig_table,	  &st_zone_table,   &st_geo_table,    &st_health_table,
    &st_check_table,  &st_region_table, &st_endpoint_table, &st_record_table, &st_fleet_table,
    &st_fleet_tls_table, &st_rrl_table, &st_dnssec_table, NULL,
};

static const st_section_t checks = {"checks",
				    "check name -> check",
				    "the check's settings (type: ...)",
				    "check",
				    ST_SECTION_OF(checks, n_checks, st_conf_check_t, name, 1),
				    &st_check_table,
				    check_validate};

/* In dependency order: endpoints name checks, records name regions. A
 * section is one object through a table, named objects, or its own loader. */
static const struct {
	const char *name;
	const st_table_t *table;
	const st_section_t *objects;
	int (*load)(st_ctx_t *ctx, const st_ynode_t *val);
} sections[] = {
    {"server", &st_server_table, NULL, NULL},
    {"tsig", NULL, &st_tsig_section, NULL},
    {"zones", NULL, NULL, st_load_zones},
    {"geo", &st_geo_table, NULL, NULL},
    {"health", &st_health_table, NULL, NULL},
    {"checks", NULL, &checks, NULL},
    {"regions", NULL, &st_regions_section, NULL},
    {"records", NULL, &st_records_section, NULL},
    {"fleet", NULL, NULL, st_load_fleet},
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

int st_load_defaults(st_conf_t *conf, st_diag_t *diag)
{
	st_ctx_t ctx = {.file = "built-in default", .conf = conf, .diag = diag};
	for (size_t j = 0; j < N_SECTIONS; j++) {
		int rc = sections[j].table
			     ? st_schema_value_defaults(&ctx, sections[j].table, conf)
			     : 0;
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int load_top(st_ctx_t *ctx, const st_ynode_t *root)
{
	if (root->kind != ST_YNODE_MAP)
		return st_ctx_error(ctx, root, NULL,
				    "expected a mapping of sections (server:, zones:...), not %s",
				    st_ynode_kind_name(root));
	const char *names[N_SECTIONS];
	for (size_t j = 0; j < N_SECTIONS; j++)
		names[j] = sections[j].name;
	for (size_t i = 0; i < root->n; i++) {
		const st_ynode_t *k = st_ynode_key(root, i);
		size_t j;
		for (j = 0; j < N_SECTIONS; j++)
			if (strcmp(k->str, sections[j].name) == 0)
				break;
		if (j < N_SECTIONS)
			continue;
		const char *hint = st_suggest(k->str, names, N_SECTIONS);
		if (hint)
			return st_ctx_error(ctx, k, NULL,
					    "unknown section '%s' (did you mean '%s'?)", k->str,
					    hint);
		return st_ctx_error(ctx, k, NULL,
				    "unknown section '%s' (sections are server, tsig, zones, "
				    "geo, health, checks, regions, records, fleet)",
				    k->str);
	}
	static const st_ynode_t empty = {.kind = ST_YNODE_MAP};
	for (size_t j = 0; j < N_SECTIONS; j++) {
		const st_ynode_t *v = st_map_get(root, sections[j].name);
		int rc;
		if (!v)
			v = &empty;
		if (sections[j].objects) {
			rc = st_load_section(ctx, sections[j].objects, v);
		} else if (sections[j].table) {
			st_ctx_set_path(ctx, sections[j].name, NULL);
			rc = st_schema_apply(ctx, sections[j].table, v, v, ctx->conf, NULL);
		} else {
			rc = sections[j].load(ctx, v);
		}
		if (rc != 0)
			return rc;
	}
	return st_nest_link(ctx, root);
}

/* Build a config from a parsed document; takes the tree. */
static int load_tree(const char *path, st_ynode_t *root, st_conf_t **out, st_diag_t *diag)
{
	int rc;
	st_conf_t *conf = st_conf_new();
	st_ctx_t ctx = {.file = path, .conf = conf, .diag = diag};
	const char *slash = strrchr(path, '/');
	if (conf)
		conf->path = strdup(path);
	ctx.dir = slash ? strndup(path, (size_t)(slash - path + (slash == path))) : strdup("");
	if (!conf || !conf->path || !ctx.dir) {
		rc = ST_ENOMEM;
		goto out;
	}
	rc = load_top(&ctx, root);
	if (rc == 0) {
		st_conf_digest(root, conf->digest, sizeof(conf->digest));
		st_conf_warn(conf);
	}
out:
	if (rc == ST_ENOMEM)
		st_diag_set(diag, rc, "%s: out of memory", path);
	st_ynode_free(root);
	free(ctx.dir);
	st_nameset_clear(&ctx.endpoint_names);
	st_nameset_clear(&ctx.owners);
	free(ctx.owner_prev);
	st_nest_clear(&ctx);
	if (rc != 0) {
		st_conf_free(conf);
		return rc;
	}
	*out = conf;
	return 0;
}

int st_conf_load(const char *path, st_conf_t **out, st_diag_t *diag)
{
	st_ynode_t *root = NULL;
	int rc = st_ynode_parse_file(path, path, &root, diag);
	return rc != 0 ? rc : load_tree(path, root, out, diag);
}

int st_conf_load_text(const char *name, const char *text, size_t len, st_conf_t **out,
		      st_diag_t *diag)
{
	st_ynode_t *root = NULL;
	int rc = st_ynode_parse_string(text, len, name, &root, diag);
	return rc != 0 ? rc : load_tree(name, root, out, diag);
}
