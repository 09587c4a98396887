/* Transfer requests: the keys and per-zone access lists of a view, the
 * decision (refuse, full, incremental, up to date) and the streams that
 * carry the answer over TCP. */
#include "xfr/stream.h"
#include "common/log.h"
#include "common/time.h"
#include "dns/name.h"
#include "dns/query.h"
#include "zone/zone.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct set_zone {
	const st_zone_t *zone;
	st_xfr_zone_t *xz;
	st_conf_acl_t *acl;
	size_t n_acl;
} set_zone_t;

struct st_xfr_set {
	st_tsig_key_t *keys;
	uint8_t **secrets;
	size_t n_keys;
	set_zone_t *zones;
	size_t n_zones;
};

st_xfr_set_t *st_xfr_set_new(void)
{
	return calloc(1, sizeof(st_xfr_set_t));
}

void st_xfr_set_free(st_xfr_set_t *set)
{
	if (!set)
		return;
	/* Wiped as the config's copies are (conf.c). */
	for (size_t i = 0; i < set->n_keys; i++) {
		OPENSSL_cleanse(set->secrets[i], set->keys[i].secret_len);
		free(set->secrets[i]);
	}
	free(set->secrets);
	free(set->keys);
	for (size_t i = 0; i < set->n_zones; i++) {
		st_xfr_zone_free(set->zones[i].xz);
		free(set->zones[i].acl);
	}
	free(set->zones);
	free(set);
}

int st_xfr_set_add_key(st_xfr_set_t *set, const char *name, st_tsig_alg_t alg,
		       const uint8_t *secret, size_t secret_len)
{
	st_tsig_key_t key = {.alg = alg, .secret_len = secret_len};
	int n = st_name_from_str(name, key.name, sizeof(key.name));
	if (n < 0 || secret_len == 0 || secret_len > ST_XFR_SECRET_MAX)
		return ST_EINVAL;
	key.name_len = (uint8_t)n;
	st_name_lower(key.name, key.name, key.name_len);
	uint8_t *copy = malloc(secret_len);
	st_tsig_key_t *keys = realloc(set->keys, (set->n_keys + 1) * sizeof(*keys));
	if (keys)
		set->keys = keys;
	uint8_t **secrets = realloc(set->secrets, (set->n_keys + 1) * sizeof(*secrets));
	if (secrets)
		set->secrets = secrets;
	if (!copy || !keys || !secrets) {
		free(copy);
		return ST_ENOMEM;
	}
	memcpy(copy, secret, secret_len);
	key.secret = copy;
	set->secrets[set->n_keys] = copy;
	set->keys[set->n_keys++] = key;
	return 0;
}

int st_xfr_set_add_zone(st_xfr_set_t *set, const st_zone_t *zone, st_xfr_zone_t *xz,
			const st_conf_acl_t *acl, size_t n_acl)
{
	set_zone_t *v = realloc(set->zones, (set->n_zones + 1) * sizeof(*v));
	if (!v)
		return ST_ENOMEM;
	set->zones = v;
	st_conf_acl_t *copy = NULL;
	if (n_acl > 0 && (copy = malloc(n_acl * sizeof(*copy))) == NULL)
		return ST_ENOMEM;
	if (n_acl > 0)
		memcpy(copy, acl, n_acl * sizeof(*copy));
	set->zones[set->n_zones++] = (set_zone_t){zone, xz, copy, n_acl};
	return 0;
}

const st_tsig_key_t *st_xfr_set_keys(const st_xfr_set_t *set, size_t *n)
{
	*n = set ? set->n_keys : 0;
	return set ? set->keys : NULL;
}

static const set_zone_t *find(const st_xfr_set_t *set, const st_zone_t *zone)
{
	for (size_t i = 0; set && i < set->n_zones; i++)
		if (set->zones[i].zone == zone)
			return &set->zones[i];
	return NULL;
}

st_xfr_zone_t *st_xfr_set_find(const st_xfr_set_t *set, const st_zone_t *zone)
{
	const set_zone_t *z = find(set, zone);
	return z ? z->xz : NULL;
}

st_xfr_zone_t *st_xfr_set_find_name(const st_xfr_set_t *set, const char *name)
{
	for (size_t i = 0; set && i < set->n_zones; i++)
		if (strcasecmp(st_zone_name(set->zones[i].zone), name) == 0)
			return set->zones[i].xz;
	return NULL;
}

size_t st_xfr_set_count(const st_xfr_set_t *set)
{
	return set ? set->n_zones : 0;
}

st_xfr_zone_t *st_xfr_set_get(const st_xfr_set_t *set, size_t i)
{
	return set && i < set->n_zones ? set->zones[i].xz : NULL;
}

/* ---- the decision ------------------------------------------------------------ */

static bool allowed(const st_xfr_set_t *set, const set_zone_t *z, const st_sockaddr_t *peer,
		    const st_tsig_key_t *key)
{
	uint8_t addr[16];
	unsigned alen = st_sockaddr_ip(peer, addr);
	for (size_t i = 0; i < z->n_acl; i++) {
		const st_conf_acl_t *e = &z->acl[i];
		if (e->key != ST_CONF_NONE &&
		    (!key || e->key >= set->n_keys || key != &set->keys[e->key]))
			continue;
		if (!e->any_address && !st_prefix_match(&e->net, addr, alen))
			continue;
		return true;
	}
	return false;
}

/* The serial of the SOA that an IXFR carries in its authority section. */
static int ixfr_serial(const uint8_t *msg, size_t len, uint32_t *serial)
{
	size_t pos = ST_DNS_HEADER_LEN;
	unsigned an = st_get16(msg + 6), ns = st_get16(msg + 8);
	if (ns == 0 || st_name_skip(msg, len, &pos) < 0 || len - pos < 4)
		return ST_EFORMERR;
	pos += 4;
	for (unsigned i = 0; i <= an; i++) {
		if (st_name_skip(msg, len, &pos) < 0 || len - pos < 10)
			return ST_EFORMERR;
		uint16_t type = st_get16(msg + pos);
		size_t rdlen = st_get16(msg + pos + 8), rd = pos + 10;
		if (len - rd < rdlen)
			return ST_EFORMERR;
		pos = rd + rdlen;
		if (i < an)
			continue;
		if (type != ST_TYPE_SOA)
			return ST_EFORMERR;
		size_t p = rd;
		if (st_name_skip(msg, rd + rdlen, &p) < 0 ||
		    st_name_skip(msg, rd + rdlen, &p) < 0 || rd + rdlen - p < 20)
			return ST_EFORMERR;
		*serial = st_get32(msg + p);
	}
	return 0;
}

int st_xfr_decide(const st_xfr_set_t *set, const st_zone_t *zone, const st_query_t *q,
		  const uint8_t *msg, size_t len, const st_sockaddr_t *peer,
		  const st_tsig_key_t *key, bool udp, st_xfr_plan_t *plan)
{
	memset(plan, 0, sizeof(*plan));
	uint8_t apex_len;
	const uint8_t *apex = st_zone_apex(zone, &apex_len);
	if (q->qname_len != apex_len || memcmp(q->qname, apex, apex_len) != 0) {
		plan->kind = ST_XFR_NOTAUTH;
		return 0;
	}
	const set_zone_t *z = find(set, zone);
	plan->xz = z ? z->xz : NULL;
	plan->kind = ST_XFR_REFUSED;
	if (!z || !z->xz || !allowed(set, z, peer, key) || (udp && q->qtype == ST_TYPE_AXFR))
		return 0;
	const st_xfr_zone_t *xz = z->xz;
	if (q->qtype == ST_TYPE_AXFR) {
		plan->kind = ST_XFR_FULL;
		return 0;
	}
	int ret = ixfr_serial(msg, len, &plan->client);
	if (ret < 0)
		return ret;
	plan->client_serial = true;
	if (!st_serial_gt(xz->serial, plan->client)) {
		plan->kind = ST_XFR_UPTODATE;
		return 0;
	}
	plan->kind = udp ? ST_XFR_TC : ST_XFR_FULL;
	for (size_t i = 0; i < xz->n_diffs; i++) {
		if (xz->diffs[i]->from == plan->client) {
			plan->kind = udp ? ST_XFR_TC : ST_XFR_INCR;
			plan->first_diff = i;
			break;
		}
	}
	return 0;
}

/* ---- TCP --------------------------------------------------------------------- */

static const char *kind_name(st_xfr_kind_t k, uint16_t qtype)
{
	switch (k) {
	case ST_XFR_FULL:
		return qtype == ST_TYPE_IXFR ? "IXFR answered in full" : "AXFR";
	case ST_XFR_INCR:
		return "IXFR";
	case ST_XFR_UPTODATE:
		return "IXFR, up to date";
	default:
		return "refused";
	}
}

static void count(const st_xfr_stream_t *s, st_xfr_kind_t kind)
{
	st_xfr_stats_t *st = s->stats;
	if (!st)
		return;
	atomic_store_explicit(&st->last_ns, st_real_ns(), memory_order_relaxed);
	switch (kind) {
	case ST_XFR_FULL:
		xfr_stats_add(&st->axfr, 1);
		break;
	case ST_XFR_INCR:
		xfr_stats_add(&st->ixfr, 1);
		break;
	case ST_XFR_UPTODATE:
		xfr_stats_add(&st->uptodate, 1);
		break;
	default:
		xfr_stats_add(s->rcode == 9 ? &st->notauth : &st->refused, 1);
		break;
	}
}

static void log_request(const st_xfr_stream_t *s, const st_query_t *q, const st_sockaddr_t *peer,
			const st_xfr_plan_t *plan)
{
	char who[ST_SOCKADDR_STRLEN], zone[ST_DNS_MAX_NAME * 4 + 1], key[ST_DNS_MAX_NAME * 4 + 1];
	st_sockaddr_str(peer, who, sizeof(who));
	if (st_name_to_str(q->qname, zone, sizeof(zone)) < 0)
		snprintf(zone, sizeof(zone), "?");
	key[0] = '\0';
	if (s->has_tsig && st_name_to_str(s->tsig.name, key, sizeof(key)) < 0)
		snprintf(key, sizeof(key), "?");
	const char *qt = q->qtype == ST_TYPE_AXFR ? "AXFR" : "IXFR";
	if (s->has_tsig && s->tsig.error != ST_TSIG_NOERROR) {
		st_log_warn("zone %s, %s from %s refused: TSIG %s (key %s)", zone, qt, who,
			    st_tsig_error_name(s->tsig.error), key);
	} else if (!s->aa) {
		st_log_notice("zone %s, %s from %s%s%s refused: %s", zone, qt, who,
			      key[0] ? " key " : "", key,
			      plan && plan->kind == ST_XFR_NOTAUTH ? "not a zone apex served here"
								   : "not in allow_transfer");
	} else if (plan->kind == ST_XFR_INCR) {
		st_log_info("zone %s, IXFR to %s%s%s, serial %u -> %u", zone, who,
			    key[0] ? " key " : "", key, plan->client, plan->xz->serial);
	} else {
		st_log_info("zone %s, %s to %s%s%s, serial %u, %zu records", zone,
			    kind_name(plan->kind, q->qtype), who, key[0] ? " key " : "", key,
			    plan->xz->serial,
			    plan->kind == ST_XFR_UPTODATE ? 1 : plan->xz->records + 1);
	}
}

int st_xfr_tcp_start(const st_xfr_set_t *set, const st_zoneset_t *zones, const uint8_t *msg,
		     size_t len, const st_sockaddr_t *peer, uint64_t now, st_xfr_stream_t **out)
{
	uint16_t qtype = st_query_peek_type(msg, len);
	if (!set || (qtype != ST_TYPE_AXFR && qtype != ST_TYPE_IXFR))
		return 0;
	st_query_t q;
	/* Anything odd (FORMERR, BADVERS, another class): the usual answer. */
	if (st_query_parse(msg, len, &q) < 0 || q.qclass != ST_CLASS_IN ||
	    (q.has_edns && q.edns_version > 0))
		return 0;
	const st_zone_t *zone = zones ? st_zoneset_find(zones, q.qname, q.qname_len) : NULL;
	if (!zone)
		return 0; /* not ours: REFUSED the usual way */

	st_xfr_stream_t *s = calloc(1, sizeof(*s));
	if (!s)
		return ST_ENOMEM;
	s->id = q.id;
	s->rd = q.flags1 & ST_FLAG1_RD;
	s->edns = q.has_edns;
	s->question = true;
	memcpy(s->qname, q.qname_orig, q.qname_len);
	s->qname_len = q.qname_len;
	s->qtype = q.qtype;
	s->qclass = q.qclass;

	const st_tsig_key_t *key = NULL;
	if (q.has_tsig) {
		size_t n_keys;
		const st_tsig_key_t *keys = st_xfr_set_keys(set, &n_keys);
		int ret = st_tsig_verify_request(&s->tsig, keys, n_keys, msg, len, q.tsig_off, now);
		if (ret < 0) {
			s->rcode = ST_RCODE_FORMERR;
			xfr_stream_setup(s, ST_XFR_REFUSED, 0);
			*out = s;
			return 1;
		}
		s->has_tsig = true;
		if (s->tsig.key) {
			/* Our own copy: the view's key list may go before the stream. */
			s->key = *s->tsig.key;
			memcpy(s->secret, s->key.secret, s->key.secret_len);
			s->key.secret = s->secret;
			key = s->tsig.key;
			s->tsig.key = &s->key;
		}
	}
	st_xfr_plan_t plan;
	st_xfr_zone_t *xz = st_xfr_set_find(set, zone);
	s->stats = xz ? xz->stats : NULL;
	if (s->has_tsig && s->tsig.error != ST_TSIG_NOERROR) {
		s->rcode = 9; /* NOTAUTH */
		xfr_stream_setup(s, ST_XFR_REFUSED, 0);
		count(s, ST_XFR_REFUSED);
		log_request(s, &q, peer, NULL);
		*out = s;
		return 1;
	}
	int ret = st_xfr_decide(set, zone, &q, msg, len, peer, key, false, &plan);
	if (ret < 0) {
		s->rcode = ST_RCODE_FORMERR;
		xfr_stream_setup(s, ST_XFR_REFUSED, 0);
		*out = s;
		return 1;
	}
	if (plan.kind == ST_XFR_REFUSED || plan.kind == ST_XFR_NOTAUTH)
		s->rcode = plan.kind == ST_XFR_NOTAUTH ? 9 : ST_RCODE_REFUSED;
	else
		s->xz = st_xfr_zone_ref(plan.xz);
	xfr_stream_setup(s, plan.kind, plan.first_diff);
	count(s, plan.kind);
	log_request(s, &q, peer, &plan);
	*out = s;
	return 1;
}
