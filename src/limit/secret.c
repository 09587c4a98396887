/* Cookie secrets under a sequence lock: the one writer (a rotation) makes
 * the count odd, stores, makes it even; readers retry while it is odd or
 * changed under them. The file, one entry per line:
 *   steerd-cookie-secret 1
 *   current HEX32
 *   previous HEX32          (after a rotation)
 *   since SECONDS            (when current was made) */
#include "limit/secret.h"
#include "common/file.h"
#include "common/hex.h"
#include "common/number.h"
#include "common/time.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define SECRET_MAGIC "steerd-cookie-secret"
#define SECRET_VERSION 1
#define WORDS (ST_COOKIE_SECRET_LEN / 8)

struct st_cookie_secret {
	_Atomic uint32_t seq;
	_Atomic uint64_t cur[WORDS], prev[WORDS];
	_Atomic bool has_prev;
	_Atomic uint64_t since;
	char *path;
};

typedef struct secret_set {
	uint8_t cur[ST_COOKIE_SECRET_LEN], prev[ST_COOKIE_SECRET_LEN];
	bool has_prev;
	uint64_t since;
} secret_set_t;

static void publish(st_cookie_secret_t *s, const secret_set_t *v)
{
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	for (unsigned i = 0; i < WORDS; i++) {
		uint64_t c, p;
		memcpy(&c, v->cur + 8 * i, 8);
		memcpy(&p, v->prev + 8 * i, 8);
		atomic_store_explicit(&s->cur[i], c, memory_order_relaxed);
		atomic_store_explicit(&s->prev[i], p, memory_order_relaxed);
	}
	atomic_store_explicit(&s->has_prev, v->has_prev, memory_order_relaxed);
	atomic_store_explicit(&s->since, v->since, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

bool st_cookie_secret_get(const st_cookie_secret_t *s, uint8_t cur[ST_COOKIE_SECRET_LEN],
			  uint8_t prev[ST_COOKIE_SECRET_LEN])
{
	uint64_t c[WORDS], p[WORDS];
	bool has_prev;
	uint32_t before, after;
	do {
		before = atomic_load_explicit(&s->seq, memory_order_acquire);
		for (unsigned i = 0; i < WORDS; i++) {
			c[i] = atomic_load_explicit(&s->cur[i], memory_order_relaxed);
			p[i] = atomic_load_explicit(&s->prev[i], memory_order_relaxed);
		}
		has_prev = atomic_load_explicit(&s->has_prev, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		after = atomic_load_explicit(&s->seq, memory_order_relaxed);
	} while ((before & 1) || before != after);
	memcpy(cur, c, ST_COOKIE_SECRET_LEN);
	if (has_prev)
		memcpy(prev, p, ST_COOKIE_SECRET_LEN);
	return has_prev;
}

static void current(const st_cookie_secret_t *s, secret_set_t *v)
{
	v->has_prev = st_cookie_secret_get(s, v->cur, v->prev);
	if (!v->has_prev)
		memset(v->prev, 0, sizeof(v->prev));
	v->since = atomic_load_explicit(&s->since, memory_order_relaxed);
}

uint64_t st_cookie_secret_since(const st_cookie_secret_t *s)
{
	return atomic_load_explicit(&s->since, memory_order_relaxed);
}

const char *st_cookie_secret_path(const st_cookie_secret_t *s)
{
	return s->path;
}

static int random_secret(uint8_t out[ST_COOKIE_SECRET_LEN], st_diag_t *diag)
{
	size_t got = 0;
	while (got < ST_COOKIE_SECRET_LEN) {
		ssize_t n = getrandom(out + got, ST_COOKIE_SECRET_LEN - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return st_diag_set(diag, ST_EIO, "cookie secret: no random bytes (%s)",
					   strerror(errno));
		got += (size_t)n;
	}
	return 0;
}

static void hex_put(FILE *f, const char *key, const uint8_t *b)
{
	fprintf(f, "%s ", key);
	for (unsigned i = 0; i < ST_COOKIE_SECRET_LEN; i++)
		fprintf(f, "%02x", b[i]);
	fputc('\n', f);
}

static int fill(FILE *f, void *arg, st_diag_t *diag)
{
	(void)diag;
	const secret_set_t *v = arg;
	fprintf(f,
		"%s %d\n# DNS cookie server secret (RFC 9018): keep it private; give every "
		"server of an anycast set the same file\n",
		SECRET_MAGIC, SECRET_VERSION);
	hex_put(f, "current", v->cur);
	if (v->has_prev)
		hex_put(f, "previous", v->prev);
	fprintf(f, "since %" PRIu64 "\n", v->since);
	return 0;
}

static int load(const char *path, FILE *f, secret_set_t *v, st_diag_t *diag)
{
	char line[256];
	unsigned lineno = 0;
	bool magic = false, have_cur = false;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n')
			return st_diag_set(diag, ST_EPARSE, "%s:%u: line too long", path, lineno);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char key[32], val[128];
		if (len == 0 || line[0] == '#')
			continue;
		if (sscanf(line, "%31s %127s", key, val) != 2)
			return st_diag_set(diag, ST_EPARSE, "%s:%u: expected KEY VALUE", path,
					   lineno);
		if (!magic) {
			if (strcmp(key, SECRET_MAGIC) != 0 || strcmp(val, "1") != 0)
				return st_diag_set(diag, ST_EPARSE,
						   "%s:%u: not a steerd cookie secret file "
						   "(expected '%s %d')",
						   path, lineno, SECRET_MAGIC, SECRET_VERSION);
			magic = true;
		} else if (strcmp(key, "current") == 0 || strcmp(key, "previous") == 0) {
			bool cur = key[0] == 'c';
			if (st_hex_decode(val, strlen(val), cur ? v->cur : v->prev,
					  ST_COOKIE_SECRET_LEN) != ST_COOKIE_SECRET_LEN)
				return st_diag_set(diag, ST_EPARSE,
						   "%s:%u: %s must be %d hexadecimal digits", path,
						   lineno, key, 2 * ST_COOKIE_SECRET_LEN);
			if (cur)
				have_cur = true;
			else
				v->has_prev = true;
		} else if (strcmp(key, "since") == 0) {
			uint64_t t;
			if (st_parse_u64(val, UINT64_MAX, &t) != 0)
				return st_diag_set(diag, ST_EPARSE, "%s:%u: since must be seconds",
						   path, lineno);
			v->since = t;
		} else {
			return st_diag_set(diag, ST_EPARSE,
					   "%s:%u: unknown key '%s' (current, previous, since)",
					   path, lineno, key);
		}
	}
	if (ferror(f))
		return st_diag_set(diag, ST_EIO, "%s: read error", path);
	if (!have_cur)
		return st_diag_set(diag, ST_EPARSE, "%s: no 'current' secret", path);
	return 0;
}

/* The secrets in path, or (when it does not exist) `fresh` written there. */
static int read_or_write(const char *path, secret_set_t *v, const secret_set_t *fresh,
			 st_diag_t *diag)
{
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	if (orc == 0) {
		memset(v, 0, sizeof(*v));
		int rc = load(path, f, v, diag);
		fclose(f);
		return rc;
	}
	if (orc != ST_ENOENT)
		return st_diag_set(diag, orc, "%s: %s", path, st_strerror(orc));
	*v = *fresh;
	return st_file_replace(path, 0600, fill, v, diag);
}

int st_cookie_secret_open(const char *path, st_cookie_secret_t **out, st_diag_t *diag)
{
	st_cookie_secret_t *s = calloc(1, sizeof(*s));
	if (!s)
		return ST_ENOMEM;
	secret_set_t fresh, v;
	memset(&fresh, 0, sizeof(fresh));
	fresh.since = st_real_ns() / ST_NS_PER_SEC;
	int rc = random_secret(fresh.cur, diag);
	if (rc == 0 && path)
		rc = read_or_write(path, &v, &fresh, diag);
	else
		v = fresh;
	if (rc == 0 && path && !(s->path = strdup(path)))
		rc = ST_ENOMEM;
	if (rc < 0) {
		free(s);
		return rc;
	}
	publish(s, &v);
	*out = s;
	return 0;
}

int st_cookie_secret_reread(st_cookie_secret_t *s, bool *changed, st_diag_t *diag)
{
	*changed = false;
	if (!s->path)
		return 0;
	secret_set_t was, v;
	current(s, &was);
	int rc = read_or_write(s->path, &v, &was, diag);
	if (rc < 0)
		return rc;
	*changed = memcmp(v.cur, was.cur, sizeof(v.cur)) != 0 || v.has_prev != was.has_prev ||
		   (v.has_prev && memcmp(v.prev, was.prev, sizeof(v.prev)) != 0);
	if (*changed)
		publish(s, &v);
	return 0;
}

void st_cookie_secret_free(st_cookie_secret_t *s)
{
	if (!s)
		return;
	free(s->path);
	free(s);
}

int st_cookie_secret_rotate(st_cookie_secret_t *s, st_diag_t *diag)
{
	secret_set_t old, v;
	current(s, &old);
	memcpy(v.prev, old.cur, sizeof(v.prev));
	v.has_prev = true;
	v.since = st_real_ns() / ST_NS_PER_SEC;
	int rc = random_secret(v.cur, diag);
	if (rc == 0 && s->path)
		rc = st_file_replace(s->path, 0600, fill, &v, diag);
	if (rc < 0)
		return rc;
	publish(s, &v);
	return 0;
}
