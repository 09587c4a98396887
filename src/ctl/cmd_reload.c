/* reload [ZONE]: re-read the config and every zone, or one zone; a bad file
 * keeps the old data serving and the error (file:line) is the reply. */
#include "ctl/cmd.h"
#include "dns/name.h"
#include "zone/zone.h"

#include <stdio.h>

static int exec(void *ctx, int argc, char **argv, st_buf_t *out, st_diag_t *diag)
{
	st_ctl_t *ctl = ctx;
	const char *zone = argc > 1 ? argv[1] : NULL;
	int rc = st_server_reload(ctl->srv, zone, diag);
	if (rc < 0)
		return rc;
	st_view_t *view = st_ctl_view(ctl);
	size_t nz = view->zones ? st_zoneset_count(view->zones) : 0;
	st_buf_printf(out, "reloaded%s%s, generation %llu\n", zone ? " zone " : "",
		      zone ? zone : "", (unsigned long long)view->generation);
	for (size_t i = 0; i < nz; i++) {
		const st_zone_t *z = st_zoneset_get(view->zones, i);
		uint8_t alen;
		char name[256];
		if (st_name_to_str(st_zone_apex(z, &alen), name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "?");
		st_buf_printf(out, "zone %s serial %u, %zu records\n", name, st_zone_serial(z),
			      st_zone_record_count(z));
	}
	return 0;
}

const st_ctl_cmd_t st_cmd_reload = {
    .name = "reload",
    .usage = "[ZONE]",
    .help = "re-read the config and every zone (or one zone); errors keep the old data",
    .min_args = 0,
    .max_args = 1,
    .exec = exec,
};
