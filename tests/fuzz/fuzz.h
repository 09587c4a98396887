/* What the fuzz targets share: the libFuzzer entry point each defines, the
 * replay driver that runs a corpus without libFuzzer (make check), and the
 * query engine fixture: the engine's test zone with the routed records of
 * tests/data/zones/answer-dyn.yaml grafted in, a zone signed online beside
 * it, DNS cookies on and a rate
 * limit on a clock that moves a millisecond per query, and a check that a
 * response is a whole, well-formed message. Anything wrong aborts. */
#ifndef ST_FUZZ_FUZZ_H
#define ST_FUZZ_FUZZ_H

#include "answer/answer.h"
#include "zone/zone.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defined by each target: its corpus folder under tests/fuzz/corpus/, and
 * what it frees after the last input of a replay (leak checkers stay quiet). */
extern const char fuzz_target[];
void fuzz_fini(void);
/* May be defined by a target whose seeds are made by code: the replay
 * driver's `--write-seeds DIR` calls it. Returns 0 or 1 (failed). */
int fuzz_write_seeds(const char *dir) __attribute__((weak));

/* The source tree ($top_srcdir, else the configured one). */
const char *fuzz_srcdir(void);
/* A fresh private folder (in /dev/shm, else /tmp), removed at exit. */
const char *fuzz_tmpdir(void);
/* Write data as the file `name` in fuzz_tmpdir() (made or emptied first)
 * and put its path in path[len]; aborts when it cannot. */
void fuzz_write_tmp(const char *name, const void *data, size_t size, char *path, size_t len);
/* How much of a stream arrives at once, as the network might split it: 1
 * to 3, 64, 1500 or 70000 bytes, drawn from rng. */
size_t fuzz_chunk_size(uint64_t *rng);

/* The engine fixture, made on first use: config, routes, health (all
 * endpoints up), the answer.test. zone and a view over it. */
const st_view_t *fuzz_view(void);
/* A view of the zone example.test. of the DNSSEC tests (its routed
 * records grafted in) signed online with tests/data/keys/ecdsa. */
const st_view_t *fuzz_signed_view(void);
st_answer_ctx_t *fuzz_ctx(void);
/* Load `file` as the zone answer.test. with the routed records grafted in,
 * through the same path steerd loads zones. */
int fuzz_zone_load(const char *file, st_zone_t **out, st_diag_t *diag);
/* A view like fuzz_view() over other zones. */
void fuzz_view_over(st_view_t *view, st_zoneset_t *zones);
void fuzz_engine_free(void);

/* Answer query on UDP (4096-byte buffer) and on TCP and check both. */
void fuzz_answer_both(const st_view_t *view, const uint8_t *query, size_t len);
/* Write a query for name (wire form) and qtype, with an EDNS OPT (DO set)
 * when edns; returns its length. */
size_t fuzz_make_query(uint8_t *buf, uint16_t id, const uint8_t *name, size_t name_len,
		       uint16_t qtype, bool edns);
/* Abort unless r[0..len) is a whole response to q within cap bytes (len 0:
 * dropped, which is allowed). */
void fuzz_check_response(const uint8_t *q, size_t qlen, const uint8_t *r, size_t len, size_t cap);

#endif
