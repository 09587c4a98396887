/* Control-plane state by name, and its file: one entry per line,
 *   steerd-state 1
 *   endpoint NAME drain|up|down
 *   region-drain NAME
 *   dial NAME PCT
 *   ramp NAME PCT FROM TO START_MS DURATION_MS
 *   ramp-stopped NAME AT_MS TEXT      (after the dial of NAME; TEXT to the end)
 * so that an operator can read it and a diff shows what changed. */
#include "ctl/state.h"
#include "common/enumname.h"
#include "common/file.h"
#include "common/number.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define STATE_MAGIC "steerd-state"
#define STATE_VERSION 1

st_ctl_state_t *st_ctl_state_new(void)
{
	return calloc(1, sizeof(st_ctl_state_t));
}

void st_ctl_state_clear(st_ctl_state_t *st)
{
	for (size_t i = 0; i < st->n_endpoints; i++)
		free(st->endpoints[i].name);
	for (size_t i = 0; i < st->n_regions; i++)
		free(st->regions[i]);
	for (size_t i = 0; i < st->n_dials; i++) {
		free(st->dials[i].name);
		free(st->dials[i].stopped);
	}
	free(st->endpoints);
	free(st->regions);
	free(st->dials);
	memset(st, 0, sizeof(*st));
}

void st_ctl_state_free(st_ctl_state_t *st)
{
	if (!st)
		return;
	st_ctl_state_clear(st);
	free(st);
}

const char *st_override_name(st_override_t ov)
{
	static const char *const names[] = {
	    [ST_OVERRIDE_DRAIN] = "drain", [ST_OVERRIDE_UP] = "up", [ST_OVERRIDE_DOWN] = "down"};
	return st_enum_name(names, ST_NELEMS(names), ov, "none");
}

bool st_override_parse(const char *s, st_override_t *out)
{
	static const st_override_t ovs[] = {ST_OVERRIDE_DRAIN, ST_OVERRIDE_UP, ST_OVERRIDE_DOWN};
	for (size_t i = 0; i < sizeof(ovs) / sizeof(ovs[0]); i++)
		if (strcmp(s, st_override_name(ovs[i])) == 0) {
			*out = ovs[i];
			return true;
		}
	return false;
}

/* Add an element (zeroed) to the array *pp of *n elements of `size` bytes,
 * with a copy of name in *copy: the new element, or NULL with nothing
 * changed when out of memory. */
static void *append(void *pp, size_t *n, size_t size, const char *name, char **copy)
{
	char *arr;
	memcpy(&arr, pp, sizeof(arr));
	*copy = strdup(name);
	char *p = *copy ? realloc(arr, (*n + 1) * size) : NULL;
	if (!p) {
		free(*copy);
		return NULL;
	}
	memcpy(pp, &p, sizeof(p));
	memset(p + *n * size, 0, size);
	return p + (*n)++ * size;
}

int st_ctl_state_set_endpoint(st_ctl_state_t *st, const char *name, st_override_t ov)
{
	for (size_t i = 0; i < st->n_endpoints; i++) {
		if (strcmp(st->endpoints[i].name, name) != 0)
			continue;
		if (ov != ST_OVERRIDE_NONE) {
			st->endpoints[i].ov = ov;
			return 0;
		}
		free(st->endpoints[i].name);
		st->endpoints[i] = st->endpoints[--st->n_endpoints];
		return 0;
	}
	if (ov == ST_OVERRIDE_NONE)
		return 0;
	char *copy;
	st_state_endpoint_t *e = append(&st->endpoints, &st->n_endpoints, sizeof(*e), name, &copy);
	if (!e)
		return ST_ENOMEM;
	*e = (st_state_endpoint_t){.name = copy, .ov = ov};
	return 0;
}

st_override_t st_ctl_state_endpoint(const st_ctl_state_t *st, const char *name)
{
	for (size_t i = 0; i < st->n_endpoints; i++)
		if (strcmp(st->endpoints[i].name, name) == 0)
			return st->endpoints[i].ov;
	return ST_OVERRIDE_NONE;
}

int st_ctl_state_set_region_drain(st_ctl_state_t *st, const char *name, bool drained)
{
	for (size_t i = 0; i < st->n_regions; i++) {
		if (strcmp(st->regions[i], name) != 0)
			continue;
		if (!drained) {
			free(st->regions[i]);
			st->regions[i] = st->regions[--st->n_regions];
		}
		return 0;
	}
	if (!drained)
		return 0;
	char *copy;
	char **r = append(&st->regions, &st->n_regions, sizeof(*r), name, &copy);
	if (!r)
		return ST_ENOMEM;
	*r = copy;
	return 0;
}

bool st_ctl_state_region_drained(const st_ctl_state_t *st, const char *name)
{
	for (size_t i = 0; i < st->n_regions; i++)
		if (strcmp(st->regions[i], name) == 0)
			return true;
	return false;
}

st_state_dial_t *st_ctl_state_dial(const st_ctl_state_t *st, const char *name)
{
	for (size_t i = 0; i < st->n_dials; i++)
		if (strcmp(st->dials[i].name, name) == 0)
			return &st->dials[i];
	return NULL;
}

int st_ctl_state_set_dial(st_ctl_state_t *st, const char *name, uint32_t dial,
			  const st_ramp_t *ramp)
{
	st_state_dial_t *d = st_ctl_state_dial(st, name);
	if (!d) {
		char *copy;
		if (!(d = append(&st->dials, &st->n_dials, sizeof(*d), name, &copy)))
			return ST_ENOMEM;
		d->name = copy;
	}
	d->dial = dial;
	d->ramping = ramp != NULL;
	if (ramp)
		d->ramp = *ramp;
	else
		memset(&d->ramp, 0, sizeof(d->ramp));
	free(d->stopped);
	d->stopped = NULL;
	d->stopped_ms = 0;
	return 0;
}

void st_ctl_state_clear_dial(st_ctl_state_t *st, const char *name)
{
	st_state_dial_t *d = st_ctl_state_dial(st, name);
	if (!d)
		return;
	free(d->name);
	free(d->stopped);
	*d = st->dials[--st->n_dials];
}

int st_ctl_state_note_stop(st_ctl_state_t *st, const char *name, uint64_t at_ms, const char *text)
{
	st_state_dial_t *d = st_ctl_state_dial(st, name);
	if (!d)
		return ST_ENOENT;
	char *copy = strdup(text);
	if (!copy)
		return ST_ENOMEM;
	/* one line in the file */
	for (char *c = copy; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	free(d->stopped);
	d->stopped = copy;
	d->stopped_ms = at_ms;
	return 0;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 255)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

int st_dial_parse(const char *s, uint32_t *out)
{
	char digits[8];
	size_t n = strlen(s);
	if (n && s[n - 1] == '%')
		n--;
	uint64_t v;
	if (n >= sizeof(digits))
		return ST_EINVAL;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (st_parse_u64(digits, 100, &v) < 0)
		return ST_EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* "NAME AT_MS TEXT": the text is the rest of the line. */
static int parse_stopped(st_ctl_state_t *st, char *rest, const char **why)
{
	char *save = NULL;
	char *name = strtok_r(rest, " \t", &save);
	char *at = name ? strtok_r(NULL, " \t", &save) : NULL;
	char *text = at ? save + strspn(save, " \t") : NULL;
	uint64_t at_ms;
	if (!text || !valid_name(name) || st_parse_u64(at, UINT64_MAX, &at_ms) < 0) {
		*why = "bad ramp-stopped (expected: ramp-stopped NAME AT_MS TEXT)";
		return ST_EPARSE;
	}
	text[strcspn(text, "\r\n")] = '\0';
	if (!*text) {
		*why = "ramp-stopped without a text";
		return ST_EPARSE;
	}
	int rc = st_ctl_state_note_stop(st, name, at_ms, text);
	if (rc == ST_ENOENT)
		*why = "ramp-stopped for a region without a dial line before it";
	return rc == ST_ENOENT ? ST_EPARSE : rc;
}

static int parse_line(st_ctl_state_t *st, char *line, bool *seen_magic, const char **why)
{
	char *tok[8];
	int n = 0;
	char *save = NULL;
	line += strspn(line, " \t");
	if (*line == '#')
		return 0;
	if (*seen_magic && strncmp(line, "ramp-stopped", 12) == 0 &&
	    (line[12] == ' ' || line[12] == '\t'))
		return parse_stopped(st, line + 12, why);
	for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 8) {
			*why = "too many fields";
			return ST_EPARSE;
		}
		tok[n++] = t;
	}
	if (n == 0)
		return 0;
	if (!*seen_magic) {
		uint64_t v;
		if (strcmp(tok[0], STATE_MAGIC) != 0 || n != 2 ||
		    st_parse_u64(tok[1], UINT64_MAX, &v) < 0) {
			*why = "not a steerd state file (expected \"" STATE_MAGIC " 1\")";
			return ST_EPARSE;
		}
		if (v != STATE_VERSION) {
			*why = "unsupported state file version";
			return ST_EPARSE;
		}
		*seen_magic = true;
		return 0;
	}
	if (n >= 2 && !valid_name(tok[1])) {
		*why = "bad name";
		return ST_EPARSE;
	}
	if (strcmp(tok[0], "endpoint") == 0 && n == 3) {
		st_override_t ov;
		if (!st_override_parse(tok[2], &ov)) {
			*why = "endpoint override must be drain, up or down";
			return ST_EPARSE;
		}
		return st_ctl_state_set_endpoint(st, tok[1], ov);
	}
	if (strcmp(tok[0], "region-drain") == 0 && n == 2)
		return st_ctl_state_set_region_drain(st, tok[1], true);
	if (strcmp(tok[0], "dial") == 0 && n == 3) {
		uint32_t pct;
		if (st_dial_parse(tok[2], &pct) < 0) {
			*why = "dial must be 0-100";
			return ST_EPARSE;
		}
		return st_ctl_state_set_dial(st, tok[1], pct, NULL);
	}
	if (strcmp(tok[0], "ramp") == 0 && n == 7) {
		uint32_t pct;
		st_ramp_t r;
		if (st_dial_parse(tok[2], &pct) < 0 || st_dial_parse(tok[3], &r.from) < 0 ||
		    st_dial_parse(tok[4], &r.to) < 0 ||
		    st_parse_u64(tok[5], UINT64_MAX, &r.start_ms) < 0 ||
		    st_parse_u64(tok[6], UINT64_MAX, &r.duration_ms) < 0 || r.duration_ms == 0) {
			*why = "bad ramp (expected: ramp NAME PCT FROM TO START_MS DURATION_MS)";
			return ST_EPARSE;
		}
		return st_ctl_state_set_dial(st, tok[1], pct, &r);
	}
	*why = "unknown or malformed entry";
	return ST_EPARSE;
}

int st_ctl_state_load(st_ctl_state_t *st, const char *path, st_diag_t *diag)
{
	st_ctl_state_clear(st);
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	if (orc < 0) {
		if (orc == ST_ENOENT)
			return 0;
		return st_diag_set(diag, orc, "%s: %s", path, st_strerror(orc));
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	bool seen_magic = false;
	int rc = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		const char *why = "out of memory";
		if (len > 1024)
			why = "line too long";
		else if (strlen(line) != (size_t)len)
			why = "NUL byte in line";
		else
			why = NULL;
		if (why) {
			rc = st_diag_set(diag, ST_EPARSE, "%s:%u: %s", path, lineno, why);
			break;
		}
		why = "out of memory";
		rc = parse_line(st, line, &seen_magic, &why);
		if (rc < 0) {
			rc = st_diag_set(diag, rc == ST_ENOMEM ? ST_ENOMEM : ST_EPARSE, "%s:%u: %s",
					 path, lineno, why);
			break;
		}
	}
	free(line);
	if (rc == 0 && ferror(f))
		rc = st_diag_set(diag, ST_EIO, "%s: read error", path);
	if (rc == 0 && !seen_magic && lineno > 0)
		rc = st_diag_set(diag, ST_EPARSE, "%s:1: not a steerd state file", path);
	fclose(f);
	if (rc < 0)
		st_ctl_state_clear(st);
	return rc;
}

static int state_fill(FILE *f, void *arg, st_diag_t *diag)
{
	(void)diag;
	const st_ctl_state_t *st = arg;
	fprintf(f, "%s %d\n# written by steerd: drains, forced states and dials (steerctl)\n",
		STATE_MAGIC, STATE_VERSION);
	for (size_t i = 0; i < st->n_endpoints; i++)
		fprintf(f, "endpoint %s %s\n", st->endpoints[i].name,
			st_override_name(st->endpoints[i].ov));
	for (size_t i = 0; i < st->n_regions; i++)
		fprintf(f, "region-drain %s\n", st->regions[i]);
	for (size_t i = 0; i < st->n_dials; i++) {
		const st_state_dial_t *d = &st->dials[i];
		if (d->ramping)
			fprintf(f,
				"ramp %s %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu64 " %" PRIu64
				"\n",
				d->name, d->dial, d->ramp.from, d->ramp.to, d->ramp.start_ms,
				d->ramp.duration_ms);
		else
			fprintf(f, "dial %s %" PRIu32 "\n", d->name, d->dial);
		if (d->stopped)
			fprintf(f, "ramp-stopped %s %" PRIu64 " %s\n", d->name, d->stopped_ms,
				d->stopped);
	}
	return 0;
}

int st_ctl_state_save(const st_ctl_state_t *st, const char *path, st_diag_t *diag)
{
	return st_file_replace(path, 0600, state_fill, (void *)st, diag);
}
