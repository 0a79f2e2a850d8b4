/* Connection counting overall and per client, behind one mutex (taken at accept and close);
 * one process-wide counter shared by the HTTP and TLS front ends. */
#include "connlimit.h"

#include <pthread.h>
#include <sys/socket.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CL_BUCKETS 4096

struct cl_node {
	struct cg_addr addr;
	unsigned count;
	struct cl_node *next;
};

struct connlimit {
	pthread_mutex_t lock;
	unsigned total;
	struct cl_node *bucket[CL_BUCKETS];
};

struct connlimit *connlimit_new(void)
{
	struct connlimit *cl = xcalloc(1, sizeof(*cl));
	pthread_mutex_init(&cl->lock, NULL);
	return cl;
}

void connlimit_free(struct connlimit *cl)
{
	if (!cl)
		return;
	for (size_t i = 0; i < CL_BUCKETS; i++) {
		struct cl_node *n = cl->bucket[i], *next;
		for (; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	pthread_mutex_destroy(&cl->lock);
	free(cl);
}

static size_t addr_hash(const struct cg_addr *a)
{
	uint32_t h = 2166136261u ^ a->family;
	size_t n = a->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ a->a[i]) * 16777619u;
	return h % CL_BUCKETS;
}

static bool addr_same(const struct cg_addr *x, const struct cg_addr *y)
{
	size_t n = x->family == AF_INET ? 4 : 16;
	return x->family == y->family && memcmp(x->a, y->a, n) == 0;
}

bool connlimit_acquire(struct connlimit *cl, const struct cg_addr *addr, unsigned max_total,
		       unsigned max_per_client)
{
	bool ok = false;
	struct cg_addr key, *a = &key;
	addr_client_key(addr, &key);
	size_t h = addr_hash(a);
	pthread_mutex_lock(&cl->lock);
	struct cl_node *n = cl->bucket[h];
	while (n && !addr_same(&n->addr, a))
		n = n->next;
	if (max_total && cl->total >= max_total)
		goto out;
	if (max_per_client && n && n->count >= max_per_client)
		goto out;
	if (!n) {
		n = xcalloc(1, sizeof(*n));
		n->addr = *a;
		n->next = cl->bucket[h];
		cl->bucket[h] = n;
	}
	n->count++;
	cl->total++;
	ok = true;
out:
	pthread_mutex_unlock(&cl->lock);
	return ok;
}

void connlimit_release(struct connlimit *cl, const struct cg_addr *addr)
{
	struct cg_addr key, *a = &key;
	addr_client_key(addr, &key);
	size_t h = addr_hash(a);
	pthread_mutex_lock(&cl->lock);
	struct cl_node **pp = &cl->bucket[h];
	while (*pp && !addr_same(&(*pp)->addr, a))
		pp = &(*pp)->next;
	if (*pp) {
		struct cl_node *n = *pp;
		if (--n->count == 0) {
			*pp = n->next;
			free(n);
		}
		cl->total--;
	}
	pthread_mutex_unlock(&cl->lock);
}

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static struct connlimit *shared; /* guarded by shared_lock */
static unsigned shared_users;

struct connlimit *connlimit_shared(void)
{
	pthread_mutex_lock(&shared_lock);
	if (!shared)
		shared = connlimit_new();
	shared_users++;
	struct connlimit *cl = shared;
	pthread_mutex_unlock(&shared_lock);
	return cl;
}

void connlimit_shared_put(struct connlimit *cl)
{
	if (!cl)
		return;
	pthread_mutex_lock(&shared_lock);
	if (cl == shared && --shared_users == 0) {
		connlimit_free(shared);
		shared = NULL;
	}
	pthread_mutex_unlock(&shared_lock);
}

unsigned connlimit_total(struct connlimit *cl)
{
	pthread_mutex_lock(&cl->lock);
	unsigned t = cl->total;
	pthread_mutex_unlock(&cl->lock);
	return t;
}
