/* Bounded HTTP/1.x parsers over (buf, len): request heads, response heads, body framing. */
#ifndef CG_HTTP_PARSE_H
#define CG_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_body.h"
#include "name.h"

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

enum http_form {
	HTTP_FORM_ORIGIN,    /* "/path?query" */
	HTTP_FORM_ABSOLUTE,  /* "http://host[:port]/path" */
	HTTP_FORM_AUTHORITY, /* "host:port" (CONNECT) */
	HTTP_FORM_ASTERISK,  /* "*" (OPTIONS) */
};

/* A span inside the parsed buffer (not NUL-terminated). */
struct http_span {
	const char *p;
	size_t len;
};

struct http_header {
	struct http_span name, value; /* value without surrounding white space */
};

/* A parsed request head. Spans point into the caller's buffer; host is a copy. */
struct http_request {
	struct http_span method;
	struct http_span target;     /* as sent */
	struct http_span path;       /* "/..." with query; empty for CONNECT and "*" */
	struct http_span host_raw;   /* the host as sent (target or Host), without port
					or [], in the caller's buffer; empty when none */
	enum http_form form;
	int minor;                   /* HTTP/1.<minor>: 0 or 1 */
	struct http_header headers[HTTP_MAX_HEADERS];
	unsigned n_headers;
	char host[NAME_MAX_LEN + 1]; /* canonical: lowercase, punycode, no dot, no [] */
	size_t host_len;             /* 0 when no host was given (HTTP/1.0 origin-form) */
	uint16_t port;               /* from the target or Host; 0 = not given */
	bool host_is_ip;
	int64_t content_length;      /* -1 = none */
	bool chunked;                /* Transfer-Encoding ends in chunked */
	bool keep_alive;             /* persistent after this request (version + Connection) */
	bool expect_continue;
	bool is_connect, is_head;
	struct http_span conn_tokens[HTTP_MAX_CONN_TOKENS]; /* Connection: option names */
	unsigned n_conn_tokens;
	size_t head_len;             /* bytes of the head including the empty line */
	const char *error;           /* why it was rejected (static English text) */
};

/* A parsed response head (what the relay needs to frame the body). */
struct http_response {
	int status;                  /* 100..999 */
	int minor;
	struct http_span status_line;/* without the line end */
	struct http_header headers[HTTP_MAX_HEADERS];
	unsigned n_headers;
	int64_t content_length;      /* -1 = none */
	bool chunked;
	bool keep_alive;
	struct http_span conn_tokens[HTTP_MAX_CONN_TOKENS];
	unsigned n_conn_tokens;
	size_t head_len;
	const char *error;
};

/* Parse a request head at the start of buf. Returns the head length (> 0) when it is
 * complete and valid, 0 when more data is needed (and no cap has been passed yet), or
 * the negated HTTP status to answer with: -400 (malformed; also obs-fold, NUL, bare CR,
 * bad tokens, conflicting Content-Length, Transfer-Encoding with Content-Length, missing
 * Host in HTTP/1.1, bad Host), -414 (request line too long), -431 (header line, count or
 * head too long), -501 (transfer coding other than chunked), -505 (HTTP version).
 * req->error says why. Up to 4 empty lines before the request line are skipped. */
int http_parse_request(const char *buf, size_t len, const struct http_limits *lim,
		       struct http_request *req);

/* Whether bytes start like an HTTP/1.x request line: a method of capitals (and '_' or
 * '-' after the first), at most 32 of them, and a space; true for a prefix of one. */
bool http_looks_like_request(const char *buf, size_t len);

/* Parse a response head; same return convention (-502 for anything malformed). */
int http_parse_response(const char *buf, size_t len, const struct http_limits *lim,
			struct http_response *resp);

/* Canonicalise a Host header value or an authority ("name", "name:port", "[v6]:port")
 * into host (NAME_MAX_LEN + 1 bytes). 0, or -1 with *why set. */
int http_parse_authority(const char *buf, size_t len, char *host, size_t *host_len,
			 uint16_t *port, const char **why);

/* Whether a header is hop-by-hop (RFC 9110 section 7.6.1): the fixed set (Connection,
 * Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding when re-framed is NOT
 * included, Upgrade, Proxy-Authorization, Proxy-Authenticate) or named in Connection. */
bool http_header_is_hop(const struct http_span *name, const struct http_span *tokens,
			unsigned n_tokens);

/* Case-insensitive comparison of a span with a NUL-terminated lowercase string. */
bool http_span_eq(const struct http_span *s, const char *lower);

/* The body mode of a request, and of a response to a request (method HEAD, CONNECT
 * success, 1xx, 204 and 304 carry no body). */
enum http_body_mode http_request_body_mode(const struct http_request *req);
enum http_body_mode http_response_body_mode(const struct http_response *resp, bool head_req);

#endif
