/* Fuzz target for the DNS-over-TCP stream: length-prefixed queries, any
 * number to a read (pipelining), fed to the framer that the TCP server
 * uses in chunks whose sizes come from the first two bytes of the input, as
 * the network might split them. Every message must come out whole and in
 * order, exactly as when the stream arrives at once, what is left over
 * must be the incomplete tail, and each query is answered over TCP with a
 * well-formed response that carries its ID. */
#include "fuzz.h"
#include "net/frame.h"

#include <stdlib.h>
#include <string.h>

const char fuzz_target[] = "tcp";

#define MAX_MSGS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t off[MAX_MSGS], len[MAX_MSGS];
	static uint8_t out[65535];
	if (size < 2)
		return 0;
	uint64_t rng = (uint64_t)data[0] << 8 | data[1];
	const uint8_t *stream = data + 2;
	size_t total = size - 2;

	/* The messages as the whole stream holds them. */
	size_t n = 0, pos = 0;
	while (n < MAX_MSGS && total - pos >= 2) {
		size_t l = (size_t)stream[pos] << 8 | stream[pos + 1];
		if (total - pos - 2 < l)
			break;
		off[n] = pos + 2;
		len[n++] = l;
		pos += 2 + l;
	}
	if (n == MAX_MSGS)
		return 0;

	st_frame_t f;
	st_frame_init(&f);
	st_answer_ctx_t *ctx = fuzz_ctx();
	const st_view_t *view = fuzz_view();
	size_t fed = 0, k = 0;
	while (fed < total) {
		size_t room;
		uint8_t *tail = st_frame_tail(&f, &room);
		if (room == 0)
			abort();
		size_t c = fuzz_chunk_size(&rng);
		c = c < room ? c : room;
		c = c < total - fed ? c : total - fed;
		memcpy(tail, stream + fed, c);
		st_frame_filled(&f, c);
		fed += c;
		const uint8_t *m;
		size_t mlen;
		while (st_frame_next(&f, &m, &mlen)) {
			if (k >= n || mlen != len[k] || memcmp(m, stream + off[k], mlen) != 0)
				abort();
			size_t a =
			    st_answer(ctx, view, m, mlen, NULL, ST_TRANSPORT_TCP, out, sizeof(out));
			fuzz_check_response(m, mlen, out, a, sizeof(out));
			k++;
		}
		if (st_frame_compact(&f) != 0)
			abort();
	}
	if (k != n || st_frame_partial(&f) != total - pos)
		abort();
	st_frame_free(&f);
	return 0;
}

void fuzz_fini(void)
{
	fuzz_engine_free();
}
