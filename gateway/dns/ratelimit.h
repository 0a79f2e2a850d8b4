/* Per-client token buckets (queries per second with a burst), shared by all worker
 * threads: a bounded table in lock stripes. */
#ifndef CG_RATELIMIT_H
#define CG_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum ratelimit_result {
	RATELIMIT_PASS,
	RATELIMIT_LIMITED,        /* over the limit */
	RATELIMIT_LIMITED_REPORT, /* over the limit, and the first time this minute */
};

struct ratelimit;

/* A limiter of qps per client with a bucket of burst (0 = qps) tokens, tracking at most
 * max_clients clients (the least recently seen are forgotten first). qps 0 = off. */
struct ratelimit *ratelimit_new(unsigned qps, unsigned burst, size_t max_clients);
/* Change the limits (a reload); buckets are kept. Safe while others call check. */
void ratelimit_set(struct ratelimit *rl, unsigned qps, unsigned burst);
/* Take one token for client at monotonic time now_ns. Thread-safe. */
enum ratelimit_result ratelimit_check(struct ratelimit *rl, const struct cg_addr *client,
				      uint64_t now_ns);
void ratelimit_free(struct ratelimit *rl);

#endif
