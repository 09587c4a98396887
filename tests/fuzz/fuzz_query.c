/* Fuzz target for the query path: any bytes through st_answer() over the
 * engine's test zone with routed records grafted in (so ECS reaches the
 * router), and over a zone signed online (DO, RRSIG, NSEC, DNSKEY queries
 * reach the signer), on UDP and TCP, and every response checked to be a
 * well-formed message within its size limit. */
#include "fuzz.h"

const char fuzz_target[] = "query";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_answer_both(fuzz_view(), data, size);
	fuzz_answer_both(fuzz_signed_view(), data, size);
	return 0;
}

void fuzz_fini(void)
{
	fuzz_engine_free();
}
