/* The quorum rule. A tie under majority keeps the endpoint up: moving
 * traffic is the decision that needs the majority. */
#include "fleet/quorum.h"
#include "common/errors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int st_quorum_parse(const char *s, st_quorum_t *out)
{
	if (strcmp(s, "majority") == 0) {
		*out = (st_quorum_t){.kind = ST_QUORUM_MAJORITY};
		return 0;
	}
	if (*s < '0' || *s > '9')
		return ST_EINVAL;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || v == 0)
		return ST_EINVAL;
	if (strcmp(end, "%") == 0) {
		if (v > 100)
			return ST_EINVAL;
		*out = (st_quorum_t){.kind = ST_QUORUM_PERCENT, .n = (uint32_t)v};
		return 0;
	}
	if (*end || v > 1000)
		return ST_EINVAL;
	*out = (st_quorum_t){.kind = ST_QUORUM_COUNT, .n = (uint32_t)v};
	return 0;
}

void st_quorum_fmt(const st_quorum_t *q, char *buf, size_t len)
{
	switch (q->kind) {
	case ST_QUORUM_MAJORITY:
		snprintf(buf, len, "majority");
		break;
	case ST_QUORUM_COUNT:
		snprintf(buf, len, "%u", q->n);
		break;
	case ST_QUORUM_PERCENT:
		snprintf(buf, len, "%u%%", q->n);
		break;
	}
}

uint32_t st_quorum_needed(const st_quorum_t *q, uint32_t voters)
{
	if (voters == 0)
		return 0;
	uint32_t need = 1;
	switch (q->kind) {
	case ST_QUORUM_MAJORITY:
		need = (voters + 1) / 2;
		break;
	case ST_QUORUM_COUNT:
		need = q->n;
		break;
	case ST_QUORUM_PERCENT:
		need = (uint32_t)(((uint64_t)q->n * voters + 99) / 100);
		break;
	}
	if (need < 1)
		need = 1;
	return need > voters ? voters : need;
}

st_health_state_t st_quorum_decide(const st_quorum_t *q, uint32_t up, uint32_t voters)
{
	if (voters == 0)
		return ST_HEALTH_UNKNOWN;
	return up >= st_quorum_needed(q, voters) ? ST_HEALTH_UP : ST_HEALTH_DOWN;
}
