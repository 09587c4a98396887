/* Names of enum values from a table indexed by value. */
#ifndef ST_COMMON_ENUMNAME_H
#define ST_COMMON_ENUMNAME_H

#include <stddef.h>

/* Elements in an array (not a pointer). */
#define ST_NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* names[v] for a table of n names written {[ST_X_ONE] = "one", ...}, or
 * `other` for a value the table does not name. */
static inline const char *st_enum_name(const char *const *names, size_t n, unsigned v,
				       const char *other)
{
	return v < n && names[v] ? names[v] : other;
}

#endif
