/* The quorum rule: how many of the live vantage points that have a view of
 * an endpoint must see it up for the fleet to count it up. */
#ifndef ST_FLEET_QUORUM_H
#define ST_FLEET_QUORUM_H

#include "health/health.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
	ST_QUORUM_MAJORITY = 0, /* down only when more than half see it down */
	ST_QUORUM_COUNT,	/* up when at least N see it up (all, when fewer vote) */
	ST_QUORUM_PERCENT,	/* up when at least P% see it up (at least one) */
} st_quorum_kind_t;

typedef struct st_quorum {
	st_quorum_kind_t kind;
	uint32_t n; /* COUNT: N >= 1; PERCENT: 1-100 */
} st_quorum_t;

/* "majority", "2", "34%". ST_EINVAL otherwise. */
int st_quorum_parse(const char *s, st_quorum_t *out);
/* Back to the text st_quorum_parse reads. */
void st_quorum_fmt(const st_quorum_t *q, char *buf, size_t len);
/* Up votes needed among `voters` (0 when there is no voter). */
uint32_t st_quorum_needed(const st_quorum_t *q, uint32_t voters);
/* The agreed state: UNKNOWN without voters, else UP or DOWN. */
st_health_state_t st_quorum_decide(const st_quorum_t *q, uint32_t up, uint32_t voters);

#endif
