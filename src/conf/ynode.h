/* A small YAML document tree (libyaml events -> nodes) that keeps the
 * 1-based line and column of every node, for "file:line:column" messages. */
#ifndef ST_CONF_YNODE_H
#define ST_CONF_YNODE_H

#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	ST_YNODE_SCALAR,
	ST_YNODE_SEQ,
	ST_YNODE_MAP,
} st_ynode_kind_t;

typedef struct st_ynode st_ynode_t;

struct st_ynode {
	st_ynode_kind_t kind;
	unsigned line, col; /* 1-based */
	char *str;	    /* scalar text, NUL-terminated */
	bool quoted;	    /* scalar written quoted or as a block: never null/bool/number-like */
	st_ynode_t **items; /* seq: n items; map: n keys at items[2i], values at items[2i+1] */
	size_t n;	    /* seq: item count; map: pair count */
};

/* Parse one YAML document. An empty file gives an empty mapping. Duplicate
 * keys, non-scalar keys, aliases and a second document are errors. `name`
 * is used in messages. */
int st_ynode_parse_file(const char *path, const char *name, st_ynode_t **out, st_diag_t *diag);
int st_ynode_parse_string(const char *text, size_t len, const char *name, st_ynode_t **out,
			  st_diag_t *diag);
void st_ynode_free(st_ynode_t *node);

/* Map access: the key and value of pair i. */
static inline const st_ynode_t *st_ynode_key(const st_ynode_t *map, size_t i)
{
	return map->items[2 * i];
}
static inline const st_ynode_t *st_ynode_val(const st_ynode_t *map, size_t i)
{
	return map->items[2 * i + 1];
}

/* A plain scalar that YAML reads as null: empty, "~", "null". */
bool st_ynode_is_null(const st_ynode_t *node);
/* "a string", "a list", "a mapping" or "nothing" (for messages). */
const char *st_ynode_kind_name(const st_ynode_t *node);

/* A value written as one item or as a list of them: the items and their
 * count. A sequence gives its items; anything else is a list of itself
 * (*val, which must outlive the result). */
static inline const st_ynode_t *const *st_ynode_list(const st_ynode_t *const *val, size_t *n)
{
	if ((*val)->kind == ST_YNODE_SEQ) {
		*n = (*val)->n;
		return (const st_ynode_t *const *)(*val)->items;
	}
	*n = 1;
	return val;
}

#endif
