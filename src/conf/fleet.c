/* The fleet: section (etcd endpoints, key prefix, quorum, lease and
 * staleness times, TLS) and the quorum rule's text form. */
#include "conf/load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int st_quorum_parse(const char *s, st_quorum_t *out)
{
	if (strcmp(s, "majority") == 0) {
		*out = (st_quorum_t){.kind = ST_QUORUM_MAJORITY};
		return 0;
	}
	if (*s < '0' || *s > '9')
		return ST_EINVAL;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || v == 0)
		return ST_EINVAL;
	if (strcmp(end, "%") == 0) {
		if (v > 100)
			return ST_EINVAL;
		*out = (st_quorum_t){.kind = ST_QUORUM_PERCENT, .n = (uint32_t)v};
		return 0;
	}
	if (*end || v > 1000)
		return ST_EINVAL;
	*out = (st_quorum_t){.kind = ST_QUORUM_COUNT, .n = (uint32_t)v};
	return 0;
}

void st_quorum_fmt(const st_quorum_t *q, char *buf, size_t len)
{
	switch (q->kind) {
	case ST_QUORUM_MAJORITY:
		snprintf(buf, len, "majority");
		break;
	case ST_QUORUM_COUNT:
		snprintf(buf, len, "%u", q->n);
		break;
	case ST_QUORUM_PERCENT:
		snprintf(buf, len, "%u%%", q->n);
		break;
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool st_conf_same_fleet(const st_conf_fleet_t *x, const st_conf_fleet_t *y)
{
	if (x->enabled != y->enabled)
		return false;
	if (!x->enabled)
		return true;
	if (!same_str(x->name, y->name) || !same_str(x->prefix, y->prefix) ||
	    !same_str(x->tls_ca_file, y->tls_ca_file) ||
	    !same_str(x->tls_cert_file, y->tls_cert_file) ||
	    !same_str(x->tls_key_file, y->tls_key_file) || x->view_ttl_ms != y->view_ttl_ms ||
	    x->n_etcd != y->n_etcd)
		return false;
	for (size_t i = 0; i < x->n_etcd; i++)
		if (strcmp(x->etcd[i], y->etcd[i]) != 0)
			return false;
	return true;
}

static int etcd_one(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *node, const char *s,
		    void *elem)
{
	const char *rest = strncmp(s, "http://", 7) == 0    ? s + 7
			   : strncmp(s, "https://", 8) == 0 ? s + 8
							    : NULL;
	const char *colon = rest ? strrchr(rest, ':') : NULL;
	char *end = NULL;
	long port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (!rest || !colon || colon == rest || port < 1 || port > 65535 || *end ||
	    strchr(rest, '/'))
		return st_ctx_error(ctx, node, it->name,
				    "'%s' is not an etcd client URL (http://HOST:PORT or "
				    "https://HOST:PORT, IPv6 in brackets)",
				    s);
	return st_ctx_strdup(ctx, s, elem);
}

static bool same_url(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b) == 0;
}

static void drop_url(void *elem)
{
	free(*(char **)elem);
}

static int parse_etcd(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	static const st_list_kind_t kind = {.what = "etcd client URL (http://HOST:PORT)",
					    .min = 1,
					    .size = sizeof(char *),
					    .one = etcd_one,
					    .same = same_url,
					    .drop = drop_url};
	st_conf_fleet_t *f = obj;
	void *list;
	int rc = st_parse_list(ctx, it, val, &kind, &list, &f->n_etcd);
	if (rc == 0)
		f->etcd = list;
	return rc;
}

static int parse_quorum(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s,
			void *obj)
{
	st_conf_fleet_t *f = obj;
	int rc = 0;
	if (st_quorum_parse(s, &f->quorum) != 0)
		rc = st_ctx_error(ctx, val, it->name,
				  "'%s' is not majority, a count of vantage points (1-1000) or a "
				  "percentage (1%%-100%%)",
				  s);
	return rc;
}

static int parse_prefix(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s, void *obj)
{
	st_conf_fleet_t *f = obj;
	size_t len = strlen(s);
	if (len < 2 || s[0] != '/' || s[len - 1] == '/' || len > 128)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' must start with '/', not end with one, and be 2-128 "
				    "characters (like /steerdns)",
				    s);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return st_ctx_error(ctx, val, it->name,
					    "'%s' holds a space or a control character", s);
	free(f->prefix);
	f->prefix = NULL;
	return st_ctx_strdup(ctx, s, &f->prefix);
}

static const st_item_t tls_items[] = {
    ST_KEY("ca_file", ST_T_PATH, ST_AT(st_conf_fleet_t, tls_ca_file)),
    ST_KEY("cert_file", ST_T_PATH, ST_AT(st_conf_fleet_t, tls_cert_file)),
    ST_KEY("key_file", ST_T_PATH, ST_AT(st_conf_fleet_t, tls_key_file)),
    ST_END,
};
const st_table_t st_fleet_tls_table = {"fleet tls", tls_items, "fleet.tls"};

static int parse_tls(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_fleet_t *f = obj;
	if (val->kind != ST_YNODE_MAP)
		return st_ctx_error(ctx, val, it->name,
				    "expected a mapping (ca_file, cert_file, key_file), not %s",
				    st_ynode_kind_name(val));
	st_ctx_set_path(ctx, "fleet", "tls");
	int rc = st_schema_apply(ctx, &st_fleet_tls_table, val, val, f, NULL);
	st_ctx_set_path(ctx, "fleet", NULL);
	if (rc == 0 && !f->tls_cert_file != !f->tls_key_file)
		rc = st_ctx_error(ctx, val, it->name, "cert_file and key_file go together");
	return rc;
}

static const st_item_t fleet_items[] = {
    ST_KEY("name", ST_T_STR, ST_AT(st_conf_fleet_t, name)),
    ST_KEY("etcd", ST_T_CUSTOM, ST_PARSE(parse_etcd), ST_REQUIRED),
    ST_KEY("prefix", ST_T_TEXT, ST_DEF("/steerdns"), ST_TEXT(parse_prefix)),
    ST_KEY("quorum", ST_T_TEXT, ST_DEF("majority"), ST_TEXT(parse_quorum)),
    ST_KEY("view_ttl", ST_T_DURATION, ST_AT(st_conf_fleet_t, view_ttl_ms), ST_RANGE(2000, 3600000),
	   ST_DEF("5s")),
    ST_KEY("stale_after", ST_T_DURATION, ST_AT(st_conf_fleet_t, stale_after_ms),
	   ST_RANGE(1000, 86400000), ST_DEF("15s")),
    ST_KEY("tls", ST_T_CUSTOM, ST_PARSE(parse_tls)),
    ST_END,
};
const st_table_t st_fleet_table = {"fleet", fleet_items, "the fleet: section"};

/* The host name up to its first dot, when it makes a usable name. */
static int default_name(st_ctx_t *ctx, const st_ynode_t *at, st_conf_fleet_t *f)
{
	char host[256];
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	host[strcspn(host, ".")] = '\0';
	st_ynode_t node = {.kind = ST_YNODE_SCALAR, .str = host, .line = at->line, .col = at->col};
	if (!host[0] || st_check_object_name(ctx, &node, "fleet") != 0)
		return st_ctx_error(ctx, at, NULL,
				    "the host name '%s' is not usable as this site's name: set "
				    "fleet.name",
				    host);
	return st_ctx_strdup(ctx, host, &f->name);
}

int st_load_fleet(st_ctx_t *ctx, const st_ynode_t *map)
{
	st_conf_fleet_t *f = &ctx->conf->fleet;
	st_ctx_set_path(ctx, "fleet", NULL);
	/* absent (the loader's empty stand-in has no line) or null: one box */
	if (st_ynode_is_null(map) || (map->kind == ST_YNODE_MAP && map->line == 0))
		return 0;
	if (map->kind != ST_YNODE_MAP)
		return st_ctx_error(ctx, map, NULL, "expected a mapping (name, etcd, ...), not %s",
				    st_ynode_kind_name(map));
	f->enabled = true;
	f->line = map->line;
	int rc = st_schema_apply(ctx, &st_fleet_table, map, map, f, NULL);
	if (rc != 0)
		return rc;
	if (f->name) {
		const st_ynode_t *v = st_map_get(map, "name");
		if ((rc = st_check_object_name(ctx, v, "fleet")) != 0)
			return rc;
	} else if ((rc = default_name(ctx, map, f)) != 0) {
		return rc;
	}
	if (f->view_ttl_ms % 1000 != 0) {
		const st_ynode_t *v = st_map_get(map, "view_ttl");
		return st_ctx_error(ctx, v, "view_ttl",
				    "etcd leases are whole seconds: write 2s, 5s, 30s...");
	}
	if (f->stale_after_ms < f->view_ttl_ms) {
		const st_ynode_t *v = st_map_get(map, "stale_after");
		return st_ctx_error(ctx, v ? v : map, "stale_after",
				    "must be at least view_ttl: etcd is not given up on before a "
				    "view could expire");
	}
	bool https = false;
	for (size_t i = 0; i < f->n_etcd; i++)
		https |= strncmp(f->etcd[i], "https://", 8) == 0;
	if (!https && (f->tls_ca_file || f->tls_cert_file)) {
		const st_ynode_t *v = st_map_get(map, "tls");
		return st_ctx_error(ctx, v, "tls", "tls is for https:// etcd endpoints; none is");
	}
	return 0;
}
