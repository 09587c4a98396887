/* steerctl explain: the decision st_route_resolve takes for a client, in
 * words (record, client, the health table, location and its network, the
 * policy's trace, the answer and its TTL). What the response carries on the
 * wire (its ECS scope) is told by the query engine itself (answer/ask.h). */
#include "route/policy.h"
#include "common/time.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "health/health.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void code_str(uint16_t code, char out[3])
{
	out[0] = code ? (char)(code >> 8) : '-';
	out[1] = code ? (char)(code & 0xff) : '-';
	out[2] = '\0';
}

static void addr_str(int family, const uint8_t *addr, unsigned prefix, char *buf, size_t len)
{
	uint8_t a[16] = {0};
	unsigned bytes = family == AF_INET ? 4 : 16;
	memcpy(a, addr, bytes);
	for (unsigned bit = prefix; bit < bytes * 8; bit++)
		a[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
	char s[INET6_ADDRSTRLEN];
	inet_ntop(family, a, s, sizeof(s));
	snprintf(buf, len, "%s/%u", s, prefix);
}

/* What the health table is worth right now: explain's states come from it. */
static void trace_health(st_trace_t *tr, const struct st_health *h)
{
	if (!h)
		return;
	st_health_checker_t ck;
	st_health_checker(h, &ck);
	if (ck.status == ST_CHECKER_NONE && !ck.stale)
		return; /* no checked endpoints */
	char age[48] = "no heartbeat";
	if (ck.age_ms != UINT64_MAX) {
		char d[32];
		st_duration_fmt(ck.age_ms, d, sizeof(d));
		snprintf(age, sizeof(age), "heartbeat %s old", d);
	}
	if (ck.stale)
		st_trace_add(tr, "health table: STALE (%s, checker %s): %s\n", age,
			     st_checker_status_name(ck.status),
			     st_health_fail_open(h)
				 ? "on_stale fail-open, every endpoint counts as up"
				 : "on_stale last-known, the states below are the "
				   "last ones written");
	else if (ck.status != ST_CHECKER_BEATING)
		st_trace_add(tr, "health table: checker %s, %s: the states below age\n",
			     st_checker_status_name(ck.status), age);
	else
		st_trace_add(tr, "health table: fresh (%s)\n", age);
	size_t bad = st_health_bad_slots(h);
	if (bad)
		st_trace_add(tr, "health table: %zu slot%s not readable, read as on_stale says\n",
			     bad, bad == 1 ? "" : "s");
}

int st_route_explain(const st_route_t *rt, const void *handle, uint16_t qtype,
		     const st_client_t *client, const struct st_health *health, uint64_t seed,
		     char *buf, size_t len)
{
	if (!rt || !handle || !client || !buf || len == 0)
		return ST_EINVAL;
	const st_route_record_t *rec = handle;
	st_trace_t tr = {.buf = buf, .len = len};
	buf[0] = '\0';
	char owner[1024], net[64];
	st_name_to_str(rec->owner, owner, sizeof(owner));
	st_trace_add(&tr, "record %s %s (%s), policy %s, ttl %u, on_all_down %s\n", owner,
		     st_rrtype_name(rec->type), rec->source, st_policy_name(rec->policy), rec->ttl,
		     st_all_down_name(rec->on_all_down));
	addr_str(client->family, client->addr, client->source_prefix, net, sizeof(net));
	st_trace_add(&tr, "client %s (%s)\n", net,
		     client->from_ecs ? "EDNS client subnet" : "source address");
	trace_health(&tr, health);

	/* a fixed seed: explain is repeatable; random picks show one draw */
	uint64_t rng = seed;
	st_route_result_t res;
	st_geo_loc_t loc;
	st_route_resolve_trace(rt, handle, qtype, client, health, &rng, &res, NULL, &loc);
	if (rec->need) { /* it or a record it leads to places the client */
		if (!rt->geo.open) {
			st_trace_add(&tr, "location: no geo database configured\n");
		} else {
			addr_str(client->family, client->addr, loc.scope, net, sizeof(net));
			if (!loc.found && loc.common) {
				st_trace_add(&tr,
					     "location: none (the database's networks inside "
					     "the client's %s share nothing, or part of it "
					     "is not in the database)\n",
					     net);
			} else if (!loc.found) {
				st_trace_add(&tr, "location: not in the database (network %s)\n",
					     net);
			} else {
				char cont[3], cc[3];
				code_str(loc.continent, cont);
				code_str(loc.country, cc);
				st_trace_add(&tr,
					     "location: continent %s, country %s, subdivision %s",
					     cont, cc, loc.subdivision[0] ? loc.subdivision : "-");
				if (loc.has_point)
					st_trace_add(&tr, ", point %.4f,%.4f (%s)",
						     loc.lat * 180.0 / M_PI, loc.lon * 180.0 / M_PI,
						     loc.point_from_table ? "country centre"
									  : "database");
				st_trace_add(&tr, ", %s %s (%s)\n",
					     loc.common ? "what every network inside the client's "
							  "network has in common:"
							: "network",
					     net,
					     rt->geo.mmdb.metadata.database_type
						 ? rt->geo.mmdb.metadata.database_type
						 : "mmdb");
			}
		}
	}
	/* the decision itself, traced, with the same seed as above */
	rng = seed;
	st_route_resolve_trace(rt, handle, qtype, client, health, &rng, &res, &tr, NULL);

	switch (res.action) {
	case ST_ROUTE_SERVFAIL:
		st_trace_add(&tr, "answer: SERVFAIL\n");
		break;
	case ST_ROUTE_NODATA:
		st_trace_add(&tr, "answer: NODATA (no %s data)\n", st_rrtype_name(rec->type));
		break;
	case ST_ROUTE_ANSWER:
		if (res.rrtype == ST_TYPE_CNAME) {
			char target[1024];
			st_name_to_str(res.cname, target, sizeof(target));
			st_trace_add(&tr, "answer: CNAME %s (%s/%s)", target,
				     rt->regions[res.regions[0]].name,
				     rt->endpoints[res.endpoints[0]].name);
		} else {
			st_trace_add(&tr, "answer: %s", st_rrtype_name(res.rrtype));
			for (size_t i = 0; i < res.n; i++) {
				char a[INET6_ADDRSTRLEN];
				inet_ntop(res.rrtype == ST_TYPE_A ? AF_INET : AF_INET6,
					  res.addrs[i], a, sizeof(a));
				st_trace_add(&tr, " %s (%s/%s)", a,
					     rt->regions[res.regions[i]].name,
					     rt->endpoints[res.endpoints[i]].name);
			}
		}
		st_trace_add(&tr, ", ttl %u\n", res.ttl);
		break;
	}
	return tr.cut ? ST_ENOSPC : 0;
}
