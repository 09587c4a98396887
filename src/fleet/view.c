/* JSON values of the fleet's keys, through jansson. */
#include "fleet/view.h"

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
	if (j && o->error[0] && json_object_set_new(j, "error", json_string(o->error)) != 0) {
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
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

int st_fleet_obs_decode(const char *json, size_t len, st_fleet_obs_t *out, st_diag_t *diag)
{
	json_t *j = load(json, len, diag);
	if (!j)
		return ST_EPARSE;
	st_fleet_obs_t o;
	memset(&o, 0, sizeof(o));
	int rc = 0;
	json_t *st = json_object_get(j, "state");
	const char *s = json_is_string(st) ? json_string_value(st) : NULL;
	if (s && strcmp(s, "up") == 0)
		o.state = ST_HEALTH_UP;
	else if (s && strcmp(s, "down") == 0)
		o.state = ST_HEALTH_DOWN;
	else
		rc = st_diag_set(diag, ST_EPARSE, "\"state\": expected \"up\" or \"down\"");
	uint64_t rtt = 0;
	if (rc == 0)
		rc = get_u64(j, "rtt_us", UINT32_MAX, &rtt, diag);
	if (rc == 0)
		rc = get_u64(j, "since", UINT64_MAX >> 1, &o.since_ms, diag);
	if (rc == 0)
		rc = get_str(j, "error", o.error, sizeof(o.error), diag);
	json_decref(j);
	if (rc != 0)
		return ST_EPARSE;
	o.rtt_us = (uint32_t)rtt;
	*out = o;
	return 0;
}

char *st_fleet_member_encode(const st_fleet_member_t *m)
{
	return dump(json_pack("{s:s,s:s,s:I,s:I,s:I}", "version", m->version, "config", m->config,
			      "started", (json_int_t)m->started_ms, "generation",
			      (json_int_t)m->generation, "endpoints", (json_int_t)m->endpoints));
}

int st_fleet_member_decode(const char *json, size_t len, st_fleet_member_t *out, st_diag_t *diag)
{
	json_t *j = load(json, len, diag);
	if (!j)
		return ST_EPARSE;
	st_fleet_member_t m;
	memset(&m, 0, sizeof(m));
	uint64_t eps = 0;
	int rc = get_str(j, "version", m.version, sizeof(m.version), diag);
	if (rc == 0)
		rc = get_str(j, "config", m.config, sizeof(m.config), diag);
	if (rc == 0)
		rc = get_u64(j, "started", UINT64_MAX >> 1, &m.started_ms, diag);
	if (rc == 0)
		rc = get_u64(j, "generation", UINT64_MAX >> 1, &m.generation, diag);
	if (rc == 0)
		rc = get_u64(j, "endpoints", UINT32_MAX, &eps, diag);
	json_decref(j);
	if (rc != 0)
		return ST_EPARSE;
	m.endpoints = (uint32_t)eps;
	*out = m;
	return 0;
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
