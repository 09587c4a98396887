/* Internals shared by the probe implementations (src/check/probe*.c only). */
#ifndef ST_CHECK_PROBE_INT_H
#define ST_CHECK_PROBE_INT_H

#include "check/probe.h"

#include <stddef.h>
#include <sys/types.h>

struct st_probe {
	st_loop_t *loop;
	const st_probe_spec_t *spec;
	st_probe_cb_t cb;
	void *arg;
	uint64_t start_ns;
	st_ev_t *deadline;
	st_ev_t *defer; /* delivers results decided inside st_probe_start */
	bool finished;
	st_probe_result_t res;

	/* http, https, tcp */
	st_stream_t *stream;
	char *buf;
	size_t len, cap;

	/* dns */
	int fd;
	st_ev_t *io;
	uint16_t id;

	/* exec */
	pid_t pid;
	int status;
	bool exited, eof;
	st_ev_t *poll;
};

/* Record the verdict, release the resources and deliver it (the probe is
 * freed after the callback returns). */
void st_probe_finish(st_probe_t *p, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Stop watching the probe's own descriptor (DNS socket, exec pipe) and
 * close it. */
void st_probe_close_fd(st_probe_t *p);

int st_probe_dns_start(st_probe_t *p);
int st_probe_exec_start(st_probe_t *p);
void st_probe_exec_cleanup(st_probe_t *p);

#endif
