/* Header fields of HTTP/1.x: spans, fields and the caps on them, line ends, field lines
 * and the framing they carry; used by the head parsers (http_parse.c) and the chunked
 * trailer check (http_body.c). */
#ifndef CG_HTTP_FIELDS_H
#define CG_HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_HEADERS 128  /* hard cap on stored headers (limits may set fewer) */
#define HTTP_MAX_CONN_TOKENS 16 /* Connection: tokens remembered (hop-by-hop names) */

/* Caps applied while parsing a head; a zero field takes the default in parentheses. */
struct http_limits {
	size_t max_head;      /* whole head incl. the blank line (16384) -> 431 */
	size_t max_line;      /* request line (8192) -> 414; header line -> 431 */
	unsigned max_headers; /* header fields (100, at most HTTP_MAX_HEADERS) -> 431 */
	/* Lenient reading, the sensor's mode. A sensor sees other people's requests, a few
	 * segments at a time, and must report what a client asked rather than refuse it:
	 * the origin server may well serve what a strict proxy answers with 400 (spaces in
	 * the target, no target, odd framing). So in this mode the bytes must start like a
	 * request (http_looks_like_request; no empty lines before it), the target may hold
	 * spaces or be missing and the version is not checked; https:// targets and user
	 * information are read; CR and NUL are plain bytes and only LF ends a line; a header
	 * line without a colon is skipped and fields past max_headers (default
	 * HTTP_MAX_HEADERS) are read over unstored; Host, Content-Length and
	 * Transfer-Encoding are read as a server would guess (the last Host, the digits of
	 * the last Content-Length, chunked when named), a conflict being no error. The host
	 * is left as sent in host_raw (host[] stays empty). max_line is max_head, and the
	 * head must end within max_head bytes. The only refusals are -400 for bytes that do
	 * not start like a request and -431 for max_head bytes without the head's end. */
	bool lenient;
};

/* A span inside the parsed buffer (not NUL-terminated). */
struct http_span {
	const char *p;
	size_t len;
};

struct http_header {
	struct http_span name, value; /* value without surrounding white space */
};

/* Case-insensitive comparison of a span with a NUL-terminated lowercase string. */
bool http_span_eq(const struct http_span *s, const char *lower);

/* Whether a header is hop-by-hop (RFC 9110 section 7.6.1): the fixed set (Connection,
 * Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding when re-framed is NOT
 * included, Upgrade, Proxy-Authorization, Proxy-Authenticate) or named in Connection. */
bool http_header_is_hop(const struct http_span *name, const struct http_span *tokens,
			unsigned n_tokens);

/* Framing and connection semantics shared by requests and responses. */
struct http_framing {
	int64_t content_length;
	bool chunked, te_other, conn_close, conn_keep_alive;
	unsigned n_te, n_host;
	struct http_span host;
	struct http_span *tokens;
	unsigned n_tokens;
	bool expect_continue;
};

/* Whether c is a tchar (RFC 9110 5.6.2): a byte of a field name or a method. */
bool http_fields_tchar(unsigned char c);

/* Find the line starting at pos: its content end and the start of the next line.
 * 1 found, 0 incomplete, -1 bare CR or NUL inside the line. Lenient: only LF ends a
 * line (one CR before it is dropped), CR and NUL elsewhere are content. */
int http_fields_line(const char *buf, size_t len, size_t pos, bool lenient, size_t *end,
		     size_t *next);

/* The header fields from pos on (after the start line) into hdr: returns the head
 * length (the empty line included), 0 when more data is needed, or -400 / -431 with
 * *error. Lenient reading as http_limits describes. */
int http_fields_parse(const char *buf, size_t len, size_t pos, const struct http_limits *lim,
		      struct http_header *hdr, unsigned *n_hdr, const char **error);

/* Collect the framing fields of hdr into f (f->tokens has room for max_tokens). Lenient:
 * the last Content-Length's digits, chunked when any Transfer-Encoding names it, and no
 * conflict is an error. 0 or -400 with *error. */
int http_fields_framing(const struct http_header *hdr, unsigned n, struct http_framing *f,
			unsigned max_tokens, bool lenient, const char **error);

#endif
