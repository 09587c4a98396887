/* The control protocol: request parsing, dispatch through the command table,
 * reply framing and parsing. */
#include "ctl/proto.h"

#include <stdio.h>
#include <string.h>

int st_ctl_parse(char *line, int *argc, char **argv, st_diag_t *diag)
{
	size_t len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (len > ST_CTL_MAX_LINE)
		return st_diag_set(diag, ST_EPROTO, "request longer than %d bytes",
				   ST_CTL_MAX_LINE);

	char *save = NULL;
	char *tok = strtok_r(line, " \t", &save);
	if (!tok)
		return st_diag_set(diag, ST_EPROTO, "empty request (expected \"%s <command>\")",
				   ST_CTL_MAGIC);
	if (strcmp(tok, ST_CTL_MAGIC) != 0) {
		if (strncmp(tok, "STEER", 5) == 0)
			return st_diag_set(
			    diag, ST_EPROTO,
			    "unsupported protocol version %.32s (this server speaks %s)", tok,
			    ST_CTL_MAGIC);
		return st_diag_set(diag, ST_EPROTO, "bad request (expected \"%s <command>\")",
				   ST_CTL_MAGIC);
	}
	int n = 0;
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if (n == ST_CTL_MAX_ARGS)
			return st_diag_set(diag, ST_EPROTO, "too many arguments (at most %d)",
					   ST_CTL_MAX_ARGS - 1);
		argv[n++] = tok;
	}
	if (n == 0)
		return st_diag_set(diag, ST_EPROTO, "missing command after %s", ST_CTL_MAGIC);
	*argc = n;
	return 0;
}

const st_ctl_cmd_t *st_ctl_lookup(const st_ctl_cmd_t *const *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

void st_ctl_frame_ok(st_buf_t *reply, const char *body, size_t len)
{
	st_buf_puts(reply, "ok");
	bool first = true;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(body + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - body) : len;
		if (end > i) {
			st_buf_puts(reply, first ? " " : "\n");
			st_buf_add(reply, body + i, end - i);
			first = false;
		}
		i = end + 1;
	}
	st_buf_puts(reply, "\n\n");
}

void st_ctl_frame_error(st_buf_t *reply, const char *text)
{
	st_buf_puts(reply, "error ");
	/* One line: newlines in the reason would end the reply early. */
	for (const char *p = text; *p; p++)
		st_buf_add(reply, *p == '\n' ? "; " : p, *p == '\n' ? 2 : 1);
	st_buf_puts(reply, "\n\n");
}

void st_ctl_dispatch(const st_ctl_cmd_t *const *table, size_t n, void *ctx, char *line,
		     st_buf_t *reply)
{
	st_diag_t diag;
	st_diag_clear(&diag);
	char *argv[ST_CTL_MAX_ARGS];
	int argc = 0;
	int rc = st_ctl_parse(line, &argc, argv, &diag);
	if (rc < 0) {
		st_ctl_frame_error(reply, diag.text);
		return;
	}
	const st_ctl_cmd_t *cmd = st_ctl_lookup(table, n, argv[0]);
	if (!cmd) {
		st_buf_t msg;
		st_buf_init(&msg);
		st_buf_printf(&msg, "unknown command '%.64s' (commands:", argv[0]);
		for (size_t i = 0; i < n; i++)
			st_buf_printf(&msg, " %s", table[i]->name);
		st_buf_puts(&msg, ")");
		st_ctl_frame_error(reply, msg.data ? msg.data : "unknown command");
		st_buf_free(&msg);
		return;
	}
	int nargs = argc - 1;
	bool json = cmd->show && nargs == 1 && strcmp(argv[1], "--json") == 0;
	if (cmd->show ? nargs != json : nargs < cmd->min_args || nargs > cmd->max_args) {
		const char *usage = cmd->show ? "[--json]" : cmd->usage;
		char msg[256];
		snprintf(msg, sizeof(msg), "usage: %s%s%s", cmd->name, usage[0] ? " " : "", usage);
		st_ctl_frame_error(reply, msg);
		return;
	}
	st_buf_t out;
	st_buf_init(&out);
	rc = cmd->show ? cmd->show(ctx, json, &out, &diag)
		       : cmd->exec(ctx, argc, argv, &out, &diag);
	if (rc < 0)
		st_ctl_frame_error(reply, diag.text[0] ? diag.text : st_strerror(rc));
	else if (out.oom)
		st_ctl_frame_error(reply, "out of memory");
	else
		st_ctl_frame_ok(reply, out.data ? out.data : "", out.len);
	st_buf_free(&out);
}

size_t st_ctl_reply_complete(const char *buf, size_t len)
{
	/* A reply ends at the first "\n\n"; a first line that is empty alone
	 * cannot happen ("ok" or "error" always starts it). */
	for (size_t i = 1; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\n')
			return i + 1;
	return 0;
}

int st_ctl_reply_parse(const char *buf, size_t len, bool *ok, st_buf_t *body)
{
	size_t end = st_ctl_reply_complete(buf, len);
	if (end == 0)
		return ST_EPROTO;
	size_t text = end - 2; /* without the blank line */
	size_t skip;
	if (text >= 2 && strncmp(buf, "ok", 2) == 0 &&
	    (text == 2 || buf[2] == ' ' || buf[2] == '\n')) {
		*ok = true;
		skip = text > 2 && buf[2] == ' ' ? 3 : (text > 2 ? 3 : 2);
	} else if (text >= 5 && strncmp(buf, "error", 5) == 0) {
		*ok = false;
		skip = text > 5 ? 6 : 5;
	} else {
		return ST_EPROTO;
	}
	st_buf_add(body, buf + skip, text - skip);
	return 0;
}
