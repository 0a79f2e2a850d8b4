/* Bounded HTTP/1.x parsers: request lines and targets, Host canonicalisation, request
 * and response heads put together (the fields and framing are in http_fields.c). */
#include "http_parse.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "http_fields.h"

#define DEF_MAX_HEAD 16384
#define DEF_MAX_LINE 8192
#define DEF_MAX_HEADERS 100
#define MAX_EMPTY_LINES 4
#define LOOKS_MAX_METHOD 32

static void limits_fill(const struct http_limits *in, struct http_limits *out)
{
	out->max_head = in && in->max_head ? in->max_head : DEF_MAX_HEAD;
	out->max_line = in && in->max_line ? in->max_line : DEF_MAX_LINE;
	out->max_headers = in && in->max_headers ? in->max_headers : DEF_MAX_HEADERS;
	if (out->max_headers > HTTP_MAX_HEADERS)
		out->max_headers = HTTP_MAX_HEADERS;
	if (out->max_line > out->max_head)
		out->max_line = out->max_head;
	out->lenient = in && in->lenient;
	if (out->lenient) {
		out->max_line = out->max_head;
		if (!in->max_headers)
			out->max_headers = HTTP_MAX_HEADERS;
	}
}


static bool host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c >= 0x80;
}

int http_parse_authority(const char *buf, size_t len, char *host, size_t *host_len,
			 uint16_t *port, const char **why)
{
	size_t name_end, port_start;
	*port = 0;
	*host_len = 0;
	if (len == 0) {
		*why = "empty host";
		return -1;
	}
	if (buf[0] == '[') {
		const char *rb = memchr(buf, ']', len);
		char tmp[64];
		struct in6_addr a6;
		if (!rb || rb - buf - 1 <= 0 || (size_t)(rb - buf - 1) >= sizeof(tmp)) {
			*why = "bad IPv6 literal";
			return -1;
		}
		memcpy(tmp, buf + 1, (size_t)(rb - buf - 1));
		tmp[rb - buf - 1] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) != 1 ||
		    !inet_ntop(AF_INET6, &a6, host, NAME_MAX_LEN + 1)) {
			*why = "bad IPv6 literal";
			return -1;
		}
		*host_len = strlen(host);
		port_start = (size_t)(rb - buf) + 1;
		if (port_start < len && buf[port_start] != ':') {
			*why = "junk after IPv6 literal";
			return -1;
		}
		name_end = 0;
	} else {
		const char *colon = memchr(buf, ':', len);
		name_end = colon ? (size_t)(colon - buf) : len;
		port_start = name_end;
		if (name_end == 0) {
			*why = "empty host";
			return -1;
		}
		for (size_t i = 0; i < name_end; i++)
			if (!host_char((unsigned char)buf[i])) {
				*why = "bad character in host";
				return -1;
			}
	}
	if (port_start < len) { /* ":port"; an empty port is allowed (RFC 3986) */
		unsigned long p = 0;
		size_t i = port_start + 1;
		if (len - i > 5) {
			*why = "bad port";
			return -1;
		}
		for (; i < len; i++) {
			if (buf[i] < '0' || buf[i] > '9') {
				*why = "bad port";
				return -1;
			}
			p = p * 10 + (unsigned long)(buf[i] - '0');
		}
		if (len - port_start > 1 && (p == 0 || p > 65535)) {
			*why = "bad port";
			return -1;
		}
		*port = (uint16_t)p;
	}
	if (buf[0] == '[')
		return 0;
	if (name_end > NAME_MAX_LEN + 1) {
		*why = "host name too long";
		return -1;
	}
	int n = name_normalise(buf, name_end, host, why);
	if (n <= 0) {
		if (n == 0)
			*why = "empty host";
		return -1;
	}
	*host_len = (size_t)n;
	return 0;
}

bool http_looks_like_request(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && i <= LOOKS_MAX_METHOD &&
	       ((buf[i] >= 'A' && buf[i] <= 'Z') || (i > 0 && (buf[i] == '_' || buf[i] == '-'))))
		i++;
	if (i == len)
		return i > 0 && i <= LOOKS_MAX_METHOD; /* could still be one */
	return i > 0 && i <= LOOKS_MAX_METHOD && buf[i] == ' ';
}

/* The length of an "http://" or "https://" prefix (any case), or 0. */
static size_t scheme_len(const char *t, size_t n)
{
	struct http_span s7 = { t, 7 }, s8 = { t, 8 };
	if (n >= 7 && http_span_eq(&s7, "http://"))
		return 7;
	if (n >= 8 && http_span_eq(&s8, "https://"))
		return 8;
	return 0;
}

/* The authority of an absolute-form target (after the scheme and any user information,
 * up to the path) or the whole target of CONNECT; empty for the other forms. */
static struct http_span target_authority(const struct http_request *req)
{
	struct http_span a = { NULL, 0 };
	const char *t = req->target.p;
	size_t n = req->target.len;
	if (req->form == HTTP_FORM_AUTHORITY) {
		a = req->target;
	} else if (req->form == HTTP_FORM_ABSOLUTE) {
		size_t s = scheme_len(t, n), e = s;
		while (e < n && t[e] != '/' && t[e] != '?' && t[e] != '#')
			e++;
		const char *at = memchr(t + s, '@', e - s);
		if (at)
			s = (size_t)(at + 1 - t);
		a.p = t + s;
		a.len = e - s;
	}
	return a;
}

/* The host of an authority as sent: "[v6]:port" gives v6, "name:port" gives name; a
 * value with more than one colon (a bare IPv6 address) is kept whole. */
static struct http_span authority_host(struct http_span a)
{
	if (a.len && a.p[0] == '[') {
		const char *e = memchr(a.p, ']', a.len);
		if (e) {
			struct http_span h = { a.p + 1, (size_t)(e - a.p - 1) };
			return h;
		}
	}
	const char *c = a.len ? memchr(a.p, ':', a.len) : NULL;
	if (c && !memchr(c + 1, ':', a.len - (size_t)(c + 1 - a.p)))
		a.len = (size_t)(c - a.p);
	return a;
}

/* Lenient: an absolute-form target may be https:// (a client that speaks TLS on port 80,
 * or a tool writing proxy-style requests) and carry user information, and a target of
 * no form we know leaves the path empty instead of being an error. */
static void target_lenient(struct http_request *req)
{
	const char *t = req->target.p;
	size_t n = req->target.len;
	if (req->is_connect) {
		req->form = HTTP_FORM_AUTHORITY;
	} else if (scheme_len(t, n)) {
		req->form = HTTP_FORM_ABSOLUTE;
		struct http_span a = target_authority(req);
		size_t e = (size_t)(a.p + a.len - t);
		req->path.p = e < n ? t + e : "/";
		req->path.len = e < n ? n - e : 1;
	} else if (n && t[0] == '/') {
		req->form = HTTP_FORM_ORIGIN;
		req->path = req->target;
	} else if (n == 1 && t[0] == '*') {
		req->form = HTTP_FORM_ASTERISK;
	}
}

/* Lenient request line (ll bytes at s, http_looks_like_request checked its start): the
 * method is everything before the first space, the version what follows the last
 * " HTTP/" (not checked; HTTP/1.0 gives minor 0, anything else 1), and the target what
 * lies between: it may hold spaces ("GET /a b HTTP/1.1", which servers often serve) or
 * be missing ("OPTIONS HTTP/1.1"). 1, or -400 when there is no space. */
static int request_line_lenient(const char *s, size_t ll, struct http_request *req)
{
	const char *sp = memchr(s, ' ', ll);
	if (!sp) {
		req->error = "malformed method";
		return -400;
	}
	req->method.p = s;
	req->method.len = (size_t)(sp - s);
	const char *t = sp + 1, *ver = NULL;
	size_t tn = ll - req->method.len - 1, vn = 0;
	for (size_t i = tn; i-- > 0;) {
		if (t[i] == ' ' && tn - i - 1 >= 5 && memcmp(t + i + 1, "HTTP/", 5) == 0) {
			ver = t + i + 1;
			vn = tn - i - 1;
			tn = i;
			break;
		}
		if (i == 0 && tn >= 5 && memcmp(t, "HTTP/", 5) == 0) {
			ver = t;    /* "OPTIONS HTTP/1.1": no target */
			vn = tn;
			tn = 0;
		}
	}
	req->minor = ver && vn == 8 && memcmp(ver, "HTTP/1.0", 8) == 0 ? 0 : 1;
	req->target.p = t;
	req->target.len = tn;
	req->is_connect = http_span_eq(&req->method, "connect");
	req->is_head = http_span_eq(&req->method, "head");
	target_lenient(req);
	return 1;
}

static int parse_target(struct http_request *req)
{
	const char *t = req->target.p;
	size_t n = req->target.len;
	if (req->is_connect) {
		req->form = HTTP_FORM_AUTHORITY;
		return 0;
	}
	if (n == 1 && t[0] == '*') {
		req->form = HTTP_FORM_ASTERISK;
		if (!http_span_eq(&req->method, "options")) {
			req->error = "\"*\" target outside OPTIONS";
			return -400;
		}
		return 0;
	}
	if (t[0] == '/') {
		req->form = HTTP_FORM_ORIGIN;
		req->path = req->target;
		return 0;
	}
	struct http_span scheme = { t, n > 7 ? 7 : n };
	if (n < 8 || !http_span_eq(&scheme, "http://")) {
		req->error = "request target is not origin-form or http:// absolute-form";
		return -400;
	}
	req->form = HTTP_FORM_ABSOLUTE;
	size_t a = 7, e = 7;
	while (e < n && t[e] != '/' && t[e] != '?' && t[e] != '#')
		e++;
	if (memchr(t + a, '@', e - a)) {
		req->error = "user information in the request target";
		return -400;
	}
	req->path.p = e < n ? t + e : "/";
	req->path.len = e < n ? n - e : 1;
	if (e == a) {
		req->error = "empty authority";
		return -400;
	}
	return 0;
}

static int version_minor(const char *p, size_t n, const char **error)
{
	if (n == 8 && memcmp(p, "HTTP/1.", 7) == 0 && (p[7] == '0' || p[7] == '1'))
		return p[7] - '0';
	if (n == 8 && memcmp(p, "HTTP/", 5) == 0 && p[5] >= '0' && p[5] <= '9' && p[6] == '.' &&
	    p[7] >= '0' && p[7] <= '9') {
		*error = "unsupported HTTP version";
		return -505;
	}
	*error = "malformed HTTP version";
	return -400;
}

/* Every field of req that a parse sets, cleared (the headers array is left as it is). */
static void request_reset(struct http_request *req)
{
	memset(req, 0, offsetof(struct http_request, headers));
	req->n_headers = 0;
	req->host[0] = '\0';
	req->host_len = 0;
	req->port = 0;
	req->host_is_ip = false;
	req->content_length = -1;
	req->chunked = req->keep_alive = req->expect_continue = false;
	req->is_connect = req->is_head = false;
	req->n_conn_tokens = 0;
	req->head_len = 0;
	req->error = NULL;
}

/* RFC 9112 2.2: up to MAX_EMPTY_LINES empty lines may come before the request line.
 * 1 with *pos at the request line, 0 when more data is needed, or -400. */
static int skip_empty_lines(const char *buf, size_t len, size_t *pos, struct http_request *req)
{
	for (int empties = 0;; empties++) {
		if (*pos >= len)
			return 0;
		if (buf[*pos] == '\n') {
			(*pos)++;
		} else if (buf[*pos] == '\r') {
			if (*pos + 1 >= len)
				return 0;
			if (buf[*pos + 1] != '\n') {
				req->error = "bare CR";
				return -400;
			}
			*pos += 2;
		} else {
			return 1;
		}
		if (empties >= MAX_EMPTY_LINES) {
			req->error = "too many empty lines before the request";
			return -400;
		}
	}
}

/* "method SP target SP version" at line_start: fills method, target, path, form, minor,
 * is_connect and is_head; *next = where the header fields start. 1, 0 when more data is
 * needed, or -status. */
static int parse_request_line(const char *buf, size_t len, size_t line_start,
			      const struct http_limits *lim, struct http_request *req,
			      size_t *next)
{
	size_t end;
	int r = http_fields_line(buf, len, line_start, lim->lenient, &end, next);
	if (r < 0) {
		req->error = "bare CR or NUL in the request line";
		return -400;
	}
	if (r == 0 || end - line_start > lim->max_line) {
		if (len - line_start > lim->max_line) {
			req->error = "request line too long";
			return -414;
		}
		return 0;
	}
	if (lim->lenient)
		return request_line_lenient(buf + line_start, end - line_start, req);
	size_t i = line_start;
	while (i < end && http_fields_tchar((unsigned char)buf[i]))
		i++;
	if (i == line_start || i >= end || buf[i] != ' ') {
		req->error = "malformed method";
		return -400;
	}
	req->method.p = buf + line_start;
	req->method.len = i - line_start;
	size_t ts = ++i;
	/* Visible ASCII, and bytes >= 0x80 as sent: raw UTF-8 ("/赌博"), which browsers
	 * percent-encode but other clients and servers take as it is (urlnorm reads both). */
	while (i < end && (unsigned char)buf[i] > 0x20 && (unsigned char)buf[i] != 0x7f)
		i++;
	if (i == ts || i >= end || buf[i] != ' ') {
		req->error = "malformed request target";
		return -400;
	}
	req->target.p = buf + ts;
	req->target.len = i - ts;
	i++;
	r = version_minor(buf + i, end - i, &req->error);
	if (r < 0)
		return r;
	req->minor = r;
	req->is_connect = http_span_eq(&req->method, "connect");
	req->is_head = http_span_eq(&req->method, "head");
	r = parse_target(req);
	return r < 0 ? r : 1;
}

/* What the header fields say about framing and persistence (RFC 9112 6, 9.3), checked:
 * fills f, chunked, content_length, expect_continue, keep_alive and the Connection
 * tokens. 0, or -400 / -501. Lenient: read, never refused (a sensor reports the request
 * however it is framed). */
static int request_framing(struct http_request *req, struct http_framing *f, bool lenient)
{
	memset(f, 0, sizeof(*f));
	f->tokens = req->conn_tokens;
	int r = http_fields_framing(req->headers, req->n_headers, f, HTTP_MAX_CONN_TOKENS, lenient,
			     &req->error);
	if (r < 0)
		return r;
	req->n_conn_tokens = f->n_tokens;
	if (f->n_te && !lenient && req->minor == 0) {
		/* RFC 9112 6.1: an HTTP/1.0 recipient may not know chunked; a proxy that
		 * frames by it while the next hop reads by length is a smuggling seam. */
		req->error = "Transfer-Encoding in an HTTP/1.0 request";
		return -400;
	}
	if (f->n_te && !lenient) {
		if (!f->chunked) {
			req->error = "chunked is not the final transfer coding";
			return -400;
		}
		if (f->te_other) {
			req->error = "unsupported transfer coding";
			return -501;
		}
	}
	req->chunked = f->chunked;
	req->content_length = f->content_length;
	req->expect_continue = f->expect_continue;
	req->keep_alive = req->minor == 1 ? !f->conn_close : (f->conn_keep_alive && !f->conn_close);
	if (lenient)
		return 0;
	if (f->n_host > 1) {
		req->error = "more than one Host header";
		return -400;
	}
	if (req->minor == 1 && f->n_host == 0) {
		req->error = "HTTP/1.1 request without Host";
		return -400;
	}
	return 0;
}

/* The host: from the target when it has an authority, else from Host, canonicalised
 * into req->host with its port, and as sent in host_raw. 0 or -400. Lenient: only
 * host_raw, from Host when the target's authority has no host. */
static int request_host(struct http_request *req, const struct http_framing *f, bool lenient)
{
	struct http_span a = target_authority(req);
	const char *why = NULL;
	if (lenient) {
		req->host_raw = authority_host(a);
		if (req->host_raw.len == 0 && f->n_host)
			req->host_raw = authority_host(f->host);
		return 0;
	}
	if (req->form != HTTP_FORM_ABSOLUTE && req->form != HTTP_FORM_AUTHORITY) {
		if (!f->n_host)
			return 0;
		a = f->host;
	}
	int r = http_parse_authority(a.p, a.len, req->host, &req->host_len, &req->port, &why);
	if (r == 0 && req->form == HTTP_FORM_AUTHORITY && req->port == 0) {
		why = "CONNECT target without a port";
		r = -1;
	}
	if (r < 0) {
		req->error = why ? why : "bad host";
		return -400;
	}
	req->host_raw = authority_host(a);
	if (req->host_len)
		req->host_is_ip = name_is_ip_literal(req->host) != 0;
	return 0;
}

/* The steps of http_parse_request, after the limits are filled in. */
static int request_parse(const char *buf, size_t len, const struct http_limits *lim,
			 struct http_request *req)
{
	struct http_framing f;
	size_t pos = 0, next;
	int r;

	request_reset(req);
	if (lim->lenient) {
		r = http_looks_like_request(buf, len) ? 1 : -400;
		if (r < 0)
			req->error = "not an HTTP/1.x request line";
	} else {
		r = skip_empty_lines(buf, len, &pos, req);
	}
	if (r <= 0)
		return r;
	r = parse_request_line(buf, len, pos, lim, req, &next);
	if (r <= 0)
		return r;
	r = http_fields_parse(buf, len, next, lim, req->headers, &req->n_headers, &req->error);
	if (r <= 0)
		return r;
	req->head_len = (size_t)r;
	r = request_framing(req, &f, lim->lenient);
	if (r < 0)
		return r;
	r = request_host(req, &f, lim->lenient);
	if (r < 0)
		return r;
	return (int)req->head_len;
}

int http_parse_request(const char *buf, size_t len, const struct http_limits *limits,
		       struct http_request *req)
{
	struct http_limits lim;
	limits_fill(limits, &lim);
	if (!lim.lenient)
		return request_parse(buf, len, &lim, req);
	/* Lenient: the head must end within max_head bytes, and nothing after them is read,
	 * so max_head bytes without its end are too many. */
	int r = request_parse(buf, len < lim.max_head ? len : lim.max_head, &lim, req);
	if (r == 0 && len >= lim.max_head) {
		req->error = "header section too large";
		return -431;
	}
	return r;
}

void http_scan_reset(struct http_scan *s)
{
	memset(s, 0, sizeof(*s));
}

/* The line that ended at i (an LF): true when the parser has news (the request line or
 * the head ended, too many lines, a field line without its colon). */
static bool scan_line_end(struct http_scan *s, size_t i, const struct http_limits *lim)
{
	bool empty = i - s->line_start == (s->cr ? 1u : 0u);
	bool ready = false;

	if (!s->started)
		ready = ++s->empties > MAX_EMPTY_LINES;
	else if (s->lines++ == 0 || empty)
		ready = true; /* the request line, or the empty line that ends the head */
	else
		ready = s->lines > lim->max_headers + 1 || s->field == 1 || s->bad_field;
	s->line_start = i + 1;
	s->field = 0;
	s->bad_field = false;
	return ready;
}

/* One byte (not CR or LF) of a field line, checked as http_fields_parse checks a whole
 * line: true when the line cannot be a field (the parser says why once it ends). */
static bool scan_field_byte(struct http_scan *s, unsigned char c)
{
	switch (s->field) {
	case 0:
		s->field = 1;
		return !http_fields_tchar(c); /* also white space first: obs-fold */
	case 1:
		if (c == ':')
			s->field = 2;
		return c != ':' && !http_fields_tchar(c);
	default:
		return (c < 0x20 && c != '\t') || c == 0x7f;
	}
}

/* Scan the bytes after s->pos; true when the parser must run. */
static bool scan_bytes(struct http_scan *s, const char *buf, size_t len,
		       const struct http_limits *lim)
{
	bool ready = false;

	for (size_t i = s->pos; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		s->steps++;
		if (i + 1 - s->line_start > lim->max_line || i + 1 > lim->max_head)
			ready = true;
		if (c == '\n') {
			ready |= scan_line_end(s, i, lim);
			s->cr = false;
			continue;
		}
		if (s->cr || c == '\0')
			ready = true; /* a bare CR or a NUL: the parser says which */
		s->cr = c == '\r';
		if (s->cr)
			continue;
		if (s->started && s->lines > 0 && scan_field_byte(s, c))
			s->bad_field = true; /* the parser checks whole lines */
		s->started = true;
	}
	s->pos = len;
	return ready;
}

int http_scan_request(struct http_scan *s, const char *buf, size_t len,
		      const struct http_limits *limits, struct http_request *req)
{
	struct http_limits lim;

	limits_fill(limits, &lim);
	if (len < s->pos) /* not the buffer of the last call: start again */
		http_scan_reset(s);
	if (!lim.lenient && !scan_bytes(s, buf, len, &lim))
		return 0;
	s->steps += len;
	return http_parse_request(buf, len, limits, req);
}

int http_parse_response(const char *buf, size_t len, const struct http_limits *limits,
			struct http_response *resp)
{
	struct http_limits lim;
	size_t end, next;
	int r;

	limits_fill(limits, &lim);
	resp->n_headers = 0;
	resp->status = 0;
	resp->minor = 0;
	resp->content_length = -1;
	resp->chunked = resp->keep_alive = false;
	resp->n_conn_tokens = 0;
	resp->head_len = 0;
	resp->error = NULL;

	r = http_fields_line(buf, len, 0, false, &end, &next);
	if (r < 0 || (r == 0 && len > lim.max_line) || (r > 0 && end > lim.max_line)) {
		resp->error = "malformed status line";
		return -502;
	}
	if (r == 0)
		return 0;
	if (end < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') ||
	    buf[8] != ' ' || buf[9] < '1' || buf[9] > '9' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9' || (end > 12 && buf[12] != ' ')) {
		resp->error = "malformed status line";
		return -502;
	}
	resp->minor = buf[7] - '0';
	resp->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	resp->status_line.p = buf;
	resp->status_line.len = end;

	r = http_fields_parse(buf, len, next, &lim, resp->headers, &resp->n_headers, &resp->error);
	if (r < 0)
		return -502;
	if (r == 0)
		return 0;
	resp->head_len = (size_t)r;

	struct http_framing f;
	memset(&f, 0, sizeof(f));
	f.tokens = resp->conn_tokens;
	if (http_fields_framing(resp->headers, resp->n_headers, &f, HTTP_MAX_CONN_TOKENS, false,
			 &resp->error) < 0)
		return -502;
	resp->n_conn_tokens = f.n_tokens;
	resp->content_length = f.content_length;
	/* A coding other than a final chunked means "read until close" (RFC 9112 6.3). */
	resp->chunked = f.chunked && !f.te_other;
	bool close_delimited = f.n_te && !resp->chunked;
	resp->keep_alive = !close_delimited &&
			   (resp->minor == 1 ? !f.conn_close : (f.conn_keep_alive && !f.conn_close));
	return (int)resp->head_len;
}


enum http_body_mode http_request_body_mode(const struct http_request *req)
{
	if (req->chunked)
		return HTTP_BODY_CHUNKED;
	if (req->content_length > 0)
		return HTTP_BODY_LENGTH;
	return HTTP_BODY_NONE;
}

enum http_body_mode http_response_body_mode(const struct http_response *resp, bool head_req)
{
	if (head_req || resp->status < 200 || resp->status == 204 || resp->status == 304)
		return HTTP_BODY_NONE;
	if (resp->chunked)
		return HTTP_BODY_CHUNKED;
	if (resp->content_length >= 0)
		return resp->content_length ? HTTP_BODY_LENGTH : HTTP_BODY_NONE;
	return HTTP_BODY_CLOSE;
}
