/* Message body framing, fed incrementally: Content-Length, chunked, close-delimited. */
#ifndef CG_HTTP_BODY_H
#define CG_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_body_mode {
	HTTP_BODY_NONE,    /* no body */
	HTTP_BODY_LENGTH,  /* Content-Length bytes */
	HTTP_BODY_CHUNKED, /* chunked, up to and including the trailer section */
	HTTP_BODY_CLOSE,   /* until the connection closes (responses only) */
};

struct http_body {
	enum http_body_mode mode;
	uint64_t remaining;  /* LENGTH: bytes left; CHUNKED: bytes left in this chunk */
	int state;           /* chunked parser state */
	unsigned line_len;   /* bytes of the current size or trailer line */
	unsigned trailer_bytes;
	bool size_digits;
	const char *error;
};

/* Start framing one message body (length is used for HTTP_BODY_LENGTH). */
void http_body_init(struct http_body *b, enum http_body_mode mode, uint64_t length);

/* Consume body bytes from buf: *used is set to how many of the len bytes belong to the
 * body (the rest is the next message). Returns 1 when the body is complete, 0 when it
 * needs more, -1 when the chunked framing is malformed (b->error says why). */
int http_body_feed(struct http_body *b, const char *buf, size_t len, size_t *used);

#endif
