/* The control protocol: "STEER1 <command> <args>\n" in, "ok ..." or
 * "error <text>" out, then a blank line. Request parsing, the command table
 * dispatcher and reply framing (server side), reply parsing (steerctl). */
#ifndef ST_CTL_PROTO_H
#define ST_CTL_PROTO_H

#include "common/errors.h"
#include "common/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define ST_CTL_MAGIC "STEER1"
#define ST_CTL_MAX_ARGS 16
#define ST_CTL_MAX_LINE 4096

/* One control command. exec writes its output lines into out (the framer
 * puts "ok " before the first one) and returns 0, or returns a negative
 * code with the reason in diag. ctx is the control plane (struct st_ctl).
 * A command that shows state as text, or as JSON, has show instead of exec
 * (and no usage or argument counts): its one argument is an optional
 * --json, which the dispatcher reads. */
typedef struct st_ctl_cmd {
	const char *name;
	const char *usage;	/* arguments, e.g. "ENDPOINT|REGION" */
	const char *help;	/* one line */
	int min_args, max_args; /* after the command name */
	int (*exec)(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag);
	int (*show)(void *ctx, bool json, st_buf_t *out, st_diag_t *diag);
} st_ctl_cmd_t;

/* Split a request line in place. Returns 0 with argv[0] the command, or a
 * negative code with the reason (bad version, empty, too many args). */
int st_ctl_parse(char *line, int *argc, char **argv, st_diag_t *diag);

/* Find a command by name, NULL if unknown. */
const st_ctl_cmd_t *st_ctl_lookup(const st_ctl_cmd_t *const *table, size_t n, const char *name);

/* Handle one request line and append the framed reply to reply. */
void st_ctl_dispatch(const st_ctl_cmd_t *const *table, size_t n, void *ctx, char *line,
		     st_buf_t *reply);

/* Frame a reply: "ok <first line>\n<other lines>\n\n" or "error <text>\n\n".
 * Empty lines in the body are dropped (a blank line ends a reply). */
void st_ctl_frame_ok(st_buf_t *reply, const char *body, size_t len);
void st_ctl_frame_error(st_buf_t *reply, const char *text);

/* Client side: is the text in buf a complete reply (ends with a blank line)?
 * Returns its length including the blank line, or 0. */
size_t st_ctl_reply_complete(const char *buf, size_t len);
/* Split a complete reply: *ok, and the body (text after "ok "/"error ",
 * lines joined by '\n', no trailing blank line) written into body. */
int st_ctl_reply_parse(const char *buf, size_t len, bool *ok, st_buf_t *body);

#endif
