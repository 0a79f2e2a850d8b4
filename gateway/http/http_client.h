/* http_client: the client side of a connection through the HTTP proxy: its request heads
 * read one after another under a deadline, each decided by the policy (on the name and
 * on the destination, an explicit request's name looked up first) and then answered
 * here (http_answer), relayed (http_relay) or handed to a tunnel (http_tunnel).
 * Internal to the http front end (http.c). */
#ifndef CG_HTTP_CLIENT_H
#define CG_HTTP_CLIENT_H

#include <sys/socket.h>

#include "http_worker.h"

/* Take over an accepted socket (counted in w->sh->limits already) of a listener in
 * mode: a transparent one's original destination is read from the socket. */
void http_client_start(struct http_worker *w, enum http_mode mode, int fd,
		       const struct sockaddr *peer, socklen_t peer_len);

#endif
