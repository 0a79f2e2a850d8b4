/* http_relay: an allowed request relayed to the next hop (the parent proxy, the original
 * destination or the looked-up address, never a connect_deny place), its body and the
 * response's framed both ways so that keep-alive and pipelined requests are each
 * decided; a WebSocket 101 is handed to http_tunnel. The next hop's socket is opened
 * here, its events come through http_client.c (http_relay_up_*), and a complete response
 * is reported to it, never answered by calling it. Internal to the http front end. */
#ifndef CG_HTTP_RELAY_H
#define CG_HTTP_RELAY_H

#include "http_conn.h"

#define HTTP_RELAY_LOOKUP 1 /* http_relay_route(): the name must be looked up first */
#define HTTP_RELAY_DENIED 2 /* http_relay_route(): the address is a connect_deny place
			       (refused, journaled) */

/* What an event of the next hop's socket leaves to the caller (http_client.c). */
enum http_relay_step {
	HTTP_RELAY_WAIT, /* nothing: the response goes on, or c closes or is gone (freed, or
			    handed to a tunnel): c must not be touched */
	HTTP_RELAY_NEXT, /* the response is complete and c stays open: it waits for the next
			    head (ST_HEAD, reading on), which the caller reads and handles */
};

/* Where an allowed request goes. Returns 0 with the connection opened (the caller sets
 * c->up's callbacks, which hand its events to http_relay_up_*), HTTP_RELAY_LOOKUP
 * when an explicit request's name is to be looked up (and its chain decided) first,
 * HTTP_RELAY_DENIED when its address is a connect_deny place (answered, journaled,
 * closing), or an HTTP status to answer with. dest: the looked-up address (explicit
 * mode), or NULL. */
int http_relay_route(struct http_conn *c, const struct http_request *req,
		     const struct cg_addr *dest);

/* The address of the open connection to the next hop that an explicit request would be
 * sent on by http_relay_route() (same name and port, no reload since), or NULL when it
 * would open a new one (its address then decided after the lookup), goes to the parent
 * proxy, or is a CONNECT. The name was decided when the connection was opened; the
 * address must be decided with every further request on it, since a timetable can block
 * it without a reload. */
const struct cg_addr *http_relay_reused_dest(const struct http_conn *c,
					     const struct http_request *req);

/* Relay an allowed request upstream (http_relay_route() chose the upstream): the head
 * (n bytes at the start of the client input) rewritten, then its body. When the
 * response is complete the connection closes, or http_relay_up_read() says
 * HTTP_RELAY_NEXT. 0, or an HTTP status to answer with (the connection to the next hop
 * could not be started; nothing was consumed). */
int http_relay_start(struct http_conn *c, struct http_request *req, int n);

/* The next hop's socket is readable: parse the response head, move its body to the
 * client. HTTP_RELAY_NEXT when the response is complete and c waits for the next head;
 * else HTTP_RELAY_WAIT (c may be gone). */
enum http_relay_step http_relay_up_read(struct http_conn *c);

/* The next hop took half of what waited for it: read from the client again. */
void http_relay_up_write(struct http_conn *c);

/* The next hop's socket connected, closed, failed or timed out (what: BEV_EVENT_*): the
 * response ends (a close-delimited body) or fails (an error answer, or the client sees
 * a cut response); an idle kept-alive connection to it is dropped. */
void http_relay_up_event(struct http_conn *c, short what);

/* The client sent more while a request is relayed: forward its body as far as the
 * framing goes; pipelined heads wait (reading stops beyond one head's worth). */
void http_relay_client_read(struct http_conn *c);

#endif
