/* The config digest the sites of a fleet compare: SHA-256 over the parsed
 * YAML tree (keys sorted, so order and layout do not count), leaving out
 * the keys that differ by site: its name, its etcd members (nearest first)
 * and their TLS files, its probe source, and where it listens
 * (server.listen, server.control, server.metrics). */
#include "conf/load.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const site_keys[][2] = {
    {"fleet", "name"},	  {"fleet", "etcd"},	 {"fleet", "tls"},	{"health", "source"},
    {"server", "listen"}, {"server", "control"}, {"server", "metrics"},
};

static bool site_key(const char *section, const char *key)
{
	for (size_t i = 0; section && i < sizeof(site_keys) / sizeof(site_keys[0]); i++)
		if (strcmp(site_keys[i][0], section) == 0 && strcmp(site_keys[i][1], key) == 0)
			return true;
	return false;
}

static void put(EVP_MD_CTX *ctx, char tag, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	unsigned char hdr[9] = {(unsigned char)tag};
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (unsigned char)(len >> (8 * i));
	EVP_DigestUpdate(ctx, hdr, sizeof(hdr));
	if (len)
		EVP_DigestUpdate(ctx, s, len);
}

static int cmp_keys(const void *a, const void *b)
{
	const st_ynode_t *const *x = a, *const *y = b;
	return strcmp((*x)->str, (*y)->str);
}

/* section: the top-level key above this node, for the site keys. */
static void feed(EVP_MD_CTX *ctx, const st_ynode_t *n, const char *section, int depth)
{
	if (!n || st_ynode_is_null(n)) {
		put(ctx, 'n', NULL);
		return;
	}
	if (n->kind == ST_YNODE_SCALAR) {
		put(ctx, 's', n->str);
		return;
	}
	if (n->kind == ST_YNODE_SEQ) {
		put(ctx, 'q', NULL);
		for (size_t i = 0; i < n->n; i++)
			feed(ctx, n->items[i], section, depth + 1);
		put(ctx, 'e', NULL);
		return;
	}
	/* a mapping, its keys in order */
	const st_ynode_t **keys = malloc((n->n ? n->n : 1) * sizeof(*keys));
	if (!keys)
		return;
	for (size_t i = 0; i < n->n; i++)
		keys[i] = st_ynode_key(n, i);
	qsort(keys, n->n, sizeof(*keys), cmp_keys);
	put(ctx, 'm', NULL);
	for (size_t i = 0; i < n->n; i++) {
		if (depth == 1 && site_key(section, keys[i]->str))
			continue;
		put(ctx, 'k', keys[i]->str);
		feed(ctx, st_map_get(n, keys[i]->str), depth == 0 ? keys[i]->str : section,
		     depth + 1);
	}
	put(ctx, 'e', NULL);
	free(keys);
}

void st_conf_digest(const st_ynode_t *root, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		snprintf(out, len, "sha256:unknown");
		return;
	}
	feed(ctx, root, NULL, 0);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	/* 16 bytes tell configs apart well enough to show drift */
	char hex[33];
	for (unsigned i = 0; i < 16 && i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(out, len, "sha256:%s", hex);
}
