/* Generic schema walking: scalars by type, ranges, defaults, unknown keys. */
#include "conf/schema.h"
#include "common/sockaddr.h"
#include "common/time.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int st_ctx_error(st_ctx_t *ctx, const st_ynode_t *at, const char *key, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char where[320];
	if (key && ctx->path[0])
		snprintf(where, sizeof(where), "%s.%s: ", ctx->path, key);
	else if (key)
		snprintf(where, sizeof(where), "%s: ", key);
	else if (ctx->path[0])
		snprintf(where, sizeof(where), "%s: ", ctx->path);
	else
		where[0] = '\0';
	if (at && at->line > 0)
		return st_diag_set(ctx->diag, ST_ECONF, "%s:%u:%u: %s%s", ctx->file, at->line,
				   at->col, where, msg);
	return st_diag_set(ctx->diag, ST_ECONF, "%s: %s%s", ctx->file, where, msg);
}

int st_ctx_scalar(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char **out)
{
	if (val->kind != ST_YNODE_SCALAR)
		return st_ctx_error(ctx, val, key, "expected a single value, not %s",
				    st_ynode_kind_name(val));
	if (st_ynode_is_null(val))
		return st_ctx_error(ctx, val, key, "a value is missing");
	*out = val->str;
	return 0;
}

int st_ctx_uint(st_ctx_t *ctx, const st_ynode_t *val, const char *key, uint64_t min, uint64_t max,
		uint64_t *out)
{
	const char *s;
	int rc = st_ctx_scalar(ctx, val, key, &s);
	if (rc != 0)
		return rc;
	uint64_t v = 0;
	const char *p = s;
	if (*p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return st_ctx_error(ctx, val, key, "'%s' is not a whole number", s);
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return st_ctx_error(ctx, val, key, "'%s' is too large", s);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '\0')
		return st_ctx_error(ctx, val, key, "'%s' is not a whole number", s);
	if (v < min || v > max)
		return st_ctx_error(ctx, val, key, "%s is out of range (%llu..%llu)", s,
				    (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int st_ctx_strdup(st_ctx_t *ctx, const char *s, char **out)
{
	char *d = strdup(s);
	if (!d)
		return ST_ENOMEM;
	*out = d;
	return 0;
}

int st_ctx_probe_addr(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *s,
		      char **out)
{
	st_sockaddr_t sa;
	if (st_sockaddr_parse(s, 0, &sa) != 0)
		return st_ctx_error(ctx, val, key,
				    "'%s' is not ADDR:PORT, [ADDR6]:PORT or ADDR (numeric address)",
				    s);
	free(*out);
	*out = NULL;
	return st_ctx_strdup(ctx, s, out);
}

int st_ctx_path(st_ctx_t *ctx, const char *s, char **out)
{
	if (s[0] == '/' || ctx->dir[0] == '\0')
		return st_ctx_strdup(ctx, s, out);
	size_t a = strlen(ctx->dir), b = strlen(s);
	char *p = malloc(a + b + 2);
	if (!p)
		return ST_ENOMEM;
	memcpy(p, ctx->dir, a);
	if (ctx->dir[a - 1] != '/')
		p[a++] = '/';
	memcpy(p + a, s, b + 1);
	*out = p;
	return 0;
}

int st_ctx_name(st_ctx_t *ctx, const st_ynode_t *val, const char *key, char **out)
{
	const char *s;
	int rc = st_ctx_scalar(ctx, val, key, &s);
	if (rc != 0)
		return rc;
	size_t len = strlen(s);
	if (strcmp(s, ".") == 0)
		return st_ctx_strdup(ctx, s, out);
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return st_ctx_error(ctx, val, key, "'%s' is not a valid domain name", s);
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0)
				return st_ctx_error(
				    ctx, val, key,
				    "'%s' has an empty label (a leading dot or two dots in a row)",
				    s);
			label = 0;
			continue;
		}
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_';
		if (!ok)
			return st_ctx_error(ctx, val, key,
					    "'%s' is not a valid domain name (character '%c')", s,
					    c);
		if (++label > 63)
			return st_ctx_error(ctx, val, key, "'%s' has a label longer than 63", s);
	}
	char *n = malloc(len + 2);
	if (!n)
		return ST_ENOMEM;
	for (size_t i = 0; i < len; i++)
		n[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	n[len] = '.';
	n[len + 1] = '\0';
	*out = n;
	return 0;
}

static void store_int(void *field, size_t size, int64_t v)
{
	switch (size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(field, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(field, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(field, &x, 4);
		break;
	}
	default: {
		uint64_t x = (uint64_t)v;
		memcpy(field, &x, 8);
		break;
	}
	}
}

int st_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
					  "YES",  "on",	  "On",	  "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No",
					 "NO",	  "off",   "Off",   "OFF"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ST_EINVAL;
}

int st_schema_item(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	void *field = (char *)obj + it->offset;
	const char *s;
	int rc;

	if (it->type == ST_T_CUSTOM)
		return it->parse(ctx, it, val, obj);

	/* null: the default, or nothing for a key without one. */
	if ((it->type == ST_T_STR || it->type == ST_T_PATH) && st_ynode_is_null(val) && it->def)
		return st_schema_default(ctx, it, obj);
	if ((it->type == ST_T_STR || it->type == ST_T_PATH) && st_ynode_is_null(val)) {
		char **p = field;
		free(*p);
		*p = NULL;
		return 0;
	}
	if ((rc = st_ctx_scalar(ctx, val, it->name, &s)) != 0)
		return rc;

	switch (it->type) {
	case ST_T_STR:
	case ST_T_PATH:
	case ST_T_NAME: {
		char *d = NULL;
		if (s[0] == '\0')
			return st_ctx_error(
			    ctx, val, it->name,
			    "the value is empty (leave the key out for the default)");
		if (it->type == ST_T_STR)
			rc = st_ctx_strdup(ctx, s, &d);
		else if (it->type == ST_T_PATH)
			rc = st_ctx_path(ctx, s, &d);
		else
			rc = st_ctx_name(ctx, val, it->name, &d);
		if (rc != 0)
			return rc;
		char **p = field;
		free(*p);
		*p = d;
		return 0;
	}
	case ST_T_UINT: {
		uint64_t v;
		if ((rc =
			 st_ctx_uint(ctx, val, it->name, (uint64_t)it->min, (uint64_t)it->max, &v)))
			return rc;
		store_int(field, it->size, (int64_t)v);
		return 0;
	}
	case ST_T_INT: {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (end == s || *end != '\0' || errno != 0)
			return st_ctx_error(ctx, val, it->name, "'%s' is not a whole number", s);
		if (v < it->min || v > it->max)
			return st_ctx_error(ctx, val, it->name, "%s is out of range (%lld..%lld)",
					    s, (long long)it->min, (long long)it->max);
		store_int(field, it->size, v);
		return 0;
	}
	case ST_T_DURATION: {
		uint64_t ms;
		if (st_duration_parse(s, &ms) != 0)
			return st_ctx_error(ctx, val, it->name,
					    "'%s' is not a duration (write 250ms, 2s, 5m, 1h or "
					    "a number of seconds)",
					    s);
		if (ms < (uint64_t)it->min || ms > (uint64_t)it->max) {
			char lo[32], hi[32];
			st_duration_fmt((uint64_t)it->min, lo, sizeof(lo));
			st_duration_fmt((uint64_t)it->max, hi, sizeof(hi));
			return st_ctx_error(ctx, val, it->name, "%s is out of range (%s..%s)", s,
					    lo, hi);
		}
		memcpy(field, &ms, sizeof(ms));
		return 0;
	}
	case ST_T_BOOL: {
		bool b;
		if (st_parse_bool(s, &b) != 0)
			return st_ctx_error(ctx, val, it->name, "'%s' is not true or false", s);
		memcpy(field, &b, sizeof(b));
		return 0;
	}
	case ST_T_ENUM: {
		char choices[256] = "";
		const char *names[32];
		size_t n = 0;
		for (const st_enum_t *e = it->enums; e->name; e++) {
			if (strcmp(e->name, s) == 0) {
				store_int(field, it->size, e->value);
				return 0;
			}
			size_t used = strlen(choices);
			snprintf(choices + used, sizeof(choices) - used, "%s%s", used ? ", " : "",
				 e->name);
			if (n < 32)
				names[n++] = e->name;
		}
		const char *hint = st_suggest(s, names, n);
		if (hint)
			return st_ctx_error(ctx, val, it->name,
					    "'%s' is not one of: %s (did you mean '%s'?)", s,
					    choices, hint);
		return st_ctx_error(ctx, val, it->name, "'%s' is not one of: %s", s, choices);
	}
	case ST_T_TEXT:
		return it->text(ctx, it, val, s, obj);
	default:
		return ST_EINVAL;
	}
}

const char *st_enum_value_name(const st_enum_t *e, int value, const char *other)
{
	for (; e->name; e++)
		if (e->value == value)
			return e->name;
	return other;
}

int st_schema_index(const st_table_t *table, const char *name)
{
	for (int i = 0; table->items[i].name; i++)
		if (strcmp(table->items[i].name, name) == 0)
			return i;
	return -1;
}

/* Optimal string alignment distance: a swap of two neighbours counts one,
 * the commonest typo in key names. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 64;
	size_t d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *st_suggest(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t len = strlen(s);
	/* Short names need a closer match to be a plausible typo. */
	size_t best_d = len <= 2 ? 0 : len <= 4 ? 1 : 2;
	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(s, names[i]);
		if (dist > 0 && dist <= best_d && (!best || dist < edit_distance(s, best))) {
			best = names[i];
			best_d = dist;
		}
	}
	return best;
}

int st_schema_default(st_ctx_t *ctx, const st_item_t *it, void *obj)
{
	st_ynode_t *node;
	st_diag_t d;
	int rc = st_ynode_parse_string(it->def, strlen(it->def), "default", &node, &d);
	if (rc != 0)
		return st_ctx_error(ctx, NULL, it->name, "bad built-in default: %s", d.text);
	/* The default's document is a mapping only for `{}`: use it as is. */
	rc = st_schema_item(ctx, it, node, obj);
	st_ynode_free(node);
	return rc;
}

int st_schema_value_defaults(st_ctx_t *ctx, const st_table_t *table, void *obj)
{
	for (const st_item_t *it = table->items; it->name; it++) {
		bool value = it->type == ST_T_UINT || it->type == ST_T_INT ||
			     it->type == ST_T_DURATION || it->type == ST_T_BOOL ||
			     it->type == ST_T_ENUM;
		int rc;
		if (value && it->def && (rc = st_schema_default(ctx, it, obj)) != 0)
			return rc;
	}
	return 0;
}

/* Where a key that `table` lacks belongs, if another table has it. */
static const char *key_home(const st_table_t *table, const char *key)
{
	for (size_t t = 0; st_schema_tables[t]; t++)
		if (st_schema_tables[t] != table && st_schema_tables[t]->where &&
		    st_schema_index(st_schema_tables[t], key) >= 0)
			return st_schema_tables[t]->where;
	return NULL;
}

int st_schema_apply(st_ctx_t *ctx, const st_table_t *table, const st_ynode_t *map,
		    const st_ynode_t *at, void *obj, uint64_t *seen)
{
	uint64_t got = 0;
	int rc;
	if (map->kind != ST_YNODE_MAP && !st_ynode_is_null(map))
		return st_ctx_error(ctx, map, NULL, "expected a mapping of %s keys, not %s",
				    table->what, st_ynode_kind_name(map));
	if (map->kind == ST_YNODE_MAP) {
		for (size_t i = 0; i < map->n; i++) {
			const st_ynode_t *k = st_ynode_key(map, i);
			int idx = st_schema_index(table, k->str);
			if (idx < 0) {
				const char *names[64];
				size_t n = 0;
				for (size_t j = 0; table->items[j].name && n < 64; j++)
					names[n++] = table->items[j].name;
				const char *hint = st_suggest(k->str, names, n);
				if (hint)
					return st_ctx_error(ctx, k, NULL,
							    "unknown key '%s' (did you mean '%s'?)",
							    k->str, hint);
				const char *where = key_home(table, k->str);
				if (where)
					return st_ctx_error(ctx, k, NULL,
							    "'%s' is not a key of a %s: it belongs "
							    "to %s",
							    k->str, table->what, where);
				return st_ctx_error(ctx, k, NULL, "unknown key '%s' for a %s",
						    k->str, table->what);
			}
			/* A key with no value is a key left out: its default applies. */
			if (st_ynode_is_null(st_ynode_val(map, i)))
				continue;
			if ((rc = st_schema_item(ctx, &table->items[idx], st_ynode_val(map, i),
						 obj)))
				return rc;
			got |= 1ull << idx;
		}
	}
	for (int i = 0; table->items[i].name; i++) {
		const st_item_t *it = &table->items[i];
		if (got & (1ull << i))
			continue;
		if (it->flags & ST_ITEM_REQUIRED)
			return st_ctx_error(ctx, at, NULL, "'%s' is required", it->name);
		if (it->def && (rc = st_schema_default(ctx, it, obj)) != 0)
			return rc;
	}
	if (seen)
		*seen = got;
	return 0;
}
