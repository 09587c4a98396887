/* steerctl explain: the decision st_route_resolve takes for a client, in
 * words (record, client, location and its network, the policy's trace,
 * the answer with its TTL and ECS scope). */
#include "route/policy.h"
#include "dns/name.h"
#include "dns/rrtype.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *all_down_name(st_all_down_t a)
{
	return a == ST_ALL_DOWN_SERVFAIL ? "servfail"
	       : a == ST_ALL_DOWN_NODATA ? "nodata"
					 : "route53";
}

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

int st_route_explain(const st_route_t *rt, const void *handle, uint16_t qtype,
		     const st_client_t *client, const struct st_health *health, char *buf,
		     size_t len)
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
		     all_down_name(rec->on_all_down));
	addr_str(client->family, client->addr, client->source_prefix, net, sizeof(net));
	st_trace_add(&tr, "client %s (%s)\n", net,
		     client->from_ecs ? "EDNS client subnet" : "source address");

	/* a fixed seed: explain is repeatable; weighted picks show one draw */
	uint64_t rng = 0x5eed;
	st_route_result_t res;
	st_geo_loc_t loc;
	st_route_resolve_trace(rt, handle, qtype, client, health, &rng, &res, NULL, &loc);
	bool geo = rec->policy == ST_POLICY_GEOLOCATION || rec->policy == ST_POLICY_GEOPROXIMITY ||
		   rec->policy == ST_POLICY_LATENCY;
	if (geo) {
		if (!rt->geo.open) {
			st_trace_add(&tr, "location: no geo database configured\n");
		} else {
			addr_str(client->family, client->addr, loc.scope, net, sizeof(net));
			if (!loc.found) {
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
				st_trace_add(&tr, ", network %s (%s)\n", net,
					     rt->geo.mmdb.metadata.database_type
						 ? rt->geo.mmdb.metadata.database_type
						 : "mmdb");
			}
		}
	}
	/* the decision itself, traced, with the same seed as above */
	rng = 0x5eed;
	st_route_resolve_trace(rt, handle, qtype, client, health, &rng, &res, &tr, NULL);

	switch (res.action) {
	case ST_ROUTE_SERVFAIL:
		st_trace_add(&tr, "answer: SERVFAIL\n");
		break;
	case ST_ROUTE_NODATA:
		st_trace_add(&tr, "answer: NODATA (no %s data), ECS scope /%u\n",
			     st_rrtype_name(rec->type), res.scope);
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
		st_trace_add(&tr, ", ttl %u, ECS scope /%u\n", res.ttl, res.scope);
		break;
	}
	return tr.cut ? ST_ENOSPC : 0;
}
