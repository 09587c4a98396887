/* Base64 (RFC 4648, standard alphabet, padded): how etcd's JSON gateway
 * carries keys and values, and how TSIG secrets and keys are written. */
#ifndef ST_COMMON_BASE64_H
#define ST_COMMON_BASE64_H

#include <stddef.h>

/* Characters st_base64_encode writes for len bytes, without the NUL. */
size_t st_base64_encoded_len(size_t len);
/* Encode len bytes into out (room for st_base64_encoded_len(len) + 1); the
 * result is NUL-terminated. Returns its length. */
size_t st_base64_encode(const void *data, size_t len, char *out);
/* Decode text (len characters; white space is skipped) into out (room for
 * len * 3 / 4 bytes). Returns the number of bytes, or ST_EINVAL for a
 * character outside the alphabet, misplaced padding or a truncated group. */
long st_base64_decode(const char *text, size_t len, void *out);

#endif
