/* Connection counting, overall and per client address, shared by all worker threads. */
#ifndef CG_CONNLIMIT_H
#define CG_CONNLIMIT_H

#include <stdbool.h>

#include "addr.h"

struct connlimit;

struct connlimit *connlimit_new(void);
void connlimit_free(struct connlimit *cl);

/* Count one more connection from a unless that passes max_total or max_per_client
 * (0 = no limit; a client is addr_client_key(a): an IPv6 client is its /64). true when it was counted (release it later), false when refused. */
bool connlimit_acquire(struct connlimit *cl, const struct cg_addr *a, unsigned max_total,
		       unsigned max_per_client);
void connlimit_release(struct connlimit *cl, const struct cg_addr *a);

/* The process's one counter, so that the caps hold for the HTTP and TLS front ends
 * together (per client and overall), not for each on its own. Created by the first
 * caller; every caller gives it back with connlimit_shared_put, the last one frees it. */
struct connlimit *connlimit_shared(void);
void connlimit_shared_put(struct connlimit *cl);

/* Connections counted now (for tests and stats). */
unsigned connlimit_total(struct connlimit *cl);

#endif
