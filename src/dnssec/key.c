/* DNSSEC keys from BIND-format files. */
#define _GNU_SOURCE
#include "dnssec/key.h"
#include "common/file.h"
#include "common/base64.h"
#include "common/number.h"
#include "common/strv.h"
#include "dns/name.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Key files are a few hundred bytes; anything this large is not one. */
#define KEY_FILE_MAX 65536

static const char *const time_names[ST_KEY_TIMES] = {
    [ST_KEY_PUBLISH] = "Publish",	 [ST_KEY_ACTIVATE] = "Activate",
    [ST_KEY_INACTIVE] = "Inactive",	 [ST_KEY_DELETE] = "Delete",
    [ST_KEY_REVOKE] = "Revoke",		 [ST_KEY_SYNC_PUBLISH] = "SyncPublish",
    [ST_KEY_SYNC_DELETE] = "SyncDelete",
};

uint16_t st_key_tag(const uint8_t *rdata, size_t len)
{
	uint32_t ac = 0;
	for (size_t i = 0; i < len; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += (ac >> 16) & 0xffff;
	return (uint16_t)(ac & 0xffff);
}

int st_key_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	int v[6];
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	for (int i = 0, p = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < width[i]; k++, p++) {
			if (!isdigit((unsigned char)s[p]))
				return -1;
			v[i] = v[i] * 10 + (s[p] - '0');
		}
	}
	if (isdigit((unsigned char)s[14]) || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* A whole file into a NUL-terminated buffer. */
static int read_file(const char *path, char **out, st_diag_t *diag)
{
	FILE *f = NULL;
	int orc = st_file_fopen(path, &f);
	if (orc < 0)
		return st_diag_set(diag, orc == ST_ENOENT ? ST_ENOENT : ST_EIO, "%s: %s", path,
				   st_strerror(orc));
	char *buf = malloc(KEY_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return ST_ENOMEM;
	}
	size_t n = fread(buf, 1, KEY_FILE_MAX + 1, f);
	int err = ferror(f);
	fclose(f);
	if (err || n > KEY_FILE_MAX) {
		free(buf);
		return st_diag_set(diag, ST_EIO, "%s: %s", path,
				   err ? "read error" : "too large for a key file");
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		free(buf);
		return st_diag_set(diag, ST_EPARSE, "%s: not a text file", path);
	}
	*out = buf;
	return 0;
}

/* Base64 of at most `cap` bytes; returns the decoded length or -1. */
static int base64_decode(const char *in, uint8_t *out, size_t cap)
{
	uint8_t tmp[768];
	size_t n = strlen(in);
	if (n / 4 * 3 > sizeof(tmp))
		return -1;
	long got = st_base64_decode(in, n, tmp);
	if (got < 0 || (size_t)got > cap)
		return -1;
	memcpy(out, tmp, (size_t)got);
	return (int)got;
}

/* Timing line "Name: 20240102030405" (after "; " in a .key comment). */
static void parse_time_line(const char *line, int64_t *times, bool *set)
{
	for (int t = 0; t < ST_KEY_TIMES; t++) {
		size_t l = strlen(time_names[t]);
		if (strncmp(line, time_names[t], l) != 0 || line[l] != ':')
			continue;
		const char *v = line + l + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		int64_t when;
		if (st_key_time_parse(v, &when) == 0) {
			times[t] = when;
			set[t] = true;
		}
		return;
	}
}

static unsigned alg_key_len(uint8_t alg)
{
	return alg == ST_ALG_ECDSAP256SHA256 ? 64 : alg == ST_ALG_ED25519 ? 32 : 0;
}

static int unsupported_alg(st_diag_t *diag, const char *file, unsigned line, unsigned alg)
{
	return st_diag_set(diag, ST_EPARSE,
			   "%s:%u: algorithm %u is not supported (use 13, ECDSAP256SHA256, "
			   "or 15, ED25519)",
			   file, line, alg);
}

/* Next whitespace-separated token of the RR text (parentheses are blanks). */
static char *next_token(char **p)
{
	char *s = *p;
	while (*s && (isspace((unsigned char)*s) || *s == '(' || *s == ')'))
		s++;
	if (!*s)
		return NULL;
	char *tok = s;
	while (*s && !isspace((unsigned char)*s) && *s != '(' && *s != ')')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return tok;
}

/* The .key file: comments with timing, then one DNSKEY record. */
static int parse_key_file(const char *file, char *text, const uint8_t *apex, size_t apex_len,
			  st_dnskey_t *key, bool *set, st_diag_t *diag)
{
	char rr[4096];
	size_t rl = 0;
	unsigned line = 0, rr_line = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		line++;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == ';') {
			l++;
			while (*l == ' ')
				l++;
			parse_time_line(l, key->times, set);
			continue;
		}
		char *semi = strchr(l, ';');
		if (semi)
			*semi = '\0';
		size_t n = strlen(l);
		if (n == 0 || strspn(l, " \t\r") == n)
			continue;
		if (!rr_line)
			rr_line = line;
		if (rl + n + 2 > sizeof(rr))
			return st_diag_set(diag, ST_EPARSE, "%s:%u: record too long", file, line);
		memcpy(rr + rl, l, n);
		rl += n;
		rr[rl++] = ' ';
	}
	rr[rl] = '\0';
	if (!rr_line)
		return st_diag_set(diag, ST_EPARSE, "%s: no DNSKEY record in the file", file);

	char *p = rr, *tok = next_token(&p);
	uint8_t owner[ST_DNS_MAX_NAME];
	int olen = tok ? st_name_from_str(tok, owner, sizeof(owner)) : -1;
	if (olen < 0)
		return st_diag_set(diag, ST_EPARSE, "%s:%u: bad owner name", file, rr_line);
	if ((size_t)olen != apex_len || !st_name_equal_ci(owner, apex, apex_len))
		return st_diag_set(diag, ST_EPARSE, "%s:%u: the key is for %s, not this zone", file,
				   rr_line, tok);
	tok = next_token(&p);
	uint64_t ttl;
	int rc = tok ? st_parse_u64(tok, INT32_MAX, &ttl) : ST_EINVAL;
	if (rc == ST_ERANGE)
		return st_diag_set(diag, ST_EPARSE, "%s:%u: bad TTL %s", file, rr_line, tok);
	if (rc == 0) {
		key->ttl = (uint32_t)ttl;
		tok = next_token(&p);
	}
	if (tok && strcasecmp(tok, "IN") == 0)
		tok = next_token(&p);
	if (!tok || strcasecmp(tok, "DNSKEY") != 0)
		return st_diag_set(diag, ST_EPARSE, "%s:%u: expected a DNSKEY record", file,
				   rr_line);
	char *f = next_token(&p), *proto = next_token(&p), *alg = next_token(&p);
	uint64_t flags, protocol, algorithm;
	if (st_parse_u64(f, UINT16_MAX, &flags) != 0 ||
	    st_parse_u64(proto, UINT8_MAX, &protocol) != 0 ||
	    st_parse_u64(alg, UINT8_MAX, &algorithm) != 0)
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: expected DNSKEY flags, protocol and algorithm", file,
				   rr_line);
	key->flags = (uint16_t)flags;
	key->alg = (uint8_t)algorithm;
	if (protocol != 3)
		return st_diag_set(diag, ST_EPARSE, "%s:%u: protocol %s, expected 3", file, rr_line,
				   proto);
	if (!(key->flags & ST_DNSKEY_ZONE))
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: flags %u lack the zone key bit (256): not a zone key",
				   file, rr_line, key->flags);
	if (key->flags & ST_DNSKEY_REVOKE)
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: the key is revoked in the file; give it a Revoke time "
				   "instead",
				   file, rr_line);
	unsigned klen = alg_key_len(key->alg);
	if (!klen)
		return unsupported_alg(diag, file, rr_line, key->alg);
	char b64[1024];
	size_t bl = 0;
	while ((tok = next_token(&p)) != NULL) {
		size_t n = strlen(tok);
		if (bl + n >= sizeof(b64))
			return st_diag_set(diag, ST_EPARSE, "%s:%u: public key too long", file,
					   rr_line);
		memcpy(b64 + bl, tok, n);
		bl += n;
	}
	b64[bl] = '\0';
	uint8_t *pk = key->rdata + 4;
	if (base64_decode(b64, pk, klen) != (int)klen)
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: the public key is not %u octets of base64", file,
				   rr_line, klen);
	key->rdata[0] = (uint8_t)(key->flags >> 8);
	key->rdata[1] = (uint8_t)key->flags;
	key->rdata[2] = 3;
	key->rdata[3] = key->alg;
	key->rdlen = (uint16_t)(4 + klen);
	key->tag = st_key_tag(key->rdata, key->rdlen);
	return 0;
}

/* The private key as OpenSSL sees it; its public half must be `pub`. */
static int make_pkey(uint8_t alg, const uint8_t *priv, size_t len, const uint8_t *pub,
		     struct evp_pkey_st **out)
{
	EVP_PKEY *pkey = NULL;
	if (alg == ST_ALG_ED25519) {
		uint8_t derived[32];
		size_t dl = sizeof(derived);
		pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, priv, len);
		if (!pkey || EVP_PKEY_get_raw_public_key(pkey, derived, &dl) != 1 || dl != 32 ||
		    memcmp(derived, pub, 32) != 0) {
			EVP_PKEY_free(pkey);
			return pkey ? ST_EINVAL : ST_EPARSE;
		}
		*out = pkey;
		return 0;
	}
	/* ECDSA P-256: derive the point from the scalar and compare. */
	int ret = ST_EPARSE;
	uint8_t point[65];
	BIGNUM *d = BN_bin2bn(priv, (int)len, NULL);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *q = g ? EC_POINT_new(g) : NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	if (!d || !q || BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0 ||
	    !EC_POINT_mul(g, q, d, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point), NULL) !=
		sizeof(point))
		goto done;
	if (memcmp(point + 1, pub, 64) != 0) {
		ret = ST_EINVAL;
		goto done;
	}
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)))
		goto done;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
		goto done;
	*out = pkey;
	ret = 0;
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(q);
	EC_GROUP_free(g);
	BN_clear_free(d);
	return ret;
}

/* The .private file: "Field: value" lines. */
static int parse_private_file(const char *file, char *text, st_dnskey_t *key, bool *set,
			      st_diag_t *diag)
{
	unsigned line = 0, key_line = 0, alg_line = 0;
	bool have_format = false;
	int alg = -1;
	char b64[256] = "";
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		line++;
		size_t n = strlen(l);
		while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		if (n == 0)
			continue;
		char *colon = strchr(l, ':');
		if (!colon)
			return st_diag_set(diag, ST_EPARSE, "%s:%u: expected \"Field: value\"",
					   file, line);
		*colon = '\0';
		char *v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strcmp(l, "Private-key-format") == 0) {
			if (strncmp(v, "v1.", 3) != 0)
				return st_diag_set(diag, ST_EPARSE,
						   "%s:%u: private key format %s, expected v1.x",
						   file, line, v);
			have_format = true;
		} else if (strcmp(l, "Algorithm") == 0) {
			alg = isdigit((unsigned char)*v) ? atoi(v) : -1;
			alg_line = line;
		} else if (strcmp(l, "PrivateKey") == 0) {
			size_t vl = 0;
			for (; *v && vl + 1 < sizeof(b64); v++)
				if (!isspace((unsigned char)*v))
					b64[vl++] = *v;
			b64[vl] = '\0';
			key_line = line;
		} else {
			*colon = ':';
			parse_time_line(l, key->times, set);
		}
	}
	if (!have_format)
		return st_diag_set(diag, ST_EPARSE,
				   "%s:1: not a private key file (no Private-key-format line)",
				   file);
	if (alg < 0)
		return st_diag_set(diag, ST_EPARSE, "%s: no Algorithm line", file);
	if (alg != key->alg) {
		if (!alg_key_len((uint8_t)alg))
			return unsupported_alg(diag, file, alg_line, (unsigned)alg);
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: algorithm %d, but the .key file says %u", file, alg_line,
				   alg, key->alg);
	}
	if (!key_line)
		return st_diag_set(diag, ST_EPARSE, "%s: no PrivateKey line", file);
	/* An ECDSA scalar is a number: BIND writes it without its leading zero
	 * octets (one key in 256 is 31 octets long); Ed25519's is a fixed
	 * string of 32. */
	uint8_t raw[32], priv[32] = {0};
	int got = base64_decode(b64, raw, sizeof(raw));
	if (got <= 0 || (key->alg == ST_ALG_ED25519 && got != 32)) {
		OPENSSL_cleanse(raw, sizeof(raw));
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: the private key is not %s32 octets of base64", file,
				   key_line, key->alg == ST_ALG_ED25519 ? "" : "1 to ");
	}
	memcpy(priv + sizeof(priv) - (size_t)got, raw, (size_t)got);
	OPENSSL_cleanse(raw, sizeof(raw));
	int ret = make_pkey(key->alg, priv, sizeof(priv), key->rdata + 4, &key->pkey);
	OPENSSL_cleanse(priv, sizeof(priv));
	OPENSSL_cleanse(b64, sizeof(b64));
	if (ret == ST_EINVAL)
		return st_diag_set(diag, ST_EPARSE,
				   "%s:%u: this private key does not belong to the public key of "
				   "%s",
				   file, key_line, key->file);
	if (ret != 0)
		return st_diag_set(diag, ST_EPARSE, "%s:%u: not a valid private key", file,
				   key_line);
	return 0;
}

void st_dnskey_clear(st_dnskey_t *key)
{
	if (!key)
		return;
	free(key->file);
	EVP_PKEY_free(key->pkey);
	memset(key, 0, sizeof(*key));
}

int st_dnskey_load(const char *key_file, const char *private_file, const uint8_t *apex,
		   size_t apex_len, st_dnskey_t *out, st_diag_t *diag)
{
	st_dnskey_t key;
	bool set_pub[ST_KEY_TIMES] = {false}, set_priv[ST_KEY_TIMES] = {false};
	int64_t priv_times[ST_KEY_TIMES];
	memset(&key, 0, sizeof(key));
	for (int t = 0; t < ST_KEY_TIMES; t++)
		key.times[t] = priv_times[t] = ST_KEY_UNSET;
	key.file = strdup(key_file);
	if (!key.file)
		return ST_ENOMEM;
	char *text = NULL;
	int ret = read_file(key_file, &text, diag);
	if (ret == 0)
		ret = parse_key_file(key_file, text, apex, apex_len, &key, set_pub, diag);
	free(text);
	text = NULL;
	if (ret == 0 && private_file) {
		/* The private file's timing is the one BIND keeps up to date. */
		int64_t pub_times[ST_KEY_TIMES];
		memcpy(pub_times, key.times, sizeof(pub_times));
		memcpy(key.times, priv_times, sizeof(priv_times));
		ret = read_file(private_file, &text, diag);
		if (ret == 0)
			ret = parse_private_file(private_file, text, &key, set_priv, diag);
		if (text) {
			OPENSSL_cleanse(text, strlen(text));
			free(text);
		}
		for (int t = 0; t < ST_KEY_TIMES; t++)
			if (!set_priv[t])
				key.times[t] = pub_times[t];
	}
	if (ret != 0) {
		st_dnskey_clear(&key);
		return ret;
	}
	*out = key;
	return 0;
}

static bool is_set(const st_dnskey_t *k, int t)
{
	return k->times[t] != ST_KEY_UNSET;
}

static bool passed(const st_dnskey_t *k, int t, int64_t now)
{
	return is_set(k, t) && k->times[t] <= now;
}

st_key_role_t st_dnskey_role(const st_dnskey_t *key, int64_t now)
{
	st_key_role_t r = {false, false, false, false};
	if (!is_set(key, ST_KEY_PUBLISH) && !is_set(key, ST_KEY_ACTIVATE) &&
	    !is_set(key, ST_KEY_REVOKE) && !is_set(key, ST_KEY_INACTIVE) &&
	    !is_set(key, ST_KEY_DELETE))
		r.publish = r.sign = true;
	if (passed(key, ST_KEY_PUBLISH, now))
		r.publish = true;
	if (passed(key, ST_KEY_ACTIVATE, now))
		r.publish = r.sign = true;
	if (passed(key, ST_KEY_REVOKE, now))
		r.publish = r.revoked = true;
	if (passed(key, ST_KEY_INACTIVE, now))
		r.sign = false;
	if (passed(key, ST_KEY_DELETE, now))
		r.publish = r.sign = r.revoked = false;
	if (!key->pkey)
		r.sign = false;
	bool sync_on =
	    is_set(key, ST_KEY_SYNC_PUBLISH) ? passed(key, ST_KEY_SYNC_PUBLISH, now) : r.sign;
	r.sync = r.publish && !r.revoked && sync_on && !passed(key, ST_KEY_SYNC_DELETE, now);
	return r;
}

int64_t st_dnskey_next_event(const st_dnskey_t *key, int64_t now)
{
	int64_t next = INT64_MAX;
	for (int t = 0; t < ST_KEY_TIMES; t++)
		if (is_set(key, t) && key->times[t] > now && key->times[t] < next)
			next = key->times[t];
	return next;
}

size_t st_dnskey_rdata(const st_dnskey_t *key, bool revoked, uint8_t *out)
{
	memcpy(out, key->rdata, key->rdlen);
	if (revoked)
		out[1] |= ST_DNSKEY_REVOKE;
	return key->rdlen;
}

/* Is a key of this algorithm, with or without the SEP flag, signing now?
 * Roles are per algorithm (as BIND assigns them): every RRset must be
 * signed with every algorithm of the DNSKEY RRset (RFC 4035 2.2), so an
 * algorithm with only a KSK signs the zone with it, and one with only a
 * ZSK signs the DNSKEY RRset with it. */
static bool any_active(const st_keyset_t *ks, bool sep, uint8_t alg, int64_t now)
{
	for (size_t i = 0; i < ks->n; i++) {
		st_key_role_t r = st_dnskey_role(&ks->keys[i], now);
		if (r.sign && !r.revoked && ks->keys[i].alg == alg &&
		    ((ks->keys[i].flags & ST_DNSKEY_SEP) != 0) == sep)
			return true;
	}
	return false;
}

bool st_dnskey_signs_keys(const st_keyset_t *ks, size_t i, int64_t now)
{
	const st_dnskey_t *k = &ks->keys[i];
	st_key_role_t r = st_dnskey_role(k, now);
	if (!r.publish || !k->pkey)
		return false;
	/* RFC 5011 2.1: a revoked key signs the DNSKEY RRset that revokes it. */
	if (r.revoked)
		return true;
	if (!r.sign)
		return false;
	return (k->flags & ST_DNSKEY_SEP) || !any_active(ks, true, k->alg, now);
}

bool st_dnskey_signs_zone(const st_keyset_t *ks, size_t i, int64_t now)
{
	const st_dnskey_t *k = &ks->keys[i];
	st_key_role_t r = st_dnskey_role(k, now);
	if (!r.sign || r.revoked)
		return false;
	return !(k->flags & ST_DNSKEY_SEP) || !any_active(ks, false, k->alg, now);
}

void st_keyset_free(st_keyset_t *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++)
		st_dnskey_clear(&ks->keys[i]);
	free(ks->keys);
	free(ks);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "K<zone>+NNN+NNNNN.key" for this zone (zone name compared without case). */
static bool key_file_name(const char *name, const char *zone)
{
	size_t zl = strlen(zone), n = strlen(name);
	if (n != 1 + zl + 14 || name[0] != 'K' || strncasecmp(name + 1, zone, zl) != 0)
		return false;
	const char *p = name + 1 + zl;
	return p[0] == '+' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	       isdigit((unsigned char)p[3]) && p[4] == '+' && strspn(p + 5, "0123456789") == 5 &&
	       strcmp(p + 10, ".key") == 0;
}

int st_keyset_load(const char *dir, const uint8_t *apex, size_t apex_len, st_keyset_t **out,
		   st_diag_t *diag)
{
	char zone[ST_DNS_MAX_NAME * 4 + 2];
	if (st_name_to_str(apex, zone, sizeof(zone)) < 0)
		return ST_EINVAL;
	DIR *d = opendir(dir);
	if (!d)
		return st_diag_set(diag, errno == ENOENT ? ST_ENOENT : ST_EIO,
				   "%s: %s (the folder of the zone's keys)", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ret = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!key_file_name(e->d_name, zone))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 8;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn) {
				ret = ST_ENOMEM;
				break;
			}
			names = nn;
			cap = nc;
		}
		if (!(names[n] = strdup(e->d_name))) {
			ret = ST_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	st_keyset_t *ks = calloc(1, sizeof(*ks));
	if (ret == 0 && !ks)
		ret = ST_ENOMEM;
	if (ret == 0 && n == 0)
		ret = st_diag_set(diag, ST_ENOENT, "%s: no key of zone %s (K%s+NNN+NNNNN.key)", dir,
				  zone, zone);
	if (ret == 0 && !(ks->keys = calloc(n, sizeof(*ks->keys))))
		ret = ST_ENOMEM;
	if (names)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		char kf[PATH_MAX], pf[PATH_MAX];
		size_t bl = strlen(names[i]) - 4;
		if ((size_t)snprintf(kf, sizeof(kf), "%s/%s", dir, names[i]) >= sizeof(kf) ||
		    (size_t)snprintf(pf, sizeof(pf), "%s/%.*s.private", dir, (int)bl, names[i]) >=
			sizeof(pf)) {
			ret = st_diag_set(diag, ST_EINVAL, "%s: path too long", dir);
			break;
		}
		FILE *probe = NULL;
		bool has_private = st_file_fopen(pf, &probe) != ST_ENOENT;
		if (probe)
			fclose(probe);
		ret =
		    st_dnskey_load(kf, has_private ? pf : NULL, apex, apex_len, &ks->keys[i], diag);
		if (ret == 0)
			ks->n++;
	}
	st_strv_free(names, n);
	if (ret != 0) {
		st_keyset_free(ks);
		return ret;
	}
	*out = ks;
	return 0;
}
