/* explain NAME TYPE [--client ADDR[/PREFIX]]: which policy, region and
 * endpoints the answer for that client would get, and why. */
#include "ctl/cmd.h"
#include "answer/ask.h"
#include "dns/rrtype.h"
#include "common/number.h"
#include "common/sockaddr.h"
#include "dns/name.h"
#include "health/table.h"
#include "route/route.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXPLAIN_MAX 16384
/* The route trace and the query below draw the same random numbers. */
#define EXPLAIN_SEED 0x5eed

static const char *rcode_name(unsigned rcode)
{
	static const char *const names[] = {"NOERROR",	"FORMERR", "SERVFAIL",
					    "NXDOMAIN", "NOTIMP",  "REFUSED"};
	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "other rcode";
}

/* The same question through the query engine: what the server sends. */
static void wire_line(const st_view_t *view, const uint8_t *wire, size_t wl, uint16_t type,
		      const st_client_t *client, st_buf_t *out)
{
	st_ask_result_t ask;
	int rc = st_answer_ask(view, wire, wl, type, client, EXPLAIN_SEED, &ask);
	if (rc < 0) {
		st_buf_printf(out, "on the wire: not known (%s)\n", st_strerror(rc));
		return;
	}
	st_buf_printf(out, "on the wire: %s (%u), %u answer record%s%s", rcode_name(ask.rcode),
		      ask.rcode, ask.answers, ask.answers == 1 ? "" : "s",
		      ask.truncated ? ", truncated" : "");
	if (ask.ecs)
		st_buf_printf(out, ", ECS source /%u scope /%u%s\n", ask.ecs_source, ask.ecs_scope,
			      ask.ecs_scope == 0 ? " (the answer does not depend on the client)"
			      : ask.ecs_scope < ask.ecs_source
				  ? " (good for every client of that shorter network)"
				  : "");
	else
		st_buf_puts(out, ", no ECS option (the query carried none: it is the same for "
				 "every client of this resolver)\n");
}

static int parse_type(const char *s, uint16_t *out)
{
	uint16_t t;
	if (st_rrtype_parse(s, &t) != 0 ||
	    (t != ST_TYPE_A && t != ST_TYPE_AAAA && t != ST_TYPE_CNAME && t != ST_TYPE_ANY))
		return ST_EINVAL;
	*out = t;
	return 0;
}

/* "192.0.2.1" (a resolver's address) or "192.0.2.0/24" (as EDNS Client Subnet). */
static int parse_client(const char *s, st_client_t *c, st_diag_t *diag)
{
	char addr[INET6_ADDRSTRLEN + 8];
	snprintf(addr, sizeof(addr), "%s", s);
	char *slash = strchr(addr, '/');
	if (slash)
		*slash = '\0';
	memset(c, 0, sizeof(*c));
	if (st_addr_parse(addr, &c->family, c->addr) < 0)
		return st_diag_set(diag, ST_EINVAL, "--client '%s': expected ADDR or ADDR/PREFIX",
				   s);
	unsigned max = c->family == AF_INET ? 32 : 128;
	uint64_t prefix = max;
	if (slash && (st_parse_u64(slash + 1, max, &prefix) != 0 || prefix == 0))
		return st_diag_set(diag, ST_EINVAL, "--client '%s': prefix must be 1-%u", s, max);
	c->from_ecs = slash != NULL;
	c->source_prefix = (uint8_t)prefix;
	return 0;
}

/* st_conf_record_each_endpoint callback: the endpoint's region is used. */
static bool mark_region(const st_conf_t *conf, uint32_t endpoint, void *arg)
{
	bool *used = arg;
	used[conf->endpoints[endpoint].region] = true;
	return false;
}

/* The regions the record NAME TYPE can answer from, through nested records
 * too (calloc'd, one flag per region), or NULL. */
static bool *used_regions(const st_conf_t *conf, const char *fqdn, uint16_t type)
{
	bool *used = calloc(conf->n_regions ? conf->n_regions : 1, sizeof(*used));
	if (!used)
		return NULL;
	for (size_t k = 0; k < conf->n_records; k++) {
		const st_conf_record_t *r = &conf->records[k];
		if (strcasecmp(r->owner, fqdn) == 0 &&
		    (type == ST_TYPE_ANY || r->type == type || r->type == ST_TYPE_CNAME))
			st_conf_record_each_endpoint(conf, r, mark_region, used);
	}
	return used;
}

/* Calculated endpoints the record can answer with: each check's state. */
static void calculated_checks(st_ctl_t *ctl, const bool *used, st_buf_t *out)
{
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_view_t *view = st_ctl_view(ctl);
	for (size_t e = 0; e < conf->n_endpoints; e++) {
		st_health_info_t in;
		if (!used[conf->endpoints[e].region] || !st_health_calculated(conf, (uint32_t)e) ||
		    st_health_info(view->health, (uint32_t)e, &in) < 0)
			continue;
		st_buf_printf(out, "endpoint %s %s, ", conf->endpoints[e].name,
			      in.unreadable ? "unknown" : st_health_state_name(in.checker.state));
		st_health_checks_text(conf, (uint32_t)e, &in, false, out);
		st_buf_puts(out, "\n");
	}
}

/* In a fleet: the quorum behind each endpoint the record can answer with. */
static void fleet_quorum(st_ctl_t *ctl, const bool *used, st_buf_t *out)
{
	const st_conf_t *conf = st_ctl_conf(ctl);
	st_health_fleet_t hf;
	if (!st_ctl_fleet_shown(ctl, &hf) || conf->n_regions == 0)
		return;
	char q[16];
	st_quorum_fmt(&conf->fleet.quorum, q, sizeof(q));
	st_buf_printf(out, "fleet: health %s, quorum %s of %u vantage point%s:\n",
		      hf.mode == ST_FLEET_AGREED ? "agreed"
		      : hf.mode == ST_FLEET_KEPT ? "as last agreed (etcd unreachable)"
		      : hf.mode == ST_FLEET_OWN	 ? "from this site's own view (etcd unreachable)"
						 : "not from the fleet (no checker in it)",
		      q, hf.vantages, hf.vantages == 1 ? "" : "s");
	for (size_t e = 0; e < conf->n_endpoints; e++)
		if (used[conf->endpoints[e].region])
			st_ctl_fleet_quorum(ctl, (uint32_t)e, out);
}

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	st_view_t *view = st_ctl_view(ctl);
	uint16_t type;
	if (parse_type(argv[2], &type) < 0)
		return st_diag_set(diag, ST_EINVAL, "type '%s': expected A, AAAA, CNAME or ANY",
				   argv[2]);
	st_client_t client;
	const char *who = "127.0.0.1";
	if (argc == 5 && strcmp(argv[3], "--client") == 0)
		who = argv[4];
	else if (argc != 3)
		return st_diag_set(diag, ST_EINVAL,
				   "usage: explain NAME TYPE [--client ADDR[/PREFIX]]");
	int rc = parse_client(who, &client, diag);
	if (rc < 0)
		return rc;

	char fqdn[300];
	size_t n = strlen(argv[1]);
	snprintf(fqdn, sizeof(fqdn), "%s%s", argv[1], n && argv[1][n - 1] == '.' ? "" : ".");
	uint8_t wire[256];
	int wl = st_name_from_str(fqdn, wire, sizeof(wire));
	if (wl < 0)
		return st_diag_set(diag, ST_EINVAL, "'%s' is not a domain name", argv[1]);
	st_name_lower(wire, wire, (size_t)wl);
	if (!view->route)
		return st_diag_set(diag, ST_ENOENT, "no routed records in this config");
	const void *handle =
	    st_route_find(view->route, wire, (size_t)wl, type == ST_TYPE_ANY ? 0 : type);
	if (!handle && type != ST_TYPE_CNAME) /* a CNAME answers any type */
		handle = st_route_find(view->route, wire, (size_t)wl, ST_TYPE_CNAME);
	if (!handle)
		return st_diag_set(diag, ST_ENOENT,
				   "%s %s is not a routed record (static zone data is answered "
				   "as written)",
				   fqdn, argv[2]);
	if (argc != 5)
		st_buf_puts(out, "client 127.0.0.1 (none given: use --client ADDR or "
				 "--client ADDR/PREFIX for ECS)\n");
	char *text = malloc(EXPLAIN_MAX);
	if (!text)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	text[0] = '\0';
	rc = st_route_explain(view->route, handle, type == ST_TYPE_ANY ? ST_TYPE_A : type, &client,
			      view->health, EXPLAIN_SEED, text, EXPLAIN_MAX);
	if (rc < 0 && rc != ST_ENOSPC) {
		free(text);
		return st_diag_set(diag, rc, "explain failed: %s", st_strerror(rc));
	}
	st_buf_puts(out, text);
	if (rc == ST_ENOSPC)
		st_buf_puts(out, "\n(cut short)\n");
	free(text);
	bool *used = used_regions(st_ctl_conf(ctl), fqdn, type);
	if (used) {
		calculated_checks(ctl, used, out);
		fleet_quorum(ctl, used, out);
		free(used);
	}
	wire_line(view, wire, (size_t)wl, type, &client, out);
	return 0;
}

const st_ctl_cmd_t st_cmd_explain = {
    .name = "explain",
    .usage = "NAME TYPE [--client ADDR[/PREFIX]]",
    .help = "which policy, region and endpoints an answer gets, and why",
    .min_args = 2,
    .max_args = 4,
    .exec = exec,
};
