/* steercheck: the health checker. Probes every endpoint of steerd's config
 * and publishes the results in the shared health table; --dump prints the
 * table, --once probes everything once and prints the verdicts. */
#include "config.h"

#include "check/checker.h"
#include "common/cli.h"
#include "common/log.h"
#include "common/time.h"
#include "conf/conf.h"
#include "fleet/vantage.h"
#include "health/table.h"
#include "net/ev.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define EXIT_CONFIG 3

static void usage(FILE *f)
{
	fprintf(f, "usage: steercheck -c FILE [--table PATH] [--log-level LEVEL]\n"
		   "       steercheck --dump [-c FILE | --table PATH]\n"
		   "       steercheck --once -c FILE\n"
		   "\n"
		   "  -c, --config FILE   steerd's config file (checks, regions, health table)\n"
		   "  -t, --table PATH    health table file (default: health.table of the config)\n"
		   "  -d, --dump          print the table: name, state, rtt, since, last error\n"
		   "  -1, --once          probe every endpoint once, print the results, exit\n"
		   "                      (exit 1 when a probe failed); does not touch the table\n"
		   "  -l, --log-level L   error, warning, notice, info (default), debug\n"
		   "  -V, --version, -h, --help\n"
		   "\n"
		   "Runs in the foreground. SIGHUP re-reads the config, SIGTERM/SIGINT exit.\n");
}

static void fmt_ago(uint64_t then_ns, uint64_t now_ns, char *buf, size_t len)
{
	if (then_ns == 0 || then_ns > now_ns) {
		snprintf(buf, len, "-");
		return;
	}
	st_duration_fmt((now_ns - then_ns) / ST_NS_PER_MS, buf, (unsigned)len);
}

static void fmt_rtt(uint32_t us, char *buf, size_t len)
{
	if (us == 0)
		snprintf(buf, len, "-");
	else if (us < 10000)
		snprintf(buf, len, "%u.%ums", us / 1000, (us % 1000) / 100);
	else
		snprintf(buf, len, "%ums", us / 1000);
}

/* Below an endpoint with several checks: each one's state, named when
 * the config names as many checks for it. */
static void dump_checks(const st_conf_t *conf, const char *name, const st_health_rec_t *rec)
{
	uint32_t e = conf ? st_conf_endpoint_index(conf, name) : ST_CONF_NONE;
	const st_conf_endpoint_t *ep = e != ST_CONF_NONE ? &conf->endpoints[e] : NULL;
	bool named = ep && ep->n_checks == rec->n_checks;
	if (rec->n_checks < 2 && !(named && conf->checks[ep->checks[0]].invert))
		return;
	printf("  checks:");
	for (uint32_t k = 0; k < rec->n_checks; k++) {
		const char *state = st_health_state_name(st_health_check_state(rec, k));
		if (named)
			printf("%s %s %s", k ? "," : "", conf->checks[ep->checks[k]].name, state);
		else
			printf("%s %s", k ? "," : "", state);
	}
	printf("\n");
}

static int dump(const char *path, uint64_t stale_after_ms, const st_conf_t *conf)
{
	st_healthtab_t *t = NULL;
	st_diag_t diag;
	int rc = st_healthtab_reader_open(path, &t, &diag);
	if (rc != 0) {
		fprintf(stderr, "steercheck: %s\n", diag.text);
		return EXIT_FAIL;
	}
	uint64_t now = st_mono_ns(), hb = st_healthtab_heartbeat_ns(t);
	char age[32];
	fmt_ago(hb, now, age, sizeof(age));
	bool stale = hb == 0 || hb > now || (now - hb) / ST_NS_PER_MS > stale_after_ms;
	printf("# table %s: generation %llu, checker pid %d, heartbeat %s ago%s, %zu endpoint%s\n",
	       path, (unsigned long long)st_healthtab_generation(t), st_healthtab_pid(t), age,
	       stale ? " (stale)" : "", st_healthtab_count(t),
	       st_healthtab_count(t) == 1 ? "" : "s");
	st_health_fleet_t fleet;
	st_healthtab_fleet(t, &fleet);
	if (fleet.mode != ST_FLEET_NONE) {
		char ok[32];
		fmt_ago(fleet.etcd_ok_ns, now, ok, sizeof(ok));
		printf("# fleet: %s, %u vantage point%s, etcd answered %s ago\n",
		       st_fleet_mode_name(fleet.mode), fleet.vantages,
		       fleet.vantages == 1 ? "" : "s", ok);
	}
	bool fl = fleet.mode != ST_FLEET_NONE;
	if (fl)
		printf("%-24s %-8s %-8s %-8s %-8s %-8s %-8s %-5s %s\n", "NAME", "STATE", "OWN",
		       "VOTES", "RTT", "SINCE", "CHECKED", "FLAPS", "LAST ERROR");
	else
		printf("%-24s %-8s %-8s %-8s %-8s %-5s %s\n", "NAME", "STATE", "RTT", "SINCE",
		       "CHECKED", "FLAPS", "LAST ERROR");
	for (uint32_t i = 0; i < st_healthtab_count(t); i++) {
		st_health_rec_t rec;
		if (st_healthtab_read(t, i, &rec) != 0) {
			printf("%-24s busy\n", st_healthtab_name(t, i));
			continue;
		}
		char rtt[32], since[32], checked[32], votes[32];
		fmt_rtt(rec.rtt_us, rtt, sizeof(rtt));
		fmt_ago(rec.last_change_ns, now, since, sizeof(since));
		fmt_ago(rec.last_check_ns, now, checked, sizeof(checked));
		if (rec.voters)
			snprintf(votes, sizeof(votes), "%u/%u", rec.votes_up, rec.voters);
		else
			snprintf(votes, sizeof(votes), "-");
		if (fl)
			printf("%-24s %-8s %-8s %-8s %-8s %-8s %-8s %-5u %s\n",
			       st_healthtab_name(t, i), st_health_state_name(rec.state),
			       rec.voters ? st_health_state_name(rec.local) : "-", votes, rtt,
			       since, checked, rec.flaps, rec.error[0] ? rec.error : "-");
		else
			printf("%-24s %-8s %-8s %-8s %-8s %-5u %s\n", st_healthtab_name(t, i),
			       st_health_state_name(rec.state), rtt, since, checked, rec.flaps,
			       rec.error[0] ? rec.error : "-");
		dump_checks(conf, st_healthtab_name(t, i), &rec);
	}
	st_healthtab_close(t);
	return 0;
}

static void once_done(st_checker_t *c, void *arg)
{
	st_loop_break(arg);
}

static int run_once(const st_conf_t *conf)
{
	st_loop_t *loop = st_loop_new();
	st_checker_t *c = NULL;
	st_diag_t diag;
	st_diag_clear(&diag);
	if (!loop)
		return EXIT_FAIL;
	int rc = st_checker_new(loop, conf, NULL, &c, &diag);
	if (rc != 0) {
		fprintf(stderr, "steercheck: %s\n", diag.text[0] ? diag.text : st_strerror(rc));
		st_loop_free(loop);
		return EXIT_CONFIG;
	}
	st_checker_once(c, once_done, loop);
	if (st_checker_count(c) > 0)
		st_loop_run(loop);
	int ret = 0;
	for (size_t i = 0; i < st_checker_count(c); i++) {
		bool ok = st_checker_last_ok(c, i);
		char rtt[32];
		fmt_rtt(ok ? st_checker_hyst(c, i)->rtt_us : 0, rtt, sizeof(rtt));
		printf("%-24s %-4s %-8s %s\n", st_checker_name(c, i), ok ? "ok" : "fail", rtt,
		       st_checker_last_text(c, i));
		st_checker_check_t k;
		/* calculated health: each check under its endpoint */
		for (uint32_t j = 0; st_checker_checks(c, i) > 1 && st_checker_check(c, i, j, &k);
		     j++) {
			char name[64];
			fmt_rtt(k.last_ok ? k.rtt_us : 0, rtt, sizeof(rtt));
			snprintf(name, sizeof(name), "  %s%s", k.name, k.invert ? " (inverted)" : "");
			printf("%-24s %-4s %-8s %s\n", name, k.last_ok ? "ok" : "fail", rtt, k.text);
		}
		if (!ok)
			ret = EXIT_FAIL;
	}
	st_checker_free(c);
	st_loop_free(loop);
	return ret;
}

/* The running checker and what SIGHUP needs to rebuild it. */
typedef struct app {
	st_loop_t *loop;
	const char *config;
	const char *table_opt;
	st_conf_t *conf;
	st_checker_t *checker;
	st_vantage_t *vantage; /* with a fleet: section */
	bool leaving;
} app_t;

static const char *table_path(const app_t *a, const st_conf_t *conf)
{
	return a->table_opt ? a->table_opt : conf->health_table;
}

static int start(app_t *a, st_conf_t *conf, st_diag_t *diag)
{
	const char *path = table_path(a, conf);
	if (!path)
		return st_diag_set(diag, ST_ECONF, "no health table: set health.table or --table");
	int rc = st_checker_new(a->loop, conf, path, &a->checker, diag);
	if (rc == 0)
		rc = st_checker_start(a->checker);
	if (rc != 0) {
		st_checker_free(a->checker);
		a->checker = NULL;
	}
	return rc;
}

/* The vantage point follows the checker: rebound after a reload that keeps
 * the fleet settings, started anew when they change, gone with the section. */
static int attach_fleet(app_t *a, const st_conf_t *conf, const st_conf_t *before,
			st_diag_t *diag)
{
	if (!conf->fleet.enabled) {
		st_vantage_free(a->vantage);
		a->vantage = NULL;
		st_checker_set_fleet(a->checker, NULL);
		return 0;
	}
	if (a->vantage && before && st_vantage_same_fleet(before, conf))
		return st_vantage_rebind(a->vantage, conf, a->checker);
	st_vantage_free(a->vantage);
	a->vantage = NULL;
	return st_vantage_new(a->loop, conf, a->checker, &a->vantage, diag);
}

static void on_left(void *arg)
{
	app_t *a = arg;
	st_loop_break(a->loop);
}

static void on_stop(int sig, short what, void *arg)
{
	app_t *a = arg;
	st_log_info("steercheck, stopping (signal %d)", sig);
	if (a->vantage && !a->leaving) {
		a->leaving = true;
		st_vantage_leave(a->vantage, on_left, a); /* this view leaves the quorums now */
	} else {
		st_loop_break(a->loop);
	}
}

static void on_reload(int sig, short what, void *arg)
{
	app_t *a = arg;
	st_diag_t diag;
	st_diag_clear(&diag);
	st_conf_t *conf = NULL;
	int rc = st_conf_load(a->config, &conf, &diag);
	if (rc != 0) {
		st_log_err("config %s, reload failed, keeping the running checks (%s)", a->config,
			   diag.text[0] ? diag.text : st_strerror(rc));
		return;
	}
	/* The table allows one writer: the old checker lets go first. */
	st_vantage_unbind(a->vantage);
	st_checker_free(a->checker);
	a->checker = NULL;
	rc = start(a, conf, &diag);
	if (rc == 0 && (rc = attach_fleet(a, conf, a->conf, &diag)) != 0) {
		st_vantage_unbind(a->vantage);
		st_checker_free(a->checker);
		a->checker = NULL;
	}
	if (rc != 0) {
		st_log_err("config %s, reload failed, keeping the running checks (%s)", a->config,
			   diag.text[0] ? diag.text : st_strerror(rc));
		st_conf_free(conf);
		if (start(a, a->conf, &diag) != 0 || attach_fleet(a, a->conf, a->conf, &diag) != 0) {
			st_log_err("steercheck, cannot restart the previous checks (%s)",
				   diag.text);
			st_loop_break(a->loop);
		}
		return;
	}
	st_conf_free(a->conf);
	a->conf = conf;
	st_log_info("config %s, reloaded (%zu endpoints checked)", a->config,
		    st_checker_count(a->checker));
}

int main(int argc, char **argv)
{
	app_t a;
	memset(&a, 0, sizeof(a));
	const char *log_level = NULL;
	bool do_dump = false, once = false;
	const st_cli_opt_t opts[] = {
	    {"config", 'c', .arg = &a.config},
	    {"table", 't', .arg = &a.table_opt},
	    {"dump", 'd', .flag = &do_dump},
	    {"once", '1', .flag = &once},
	    {"log-level", 'l', .arg = &log_level},
	    {NULL},
	};
	int bad = st_cli_options(argc, argv, "steercheck", opts, false, usage);
	if (bad >= 0)
		return bad;
	st_log_level_t level;
	bad = st_cli_no_args(argc, argv, "steercheck", NULL);
	if (bad || (bad = st_cli_log_init("steercheck", log_level, &level)) != 0)
		return bad;
	signal(SIGPIPE, SIG_IGN);

	if (do_dump && a.table_opt && !a.config)
		return dump(a.table_opt, 10000, NULL);
	if (!a.config) {
		fprintf(stderr, "steercheck: give -c FILE (steerd's config)%s\n",
			do_dump ? " or --table PATH" : "");
		usage(stderr);
		return EXIT_USAGE;
	}
	st_diag_t diag;
	st_diag_clear(&diag);
	int rc = st_conf_load(a.config, &a.conf, &diag);
	if (rc != 0) {
		fprintf(stderr, "steercheck: %s\n", diag.text[0] ? diag.text : st_strerror(rc));
		return EXIT_CONFIG;
	}
	if (!log_level && a.conf->log_level && st_log_level_parse(a.conf->log_level, &level) == 0)
		st_log_set_level(level);
	int ret;
	if (do_dump) {
		const char *path = table_path(&a, a.conf);
		ret = path ? dump(path, a.conf->stale_after_ms, a.conf) : EXIT_CONFIG;
		st_conf_free(a.conf);
		return ret;
	}
	if (once) {
		ret = run_once(a.conf);
		st_conf_free(a.conf);
		return ret;
	}

	a.loop = st_loop_new();
	st_ev_t *sig_term = a.loop ? st_ev_signal_new(a.loop, SIGTERM, on_stop, &a) : NULL;
	st_ev_t *sig_int = a.loop ? st_ev_signal_new(a.loop, SIGINT, on_stop, &a) : NULL;
	st_ev_t *sig_hup = a.loop ? st_ev_signal_new(a.loop, SIGHUP, on_reload, &a) : NULL;
	if (!sig_term || !sig_int || !sig_hup || st_ev_signal_start(sig_term) != 0 ||
	    st_ev_signal_start(sig_int) != 0 || st_ev_signal_start(sig_hup) != 0) {
		fprintf(stderr, "steercheck: cannot set up the event loop\n");
		ret = EXIT_FAIL;
		goto out;
	}
	rc = start(&a, a.conf, &diag);
	if (rc == 0)
		rc = attach_fleet(&a, a.conf, NULL, &diag);
	if (rc != 0) {
		fprintf(stderr, "steercheck: %s\n", diag.text[0] ? diag.text : st_strerror(rc));
		ret = EXIT_CONFIG;
		goto out;
	}
	st_log_info("steercheck, started (%zu endpoints checked, table %s)",
		    st_checker_count(a.checker), table_path(&a, a.conf));
	ret = st_loop_run(a.loop) == 0 ? 0 : EXIT_FAIL;
out:
	st_vantage_free(a.vantage);
	st_checker_free(a.checker);
	st_ev_free(sig_term);
	st_ev_free(sig_int);
	st_ev_free(sig_hup);
	st_loop_free(a.loop);
	st_conf_free(a.conf);
	return ret;
}
