/* A small hash index of names (not owned) to numbers, so that duplicate and
 * reference checks stay linear in configs with thousands of names. */
#ifndef ST_CONF_NAMESET_H
#define ST_CONF_NAMESET_H

#include <stddef.h>
#include <stdint.h>

typedef struct st_nameset_entry {
	const char *name;
	uint32_t value;
} st_nameset_entry_t;

typedef struct st_nameset {
	st_nameset_entry_t *slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
} st_nameset_t;

/* Add name -> value. Returns 0 when added, 1 when the name is present (and
 * sets *existing to its value), or ST_ENOMEM. The name must outlive the set. */
int st_nameset_put(st_nameset_t *set, const char *name, uint32_t value, uint32_t *existing);
/* The value of name, or UINT32_MAX. */
uint32_t st_nameset_get(const st_nameset_t *set, const char *name);
/* Where the value of name is kept (to update it), or NULL. */
uint32_t *st_nameset_find(st_nameset_t *set, const char *name);
void st_nameset_clear(st_nameset_t *set);

#endif
