/* The control state as JSON values under etcd keys, and back. */
#include "ctl/shared.h"
#include "fleet/view.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENDPOINTS "overrides/endpoints/"
#define REGIONS "overrides/regions/"
#define DIALS "dials/"

static char *dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static char *key_of(const char *prefix, const char *name)
{
	return st_fleet_key(prefix, name, "");
}

int st_ctl_dial_kv(const st_state_dial_t *d, char **key, char **value)
{
	/* a ramp is written as its definition, not as the dial of the moment */
	json_t *o = json_pack("{s:I}", "dial", (json_int_t)(d->ramping ? d->ramp.from : d->dial));
	if (o && d->ramping)
		json_object_set_new(o, "ramp",
				    json_pack("{s:I,s:I,s:I,s:I}", "from", (json_int_t)d->ramp.from,
					      "to", (json_int_t)d->ramp.to, "start_ms",
					      (json_int_t)d->ramp.start_ms, "duration_ms",
					      (json_int_t)d->ramp.duration_ms));
	if (o && d->stopped)
		json_object_set_new(
		    o, "stopped",
		    json_pack("{s:I,s:s}", "at_ms", (json_int_t)d->stopped_ms, "text", d->stopped));
	*value = dump(o);
	*key = key_of(DIALS, d->name);
	if (*key && *value)
		return 0;
	free(*key);
	free(*value);
	return ST_ENOMEM;
}

static int add(st_ctl_kvs_t *out, char *key, char *value)
{
	if (!key || !value) {
		free(key);
		free(value);
		return ST_ENOMEM;
	}
	char **k = realloc(out->keys, (out->n + 1) * sizeof(*k));
	if (k)
		out->keys = k;
	char **v = k ? realloc(out->values, (out->n + 1) * sizeof(*v)) : NULL;
	if (v)
		out->values = v;
	if (!k || !v) {
		free(key);
		free(value);
		return ST_ENOMEM;
	}
	out->keys[out->n] = key;
	out->values[out->n] = value;
	out->n++;
	return 0;
}

int st_ctl_state_kvs(const st_ctl_state_t *st, st_ctl_kvs_t *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < st->n_endpoints; i++)
		rc = add(
		    out, key_of(ENDPOINTS, st->endpoints[i].name),
		    dump(json_pack("{s:s}", "override", st_override_name(st->endpoints[i].ov))));
	for (size_t i = 0; rc == 0 && i < st->n_regions; i++)
		rc =
		    add(out, key_of(REGIONS, st->regions[i]), dump(json_pack("{s:b}", "drain", 1)));
	for (size_t i = 0; rc == 0 && i < st->n_dials; i++) {
		char *k, *v;
		rc = st_ctl_dial_kv(&st->dials[i], &k, &v);
		if (rc == 0)
			rc = add(out, k, v);
	}
	if (rc != 0) {
		st_ctl_kvs_free(out);
		return rc;
	}
	/* sorted by key: insertion sort keeps keys and values together */
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && strcmp(out->keys[j - 1], out->keys[j]) > 0; j--) {
			char *t = out->keys[j];
			out->keys[j] = out->keys[j - 1];
			out->keys[j - 1] = t;
			t = out->values[j];
			out->values[j] = out->values[j - 1];
			out->values[j - 1] = t;
		}
	return 0;
}

void st_ctl_kvs_free(st_ctl_kvs_t *kvs)
{
	for (size_t i = 0; i < kvs->n; i++) {
		free(kvs->keys[i]);
		free(kvs->values[i]);
	}
	free(kvs->keys);
	free(kvs->values);
	memset(kvs, 0, sizeof(*kvs));
}

static int u32_in(json_t *o, const char *name, uint32_t max, uint32_t *out)
{
	json_t *v = json_object_get(o, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return ST_EPARSE;
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int u64_in(json_t *o, const char *name, uint64_t *out)
{
	json_t *v = json_object_get(o, name);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return ST_EPARSE;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int apply_dial(st_ctl_state_t *st, const char *name, json_t *o, uint64_t now_ms)
{
	uint32_t dial;
	if (u32_in(o, "dial", 100, &dial) != 0)
		return ST_EPARSE;
	json_t *r = json_object_get(o, "ramp");
	st_ramp_t ramp;
	int rc;
	if (r) {
		if (!json_is_object(r) || u32_in(r, "from", 100, &ramp.from) != 0 ||
		    u32_in(r, "to", 100, &ramp.to) != 0 ||
		    u64_in(r, "start_ms", &ramp.start_ms) != 0 ||
		    u64_in(r, "duration_ms", &ramp.duration_ms) != 0 || ramp.duration_ms == 0)
			return ST_EPARSE;
		rc = st_ctl_state_set_dial(st, name, st_ramp_value(&ramp, now_ms), &ramp);
	} else {
		rc = st_ctl_state_set_dial(st, name, dial, NULL);
	}
	json_t *s = json_object_get(o, "stopped");
	if (rc == 0 && s) {
		uint64_t at;
		json_t *text = json_object_get(s, "text");
		if (!json_is_object(s) || u64_in(s, "at_ms", &at) != 0 || !json_is_string(text))
			return ST_EPARSE;
		rc = st_ctl_state_note_stop(st, name, at, json_string_value(text));
	}
	return rc;
}

int st_ctl_state_apply_kv(st_ctl_state_t *st, const char *key, const char *value, uint64_t now_ms,
			  st_diag_t *diag)
{
	const char *name;
	enum { EP, REGION, DIAL } kind;
	if (strncmp(key, ENDPOINTS, strlen(ENDPOINTS)) == 0) {
		kind = EP;
		name = key + strlen(ENDPOINTS);
	} else if (strncmp(key, REGIONS, strlen(REGIONS)) == 0) {
		kind = REGION;
		name = key + strlen(REGIONS);
	} else if (strncmp(key, DIALS, strlen(DIALS)) == 0) {
		kind = DIAL;
		name = key + strlen(DIALS);
	} else {
		return 0;
	}
	if (!*name || strchr(name, '/') || strlen(name) > 255)
		return 0;
	if (!value) {
		if (kind == EP)
			return st_ctl_state_set_endpoint(st, name, ST_OVERRIDE_NONE);
		if (kind == REGION)
			return st_ctl_state_set_region_drain(st, name, false);
		st_ctl_state_clear_dial(st, name);
		return 0;
	}
	json_error_t err;
	json_t *o = json_loads(value, JSON_REJECT_DUPLICATES, &err);
	int rc = ST_EPARSE;
	if (json_is_object(o)) {
		if (kind == EP) {
			json_t *ov = json_object_get(o, "override");
			const char *s = json_is_string(ov) ? json_string_value(ov) : "";
			st_override_t v;
			if (st_override_parse(s, &v))
				rc = st_ctl_state_set_endpoint(st, name, v);
		} else if (kind == REGION) {
			rc = st_ctl_state_set_region_drain(
			    st, name, json_is_true(json_object_get(o, "drain")));
		} else {
			rc = apply_dial(st, name, o, now_ms);
		}
	}
	json_decref(o);
	if (rc == ST_EPARSE)
		return st_diag_set(diag, ST_EPARSE, "%s: a value this version cannot read (%.200s)",
				   key, value);
	return rc;
}
