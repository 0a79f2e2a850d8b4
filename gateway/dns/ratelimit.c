/* Per-client token buckets in a bounded, lock-striped table. */
#include "ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define RL_STRIPES 64
#define RL_PROBE 8                       /* slots looked at per client */
#define RL_REPORT_NS (60ull * 1000000000ull) /* report a client at most once a minute */

struct rl_slot {
	struct cg_addr addr;
	bool used;
	double tokens;
	uint64_t last_ns;
	uint64_t report_ns;
};

struct rl_stripe {
	pthread_mutex_t lock;
	struct rl_slot *slots;
	size_t n;
};

struct ratelimit {
	_Atomic unsigned qps, burst;
	struct rl_stripe stripes[RL_STRIPES];
	unsigned char key[crypto_shorthash_KEYBYTES];
};

struct ratelimit *ratelimit_new(unsigned qps, unsigned burst, size_t max_clients)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);
	size_t per = max_clients / RL_STRIPES;
	if (per < RL_PROBE)
		per = RL_PROBE;
	for (size_t i = 0; i < RL_STRIPES; i++) {
		pthread_mutex_init(&rl->stripes[i].lock, NULL);
		rl->stripes[i].slots = xcalloc(per, sizeof(struct rl_slot));
		rl->stripes[i].n = per;
	}
	randombytes_buf(rl->key, sizeof rl->key);
	ratelimit_set(rl, qps, burst);
	return rl;
}

void ratelimit_set(struct ratelimit *rl, unsigned qps, unsigned burst)
{
	atomic_store(&rl->qps, qps);
	atomic_store(&rl->burst, burst ? burst : qps);
}

static bool addr_eq(const struct cg_addr *a, const struct cg_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16) == 0;
}

enum ratelimit_result ratelimit_check(struct ratelimit *rl, const struct cg_addr *addr,
				      uint64_t now_ns)
{
	unsigned qps = atomic_load(&rl->qps), burst = atomic_load(&rl->burst);
	if (qps == 0)
		return RATELIMIT_PASS;
	struct cg_addr key, *client = &key;
	addr_client_key(addr, &key); /* an IPv6 client is its /64 */
	unsigned char h[crypto_shorthash_BYTES];
	size_t alen = client->family == AF_INET ? 4 : 16;
	crypto_shorthash(h, client->a, alen, rl->key);
	uint64_t hv;
	memcpy(&hv, h, sizeof hv);
	struct rl_stripe *s = &rl->stripes[hv % RL_STRIPES];
	size_t base = (size_t)(hv / RL_STRIPES) % s->n;
	enum ratelimit_result res = RATELIMIT_PASS;

	pthread_mutex_lock(&s->lock);
	struct rl_slot *slot = NULL, *victim = NULL;
	for (size_t i = 0; i < RL_PROBE; i++) {
		struct rl_slot *t = &s->slots[(base + i) % s->n];
		if (t->used && addr_eq(&t->addr, client)) {
			slot = t;
			break;
		}
		if (!victim || !t->used || (victim->used && t->last_ns < victim->last_ns))
			victim = t;
	}
	if (!slot) {
		/* A new client (or one forgotten): a full bucket. */
		slot = victim;
		memset(slot, 0, sizeof *slot);
		slot->used = true;
		slot->addr = *client;
		slot->tokens = burst;
		slot->last_ns = now_ns;
	}
	if (now_ns > slot->last_ns) {
		slot->tokens += (double)(now_ns - slot->last_ns) * qps / 1e9;
		if (slot->tokens > burst)
			slot->tokens = burst;
		slot->last_ns = now_ns;
	}
	if (slot->tokens >= 1.0) {
		slot->tokens -= 1.0;
	} else if (slot->report_ns == 0 || now_ns - slot->report_ns >= RL_REPORT_NS) {
		slot->report_ns = now_ns ? now_ns : 1;
		res = RATELIMIT_LIMITED_REPORT;
	} else {
		res = RATELIMIT_LIMITED;
	}
	pthread_mutex_unlock(&s->lock);
	return res;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	for (size_t i = 0; i < RL_STRIPES; i++) {
		pthread_mutex_destroy(&rl->stripes[i].lock);
		free(rl->stripes[i].slots);
	}
	free(rl);
}
