/* Forwarding to the upstream resolvers from one worker's event loop: a source socket
 * picked at random per try from a wide pool of random ports renewed every few queries,
 * a random ID, reply checks (ID, source, question), a cap on queries in flight, timeout
 * and retry on the next upstream, TCP retry on TC=1. */
#ifndef CG_DNS_FORWARD_H
#define CG_DNS_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "addr.h"
#include "dns_msg.h"

enum dns_forward_status {
	DNS_FWD_REPLY = 0,      /* reply/len/ri are set */
	DNS_FWD_FAILED = -1,    /* every upstream timed out or failed: answer SERVFAIL */
	DNS_FWD_CANCELLED = -2, /* the worker is shutting down: just free the context */
};

/* Called exactly once per query. reply (writable) and ri are valid during the call only. */
typedef void (*dns_forward_cb)(void *arg, enum dns_forward_status st, uint8_t *reply,
			       size_t len, struct dns_reply_info *ri);

struct dns_forward_stats {
	uint64_t queries, udp_sent, replies, timeouts, tcp_retries, send_errors,
		bad_replies, unmatched, upstream_errors, failures;
	uint64_t socket_errors;   /* no socket for a try (descriptor limit, ...) */
	uint64_t overflows;       /* refused: max_pending queries already in flight */
	size_t pending;           /* UDP tries waiting for a reply */
};

struct dns_forward;
struct dns_health;

/* A forwarder on base using the given upstreams (copied) and per-try timeout. */
struct dns_forward *dns_forward_new(struct event_base *base, const struct cg_endpoint *ups,
				    size_t n_ups, unsigned timeout_ms);
/* New upstreams/timeout (a reload); queries under way finish with their old ones. */
void dns_forward_set_upstreams(struct dns_forward *f, const struct cg_endpoint *ups,
			       size_t n_ups, unsigned timeout_ms);
/* At most max_pending queries in flight (0 = the default, 4096; further ones are
 * refused), and at most socks source sockets per address family (0 = the most, 1024:
 * fewer when descriptors are short). */
void dns_forward_set_limits(struct dns_forward *f, size_t max_pending, unsigned socks);
/* Ask the upstreams name/qtype/qclass (flags: the client's RD/CD; do_bit: DNSSEC OK).
 * 0, or -1 when nothing could be started (no upstream, or max_pending in flight: then
 * stats.overflows counts it); cb is not called then. */
int dns_forward_query(struct dns_forward *f, const char *name, size_t len, uint16_t qtype,
		      uint16_t qclass, uint16_t flags, bool do_bit, dns_forward_cb cb,
		      void *arg);
/* Report every try's outcome to h (shared by the workers; not owned), per upstream. */
void dns_forward_set_health(struct dns_forward *f, struct dns_health *h);
void dns_forward_get_stats(const struct dns_forward *f, struct dns_forward_stats *st);
/* Cancel what is pending (callbacks run with DNS_FWD_CANCELLED) and free. */
void dns_forward_free(struct dns_forward *f);

#endif
