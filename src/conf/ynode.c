/* YAML events -> a node tree with positions. libyaml's document API keeps
 * marks too, but checking duplicate keys and rejecting aliases as nodes are
 * built gives the better message at the right place. */
#include "conf/ynode.h"
#include "common/file.h"
#include "conf/nameset.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YNODE_MAX_DEPTH 64

typedef struct builder {
	const char *name;
	st_diag_t *diag;
	st_ynode_t *root;
	st_ynode_t *stack[YNODE_MAX_DEPTH];
	size_t depth;
	size_t cap[YNODE_MAX_DEPTH];	    /* allocated item slots of stack[i] */
	st_nameset_t keys[YNODE_MAX_DEPTH]; /* keys of the open mappings */
	bool docs_done;
} builder_t;

void st_ynode_free(st_ynode_t *node)
{
	if (!node)
		return;
	size_t n = node->kind == ST_YNODE_MAP ? 2 * node->n : node->n;
	for (size_t i = 0; i < n; i++)
		st_ynode_free(node->items[i]);
	/* A map whose last key has no value yet holds one extra item. */
	if (node->kind == ST_YNODE_MAP && node->items && node->items[n])
		st_ynode_free(node->items[n]);
	free(node->items);
	free(node->str);
	free(node);
}

bool st_ynode_is_null(const st_ynode_t *node)
{
	if (!node || node->kind != ST_YNODE_SCALAR || node->quoted)
		return false;
	return node->str[0] == '\0' || strcmp(node->str, "~") == 0 ||
	       strcmp(node->str, "null") == 0 || strcmp(node->str, "Null") == 0 ||
	       strcmp(node->str, "NULL") == 0;
}

const char *st_ynode_kind_name(const st_ynode_t *node)
{
	if (!node || st_ynode_is_null(node))
		return "nothing";
	switch (node->kind) {
	case ST_YNODE_SEQ:
		return "a list";
	case ST_YNODE_MAP:
		return "a mapping";
	default:
		return "a value";
	}
}

static st_ynode_t *node_new(st_ynode_kind_t kind, const yaml_mark_t *mark)
{
	st_ynode_t *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	return n;
}

/* Total item slots a container uses (maps count a pending key). */
static size_t used_slots(const st_ynode_t *c)
{
	if (c->kind == ST_YNODE_SEQ)
		return c->n;
	return 2 * c->n + (c->items && c->items[2 * c->n] ? 1 : 0);
}

/* Attach a finished node to the open container (or make it the root). */
static int attach(builder_t *b, st_ynode_t *node)
{
	if (b->depth == 0) {
		b->root = node;
		return 0;
	}
	st_ynode_t *c = b->stack[b->depth - 1];
	size_t used = used_slots(c);
	bool is_key = c->kind == ST_YNODE_MAP && (used % 2) == 0;

	if (is_key) {
		if (node->kind != ST_YNODE_SCALAR) {
			int rc =
			    st_diag_set(b->diag, ST_EPARSE,
					"%s:%u:%u: a mapping key must be a plain name, not %s",
					b->name, node->line, node->col, st_ynode_kind_name(node));
			st_ynode_free(node);
			return rc;
		}
		uint32_t first;
		int rc = st_nameset_put(&b->keys[b->depth - 1], node->str, (uint32_t)c->n, &first);
		if (rc == 1)
			rc = st_diag_set(b->diag, ST_EPARSE,
					 "%s:%u:%u: duplicate key '%s' (first given at line %u); "
					 "remove one of them",
					 b->name, node->line, node->col, node->str,
					 c->items[2 * first]->line);
		if (rc != 0) {
			st_ynode_free(node);
			return rc;
		}
	}
	/* +2 keeps room for the NULL slot after a map's last pair. */
	if (used + 2 > b->cap[b->depth - 1]) {
		size_t ncap = b->cap[b->depth - 1] ? 2 * b->cap[b->depth - 1] : 8;
		st_ynode_t **items = realloc(c->items, ncap * sizeof(*items));
		if (!items) {
			st_ynode_free(node);
			return ST_ENOMEM;
		}
		memset(items + b->cap[b->depth - 1], 0,
		       (ncap - b->cap[b->depth - 1]) * sizeof(*items));
		c->items = items;
		b->cap[b->depth - 1] = ncap;
	}
	c->items[used] = node;
	if (c->kind == ST_YNODE_SEQ)
		c->n++;
	else if (!is_key)
		c->n++;
	return 0;
}

static int push(builder_t *b, st_ynode_t *node)
{
	if (b->depth == YNODE_MAX_DEPTH) {
		int rc = st_diag_set(b->diag, ST_EPARSE, "%s:%u:%u: nesting is too deep", b->name,
				     node->line, node->col);
		st_ynode_free(node);
		return rc;
	}
	if (b->depth > 0) {
		const st_ynode_t *c = b->stack[b->depth - 1];
		if (c->kind == ST_YNODE_MAP && (used_slots(c) % 2) == 0) {
			int rc = st_diag_set(b->diag, ST_EPARSE,
					     "%s:%u:%u: a mapping key must be a plain name, not %s",
					     b->name, node->line, node->col,
					     node->kind == ST_YNODE_MAP ? "a mapping" : "a list");
			st_ynode_free(node);
			return rc;
		}
	}
	b->stack[b->depth] = node;
	b->cap[b->depth] = 0;
	memset(&b->keys[b->depth], 0, sizeof(b->keys[b->depth]));
	b->depth++;
	return 0;
}

static int on_event(builder_t *b, const yaml_event_t *ev)
{
	st_ynode_t *node;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->docs_done)
			return st_diag_set(b->diag, ST_EPARSE,
					   "%s:%u:%u: only one YAML document is allowed (remove "
					   "this '---' and what follows)",
					   b->name, (unsigned)ev->start_mark.line + 1,
					   (unsigned)ev->start_mark.column + 1);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		b->docs_done = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return st_diag_set(b->diag, ST_EPARSE,
				   "%s:%u:%u: aliases (*%s) are not supported; write the value out",
				   b->name, (unsigned)ev->start_mark.line + 1,
				   (unsigned)ev->start_mark.column + 1,
				   (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		node = node_new(ST_YNODE_SCALAR, &ev->start_mark);
		if (!node)
			return ST_ENOMEM;
		node->str = malloc(ev->data.scalar.length + 1);
		if (!node->str) {
			free(node);
			return ST_ENOMEM;
		}
		memcpy(node->str, ev->data.scalar.value, ev->data.scalar.length);
		node->str[ev->data.scalar.length] = '\0';
		if (strlen(node->str) != ev->data.scalar.length) {
			int rc = st_diag_set(b->diag, ST_EPARSE,
					     "%s:%u:%u: a value contains a NUL character", b->name,
					     node->line, node->col);
			st_ynode_free(node);
			return rc;
		}
		node->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
			       ev->data.scalar.style != YAML_ANY_SCALAR_STYLE;
		return attach(b, node);
	case YAML_SEQUENCE_START_EVENT:
		node = node_new(ST_YNODE_SEQ, &ev->start_mark);
		return node ? push(b, node) : ST_ENOMEM;
	case YAML_MAPPING_START_EVENT:
		node = node_new(ST_YNODE_MAP, &ev->start_mark);
		return node ? push(b, node) : ST_ENOMEM;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		node = b->stack[--b->depth];
		b->stack[b->depth] = NULL;
		st_nameset_clear(&b->keys[b->depth]);
		return attach(b, node);
	default:
		return 0;
	}
}

static int parse(yaml_parser_t *parser, const char *name, st_ynode_t **out, st_diag_t *diag)
{
	builder_t b = {.name = name, .diag = diag};
	int rc = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(parser, &ev)) {
			const yaml_mark_t *m =
			    parser->problem_mark.line || parser->problem_mark.column
				? &parser->problem_mark
				: &parser->context_mark;
			if (parser->error == YAML_MEMORY_ERROR)
				rc = ST_ENOMEM;
			else if (parser->context)
				rc = st_diag_set(
				    diag, ST_EPARSE, "%s:%u:%u: YAML syntax: %s %s", name,
				    (unsigned)m->line + 1, (unsigned)m->column + 1,
				    parser->problem ? parser->problem : "error", parser->context);
			else
				rc = st_diag_set(diag, ST_EPARSE, "%s:%u:%u: YAML syntax: %s", name,
						 (unsigned)m->line + 1, (unsigned)m->column + 1,
						 parser->problem ? parser->problem : "error");
			break;
		}
		bool end = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
		if (rc != 0 || end)
			break;
	}
	while (b.depth > 0) {
		st_nameset_clear(&b.keys[b.depth - 1]);
		st_ynode_free(b.stack[--b.depth]);
	}
	if (rc != 0) {
		st_ynode_free(b.root);
		return rc;
	}
	if (!b.root || st_ynode_is_null(b.root)) {
		yaml_mark_t m = {0};
		st_ynode_free(b.root);
		b.root = node_new(ST_YNODE_MAP, &m);
		if (!b.root)
			return ST_ENOMEM;
	}
	*out = b.root;
	return 0;
}

/* libyaml reports a tab in an indentation as "found character that cannot
 * start any token": say what it is. `next` yields the source's bytes, -1 at
 * the end; `line` counts from 0. */
static bool tab_indented(int (*next)(void *), void *src, size_t line)
{
	int c;
	for (size_t l = 0; l < line;)
		if ((c = next(src)) < 0)
			return false;
		else if (c == '\n')
			l++;
	while ((c = next(src)) == ' ' || c == '\t')
		if (c == '\t')
			return true;
	return false;
}

static void note_tab(st_diag_t *diag, yaml_parser_t *parser, int (*next)(void *), void *src)
{
	if (parser->error != YAML_SCANNER_ERROR || !parser->problem ||
	    strstr(parser->problem, "cannot start any token") == NULL ||
	    !tab_indented(next, src, parser->problem_mark.line))
		return;
	size_t n = strlen(diag->text);
	snprintf(diag->text + n, sizeof(diag->text) - n,
		 " (a tab in the indentation: YAML indents with spaces)");
}

typedef struct text_src {
	const char *p, *end;
} text_src_t;

static int text_next(void *arg)
{
	text_src_t *t = arg;
	return t->p < t->end ? (unsigned char)*t->p++ : -1;
}

static int file_next(void *arg)
{
	return getc((FILE *)arg);
}

int st_ynode_parse_string(const char *text, size_t len, const char *name, st_ynode_t **out,
			  st_diag_t *diag)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return ST_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	int rc = parse(&parser, name, out, diag);
	if (rc == ST_EPARSE) {
		text_src_t src = {text, text + len};
		note_tab(diag, &parser, text_next, &src);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int st_ynode_parse_file(const char *path, const char *name, st_ynode_t **out, st_diag_t *diag)
{
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	if (orc < 0)
		return st_diag_set(diag, orc, "%s: cannot open: %s", name, st_strerror(orc));
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		fclose(f);
		return ST_ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	int rc = parse(&parser, name, out, diag);
	if (rc == ST_EPARSE && fseek(f, 0, SEEK_SET) == 0)
		note_tab(diag, &parser, file_next, f);
	if (rc == 0 && ferror(f))
		rc = st_diag_set(diag, ST_EIO, "%s: read error", name);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}
