/* One question asked of the query engine by the control plane: the real
 * query path (st_answer) on a message built here, and what the response
 * it would send says (rcode, answer count, the ECS option). steerctl
 * explain prints that, so what it says about the wire is what the server
 * does, not a copy of its rules. */
#ifndef ST_ANSWER_ASK_H
#define ST_ANSWER_ASK_H

#include "answer/view.h"
#include "route/route.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct st_ask_result {
	unsigned rcode;	    /* with the EDNS extended bits */
	unsigned answers;   /* ANCOUNT */
	bool truncated;	    /* TC */
	bool ecs;	    /* the response carries an EDNS Client Subnet option */
	uint8_t ecs_source; /* as echoed */
	uint8_t ecs_scope;  /* the scope the server sets */
} st_ask_result_t;

/* Ask `qname` (canonical wire) `qtype` over UDP with EDNS, as a resolver
 * would for `client`: an ECS option with its network when client->from_ecs,
 * else from its address with no ECS option. `seed` seeds the random draws
 * (the route trace uses the same one, so both make the same picks). The
 * caller holds the view. Returns 0, or ST_EINVAL / ST_ENOMEM / ST_EPROTO
 * (no response, or one that does not parse). */
int st_answer_ask(const st_view_t *view, const uint8_t *qname, size_t qname_len, uint16_t qtype,
		  const st_client_t *client, uint64_t seed, st_ask_result_t *out);

#endif
