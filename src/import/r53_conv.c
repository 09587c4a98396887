/* Route 53 record sets -> static RRs of the zone file and routed records of
 * steerd.yaml. A name and type without a SetIdentifier is static (simple
 * routing); one with SetIdentifiers is a routed record whose policy is the
 * routing field its sets carry, each set becoming a region of its own. */
#include "import/internal.h"
#include "conf/mapkey.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIAS_TTL 60 /* what Route 53 answers an alias to a load balancer with */
#define DEFAULT_TTL 300

void r53_drop(r53_conv_t *cv, r53_set_t *s, const char *fmt, ...)
{
	if (s->dropped)
		return;
	s->dropped = true;
	va_list ap;
	va_start(ap, fmt);
	char why[768];
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	st_buf_printf(cv->report, "not converted: %s: %s\n", s->label, why);
	cv->n_dropped++;
}

void r53_warn(r53_conv_t *cv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char text[768];
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	st_buf_printf(cv->report, "warning: %s\n", text);
	cv->n_warnings++;
}

/* ---- groups of one name and type ----------------------------------------- */

typedef struct group {
	char *key; /* "name TYPE" */
	r53_set_t **sets;
	size_t n;
} group_t;

typedef struct groups {
	group_t *g;
	size_t n;
	st_nameset_t index;
} groups_t;

static int group_sets(r53_input_t *in, groups_t *gs)
{
	if (in->n_sets && !(gs->g = calloc(in->n_sets, sizeof(*gs->g))))
		return ST_ENOMEM;
	for (size_t i = 0; i < in->n_sets; i++) {
		r53_set_t *s = &in->sets[i];
		size_t len = strlen(s->name) + strlen(s->type) + 2;
		char *key = malloc(len);
		if (!key)
			return ST_ENOMEM;
		snprintf(key, len, "%s %s", s->name, s->type);
		uint32_t at;
		int rc = st_nameset_put(&gs->index, key, (uint32_t)gs->n, &at);
		if (rc < 0) {
			free(key);
			return rc;
		}
		group_t *g;
		if (rc == 1) {
			free(key);
			g = &gs->g[at];
		} else {
			g = &gs->g[gs->n++];
			g->key = key;
			if (!(g->sets = calloc(in->n_sets, sizeof(*g->sets))))
				return ST_ENOMEM;
		}
		g->sets[g->n++] = s;
	}
	return 0;
}

static void groups_clear(groups_t *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		free(gs->g[i].key);
		free(gs->g[i].sets);
	}
	free(gs->g);
	st_nameset_clear(&gs->index);
}

static const group_t *group_find(const groups_t *gs, const char *name, const char *type)
{
	char key[1200];
	snprintf(key, sizeof(key), "%s %s", name, type);
	uint32_t i = st_nameset_get(&gs->index, key);
	return i == UINT32_MAX ? NULL : &gs->g[i];
}

static bool in_zone(const char *zone, const char *name)
{
	size_t nl = strlen(name), zl = strlen(zone);
	return strcmp(name, zone) == 0 ||
	       (nl > zl && strcmp(name + nl - zl, zone) == 0 && name[nl - zl - 1] == '.');
}

/* ---- static RRs ------------------------------------------------------------- */

/* Route 53 takes the names in CNAME, NS, PTR, MX and SRV data as absolute,
 * dot or not; a zone file would append the origin. */
static int name_field(const char *type)
{
	if (!strcmp(type, "CNAME") || !strcmp(type, "NS") || !strcmp(type, "PTR"))
		return 0;
	if (!strcmp(type, "MX"))
		return 1;
	if (!strcmp(type, "SRV"))
		return 3;
	return -1;
}

static char *rr_text(const char *owner, uint32_t ttl, const char *type, const char *value)
{
	st_buf_t b;
	st_buf_init(&b);
	st_buf_printf(&b, "%s %u IN %s ", owner, ttl, type);
	int field = name_field(type);
	const char *p = value;
	for (int f = 0; f < field && *p; f++) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	size_t end = field < 0 ? 0 : strcspn(p, " \t");
	if (field >= 0 && end > 0 && p[end - 1] != '.' && p[end] == '\0') {
		st_buf_puts(&b, value);
		st_buf_puts(&b, ".");
	} else {
		st_buf_puts(&b, value);
	}
	return st_buf_steal(&b, NULL);
}

static int add_rr(r53_conv_t *cv, r53_set_t *s, const char *owner, const char *type, char *text)
{
	r53_rr_t *rrs = realloc(cv->rrs, (cv->n_rrs + 1) * sizeof(*rrs));
	if (!rrs) {
		free(text);
		return ST_ENOMEM;
	}
	cv->rrs = rrs;
	cv->rrs[cv->n_rrs++] = (r53_rr_t){.owner = owner, .type = type, .text = text, .set = s};
	return 0;
}

/* The RRs of a set as zone file lines, each checked by ldns first: a value
 * the zone loader would refuse leaves the set out with ldns's reason. */
static int static_set(r53_conv_t *cv, r53_set_t *s, const char *owner, uint32_t ttl,
		      const r53_set_t *data)
{
	size_t first = cv->n_rrs;
	ldns_rdf *origin = ldns_dname_new_frm_str(cv->zone);
	if (!origin)
		return ST_ENOMEM;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < data->n_values; i++) {
		char *text = rr_text(owner, ttl, data->type, data->values[i]);
		if (!text) {
			rc = ST_ENOMEM;
			break;
		}
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_str(&rr, text, ttl, origin, NULL);
		ldns_rr_free(rr);
		if (st != LDNS_STATUS_OK) {
			r53_drop(cv, s, "value '%s': %s", data->values[i],
				 ldns_get_errorstr_by_id(st));
			free(text);
			break;
		}
		rc = add_rr(cv, s, owner, data->type, text);
	}
	ldns_rdf_deep_free(origin);
	if (s->dropped)
		for (size_t i = first; i < cv->n_rrs; i++)
			cv->rrs[i].dropped = true;
	return rc;
}

static bool cname_present(const r53_conv_t *cv, const char *owner, const char *text)
{
	for (size_t i = 0; i < cv->n_rrs; i++)
		if (!strcmp(cv->rrs[i].type, "CNAME") && !strcmp(cv->rrs[i].owner, owner) &&
		    !strcmp(cv->rrs[i].text, text))
			return true;
	return false;
}

static bool is_routed(const group_t *g)
{
	return g && g->n > 0 && g->sets[0]->set_id;
}

static int add_rec(r53_conv_t *cv, r53_rec_t *rec)
{
	r53_rec_t *recs = realloc(cv->recs, (cv->n_recs + 1) * sizeof(*recs));
	if (!recs) {
		free(rec->sets);
		return ST_ENOMEM;
	}
	cv->recs = recs;
	cv->recs[cv->n_recs++] = *rec;
	return 0;
}

static void nested_warning(r53_conv_t *cv, const r53_set_t *s)
{
	if (!s->alias_evaluate)
		r53_warn(cv,
			 "%s: alias to %s with EvaluateTargetHealth false: steerd counts the "
			 "target's health all the same",
			 s->label, s->alias_target);
}

/* An alias without routing to a routed record of the zone: a simple record
 * over it ("@target"), answered with its answer as Route 53 does. */
static int alias_routed(r53_conv_t *cv, const group_t *tg, r53_set_t *s)
{
	uint32_t ttl = UINT32_MAX;
	for (size_t i = 0; i < tg->n; i++)
		if (tg->sets[i]->has_ttl && tg->sets[i]->ttl < ttl)
			ttl = tg->sets[i]->ttl;
	r53_rec_t rec = {.owner = s->name,
			 .type = s->type,
			 .policy = ST_POLICY_SIMPLE,
			 .ttl = ttl == UINT32_MAX ? ALIAS_TTL : ttl,
			 .sets = calloc(1, sizeof(*rec.sets))};
	if (!rec.sets)
		return ST_ENOMEM;
	s->nested = true;
	rec.sets[rec.n_sets++] = s;
	nested_warning(cv, s);
	return add_rec(cv, &rec);
}

/* An alias without routing: the target's data when it is static data of
 * this zone (what Route 53 answers), a record over the target when it is
 * routed, else a CNAME to the target. */
static int alias_static(r53_conv_t *cv, const groups_t *gs, r53_set_t *s)
{
	const char *to = s->alias_target;
	const group_t *tg = in_zone(cv->zone, to) ? group_find(gs, to, s->type) : NULL;
	if (tg && !is_routed(tg) && !tg->sets[0]->alias && !tg->sets[0]->dropped) {
		const r53_set_t *d = tg->sets[0];
		r53_warn(cv,
			 "%s: alias to %s %s in the zone, written as a copy of its records "
			 "(change both together)",
			 s->label, to, s->type);
		return static_set(cv, s, s->name, d->has_ttl ? d->ttl : DEFAULT_TTL, d);
	}
	if (tg && is_routed(tg) && strcmp(to, s->name) != 0)
		return alias_routed(cv, tg, s);
	if (!strcmp(s->name, cv->zone)) {
		r53_drop(cv, s,
			 "an alias at the zone apex to %s: it would be a CNAME, and a CNAME "
			 "cannot stand at the apex beside the SOA and NS records",
			 to);
		return 0;
	}
	char *text = rr_text(s->name, ALIAS_TTL, "CNAME", to);
	if (!text)
		return ST_ENOMEM;
	if (cname_present(cv, s->name, text)) { /* the A and AAAA alias of one name */
		free(text);
		return 0;
	}
	if (!in_zone(cv->zone, to))
		r53_warn(cv,
			 "%s: alias to %s outside the zone (a load balancer, CloudFront, S3) "
			 "answered with a CNAME, TTL %d",
			 s->label, to, ALIAS_TTL);
	else
		r53_warn(cv, "%s: alias to %s, %s in the zone, answered with a CNAME, TTL %d",
			 s->label, to, is_routed(tg) ? "a routed record" : "a name", ALIAS_TTL);
	if (s->alias_evaluate)
		r53_warn(cv, "%s: EvaluateTargetHealth is not followed through a CNAME", s->label);
	return add_rr(cv, s, s->name, "CNAME", text);
}

/* ---- routed records --------------------------------------------------------- */

static bool block_known(const r53_input_t *in, const char *location)
{
	for (size_t i = 0; i < in->n_blocks; i++)
		if (!strcmp(in->blocks[i].location, location))
			return true;
	return false;
}

/* "continent:EU", "country:US", "subdivision:US-WA" or "default". */
void r53_geo_key(const r53_set_t *s, char *buf, size_t len)
{
	if (s->geo_country && !strcmp(s->geo_country, "*"))
		snprintf(buf, len, "default");
	else if (s->geo_country && s->geo_subdivision)
		snprintf(buf, len, "subdivision:%s-%s", s->geo_country, s->geo_subdivision);
	else if (s->geo_country)
		snprintf(buf, len, "country:%s", s->geo_country);
	else
		snprintf(buf, len, "continent:%s", s->geo_continent ? s->geo_continent : "");
}

/* Where a geoproximity set is; the reason it cannot be placed, or NULL. */
static const char *gp_place(r53_conv_t *cv, r53_set_t *s)
{
	if (s->gp_has_coords)
		return NULL;
	if (s->gp_region) {
		if (r53_aws_region_location(s->gp_region, &s->gp_lat, &s->gp_lon))
			return NULL;
		return "GeoProximityLocation.AWSRegion is not an AWS region this version knows";
	}
	/* A Local Zone Group ("us-east-1-bos-1") sits near its parent region. */
	char parent[64];
	snprintf(parent, sizeof(parent), "%s", s->gp_zone_group);
	for (char *dash; (dash = strrchr(parent, '-'));) {
		*dash = '\0';
		if (r53_aws_region_location(parent, &s->gp_lat, &s->gp_lon)) {
			r53_warn(cv, "%s: Local Zone Group %s placed at its parent region %s",
				 s->label, s->gp_zone_group, parent);
			return NULL;
		}
	}
	return "GeoProximityLocation.LocalZoneGroup names no AWS region this version knows";
}

static bool valid_name(const char *s)
{
	ldns_rdf *d = ldns_dname_new_frm_str(s);
	ldns_rdf_deep_free(d);
	return d != NULL;
}

/* Can this set take part in its record? Drops it with the reason if not. */
static void check_set(r53_conv_t *cv, r53_set_t *s)
{
	char key[64], why[256];
	st_map_key_t mk;
	switch (s->policy) {
	case ST_POLICY_LATENCY:
		if (!r53_aws_region_location(s->region, &s->gp_lat, &s->gp_lon))
			r53_drop(cv, s, "Region %s is not an AWS region this version knows",
				 s->region);
		break;
	case ST_POLICY_GEOPROXIMITY: {
		const char *no = gp_place(cv, s);
		if (no)
			r53_drop(cv, s, "%s", no);
		break;
	}
	case ST_POLICY_GEOLOCATION:
		r53_geo_key(s, key, sizeof(key));
		if (st_map_key_parse(key, &mk, why, sizeof(why)) != 0)
			r53_drop(cv, s, "GeoLocation %s: %s", key, why);
		break;
	case ST_POLICY_CIDR:
		if (strcmp(s->cidr_location, "*") != 0 && !block_known(cv->in, s->cidr_location))
			r53_drop(cv, s,
				 "CIDR location %s is in no --cidr-blocks file (the output of "
				 "`aws route53 list-cidr-blocks --collection-id %s`)",
				 s->cidr_location, s->cidr_collection ? s->cidr_collection : "ID");
		break;
	default:
		break;
	}
	uint8_t buf[16];
	for (size_t i = 0; !s->dropped && i < s->n_values; i++) {
		const char *v = s->values[i];
		bool ok = !strcmp(s->type, "A")	     ? inet_pton(AF_INET, v, buf) == 1
			  : !strcmp(s->type, "AAAA") ? inet_pton(AF_INET6, v, buf) == 1
						     : s->n_values == 1 && valid_name(v);
		if (!ok)
			r53_drop(cv, s, "'%s' is not %s", v,
				 !strcmp(s->type, "A")	    ? "an IPv4 address"
				 : !strcmp(s->type, "AAAA") ? "an IPv6 address"
							    : "one domain name");
	}
	if (!s->dropped && s->nested)
		nested_warning(cv, s);
	else if (!s->dropped && s->alias && !in_zone(cv->zone, s->alias_target))
		r53_warn(cv,
			 "%s: alias to %s outside the zone (a load balancer, CloudFront, S3) "
			 "answered with a CNAME",
			 s->label, s->alias_target);
	else if (!s->dropped && s->alias)
		r53_warn(cv, "%s: alias to %s in the zone answered with a CNAME", s->label,
			 s->alias_target);
	if (!s->dropped && s->alias && !s->nested && s->alias_evaluate)
		r53_warn(cv, "%s: EvaluateTargetHealth is not followed through a CNAME", s->label);
}

static int routed(r53_conv_t *cv, const groups_t *gs, const group_t *g)
{
	r53_set_t *first = g->sets[0];
	const char *type = first->type;
	bool addr = !strcmp(type, "A") || !strcmp(type, "AAAA");
	/* Latency and geoproximity order regions by where they are: a record
	 * over a record has no place, so those aliases stay CNAMEs. */
	bool placed = first->policy == ST_POLICY_LATENCY || first->policy == ST_POLICY_GEOPROXIMITY;
	size_t n_alias = 0;
	for (size_t i = 0; i < g->n; i++) {
		r53_set_t *s = g->sets[i];
		if (!addr && strcmp(type, "CNAME") != 0)
			r53_drop(cv, s,
				 "steerd routes A, AAAA and CNAME records; a routed %s record "
				 "cannot be converted",
				 type);
		else if (s->policy != first->policy || !s->set_id)
			r53_drop(cv, s, "the record sets of %s %s mix routing policies", s->name,
				 type);
		if (s->alias && !placed && in_zone(cv->zone, s->alias_target) &&
		    strcmp(s->alias_target, s->name) != 0 &&
		    is_routed(group_find(gs, s->alias_target, type)))
			s->nested = true;
		n_alias += s->alias && !s->nested;
	}
	/* An address record answers with addresses or, all aliases, a CNAME. */
	bool as_cname = addr && n_alias == g->n;
	bool apex = !strcmp(first->name, cv->zone);
	for (size_t i = 0; i < g->n; i++) {
		r53_set_t *s = g->sets[i];
		if (!strncmp(s->name, "*.", 2))
			r53_drop(cv, s,
				 "steerd routes no wildcard names (serve it static, or "
				 "route each name)");
		else if (apex && (as_cname || !strcmp(type, "CNAME")))
			r53_drop(cv, s,
				 "%s at the zone apex: it would be a CNAME, and a CNAME cannot "
				 "stand at the apex beside the SOA and NS records",
				 s->alias ? "an alias" : "a CNAME");
	}
	if (addr && n_alias > 0 && n_alias < g->n)
		for (size_t i = 0; i < g->n; i++)
			if (g->sets[i]->alias && !g->sets[i]->nested)
				r53_drop(
				    cv, g->sets[i],
				    "an alias among %s record sets with addresses (steerd "
				    "answers a routed name with addresses or a CNAME, not both)",
				    type);
	r53_rec_t rec = {.owner = first->name,
			 .type = as_cname ? "CNAME" : type,
			 .policy = first->policy,
			 .ttl = UINT32_MAX};
	if (!(rec.sets = calloc(g->n, sizeof(*rec.sets))))
		return ST_ENOMEM;
	bool ttls_differ = false;
	for (size_t i = 0; i < g->n; i++) {
		r53_set_t *s = g->sets[i];
		if (!s->dropped)
			check_set(cv, s);
		if (s->dropped)
			continue;
		uint32_t ttl = s->has_ttl ? s->ttl : ALIAS_TTL;
		ttls_differ |= rec.ttl != UINT32_MAX && rec.ttl != ttl;
		if (ttl < rec.ttl)
			rec.ttl = ttl;
		/* failover: the primary first */
		if (rec.policy == ST_POLICY_FAILOVER && !s->secondary && rec.n_sets) {
			memmove(rec.sets + 1, rec.sets, rec.n_sets * sizeof(*rec.sets));
			rec.sets[0] = s;
		} else {
			rec.sets[rec.n_sets] = s;
		}
		rec.n_sets++;
	}
	if (rec.n_sets == 0) {
		free(rec.sets);
		return 0;
	}
	if (ttls_differ)
		r53_warn(cv,
			 "%s %s: the record sets have different TTLs; the record takes the "
			 "lowest, %u",
			 rec.owner, rec.type, rec.ttl);
	if (rec.policy == ST_POLICY_FAILOVER && rec.n_sets == 1)
		rec.policy = ST_POLICY_SIMPLE; /* Route 53 answers a lone failover set always */
	if (rec.policy == ST_POLICY_GEOLOCATION || rec.policy == ST_POLICY_LATENCY ||
	    rec.policy == ST_POLICY_GEOPROXIMITY)
		cv->geo_needed = true;
	return add_rec(cv, &rec);
}

/* ---- A and AAAA of one name -------------------------------------------------- */

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Do two sets route the same way (everything but their type and data)? */
static bool same_routing(const r53_set_t *a, const r53_set_t *b)
{
	return same_str(a->set_id, b->set_id) && a->policy == b->policy && a->weight == b->weight &&
	       same_str(a->region, b->region) && a->secondary == b->secondary &&
	       same_str(a->geo_continent, b->geo_continent) &&
	       same_str(a->geo_country, b->geo_country) &&
	       same_str(a->geo_subdivision, b->geo_subdivision) && a->gp_lat == b->gp_lat &&
	       a->gp_lon == b->gp_lon && a->gp_bias == b->gp_bias &&
	       same_str(a->cidr_location, b->cidr_location) &&
	       same_str(a->health_check, b->health_check) && a->nested == b->nested &&
	       (!a->nested || same_str(a->alias_target, b->alias_target));
}

/* steerd routes a name's A and AAAA with one record: the two merge when
 * their sets pair up, else the AAAA sets are left out. */
static int merge_families(r53_conv_t *cv)
{
	for (size_t i = 0; i < cv->n_recs; i++) {
		r53_rec_t *a = &cv->recs[i];
		if (strcmp(a->type, "A") != 0)
			continue;
		for (size_t j = 0; j < cv->n_recs; j++) {
			r53_rec_t *b = &cv->recs[j];
			if (b->dropped || strcmp(b->type, "AAAA") != 0 ||
			    strcmp(b->owner, a->owner))
				continue;
			bool ok = a->n_sets == b->n_sets && a->policy == b->policy;
			if (ok && !(a->six = calloc(a->n_sets, sizeof(*a->six))))
				return ST_ENOMEM;
			for (size_t k = 0; ok && k < a->n_sets; k++) {
				for (size_t m = 0; m < b->n_sets && !a->six[k]; m++)
					if (same_routing(a->sets[k], b->sets[m]))
						a->six[k] = b->sets[m];
				ok = a->six[k] != NULL;
			}
			b->dropped = true;
			if (ok) {
				a->type = "[A, AAAA]";
				if (b->ttl < a->ttl)
					a->ttl = b->ttl;
				continue;
			}
			free(a->six);
			a->six = NULL;
			for (size_t k = 0; k < b->n_sets; k++)
				r53_drop(cv, b->sets[k],
					 "steerd routes the A and AAAA of a name with one record, "
					 "and these AAAA sets do not pair up with the A sets "
					 "(same SetIdentifiers, routing and health checks)");
		}
	}
	return 0;
}

/* ---- records over records ---------------------------------------------------- */

static bool rec_has_type(const r53_rec_t *r, const char *type)
{
	return !strcmp(r->type, type) ||
	       (!strcmp(r->type, "[A, AAAA]") && (!strcmp(type, "A") || !strcmp(type, "AAAA")));
}

/* Is there a record at `owner` for every type `r` answers? */
static bool target_present(const r53_conv_t *cv, const char *owner, const r53_rec_t *r)
{
	bool merged = !strcmp(r->type, "[A, AAAA]");
	const char *types[2] = {merged ? "A" : r->type, merged ? "AAAA" : NULL};
	for (int t = 0; t < 2 && types[t]; t++) {
		bool found = false;
		for (size_t i = 0; i < cv->n_recs && !found; i++)
			found = !cv->recs[i].dropped && !strcmp(cv->recs[i].owner, owner) &&
				rec_has_type(&cv->recs[i], types[t]);
		if (!found)
			return false;
	}
	return true;
}

/* An alias whose target record was not converted goes too (and then an
 * alias to that alias, and so on). */
static void check_nested(r53_conv_t *cv)
{
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < cv->n_recs; i++) {
			r53_rec_t *r = &cv->recs[i];
			size_t kept = 0;
			for (size_t k = 0; !r->dropped && k < r->n_sets; k++) {
				r53_set_t *s = r->sets[k];
				if (s->nested && !target_present(cv, s->alias_target, r)) {
					r53_drop(cv, s, "its alias target %s %s is not converted",
						 s->alias_target, r->type);
					if (r->six && r->six[k])
						r53_drop(cv, r->six[k],
							 "its alias target %s %s is not converted",
							 s->alias_target, r->type);
					again = true;
					continue;
				}
				if (r->six)
					r->six[kept] = r->six[k];
				r->sets[kept++] = s;
			}
			if (r->dropped)
				continue;
			r->n_sets = kept;
			r->dropped = kept == 0;
			if (r->policy == ST_POLICY_FAILOVER && kept == 1)
				r->policy = ST_POLICY_SIMPLE;
		}
	}
}

/* ---- CNAMEs alone at their name ---------------------------------------------- */

static bool owner_has_other(const r53_conv_t *cv, const char *owner)
{
	for (size_t i = 0; i < cv->n_rrs; i++)
		if (!cv->rrs[i].dropped && strcmp(cv->rrs[i].type, "CNAME") &&
		    !strcmp(cv->rrs[i].owner, owner))
			return true;
	for (size_t i = 0; i < cv->n_recs; i++)
		if (!cv->recs[i].dropped && strcmp(cv->recs[i].type, "CNAME") &&
		    !strcmp(cv->recs[i].owner, owner))
			return true;
	return false;
}

static void cname_conflicts(r53_conv_t *cv)
{
	const char *why = "a CNAME cannot share its name with other records (RFC 1034 3.6.2)";
	for (size_t i = 0; i < cv->n_rrs; i++) {
		r53_rr_t *r = &cv->rrs[i];
		if (r->dropped || strcmp(r->type, "CNAME") || !owner_has_other(cv, r->owner))
			continue;
		r->dropped = true;
		r53_drop(cv, r->set, "%s%s", r->set->alias ? "the alias becomes a CNAME, and " : "",
			 why);
	}
	for (size_t i = 0; i < cv->n_recs; i++) {
		r53_rec_t *r = &cv->recs[i];
		if (r->dropped || strcmp(r->type, "CNAME") || !owner_has_other(cv, r->owner))
			continue;
		r->dropped = true;
		for (size_t k = 0; k < r->n_sets; k++)
			r53_drop(cv, r->sets[k], "%s", why);
	}
}

/* A routed name at or below a delegation of the zone would never be asked
 * (the server answers there with the referral): it is reported. */
static void delegations(r53_conv_t *cv)
{
	for (size_t i = 0; i < cv->n_rrs; i++) {
		const r53_rr_t *ns = &cv->rrs[i];
		if (ns->dropped || strcmp(ns->type, "NS") || !strcmp(ns->owner, cv->zone))
			continue;
		for (size_t k = 0; k < cv->n_recs; k++) {
			r53_rec_t *r = &cv->recs[k];
			if (r->dropped || !in_zone(ns->owner, r->owner))
				continue;
			r->dropped = true;
			for (size_t j = 0; j < r->n_sets; j++) {
				r53_drop(cv, r->sets[j],
					 "%s is delegated (NS records there): a routed record at "
					 "or below it is never asked",
					 ns->owner);
				if (r->six && r->six[j])
					r53_drop(cv, r->six[j],
						 "%s is delegated (NS records there): a routed "
						 "record at or below it is never asked",
						 ns->owner);
			}
		}
	}
}

int r53_convert(r53_conv_t *cv)
{
	groups_t gs = {0};
	int rc = group_sets(cv->in, &gs);
	/* Static data first, so that aliases can copy it. */
	for (int pass = 0; rc == 0 && pass < 3; pass++)
		for (size_t i = 0; rc == 0 && i < gs.n; i++) {
			const group_t *g = &gs.g[i];
			r53_set_t *s = g->sets[0];
			if (is_routed(g)) {
				if (pass == 2)
					rc = routed(cv, &gs, g);
				continue;
			}
			if (pass != (s->alias ? 1 : 0))
				continue;
			for (size_t k = 1; k < g->n; k++)
				r53_drop(cv, g->sets[k], "a second record set of %s %s", s->name,
					 s->type);
			if (s->alias)
				rc = alias_static(cv, &gs, s);
			else
				rc = static_set(cv, s, s->name, s->has_ttl ? s->ttl : DEFAULT_TTL,
						s);
		}
	if (rc == 0)
		rc = merge_families(cv);
	if (rc == 0) {
		delegations(cv);
		check_nested(cv);
		cname_conflicts(cv);
		check_nested(cv); /* a CNAME target may have gone */
	}
	groups_clear(&gs);
	return rc;
}
