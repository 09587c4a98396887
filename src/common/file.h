/* Files replaced whole: written to a temporary name, synced, renamed over
 * the old one and the rename synced, so a crash leaves the old file or the
 * new one, never half of either. */
#ifndef ST_COMMON_FILE_H
#define ST_COMMON_FILE_H

#include "common/errors.h"

#include <stdio.h>
#include <sys/types.h>

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
