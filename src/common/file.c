/* Reading files safely and replacing them whole (see file.h). */
#include "common/file.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *st_file_kind(mode_t m)
{
	return S_ISFIFO(m)   ? "a FIFO"
	       : S_ISDIR(m)  ? "a folder"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISREG(m)  ? "a file"
			     : "not a regular file";
}

int st_file_open(const char *path, int flags, struct stat *sb)
{
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, sb) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	/* Reads of a regular file never block: the flag only mattered for open(). */
	if (S_ISREG(sb->st_mode))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int st_file_fopen(const char *path, FILE **out)
{
	struct stat sb;
	int fd = st_file_open(path, O_RDONLY, &sb);
	if (fd < 0)
		return fd;
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return ST_ENOTREG;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int e = errno;
		close(fd);
		return -e;
	}
	*out = f;
	return 0;
}

int st_file_read_stream(int fd, size_t max, int idle_ms, char **out, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				rc = ST_ERANGE;
				break;
			}
			size_t want = cap ? cap * 2 : 65536;
			char *b = realloc(buf, want > max ? max : want);
			if (!b) {
				rc = ST_ENOMEM;
				break;
			}
			buf = b;
			cap = want > max ? max : want;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got > 0) {
			n += (size_t)got;
			continue;
		}
		if (got == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN) {
			rc = -errno;
			break;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, idle_ms);
		if (r == 0) {
			rc = ST_ETIMEDOUT;
			break;
		}
		if (r < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len = n;
	return 0;
}

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
