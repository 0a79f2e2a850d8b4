/* throttle: login rate limits, a token bucket per key (a client address, an account
 * name) in a bounded table. A failed login takes a token; no token, no try. Callers pass
 * the time (monotonic milliseconds). */
#ifndef CG_THROTTLE_H
#define CG_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define THROTTLE_KEY_MAX 63

struct throttle_bucket {
	char key[THROTTLE_KEY_MAX + 1];
	double tokens;
	uint64_t last_ms;
};

struct throttle {
	struct throttle_bucket *b;
	size_t n, max;
	double burst;
	uint64_t refill_ms; /* one token back per refill_ms */
};

/* At most max keys, each with burst tries, one more every refill_ms. */
void throttle_init(struct throttle *t, size_t max, unsigned burst, uint64_t refill_ms);
void throttle_free(struct throttle *t);

/* May key try now? (a token is left). A key the table has no room for may not: a full
 * table fails closed, except that a bucket back to full is forgotten to make room. */
bool throttle_allow(struct throttle *t, const char *key, uint64_t now_ms);
/* Take a token from key (a failed try). */
void throttle_charge(struct throttle *t, const char *key, uint64_t now_ms);

#endif
