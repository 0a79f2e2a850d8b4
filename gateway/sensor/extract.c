/* Application-layer extraction for the sensor: DNS questions (ldns), HTTP request heads
 * and TLS ClientHello server names, each a bounded parser over (buf, len). */
#include "extract.h"

#include <ldns/ldns.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tls_parse.h"

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Text form of an uncompressed wire name: labels joined by dots, bytes that are not
 * plain printable written as \DDD, no trailing dot. */
static int dname_text(const uint8_t *w, size_t wlen, char *out, size_t cap, size_t *out_len)
{
	size_t i = 0, o = 0;
	while (i < wlen) {
		size_t l = w[i++];
		if (l == 0)
			break;
		if (l > 63 || l > wlen - i)
			return -1;
		if (o && o + 1 < cap)
			out[o++] = '.';
		for (size_t k = 0; k < l; k++) {
			uint8_t c = w[i + k];
			if (o + 5 >= cap)
				return -1;
			if (c <= 0x20 || c >= 0x7f || c == '.' || c == '\\') {
				snprintf(out + o, 5, "\\%03u", c);
				o += 4;
			} else {
				out[o++] = (char)c;
			}
		}
		i += l;
	}
	out[o] = '\0';
	*out_len = o;
	return 0;
}

int extract_dns(const uint8_t *buf, size_t len, struct extract_dns *out)
{
	memset(out, 0, offsetof(struct extract_dns, name));
	out->name[0] = '\0';
	out->name_len = 0;
	if (len < 12)
		return -1;
	out->id = rd16(buf);
	out->response = (buf[2] & 0x80) != 0;
	out->opcode = (buf[2] >> 3) & 0x0f;
	out->rcode = buf[3] & 0x0f;
	out->qdcount = rd16(buf + 4);
	if (out->qdcount == 0)
		return 0;
	ldns_rdf *dname = NULL;
	size_t pos = 12;
	if (ldns_wire2dname(&dname, buf, len, &pos) != LDNS_STATUS_OK || !dname)
		return -1;
	int rc = dname_text(ldns_rdf_data(dname), ldns_rdf_size(dname), out->name,
			    sizeof(out->name), &out->name_len);
	ldns_rdf_deep_free(dname);
	if (rc < 0 || pos + 4 > len)
		return -1;
	out->qtype = rd16(buf + pos);
	out->has_question = true;
	const ldns_rr_descriptor *desc = ldns_rr_descript(out->qtype);
	if (desc && desc->_name)
		snprintf(out->qtype_name, sizeof(out->qtype_name), "%s", desc->_name);
	else
		snprintf(out->qtype_name, sizeof(out->qtype_name), "TYPE%u", out->qtype);
	return 0;
}

#define HTTP_MAX_METHOD 32

static bool method_char(uint8_t c, size_t i)
{
	return (c >= 'A' && c <= 'Z') || (i > 0 && (c == '_' || c == '-'));
}

bool extract_is_http(const uint8_t *buf, size_t len)
{
	size_t i = 0;
	while (i < len && i <= HTTP_MAX_METHOD && method_char(buf[i], i))
		i++;
	if (i == len)
		return i > 0 && i <= HTTP_MAX_METHOD;  /* could still be one */
	return i > 0 && i <= HTTP_MAX_METHOD && buf[i] == ' ';
}

/* Split "host:port", "[v6]:port" or "host" into the host part. */
static void host_strip_port(const char *h, size_t n, const char **out, size_t *out_len)
{
	if (n && h[0] == '[') {
		const char *e = memchr(h, ']', n);
		if (e) {
			*out = h + 1;
			*out_len = (size_t)(e - h - 1);
			return;
		}
	}
	const char *c = memchr(h, ':', n);
	if (c && !memchr(c + 1, ':', n - (size_t)(c + 1 - h)))
		n = (size_t)(c - h);
	*out = h;
	*out_len = n;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/* The request target: origin-form path, absolute-form URI, or CONNECT authority. */
static void http_target(const char *t, size_t n, struct extract_http *out)
{
	if (out->connect) {
		host_strip_port(t, n, &out->host, &out->host_len);
		return;
	}
	if (n >= 7 && (strncasecmp(t, "http://", 7) == 0 ||
		       (n >= 8 && strncasecmp(t, "https://", 8) == 0))) {
		size_t skip = t[4] == ':' ? 7 : 8;
		const char *a = t + skip;
		size_t an = n - skip, k = 0;
		while (k < an && a[k] != '/' && a[k] != '?' && a[k] != '#')
			k++;
		const char *at = memchr(a, '@', k);
		const char *h = at ? at + 1 : a;
		host_strip_port(h, k - (size_t)(h - a), &out->host, &out->host_len);
		out->path = k < an ? a + k : "/";
		out->path_len = k < an ? an - k : 1;
		return;
	}
	if (n && t[0] == '/') {
		out->path = t;
		out->path_len = n;
	}
}

static void http_header(const char *l, size_t n, struct extract_http *out, bool abs_host)
{
	const char *c = memchr(l, ':', n);
	if (!c)
		return;
	size_t kn = (size_t)(c - l);
	const char *v = c + 1;
	size_t vn = n - kn - 1;
	trim(&v, &vn);
	if (kn == 4 && strncasecmp(l, "host", 4) == 0 && !abs_host) {
		host_strip_port(v, vn, &out->host, &out->host_len);
	} else if (kn == 14 && strncasecmp(l, "content-length", 14) == 0) {
		uint64_t x = 0;
		for (size_t i = 0; i < vn && v[i] >= '0' && v[i] <= '9' && x < (1ull << 40); i++)
			x = x * 10 + (uint64_t)(v[i] - '0');
		out->body_len = x;
	} else if (kn == 17 && strncasecmp(l, "transfer-encoding", 17) == 0) {
		for (size_t i = 0; i + 7 <= vn; i++)
			if (strncasecmp(v + i, "chunked", 7) == 0)
				out->chunked = true;
	}
}

long extract_http_head(const uint8_t *buf, size_t len, size_t max_head,
		       struct extract_http *out)
{
	memset(out, 0, sizeof(*out));
	if (!extract_is_http(buf, len))
		return -1;
	size_t lim = len < max_head ? len : max_head;
	const char *s = (const char *)buf;
	/* find the end of the head: an empty line (CRLF or bare LF) */
	size_t end = 0;
	for (size_t i = 0; i < lim; i++) {
		if (s[i] != '\n')
			continue;
		if (i + 1 < lim && s[i + 1] == '\n') {
			end = i + 2;
			break;
		}
		if (i + 2 < lim && s[i + 1] == '\r' && s[i + 2] == '\n') {
			end = i + 3;
			break;
		}
	}
	if (!end)
		return len >= max_head ? -1 : 0;
	/* request line */
	const char *nl = memchr(s, '\n', end);
	size_t ll = (size_t)(nl - s);
	if (ll && s[ll - 1] == '\r')
		ll--;
	const char *sp = memchr(s, ' ', ll);
	if (!sp)
		return -1;
	out->method = s;
	out->method_len = (size_t)(sp - s);
	out->connect = out->method_len == 7 && memcmp(s, "CONNECT", 7) == 0;
	const char *t = sp + 1;
	size_t tn = ll - out->method_len - 1;
	/* the version is after the last space; a target may hold spaces */
	for (size_t i = tn; i-- > 0;) {
		if (t[i] == ' ' && tn - i - 1 >= 5 && memcmp(t + i + 1, "HTTP/", 5) == 0) {
			tn = i;
			break;
		}
		if (i == 0 && tn >= 5 && memcmp(t, "HTTP/", 5) == 0)
			tn = 0;     /* "OPTIONS HTTP/1.1": no target */
	}
	http_target(t, tn, out);
	bool abs_host = out->host_len > 0;
	/* header lines */
	const char *p = nl + 1;
	const char *e = s + end;
	while (p < e) {
		const char *q = memchr(p, '\n', (size_t)(e - p));
		size_t n = q ? (size_t)(q - p) : (size_t)(e - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		http_header(p, n, out, abs_host);
		p = q ? q + 1 : e;
	}
	return (long)end;
}

bool extract_is_tls(const uint8_t *buf, size_t len)
{
	if (len >= 1 && buf[0] != 0x16)
		return false;
	if (len >= 2 && buf[1] != 0x03)
		return false;
	return len >= 1;
}

/* The ClientHello parser is the TLS front end's (tls_parse.h), so that the sensor and
 * the inline peek read server names the same way (normalised, ECH noted). */
enum extract_tls_result extract_tls_sni(const uint8_t *buf, size_t len, char *sni,
					size_t cap, size_t *sni_len)
{
	struct tls_hello h;
	int r = tls_parse_client_hello(buf, len, &h);
	if (r == 0)
		return TLS_MORE;
	if (r < 0)
		return TLS_BAD;
	if (!h.has_sni || h.sni_len == 0)
		return TLS_NO_SNI;
	if (h.sni_len >= cap)
		return TLS_BAD;
	memcpy(sni, h.sni, h.sni_len);
	sni[h.sni_len] = '\0';
	*sni_len = h.sni_len;
	return TLS_SNI;
}
