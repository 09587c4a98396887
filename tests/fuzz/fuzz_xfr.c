/* Fuzz target for zone transfer requests: any bytes as an AXFR/IXFR (or
 * any) query over TCP to the transfer streams, and over UDP and TCP to the
 * engine with the view's transfer keys, over the engine's test zone with
 * its routed records expanded. A TSIG key is known (its secret fixed, the
 * clock fixed for the streams) and anyone may transfer, so signed, unsigned,
 * full and incremental answers are all reached. Every message of every
 * answer must parse whole. */
#include "fuzz.h"
#include "xfr/xfr.h"

#include <stdlib.h>
#include <string.h>

const char fuzz_target[] = "xfr";

/* The seeds' key: "xfr-key." hmac-sha256, secret bytes 1..32. */
static const uint8_t secret[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
				   17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
/* The clock of the streams: the seeds were signed at this time. */
#define FUZZ_NOW 1700000000

static st_view_t view;
static st_xfr_set_t *set;
static st_xfr_zone_t *older, *current;

static void init(void)
{
	const st_view_t *base = fuzz_view();
	st_zone_t *zone = (st_zone_t *)st_zoneset_get(base->zones, 0);
	st_xfr_opts_t opts = {.serial = ST_SERIAL_UNIXTIME, .routed = ST_ROUTED_OMIT, .keep = 4};
	st_diag_t diag;
	/* Two versions: without the routed names (serial 2024010101, the
	 * file's), then with them (2024010102), the difference kept, so an
	 * IXFR from the first serial is incremental. */
	if (st_xfr_zone_new(NULL, zone, base->route, &opts, 1000, &older, &diag) < 0)
		abort();
	opts.routed = ST_ROUTED_ALL;
	if (st_xfr_zone_new(older, zone, base->route, &opts, 2000, &current, &diag) < 0 ||
	    st_xfr_zone_versions(current) != 1)
		abort();
	set = st_xfr_set_new();
	st_conf_acl_t any = {.key = ST_CONF_NONE, .any_address = true};
	if (!set || st_xfr_set_add_key(set, "xfr-key.", ST_TSIG_HMAC_SHA256, secret, 32) < 0 ||
	    st_xfr_set_add_zone(set, zone, st_xfr_zone_ref(current), &any, 1) < 0)
		abort();
	view = *base;
	view.xfr = set;
}

/* Every message of a stream: a response to the query (ID, QR), whole. */
static void drain(st_xfr_stream_t *s, const uint8_t *q, size_t qlen)
{
	static uint8_t buf[65535];
	for (int more = 1, n = 0; more == 1; n++) {
		size_t len = 0;
		more = st_xfr_stream_next(s, buf, sizeof(buf), &len, FUZZ_NOW);
		if (more < 0 || n > 100000)
			abort();
		fuzz_check_response(q, qlen, buf, len, sizeof(buf));
	}
	st_xfr_stream_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!set)
		init();
	st_sockaddr_t peer;
	if (st_sockaddr_parse("192.0.2.1:5353", 53, &peer) != 0)
		abort();
	st_xfr_stream_t *s = NULL;
	int ret = st_xfr_tcp_start(set, view.zones, data, size, &peer, FUZZ_NOW, &s);
	if (ret < 0)
		abort();
	if (ret == 1)
		drain(s, data, size);
	fuzz_answer_both(&view, data, size);
	return 0;
}

void fuzz_fini(void)
{
	st_xfr_set_free(set);
	st_xfr_zone_free(older);
	st_xfr_zone_free(current);
	set = NULL;
	fuzz_engine_free();
}
