/* Arrays of heap strings, counted by the caller (argv without the NULL). */
#ifndef ST_COMMON_STRV_H
#define ST_COMMON_STRV_H

#include <stddef.h>

/* Frees the n strings, then the array; accepts NULL. */
void st_strv_free(char **v, size_t n);
/* A copy of the n strings (an array of at least one slot, so that n = 0 is
 * not mistaken for no memory); NULL when out of memory. */
char **st_strv_dup(const char *const *v, size_t n);

#endif
