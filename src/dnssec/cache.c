/* Per-thread signing: the signatures of static RRsets go into their
 * state's slots (shared, first one in wins); RRsets made per query go into
 * a cache of this thread keyed by the exact RRset in canonical form, its
 * label count and the state, so a hit takes no lock and no clock. */
#include "dnssec/internal.h"
#include "common/hash.h"
#include "common/time.h"

#include <stdlib.h>
#include <string.h>

/* Entries per thread: every distinct routed answer, denial record and
 * synthesised record the thread has signed lately, in sets of two (the one
 * used longer ago makes way). Entries are allocated as signed: an idle
 * thread holds only the table (512 KiB); a full one about 20 MiB (65536
 * entries of a few hundred bytes). */
#define CACHE_SETS 32768
#define CACHE_WAYS 2

typedef struct centry {
	uint64_t hash;
	uint64_t state;
	uint64_t used; /* the thread's use counter at the last hit */
	uint32_t klen;
	st_sigs_t *sigs; /* in the same allocation, after the key */
	uint8_t key[];	 /* label count, then the RRset in canonical form */
} centry_t;

struct st_sigctx {
	st_sign_stats_t stats;
	st_sigbuf_t sb;
	st_rdata_ref_t *refs;
	size_t refs_cap;
	uint64_t uses;
	centry_t *slots[CACHE_SETS][CACHE_WAYS];
};

static void inc(uint64_t *c, uint64_t by)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + by, __ATOMIC_RELAXED);
}

st_sigctx_t *st_sigctx_new(void)
{
	st_sigctx_t *c = calloc(1, sizeof(*c));
	if (c)
		st_sigbuf_init(&c->sb);
	return c;
}

void st_sigctx_free(st_sigctx_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_SETS; i++)
		for (size_t w = 0; w < CACHE_WAYS; w++)
			free(c->slots[i][w]);
	st_sigbuf_clear(&c->sb);
	free(c->refs);
	free(c);
}

const st_sign_stats_t *st_sigctx_stats(const st_sigctx_t *c)
{
	return &c->stats;
}

/* Sign what sb holds with the data signers, timed and counted. */
static st_sigs_t *sign_now(st_sigctx_t *c, const st_sigstate_t *st, uint16_t type, uint8_t labels,
			   uint32_t ttl)
{
	uint64_t t0 = st_mono_ns();
	st_sigs_t *s = st_dnssec_sign_keys(&c->sb, st, false, type, labels, ttl);
	inc(&c->stats.sign_ns, st_mono_ns() - t0);
	if (!s) {
		inc(&c->stats.failures, 1);
		return NULL;
	}
	inc(&c->stats.misses, 1);
	inc(&c->stats.signatures, s->n);
	return s;
}

const st_sigs_t *st_sign_static(st_sigctx_t *c, const st_sigstate_t *st, const st_node_t *node,
				const st_rrset_t *rs)
{
	size_t idx = st_zone_rrset_index(st->zone, rs);
	if (idx >= st->n_slots || !rs->count)
		return NULL;
	st_sigs_t *have = __atomic_load_n(&st->slots[idx], __ATOMIC_ACQUIRE);
	if (have) {
		inc(&c->stats.hits, 1);
		return have;
	}
	if (rs->count > c->refs_cap) {
		st_rdata_ref_t *r = realloc(c->refs, rs->count * sizeof(*r));
		if (!r) {
			inc(&c->stats.failures, 1);
			return NULL;
		}
		c->refs = r;
		c->refs_cap = rs->count;
	}
	const uint8_t *rr = rs->rdata;
	for (unsigned i = 0; i < rs->count; i++, rr = st_rr_next(rr))
		c->refs[i] = (st_rdata_ref_t){st_rr_rdata(rr), st_rr_rdlen(rr)};
	if (st_sigbuf_rrset(&c->sb, node->name, node->name_len, rs->type, rs->ttl, c->refs,
			    rs->count) < 0) {
		inc(&c->stats.failures, 1);
		return NULL;
	}
	uint8_t labels = (uint8_t)(node->labels - ((node->flags & ST_NODE_WILDCARD) ? 1 : 0));
	st_sigs_t *made = sign_now(c, st, rs->type, labels, rs->ttl);
	if (!made)
		return NULL;
	st_sigs_t *expected = NULL;
	if (__atomic_compare_exchange_n(&st->slots[idx], &expected, made, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return made;
	/* Another thread was first: serve its signatures, so that every
	 * answer of this state carries the same ones. */
	free(made);
	return expected;
}

const st_sigs_t *st_sign_rrset(st_sigctx_t *c, const st_sigstate_t *st, const uint8_t *owner,
			       size_t owner_len, uint8_t labels, uint16_t type, uint32_t ttl,
			       const st_rdata_ref_t *rr, size_t n)
{
	if (st_sigbuf_rrset(&c->sb, owner, owner_len, type, ttl, rr, n) < 0) {
		inc(&c->stats.failures, 1);
		return NULL;
	}
	const uint8_t *canon = c->sb.buf + ST_RRSIG_HEAD;
	size_t len = c->sb.len;
	uint64_t h = st_hash(canon, len) ^ (st->id * 0x9e3779b97f4a7c15ULL) ^ labels;
	centry_t **set = c->slots[h & (CACHE_SETS - 1)];
	c->uses++;
	for (size_t w = 0; w < CACHE_WAYS; w++) {
		centry_t *e = set[w];
		if (e && e->hash == h && e->state == st->id && e->klen == len + 1 &&
		    e->key[0] == labels && memcmp(e->key + 1, canon, len) == 0) {
			e->used = c->uses;
			inc(&c->stats.hits, 1);
			return e->sigs;
		}
	}
	/* The way to fill: an empty one, else the one used longer ago. */
	centry_t **slot = &set[0];
	for (size_t w = 1; w < CACHE_WAYS && *slot; w++)
		if (!set[w] || set[w]->used < (*slot)->used)
			slot = &set[w];
	st_sigs_t *made = sign_now(c, st, type, labels, ttl);
	if (!made)
		return NULL;
	size_t sigsize = sizeof(*made) + made->len;
	/* The key, then the signatures, aligned for st_sigs_t. */
	size_t koff = (sizeof(centry_t) + len + 1 + 7) & ~(size_t)7;
	centry_t *ne = malloc(koff + sigsize);
	if (!ne) {
		free(made);
		inc(&c->stats.failures, 1);
		return NULL;
	}
	ne->hash = h;
	ne->state = st->id;
	ne->used = c->uses;
	ne->klen = (uint32_t)(len + 1);
	ne->key[0] = labels;
	memcpy(ne->key + 1, canon, len);
	ne->sigs = (st_sigs_t *)((uint8_t *)ne + koff);
	memcpy(ne->sigs, made, sigsize);
	free(made);
	free(*slot);
	*slot = ne;
	return ne->sigs;
}
