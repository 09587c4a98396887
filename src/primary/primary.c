/* The zone transfer service: the TCP streamer over src/xfr, and NOTIFY on
 * each view whose transferred serials differ from the one before. */
#include "primary/primary.h"
#include "answer/view.h"
#include "common/file.h"
#include "common/log.h"
#include "conf/conf.h"
#include "net/ev.h"
#include "net/tcp.h"
#include "server/server.h"
#include "xfr/xfr.h"

#include <stdlib.h>
#include <time.h>

struct st_primary {
	st_server_t *srv;
	st_notify_t *notify;
	st_ev_t *first; /* the NOTIFY at start, once the server answers */
};

static int tcp_start(void *arg, const st_view_t *view, const uint8_t *query, size_t len,
		     const st_sockaddr_t *peer, void **stream)
{
	st_xfr_stream_t *s = NULL;
	if (!view || st_xfr_tcp_start(view->xfr, view->zones, query, len, peer,
				      (uint64_t)time(NULL), &s) <= 0)
		return 0;
	*stream = s;
	return 1;
}

static int tcp_next(void *stream, uint8_t *buf, size_t cap, size_t *len)
{
	return st_xfr_stream_next(stream, buf, cap, len, (uint64_t)time(NULL));
}

static void tcp_release(void *stream)
{
	st_xfr_stream_free(stream);
}

/* NOTIFY the targets of each zone whose serial is new in `fresh`. */
static void notify_changes(st_primary_t *p, const st_view_t *old, const st_view_t *fresh)
{
	const st_conf_t *conf = fresh->conf;
	for (size_t i = 0; conf && i < conf->n_zones; i++) {
		const st_conf_zone_t *cz = &conf->zones[i];
		st_xfr_zone_t *xz =
		    cz->n_notify ? st_xfr_set_find_name(fresh->xfr, cz->name) : NULL;
		if (!xz)
			continue;
		st_xfr_zone_t *before = old ? st_xfr_set_find_name(old->xfr, cz->name) : NULL;
		if (before && st_xfr_zone_serial(before) == st_xfr_zone_serial(xz))
			continue;
		if (st_notify_zone(p->notify, xz, cz->notify, cz->n_notify, conf->tsig,
				   conf->n_tsig) != 0)
			st_log_warn("zone %s, cannot send every NOTIFY", cz->name);
	}
}

/* The serials of unixtime zones, for the next start (server.state_dir). */
static void save_serials(const st_view_t *view)
{
	const st_conf_t *conf = view->conf;
	bool any = false;
	for (size_t i = 0; conf && i < conf->n_zones; i++)
		any |= conf->zones[i].serial == ST_SERIAL_UNIXTIME &&
		       st_conf_zone_transfers(&conf->zones[i]);
	if (!any || !conf->state_dir)
		return;
	st_state_dir_make(conf->state_dir);
	char *path = st_path_join(conf->state_dir, ST_XFR_SAVED_FILE);
	st_diag_t diag;
	if (!path || st_xfr_saved_write(path, view->xfr, conf, &diag) != 0)
		st_log_warn("zone serials not saved (%s): a restart makes new ones",
			    path ? diag.text : "out of memory");
	free(path);
}

static void published(void *arg, const st_view_t *old, const st_view_t *fresh)
{
	notify_changes(arg, old, fresh);
	save_serials(fresh);
}

static void first_cb(int fd, short what, void *arg)
{
	st_primary_t *p = arg;
	notify_changes(p, NULL, st_server_view(p->srv));
	save_serials(st_server_view(p->srv));
}

int st_primary_start(st_server_t *srv, st_primary_t **out, st_diag_t *diag)
{
	static const st_tcp_streamer_t streamer = {tcp_start, tcp_next, tcp_release, NULL};
	static const st_server_hooks_t hooks = {.published = published};
	st_primary_t *p = calloc(1, sizeof(*p));
	if (!p)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	p->srv = srv;
	p->notify = st_notify_new(st_server_loop(srv));
	p->first = st_ev_timer_new(st_server_loop(srv), false, first_cb, p);
	int ret = p->notify && p->first ? st_server_attach(srv, &hooks, p) : ST_ENOMEM;
	if (ret == 0)
		ret = st_ev_timer_start(p->first, 0);
	if (ret != 0) {
		st_primary_free(p);
		return st_diag_set(diag, ret, "zone transfer service: %s", st_strerror(ret));
	}
	st_server_set_tcp_streamer(srv, &streamer);
	*out = p;
	return 0;
}

void st_primary_free(st_primary_t *p)
{
	if (!p)
		return;
	st_server_detach(p->srv, p);
	st_ev_free(p->first);
	st_notify_free(p->notify);
	free(p);
}

const st_notify_t *st_primary_notify(const st_primary_t *p)
{
	return p ? p->notify : NULL;
}
