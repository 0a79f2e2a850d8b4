/* Bounded HTTP/1.x parsers over (buf, len): request heads, response heads, body framing
 * (spans, header fields and limits are in http_fields.h). */
#ifndef CG_HTTP_PARSE_H
#define CG_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_body.h"
#include "http_fields.h"
#include "name.h"



enum http_form {
	HTTP_FORM_ORIGIN,    /* "/path?query" */
	HTTP_FORM_ABSOLUTE,  /* "http://host[:port]/path" */
	HTTP_FORM_AUTHORITY, /* "host:port" (CONNECT) */
	HTTP_FORM_ASTERISK,  /* "*" (OPTIONS) */
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

/* Where reading a request head stopped, so that each read continues there instead of
 * parsing the head again from its start: a head sent a byte per segment costs O(n),
 * not O(n^2). Reset it (http_scan_reset) for each new head. */
struct http_scan {
	size_t pos;          /* bytes of the buffer scanned so far */
	size_t line_start;   /* where the current line starts */
	unsigned lines;      /* lines of the head ended (the request line and fields) */
	unsigned empties;    /* empty lines before the request line */
	unsigned char field; /* in a field line: 0 at its start, 1 in the name, 2 value */
	bool bad_field;      /* this field line is no field: answer when it ends */
	bool cr;             /* the last byte scanned was a CR */
	bool started;        /* the request line has begun */
	unsigned long steps; /* bytes examined by scans and parses (tests count them) */
};

void http_scan_reset(struct http_scan *s);

/* http_parse_request over buf (len bytes: the buffer of the last call, grown, its first
 * s->pos bytes unchanged), that scans only the new bytes and parses only when they end
 * the request line or the head, pass a cap of lim, or hold a byte no head may (bare CR,
 * NUL, a field line that is no field: the field parser's checks, byte by byte);
 * else it returns 0 at once. So it answers whenever http_parse_request over the same
 * bytes would, with the same answer. In lenient mode every call parses. */
int http_scan_request(struct http_scan *s, const char *buf, size_t len,
		      const struct http_limits *lim, struct http_request *req);

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



/* The body mode of a request, and of a response to a request (method HEAD, CONNECT
 * success, 1xx, 204 and 304 carry no body). */
enum http_body_mode http_request_body_mode(const struct http_request *req);
enum http_body_mode http_response_body_mode(const struct http_response *resp, bool head_req);

#endif
