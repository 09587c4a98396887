/* Accept errors on listening sockets. Out of descriptors (EMFILE, ENFILE)
 * or memory, accept() fails on every call while the socket stays readable:
 * a listener that only logs spins the CPU and floods the log. Every
 * listener of steerd (TCP, control socket, metrics) is watched by a guard
 * that pauses its group for a moment instead, and logs at most one line
 * per interval, counting the failures it kept quiet about. */
#include "net/ev_internal.h"
#include "common/errors.h"
#include "common/log.h"
#include "common/time.h"

#include <event2/listener.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PAUSE_MS 100
#define LOG_EVERY_NS (10 * ST_NS_PER_SEC)
#define WATCH_MAX 256

struct st_accept_guard {
	struct event *resume;
	struct evconnlistener **levs;
	size_t n;
	char *what;
	uint64_t logged_ns; /* last log line, 0: none yet */
	unsigned long quiet;  /* failures since then */
};

/* Listener -> guard: libevent hands the error callback the listener's own
 * argument (the accept callback's), not ours. */
static struct {
	struct evconnlistener *lev;
	st_accept_guard_t *g;
} watched[WATCH_MAX];
static pthread_mutex_t watched_lock = PTHREAD_MUTEX_INITIALIZER;

static st_accept_guard_t *guard_of(struct evconnlistener *lev)
{
	st_accept_guard_t *g = NULL;
	pthread_mutex_lock(&watched_lock);
	for (size_t i = 0; i < WATCH_MAX && !g; i++)
		if (watched[i].lev == lev)
			g = watched[i].g;
	pthread_mutex_unlock(&watched_lock);
	return g;
}

static void on_error(struct evconnlistener *lev, void *arg)
{
	(void)arg;
	int err = EVUTIL_SOCKET_ERROR();
	st_accept_guard_t *g = guard_of(lev);
	if (!g) {
		evconnlistener_disable(lev); /* cannot happen; never spin */
		return;
	}
	for (size_t i = 0; i < g->n; i++)
		evconnlistener_disable(g->levs[i]);
	struct timeval tv = {.tv_sec = 0, .tv_usec = PAUSE_MS * 1000};
	event_add(g->resume, &tv);
	uint64_t now = st_mono_ns();
	if (g->logged_ns && now - g->logged_ns < LOG_EVERY_NS) {
		g->quiet++;
		return;
	}
	if (g->quiet)
		st_log_warn("%s, accept failed (%s), pausing for %d ms; %lu more failures since "
			    "the last such line",
			    g->what, evutil_socket_error_to_string(err), PAUSE_MS, g->quiet);
	else
		st_log_warn("%s, accept failed (%s), pausing for %d ms", g->what,
			    evutil_socket_error_to_string(err), PAUSE_MS);
	g->logged_ns = now;
	g->quiet = 0;
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	st_accept_guard_t *g = arg;
	for (size_t i = 0; i < g->n; i++)
		evconnlistener_enable(g->levs[i]);
}

st_accept_guard_t *st_accept_guard_new(struct event_base *base, const char *what)
{
	st_accept_guard_t *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->what = strdup(what);
	g->resume = evtimer_new(base, on_resume, g);
	if (!g->what || !g->resume) {
		st_accept_guard_free(g);
		return NULL;
	}
	return g;
}

int st_accept_guard_watch(st_accept_guard_t *g, struct evconnlistener *lev)
{
	struct evconnlistener **levs = realloc(g->levs, (g->n + 1) * sizeof(*levs));
	if (!levs)
		return ST_ENOMEM;
	g->levs = levs;
	int rc = ST_ENOMEM;
	pthread_mutex_lock(&watched_lock);
	for (size_t i = 0; i < WATCH_MAX; i++) {
		if (!watched[i].lev) {
			watched[i].lev = lev;
			watched[i].g = g;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&watched_lock);
	if (rc != 0)
		return rc;
	g->levs[g->n++] = lev;
	evconnlistener_set_error_cb(lev, on_error);
	return 0;
}

void st_accept_guard_free(st_accept_guard_t *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&watched_lock);
	for (size_t i = 0; i < WATCH_MAX; i++)
		if (watched[i].g == g)
			watched[i].lev = NULL, watched[i].g = NULL;
	pthread_mutex_unlock(&watched_lock);
	if (g->resume)
		event_free(g->resume);
	free(g->levs);
	free(g->what);
	free(g);
}
