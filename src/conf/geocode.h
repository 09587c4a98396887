/* Location codes of the config: continents, ISO 3166-1 countries and ISO
 * 3166-2 subdivisions, as two-letter codes packed in 16 bits. Map keys and
 * latency table keys are checked here, so that a code no database can
 * return is an error at load, not a rule that never matches. */
#ifndef ST_CONF_GEOCODE_H
#define ST_CONF_GEOCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A two-letter code packed as (c0 << 8) | c1; 0 = none. */
#define ST_CODE2(a, b) ((uint16_t)(((uint8_t)(a) << 8) | (uint8_t)(b)))

/* Parse "DE"/"de" into ST_CODE2 (upper case); 0 when not two letters. */
uint16_t st_code_parse(const char *s, size_t len);

/* 0..675 for a code of two letters A-Z, else -1 (tables by code). */
static inline int st_code_index(uint16_t code)
{
	int a = (code >> 8) - 'A', b = (code & 0xff) - 'A';
	if (a < 0 || a >= 26 || b < 0 || b >= 26)
		return -1;
	return a * 26 + b;
}

/* AF AN AS EU NA OC SA */
bool st_continent_known(uint16_t code);
#define ST_CONTINENTS "AF, AN, AS, EU, NA, OC, SA"
/* An ISO 3166-1 code, or one that geo databases return beside them (XK). */
bool st_country_known(uint16_t code);
/* The country meant by a code that is not one but is often written for it
 * (UK: GB, EL: GR), or 0. */
uint16_t st_country_meant(uint16_t code);
/* Is `sub` ("VA", upper case) an ISO 3166-2 subdivision of `country`? */
bool st_subdivision_known(uint16_t country, const char *sub);
/* The subdivisions of `country`, space-separated ("AK AL AR ..."), or NULL
 * when ISO 3166-2 lists none. */
const char *st_subdivisions_of(uint16_t country);

/* The generated tables (iso3166.c). */
typedef struct st_iso3166_subs {
	char country[3];
	const char *codes; /* space-separated suffixes: "AK AL AR ..." */
} st_iso3166_subs_t;
extern const char st_iso3166_countries[];
extern const st_iso3166_subs_t st_iso3166_subdivisions[];
extern const size_t st_iso3166_n_subdivisions;

#endif
