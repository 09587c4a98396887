/* The view: everything a query is answered from, swapped as one pointer
 * under RCU on reload (zones, compiled routing, limits). */
#ifndef ST_ANSWER_VIEW_H
#define ST_ANSWER_VIEW_H

#include <stdint.h>

struct st_conf;
struct st_zoneset;
struct st_route;
struct st_health;
struct st_cookie_secret;
struct st_xfr_set;

typedef struct st_view {
	const struct st_conf *conf; /* the config the view was built from */
	struct st_zoneset *zones;
	struct st_route *route;	  /* NULL: no dynamic records */
	struct st_health *health; /* NULL: every endpoint healthy. Built from the same
				   * config as route, so endpoint indices agree. */
	/* TSIG keys and zone transfers (xfr/xfr.h); NULL: no keys and no zone
	 * that may be transferred. */
	const struct st_xfr_set *xfr;
	uint16_t udp_max_payload; /* EDNS payload cap for UDP answers (default 1232) */
	/* DNS cookies (server.cookies): the server secret shared by every
	 * worker, NULL when cookies are off. */
	const struct st_cookie_secret *cookies;
	/* UDP workers per listen address: each rate limiting table allows
	 * server.rrl.rate / rrl_share (0 counts as 1). */
	uint32_t rrl_share;
	/* server.identity and server.version: the TXT answers to CHAOS
	 * id.server/hostname.bind and version.server/version.bind (NULL:
	 * REFUSED); server.nsid: the NSID option's content (RFC 5001). */
	const char *identity, *version;
	const uint8_t *nsid;
	uint8_t nsid_len;
	uint64_t generation;	  /* bumped on each reload */
} st_view_t;

#endif
