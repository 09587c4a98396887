/* Online signing of one zone snapshot: keys, states, the apex RRsets. */
#include "dnssec/signer.h"
#include "dnssec/internal.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/typemap.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* After a state could not be made, try again this much later. */
#define RETRY_S 60

struct st_signer {
	unsigned refs;
	st_zone_t *zone;
	st_keyset_t *keys;
	uint32_t validity;
	uint8_t apex[ST_DNS_MAX_NAME];
	uint8_t apex_len;
	st_sigstate_t *state; /* published with release, read with acquire */
	int64_t retry_at;     /* 0: none */
};

static uint64_t next_state_id = 1;

static st_sigs_t *sigs_new(const uint8_t *data, size_t len, unsigned n)
{
	st_sigs_t *s = malloc(sizeof(*s) + len);
	if (!s)
		return NULL;
	s->n = (uint16_t)n;
	s->len = (uint16_t)len;
	memcpy(s->data, data, len);
	return s;
}

st_sigs_t *st_dnssec_sign_keys(st_sigbuf_t *sb, const st_sigstate_t *st, bool dnskey, uint16_t type,
			       uint8_t labels, uint32_t ttl)
{
	uint8_t out[ST_SIG_KEYS_MAX * (2 + ST_RRSIG_RDATA_MAX)];
	size_t o = 0;
	unsigned n = 0;
	st_rrsig_meta_t m = {
	    .type = type,
	    .labels = labels,
	    .ttl = ttl,
	    .inception = st->inception,
	    .expiration = st->expiration,
	    .signer = st->apex,
	    .signer_len = st->apex_len,
	};
	const st_sigkey_t *keys = dnskey ? st->ksk : st->zsk;
	size_t nk = dnskey ? st->n_ksk : st->n_zsk;
	for (size_t i = 0; i < nk; i++) {
		int len = st_rrsig_make(sb, keys[i].key, keys[i].tag, &m, out + o + 2);
		if (len < 0)
			return NULL;
		st_put16(out + o, (uint16_t)len);
		o += 2u + (size_t)len;
		n++;
	}
	return sigs_new(out, o, n);
}

/* ---- states ---- */

void st_sigstate_free(st_sigstate_t *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n_slots; i++)
		free(st->slots[i]);
	free(st->slots);
	for (size_t i = 0; i < st->n_apex; i++)
		free((void *)st->apex_sets[i].sigs);
	free(st->apex_data);
	free(st);
}

/* Add one signing key (once) to a role list. */
static void add_signer(st_sigkey_t *list, size_t *n, const st_dnskey_t *k, uint16_t tag)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i].key == k)
			return;
	if (*n < ST_SIG_KEYS_MAX)
		list[(*n)++] = (st_sigkey_t){k, tag};
}

/* Does a published key of the set have the SEP flag? Then only such keys
 * get a DS (and a CDS); else every published key does. */
static bool any_sep(const st_keyset_t *ks, int64_t now)
{
	for (size_t i = 0; i < ks->n; i++)
		if (st_dnskey_role(&ks->keys[i], now).publish &&
		    (ks->keys[i].flags & ST_DNSKEY_SEP))
			return true;
	return false;
}

/* CDS and CDNSKEY for key i at `now` (RFC 7344: the keys the parent's DS
 * should point at). */
static bool publishes_cds(const st_keyset_t *ks, size_t i, int64_t now, bool sep_only)
{
	return st_dnskey_role(&ks->keys[i], now).sync &&
	       (!sep_only || (ks->keys[i].flags & ST_DNSKEY_SEP));
}

static uint32_t soa_ttl(const st_zone_t *zone)
{
	const st_rrset_t *soa = st_node_rrset(st_zone_apex_node(zone), ST_TYPE_SOA);
	return soa ? soa->ttl : 3600;
}

/* The apex RRsets: DNSKEY (signed by the key signers), CDS and CDNSKEY
 * (signed by every signer, RFC 7344 4.1). */
static int make_apex(st_sigstate_t *st, const st_signer_t *s, int64_t now, st_sigbuf_t *sb)
{
	const st_keyset_t *ks = s->keys;
	size_t n = ks->n;
	/* DNSKEY RDATA, then CDS (SHA-256) and CDNSKEY of the keys in sync. */
	st->apex_data = malloc(n * (ST_DNSKEY_RDATA_MAX + 4 + 32 + ST_DNSKEY_RDATA_MAX) + 1);
	st_rdata_ref_t *rr = st->apex_rr;
	if (!st->apex_data)
		return ST_ENOMEM;
	uint8_t *d = st->apex_data;
	uint32_t ttl = 0;
	size_t nk = 0, ncds = 0;
	for (size_t i = 0; i < n && nk < ST_APEX_KEYS_MAX; i++) {
		st_key_role_t r = st_dnskey_role(&ks->keys[i], now);
		if (!r.publish)
			continue;
		size_t l = st_dnskey_rdata(&ks->keys[i], r.revoked, d);
		rr[nk++] = (st_rdata_ref_t){d, (uint16_t)l};
		d += l;
		if (ks->keys[i].ttl && (!ttl || ks->keys[i].ttl < ttl))
			ttl = ks->keys[i].ttl;
	}
	if (!ttl)
		ttl = soa_ttl(s->zone);
	bool sep_only = any_sep(ks, now);
	st_rdata_ref_t *cds = rr + nk, *cdnskey = cds + ST_APEX_KEYS_MAX;
	for (size_t i = 0; i < n && ncds < ST_APEX_KEYS_MAX; i++) {
		const st_dnskey_t *k = &ks->keys[i];
		if (!publishes_cds(ks, i, now, sep_only))
			continue;
		int l = st_ds_rdata(s->apex, s->apex_len, k->rdata, k->rdlen, 2, d);
		if (l < 0)
			return l;
		cds[ncds] = (st_rdata_ref_t){d, (uint16_t)l};
		d += l;
		memcpy(d, k->rdata, k->rdlen);
		cdnskey[ncds] = (st_rdata_ref_t){d, k->rdlen};
		d += k->rdlen;
		ncds++;
	}
	struct {
		uint16_t type;
		st_rdata_ref_t *rr;
		size_t n;
	} sets[3] = {
	    {ST_TYPE_DNSKEY, rr, nk}, {ST_TYPE_CDS, cds, ncds}, {ST_TYPE_CDNSKEY, cdnskey, ncds}};
	for (int i = 0; i < 3; i++) {
		if (sets[i].n == 0)
			continue;
		st_sig_rrset_t *a = &st->apex_sets[st->n_apex];
		*a = (st_sig_rrset_t){sets[i].type, ttl, (uint16_t)sets[i].n, sets[i].rr, NULL};
		int ret = st_sigbuf_rrset(sb, s->apex, s->apex_len, a->type, ttl, a->rr, a->n);
		if (ret < 0)
			return ret;
		st_sigs_t *sg;
		if (a->type == ST_TYPE_DNSKEY) {
			sg = st_dnssec_sign_keys(sb, st, true, a->type, (uint8_t)st->apex_labels,
						 ttl);
		} else {
			/* Every key signer and data signer: merge both lists. */
			st_sigs_t *k1 = st_dnssec_sign_keys(sb, st, true, a->type,
							    (uint8_t)st->apex_labels, ttl);
			st_sigs_t *k2 = k1 ? st_dnssec_sign_keys(sb, st, false, a->type,
								 (uint8_t)st->apex_labels, ttl)
					   : NULL;
			sg = NULL;
			if (k1 && k2 && (sg = malloc(sizeof(*sg) + k1->len + k2->len)) != NULL) {
				sg->n = (uint16_t)(k1->n + k2->n);
				sg->len = (uint16_t)(k1->len + k2->len);
				memcpy(sg->data, k1->data, k1->len);
				memcpy(sg->data + k1->len, k2->data, k2->len);
			}
			free(k1);
			free(k2);
		}
		if (!sg)
			return ST_EINVAL;
		a->sigs = sg;
		st->n_apex++;
	}
	return 0;
}

static char *apex_str(const st_signer_t *s, char *buf, size_t cap)
{
	if (st_name_to_str(s->apex, buf, cap) < 0)
		snprintf(buf, cap, "?");
	return buf;
}

static int state_new(const st_signer_t *s, int64_t now, st_sigstate_t **out, st_diag_t *diag)
{
	char zb[ST_DNS_MAX_NAME * 4];
	const st_keyset_t *ks = s->keys;
	st_sigstate_t *st = calloc(1, sizeof(*st));
	if (!st)
		return ST_ENOMEM;
	st->id = __atomic_fetch_add(&next_state_id, 1, __ATOMIC_RELAXED);
	st->zone = s->zone;
	memcpy(st->apex, s->apex, s->apex_len);
	st->apex_len = s->apex_len;
	st->apex_labels = st_zone_apex_node(s->zone)->labels;
	st->made_at = now;
	st->inception = (uint32_t)(now - ST_SIGN_SKEW);
	st->expiration = (uint32_t)(now + s->validity);
	st->renew_at = now + (int64_t)s->validity * 3 / 4;
	for (size_t i = 0; i < ks->n; i++) {
		const st_dnskey_t *k = &ks->keys[i];
		st_key_role_t r = st_dnskey_role(k, now);
		uint8_t rd[ST_DNSKEY_RDATA_MAX];
		uint16_t tag = st_key_tag(rd, st_dnskey_rdata(k, r.revoked, rd));
		if (st_dnskey_signs_keys(ks, i, now))
			add_signer(st->ksk, &st->n_ksk, k, tag);
		if (st_dnskey_signs_zone(ks, i, now))
			add_signer(st->zsk, &st->n_zsk, k, tag);
		int64_t ev = st_dnskey_next_event(k, now);
		if (ev < st->renew_at)
			st->renew_at = ev;
	}
	if (st->n_zsk == 0 || st->n_ksk == 0) {
		const char *missing = st->n_ksk ? "no zone-signing key" : "no key-signing key";
		st_sigstate_free(st);
		return st_diag_set(
		    diag, ST_ECONF,
		    "zone %s: no key can sign now (%s): check the keys' Activate, "
		    "Inactive and Delete times and that their .private files are there",
		    apex_str(s, zb, sizeof(zb)), missing);
	}
	st->n_slots = st_zone_rrset_count(s->zone);
	st->slots = calloc(st->n_slots ? st->n_slots : 1, sizeof(*st->slots));
	st_sigbuf_t sb;
	st_sigbuf_init(&sb);
	int ret = st->slots ? make_apex(st, s, now, &sb) : ST_ENOMEM;
	st_sigbuf_clear(&sb);
	if (ret < 0) {
		st_sigstate_free(st);
		return st_diag_set(diag, ret, "zone %s: cannot sign the DNSKEY RRset (%s)",
				   apex_str(s, zb, sizeof(zb)), st_strerror(ret));
	}
	*out = st;
	return 0;
}

/* ---- signers ---- */

/* Records of types the signer makes itself, or that a zone signed online
 * cannot carry. */
static bool signer_type(uint16_t t)
{
	return t == ST_TYPE_RRSIG || t == ST_TYPE_NSEC || t == ST_TYPE_NSEC3 ||
	       t == ST_TYPE_NSEC3PARAM || t == ST_TYPE_DNSKEY || t == ST_TYPE_CDS ||
	       t == ST_TYPE_CDNSKEY;
}

static int check_zone(const st_zone_t *zone, st_diag_t *diag)
{
	for (size_t i = 0; i < st_zone_node_count(zone); i++) {
		const st_node_t *n = st_zone_node(zone, i);
		for (unsigned k = 0; k < n->n_rrsets; k++) {
			uint16_t t = n->rrsets[k].type;
			if (!signer_type(t))
				continue;
			char name[ST_DNS_MAX_NAME * 4], tb[16];
			st_name_to_str(n->name, name, sizeof(name));
			return st_diag_set(
			    diag, ST_EZONE,
			    "%s: %s has %s records, which a zone signed online must "
			    "not have (steerd makes DNSKEY, CDS and CDNSKEY from the "
			    "keys folder, and RRSIG and NSEC per answer)",
			    st_zone_file(zone), name, st_rrtype_str(t, tb, sizeof(tb)));
		}
	}
	return 0;
}

int st_signer_new(st_zone_t *zone, st_keyset_t *keys, uint32_t validity, int64_t now,
		  st_signer_t **out, st_diag_t *diag)
{
	int ret = check_zone(zone, diag);
	if (ret < 0) {
		st_keyset_free(keys);
		return ret;
	}
	st_signer_t *s = calloc(1, sizeof(*s));
	if (!s) {
		st_keyset_free(keys);
		return ST_ENOMEM;
	}
	s->refs = 1;
	s->zone = st_zone_ref(zone);
	s->keys = keys;
	s->validity = validity;
	uint8_t al;
	const uint8_t *apex = st_zone_apex(zone, &al);
	memcpy(s->apex, apex, al);
	s->apex_len = al;
	ret = state_new(s, now, &s->state, diag);
	if (ret < 0) {
		st_signer_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

st_signer_t *st_signer_ref(st_signer_t *s)
{
	if (s)
		s->refs++;
	return s;
}

void st_signer_free(st_signer_t *s)
{
	if (!s || --s->refs > 0)
		return;
	st_sigstate_free(s->state);
	st_keyset_free(s->keys);
	st_zone_free(s->zone);
	free(s);
}

static bool same_key(const st_dnskey_t *a, const st_dnskey_t *b)
{
	return a->flags == b->flags && a->alg == b->alg && a->ttl == b->ttl &&
	       a->rdlen == b->rdlen && memcmp(a->rdata, b->rdata, a->rdlen) == 0 &&
	       (a->pkey != NULL) == (b->pkey != NULL) &&
	       memcmp(a->times, b->times, sizeof(a->times)) == 0;
}

bool st_signer_same(const st_signer_t *s, const st_zone_t *zone, const st_keyset_t *keys,
		    uint32_t validity)
{
	if (s->zone != zone || s->validity != validity || s->keys->n != keys->n)
		return false;
	for (size_t i = 0; i < keys->n; i++)
		if (!same_key(&s->keys->keys[i], &keys->keys[i]))
			return false;
	return true;
}

const st_keyset_t *st_signer_keys(const st_signer_t *s)
{
	return s->keys;
}

const st_zone_t *st_signer_zone(const st_signer_t *s)
{
	return s->zone;
}

uint32_t st_signer_validity(const st_signer_t *s)
{
	return s->validity;
}

const st_sigstate_t *st_signer_state(const st_signer_t *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

int64_t st_signer_due(const st_signer_t *s)
{
	return s->retry_at ? s->retry_at : s->state->renew_at;
}

st_sigstate_t *st_signer_maintain(st_signer_t *s, int64_t now, st_diag_t *diag)
{
	if (now < st_signer_due(s))
		return NULL;
	st_sigstate_t *fresh;
	if (state_new(s, now, &fresh, diag) < 0) {
		/* The old signatures stay valid for a while yet: keep them. */
		s->retry_at = now + RETRY_S;
		return NULL;
	}
	s->retry_at = 0;
	return __atomic_exchange_n(&s->state, fresh, __ATOMIC_ACQ_REL);
}

uint32_t st_sigstate_expiration(const st_sigstate_t *st)
{
	return st->expiration;
}

uint32_t st_sigstate_inception(const st_sigstate_t *st)
{
	return st->inception;
}

const st_sig_rrset_t *st_sigstate_apex(const st_sigstate_t *st, uint16_t type)
{
	for (size_t i = 0; i < st->n_apex; i++)
		if (st->apex_sets[i].type == type)
			return &st->apex_sets[i];
	return NULL;
}

size_t st_sigstate_tags(const st_sigstate_t *st, bool dnskey, uint16_t *tags, size_t cap)
{
	const st_sigkey_t *k = dnskey ? st->ksk : st->zsk;
	size_t n = dnskey ? st->n_ksk : st->n_zsk, i;
	for (i = 0; i < n && i < cap; i++)
		tags[i] = k[i].tag;
	return i;
}

/* ---- for people ---- */

static const char *alg_name(uint8_t alg)
{
	return alg == ST_ALG_ECDSAP256SHA256 ? "ECDSAP256SHA256"
	       : alg == ST_ALG_ED25519	     ? "ED25519"
					     : "?";
}

size_t st_signer_key_info(const st_signer_t *s, st_key_info_t *out, size_t cap)
{
	int64_t now = s->state->made_at;
	const st_keyset_t *ks = s->keys;
	size_t n = 0;
	for (size_t i = 0; i < ks->n && n < cap; i++) {
		const st_dnskey_t *k = &ks->keys[i];
		st_key_role_t r = st_dnskey_role(k, now);
		bool keys = st_dnskey_signs_keys(ks, i, now),
		     zone = st_dnskey_signs_zone(ks, i, now);
		st_key_info_t *o = &out[n++];
		uint8_t rd[ST_DNSKEY_RDATA_MAX];
		o->tag = st_key_tag(rd, st_dnskey_rdata(k, r.revoked, rd));
		o->alg = k->alg;
		o->alg_name = alg_name(k->alg);
		o->role = keys && zone		       ? "CSK"
			  : keys		       ? "KSK"
			  : zone		       ? "ZSK"
			  : (k->flags & ST_DNSKEY_SEP) ? "KSK"
						       : "ZSK";
		if (r.revoked)
			o->state = "revoked";
		else if (keys || zone)
			o->state = "active";
		else if (r.publish)
			o->state = k->times[ST_KEY_INACTIVE] != ST_KEY_UNSET &&
					   k->times[ST_KEY_INACTIVE] <= now
				       ? "inactive"
				       : "published";
		else if (k->times[ST_KEY_DELETE] != ST_KEY_UNSET && k->times[ST_KEY_DELETE] <= now)
			o->state = "removed";
		else
			o->state = "future";
		o->sync = publishes_cds(ks, i, now, any_sep(ks, now));
	}
	return n;
}

size_t st_signer_ds(const st_signer_t *s, int64_t now, uint8_t *out, size_t cap)
{
	const st_keyset_t *ks = s->keys;
	bool sep_only = any_sep(ks, now);
	size_t n = 0;
	for (size_t i = 0; i < ks->n && n < cap; i++) {
		const st_dnskey_t *k = &ks->keys[i];
		st_key_role_t r = st_dnskey_role(k, now);
		if (!r.publish || r.revoked || (sep_only && !(k->flags & ST_DNSKEY_SEP)))
			continue;
		if (st_ds_rdata(s->apex, s->apex_len, k->rdata, k->rdlen, 2,
				out + n * ST_DS_RDATA_LEN) == ST_DS_RDATA_LEN)
			n++;
	}
	return n;
}

/* ---- NSEC ---- */

size_t st_nsec_rdata(const st_sigstate_t *st, const st_node_t *node, uint16_t omit,
		     const uint8_t *next, size_t next_len, uint8_t *out)
{
	uint16_t types[ST_NSEC_TYPES_MAX];
	size_t n = 0;
	types[n++] = ST_TYPE_RRSIG;
	types[n++] = ST_TYPE_NSEC;
	if (!node) {
		types[n++] = ST_TYPE_NXNAME;
	} else {
		bool cut = node->flags & ST_NODE_DELEG;
		for (unsigned i = 0; i < node->n_rrsets && n + 3 < ST_NSEC_TYPES_MAX; i++) {
			uint16_t t = node->rrsets[i].type;
			if (!cut || t == ST_TYPE_NS || t == ST_TYPE_DS)
				types[n++] = t;
		}
		if (node->flags & ST_NODE_APEX)
			for (size_t i = 0; i < st->n_apex; i++)
				types[n++] = st->apex_sets[i].type;
		/* RRSIG and NSEC stay whatever was asked: the NSEC is signed
		 * (RFC 4035 2.3), so an RRSIG query is never NODATA. */
		if (omit) {
			for (size_t i = 2; i < n;) {
				if (types[i] == omit || types[i] == ST_TYPE_CNAME)
					types[i] = types[--n];
				else
					i++;
			}
		}
	}
	memcpy(out, next, next_len);
	return next_len + st_typemap_write(types, n, out + next_len, ST_TYPEMAP_MAX);
}

#define KEYS_SHOWN 16

void st_signer_summary(const st_signer_t *s, st_buf_t *out)
{
	st_key_info_t k[KEYS_SHOWN];
	size_t n = st_signer_key_info(s, k, KEYS_SHOWN);
	st_buf_puts(out, "keys");
	for (size_t i = 0; i < n; i++)
		st_buf_printf(out, "%s %u %s %s %s%s", i ? "," : "", k[i].tag, k[i].role,
			      k[i].alg_name, k[i].state, k[i].sync ? " (CDS)" : "");
	char t[64];
	st_real_fmt((uint64_t)st_sigstate_expiration(st_signer_state(s)) * ST_NS_PER_SEC, t,
		    sizeof(t));
	st_buf_printf(out, "; signatures valid until %s", t);
}
