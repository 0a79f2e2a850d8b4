/* TLS ClientHello reassembly (across records and TCP segments) and SNI/ECH extraction. */
#ifndef CG_TLS_PARSE_H
#define CG_TLS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"

#define TLS_HELLO_MAX 16384 /* largest ClientHello handshake message accepted */
#define TLS_STREAM_MAX 65536 /* the parser gives up on a hello spread wider */

#define TLS_EXT_SERVER_NAME 0x0000
#define TLS_EXT_ALPN 0x0010
#define TLS_EXT_ECH 0xfe0d  /* encrypted_client_hello: the outer SNI is a cover name */

struct tls_hello {
	uint16_t record_version;  /* of the first record */
	uint16_t legacy_version;  /* client_version field of the hello */
	char sni[NAME_MAX_LEN + 1];/* normalised host_name; "" when absent */
	size_t sni_len;
	bool has_sni;
	bool ech;                 /* encrypted_client_hello present */
	bool grease;              /* a GREASE value was seen (RFC 8701) */
	unsigned n_extensions;
	unsigned n_records;       /* records that carried the hello */
	size_t stream_len;        /* bytes of the stream consumed by those records */
	const char *error;        /* why it was rejected (static English text) */
};

/* Parse the start of a client's TLS byte stream (buf, len: everything received so far,
 * from the first byte). Returns 1 when a whole ClientHello was found and parsed into
 * *out, 0 when more bytes are needed, -1 when the stream is not a valid ClientHello
 * (not a handshake record, SSLv2, bad lengths, duplicate or malformed extensions, a
 * hello over TLS_HELLO_MAX, a bad server name); out->error says why. */
int tls_parse_client_hello(const uint8_t *buf, size_t len, struct tls_hello *out);

/* Whether a 16-bit value is a GREASE value (0x0a0a, 0x1a1a, ... 0xfafa). */
bool tls_is_grease(uint16_t v);

#endif
