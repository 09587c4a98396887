/* Signing primitives: canonical RRsets, RRSIG, DS. */
#include "dnssec/sign.h"
#include "dns/canon.h"
#include "dns/name.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Sort records of up to this many without allocating. */
#define SORT_STACK 64

void st_sigbuf_init(st_sigbuf_t *sb)
{
	sb->buf = NULL;
	sb->cap = 0;
	sb->len = 0;
}

void st_sigbuf_clear(st_sigbuf_t *sb)
{
	free(sb->buf);
	st_sigbuf_init(sb);
}

static int reserve(st_sigbuf_t *sb, size_t need)
{
	if (need <= sb->cap)
		return 0;
	size_t cap = sb->cap ? sb->cap : 4096;
	while (cap < need)
		cap *= 2;
	uint8_t *b = realloc(sb->buf, ST_RRSIG_HEAD + cap);
	if (!b)
		return ST_ENOMEM;
	sb->buf = b;
	sb->cap = cap;
	return 0;
}

/* Records sorted by canonical RDATA: each entry is the offset of a record's
 * RDLENGTH in the scratch area. */
static int rec_cmp(const uint8_t *base, uint32_t a, uint32_t b)
{
	size_t la = st_get16(base + a), lb = st_get16(base + b);
	return st_rdata_canon_cmp(base + a + 2, la, base + b + 2, lb);
}

/* Insertion sort: RRsets are small, and this keeps the order stable. */
static void sort_recs(const uint8_t *base, uint32_t *idx, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t v = idx[i];
		size_t j = i;
		while (j > 0 && rec_cmp(base, idx[j - 1], v) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

int st_sigbuf_rrset(st_sigbuf_t *sb, const uint8_t *owner, size_t owner_len, uint16_t type,
		    uint32_t ttl, const st_rdata_ref_t *rr, size_t n)
{
	/* Scratch: each canonical RDATA behind its length, after the output area. */
	size_t head = owner_len + 10, total = 0, scratch = 0;
	for (size_t i = 0; i < n; i++) {
		total += head + rr[i].len;
		scratch += 2 + rr[i].len;
	}
	int ret = reserve(sb, total + scratch);
	if (ret < 0)
		return ret;
	uint8_t *out = sb->buf + ST_RRSIG_HEAD;
	uint8_t *sc = out + total;
	uint32_t stack_idx[SORT_STACK], *idx = stack_idx;
	if (n > SORT_STACK && !(idx = malloc(n * sizeof(*idx))))
		return ST_ENOMEM;
	size_t so = 0;
	for (size_t i = 0; i < n; i++) {
		idx[i] = (uint32_t)so;
		st_put16(sc + so, rr[i].len);
		if (st_rdata_canonical(type, rr[i].data, rr[i].len, sc + so + 2) < 0) {
			if (idx != stack_idx)
				free(idx);
			return ST_EINVAL;
		}
		so += 2u + rr[i].len;
	}
	sort_recs(sc, idx, n);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && rec_cmp(sc, idx[i - 1], idx[i]) == 0)
			continue; /* RFC 4034 6.3: a repeated record counts once */
		size_t rl = st_get16(sc + idx[i]);
		st_name_lower(out + o, owner, owner_len);
		o += owner_len;
		st_put16(out + o, type);
		st_put16(out + o + 2, ST_CLASS_IN);
		st_put32(out + o + 4, ttl);
		memcpy(out + o + 8, sc + idx[i], 2 + rl);
		o += 10 + rl;
	}
	if (idx != stack_idx)
		free(idx);
	sb->len = o;
	return 0;
}

/* DER ECDSA-Sig-Value -> r | s, 32 octets each (RFC 6605 4). */
static int ecdsa_raw(const uint8_t *der, size_t len, uint8_t *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	if (!sig)
		return ST_EINVAL;
	const BIGNUM *r, *s;
	ECDSA_SIG_get0(sig, &r, &s);
	int ok = BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
	ECDSA_SIG_free(sig);
	return ok ? 64 : ST_EINVAL;
}

int st_rrsig_make(st_sigbuf_t *sb, const st_dnskey_t *key, uint16_t tag, const st_rrsig_meta_t *m,
		  uint8_t *out)
{
	if (!key->pkey || !sb->buf)
		return ST_EINVAL;
	size_t hl = ST_RRSIG_FIXED + m->signer_len;
	uint8_t *h = sb->buf + ST_RRSIG_HEAD - hl;
	st_put16(h, m->type);
	h[2] = key->alg;
	h[3] = m->labels;
	st_put32(h + 4, m->ttl);
	st_put32(h + 8, m->expiration);
	st_put32(h + 12, m->inception);
	st_put16(h + 16, tag);
	st_name_lower(h + 18, m->signer, m->signer_len);
	memcpy(out, h, hl);

	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md)
		return ST_ENOMEM;
	uint8_t der[80];
	size_t sl = sizeof(der);
	bool ecdsa = key->alg == ST_ALG_ECDSAP256SHA256;
	int ret = ST_EINVAL;
	if (EVP_DigestSignInit(md, NULL, ecdsa ? EVP_sha256() : NULL, NULL, key->pkey) == 1 &&
	    EVP_DigestSign(md, ecdsa ? der : out + hl, &sl, h, hl + sb->len) == 1)
		ret = ecdsa ? ecdsa_raw(der, sl, out + hl) : (int)sl;
	EVP_MD_CTX_free(md);
	return ret < 0 ? ret : (int)hl + ret;
}

int st_ds_rdata(const uint8_t *owner, size_t owner_len, const uint8_t *dnskey, size_t dnskey_len,
		uint8_t digest_type, uint8_t *out)
{
	const EVP_MD *md = digest_type == 2 ? EVP_sha256() : digest_type == 4 ? EVP_sha384() : NULL;
	if (!md || dnskey_len < 4 || owner_len > ST_DNS_MAX_NAME)
		return ST_EINVAL;
	uint8_t name[ST_DNS_MAX_NAME];
	st_name_lower(name, owner, owner_len);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned dl = 0;
	int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
		 EVP_DigestUpdate(ctx, name, owner_len) == 1 &&
		 EVP_DigestUpdate(ctx, dnskey, dnskey_len) == 1 &&
		 EVP_DigestFinal_ex(ctx, out + 4, &dl) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return ST_EINVAL;
	st_put16(out, st_key_tag(dnskey, dnskey_len));
	out[2] = dnskey[3];
	out[3] = digest_type;
	return 4 + (int)dl;
}
