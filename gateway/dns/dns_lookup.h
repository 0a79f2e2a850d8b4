/* dns_lookup: a name's addresses for the explicit HTTP proxy, asked of the [dns]
 * upstreams from the caller's own event loop (a forwarder per loop), with every name
 * that the answers lead to (CNAME/DNAME, SVCB/HTTPS) decided for the requesting client
 * as the DNS proxy decides it (dns_chain), so that a proxied name cannot reach a listed
 * one through a CNAME. The only part of the DNS front end that another front end uses. */
#ifndef CG_DNS_LOOKUP_H
#define CG_DNS_LOOKUP_H

#include <stddef.h>

#include "addr.h"
#include "policy.h"

#define DNS_LOOKUP_MAX_ADDRS 8 /* addresses kept per lookup: A ones first, then AAAA */
#define DNS_LOOKUP_MAX_PENDING 1024 /* upstream queries in flight per loop (two a lookup) */

struct event_base;
struct dns_lookup_base;
struct dns_lookup;

enum dns_lookup_status {
	DNS_LOOKUP_OK,      /* addrs/n_addrs: at least one address */
	DNS_LOOKUP_BLOCKED, /* a name the answer leads to is blocked: v, chain, p */
	DNS_LOOKUP_NONAME,  /* NXDOMAIN, or no address of either family */
	DNS_LOOKUP_FAILED,  /* no upstream answered (SERVFAIL, timeouts, too many lookups in
			       flight), or an answer could not be inspected */
};

struct dns_lookup_result {
	enum dns_lookup_status status;
	struct cg_addr addrs[DNS_LOOKUP_MAX_ADDRS];
	size_t n_addrs;
	struct policy *p;   /* BLOCKED: the snapshot that decided (held during the call) */
	struct verdict v;   /* BLOCKED: the verdict on the blocked name */
	const char *chain;  /* BLOCKED: "CNAME chain asked -> ... -> blocked" */
	const char *error;  /* FAILED, NONAME: what went wrong, for the log */
};

/* Called once per lookup that was not cancelled, always from the loop (never from inside
 * dns_lookup_start). res is valid during the call only; the lookup is gone after it. */
typedef void (*dns_lookup_cb)(void *arg, const struct dns_lookup_result *res);

/* Lookups on base (one loop, one thread), asked of ups (copied; n_ups may be 0: every
 * lookup then fails) with timeout_ms per try, moving on to the next upstream. */
struct dns_lookup_base *dns_lookup_base_new(struct event_base *base,
					    const struct cg_endpoint *ups, size_t n_ups,
					    unsigned timeout_ms);
/* Free; lookups still under way end without their callbacks. */
void dns_lookup_base_free(struct dns_lookup_base *b);

/* Look up the A and AAAA records of req->host (a normalised name, not an address) for
 * req's client. req is the template for deciding the names of the answers' chains: its
 * host is replaced by each name in turn (client, protocol, path and time kept; copied).
 * The result comes to cb as soon as a chain is blocked, else when both answers are in.
 * Returns the lookup (for dns_lookup_cancel) or NULL when the name is too long (cb is
 * not called then). */
struct dns_lookup *dns_lookup_start(struct dns_lookup_base *b, const struct request *req,
				    dns_lookup_cb cb, void *arg);

/* Forget a lookup whose callback has not run: it will not. */
void dns_lookup_cancel(struct dns_lookup *l);

#endif
