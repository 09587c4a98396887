#include "common/number.h"
#include "common/errors.h"

#include <stdbool.h>

int st_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || !*s)
		return ST_EINVAL;
	uint64_t v = 0;
	bool over = false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ST_EINVAL;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over || v > max)
		return ST_ERANGE;
	*out = v;
	return 0;
}
