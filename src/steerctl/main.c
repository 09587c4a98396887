/* steerctl: the control tool. Sends one STEER1 command to steerd's control
 * socket and prints the reply; exit 0 on "ok", 1 on "error", 2 on usage or
 * connection problems. */
#include "config.h"
#include "ctl/proto.h"
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
    {"health [--json]", "each endpoint: region, state, checker state, override, RTT, error"},
    {"drain ENDPOINT|REGION", "take an endpoint or every endpoint of a region out of answers"},
    {"undrain ENDPOINT|REGION|all", "end a drain"},
    {"force ENDPOINT up|down|clear", "override the checker's state of an endpoint"},
    {"dial REGION PCT [--over DURATION]", "set a region's traffic dial, at once or as a ramp"},
    {"dial REGION clear", "forget the dial set here: the config's dial applies"},
    {"explain NAME TYPE [--client ADDR]",
     "which policy, region and endpoints an answer gets, and why"},
    {"checkconf", "validate the config file and zones without applying them"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: steerctl [-s SOCKET | -c CONFIG] [--json] COMMAND [ARGS...]\n\n"
		   "options:\n"
		   "  -s, --socket PATH   control socket (default " DEFAULT_SOCKET ")\n"
		   "  -c, --config FILE   take the socket from server.control in FILE\n"
		   "  -j, --json          JSON output (status, stats, health)\n"
		   "  -V, --version       print the version and exit\n"
		   "  -h, --help          this text\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-36s %s\n", commands[i].cmd, commands[i].help);
}

/* server.control from a config file, relative to the file's folder. Only
 * that one key is read: steerctl must work with configs newer than itself. */
static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static char *socket_from_config(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "steerctl: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	char *found = NULL;
	if (!yaml_parser_load(&p, &doc)) {
		fprintf(stderr, "steerctl: %s:%zu:%zu: %s\n", path, p.problem_mark.line + 1,
			p.problem_mark.column + 1, p.problem ? p.problem : "YAML error");
		yaml_parser_delete(&p);
		fclose(f);
		return NULL;
	}
	yaml_node_t *server = map_get(&doc, yaml_document_get_root_node(&doc), "server");
	yaml_node_t *control = map_get(&doc, server, "control");
	if (control && control->type == YAML_SCALAR_NODE)
		found = strdup((const char *)control->data.scalar.value);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	fclose(f);
	if (!found) {
		fprintf(stderr, "steerctl: %s: no server.control (the control socket is off)\n",
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
	static const struct option longopts[] = {
	    {"socket", required_argument, NULL, 's'}, {"config", required_argument, NULL, 'c'},
	    {"json", no_argument, NULL, 'j'},	      {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},	      {NULL, 0, NULL, 0},
	};
	/* A steerd that goes away mid-request is an error to report, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	const char *sock_opt = NULL, *conf_opt = NULL;
	bool json = false;
	int opt;
	/* "+": options end at the command, so "dial r 5 --over 1h" reaches steerd. */
	while ((opt = getopt_long(argc, argv, "+s:c:jVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			sock_opt = optarg;
			break;
		case 'c':
			conf_opt = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'V':
			printf("steerctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (sock_opt && conf_opt) {
		fprintf(stderr, "steerctl: -s and -c are exclusive\n");
		return 2;
	}
	char *sock = sock_opt	? strdup(sock_opt)
		     : conf_opt ? socket_from_config(conf_opt)
				: strdup(DEFAULT_SOCKET);
	if (!sock)
		return 2;

	if (json && strcmp(argv[optind], "status") != 0 && strcmp(argv[optind], "stats") != 0 &&
	    strcmp(argv[optind], "health") != 0) {
		fprintf(stderr, "steerctl: --json applies to status, stats and health\n");
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
		free(sock);
		st_buf_free(&req);
		return 2;
	}
	int rc = send_all(fd, req.data, req.len);
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
