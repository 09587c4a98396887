/* JSON values of the fleet's keys, through jansson. */
#include "fleet/view.h"
#include "common/utf8.h"
#include "conf/conf.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *state_text(st_health_state_t s)
{
	return s == ST_HEALTH_DOWN ? "down" : (s == ST_HEALTH_UP ? "up" : "unknown");
}

static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

char *st_fleet_obs_encode(const st_fleet_obs_t *o)
{
	json_t *j = json_pack("{s:s,s:I,s:I}", "state", state_text(o->state), "rtt_us",
			      (json_int_t)o->rtt_us, "since", (json_int_t)o->since_ms);
	/* jansson takes only UTF-8, and a probe's message may be cut in the
	 * middle of a character: one that cannot be written must not keep the
	 * state from the fleet. */
	char error[ST_FLEET_ERROR_MAX];
	st_utf8_copy(error, sizeof(error), o->error);
	if (j && error[0] && json_object_set_new(j, "error", json_string(error)) != 0) {
		json_decref(j);
		return NULL;
	}
	return dump(j);
}

static json_t *load(const char *json, size_t len, st_diag_t *diag)
{
	json_error_t err;
	json_t *j = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		st_diag_set(diag, ST_EPARSE, "not JSON (%s)", err.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		st_diag_set(diag, ST_EPARSE, "not a JSON object");
		return NULL;
	}
	return j;
}

/* A non-negative integer member, 0 when absent. */
static int get_u64(json_t *j, const char *name, uint64_t max, uint64_t *out, st_diag_t *diag)
{
	json_t *v = json_object_get(j, name);
	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return st_diag_set(diag, ST_EPARSE, "\"%s\": expected an integer 0-%llu", name,
				   (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_str(json_t *j, const char *name, char *out, size_t len, st_diag_t *diag)
{
	json_t *v = json_object_get(j, name);
	out[0] = '\0';
	if (!v)
		return 0;
	if (!json_is_string(v))
		return st_diag_set(diag, ST_EPARSE, "\"%s\": expected a string", name);
	st_utf8_copy(out, len, json_string_value(v)); /* cut between characters */
	return 0;
}

static int get_state(json_t *j, const char *name, st_health_state_t *out, st_diag_t *diag)
{
	json_t *v = json_object_get(j, name);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	if (s && strcmp(s, "up") == 0)
		*out = ST_HEALTH_UP;
	else if (s && strcmp(s, "down") == 0)
		*out = ST_HEALTH_DOWN;
	else
		return st_diag_set(diag, ST_EPARSE, "\"%s\": expected \"up\" or \"down\"", name);
	return 0;
}

/* A member of a JSON object and the field of a struct it is read into:
 * a string into a char array of `size` bytes, an integer 0..max into a
 * uint32_t or uint64_t, or a health state ("up" or "down", required).
 * Absent strings and integers read as "" and 0. */
typedef enum { M_STR, M_U32, M_U64, M_STATE } member_kind_t;

typedef struct member {
	const char *name;
	member_kind_t kind;
	size_t at, size;
	uint64_t max;
} member_t;

#define MEMBER_STR(name, type, field)                                                              \
	{                                                                                          \
		name, M_STR, offsetof(type, field), sizeof(((type *)0)->field), 0                  \
	}

/* An object's members through the table into obj (zeroed first). */
static int decode(const char *json, size_t len, const member_t *m, size_t n, void *obj,
		  st_diag_t *diag)
{
	json_t *j = load(json, len, diag);
	if (!j)
		return ST_EPARSE;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *at = (char *)obj + m[i].at;
		uint64_t v = 0;
		switch (m[i].kind) {
		case M_STR:
			rc = get_str(j, m[i].name, at, m[i].size, diag);
			break;
		case M_U32:
			if ((rc = get_u64(j, m[i].name, m[i].max, &v, diag)) == 0)
				*(uint32_t *)(void *)at = (uint32_t)v;
			break;
		case M_U64:
			rc = get_u64(j, m[i].name, m[i].max, (uint64_t *)(void *)at, diag);
			break;
		case M_STATE:
			rc = get_state(j, m[i].name, (st_health_state_t *)(void *)at, diag);
			break;
		}
	}
	json_decref(j);
	return rc == 0 ? 0 : ST_EPARSE;
}

static const member_t obs_members[] = {
    {"state", M_STATE, offsetof(st_fleet_obs_t, state), 0, 0},
    {"rtt_us", M_U32, offsetof(st_fleet_obs_t, rtt_us), 0, UINT32_MAX},
    {"since", M_U64, offsetof(st_fleet_obs_t, since_ms), 0, UINT64_MAX >> 1},
    MEMBER_STR("error", st_fleet_obs_t, error),
};

int st_fleet_obs_decode(const char *json, size_t len, st_fleet_obs_t *out, st_diag_t *diag)
{
	st_fleet_obs_t o = {0};
	int rc =
	    decode(json, len, obs_members, sizeof(obs_members) / sizeof(obs_members[0]), &o, diag);
	if (rc == 0)
		*out = o;
	return rc;
}

char *st_fleet_member_encode(const st_fleet_member_t *m)
{
	return dump(json_pack("{s:s,s:s,s:I,s:I,s:I}", "version", m->version, "config", m->config,
			      "started", (json_int_t)m->started_ms, "generation",
			      (json_int_t)m->generation, "endpoints", (json_int_t)m->endpoints));
}

static const member_t member_members[] = {
    MEMBER_STR("version", st_fleet_member_t, version),
    MEMBER_STR("config", st_fleet_member_t, config),
    {"started", M_U64, offsetof(st_fleet_member_t, started_ms), 0, UINT64_MAX >> 1},
    {"generation", M_U64, offsetof(st_fleet_member_t, generation), 0, UINT64_MAX >> 1},
    {"endpoints", M_U32, offsetof(st_fleet_member_t, endpoints), 0, UINT32_MAX},
};

int st_fleet_member_decode(const char *json, size_t len, st_fleet_member_t *out, st_diag_t *diag)
{
	st_fleet_member_t m = {0};
	int rc = decode(json, len, member_members,
			sizeof(member_members) / sizeof(member_members[0]), &m, diag);
	if (rc == 0)
		*out = m;
	return rc;
}

char *st_fleet_key(const char *a, const char *b, const char *c)
{
	size_t len = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(len);
	if (s)
		snprintf(s, len, "%s%s%s", a, b, c);
	return s;
}

bool st_fleet_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n >= ST_FLEET_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool st_fleet_view_key_split(const char *rest, char *vantage, size_t len, const char **endpoint)
{
	const char *slash = strchr(rest, '/');
	if (!slash || slash == rest || !slash[1] || (size_t)(slash - rest) >= len)
		return false;
	memcpy(vantage, rest, (size_t)(slash - rest));
	vantage[slash - rest] = '\0';
	*endpoint = slash + 1;
	return st_fleet_name_valid(vantage);
}

int st_fleet_etcd_new(st_loop_t *loop, const st_conf_fleet_t *c, st_etcd_t **out, st_diag_t *diag)
{
	st_etcd_opts_t o = {.endpoints = (const char *const *)c->etcd,
			    .n_endpoints = c->n_etcd,
			    .ca_file = c->tls_ca_file,
			    .cert_file = c->tls_cert_file,
			    .key_file = c->tls_key_file};
	return st_etcd_new(loop, &o, out, diag);
}
