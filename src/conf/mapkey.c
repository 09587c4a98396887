/* Map keys: locations by ISO 3166 code, networks, the default. */
#include "conf/mapkey.h"
#include "common/errors.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return ST_EINVAL;
}

/* A country code: two letters, and one that databases return. */
static int country(const char *s, size_t n, const char *key, uint16_t *out, char *why, size_t len)
{
	uint16_t code = st_code_parse(s, n);
	if (!code)
		return fail(why, len, "a country is two letters (ISO 3166-1), e.g. %s:DE", key);
	if (st_country_known(code)) {
		*out = code;
		return 0;
	}
	uint16_t meant = st_country_meant(code);
	if (meant)
		return fail(why, len,
			    "%c%c is not an ISO 3166-1 country code, so no client ever matches "
			    "it; did you mean %c%c?",
			    code >> 8, code & 0xff, meant >> 8, meant & 0xff);
	return fail(why, len,
		    "%c%c is not an ISO 3166-1 country code, so no client ever matches it",
		    code >> 8, code & 0xff);
}

static int subdivision(const char *p, st_map_key_t *out, char *why, size_t len)
{
	size_t n = strlen(p), sub = n >= 3 ? n - 3 : 0;
	bool ok = n >= 4 && p[2] == '-' && sub >= 1 && sub <= 3;
	for (size_t i = 3; ok && i < n; i++)
		ok = (p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z') ||
		     (p[i] >= '0' && p[i] <= '9');
	if (!ok || !st_code_parse(p, 2))
		return fail(why, len,
			    "a subdivision is COUNTRY-CODE (ISO 3166-2), e.g. subdivision:US-VA");
	int rc = country(p, 2, "subdivision", &out->code, why, len);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < sub; i++)
		out->sub[i] = (char)(p[3 + i] >= 'a' && p[3 + i] <= 'z' ? p[3 + i] - 32 : p[3 + i]);
	out->sub[sub] = '\0';
	char cc[3] = {(char)(out->code >> 8), (char)out->code, '\0'};
	if (st_subdivision_known(out->code, out->sub))
		return 0;
	const char *all = st_subdivisions_of(out->code);
	if (!all)
		return fail(why, len,
			    "ISO 3166-2 lists no subdivisions of %s, so no client ever matches it; "
			    "use country:%s",
			    cc, cc);
	/* The first few codes, for a sense of what they look like. */
	char some[80] = "";
	const char *q = all;
	for (int i = 0; i < 5 && *q; i++) {
		size_t l = strcspn(q, " "), at = strlen(some);
		snprintf(some + at, sizeof(some) - at, "%s%s-%.*s", i ? ", " : "", cc, (int)l, q);
		q += l + (q[l] == ' ');
	}
	return fail(why, len,
		    "%s is not an ISO 3166-2 subdivision of %s, so no client ever matches it "
		    "(%s has %s%s)",
		    out->sub, cc, cc, some, *q ? ", ..." : "");
}

static int network(const char *s, st_map_key_t *out, char *why, size_t len)
{
	const char *slash = strchr(s, '/');
	char addr[64];
	size_t alen = (size_t)(slash - s);
	if (alen >= sizeof(addr))
		return fail(why, len, "the address part is too long");
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	int family;
	uint8_t bytes[16];
	if (st_addr_parse(addr, &family, bytes) != 0)
		return fail(why, len, "the address part is not an IPv4 or IPv6 address");
	int rc = st_prefix_parse(s, false, &out->net);
	if (rc == ST_ERANGE)
		return fail(why, len, "the address has bits set past the prefix length");
	if (rc != 0)
		return fail(why, len, "%s",
			    family == AF_INET ? "the prefix length must be 0-32"
					      : "the prefix length must be 0-128");
	out->kind = ST_MAP_NETWORK;
	st_prefix_str(&out->net, out->text, sizeof(out->text));
	return 0;
}

int st_map_key_parse(const char *s, st_map_key_t *out, char *why, size_t len)
{
	memset(out, 0, sizeof(*out));
	int rc;
	if (strcmp(s, "default") == 0) {
		out->kind = ST_MAP_DEFAULT;
		snprintf(out->text, sizeof(out->text), "default");
		return 0;
	}
	if (strncmp(s, "continent:", 10) == 0) {
		out->kind = ST_MAP_CONTINENT;
		out->code = st_code_parse(s + 10, strlen(s + 10));
		if (!st_continent_known(out->code))
			return fail(why, len, "continent codes are " ST_CONTINENTS);
		snprintf(out->text, sizeof(out->text), "continent:%c%c", out->code >> 8,
			 out->code & 0xff);
		return 0;
	}
	if (strncmp(s, "country:", 8) == 0) {
		out->kind = ST_MAP_COUNTRY;
		if ((rc = country(s + 8, strlen(s + 8), "country", &out->code, why, len)) != 0)
			return rc;
		snprintf(out->text, sizeof(out->text), "country:%c%c", out->code >> 8,
			 out->code & 0xff);
		return 0;
	}
	if (strncmp(s, "subdivision:", 12) == 0) {
		out->kind = ST_MAP_SUBDIVISION;
		if ((rc = subdivision(s + 12, out, why, len)) != 0)
			return rc;
		snprintf(out->text, sizeof(out->text), "subdivision:%c%c-%s", out->code >> 8,
			 out->code & 0xff, out->sub);
		return 0;
	}
	if (strchr(s, '/'))
		return network(s, out, why, len);
	return fail(why, len,
		    "write continent:EU, country:DE, subdivision:US-VA, a prefix such as "
		    "192.0.2.0/24, or default");
}
