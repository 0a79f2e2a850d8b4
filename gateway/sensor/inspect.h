/* The sensor's packet path, without policy: decode, reassemble fragments, follow TCP
 * flows, and hand every DNS question, HTTP request head and TLS server name it finds
 * to a callback as an observation. One inspector per capture thread. */
#ifndef CG_INSPECT_H
#define CG_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "decode.h"
#include "extract.h"
#include "flow.h"
#include "ipfrag.h"

enum obs_kind {
	OBS_DNS_QUERY,     /* host = the question's name; dns set */
	OBS_DNS_RESPONSE,  /* the same, from the server's answer */
	OBS_HTTP,          /* host (may be empty), path, method */
	OBS_TLS,           /* host = the ClientHello's server name */
	OBS_DOT,           /* a TCP connection to port 853 began (DNS over TLS) */
	OBS_CONN,          /* a TCP connection to port 80 or 443 that gives no HTTP/1.x
			      request or TLS name (HTTP/2 prior knowledge, unknown or bad
			      bytes); app says which. Only the addresses count. */
	OBS_KIND_COUNT
};

const char *obs_kind_name(enum obs_kind k); /* "dns-query", "dns-response", ..., "conn" */

/* One thing seen on the wire. Strings are not NUL-terminated and live only during the
 * callback. The client is the side that asked (the DNS querier, the TCP initiator). */
struct observation {
	enum obs_kind kind;
	int64_t time_us;         /* the packet's capture time */
	bool tcp;
	struct cg_addr client, server;
	uint16_t cport, sport;
	bool has_mac;
	uint8_t client_mac[6];
	const char *host;
	size_t host_len;
	const char *path;        /* HTTP only, or NULL */
	size_t path_len;
	const char *method;      /* HTTP only */
	size_t method_len;
	bool first;              /* HTTP: the connection's first request */
	bool ech;                /* TLS: encrypted_client_hello (outer type); host is the
				  * outer name (real ECH hides the site, GREASE does not) */
	const char *app;         /* OBS_CONN: "http2", "http", "tls" or "unknown" */
	const struct extract_dns *dns; /* DNS only */
};

typedef void (*inspect_cb)(void *arg, const struct observation *ob);

struct inspect_limits {
	struct flow_limits flow;
	struct ipfrag_limits frag;
};

#define INSPECT_MAX_LINKTYPES 8

/* Application-layer problems, counted as malformed next to decode_err's kinds. */
enum inspect_bad { BAD_DNS, BAD_DNS_TCP, BAD_HTTP, BAD_TLS, BAD_COUNT };
const char *inspect_bad_name(enum inspect_bad b); /* "dns", "dns-tcp", "http", "tls" */

struct inspect_stats {
	uint64_t packets, bytes;     /* bytes on the wire (original lengths) */
	uint64_t ipv4, ipv6, udp, tcp, other;
	uint64_t malformed[DERR_COUNT];
	uint64_t bad[BAD_COUNT];
	uint64_t observed[OBS_KIND_COUNT];
	uint64_t tls_no_sni;         /* complete ClientHellos without a server name */
	uint64_t tls_ech;            /* ... with encrypted_client_hello (real or GREASE) */
	uint64_t tcp_unknown;        /* client streams that were none of DNS, HTTP, TLS */
	uint64_t http2;              /* HTTP/2 prior-knowledge connections (not read) */
	struct {
		int dlt;
		uint64_t packets;
	} linktypes[INSPECT_MAX_LINKTYPES];
	size_t n_linktypes;
	struct ipfrag_stats frag;
	struct flow_stats flow;
};

struct inspect;

/* An inspector with the given limits (NULL: defaults) that calls cb(arg, ...) for each
 * observation. Freed with inspect_free. */
struct inspect *inspect_new(const struct inspect_limits *lim, inspect_cb cb, void *arg);
/* Free the inspector with its flow and fragment tables (NULL is fine). */
void inspect_free(struct inspect *in);

/* Process one captured packet: link type dlt, capture time, caplen bytes at buf of a
 * packet that was wirelen bytes long. */
void inspect_packet(struct inspect *in, int dlt, int64_t time_us, const uint8_t *buf,
		    size_t caplen, size_t wirelen);

/* Counters so far (flow and fragment tables included). */
void inspect_get_stats(const struct inspect *in, struct inspect_stats *st);

#endif
