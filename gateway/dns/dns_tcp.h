/* dns_tcp: DNS over TCP for a worker: it frames queries for the query path (dns_resolve)
 * and gives it a way back (struct dns_reply_ops). The server (dns.c) installs the accept
 * callback and closes what is left at stop. Not for other parts. */
#ifndef CG_DNS_TCP_H
#define CG_DNS_TCP_H

#include <event2/listener.h>

#include "dns_worker.h"

/* The accept callback for a worker's TCP listeners (arg: the struct dns_worker). */
void dns_tcp_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		    int salen, void *arg);

/* Close every connection of w (at stop); answers still being forwarded find theirs
 * closed and are dropped. */
void dns_tcp_close_all(struct dns_worker *w);

#endif
