/* Route 53 health checks -> checks: of steerd.yaml, and the check fields of
 * the endpoints that use them. Route 53's rules kept: a status of 2xx or
 * 3xx passes (steercheck's default), the search string must be in the
 * first 5,120 bytes (as expect_body), HTTPS certificates are not verified,
 * the FailureThreshold counts both ways (rise and fall), and a TCP check
 * has ten seconds to connect, an HTTP one four to connect and two to
 * answer (the timeout, kept under the interval); Inverted is `invert`. A
 * CALCULATED check becomes its children, listed by the endpoint with
 * healthy_when: HealthThreshold, each child probing its IPAddress (target:,
 * since the children of one endpoint probe different addresses). */
#include "import/internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool kind_http(const char *t)
{
	return !strcmp(t, "HTTP") || !strcmp(t, "HTTP_STR_MATCH");
}

static bool kind_https(const char *t)
{
	return !strcmp(t, "HTTPS") || !strcmp(t, "HTTPS_STR_MATCH");
}

static bool calculated(const r53_check_t *h)
{
	return h->type && !strcmp(h->type, "CALCULATED");
}

static const char *unconvertible(r53_conv_t *cv, const r53_check_t *h);

/* Child i of a CALCULATED check, or NULL when the --health-checks file
 * does not have it. */
static r53_check_t *child_of(r53_conv_t *cv, const r53_check_t *h, size_t i)
{
	uint32_t k = st_nameset_get(&cv->check_ids, h->children[i]);
	return k == UINT32_MAX ? NULL : &cv->in->checks[k];
}

/* Why a CALCULATED check cannot be converted (into the endpoint's checks
 * [child, ...] with healthy_when: HealthThreshold, each child probing its
 * own address as target:), or NULL. */
static const char *calculated_unconvertible(r53_conv_t *cv, const r53_check_t *h, char *why,
					    size_t len)
{
	if (h->inverted)
		return "an inverted CALCULATED check is not convertible (steerd inverts single "
		       "checks, not a count of them)";
	if (h->n_children == 0)
		return "a CALCULATED check without ChildHealthChecks";
	if (h->n_children > ST_CONF_MAX_ENDPOINT_CHECKS)
		return "a CALCULATED check with more children than an endpoint may list checks";
	if (h->health_threshold < 1 || (uint64_t)h->health_threshold > h->n_children)
		return "a CALCULATED check whose HealthThreshold is not 1 to its number of "
		       "children (0: Route 53 counts it healthy; more: never healthy)";
	for (size_t i = 0; i < h->n_children; i++) {
		const r53_check_t *c = child_of(cv, h, i);
		const char *cwhy = !c		   ? "is not in the --health-checks file"
				   : calculated(c) ? "is CALCULATED too"
						   : unconvertible(cv, c);
		if (!cwhy && !c->ip)
			cwhy = "names only a domain name (steercheck probes addresses)";
		if (cwhy) {
			snprintf(why, len, "a CALCULATED check whose child %s %s", h->children[i],
				 cwhy);
			return why;
		}
	}
	return NULL;
}

/* Why this check cannot be converted, or NULL. */
static const char *unconvertible(r53_conv_t *cv, const r53_check_t *h)
{
	static char why[512];
	if (!h->type)
		return "its HealthCheckConfig has no Type or a field of the wrong JSON type";
	if (calculated(h))
		return calculated_unconvertible(cv, h, why, sizeof(why));
	if (!strcmp(h->type, "CLOUDWATCH_METRIC"))
		return "a CLOUDWATCH_METRIC check (from a CloudWatch alarm) is not convertible";
	if (!strcmp(h->type, "RECOVERY_CONTROL"))
		return "a RECOVERY_CONTROL check (an Application Recovery Controller routing "
		       "control) is not convertible";
	if (!kind_http(h->type) && !kind_https(h->type) && strcmp(h->type, "TCP") != 0)
		return "an unknown Type";
	if (!h->ip && !h->fqdn)
		return "it has neither IPAddress nor FullyQualifiedDomainName";
	if (!strcmp(h->type, "TCP") && h->port <= 0)
		return "a TCP check without a Port";
	if (h->port < 0 || h->port > 65535)
		return "Port is not 1-65535";
	if (h->interval < 1 || h->interval > 3600)
		return "RequestInterval is not 1-3600 seconds";
	if (h->threshold < 1 || h->threshold > 100)
		return "FailureThreshold is not 1-100";
	uint8_t buf[16];
	if (h->ip && inet_pton(AF_INET, h->ip, buf) != 1 && inet_pton(AF_INET6, h->ip, buf) != 1)
		return "IPAddress is not an IPv4 or IPv6 address";
	return NULL;
}

/* "hc-" and the id (a UUID), in the characters names may hold. */
static int name_check(r53_check_t *h)
{
	if (h->name)
		return 0;
	size_t n = strlen(h->id);
	h->name = malloc(n + 4);
	if (!h->name)
		return ST_ENOMEM;
	memcpy(h->name, "hc-", 3);
	for (size_t k = 0; k <= n; k++) {
		char c = h->id[k];
		bool ok = c == '\0' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
		h->name[3 + k] = ok ? c : '-';
	}
	if (n + 3 > 63)
		h->name[63] = '\0';
	return 0;
}

r53_check_t *r53_check_use(r53_conv_t *cv, const char *id, const char *user)
{
	if (!id)
		return NULL;
	uint32_t i = st_nameset_get(&cv->check_ids, id);
	if (i == UINT32_MAX) {
		r53_warn(cv,
			 "%s: health check %s is not in the --health-checks file: imported "
			 "without a health check (always healthy)",
			 user, id);
		return NULL;
	}
	r53_check_t *h = &cv->in->checks[i];
	if (h->state < 0) {
		const char *why = unconvertible(cv, h);
		h->state = why != NULL;
		if (why) {
			st_buf_printf(cv->report, "not converted: health check %s: %s\n", h->id,
				      why);
			cv->n_dropped++;
		} else if (name_check(h) != 0) {
			return NULL;
		}
		/* A CALCULATED check's children become the endpoint's checks. */
		for (size_t k = 0; !why && calculated(h) && k < h->n_children; k++) {
			r53_check_t *c = child_of(cv, h, k);
			if (name_check(c) != 0)
				return NULL;
			if (c->state < 0 && c->disabled)
				r53_warn(cv,
					 "health check %s is disabled: Route 53 counts it healthy, "
					 "steercheck will check it",
					 c->id);
			c->state = 0;
			c->used = c->child = true;
		}
		if (!why && h->disabled)
			r53_warn(cv,
				 "health check %s is disabled: Route 53 counts its endpoints "
				 "healthy, steercheck will check them",
				 h->id);
	}
	if (h->state != 0) {
		r53_warn(cv,
			 "%s: imported without its health check %s (see above): always "
			 "healthy",
			 user, id);
		return NULL;
	}
	h->used = !calculated(h); /* a CALCULATED check is written as its children */
	return h;
}

static uint16_t port_of(const r53_check_t *h)
{
	if (h->port > 0)
		return (uint16_t)h->port;
	return kind_https(h->type) ? 443 : 80;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" of the check's IPAddress, quoted. */
static void put_target(st_buf_t *y, const r53_check_t *h)
{
	bool v6 = strchr(h->ip, ':') != NULL;
	st_buf_printf(y, "\"%s%s%s:%u\"", v6 ? "[" : "", h->ip, v6 ? "]" : "", port_of(h));
}

void r53_check_yaml(st_buf_t *y, const r53_check_t *h)
{
	bool https = kind_https(h->type), tcp = !strcmp(h->type, "TCP");
	st_buf_printf(y, "  %s:\n    type: %s\n    port: %u\n", h->name,
		      tcp     ? "tcp"
		      : https ? "https"
			      : "http",
		      port_of(h));
	if (!tcp) {
		st_buf_puts(y, "    path: ");
		st_buf_json_str(y, h->path && h->path[0] ? h->path : "/");
		st_buf_puts(y, "\n");
		if (h->fqdn) {
			st_buf_puts(y, "    host: ");
			st_buf_json_str(y, h->fqdn);
			st_buf_puts(y, "\n");
		}
		if (h->search && strstr(h->type, "STR_MATCH")) {
			st_buf_puts(y, "    expect_body: ");
			st_buf_json_str(y, h->search);
			st_buf_puts(y, "\n");
		}
		if (https)
			st_buf_puts(y, "    tls_verify: false\n");
	}
	int64_t limit = tcp ? 10 : 6, timeout = h->interval - 1 < limit ? h->interval - 1 : limit;
	if (timeout < 1)
		st_buf_printf(y, "    interval: %llds\n    timeout: 500ms\n",
			      (long long)h->interval);
	else
		st_buf_printf(y, "    interval: %llds\n    timeout: %llds\n",
			      (long long)h->interval, (long long)timeout);
	st_buf_printf(y, "    rise: %lld\n    fall: %lld\n", (long long)h->threshold,
		      (long long)h->threshold);
	if (h->inverted)
		st_buf_puts(y, "    invert: true\n");
	if (h->child) { /* it probes its own address, whichever endpoint lists it */
		st_buf_puts(y, "    target: ");
		put_target(y, h);
		st_buf_puts(y, "\n");
	}
}

bool r53_check_endpoint(r53_conv_t *cv, st_buf_t *y, const r53_check_t *h, bool has_address,
			const char *endpoint)
{
	if (calculated(h)) {
		st_buf_puts(y, ", check: [");
		for (size_t i = 0; i < h->n_children; i++)
			st_buf_printf(y, "%s%s", i ? ", " : "", child_of(cv, h, i)->name);
		st_buf_printf(y, "], healthy_when: %lld", (long long)h->health_threshold);
		return true;
	}
	if (h->ip) {
		st_buf_printf(y, ", check: %s, check_target: ", h->name);
		put_target(y, h);
		return true;
	}
	if (!has_address) {
		r53_warn(cv,
			 "endpoint %s: health check %s names only %s, and steercheck probes "
			 "addresses: the endpoint has no address, so it is imported without "
			 "the check",
			 endpoint, h->id, h->fqdn);
		return false;
	}
	r53_warn(cv,
		 "endpoint %s: health check %s names only %s; steercheck probes the "
		 "endpoint's own address (Host: %s)",
		 endpoint, h->id, h->fqdn, h->fqdn);
	st_buf_printf(y, ", check: %s", h->name);
	return true;
}
