/* One proxied client connection (transparent, explicit or block-page listener).
 * Internal to the http front end (http.c). */
#ifndef CG_HTTP_CONN_H
#define CG_HTTP_CONN_H

#include <sys/socket.h>

#include "http_worker.h"

/* Copy the current settings. */
void http_shared_settings(struct http_shared *sh, struct http_settings *out);

/* Take over an accepted socket (counted in sh->limits already). local is the address
 * the client connected to (to tell a REDIRECT from a direct connection). */
void http_conn_start(struct http_worker *w, enum http_mode mode, int fd,
		     const struct sockaddr *peer, socklen_t peer_len);

/* Free every live connection of a worker (its loop has stopped). */
void http_conn_free_all(struct http_worker *w);

/* Answer a refused connection (limits) with a short 503 and close it; never blocks. */
void http_refuse(int fd, enum lang lang);

#endif
