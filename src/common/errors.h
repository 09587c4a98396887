/* Error codes: 0 is success, negative values are errno codes or the project's own (below -1000). */
#ifndef ST_COMMON_ERRORS_H
#define ST_COMMON_ERRORS_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

enum {
	ST_EOK = 0,
	ST_ENOMEM = -ENOMEM,
	ST_EINVAL = -EINVAL,
	ST_ENOENT = -ENOENT,
	ST_EIO = -EIO,
	ST_EEXIST = -EEXIST,
	ST_ERANGE = -ERANGE,
	ST_EAGAIN = -EAGAIN,
	ST_ENOSPC = -ENOSPC,
	ST_ETIMEDOUT = -ETIMEDOUT,

	ST_EBASE = -1000,
	ST_EPARSE = -1001,   /* syntax error in an input file */
	ST_ECONF = -1002,    /* configuration is invalid */
	ST_EZONE = -1003,    /* zone data is invalid */
	ST_EFORMERR = -1004, /* DNS message is malformed: answer FORMERR */
	ST_EDROP = -1005,    /* DNS message must be dropped silently */
	ST_ENOTIMP = -1006,  /* opcode not implemented */
	ST_EBADVERS = -1007, /* EDNS version not supported */
	ST_ETRUNC = -1008,   /* output does not fit its buffer */
	ST_ECORRUPT = -1009, /* shared data failed validation */
	ST_ESTALE = -1010,   /* data is older than allowed */
	ST_EPROTO = -1011,   /* peer broke the protocol */
	ST_ENOTREG = -1012,  /* a path names a FIFO, device, folder or socket, not a file */
	ST_ELAST = -1013,
};

/* Human-readable text for an error code (errno codes use strerror). */
const char *st_strerror(int code);

/* A diagnostic: the reason a load or check failed, for logs and steerctl.
 * Format convention: "file:line[:column]: what is wrong". */
typedef struct st_diag {
	char text[1024];
} st_diag_t;

/* Set the diagnostic text (printf-style); returns `code` so callers can
 * write `return st_diag_set(diag, ST_EZONE, "...")`. diag may be NULL. */
int st_diag_set(st_diag_t *diag, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int st_diag_vset(st_diag_t *diag, int code, const char *fmt, va_list ap);

/* Clear a diagnostic (diag may be NULL). */
void st_diag_clear(st_diag_t *diag);

#endif
