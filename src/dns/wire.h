/* DNS wire constants and unaligned big-endian accessors shared by the parser and the writer. */
#ifndef ST_DNS_WIRE_H
#define ST_DNS_WIRE_H

#include <stdint.h>
#include <string.h>

#define ST_DNS_HEADER_LEN 12
#define ST_DNS_MAX_NAME 255
#define ST_DNS_MAX_LABELS 127
#define ST_DNS_MIN_UDP 512
#define ST_DNS_DEFAULT_UDP 1232

/* RR types by number (mnemonics: dns/rrtype.h). */
enum {
	ST_TYPE_A = 1,
	ST_TYPE_NS = 2,
	ST_TYPE_CNAME = 5,
	ST_TYPE_SOA = 6,
	ST_TYPE_NULL = 10,
	ST_TYPE_PTR = 12,
	ST_TYPE_HINFO = 13,
	ST_TYPE_MX = 15,
	ST_TYPE_TXT = 16,
	ST_TYPE_RP = 17,
	ST_TYPE_AFSDB = 18,
	ST_TYPE_AAAA = 28,
	ST_TYPE_LOC = 29,
	ST_TYPE_SRV = 33,
	ST_TYPE_NAPTR = 35,
	ST_TYPE_KX = 36,
	ST_TYPE_CERT = 37,
	ST_TYPE_DNAME = 39,
	ST_TYPE_OPT = 41,
	ST_TYPE_APL = 42,
	ST_TYPE_DS = 43,
	ST_TYPE_SSHFP = 44,
	ST_TYPE_IPSECKEY = 45,
	ST_TYPE_RRSIG = 46,
	ST_TYPE_NSEC = 47,
	ST_TYPE_DNSKEY = 48,
	ST_TYPE_DHCID = 49,
	ST_TYPE_NSEC3 = 50,
	ST_TYPE_NSEC3PARAM = 51,
	ST_TYPE_TLSA = 52,
	ST_TYPE_SMIMEA = 53,
	ST_TYPE_CDS = 59,
	ST_TYPE_CDNSKEY = 60,
	ST_TYPE_OPENPGPKEY = 61,
	ST_TYPE_CSYNC = 62,
	ST_TYPE_ZONEMD = 63,
	ST_TYPE_SVCB = 64,
	ST_TYPE_HTTPS = 65,
	ST_TYPE_SPF = 99,
	ST_TYPE_EUI48 = 108,
	ST_TYPE_EUI64 = 109,
	ST_TYPE_NXNAME = 128, /* compact denial: the name does not exist (RFC 9824) */
	ST_TYPE_TKEY = 249,
	ST_TYPE_TSIG = 250,
	ST_TYPE_IXFR = 251,
	ST_TYPE_AXFR = 252,
	ST_TYPE_MAILB = 253,
	ST_TYPE_MAILA = 254,
	ST_TYPE_ANY = 255,
	ST_TYPE_URI = 256,
	ST_TYPE_CAA = 257,
};

enum {
	ST_CLASS_IN = 1,
	ST_CLASS_CH = 3, /* CHAOS: the server's identity and version (RFC 4892) */
};

/* Response codes; values above 15 travel in the OPT record. */
enum {
	ST_RCODE_NOERROR = 0,
	ST_RCODE_FORMERR = 1,
	ST_RCODE_SERVFAIL = 2,
	ST_RCODE_NXDOMAIN = 3,
	ST_RCODE_NOTIMP = 4,
	ST_RCODE_REFUSED = 5,
	ST_RCODE_YXDOMAIN = 6,
	ST_RCODE_NOTAUTH = 9,
	ST_RCODE_BADVERS = 16,
	ST_RCODE_BADCOOKIE = 23,
};

enum {
	ST_OPCODE_QUERY = 0,
};

/* Header flag bits, byte 2 and byte 3. */
#define ST_FLAG1_QR 0x80
#define ST_FLAG1_AA 0x04
#define ST_FLAG1_TC 0x02
#define ST_FLAG1_RD 0x01
#define ST_FLAG2_RA 0x80
#define ST_FLAG2_AD 0x20
#define ST_FLAG2_CD 0x10

/* EDNS option codes. */
#define ST_EDNS_OPT_NSID 3
#define ST_EDNS_OPT_ECS 8
#define ST_EDNS_OPT_COOKIE 10
#define ST_EDNS_OPT_EDE 15
/* Extended DNS Error info-codes (RFC 8914). */
#define ST_EDE_PROHIBITED 18
#define ST_EDE_NOT_AUTHORITATIVE 20
#define ST_EDE_NOT_SUPPORTED 21
#define ST_EDE_INVALID_QUERY_TYPE 30
#define ST_EDNS_DO 0x8000

static inline uint16_t st_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t st_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void st_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void st_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
