/* The shared health table: file layout, the checker's writer and steerd's
 * read-only mapping. Seqlock per slot (C11 atomics, Boehm's fence recipe):
 * the writer makes seq odd, writes the fields, makes it even again; a reader
 * copies the fields between two reads of seq and retries when they differ. */
#include "health/table.h"
#include "common/enumname.h"
#include "common/file.h"
#include "common/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(st_healthtab_header_t) == 128, "header layout is part of the file format");
_Static_assert(sizeof(st_healthtab_slot_t) == 256, "slot layout is part of the file format");

/* A writer holds a slot for well under a microsecond: past this many tries
 * (about a millisecond with the yields) the slot is not settling. */
#define READ_RETRIES 1000

struct st_healthtab {
	int guard; /* index in the guard list, or -1 */
	char *path;
	int fd;
	bool writable;
	void *base;
	size_t size;
	dev_t dev;
	ino_t ino;
	st_healthtab_header_t *hdr;
	st_healthtab_slot_t *slots;
	uint32_t n;
};

const char *st_health_state_name(st_health_state_t s)
{
	static const char *const names[] = {[ST_HEALTH_UP] = "up", [ST_HEALTH_DOWN] = "down"};
	return st_enum_name(names, ST_NELEMS(names), s, "unknown");
}

static size_t layout_size(uint32_t n)
{
	return sizeof(st_healthtab_header_t) + (size_t)n * sizeof(st_healthtab_slot_t);
}

/* Validate a mapping before anything in it is trusted. */
static int validate(const void *base, size_t size, const char *path, st_diag_t *diag)
{
	if (size < sizeof(st_healthtab_header_t))
		return st_diag_set(diag, ST_ECORRUPT, "%s: truncated (%zu bytes, header needs %zu)",
				   path, size, sizeof(st_healthtab_header_t));
	const st_healthtab_header_t *h = base;
	if (h->magic != ST_HEALTHTAB_MAGIC)
		return st_diag_set(diag, ST_ECORRUPT, "%s: not a health table (bad magic)", path);
	if (h->version < ST_HEALTHTAB_VERSION_MIN || h->version > ST_HEALTHTAB_VERSION)
		return st_diag_set(diag, ST_ECORRUPT,
				   "%s: layout version %u, this build reads versions %u to %u", path,
				   h->version, ST_HEALTHTAB_VERSION_MIN, ST_HEALTHTAB_VERSION);
	if (h->header_size != sizeof(st_healthtab_header_t) ||
	    h->slot_size != sizeof(st_healthtab_slot_t))
		return st_diag_set(diag, ST_ECORRUPT, "%s: header or slot size does not match",
				   path);
	if (h->n_slots > ST_HEALTHTAB_MAX_SLOTS)
		return st_diag_set(diag, ST_ECORRUPT, "%s: %u slots is more than allowed", path,
				   h->n_slots);
	if (size < layout_size(h->n_slots))
		return st_diag_set(diag, ST_ECORRUPT, "%s: truncated (%zu bytes for %u slots)",
				   path, size, h->n_slots);
	const st_healthtab_slot_t *slots =
	    (const void *)((const char *)base + sizeof(st_healthtab_header_t));
	for (uint32_t i = 0; i < h->n_slots; i++)
		if (!memchr(slots[i].name, '\0', sizeof(slots[i].name)))
			return st_diag_set(diag, ST_ECORRUPT, "%s: slot %u has a bad name", path,
					   i);
	return 0;
}

/* ---- guard against a file truncated under its mapping ----
 *
 * A page of a shared file mapping past the file's end raises SIGBUS. The
 * checker never truncates a table in place (it writes a new file and renames
 * it), but anyone may, and the health tick notices only up to 100 ms later.
 * Every mapping is listed here; SIGBUS on an address inside one replaces the
 * whole mapping with anonymous zero pages (every slot then reads as unknown,
 * its seqlock as quiet) and returns, so the access completes. The owner sees
 * st_healthtab_shrunk() and stops using the mapping. A SIGBUS anywhere else gets the
 * default action. */
#define GUARD_MAX 64

static struct {
	_Atomic uintptr_t base;
	_Atomic size_t size;
	atomic_bool writable;
	atomic_bool faulted;
} guards[GUARD_MAX];
static atomic_ulong guard_faults;
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction guard_prev;

static void guard_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	for (size_t i = 0; i < GUARD_MAX; i++) {
		uintptr_t b = atomic_load(&guards[i].base);
		size_t n = atomic_load(&guards[i].size);
		if (b == 0 || a < b || a - b >= n)
			continue;
		int prot = atomic_load(&guards[i].writable) ? PROT_READ | PROT_WRITE : PROT_READ;
		if (mmap((void *)b, n, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
		    MAP_FAILED) {
			atomic_store(&guards[i].faulted, true);
			atomic_fetch_add(&guard_faults, 1);
			return;
		}
	}
	/* Not a table: what would have happened without us. */
	if (guard_prev.sa_flags & SA_SIGINFO && guard_prev.sa_sigaction) {
		guard_prev.sa_sigaction(sig, si, uc);
		return;
	}
	if (guard_prev.sa_handler != SIG_DFL && guard_prev.sa_handler != SIG_IGN &&
	    guard_prev.sa_handler) {
		guard_prev.sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL); /* the access faults again, with the default action */
}

static int guard_add(void *base, size_t size, bool writable)
{
	/* (Re)install the handler unless it is in place: a handler set later by
	 * someone else (a test harness, say) comes first, and is chained. */
	pthread_mutex_lock(&guard_lock);
	struct sigaction cur;
	if (sigaction(SIGBUS, NULL, &cur) == 0 &&
	    !((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == guard_handler)) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = guard_handler;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &guard_prev);
	}
	pthread_mutex_unlock(&guard_lock);
	for (int i = 0; i < GUARD_MAX; i++) {
		uintptr_t zero = 0;
		/* Claim the slot with a non-zero placeholder: no match before the
		 * size is set. */
		if (atomic_compare_exchange_strong(&guards[i].base, &zero, (uintptr_t)1)) {
			atomic_store(&guards[i].size, size);
			atomic_store(&guards[i].writable, writable);
			atomic_store(&guards[i].faulted, false);
			atomic_store(&guards[i].base, (uintptr_t)base);
			return i;
		}
	}
	return -1; /* more than GUARD_MAX tables at once: unguarded */
}

static void guard_remove(int i)
{
	if (i < 0)
		return;
	atomic_store(&guards[i].size, 0);
	atomic_store(&guards[i].base, 0);
}

unsigned long st_healthtab_faults(void)
{
	return atomic_load(&guard_faults);
}

static void ht_unmap(st_healthtab_t *t)
{
	guard_remove(t->guard);
	t->guard = -1;
	if (t->base)
		munmap(t->base, t->size);
	if (t->fd >= 0)
		close(t->fd);
	t->base = NULL;
	t->fd = -1;
}

void st_healthtab_close(st_healthtab_t *t)
{
	if (!t)
		return;
	ht_unmap(t);
	free(t->path);
	free(t);
}

/* Open a table file without ever blocking (a FIFO at the path would block
 * open() until someone writes to it; a terminal would become ours) and
 * refuse anything but a regular file. */
static int open_file(const char *path, int flags, st_diag_t *diag)
{
	struct stat sb;
	int fd = st_file_open(path, flags, &sb);
	if (fd < 0)
		return st_diag_set(diag, fd, "%s: %s", path, st_strerror(fd));
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return st_diag_set(diag, ST_ECORRUPT, "%s: %s, not a regular file: ignored", path,
				   st_file_kind(sb.st_mode));
	}
	return fd;
}

/* Map an open fd; validates it. The fd is owned by t on success. */
static int ht_map(st_healthtab_t *t, int fd, bool writable, st_diag_t *diag)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0)
		return st_diag_set(diag, -errno, "%s: %s", t->path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return st_diag_set(diag, ST_ECORRUPT, "%s: not a regular file", t->path);
	size_t size = (size_t)sb.st_size;
	if (size < sizeof(st_healthtab_header_t))
		return validate(NULL, size, t->path, diag);
	void *base =
	    mmap(NULL, size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return st_diag_set(diag, -errno, "%s: mmap: %s", t->path, strerror(errno));
	int g = guard_add(base, size, writable);
	int rc = validate(base, size, t->path, diag);
	if (rc == 0 && g >= 0 && atomic_load(&guards[g].faulted))
		rc = st_diag_set(diag, ST_ECORRUPT, "%s: truncated while being read", t->path);
	if (rc != 0) {
		guard_remove(g);
		munmap(base, size);
		return rc;
	}
	t->guard = g;
	t->fd = fd;
	t->writable = writable;
	t->base = base;
	t->size = size;
	t->dev = sb.st_dev;
	t->ino = sb.st_ino;
	t->hdr = base;
	t->slots = (void *)((char *)base + sizeof(st_healthtab_header_t));
	t->n = t->hdr->n_slots;
	return 0;
}

static st_healthtab_t *ht_alloc(const char *path)
{
	st_healthtab_t *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->fd = -1;
	t->guard = -1;
	t->path = strdup(path);
	if (!t->path) {
		free(t);
		return NULL;
	}
	return t;
}

int st_healthtab_reader_open(const char *path, st_healthtab_t **out, st_diag_t *diag)
{
	st_healthtab_t *t = ht_alloc(path);
	if (!t)
		return ST_ENOMEM;
	int fd = open_file(path, O_RDONLY, diag);
	if (fd < 0) {
		st_healthtab_close(t);
		return fd;
	}
	int rc = ht_map(t, fd, false, diag);
	if (rc != 0) {
		close(fd);
		st_healthtab_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

bool st_healthtab_shrunk(const st_healthtab_t *t)
{
	struct stat sb;
	if (t->guard >= 0 && atomic_load(&guards[t->guard].faulted))
		return true;
	return fstat(t->fd, &sb) != 0 || (size_t)sb.st_size < t->size;
}

bool st_healthtab_changed(const st_healthtab_t *t)
{
	/* Before touching the header: a page past the end would fault. */
	if (st_healthtab_shrunk(t))
		return true;
	if (atomic_load_explicit(&t->hdr->replaced, memory_order_acquire))
		return true;
	struct stat sb;
	if (stat(t->path, &sb) != 0)
		return true;
	return sb.st_dev != t->dev || sb.st_ino != t->ino || (size_t)sb.st_size < t->size;
}

int st_healthtab_read(const st_healthtab_t *t, uint32_t slot, st_health_rec_t *out)
{
	if (slot >= t->n)
		return ST_ERANGE;
	const st_healthtab_slot_t *s = &t->slots[slot];
	uint64_t err[ST_HEALTHTAB_ERROR_MAX / 8];
	for (int tries = 0; tries < READ_RETRIES; tries++) {
		uint32_t s1 = atomic_load_explicit(&s->seq, memory_order_acquire);
		if (s1 & 1) {
			if (tries > 100)
				sched_yield();
			continue;
		}
		uint32_t state = atomic_load_explicit(&s->state, memory_order_relaxed);
		out->rtt_us = atomic_load_explicit(&s->rtt_us, memory_order_relaxed);
		out->successes = atomic_load_explicit(&s->successes, memory_order_relaxed);
		out->failures = atomic_load_explicit(&s->failures, memory_order_relaxed);
		out->flaps = atomic_load_explicit(&s->flaps, memory_order_relaxed);
		out->last_check_ns = atomic_load_explicit(&s->last_check_ns, memory_order_relaxed);
		out->last_change_ns =
		    atomic_load_explicit(&s->last_change_ns, memory_order_relaxed);
		for (size_t i = 0; i < ST_HEALTHTAB_ERROR_MAX / 8; i++)
			err[i] = atomic_load_explicit(&s->error[i], memory_order_relaxed);
		uint32_t local = atomic_load_explicit(&s->local, memory_order_relaxed);
		out->votes_up = atomic_load_explicit(&s->votes_up, memory_order_relaxed);
		out->voters = atomic_load_explicit(&s->voters, memory_order_relaxed);
		out->n_checks = atomic_load_explicit(&s->n_checks, memory_order_relaxed);
		out->check_states = atomic_load_explicit(&s->check_states, memory_order_relaxed);
		/* Orders the field loads before the second read of seq. */
		atomic_thread_fence(memory_order_acquire);
		uint32_t s2 = atomic_load_explicit(&s->seq, memory_order_relaxed);
		if (s1 == s2) {
			memcpy(out->error, err, sizeof(out->error));
			out->error[ST_HEALTHTAB_ERROR_MAX - 1] = '\0';
			out->state = state <= ST_HEALTH_DOWN ? (st_health_state_t)state
							      : ST_HEALTH_UNKNOWN;
			out->local = local <= ST_HEALTH_DOWN ? (st_health_state_t)local
							      : ST_HEALTH_UNKNOWN;
			if (out->votes_up > out->voters)
				out->votes_up = out->voters;
			if (out->n_checks > ST_HEALTH_MAX_CHECKS)
				out->n_checks = ST_HEALTH_MAX_CHECKS;
			return state <= ST_HEALTH_DOWN ? 0 : ST_ECORRUPT;
		}
	}
	return ST_EAGAIN;
}

void st_healthtab_write(st_healthtab_t *t, uint32_t slot, const st_health_rec_t *rec)
{
	if (slot >= t->n || !t->writable)
		return;
	st_healthtab_slot_t *s = &t->slots[slot];
	uint64_t err[ST_HEALTHTAB_ERROR_MAX / 8] = {0};
	size_t len = strnlen(rec->error, ST_HEALTHTAB_ERROR_MAX - 1);
	memcpy(err, rec->error, len);

	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
	/* Orders the odd seq before the field stores. */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&s->state, (uint32_t)rec->state, memory_order_relaxed);
	atomic_store_explicit(&s->rtt_us, rec->rtt_us, memory_order_relaxed);
	atomic_store_explicit(&s->successes, rec->successes, memory_order_relaxed);
	atomic_store_explicit(&s->failures, rec->failures, memory_order_relaxed);
	atomic_store_explicit(&s->flaps, rec->flaps, memory_order_relaxed);
	atomic_store_explicit(&s->last_check_ns, rec->last_check_ns, memory_order_relaxed);
	atomic_store_explicit(&s->last_change_ns, rec->last_change_ns, memory_order_relaxed);
	for (size_t i = 0; i < ST_HEALTHTAB_ERROR_MAX / 8; i++)
		atomic_store_explicit(&s->error[i], err[i], memory_order_relaxed);
	atomic_store_explicit(&s->local, (uint32_t)rec->local, memory_order_relaxed);
	atomic_store_explicit(&s->votes_up, rec->votes_up, memory_order_relaxed);
	atomic_store_explicit(&s->voters, rec->voters, memory_order_relaxed);
	atomic_store_explicit(&s->n_checks, rec->n_checks, memory_order_relaxed);
	atomic_store_explicit(&s->check_states, rec->check_states, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

void st_healthtab_heartbeat(st_healthtab_t *t, uint64_t mono_ns)
{
	if (t->writable)
		atomic_store_explicit(&t->hdr->heartbeat_ns, mono_ns, memory_order_release);
}

void st_healthtab_set_beat_period(st_healthtab_t *t, uint32_t ms)
{
	if (t->writable)
		atomic_store_explicit(&t->hdr->beat_ms, ms, memory_order_relaxed);
}

void st_healthtab_set_fleet(st_healthtab_t *t, const st_health_fleet_t *f)
{
	if (!t->writable)
		return;
	st_healthtab_header_t *h = t->hdr;
	atomic_store_explicit(&h->fleet_vantages, f->vantages, memory_order_relaxed);
	atomic_store_explicit(&h->fleet_etcd_ok_ns, f->etcd_ok_ns, memory_order_relaxed);
	atomic_store_explicit(&h->fleet_since_ns, f->mode_since_ns, memory_order_relaxed);
	atomic_store_explicit(&h->fleet_watch_lag_ms, f->watch_lag_ms, memory_order_relaxed);
	atomic_store_explicit(&h->fleet_mode, (uint32_t)f->mode, memory_order_release);
}

void st_healthtab_fleet(const st_healthtab_t *t, st_health_fleet_t *out)
{
	const st_healthtab_header_t *h = t->hdr;
	uint32_t mode = atomic_load_explicit(&h->fleet_mode, memory_order_acquire);
	out->mode = mode <= ST_FLEET_OWN ? (st_fleet_mode_t)mode : ST_FLEET_NONE;
	out->vantages = atomic_load_explicit(&h->fleet_vantages, memory_order_relaxed);
	out->etcd_ok_ns = atomic_load_explicit(&h->fleet_etcd_ok_ns, memory_order_relaxed);
	out->mode_since_ns = atomic_load_explicit(&h->fleet_since_ns, memory_order_relaxed);
	out->watch_lag_ms = atomic_load_explicit(&h->fleet_watch_lag_ms, memory_order_relaxed);
}

const char *st_fleet_mode_name(st_fleet_mode_t m)
{
	static const char *const names[] = {
	    [ST_FLEET_AGREED] = "agreed", [ST_FLEET_KEPT] = "kept", [ST_FLEET_OWN] = "own"};
	return st_enum_name(names, ST_NELEMS(names), m, "none");
}

void st_healthtab_writer_detach(st_healthtab_t *t)
{
	if (t && t->writable && t->hdr)
		atomic_store_explicit(&t->hdr->pid, 0, memory_order_release);
}

static bool same_names(const st_healthtab_t *t, const char *const *names, size_t n)
{
	if (t->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t->slots[i].name, names[i]) != 0)
			return false;
	return true;
}

/* Take the writer lock; ST_EEXIST names the live holder. */
static int lock_table(int fd, const char *path, int holder_pid, st_diag_t *diag)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		return st_diag_set(diag, ST_EEXIST, "%s: in use by another steercheck (pid %d)",
				   path, holder_pid);
	return st_diag_set(diag, -errno, "%s: lock: %s", path, strerror(errno));
}

/* Write a fresh table for `names` to a temporary file, carry states over from
 * `old` (may be NULL), and rename it over the path. */
static int create_table(st_healthtab_t *t, const st_healthtab_t *old, const char *const *names,
			size_t n, st_diag_t *diag)
{
	if (n > ST_HEALTHTAB_MAX_SLOTS)
		return st_diag_set(diag, ST_ERANGE, "%s: too many endpoints (%zu)", t->path, n);
	size_t plen = strlen(t->path) + 32;
	char *tmp = malloc(plen);
	if (!tmp)
		return ST_ENOMEM;
	snprintf(tmp, plen, "%s.tmp.%ld", t->path, (long)getpid());
	unlink(tmp);
	int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT) {
		/* A fresh install: make the table's folder (run/ by default). */
		char *slash = strrchr(tmp, '/');
		if (slash && slash != tmp) {
			*slash = '\0';
			int mk = mkdir(tmp, 0755);
			*slash = '/';
			if (mk == 0)
				fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		}
	}
	if (fd < 0) {
		int rc = st_diag_set(diag, -errno, "%s: create: %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	int rc = 0;
	size_t size = layout_size((uint32_t)n);
	if (ftruncate(fd, (off_t)size) != 0) {
		rc = st_diag_set(diag, -errno, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		rc = st_diag_set(diag, -errno, "%s: mmap: %s", tmp, strerror(errno));
		goto fail;
	}
	st_healthtab_header_t *h = base;
	st_healthtab_slot_t *slots = (void *)((char *)base + sizeof(*h));
	h->magic = ST_HEALTHTAB_MAGIC;
	h->version = ST_HEALTHTAB_VERSION;
	h->header_size = sizeof(*h);
	h->slot_size = sizeof(*slots);
	h->n_slots = (uint32_t)n;
	uint64_t gen = old ? atomic_load(&old->hdr->generation) + 1 : 1;
	atomic_store(&h->generation, gen);
	atomic_store(&h->pid, (int32_t)getpid());
	atomic_store(&h->heartbeat_ns, 0);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		if (len >= ST_HEALTHTAB_NAME_MAX) {
			rc = st_diag_set(diag, ST_EINVAL,
					 "endpoint name '%s' is longer than %d bytes", names[i],
					 ST_HEALTHTAB_NAME_MAX - 1);
			munmap(base, size);
			goto fail;
		}
		memcpy(slots[i].name, names[i], len + 1);
	}
	munmap(base, size);
	if ((rc = ht_map(t, fd, true, diag)) != 0)
		goto fail;
	fd = -1; /* owned by t now */
	if (old) {
		for (uint32_t i = 0; i < t->n; i++) {
			uint32_t j = st_healthtab_find(old, names[i]);
			st_health_rec_t rec;
			if (j != UINT32_MAX && st_healthtab_read(old, j, &rec) == 0)
				st_healthtab_write(t, i, &rec);
		}
	}
	if ((rc = lock_table(t->fd, tmp, 0, diag)) != 0)
		goto fail;
	if (rename(tmp, t->path) != 0) {
		rc = st_diag_set(diag, -errno, "%s: rename to %s: %s", tmp, t->path,
				 strerror(errno));
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	ht_unmap(t);
	unlink(tmp);
	free(tmp);
	return rc;
}

int st_healthtab_writer_open(const char *path, const char *const *names, size_t n,
			     st_healthtab_t **out, st_diag_t *diag)
{
	st_healthtab_t *t = ht_alloc(path);
	st_healthtab_t *old = ht_alloc(path);
	int rc = ST_ENOMEM;
	if (!t || !old)
		goto done;
	st_diag_t why;
	int fd = open_file(path, O_RDWR, &why);
	if (fd >= 0) {
		if (ht_map(old, fd, true, &why) != 0) {
			/* Not ours or damaged: replace it rather than trust it. */
			st_log_warn("health table %s, replacing it (%s)", path, why.text);
			close(fd);
		} else {
			rc = lock_table(old->fd, path, atomic_load(&old->hdr->pid), diag);
			if (rc != 0)
				goto done;
		}
	} else if (fd == ST_ECORRUPT) {
		st_log_warn("health table %s, replacing it (%s)", path, why.text);
	} else if (fd != ST_ENOENT) {
		rc = st_diag_set(diag, fd, "%s", why.text);
		goto done;
	}
	if (old->base && same_names(old, names, n)) {
		/* Reattach in place: states and generation stay. An older
		 * layout whose new fields are zeros is taken over as ours. */
		old->hdr->version = ST_HEALTHTAB_VERSION;
		atomic_store(&old->hdr->pid, (int32_t)getpid());
		*out = old;
		old = NULL;
		rc = 0;
		goto done;
	}
	rc = create_table(t, old->base ? old : NULL, names, n, diag);
	if (rc != 0)
		goto done;
	if (old->base) {
		/* Readers still mapping the old inode remap on this. */
		atomic_store(&old->hdr->pid, 0);
		atomic_store_explicit(&old->hdr->replaced, 1, memory_order_release);
	}
	*out = t;
	t = NULL;
done:
	st_healthtab_close(t);
	st_healthtab_close(old);
	return rc;
}

uint32_t st_healthtab_find(const st_healthtab_t *t, const char *name)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (strcmp(t->slots[i].name, name) == 0)
			return i;
	return UINT32_MAX;
}

size_t st_healthtab_count(const st_healthtab_t *t)
{
	return t ? t->n : 0;
}

const char *st_healthtab_name(const st_healthtab_t *t, uint32_t slot)
{
	return slot < t->n ? t->slots[slot].name : NULL;
}

const char *st_healthtab_path(const st_healthtab_t *t)
{
	return t->path;
}

uint64_t st_healthtab_generation(const st_healthtab_t *t)
{
	return atomic_load_explicit(&t->hdr->generation, memory_order_acquire);
}

uint64_t st_healthtab_heartbeat_ns(const st_healthtab_t *t)
{
	return atomic_load_explicit(&t->hdr->heartbeat_ns, memory_order_acquire);
}

uint32_t st_healthtab_beat_period(const st_healthtab_t *t)
{
	return atomic_load_explicit(&t->hdr->beat_ms, memory_order_relaxed);
}

int st_healthtab_pid(const st_healthtab_t *t)
{
	return atomic_load_explicit(&t->hdr->pid, memory_order_relaxed);
}

const st_healthtab_slot_t *st_healthtab_slot(const st_healthtab_t *t, uint32_t slot)
{
	return &t->slots[slot];
}

const atomic_bool *st_healthtab_fault_flag(const st_healthtab_t *t)
{
	static const atomic_bool never;
	return t->guard >= 0 ? &guards[t->guard].faulted : &never;
}
