/* For the command files: resolve an ENDPOINT|REGION argument. */
#ifndef ST_CTL_NAMES_H
#define ST_CTL_NAMES_H

#include "conf/conf.h"
#include "common/errors.h"

#include <stdint.h>

typedef struct st_ctl_target {
	uint32_t endpoint; /* ST_CONF_NONE when the name is a region */
	uint32_t region;   /* ST_CONF_NONE when the name is an endpoint */
} st_ctl_target_t;

/* An endpoint name first, then a region name; ST_ENOENT with a clear text. */
int st_ctl_find_target(const st_conf_t *conf, const char *name, st_ctl_target_t *out,
		       st_diag_t *diag);

#endif
