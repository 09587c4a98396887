/* Fuzz target for the files steerd and steerctl read besides the config,
 * the zones and the health table: what an operator, another program or a
 * crash mid-write may leave there. The first byte picks the reader, the
 * rest is the file:
 *   0  the control state file (server.state_dir/control-state)
 *   1  the DNS cookie secret file
 *   2  a DNSSEC key pair as dnssec-keygen writes it: the .key file, and
 *      after a line "%%" its .private file
 *   3  the latency file (geo.latency) of a config with three regions
 *   4  a country coordinates file (geo.coordinates)
 *   5  a fleet member's etcd value: as an observation and as a member
 *      record
 *   6  Route 53 JSON (list-resource-record-sets) of example.test for
 *      steerctl import-route53, converted and written as steerd.yaml and a
 *      zone file, which are then checked as steerd --check does
 * Each must load, or refuse with a message naming the file (and its line
 * where it has lines); what the control state reader accepts must write
 * back and read again to the same state. */
#include "config.h"

#include "fuzz.h"
#include "common/buf.h"
#include "common/log.h"
#include "conf/conf.h"
#include "ctl/state.h"
#include "dns/name.h"
#include "dnssec/key.h"
#include "fleet/view.h"
#include "import/route53.h"
#include "limit/secret.h"
#include "route/geo.h"
#include "route/latency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_target[] = "files";

static st_conf_t *conf; /* the regions the latency file names */

static void init(void)
{
	st_log_set_level(ST_LOG_ERR);
	static const char yaml[] = "zones:\n  example.test: example.test.zone\n"
				   "regions:\n"
				   "  us-east-1: {endpoints: {a: {address: 192.0.2.1}}}\n"
				   "  us-east-2: {endpoints: {b: {address: 192.0.2.2}}}\n"
				   "  eu-central-1: {endpoints: {c: {address: 192.0.2.3}}}\n";
	st_diag_t diag;
	if (st_conf_load_text("fuzz.yaml", yaml, sizeof(yaml) - 1, &conf, &diag) != 0) {
		fprintf(stderr, "fuzz_files: %s\n", diag.text);
		abort();
	}
}

void fuzz_fini(void)
{
	st_conf_free(conf);
	conf = NULL;
}

static const char *write_file(const char *name, const uint8_t *data, size_t size)
{
	static char path[2][300];
	static int k;
	char *p = path[k++ & 1];
	fuzz_write_tmp(name, data, size, p, sizeof(path[0]));
	return p;
}

/* A load: done, or refused with a message that says which file. */
static void checked(int rc, const st_diag_t *diag, const char *path)
{
	if (rc == 0 || rc == ST_ENOMEM)
		return;
	if (!strstr(diag->text, path)) {
		fprintf(stderr, "fuzz_files: error %d does not name %s: %s\n", rc, path,
			diag->text);
		abort();
	}
}

static void control_state(const uint8_t *data, size_t size)
{
	const char *path = write_file("control-state", data, size);
	st_ctl_state_t *st = st_ctl_state_new(), *again = st_ctl_state_new();
	st_diag_t diag = {0};
	if (!st || !again)
		abort();
	int rc = st_ctl_state_load(st, path, &diag);
	checked(rc, &diag, path);
	if (rc == 0) {
		/* What was read writes back and reads again the same. */
		char first[300], second[300];
		snprintf(first, sizeof(first), "%s/state-1", fuzz_tmpdir());
		snprintf(second, sizeof(second), "%s/state-2", fuzz_tmpdir());
		char *a = NULL, *b = NULL;
		size_t la = 0, lb = 0;
		if (st_ctl_state_save(st, first, &diag) != 0 ||
		    st_ctl_state_load(again, first, &diag) != 0 ||
		    st_ctl_state_save(again, second, &diag) != 0) {
			fprintf(stderr, "fuzz_files: state round trip: %s\n", diag.text);
			abort();
		}
		FILE *fa = fopen(first, "rb"), *fb = fopen(second, "rb");
		if (!fa || !fb || getdelim(&a, &la, '\0', fa) < 0 ||
		    getdelim(&b, &lb, '\0', fb) < 0 || strcmp(a, b) != 0) {
			fprintf(stderr, "fuzz_files: the state reads back otherwise:\n%s---\n%s",
				a ? a : "", b ? b : "");
			abort();
		}
		fclose(fa);
		fclose(fb);
		free(a);
		free(b);
	}
	st_ctl_state_free(st);
	st_ctl_state_free(again);
}

static void cookie_secret(const uint8_t *data, size_t size)
{
	const char *path = write_file("cookie-secret", data, size);
	st_cookie_secret_t *s = NULL;
	st_diag_t diag = {0};
	checked(st_cookie_secret_open(path, &s, &diag), &diag, path);
	st_cookie_secret_free(s);
}

static void dnssec_key(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	const uint8_t *cut = memmem(data, size, sep, sizeof(sep) - 1);
	size_t klen = cut ? (size_t)(cut - data) : size;
	const char *kf = write_file("Kexample.test.+013+00001.key", data, klen);
	const char *pf = NULL;
	if (cut)
		pf = write_file("Kexample.test.+013+00001.private", cut + sizeof(sep) - 1,
				size - klen - (sizeof(sep) - 1));
	uint8_t apex[ST_DNS_MAX_NAME];
	int alen = st_name_from_str("example.test.", apex, sizeof(apex));
	st_dnskey_t key;
	memset(&key, 0, sizeof(key));
	st_diag_t diag = {0};
	int rc = st_dnskey_load(kf, pf, apex, (size_t)alen, &key, &diag);
	if (rc != 0 && rc != ST_ENOMEM && !strstr(diag.text, "Kexample.test.+013+00001.")) {
		fprintf(stderr, "fuzz_files: key error %d names no file: %s\n", rc, diag.text);
		abort();
	}
	st_dnskey_clear(&key);
}

/* The geo files: the latency file, or the country coordinates. */
static void geo_file(const uint8_t *data, size_t size, bool latency)
{
	const char *path = write_file(latency ? "latency.yaml" : "countries.csv", data, size);
	st_latency_t lt = {0};
	st_geo_t geo = {0};
	st_diag_t diag = {0};
	checked(latency ? st_latency_load(&lt, path, conf, &diag)
			: st_geo_open(&geo, NULL, path, &diag),
		&diag, path);
	st_latency_free(&lt);
	st_geo_close(&geo);
}

static void latency(const uint8_t *data, size_t size)
{
	geo_file(data, size, true);
}

static void coordinates(const uint8_t *data, size_t size)
{
	geo_file(data, size, false);
}

static void fleet_values(const uint8_t *data, size_t size)
{
	st_fleet_obs_t obs;
	st_fleet_member_t m;
	st_diag_t diag = {0};
	if (st_fleet_obs_decode((const char *)data, size, &obs, &diag) == 0) {
		if (obs.state != ST_HEALTH_UP && obs.state != ST_HEALTH_DOWN)
			abort();
		if (memchr(obs.error, '\0', sizeof(obs.error)) == NULL)
			abort();
		free(st_fleet_obs_encode(&obs));
	}
	if (st_fleet_member_decode((const char *)data, size, &m, &diag) == 0) {
		if (!memchr(m.version, '\0', sizeof(m.version)) ||
		    !memchr(m.config, '\0', sizeof(m.config)))
			abort();
		free(st_fleet_member_encode(&m));
	}
}

static void route53(const uint8_t *data, size_t size)
{
	const char *path = write_file("records.json", data, size);
	char out[300];
	snprintf(out, sizeof(out), "%s/import", fuzz_tmpdir());
	st_r53_opts_t o = {.zone = "example.test", .records = path, .out = out};
	st_buf_t report;
	st_buf_init(&report);
	st_r53_stats_t stats;
	st_diag_t diag = {0};
	int rc = st_r53_import(&o, &report, &stats, &diag);
	if (rc < 0 && rc != ST_ENOMEM && !diag.text[0]) {
		fprintf(stderr, "fuzz_files: import error %d without a message\n", rc);
		abort();
	}
	st_buf_free(&report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!conf)
		init();
	if (size < 1)
		return 0;
	static void (*const readers[])(const uint8_t *, size_t) = {
	    control_state, cookie_secret, dnssec_key, latency, coordinates, fleet_values, route53,
	};
	readers[data[0] % (sizeof(readers) / sizeof(readers[0]))](data + 1, size - 1);
	return 0;
}
