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

/* The ECHClientHello type of an encrypted_client_hello extension (RFC 9849 / draft-ietf-
 * tls-esni). OUTER on the wire is real ECH or GREASE ECH (indistinguishable by design);
 * INNER belongs inside the encrypted ClientHelloInner and is never legitimately sent in
 * clear; MALFORMED is an extension whose body does not parse (the hello is still taken:
 * the server refuses it, it hides nothing from us). */
enum tls_ech_type { TLS_ECH_NONE, TLS_ECH_OUTER, TLS_ECH_INNER, TLS_ECH_MALFORMED };

struct tls_hello {
	uint16_t record_version;  /* of the first record */
	uint16_t legacy_version;  /* client_version field of the hello */
	char sni[NAME_MAX_LEN + 1];/* normalised host_name; "" when absent */
	size_t sni_len;
	bool has_sni;
	bool ech;                 /* encrypted_client_hello present */
	enum tls_ech_type ech_type;
	uint16_t ech_kdf, ech_aead;  /* OUTER: the HPKE cipher suite */
	uint8_t ech_config_id;       /* OUTER */
	size_t ech_enc_len, ech_payload_len; /* OUTER */
	bool grease;              /* a GREASE value was seen (RFC 8701) */
	unsigned n_extensions;
	unsigned n_records;       /* records that carried the hello */
	size_t stream_len;        /* bytes of the stream consumed by those records */
	const char *error;        /* why it was rejected (static English text) */
};

/* Incremental reassembly of a ClientHello: the state between reads, so that each byte of
 * the stream is looked at once and the hello is parsed once, when its handshake length
 * says it is complete (a hello sent one byte per segment costs O(n), not O(n^2)). */
struct tls_reader {
	uint8_t hs[TLS_HELLO_MAX + 4]; /* the handshake message so far */
	size_t hs_len, need;           /* need: 4 + its length, once the header is in */
	uint8_t hdr[5];                /* the record header being read */
	size_t hdr_len;
	size_t rec_left;               /* bytes of the current record still to come */
	size_t pos;                    /* stream bytes consumed so far */
	unsigned n_records;
	uint16_t record_version;
	int state;                     /* 0 reading, 1 done, -1 failed */
	const char *error;
	unsigned long steps;           /* work done (bytes and fields looked at): tests */
};

void tls_reader_init(struct tls_reader *r);

/* Feed the next len bytes of the client's stream (those after r->pos; the caller keeps
 * the bytes, this copies only the handshake). Returns 1 when the ClientHello is complete
 * and parsed into *out (out->stream_len: where it ended; bytes after that are not
 * consumed), 0 when more bytes are needed, -1 when the stream is not a valid ClientHello
 * (out->error says why). After 1 or -1 the result sticks: feeding again returns it
 * without touching *out (but out->error on -1). */
int tls_reader_feed(struct tls_reader *r, const uint8_t *buf, size_t len,
		    struct tls_hello *out);

/* Parse the start of a client's TLS byte stream (buf, len: everything received so far,
 * from the first byte). Returns 1 when a whole ClientHello was found and parsed into
 * *out, 0 when more bytes are needed, -1 when the stream is not a valid ClientHello
 * (not a handshake record, SSLv2, bad lengths, duplicate or malformed extensions, a
 * hello over TLS_HELLO_MAX, a bad server name); out->error says why. */
int tls_parse_client_hello(const uint8_t *buf, size_t len, struct tls_hello *out);

/* Whether a 16-bit value is a GREASE value (0x0a0a, 0x1a1a, ... 0xfafa). */
bool tls_is_grease(uint16_t v);

#endif
