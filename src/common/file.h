/* Files read without ever wedging the reader, and files replaced whole:
 * written to a temporary name, synced, renamed over the old one and the
 * rename synced, so a crash leaves the old file or the new one, never half
 * of either. */
#ifndef ST_COMMON_FILE_H
#define ST_COMMON_FILE_H

#include "common/errors.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* What a path holds when it is not a regular file: "a FIFO", "a folder"... */
const char *st_file_kind(mode_t mode);

/* Open `path` (flags O_RDONLY or O_RDWR) without ever blocking in open()
 * (a FIFO with no writer would block it until someone writes; a terminal
 * would become the process's own), and fstat it into *sb. Regular files are
 * returned in blocking mode, anything else stays non-blocking (see
 * st_file_read_stream). Returns the descriptor, or -errno. */
int st_file_open(const char *path, int flags, struct stat *sb);

/* fopen(path, "r") for files a daemon reads at start and on reload: never
 * blocks in open() and refuses anything but a regular file (ST_ENOTREG).
 * Returns 0 with *out set, or a negative code (st_strerror() says why). */
int st_file_fopen(const char *path, FILE **out);

/* Read all of a pipe or device opened by st_file_open into a new buffer
 * (free() it): at most `max` bytes (ST_ERANGE past that), and never waiting
 * more than idle_ms for the next bytes (ST_ETIMEDOUT), so a writer that
 * stalls cannot hold the reader. */
int st_file_read_stream(int fd, size_t max, int idle_ms, char **out, size_t *len);

/* Write `path` through `fill` (which returns 0 or a negative code with
 * diag set), with permissions `mode`. Returns 0 or a negative code with
 * diag naming the file. */
int st_file_replace(const char *path, mode_t mode, int (*fill)(FILE *f, void *arg, st_diag_t *diag),
		    void *arg, st_diag_t *diag);

/* server.state_dir, like a fresh /var/lib/steerdns: made (mode 0750, not
 * its parents) when missing, with a notice; an error shows later, when a
 * file in it cannot be written. */
void st_state_dir_make(const char *dir);

/* dir/name in a new string (free() it), or NULL when out of memory. */
char *st_path_join(const char *dir, const char *name);

#endif
