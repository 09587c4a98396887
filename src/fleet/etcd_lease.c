/* Leases that keep themselves alive: grant, keep-alive every ttl/3, grant
 * again when etcd no longer knows the lease or when no keep-alive got
 * through for a whole ttl (the lease has expired there by then). */
#include "fleet/etcd_internal.h"
#include "common/log.h"
#include "common/time.h"

#include <stdlib.h>

struct st_etcd_lease {
	st_etcd_t *e;
	LIST_ENTRY(st_etcd_lease) link;
	uint32_t ttl_s;
	st_etcd_lease_cb_t cb;
	void *arg;
	int64_t id;
	uint64_t ok_ns;
	st_etcd_op_t *op;
	st_ev_t *timer;
};

static uint32_t interval_ms(const st_etcd_lease_t *l)
{
	return l->ttl_s * 1000 / 3;
}

static void grant(st_etcd_lease_t *l);

static void retry_later(st_etcd_lease_t *l)
{
	uint32_t ms = st_etcd_backoff_ms(l->e);
	if (l->id && ms > interval_ms(l))
		ms = interval_ms(l);
	st_ev_timer_start(l->timer, ms);
}

/* The lease is gone: tell the owner, start over. */
static void lost(st_etcd_lease_t *l, const char *why)
{
	int64_t old = l->id;
	l->id = 0;
	st_log_notice("etcd lease %llx, lost (%s), asking for a new one", (unsigned long long)old,
		      why);
	grant(l);
	l->cb(0, l->arg); /* last: the owner may free the lease */
}

static void on_keepalive(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	st_etcd_lease_t *l = arg;
	l->op = NULL;
	if (rc == 0 && res->ttl > 0) {
		l->ok_ns = st_mono_ns();
		st_ev_timer_start(l->timer, interval_ms(l));
		return;
	}
	if (rc == 0 || rc == ST_ENOENT) {
		lost(l, "etcd no longer has it");
		return;
	}
	if (st_mono_ns() - l->ok_ns > (uint64_t)l->ttl_s * ST_NS_PER_SEC) {
		lost(l, error);
		return;
	}
	retry_later(l);
}

static void on_grant(int rc, const st_etcd_result_t *res, const char *error, void *arg)
{
	st_etcd_lease_t *l = arg;
	l->op = NULL;
	if (rc != 0 || res->lease_id == 0) {
		retry_later(l);
		return;
	}
	l->id = res->lease_id;
	l->ok_ns = st_mono_ns();
	st_ev_timer_start(l->timer, interval_ms(l));
	l->cb(l->id, l->arg); /* last: the owner may free the lease */
}

static void grant(st_etcd_lease_t *l)
{
	if (st_etcd_lease_grant(l->e, l->ttl_s, on_grant, l, &l->op) != 0)
		retry_later(l);
}

static void on_timer(int fd, short what, void *arg)
{
	st_etcd_lease_t *l = arg;
	if (l->op)
		return;
	if (l->id == 0) {
		grant(l);
		return;
	}
	if (st_etcd_lease_keepalive(l->e, l->id, on_keepalive, l, &l->op) != 0)
		retry_later(l);
}

int st_etcd_lease_new(st_etcd_t *e, uint32_t ttl_s, st_etcd_lease_cb_t cb, void *arg,
		      st_etcd_lease_t **out)
{
	st_etcd_lease_t *l = calloc(1, sizeof(*l));
	if (!l)
		return ST_ENOMEM;
	*l = (st_etcd_lease_t){.e = e, .ttl_s = ttl_s < 2 ? 2 : ttl_s, .cb = cb, .arg = arg};
	l->timer = st_ev_timer_new(e->loop, false, on_timer, l);
	if (!l->timer) {
		free(l);
		return ST_ENOMEM;
	}
	LIST_INSERT_HEAD(&e->leases, l, link);
	st_ev_timer_start(l->timer, 0);
	*out = l;
	return 0;
}

void st_etcd_lease_drop(st_etcd_lease_t *l)
{
	LIST_REMOVE(l, link);
	st_etcd_cancel(l->op);
	st_ev_free(l->timer);
	free(l);
}

int st_etcd_lease_end(st_etcd_lease_t *l, st_etcd_cb_t cb, void *arg)
{
	if (!l)
		return ST_ENOENT;
	int64_t id = l->id;
	st_etcd_t *e = l->e;
	st_etcd_lease_drop(l);
	/* The keys under it go now rather than after the ttl. */
	return id ? st_etcd_lease_revoke(e, id, cb, arg, NULL) : ST_ENOENT;
}

void st_etcd_lease_free(st_etcd_lease_t *l)
{
	st_etcd_lease_end(l, NULL, NULL);
}

int64_t st_etcd_lease_id(const st_etcd_lease_t *l)
{
	return l->id;
}

uint64_t st_etcd_lease_ok_ns(const st_etcd_lease_t *l)
{
	return l->ok_ns;
}
