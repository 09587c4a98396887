/* Fuzz target for the health table reader: any file contents where steerd
 * maps its table. The reader must refuse what is not a table with a
 * reason; whatever it accepts must read back without a fault (every slot,
 * every name found again by name), and steerd's health view over the file
 * (the engine fixture's endpoints) must answer for every endpoint and
 * survive its housekeeping tick. `fuzz_healthtab --write-seeds DIR`
 * writes valid tables, made by the writer steercheck uses, as seeds. */
#include "fuzz.h"
#include "conf/conf.h"
#include "common/log.h"
#include "health/health.h"
#include "health/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char fuzz_target[] = "healthtab";

static char path[256];
static st_conf_t *conf;

static void init(void)
{
	char file[4096];
	st_diag_t diag;
	st_log_set_level(ST_LOG_ERR);
	snprintf(path, sizeof(path), "%s/health.shm", fuzz_tmpdir());
	snprintf(file, sizeof(file), "%s/tests/data/zones/answer-dyn.yaml", fuzz_srcdir());
	if (st_conf_load(file, &conf, &diag) < 0) {
		fprintf(stderr, "fuzz_healthtab: %s\n", diag.text);
		abort();
	}
	free(conf->health_table);
	conf->health_table = strdup(path);
	if (!conf->health_table)
		abort();
}

static void write_table(const uint8_t *data, size_t size)
{
	/* A new file each time, as steercheck replaces a table. */
	char tmp[300];
	fuzz_write_tmp("health.shm.tmp", data, size, tmp, sizeof(tmp));
	if (rename(tmp, path) != 0)
		abort();
}

static void read_table(void)
{
	st_healthtab_t *t = NULL;
	st_diag_t diag;
	diag.text[0] = '\0';
	int rc = st_healthtab_reader_open(path, &t, &diag);
	if (rc < 0) {
		if (t || (rc != ST_ENOENT && !diag.text[0]))
			abort();
		return;
	}
	size_t n = st_healthtab_count(t);
	if (n > ST_HEALTHTAB_MAX_SLOTS)
		abort();
	for (uint32_t i = 0; i < n; i++) {
		st_health_rec_t rec;
		if (st_healthtab_read(t, i, &rec) == 0 &&
		    strnlen(rec.error, sizeof(rec.error)) == sizeof(rec.error))
			abort();
		const char *name = st_healthtab_name(t, i);
		if (!name || strnlen(name, ST_HEALTHTAB_NAME_MAX) == ST_HEALTHTAB_NAME_MAX)
			abort();
		uint32_t found = st_healthtab_find(t, name);
		if (found > i || strcmp(st_healthtab_name(t, found), name) != 0)
			abort();
		if (!st_healthtab_slot(t, i))
			abort();
	}
	(void)st_healthtab_generation(t);
	(void)st_healthtab_heartbeat_ns(t);
	(void)st_healthtab_pid(t);
	(void)st_healthtab_changed(t);
	(void)st_healthtab_shrunk(t);
	(void)st_healthtab_fault_flag(t);
	st_healthtab_close(t);
}

static void health_view(void)
{
	st_health_t *h;
	st_diag_t diag;
	if (st_health_new(conf, &h, &diag) < 0)
		abort();
	for (int round = 0; round < 2; round++) {
		size_t n = st_health_count(h);
		for (uint32_t e = 0; e < n; e++) {
			st_health_info_t info;
			(void)st_health_up(h, e);
			if (st_health_info(h, e, &info) != 0)
				abort();
		}
		(void)st_health_stale(h);
		(void)st_health_age_ms(h);
		(void)st_health_checker_pid(h);
		st_health_tick(h);
	}
	st_health_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!conf)
		init();
	write_table(data, size);
	read_table();
	health_view();
	return 0;
}

void fuzz_fini(void)
{
	st_conf_free(conf);
	conf = NULL;
	fuzz_engine_free();
}

/* Seeds: tables of the fixture's endpoint names (and others), each state. */
int fuzz_write_seeds(const char *dir)
{
	static const char *const names[] = {"e1", "w1", "other", "e1-with-a-long-name"};
	static const st_health_state_t states[] = {ST_HEALTH_UP, ST_HEALTH_DOWN, ST_HEALTH_UNKNOWN};
	for (size_t n = 1; n <= 4; n++) {
		for (size_t s = 0; s < 3; s++) {
			char file[512];
			snprintf(file, sizeof(file), "%s/table-%zu-slots-%s", dir, n,
				 st_health_state_name(states[s]));
			unlink(file);
			st_healthtab_t *w;
			st_diag_t diag;
			if (st_healthtab_writer_open(file, names, n, &w, &diag) < 0) {
				fprintf(stderr, "%s\n", diag.text);
				return 1;
			}
			for (uint32_t i = 0; i < n; i++) {
				st_health_rec_t rec = {.state = states[(s + i) % 3],
						       .rtt_us = 1000 * i,
						       .successes = i,
						       .failures = 3 - (uint32_t)s,
						       .flaps = 1,
						       .last_check_ns = 5,
						       .last_change_ns = 4};
				snprintf(rec.error, sizeof(rec.error), "%s",
					 rec.state == ST_HEALTH_DOWN ? "connection refused" : "");
				st_healthtab_write(w, i, &rec);
			}
			st_healthtab_heartbeat(w, 123456789);
			if (s == 2)
				st_healthtab_writer_detach(w);
			st_healthtab_close(w);
		}
	}
	return 0;
}
