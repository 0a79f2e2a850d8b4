/* libFuzzer target: the ClientHello parser on a client stream, whole and cut short. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_hello h;
	/* A copy of exactly size bytes, so that ASan sees any read past the end. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	int r = tls_parse_client_hello(buf, size, &h);
	if (r == 1 && h.sni_len != strlen(h.sni))
		abort();
	if (size > 1) {
		struct tls_hello half;
		tls_parse_client_hello(buf, size / 2, &half);
	}
	/* The incremental reader, fed in pieces cut where the first byte says, must reach
	 * the same result as the whole parse (and the same name). */
	static struct tls_reader rd;
	struct tls_hello h2;
	memset(&h2, 0, sizeof(h2));
	tls_reader_init(&rd);
	size_t step = size ? (size_t)(data[0] % 7) + 1 : 1, i = 0;
	int r2 = 0;
	while (r2 == 0 && i < size) {
		size_t k = size - i < step ? size - i : step;
		r2 = tls_reader_feed(&rd, buf + i, k, &h2);
		i += k;
	}
	if (r2 != r || (r == 1 && (strcmp(h.sni, h2.sni) != 0 || h.ech_type != h2.ech_type ||
				    h.stream_len != h2.stream_len)))
		abort();
	free(buf);
	return 0;
}
