/* Building views off the query path: zones and compiled routing from a
 * config, at start and on reload, sharing what did not change. */
#include "server/view_build.h"
#include "conf/conf.h"
#include "dns/name.h"
#include "dnssec/signer.h"
#include "health/health.h"
#include "route/route.h"
#include "xfr/xfr.h"
#include "zone/zone.h"
#include "common/file.h"
#include "common/log.h"
#include "common/time.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <urcu-qsbr.h>

typedef struct zone_plan {
	uint8_t apex[ST_DNS_MAX_NAME];
	size_t apex_len;
	st_zone_dyn_t *dyn;
	size_t n_dyn;
} zone_plan_t;

static void routing_unref(st_routing_t *r)
{
	if (!r || --r->refs > 0)
		return;
	st_route_free(r->route);
	st_health_free(r->health);
	st_conf_free(r->conf);
	free(r);
}

void st_view_box_free(st_view_box_t *box)
{
	if (!box)
		return;
	/* Zones first: their dynamic RRsets point into the routing. */
	st_xfr_set_free(box->xfr);
	st_zoneset_free(box->view.zones);
	for (size_t i = 0; i < box->n_srcs; i++)
		st_signer_free(box->srcs[i].signer);
	routing_unref(box->routing);
	free(box->srcs);
	free(box);
}

size_t st_view_box_dyn_count(const st_view_box_t *box)
{
	return box && box->routing->route ? st_route_record_count(box->routing->route) : 0;
}

/* Is the wire name at or below the apex (both canonical)? */
static bool name_under(const uint8_t *name, size_t len, const uint8_t *apex, size_t alen)
{
	size_t off = 0;
	while (off < len) {
		if (len - off == alen && memcmp(name + off, apex, alen) == 0)
			return true;
		if (name[off] == 0)
			break;
		off += (size_t)name[off] + 1;
	}
	return false;
}

static const char *conf_source(const st_conf_t *conf)
{
	return conf->path ? conf->path : "command line";
}

static void plans_free(zone_plan_t *plans, size_t n)
{
	if (!plans)
		return;
	for (size_t i = 0; i < n; i++)
		free(plans[i].dyn);
	free(plans);
}

/* Work out each zone's apex and the dynamic records that go into it. */
static int plan_zones(const st_routing_t *rt, zone_plan_t **out, st_diag_t *diag)
{
	const st_conf_t *conf = rt->conf;
	zone_plan_t *plans = calloc(conf->n_zones ? conf->n_zones : 1, sizeof(*plans));
	if (!plans)
		return ST_ENOMEM;
	for (size_t z = 0; z < conf->n_zones; z++) {
		int len = st_name_from_str(conf->zones[z].name, plans[z].apex, ST_DNS_MAX_NAME);
		if (len < 0) {
			plans_free(plans, conf->n_zones);
			return st_diag_set(diag, ST_ECONF, "%s:%u: bad zone name '%s'",
					   conf_source(conf), conf->zones[z].line,
					   conf->zones[z].name);
		}
		plans[z].apex_len = (size_t)len;
		st_name_lower(plans[z].apex, plans[z].apex, plans[z].apex_len);
	}

	size_t n_rec = rt->route ? st_route_record_count(rt->route) : 0;
	for (size_t i = 0; i < n_rec; i++) {
		st_route_record_info_t info;
		st_route_record_info(rt->route, i, &info);
		size_t best = SIZE_MAX;
		for (size_t z = 0; z < conf->n_zones; z++) {
			if (name_under(info.owner, info.owner_len, plans[z].apex,
				       plans[z].apex_len) &&
			    (best == SIZE_MAX || plans[z].apex_len > plans[best].apex_len))
				best = z;
		}
		if (best == SIZE_MAX) {
			char owner[1024];
			st_name_to_str(info.owner, owner, sizeof(owner));
			plans_free(plans, conf->n_zones);
			return st_diag_set(diag, ST_ECONF,
					   "%s: record %s is in no served zone (add its zone "
					   "under `zones:`)",
					   info.source ? info.source : conf_source(conf), owner);
		}
		zone_plan_t *p = &plans[best];
		st_zone_dyn_t *nd = realloc(p->dyn, (p->n_dyn + 1) * sizeof(*nd));
		if (!nd) {
			plans_free(plans, conf->n_zones);
			return ST_ENOMEM;
		}
		p->dyn = nd;
		p->dyn[p->n_dyn++] = (st_zone_dyn_t){
		    .owner = info.owner,
		    .owner_len = info.owner_len,
		    .type = info.type,
		    .ttl = info.ttl,
		    .handle = info.handle,
		    .source = info.source,
		};
	}
	*out = plans;
	return 0;
}

static const st_zone_src_t *old_src(const st_view_box_t *old, const char *name)
{
	if (!old)
		return NULL;
	for (size_t i = 0; i < old->n_srcs; i++)
		if (strcmp(old->srcs[i].name, name) == 0)
			return &old->srcs[i];
	return NULL;
}

/* A file modified this close to the moment it was read may change again
 * within the same timestamp tick: such a zone is always read again. */
#define RACY_NS 1000000000LL

static void src_stat(st_zone_src_t *src)
{
	struct stat st;
	src->stat_at_ns = (int64_t)st_real_ns();
	src->has_stat = stat(src->file, &st) == 0;
	if (!src->has_stat)
		return;
	src->dev = st.st_dev;
	src->ino = st.st_ino;
	src->size = st.st_size;
	src->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* Each file the zone $INCLUDEd is still the same file, with the same size
 * and modification time, not modified right before it was read. */
static bool includes_unchanged(const st_zone_t *zone)
{
	size_t n = st_zone_include_count(zone);
	for (size_t i = 0; i < n; i++) {
		const st_zone_include_t *inc = st_zone_include(zone, i);
		struct stat st;
		if (!inc->regular || stat(inc->path, &st) != 0 || !S_ISREG(st.st_mode))
			return false;
		int64_t mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
		if ((uint64_t)st.st_dev != inc->dev || (uint64_t)st.st_ino != inc->ino ||
		    (int64_t)st.st_size != inc->size || mtime_ns != inc->mtime_ns ||
		    inc->mtime_ns >= inc->stat_at_ns - RACY_NS)
			return false;
	}
	return true;
}

/* Same file, same size and modification time as when `a` was loaded, and
 * not modified right before that load; the same for every file the zone
 * $INCLUDEd. */
static bool src_unchanged(const st_zone_src_t *a, const st_zone_src_t *b)
{
	return a->has_stat && b->has_stat && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime_ns == b->mtime_ns &&
	       a->mtime_ns < a->stat_at_ns - RACY_NS && includes_unchanged(a->zone);
}

/* "zone example.test., signed with keys 65202 KSK active, 54607 ZSK active" */
static void log_signer(const char *zone, const st_signer_t *s)
{
	st_key_info_t k[16];
	size_t n = st_signer_key_info(s, k, 16);
	char text[512];
	size_t o = 0;
	for (size_t i = 0; i < n && o < sizeof(text) - 64; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s %u %s %s", i ? "," : "",
				      k[i].tag, k[i].role, k[i].state);
	text[o] = '\0';
	st_log_info("zone %s, signed online with keys%s", zone, text);
}

/* The signer of a zone with `dnssec:`: the old view's when zone, keys and
 * validity are the same (its signatures stay), else a new one. */
static int zone_signer(const st_conf_t *conf, const st_conf_zone_t *cz, st_zone_t *zone,
		       const st_zone_src_t *prev, st_signer_t **out, st_diag_t *diag)
{
	*out = NULL;
	if (!cz->dnssec)
		return 0;
	st_keyset_t *ks = NULL;
	uint8_t al;
	const uint8_t *apex = st_zone_apex(zone, &al);
	uint32_t validity = (uint32_t)(cz->dnssec->validity_ms / 1000);
	int ret = st_keyset_load(cz->dnssec->keys, apex, al, &ks, diag);
	if (ret == 0 && prev && prev->signer && st_signer_same(prev->signer, zone, ks, validity)) {
		st_keyset_free(ks);
		*out = st_signer_ref(prev->signer);
		return 0;
	}
	if (ret == 0)
		ret = st_signer_new(zone, ks, validity, (int64_t)time(NULL), out, diag);
	if (ret == 0)
		log_signer(cz->name, *out);
	if (ret != 0 && diag) {
		/* The signer's own messages name the zone already (they are
		 * also logged alone when a re-signing fails): once is enough. */
		char inner[sizeof(diag->text)], own[300];
		snprintf(inner, sizeof(inner), "%s", diag->text);
		int n = snprintf(own, sizeof(own), "zone %s: ", cz->name);
		bool named = n > 0 && (size_t)n < sizeof(own) && strncmp(inner, own, (size_t)n) == 0;
		st_diag_set(diag, ret, "%s:%u: %s%s", conf_source(conf), cz->dnssec->line,
			    named ? "" : own, inner);
	}
	return ret;
}

size_t st_view_box_resign(st_view_box_t *box, int64_t now)
{
	st_sigstate_t *old[64];
	size_t n = 0, renewed = 0;
	for (size_t i = 0; i < box->n_srcs; i++) {
		st_signer_t *s = box->srcs[i].signer;
		if (!s || now < st_signer_due(s))
			continue;
		if (n == sizeof(old) / sizeof(old[0])) {
			synchronize_rcu();
			while (n > 0)
				st_sigstate_free(old[--n]);
		}
		st_diag_t diag;
		diag.text[0] = '\0';
		st_sigstate_t *was = st_signer_maintain(s, now, &diag);
		if (!was) {
			if (diag.text[0])
				st_log_err("%s; the signatures made so far stay until they "
					   "expire, next try in a minute",
					   diag.text);
			continue;
		}
		old[n++] = was;
		renewed++;
		const st_sigstate_t *st = st_signer_state(s);
		time_t until = (time_t)st_sigstate_expiration(st);
		struct tm tm;
		char when[32];
		gmtime_r(&until, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		st_log_info("zone %s, new signatures valid until %s", box->srcs[i].name, when);
	}
	if (n > 0) {
		/* No worker holds the old signatures after this. */
		synchronize_rcu();
		while (n > 0)
			st_sigstate_free(old[--n]);
	}
	return renewed;
}

/* The transfer set of a view: the config's keys, then each zone's version
 * as it is built. NULL when there is neither a key nor a zone to transfer. */
static int xfr_set_new(const st_conf_t *conf, st_xfr_set_t **out)
{
	bool any = conf->n_tsig > 0;
	for (size_t z = 0; z < conf->n_zones; z++)
		any |= st_conf_zone_transfers(&conf->zones[z]);
	*out = NULL;
	if (!any)
		return 0;
	st_xfr_set_t *set = st_xfr_set_new();
	if (!set)
		return ST_ENOMEM;
	for (size_t i = 0; i < conf->n_tsig; i++) {
		const st_conf_tsig_t *k = &conf->tsig[i];
		int ret = st_xfr_set_add_key(set, k->name, k->alg, k->secret, k->secret_len);
		if (ret != 0) {
			st_xfr_set_free(set);
			return ret;
		}
	}
	*out = set;
	return 0;
}

/* What a unixtime zone with no version before (a start, or transfers just
 * turned on) had at the last run: its saved serial and digest. */
static void xfr_saved(const st_conf_t *conf, const st_conf_zone_t *cz, st_xfr_opts_t *opts)
{
	if (cz->serial != ST_SERIAL_UNIXTIME || !conf->state_dir)
		return;
	char *path = st_path_join(conf->state_dir, ST_XFR_SAVED_FILE);
	st_xfr_saved_t *v = NULL;
	size_t n = 0;
	if (path && st_xfr_saved_load(path, &v, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (strcmp(v[i].name, cz->name) == 0) {
				opts->has_saved = true;
				opts->saved_serial = v[i].serial;
				opts->saved_digest = v[i].digest;
			}
		}
	}
	free(v);
	free(path);
}

/* The zone's version as transferred, following the one in the old view:
 * the same when the zone and the routing are shared with it. */
static int xfr_version(st_view_box_t *box, const st_conf_zone_t *cz, st_zone_src_t *src,
		       const st_zone_src_t *prev, bool shared, st_diag_t *diag)
{
	src->xfr = NULL;
	if (!st_conf_zone_transfers(cz))
		return 0;
	st_xfr_zone_t *xz;
	st_xfr_zone_t *before = prev ? prev->xfr : NULL;
	if (shared && before && prev->serial == (int)cz->serial) {
		xz = st_xfr_zone_ref(before);
	} else {
		st_xfr_opts_t opts = {.serial = cz->serial,
				      .routed = cz->routed_in_transfer,
				      .keep = cz->ixfr_versions};
		if (!before)
			xfr_saved(box->routing->conf, cz, &opts);
		int ret = st_xfr_zone_new(before, src->zone, box->routing->route, &opts,
					  (uint64_t)time(NULL), &xz, diag);
		if (ret != 0)
			return ret;
	}
	int ret = st_xfr_set_add_zone(box->xfr, src->zone, xz, cz->allow_transfer,
				      cz->n_allow_transfer);
	if (ret != 0) {
		st_xfr_zone_free(xz);
		return ret;
	}
	src->xfr = xz;
	src->serial = (int)cz->serial;
	return 0;
}

/* The catalog zone conf->zones[z]: every other zone that allows transfers
 * (what a secondary that reads the catalog can transfer), catalogs aside. */
static int make_catalog(const st_conf_t *conf, size_t z, const zone_plan_t *plan,
			st_zone_t **out, st_diag_t *diag)
{
	const st_conf_zone_t *cz = &conf->zones[z];
	const char **members = calloc(conf->n_zones, sizeof(*members));
	if (!members)
		return ST_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < conf->n_zones; i++)
		if (i != z && !conf->zones[i].catalog && conf->zones[i].n_allow_transfer > 0)
			members[n++] = conf->zones[i].name;
	if (n == 0)
		st_log_warn("%s: catalog zone %s lists no zone: no other zone has allow_transfer",
			    cz->file, cz->name);
	int ret = st_zone_catalog(cz->name, members, n, cz->file, plan->dyn, plan->n_dyn, out,
				  diag);
	free(members);
	return ret;
}

typedef enum {
	REUSE_IF_UNCHANGED, /* reload the zones whose file changed */
	REUSE_ALL_BUT_ONE,  /* reload only `only` */
} reuse_t;

/* Build a view box over `rt` (takes the caller's reference to rt). */
static int build(st_routing_t *rt, const st_view_box_t *old, reuse_t mode, const char *only,
		 uint64_t generation, st_view_box_t **out, st_diag_t *diag)
{
	const st_conf_t *conf = rt->conf;
	zone_plan_t *plans = NULL;
	st_view_box_t *box = calloc(1, sizeof(*box));
	if (!box) {
		routing_unref(rt);
		return ST_ENOMEM;
	}
	box->routing = rt;
	box->view.conf = rt->conf;
	box->view.route = rt->route;
	box->view.health = rt->health;
	box->view.udp_max_payload = (uint16_t)conf->udp_max_payload;
	box->view.identity = conf->identity;
	box->view.version = conf->version;
	box->view.nsid = conf->nsid;
	box->view.nsid_len = conf->nsid_len;
	box->view.generation = generation;
	box->view.zones = st_zoneset_new();
	box->srcs = calloc(conf->n_zones ? conf->n_zones : 1, sizeof(*box->srcs));
	int ret = ST_ENOMEM;
	if (!box->view.zones || !box->srcs)
		goto fail;
	ret = plan_zones(rt, &plans, diag);
	if (ret == 0)
		ret = xfr_set_new(conf, &box->xfr);
	if (ret != 0)
		goto fail;
	box->view.xfr = box->xfr;

	bool same_routing = old && old->routing == rt;
	for (size_t z = 0; z < conf->n_zones; z++) {
		const st_conf_zone_t *cz = &conf->zones[z];
		st_zone_src_t *src = &box->srcs[z];
		src->name = cz->name;
		src->file = cz->file;
		src->n_dyn = plans[z].n_dyn;
		if (cz->catalog)
			src->has_stat = false; /* made anew by every reload */
		else
			src_stat(src);

		const st_zone_src_t *prev = old_src(old, cz->name);
		/* A zone shared with the old view keeps its serial: so must its
		 * transfer settings that touch the serial. */
		bool compatible = prev && strcmp(prev->file, cz->file) == 0 &&
				  (same_routing || (prev->n_dyn == 0 && src->n_dyn == 0)) &&
				  (prev->xfr != NULL) == st_conf_zone_transfers(cz) &&
				  (!prev->xfr || prev->serial == (int)cz->serial);
		bool reuse;
		if (mode == REUSE_ALL_BUT_ONE)
			reuse = compatible && strcmp(cz->name, only) != 0;
		else
			reuse = compatible && src_unchanged(prev, src);

		st_zone_t *zone;
		if (reuse) {
			zone = st_zone_ref(prev->zone);
			/* Keep the stat the zone was loaded with. */
			*src = *prev;
			src->name = cz->name;
			src->file = cz->file;
			src->signer = NULL;
		} else {
			ret = cz->catalog ? make_catalog(conf, z, &plans[z], &zone, diag)
					  : st_zone_load(cz->name, cz->file, plans[z].dyn,
							 plans[z].n_dyn, &zone, diag);
			if (ret == ST_EIO && conf->path && diag) {
				/* The zone file itself is missing or unreadable: name
				 * the config line that points at it, too. */
				char inner[sizeof(diag->text)];
				snprintf(inner, sizeof(inner), "%s", diag->text);
				st_diag_set(diag, ret, "%s:%u: zone %s: %s", conf_source(conf),
					    cz->line, cz->name, inner);
			}
			if (ret != 0)
				goto fail;
		}
		src->zone = zone;
		ret = xfr_version(box, cz, src, prev, reuse && same_routing, diag);
		if (ret != 0) {
			st_zone_free(zone);
			goto fail;
		}
		ret = st_zoneset_add(box->view.zones, zone);
		if (ret == ST_EEXIST) {
			st_zone_free(zone);
			ret = st_diag_set(diag, ST_ECONF, "%s:%u: zone %s is listed twice",
					  conf_source(conf), cz->line, cz->name);
			goto fail;
		} else if (ret != 0) {
			st_zone_free(zone);
			goto fail;
		}
		box->n_srcs++;
		box->n_records += st_zone_record_count(zone);
		ret = zone_signer(conf, cz, zone, prev, &src->signer, diag);
		if (ret == 0 && src->signer)
			ret = st_zoneset_attach(box->view.zones, zone, src->signer);
		if (ret != 0)
			goto fail;
	}
	plans_free(plans, conf->n_zones);
	*out = box;
	return 0;
fail:
	plans_free(plans, conf->n_zones);
	st_view_box_free(box);
	return ret;
}

int st_view_build(struct st_conf *conf, const st_view_box_t *old, uint64_t generation,
		  st_view_box_t **out, st_diag_t *diag)
{
	st_routing_t *rt = calloc(1, sizeof(*rt));
	if (!rt) {
		st_conf_free(conf);
		return ST_ENOMEM;
	}
	rt->conf = conf;
	rt->refs = 1;
	int ret = st_route_new(conf, &rt->route, diag);
	if (ret == 0)
		ret = st_health_new(conf, &rt->health, diag);
	if (ret != 0) {
		routing_unref(rt);
		return ret;
	}
	if (old)
		st_health_carry(rt->health, old->routing->health);
	return build(rt, old, REUSE_IF_UNCHANGED, NULL, generation, out, diag);
}

int st_view_build_zone(const st_view_box_t *old, const char *zone, uint64_t generation,
		       st_view_box_t **out, st_diag_t *diag)
{
	/* Match the config's spelling: lower case with a trailing dot. */
	char name[ST_DNS_MAX_NAME * 4 + 2];
	size_t n = strlen(zone);
	if (n == 0 || n >= sizeof(name) - 1)
		return st_diag_set(diag, ST_EINVAL, "bad zone name '%s'", zone);
	for (size_t i = 0; i <= n; i++)
		name[i] = (char)tolower((unsigned char)zone[i]);
	if (name[n - 1] != '.') {
		name[n] = '.';
		name[n + 1] = '\0';
	}
	if (!old_src(old, name))
		return st_diag_set(diag, ST_ENOENT, "zone %s is not served", name);
	old->routing->refs++;
	return build(old->routing, old, REUSE_ALL_BUT_ONE, name, generation, out, diag);
}

int st_view_build_same(const st_view_box_t *old, uint64_t generation, st_view_box_t **out,
		       st_diag_t *diag)
{
	old->routing->refs++;
	return build(old->routing, old, REUSE_IF_UNCHANGED, NULL, generation, out, diag);
}
