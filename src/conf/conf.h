/* The configuration: YAML (DESIGN.md "Interface") parsed through a schema table
 * into an immutable st_conf_t. Every other module reads this struct; only
 * src/conf/ knows YAML. */
#ifndef ST_CONF_CONF_H
#define ST_CONF_CONF_H

#include "common/errors.h"
#include "common/sockaddr.h"
#include "conf/mapkey.h"
#include "dns/tsig.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_CONF_NONE ((uint32_t)-1)
/* server.nsid: at most this many bytes (a small fixed cost in answers). */
#define ST_CONF_NSID_MAX 128
/* A policy's candidate (`regions:` items, `map:` values, `weights:` keys
 * that name no endpoint) is a region index, or with this bit the index of
 * another routed record, written "@name" in the file: a nested record. */
#define ST_CONF_RECORD 0x80000000u
/* Records nest at most this deep: a record, its target, the target's... */
#define ST_CONF_MAX_NEST 8

static inline bool st_conf_is_record(uint32_t target)
{
	return target != ST_CONF_NONE && (target & ST_CONF_RECORD) != 0;
}
/* Regions a latency or geoproximity record may order (the query path sorts
 * them in an array of this size). */
#define ST_CONF_MAX_ORDER 64

typedef enum {
	ST_DENIAL_COMPACT, /* RFC 9824 compact denial of existence */
} st_denial_t;

/* Online signing of a zone (`dnssec:` of the zone). */
typedef struct st_conf_dnssec {
	char *keys;	      /* folder of the zone's key files, resolved */
	uint64_t validity_ms; /* signature_validity, default 7d */
	st_denial_t denial;
	unsigned line;
} st_conf_dnssec_t;
/* A TSIG key (the tsig: section). */
typedef struct st_conf_tsig {
	char *name; /* presentation, lower case, trailing dot */
	st_tsig_alg_t alg;
	uint8_t *secret;
	size_t secret_len;
	unsigned line;
} st_conf_tsig_t;

/* Who may transfer a zone: one allow_transfer entry. */
typedef struct st_conf_acl {
	uint32_t key;	  /* index into st_conf_t.tsig, or ST_CONF_NONE: signed or not */
	bool any_address; /* else only from `net` */
	st_prefix_t net;
} st_conf_acl_t;

/* A secondary to NOTIFY. */
typedef struct st_conf_notify {
	st_sockaddr_t addr;
	uint32_t key; /* index into st_conf_t.tsig, or ST_CONF_NONE: unsigned */
	bool has_source;
	st_sockaddr_t source; /* sent from here (port 0: any) when has_source */
} st_conf_notify_t;

typedef enum {
	ST_ROUTED_ALL,	/* a routed name transfers with every address it can answer with */
	ST_ROUTED_OMIT, /* routed names are left out of transfers */
} st_routed_transfer_t;

typedef enum {
	ST_SERIAL_FILE,	    /* the zone file's SOA serial */
	ST_SERIAL_UNIXTIME, /* the time the transferred data last changed */
} st_serial_policy_t;

typedef struct st_conf_zone {
	char *name; /* presentation, absolute, lower case, trailing dot: "example.test." */
	char *file; /* path as given, resolved relative to the config file's folder */
	st_conf_dnssec_t *dnssec; /* NULL: not signed */
	st_conf_acl_t *allow_transfer; /* none: no transfers */
	size_t n_allow_transfer;
	st_conf_notify_t *notify;
	size_t n_notify;
	st_routed_transfer_t routed_in_transfer; /* default all */
	st_serial_policy_t serial;		 /* default file */
	uint32_t ixfr_versions;			 /* differences kept for IXFR, default 16 */
	/* A catalog zone (RFC 9432) of the config's other zones that allow
	 * transfers, made by steerd: file is "CONFIG:LINE (catalog)", for
	 * messages only, and the serial unixtime. */
	bool catalog;
	unsigned line;
} st_conf_zone_t;

/* Does the zone take part in transfers (allow_transfer or notify given)? */
static inline bool st_conf_zone_transfers(const st_conf_zone_t *z)
{
	return z->n_allow_transfer > 0 || z->n_notify > 0;
}
/* Free what a zone entry holds (not the entry). */
void st_conf_zone_clear(st_conf_zone_t *z);
void st_conf_dnssec_clear(st_conf_dnssec_t *d);

typedef enum {
	ST_CHECK_HTTP,
	ST_CHECK_HTTPS,
	ST_CHECK_TCP,
	ST_CHECK_DNS,
	ST_CHECK_EXEC,
} st_check_type_t;

typedef struct st_status_range {
	uint16_t lo, hi;
} st_status_range_t;

typedef struct st_conf_check {
	char *name;
	st_check_type_t type;
	uint16_t port; /* 0: default for the type (80, 443, 53); tcp needs one */
	char *path;    /* http(s): default "/" */
	char *host;    /* http(s) Host header and TLS SNI; default: target address */
	st_status_range_t *expect_status; /* default one range 200-399 */
	size_t n_expect_status;
	char *expect_body; /* NULL: not checked; else substring in the first 5120 bytes */
	bool tls_verify;   /* https: default true */
	char *tls_ca_file; /* https: CA bundle; NULL = system default */
	char *dns_name;	   /* dns: name to query (default: the zone apex "."), presentation */
	uint16_t dns_type; /* dns: qtype, default A (1) */
	int dns_rcode;	   /* dns: expected rcode, default 0 */
	char *dns_expect;  /* dns: expected answer rdata in presentation form, NULL = any */
	char **exec_argv;  /* exec: argv, NULL-terminated */
	size_t exec_argc;
	uint64_t interval_ms; /* default 2000, minimum 100 */
	uint64_t timeout_ms;  /* default 1000, must be < interval */
	uint32_t rise, fall;  /* default 2, 2 */
	bool invert;	      /* up when the probes say down and down when they say up */
	/* "ADDR[:PORT]": probe this address instead of the endpoint's (something
	 * every endpoint using the check depends on); NULL: the endpoint's
	 * check_target or address. */
	char *target;
	unsigned line;
} st_conf_check_t;

/* Checks one endpoint may list (`check: [a, b]`). */
#define ST_CONF_MAX_ENDPOINT_CHECKS 32

typedef struct st_conf_endpoint {
	char *name;	 /* unique across all regions */
	uint32_t region; /* index into st_conf_t.regions */
	bool has_v4, has_v6;
	uint8_t addr4[4];   /* `address:` (IPv4) */
	uint8_t addr6[16];  /* `address6:` or an IPv6 `address:` */
	char *cname;	    /* `cname:` target, absolute presentation name, or NULL */
	uint32_t weight;    /* default 1 */
	uint32_t check;	    /* index into st_conf_t.checks, or ST_CONF_NONE (always healthy);
			       the first of `checks` */
	uint32_t *checks;   /* every check of the endpoint (`check: [web, db]`), in order */
	uint32_t n_checks;  /* 0: no check */
	uint32_t healthy_when; /* up checks needed for the endpoint to be up, 1..n_checks
				  (`all` = n_checks, `any` = 1) */
	char *check_target; /* "host:port" probe destination, or NULL (= address, check port) */
	/* The routed records of the cname's target, whose health the endpoint
	 * follows: A, AAAA and CNAME record indexes, ST_CONF_NONE when absent. */
	uint32_t cname_routed[3];
	unsigned line;
} st_conf_endpoint_t;

typedef enum {
	ST_SELECT_WEIGHTED,   /* one endpoint by weight among healthy */
	ST_SELECT_ALL,	      /* every healthy endpoint */
	ST_SELECT_MULTIVALUE, /* up to select_max healthy, random order */
} st_select_t;

/* `sticky:` weighted picks: the same client subnet (its first ipv4/ipv6
 * prefix bits) gets the same pick, by rendezvous hashing. */
typedef struct st_conf_sticky {
	bool on;	      /* default false */
	uint32_t ipv4_prefix; /* sticky_ipv4_prefix, default 24 */
	uint32_t ipv6_prefix; /* sticky_ipv6_prefix, default 56 */
} st_conf_sticky_t;

typedef struct st_conf_region {
	char *name;
	bool has_location;
	double lat, lon;      /* degrees */
	uint32_t dial;	      /* 0-100, default 100 */
	int32_t bias;	      /* -99..99, default 0 */
	st_select_t select;   /* default weighted */
	uint32_t select_max;  /* multivalue: default 8 */
	uint32_t min_healthy; /* default 1 */
	st_conf_sticky_t sticky; /* the weighted pick by the client's subnet */
	uint32_t *endpoints;  /* indices into st_conf_t.endpoints */
	size_t n_endpoints;
	unsigned line;
} st_conf_region_t;

typedef enum {
	ST_POLICY_SIMPLE,
	ST_POLICY_WEIGHTED,
	ST_POLICY_FAILOVER,
	ST_POLICY_MULTIVALUE,
	ST_POLICY_GEOLOCATION,
	ST_POLICY_GEOPROXIMITY,
	ST_POLICY_LATENCY,
	ST_POLICY_CIDR,
} st_policy_t;

typedef enum {
	ST_ALL_DOWN_ROUTE53, /* default: treat all as healthy and apply the policy */
	ST_ALL_DOWN_SERVFAIL,
	ST_ALL_DOWN_NODATA,
} st_all_down_t;

typedef struct st_conf_map_entry {
	st_map_key_t key; /* what it matches; key.text: "continent:EU", "country:DE",
			   * "subdivision:US-VA", "192.0.2.0/24", "2001:db8::/32", "default" */
	uint32_t region;  /* index into st_conf_t.regions, or a record (ST_CONF_RECORD) */
	unsigned line;
} st_conf_map_entry_t;

typedef struct st_conf_weight {
	char *name; /* a region, "@record" or an endpoint name */
	bool is_region; /* a region or a record (ST_CONF_RECORD in index), not an endpoint */
	uint32_t index; /* into regions (or records) or endpoints */
	uint32_t weight;
	unsigned line;
} st_conf_weight_t;

typedef struct st_conf_record {
	char *owner;   /* absolute, lower case, trailing dot */
	uint16_t type; /* 1 (A), 28 (AAAA) or 5 (CNAME) */
	uint32_t ttl;  /* default 20 */
	st_policy_t policy;
	uint32_t *regions; /* `regions:` list, in order: regions or records (ST_CONF_RECORD) */
	size_t n_regions;
	st_conf_map_entry_t *map;
	size_t n_map;
	st_conf_weight_t *weights;
	size_t n_weights;
	st_all_down_t on_all_down;
	st_conf_sticky_t sticky; /* weighted only: the record's picks and its regions' */
	uint64_t failover_budget_ms; /* 0: none */
	unsigned line;
} st_conf_record_t;

typedef enum {
	ST_STALE_LAST_KNOWN,
	ST_STALE_FAIL_OPEN,
} st_on_stale_t;

/* server.rrl: response rate limiting (limit/rrl.h). */
typedef struct st_conf_rrl {
	bool enabled;	      /* the section is given */
	uint32_t rate;	      /* responses per second per bucket, default 200 */
	uint32_t slip;	      /* every Nth limited response slips (TC=1); 0: drop all. Default 2 */
	uint32_t ipv4_prefix; /* client network length, default 24 */
	uint32_t ipv6_prefix; /* default 56 */
	uint32_t table_size;  /* buckets per UDP worker, default 65536 */
	st_prefix_t *exempt;  /* networks never limited */
	size_t n_exempt;
} st_conf_rrl_t;

/* fleet.quorum: how many of the live vantage points with a view of an
 * endpoint must see it up (fleet/quorum.h applies it). */
typedef enum {
	ST_QUORUM_MAJORITY = 0, /* down only when more than half see it down */
	ST_QUORUM_COUNT,	/* up when at least N see it up (all, when fewer vote) */
	ST_QUORUM_PERCENT,	/* up when at least P% see it up (at least one) */
} st_quorum_kind_t;

typedef struct st_quorum {
	st_quorum_kind_t kind;
	uint32_t n; /* COUNT: 1-1000; PERCENT: 1-100 */
} st_quorum_t;

/* Do two fleet: sections join the same fleet the same way (enabled, name,
 * etcd endpoints, prefix, view_ttl, TLS)? The quorum and stale_after may
 * differ: they are read from the current config. */
struct st_conf_fleet;
bool st_conf_same_fleet(const struct st_conf_fleet *a, const struct st_conf_fleet *b);

/* "majority", "2", "34%"; ST_EINVAL otherwise. */
int st_quorum_parse(const char *s, st_quorum_t *out);
/* Back to the text st_quorum_parse reads. */
void st_quorum_fmt(const st_quorum_t *q, char *buf, size_t len);

/* fleet: several nameservers and vantage points agreeing through etcd. */
typedef struct st_conf_fleet {
	bool enabled; /* the section is given: without it, one box as before */
	char *name;   /* this site: nameserver and vantage point (default: host name) */
	char **etcd;  /* client URLs, http:// or https:// */
	size_t n_etcd;
	char *prefix; /* key prefix, "/steerdns" by default, no trailing slash */
	st_quorum_t quorum;
	uint64_t view_ttl_ms;	 /* lease of this vantage point's view, whole seconds */
	uint64_t stale_after_ms; /* no word from etcd this long: own view */
	char *tls_ca_file, *tls_cert_file, *tls_key_file; /* https endpoints */
	unsigned line;
} st_conf_fleet_t;

typedef struct st_conf {
	char *path; /* the config file, or NULL when built from the command line */
	/* What the sites of a fleet compare to see drift: SHA-256 of the
	 * parsed file without the keys that differ by site (fleet.name,
	 * fleet.etcd, fleet.tls, health.source, server.listen, server.control,
	 * server.metrics): "sha256:" + 32 hex digits; "" without a file. */
	char digest[48];

	/* server: */
	st_sockaddr_t *listen; /* default: 127.0.0.1:53 and [::1]:53 */
	size_t n_listen;
	uint32_t workers;	      /* 0: one per CPU */
	char *control;		      /* UNIX socket path, or NULL (no control socket) */
	char *metrics;		      /* "ADDR:PORT", or NULL (no metrics) */
	char *state_dir;	      /* NULL: no persistence */
	uint32_t udp_max_payload;     /* EDNS payload cap, default 1232, 512..4096 */
	uint64_t tcp_idle_timeout_ms; /* default 10000 */
	uint64_t tcp_message_timeout_ms; /* default 2000 */
	uint32_t tcp_max_clients;     /* default 1024 */
	uint32_t coalesce_us;	      /* wait between wake-ups under steady load, default 200 */
	char *log_level;	      /* "info" default */
	st_conf_rrl_t rrl;	      /* response rate limiting, off unless given */
	bool cookies;		      /* DNS cookies (RFC 7873, RFC 9018), default false */
	char *identity;		      /* CHAOS id.server / hostname.bind; NULL: REFUSED */
	char *version;		      /* CHAOS version.server / version.bind; NULL: REFUSED */
	uint8_t *nsid;		      /* NSID option content (RFC 5001); NULL: none */
	uint8_t nsid_len;	      /* 1..ST_CONF_NSID_MAX */

	st_conf_tsig_t *tsig; /* keys, for transfers and NOTIFY */
	size_t n_tsig;

	st_conf_zone_t *zones;
	size_t n_zones;

	/* geo: */
	char *geo_database;    /* MMDB path or NULL */
	char *geo_coordinates; /* countries.csv path or NULL */
	char *geo_latency;     /* latency override YAML or NULL */

	/* health: */
	char *health_table;	 /* default "run/health.shm" relative to the config */
	uint64_t stale_after_ms; /* default 10000 */
	st_on_stale_t on_stale;
	bool has_health_source;	     /* health.source given */
	st_sockaddr_t health_source; /* probes leave from this address (port 0) */

	st_conf_fleet_t fleet;

	st_conf_check_t *checks;
	size_t n_checks;
	st_conf_region_t *regions;
	size_t n_regions;
	st_conf_endpoint_t *endpoints; /* every region's endpoints, flattened */
	size_t n_endpoints;
	st_conf_record_t *records;
	size_t n_records;
} st_conf_t;

/* A config for the command-line mode: the schema's defaults of the plain
 * values of server: and health: (numbers, durations, choices), no zones, no
 * listen address, no files. */
st_conf_t *st_conf_new(void);
void st_conf_free(st_conf_t *conf);

/* Parse and validate a YAML config file. On error returns ST_EPARSE/ST_ECONF
 * and sets diag to "file:line:column: what is wrong". Warnings (for example a
 * failover budget that cannot be met) are logged, not errors. */
int st_conf_load(const char *path, st_conf_t **out, st_diag_t *diag);
/* The same from text in memory (len bytes, no NUL needed); `name` stands for
 * the file in messages and relative paths. */
int st_conf_load_text(const char *name, const char *text, size_t len, st_conf_t **out,
		      st_diag_t *diag);

/* Command-line additions: "ADDR:PORT" and "NAME:FILE". */
int st_conf_add_listen(st_conf_t *conf, const char *addr, st_diag_t *diag);
int st_conf_add_zone(st_conf_t *conf, const char *name_colon_file, st_diag_t *diag);
/* The default listen addresses (those of server.listen) when none is set. */
int st_conf_default_listen(st_conf_t *conf, st_diag_t *diag);

/* A record's candidates, i < st_conf_candidates(r): `regions:` items, then
 * `map:` values, then `weights:` keys; each a region, a record
 * (ST_CONF_RECORD) or ST_CONF_NONE for a weight on a single endpoint. */
size_t st_conf_candidates(const st_conf_record_t *r);
uint32_t st_conf_candidate(const st_conf_record_t *r, size_t i);
/* Does r name another record ("@name") among its candidates? */
bool st_conf_record_nests(const st_conf_record_t *r);

/* Call fn for every endpoint record r can answer with, through the records
 * it nests (an endpoint may come more than once); stops when fn returns
 * true, and says whether it did. */
bool st_conf_record_each_endpoint(const st_conf_t *conf, const st_conf_record_t *r,
				  bool (*fn)(const st_conf_t *conf, uint32_t endpoint, void *arg),
				  void *arg);

/* Lookups by name (NULL/ST_CONF_NONE when absent). */
uint32_t st_conf_region_index(const st_conf_t *conf, const char *name);
uint32_t st_conf_endpoint_index(const st_conf_t *conf, const char *name);

/* An endpoint's healthy_when as written: "all", "any" or the number. */
void st_conf_healthy_when_fmt(const st_conf_endpoint_t *ep, char *buf, size_t len);

/* What a config writes for a choice ("weighted", "http", "nodata",
 * "unixtime"): read from the schema table that reads it. */
const char *st_policy_name(st_policy_t p);
const char *st_all_down_name(st_all_down_t a);
const char *st_check_type_name(st_check_type_t t);
const char *st_serial_policy_name(st_serial_policy_t s);

#endif
