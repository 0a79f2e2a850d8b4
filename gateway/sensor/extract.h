/* What the sensor reads out of application bytes: the question of a DNS message, the
 * head of an HTTP request, the SNI of a TLS ClientHello. The parsing is proto/'s, the
 * proxy's own parsers, in the modes a sensor needs (dns_question_peek, the lenient mode
 * of http_parse_request, tls_parse_client_hello); this module puts what they read in
 * the sensor's terms. Nothing returned points outside the input or the caller's buffer. */
#ifndef CG_EXTRACT_H
#define CG_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_msg.h"

#define EXTRACT_NAME_MAX DNS_NAME_ESC_MAX /* a DNS name in text form, with \DDD escapes */

struct extract_dns {
	uint16_t id;
	bool response;
	uint8_t opcode, rcode;
	uint16_t qdcount;
	bool has_question;
	uint16_t qtype;
	char qtype_name[16];         /* "A", "AAAA", "TYPE65534" */
	char name[EXTRACT_NAME_MAX]; /* first question, no trailing dot; "" for the root */
	size_t name_len;
};

/* Read the header and the first question of one DNS message (no TCP length prefix),
 * query or response, with dns_question_peek (compression pointers only backwards and
 * bounded; the name escaped as dns_name_read_escaped writes it). 0, or -1 when the
 * message is too short or its question is malformed. */
int extract_dns(const uint8_t *buf, size_t len, struct extract_dns *out);

struct extract_http {
	const char *method;      /* points into the input */
	size_t method_len;
	const char *host;        /* Host header or absolute-form authority, port removed */
	size_t host_len;         /* 0 when there is none */
	const char *path;        /* origin-form target ("/..." with query); NULL if none */
	size_t path_len;
	uint64_t body_len;       /* Content-Length, 0 when absent */
	bool chunked;            /* Transfer-Encoding: chunked (body length unknown) */
	bool connect;            /* CONNECT host:port */
};

/* Whether bytes start like an HTTP/1.x request line (a method token and a space). */
bool extract_is_http(const uint8_t *buf, size_t len);

/* Parse one HTTP/1.x request head from (buf, len), looking at most max_head bytes, with
 * http_parse_request in its lenient mode (http_parse.h says why a sensor reads more
 * leniently than the proxy: it records what a client asked even when a strict proxy
 * would answer 400, since the origin server may well serve it). host is the host as
 * sent, port removed. Returns the head's length (through the blank line) when complete,
 * 0 when more bytes are needed, -1 when it is not an HTTP request or is longer than
 * max_head. */
long extract_http_head(const uint8_t *buf, size_t len, size_t max_head,
		       struct extract_http *out);

/* Whether bytes start like a TLS handshake record. */
bool extract_is_tls(const uint8_t *buf, size_t len);

enum extract_tls_result {
	TLS_SNI = 1,         /* sni holds the server name */
	TLS_NO_SNI = 2,      /* a complete ClientHello without a server name */
	TLS_MORE = 0,        /* the ClientHello is not complete yet */
	TLS_BAD = -1,        /* not a ClientHello, or malformed */
};

/* Find the server name in the ClientHello at the start of (buf, len), which may span
 * several TLS records (parsed by tls_parse.h, the TLS front end's parser). The name,
 * normalised, is copied to sni (NUL-terminated, at most cap - 1 bytes; longer names are
 * TLS_BAD) and its length stored in *sni_len. */
enum extract_tls_result extract_tls_sni(const uint8_t *buf, size_t len, char *sni,
					size_t cap, size_t *sni_len);

/* The same, and *ech says whether a complete hello carried an encrypted_client_hello
 * extension of the outer type (real ECH, or the GREASE ECH Chrome and Firefox send in
 * every hello: the two look alike by design); the name is then the outer SNI. */
enum extract_tls_result extract_tls_hello(const uint8_t *buf, size_t len, char *sni,
					  size_t cap, size_t *sni_len, bool *ech);

#endif
