/* Catalog zones (RFC 9432, schema version 2): see zone.h. */
#include "config.h"

#include "zone/internal.h"

#include "common/siphash.h"
#include "dns/name.h"
#include "dns/wire.h"

#include <stdio.h>
#include <string.h>

/* The members' labels: a hash of the member's name under a fixed key, so
 * that a member keeps its label over reloads and restarts (a consumer
 * takes a new label for a new member zone, RFC 9432 section 4.1). */
static const uint8_t member_key[ST_SIPHASH_KEY_LEN] = {'s', 't', 'e', 'e', 'r', 'd', 'n', 's',
						       'c', 'a', 't', 'a', 'l', 'o', 'g', '2'};

/* "invalid." (RFC 9432 section 4.1: the NS and the SOA's names). */
static const uint8_t invalid[] = {7, 'i', 'n', 'v', 'a', 'l', 'i', 'd', 0};

typedef struct catalog {
	const char *const *members;
	size_t n;
	const char *label;
	uint16_t file;
} catalog_t;

/* prefix (labels in wire form, no root) + the apex into out; an error
 * naming the catalog when the name would be longer than 255 bytes. */
static int below_apex(zb_t *zb, const catalog_t *c, const uint8_t *prefix, size_t plen,
		      uint8_t *out, size_t *len)
{
	if (plen + zb->apex_len > 255)
		return st_diag_set(zb->diag, ST_EZONE,
				   "%s: the catalog zone's name is too long for the names below it "
				   "(%zu bytes more)",
				   c->label, plen);
	memcpy(out, prefix, plen);
	memcpy(out + plen, zb->apex, zb->apex_len);
	*len = plen + zb->apex_len;
	return 0;
}

static int add(zb_t *zb, const catalog_t *c, const uint8_t *owner, size_t owner_len, uint16_t type,
	       const uint8_t *rdata, size_t rdlen)
{
	/* TTL 0: the zone is for consumers, not resolvers (section 4). */
	return zb_add_record(zb, owner, owner_len, type, ST_CLASS_IN, 0, rdata, rdlen, c->file, 0);
}

static int fill(zb_t *zb, void *arg)
{
	catalog_t *c = arg;
	int f = zb_add_file(zb, c->label);
	if (f < 0)
		return f;
	c->file = (uint16_t)f;
	/* SOA invalid. invalid. 1 3600 600 2147483646 0: the serial is set by
	 * the transfer side (a catalog's serial follows its content). */
	uint8_t soa[2 * sizeof(invalid) + 20];
	memcpy(soa, invalid, sizeof(invalid));
	memcpy(soa + sizeof(invalid), invalid, sizeof(invalid));
	uint8_t *t = soa + 2 * sizeof(invalid);
	st_put32(t, 1);
	st_put32(t + 4, 3600);
	st_put32(t + 8, 600);
	st_put32(t + 12, 2147483646);
	st_put32(t + 16, 0);
	int rc = add(zb, c, zb->apex, zb->apex_len, ST_TYPE_SOA, soa, sizeof(soa));
	if (rc == 0)
		rc = add(zb, c, zb->apex, zb->apex_len, ST_TYPE_NS, invalid, sizeof(invalid));
	uint8_t owner[255];
	size_t owner_len = 0;
	static const uint8_t version[] = {7, 'v', 'e', 'r', 's', 'i', 'o', 'n'};
	static const uint8_t two[] = {1, '2'};
	if (rc == 0 && (rc = below_apex(zb, c, version, sizeof(version), owner, &owner_len)) == 0)
		rc = add(zb, c, owner, owner_len, ST_TYPE_TXT, two, sizeof(two));
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		uint8_t member[255], lc[255];
		int mlen = st_name_from_str(c->members[i], member, sizeof(member));
		if (mlen < 0)
			return st_diag_set(zb->diag, ST_EZONE, "%s: member zone %s: not a name",
					   c->label, c->members[i]);
		st_name_lower(lc, member, (size_t)mlen);
		/* <16 hex digits>.zones.<catalog> */
		uint8_t prefix[1 + 16 + 6];
		char hex[17];
		snprintf(hex, sizeof(hex), "%016llx",
			 (unsigned long long)st_siphash24(member_key, lc, (size_t)mlen));
		prefix[0] = 16;
		memcpy(prefix + 1, hex, 16);
		memcpy(prefix + 17, "\5zones", 6);
		rc = below_apex(zb, c, prefix, sizeof(prefix), owner, &owner_len);
		if (rc == 0)
			rc = add(zb, c, owner, owner_len, ST_TYPE_PTR, lc, (size_t)mlen);
	}
	return rc;
}

int st_zone_catalog(const char *origin, const char *const *members, size_t n, const char *label,
		    const st_zone_dyn_t *dyn, size_t n_dyn, st_zone_t **out, st_diag_t *diag)
{
	catalog_t c = {.members = members, .n = n, .label = label};
	return zb_make(origin, label, fill, &c, dyn, n_dyn, out, diag);
}
