/* The shared health table: an mmap'd file written by steercheck and read by
 * steerd. A header (magic, layout version, sizes, generation, checker pid,
 * heartbeat) and one fixed-size slot per checked endpoint, each guarded by a
 * seqlock so that readers never block the writer and never see a torn slot. */
#ifndef ST_HEALTH_TABLE_H
#define ST_HEALTH_TABLE_H

#include "common/errors.h"
#include "health/health.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_HEALTHTAB_MAGIC 0x3130424c54485453ULL /* "STHTBL01" little-endian */
/* 2: fleet votes in slots, fleet mode in the header; 3: the states of an
 * endpoint's checks in its slot */
#define ST_HEALTHTAB_VERSION 3u
/* read too: zeros in the newer fields mean "no fleet", "no check detail" */
#define ST_HEALTHTAB_VERSION_MIN 1u
#define ST_HEALTHTAB_NAME_MAX 64 /* bytes including the NUL */
#define ST_HEALTHTAB_ERROR_MAX ST_HEALTH_ERROR_MAX
#define ST_HEALTHTAB_MAX_SLOTS (1u << 20)

/* On-file layout. Every field a reader looks at while the writer runs is
 * atomic; the name is written once when the file is created. */
typedef struct st_healthtab_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;
	uint32_t slot_size;
	uint32_t n_slots;
	_Atomic uint64_t generation;   /* bumped when the endpoint set changes */
	_Atomic uint64_t heartbeat_ns; /* CLOCK_MONOTONIC of the writer's last beat */
	_Atomic int32_t pid;	       /* checker pid, 0 when it exited cleanly */
	_Atomic uint32_t beat_ms;      /* the writer's heartbeat period, 0: not said */
	_Atomic uint64_t replaced; /* non-zero: this file was replaced, remap */
	_Atomic uint32_t fleet_mode;	 /* st_fleet_mode_t (version 2) */
	_Atomic uint32_t fleet_vantages; /* live vantage points */
	_Atomic uint64_t fleet_etcd_ok_ns;
	_Atomic uint64_t fleet_since_ns;
	_Atomic uint32_t fleet_watch_lag_ms;
	uint8_t reserved[44];
} st_healthtab_header_t;

typedef struct st_healthtab_slot {
	_Atomic uint32_t seq;	/* odd while the writer updates the slot */
	_Atomic uint32_t state; /* st_health_state_t */
	_Atomic uint32_t rtt_us;
	_Atomic uint32_t successes; /* consecutive */
	_Atomic uint32_t failures;  /* consecutive */
	_Atomic uint32_t flaps;
	_Atomic uint64_t last_check_ns;
	_Atomic uint64_t last_change_ns;
	_Atomic uint64_t error[ST_HEALTHTAB_ERROR_MAX / 8];
	char name[ST_HEALTHTAB_NAME_MAX];
	_Atomic uint32_t local;	   /* version 2: the vantage point's own state */
	_Atomic uint32_t votes_up; /* version 2: of voters, 0 = no fleet decision */
	_Atomic uint32_t voters;
	_Atomic uint32_t n_checks;     /* version 3: the endpoint's checks, 0 = not said */
	_Atomic uint64_t check_states; /* version 3: 2 bits a check (st_health_rec_t) */
	uint8_t reserved[32];
} st_healthtab_slot_t;

typedef struct st_healthtab st_healthtab_t;

/* Writer (steercheck): open `path` for the endpoint names given (each shorter
 * than ST_HEALTHTAB_NAME_MAX, unique). An existing valid table with exactly these
 * names is reattached in place and keeps its states. Otherwise a new file is
 * written next to it and renamed over it, carrying over the states of
 * endpoints of the same name, with the generation bumped; the old file is
 * marked replaced so that readers remap. Fails with ST_EEXIST when another
 * live checker holds the table. */
int st_healthtab_writer_open(const char *path, const char *const *names, size_t n,
			     st_healthtab_t **out, st_diag_t *diag);
/* Publish a slot (seqlock write). */
void st_healthtab_write(st_healthtab_t *t, uint32_t slot, const st_health_rec_t *rec);
void st_healthtab_heartbeat(st_healthtab_t *t, uint64_t mono_ns);
/* Say how often the writer beats: readers tell a checker that stopped
 * beating from one between two beats. */
void st_healthtab_set_beat_period(st_healthtab_t *t, uint32_t ms);
/* Writer leaving cleanly: clears the pid (the heartbeat then ages). */
void st_healthtab_writer_detach(st_healthtab_t *t);
/* The fleet fields of the header (writer); read back by anyone. */
void st_healthtab_set_fleet(st_healthtab_t *t, const st_health_fleet_t *f);
void st_healthtab_fleet(const st_healthtab_t *t, st_health_fleet_t *out);

/* Reader: map read-only and validate. Returns ST_ENOENT when the file does
 * not exist, ST_ECORRUPT when it fails validation (diag says why). */
int st_healthtab_reader_open(const char *path, st_healthtab_t **out, st_diag_t *diag);
/* Has the file behind this mapping been replaced, removed or marked
 * replaced by the writer? (one stat(): main loop, not the query path) */
bool st_healthtab_changed(const st_healthtab_t *t);
/* Was the mapped file truncated in place (by something other than
 * steercheck)? Then the mapping must not be read any more: pages past the
 * new end fault (SIGBUS). One fstat(). */
bool st_healthtab_shrunk(const st_healthtab_t *t);
/* How many times a mapping was found truncated under a reader (SIGBUS
 * caught, the mapping replaced by zero pages). Values read while this
 * changed may be zeros rather than the file's. */
unsigned long st_healthtab_faults(void);

void st_healthtab_close(st_healthtab_t *t);

/* Consistent copy of a slot; ST_EAGAIN when the writer kept it busy for
 * every one of a bounded number of retries, ST_ECORRUPT when its state is
 * no known value (out->state is then unknown). */
int st_healthtab_read(const st_healthtab_t *t, uint32_t slot, st_health_rec_t *out);
/* Slot index of a name, or UINT32_MAX. */
uint32_t st_healthtab_find(const st_healthtab_t *t, const char *name);

size_t st_healthtab_count(const st_healthtab_t *t);
const char *st_healthtab_name(const st_healthtab_t *t, uint32_t slot);
const char *st_healthtab_path(const st_healthtab_t *t);
uint64_t st_healthtab_generation(const st_healthtab_t *t);
uint64_t st_healthtab_heartbeat_ns(const st_healthtab_t *t);
int st_healthtab_pid(const st_healthtab_t *t);
/* The writer's heartbeat period in ms, 0 when it did not say. */
uint32_t st_healthtab_beat_period(const st_healthtab_t *t);
/* A slot in the mapping, for the query path's loads of its sequence and
 * state words (no retry: a busy slot reads as not known). */
const st_healthtab_slot_t *st_healthtab_slot(const st_healthtab_t *t, uint32_t slot);
/* Set once a read of this mapping faulted (the file was truncated under
 * it): from then on it holds zero pages, not the file's contents. */
const atomic_bool *st_healthtab_fault_flag(const st_healthtab_t *t);

const char *st_health_state_name(st_health_state_t s);

#endif
