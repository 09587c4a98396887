/* Query counters: buckets, names, and summing the per-thread copies. */
#include "answer/stats.h"
#include "dns/rrtype.h"

unsigned st_answer_qtype_bucket(uint16_t qtype)
{
	switch (qtype) {
	case ST_TYPE_A:
		return ST_QTYPE_BUCKET_A;
	case ST_TYPE_AAAA:
		return ST_QTYPE_BUCKET_AAAA;
	case ST_TYPE_CNAME:
		return ST_QTYPE_BUCKET_CNAME;
	case ST_TYPE_NS:
		return ST_QTYPE_BUCKET_NS;
	case ST_TYPE_SOA:
		return ST_QTYPE_BUCKET_SOA;
	case ST_TYPE_MX:
		return ST_QTYPE_BUCKET_MX;
	case ST_TYPE_TXT:
		return ST_QTYPE_BUCKET_TXT;
	case ST_TYPE_SRV:
		return ST_QTYPE_BUCKET_SRV;
	case ST_TYPE_ANY:
		return ST_QTYPE_BUCKET_ANY;
	default:
		return ST_QTYPE_BUCKET_OTHER;
	}
}

const char *st_answer_qtype_bucket_name(unsigned bucket)
{
	static const uint16_t types[ST_QTYPE_BUCKET_OTHER] = {
	    ST_TYPE_A,	ST_TYPE_AAAA, ST_TYPE_CNAME, ST_TYPE_NS,  ST_TYPE_SOA,
	    ST_TYPE_MX, ST_TYPE_TXT,  ST_TYPE_SRV,   ST_TYPE_ANY,
	};
	return bucket < ST_QTYPE_BUCKET_OTHER ? st_rrtype_name(types[bucket]) : "other";
}

static void add_array(uint64_t *sum, const uint64_t *one, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum[i] += st_stat_get(&one[i]);
}

void st_answer_stats_add(st_answer_stats_t *sum, const st_answer_stats_t *one)
{
	sum->queries += st_stat_get(&one->queries);
	sum->dropped += st_stat_get(&one->dropped);
	sum->tsig += st_stat_get(&one->tsig);
	sum->tsig_failed += st_stat_get(&one->tsig_failed);
	add_array(sum->rcode, one->rcode, ST_STATS_RCODES);
	add_array(sum->qtype, one->qtype, ST_STATS_QTYPES);
	add_array(sum->transport, one->transport, 2);
	sum->truncated += st_stat_get(&one->truncated);
	sum->edns += st_stat_get(&one->edns);
	sum->ecs += st_stat_get(&one->ecs);
	sum->dynamic += st_stat_get(&one->dynamic);
	sum->nested += st_stat_get(&one->nested);
	sum->sticky += st_stat_get(&one->sticky);
	add_array(sum->cookies, one->cookies, ST_COOKIE_SEEN_N);
	st_rrl_counters_add(&sum->rrl, &one->rrl);
}
