/* Answers as text for the answer tests: a section of a parsed packet, one
 * "owner ttl class type rdata" line per record (tabs made spaces). */
#ifndef ST_TEST_PKT_TEXT_H
#define ST_TEST_PKT_TEXT_H

#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

/* The text lives in one of four static buffers, reused in turn: up to four
 * results may be compared in one assertion. */
static inline char *section(const ldns_pkt *p, ldns_pkt_section s)
{
	static char buf[4][16384];
	static int which;
	char *b = buf[which++ % 4];
	ldns_rr_list *l = ldns_pkt_get_section_clone(p, s);
	b[0] = 0;
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		char *t = ldns_rr2str(ldns_rr_list_rr(l, i));
		for (char *c = t; *c; c++)
			if (*c == '\t')
				*c = ' ';
		strncat(b, t, sizeof(buf[0]) - strlen(b) - 1);
		free(t);
	}
	ldns_rr_list_deep_free(l);
	return b;
}

#define ANSWER(p) section(p, LDNS_SECTION_ANSWER)
#define AUTHORITY(p) section(p, LDNS_SECTION_AUTHORITY)
#define ADDITIONAL(p) section(p, LDNS_SECTION_ADDITIONAL)

#endif
