/* NOTIFY sender. One entry per (zone, target): its socket and timer while
 * a NOTIFY is in flight, its outcome afterwards. */
#include "primary/notify.h"
#include "common/enumname.h"
#include "common/log.h"
#include "common/time.h"
#include "dns/name.h"
#include "dns/pack.h"
#include "zone/zone.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Tries, and the wait after each: 1, 2, 4, 8, 16 seconds. */
#define NOTIFY_TRIES 5
#define NOTIFY_FIRST_WAIT_MS 1000
#define NOTIFY_MSG_MAX 1024
#define OPCODE_NOTIFY 4
#define SECRET_MAX 256

typedef struct entry {
	st_notify_t *n;
	char *zone;
	uint8_t apex[ST_DNS_MAX_NAME];
	uint8_t apex_len;
	uint8_t soa[ST_DNS_MAX_NAME * 2 + 32]; /* the SOA record, zone wire form */
	size_t soa_len;
	uint32_t serial;
	st_sockaddr_t addr;
	char target[ST_SOCKADDR_STRLEN];
	bool has_key;
	char *key_name;
	st_tsig_key_t key;
	uint8_t secret[SECRET_MAX];
	st_tsig_t tsig;
	int fd;
	st_ev_t *io, *timer;
	uint16_t id;
	unsigned attempts;
	st_notify_state_t state;
	const char *result;
	uint64_t at_ns;
} entry_t;

struct st_notify {
	st_loop_t *loop;
	entry_t **v;
	size_t n, cap;
	st_notify_totals_t totals;
};

st_notify_t *st_notify_new(st_loop_t *loop)
{
	st_notify_t *n = calloc(1, sizeof(*n));
	if (n)
		n->loop = loop;
	return n;
}

/* Close the socket and the events of an entry; its outcome stays. */
static void entry_stop(entry_t *e)
{
	st_ev_free(e->io);
	st_ev_free(e->timer);
	e->io = e->timer = NULL;
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

void st_notify_free(st_notify_t *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		entry_t *e = n->v[i];
		entry_stop(e);
		free(e->zone);
		free(e->key_name);
		free(e);
	}
	free(n->v);
	free(n);
}

static void finish(entry_t *e, st_notify_state_t state, const char *result)
{
	entry_stop(e);
	e->state = state;
	e->result = result;
	e->at_ns = st_real_ns();
	const char *k = e->has_key ? e->key_name : NULL;
	if (state == ST_NOTIFY_ANSWERED) {
		e->n->totals.answered++;
		st_log_info("zone %s, NOTIFY of serial %u to %s%s%s answered", e->zone, e->serial,
			    e->target, k ? " key " : "", k ? k : "");
	} else {
		e->n->totals.failed++;
		st_log_warn("zone %s, NOTIFY of serial %u to %s%s%s failed (%s)", e->zone,
			    e->serial, e->target, k ? " key " : "", k ? k : "", result);
	}
}

/* The NOTIFY message: question zone SOA, the SOA in the answer section
 * (RFC 1996 section 3.7), signed when the target has a key. */
static int build(entry_t *e, uint8_t *buf, size_t *len)
{
	st_pack_t *p = malloc(sizeof(*p));
	if (!p)
		return ST_ENOMEM;
	int ret = st_pack_begin(p, buf, NOTIFY_MSG_MAX - 512, e->id,
				(uint8_t)(OPCODE_NOTIFY << 3 | ST_FLAG1_AA), 0, e->apex,
				e->apex_len, ST_TYPE_SOA, ST_CLASS_IN);
	if (ret == 0)
		ret = st_pack_rr(p, e->apex, e->apex_len, e->soa, e->soa_len);
	if (ret == 0)
		*len = st_pack_finish(p);
	free(p);
	if (ret == 0 && e->has_key) {
		st_tsig_begin(&e->tsig, &e->key);
		ret = st_tsig_sign(&e->tsig, buf, len, NOTIFY_MSG_MAX, (uint64_t)time(NULL));
	}
	return ret;
}

static void try_send(entry_t *e)
{
	uint8_t buf[NOTIFY_MSG_MAX];
	size_t len = 0;
	if (getrandom(&e->id, sizeof(e->id), GRND_NONBLOCK) != sizeof(e->id))
		e->id = (uint16_t)(st_mono_ns() >> 10);
	int ret = build(e, buf, &len);
	if (ret != 0) {
		finish(e, ST_NOTIFY_FAILED, "cannot build the message");
		return;
	}
	e->attempts++;
	e->n->totals.sent++;
	if (send(e->fd, buf, len, 0) != (ssize_t)len)
		st_log_debug("zone %s, NOTIFY to %s: %s", e->zone, e->target, strerror(errno));
	st_ev_timer_start(e->timer, (uint64_t)NOTIFY_FIRST_WAIT_MS << (e->attempts - 1));
}

static void on_timer(int fd, short what, void *arg)
{
	entry_t *e = arg;
	if (e->attempts >= NOTIFY_TRIES) {
		finish(e, ST_NOTIFY_FAILED, "no answer");
		return;
	}
	st_log_debug("zone %s, NOTIFY to %s: no answer yet, try %u", e->zone, e->target,
		     e->attempts + 1);
	try_send(e);
}

/* An answer from the target: ours (ID, QR, opcode), then its rcode and,
 * when we signed, its signature. Anything else is ignored. */
static void answer(entry_t *e, const uint8_t *msg, size_t len)
{
	if (len < ST_DNS_HEADER_LEN || st_get16(msg) != e->id || !(msg[2] & ST_FLAG1_QR) ||
	    ((msg[2] >> 3) & 0x0f) != OPCODE_NOTIFY)
		return;
	unsigned rcode = msg[3] & 0x0f;
	if (e->has_key) {
		st_tsig_t t = e->tsig;
		int ret = st_tsig_verify_response(&t, msg, len, (uint64_t)time(NULL));
		if (ret == ST_ENOENT && rcode == ST_RCODE_NOERROR)
			return; /* unsigned: not from the secondary we share the key with */
		if (ret < 0 && t.error != ST_TSIG_NOERROR) {
			finish(e, ST_NOTIFY_FAILED,
			       t.error == ST_TSIG_BADKEY    ? "TSIG BADKEY"
			       : t.error == ST_TSIG_BADTIME ? "TSIG BADTIME"
							    : "TSIG BADSIG");
			return;
		}
		if (ret < 0 && rcode == ST_RCODE_NOERROR)
			return;
	}
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE"};
	if (rcode == ST_RCODE_NOERROR)
		finish(e, ST_NOTIFY_ANSWERED, "answered");
	else
		finish(e, ST_NOTIFY_FAILED, rcode < 11 ? names[rcode] : "error rcode");
}

static void on_read(int fd, short what, void *arg)
{
	entry_t *e = arg;
	uint8_t buf[4096];
	for (int i = 0; i < 8 && e->fd >= 0; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			/* ICMP unreachable: let the timer try again. */
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				st_log_debug("zone %s, NOTIFY to %s: %s", e->zone, e->target,
					     strerror(errno));
			return;
		}
		answer(e, buf, (size_t)n);
	}
}

static entry_t *entry_for(st_notify_t *n, const char *zone, const st_sockaddr_t *addr)
{
	for (size_t i = 0; i < n->n; i++) {
		entry_t *e = n->v[i];
		if (strcmp(e->zone, zone) == 0 && e->addr.len == addr->len &&
		    memcmp(&e->addr.u, &addr->u, addr->len) == 0)
			return e;
	}
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 8;
		entry_t **v = realloc(n->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		n->v = v;
		n->cap = cap;
	}
	entry_t *e = calloc(1, sizeof(*e));
	if (!e || !(e->zone = strdup(zone))) {
		free(e);
		return NULL;
	}
	e->n = n;
	e->fd = -1;
	e->addr = *addr;
	st_sockaddr_str(addr, e->target, sizeof(e->target));
	n->v[n->n++] = e;
	return e;
}

static int start(st_notify_t *n, const st_xfr_zone_t *xz, const st_conf_notify_t *t,
		 const st_conf_tsig_t *keys, size_t n_keys)
{
	const st_zone_t *zone = st_xfr_zone_zone(xz);
	entry_t *e = entry_for(n, st_zone_name(zone), &t->addr);
	if (!e)
		return ST_ENOMEM;
	entry_stop(e);
	const st_node_t *apex = st_zone_apex_node(zone);
	const st_rrset_t *soa = st_node_rrset(apex, ST_TYPE_SOA);
	size_t rdlen = st_rr_rdlen(soa->rdata);
	if (10 + rdlen > sizeof(e->soa))
		return ST_ERANGE;
	memcpy(e->apex, apex->name, apex->name_len);
	e->apex_len = apex->name_len;
	/* TYPE CLASS TTL RDLENGTH RDATA, as the packer takes it. */
	st_put16(e->soa, ST_TYPE_SOA);
	st_put16(e->soa + 2, ST_CLASS_IN);
	st_put32(e->soa + 4, soa->ttl);
	memcpy(e->soa + 8, soa->rdata, 2 + rdlen);
	e->soa_len = 10 + rdlen;
	e->serial = st_xfr_zone_serial(xz);
	e->attempts = 0;
	e->state = ST_NOTIFY_SENDING;
	e->result = "sending";
	e->at_ns = st_real_ns();
	free(e->key_name);
	e->key_name = NULL;
	e->has_key = t->key != ST_CONF_NONE && t->key < n_keys;
	if (e->has_key) {
		const st_conf_tsig_t *k = &keys[t->key];
		int len = st_name_from_str(k->name, e->key.name, sizeof(e->key.name));
		if (len < 0 || k->secret_len > sizeof(e->secret) ||
		    !(e->key_name = strdup(k->name))) {
			e->has_key = false;
			finish(e, ST_NOTIFY_FAILED, "unusable key");
			return ST_EINVAL;
		}
		e->key.name_len = (uint8_t)len;
		st_name_lower(e->key.name, e->key.name, e->key.name_len);
		e->key.alg = k->alg;
		memcpy(e->secret, k->secret, k->secret_len);
		e->key.secret = e->secret;
		e->key.secret_len = k->secret_len;
	}
	e->fd = socket(t->addr.u.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->fd >= 0 && t->has_source && bind(e->fd, &t->source.u.sa, t->source.len) != 0) {
		char src[ST_SOCKADDR_STRLEN];
		st_sockaddr_str(&t->source, src, sizeof(src));
		st_log_warn("zone %s: NOTIFY to %s cannot be sent from %s (%s)", st_zone_name(zone),
			    e->target, src, strerror(errno));
		finish(e, ST_NOTIFY_FAILED, "source address not usable");
		return 0;
	}
	if (e->fd < 0 || connect(e->fd, &t->addr.u.sa, t->addr.len) != 0) {
		finish(e, ST_NOTIFY_FAILED, strerror(errno));
		return 0;
	}
	e->io = st_ev_io_new(n->loop, e->fd, ST_EV_READ | ST_EV_PERSIST, on_read, e);
	e->timer = st_ev_timer_new(n->loop, false, on_timer, e);
	if (!e->io || !e->timer || st_ev_io_start(e->io, 0) != 0) {
		finish(e, ST_NOTIFY_FAILED, "out of memory");
		return ST_ENOMEM;
	}
	try_send(e);
	return 0;
}

int st_notify_zone(st_notify_t *n, const st_xfr_zone_t *xz, const st_conf_notify_t *targets,
		   size_t n_targets, const st_conf_tsig_t *keys, size_t n_keys)
{
	int ret = 0;
	for (size_t i = 0; i < n_targets; i++) {
		int r = start(n, xz, &targets[i], keys, n_keys);
		if (r != 0 && ret == 0)
			ret = r;
	}
	return ret;
}

size_t st_notify_count(const st_notify_t *n)
{
	return n ? n->n : 0;
}

void st_notify_get(const st_notify_t *n, size_t i, st_notify_status_t *out)
{
	const entry_t *e = n->v[i];
	out->zone = e->zone;
	memcpy(out->target, e->target, sizeof(out->target));
	out->key = e->has_key ? e->key_name : NULL;
	out->serial = e->serial;
	out->state = e->state;
	out->attempts = e->attempts;
	out->result = e->result;
	out->at_ns = e->at_ns;
}

void st_notify_totals(const st_notify_t *n, st_notify_totals_t *out)
{
	if (n)
		*out = n->totals;
	else
		memset(out, 0, sizeof(*out));
}

const char *st_notify_state_name(st_notify_state_t s)
{
	static const char *const names[] = {[ST_NOTIFY_SENDING] = "sending",
					    [ST_NOTIFY_ANSWERED] = "answered"};
	return st_enum_name(names, ST_NELEMS(names), s, "failed");
}
