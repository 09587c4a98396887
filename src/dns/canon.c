/* Canonical form and order of names and records; neighbours of a name. */
#include "dns/canon.h"
#include "dns/name.h"
#include "dns/rrtype.h"
#include "dns/wire.h"

#include <string.h>

static int label_cmp(const uint8_t *a, const uint8_t *b)
{
	unsigned la = a[0], lb = b[0], n = la < lb ? la : lb;
	for (unsigned i = 1; i <= n; i++) {
		uint8_t ca = st_dns_lower(a[i]), cb = st_dns_lower(b[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return la == lb ? 0 : (la < lb ? -1 : 1);
}

int st_name_canon_cmp(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[ST_DNS_MAX_LABELS], ob[ST_DNS_MAX_LABELS];
	int na = (int)st_name_labels(a, oa), nb = (int)st_name_labels(b, ob);
	for (int i = na - 1, j = nb - 1; i >= 0 && j >= 0; i--, j--) {
		int c = label_cmp(a + oa[i], b + ob[j]);
		if (c)
			return c;
	}
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

int st_rdata_canon_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c < 0 ? -1 : 1;
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/* Lower-case the uncompressed name at *pos of out[0..len); -1 when malformed. */
static int lower_name(uint8_t *out, size_t len, size_t *pos)
{
	size_t n = st_name_length(out + *pos, len - *pos);
	if (n == 0)
		return -1;
	st_name_lower(out + *pos, out + *pos, n);
	*pos += n;
	return 0;
}

/* Step over a character-string. */
static int skip_string(const uint8_t *out, size_t len, size_t *pos)
{
	if (*pos >= len || *pos + 1 + out[*pos] > len)
		return -1;
	*pos += 1u + out[*pos];
	return 0;
}

int st_rdata_canonical(uint16_t type, const uint8_t *rdata, size_t len, uint8_t *out)
{
	size_t pos = 0;
	int names = 1; /* names to lower-case after `pos` */
	memmove(out, rdata, len);
	st_rdata_names_t l;
	if (type == ST_TYPE_NAPTR) {
		/* order, preference, flags, services, regexp, replacement */
		pos = 4;
		for (int i = 0; i < 3; i++)
			if (skip_string(out, len, &pos) < 0)
				return -1;
	} else if (type == 38) {
		/* A6: prefix length, address suffix, prefix name when length > 0 */
		if (len < 1 || out[0] > 128)
			return -1;
		pos = 1 + (128u - out[0] + 7u) / 8u;
		if (out[0] == 0)
			return pos == len ? 0 : -1;
	} else if (st_rdata_names(type, &l)) {
		pos = l.skip;
		names = l.names;
	} else {
		return 0;
	}
	if (pos > len)
		return -1;
	for (int i = 0; i < names; i++)
		if (lower_name(out, len, &pos) < 0)
			return -1;
	return 0;
}

/* Octet values in canonical order skip 'A'..'Z', which equal 'a'..'z'. */
static uint8_t octet_next(uint8_t c)
{
	c++;
	return c >= 'A' && c <= 'Z' ? (uint8_t)('Z' + 1) : c;
}

static uint8_t octet_prev(uint8_t c)
{
	c--;
	return c >= 'A' && c <= 'Z' ? (uint8_t)('A' - 1) : c;
}

size_t st_name_next_sibling(const uint8_t *name, size_t len, uint8_t *out)
{
	for (;;) {
		if (len <= 1 || name[0] == 0)
			return 0; /* the root has no sibling */
		unsigned l = name[0];
		if (l < 63 && len < ST_DNS_MAX_NAME) {
			/* "sub" -> "sub\000": before it only "sub" and its descendants. */
			out[0] = (uint8_t)(l + 1);
			memcpy(out + 1, name + 1, l);
			out[l + 1] = 0;
			memcpy(out + l + 2, name + l + 1, len - l - 1);
			return len + 1;
		}
		/* No room to grow the label: raise its last octet that can be
		 * raised and drop what follows it. */
		for (unsigned i = l; i >= 1; i--) {
			if (name[i] != 0xff) {
				out[0] = (uint8_t)i;
				memcpy(out + 1, name + 1, i - 1);
				out[i] = octet_next(name[i]);
				memcpy(out + i + 1, name + l + 1, len - l - 1);
				return len - (l - i);
			}
		}
		/* The greatest label there is: what follows is the parent's sibling. */
		len -= l + 1u;
		name += l + 1u;
	}
}

size_t st_name_successor(const uint8_t *name, size_t len, uint8_t *out)
{
	if (len + 2 <= ST_DNS_MAX_NAME) {
		out[0] = 1;
		out[1] = 0;
		memcpy(out + 2, name, len);
		return len + 2;
	}
	return st_name_next_sibling(name, len, out);
}

size_t st_name_predecessor(const uint8_t *name, size_t len, const uint8_t *apex, size_t apex_len,
			   uint8_t *out)
{
	if (len <= apex_len || name[0] == 0)
		return 0;
	unsigned l = name[0];
	const uint8_t *parent = name + l + 1;
	size_t plen = len - l - 1;
	if (l == 1 && name[1] == 0) {
		/* "\000.parent" comes right after its parent. */
		memcpy(out, parent, plen);
		return plen;
	}
	/* The previous sibling label, then its last descendant. */
	uint8_t sib[64];
	unsigned sl;
	if (name[l] == 0) {
		sl = l - 1;
		memcpy(sib, name + 1, sl);
	} else {
		sl = l;
		memcpy(sib, name + 1, sl);
		sib[sl - 1] = octet_prev(name[l]);
		while (sl < 63 && 1 + sl + 1 + plen <= ST_DNS_MAX_NAME)
			sib[sl++] = 0xff;
	}
	size_t tail = 1 + sl + plen; /* sibling label plus parent */
	size_t room = ST_DNS_MAX_NAME - tail;
	/* Labels of 0xff from the sibling outwards, each as long as it can be. */
	unsigned sizes[ST_DNS_MAX_LABELS], n = 0;
	while (room >= 2) {
		unsigned s = room - 1 < 63 ? (unsigned)(room - 1) : 63;
		sizes[n++] = s;
		room -= s + 1u;
	}
	size_t o = 0;
	for (unsigned k = n; k-- > 0;) {
		out[o++] = (uint8_t)sizes[k];
		memset(out + o, 0xff, sizes[k]);
		o += sizes[k];
	}
	out[o++] = (uint8_t)sl;
	memcpy(out + o, sib, sl);
	o += sl;
	memcpy(out + o, parent, plen);
	return o + plen;
}
