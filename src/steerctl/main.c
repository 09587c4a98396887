/* steerctl: the control tool. Sends one STEER1 command to steerd's control
 * socket and prints the reply; exit 0 on "ok", 1 on "error", 2 on usage or
 * connection problems. */
#include "config.h"
#include "common/cli.h"
#include "ctl/proto.h"
#include "steerctl/import.h"
#include "net/unix.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <yaml.h>

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
/* The runtime folder of the systemd units (RuntimeDirectory=steerdns). */
#define DEFAULT_SOCKET RUNSTATEDIR "/steerdns/steerd.sock"
#define REPLY_TIMEOUT_MS 120000 /* a reload of a large zone takes a while */

static const struct {
	const char *cmd, *help;
} commands[] = {
    {"status [--json]", "version, uptime, workers, zones, health table, dial ramps"},
    {"reload [ZONE]", "re-read the config and every zone (or one zone)"},
    {"stats [--json]", "queries by rcode, type, transport; answers per record, region, endpoint"},
    {"health [--json]", "each endpoint: region, state, checker state, override, RTT, error, checks"},
    {"drain ENDPOINT|REGION", "take an endpoint or every endpoint of a region out of answers"},
    {"undrain ENDPOINT|REGION|all", "end a drain"},
    {"force ENDPOINT up|down|clear", "override the checker's state of an endpoint"},
    {"dial REGION PCT [--over DURATION]", "set a region's traffic dial, at once or as a ramp"},
    {"dial REGION clear", "forget the dial set here: the config's dial applies"},
    {"explain NAME TYPE [--client ADDR]",
     "which policy, region and endpoints an answer gets, and why"},
    {"checkconf", "validate the config file and zones without applying them"},
    {"ds ZONE", "the DS records to give the parent zone of a signed zone"},
    {"cookie-rotate", "new DNS cookie secret; the previous one stays valid until the next"},
    {"zone-status [ZONE]", "serial, transfers served, IXFR versions kept, NOTIFY results"},
    {"fleet [--json]", "nameservers and vantage points of the fleet, config drift"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: steerctl [-s SOCKET | -c CONFIG] [--json] COMMAND [ARGS...]\n");
	steerctl_import_usage(f);
	fprintf(f, "\noptions:\n"
		   "  -s, --socket PATH   control socket (default " DEFAULT_SOCKET ")\n"
		   "  -c, --config FILE   take the socket from server.control in FILE\n"
		   "  -j, --json          JSON output (status, stats, health, fleet)\n"
		   "  -V, --version       print the version and exit\n"
		   "  -h, --help          this text\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-36s %s\n", commands[i].cmd, commands[i].help);
}

/* server.control from a config file, relative to the file's folder. Only
 * that one key is read: steerctl must work with configs newer than itself.
 * A config broken further down still names the socket: steerctl then
 * reaches steerd, whose reload reports the error (file:line) and counts it
 * as a failed reload, as `steerctl -c CONFIG reload` from a unit file
 * expects. The events before the error are read; when the error comes
 * first, a line scan of the block-style `server:` section finds it. */
typedef struct locate {
	char *control;	 /* the value found, or NULL */
	char error[512]; /* the YAML error, "" when the file parsed */
} locate_t;

/* Walk the parser's events: root mapping -> "server" -> mapping -> "control". */
static void locate_events(yaml_parser_t *p, const char *path, locate_t *lc)
{
	enum { OTHER, ROOT, SERVER };
	struct {
		bool map, key_next;
		int tag;
		char key[16];
	} st[64];
	int depth = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(p, &ev)) {
			snprintf(lc->error, sizeof(lc->error), "%s:%zu:%zu: %s", path,
				 p->problem_mark.line + 1, p->problem_mark.column + 1,
				 p->problem ? p->problem : "YAML error");
			return;
		}
		yaml_event_type_t t = ev.type;
		bool is_key = depth > 0 && st[depth - 1].map && st[depth - 1].key_next;
		const char *key = depth > 0 ? st[depth - 1].key : "";
		int parent = depth > 0 ? st[depth - 1].tag : OTHER;
		if (t == YAML_SCALAR_EVENT && is_key) {
			snprintf(st[depth - 1].key, sizeof(st[depth - 1].key), "%s",
				 (const char *)ev.data.scalar.value);
			st[depth - 1].key_next = false;
		} else if (t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) {
			if (t == YAML_SCALAR_EVENT && parent == SERVER &&
			    strcmp(key, "control") == 0 && !lc->control)
				lc->control = strdup((const char *)ev.data.scalar.value);
			if (depth > 0 && st[depth - 1].map)
				st[depth - 1].key_next = true;
		} else if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) {
			if (depth == (int)(sizeof(st) / sizeof(st[0]))) {
				yaml_event_delete(&ev);
				return; /* deeper than any config: nothing to find there */
			}
			bool map = t == YAML_MAPPING_START_EVENT;
			int tag = OTHER;
			if (map && depth == 0)
				tag = ROOT;
			else if (map && parent == ROOT && strcmp(key, "server") == 0)
				tag = SERVER;
			st[depth].map = map;
			st[depth].key_next = true;
			st[depth].tag = tag;
			st[depth].key[0] = '\0';
			depth++;
		} else if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) {
			if (depth > 0)
				depth--;
			if (depth > 0 && st[depth - 1].map)
				st[depth - 1].key_next = true;
		}
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT || t == YAML_DOCUMENT_END_EVENT)
			return;
	}
}

/* The text after "control:" on an indented line of a top-level "server:"
 * block, unquoted, without a trailing comment. */
static void locate_lines(FILE *f, locate_t *lc)
{
	char line[1024];
	bool in_server = false;
	rewind(f);
	while (!lc->control && fgets(line, sizeof(line), f)) {
		char *p = line;
		line[strcspn(line, "\r\n")] = '\0';
		if (*p != ' ' && *p != '\t') {
			if (*p && *p != '#')
				in_server = strncmp(p, "server:", 7) == 0 &&
					    p[7 + strspn(p + 7, " \t")] == '\0';
			continue;
		}
		p += strspn(p, " \t");
		if (!in_server || strncmp(p, "control:", 8) != 0)
			continue;
		p += 8 + strspn(p + 8, " \t");
		char *hash = strstr(p, " #");
		if (hash)
			*hash = '\0';
		size_t n = strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			p[--n] = '\0';
		if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
			p[n - 1] = '\0';
			p++;
		}
		if (*p)
			lc->control = strdup(p);
	}
}

static char *socket_from_config(const char *path, locate_t *lc)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "steerctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	locate_events(&p, path, lc);
	yaml_parser_delete(&p);
	if (!lc->control && lc->error[0])
		locate_lines(f, lc);
	fclose(f);
	char *found = lc->control;
	lc->control = NULL;
	if (!found) {
		if (lc->error[0])
			fprintf(stderr, "steerctl: %s (and no server.control found before it)\n",
				lc->error);
		else
			fprintf(stderr,
				"steerctl: %s: no server.control (the control socket is off)\n",
				path);
		return NULL;
	}
	if (found[0] == '/')
		return found;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return found;
	size_t dirlen = (size_t)(slash - path);
	char *full = malloc(dirlen + 1 + strlen(found) + 1);
	if (full)
		sprintf(full, "%.*s/%s", (int)dirlen, path, found);
	free(found);
	return full;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock_opt = NULL, *conf_opt = NULL;
	bool json = false;
	const st_cli_opt_t opts[] = {
	    {"socket", 's', .arg = &sock_opt},
	    {"config", 'c', .arg = &conf_opt},
	    {"json", 'j', .flag = &json},
	    {NULL},
	};
	/* A steerd that goes away mid-request is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	/* In order: options end at the command, so "dial r 5 --over 1h" reaches steerd. */
	int rc = st_cli_options(argc, argv, "steerctl", opts, true, usage);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* The one command that needs no steerd: a file conversion. */
	if (strcmp(argv[optind], "import-route53") == 0) {
		if (sock_opt || conf_opt || json) {
			fprintf(stderr, "steerctl: import-route53 takes none of -s, -c, --json\n");
			return 2;
		}
		return steerctl_import(argc - optind, argv + optind);
	}
	if (sock_opt && conf_opt) {
		fprintf(stderr, "steerctl: -s and -c are exclusive\n");
		return 2;
	}
	locate_t lc = {0};
	char *sock = sock_opt	? strdup(sock_opt)
		     : conf_opt ? socket_from_config(conf_opt, &lc)
				: strdup(DEFAULT_SOCKET);
	if (!sock)
		return 2;

	if (json && strcmp(argv[optind], "status") != 0 && strcmp(argv[optind], "stats") != 0 &&
	    strcmp(argv[optind], "health") != 0 && strcmp(argv[optind], "fleet") != 0) {
		fprintf(stderr, "steerctl: --json applies to status, stats, health and fleet\n");
		free(sock);
		return 2;
	}
	st_buf_t req;
	st_buf_init(&req);
	st_buf_puts(&req, ST_CTL_MAGIC);
	for (int i = optind; i < argc; i++) {
		if (strpbrk(argv[i], " \t\r\n") || !argv[i][0]) {
			fprintf(stderr,
				"steerctl: argument '%s': spaces and empty arguments cannot "
				"be sent\n",
				argv[i]);
			free(sock);
			st_buf_free(&req);
			return 2;
		}
		st_buf_printf(&req, " %s", argv[i]);
	}
	if (json)
		st_buf_puts(&req, " --json");
	st_buf_puts(&req, "\n");

	int fd = st_unix_connect(sock);
	if (fd < 0) {
		fprintf(stderr, "steerctl: cannot connect to %s: %s%s\n", sock, strerror(-fd),
			fd == -ENOENT || fd == -ECONNREFUSED ? " (is steerd running?)" : "");
		if (lc.error[0])
			fprintf(stderr, "steerctl: and the config does not parse: %s\n", lc.error);
		free(sock);
		st_buf_free(&req);
		return 2;
	}
	rc = send_all(fd, req.data, req.len);
	st_buf_free(&req);
	if (rc < 0) {
		fprintf(stderr, "steerctl: %s: write: %s\n", sock, strerror(-rc));
		close(fd);
		free(sock);
		return 2;
	}
	shutdown(fd, SHUT_WR);

	st_buf_t in;
	st_buf_init(&in);
	int status = 2;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int pr = poll(&pfd, 1, REPLY_TIMEOUT_MS);
		if (pr == 0) {
			fprintf(stderr, "steerctl: %s: no reply within %d s\n", sock,
				REPLY_TIMEOUT_MS / 1000);
			break;
		}
		if (pr < 0 && errno == EINTR)
			continue;
		char chunk[8192];
		ssize_t n = pr < 0 ? -1 : read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "steerctl: %s: read: %s\n", sock, strerror(errno));
			break;
		}
		if (n > 0)
			st_buf_add(&in, chunk, (size_t)n);
		if (in.data && st_ctl_reply_complete(in.data, in.len)) {
			bool ok = false;
			st_buf_t body;
			st_buf_init(&body);
			if (st_ctl_reply_parse(in.data, in.len, &ok, &body) < 0) {
				fprintf(stderr, "steerctl: %s: malformed reply\n", sock);
			} else if (ok) {
				if (body.len)
					printf("%s\n", body.data);
				status = 0;
			} else {
				fprintf(stderr, "steerctl: %s\n", body.data ? body.data : "error");
				status = 1;
			}
			st_buf_free(&body);
			break;
		}
		if (n == 0) {
			fprintf(stderr, "steerctl: %s: connection closed before a full reply\n",
				sock);
			break;
		}
	}
	st_buf_free(&in);
	close(fd);
	free(sock);
	return status;
}
