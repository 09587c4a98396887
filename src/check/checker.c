/* The checker: a timer per endpoint (drift-free, jittered start), one probe
 * in flight per endpoint, hysteresis, table slots, heartbeat, change logs. */
#include "check/checker.h"
#include "check/probe.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/time.h"
#include "health/table.h"
#include "net/stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_INTERVAL_MS 100
#define MAX_BEAT_MS 1000
#define MIN_BEAT_MS 50

typedef struct ep {
	st_checker_t *c;
	uint32_t index; /* in conf->endpoints */
	const st_conf_check_t *check;
	st_probe_spec_t spec;
	st_ev_t *timer;
	st_probe_t *probe;
	uint64_t interval_ns;
	uint64_t next_due_ns;
	st_health_rec_t rec; /* hysteresis state, published as the endpoint's slot */
	/* fleet: the state the vantage points agreed on is published instead */
	bool agreed;
	st_health_state_t agreed_state;
	uint32_t votes_up, voters;
	bool last_ok;
	char text[ST_PROBE_TEXT_MAX];
} ep_t;

struct st_checker {
	st_loop_t *loop;
	const st_conf_t *conf;
	ep_t *eps;
	size_t n;
	st_tls_client_t **tls; /* per check, https only */
	st_healthtab_t *table;
	char *table_path;	 /* NULL: no table (--once) */
	char table_problem[sizeof(((st_diag_t *)0)->text)]; /* why it cannot be written (logged) */
	st_ev_t *beat;
	uint64_t beat_ms;
	uint64_t rng;
	size_t once_pending;
	void (*once_done)(st_checker_t *c, void *arg);
	void *once_arg;
	st_checker_change_cb_t change_cb;
	void *change_arg;
	st_health_fleet_t fleet; /* mode NONE: no fleet */
};

static uint64_t interval_ms(const st_conf_check_t *c)
{
	uint64_t ms = c->interval_ms ? c->interval_ms : 2000;
	return ms < MIN_INTERVAL_MS ? MIN_INTERVAL_MS : ms;
}

static void fmt_rtt(uint32_t us, char *buf, size_t len)
{
	if (us < 10000)
		snprintf(buf, len, "%u.%ums", us / 1000, (us % 1000) / 100);
	else
		snprintf(buf, len, "%ums", us / 1000);
}

static void reopen_table(st_checker_t *c, const char *why);

static void publish(ep_t *e)
{
	st_checker_t *c = e->c;
	/* One fstat() per result: a table truncated in place must not be
	 * written (the pages are gone: SIGBUS). */
	if (c->table && st_healthtab_shrunk(c->table))
		reopen_table(c, "truncated in place");
	if (!c->table)
		return;
	st_health_rec_t out = e->rec;
	out.local = e->rec.state;
	out.votes_up = out.voters = 0;
	if (e->agreed) {
		out.state = e->agreed_state;
		out.votes_up = e->votes_up;
		out.voters = e->voters;
	}
	st_healthtab_write(c->table, (uint32_t)(e - c->eps), &out);
}

static void on_result(const st_probe_result_t *res, void *arg)
{
	ep_t *e = arg;
	st_checker_t *c = e->c;
	e->probe = NULL;
	e->last_ok = res->ok;
	snprintf(e->text, sizeof(e->text), "%s", res->text);
	snprintf(e->rec.error, sizeof(e->rec.error), "%s", res->ok ? "" : res->text);
	const char *name = c->conf->endpoints[e->index].name;
	st_health_state_t before = e->rec.state;
	if (st_hyst_update(&e->rec, res->ok, res->rtt_us, e->check->rise, e->check->fall,
			   st_mono_ns())) {
		if (e->rec.state == ST_HEALTH_UP) {
			char rtt[32];
			fmt_rtt(e->rec.rtt_us, rtt, sizeof(rtt));
			if (before == ST_HEALTH_UNKNOWN)
				st_log_info("endpoint %s, up (%s, rtt %s)", name, res->text, rtt);
			else
				st_log_notice("endpoint %s, up (%s, rtt %s)", name, res->text, rtt);
		} else {
			st_log_warn("endpoint %s, down (%s)", name, res->text);
		}
	} else if (!res->ok) {
		st_log_debug("endpoint %s, probe failed (%s), %u of %u", name, res->text,
			     e->rec.failures, e->check->fall);
	}
	publish(e);
	if (e->rec.state != before && c->change_cb)
		c->change_cb(c, (size_t)(e - c->eps), c->change_arg);
	if (c->once_pending && --c->once_pending == 0 && c->once_done)
		c->once_done(c, c->once_arg);
}

static void probe_now(ep_t *e)
{
	if (e->probe)
		return; /* still running: timeout < interval makes this rare */
	int rc = st_probe_start(e->c->loop, &e->spec, on_result, e, &e->probe);
	if (rc != 0)
		st_log_err("endpoint %s, cannot start a probe (%s)",
			   e->c->conf->endpoints[e->index].name, st_strerror(rc));
}

static void on_timer(int fd, short what, void *arg)
{
	ep_t *e = arg;
	uint64_t now = st_mono_ns();
	probe_now(e);
	e->next_due_ns += e->interval_ns;
	if (e->next_due_ns <= now)
		e->next_due_ns = now + e->interval_ns;
	st_ev_timer_start(e->timer, (e->next_due_ns - now) / ST_NS_PER_MS);
}

static void on_beat(int fd, short what, void *arg)
{
	st_checker_t *c = arg;
	/* With each beat, one stat() of the path: a table deleted, replaced
	 * or truncated under us is written again, else steerd would read a
	 * file nobody writes any more. */
	if (c->table_path && !c->table)
		reopen_table(c, "not written");
	else if (c->table && st_healthtab_shrunk(c->table))
		reopen_table(c, "truncated in place");
	else if (c->table && st_healthtab_changed(c->table))
		reopen_table(c, "deleted or replaced");
	if (c->table) {
		st_healthtab_set_beat_period(c->table, (uint32_t)c->beat_ms);
		st_healthtab_heartbeat(c->table, st_mono_ns());
	}
	st_probe_reap();
}

static int open_table(st_checker_t *c, const char *path, st_diag_t *diag)
{
	const char **names = calloc(c->n ? c->n : 1, sizeof(*names));
	if (!names)
		return ST_ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		names[i] = c->conf->endpoints[c->eps[i].index].name;
	int rc = st_healthtab_writer_open(path, names, c->n, &c->table, diag);
	free(names);
	if (rc != 0)
		return rc;
	/* A restart carries on from the published states. */
	for (size_t i = 0; i < c->n; i++) {
		ep_t *e = &c->eps[i];
		if (st_healthtab_read(c->table, (uint32_t)i, &e->rec) != 0) {
			memset(&e->rec, 0, sizeof(e->rec));
			continue;
		}
		if (e->rec.voters > 0) {
			/* a fleet's slot: the agreed state stays shown until the
			 * fleet decides again (or is gone: st_checker_set_fleet) */
			e->agreed = true;
			e->agreed_state = e->rec.state;
			e->votes_up = e->rec.votes_up;
			e->voters = e->rec.voters;
			e->rec.state = e->rec.local;
		}
		e->rec.local = ST_HEALTH_UNKNOWN;
		e->rec.votes_up = e->rec.voters = 0;
		e->last_ok = e->rec.error[0] == '\0';
		snprintf(e->text, sizeof(e->text), "%s", e->rec.error);
	}
	st_healthtab_heartbeat(c->table, st_mono_ns());
	return 0;
}

/* The file at the path is no longer our table (truncated in place,
 * deleted, replaced): write it again (reattaching to a table of ours put
 * back there) and publish what we know. A file that another live checker
 * holds is left to it, and our table kept, until it lets go. Each problem
 * is logged once, not at every beat. */
static void reopen_table(st_checker_t *c, const char *why)
{
	const char **names = calloc(c->n ? c->n : 1, sizeof(*names));
	if (!names)
		return;
	for (size_t i = 0; i < c->n; i++)
		names[i] = c->conf->endpoints[c->eps[i].index].name;
	bool truncated = c->table && st_healthtab_shrunk(c->table);
	if (!c->table_problem[0])
		st_log_warn("health table %s, %s, writing it again", c->table_path, why);
	st_healthtab_t *t = NULL;
	st_diag_t diag;
	int rc = st_healthtab_writer_open(c->table_path, names, c->n, &t, &diag);
	free(names);
	if (rc != 0) {
		if (strcmp(c->table_problem, diag.text) != 0)
			st_log_err("health table %s, cannot write it (%s)%s", c->table_path,
				   diag.text, rc == ST_EEXIST ? ", checking again" : "");
		snprintf(c->table_problem, sizeof(c->table_problem), "%s", diag.text);
		/* keep writing ours (unread) until the path is ours again, unless
		 * its pages are gone */
		if (!truncated)
			return;
	} else {
		c->table_problem[0] = '\0';
	}
	if (c->table) {
		/* the header of a truncated file is not readable any more */
		if (!truncated)
			st_healthtab_writer_detach(c->table);
		st_healthtab_close(c->table);
	}
	c->table = t;
	for (size_t i = 0; c->table && i < c->n; i++)
		publish(&c->eps[i]);
	if (c->table)
		st_healthtab_set_fleet(c->table, &c->fleet);
}

int st_checker_new(st_loop_t *loop, const st_conf_t *conf, const char *table_path,
		   st_checker_t **out, st_diag_t *diag)
{
	st_checker_t *c = calloc(1, sizeof(*c));
	if (!c)
		return ST_ENOMEM;
	c->loop = loop;
	c->conf = conf;
	c->rng = st_mono_ns() ^ ((uint64_t)getpid() << 32);
	int rc = ST_ENOMEM;
	c->eps = calloc(conf->n_endpoints ? conf->n_endpoints : 1, sizeof(*c->eps));
	c->tls = calloc(conf->n_checks ? conf->n_checks : 1, sizeof(*c->tls));
	if (!c->eps || !c->tls)
		goto fail;
	uint64_t min_interval = UINT64_MAX;
	for (size_t i = 0; i < conf->n_checks; i++) {
		const st_conf_check_t *k = &conf->checks[i];
		if (k->type != ST_CHECK_HTTPS)
			continue;
		rc = st_tls_client_new(k->tls_verify, k->tls_ca_file, &c->tls[i], diag);
		if (rc != 0)
			goto fail;
	}
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		const st_conf_endpoint_t *ep = &conf->endpoints[i];
		if (ep->check == ST_CONF_NONE)
			continue;
		ep_t *e = &c->eps[c->n];
		e->c = c;
		e->index = (uint32_t)i;
		if ((rc = st_probe_spec_init(&e->spec, conf, (uint32_t)i, diag)) != 0)
			goto fail;
		e->check = e->spec.check;
		e->spec.tls = c->tls[ep->check];
		e->interval_ns = interval_ms(e->check) * ST_NS_PER_MS;
		e->last_ok = true;
		if (interval_ms(e->check) < min_interval)
			min_interval = interval_ms(e->check);
		e->timer = st_ev_timer_new(loop, false, on_timer, e);
		if (!e->timer) {
			rc = ST_ENOMEM;
			goto fail;
		}
		c->n++;
	}
	c->beat_ms = min_interval == UINT64_MAX ? MAX_BEAT_MS : min_interval / 2;
	if (c->beat_ms > MAX_BEAT_MS)
		c->beat_ms = MAX_BEAT_MS;
	if (c->beat_ms < MIN_BEAT_MS)
		c->beat_ms = MIN_BEAT_MS;
	c->beat = st_ev_timer_new(loop, true, on_beat, c);
	if (!c->beat) {
		rc = ST_ENOMEM;
		goto fail;
	}
	if (table_path && !(c->table_path = strdup(table_path))) {
		rc = ST_ENOMEM;
		goto fail;
	}
	if (table_path && (rc = open_table(c, table_path, diag)) != 0)
		goto fail;
	*out = c;
	return 0;
fail:
	st_checker_free(c);
	return rc;
}

int st_checker_start(st_checker_t *c)
{
	uint64_t now = st_mono_ns();
	for (size_t i = 0; i < c->n; i++) {
		ep_t *e = &c->eps[i];
		/* Spread the first probes over the interval. */
		uint32_t ms = (uint32_t)(e->interval_ns / ST_NS_PER_MS);
		uint64_t jitter = st_rand_below(&c->rng, ms ? ms : 1);
		e->next_due_ns = now + jitter * ST_NS_PER_MS;
		if (st_ev_timer_start(e->timer, jitter) != 0)
			return ST_EIO;
	}
	on_beat(-1, 0, c);
	return st_ev_timer_start(c->beat, c->beat_ms);
}

void st_checker_seed(st_checker_t *c, uint64_t seed)
{
	c->rng = seed;
}

uint64_t st_checker_next_due_ns(const st_checker_t *c, size_t i)
{
	return i < c->n ? c->eps[i].next_due_ns : 0;
}

int st_checker_once(st_checker_t *c, void (*done)(st_checker_t *c, void *arg), void *arg)
{
	c->once_done = done;
	c->once_arg = arg;
	c->once_pending = c->n;
	if (c->n == 0) {
		if (done)
			done(c, arg);
		return 0;
	}
	for (size_t i = 0; i < c->n; i++)
		probe_now(&c->eps[i]);
	return 0;
}

void st_checker_free(st_checker_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		st_probe_cancel(c->eps[i].probe);
		st_ev_free(c->eps[i].timer);
	}
	/* Endpoints that failed half-way through setup. */
	if (c->eps && c->n < c->conf->n_endpoints)
		st_ev_free(c->eps[c->n].timer);
	st_ev_free(c->beat);
	if (c->table) {
		if (!st_healthtab_shrunk(c->table))
			st_healthtab_writer_detach(c->table);
		st_healthtab_close(c->table);
	}
	free(c->table_path);
	if (c->tls)
		for (size_t i = 0; i < c->conf->n_checks; i++)
			st_tls_client_free(c->tls[i]);
	free(c->tls);
	free(c->eps);
	st_probe_reap();
	free(c);
}

size_t st_checker_count(const st_checker_t *c)
{
	return c->n;
}

const char *st_checker_name(const st_checker_t *c, size_t i)
{
	return i < c->n ? c->conf->endpoints[c->eps[i].index].name : NULL;
}

const st_health_rec_t *st_checker_hyst(const st_checker_t *c, size_t i)
{
	return i < c->n ? &c->eps[i].rec : NULL;
}

const char *st_checker_last_text(const st_checker_t *c, size_t i)
{
	return i < c->n ? c->eps[i].text : NULL;
}

bool st_checker_last_ok(const st_checker_t *c, size_t i)
{
	return i < c->n && c->eps[i].last_ok;
}

void st_checker_on_change(st_checker_t *c, st_checker_change_cb_t cb, void *arg)
{
	c->change_cb = cb;
	c->change_arg = arg;
}

void st_checker_set_agreed(st_checker_t *c, size_t i, st_health_state_t state, uint32_t up,
			   uint32_t voters)
{
	if (i >= c->n)
		return;
	ep_t *e = &c->eps[i];
	if (e->agreed && e->agreed_state == state && e->votes_up == up && e->voters == voters)
		return;
	e->agreed = true;
	e->agreed_state = state;
	e->votes_up = up;
	e->voters = voters;
	publish(e);
}

void st_checker_clear_agreed(st_checker_t *c, size_t i)
{
	if (i >= c->n || !c->eps[i].agreed)
		return;
	c->eps[i].agreed = false;
	publish(&c->eps[i]);
}

bool st_checker_agreed(const st_checker_t *c, size_t i, st_health_state_t *state, uint32_t *up,
		       uint32_t *voters)
{
	if (i >= c->n || !c->eps[i].agreed)
		return false;
	*state = c->eps[i].agreed_state;
	*up = c->eps[i].votes_up;
	*voters = c->eps[i].voters;
	return true;
}

void st_checker_set_fleet(st_checker_t *c, const st_health_fleet_t *f)
{
	static const st_health_fleet_t none;
	c->fleet = f ? *f : none;
	if (!f)
		for (size_t i = 0; i < c->n; i++)
			st_checker_clear_agreed(c, i);
	if (c->table)
		st_healthtab_set_fleet(c->table, &c->fleet);
}
