/* Master file reader: splits a file into logical entries (parentheses,
 * quotes, comments) keeping the line each starts on, handles $ORIGIN, $TTL
 * and $INCLUDE, and reads each record, through the fast path (scan.c) when
 * it can and through ldns otherwise. */
#include "config.h"

#include "zone/internal.h"
#include "common/file.h"
#include "common/time.h"
#include "dns/rrtype.h"

#include <ldns/ldns.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZP_MAX_STREAM (1u << 30) /* read from a pipe or device at most this much */
#define ZP_STREAM_IDLE_MS 5000	   /* ... waiting at most this long for its next bytes */
#define ZP_RELEASE (4u << 20)	 /* give back the mapped file this much at a time */

bool zp_fast_enabled = true;

typedef struct zp_file {
	const char *path; /* as shown in messages */
	uint16_t idx;
	const char *p, *end;
	uint32_t line; /* physical line of p */
	char *buf;     /* the current logical entry, rewritten (NUL-terminated) */
	size_t len, cap;
} zp_file_t;

typedef struct zp_state {
	ldns_rdf *origin; /* owned */
	uint8_t prev[ST_DNS_MAX_NAME];
	size_t prev_len; /* 0: no previous owner yet */
	uint32_t ttl;	 /* $TTL; ldns reads 0 as "none" and uses 3600 */
	bool ttl_zero;	 /* an explicit "$TTL 0" */
	int depth;
	zp_rr_t *rr; /* the record being read (shared by included files) */
} zp_state_t;

static int parse_file(zb_t *zb, const char *path, const zp_file_t *from, uint32_t from_line,
		      zp_state_t *st);

static int put(zp_file_t *f, char c)
{
	if (f->len + 2 > f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		char *b = realloc(f->buf, cap);
		if (!b)
			return ST_ENOMEM;
		f->buf = b;
		f->cap = cap;
	}
	f->buf[f->len++] = c;
	return 0;
}

/* The next logical entry into f->buf: 1 and its first line in *start, 0 at
 * the end of the file, or an error. Parentheses and comments become spaces,
 * quoted text and backslash escapes are kept for ldns. */
static int next_entry(zb_t *zb, zp_file_t *f, uint32_t *start)
{
	for (;;) {
		if (f->p >= f->end)
			return 0;
		f->len = 0;
		*start = f->line;
		int paren = 0;
		uint32_t paren_line = 0, quote_line = 0;
		bool inq = false, data = false;
		while (f->p < f->end) {
			char c = *f->p;
			if (c == '\0')
				return st_diag_set(zb->diag, ST_EZONE,
						   "%s:%u: NUL byte in the file", f->path, f->line);
			if (c == '\n') {
				if (inq)
					return st_diag_set(zb->diag, ST_EZONE,
							   "%s:%u: unterminated quoted string",
							   f->path, quote_line);
				f->line++;
				f->p++;
				if (paren) {
					if (put(f, ' '))
						return ST_ENOMEM;
					continue;
				}
				break;
			}
			if (inq) {
				if (c == '\\' && f->p + 1 < f->end && f->p[1] != '\n' &&
				    f->p[1] != '\0') {
					if (put(f, c) || put(f, f->p[1]))
						return ST_ENOMEM;
					f->p += 2;
					continue;
				}
				if (c == '"')
					inq = false;
				if (put(f, c))
					return ST_ENOMEM;
				f->p++;
				continue;
			}
			f->p++;
			switch (c) {
			case ';':
				while (f->p < f->end && *f->p != '\n')
					f->p++;
				continue;
			case '(':
				if (paren++ == 0)
					paren_line = f->line;
				c = ' ';
				break;
			case ')':
				if (paren == 0)
					return st_diag_set(zb->diag, ST_EZONE,
							   "%s:%u: ')' without a matching '('",
							   f->path, f->line);
				paren--;
				c = ' ';
				break;
			case '"':
				inq = true;
				quote_line = f->line;
				data = true;
				break;
			case '\\':
				data = true;
				if (f->p < f->end && *f->p != '\n' && *f->p != '\0') {
					if (put(f, c))
						return ST_ENOMEM;
					c = *f->p++;
				}
				break;
			case '\r':
			case '\t':
			case ' ':
				c = c == '\r' ? ' ' : c;
				break;
			default:
				data = true;
			}
			if (put(f, c))
				return ST_ENOMEM;
		}
		if (inq)
			return st_diag_set(zb->diag, ST_EZONE, "%s:%u: unterminated quoted string",
					   f->path, quote_line);
		if (paren)
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s:%u: '(' without a matching ')' before the end of the file", f->path,
			    paren_line);
		if (!data)
			continue;
		f->buf[f->len] = '\0';
		return 1;
	}
}

/* Split off the next whitespace-separated token (quotes kept together). */
static char *token(char **s)
{
	char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	char *t = p;
	if (*p == '"') {
		t = ++p;
		while (*p && *p != '"')
			p += (*p == '\\' && p[1]) ? 2 : 1;
	} else {
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (*p)
		*p++ = '\0';
	*s = p;
	return t;
}

/* A name relative to the current origin becomes absolute. */
static int make_name(const char *text, const ldns_rdf *origin, ldns_rdf **out)
{
	ldns_rdf *n = NULL;
	if (strcmp(text, "@") == 0)
		n = ldns_rdf_clone(origin);
	else if (ldns_str2rdf_dname(&n, text) != LDNS_STATUS_OK)
		return ST_EINVAL;
	if (!n)
		return ST_ENOMEM;
	if (!ldns_dname_str_absolute(text) && strcmp(text, "@") != 0 &&
	    ldns_dname_cat(n, origin) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(n);
		return ST_EINVAL;
	}
	/* ldns joins a relative name to the origin without the limit: a
	 * relative $ORIGIN would grow past 255 bytes, and every owner written
	 * from it with it. */
	if (ldns_rdf_size(n) > ST_DNS_MAX_NAME) {
		ldns_rdf_deep_free(n);
		return ST_ERANGE;
	}
	*out = n;
	return 0;
}

static int parse_ttl(const char *s, uint32_t *out)
{
	uint64_t v;
	if (zp_ttl_value(s, strlen(s), &v))
		return ST_EINVAL;
	if (v > UINT32_MAX)
		return ST_ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/* A token as messages quote it: printable ASCII only, cut short. Messages
 * quote the token at fault and nothing else: an $INCLUDE of the wrong file
 * must not copy its lines into logs and replies. */
static const char *quote(const char *t, char *buf, size_t len)
{
	size_t n = 0, max = len < 44 ? len : 44;
	for (; *t && n + 4 < max; t++)
		buf[n++] = (*t >= ' ' && *t < 0x7f && *t != '\'') ? *t : '?';
	if (*t)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
	return buf;
}

/* The origin a directive names ("$ORIGIN", "$INCLUDE origin"), made
 * absolute; the message says what is wrong with it. */
static int directive_origin(zb_t *zb, const zp_file_t *f, uint32_t line, const char *what,
			    const char *text, const ldns_rdf *origin, ldns_rdf **out)
{
	char q[48];
	int r = make_name(text, origin, out);
	if (r == ST_ERANGE)
		return st_diag_set(zb->diag, ST_EZONE,
				   "%s:%u: %s '%s' makes a name longer than 255 bytes", f->path,
				   line, what, quote(text, q, sizeof(q)));
	if (r == ST_EINVAL)
		return st_diag_set(zb->diag, ST_EZONE, "%s:%u: %s '%s' is not a domain name",
				   f->path, line, what, quote(text, q, sizeof(q)));
	return r;
}

static int directive(zb_t *zb, zp_file_t *f, uint32_t line, zp_state_t *st)
{
	char q[48];
	char *s = f->buf;
	char *cmd = token(&s);
	char *arg = token(&s);
	if (strcasecmp(cmd, "$ORIGIN") == 0) {
		ldns_rdf *o = NULL;
		if (!arg || token(&s))
			return st_diag_set(zb->diag, ST_EZONE,
					   "%s:%u: $ORIGIN takes exactly one domain name", f->path,
					   line);
		int r = directive_origin(zb, f, line, "$ORIGIN", arg, st->origin, &o);
		if (r)
			return r;
		ldns_rdf_deep_free(st->origin);
		st->origin = o;
		return 0;
	}
	if (strcasecmp(cmd, "$TTL") == 0) {
		uint32_t ttl;
		if (!arg || token(&s))
			return st_diag_set(zb->diag, ST_EZONE,
					   "%s:%u: $TTL takes exactly one value", f->path, line);
		int r = parse_ttl(arg, &ttl);
		if (r == ST_EINVAL)
			return st_diag_set(zb->diag, ST_EZONE, "%s:%u: bad $TTL value '%s'",
					   f->path, line, quote(arg, q, sizeof(q)));
		if (r || ttl > ZP_MAX_TTL)
			return st_diag_set(zb->diag, ST_EZONE,
					   "%s:%u: $TTL %s is out of range (at most %u)", f->path,
					   line, quote(arg, q, sizeof(q)), ZP_MAX_TTL);
		st->ttl = ttl;
		st->ttl_zero = ttl == 0;
		return 0;
	}
	if (strcasecmp(cmd, "$INCLUDE") == 0) {
		char *oname = arg ? token(&s) : NULL;
		if (!arg || !*arg || token(&s))
			return st_diag_set(
			    zb->diag, ST_EZONE,
			    "%s:%u: $INCLUDE takes a file name and an optional origin", f->path,
			    line);
		if (st->depth + 1 > ZB_MAX_INCLUDE_DEPTH)
			return st_diag_set(zb->diag, ST_EZONE,
					   "%s:%u: $INCLUDE nested more than %d deep (a loop?)",
					   f->path, line, ZB_MAX_INCLUDE_DEPTH);
		zp_state_t sub = {
		    .ttl = st->ttl, .ttl_zero = st->ttl_zero, .depth = st->depth + 1, .rr = st->rr};
		if (oname) {
			int r = directive_origin(zb, f, line, "$INCLUDE origin", oname, st->origin,
						 &sub.origin);
			if (r)
				return r;
		} else if (!(sub.origin = ldns_rdf_clone(st->origin))) {
			return ST_ENOMEM;
		}
		/* Relative to the including file's folder. */
		char *path;
		const char *slash = strrchr(f->path, '/');
		int n;
		if (arg[0] == '/' || !slash)
			n = asprintf(&path, "%s", arg);
		else
			n = asprintf(&path, "%.*s/%s", (int)(slash - f->path), f->path, arg);
		if (n < 0) {
			ldns_rdf_deep_free(sub.origin);
			return ST_ENOMEM;
		}
		int rc = parse_file(zb, path, f, line, &sub);
		free(path);
		ldns_rdf_deep_free(sub.origin);
		return rc;
	}
	if (strcasecmp(cmd, "$GENERATE") == 0)
		return st_diag_set(zb->diag, ST_EZONE, "%s:%u: $GENERATE is not supported", f->path,
				   line);
	return st_diag_set(zb->diag, ST_EZONE, "%s:%u: unknown directive %s", f->path, line,
			   quote(cmd, q, sizeof(q)));
}

static bool is_class(const char *t, size_t n)
{
	return (n == 2 && (!strncasecmp(t, "IN", 2) || !strncasecmp(t, "CH", 2) ||
			   !strncasecmp(t, "HS", 2) || !strncasecmp(t, "CS", 2))) ||
	       (n > 5 && !strncasecmp(t, "CLASS", 5));
}

/* The next blank-separated token from *p: its start, *len its length; *p
 * after it. */
static char *next_blank_token(char **p, size_t *len)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
	char *t = *p;
	while (**p && **p != ' ' && **p != '\t')
		(*p)++;
	*len = (size_t)(*p - t);
	return t;
}

/* RFC 1035 allows "owner class ttl type": ldns only takes "ttl class", so
 * swap the two tokens in place. */
static void swap_class_ttl(char *s)
{
	char *p = s;
	size_t cn, tn;
	if (*p != ' ' && *p != '\t')
		while (*p && *p != ' ' && *p != '\t')
			p++;
	char *c = next_blank_token(&p, &cn);
	if (!is_class(c, cn))
		return;
	char *sp = p;
	char *t = next_blank_token(&p, &tn);
	if (tn == 0 || !isdigit((unsigned char)*t))
		return;
	/* [c: class][sp..t: blanks][t: ttl] -> [ttl][blanks][class] */
	char tmp[64];
	size_t total = (size_t)(p - c);
	if (total >= sizeof(tmp))
		return;
	size_t gap = (size_t)(t - sp);
	memcpy(tmp, t, tn);
	memcpy(tmp + tn, sp, gap);
	memcpy(tmp + tn + gap, c, cn);
	memcpy(c, tmp, total);
}

/* The TTL an entry states, if any: a number before the type, possibly
 * after the class. Sets *len and returns the token, or NULL. */
static const char *explicit_ttl(const char *s, size_t *len)
{
	const char *p = s;
	if (*p != ' ' && *p != '\t')
		while (*p && *p != ' ' && *p != '\t')
			p++;
	for (int k = 0; k < 2; k++) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *t = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (isdigit((unsigned char)*t)) {
			*len = (size_t)(p - t);
			return t;
		}
		if (!is_class(t, (size_t)(p - t)))
			return NULL;
	}
	return NULL;
}

static bool meta_type(uint16_t t)
{
	return t == 0 || t == ST_TYPE_OPT || (t >= 128 && t <= 255);
}

/* What a record data field holds, for rdata that fits one token; NULL for
 * fields that may span tokens (base64, hex, strings, bitmaps). */
static const char *field_kind(ldns_rdf_type t)
{
	switch (t) {
	case LDNS_RDF_TYPE_DNAME:
		return "domain name";
	case LDNS_RDF_TYPE_INT8:
	case LDNS_RDF_TYPE_INT16:
	case LDNS_RDF_TYPE_INT32:
	case LDNS_RDF_TYPE_ALG:
	case LDNS_RDF_TYPE_CERT_ALG:
		return "number";
	case LDNS_RDF_TYPE_A:
		return "IPv4 address";
	case LDNS_RDF_TYPE_AAAA:
		return "IPv6 address";
	case LDNS_RDF_TYPE_PERIOD:
		return "time value";
	case LDNS_RDF_TYPE_TIME:
		return "timestamp";
	case LDNS_RDF_TYPE_TYPE:
		return "record type";
	default:
		return NULL;
	}
}

/* Why ldns refused an entry, naming the one token at fault (owner, TTL,
 * type, or the first data field that does not parse) when it can be told. */
static int bad_record(zb_t *zb, const char *path, uint32_t line, const char *buf,
		      const ldns_rdf *origin, ldns_status status)
{
	char q[48], why[128];
	snprintf(why, sizeof(why), "%s", ldns_get_errorstr_by_id(status));
	why[0] = (char)tolower((unsigned char)why[0]);
	char *copy = strdup(buf);
	if (!copy)
		return ST_ENOMEM;
	char *s = copy, *t;
	int rc;
	if (*s != ' ' && *s != '\t') {
		ldns_rdf *o = NULL;
		t = token(&s);
		if (make_name(t, origin, &o)) {
			rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: bad owner name '%s'", path,
					 line, quote(t, q, sizeof(q)));
			goto out;
		}
		ldns_rdf_deep_free(o);
	}
	t = token(&s);
	for (int k = 0; k < 2 && t && (isdigit((unsigned char)*t) || is_class(t, strlen(t)));
	     k++) {
		uint64_t v;
		if (isdigit((unsigned char)*t) && zp_ttl_value(t, strlen(t), &v)) {
			rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: bad TTL '%s'", path, line,
					 quote(t, q, sizeof(q)));
			goto out;
		}
		t = token(&s);
	}
	uint16_t type = 0;
	if (!t) {
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: bad record: no type", path, line);
		goto out;
	}
	if (st_rrtype_parse(t, &type) < 0 || type == 0) {
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: unknown record type '%s'", path,
				 line, quote(t, q, sizeof(q)));
		goto out;
	}
	char tn[ST_RRTYPE_STRLEN];
	st_rrtype_str(type, tn, sizeof(tn));
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	t = token(&s);
	if (d && !(t && strcmp(t, "\\#") == 0)) {
		for (size_t i = 0; i < ldns_rr_descriptor_maximum(d); i++, t = token(&s)) {
			ldns_rdf_type ft = ldns_rr_descriptor_field_type(d, i);
			const char *kind = field_kind(ft);
			if (!t && i < ldns_rr_descriptor_minimum(d)) {
				rc = st_diag_set(zb->diag, ST_EZONE,
						 "%s:%u: %s record: data field %zu is missing",
						 path, line, tn, i + 1);
				goto out;
			}
			if (!t || !kind)
				break;
			ldns_rdf *r = ldns_rdf_new_frm_str(ft, t);
			if (!r) {
				rc = st_diag_set(zb->diag, ST_EZONE,
						 "%s:%u: %s record: '%s' is not a valid %s", path,
						 line, tn, quote(t, q, sizeof(q)), kind);
				goto out;
			}
			ldns_rdf_deep_free(r);
		}
	}
	rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: bad %s record data: %s", path, line, tn,
			 why);
out:
	free(copy);
	return rc;
}

/* A CERT record whose certificate type ldns reads as 0 ("0", "00",
 * "65536"): ldns refuses it but leaks the field it made (ldns 1.8, both in
 * ldns_rr_new_frm_str and ldns_rdf_new_frm_str), so it is refused here,
 * before ldns sees it. The type token, NULL for any other record. */
static char *cert_type_zero(char *copy)
{
	char *s = copy, *t;
	if (*s != ' ' && *s != '\t')
		token(&s); /* owner */
	t = token(&s);
	for (int k = 0; k < 2 && t && (isdigit((unsigned char)*t) || is_class(t, strlen(t))); k++)
		t = token(&s);
	if (!t || strcasecmp(t, "CERT") != 0)
		return NULL;
	t = token(&s);
	if (!t)
		return NULL;
	char *end;
	long v = strtol(t, &end, 10); /* as ldns reads it */
	return *end == '\0' && (uint16_t)v == 0 ? t : NULL;
}

int zp_ldns(zb_t *zb, const char *path, uint32_t line, char *buf, const zp_ctx_t *ctx,
	    zp_rr_t *out)
{
	char *copy = strcasestr(buf, "CERT") ? strdup(buf) : NULL;
	const char *zero = copy ? cert_type_zero(copy) : NULL;
	if (zero) {
		char q[48];
		int rc = st_diag_set(zb->diag, ST_EZONE,
				     "%s:%u: CERT record: '%s' is not a valid certificate type "
				     "(1 to 65535, or PKIX, SPKI, PGP, ...)",
				     path, line, quote(zero, q, sizeof(q)));
		free(copy);
		return rc;
	}
	free(copy);
	ldns_rr *rr = NULL;
	ldns_rdf *origin = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, ctx->origin_len, ctx->origin);
	ldns_rdf *prev = ctx->prev ? ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, ctx->prev_len,
							    ctx->prev)
				   : NULL;
	int rc = 0;
	if (!origin || (ctx->prev && !prev)) {
		rc = ST_ENOMEM;
		goto out;
	}
	swap_class_ttl(buf);
	ldns_status s = ldns_rr_new_frm_str(&rr, buf, ctx->ttl, origin, &prev);
	if (s != LDNS_STATUS_OK) {
		rc = bad_record(zb, path, line, buf, origin, s);
		goto out;
	}
	out->rdlen = 0;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *r = ldns_rr_rdf(rr, i);
		size_t n = ldns_rdf_size(r);
		/* A relative name is joined to the origin without the limit. */
		if (ldns_rdf_get_type(r) == LDNS_RDF_TYPE_DNAME && n > ST_DNS_MAX_NAME) {
			rc = st_diag_set(zb->diag, ST_EZONE,
					 "%s:%u: a name in the record data is longer than 255 bytes",
					 path, line);
			goto out;
		}
		if (n > sizeof(out->rdata) - out->rdlen) {
			rc = st_diag_set(zb->diag, ST_EZONE,
					 "%s:%u: record data longer than 65535 bytes", path, line);
			goto out;
		}
		if (n) /* an empty field (CAA "") has no data at all */
			memcpy(out->rdata + out->rdlen, ldns_rdf_data(r), n);
		out->rdlen += n;
	}
	size_t tlen = 0;
	const char *ttl = explicit_ttl(buf, &tlen);
	uint64_t tv = 0;
	/* ldns reads the digits of "3x" and stops; a TTL is digits and units only */
	if (ttl && zp_ttl_value(ttl, tlen, &tv)) {
		char q[64], tok[64];
		snprintf(tok, sizeof(tok), "%.*s", (int)(tlen < sizeof(tok) ? tlen : sizeof(tok) - 1),
			 ttl);
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: bad TTL '%s'", path, line,
				 quote(tok, q, sizeof(q)));
		goto out;
	}
	if (ttl && tv > ZP_MAX_TTL) {
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: TTL %.*s is out of range (at most %u)",
				 path, line, (int)tlen, ttl, ZP_MAX_TTL);
		goto out;
	}
	if (ctx->ttl_zero && !ttl)
		ldns_rr_set_ttl(rr, 0);
	uint16_t type = (uint16_t)ldns_rr_get_type(rr);
	if (meta_type(type)) {
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: type %u cannot appear in a zone file",
				 path, line, type);
		goto out;
	}
	if (ldns_rr_ttl(rr) > ZP_MAX_TTL) {
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: TTL %u is out of range (at most %u)",
				 path, line, ldns_rr_ttl(rr), ZP_MAX_TTL);
		goto out;
	}
	const ldns_rdf *owner = ldns_rr_owner(rr);
	if (ldns_rdf_size(owner) > sizeof(out->owner)) {
		rc = st_diag_set(zb->diag, ST_EZONE, "%s:%u: owner name longer than 255 bytes",
				 path, line);
		goto out;
	}
	memcpy(out->owner, ldns_rdf_data(owner), ldns_rdf_size(owner));
	out->owner_len = ldns_rdf_size(owner);
	out->owner_given = buf[0] != ' ' && buf[0] != '\t';
	out->explicit_ttl = ttl != NULL;
	out->type = type;
	out->rclass = (uint16_t)ldns_rr_get_class(rr);
	out->ttl = ldns_rr_ttl(rr);
out:
	ldns_rr_free(rr);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return rc;
}

static zp_ctx_t context(const zp_state_t *st)
{
	return (zp_ctx_t){.origin = ldns_rdf_data(st->origin),
			  .origin_len = ldns_rdf_size(st->origin),
			  .prev = st->prev_len ? st->prev : NULL,
			  .prev_len = st->prev_len,
			  .ttl = st->ttl,
			  .ttl_zero = st->ttl_zero};
}

/* The record read into st->rr goes to the builder. */
static int add(zb_t *zb, const zp_file_t *f, uint32_t line, zp_state_t *st)
{
	zp_rr_t *rr = st->rr;
	if (rr->owner_given) {
		memcpy(st->prev, rr->owner, rr->owner_len);
		st->prev_len = rr->owner_len;
	}
	return zb_add_record(zb, rr->owner, rr->owner_len, rr->type, rr->rclass, rr->ttl,
			     rr->rdata, rr->rdlen, f->idx, line);
}

static int record(zb_t *zb, zp_file_t *f, uint32_t line, zp_state_t *st)
{
	zp_ctx_t ctx = context(st);
	if (zp_fast_enabled && zp_fast(f->buf, f->len, &ctx, st->rr)) {
		st->rr->rclass = ST_CLASS_IN;
	} else {
		int rc = zp_ldns(zb, f->path, line, f->buf, &ctx, st->rr);
		if (rc)
			return rc;
	}
	return add(zb, f, line, st);
}

/* The line at f->p read as it is, when the fast path takes it (nearly
 * every line of a big zone): true, and the builder's answer in *rc. False
 * leaves the line to next_entry. */
static bool fast_line(zb_t *zb, zp_file_t *f, zp_state_t *st, int *rc)
{
	const char *p = f->p, *nl = memchr(p, '\n', (size_t)(f->end - p));
	size_t n = (size_t)((nl ? nl : f->end) - p);
	if (n > 0 && p[n - 1] == '\r')
		n--; /* the reader makes CR a blank */
	zp_ctx_t ctx = context(st);
	if (n == 0 || *p == '$' || !zp_fast(p, n, &ctx, st->rr))
		return false;
	st->rr->rclass = ST_CLASS_IN;
	uint32_t line = f->line;
	f->p = nl ? nl + 1 : f->end;
	f->line += nl != NULL;
	*rc = add(zb, f, line, st);
	return true;
}

void zb_includes_free(st_zone_include_t *inc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)inc[i].path);
	free(inc);
}

/* Remember an included file as opened, for reloads to compare. */
static int add_include(zb_t *zb, const char *path, const struct stat *sb, int64_t at_ns)
{
	st_zone_include_t *inc =
	    realloc(zb->includes, (zb->n_includes + 1) * sizeof(*zb->includes));
	if (!inc)
		return ST_ENOMEM;
	zb->includes = inc;
	char *dup = strdup(path);
	if (!dup)
		return ST_ENOMEM;
	zb->includes[zb->n_includes++] = (st_zone_include_t){
	    .path = dup,
	    .regular = S_ISREG(sb->st_mode),
	    .dev = (uint64_t)sb->st_dev,
	    .ino = (uint64_t)sb->st_ino,
	    .size = (int64_t)sb->st_size,
	    .mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec,
	    .stat_at_ns = at_ns,
	};
	return 0;
}

static int parse_file(zb_t *zb, const char *path, const zp_file_t *from, uint32_t from_line,
		      zp_state_t *st)
{
	const char *shown_from = from ? from->path : NULL;
	int rc = zb_add_file(zb, path);
	if (rc < 0)
		return rc;
	zp_file_t f = {.path = zb->files[rc], .idx = (uint16_t)rc, .line = 1};
	int64_t opened_at = (int64_t)st_real_ns();
	struct stat sb;
	int fd = st_file_open(path, O_RDONLY, &sb);
	if (fd < 0) {
		if (shown_from)
			return st_diag_set(zb->diag, ST_EIO,
					   "%s:%u: cannot open $INCLUDE file %s: %s", shown_from,
					   from_line, path, st_strerror(fd));
		return st_diag_set(zb->diag, ST_EIO, "%s: cannot open: %s", path, st_strerror(fd));
	}
	if (shown_from && (rc = add_include(zb, path, &sb, opened_at)) < 0) {
		close(fd);
		return rc;
	}
	void *map = NULL;
	char *copy = NULL;
	size_t size = (size_t)sb.st_size;
	if (S_ISREG(sb.st_mode) && size > 0) {
		map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			int e = errno;
			close(fd);
			return st_diag_set(zb->diag, ST_EIO, "%s: cannot read: %s", path,
					   strerror(e));
		}
		madvise(map, size, MADV_SEQUENTIAL);
	} else if (!S_ISREG(sb.st_mode)) {
		/* A pipe or a device: read it whole, but never wait long for it (a
		 * FIFO whose writer stalls must not hold a reload). */
		rc = st_file_read_stream(fd, ZP_MAX_STREAM, ZP_STREAM_IDLE_MS, &copy, &size);
		if (rc < 0) {
			close(fd);
			if (rc == ST_ERANGE)
				return st_diag_set(zb->diag, ST_EZONE,
						   "%s: more than %u MiB, not a zone file", path,
						   ZP_MAX_STREAM >> 20);
			if (rc == ST_ETIMEDOUT)
				return st_diag_set(zb->diag, ST_EIO,
						   "%s: %s gave no data for %u s", path,
						   st_file_kind(sb.st_mode), ZP_STREAM_IDLE_MS / 1000);
			return st_diag_set(zb->diag, ST_EIO, "%s: cannot read: %s", path,
					   st_strerror(rc));
		}
		map = copy;
	}
	close(fd);
	f.p = map;
	/* An empty file maps nothing: NULL + 0 is undefined. */
	f.end = map ? f.p + size : f.p;
	uint32_t line;
	size_t released = 0; /* bytes of the mapping given back */
	for (;;) {
		/* What is read is not read again: drop it from the process (the
		 * page cache keeps it), so that a big file does not add its size
		 * to the peak of a load next to the zone being built. */
		if (map && !copy && (size_t)(f.p - (const char *)map) - released >= ZP_RELEASE) {
			size_t upto = (size_t)(f.p - (const char *)map) & ~(ZP_RELEASE - 1);
			madvise((char *)map + released, upto - released, MADV_DONTNEED);
			released = upto;
		}
		if (f.p < f.end && zp_fast_enabled && fast_line(zb, &f, st, &rc)) {
			if (rc < 0)
				break;
			continue;
		}
		if ((rc = next_entry(zb, &f, &line)) <= 0)
			break;
		if (f.buf[0] == '$')
			rc = directive(zb, &f, line, st);
		else
			rc = record(zb, &f, line, st);
		if (rc < 0)
			break;
	}
	free(f.buf);
	if (copy)
		free(copy);
	else if (map)
		munmap(map, size);
	return rc;
}

int zp_parse(zb_t *zb, const char *file)
{
	zp_state_t st = {0};
	if (ldns_str2rdf_dname(&st.origin, zb->origin) != LDNS_STATUS_OK || !st.origin)
		return st_diag_set(zb->diag, ST_EZONE, "bad zone name '%s'", zb->origin);
	if (!(st.rr = malloc(sizeof(*st.rr)))) {
		ldns_rdf_deep_free(st.origin);
		return ST_ENOMEM;
	}
	int rc = parse_file(zb, file, NULL, 0, &st);
	ldns_rdf_deep_free(st.origin);
	free(st.rr);
	return rc;
}
