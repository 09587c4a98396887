/* Internal to src/conf: the section loaders that st_conf_load() runs in
 * dependency order (checks, then regions, then records). */
#ifndef ST_CONF_LOAD_H
#define ST_CONF_LOAD_H

#include "conf/schema.h"

/* The schema tables, one per kind of object. */
extern const st_table_t st_server_table, st_tsig_table, st_zone_table, st_geo_table,
    st_health_table, st_check_table, st_region_table, st_endpoint_table, st_record_table,
    st_fleet_table, st_fleet_tls_table, st_rrl_table, st_dnssec_table;

/* The value defaults (st_schema_value_defaults) of each section that is
 * one object (server:, geo:, health:). */
int st_load_defaults(st_conf_t *conf, st_diag_t *diag);

/* A zone's dnssec: mapping (conf/dnssec.c). */
int st_parse_dnssec(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val, void *obj);

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

/* Reads one entry `i` of the mapping `val` into element `i` of `elems`
 * (zeroed; the elements before it are read already). */
typedef int (*st_map_entry_fn)(st_ctx_t *ctx, const char *key, const st_ynode_t *val, size_t i,
			       void *elems);
/* A key whose value is a non-empty mapping read into an array: one
 * `size`-byte element per entry, stored at *array, *n counting those read. */
int st_ctx_map_array(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *what,
		     size_t size, void *array, size_t *n, st_map_entry_fn one);

/* A list of scalars (or one scalar), each parsed by `one` into an element
 * of an array of `size`-byte elements (zeroed first), no two the same. */
typedef struct st_list_kind {
	const char *what; /* names the elements in messages ("ADDR:PORT") */
	size_t min;	  /* the fewest elements */
	size_t size;
	int (*one)(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *node, const char *s,
		   void *elem);
	/* Whether two elements are the same (NULL: the same bytes), and what
	 * frees an element's contents when the list is dropped (or NULL). */
	bool (*same)(const void *a, const void *b);
	void (*drop)(void *elem);
} st_list_kind_t;

int st_parse_list(st_ctx_t *ctx, const st_item_t *it, const st_ynode_t *val,
		  const st_list_kind_t *k, void **out, size_t *n_out);

/* A section of named objects (checks, regions, records), loaded by one
 * loop: each entry's name, then its settings mapping. */
typedef struct st_section {
	const char *name;     /* "regions" */
	const char *what;     /* "region name -> region" */
	const char *settings; /* "the region's settings (endpoints: ...)" */
	const char *object;   /* "region": its names are object names; NULL: domain names */
	/* Where the objects go: offsets in st_conf_t of the array and its
	 * count, the size of one, and how many one entry may make. */
	size_t array, count, size, per_entry;
	/* Offsets in the object of its name (char *) and line (unsigned). */
	size_t name_at, line_at;
	/* Its settings go through this table, then this checks them together. */
	const st_table_t *table;
	int (*check)(st_ctx_t *ctx, void *obj, const st_ynode_t *key, const st_ynode_t *val);
} st_section_t;

/* The placement fields of an st_section_t: objects of `type` in
 * st_conf_t.array_ counted by .count_, named by their field name_, per
 * objects at most for one entry. */
#define ST_SECTION_OF(array_, count_, type, name_, per)                                            \
	.array = offsetof(st_conf_t, array_), .count = offsetof(st_conf_t, count_),                \
	.size = sizeof(type), .per_entry = (per), .name_at = offsetof(type, name_),                \
	.line_at = offsetof(type, line)

int st_load_section(st_ctx_t *ctx, const st_section_t *s, const st_ynode_t *map);

/* `sticky:` on a region or a record: an error at `sticky` when it is on and
 * does not apply (why says so), or at a prefix key given without it. */
int st_check_sticky(st_ctx_t *ctx, const st_ynode_t *map, bool on, bool applies,
		    const char *why);

/* "@name" where a policy names a region (nest.c): a placeholder target
 * (ST_CONF_RECORD | reference) until st_nest_link, after the records:
 * section, makes it a record index, fills the endpoints' cname_routed and
 * rejects loops and chains deeper than ST_CONF_MAX_NEST. */
int st_nest_ref(st_ctx_t *ctx, const st_ynode_t *val, const char *key, const char *s,
		uint32_t *target);
/* The name of a placeholder target (before linking), NULL for a region. */
const char *st_nest_ref_name(const st_ctx_t *ctx, uint32_t target);
int st_nest_link(st_ctx_t *ctx, const st_ynode_t *root);
void st_nest_clear(st_ctx_t *ctx);
/* The endpoints record r can answer with (see st_conf_record_each_endpoint);
 * `nested` false leaves out those of the records it nests (before they are
 * linked). */
bool st_conf_each_endpoint(const st_conf_t *conf, const st_conf_record_t *r, bool nested,
			   bool (*fn)(const st_conf_t *, uint32_t, void *), void *arg);

/* The regions: and records: sections (region.c, record.c). */
extern const st_section_t st_regions_section, st_records_section;
/* The fleet: section (fleet.c). */
int st_load_fleet(st_ctx_t *ctx, const st_ynode_t *map);
/* The digest of a config's tree without the keys that differ by site
 * ("sha256:" + 32 hex digits), for st_conf_t.digest. */
void st_conf_digest(const st_ynode_t *root, char *out, size_t len);

/* The tsig: and zones: sections (zone.c). */
extern const st_section_t st_tsig_section;
int st_load_zones(st_ctx_t *ctx, const st_ynode_t *map);
/* Warnings that never fail a load (failover budgets). */
void st_conf_warn(const st_conf_t *conf);

#endif
