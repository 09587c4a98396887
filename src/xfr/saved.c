/* The serials of unixtime zones across restarts: one line per zone,
 * "NAME SERIAL DIGEST" (the digest in hex), in server.state_dir. */
#include "xfr/internal.h"
#include "common/file.h"
#include "conf/conf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int st_xfr_saved_load(const char *path, st_xfr_saved_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	st_xfr_saved_t *v = NULL;
	size_t cap = 0;
	char line[512];
	int ret = 0;
	while (fgets(line, sizeof(line), f)) {
		st_xfr_saved_t s;
		unsigned long serial;
		if (sscanf(line, "%255s %lu %" SCNx64, s.name, &serial, &s.digest) != 3 ||
		    serial > UINT32_MAX)
			continue;
		s.serial = (uint32_t)serial;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			st_xfr_saved_t *w = realloc(v, cap * sizeof(*w));
			if (!w) {
				ret = ST_ENOMEM;
				break;
			}
			v = w;
		}
		v[(*n)++] = s;
	}
	fclose(f);
	if (ret != 0) {
		free(v);
		*n = 0;
		return ret;
	}
	*out = v;
	return 0;
}

typedef struct fill_arg {
	const st_xfr_set_t *set;
	const st_conf_t *conf;
} fill_arg_t;

static int fill(FILE *f, void *arg, st_diag_t *diag)
{
	const fill_arg_t *a = arg;
	for (size_t i = 0; i < a->conf->n_zones; i++) {
		const st_conf_zone_t *cz = &a->conf->zones[i];
		const st_xfr_zone_t *xz = st_xfr_set_find_name(a->set, cz->name);
		if (xz && cz->serial == ST_SERIAL_UNIXTIME)
			fprintf(f, "%s %u %016" PRIx64 "\n", cz->name, xz->serial, xz->digest);
	}
	return 0;
}

int st_xfr_saved_write(const char *path, const st_xfr_set_t *set, const st_conf_t *conf,
		       st_diag_t *diag)
{
	fill_arg_t a = {set, conf};
	return st_file_replace(path, 0640, fill, &a, diag);
}
