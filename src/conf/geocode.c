/* Location codes: parsing, and the checks against the ISO 3166 tables. */
#include "conf/geocode.h"

#include <stdio.h>
#include <string.h>

uint16_t st_code_parse(const char *s, size_t len)
{
	if (len != 2)
		return 0;
	char a = s[0], b = s[1];
	if (a >= 'a' && a <= 'z')
		a = (char)(a - 32);
	if (b >= 'a' && b <= 'z')
		b = (char)(b - 32);
	if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
		return 0;
	return ST_CODE2(a, b);
}

/* Is the two-letter code in a list of codes separated by one space? */
static bool in_list(const char *list, const char *code, size_t len)
{
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n == len && memcmp(p, code, len) == 0)
			return true;
		p += n + (end ? 1 : 0);
	}
	return false;
}

bool st_continent_known(uint16_t code)
{
	char s[2] = {(char)(code >> 8), (char)code};
	return code && in_list("AF AN AS EU NA OC SA", s, 2);
}

bool st_country_known(uint16_t code)
{
	char s[2] = {(char)(code >> 8), (char)code};
	return code && in_list(st_iso3166_countries, s, 2);
}

uint16_t st_country_meant(uint16_t code)
{
	/* ISO 3166-1 reserves these for the countries they name elsewhere. */
	static const struct {
		uint16_t code, meant;
	} aliases[] = {
	    {ST_CODE2('U', 'K'), ST_CODE2('G', 'B')}, /* United Kingdom */
	    {ST_CODE2('E', 'L'), ST_CODE2('G', 'R')}, /* Greece in the EU's list */
	    {ST_CODE2('F', 'X'), ST_CODE2('F', 'R')}, /* metropolitan France */
	    {ST_CODE2('S', 'U'), ST_CODE2('R', 'U')}, /* the former USSR */
	    {ST_CODE2('Y', 'U'), ST_CODE2('R', 'S')}, /* the former Yugoslavia */
	};
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (aliases[i].code == code)
			return aliases[i].meant;
	return 0;
}

const char *st_subdivisions_of(uint16_t country)
{
	for (size_t i = 0; i < st_iso3166_n_subdivisions; i++) {
		const char *c = st_iso3166_subdivisions[i].country;
		if (ST_CODE2(c[0], c[1]) == country)
			return st_iso3166_subdivisions[i].codes;
	}
	return NULL;
}

bool st_subdivision_known(uint16_t country, const char *sub)
{
	const char *list = st_subdivisions_of(country);
	return list && in_list(list, sub, strlen(sub));
}
