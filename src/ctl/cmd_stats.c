/* stats [--json]: queries by rcode, type and transport; routed answers per
 * record, region and endpoint; summed over every worker. */
#include "ctl/cmd.h"
#include "dns/rrtype.h"
#include "metrics/metrics.h"

#include <stdio.h>
#include <stdlib.h>

static void text(const st_conf_t *conf, const st_answer_stats_t *s, st_buf_t *out)
{
	char buf[16];
	st_buf_printf(
	    out, "queries %llu (udp %llu, tcp %llu), dropped %llu, truncated %llu\n",
	    (unsigned long long)(st_stat_get(&s->transport[0]) + st_stat_get(&s->transport[1])),
	    (unsigned long long)st_stat_get(&s->transport[0]),
	    (unsigned long long)st_stat_get(&s->transport[1]),
	    (unsigned long long)st_stat_get(&s->dropped),
	    (unsigned long long)st_stat_get(&s->truncated));
	for (unsigned i = 0; i < ST_STATS_RCODES; i++)
		if (st_stat_get(&s->rcode[i]))
			st_buf_printf(out, "rcode %s %llu\n", st_rcode_label(i, buf, sizeof(buf)),
				      (unsigned long long)st_stat_get(&s->rcode[i]));
	for (unsigned i = 0; i < ST_STATS_QTYPES; i++)
		if (st_stat_get(&s->qtype[i]))
			st_buf_printf(out, "qtype %s %llu\n", st_answer_qtype_bucket_name(i),
				      (unsigned long long)st_stat_get(&s->qtype[i]));
	const st_rrl_counters_t *r = &s->rrl;
	if (conf->rrl.enabled || r->limited)
		st_buf_printf(out,
			      "rrl limited %llu (slipped %llu, dropped %llu), buckets %llu of %llu, "
			      "evicted %llu\n",
			      (unsigned long long)r->limited, (unsigned long long)r->slipped,
			      (unsigned long long)r->dropped, (unsigned long long)r->used,
			      (unsigned long long)r->size, (unsigned long long)r->evicted);
	if (conf->cookies || st_stat_get(&s->cookies[ST_COOKIE_SEEN_CLIENT]) ||
	    st_stat_get(&s->cookies[ST_COOKIE_SEEN_VALID]) ||
	    st_stat_get(&s->cookies[ST_COOKIE_SEEN_INVALID]))
		st_buf_printf(out, "cookies client-only %llu, valid %llu, invalid %llu\n",
			      (unsigned long long)st_stat_get(&s->cookies[ST_COOKIE_SEEN_CLIENT]),
			      (unsigned long long)st_stat_get(&s->cookies[ST_COOKIE_SEEN_VALID]),
			      (unsigned long long)st_stat_get(&s->cookies[ST_COOKIE_SEEN_INVALID]));
	for (size_t i = 0; i < conf->n_records && i < ST_STATS_ROUTE_MAX; i++)
		st_buf_printf(out, "record %s %s %llu\n", conf->records[i].owner,
			      st_rrtype_name(conf->records[i].type),
			      (unsigned long long)st_stat_get(&s->route_record[i]));
	for (size_t i = 0; i < conf->n_regions && i < ST_STATS_ROUTE_MAX; i++)
		st_buf_printf(out, "region %s %llu\n", conf->regions[i].name,
			      (unsigned long long)st_stat_get(&s->route_region[i]));
	for (size_t i = 0; i < conf->n_endpoints && i < ST_STATS_ROUTE_MAX; i++)
		st_buf_printf(out, "endpoint %s %s %llu\n", conf->endpoints[i].name,
			      conf->regions[conf->endpoints[i].region].name,
			      (unsigned long long)st_stat_get(&s->route_endpoint[i]));
}

/* Opens element i of a JSON array of objects with its name member. */
static void json_named(st_buf_t *out, size_t i, const char *key, const char *name)
{
	st_buf_printf(out, "%s{\"%s\":", i ? "," : "", key);
	st_buf_json_str(out, name);
}

/* Closes it with its answers count. */
static void json_answers(st_buf_t *out, const uint64_t *answers)
{
	st_buf_printf(out, ",\"answers\":%llu}", (unsigned long long)st_stat_get(answers));
}

static void json(const st_conf_t *conf, const st_answer_stats_t *s, st_buf_t *out)
{
	char buf[16];
	st_buf_printf(out,
		      "{\"queries\":{\"udp\":%llu,\"tcp\":%llu},\"dropped\":%llu,"
		      "\"truncated\":%llu,\"rcode\":{",
		      (unsigned long long)st_stat_get(&s->transport[0]),
		      (unsigned long long)st_stat_get(&s->transport[1]),
		      (unsigned long long)st_stat_get(&s->dropped),
		      (unsigned long long)st_stat_get(&s->truncated));
	bool first = true;
	for (unsigned i = 0; i < ST_STATS_RCODES; i++) {
		if (!st_stat_get(&s->rcode[i]))
			continue;
		st_buf_printf(out, "%s\"%s\":%llu", first ? "" : ",",
			      st_rcode_label(i, buf, sizeof(buf)),
			      (unsigned long long)st_stat_get(&s->rcode[i]));
		first = false;
	}
	st_buf_puts(out, "},\"qtype\":{");
	first = true;
	for (unsigned i = 0; i < ST_STATS_QTYPES; i++) {
		if (!st_stat_get(&s->qtype[i]))
			continue;
		st_buf_printf(out, "%s\"%s\":%llu", first ? "" : ",",
			      st_answer_qtype_bucket_name(i),
			      (unsigned long long)st_stat_get(&s->qtype[i]));
		first = false;
	}
	const st_rrl_counters_t *r = &s->rrl;
	st_buf_printf(out,
		      "},\"rrl\":{\"limited\":%llu,\"slipped\":%llu,\"dropped\":%llu,"
		      "\"buckets_used\":%llu,\"buckets\":%llu,\"evicted\":%llu},"
		      "\"cookies\":{\"client_only\":%llu,\"valid\":%llu,\"invalid\":%llu",
		      (unsigned long long)r->limited, (unsigned long long)r->slipped,
		      (unsigned long long)r->dropped, (unsigned long long)r->used,
		      (unsigned long long)r->size, (unsigned long long)r->evicted,
		      (unsigned long long)st_stat_get(&s->cookies[ST_COOKIE_SEEN_CLIENT]),
		      (unsigned long long)st_stat_get(&s->cookies[ST_COOKIE_SEEN_VALID]),
		      (unsigned long long)st_stat_get(&s->cookies[ST_COOKIE_SEEN_INVALID]));
	st_buf_puts(out, "},\"records\":[");
	for (size_t i = 0; i < conf->n_records && i < ST_STATS_ROUTE_MAX; i++) {
		json_named(out, i, "owner", conf->records[i].owner);
		st_buf_printf(out, ",\"type\":\"%s\"", st_rrtype_name(conf->records[i].type));
		json_answers(out, &s->route_record[i]);
	}
	st_buf_puts(out, "],\"regions\":[");
	for (size_t i = 0; i < conf->n_regions && i < ST_STATS_ROUTE_MAX; i++) {
		json_named(out, i, "name", conf->regions[i].name);
		json_answers(out, &s->route_region[i]);
	}
	st_buf_puts(out, "],\"endpoints\":[");
	for (size_t i = 0; i < conf->n_endpoints && i < ST_STATS_ROUTE_MAX; i++) {
		json_named(out, i, "name", conf->endpoints[i].name);
		st_buf_puts(out, ",\"region\":");
		st_buf_json_str(out, conf->regions[conf->endpoints[i].region].name);
		json_answers(out, &s->route_endpoint[i]);
	}
	st_buf_puts(out, "]}\n");
}

static int show(void *ctx, bool as_json, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	st_answer_stats_t *s = calloc(1, sizeof(*s));
	if (!s)
		return st_diag_set(diag, ST_ENOMEM, "out of memory");
	st_metrics_sum(ctl->srv, s);
	if (as_json)
		json(st_ctl_conf(ctl), s, out);
	else
		text(st_ctl_conf(ctl), s, out);
	free(s);
	return 0;
}

const st_ctl_cmd_t st_cmd_stats = {
    .name = "stats",
    .help = "queries by rcode, type, transport; answers per record, region, endpoint",
    .show = show,
};
