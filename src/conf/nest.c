/* Records over records: "@name" where a policy names a region stands for
 * the routed record of that owner and of the record's own type (a nested
 * record, Route 53's alias with evaluate-target-health). The records: loop
 * leaves a placeholder per reference; once every record is known they are
 * linked, and the graph they make with cname endpoints into routed names
 * (whose health those endpoints follow) must hold no loop and no chain of
 * more than ST_CONF_MAX_NEST records. */
#include "conf/load.h"
#include "dns/rrtype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int st_nest_ref(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *s,
		uint32_t *target)
{
	st_ynode_t bare = *val;
	bare.str = (char *)s + 1;
	char *name;
	int rc = st_ctx_name(ctx, &bare, key, &name);
	if (rc != 0)
		return rc;
	if (ctx->n_refs == ctx->cap_refs) {
		size_t cap = ctx->cap_refs ? ctx->cap_refs * 2 : 8;
		void *p = realloc(ctx->refs, cap * sizeof(*ctx->refs));
		if (!p) {
			free(name);
			return ST_ENOMEM;
		}
		ctx->refs = p;
		ctx->cap_refs = cap;
	}
	st_conf_ref_t *ref = &ctx->refs[ctx->n_refs];
	memset(ref, 0, sizeof(*ref));
	ref->name = name;
	ref->at = val;
	*target = ST_CONF_RECORD | (uint32_t)ctx->n_refs++;
	return 0;
}

const char *st_nest_ref_name(const st_ctx_t *ctx, uint32_t target)
{
	return st_conf_is_record(target) ? ctx->refs[target & ~ST_CONF_RECORD].name : NULL;
}

void st_nest_clear(st_ctx_t *ctx)
{
	for (size_t i = 0; i < ctx->n_refs; i++)
		free(ctx->refs[i].name);
	free(ctx->refs);
	ctx->refs = NULL;
	ctx->n_refs = ctx->cap_refs = 0;
}

/* A record type's slot in st_conf_ref_t.record and cname_routed. */
static int type_slot(uint16_t type)
{
	return type == ST_TYPE_A ? 0 : type == ST_TYPE_AAAA ? 1 : 2;
}

/* The record of `owner` and `type`, or ST_CONF_NONE; *any gets some record
 * of the owner (ST_CONF_NONE when it has none). */
static uint32_t find_record(st_ctx_t *ctx, const char *owner, uint16_t type, uint32_t *any)
{
	uint32_t *latest = st_nameset_find(&ctx->owners, owner);
	*any = latest ? *latest : ST_CONF_NONE;
	for (uint32_t i = *any; i != ST_CONF_NONE; i = ctx->owner_prev[i])
		if (ctx->conf->records[i].type == type)
			return i;
	return ST_CONF_NONE;
}

/* Call fn with the address of each candidate of r (regions, map values,
 * weights that are no endpoint). */
static int each_target(st_conf_record_t *r, int (*fn)(st_ctx_t *, st_conf_record_t *, uint32_t *),
		       st_ctx_t *ctx)
{
	int rc = 0;
	for (size_t i = 0; i < r->n_regions && rc == 0; i++)
		rc = fn(ctx, r, &r->regions[i]);
	for (size_t i = 0; i < r->n_map && rc == 0; i++)
		rc = fn(ctx, r, &r->map[i].region);
	for (size_t i = 0; i < r->n_weights && rc == 0; i++)
		if (r->weights[i].is_region)
			rc = fn(ctx, r, &r->weights[i].index);
	return rc;
}

/* The record a reference names for r's type, or an error at the reference. */
static int resolve_ref(st_ctx_t *ctx, st_conf_record_t *r, uint32_t *target)
{
	if (!st_conf_is_record(*target))
		return 0;
	st_conf_ref_t *ref = &ctx->refs[*target & ~ST_CONF_RECORD];
	uint32_t any, i = find_record(ctx, ref->name, r->type, &any);
	if (i != ST_CONF_NONE) {
		ref->record[type_slot(r->type)] = i;
		return 0;
	}
	if (any != ST_CONF_NONE) {
		const st_conf_record_t *o = &ctx->conf->records[any];
		return st_ctx_error(ctx, ref->at, NULL,
				    "'@%s' has no %s record (it has %s, line %u): a record "
				    "nests records of its own type",
				    ref->name, st_rrtype_name(r->type), st_rrtype_name(o->type),
				    o->line);
	}
	const st_conf_t *conf = ctx->conf;
	const char **names = calloc(conf->n_records ? conf->n_records : 1, sizeof(*names));
	if (!names)
		return ST_ENOMEM;
	for (size_t k = 0; k < conf->n_records; k++)
		names[k] = conf->records[k].owner;
	const char *hint = st_suggest(ref->name, names, conf->n_records);
	int rc = hint ? st_ctx_error(ctx, ref->at, NULL,
				     "'@%s' is not a routed record (did you mean '@%s'?)",
				     ref->name, hint)
		      : st_ctx_error(ctx, ref->at, NULL,
				     "'@%s' is not a routed record (an owner under records:)",
				     ref->name);
	free(names);
	return rc;
}

static int replace_ref(st_ctx_t *ctx, st_conf_record_t *r, uint32_t *target)
{
	if (st_conf_is_record(*target))
		*target = ST_CONF_RECORD |
			  ctx->refs[*target & ~ST_CONF_RECORD].record[type_slot(r->type)];
	return 0;
}

/* ---- the graph: nested records and cname endpoints into routed names ---- */

typedef struct walk {
	st_ctx_t *ctx;
	const st_ynode_t *root;
	uint8_t *state;	 /* per record: 0 new, 1 on the path, 2 done */
	uint8_t *height; /* per record (done): records in its longest chain */
	uint32_t path[ST_CONF_MAX_NEST + 1];
	unsigned depth;
	int rc;
} walk_t;

/* "a.example.test. A -> b.example.test. A -> ..." from path[from], then `last`. */
static void chain_text(const walk_t *w, unsigned from, uint32_t last, char *buf, size_t len)
{
	const st_conf_t *conf = w->ctx->conf;
	size_t pos = 0;
	buf[0] = '\0';
	for (unsigned i = from; i <= w->depth && pos < len; i++) {
		uint32_t r = i < w->depth ? w->path[i] : last;
		int n = snprintf(buf + pos, len - pos, "%s%s %s", i > from ? " -> " : "",
				 conf->records[r].owner, st_rrtype_name(conf->records[r].type));
		pos += n > 0 ? (size_t)n : 0;
	}
}

static unsigned visit(walk_t *w, uint32_t r);

/* An edge from the record on top of the path to record `to`, written at
 * `at` and called `what` in messages: its chain's height, or 0 with w->rc
 * set. */
static unsigned edge_to(walk_t *w, uint32_t to, const st_ynode_t *at, const char *what)
{
	char chain[1024];
	/* messages name the record that holds the edge */
	st_ctx_set_path(w->ctx, "records", w->ctx->conf->records[w->path[w->depth - 1]].owner);
	if (w->state[to] == 1) {
		unsigned from = 0;
		while (w->path[from] != to)
			from++;
		chain_text(w, from, to, chain, sizeof(chain));
		w->rc = st_ctx_error(w->ctx, at, NULL, "%s makes a loop: %s", what, chain);
		return 0;
	}
	if (w->state[to] == 2 && w->depth + w->height[to] > ST_CONF_MAX_NEST) {
		chain_text(w, 0, to, chain, sizeof(chain));
		w->rc = st_ctx_error(w->ctx, at, NULL,
				     "%s nests records more than %d deep: %s, which nests %u "
				     "more",
				     what, ST_CONF_MAX_NEST, chain, w->height[to] - 1u);
		return 0;
	}
	if (w->state[to] == 0 && w->depth >= ST_CONF_MAX_NEST) {
		chain_text(w, 0, to, chain, sizeof(chain));
		w->rc = st_ctx_error(w->ctx, at, NULL, "%s nests records more than %d deep: %s",
				     what, ST_CONF_MAX_NEST, chain);
		return 0;
	}
	return w->state[to] == 2 ? w->height[to] : visit(w, to);
}

/* The cname endpoints of a CNAME record lead to the routed records of
 * their targets. */
typedef struct via {
	walk_t *w;
	unsigned height;
} via_t;

static bool via_edges(const st_conf_t *conf, uint32_t ep, void *arg)
{
	via_t *v = arg;
	walk_t *w = v->w;
	const st_conf_endpoint_t *e = &conf->endpoints[ep];
	const st_ynode_t *eps = st_map_get(
	    st_map_get(st_map_get(w->root, "regions"), conf->regions[e->region].name), "endpoints");
	const st_ynode_t *at = st_map_get(st_map_get(eps, e->name), "cname");
	char what[320];
	snprintf(what, sizeof(what), "endpoint %s (cname %s, whose health follows its records)",
		 e->name, e->cname);
	for (int t = 0; t < 3 && w->rc == 0; t++) {
		if (e->cname_routed[t] == ST_CONF_NONE)
			continue;
		unsigned h = edge_to(w, e->cname_routed[t], at, what);
		if (h > v->height)
			v->height = h;
	}
	return w->rc != 0;
}

/* Depth-first: the height of r's longest chain (r included), 0 on error. */
static unsigned visit(walk_t *w, uint32_t r)
{
	st_conf_t *conf = w->ctx->conf;
	const st_conf_record_t *rec = &conf->records[r];
	w->state[r] = 1;
	w->path[w->depth++] = r;
	unsigned height = 0;
	for (size_t i = 0; i < st_conf_candidates(rec) && w->rc == 0; i++) {
		uint32_t t = st_conf_candidate(rec, i);
		if (!st_conf_is_record(t))
			continue;
		const st_conf_ref_t *ref = &w->ctx->refs[t & ~ST_CONF_RECORD];
		char what[300];
		snprintf(what, sizeof(what), "'@%s'", ref->name);
		unsigned h = edge_to(w, ref->record[type_slot(rec->type)], ref->at, what);
		if (h > height)
			height = h;
	}
	if (w->rc == 0 && rec->type == ST_TYPE_CNAME) {
		via_t v = {w, 0};
		st_conf_each_endpoint(conf, rec, false, via_edges, &v);
		if (v.height > height)
			height = v.height;
	}
	w->depth--;
	w->state[r] = 2;
	w->height[r] = (uint8_t)(height + 1);
	return w->rc == 0 ? height + 1 : 0;
}

int st_nest_link(st_ctx_t *ctx, const st_ynode_t *root)
{
	st_conf_t *conf = ctx->conf;
	int rc = 0;
	for (size_t k = 0; k < conf->n_records && rc == 0; k++) {
		st_ctx_set_path(ctx, "records", conf->records[k].owner);
		rc = each_target(&conf->records[k], resolve_ref, ctx);
	}
	static const uint16_t types[3] = {ST_TYPE_A, ST_TYPE_AAAA, ST_TYPE_CNAME};
	for (size_t e = 0; e < conf->n_endpoints && rc == 0; e++) {
		st_conf_endpoint_t *ep = &conf->endpoints[e];
		for (int t = 0; t < 3; t++) {
			uint32_t any;
			ep->cname_routed[t] =
			    ep->cname ? find_record(ctx, ep->cname, types[t], &any) : ST_CONF_NONE;
		}
	}
	if (rc != 0 || conf->n_records == 0)
		return rc;
	walk_t w = {.ctx = ctx, .root = root};
	w.state = calloc(conf->n_records, 1);
	w.height = calloc(conf->n_records, 1);
	if (!w.state || !w.height)
		w.rc = ST_ENOMEM;
	for (size_t k = 0; k < conf->n_records && w.rc == 0; k++) {
		if (w.state[k])
			continue;
		st_ctx_set_path(ctx, "records", conf->records[k].owner);
		visit(&w, (uint32_t)k);
	}
	free(w.state);
	free(w.height);
	for (size_t k = 0; k < conf->n_records && w.rc == 0; k++)
		each_target(&conf->records[k], replace_ref, ctx);
	return w.rc;
}

/* ---- endpoints a record can answer with ---- */

size_t st_conf_candidates(const st_conf_record_t *r)
{
	return r->n_regions + r->n_map + r->n_weights;
}

uint32_t st_conf_candidate(const st_conf_record_t *r, size_t i)
{
	if (i < r->n_regions)
		return r->regions[i];
	if (i < r->n_regions + r->n_map)
		return r->map[i - r->n_regions].region;
	const st_conf_weight_t *w = &r->weights[i - r->n_regions - r->n_map];
	return w->is_region ? w->index : ST_CONF_NONE;
}

bool st_conf_record_nests(const st_conf_record_t *r)
{
	for (size_t i = 0; i < st_conf_candidates(r); i++)
		if (st_conf_is_record(st_conf_candidate(r, i)))
			return true;
	return false;
}

bool st_conf_each_endpoint(const st_conf_t *conf, const st_conf_record_t *r, bool nested,
			   bool (*fn)(const st_conf_t *, uint32_t, void *), void *arg)
{
	for (size_t i = 0; i < st_conf_candidates(r); i++) {
		uint32_t reg = st_conf_candidate(r, i);
		if (reg == ST_CONF_NONE) {
			/* a weight on a single endpoint */
			const st_conf_weight_t *w = &r->weights[i - r->n_regions - r->n_map];
			if (fn(conf, w->index, arg))
				return true;
			continue;
		}
		if (st_conf_is_record(reg)) {
			/* linked and free of loops once the config is loaded */
			if (nested &&
			    st_conf_each_endpoint(conf, &conf->records[reg & ~ST_CONF_RECORD], true,
						  fn, arg))
				return true;
			continue;
		}
		const st_conf_region_t *g = &conf->regions[reg];
		for (size_t j = 0; j < g->n_endpoints; j++)
			if (fn(conf, g->endpoints[j], arg))
				return true;
	}
	return false;
}

bool st_conf_record_each_endpoint(const st_conf_t *conf, const st_conf_record_t *r,
				  bool (*fn)(const st_conf_t *conf, uint32_t endpoint, void *arg),
				  void *arg)
{
	return st_conf_each_endpoint(conf, r, true, fn, arg);
}
