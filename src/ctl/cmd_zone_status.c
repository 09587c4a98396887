/* zone-status [ZONE]: each zone's serial and, for zones that secondaries
 * transfer, who may, the IXFR versions kept, the transfers served and the
 * last NOTIFY to each target. */
#include "ctl/cmd.h"
#include "common/sockaddr.h"
#include "primary/primary.h"
#include "xfr/xfr.h"
#include "zone/zone.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static uint64_t get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static void acl_text(const st_conf_t *conf, const st_conf_zone_t *cz, st_buf_t *out)
{
	for (size_t i = 0; i < cz->n_allow_transfer; i++) {
		const st_conf_acl_t *a = &cz->allow_transfer[i];
		char net[64] = "";
		if (!a->any_address)
			st_prefix_str(&a->net, net, sizeof(net));
		st_buf_printf(out, "%s%s%s%s", i ? ", " : "",
			      a->key != ST_CONF_NONE ? conf->tsig[a->key].name : "",
			      a->key != ST_CONF_NONE && net[0] ? " from " : "", net);
	}
	if (cz->n_allow_transfer == 0)
		st_buf_printf(out, "nobody");
}

static void zone_text(st_ctl_t *ctl, const st_conf_t *conf, const st_conf_zone_t *cz,
		      const st_view_t *view, st_buf_t *out)
{
	st_xfr_zone_t *xz = st_xfr_set_find_name(view->xfr, cz->name);
	const st_zone_t *zone = NULL;
	for (size_t i = 0; view->zones && i < st_zoneset_count(view->zones); i++)
		if (strcasecmp(st_zone_name(st_zoneset_get(view->zones, i)), cz->name) == 0)
			zone = st_zoneset_get(view->zones, i);
	if (!zone)
		return;
	if (!xz) {
		st_buf_printf(out, "zone %s serial %u, no transfers\n", cz->name,
			      st_zone_serial(zone));
		return;
	}
	st_buf_printf(
	    out, "zone %s serial %u (%s), %zu records by AXFR\n", cz->name, st_xfr_zone_serial(xz),
	    st_serial_policy_name(cz->serial), st_xfr_zone_records(xz));
	st_buf_printf(out, "  allow_transfer: ");
	acl_text(conf, cz, out);
	st_buf_printf(out, "; routed names %s\n",
		      cz->routed_in_transfer == ST_ROUTED_OMIT ? "omitted" : "with every address");
	size_t kept = st_xfr_zone_versions(xz);
	if (kept)
		st_buf_printf(out, "  ixfr: %zu of %u versions kept, from serial %u\n", kept,
			      cz->ixfr_versions, st_xfr_zone_oldest(xz));
	else
		st_buf_printf(out, "  ixfr: no versions kept yet (of %u), IXFR answered in full\n",
			      cz->ixfr_versions);
	st_xfr_stats_t *st = st_xfr_zone_stats(xz);
	char last[40];
	st_ctl_fmt_time(get(&st->last_ns), last, sizeof(last));
	st_buf_printf(out,
		      "  served: axfr %llu, ixfr %llu, up to date %llu, udp truncated %llu, "
		      "refused %llu, tsig failed %llu, completed %llu, aborted %llu, "
		      "%llu messages, %llu bytes; last %s\n",
		      (unsigned long long)get(&st->axfr), (unsigned long long)get(&st->ixfr),
		      (unsigned long long)get(&st->uptodate), (unsigned long long)get(&st->udp_tc),
		      (unsigned long long)get(&st->refused), (unsigned long long)get(&st->notauth),
		      (unsigned long long)get(&st->done), (unsigned long long)get(&st->aborted),
		      (unsigned long long)get(&st->messages), (unsigned long long)get(&st->bytes),
		      last);
	const st_notify_t *n = st_primary_notify(ctl->primary);
	for (size_t i = 0; i < st_notify_count(n); i++) {
		st_notify_status_t s;
		st_notify_get(n, i, &s);
		if (strcasecmp(s.zone, cz->name) != 0)
			continue;
		st_ctl_fmt_time(s.at_ns, last, sizeof(last));
		st_buf_printf(out, "  notify %s%s%s: serial %u %s (%s) after %u tr%s, %s\n",
			      s.target, s.key ? " key " : "", s.key ? s.key : "", s.serial,
			      st_notify_state_name(s.state), s.result, s.attempts,
			      s.attempts == 1 ? "y" : "ies", last);
	}
	if (cz->n_notify == 0)
		st_buf_printf(out, "  notify: none\n");
}

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const st_conf_t *conf = st_ctl_conf(ctl);
	const st_view_t *view = st_ctl_view(ctl);
	const char *only = argc > 1 ? argv[1] : NULL;
	size_t shown = 0;
	for (size_t i = 0; i < conf->n_zones; i++) {
		const st_conf_zone_t *cz = &conf->zones[i];
		size_t n = only ? strlen(only) : 0;
		if (only &&
		    !(strncasecmp(cz->name, only, n) == 0 &&
		      (cz->name[n] == '\0' || (cz->name[n] == '.' && cz->name[n + 1] == '\0'))))
			continue;
		zone_text(ctl, conf, cz, view, out);
		shown++;
	}
	if (only && shown == 0)
		return st_diag_set(diag, ST_ENOENT, "zone %s is not served", only);
	if (shown == 0)
		st_buf_printf(out, "no zones\n");
	return 0;
}

const st_ctl_cmd_t st_cmd_zone_status = {
    .name = "zone-status",
    .usage = "[ZONE]",
    .help = "serial, transfers served, IXFR versions kept and NOTIFY results of each zone",
    .min_args = 0,
    .max_args = 1,
    .exec = exec,
};
