/* Whole-file replacement (see file.h). */
#include "common/file.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make a rename in path's folder durable. */
static void sync_dir(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

int st_file_replace(const char *path, mode_t mode, int (*fill)(FILE *f, void *arg, st_diag_t *diag),
		    void *arg, st_diag_t *diag)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return st_diag_set(diag, ST_ERANGE, "%s: path too long", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return st_diag_set(diag, -errno, "%s: %s", tmp, strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return st_diag_set(diag, -e, "%s: %s", tmp, strerror(e));
	}
	int rc = fill(f, arg, diag);
	if (rc == 0 && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		rc = st_diag_set(diag, -errno, "%s: %s", tmp, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = st_diag_set(diag, -errno, "%s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) != 0)
		rc = st_diag_set(diag, -errno, "%s: %s", path, strerror(errno));
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	sync_dir(path);
	return 0;
}

void st_state_dir_make(const char *dir)
{
	if (mkdir(dir, 0750) == 0)
		st_log_notice("state_dir %s created", dir);
}

char *st_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}
