/* The query engine fixture of the fuzz targets (see fuzz.h). */
#include "fuzz.h"
#include "conf/conf.h"
#include "common/hash.h"
#include "common/log.h"
#include "dnssec/key.h"
#include "dnssec/signer.h"
#include "dns/name.h"
#include "dns/wire.h"
#include "health/health.h"
#include "limit/secret.h"
#include "route/route.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A config's routing, and its routed records for the zone loader. */
typedef struct engine {
	st_conf_t *conf;
	st_route_t *route;
	st_health_t *health;
	st_zone_dyn_t *dyn;
	size_t n_dyn;
} engine_t;

static engine_t plain, sig;
static st_view_t view, signed_view;
static st_signer_t *signer;
static st_answer_ctx_t *ctx;
static st_cookie_secret_t *secret;
static st_sockaddr_t client;
static char tmpdir[64];

const char *fuzz_srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ST_SRCDIR;
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: cannot remove %s\n", fuzz_target, tmpdir);
}

const char *fuzz_tmpdir(void)
{
	if (!tmpdir[0]) {
		/* Memory-backed when it can be: targets write a file per input. */
		snprintf(tmpdir, sizeof(tmpdir), "/dev/shm/steer-fuzz.XXXXXX");
		if (!mkdtemp(tmpdir)) {
			snprintf(tmpdir, sizeof(tmpdir), "/tmp/steer-fuzz.XXXXXX");
			if (!mkdtemp(tmpdir))
				abort();
		}
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

void fuzz_write_tmp(const char *name, const void *data, size_t size, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", fuzz_tmpdir(), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) != 0)
		abort();
}

size_t fuzz_chunk_size(uint64_t *rng)
{
	uint64_t r = st_splitmix64(rng);
	static const size_t limit[4] = {3, 64, 1500, 70000};
	return 1 + (size_t)((r >> 8) % limit[r & 3]);
}

static void die(const char *what, const st_diag_t *diag)
{
	fprintf(stderr, "%s: %s: %s\n", fuzz_target, what, diag->text);
	abort();
}

static uint64_t fake_clock(void)
{
	static uint64_t now = 1000000000;
	return now += 1000000;
}

/* The config tests/data/zones/NAME, its routes and health (every endpoint up). */
static void engine_load(engine_t *e, const char *name)
{
	char path[4096];
	st_diag_t diag;
	snprintf(path, sizeof(path), "%s/tests/data/zones/%s", fuzz_srcdir(), name);
	if (st_conf_load(path, &e->conf, &diag) < 0 ||
	    st_route_new(e->conf, &e->route, &diag) < 0 ||
	    st_health_new(e->conf, &e->health, &diag) < 0)
		die(path, &diag);
	e->n_dyn = st_route_record_count(e->route);
	e->dyn = calloc(e->n_dyn + 1, sizeof(*e->dyn));
	if (!e->dyn)
		abort();
	for (size_t i = 0; i < e->n_dyn; i++) {
		st_route_record_info_t info;
		st_route_record_info(e->route, i, &info);
		e->dyn[i] = (st_zone_dyn_t){info.owner, info.owner_len, info.type,
					    info.ttl,   info.handle,    info.source};
	}
}

static void engine_drop(engine_t *e)
{
	st_health_free(e->health);
	st_route_free(e->route);
	st_conf_free(e->conf);
	free(e->dyn);
	*e = (engine_t){0};
}

static void engine_init(void)
{
	char path[4096];
	st_diag_t diag;
	/* Zone warnings and a missing health table are expected here. */
	st_log_set_level(ST_LOG_ERR);
	engine_load(&plain, "answer-dyn.yaml");
	ctx = st_answer_ctx_new(1);
	if (!ctx)
		abort();
	/* Cookies on and a rate limit that the fuzzer's pace reaches, on a
	 * clock that moves a millisecond per query, so that runs repeat. */
	if (st_cookie_secret_open(NULL, &secret, &diag) < 0)
		die("cookie secret", &diag);
	plain.conf->rrl = (st_conf_rrl_t){.enabled = true,
				    .rate = 50,
				    .slip = 2,
				    .ipv4_prefix = 24,
				    .ipv6_prefix = 56,
				    .table_size = 1024};
	st_answer_ctx_clock(ctx, fake_clock);
	if (st_sockaddr_parse("192.0.2.1:5353", 53, &client) != 0)
		abort();
	st_zone_t *zone;
	snprintf(path, sizeof(path), "%s/tests/data/zones/answer.test.zone", fuzz_srcdir());
	if (fuzz_zone_load(path, &zone, &diag) < 0)
		die(path, &diag);
	st_zoneset_t *zones = st_zoneset_new();
	if (!zones || st_zoneset_add(zones, zone) < 0)
		abort();
	fuzz_view_over(&view, zones);
}

int fuzz_zone_load(const char *file, st_zone_t **out, st_diag_t *diag)
{
	if (!plain.conf)
		engine_init();
	return st_zone_load("answer.test.", file, plain.dyn, plain.n_dyn, out, diag);
}

static void view_over(st_view_t *v, const engine_t *e, st_zoneset_t *zones)
{
	memset(v, 0, sizeof(*v));
	v->zones = zones;
	v->route = e->route;
	v->health = e->health;
	v->udp_max_payload = 1232;
	v->conf = e->conf;
	v->cookies = secret;
	v->rrl_share = 1;
}

void fuzz_view_over(st_view_t *v, st_zoneset_t *zones)
{
	if (!plain.conf)
		engine_init();
	view_over(v, &plain, zones);
}

const st_view_t *fuzz_view(void)
{
	if (!plain.conf)
		engine_init();
	return &view;
}

/* The zone of the DNSSEC unit tests, signed online with their ECDSA keys
 * (the engine's zone has NSEC records of its own, which a zone signed
 * online must not have). */
static void signed_init(void)
{
	char path[4096];
	st_diag_t diag;
	st_zone_t *zone;
	st_keyset_t *keys;
	uint8_t apex_len;
	engine_load(&sig, "signed.example.test.yaml");
	snprintf(path, sizeof(path), "%s/tests/data/zones/signed.example.test.zone",
		 fuzz_srcdir());
	if (st_zone_load("example.test.", path, sig.dyn, sig.n_dyn, &zone, &diag) < 0)
		die(path, &diag);
	const uint8_t *apex = st_zone_apex(zone, &apex_len);
	snprintf(path, sizeof(path), "%s/tests/data/keys/ecdsa", fuzz_srcdir());
	if (st_keyset_load(path, apex, apex_len, &keys, &diag) < 0 ||
	    st_signer_new(zone, keys, 3600, time(NULL), &signer, &diag) < 0)
		die(path, &diag);
	st_zoneset_t *zones = st_zoneset_new();
	if (!zones || st_zoneset_add(zones, zone) < 0 || st_zoneset_attach(zones, zone, signer) < 0)
		abort();
	view_over(&signed_view, &sig, zones);
}

const st_view_t *fuzz_signed_view(void)
{
	if (!plain.conf)
		engine_init();
	if (!sig.conf)
		signed_init();
	return &signed_view;
}

st_answer_ctx_t *fuzz_ctx(void)
{
	if (!plain.conf)
		engine_init();
	return ctx;
}

void fuzz_engine_free(void)
{
	st_answer_ctx_free(ctx);
	st_zoneset_free(view.zones);
	st_zoneset_free(signed_view.zones);
	st_signer_free(signer);
	engine_drop(&plain);
	engine_drop(&sig);
	st_cookie_secret_free(secret);
	secret = NULL;
	ctx = NULL;
	signer = NULL;
	memset(&view, 0, sizeof(view));
	memset(&signed_view, 0, sizeof(signed_view));
}

/* The response must parse completely: question and every record, names
 * with valid (backward) pointers, nothing left over. */
void fuzz_check_response(const uint8_t *q, size_t qlen, const uint8_t *r, size_t len, size_t cap)
{
	if (len == 0)
		return;
	if (len > cap || len < ST_DNS_HEADER_LEN || qlen < 2 || memcmp(q, r, 2) != 0 ||
	    !(r[2] & ST_FLAG1_QR))
		abort();
	size_t pos = ST_DNS_HEADER_LEN;
	unsigned qd = st_get16(r + 4);
	unsigned rrs = (unsigned)st_get16(r + 6) + st_get16(r + 8) + st_get16(r + 10);
	if (qd > 1)
		abort();
	for (unsigned i = 0; i < qd; i++) {
		if (st_name_parse(r, len, &pos, NULL, NULL, NULL, NULL) < 0 || len - pos < 4)
			abort();
		pos += 4;
	}
	for (unsigned i = 0; i < rrs; i++) {
		if (st_name_parse(r, len, &pos, NULL, NULL, NULL, NULL) < 0 || len - pos < 10)
			abort();
		size_t rdlen = st_get16(r + pos + 8);
		pos += 10;
		if (len - pos < rdlen)
			abort();
		pos += rdlen;
	}
	if (pos != len)
		abort();
}

void fuzz_answer_both(const st_view_t *v, const uint8_t *query, size_t len)
{
	static uint8_t out[65535];
	st_answer_ctx_t *c = fuzz_ctx();
	size_t n = st_answer(c, v, query, len, &client, ST_TRANSPORT_UDP, out, 4096);
	fuzz_check_response(query, len, out, n, 4096);
	n = st_answer(c, v, query, len, &client, ST_TRANSPORT_TCP, out, sizeof(out));
	fuzz_check_response(query, len, out, n, sizeof(out));
}

size_t fuzz_make_query(uint8_t *buf, uint16_t id, const uint8_t *name, size_t name_len,
		       uint16_t qtype, bool edns)
{
	memset(buf, 0, ST_DNS_HEADER_LEN);
	st_put16(buf, id);
	buf[2] = ST_FLAG1_RD;
	st_put16(buf + 4, 1);
	st_put16(buf + 10, edns ? 1 : 0);
	size_t n = ST_DNS_HEADER_LEN;
	memcpy(buf + n, name, name_len);
	n += name_len;
	st_put16(buf + n, qtype);
	st_put16(buf + n + 2, ST_CLASS_IN);
	n += 4;
	if (edns) {
		static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0};
		memcpy(buf + n, opt, sizeof(opt));
		n += sizeof(opt);
	}
	return n;
}
