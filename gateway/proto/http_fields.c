/* Header fields and framing for the HTTP/1.x parsers: line ends, field lines,
 * Content-Length, Transfer-Encoding, Connection, Host; hop-by-hop names. */
#include "http_fields.h"

#include <string.h>

#define CL_MAX ((int64_t)1 << 62)
#define CL_LENIENT_MAX ((int64_t)1 << 40) /* where lenient digit reading stops */

bool http_fields_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

bool http_span_eq(const struct http_span *s, const char *lo)
{
	size_t n = strlen(lo);
	if (s->len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s->p[i]) != lo[i])
			return false;
	return true;
}

/* Find the line starting at pos: its content end and the start of the next line.
 * 1 found, 0 incomplete, -1 bare CR or NUL inside the line. Lenient: only LF ends a
 * line (one CR before it is dropped), CR and NUL elsewhere are content. */
int http_fields_line(const char *buf, size_t len, size_t pos, bool lenient, size_t *end,
		     size_t *next)
{
	if (lenient) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		if (!nl)
			return 0;
		*end = (size_t)(nl - buf);
		*next = *end + 1;
		if (*end > pos && buf[*end - 1] == '\r')
			(*end)--;
		return 1;
	}
	for (size_t i = pos; i < len; i++) {
		char c = buf[i];
		if (c == '\n') {
			*end = i;
			*next = i + 1;
			return 1;
		}
		if (c == '\0')
			return -1;
		if (c == '\r') {
			if (i + 1 >= len)
				return 0;
			if (buf[i + 1] != '\n')
				return -1;
			*end = i;
			*next = i + 2;
			return 1;
		}
	}
	return 0;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Split a comma-separated list value into its next element; false at the end. */
static bool list_next(const struct http_span *v, size_t *pos, struct http_span *out)
{
	while (*pos < v->len && (is_ows(v->p[*pos]) || v->p[*pos] == ','))
		(*pos)++;
	if (*pos >= v->len)
		return false;
	size_t s = *pos;
	while (*pos < v->len && v->p[*pos] != ',')
		(*pos)++;
	size_t e = *pos;
	while (e > s && is_ows(v->p[e - 1]))
		e--;
	out->p = v->p + s;
	out->len = e - s;
	return true;
}

/* One field "name: value" of the line from pos to end whose colon is at colon: the value
 * without white space around it. */
static void field_store(struct http_header *h, const char *buf, size_t pos, size_t colon,
			size_t end)
{
	size_t vs = colon + 1, ve = end;
	while (vs < end && is_ows(buf[vs]))
		vs++;
	while (ve > vs && is_ows(buf[ve - 1]))
		ve--;
	h->name.p = buf + pos;
	h->name.len = colon - pos;
	h->value.p = buf + vs;
	h->value.len = ve - vs;
}

/* Lenient: a line without a colon is skipped, the name is whatever stands before the
 * colon (it then matches no field we read when it is odd), control bytes may stand in
 * the value, and fields past max_headers are read over without being stored. */
static void field_lenient(const char *buf, size_t pos, size_t end,
			  const struct http_limits *lim, struct http_header *hdr, unsigned *n_hdr)
{
	const char *colon = memchr(buf + pos, ':', end - pos);
	if (!colon || *n_hdr >= lim->max_headers)
		return;
	struct http_header *h = &hdr[(*n_hdr)++];
	field_store(h, buf, pos, (size_t)(colon - buf), end);
	/* CRs before the line end are no part of the value either */
	while (h->value.len && (is_ows(h->value.p[h->value.len - 1]) ||
				h->value.p[h->value.len - 1] == '\r'))
		h->value.len--;
}

/* The header fields after the start line; returns the head length, 0, or -status. */
int http_fields_parse(const char *buf, size_t len, size_t pos, const struct http_limits *lim,
			struct http_header *hdr, unsigned *n_hdr, const char **error)
{
	*n_hdr = 0;
	for (;;) {
		size_t end, next;
		int r = http_fields_line(buf, len, pos, lim->lenient, &end, &next);
		if (r < 0) {
			*error = "bare CR or NUL in a header line";
			return -400;
		}
		if (r == 0) {
			if (len - pos > lim->max_line || len > lim->max_head) {
				*error = "header section too large";
				return -431;
			}
			return 0;
		}
		if (next > lim->max_head || end - pos > lim->max_line) {
			*error = "header section too large";
			return -431;
		}
		if (end == pos)
			return (int)next;
		if (lim->lenient) {
			field_lenient(buf, pos, end, lim, hdr, n_hdr);
			pos = next;
			continue;
		}
		if (is_ows(buf[pos])) {
			*error = "obsolete line folding or white space before a field";
			return -400;
		}
		size_t i = pos;
		while (i < end && http_fields_tchar((unsigned char)buf[i]))
			i++;
		if (i == pos || i >= end || buf[i] != ':') {
			*error = "invalid header field name";
			return -400;
		}
		if (*n_hdr >= lim->max_headers) {
			*error = "too many header fields";
			return -431;
		}
		for (size_t k = i + 1; k < end; k++) {
			unsigned char c = (unsigned char)buf[k];
			if (c < 0x20 && c != '\t') {
				*error = "control character in a header value";
				return -400;
			}
			if (c == 0x7f) {
				*error = "control character in a header value";
				return -400;
			}
		}
		field_store(&hdr[(*n_hdr)++], buf, pos, i, end);
		pos = next;
	}
}


static int parse_cl(const struct http_span *v, int64_t *cl)
{
	size_t pos = 0;
	struct http_span el;
	bool any = false;
	while (list_next(v, &pos, &el)) {
		int64_t n = 0;
		if (el.len == 0 || el.len > 18)
			return -1;
		for (size_t i = 0; i < el.len; i++) {
			if (el.p[i] < '0' || el.p[i] > '9')
				return -1;
			n = n * 10 + (el.p[i] - '0');
		}
		if (n > CL_MAX || (*cl >= 0 && *cl != n))
			return -1;
		*cl = n;
		any = true;
	}
	return any ? 0 : -1;
}

/* Lenient Content-Length: the leading digits, as far as CL_LENIENT_MAX; 0 for none. */
static int64_t cl_digits(const struct http_span *v)
{
	int64_t x = 0;
	for (size_t i = 0; i < v->len && v->p[i] >= '0' && v->p[i] <= '9' && x < CL_LENIENT_MAX;
	     i++)
		x = x * 10 + (v->p[i] - '0');
	return x;
}

/* Whether a span holds lower (a lowercase string) anywhere, in any case. */
static bool span_has(const struct http_span *s, const char *lo)
{
	size_t n = strlen(lo);
	for (size_t i = 0; i + n <= s->len; i++) {
		struct http_span sub = { s->p + i, n };
		if (http_span_eq(&sub, lo))
			return true;
	}
	return false;
}

/* Collect the framing fields. Lenient: the last Content-Length's digits, chunked when
 * any Transfer-Encoding names it, and no conflict is an error. 0 or -400. */
int http_fields_framing(const struct http_header *hdr, unsigned n, struct http_framing *f,
			unsigned max_tokens, bool lenient, const char **error)
{
	f->content_length = -1;
	for (unsigned i = 0; i < n; i++) {
		const struct http_header *h = &hdr[i];
		size_t pos = 0;
		struct http_span el;
		if (lenient && http_span_eq(&h->name, "content-length")) {
			f->content_length = cl_digits(&h->value);
		} else if (lenient && http_span_eq(&h->name, "transfer-encoding")) {
			f->n_te++;
			f->chunked = f->chunked || span_has(&h->value, "chunked");
		} else if (http_span_eq(&h->name, "content-length")) {
			if (parse_cl(&h->value, &f->content_length) < 0) {
				*error = "invalid or conflicting Content-Length";
				return -400;
			}
		} else if (http_span_eq(&h->name, "transfer-encoding")) {
			f->n_te++;
			while (list_next(&h->value, &pos, &el)) {
				if (f->chunked) {
					*error = "transfer coding after chunked";
					return -400;
				}
				if (http_span_eq(&el, "chunked"))
					f->chunked = true;
				else
					f->te_other = true;
			}
		} else if (http_span_eq(&h->name, "connection")) {
			while (list_next(&h->value, &pos, &el)) {
				if (http_span_eq(&el, "close"))
					f->conn_close = true;
				else if (http_span_eq(&el, "keep-alive"))
					f->conn_keep_alive = true;
				if (f->n_tokens < max_tokens)
					f->tokens[f->n_tokens++] = el;
			}
		} else if (http_span_eq(&h->name, "host")) {
			f->n_host++;
			f->host = h->value;
		} else if (http_span_eq(&h->name, "expect")) {
			struct http_span v = h->value;
			if (http_span_eq(&v, "100-continue"))
				f->expect_continue = true;
		}
	}
	if (f->n_te && f->content_length >= 0 && !lenient) {
		*error = "both Transfer-Encoding and Content-Length";
		return -400;
	}
	return 0;
}

/* Trailer is not among them: it describes the message's trailer section and goes end to
 * end (RFC 9110 6.6.2; 7.6.1 lists only Connection and what it names, plus the old
 * Keep-Alive, Proxy-Connection, TE and Upgrade). */
static const char *const hop_headers[] = {
	"connection", "keep-alive", "proxy-connection", "te", "upgrade",
	"proxy-authorization", "proxy-authenticate",
};

bool http_header_is_hop(const struct http_span *name, const struct http_span *tokens,
			unsigned n_tokens)
{
	for (size_t i = 0; i < sizeof(hop_headers) / sizeof(hop_headers[0]); i++)
		if (http_span_eq(name, hop_headers[i]))
			return true;
	/* Connection may name other fields, but never the ones that frame the message. */
	if (http_span_eq(name, "content-length") || http_span_eq(name, "transfer-encoding") ||
	    http_span_eq(name, "host"))
		return false;
	for (unsigned i = 0; i < n_tokens; i++) {
		if (tokens[i].len != name->len)
			continue;
		size_t k = 0;
		while (k < name->len && lower(tokens[i].p[k]) == lower(name->p[k]))
			k++;
		if (k == name->len)
			return true;
	}
	return false;
}