/* http_tunnel: the connections of the HTTP front end that stop being HTTP. A CONNECT on
 * the explicit proxy (only to connect_ports, never to a connect_deny address, decided on
 * the name and on the resolved address, then on the ClientHello inside exactly as on
 * redirected 443, then spliced), a CONNECT on a transparent port (refused), and a
 * WebSocket connection after its 101 (spliced). Internal to the http front end. */
#ifndef CG_HTTP_TUNNEL_H
#define CG_HTTP_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "denyset.h"
#include "http_parse.h"
#include "http_worker.h"

struct bufferevent;
struct evbuffer;

/* Answer a CONNECT that came to a transparent (or block-page) port: 405 with the block
 * page appended to out (the caller closes after it), journaled as a bypass attempt. */
void http_tunnel_refuse_transparent(struct http_worker *w, struct evbuffer *out,
				    const struct cg_addr *client, const struct http_request *req,
				    const struct http_settings *set);

/* Where the explicit proxy never goes (connect_deny: loopback, link-local, the LAN's
 * group subnets, the box's own addresses): the kind of place a, or DENYSET_NONE. For a
 * CONNECT and for a plain-HTTP request alike. */
enum denyset_kind http_deny_match(struct http_worker *w, const struct cg_addr *a);

/* Answer a plain-HTTP request through the explicit proxy whose destination a is such a
 * place: 403 with the block page appended to out (the caller closes after it),
 * journaled as a bypass attempt naming the address and the kind of place. */
void http_tunnel_refuse_denied(struct http_worker *w, struct evbuffer *out,
			       const struct cg_addr *client, const struct http_request *req,
			       const struct http_settings *set, const struct cg_addr *a,
			       enum denyset_kind k);

/* Take over cli, whose CONNECT head has been read and whose name the policy allowed,
 * with its connection-limit slot: check the port, resolve the name through w->dns,
 * check the address (connect_deny, then the policy on name and address), connect, answer
 * 200, read the ClientHello and decide it (tls_decide), then splice or send an alert.
 * Every refusal is answered with the block page and journaled. */
void http_tunnel_connect(struct http_worker *w, struct bufferevent *cli,
			 const struct cg_addr *client, const struct http_request *req,
			 const struct http_settings *set);

/* Take over cli and up after an allowed WebSocket request's 101 (already queued on
 * cli), with cli's connection-limit slot: pass on what each side has buffered, then
 * splice until both close or nothing moves for idle_ms. host (the request's) and dest
 * (the address up goes to, or NULL: a parent proxy's) are what the sweep decides again
 * (not the path: it is gone by now, so a URL rule does not close an open WebSocket). */
void http_tunnel_relay(struct http_worker *w, struct bufferevent *cli, struct bufferevent *up,
		       const struct cg_addr *client, const char *host,
		       const struct cg_addr *dest, unsigned idle_ms);

/* Start w's sweep (every RECHECK_INTERVAL_MS): after a reload or in a new minute, each
 * open tunnel (CONNECT past its hello, WebSocket) is decided again on what it was allowed
 * on; one now blocked is closed on both sides and journaled ("open connection closed:
 * now blocked"). 0, or -1 when the event cannot be made. */
int http_tunnel_sweep_start(struct http_worker *w);

/* Free every tunnel of a worker (its loop has stopped), and its sweep. */
void http_tunnel_free_all(struct http_worker *w);

#endif
