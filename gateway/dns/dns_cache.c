/* The DNS answer cache: a keyed hash table (SipHash, random key) with an LRU list. */
#include "dns_cache.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "util.h"

#define DNS_KEY_MAX_LEN 264 /* name (<= 253) + type, class, DO/CD bits */

struct centry {
	struct dns_cache_entry pub;
	struct centry *hnext;          /* bucket chain */
	TAILQ_ENTRY(centry) lru;       /* first = most recent */
	uint64_t hash;
	uint32_t size;                 /* bytes charged */
	uint16_t qtype, qclass;
	uint8_t bits;                  /* DNS_CACHE_DO | DNS_CACHE_CD */
	uint8_t name_len;
	char name[];                   /* then the TTL offsets, then the message */
};

struct dns_cache {
	struct centry **buckets;
	size_t n_buckets;              /* power of two */
	TAILQ_HEAD(centry_lru, centry) lru;
	size_t max_entries, max_bytes;
	struct dns_cache_stats st;
	unsigned char key[crypto_shorthash_KEYBYTES];
};

static uint64_t key_hash(const struct dns_cache *c, const char *name, size_t len,
			 uint16_t qtype, uint16_t qclass, uint8_t bits)
{
	unsigned char buf[DNS_KEY_MAX_LEN];
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	memcpy(buf, name, len);
	buf[len] = (unsigned char)(qtype >> 8);
	buf[len + 1] = (unsigned char)qtype;
	buf[len + 2] = (unsigned char)(qclass >> 8);
	buf[len + 3] = (unsigned char)qclass;
	buf[len + 4] = bits;
	crypto_shorthash(out, buf, len + 5, c->key);
	memcpy(&h, out, sizeof h);
	return h;
}

struct dns_cache *dns_cache_new(size_t max_entries, size_t max_bytes)
{
	struct dns_cache *c = xcalloc(1, sizeof *c);
	c->max_entries = max_entries ? max_entries : 1;
	c->max_bytes = max_bytes ? max_bytes : 1;
	c->n_buckets = 1024;
	c->buckets = xcalloc(c->n_buckets, sizeof *c->buckets);
	TAILQ_INIT(&c->lru);
	randombytes_buf(c->key, sizeof c->key);
	return c;
}

static void entry_remove(struct dns_cache *c, struct centry *e)
{
	struct centry **pp = &c->buckets[e->hash & (c->n_buckets - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	TAILQ_REMOVE(&c->lru, e, lru);
	c->st.entries--;
	c->st.bytes -= e->size;
	free(e);
}

static void evict_to(struct dns_cache *c, size_t entries, size_t bytes)
{
	while (!TAILQ_EMPTY(&c->lru) && (c->st.entries > entries || c->st.bytes > bytes)) {
		entry_remove(c, TAILQ_LAST(&c->lru, centry_lru));
		c->st.evictions++;
	}
}

void dns_cache_set_limits(struct dns_cache *c, size_t max_entries, size_t max_bytes)
{
	c->max_entries = max_entries ? max_entries : 1;
	c->max_bytes = max_bytes ? max_bytes : 1;
	evict_to(c, c->max_entries, c->max_bytes);
}

void dns_cache_free(struct dns_cache *c)
{
	if (!c)
		return;
	struct centry *e;
	while ((e = TAILQ_FIRST(&c->lru))) {
		TAILQ_REMOVE(&c->lru, e, lru);
		free(e);
	}
	free(c->buckets);
	free(c);
}

static struct centry *find(struct dns_cache *c, uint64_t h, const char *name, size_t len,
			   uint16_t qtype, uint16_t qclass, uint8_t bits)
{
	for (struct centry *e = c->buckets[h & (c->n_buckets - 1)]; e; e = e->hnext)
		if (e->hash == h && e->qtype == qtype && e->qclass == qclass &&
		    e->bits == bits && e->name_len == len && memcmp(e->name, name, len) == 0)
			return e;
	return NULL;
}

const struct dns_cache_entry *dns_cache_get(struct dns_cache *c, const char *name,
					    size_t name_len, uint16_t qtype,
					    uint16_t qclass, uint8_t bits, uint32_t now)
{
	if (name_len > DNS_KEY_MAX_LEN - 5) {
		c->st.misses++;
		return NULL;
	}
	uint64_t h = key_hash(c, name, name_len, qtype, qclass, bits);
	struct centry *e = find(c, h, name, name_len, qtype, qclass, bits);
	if (!e) {
		c->st.misses++;
		return NULL;
	}
	if ((int32_t)(now - e->pub.expire_s) >= 0) {
		entry_remove(c, e);
		c->st.expired++;
		c->st.misses++;
		return NULL;
	}
	if (TAILQ_FIRST(&c->lru) != e) {
		TAILQ_REMOVE(&c->lru, e, lru);
		TAILQ_INSERT_HEAD(&c->lru, e, lru);
	}
	c->st.hits++;
	return &e->pub;
}

static void grow(struct dns_cache *c)
{
	size_t nb = c->n_buckets * 2;
	struct centry **b = xcalloc(nb, sizeof *b);
	for (size_t i = 0; i < c->n_buckets; i++) {
		struct centry *e = c->buckets[i];
		while (e) {
			struct centry *n = e->hnext;
			e->hnext = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
			e = n;
		}
	}
	free(c->buckets);
	c->buckets = b;
	c->n_buckets = nb;
}

int dns_cache_put(struct dns_cache *c, const char *name, size_t name_len, uint16_t qtype,
		  uint16_t qclass, uint8_t bits, const uint8_t *msg, size_t len, size_t opt_off,
		  const uint16_t *ttl_offs, size_t n_ttls, uint32_t ttl, bool chain,
		  uint32_t now)
{
	if (ttl == 0)
		return 0;
	if (name_len > DNS_KEY_MAX_LEN - 5 || len > UINT16_MAX || n_ttls > UINT16_MAX)
		return -1;
	size_t name_pad = (name_len + 2) & ~(size_t)1; /* keep the offsets 2-aligned */
	size_t size = sizeof(struct centry) + name_pad + n_ttls * sizeof(uint16_t) + len;
	if (size > c->max_bytes)
		return -1;
	uint64_t h = key_hash(c, name, name_len, qtype, qclass, bits);
	struct centry *old = find(c, h, name, name_len, qtype, qclass, bits);
	if (old)
		entry_remove(c, old);
	evict_to(c, c->max_entries - 1, c->max_bytes - size);
	struct centry *e = xmalloc(size);
	memset(e, 0, sizeof *e);
	e->hash = h;
	e->size = (uint32_t)size;
	e->qtype = qtype;
	e->qclass = qclass;
	e->bits = bits;
	e->name_len = (uint8_t)name_len;
	memcpy(e->name, name, name_len);
	e->name[name_len] = '\0';
	uint16_t *offs = (uint16_t *)(void *)(e->name + name_pad);
	if (n_ttls)
		memcpy(offs, ttl_offs, n_ttls * sizeof(uint16_t));
	uint8_t *m = (uint8_t *)(offs + n_ttls);
	memcpy(m, msg, len);
	e->pub.msg = m;
	e->pub.len = (uint16_t)len;
	e->pub.opt_off = (uint16_t)(opt_off < len ? opt_off : 0);
	e->pub.ttl_offs = offs;
	e->pub.n_ttls = (uint16_t)n_ttls;
	e->pub.stored_s = now;
	e->pub.expire_s = now + ttl;
	e->pub.chain = chain;
	size_t b = h & (c->n_buckets - 1);
	e->hnext = c->buckets[b];
	c->buckets[b] = e;
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	c->st.entries++;
	c->st.bytes += size;
	c->st.inserts++;
	if (c->st.entries > c->n_buckets && c->n_buckets < (1u << 24))
		grow(c);
	return 0;
}

void dns_cache_get_stats(const struct dns_cache *c, struct dns_cache_stats *st)
{
	*st = c->st;
}
