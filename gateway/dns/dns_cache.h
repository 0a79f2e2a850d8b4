/* The DNS answer cache: bounded in entries and bytes, keyed by (name, type, class, DO, CD),
 * honouring TTLs and RFC 2308 negative TTLs. One per worker thread: not thread-safe. */
#ifndef CG_DNS_CACHE_H
#define CG_DNS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A stored reply: the upstream's message without its OPT record, with the offsets of
 * every TTL field so that they can be decremented on the way out. */
struct dns_cache_entry {  /* 32 bytes: it is in every one of up to ~10^5 entries */
	const uint8_t *msg;
	const uint16_t *ttl_offs;
	uint16_t len;
	uint16_t opt_off;   /* the reduced OPT with the upstream's EDE options, 0 = none */
	uint16_t n_ttls;
	bool chain;         /* has CNAME/SVCB names that need inspection per client */
	uint32_t stored_s;  /* monotonic seconds when stored */
	uint32_t expire_s;  /* monotonic seconds when it stops being served */
};

/* The query bits that are part of the key. CD is there because an upstream that
 * validates answers a CD=1 query with data it would refuse (SERVFAIL) with CD=0: serving
 * that answer to a CD=0 client would skip its validation (RFC 4035 3.2.2). */
#define DNS_CACHE_DO 0x01 /* DNSSEC OK */
#define DNS_CACHE_CD 0x02 /* checking disabled */

struct dns_cache_stats {
	uint64_t hits, misses, inserts, evictions, expired;
	size_t entries, bytes;
};

struct dns_cache;

/* A cache holding at most max_entries replies and max_bytes bytes (both > 0). */
struct dns_cache *dns_cache_new(size_t max_entries, size_t max_bytes);
void dns_cache_free(struct dns_cache *c);
/* New limits (a reload); evicts down to them at once. */
void dns_cache_set_limits(struct dns_cache *c, size_t max_entries, size_t max_bytes);

/* The live entry for the key (bits: DNS_CACHE_DO/CD of the query) at monotonic second
 * now, or NULL (absent or expired; expired entries are removed). The entry stays valid
 * until the next put/set_limits. */
const struct dns_cache_entry *dns_cache_get(struct dns_cache *c, const char *name,
					    size_t name_len, uint16_t qtype,
					    uint16_t qclass, uint8_t bits, uint32_t now);

/* Store a copy of msg (at most 65535 bytes, n_ttls at most 65535) for ttl seconds (ttl 0
 * stores nothing). Replaces an older entry
 * for the key, evicts the least recently used ones to stay within limits. 0 or -1
 * (the entry alone is larger than the byte limit). */
int dns_cache_put(struct dns_cache *c, const char *name, size_t name_len, uint16_t qtype,
		  uint16_t qclass, uint8_t bits, const uint8_t *msg, size_t len, size_t opt_off,
		  const uint16_t *ttl_offs, size_t n_ttls, uint32_t ttl, bool chain,
		  uint32_t now);

void dns_cache_get_stats(const struct dns_cache *c, struct dns_cache_stats *st);

#endif
