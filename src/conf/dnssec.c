/* A zone's dnssec: mapping (online signing): the folder of its key files,
 * how long signatures are valid, the denial of existence. */
#include "conf/load.h"

#include <stdlib.h>
#include <string.h>

static const st_enum_t denial_enum[] = {
    {"compact", ST_DENIAL_COMPACT},
    {NULL},
};

static const st_item_t dnssec_items[] = {
    ST_KEY("keys", ST_T_PATH, ST_AT(st_conf_dnssec_t, keys), ST_REQUIRED),
    /* At least 20 s (tests); a quarter of it is left when signatures are
     * renewed, and resolvers cache an answer no longer than that. */
    ST_KEY("signature_validity", ST_T_DURATION, ST_AT(st_conf_dnssec_t, validity_ms),
	   ST_RANGE(20000, 366LL * 86400000), ST_DEF("7d")),
    ST_KEY("denial", ST_T_ENUM, ST_AT(st_conf_dnssec_t, denial), ST_ENUMS(denial_enum),
	   ST_DEF("compact")),
    ST_END,
};
const st_table_t st_dnssec_table = {"zone's dnssec", dnssec_items,
				    "a zone's dnssec: mapping (zones: NAME: dnssec:)"};

int st_parse_dnssec(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj)
{
	st_conf_zone_t *z = obj;
	if (st_ynode_is_null(val))
		return 0;
	if (val->kind != ST_YNODE_MAP)
		return st_ctx_error(ctx, val, it->name,
				    "expected { keys: FOLDER, signature_validity: 7d }, not %s",
				    st_ynode_kind_name(val));
	st_conf_dnssec_clear(z->dnssec);
	free(z->dnssec);
	if (!(z->dnssec = calloc(1, sizeof(*z->dnssec))))
		return ST_ENOMEM;
	z->dnssec->line = val->line;
	/* Messages name the key under the zone: zones.NAME.dnssec.KEY. */
	char path[sizeof(ctx->path)];
	memcpy(path, ctx->path, sizeof(path));
	st_ctx_set_path(ctx, path, it->name);
	int rc = st_schema_apply(ctx, &st_dnssec_table, val, val, z->dnssec, NULL);
	memcpy(ctx->path, path, sizeof(path));
	return rc;
}
