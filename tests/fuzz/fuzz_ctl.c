/* Fuzz target for the control protocol: the input is what a client writes
 * to the control socket, cut into lines as the socket server cuts it, and
 * each line goes through the parser and the real command table of a real
 * steerd (the engine fixture's config, no sockets). Every reply must be one
 * complete, well-framed reply that steerctl's parser reads back. */
#include "fuzz.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "ctl/proto.h"
#include "common/log.h"
#include "server/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_target[] = "ctl";

static st_server_t *srv;
static st_ctl_t *ctl;

/* The fixture's config, quiet (a reload re-reads log_level) and with its
 * zone file named absolutely, written beside the input. */
static void write_config(char *path, size_t size)
{
	char src[4096], zone[4096];
	snprintf(src, sizeof(src), "%s/tests/data/zones/answer-dyn.yaml", fuzz_srcdir());
	snprintf(zone, sizeof(zone), "%s/tests/data/zones/answer.test.zone", fuzz_srcdir());
	snprintf(path, size, "%s/steerd.yaml", fuzz_tmpdir());
	FILE *in = fopen(src, "r"), *out = fopen(path, "w");
	if (!in || !out)
		abort();
	fprintf(out, "server:\n  log_level: error\n");
	char line[1024];
	while (fgets(line, sizeof(line), in)) {
		if (strstr(line, "answer.test: answer.test.zone"))
			fprintf(out, "  answer.test: %s\n", zone);
		else
			fputs(line, out);
	}
	fclose(in);
	if (fclose(out) != 0)
		abort();
}

static void init(void)
{
	char path[4096];
	st_conf_t *conf;
	st_diag_t diag;
	st_log_set_level(ST_LOG_ERR);
	write_config(path, sizeof(path));
	if (st_conf_load(path, &conf, &diag) < 0 || st_server_new(conf, &srv, &diag) < 0 ||
	    st_ctl_start(srv, &ctl, &diag) < 0) {
		fprintf(stderr, "fuzz_ctl: %s\n", diag.text);
		abort();
	}
}

static void check_reply(const st_buf_t *reply)
{
	if (!reply->data || reply->oom)
		abort();
	/* Exactly one reply, ending with its blank line. */
	if (st_ctl_reply_complete(reply->data, reply->len) != reply->len)
		abort();
	bool ok;
	st_buf_t body;
	st_buf_init(&body);
	if (st_ctl_reply_parse(reply->data, reply->len, &ok, &body) != 0)
		abort();
	st_buf_free(&body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[ST_CTL_MAX_LINE + 1];
	if (!srv)
		init();
	size_t n_cmds;
	const st_ctl_cmd_t *const *table = st_ctl_table(&n_cmds);
	size_t pos = 0;
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - data) : size;
		size_t len = end - pos;
		/* The socket server answers a longer line itself. */
		if (len <= ST_CTL_MAX_LINE) {
			memcpy(line, data + pos, len);
			line[len] = '\0';
			st_buf_t reply;
			st_buf_init(&reply);
			st_ctl_dispatch(table, n_cmds, ctl, line, &reply);
			check_reply(&reply);
			st_buf_free(&reply);
		}
		pos = end + 1;
	}
	return 0;
}

void fuzz_fini(void)
{
	st_ctl_free(ctl);
	st_server_free(srv);
	fuzz_engine_free();
}
