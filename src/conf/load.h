/* Internal to src/conf: the section loaders that st_conf_load() runs in
 * dependency order (checks, then regions, then records). */
#ifndef ST_CONF_LOAD_H
#define ST_CONF_LOAD_H

#include "conf/schema.h"

/* The schema tables, one per kind of object (the `zones:` section is a
 * plain name -> file mapping and has none). */
extern const st_table_t st_server_table, st_geo_table, st_health_table, st_check_table,
    st_region_table, st_endpoint_table, st_record_table;

/* The value of `name` in mapping `map`, its key node, or NULL. */
const st_ynode_t *st_map_get(const st_ynode_t *map, const char *name);
const st_ynode_t *st_map_key(const st_ynode_t *map, const char *name);
/* The key node of `name` when it is given a value (null counts as absent). */
const st_ynode_t *st_map_given(const st_ynode_t *map, const char *name);

/* Check that an object name (check, region, endpoint) is usable. */
int st_check_object_name(st_ctx_t *ctx, const st_ynode_t *key, const char *what);

/* Set ctx->path to "section.name" for messages. */
void st_ctx_set_path(st_ctx_t *ctx, const char *section, const char *name);

/* A top-level section that maps names to objects ("zone name -> zone
 * file"): sets the path; returns 1 when the section is absent or null, 0
 * when it is a mapping, an error otherwise. */
int st_ctx_section(st_ctx_t *ctx, const char *section, const st_ynode_t *map,
		   const char *what);
/* A key whose value must be a non-empty mapping ("location or prefix ->
 * region"): 0, or an error at the value. */
int st_ctx_nonempty_map(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *what);

int st_load_regions(st_ctx_t *ctx, const st_ynode_t *map);
int st_load_records(st_ctx_t *ctx, const st_ynode_t *map);
/* Warnings that never fail a load (failover budgets). */
void st_conf_warn(const st_conf_t *conf);

#endif
