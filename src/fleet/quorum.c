/* The quorum rule. A tie under majority keeps the endpoint up: moving
 * traffic is the decision that needs the majority. */
#include "fleet/quorum.h"

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
