/* throttle: token buckets per key for the console's login rate limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle.h"
#include "util.h"

void throttle_init(struct throttle *t, size_t max, unsigned burst, uint64_t refill_ms)
{
	t->max = max ? max : 1;
	t->b = xcalloc(t->max, sizeof *t->b);
	t->n = 0;
	t->burst = burst;
	t->refill_ms = refill_ms ? refill_ms : 1;
}

void throttle_free(struct throttle *t)
{
	free(t->b);
	t->b = NULL;
	t->n = t->max = 0;
}

static void refill(struct throttle *t, struct throttle_bucket *b, uint64_t now)
{
	if (now > b->last_ms) {
		b->tokens += (double)(now - b->last_ms) / (double)t->refill_ms;
		if (b->tokens > t->burst)
			b->tokens = t->burst;
	}
	b->last_ms = now;
}

/* The bucket of key, refilled to now; a new one when create (reusing a full one when
 * the table is full); NULL when there is none (or no room). */
static struct throttle_bucket *bucket(struct throttle *t, const char *key, uint64_t now,
				      bool create)
{
	char k[THROTTLE_KEY_MAX + 1];
	snprintf(k, sizeof k, "%s", key);
	struct throttle_bucket *free_b = NULL;
	for (size_t i = 0; i < t->n; i++) {
		refill(t, &t->b[i], now);
		if (strcmp(t->b[i].key, k) == 0)
			return &t->b[i];
		if (!free_b && t->b[i].tokens >= t->burst)
			free_b = &t->b[i];
	}
	if (!create)
		return NULL;
	if (t->n < t->max)
		free_b = &t->b[t->n++];
	if (!free_b)
		return NULL;
	memcpy(free_b->key, k, sizeof k);
	free_b->tokens = t->burst;
	free_b->last_ms = now;
	return free_b;
}

bool throttle_allow(struct throttle *t, const char *key, uint64_t now_ms)
{
	struct throttle_bucket *b = bucket(t, key, now_ms, false);
	if (b)
		return b->tokens >= 1.0;
	/* No bucket: room for one? (a full table with no full bucket fails closed) */
	if (t->n < t->max)
		return true;
	for (size_t i = 0; i < t->n; i++)
		if (t->b[i].tokens >= t->burst)
			return true;
	return false;
}

void throttle_charge(struct throttle *t, const char *key, uint64_t now_ms)
{
	struct throttle_bucket *b = bucket(t, key, now_ms, true);
	if (b && b->tokens >= 1.0)
		b->tokens -= 1.0;
	else if (b)
		b->tokens = 0;
}
