/* Fuzz target for zone files, through the loading path steerd uses: the
 * input is written as the file of zone answer.test. (with the routed
 * records of the engine fixture grafted in) and loaded. A load that fails
 * must say why; a zone that loads must answer a few queries for each of
 * its names with well-formed responses. $INCLUDE reaches the fixture files
 * beside the input; input that could name other files is skipped (a path
 * to a FIFO would only block). */
#include "fuzz.h"
#include "dns/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char fuzz_target[] = "zone";

#define NODES_ASKED 24

static char path[256];

static void init(void)
{
	static const char inc[] = "$TTL 300\n"
				  "inc A 192.0.2.99\n"
				  "inc AAAA 2001:db8::99\n"
				  "*.inc TXT \"from an include\"\n"
				  "deleg NS ns.deleg\n"
				  "ns.deleg A 192.0.2.53\n";
	static const char nested[] = "$INCLUDE inc.zone sub.answer.test.\n"
				     "nested CNAME inc\n";
	fuzz_write_tmp("inc.zone", inc, sizeof(inc) - 1, path, sizeof(path));
	fuzz_write_tmp("nested.zone", nested, sizeof(nested) - 1, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/fuzz.zone", fuzz_tmpdir());
}

/* Whether the input could $INCLUDE a file outside the fixture folder. */
static bool names_other_files(const uint8_t *data, size_t size)
{
	static const char dir[] = "$include";
	bool include = false;
	for (size_t i = 0; i + sizeof(dir) - 1 <= size && !include; i++)
		include = strncasecmp((const char *)data + i, dir, sizeof(dir) - 1) == 0;
	if (!include)
		return false;
	for (size_t i = 0; i < size; i++)
		if (data[i] == '/' || data[i] == '\\' || data[i] == '"' || data[i] == 0)
			return true;
	return false;
}

/* Ask for a node's name (its own types, ANY and A) and for a name below it. */
static void ask(const st_view_t *view, const st_node_t *node, unsigned i)
{
	uint8_t q[ST_DNS_HEADER_LEN + ST_DNS_MAX_NAME + 4 + 11];
	uint16_t types[4] = {ST_TYPE_A, ST_TYPE_ANY, ST_TYPE_DS, ST_TYPE_MX};
	if (node->n_rrsets > 0)
		types[2] = node->rrsets[0].type;
	if (node->n_rrsets > 1)
		types[3] = node->rrsets[node->n_rrsets - 1].type;
	for (unsigned t = 0; t < 4; t++) {
		size_t n = fuzz_make_query(q, (uint16_t)(i * 4 + t), node->name, node->name_len,
					   types[t], t & 1);
		fuzz_answer_both(view, q, n);
	}
	if (node->name_len + 2u <= ST_DNS_MAX_NAME) {
		uint8_t below[ST_DNS_MAX_NAME];
		below[0] = 1;
		below[1] = 'x';
		memcpy(below + 2, node->name, node->name_len);
		size_t n =
		    fuzz_make_query(q, (uint16_t)i, below, node->name_len + 2u, ST_TYPE_AAAA, true);
		fuzz_answer_both(view, q, n);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0])
		init();
	if (names_other_files(data, size))
		return 0;
	fuzz_write_tmp("fuzz.zone", data, size, path, sizeof(path));
	st_zone_t *zone = NULL;
	st_diag_t diag;
	diag.text[0] = '\0';
	if (fuzz_zone_load(path, &zone, &diag) < 0) {
		/* Every refusal says what is wrong. */
		if (!diag.text[0] || zone)
			abort();
		return 0;
	}
	st_zoneset_t *zones = st_zoneset_new();
	if (!zones || st_zoneset_add(zones, zone) < 0)
		abort();
	st_view_t view;
	fuzz_view_over(&view, zones);
	size_t nodes = st_zone_node_count(zone);
	if (nodes == 0 || st_zone_node(zone, 0) != st_zone_apex_node(zone))
		abort();
	for (size_t i = 0; i < nodes && i < NODES_ASKED; i++)
		ask(&view, st_zone_node(zone, i), (unsigned)i);
	st_zoneset_free(zones);
	return 0;
}

void fuzz_fini(void)
{
	fuzz_engine_free();
}
