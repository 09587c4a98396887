/* Config objects: defaults, command-line additions, lookups. The YAML
 * loader (conf/load.c) fills the same struct through the schema table,
 * whose rows are also where the defaults here come from. */
#include "conf/conf.h"
#include "conf/load.h"
#include "common/strv.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

st_conf_t *st_conf_new(void)
{
	st_conf_t *conf = calloc(1, sizeof(*conf));
	st_diag_t diag;
	if (conf && st_load_defaults(conf, &diag) != 0) {
		st_conf_free(conf);
		return NULL;
	}
	return conf;
}

static void free_check(st_conf_check_t *c)
{
	free(c->name);
	free(c->path);
	free(c->host);
	free(c->expect_status);
	free(c->expect_body);
	free(c->tls_ca_file);
	free(c->dns_name);
	free(c->dns_expect);
	free(c->target);
	st_strv_free(c->exec_argv, c->exec_argc);
}

static void free_record(st_conf_record_t *r)
{
	free(r->owner);
	free(r->regions);
	free(r->map);
	for (size_t i = 0; i < r->n_weights; i++)
		free(r->weights[i].name);
	free(r->weights);
}

void st_conf_free(st_conf_t *conf)
{
	if (!conf)
		return;
	free(conf->path);
	free(conf->listen);
	free(conf->control);
	free(conf->metrics);
	free(conf->state_dir);
	free(conf->log_level);
	free(conf->identity);
	free(conf->version);
	free(conf->nsid);
	free(conf->rrl.exempt);
	for (size_t i = 0; i < conf->n_zones; i++)
		st_conf_zone_clear(&conf->zones[i]);
	for (size_t i = 0; i < conf->n_tsig; i++) {
		free(conf->tsig[i].name);
		if (conf->tsig[i].secret)
			OPENSSL_cleanse(conf->tsig[i].secret, conf->tsig[i].secret_len);
		free(conf->tsig[i].secret);
	}
	free(conf->tsig);
	free(conf->zones);
	free(conf->geo_database);
	free(conf->geo_coordinates);
	free(conf->geo_latency);
	free(conf->health_table);
	free(conf->fleet.name);
	st_strv_free(conf->fleet.etcd, conf->fleet.n_etcd);
	free(conf->fleet.prefix);
	free(conf->fleet.tls_ca_file);
	free(conf->fleet.tls_cert_file);
	free(conf->fleet.tls_key_file);
	for (size_t i = 0; i < conf->n_checks; i++)
		free_check(&conf->checks[i]);
	free(conf->checks);
	for (size_t i = 0; i < conf->n_regions; i++) {
		free(conf->regions[i].name);
		free(conf->regions[i].endpoints);
	}
	free(conf->regions);
	for (size_t i = 0; i < conf->n_endpoints; i++) {
		free(conf->endpoints[i].name);
		free(conf->endpoints[i].cname);
		free(conf->endpoints[i].check_target);
		free(conf->endpoints[i].checks);
	}
	free(conf->endpoints);
	for (size_t i = 0; i < conf->n_records; i++)
		free_record(&conf->records[i]);
	free(conf->records);
	free(conf);
}

int st_conf_add_listen(st_conf_t *conf, const char *addr, st_diag_t *diag)
{
	st_sockaddr_t sa;
	if (st_sockaddr_parse(addr, 53, &sa) != 0)
		return st_diag_set(diag, ST_ECONF,
				   "listen address '%s' is not ADDR:PORT or [ADDR6]:PORT", addr);
	st_sockaddr_t *n = realloc(conf->listen, (conf->n_listen + 1) * sizeof(*n));
	if (!n)
		return ST_ENOMEM;
	n[conf->n_listen++] = sa;
	conf->listen = n;
	return 0;
}

int st_conf_default_listen(st_conf_t *conf, st_diag_t *diag)
{
	if (conf->n_listen > 0)
		return 0;
	const st_item_t *listen =
	    &st_server_table.items[st_schema_index(&st_server_table, "listen")];
	st_ctx_t ctx = {.file = "built-in default", .conf = conf, .diag = diag};
	return st_schema_default(&ctx, listen, conf);
}

/* Normalise a zone name to lower case with one trailing dot. */
static char *zone_name_norm(const char *s, size_t len)
{
	char *out = malloc(len + 2);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	if (len == 0 || out[len - 1] != '.')
		out[len++] = '.';
	out[len] = '\0';
	return out;
}

void st_conf_zone_clear(st_conf_zone_t *z)
{
	free(z->name);
	free(z->file);
	free(z->allow_transfer);
	free(z->notify);
	st_conf_dnssec_clear(z->dnssec);
	free(z->dnssec);
}

void st_conf_dnssec_clear(st_conf_dnssec_t *d)
{
	if (d)
		free(d->keys);
}

int st_conf_add_zone(st_conf_t *conf, const char *name_colon_file, st_diag_t *diag)
{
	const char *colon = strchr(name_colon_file, ':');
	if (!colon || colon == name_colon_file || colon[1] == '\0')
		return st_diag_set(diag, ST_ECONF, "zone '%s' is not NAME:FILE", name_colon_file);
	st_conf_zone_t *n = realloc(conf->zones, (conf->n_zones + 1) * sizeof(*n));
	if (!n)
		return ST_ENOMEM;
	conf->zones = n;
	st_conf_zone_t *z = &conf->zones[conf->n_zones];
	memset(z, 0, sizeof(*z));
	z->name = zone_name_norm(name_colon_file, (size_t)(colon - name_colon_file));
	z->file = strdup(colon + 1);
	if (!z->name || !z->file) {
		free(z->name);
		free(z->file);
		return ST_ENOMEM;
	}
	for (size_t i = 0; i < conf->n_zones; i++) {
		if (strcmp(conf->zones[i].name, z->name) == 0) {
			int rc = st_diag_set(diag, ST_ECONF, "zone %s is given twice", z->name);
			free(z->name);
			free(z->file);
			return rc;
		}
	}
	conf->n_zones++;
	return 0;
}

uint32_t st_conf_region_index(const st_conf_t *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_regions; i++)
		if (strcmp(conf->regions[i].name, name) == 0)
			return (uint32_t)i;
	return ST_CONF_NONE;
}

uint32_t st_conf_endpoint_index(const st_conf_t *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_endpoints; i++)
		if (strcmp(conf->endpoints[i].name, name) == 0)
			return (uint32_t)i;
	return ST_CONF_NONE;
}

void st_conf_healthy_when_fmt(const st_conf_endpoint_t *ep, char *buf, size_t len)
{
	if (ep->healthy_when >= ep->n_checks)
		snprintf(buf, len, "all");
	else if (ep->healthy_when <= 1)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%u", ep->healthy_when);
}
