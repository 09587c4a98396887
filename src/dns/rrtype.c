/* RR type mnemonics (the IANA registry's data and meta types). */
#include "dns/rrtype.h"
#include "common/errors.h"
#include "common/number.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

typedef struct {
	uint16_t type;
	const char *name;
} rrtype_t;

/* The IANA registry, sorted by number. */
static const rrtype_t types[] = {
    {1, "A"},		{2, "NS"},	  {3, "MD"},	      {4, "MF"},      {5, "CNAME"},
    {6, "SOA"},		{7, "MB"},	  {8, "MG"},	      {9, "MR"},      {10, "NULL"},
    {11, "WKS"},	{12, "PTR"},	  {13, "HINFO"},      {14, "MINFO"},  {15, "MX"},
    {16, "TXT"},	{17, "RP"},	  {18, "AFSDB"},      {19, "X25"},    {20, "ISDN"},
    {21, "RT"},		{22, "NSAP"},	  {23, "NSAP-PTR"},   {24, "SIG"},    {25, "KEY"},
    {26, "PX"},		{27, "GPOS"},	  {28, "AAAA"},	      {29, "LOC"},    {30, "NXT"},
    {31, "EID"},	{32, "NIMLOC"},	  {33, "SRV"},	      {34, "ATMA"},   {35, "NAPTR"},
    {36, "KX"},		{37, "CERT"},	  {38, "A6"},	      {39, "DNAME"},  {40, "SINK"},
    {41, "OPT"},	{42, "APL"},	  {43, "DS"},	      {44, "SSHFP"},  {45, "IPSECKEY"},
    {46, "RRSIG"},	{47, "NSEC"},	  {48, "DNSKEY"},     {49, "DHCID"},  {50, "NSEC3"},
    {51, "NSEC3PARAM"}, {52, "TLSA"},	  {53, "SMIMEA"},     {55, "HIP"},    {58, "TALINK"},
    {59, "CDS"},	{60, "CDNSKEY"},  {61, "OPENPGPKEY"}, {62, "CSYNC"},  {63, "ZONEMD"},
    {64, "SVCB"},	{65, "HTTPS"},	  {99, "SPF"},	      {104, "NID"},   {105, "L32"},
    {106, "L64"},	{107, "LP"},	  {108, "EUI48"},     {109, "EUI64"}, {128, "NXNAME"},
    {249, "TKEY"},
    {250, "TSIG"},	{251, "IXFR"},	  {252, "AXFR"},      {253, "MAILB"}, {254, "MAILA"},
    {255, "ANY"},	{256, "URI"},	  {257, "CAA"},	      {258, "AVC"},   {259, "DOA"},
    {260, "AMTRELAY"},	{261, "RESINFO"}, {32768, "TA"},      {32769, "DLV"},
};

#define N_TYPES (sizeof(types) / sizeof(types[0]))

const char *st_rrtype_name(uint16_t type)
{
	size_t lo = 0, hi = N_TYPES;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (types[mid].type == type)
			return types[mid].name;
		if (types[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *st_rrtype_str(uint16_t type, char *buf, size_t len)
{
	const char *name = st_rrtype_name(type);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

int st_rrtype_parse(const char *s, uint16_t *out)
{
	for (size_t i = 0; i < N_TYPES; i++)
		if (strcasecmp(s, types[i].name) == 0) {
			*out = types[i].type;
			return 0;
		}
	uint64_t v;
	if (strncasecmp(s, "TYPE", 4) == 0 && strlen(s + 4) <= 5 &&
	    st_parse_u64(s + 4, UINT16_MAX, &v) == 0) {
		*out = (uint16_t)v;
		return 0;
	}
	return ST_EINVAL;
}

bool st_rdata_names(uint16_t type, st_rdata_names_t *out)
{
	st_rdata_names_t l = {.skip = 0, .names = 1, .compress = false};
	switch (type) {
	case ST_TYPE_NS:
	case 3: /* MD */
	case 4: /* MF */
	case ST_TYPE_CNAME:
	case 7: /* MB */
	case 8: /* MG */
	case 9: /* MR */
	case ST_TYPE_PTR:
		l.compress = true;
		break;
	case ST_TYPE_SOA:
	case 14: /* MINFO */
		l.names = 2;
		l.compress = true;
		break;
	case ST_TYPE_MX:
		l.skip = 2;
		l.compress = true;
		break;
	case ST_TYPE_RP:
		l.names = 2;
		break;
	case ST_TYPE_AFSDB:
	case 21: /* RT */
	case ST_TYPE_KX:
		l.skip = 2;
		break;
	case 26: /* PX */
		l.skip = 2;
		l.names = 2;
		break;
	case 30: /* NXT: the name, then a bitmap */
	case ST_TYPE_DNAME:
		break;
	case ST_TYPE_SRV:
		l.skip = 6;
		break;
	case 24: /* SIG */
	case ST_TYPE_RRSIG:
		l.skip = 18;
		break;
	default:
		return false;
	}
	*out = l;
	return true;
}
