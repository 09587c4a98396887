/* The regions: section: regions and their endpoints (flattened into
 * st_conf_t.endpoints, names unique across regions). */
#include "conf/load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- endpoints ----------------------------------------------------------- */

static int parse_address(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, const char *s,
			 void *obj)
{
	st_conf_endpoint_t *e = obj;
	int family;
	uint8_t addr[16];
	if (st_addr_parse(s, &family, addr) != 0)
		return st_ctx_error(ctx, val, it->name, "'%s' is not an IPv4 or IPv6 address", s);
	if (strcmp(it->name, "address6") == 0 && family != AF_INET6)
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not an IPv6 address (put IPv4 in 'address')", s);
	if (family == AF_INET) {
		memcpy(e->addr4, addr, 4);
		e->has_v4 = true;
	} else {
		if (e->has_v6)
			return st_ctx_error(
			    ctx, val, it->name,
			    "the endpoint has an IPv6 address already; give IPv4 in "
			    "'address' and IPv6 in 'address6'");
		memcpy(e->addr6, addr, 16);
		e->has_v6 = true;
	}
	return 0;
}

/* One check name of an endpoint's `check:` as its index. */
static int check_index(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, uint32_t *out)
{
	const st_conf_t *conf = ctx->conf;
	const char *s;
	int rc = st_ctx_scalar(ctx, val, it->name, &s);
	if (rc != 0)
		return rc;
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; i < conf->n_checks; i++) {
		if (strcmp(conf->checks[i].name, s) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
		if (n < 64)
			names[n++] = conf->checks[i].name;
	}
	const char *hint = st_suggest(s, names, n);
	if (hint)
		return st_ctx_error(ctx, val, it->name, "no check named '%s' (did you mean '%s'?)",
				    s, hint);
	return st_ctx_error(ctx, val, it->name, "no check named '%s' in the checks: section", s);
}

/* `check: web` or `check: [web, db]` (calculated health). */
static int parse_endpoint_check(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
				void *obj)
{
	st_conf_endpoint_t *e = obj;
	size_t n;
	const st_ynode_t *const *items = st_ynode_list(&val, &n);
	if (n == 0)
		return st_ctx_error(ctx, val, it->name,
				    "the list of checks is empty (leave 'check' out for an "
				    "endpoint that is always healthy)");
	if (n > ST_CONF_MAX_ENDPOINT_CHECKS)
		return st_ctx_error(ctx, val, it->name, "%zu checks, at most %d per endpoint", n,
				    ST_CONF_MAX_ENDPOINT_CHECKS);
	uint32_t *checks = calloc(n, sizeof(*checks));
	if (!checks)
		return ST_ENOMEM;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = check_index(ctx, it, items[i], &checks[i]);
		for (size_t j = 0; j < i && rc == 0; j++)
			if (checks[j] == checks[i])
				rc = st_ctx_error(ctx, items[i], it->name,
						  "check '%s' is listed twice", items[i]->str);
	}
	if (rc != 0) {
		free(checks);
		return rc;
	}
	free(e->checks);
	e->checks = checks;
	e->n_checks = (uint32_t)n;
	e->check = checks[0];
	return 0;
}

/* healthy_when: all | any | N, kept as the number of up checks needed (all:
 * 0 until the checks are known, see endpoint_validate). */
static int parse_healthy_when(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
			      const char *s, void *obj)
{
	st_conf_endpoint_t *e = obj;
	if (strcmp(s, "all") == 0) {
		e->healthy_when = 0;
		return 0;
	}
	if (strcmp(s, "any") == 0) {
		e->healthy_when = 1;
		return 0;
	}
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0')
		return st_ctx_error(ctx, val, it->name,
				    "'%s' is not all, any or a number of checks", s);
	if (v == 0)
		return st_ctx_error(ctx, val, it->name,
				    "0 checks would make the endpoint always healthy: give "
				    "1 or more (or leave 'check' out)");
	if (v > ST_CONF_MAX_ENDPOINT_CHECKS)
		v = ST_CONF_MAX_ENDPOINT_CHECKS + 1; /* more than any list: said below */
	e->healthy_when = (uint32_t)v;
	return 0;
}

static int parse_check_target(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
			      const char *s, void *obj)
{
	st_conf_endpoint_t *e = obj;
	return st_ctx_probe_addr(ctx, val, it->name, s, &e->check_target);
}

static const st_item_t endpoint_items[] = {
    ST_KEY("address", ST_T_TEXT, ST_TEXT(parse_address)),
    ST_KEY("address6", ST_T_TEXT, ST_TEXT(parse_address)),
    ST_KEY("cname", ST_T_NAME, ST_AT(st_conf_endpoint_t, cname)),
    ST_KEY("weight", ST_T_UINT, ST_AT(st_conf_endpoint_t, weight), ST_RANGE(0, 1000000),
	   ST_DEF("1")),
    ST_KEY("check", ST_T_CUSTOM, ST_PARSE(parse_endpoint_check)),
    ST_KEY("healthy_when", ST_T_TEXT, ST_TEXT(parse_healthy_when)),
    ST_KEY("check_target", ST_T_TEXT, ST_TEXT(parse_check_target)),
    ST_END,
};
const st_table_t st_endpoint_table = {"endpoint", endpoint_items,
				      "an endpoint (under a region's endpoints:)"};

/* Can check c probe endpoint e? */
static int endpoint_check_validate(st_ctx_t *ctx, const st_conf_endpoint_t *e,
				   const st_conf_check_t *c, const st_ynode_t *map)
{
	if (c->type == ST_CHECK_EXEC || c->target)
		return 0; /* a check with its own target: conf/load.c checked it */
	if (!e->has_v4 && !e->has_v6 && !e->check_target)
		return st_ctx_error(
		    ctx, st_map_get(map, "check"), "check",
		    "check '%s' (%s) needs an address to probe, and the endpoint has "
		    "only a cname: give 'check_target: ADDR:PORT'",
		    c->name, st_check_type_name(c->type));
	st_sockaddr_t sa;
	bool target_port = e->check_target && st_sockaddr_parse(e->check_target, 0, &sa) == 0 &&
			   st_sockaddr_port(&sa) != 0;
	if (c->type == ST_CHECK_TCP && c->port == 0 && !target_port)
		return st_ctx_error(ctx, st_map_get(map, "check"), "check",
				    "tcp check '%s' has no port: set 'port' in the check or give "
				    "'check_target: ADDR:PORT'",
				    c->name);
	return 0;
}

static int endpoint_validate(st_ctx_t *ctx, st_conf_endpoint_t *e, const st_ynode_t *map,
			     const st_ynode_t *name)
{
	const st_conf_t *conf = ctx->conf;
	if (!e->has_v4 && !e->has_v6 && !e->cname)
		return st_ctx_error(ctx, name, NULL,
				    "the endpoint needs an 'address', 'address6' or 'cname'");
	if (e->check_target && e->check == ST_CONF_NONE)
		return st_ctx_error(ctx, st_map_key(map, "check_target"), NULL,
				    "'check_target' needs a 'check' to say how to probe it");
	if (st_map_given(map, "healthy_when") && e->check == ST_CONF_NONE)
		return st_ctx_error(ctx, st_map_key(map, "healthy_when"), NULL,
				    "'healthy_when' needs a list of checks (check: [a, b])");
	if (e->check == ST_CONF_NONE)
		return 0;
	if (e->healthy_when == 0)
		e->healthy_when = e->n_checks; /* all, the default */
	if (e->healthy_when > e->n_checks)
		return st_ctx_error(ctx, st_map_get(map, "healthy_when"), "healthy_when",
				    "%s is more than the endpoint's %u check%s: it could never be "
				    "healthy",
				    st_map_get(map, "healthy_when")->str, e->n_checks,
				    e->n_checks == 1 ? "" : "s");
	for (uint32_t k = 0; k < e->n_checks; k++) {
		int rc = endpoint_check_validate(ctx, e, &conf->checks[e->checks[k]], map);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int parse_endpoints(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_t *conf = ctx->conf;
	st_conf_region_t *r = obj;
	uint32_t ridx = (uint32_t)(r - conf->regions);
	int err = st_ctx_nonempty_map(ctx, val, it->name, "endpoint name -> { address: ... }");
	if (err != 0)
		return err;
	st_conf_endpoint_t *eps =
	    realloc(conf->endpoints, (conf->n_endpoints + val->n) * sizeof(*eps));
	if (!eps)
		return ST_ENOMEM;
	conf->endpoints = eps;
	r->endpoints = calloc(val->n, sizeof(*r->endpoints));
	if (!r->endpoints)
		return ST_ENOMEM;
	char saved[sizeof(ctx->path)];
	memcpy(saved, ctx->path, sizeof(saved));
	int rc = 0;
	for (size_t i = 0; i < val->n && rc == 0; i++) {
		const st_ynode_t *k = st_ynode_key(val, i), *v = st_ynode_val(val, i);
		uint32_t eidx = (uint32_t)conf->n_endpoints;
		st_conf_endpoint_t *e = &conf->endpoints[conf->n_endpoints++];
		memset(e, 0, sizeof(*e));
		e->region = ridx;
		e->check = ST_CONF_NONE;
		e->line = k->line;
		r->endpoints[r->n_endpoints++] = eidx;
		memcpy(ctx->path, saved, sizeof(saved));
		if ((rc = st_check_object_name(ctx, k, "endpoint")) != 0)
			break;
		uint32_t j;
		rc = st_nameset_put(&ctx->endpoint_names, k->str, eidx, &j);
		if (rc == 1) {
			const st_conf_endpoint_t *o = &conf->endpoints[j];
			rc = st_ctx_error(ctx, k, NULL,
					  "endpoint name '%s' is used already in region %s "
					  "(line %u); endpoint names are unique across regions",
					  k->str, conf->regions[o->region].name, o->line);
		}
		if (rc != 0)
			break;
		const st_ynode_t *clash = st_map_key(ctx->section, k->str);
		if (rc == 0 && clash)
			rc = st_ctx_error(
			    ctx, k, NULL,
			    "endpoint name '%s' is also a region name (line %u); rename "
			    "one so that weights keys are unambiguous",
			    k->str, clash->line);
		if (rc == 0)
			rc = st_ctx_strdup(ctx, k->str, &e->name);
		if (rc != 0)
			break;
		/* Names are short (63 at most): the path always fits. */
		if (snprintf(ctx->path, sizeof(ctx->path), "%s.endpoints.%s", saved, k->str) < 0)
			ctx->path[0] = '\0';
		if (v->kind != ST_YNODE_MAP) {
			rc = st_ctx_error(
			    ctx, v, NULL,
			    "expected the endpoint's settings ({ address: ... }), not %s",
			    st_ynode_kind_name(v));
			break;
		}
		rc = st_schema_apply(ctx, &st_endpoint_table, v, k, e, NULL);
		if (rc == 0)
			rc = endpoint_validate(ctx, e, v, k);
	}
	memcpy(ctx->path, saved, sizeof(saved));
	return rc;
}

/* ---- regions ------------------------------------------------------------- */

int st_check_sticky(st_ctx_t *ctx, const st_ynode_t *map, bool on, bool applies,
		    const char *why)
{
	static const char *const prefixes[] = {"sticky_ipv4_prefix", "sticky_ipv6_prefix"};
	if (on && !applies)
		return st_ctx_error(ctx, st_map_key(map, "sticky"), NULL, "%s", why);
	for (size_t i = 0; !on && i < 2; i++)
		if (st_map_given(map, prefixes[i]))
			return st_ctx_error(ctx, st_map_key(map, prefixes[i]), NULL,
					    "'%s' needs 'sticky: true'", prefixes[i]);
	return 0;
}

static int parse_location(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_region_t *r = obj;
	if (val->kind != ST_YNODE_SEQ || val->n != 2)
		return st_ctx_error(
		    ctx, val, it->name,
		    "expected [latitude, longitude] in degrees, e.g. [38.9, -77.4]");
	double v[2];
	static const double lim[2] = {90, 180};
	static const char *const what[2] = {"latitude", "longitude"};
	for (int i = 0; i < 2; i++) {
		const char *s;
		char *end;
		int rc = st_ctx_scalar(ctx, val->items[i], it->name, &s);
		if (rc != 0)
			return rc;
		v[i] = strtod(s, &end);
		if (end == s || *end != '\0' || !isfinite(v[i]))
			return st_ctx_error(ctx, val->items[i], it->name,
					    "%s '%s' is not a number of degrees", what[i], s);
		if (v[i] < -lim[i] || v[i] > lim[i])
			return st_ctx_error(ctx, val->items[i], it->name,
					    "%s %s is out of range (-%g..%g)", what[i], s, lim[i],
					    lim[i]);
	}
	r->lat = v[0];
	r->lon = v[1];
	r->has_location = true;
	return 0;
}

static const st_enum_t select_enum[] = {
    {"weighted", ST_SELECT_WEIGHTED},
    {"all", ST_SELECT_ALL},
    {"multivalue", ST_SELECT_MULTIVALUE},
    {NULL},
};

static const st_item_t region_items[] = {
    ST_KEY("location", ST_T_CUSTOM, ST_PARSE(parse_location)),
    ST_KEY("dial", ST_T_UINT, ST_AT(st_conf_region_t, dial), ST_RANGE(0, 100), ST_DEF("100")),
    ST_KEY("bias", ST_T_INT, ST_AT(st_conf_region_t, bias), ST_RANGE(-99, 99), ST_DEF("0")),
    ST_KEY("select", ST_T_ENUM, ST_AT(st_conf_region_t, select), ST_ENUMS(select_enum),
	   ST_DEF("weighted")),
    ST_KEY("select_max", ST_T_UINT, ST_AT(st_conf_region_t, select_max), ST_RANGE(1, 8),
	   ST_DEF("8")),
    ST_KEY("min_healthy", ST_T_UINT, ST_AT(st_conf_region_t, min_healthy), ST_RANGE(0, 100000),
	   ST_DEF("1")),
    ST_KEY("sticky", ST_T_BOOL, ST_AT(st_conf_region_t, sticky.on), ST_DEF("false")),
    ST_KEY("sticky_ipv4_prefix", ST_T_UINT, ST_AT(st_conf_region_t, sticky.ipv4_prefix),
	   ST_RANGE(1, 32), ST_DEF("24")),
    ST_KEY("sticky_ipv6_prefix", ST_T_UINT, ST_AT(st_conf_region_t, sticky.ipv6_prefix),
	   ST_RANGE(1, 128), ST_DEF("56")),
    ST_KEY("endpoints", ST_T_CUSTOM, ST_PARSE(parse_endpoints), ST_REQUIRED),
    ST_END,
};
const st_table_t st_region_table = {"region", region_items, "a region (under regions:)"};

static int region_check(st_ctx_t *ctx, void *obj, const st_ynode_t *key, const st_ynode_t *map)
{
	const st_conf_region_t *r = obj;
	if (r->min_healthy > r->n_endpoints)
		return st_ctx_error(ctx, st_map_get(map, "min_healthy"), "min_healthy",
				    "%u is more than the region's %zu endpoint%s: it could never "
				    "be healthy",
				    r->min_healthy, r->n_endpoints, r->n_endpoints == 1 ? "" : "s");
	if (r->select != ST_SELECT_MULTIVALUE && st_map_given(map, "select_max"))
		return st_ctx_error(ctx, st_map_key(map, "select_max"), NULL,
				    "'select_max' applies only to 'select: multivalue'");
	return st_check_sticky(ctx, map, r->sticky.on, r->select == ST_SELECT_WEIGHTED,
			       "'sticky' applies to 'select: weighted' (one endpoint by weight)");
}

const st_section_t st_regions_section = {
    "regions",
    "region name -> region",
    "the region's settings (endpoints: ...)",
    "region",
    ST_SECTION_OF(regions, n_regions, st_conf_region_t, name, 1),
    &st_region_table,
    region_check};
