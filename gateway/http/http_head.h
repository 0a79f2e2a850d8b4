/* Forwarded heads: requests and responses rewritten for the next hop, hop-by-hop
 * header fields removed (RFC 9110 section 7.6.1), nothing else changed. */
#ifndef CG_HTTP_HEAD_H
#define CG_HTTP_HEAD_H

#include <stdbool.h>

#include "http_parse.h"

struct evbuffer;

/* Whether the request asks to switch to WebSocket: Upgrade named in Connection and one
 * Upgrade field naming websocket alone. No other upgrade is relayed (h2c would run
 * HTTP/2 through the proxy unfiltered): its Upgrade field is dropped as hop-by-hop. */
bool http_head_wants_upgrade(const struct http_request *req);

/* Whether these header fields (a 101's) hold exactly one Upgrade field, "websocket". */
bool http_head_upgrade_is_websocket(const struct http_header *h, unsigned n);

/* Append the request head for the next hop to out: absolute-form becomes origin-form
 * when origin_form is set (to an origin server), Host is taken from an absolute-form
 * target, hop-by-hop fields are dropped except Upgrade (and a "Connection: upgrade")
 * when keep_upgrade; HTTP2-Settings is always dropped (it only serves an h2c upgrade). */
void http_head_request(struct evbuffer *out, const struct http_request *req, bool origin_form,
		       bool keep_upgrade);

/* Append the response head for the client: hop-by-hop fields dropped, then our own
 * Connection field: "close" when close is set, "keep-alive" for an HTTP/1.0 client
 * that stays open. With upgrade (a 101 we tunnel), Upgrade and Connection pass. */
void http_head_response(struct evbuffer *out, const struct http_response *resp, bool close,
			int client_minor, bool upgrade);

#endif
