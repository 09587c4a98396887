/* The records: section: dynamic owners, their policy and what each policy
 * needs, and the failover budget warning. */
#include "conf/load.h"
#include "common/log.h"
#include "common/time.h"
#include "dns/rrtype.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names --------------------------------------------------------------- */

static int resolve(st_ctx_t *ctx, const st_ynode_t *val, const char *key, bool endpoints_too,
		   bool *is_region, uint32_t *index)
{
	const st_conf_t *conf = ctx->conf;
	const char *s;
	int rc = st_ctx_scalar(ctx, val, key, &s);
	if (rc != 0)
		return rc;
	if (s[0] == '@') {
		*is_region = true;
		return st_nest_ref(ctx, val, key, s, index);
	}
	uint32_t i = st_conf_region_index(conf, s);
	if (i != ST_CONF_NONE) {
		*is_region = true;
		*index = i;
		return 0;
	}
	if (endpoints_too && (i = st_nameset_get(&ctx->endpoint_names, s)) != UINT32_MAX) {
		*is_region = false;
		*index = i;
		return 0;
	}
	size_t n = conf->n_regions + (endpoints_too ? conf->n_endpoints : 0);
	const char **names = calloc(n ? n : 1, sizeof(*names));
	if (!names)
		return ST_ENOMEM;
	size_t k = 0;
	for (size_t j = 0; j < conf->n_regions; j++)
		names[k++] = conf->regions[j].name;
	for (size_t j = 0; endpoints_too && j < conf->n_endpoints; j++)
		names[k++] = conf->endpoints[j].name;
	const char *hint = st_suggest(s, names, n);
	if (hint)
		rc = st_ctx_error(ctx, val, key, "'%s' is not a %s (did you mean '%s'?)", s,
				  endpoints_too ? "region or endpoint" : "region", hint);
	else
		rc = st_ctx_error(ctx, val, key, "'%s' is not a %s defined in regions:", s,
				  endpoints_too ? "region or endpoint" : "region");
	free(names);
	return rc;
}

/* ---- record keys --------------------------------------------------------- */

static int parse_type(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_record_t *r = obj;
	size_t n;
	const st_ynode_t *const *items = st_ynode_list(&val, &n);
	if (n == 0 || n > 2)
		return st_ctx_error(ctx, val, it->name, "expected A, AAAA, CNAME or [A, AAAA]");
	ctx->n_types = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s;
		uint16_t t;
		int rc = st_ctx_scalar(ctx, items[i], it->name, &s);
		if (rc != 0)
			return rc;
		if (st_rrtype_parse(s, &t) != 0 ||
		    (t != ST_TYPE_A && t != ST_TYPE_AAAA && t != ST_TYPE_CNAME))
			return st_ctx_error(ctx, items[i], it->name,
					    "'%s' is not a dynamic record type (A, AAAA or CNAME)",
					    s);
		if (n > 1 && (t == ST_TYPE_CNAME || (i == 1 && t == ctx->types[0])))
			return st_ctx_error(ctx, items[i], it->name,
					    "a list of types is A and AAAA (a CNAME stands alone)");
		ctx->types[ctx->n_types++] = t;
	}
	r->type = ctx->types[0];
	return 0;
}

static int parse_regions(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_record_t *r = obj;
	if (val->kind != ST_YNODE_SEQ || val->n == 0)
		return st_ctx_error(ctx, val, it->name, "expected a list of region names, not %s",
				    val->kind == ST_YNODE_SEQ ? "an empty list"
							      : st_ynode_kind_name(val));
	r->regions = calloc(val->n, sizeof(*r->regions));
	if (!r->regions)
		return ST_ENOMEM;
	for (size_t i = 0; i < val->n; i++) {
		bool is_region;
		uint32_t idx;
		int rc = resolve(ctx, val->items[i], it->name, false, &is_region, &idx);
		if (rc != 0)
			return rc;
		for (size_t j = 0; j < r->n_regions; j++) {
			const char *a = st_nest_ref_name(ctx, r->regions[j]);
			const char *b = st_nest_ref_name(ctx, idx);
			if (a || b ? a && b && strcmp(a, b) == 0 : r->regions[j] == idx)
				return st_ctx_error(ctx, val->items[i], it->name,
						    "%s '%s' is listed twice", b ? "record" : "region",
						    val->items[i]->str);
		}
		r->regions[r->n_regions++] = idx;
	}
	return 0;
}

static int map_entry(st_ctx_t *ctx, const char *key, const st_ynode_t *val, size_t i, void *elems)
{
	st_conf_map_entry_t *map = elems, *m = &map[i];
	const st_ynode_t *k = st_ynode_key(val, i);
	char why[256];
	bool is_region;
	if (st_map_key_parse(k->str, &m->key, why, sizeof(why)) != 0)
		return st_ctx_error(ctx, k, key, "'%s' is not a map key: %s", k->str, why);
	for (size_t j = 0; j < i; j++)
		if (strcmp(map[j].key.text, m->key.text) == 0)
			return st_ctx_error(ctx, k, key, "'%s' is the same key as '%s' (line %u)",
					    k->str, st_ynode_key(val, j)->str, map[j].line);
	m->line = k->line;
	return resolve(ctx, st_ynode_val(val, i), key, false, &is_region, &m->region);
}

static int parse_map(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_record_t *r = obj;
	return st_ctx_map_array(ctx, val, it->name, "location or prefix -> region",
				sizeof(*r->map), &r->map, &r->n_map, map_entry);
}

static int weight_entry(st_ctx_t *ctx, const char *key, const st_ynode_t *val, size_t i,
			void *elems)
{
	st_conf_weight_t *w = (st_conf_weight_t *)elems + i;
	const st_ynode_t *k = st_ynode_key(val, i);
	uint64_t v;
	int rc = resolve(ctx, k, key, true, &w->is_region, &w->index);
	if (rc == 0)
		rc = st_ctx_uint(ctx, st_ynode_val(val, i), key, 0, 1000000, &v);
	if (rc == 0)
		rc = st_ctx_strdup(ctx, k->str, &w->name);
	if (rc != 0)
		return rc;
	w->weight = (uint32_t)v;
	w->line = k->line;
	return 0;
}

static int parse_weights(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_record_t *r = obj;
	return st_ctx_map_array(ctx, val, it->name, "region or endpoint name -> weight",
				sizeof(*r->weights), &r->weights, &r->n_weights, weight_entry);
}

static const st_enum_t policy_enum[] = {
    {"simple", ST_POLICY_SIMPLE},
    {"weighted", ST_POLICY_WEIGHTED},
    {"failover", ST_POLICY_FAILOVER},
    {"multivalue", ST_POLICY_MULTIVALUE},
    {"geolocation", ST_POLICY_GEOLOCATION},
    {"geoproximity", ST_POLICY_GEOPROXIMITY},
    {"latency", ST_POLICY_LATENCY},
    {"cidr", ST_POLICY_CIDR},
    {NULL},
};

static const st_enum_t all_down_enum[] = {
    {"route53", ST_ALL_DOWN_ROUTE53},
    {"servfail", ST_ALL_DOWN_SERVFAIL},
    {"nodata", ST_ALL_DOWN_NODATA},
    {NULL},
};

const char *st_policy_name(st_policy_t p)
{
	return st_enum_value_name(policy_enum, (int)p, "unknown");
}

const char *st_all_down_name(st_all_down_t a)
{
	return st_enum_value_name(all_down_enum, (int)a, "unknown");
}

static const st_item_t record_items[] = {
    ST_KEY("type", ST_T_CUSTOM, ST_PARSE(parse_type), ST_REQUIRED),
    ST_KEY("ttl", ST_T_UINT, ST_AT(st_conf_record_t, ttl), ST_RANGE(0, 2147483647), ST_DEF("20")),
    ST_KEY("policy", ST_T_ENUM, ST_AT(st_conf_record_t, policy), ST_ENUMS(policy_enum),
	   ST_DEF("simple")),
    ST_KEY("regions", ST_T_CUSTOM, ST_PARSE(parse_regions)),
    ST_KEY("map", ST_T_CUSTOM, ST_PARSE(parse_map)),
    ST_KEY("weights", ST_T_CUSTOM, ST_PARSE(parse_weights)),
    ST_KEY("on_all_down", ST_T_ENUM, ST_AT(st_conf_record_t, on_all_down), ST_ENUMS(all_down_enum),
	   ST_DEF("route53")),
    ST_KEY("failover_budget", ST_T_DURATION, ST_AT(st_conf_record_t, failover_budget_ms),
	   ST_RANGE(0, 86400000)),
    ST_KEY("sticky", ST_T_BOOL, ST_AT(st_conf_record_t, sticky.on), ST_DEF("false")),
    ST_KEY("sticky_ipv4_prefix", ST_T_UINT, ST_AT(st_conf_record_t, sticky.ipv4_prefix),
	   ST_RANGE(1, 32), ST_DEF("24")),
    ST_KEY("sticky_ipv6_prefix", ST_T_UINT, ST_AT(st_conf_record_t, sticky.ipv6_prefix),
	   ST_RANGE(1, 128), ST_DEF("56")),
    ST_END,
};
const st_table_t st_record_table = {"record", record_items, "a record (under records:)"};

/* ---- per-policy validation ----------------------------------------------- */

enum { USE_REGIONS = 1, USE_MAP = 2, USE_WEIGHTS = 4 };

static const struct {
	unsigned uses;
	const char *text;
} policy_uses[] = {
    [ST_POLICY_SIMPLE] = {USE_REGIONS, "simple serves the endpoints of 'regions'"},
    [ST_POLICY_WEIGHTED] = {USE_REGIONS | USE_WEIGHTS, "weighted uses 'weights' or 'regions'"},
    [ST_POLICY_FAILOVER] = {USE_REGIONS, "failover uses 'regions' in order"},
    [ST_POLICY_MULTIVALUE] = {USE_REGIONS, "multivalue uses 'regions'"},
    [ST_POLICY_GEOLOCATION] = {USE_MAP, "geolocation uses 'map'"},
    [ST_POLICY_GEOPROXIMITY] = {USE_REGIONS, "geoproximity uses 'regions'"},
    [ST_POLICY_LATENCY] = {USE_REGIONS, "latency uses 'regions'"},
    [ST_POLICY_CIDR] = {USE_MAP, "cidr uses 'map'"},
};

static bool serves_type(const st_conf_t *conf, uint32_t e, void *arg)
{
	const st_conf_endpoint_t *ep = &conf->endpoints[e];
	uint16_t type = *(const uint16_t *)arg;
	return (type == ST_TYPE_A && ep->has_v4) || (type == ST_TYPE_AAAA && ep->has_v6) ||
	       (type == ST_TYPE_CNAME && ep->cname);
}

static int check_family(st_ctx_t *ctx, const st_conf_record_t *r, const st_ynode_t *map)
{
	uint16_t type = r->type;
	if (st_conf_each_endpoint(ctx->conf, r, false, serves_type, &type))
		return 0;
	/* a nested record is of the same type and checked on its own */
	if (st_conf_record_nests(r))
		return 0;
	const char *what = r->type == ST_TYPE_A	     ? "an IPv4 'address'"
			   : r->type == ST_TYPE_AAAA ? "an IPv6 'address' or 'address6'"
						     : "a 'cname'";
	return st_ctx_error(ctx, st_map_get(map, "type"), "type",
			    "the record is type %s but none of the endpoints it can pick has %s",
			    st_rrtype_name(r->type), what);
}

static int record_validate(st_ctx_t *ctx, const st_conf_record_t *r, const st_ynode_t *map,
			   const st_ynode_t *name)
{
	const st_conf_t *conf = ctx->conf;
	static const char *const use_keys[] = {"regions", "map", "weights"};
	unsigned uses = policy_uses[r->policy].uses;
	for (unsigned b = 0; b < 3; b++) {
		const st_ynode_t *k = st_map_given(map, use_keys[b]);
		if (k && !(uses & (1u << b)))
			return st_ctx_error(ctx, k, NULL, "'%s' is not used by policy %s (%s)",
					    use_keys[b], st_policy_name(r->policy),
					    policy_uses[r->policy].text);
	}
	const st_ynode_t *pk = st_map_get(map, "policy");
	const st_ynode_t *at = pk ? pk : name;
	const char *at_key = pk ? "policy" : NULL;
	int rc = st_check_sticky(ctx, map, r->sticky.on, r->policy == ST_POLICY_WEIGHTED,
				 "'sticky' applies to policy weighted (a region's weighted pick "
				 "of an endpoint is made sticky with 'sticky: true' on the region)");
	if (rc != 0)
		return rc;
	switch (r->policy) {
	case ST_POLICY_WEIGHTED:
		if (r->n_weights == 0 && r->n_regions == 0)
			return st_ctx_error(ctx, at, at_key,
					    "policy weighted needs 'weights: { name: weight }' or "
					    "'regions: [...]'");
		/* `regions:` means equal weights; with `weights:` it would be ignored. */
		if (r->n_weights > 0 && r->n_regions > 0)
			return st_ctx_error(
			    ctx, st_map_key(map, "regions"), NULL,
			    "give 'weights' or 'regions' (equal weights), not both");
		break;
	case ST_POLICY_FAILOVER:
		if (r->n_regions < 2)
			return st_ctx_error(ctx, at, at_key,
					    "policy failover needs 'regions:' with at least two "
					    "regions, primary first");
		break;
	case ST_POLICY_GEOLOCATION:
	case ST_POLICY_CIDR: {
		if (r->n_map == 0)
			return st_ctx_error(ctx, at, at_key,
					    "policy %s needs 'map: { key: region }'",
					    st_policy_name(r->policy));
		const st_ynode_t *m = st_map_get(map, "map");
		bool cidr = r->policy == ST_POLICY_CIDR;
		for (size_t i = 0; i < r->n_map; i++) {
			st_map_kind_t kind = r->map[i].key.kind;
			if (kind != ST_MAP_DEFAULT && (kind == ST_MAP_NETWORK) != cidr)
				return st_ctx_error(
				    ctx, st_ynode_key(m, i), "map",
				    "'%s' does not fit policy %s (keys are %s or default)",
				    st_ynode_key(m, i)->str, st_policy_name(r->policy),
				    cidr ? "prefixes such as 192.0.2.0/24"
					 : "continent:, country: or subdivision:");
		}
		break;
	}
	case ST_POLICY_GEOPROXIMITY:
	case ST_POLICY_LATENCY:
		for (size_t i = 0; i < r->n_regions; i++) {
			if (st_conf_is_record(r->regions[i]))
				return st_ctx_error(
				    ctx, st_map_get(map, "regions")->items[i], "regions",
				    "'%s' is a record; policy %s orders regions by their "
				    "location, and a record has none (nest this record in "
				    "the other one instead)",
				    st_map_get(map, "regions")->items[i]->str,
				    st_policy_name(r->policy));
			const st_conf_region_t *g = &conf->regions[r->regions[i]];
			if (!g->has_location)
				return st_ctx_error(
				    ctx, st_map_get(map, "regions")->items[i], "regions",
				    "region '%s' has no location (line %u); policy %s "
				    "needs 'location: [lat, lon]' on every region",
				    g->name, g->line, st_policy_name(r->policy));
		}
		if (r->n_regions > ST_CONF_MAX_ORDER)
			return st_ctx_error(ctx, st_map_get(map, "regions"), "regions",
					    "policy %s orders at most %d regions, not %zu",
					    st_policy_name(r->policy), ST_CONF_MAX_ORDER,
					    r->n_regions);
		/* fall through */
	default:
		if (r->n_regions == 0)
			return st_ctx_error(ctx, at, at_key, "policy %s needs 'regions: [...]'",
					    st_policy_name(r->policy));
		break;
	}
	return check_family(ctx, r, map);
}

/* ---- owners ---------------------------------------------------------------- */

static int check_owner(st_ctx_t *ctx, const st_conf_record_t *r, const st_ynode_t *name)
{
	const st_conf_t *conf = ctx->conf;
	size_t olen = strlen(r->owner);
	const st_conf_zone_t *best = NULL;
	for (size_t i = 0; i < conf->n_zones; i++) {
		const st_conf_zone_t *z = &conf->zones[i];
		size_t zlen = strlen(z->name);
		if (zlen > olen || strcmp(r->owner + olen - zlen, z->name) != 0)
			continue;
		if (zlen < olen && r->owner[olen - zlen - 1] != '.')
			continue;
		if (!best || zlen > strlen(best->name))
			best = z;
	}
	if (!best) {
		char zones[256] = "";
		for (size_t i = 0; i < conf->n_zones; i++) {
			size_t n = strlen(zones);
			snprintf(zones + n, sizeof(zones) - n, "%s%s", n ? ", " : "",
				 conf->zones[i].name);
		}
		return st_ctx_error(ctx, name, NULL,
				    "'%s' is not inside any zone served (zones: %s)", r->owner,
				    conf->n_zones ? zones : "none");
	}
	if (r->type == ST_TYPE_CNAME && strcmp(best->name, r->owner) == 0)
		return st_ctx_error(ctx, name, NULL,
				    "a CNAME cannot be at the zone apex %s (it holds SOA and NS)",
				    best->name);
	/* Earlier records of the same owner, newest first (room for two records
	 * per entry of the section: `type: [A, AAAA]`). */
	if (!ctx->owner_prev &&
	    !(ctx->owner_prev = calloc(2 * ctx->section->n, sizeof(*ctx->owner_prev))))
		return ST_ENOMEM;
	uint32_t idx = (uint32_t)(conf->n_records - 1);
	uint32_t *latest = st_nameset_find(&ctx->owners, r->owner);
	ctx->owner_prev[idx] = latest ? *latest : ST_CONF_NONE;
	for (uint32_t i = ctx->owner_prev[idx]; i != ST_CONF_NONE; i = ctx->owner_prev[i]) {
		const st_conf_record_t *o = &conf->records[i];
		if (o->type == r->type)
			return st_ctx_error(ctx, name, NULL,
					    "record %s %s is given twice (first at line %u)",
					    r->owner, st_rrtype_name(r->type), o->line);
		if (o->type == ST_TYPE_CNAME || r->type == ST_TYPE_CNAME)
			return st_ctx_error(
			    ctx, name, NULL,
			    "%s has a CNAME and an %s record (line %u); a CNAME "
			    "cannot share its name",
			    r->owner, st_rrtype_name(o->type == ST_TYPE_CNAME ? r->type : o->type),
			    o->line);
	}
	if (latest) {
		*latest = idx;
		return 0;
	}
	uint32_t dummy;
	int rc = st_nameset_put(&ctx->owners, r->owner, idx, &dummy);
	return rc < 0 ? rc : 0;
}

static int record_copy(st_conf_record_t *dst, const st_conf_record_t *src)
{
	*dst = *src;
	dst->owner = strdup(src->owner);
	dst->regions = NULL;
	dst->map = NULL;
	dst->weights = NULL;
	dst->n_map = dst->n_weights = 0;
	if (!dst->owner)
		return ST_ENOMEM;
	if (src->n_regions) {
		dst->regions = malloc(src->n_regions * sizeof(*dst->regions));
		if (!dst->regions)
			return ST_ENOMEM;
		memcpy(dst->regions, src->regions, src->n_regions * sizeof(*dst->regions));
	}
	if (src->n_map && !(dst->map = calloc(src->n_map, sizeof(*dst->map))))
		return ST_ENOMEM;
	for (size_t i = 0; i < src->n_map; i++, dst->n_map++)
		dst->map[i] = src->map[i];
	if (src->n_weights && !(dst->weights = calloc(src->n_weights, sizeof(*dst->weights))))
		return ST_ENOMEM;
	for (size_t i = 0; i < src->n_weights; i++, dst->n_weights++) {
		dst->weights[i] = src->weights[i];
		if (!(dst->weights[i].name = strdup(src->weights[i].name)))
			return ST_ENOMEM;
	}
	return 0;
}

/* After the schema: the owner, what the policy needs, and a copy per
 * further type of `type: [A, AAAA]`. */
static int record_check(st_ctx_t *ctx, void *obj, const st_ynode_t *key, const st_ynode_t *val)
{
	st_conf_t *conf = ctx->conf;
	st_conf_record_t *r = obj;
	int rc;
	size_t n_types = ctx->n_types;
	uint16_t types[2] = {ctx->types[0], ctx->types[1]};
	if ((rc = check_owner(ctx, r, key)) != 0 || (rc = record_validate(ctx, r, val, key)) != 0)
		return rc;
	for (size_t t = 1; t < n_types; t++) {
		st_conf_record_t *x = &conf->records[conf->n_records++];
		rc = record_copy(x, r);
		x->type = types[t];
		if (rc != 0 || (rc = check_owner(ctx, x, key)) != 0 ||
		    (rc = record_validate(ctx, x, val, key)) != 0)
			return rc;
	}
	return 0;
}

const st_section_t st_records_section = {
    "records",
    "owner name -> record",
    "the record's settings (type: ..., policy: ...)",
    NULL,
    ST_SECTION_OF(records, n_records, st_conf_record_t, owner, 2),
    &st_record_table,
    record_check};

/* ---- warnings -------------------------------------------------------------- */

typedef struct worst {
	const st_conf_check_t *check;
	uint64_t ms; /* interval x fall + timeout */
} worst_t;

static bool slowest_check(const st_conf_t *conf, uint32_t e, void *arg)
{
	worst_t *w = arg;
	const st_conf_endpoint_t *ep = &conf->endpoints[e];
	for (uint32_t k = 0; k < ep->n_checks; k++) {
		const st_conf_check_t *c = &conf->checks[ep->checks[k]];
		uint64_t ms = c->interval_ms * c->fall + c->timeout_ms;
		if (!w->check || ms > w->ms) {
			w->check = c;
			w->ms = ms;
		}
	}
	return false;
}

/* A CNAME record's region without a cname endpoint answers NODATA whenever
 * the policy picks it: a mistake, where a region of an A or AAAA record may
 * lack one family on purpose. */
static void warn_cname_regions(const st_conf_t *conf, const st_conf_record_t *r)
{
	size_t n = st_conf_candidates(r);
	for (size_t i = 0; i < n; i++) {
		uint32_t t = st_conf_candidate(r, i);
		if (t == ST_CONF_NONE || st_conf_is_record(t))
			continue;
		size_t j = 0;
		while (j < i && st_conf_candidate(r, j) != t)
			j++;
		if (j < i) /* named before: said once */
			continue;
		const st_conf_region_t *g = &conf->regions[t];
		size_t k = 0;
		while (k < g->n_endpoints && !conf->endpoints[g->endpoints[k]].cname)
			k++;
		if (k == g->n_endpoints)
			st_log_warn("record %s CNAME: region %s has no endpoint with a 'cname', so "
				    "the answer is NODATA whenever the policy picks it (%s:%u)",
				    r->owner, g->name, conf->path, r->line);
	}
}

void st_conf_warn(const st_conf_t *conf)
{
	for (size_t i = 0; i < conf->n_records; i++) {
		const st_conf_record_t *r = &conf->records[i];
		if (r->type == ST_TYPE_CNAME)
			warn_cname_regions(conf, r);
		if (r->failover_budget_ms == 0)
			continue;
		worst_t w = {0};
		st_conf_record_each_endpoint(conf, r, slowest_check, &w);
		const st_conf_check_t *worst = w.check;
		uint64_t worst_ms = w.ms;
		char budget[32];
		st_duration_fmt(r->failover_budget_ms, budget, sizeof(budget));
		if (!worst) {
			st_log_warn("record %s %s, failover budget %s cannot be met: none of its "
				    "endpoints has a check, so it never fails over (%s:%u)",
				    r->owner, st_rrtype_name(r->type), budget, conf->path, r->line);
			continue;
		}
		uint64_t total = worst_ms + (uint64_t)r->ttl * 1000;
		if (total <= r->failover_budget_ms)
			continue;
		char iv[32], to[32], ttl[32], tot[32];
		st_duration_fmt(worst->interval_ms, iv, sizeof(iv));
		st_duration_fmt(worst->timeout_ms, to, sizeof(to));
		st_duration_fmt((uint64_t)r->ttl * 1000, ttl, sizeof(ttl));
		st_duration_fmt(total, tot, sizeof(tot));
		st_log_warn("record %s %s, failover budget %s is exceeded: check %s interval %s x "
			    "fall %u + timeout %s + ttl %s = %s; lower the ttl or the check's "
			    "interval or fall (%s:%u)",
			    r->owner, st_rrtype_name(r->type), budget, worst->name, iv, worst->fall,
			    to, ttl, tot, conf->path, r->line);
	}
}
