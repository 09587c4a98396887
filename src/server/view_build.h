/* Building views off the query path: zones and compiled routing from a
 * config, at start and on reload, sharing what did not change. */
#ifndef ST_SERVER_VIEW_BUILD_H
#define ST_SERVER_VIEW_BUILD_H

#include "answer/view.h"
#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct st_conf;

/* The parts of a view that come from one config: shared by the views that a
 * zone-only reload builds, freed with the last of them. */
typedef struct st_routing {
	struct st_conf *conf;
	struct st_route *route;
	struct st_health *health;
	unsigned refs;
} st_routing_t;

/* What a zone was loaded from, to tell whether a reload may reuse it. */
typedef struct st_zone_src {
	const char *name; /* conf zone name (owned by the routing's conf) */
	const char *file;
	struct st_zone *zone; /* reference held by the view's zoneset */
	struct st_signer *signer; /* reference, NULL: the zone is not signed */
	size_t n_dyn;	      /* dynamic records grafted in */
	/* The zone's version as transferred (the reference is the view's
	 * transfer set's), or NULL when it takes no part in transfers. */
	struct st_xfr_zone *xfr;
	int serial; /* the st_serial_policy_t it was made with */
	bool has_stat;
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	int64_t stat_at_ns; /* st_real_ns() when the stat was taken */
} st_zone_src_t;

/* A view plus what built it. `view` is first: the published pointer is the box. */
typedef struct st_view_box {
	st_view_t view;
	st_routing_t *routing;
	st_zone_src_t *srcs;
	size_t n_srcs;
	size_t n_records;	 /* static records over all zones */
	struct st_xfr_set *xfr; /* view.xfr, owned */
} st_view_box_t;

/* Build a view from `conf` (ownership taken, also on error). With `old`,
 * zones whose file is unchanged and that carry no dynamic records are shared
 * instead of loaded again. */
int st_view_build(struct st_conf *conf, const st_view_box_t *old, uint64_t generation,
		  st_view_box_t **out, st_diag_t *diag);

/* Build a view that reloads only `zone` (presentation name) and shares the
 * rest, routing included, with `old`. */
int st_view_build_zone(const st_view_box_t *old, const char *zone, uint64_t generation,
		       st_view_box_t **out, st_diag_t *diag);

/* A view that re-reads every changed zone file of `old` with the same routing. */
int st_view_build_same(const st_view_box_t *old, uint64_t generation, st_view_box_t **out,
		       st_diag_t *diag);

void st_view_box_free(st_view_box_t *box);

/* Renew the signatures of the view's signed zones that are due (a quarter
 * of their validity left, or a key timing event passed): main thread, with
 * an RCU grace period before the old signatures go. Returns how many zones
 * got new signatures. */
size_t st_view_box_resign(st_view_box_t *box, int64_t now);

/* Dynamic records compiled for this view. */
size_t st_view_box_dyn_count(const st_view_box_t *box);

#endif
