/* Hexadecimal text to bytes: the cookie secret file and server.nsid. */
#ifndef ST_COMMON_HEX_H
#define ST_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Decode len characters (two per byte, either case) into out (room for
 * cap bytes). Returns the number of bytes, or ST_EINVAL for an odd length,
 * a character that is not a hex digit, or more than cap bytes. */
long st_hex_decode(const char *text, size_t len, uint8_t *out, size_t cap);

#endif
