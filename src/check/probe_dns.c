/* The dns probe: one query over UDP to the target (no recursion desired);
 * pass = the expected rcode and, when set, an answer whose rdata matches. */
#include "check/probe_int.h"
#include "common/errors.h"
#include "dns/wire.h"

#include <ldns/ldns.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

/* Presentation form of an RR's rdata ("192.0.2.1", "10 mx.example.test."). */
static bool rdata_matches(const ldns_rr *rr, const char *want)
{
	char text[512];
	size_t len = 0;
	text[0] = '\0';
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));
		if (!s)
			return false;
		int n = snprintf(text + len, sizeof(text) - len, "%s%s", i ? " " : "", s);
		free(s);
		if (n < 0 || (size_t)n >= sizeof(text) - len)
			return false;
		len += (size_t)n;
	}
	size_t wl = strlen(want);
	/* A trailing dot on a name is optional on either side. */
	if (len > 0 && text[len - 1] == '.')
		len--;
	if (wl > 0 && want[wl - 1] == '.')
		wl--;
	return len == wl && strncasecmp(text, want, len) == 0;
}

static void verdict(st_probe_t *p, const uint8_t *wire, size_t n)
{
	const st_conf_check_t *c = p->spec->check;
	const char *to = p->spec->target_str;
	ldns_pkt *pkt = NULL;
	if (ldns_wire2pkt(&pkt, wire, n) != LDNS_STATUS_OK) {
		st_probe_finish(p, false, "dns: malformed answer from %s", to);
		return;
	}
	if (!ldns_pkt_qr(pkt) || ldns_pkt_id(pkt) != p->id) {
		ldns_pkt_free(pkt); /* not ours: keep waiting */
		return;
	}
	int rcode = ldns_pkt_get_rcode(pkt);
	if (rcode != c->dns_rcode) {
		ldns_lookup_table *lt = ldns_lookup_by_id(ldns_rcodes, rcode);
		st_probe_finish(p, false, "dns rcode %s from %s", lt ? lt->name : "?", to);
		ldns_pkt_free(pkt);
		return;
	}
	if (!c->dns_expect) {
		st_probe_finish(p, true, "dns answer from %s", to);
		ldns_pkt_free(pkt);
		return;
	}
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	uint16_t qtype = c->dns_type ? c->dns_type : ST_TYPE_A;
	for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == qtype && rdata_matches(rr, c->dns_expect)) {
			st_probe_finish(p, true, "dns answer from %s", to);
			ldns_pkt_free(pkt);
			return;
		}
	}
	st_probe_finish(p, false, "dns answer from %s lacks %.40s", to, c->dns_expect);
	ldns_pkt_free(pkt);
}

static void on_readable(int fd, short what, void *arg)
{
	st_probe_t *p = arg;
	uint8_t buf[4096];
	for (int i = 0; i < 8 && !p->finished; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			st_probe_finish(p, false, "%s: %s", p->spec->target_str, strerror(errno));
			return;
		}
		verdict(p, buf, (size_t)n);
	}
}

int st_probe_dns_start(st_probe_t *p)
{
	const st_conf_check_t *c = p->spec->check;
	const char *to = p->spec->target_str;
	ldns_pkt *q = NULL;
	const char *name = c->dns_name && *c->dns_name ? c->dns_name : ".";
	uint16_t qtype = c->dns_type ? c->dns_type : ST_TYPE_A;
	if (ldns_pkt_query_new_frm_str(&q, name, (ldns_rr_type)qtype, LDNS_RR_CLASS_IN, 0) !=
	    LDNS_STATUS_OK) {
		st_probe_finish(p, false, "dns: bad query name %.40s", name);
		return 0;
	}
	if (getrandom(&p->id, sizeof(p->id), GRND_NONBLOCK) != sizeof(p->id))
		p->id = (uint16_t)(p->start_ns ^ (p->start_ns >> 16));
	ldns_pkt_set_id(q, p->id);
	uint8_t *wire = NULL;
	size_t wlen = 0;
	ldns_status st = ldns_pkt2wire(&wire, q, &wlen);
	ldns_pkt_free(q);
	if (st != LDNS_STATUS_OK) {
		st_probe_finish(p, false, "dns: cannot build the query");
		return 0;
	}
	p->fd =
	    socket(p->spec->target.u.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	const st_sockaddr_t *from = p->spec->source;
	if (p->fd < 0 || (from && bind(p->fd, &from->u.sa, from->len) != 0) ||
	    connect(p->fd, &p->spec->target.u.sa, p->spec->target.len) != 0 ||
	    send(p->fd, wire, wlen, 0) != (ssize_t)wlen) {
		st_probe_finish(p, false, "%s: %s", to, strerror(errno));
		free(wire);
		return 0;
	}
	free(wire);
	p->io = st_ev_io_new(p->loop, p->fd, ST_EV_READ | ST_EV_PERSIST, on_readable, p);
	if (!p->io || st_ev_io_start(p->io, 0) != 0) {
		st_probe_finish(p, false, "dns: out of memory");
		return 0;
	}
	return 0;
}
