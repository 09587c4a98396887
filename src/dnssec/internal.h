/* Signer internals shared by the signer (states) and the per-thread
 * signing code. */
#ifndef ST_DNSSEC_INTERNAL_H
#define ST_DNSSEC_INTERNAL_H

#include "dnssec/signer.h"

/* Keys signing in one role at a time (rollovers use two or three). */
#define ST_SIG_KEYS_MAX 8
/* DNSKEY records published at most. */
#define ST_APEX_KEYS_MAX 32
/* Types one NSEC lists at most. */
#define ST_NSEC_TYPES_MAX 1024

typedef struct st_sigkey {
	const st_dnskey_t *key;
	uint16_t tag; /* as published (REVOKE included) */
} st_sigkey_t;

struct st_sigstate {
	uint64_t id; /* unique: per-thread caches tell states apart by it */
	const st_zone_t *zone;
	uint8_t apex[ST_DNS_MAX_NAME];
	uint8_t apex_len;
	unsigned apex_labels;
	int64_t made_at, renew_at;
	uint32_t inception, expiration;
	st_sigkey_t ksk[ST_SIG_KEYS_MAX], zsk[ST_SIG_KEYS_MAX];
	size_t n_ksk, n_zsk;
	/* DNSKEY, CDS, CDNSKEY. */
	st_sig_rrset_t apex_sets[3];
	size_t n_apex;
	st_rdata_ref_t apex_rr[3 * ST_APEX_KEYS_MAX];
	uint8_t *apex_data;
	/* Signatures of the zone's static RRsets, by st_zone_rrset_index. */
	st_sigs_t **slots;
	size_t n_slots;
};

/* Sign the RRset in sb with the state's key signers (dnskey) or data
 * signers; a new st_sigs_t (malloc) or NULL. */
st_sigs_t *st_dnssec_sign_keys(st_sigbuf_t *sb, const st_sigstate_t *st, bool dnskey, uint16_t type,
			       uint8_t labels, uint32_t ttl);

#endif
