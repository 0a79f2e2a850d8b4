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
	if (size > 1)
		tls_parse_client_hello(buf, size / 2, &h);
	free(buf);
	return 0;
}
