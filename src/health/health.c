/* Effective health for steerd: binds the config's endpoints to slots of the
 * shared table by name, applies overrides and the staleness policy. The query
 * path reads through an immutable binding (a pointer per endpoint to its
 * slot); the main loop's tick swaps bindings when the table changes and
 * unmaps retired ones once no worker can still hold them (an RCU grace
 * period: workers read health only while online).
 *
 * A slot is believed only when its sequence word is even and its state a
 * known value, in a mapping that has not faulted. Otherwise (a writer
 * mid-update, one that died half-way, a stray write, a file truncated
 * under the mapping) the endpoint reads as the on_stale policy says for a
 * state not known: the last state the tick saw settled (last-known), or up
 * (fail-open). */
#include "health/health.h"
#include "common/enumname.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/time.h"
#include "conf/conf.h"
#include "health/table.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu-qsbr.h>

/* A heartbeat ahead of our clock by more than this comes from a previous boot. */
#define FUTURE_SLACK_NS (1 * ST_NS_PER_SEC)

/* The slot of endpoints that have none: unknown, which counts as up. */
static const st_healthtab_slot_t unknown_slot;
/* The slot of endpoints whose table became unsafe to read: never believed,
 * so the on_stale policy answers. */
static const st_healthtab_slot_t gone_slot = {.state = UINT32_MAX};
static const atomic_bool never_faulted;

typedef struct binding {
	st_healthtab_t *table; /* NULL: no usable table */
	uint64_t generation;
	const atomic_bool *faulted;	   /* the mapping was found truncated (SIGBUS) */
	const st_healthtab_slot_t **slots; /* per endpoint */
	uint32_t *slot;			   /* per endpoint, UINT32_MAX when not in the table */
	struct binding *next;
} binding_t;

struct st_health {
	size_t n;
	char **names;
	bool *has_check;
	bool any_check;
	char *path;
	uint64_t stale_after_ns;
	st_on_stale_t on_stale;

	_Atomic(binding_t *) cur;
	_Atomic uint8_t *ov;
	_Atomic uint32_t *snap; /* last settled states seen, kept each tick: what
				 * a slot that cannot be believed reads as */
	uint32_t *snap_next;	/* this tick's reading, kept if it completed */
	uint32_t *odd_seen;	/* per endpoint: odd sequence word at the last tick */
	bool *bad;		/* per endpoint: slot not believed at the last tick */
	size_t n_bad;
	_Atomic bool all_up; /* stale and fail-open */
	_Atomic bool stale;
	bool table_bad;		     /* the file changed and its replacement is unusable */
	bool logged_once;	     /* the stale/fresh log line has been printed at least once */
	st_checker_status_t checker; /* at the last tick, logged on change */
	char problem[256];	     /* why the table is unusable, logged on change */
	binding_t *retired;
};

static void binding_free(binding_t *b)
{
	if (!b)
		return;
	st_healthtab_close(b->table);
	free(b->slots);
	free(b->slot);
	free(b);
}

/* Bind every checked endpoint to the table slot of the same name. */
static binding_t *binding_new(const st_health_t *h, st_healthtab_t *table)
{
	binding_t *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->slots = calloc(h->n ? h->n : 1, sizeof(*b->slots));
	b->slot = calloc(h->n ? h->n : 1, sizeof(*b->slot));
	size_t cap = 16;
	while (table && cap < st_healthtab_count(table) * 2)
		cap <<= 1;
	uint32_t *index = table ? malloc(cap * sizeof(*index)) : NULL;
	if (!b->slots || !b->slot || (table && !index)) {
		free(index);
		binding_free(b);
		return NULL;
	}
	/* Open addressing over the slot names: O(n) rebinding for big tables. */
	if (table) {
		memset(index, 0xff, cap * sizeof(*index));
		for (uint32_t i = 0; i < st_healthtab_count(table); i++) {
			const char *nm = st_healthtab_name(table, i);
			size_t k = st_hash(nm, strlen(nm)) & (cap - 1);
			while (index[k] != UINT32_MAX)
				k = (k + 1) & (cap - 1);
			index[k] = i;
		}
	}
	for (size_t e = 0; e < h->n; e++) {
		b->slots[e] = &unknown_slot;
		b->slot[e] = UINT32_MAX;
		if (!table || !h->has_check[e])
			continue;
		size_t k = st_hash(h->names[e], strlen(h->names[e])) & (cap - 1);
		for (; index[k] != UINT32_MAX; k = (k + 1) & (cap - 1)) {
			if (strcmp(st_healthtab_name(table, index[k]), h->names[e]) == 0) {
				b->slot[e] = index[k];
				b->slots[e] = st_healthtab_slot(table, index[k]);
				break;
			}
		}
	}
	free(index);
	b->table = table;
	b->generation = table ? st_healthtab_generation(table) : 0;
	b->faulted = table ? st_healthtab_fault_flag(table) : &never_faulted;
	return b;
}

/* A binding without a table for the endpoints `from` had slots for: they
 * read as the on_stale policy says (the last states of the tick). */
static binding_t *binding_snapshot(const st_health_t *h, const binding_t *from)
{
	binding_t *b = binding_new(h, NULL);
	if (!b)
		return NULL;
	for (size_t e = 0; e < h->n; e++)
		if (from->slot[e] != UINT32_MAX)
			b->slots[e] = &gone_slot;
	return b;
}

/* What an endpoint whose slot is not believed reads as. */
static inline uint32_t fallback_state(const st_health_t *h, uint32_t e)
{
	if (h->on_stale == ST_STALE_FAIL_OPEN)
		return ST_HEALTH_UP;
	return atomic_load_explicit(&h->snap[e], memory_order_relaxed);
}

/* Keep each slot's settled state for the fallback, and judge the slots: a
 * state that is no known value, or a sequence word odd at two ticks in a
 * row with the same value (a write takes microseconds), is bad. */
static void keep_snapshot(st_health_t *h, const binding_t *b)
{
	unsigned long faults = st_healthtab_faults();
	for (size_t e = 0; e < h->n; e++) {
		h->snap_next[e] = UINT32_MAX;
		if (b->slot[e] == UINT32_MAX)
			continue;
		const st_healthtab_slot_t *s = b->slots[e];
		uint32_t s1 = atomic_load_explicit(&s->seq, memory_order_acquire);
		uint32_t v = atomic_load_explicit(&s->state, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		uint32_t s2 = atomic_load_explicit(&s->seq, memory_order_relaxed);
		if (s1 == s2 && !(s1 & 1) && v <= ST_HEALTH_DOWN)
			h->snap_next[e] = v;
		bool stuck = (s1 & 1) && s1 == s2 && s1 == h->odd_seen[e];
		h->odd_seen[e] = (s1 & 1) && s1 == s2 ? s1 : 0;
		h->bad[e] = stuck || (s1 == s2 && v > ST_HEALTH_DOWN);
	}
	/* The mapping vanished while being read: keep the states before. */
	if (st_healthtab_faults() != faults || atomic_load(b->faulted))
		return;
	size_t n_bad = 0;
	for (size_t e = 0; e < h->n; e++) {
		if (h->snap_next[e] != UINT32_MAX)
			atomic_store_explicit(&h->snap[e], h->snap_next[e], memory_order_relaxed);
		n_bad += h->bad[e];
	}
	if (n_bad == 0 && h->n_bad)
		st_log_notice("health table %s, every slot readable again", h->path);
	else if (n_bad != h->n_bad)
		st_log_warn("health table %s, %zu slot%s not readable (a state of no known value "
			    "or a sequence word that does not settle), %s",
			    h->path, n_bad, n_bad == 1 ? "" : "s",
			    h->on_stale == ST_STALE_FAIL_OPEN ? "treated as up"
							      : "keeping their last states");
	h->n_bad = n_bad;
}

static void retire(st_health_t *h, binding_t *old)
{
	old->next = h->retired;
	h->retired = old;
}

/* Free the retired bindings. Workers read a binding only while they are
 * RCU-online (around one answer), and every other reader runs on this
 * thread, so after a grace period none can hold one. */
static void reap_retired(st_health_t *h, bool wait)
{
	if (!h->retired)
		return;
	if (wait)
		synchronize_rcu();
	while (h->retired) {
		binding_t *b = h->retired;
		h->retired = b->next;
		binding_free(b);
	}
}

/* Try to (re)map the table; on success swap the binding. */
static void try_map(st_health_t *h, uint64_t now)
{
	if (!h->path) {
		snprintf(h->problem, sizeof(h->problem), "no health table configured");
		return;
	}
	st_healthtab_t *t = NULL;
	st_diag_t diag;
	int rc = st_healthtab_reader_open(h->path, &t, &diag);
	if (rc != 0) {
		snprintf(h->problem, sizeof(h->problem), "%.240s",
			 rc == ST_ENOENT ? "table file missing" : diag.text);
		h->table_bad = true;
		return;
	}
	binding_t *nb = binding_new(h, t);
	if (!nb) {
		st_healthtab_close(t);
		return;
	}
	binding_t *old = atomic_exchange_explicit(&h->cur, nb, memory_order_acq_rel);
	if (old)
		retire(h, old);
	h->table_bad = false;
	h->problem[0] = '\0';
	st_log_debug("health table %s, mapped (generation %llu, %zu slots)", h->path,
		     (unsigned long long)nb->generation, st_healthtab_count(t));
}

/* The checker's liveness, and a log line when it stops or starts beating. */
static void eval_checker(st_health_t *h)
{
	st_health_checker_t ck;
	st_health_checker(h, &ck);
	if (ck.status == h->checker)
		return;
	if (ck.status == ST_CHECKER_BEATING && h->checker != ST_CHECKER_NONE)
		st_log_notice("health table %s, checker pid %d beating", h->path, ck.pid);
	else if (ck.status != ST_CHECKER_BEATING && ck.status != ST_CHECKER_NONE && !ck.stale &&
		 h->checker == ST_CHECKER_BEATING)
		st_log_warn("health table %s, checker pid %d %s (heartbeat %llums old): the "
			    "states age, stale in %llums",
			    h->path, ck.pid, st_checker_status_name(ck.status),
			    (unsigned long long)ck.age_ms, (unsigned long long)ck.stale_in_ms);
	h->checker = ck.status;
}

static void eval_stale(st_health_t *h, uint64_t now)
{
	binding_t *b = atomic_load_explicit(&h->cur, memory_order_relaxed);
	bool stale;
	char why[320];
	why[0] = '\0';
	if (!h->any_check) {
		stale = false;
	} else if (!b->table || h->table_bad) {
		stale = true;
		snprintf(why, sizeof(why), "%s", h->problem[0] ? h->problem : "no table");
	} else {
		uint64_t hb = st_healthtab_heartbeat_ns(b->table);
		if (hb == 0) {
			stale = true;
			snprintf(why, sizeof(why), "no heartbeat yet");
		} else if (hb > now + FUTURE_SLACK_NS) {
			stale = true;
			snprintf(why, sizeof(why), "heartbeat from before the last boot");
		} else {
			uint64_t age = now > hb ? now - hb : 0;
			stale = age > h->stale_after_ns;
			snprintf(why, sizeof(why), "heartbeat %llums old, checker pid %d",
				 (unsigned long long)(age / ST_NS_PER_MS),
				 st_healthtab_pid(b->table));
		}
	}
	bool was = atomic_load_explicit(&h->stale, memory_order_relaxed);
	atomic_store_explicit(&h->all_up, stale && h->on_stale == ST_STALE_FAIL_OPEN,
			      memory_order_relaxed);
	atomic_store_explicit(&h->stale, stale, memory_order_relaxed);
	if (stale && (!was || !h->logged_once))
		st_log_warn("health table %s, stale (%s), %s", h->path ? h->path : "(none)", why,
			    h->on_stale == ST_STALE_FAIL_OPEN ? "treating every endpoint as up"
							      : "keeping last-known states");
	else if (!stale && was && h->logged_once)
		st_log_notice("health table %s, fresh again (%s)", h->path, why);
	if (stale)
		h->logged_once = true;
	if (h->any_check)
		eval_checker(h);
}

int st_health_new(const struct st_conf *conf, st_health_t **out, st_diag_t *diag)
{
	st_health_t *h = calloc(1, sizeof(*h));
	if (!h)
		return ST_ENOMEM;
	h->n = conf->n_endpoints;
	h->stale_after_ns = conf->stale_after_ms * ST_NS_PER_MS;
	h->on_stale = conf->on_stale;
	h->names = calloc(h->n ? h->n : 1, sizeof(*h->names));
	h->has_check = calloc(h->n ? h->n : 1, sizeof(*h->has_check));
	h->ov = calloc(h->n ? h->n : 1, sizeof(*h->ov));
	h->snap = calloc(h->n ? h->n : 1, sizeof(*h->snap));
	h->snap_next = calloc(h->n ? h->n : 1, sizeof(*h->snap_next));
	h->odd_seen = calloc(h->n ? h->n : 1, sizeof(*h->odd_seen));
	h->bad = calloc(h->n ? h->n : 1, sizeof(*h->bad));
	if (conf->health_table)
		h->path = strdup(conf->health_table);
	if (!h->names || !h->has_check || !h->ov || !h->snap || !h->snap_next || !h->odd_seen ||
	    !h->bad || (conf->health_table && !h->path))
		goto nomem;
	for (size_t i = 0; i < h->n; i++) {
		h->names[i] = strdup(conf->endpoints[i].name ? conf->endpoints[i].name : "");
		if (!h->names[i])
			goto nomem;
		h->has_check[i] = conf->endpoints[i].check != ST_CONF_NONE;
		h->any_check |= h->has_check[i];
	}
	binding_t *b = binding_new(h, NULL);
	if (!b)
		goto nomem;
	atomic_store(&h->cur, b);
	atomic_store(&h->stale, false);
	uint64_t now = st_mono_ns();
	if (h->any_check)
		try_map(h, now);
	eval_stale(h, now);
	*out = h;
	return 0;
nomem:
	st_health_free(h);
	return st_diag_set(diag, ST_ENOMEM, "health: out of memory");
}

typedef struct named {
	const char *name;
	uint32_t e;
} named_t;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const named_t *)a)->name, ((const named_t *)b)->name);
}

void st_health_carry(st_health_t *h, const st_health_t *old)
{
	if (!h || !old || old->n == 0)
		return;
	/* Same endpoints in the same order (most reloads): copy straight. */
	size_t same = 0;
	while (same < h->n && same < old->n && strcmp(h->names[same], old->names[same]) == 0)
		same++;
	for (size_t e = 0; e < same; e++)
		atomic_store(&h->snap[e], atomic_load(&old->snap[e]));
	if (same == h->n)
		return;
	named_t *sorted = malloc(old->n * sizeof(*sorted));
	if (!sorted)
		return; /* the others start unknown, as at a first start */
	for (size_t i = 0; i < old->n; i++)
		sorted[i] = (named_t){old->names[i], (uint32_t)i};
	qsort(sorted, old->n, sizeof(*sorted), by_name);
	for (size_t e = same; e < h->n; e++) {
		named_t key = {h->names[e], 0};
		const named_t *hit = bsearch(&key, sorted, old->n, sizeof(*sorted), by_name);
		if (hit)
			atomic_store(&h->snap[e], atomic_load(&old->snap[hit->e]));
	}
	free(sorted);
}

void st_health_free(st_health_t *h)
{
	if (!h)
		return;
	/* Called once no worker can see this object any more. */
	reap_retired(h, false);
	binding_free(atomic_load(&h->cur));
	if (h->names)
		for (size_t i = 0; i < h->n; i++)
			free(h->names[i]);
	free(h->names);
	free(h->has_check);
	free((void *)h->ov);
	free((void *)h->snap);
	free(h->snap_next);
	free(h->odd_seen);
	free(h->bad);
	free(h->path);
	free(h);
}

bool st_health_up(const st_health_t *h, uint32_t endpoint)
{
	if (!h || endpoint >= h->n)
		return true;
	uint8_t ov = atomic_load_explicit(&h->ov[endpoint], memory_order_relaxed);
	if (ov != ST_OVERRIDE_NONE)
		return ov == ST_OVERRIDE_UP;
	if (!h->has_check[endpoint] || atomic_load_explicit(&h->all_up, memory_order_relaxed))
		return true;
	const binding_t *b = atomic_load_explicit(&h->cur, memory_order_acquire);
	const st_healthtab_slot_t *s = b->slots[endpoint];
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
	uint32_t v = atomic_load_explicit(&s->state, memory_order_relaxed);
	/* the flag after the loads: a fault raised by them is seen here */
	if (__builtin_expect((seq & 1) || v > ST_HEALTH_DOWN ||
				 atomic_load_explicit(b->faulted, memory_order_relaxed),
			     0))
		v = fallback_state(h, endpoint);
	return v != ST_HEALTH_DOWN;
}

void st_health_tick(st_health_t *h)
{
	if (!h)
		return;
	uint64_t now = st_mono_ns();
	if (h->any_check) {
		binding_t *b = atomic_load_explicit(&h->cur, memory_order_relaxed);
		if (b->table && st_healthtab_shrunk(b->table)) {
			/* Truncated in place under us: stop reading the mapping at
			 * once, serve the last states seen. */
			memset(h->bad, 0, h->n * sizeof(*h->bad));
			h->n_bad = 0;
			binding_t *nb = binding_snapshot(h, b);
			if (nb) {
				atomic_store_explicit(&h->cur, nb, memory_order_release);
				retire(h, b);
				b = nb;
			}
			h->table_bad = true;
			snprintf(h->problem, sizeof(h->problem), "truncated in place");
			st_log_warn("health table %s, truncated in place, keeping the last states",
				    h->path);
		} else if (b->table) {
			keep_snapshot(h, b);
		}
		if (!b->table || h->table_bad || st_healthtab_changed(b->table) ||
		    st_healthtab_generation(b->table) != b->generation) {
			char before[256];
			snprintf(before, sizeof(before), "%s", h->problem);
			try_map(h, now);
			if (h->problem[0] && strcmp(before, h->problem) != 0 && h->logged_once)
				st_log_warn("health table %s, unusable (%s)", h->path, h->problem);
		}
		reap_retired(h, true);
	}
	eval_stale(h, now);
}

bool st_health_stale(const st_health_t *h)
{
	return h && atomic_load_explicit(&h->stale, memory_order_relaxed);
}

uint64_t st_health_age_ms(const st_health_t *h)
{
	if (!h)
		return UINT64_MAX;
	const binding_t *b = atomic_load_explicit(&h->cur, memory_order_acquire);
	if (!b->table)
		return UINT64_MAX;
	uint64_t hb = st_healthtab_heartbeat_ns(b->table), now = st_mono_ns();
	if (hb == 0 || hb > now + FUTURE_SLACK_NS)
		return UINT64_MAX;
	return now > hb ? (now - hb) / ST_NS_PER_MS : 0;
}

int st_health_checker_pid(const st_health_t *h)
{
	if (!h)
		return 0;
	const binding_t *b = atomic_load_explicit(&h->cur, memory_order_acquire);
	return b->table ? st_healthtab_pid(b->table) : 0;
}

const char *st_checker_status_name(st_checker_status_t s)
{
	static const char *const names[] = {[ST_CHECKER_BEATING] = "beating",
					    [ST_CHECKER_EXITED] = "exited",
					    [ST_CHECKER_GONE] = "gone",
					    [ST_CHECKER_SILENT] = "silent"};
	return st_enum_name(names, ST_NELEMS(names), s, "none");
}

/* A process by that pid exists (EPERM: it does, not ours). In another pid
 * namespace a live checker looks gone: only believed with a missed beat. */
static bool pid_gone(int pid)
{
	return kill(pid, 0) != 0 && errno == ESRCH;
}

void st_health_fleet(const st_health_t *h, st_health_fleet_t *out)
{
	memset(out, 0, sizeof(*out));
	if (!h)
		return;
	const binding_t *b = atomic_load_explicit(&h->cur, memory_order_acquire);
	if (b->table && !h->table_bad)
		st_healthtab_fleet(b->table, out);
}

void st_health_checker(const st_health_t *h, st_health_checker_t *out)
{
	memset(out, 0, sizeof(*out));
	out->age_ms = UINT64_MAX;
	if (!h)
		return;
	const binding_t *b = atomic_load_explicit(&h->cur, memory_order_acquire);
	out->stale = st_health_stale(h);
	if (!b->table || h->table_bad)
		return;
	uint64_t now = st_mono_ns(), hb = st_healthtab_heartbeat_ns(b->table);
	if (hb && hb <= now + FUTURE_SLACK_NS)
		out->age_ms = now > hb ? (now - hb) / ST_NS_PER_MS : 0;
	out->pid = st_healthtab_pid(b->table);
	uint64_t beat = st_healthtab_beat_period(b->table);
	if (beat == 0 || beat > 60000)
		beat = 1000; /* a checker that does not say beats at least once a second */
	if (out->pid <= 0)
		out->status = ST_CHECKER_EXITED;
	else if (out->age_ms != UINT64_MAX && out->age_ms <= beat + 100)
		out->status = ST_CHECKER_BEATING;
	else if (pid_gone(out->pid))
		out->status = ST_CHECKER_GONE;
	else if (out->age_ms == UINT64_MAX || out->age_ms > 2 * beat + 250)
		out->status = ST_CHECKER_SILENT;
	else
		out->status = ST_CHECKER_BEATING; /* a late beat, not yet a missed one */
	uint64_t stale_ms = h->stale_after_ns / ST_NS_PER_MS;
	if (out->status != ST_CHECKER_BEATING && !out->stale && out->age_ms < stale_ms)
		out->stale_in_ms = stale_ms - out->age_ms;
}

void st_health_set_override(st_health_t *h, uint32_t endpoint, st_override_t ov)
{
	if (h && endpoint < h->n)
		atomic_store_explicit(&h->ov[endpoint], (uint8_t)ov, memory_order_relaxed);
}

st_override_t st_health_get_override(const st_health_t *h, uint32_t endpoint)
{
	if (!h || endpoint >= h->n)
		return ST_OVERRIDE_NONE;
	return (st_override_t)atomic_load_explicit(&h->ov[endpoint], memory_order_relaxed);
}

int st_health_info(const st_health_t *h, uint32_t endpoint, st_health_info_t *out)
{
	memset(out, 0, sizeof(*out));
	if (!h || endpoint >= h->n)
		return ST_ENOENT;
	const binding_t *b = atomic_load_explicit(&h->cur, memory_order_acquire);
	out->has_check = h->has_check[endpoint];
	out->override = st_health_get_override(h, endpoint);
	if (b->table && b->slot[endpoint] != UINT32_MAX) {
		out->in_table = true;
		if (st_healthtab_read(b->table, b->slot[endpoint], &out->checker) != 0 ||
		    h->bad[endpoint] || atomic_load(b->faulted)) {
			memset(&out->checker, 0, sizeof(out->checker));
			out->unreadable = true;
		}
	}
	out->effective = st_health_up(h, endpoint) ? ST_HEALTH_UP : ST_HEALTH_DOWN;
	return 0;
}

bool st_health_fail_open(const st_health_t *h)
{
	return h && h->on_stale == ST_STALE_FAIL_OPEN;
}

size_t st_health_bad_slots(const st_health_t *h)
{
	return h ? h->n_bad : 0;
}

size_t st_health_count(const st_health_t *h)
{
	return h ? h->n : 0;
}

bool st_health_calculated(const st_conf_t *conf, uint32_t endpoint)
{
	const st_conf_endpoint_t *ep = &conf->endpoints[endpoint];
	return ep->n_checks > 1 || (ep->n_checks == 1 && conf->checks[ep->checks[0]].invert);
}

const char *st_health_check_text(const st_conf_t *conf, uint32_t endpoint,
				 const st_health_info_t *in, uint32_t k)
{
	if (in->unreadable || in->checker.n_checks != conf->endpoints[endpoint].n_checks)
		return "unknown";
	return st_health_state_name(st_health_check_state(&in->checker, k));
}

void st_health_checks_text(const st_conf_t *conf, uint32_t endpoint, const st_health_info_t *in,
			   bool json, st_buf_t *out)
{
	const st_conf_endpoint_t *ep = &conf->endpoints[endpoint];
	char hw[16];
	st_conf_healthy_when_fmt(ep, hw, sizeof(hw));
	st_buf_printf(out, json ? ",\"healthy_when\":\"%s\",\"checks\":[" : "checks (healthy when %s):",
		      hw);
	for (uint32_t k = 0; k < ep->n_checks; k++) {
		const st_conf_check_t *c = &conf->checks[ep->checks[k]];
		const char *state = st_health_check_text(conf, endpoint, in, k);
		if (json) {
			st_buf_puts(out, k ? ",{\"check\":" : "{\"check\":");
			st_buf_json_str(out, c->name);
			st_buf_printf(out, ",\"state\":\"%s\",\"inverted\":%s}", state,
				      c->invert ? "true" : "false");
		} else {
			st_buf_printf(out, "%s %s %s%s", k ? "," : "", c->name, state,
				      c->invert ? " (inverted)" : "");
		}
	}
	if (json)
		st_buf_puts(out, "]");
}
