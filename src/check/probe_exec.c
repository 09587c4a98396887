/* The exec probe: run argv (no shell) in its own process group with stdout
 * and stderr on a pipe; exit 0 = up, else the first output line is the error.
 * On timeout the whole group is killed; children are always reaped. */
#define _GNU_SOURCE
#include "check/probe_int.h"
#include "common/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define EXEC_OUTPUT_MAX 512
#define EXEC_POLL_MS 5

/* Killed children that had not exited yet, reaped by st_probe_reap(). */
static pid_t *orphans;
static size_t n_orphans, cap_orphans;

void st_probe_reap(void)
{
	size_t k = 0;
	for (size_t i = 0; i < n_orphans; i++) {
		pid_t r = waitpid(orphans[i], NULL, WNOHANG);
		if (r == 0)
			orphans[k++] = orphans[i];
	}
	n_orphans = k;
	if (n_orphans == 0) {
		free(orphans);
		orphans = NULL;
		cap_orphans = 0;
	}
}

static void add_orphan(pid_t pid)
{
	if (n_orphans == cap_orphans) {
		size_t cap = cap_orphans ? cap_orphans * 2 : 8;
		pid_t *n = realloc(orphans, cap * sizeof(*n));
		if (!n)
			return; /* leaves a zombie until steercheck exits */
		orphans = n;
		cap_orphans = cap;
	}
	orphans[n_orphans++] = pid;
}

static void try_verdict(st_probe_t *p)
{
	if (!p->exited || !p->eof)
		return;
	/* First line of the output, printable. */
	char line[ST_PROBE_TEXT_MAX];
	size_t n = 0;
	for (size_t i = 0; i < p->len && n < sizeof(line) - 1; i++) {
		char ch = p->buf[i];
		if (ch == '\n' || ch == '\r')
			break;
		line[n++] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	line[n] = '\0';
	int st = p->status;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		st_probe_finish(p, true, "%s", n ? line : "exit 0");
	else if (WIFEXITED(st))
		st_probe_finish(p, false, "exit %d%s%s", WEXITSTATUS(st), n ? ": " : "", line);
	else
		st_probe_finish(p, false, "killed by signal %d%s%s", WTERMSIG(st), n ? ": " : "",
				line);
}

static void on_poll(int fd, short what, void *arg)
{
	st_probe_t *p = arg;
	if (!p->exited) {
		pid_t r = waitpid(p->pid, &p->status, WNOHANG);
		if (r == p->pid) {
			p->exited = true;
			p->pid = -1;
		}
	}
	try_verdict(p);
	if (!p->finished && p->poll)
		st_ev_timer_start(p->poll, EXEC_POLL_MS);
}

static void on_output(int fd, short what, void *arg)
{
	st_probe_t *p = arg;
	char sink[1024];
	for (;;) {
		char *dst = p->len < p->cap ? p->buf + p->len : sink;
		size_t room = p->len < p->cap ? p->cap - p->len : sizeof(sink);
		ssize_t n = read(fd, dst, room);
		if (n > 0) {
			if (dst != sink)
				p->len += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		break; /* EOF or error */
	}
	p->eof = true;
	st_probe_close_fd(p);
	/* The child has closed its output: it is exiting; poll for its status. */
	on_poll(-1, 0, p);
}

int st_probe_exec_start(st_probe_t *p)
{
	const st_conf_check_t *c = p->spec->check;
	if (!c->exec_argv || !c->exec_argv[0]) {
		st_probe_finish(p, false, "exec: no command");
		return 0;
	}
	p->cap = EXEC_OUTPUT_MAX;
	p->buf = malloc(p->cap + 1);
	if (!p->buf)
		return ST_ENOMEM;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		st_probe_finish(p, false, "exec: pipe: %s", strerror(errno));
		return 0;
	}
	/* The environment plus what the command may want to know. */
	size_t ne = 0;
	while (environ[ne])
		ne++;
	char **envp = calloc(ne + 3, sizeof(*envp));
	char ev_ep[320], ev_tg[96];
	snprintf(ev_ep, sizeof(ev_ep), "STEERCHECK_ENDPOINT=%s", p->spec->endpoint);
	snprintf(ev_tg, sizeof(ev_tg), "STEERCHECK_TARGET=%s", p->spec->target_str);
	if (envp) {
		memcpy(envp, environ, ne * sizeof(*envp));
		envp[ne] = ev_ep;
		envp[ne + 1] = ev_tg;
	}
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawnattr_init(&at);
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGCHLD);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0); /* own group: a timeout kills it whole */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					  POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int rc = posix_spawnp(&pid, c->exec_argv[0], &fa, &at, c->exec_argv, envp ? envp : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	free(envp);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		st_probe_finish(p, false, "exec %.40s: %s", c->exec_argv[0], strerror(rc));
		return 0;
	}
	p->pid = pid;
	p->fd = fds[0];
	p->io = st_ev_io_new(p->loop, p->fd, ST_EV_READ | ST_EV_PERSIST, on_output, p);
	p->poll = st_ev_timer_new(p->loop, false, on_poll, p);
	if (!p->io || !p->poll || st_ev_io_start(p->io, 0) != 0) {
		st_probe_finish(p, false, "exec: out of memory");
		return 0;
	}
	return 0;
}

void st_probe_exec_cleanup(st_probe_t *p)
{
	st_ev_free(p->poll);
	p->poll = NULL;
	if (p->pid > 0) {
		/* Timed out or cancelled: kill the whole group and reap. */
		kill(-p->pid, SIGKILL);
		if (waitpid(p->pid, NULL, WNOHANG) != p->pid)
			add_orphan(p->pid);
		p->pid = -1;
	}
}
