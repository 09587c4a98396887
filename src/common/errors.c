/* Error codes and diagnostics. */
#include "common/errors.h"

#include <stdio.h>
#include <string.h>

static const char *const own_errors[] = {
	[-(ST_EPARSE - ST_EBASE)] = "syntax error",
	[-(ST_ECONF - ST_EBASE)] = "invalid configuration",
	[-(ST_EZONE - ST_EBASE)] = "invalid zone data",
	[-(ST_EFORMERR - ST_EBASE)] = "malformed DNS message",
	[-(ST_EDROP - ST_EBASE)] = "DNS message dropped",
	[-(ST_ENOTIMP - ST_EBASE)] = "not implemented",
	[-(ST_EBADVERS - ST_EBASE)] = "unsupported EDNS version",
	[-(ST_ETRUNC - ST_EBASE)] = "output truncated",
	[-(ST_ECORRUPT - ST_EBASE)] = "data failed validation",
	[-(ST_ESTALE - ST_EBASE)] = "data is stale",
	[-(ST_EPROTO - ST_EBASE)] = "protocol error",
	[-(ST_ENOTREG - ST_EBASE)] = "not a regular file",
};

const char *st_strerror(int code)
{
	if (code == ST_EOK)
		return "ok";
	if (code < ST_EBASE && code > ST_ELAST) {
		const char *s = own_errors[-(code - ST_EBASE)];
		return s ? s : "unknown error";
	}
	if (code < 0 && code > ST_EBASE)
		return strerror(-code);
	return "unknown error";
}

int st_diag_vset(st_diag_t *diag, int code, const char *fmt, va_list ap)
{
	if (diag)
		vsnprintf(diag->text, sizeof(diag->text), fmt, ap);
	return code;
}

int st_diag_set(st_diag_t *diag, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	st_diag_vset(diag, code, fmt, ap);
	va_end(ap);
	return code;
}

void st_diag_clear(st_diag_t *diag)
{
	if (diag)
		diag->text[0] = '\0';
}
