/* TSIG (RFC 8945): keys with HMAC-SHA256/384/512, verification of a signed
 * request, signing of the response (one message, or every message of a zone
 * transfer) and of the requests steerd sends itself (NOTIFY). */
#ifndef ST_DNS_TSIG_H
#define ST_DNS_TSIG_H

#include "dns/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ST_TSIG_MAX_MAC 64
/* Seconds of clock difference accepted either way (RFC 8945 recommends 300). */
#define ST_TSIG_FUDGE 300

/* TSIG error codes (the Error field, RFC 8945 section 3). */
enum {
	ST_TSIG_NOERROR = 0,
	ST_TSIG_BADSIG = 16,
	ST_TSIG_BADKEY = 17,
	ST_TSIG_BADTIME = 18,
	ST_TSIG_BADTRUNC = 22,
};

typedef enum {
	ST_TSIG_HMAC_SHA256,
	ST_TSIG_HMAC_SHA384,
	ST_TSIG_HMAC_SHA512,
} st_tsig_alg_t;

/* "hmac-sha256" (any case, trailing dot optional) -> algorithm; ST_EINVAL
 * for anything else. */
int st_tsig_alg_parse(const char *s, st_tsig_alg_t *out);
const char *st_tsig_alg_name(st_tsig_alg_t alg); /* "hmac-sha256" */
size_t st_tsig_alg_size(st_tsig_alg_t alg);	 /* MAC bytes: 32, 48, 64 */

/* A key: canonical wire name, algorithm, secret (the caller owns the bytes). */
typedef struct st_tsig_key {
	uint8_t name[ST_DNS_MAX_NAME];
	uint8_t name_len;
	st_tsig_alg_t alg;
	const uint8_t *secret;
	size_t secret_len;
} st_tsig_key_t;

/* Decode a base64 secret (whitespace ignored) into out[0..cap); returns the
 * length, or ST_EINVAL (not base64, or empty) / ST_ENOSPC. */
int st_tsig_secret_decode(const char *b64, uint8_t *out, size_t cap);

/* One signed exchange: what the request said, and the MAC that the next
 * message signed in this exchange covers (RFC 8945 sections 5.3 and 5.3.1). */
typedef struct st_tsig {
	const st_tsig_key_t *key; /* NULL: the request's key is unknown (BADKEY) */
	uint16_t error;		  /* ST_TSIG_*: what the response reports */
	uint64_t time_signed;	  /* the request's, for BADTIME responses */
	uint16_t fudge;
	uint8_t name[ST_DNS_MAX_NAME]; /* key and algorithm names as received, */
	uint8_t name_len;	       /* canonical, for error responses with */
	uint8_t alg[ST_DNS_MAX_NAME];  /* an unknown key */
	uint8_t alg_len;
	uint8_t mac[ST_TSIG_MAX_MAC]; /* the request's MAC, then the last one signed */
	uint16_t mac_len;
	uint32_t messages; /* messages signed so far in this exchange */
} st_tsig_t;

/* Where the TSIG record of a message starts: 0 and *off set, ST_ENOENT when
 * there is none, ST_EFORMERR when it is malformed, not the last record of the
 * additional section, or not the only one (RFC 8945 section 5.2). */
int st_tsig_locate(const uint8_t *msg, size_t len, size_t *off);

/* Check the TSIG record at msg[off..len) of a request against `keys`, at
 * `now` (seconds since the epoch). Returns ST_EFORMERR for a malformed
 * record or an impossible MAC size (the answer is a plain FORMERR); else 0
 * with t->error telling the outcome, checked in the RFC's order: BADKEY
 * (unknown key or algorithm), BADSIG (MAC mismatch), BADTIME (outside the
 * fudge), BADTRUNC (a truncated MAC, which local policy does not accept).
 * On success t is ready to sign the response. */
int st_tsig_verify_request(st_tsig_t *t, const st_tsig_key_t *keys, size_t n_keys,
			   const uint8_t *msg, size_t len, size_t off, uint64_t now);

/* Bytes the TSIG record that st_tsig_sign() appends will take. */
size_t st_tsig_size(const st_tsig_t *t);

/* Append a TSIG record to the message msg[0..*len) (room up to cap) and
 * count it in ARCOUNT. The first message of an exchange covers the
 * request's MAC (none for a request of our own) and every TSIG variable;
 * the messages after it cover the previous MAC and the timers only. With
 * t->error BADKEY or BADSIG the record carries the error and no MAC; with
 * BADTIME the time signed is the request's and Other Data the server's time.
 * Returns 0, ST_ETRUNC (no room) or ST_ENOMEM. */
int st_tsig_sign(st_tsig_t *t, uint8_t *msg, size_t *len, size_t cap, uint64_t now);

/* Start an exchange of our own with `key` (a request: no previous MAC). */
void st_tsig_begin(st_tsig_t *t, const st_tsig_key_t *key);

/* Check the TSIG record of a response to a request signed with t (its MAC
 * in t->mac): 0 when it verifies, ST_ENOENT when the response is unsigned,
 * ST_EPROTO for a wrong key, a bad MAC, a time outside the fudge or an
 * error reported by the peer (t->error), ST_EFORMERR when malformed. The
 * first response of an exchange only (what NOTIFY needs). */
int st_tsig_verify_response(st_tsig_t *t, const uint8_t *msg, size_t len, uint64_t now);

/* "BADSIG", "BADKEY", "BADTIME", "BADTRUNC", "NOERROR" or "TSIG error N". */
const char *st_tsig_error_name(uint16_t error);

#endif
