/* dns_resolve: the DNS per-query path, shared by the UDP side (dns.c) and the TCP side
 * (dns_tcp.c). It answers through the reply's ops and calls neither. Not for other
 * parts. */
#ifndef CG_DNS_RESOLVE_H
#define CG_DNS_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns_worker.h"
#include "policy.h"

/* Answer one client message (UDP datagram or TCP frame) on worker w: parse, rate limit,
 * decide, then answer at once or start forwarding, through to->ops. p may be NULL (no
 * policy yet). */
void dns_resolve(struct dns_worker *w, struct policy *p, const uint8_t *msg, size_t len,
		 const struct cg_addr *client, const struct dns_reply_to *to);

#endif
