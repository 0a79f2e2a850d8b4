/* libFuzzer target: HTTP request heads (strict and lenient) and response heads, then the
 * body framing that follows. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_body.h"
#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_request req;
	static struct http_response resp;
	/* A copy of exactly size bytes, so that ASan sees any read past the end. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct http_limits lim = { 4096, 1024, 32 };
	size_t off = 0;
	for (int i = 0; i < 16 && off < size; i++) {
		int n = http_parse_request(buf + off, size - off, i & 1 ? &lim : NULL, &req);
		if (n <= 0)
			break;
		off += (size_t)n;
		struct http_body b;
		http_body_init(&b, http_request_body_mode(&req),
			       req.content_length > 0 ? (uint64_t)req.content_length : 0);
		size_t used = 0;
		if (http_body_feed(&b, buf + off, size - off, &used) != 1)
			break;
		off += used;
	}
	/* The incremental scan, fed a byte more each call (as a byte-per-segment client):
	 * it answers exactly when and what one parse of the same bytes answers, and it
	 * never waits when a parse of the whole input has an answer. */
	{
		static struct http_request req2;
		struct http_scan sc;
		size_t k = 0, cap = size < 2048 ? size : 2048;
		int r = 0;
		http_scan_reset(&sc);
		while (r == 0 && k < cap)
			r = http_scan_request(&sc, buf, ++k, &lim, &req2);
		if (r != 0 && http_parse_request(buf, k, &lim, &req) != r)
			abort();
		if (r == 0 && cap > 0 && http_parse_request(buf, cap, &lim, &req) != 0)
			abort();
		if (sc.steps > 4 * (unsigned long)cap + 64)
			abort();
	}
	/* The lenient mode (the sensor's), with a cap inside the input now and then. */
	struct http_limits lenient = { .max_head = size > 64 && (size & 1) ? size / 2 : 4096,
				       .lenient = true };
	http_parse_request(buf, size, &lenient, &req);
	if (http_parse_response(buf, size, NULL, &resp) > 0) {
		struct http_body b;
		size_t used;
		http_body_init(&b, http_response_body_mode(&resp, false),
			       resp.content_length > 0 ? (uint64_t)resp.content_length : 0);
		http_body_feed(&b, buf + resp.head_len, size - resp.head_len, &used);
	}
	free(buf);
	return 0;
}
