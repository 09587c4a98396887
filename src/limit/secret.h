/* The server secret of DNS cookies (RFC 7873, RFC 9018): a current secret
 * that makes every new server cookie and the previous one, still accepted
 * until the next rotation. Shared by every worker (read without locks),
 * kept in a file in server.state_dir so that a restart, or every server
 * of an anycast set given the same file, accepts the same cookies. */
#ifndef ST_LIMIT_SECRET_H
#define ST_LIMIT_SECRET_H

#include "common/errors.h"
#include "dns/cookie.h"

#include <stdbool.h>
#include <stdint.h>

#define ST_COOKIE_SECRET_FILE "cookie-secret"

typedef struct st_cookie_secret st_cookie_secret_t;

/* Load the secrets from path, or when it does not exist make a random one
 * and write it there (mode 0600). path NULL: a random secret kept in memory
 * only. A damaged file is an error naming file:line. */
int st_cookie_secret_open(const char *path, st_cookie_secret_t **out, st_diag_t *diag);
void st_cookie_secret_free(st_cookie_secret_t *s);

/* A new random current secret; the current one becomes the previous, the
 * previous one is forgotten. Written to the file first: when that fails
 * nothing changes. One writer at a time (the main thread). */
int st_cookie_secret_rotate(st_cookie_secret_t *s, st_diag_t *diag);

/* Read the file again (a reload: another server of the anycast set may
 * have rotated and the file been copied here); a missing file is written
 * again from memory. *changed says whether the secrets are new. A damaged
 * file is an error and changes nothing. */
int st_cookie_secret_reread(st_cookie_secret_t *s, bool *changed, st_diag_t *diag);

/* Copy the secrets (any thread, no lock). Returns false when there is no
 * previous secret yet (prev untouched). */
bool st_cookie_secret_get(const st_cookie_secret_t *s, uint8_t cur[ST_COOKIE_SECRET_LEN],
			  uint8_t prev[ST_COOKIE_SECRET_LEN]);

/* When the current secret was made (seconds since the epoch, 0: unknown)
 * and the file behind it (NULL: memory only). */
uint64_t st_cookie_secret_since(const st_cookie_secret_t *s);
const char *st_cookie_secret_path(const st_cookie_secret_t *s);

#endif
