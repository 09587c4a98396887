/* steerd: the authoritative DNS server. The one place that wires the
 * process: the DNS server, and the services that attach to it (the fleet,
 * control socket, metrics endpoint and status page, zone transfer service). */
#include "config.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "fleet/node.h"
#include "metrics/metrics.h"
#include "primary/primary.h"
#include "server/server.h"
#include "status/status.h"
#include "answer/view.h"
#include "zone/zone.h"
#include "common/errors.h"
#include "common/cli.h"
#include "common/log.h"
#include "common/number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_CONFIG 1
#define EXIT_USAGE 2
#define MAX_ARGS 256

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: steerd [-c FILE] [--listen ADDR:PORT]... [--zone NAME:FILE]...\n"
		"              [--workers N] [--check] [--log-level LEVEL]\n"
		"\n"
		"Authoritative DNS server with health-aware routing.\n"
		"\n"
		"  -c, --config FILE      read the YAML config FILE\n"
		"  -l, --listen ADDR:PORT serve UDP and TCP on ADDR:PORT (repeatable;\n"
		"                         replaces server.listen); IPv6 as [::1]:PORT\n"
		"  -z, --zone NAME:FILE   serve zone NAME from master file FILE (repeatable;\n"
		"                         added to the config's zones)\n"
		"  -w, --workers N        UDP worker threads per listen address\n"
		"                         (default: server.workers, else one per CPU)\n"
		"      --check            validate the config and zones, then exit\n"
		"      --log-level LEVEL  error, warning, notice, info (default) or debug\n"
		"  -V, --version          print the version and exit\n"
		"  -h, --help             print this help and exit\n"
		"\n"
		"Runs in the foreground and logs to stderr. SIGHUP reloads the config and\n"
		"changed zone files; SIGTERM or SIGINT stops the server.\n"
		"\n"
		"Example:\n"
		"  steerd --listen 127.0.0.1:5353 --zone example.test:zones/example.test.zone\n");
}

/* Attach the services to the server, start it and run until a signal stops
 * it. The control state (drains, forced states, dials) applies before the
 * first answer; a new service (a fleet watcher, zone transfers) attaches
 * here the same way (see st_server_attach). */
static int serve(st_server_t *srv, st_diag_t *diag)
{
	const st_conf_t *conf = st_server_conf(srv);
	st_ctl_t *ctl = NULL;
	st_metrics_t *metrics = NULL;
	st_status_t *status = NULL;
	st_primary_t *primary = NULL;
	st_fleet_t *fleet = NULL;
	int ret = st_primary_start(srv, &primary, diag);
	if (ret == 0)
		ret = st_fleet_start(srv, &fleet, diag);
	if (ret == 0)
		ret = st_ctl_start(srv, &ctl, diag);
	if (ret == 0) {
		st_ctl_use_primary(ctl, primary);
		st_ctl_use_fleet(ctl, fleet);
	}
	if (ret == 0 && conf->metrics)
		ret = st_metrics_start(srv, &metrics, diag);
	if (ret == 0 && metrics)
		st_metrics_use_primary(metrics, primary);
	if (ret == 0)
		st_metrics_use_fleet(metrics, fleet);
	if (ret == 0 && metrics)
		ret = st_status_start(srv, metrics, &status, diag);
	if (ret == 0) {
		st_status_use_ctl(status, ctl);
		st_status_use_fleet(status, fleet);
	}
	if (ret == 0)
		ret = st_server_start(srv, diag);
	bool started = ret == 0;
	if (started)
		ret = st_server_serve(srv, diag);
	st_status_free(status);
	st_metrics_free(metrics);
	st_ctl_free(ctl);
	st_primary_free(primary);
	st_fleet_free(fleet);
	if (started)
		st_log_info("stopped");
	return ret;
}

int main(int argc, char **argv)
{
	const char *config = NULL, *log_level = NULL, *workers = NULL;
	const char *listen[MAX_ARGS], *zones[MAX_ARGS];
	st_server_overrides_t ov = {.listen = listen, .zones = zones};
	bool check = false;
	const st_cli_opt_t opts[] = {
	    {"config", 'c', .arg = &config},
	    {"listen", 'l', .list = listen, .n = &ov.n_listen, .max = MAX_ARGS},
	    {"zone", 'z', .list = zones, .n = &ov.n_zones, .max = MAX_ARGS},
	    {"workers", 'w', .arg = &workers},
	    {"check", 0, .flag = &check},
	    {"log-level", 0, .arg = &log_level},
	    {NULL},
	};
	int ret = st_cli_options(argc, argv, "steerd", opts, false, usage);
	if (ret >= 0)
		return ret;
	uint64_t n_workers = 0;
	if (workers && (st_parse_u64(workers, 1024, &n_workers) != 0 || n_workers == 0)) {
		fprintf(stderr, "steerd: --workers: '%s' is not a number from 1 to 1024\n",
			workers);
		return EXIT_USAGE;
	}
	ov.workers = (uint32_t)n_workers;
	if (st_cli_no_args(argc, argv, "steerd", usage))
		return EXIT_USAGE;
	if (!config && ov.n_zones == 0) {
		fprintf(stderr, "steerd: nothing to serve: give -c FILE or --zone NAME:FILE\n");
		usage(stderr);
		return EXIT_USAGE;
	}

	st_log_level_t level;
	if (st_cli_log_init("steerd", log_level, &level))
		return EXIT_USAGE;
	ov.log_level = log_level;

	st_diag_t diag;
	st_diag_clear(&diag);
	st_conf_t *conf = NULL;
	ret = config ? st_conf_load(config, &conf, &diag) : 0;
	if (ret == 0 && !config)
		conf = st_conf_new();
	if (ret == 0 && !conf)
		ret = st_diag_set(&diag, ST_ENOMEM, "out of memory");
	if (ret == 0)
		ret = st_server_apply_overrides(conf, &ov, &diag);
	if (ret != 0) {
		fprintf(stderr, "steerd: %s\n", diag.text[0] ? diag.text : st_strerror(ret));
		st_conf_free(conf);
		return EXIT_CONFIG;
	}
	/* The config's level, or the command line's laid over it. */
	if (conf->log_level && st_log_level_parse(conf->log_level, &level) == 0)
		st_log_set_level(level);

	st_server_t *srv;
	ret = st_server_new(conf, &srv, &diag);
	if (ret != 0) {
		fprintf(stderr, "steerd: %s\n", diag.text[0] ? diag.text : st_strerror(ret));
		return EXIT_CONFIG;
	}

	if (check) {
		const st_view_t *view = st_server_view(srv);
		size_t n_zones = st_zoneset_count(view->zones);
		printf("%s: ok, %zu zone%s, %zu records, %zu dynamic record%s\n",
		       config ? config : "command line", n_zones, n_zones == 1 ? "" : "s",
		       st_server_record_count(srv), st_server_dyn_record_count(srv),
		       st_server_dyn_record_count(srv) == 1 ? "" : "s");
		st_server_free(srv);
		return 0;
	}

	ret = st_server_set_overrides(srv, &ov);
	if (ret == 0)
		ret = serve(srv, &diag);
	if (ret != 0)
		st_log_err("%s", diag.text[0] ? diag.text : st_strerror(ret));
	st_server_free(srv);
	return ret == 0 ? 0 : EXIT_CONFIG;
}
