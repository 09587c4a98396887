/* The schema table machinery: one row per config key (name, type, range,
 * default, where it goes), and the generic code that walks a YAML mapping
 * through a table. Adding an option is one row in conf/load.c plus its use. */
#ifndef ST_CONF_SCHEMA_H
#define ST_CONF_SCHEMA_H

#include "conf/conf.h"
#include "conf/nameset.h"
#include "conf/ynode.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	ST_T_STR,      /* any scalar; null leaves the field NULL */
	ST_T_PATH,     /* a file name, resolved from the config file's folder */
	ST_T_NAME,     /* a domain name, stored lower case with a trailing dot */
	ST_T_UINT,     /* unsigned integer in [min, max]; field of `size` bytes */
	ST_T_INT,      /* signed integer in [min, max]; field of `size` bytes */
	ST_T_DURATION, /* "250ms", "2s", "5m"... in [min, max] ms; uint64_t field */
	ST_T_BOOL,     /* true/false, yes/no, on/off */
	ST_T_ENUM,     /* one of `enums`; stores its value in a field of `size` bytes */
	ST_T_TEXT,     /* a scalar that `text` reads */
	ST_T_CUSTOM,   /* `parse` does the work */
} st_type_t;

typedef struct st_enum {
	const char *name;
	int value;
} st_enum_t;

typedef struct st_ctx st_ctx_t;
typedef struct st_item st_item_t;

/* A custom parser: `obj` is the object the table describes (the whole
 * st_conf_t for the top-level sections). */
typedef int (*st_parse_fn)(st_ctx_t *ctx, const st_item_t *item, const st_ynode_t *val, void *obj);
/* A reader of a scalar's text `s` (val is its node, for messages). */
typedef int (*st_text_fn)(st_ctx_t *ctx, const st_item_t *item, const st_ynode_t *val,
			  const char *s, void *obj);

struct st_item {
	const char *name;
	st_type_t type;
	size_t offset;		/* of the field in the object */
	size_t size;		/* of the field (integers and enums) */
	int64_t min, max;	/* ranges of integers and durations */
	const st_enum_t *enums; /* ST_T_ENUM: NULL-terminated */
	const char *def;	/* default as YAML text, applied when the key is absent */
	st_parse_fn parse;	/* ST_T_CUSTOM */
	st_text_fn text;	/* ST_T_TEXT */
	unsigned flags;
};

#define ST_ITEM_REQUIRED 0x1u

/* Row builders, so that a table holds one line per key. */
#define ST_KEY(name_, type_, ...)                                                                  \
	{                                                                                          \
		.name = (name_), .type = (type_), __VA_ARGS__                                      \
	}
#define ST_AT(type, field) .offset = offsetof(type, field), .size = sizeof(((type *)0)->field)
#define ST_RANGE(lo, hi) .min = (lo), .max = (hi)
#define ST_DEF(text) .def = (text)
#define ST_ENUMS(table) .enums = (table)
#define ST_PARSE(fn) .parse = (fn)
#define ST_TEXT(fn) .text = (fn)
#define ST_REQUIRED .flags = ST_ITEM_REQUIRED
#define ST_END                                                                                     \
	{                                                                                          \
		.name = NULL                                                                       \
	}

/* A table and the object it fills. */
typedef struct st_table {
	const char *what;	/* "check", "region"... for messages */
	const st_item_t *items; /* terminated by a row with name NULL */
	const char *where;	/* where its keys go: "a region (under regions:)" */
} st_table_t;

/* Every table of the config (NULL-terminated), so that a key given in the
 * wrong place can say where it belongs. */
extern const st_table_t *const st_schema_tables[];

/* A "@name" reference to a record (conf/nest.c): the name as given,
 * normalised, where it is written, and the record it names for each type of
 * the records that use it (A, AAAA, CNAME), once linked. */
typedef struct st_conf_ref {
	char *name;
	const st_ynode_t *at;
	uint32_t record[3];
} st_conf_ref_t;

/* Load state shared by the parsers. */
struct st_ctx {
	const char *file; /* name used in messages */
	char *dir;	  /* the config file's folder ("" for the cwd) */
	st_conf_t *conf;
	st_diag_t *diag;
	char path[256];			/* dotted key path of the object being parsed */
	const st_ynode_t *section;	/* the section of named objects being loaded */
	uint16_t types[2];		/* a record's types (`type: [A, AAAA]`) */
	size_t n_types;
	st_nameset_t endpoint_names; /* endpoint name -> index */
	st_nameset_t owners;	     /* record owner -> index of its latest record */
	uint32_t *owner_prev;	     /* per record: the previous one with its owner */
	st_conf_ref_t *refs;	     /* "@name" references, by placeholder */
	size_t n_refs, cap_refs;
};

/* Report an error at a node: "file:line:col: path.key: message". */
int st_ctx_error(st_ctx_t *ctx, const st_ynode_t *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Walk mapping `map` through `table` into `obj`: unknown keys (with a
 * suggestion), wrong types, ranges and required keys are errors; defaults
 * fill absent keys. `seen` (may be NULL) gets bit i set when row i was
 * given. `at` is where to report missing keys (the object's name). */
int st_schema_apply(st_ctx_t *ctx, const st_table_t *table, const st_ynode_t *map,
		    const st_ynode_t *at, void *obj, uint64_t *seen);

/* Parse one scalar through a row (also used for defaults). */
int st_schema_item(st_ctx_t *ctx, const st_item_t *item, const st_ynode_t *val, void *obj);

/* A row's default, read as the same text in a config would be. */
int st_schema_default(st_ctx_t *ctx, const st_item_t *item, void *obj);

/* The defaults of the rows that hold a value of their own (numbers,
 * durations, booleans, choices): what `obj` holds before any config names
 * it. Paths, names, lists and text are left to a config (a path default
 * is relative to the config file). */
int st_schema_value_defaults(st_ctx_t *ctx, const st_table_t *table, void *obj);

/* Index of a row by name (for `seen` tests), or -1. */
int st_schema_index(const st_table_t *table, const char *name);

/* The name of `value` in an enum table (what a config writes for it), or
 * `other` when the table has none. */
const char *st_enum_value_name(const st_enum_t *e, int value, const char *other);

/* Scalars. Each returns 0 or an error set at `val` under `key`. */
int st_ctx_scalar(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char **out);
int st_ctx_uint(st_ctx_t *ctx, const st_ynode_t *val, const char *key, uint64_t min, uint64_t max,
		uint64_t *out);
/* true/false, yes/no, on/off: 0, or an error code. */
int st_parse_bool(const char *s, bool *out);
/* A string copy, or a path resolved from the config's folder. */
int st_ctx_strdup(st_ctx_t *ctx, const char *s, char **out);
int st_ctx_path(st_ctx_t *ctx, const char *s, char **out);
/* Where probes go: "ADDR:PORT", "[ADDR6]:PORT" or a numeric ADDR, checked
 * and copied into *out (replacing what was there). */
int st_ctx_probe_addr(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *s,
		      char **out);
/* Normalise a domain name ("WWW.Example.test" -> "www.example.test."). */
int st_ctx_name(st_ctx_t *ctx, const st_ynode_t *val, const char *key, char **out);
/* The closest of `names` to `s` for "did you mean" (NULL when none is close). */
const char *st_suggest(const char *s, const char *const *names, size_t n);

#endif
