/* The RRL table: open addressing over a power-of-two array, a bucket found
 * within a window of PROBE slots from its hash. A full window gives up the
 * bucket with the most credit (a full one holds nothing a fresh one would
 * not), so a client that is being limited keeps its state while a flood of
 * new keys churns the rest. Each bucket is a token bucket kept as one
 * time, the generic cell rate algorithm's "theoretical arrival time": a
 * response is due every `interval`; one may go out while that time is at
 * most `burst - 1` intervals ahead of now, a burst of `rate` responses
 * (one second's worth) then `rate` per second, with no rounding lost
 * however often a bucket is visited. */
#include "limit/rrl.h"
#include "common/hash.h"
#include "common/siphash.h"
#include "common/time.h"
#include "dns/wire.h"

#include <stdlib.h>
#include <string.h>

#define PROBE 8

typedef struct bucket {
	uint64_t key;	     /* 0: free */
	uint64_t tat_ns;     /* when the bucket is full again */
	uint16_t since_slip; /* limited responses since the last slip */
	uint8_t cls;
	uint8_t limiting; /* over the rate since it was last full */
} bucket_t;

struct st_rrl {
	uint32_t mask;
	uint8_t key[ST_SIPHASH_KEY_LEN];
	bucket_t *b;
	st_rrl_counters_t *c;
};

/* Single-writer counter updates: readers see whole values. */
static inline void put(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

static inline uint64_t get(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline void bump(uint64_t *c)
{
	put(c, get(c) + 1);
}

static const char *const class_names[ST_RRL_CLASSES] = {
    [ST_RRL_ANSWER] = "answer",	    [ST_RRL_NODATA] = "nodata",	    [ST_RRL_NXDOMAIN] = "nxdomain",
    [ST_RRL_REFERRAL] = "referral", [ST_RRL_WILDCARD] = "wildcard", [ST_RRL_ERROR] = "error",
};

const char *st_rrl_class_name(st_rrl_class_t c)
{
	return (unsigned)c < ST_RRL_CLASSES ? class_names[c] : "unknown";
}

st_rrl_t *st_rrl_new(uint32_t size, uint64_t seed, st_rrl_counters_t *counters)
{
	uint32_t n = 64;
	while (n < size && n < (1u << 30))
		n <<= 1;
	st_rrl_t *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->b = calloc(n, sizeof(*t->b));
	if (!t->b) {
		free(t);
		return NULL;
	}
	t->mask = n - 1;
	t->c = counters;
	put(&counters->used, 0);
	put(&counters->size, n);
	for (unsigned i = 0; i < 2; i++) {
		uint64_t k = st_splitmix64(&seed);
		memcpy(t->key + 8 * i, &k, 8);
	}
	return t;
}

void st_rrl_free(st_rrl_t *t)
{
	if (!t)
		return;
	put(&t->c->used, 0);
	put(&t->c->size, 0);
	free(t->b);
	free(t);
}

uint32_t st_rrl_size(const st_rrl_t *t)
{
	return t->mask + 1;
}

bool st_rrl_exempt(const st_conf_rrl_t *conf, const uint8_t *addr, unsigned addr_len)
{
	for (size_t i = 0; i < conf->n_exempt; i++)
		if (st_prefix_match(&conf->exempt[i], addr, addr_len))
			return true;
	return false;
}

/* The bucket's identity: class, client network, and the name (and type)
 * the class is about. */
static uint64_t bucket_key(const st_rrl_t *t, const st_conf_rrl_t *conf, const st_rrl_resp_t *r,
			   uint8_t net[16])
{
	uint8_t in[2 + 16 + 2 + ST_DNS_MAX_NAME];
	unsigned alen = r->addr_len == 4 ? 4 : 16;
	unsigned keep = alen == 4 ? conf->ipv4_prefix : conf->ipv6_prefix;
	size_t n = 0;
	in[n++] = (uint8_t)r->cls;
	in[n++] = (uint8_t)alen;
	memset(net, 0, 16);
	memcpy(net, r->addr, alen);
	st_addr_mask(net, alen, keep);
	memcpy(in + n, net, alen);
	n += alen;
	if (r->cls == ST_RRL_ANSWER) {
		st_put16(in + n, r->qtype);
		n += 2;
	}
	if (r->cls != ST_RRL_ERROR && r->name) {
		size_t len = r->name_len < ST_DNS_MAX_NAME ? r->name_len : ST_DNS_MAX_NAME;
		memcpy(in + n, r->name, len);
		n += len;
	}
	uint64_t k = st_siphash24(t->key, in, n);
	return k ? k : 1;
}

static void note_limited(st_rrl_t *t, const uint8_t net[16], unsigned alen, unsigned len,
			 st_rrl_class_t cls)
{
	uint64_t hi = 0, lo = 0;
	for (unsigned i = 0; i < 8; i++) {
		hi = hi << 8 | net[i];
		lo = lo << 8 | net[8 + i];
	}
	put(&t->c->last_hi, hi);
	put(&t->c->last_lo, lo);
	put(&t->c->last_meta, (uint64_t)(alen == 4 ? 4u : 6u) << 16 | len << 8 | (uint64_t)cls);
}

st_rrl_action_t st_rrl_account(st_rrl_t *t, const st_conf_rrl_t *conf, unsigned share,
			       const st_rrl_resp_t *resp, uint64_t now_ns)
{
	if (!t || conf->rate == 0 || (resp->addr_len != 4 && resp->addr_len != 16))
		return ST_RRL_SEND;
	if (conf->n_exempt && st_rrl_exempt(conf, resp->addr, resp->addr_len))
		return ST_RRL_SEND;
	if (share == 0)
		share = 1;
	uint8_t net[16];
	uint64_t key = bucket_key(t, conf, resp, net);
	/* This table's share of the rate: one response every `interval`, a
	 * second's worth at once (never less than one). */
	uint64_t interval = ST_NS_PER_SEC * share / conf->rate;
	uint64_t burst = conf->rate / share > 1 ? conf->rate / share : 1;
	uint64_t ahead = (burst - 1) * interval;

	bucket_t *b = NULL, *victim = NULL;
	for (unsigned i = 0; i < PROBE; i++) {
		bucket_t *c = &t->b[(key + i) & t->mask];
		if (c->key == key) {
			b = c;
			break;
		}
		if (victim && victim->key == 0)
			continue;
		if (c->key == 0 || !victim || c->tat_ns < victim->tat_ns)
			victim = c;
	}
	if (!b) {
		b = victim;
		if (b->key == 0)
			bump(&t->c->used);
		else if (b->tat_ns > now_ns)
			bump(&t->c->evicted);
		*b = (bucket_t){.key = key, .tat_ns = now_ns, .cls = (uint8_t)resp->cls};
	} else if (b->tat_ns <= now_ns) {
		b->tat_ns = now_ns;
		b->limiting = 0;
	}
	if (b->tat_ns - now_ns <= ahead) {
		b->tat_ns += interval;
		return ST_RRL_SEND;
	}

	bump(&t->c->limited);
	if (!b->limiting) {
		b->limiting = 1;
		bump(&t->c->entered);
		note_limited(t, net, resp->addr_len,
			     resp->addr_len == 4 ? conf->ipv4_prefix : conf->ipv6_prefix,
			     resp->cls);
	}
	if (conf->slip > 0 && ++b->since_slip >= conf->slip) {
		b->since_slip = 0;
		bump(&t->c->slipped);
		return ST_RRL_SLIP;
	}
	bump(&t->c->dropped);
	return ST_RRL_DROP;
}

void st_rrl_counters_add(st_rrl_counters_t *sum, const st_rrl_counters_t *one)
{
	sum->limited += get(&one->limited);
	sum->slipped += get(&one->slipped);
	sum->dropped += get(&one->dropped);
	sum->entered += get(&one->entered);
	sum->evicted += get(&one->evicted);
	sum->used += get(&one->used);
	sum->size += get(&one->size);
	uint64_t meta = get(&one->last_meta);
	if (meta == 0)
		return;
	sum->last_hi = get(&one->last_hi);
	sum->last_lo = get(&one->last_lo);
	sum->last_meta = meta;
}

bool st_rrl_last(const st_rrl_counters_t *c, st_prefix_t *net, st_rrl_class_t *cls)
{
	uint64_t meta = get(&c->last_meta), hi = get(&c->last_hi), lo = get(&c->last_lo);
	if (meta == 0)
		return false;
	memset(net, 0, sizeof(*net));
	net->family = (meta >> 16) == 4 ? AF_INET : AF_INET6;
	net->len = (uint8_t)(meta >> 8);
	for (unsigned i = 0; i < 8; i++) {
		net->addr[i] = (uint8_t)(hi >> (56 - 8 * i));
		net->addr[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
	}
	*cls = (st_rrl_class_t)(meta & 0xff);
	return true;
}
