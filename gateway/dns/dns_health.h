/* dns_health: how each upstream resolver has been answering, shared by every worker's
 * forwarder. A failing upstream is logged at once (at most once a minute each), its
 * recovery too, and `campusgate status` shows the table. */
#ifndef CG_DNS_HEALTH_H
#define CG_DNS_HEALTH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "addr.h"
#include "util.h"

#define DNS_HEALTH_MAX 32        /* upstreams remembered (a reload may name new ones) */
#define DNS_HEALTH_DOWN_AFTER 3  /* failed tries in a row before an upstream counts as down */
#define DNS_HEALTH_WARN_EVERY 60 /* seconds between two warnings about one upstream */

enum dns_health_fail { DNS_HEALTH_TIMEOUT, DNS_HEALTH_ERROR, DNS_HEALTH_SEND };

/* One upstream. Counters are relaxed atomics: written by the workers, read by status. */
struct dns_upstream_health {
	char name[64];                      /* "192.0.2.53:53" */
	atomic_ullong answered, timeouts, errors;
	atomic_uint fails_in_row;
	atomic_llong last_answer, last_failure, last_warned;  /* unix seconds; 0 = never */
};

struct dns_health {
	pthread_mutex_t lock;               /* guards n (adding a slot) */
	size_t n;
	struct dns_upstream_health up[DNS_HEALTH_MAX];
};

void dns_health_init(struct dns_health *h);
void dns_health_destroy(struct dns_health *h);

/* The slot of endpoint ep (made on first use), or NULL when the table is full. */
struct dns_upstream_health *dns_health_slot(struct dns_health *h, const struct cg_endpoint *ep);

/* An upstream answered (any RCODE it is not blamed for); logs its recovery when it was
 * down. u may be NULL. */
void dns_health_answered(struct dns_upstream_health *u, time_t now);

/* A try failed: no answer within timeout_ms, an error answer (SERVFAIL, REFUSED, ...),
 * or the query could not be sent. Logs a warning now and then. u may be NULL. */
void dns_health_failed(struct dns_upstream_health *u, enum dns_health_fail why,
		       unsigned timeout_ms, time_t now);

/* Whether u counts as down (DNS_HEALTH_DOWN_AFTER failures in a row). */
bool dns_health_down(const struct dns_upstream_health *u);

/* One "upstream NAME STATE answered N timeouts N errors N last_answer_s S" line per
 * upstream named in ups (in their order), for the control socket's status. */
void dns_health_status(struct dns_health *h, const struct cg_endpoint *ups, size_t n_ups,
		       time_t now, struct sbuf *out);

#endif
