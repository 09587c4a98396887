/* Building DNS messages by hand for the wire and engine tests. */
#ifndef ST_TEST_DNS_MSG_H
#define ST_TEST_DNS_MSG_H

#include "dns/name.h"
#include "dns/wire.h"

#include <stdbool.h>
#include <string.h>

/* A message under construction. */
typedef struct msg {
	uint8_t b[4096];
	size_t len;
} msg_t;

static inline void put8(msg_t *m, uint8_t v)
{
	m->b[m->len++] = v;
}

static inline void put16(msg_t *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static inline void put_bytes(msg_t *m, const void *p, size_t n)
{
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static inline void put_name(msg_t *m, const char *s)
{
	uint8_t w[255];
	int n = st_name_from_str(s, w, sizeof(w));
	assert_true(n > 0);
	put_bytes(m, w, (size_t)n);
}

static inline void header(msg_t *m, uint16_t id, uint8_t f1, uint16_t qd, uint16_t an, uint16_t ns,
			  uint16_t ar)
{
	m->len = 0;
	put16(m, id);
	put8(m, f1);
	put8(m, 0);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static inline void question(msg_t *m, const char *name, uint16_t type)
{
	put_name(m, name);
	put16(m, type);
	put16(m, ST_CLASS_IN);
}

/* OPT: payload, version, DO, then raw option bytes. */
static inline void opt(msg_t *m, uint16_t payload, uint8_t version, bool dnssec,
		       const uint8_t *opts, size_t optlen)
{
	put8(m, 0);
	put16(m, ST_TYPE_OPT);
	put16(m, payload);
	put8(m, 0);
	put8(m, version);
	put16(m, dnssec ? 0x8000 : 0);
	put16(m, (uint16_t)optlen);
	if (optlen)
		put_bytes(m, opts, optlen);
}

static inline void query(msg_t *m, const char *name, uint16_t type)
{
	header(m, 0x1234, ST_FLAG1_RD, 1, 0, 0, 0);
	question(m, name, type);
}

/* An ECS option: family, source, scope, address bytes. */
static inline size_t ecs(uint8_t *o, uint16_t family, uint8_t source, uint8_t scope,
			 const uint8_t *addr, size_t alen)
{
	o[0] = 0;
	o[1] = 8;
	o[2] = 0;
	o[3] = (uint8_t)(4 + alen);
	o[4] = (uint8_t)(family >> 8);
	o[5] = (uint8_t)family;
	o[6] = source;
	o[7] = scope;
	if (alen)
		memcpy(o + 8, addr, alen);
	return 8 + alen;
}

static inline void ecs_query(msg_t *m, uint16_t family, uint8_t source, uint8_t scope,
			     const uint8_t *addr, size_t alen)
{
	uint8_t o[64];
	size_t n = ecs(o, family, source, scope, addr, alen);
	header(m, 1, 0, 1, 0, 0, 1);
	question(m, "www.example.test.", ST_TYPE_A);
	opt(m, 1232, 0, false, o, n);
}

#endif
