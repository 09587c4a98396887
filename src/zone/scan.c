/* The fast path of the master file reader: the record types that fill
 * nearly every zone (A, AAAA, NS, CNAME, PTR, DNAME, MX, SRV, SOA, TXT),
 * written plainly, turned into wire form without ldns.
 *
 * The entry may be a line of the file as it is: an unquoted ';' ends it (a
 * comment), and anything that would need rewriting first (parentheses,
 * escapes, CR, NUL) is refused, so that the reader rewrites the entry and
 * tries again.
 *
 * It takes an entry only when it is sure to read it exactly as ldns does,
 * and hands back everything else: other types, escapes (\. \DDD), generic
 * RDATA (\#), classes other than IN, anything out of range or malformed.
 * ldns then reads that entry, and says what is wrong with it when something
 * is: messages are the same whichever path an entry takes, and
 * tests/unit/test_zone_fast.c checks that both give the same records. */
#include "config.h"

#include "zone/internal.h"

#include <arpa/inet.h>
#include <string.h>

/* Bytes a plain token may hold: printable ASCII but for what the reader
 * treats specially (quotes, escapes, comments, parentheses). */
static const uint8_t plain[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    [','] = 1, ['-'] = 1, ['.'] = 1, ['/'] = 1, ['0'] = 1, ['1'] = 1,  ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,  [':'] = 1, ['<'] = 1,
    ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1,  ['C'] = 1, ['D'] = 1,
    ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,  ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,  ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,  ['['] = 1, [']'] = 1,
    ['^'] = 1, ['_'] = 1, ['`'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,  ['d'] = 1, ['e'] = 1,
    ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1,  ['l'] = 1, ['m'] = 1,
    ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,  ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['{'] = 1,  ['|'] = 1, ['}'] = 1,
    ['~'] = 1,
};

typedef struct tok {
	const char *p;
	size_t n;
} tok_t;

typedef struct cur {
	const char *p, *end;
} cur_t;

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static void skip_blanks(cur_t *c)
{
	while (c->p < c->end && blank(*c->p))
		c->p++;
}

/* The end of the entry, or a comment that ends it. */
static bool at_end(const cur_t *c)
{
	return c->p == c->end || *c->p == ';';
}

/* The next whitespace-separated token of plain bytes; false at the end or
 * when the token holds anything else. */
static bool next(cur_t *c, tok_t *t)
{
	skip_blanks(c);
	const char *p = c->p;
	while (p < c->end && plain[(uint8_t)*p])
		p++;
	t->p = c->p;
	t->n = (size_t)(p - c->p);
	c->p = p;
	/* what stopped it must end the token: a blank, a comment, the end */
	return t->n > 0 && (p == c->end || blank(*p) || *p == ';');
}

/* Nothing but blanks (and a comment) left. */
static bool done(cur_t *c)
{
	skip_blanks(c);
	return at_end(c);
}

/* The token is `word` (upper case letters) in any case. */
static bool tok_is(const tok_t *t, const char *word)
{
	size_t i = 0;
	for (; i < t->n && word[i]; i++)
		if ((t->p[i] & ~0x20) != word[i])
			return false;
	return i == t->n && !word[i];
}

/* A domain name: "@" (the origin), "." (the root), absolute with a final
 * dot, else relative to the origin. `max` bytes of wire at most. */
static bool name(const tok_t *t, const zp_ctx_t *ctx, uint8_t *out, size_t *len)
{
	if (t->p[0] == '@') {
		/* ldns takes any owner starting with '@' for the origin, and
		 * a first label "@" in RDATA too: only the plain "@" here. */
		if (t->n != 1)
			return false;
		memcpy(out, ctx->origin, ctx->origin_len);
		*len = ctx->origin_len;
		return true;
	}
	if (t->n == 1 && t->p[0] == '.') {
		out[0] = 0;
		*len = 1;
		return true;
	}
	/* ldns reads names into 255 bytes; past that it fails, here the
	 * entry goes to ldns. */
	if (t->n >= ST_DNS_MAX_NAME - 1)
		return false;
	bool absolute = t->p[t->n - 1] == '.';
	size_t o = 1, label = 0;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->p[i];
		if (c == '.') {
			if (o - label - 1 == 0 || o - label - 1 > 63)
				return false;
			out[label] = (uint8_t)(o - label - 1);
			label = o++;
			continue;
		}
		out[o++] = (uint8_t)c;
	}
	if (!absolute) {
		if (o - label - 1 == 0 || o - label - 1 > 63)
			return false;
		out[label] = (uint8_t)(o - label - 1);
		if (o + ctx->origin_len > ST_DNS_MAX_NAME)
			return false;
		memcpy(out + o, ctx->origin, ctx->origin_len);
		*len = o + ctx->origin_len;
		return true;
	}
	out[label] = 0; /* the root label after the final dot */
	*len = o;
	return true;
}

/* Decimal digits only, at most `max`. */
static bool number(const tok_t *t, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	if (t->n > 10)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(t->p[i] - '0');
	}
	if (v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A period (TTL-like): seconds or units, no wrap past 32 bits. */
static bool period(const tok_t *t, uint32_t *out)
{
	uint64_t v;
	if (zp_ttl_value(t->p, t->n, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Dotted-quad IPv4 exactly as inet_pton(3) takes it: four decimal parts,
 * each at most 255 and without leading zeros. */
static bool ipv4(const tok_t *t, uint8_t *out)
{
	uint8_t part[4] = {0};
	unsigned parts = 0;
	bool digits = false;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->p[i];
		if (c >= '0' && c <= '9') {
			unsigned v = part[parts ? parts - 1 : 0] * 10u + (unsigned)(c - '0');
			if (!digits) {
				if (++parts > 4)
					return false;
				v = (unsigned)(c - '0');
			} else if (part[parts - 1] == 0 || v > 255) {
				return false;
			}
			part[parts - 1] = (uint8_t)v;
			digits = true;
		} else if (c == '.' && digits && parts < 4) {
			digits = false;
		} else {
			return false;
		}
	}
	if (parts < 4 || !digits)
		return false;
	memcpy(out, part, 4);
	return true;
}

static bool address(const tok_t *t, int family, uint8_t *out)
{
	char buf[64];
	if (family == AF_INET)
		return ipv4(t, out);
	if (t->n >= sizeof(buf))
		return false;
	memcpy(buf, t->p, t->n);
	buf[t->n] = '\0';
	return inet_pton(family, buf, out) == 1;
}

/* TXT: character-strings, quoted or not, each at most 255 bytes. */
static bool strings(cur_t *c, uint8_t *out, size_t *len)
{
	size_t o = 0, n = 0;
	for (;;) {
		skip_blanks(c);
		if (at_end(c))
			break;
		const char *s = c->p, *e;
		if (*s == '"') {
			s++;
			for (e = s; e < c->end && *e != '"'; e++)
				if ((uint8_t)*e < 0x20 || (uint8_t)*e >= 0x7f || *e == '\\')
					return false;
			if (e == c->end || (e + 1 < c->end && !blank(e[1]) && e[1] != ';'))
				return false;
			c->p = e + 1;
		} else {
			for (e = s; e < c->end && !blank(*e) && *e != ';'; e++)
				if (!plain[(uint8_t)*e])
					return false;
			c->p = e;
		}
		size_t l = (size_t)(e - s);
		if (l > 255 || o + 1 + l > 65535)
			return false;
		out[o] = (uint8_t)l;
		memcpy(out + o + 1, s, l);
		o += 1 + l;
		n++;
	}
	*len = o;
	return n > 0;
}

static bool rdata(uint16_t type, cur_t *c, const zp_ctx_t *ctx, zp_rr_t *rr)
{
	tok_t t;
	uint8_t *o = rr->rdata;
	size_t len;
	uint32_t v;
	switch (type) {
	case ST_TYPE_A:
		if (!next(c, &t) || !address(&t, AF_INET, o))
			return false;
		rr->rdlen = 4;
		break;
	case ST_TYPE_AAAA:
		if (!next(c, &t) || !address(&t, AF_INET6, o))
			return false;
		rr->rdlen = 16;
		break;
	case ST_TYPE_NS:
	case ST_TYPE_CNAME:
	case ST_TYPE_PTR:
	case ST_TYPE_DNAME:
		if (!next(c, &t) || !name(&t, ctx, o, &len))
			return false;
		rr->rdlen = len;
		break;
	case ST_TYPE_MX:
		if (!next(c, &t) || !number(&t, 65535, &v))
			return false;
		put16(o, v);
		if (!next(c, &t) || !name(&t, ctx, o + 2, &len))
			return false;
		rr->rdlen = 2 + len;
		break;
	case ST_TYPE_SRV:
		for (int k = 0; k < 3; k++) {
			if (!next(c, &t) || !number(&t, 65535, &v))
				return false;
			put16(o + 2 * k, v);
		}
		if (!next(c, &t) || !name(&t, ctx, o + 6, &len))
			return false;
		rr->rdlen = 6 + len;
		break;
	case ST_TYPE_SOA: {
		size_t l2;
		if (!next(c, &t) || !name(&t, ctx, o, &len) || !next(c, &t) ||
		    !name(&t, ctx, o + len, &l2))
			return false;
		len += l2;
		if (!next(c, &t) || !number(&t, UINT32_MAX, &v))
			return false;
		put32(o + len, v);
		len += 4;
		for (int k = 0; k < 4; k++, len += 4) {
			if (!next(c, &t) || !period(&t, &v))
				return false;
			put32(o + len, v);
		}
		rr->rdlen = len;
		break;
	}
	case ST_TYPE_TXT:
		return strings(c, o, &rr->rdlen);
	default:
		return false;
	}
	return done(c);
}

static uint16_t fast_type(const tok_t *t)
{
	switch (t->n) {
	case 1:
		return tok_is(t, "A") ? ST_TYPE_A : 0;
	case 2:
		return tok_is(t, "NS") ? ST_TYPE_NS : tok_is(t, "MX") ? ST_TYPE_MX : 0;
	case 3:
		return tok_is(t, "TXT")	  ? ST_TYPE_TXT
		       : tok_is(t, "SOA") ? ST_TYPE_SOA
		       : tok_is(t, "SRV") ? ST_TYPE_SRV
		       : tok_is(t, "PTR") ? ST_TYPE_PTR
					  : 0;
	case 4:
		return tok_is(t, "AAAA") ? ST_TYPE_AAAA : 0;
	case 5:
		return tok_is(t, "CNAME") ? ST_TYPE_CNAME : tok_is(t, "DNAME") ? ST_TYPE_DNAME : 0;
	default:
		return 0;
	}
}

/* A TTL as ldns would read it and the reader would accept it. */
static bool ttl_token(const tok_t *t, uint32_t *out)
{
	uint64_t v;
	/* ldns reads the token into 21 bytes */
	if (t->n > 20 || zp_ttl_value(t->p, t->n, &v) || v > ZP_MAX_TTL)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

int zp_fast(const char *s, size_t n, const zp_ctx_t *ctx, zp_rr_t *rr)
{
	cur_t c = {s, s + n};
	tok_t t;
	rr->owner_given = n > 0 && !blank(s[0]);
	if (rr->owner_given) {
		if (!next(&c, &t) || !name(&t, ctx, rr->owner, &rr->owner_len))
			return 0;
	} else if (ctx->prev) {
		memcpy(rr->owner, ctx->prev, ctx->prev_len);
		rr->owner_len = ctx->prev_len;
	} else {
		memcpy(rr->owner, ctx->origin, ctx->origin_len);
		rr->owner_len = ctx->origin_len;
	}
	/* [TTL] [IN] TYPE, or [IN] [TTL] TYPE (the reader swaps the two for
	 * ldns when they are close enough, see swap_class_ttl) */
	rr->explicit_ttl = false;
	rr->ttl = ctx->ttl_zero ? 0 : ctx->ttl ? ctx->ttl : ZP_DEFAULT_TTL;
	const char *in = NULL;
	for (int k = 0; k < 3; k++) {
		if (!next(&c, &t))
			return 0;
		if (digit(t.p[0]) && !rr->explicit_ttl) {
			if (!ttl_token(&t, &rr->ttl) || (in && t.p + t.n - in >= 64))
				return 0;
			rr->explicit_ttl = true;
			continue;
		}
		if (tok_is(&t, "IN") && !in) {
			in = t.p;
			continue;
		}
		rr->type = fast_type(&t);
		return rr->type && rdata(rr->type, &c, ctx, rr);
	}
	return 0;
}

/* A TTL: seconds, or BIND-style units ("1h30m", "2w"), in n bytes of s.
 * 64-bit arithmetic, so values that would wrap are caught. */
int zp_ttl_value(const char *s, size_t n, uint64_t *out)
{
	uint64_t total = 0, num = 0;
	bool digits = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (digit(c)) {
			num = num * 10 + (uint64_t)(c - '0');
			digits = true;
			if (num > UINT32_MAX)
				num = (uint64_t)UINT32_MAX + 1;
			continue;
		}
		uint64_t unit;
		switch (c | 0x20) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 604800;
			break;
		default:
			return ST_EINVAL;
		}
		if (!digits)
			return ST_EINVAL;
		total += num * unit;
		num = 0;
		digits = false;
		if (total > UINT32_MAX)
			total = (uint64_t)UINT32_MAX + 1;
	}
	if (n == 0 || !digit(s[0]))
		return ST_EINVAL;
	*out = total + num;
	return 0;
}
