/* ds ZONE: the DS records the parent zone should hold for a zone signed
 * online (SHA-256 digests of its published key-signing keys). */
#include "ctl/cmd.h"
#include "dns/name.h"
#include "dnssec/signer.h"
#include "zone/zone.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DS_MAX 16

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	st_view_t *view = st_ctl_view(ctl);
	char fqdn[300];
	size_t n = strlen(argv[1]);
	snprintf(fqdn, sizeof(fqdn), "%s%s", argv[1], n && argv[1][n - 1] == '.' ? "" : ".");
	uint8_t wire[ST_DNS_MAX_NAME];
	int wl = st_name_from_str(fqdn, wire, sizeof(wire));
	if (wl < 0)
		return st_diag_set(diag, ST_EINVAL, "'%s' is not a domain name", argv[1]);
	st_name_lower(wire, wire, (size_t)wl);
	const st_zone_t *zone = view->zones ? st_zoneset_find(view->zones, wire, (size_t)wl) : NULL;
	uint8_t al = 0;
	if (zone)
		st_zone_apex(zone, &al);
	if (!zone || al != (size_t)wl)
		return st_diag_set(diag, ST_ENOENT, "zone %s is not served", fqdn);
	const st_signer_t *signer = st_zoneset_ext(view->zones, zone);
	if (!signer)
		return st_diag_set(diag, ST_ENOENT,
				   "zone %s is not signed (give it dnssec: in the config)", fqdn);
	char name[ST_DNS_MAX_NAME * 4 + 2];
	st_name_to_str(wire, name, sizeof(name));
	uint8_t ds[DS_MAX * ST_DS_RDATA_LEN];
	size_t nds = st_signer_ds(signer, (int64_t)time(NULL), ds, DS_MAX);
	for (size_t i = 0; i < nds; i++) {
		const uint8_t *d = ds + i * ST_DS_RDATA_LEN;
		st_buf_printf(out, "%s IN DS %u %u %u ", name, (unsigned)(d[0] << 8 | d[1]), d[2],
			      d[3]);
		for (size_t k = 4; k < ST_DS_RDATA_LEN; k++)
			st_buf_printf(out, "%02X", d[k]);
		st_buf_puts(out, "\n");
	}
	if (nds == 0)
		return st_diag_set(diag, ST_ENOENT, "zone %s publishes no key-signing key now",
				   fqdn);
	return 0;
}

const st_ctl_cmd_t st_cmd_ds = {
    .name = "ds",
    .usage = "ZONE",
    .help = "the DS records to give the parent zone of a signed zone",
    .min_args = 1,
    .max_args = 1,
    .exec = exec,
};
