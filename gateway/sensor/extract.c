/* Application-layer extraction for the sensor: DNS questions, HTTP request heads and TLS
 * ClientHello server names, read by the proxy's own parsers (proto/) in the modes a
 * sensor needs, and handed on in the sensor's terms. */
#include "extract.h"

#include <stdio.h>
#include <string.h>

#include "dns_msg.h"
#include "http_parse.h"
#include "tls_parse.h"

/* The question is read by the proxy's DNS parser (dns_msg.h) in the mode a sensor
 * needs: any message, its name escaped. */
int extract_dns(const uint8_t *buf, size_t len, struct extract_dns *out)
{
	struct dns_peek pk;
	memset(out, 0, offsetof(struct extract_dns, name));
	out->name[0] = '\0';
	out->name_len = 0;
	if (dns_question_peek(buf, len, &pk) < 0)
		return -1;
	out->id = pk.id;
	out->response = (pk.flags & DNS_FLAG_QR) != 0;
	out->opcode = (uint8_t)(pk.flags >> 11 & 0x0f);
	out->rcode = (uint8_t)(pk.flags & 0x0f);
	out->qdcount = pk.qdcount;
	if (!pk.has_question)
		return 0;
	out->has_question = true;
	out->qtype = pk.qtype;
	char tbuf[16];
	snprintf(out->qtype_name, sizeof(out->qtype_name), "%s", dns_type_name(pk.qtype, tbuf));
	memcpy(out->name, pk.name, pk.name_len + 1);
	out->name_len = pk.name_len;
	return 0;
}

bool extract_is_http(const uint8_t *buf, size_t len)
{
	return http_looks_like_request((const char *)buf, len);
}

/* The request head is read by the proxy's parser (http_parse.h) in its lenient mode,
 * which says why a sensor must be more lenient than the proxy. */
long extract_http_head(const uint8_t *buf, size_t len, size_t max_head,
		       struct extract_http *out)
{
	struct http_limits lim = { .max_head = max_head, .lenient = true };
	struct http_request req;
	memset(out, 0, sizeof(*out));
	int r = http_parse_request((const char *)buf, len, &lim, &req);
	if (r <= 0)
		return r < 0 ? -1 : 0;
	out->method = req.method.p;
	out->method_len = req.method.len;
	out->host = req.host_raw.p;
	out->host_len = req.host_raw.len;
	out->path = req.path.len ? req.path.p : NULL;
	out->path_len = req.path.len;
	out->body_len = req.content_length > 0 ? (uint64_t)req.content_length : 0;
	out->chunked = req.chunked;
	out->connect = req.is_connect;
	return r;
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
	bool ech;
	return extract_tls_hello(buf, len, sni, cap, sni_len, &ech);
}

enum extract_tls_result extract_tls_hello(const uint8_t *buf, size_t len, char *sni,
					  size_t cap, size_t *sni_len, bool *ech)
{
	struct tls_hello h;
	int r = tls_parse_client_hello(buf, len, &h);
	*ech = false;
	if (r == 0)
		return TLS_MORE;
	if (r < 0)
		return TLS_BAD;
	*ech = h.ech_type == TLS_ECH_OUTER;
	if (!h.has_sni || h.sni_len == 0)
		return TLS_NO_SNI;
	if (h.sni_len >= cap)
		return TLS_BAD;
	memcpy(sni, h.sni, h.sni_len);
	sni[h.sni_len] = '\0';
	*sni_len = h.sni_len;
	return TLS_SNI;
}
