/* Fixture of the query engine tests: zones from tests/data/zones in one
 * zone set, a view over it and one answer context. */
#ifndef TEST_ANSWER_FIXTURE_H
#define TEST_ANSWER_FIXTURE_H

#include "answer/answer.h"
#include "zone/zone.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static st_view_t view;
static st_zoneset_t *zones;
static st_answer_ctx_t *ctx;
static uint8_t out[65535];

/* Load tests/data/zones/FILE as ORIGIN into the zone set (made on first use). */
static int fx_load(const char *origin, const char *file)
{
	st_diag_t diag;
	st_zone_t *zone = NULL;
	char path[4096];
	const char *src = getenv("top_srcdir");
	if (!zones && !(zones = st_zoneset_new()))
		return -1;
	snprintf(path, sizeof(path), "%s/tests/data/zones/%s", src && *src ? src : ST_SRCDIR,
		 file);
	if (st_zone_load(origin, path, NULL, 0, &zone, &diag) < 0) {
		fprintf(stderr, "%s\n", diag.text);
		return -1;
	}
	if (st_zoneset_add(zones, zone) < 0) {
		st_zone_free(zone);
		return -1;
	}
	return 0;
}

/* The view over the loaded zones (default payload cap) and the context. */
static int fx_ready(void)
{
	view.zones = zones;
	view.udp_max_payload = 1232;
	view.generation = 1;
	ctx = st_answer_ctx_new(42);
	return ctx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	st_answer_ctx_free(ctx);
	st_zoneset_free(zones);
	ctx = NULL;
	zones = NULL;
	return 0;
}

#endif
