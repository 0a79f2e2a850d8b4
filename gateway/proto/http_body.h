/* Message body framing, fed incrementally: Content-Length, chunked, close-delimited. */
#ifndef CG_HTTP_BODY_H
#define CG_HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_fields.h"

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
	unsigned trailer_fields;
	bool size_digits;
	/* caps on the trailer section, those of a head (http_body_limits) */
	size_t max_line, max_section;
	unsigned max_fields;
	const char *error;
};

/* Start framing one message body (length is used for HTTP_BODY_LENGTH). Chunked framing
 * takes CRLF line ends only (a bare LF is refused: a peer that reads it otherwise is a
 * smuggling seam), and its trailer fields must be header fields (a tchar name, a colon,
 * a value without controls, no folding) within the caps of a head: the default ones
 * (16384 bytes, lines of 8192, 100 fields) until http_body_limits. */
void http_body_init(struct http_body *b, enum http_body_mode mode, uint64_t length);

/* Take the trailer caps from lim (its max_head, max_line, max_headers; zero keeps the
 * default). */
void http_body_limits(struct http_body *b, const struct http_limits *lim);

/* Consume body bytes from buf: *used is set to how many of the len bytes belong to the
 * body (the rest is the next message). Returns 1 when the body is complete, 0 when it
 * needs more, -1 when the chunked framing is malformed (b->error says why). */
int http_body_feed(struct http_body *b, const char *buf, size_t len, size_t *used);

#endif
