/* The checker: a timer per check of each endpoint (drift-free, jittered
 * start), one probe in flight per check, hysteresis per check, the
 * endpoint's state from its checks (calculated health), table slots,
 * heartbeat, change logs. */
#include "check/checker.h"
#include "check/calc.h"
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

typedef struct ep ep_t;

/* One check of one endpoint: its own schedule, probe and hysteresis. */
typedef struct pr {
	ep_t *e;
	const st_conf_check_t *check;
	st_probe_spec_t spec;
	st_ev_t *timer;
	st_probe_t *probe;
	uint64_t interval_ns;
	uint64_t next_due_ns;
	st_health_rec_t rec; /* hysteresis of the probes, before any invert */
	bool last_ok;	     /* the last probe's verdict, before any invert */
	char text[ST_PROBE_TEXT_MAX];
} pr_t;

struct ep {
	st_checker_t *c;
	uint32_t index;	 /* in conf->endpoints */
	pr_t *pr;	 /* its checks, in the config's order */
	uint32_t n_pr;
	uint32_t need;	 /* healthy_when */
	bool calculated; /* several checks or an inverted one: said per check */
	st_health_rec_t rec; /* the endpoint's state, published as its slot */
	/* fleet: the state the vantage points agreed on is published instead */
	bool agreed;
	st_health_state_t agreed_state;
	uint32_t votes_up, voters;
	bool last_ok; /* the last probes, counted as the endpoint's state is */
	char text[ST_PROBE_TEXT_MAX];
};

struct st_checker {
	st_loop_t *loop;
	const st_conf_t *conf;
	ep_t *eps;
	size_t n;
	pr_t *prs; /* every endpoint's checks */
	size_t n_prs;
	st_tls_client_t **tls; /* per check, https only */
	st_healthtab_t *table;
	char *table_path;	 /* NULL: no table (--once) */
	char table_problem[sizeof(((st_diag_t *)0)->text)]; /* why it cannot be written (logged) */
	st_ev_t *beat;
	uint64_t beat_ms;
	uint64_t rng;
	size_t once_pending; /* probes */
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

/* Text of what the endpoint's checks last said against it: the failing
 * ones ("db: http 500 from ..."), and inverted ones whose probe passed. A
 * plain single check: its probe's failure text, as it is. */
static void against_text(const ep_t *e, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (uint32_t k = 0; k < e->n_pr && at + 1 < len; k++) {
		const pr_t *p = &e->pr[k];
		if (p->last_ok != p->check->invert || !p->text[0])
			continue;
		int w = !e->calculated ? snprintf(buf + at, len - at, "%s", p->rec.error)
				       : snprintf(buf + at, len - at, "%s%s: %s%s", at ? "; " : "",
						  p->check->name, p->text,
						  p->check->invert ? " (inverted)" : "");
		if (w < 0)
			break;
		at += (size_t)w < len - at ? (size_t)w : len - at - 1;
	}
}

/* "2 of 3 checks up, healthy when any" */
static void checks_up_text(const ep_t *e, const st_health_state_t *states, char *buf, size_t len)
{
	char hw[16];
	uint32_t up = 0;
	for (uint32_t k = 0; k < e->n_pr; k++)
		up += states[k] == ST_HEALTH_UP;
	st_conf_healthy_when_fmt(&e->c->conf->endpoints[e->index], hw, sizeof(hw));
	snprintf(buf, len, "%u of %u checks up, healthy when %s", up, e->n_pr, hw);
}

/* The endpoint's record from its checks: the state by healthy_when, each
 * check's state, the fewest successes and most failures in a row among
 * the checks, the average of their RTTs. Returns true when the state
 * changed. */
static bool ep_eval(ep_t *e, uint64_t now_ns)
{
	st_health_state_t states[ST_CONF_MAX_ENDPOINT_CHECKS];
	st_health_state_t last[ST_CONF_MAX_ENDPOINT_CHECKS];
	st_health_rec_t *r = &e->rec;
	uint64_t rtt_sum = 0;
	uint32_t rtt_n = 0;
	r->n_checks = e->n_pr;
	r->check_states = 0;
	r->successes = UINT32_MAX;
	r->failures = 0;
	for (uint32_t k = 0; k < e->n_pr; k++) {
		const pr_t *p = &e->pr[k];
		states[k] = st_calc_check(p->rec.state, p->check->invert);
		last[k] = st_calc_check(p->last_ok ? ST_HEALTH_UP : ST_HEALTH_DOWN,
					p->check->invert);
		st_health_set_check_state(r, k, states[k]);
		if (p->rec.successes < r->successes)
			r->successes = p->rec.successes;
		if (p->rec.failures > r->failures)
			r->failures = p->rec.failures;
		if (p->rec.last_check_ns > r->last_check_ns)
			r->last_check_ns = p->rec.last_check_ns;
		if (p->rec.rtt_us) {
			rtt_sum += p->rec.rtt_us;
			rtt_n++;
		}
	}
	r->rtt_us = rtt_n ? (uint32_t)(rtt_sum / rtt_n) : 0;
	against_text(e, r->error, sizeof(r->error));
	e->last_ok = st_calc_state(last, e->n_pr, e->need) == ST_HEALTH_UP;
	if (!e->calculated)
		snprintf(e->text, sizeof(e->text), "%s", e->pr[0].text);
	else if (e->last_ok)
		checks_up_text(e, last, e->text, sizeof(e->text));
	else
		snprintf(e->text, sizeof(e->text), "%s", r->error);
	st_health_state_t to = st_calc_state(states, e->n_pr, e->need);
	if (to == r->state)
		return false;
	if (r->state != ST_HEALTH_UNKNOWN)
		r->flaps++;
	r->state = to;
	r->last_change_ns = now_ns;
	return true;
}

static void log_check(const pr_t *p, const st_probe_result_t *res, st_health_state_t before)
{
	const char *name = p->e->c->conf->endpoints[p->e->index].name;
	st_health_state_t now = st_calc_check(p->rec.state, p->check->invert);
	const char *inv = p->check->invert ? ", inverted" : "";
	if (now == ST_HEALTH_UP && before == ST_HEALTH_UNKNOWN)
		st_log_info("endpoint %s, check %s up (%s%s)", name, p->check->name, res->text,
			    inv);
	else if (now == ST_HEALTH_UP)
		st_log_notice("endpoint %s, check %s up (%s%s)", name, p->check->name, res->text,
			      inv);
	else
		st_log_warn("endpoint %s, check %s down (%s%s)", name, p->check->name, res->text,
			    inv);
}

static void log_endpoint(const ep_t *e, const st_probe_result_t *res, st_health_state_t before)
{
	const char *name = e->c->conf->endpoints[e->index].name;
	if (e->rec.state == ST_HEALTH_UP) {
		char rtt[32], why[ST_PROBE_TEXT_MAX + 32];
		fmt_rtt(e->rec.rtt_us, rtt, sizeof(rtt));
		if (e->calculated) {
			st_health_state_t states[ST_CONF_MAX_ENDPOINT_CHECKS];
			for (uint32_t k = 0; k < e->n_pr; k++)
				states[k] = st_health_check_state(&e->rec, k);
			checks_up_text(e, states, why, sizeof(why));
		} else
			snprintf(why, sizeof(why), "%s", res->text);
		if (before == ST_HEALTH_UNKNOWN)
			st_log_info("endpoint %s, up (%s, rtt %s)", name, why, rtt);
		else
			st_log_notice("endpoint %s, up (%s, rtt %s)", name, why, rtt);
	} else if (e->rec.state == ST_HEALTH_DOWN) {
		st_log_warn("endpoint %s, down (%s)", name,
			    e->calculated && e->rec.error[0] ? e->rec.error : res->text);
	} else {
		st_log_notice("endpoint %s, unknown (checks without a verdict yet)", name);
	}
}

static void on_result(const st_probe_result_t *res, void *arg)
{
	pr_t *p = arg;
	ep_t *e = p->e;
	st_checker_t *c = e->c;
	p->probe = NULL;
	p->last_ok = res->ok;
	snprintf(p->text, sizeof(p->text), "%s", res->text);
	snprintf(p->rec.error, sizeof(p->rec.error), "%s", res->ok ? "" : res->text);
	st_health_state_t check_before = st_calc_check(p->rec.state, p->check->invert);
	uint64_t now = st_mono_ns();
	bool check_changed =
	    st_hyst_update(&p->rec, res->ok, res->rtt_us, p->check->rise, p->check->fall, now);
	if (check_changed && e->calculated)
		log_check(p, res, check_before);
	else if (!check_changed && !res->ok)
		st_log_debug("endpoint %s, check %s, probe failed (%s), %u of %u",
			     c->conf->endpoints[e->index].name, p->check->name, res->text,
			     p->rec.failures, p->check->fall);
	st_health_state_t before = e->rec.state;
	if (ep_eval(e, now))
		log_endpoint(e, res, before);
	publish(e);
	if (e->rec.state != before && c->change_cb)
		c->change_cb(c, (size_t)(e - c->eps), c->change_arg);
	if (c->once_pending && --c->once_pending == 0 && c->once_done)
		c->once_done(c, c->once_arg);
}

static void probe_now(pr_t *p)
{
	if (p->probe)
		return; /* still running: timeout < interval makes this rare */
	int rc = st_probe_start(p->e->c->loop, &p->spec, on_result, p, &p->probe);
	if (rc != 0)
		st_log_err("endpoint %s, check %s, cannot start a probe (%s)",
			   p->e->c->conf->endpoints[p->e->index].name, p->check->name,
			   st_strerror(rc));
}

static void on_timer(int fd, short what, void *arg)
{
	pr_t *p = arg;
	uint64_t now = st_mono_ns();
	probe_now(p);
	p->next_due_ns += p->interval_ns;
	if (p->next_due_ns <= now)
		p->next_due_ns = now + p->interval_ns;
	st_ev_timer_start(p->timer, (p->next_due_ns - now) / ST_NS_PER_MS);
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

/* The checks' hysteresis from the endpoint's slot read back at start: a
 * single check takes the slot as it is (its counters too); several take
 * the states the slot kept for them when it kept as many (the config may
 * have changed), else start unknown, and count from there. */
static void restore_checks(ep_t *e)
{
	for (uint32_t k = 0; k < e->n_pr; k++) {
		pr_t *p = &e->pr[k];
		st_health_state_t s = ST_HEALTH_UNKNOWN;
		memset(&p->rec, 0, sizeof(p->rec));
		if (e->n_pr == 1) {
			p->rec = e->rec;
			s = e->rec.state;
		} else if (e->rec.n_checks == e->n_pr) {
			s = st_health_check_state(&e->rec, k);
		}
		/* back to what the probes said (invert is its own inverse) */
		p->rec.state = st_calc_check(s, p->check->invert);
		p->rec.n_checks = 0;
		p->rec.check_states = 0;
		p->last_ok = p->rec.state != ST_HEALTH_DOWN;
		snprintf(p->text, sizeof(p->text), "%s", p->rec.error);
	}
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
		restore_checks(e);
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
	size_t n_prs = 0;
	for (size_t i = 0; i < conf->n_endpoints; i++)
		n_prs += conf->endpoints[i].n_checks;
	c->eps = calloc(conf->n_endpoints ? conf->n_endpoints : 1, sizeof(*c->eps));
	/* one more, zeroed: free() need not know how far setup went */
	c->prs = calloc(n_prs + 1, sizeof(*c->prs));
	c->tls = calloc(conf->n_checks ? conf->n_checks : 1, sizeof(*c->tls));
	if (!c->eps || !c->prs || !c->tls)
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
		if (ep->n_checks == 0)
			continue;
		ep_t *e = &c->eps[c->n++];
		e->c = c;
		e->index = (uint32_t)i;
		e->pr = &c->prs[c->n_prs];
		e->need = ep->healthy_when ? ep->healthy_when : ep->n_checks;
		e->last_ok = true;
		for (uint32_t k = 0; k < ep->n_checks; k++) {
			pr_t *p = &c->prs[c->n_prs];
			p->e = e;
			if ((rc = st_probe_spec_init_check(&p->spec, conf, (uint32_t)i,
							   ep->checks[k], diag)) != 0)
				goto fail;
			p->check = p->spec.check;
			p->spec.tls = c->tls[ep->checks[k]];
			p->interval_ns = interval_ms(p->check) * ST_NS_PER_MS;
			p->last_ok = true;
			if (interval_ms(p->check) < min_interval)
				min_interval = interval_ms(p->check);
			if (p->check->invert)
				e->calculated = true;
			if (!(p->timer = st_ev_timer_new(loop, false, on_timer, p))) {
				rc = ST_ENOMEM;
				goto fail;
			}
			c->n_prs++;
			e->n_pr++;
		}
		if (e->n_pr > 1)
			e->calculated = true;
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
	for (size_t i = 0; i < c->n_prs; i++) {
		pr_t *p = &c->prs[i];
		/* Spread the first probes over the interval. */
		uint32_t ms = (uint32_t)(p->interval_ns / ST_NS_PER_MS);
		uint64_t jitter = st_rand_below(&c->rng, ms ? ms : 1);
		p->next_due_ns = now + jitter * ST_NS_PER_MS;
		if (st_ev_timer_start(p->timer, jitter) != 0)
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
	if (i >= c->n)
		return 0;
	uint64_t due = UINT64_MAX;
	for (uint32_t k = 0; k < c->eps[i].n_pr; k++)
		if (c->eps[i].pr[k].next_due_ns < due)
			due = c->eps[i].pr[k].next_due_ns;
	return due;
}

int st_checker_once(st_checker_t *c, void (*done)(st_checker_t *c, void *arg), void *arg)
{
	c->once_done = done;
	c->once_arg = arg;
	c->once_pending = c->n_prs;
	if (c->n_prs == 0) {
		if (done)
			done(c, arg);
		return 0;
	}
	for (size_t i = 0; i < c->n_prs; i++)
		probe_now(&c->prs[i]);
	return 0;
}

void st_checker_free(st_checker_t *c)
{
	if (!c)
		return;
	/* and the one whose setup failed half-way, if any */
	for (size_t i = 0; c->prs && i <= c->n_prs; i++) {
		st_probe_cancel(c->prs[i].probe);
		st_ev_free(c->prs[i].timer);
	}
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
	free(c->prs);
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

uint32_t st_checker_checks(const st_checker_t *c, size_t i)
{
	return i < c->n ? c->eps[i].n_pr : 0;
}

bool st_checker_check(const st_checker_t *c, size_t i, uint32_t k, st_checker_check_t *out)
{
	if (i >= c->n || k >= c->eps[i].n_pr)
		return false;
	const pr_t *p = &c->eps[i].pr[k];
	out->name = p->check->name;
	out->invert = p->check->invert;
	out->state = st_calc_check(p->rec.state, p->check->invert);
	out->last_ok = p->last_ok;
	out->rtt_us = p->rec.rtt_us;
	out->text = p->text;
	return true;
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
