/* Host -> path-prefix rules: a hash of hosts, each owning a sorted run of path prefixes;
 * lookup walks the host's suffixes, then finds the longest prefix by binary search. */
#include "urlset.h"

#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "namehash.h"
#include "util.h"

#define URL_MAX_CATEGORY 32u
#define URL_MAX_PATH 65535u

struct url_rule {
	uint32_t host_off;  /* into text */
	uint32_t path_off;  /* into text */
	uint32_t seq;       /* add order, to keep the first of equal rules first */
	uint32_t line;
	uint16_t path_len;
	uint16_t file_id;
	uint8_t host_len;
	uint8_t category;
};

/* One distinct host and its run of rules, sorted by path. */
struct url_host {
	uint32_t first, count;
};

struct urlset_builder {
	struct sbuf text;
	struct url_rule *rules;
	size_t n, cap;
};

struct urlset {
	char *text;
	size_t text_len;
	struct url_rule *rules; /* sorted by host, then path, then seq */
	size_t n;
	struct url_host *hosts;
	size_t nhosts;
	uint32_t *table;        /* host index + 1, 0 = empty */
	size_t nslots;
};

struct urlset_builder *urlset_builder_new(void)
{
	struct urlset_builder *b = xcalloc(1, sizeof(*b));

	sbuf_init(&b->text);
	return b;
}

int urlset_add(struct urlset_builder *b, const char *host, size_t host_len,
	       const char *path, size_t path_len, unsigned category, uint16_t file_id,
	       uint32_t line)
{
	struct url_rule *r;

	if (!b || !host || !path || host_len == 0 || host_len > NAME_MAX_LEN || path_len == 0 ||
	    path_len > URL_MAX_PATH || path[0] != '/' || category >= URL_MAX_CATEGORY)
		return -1;
	if (b->n >= UINT32_MAX - 1 || b->text.len + host_len + path_len >= UINT32_MAX)
		return -1;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->rules = xrealloc(b->rules, b->cap * sizeof(*b->rules));
	}
	r = &b->rules[b->n];
	r->host_off = (uint32_t)b->text.len;
	r->host_len = (uint8_t)host_len;
	sbuf_add(&b->text, host, host_len);
	r->path_off = (uint32_t)b->text.len;
	r->path_len = (uint16_t)path_len;
	sbuf_add(&b->text, path, path_len);
	r->seq = (uint32_t)b->n;
	r->category = (uint8_t)category;
	r->file_id = file_id;
	r->line = line;
	b->n++;
	return 0;
}

/* Bytewise order of two strings, shorter first on a common prefix. */
static int url_strcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int url_rule_cmp(const void *pa, const void *pb, void *text)
{
	const struct url_rule *a = pa, *b = pb;
	const char *t = text;
	int c = url_strcmp(t + a->host_off, a->host_len, t + b->host_off, b->host_len);

	if (c)
		return c;
	c = url_strcmp(t + a->path_off, a->path_len, t + b->path_off, b->path_len);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static long url_find_host(const struct urlset *s, const char *host, size_t len, uint64_t h)
{
	size_t mask = s->nslots - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint32_t v = s->table[i];
		if (v == 0)
			return -1;
		const struct url_rule *r = &s->rules[s->hosts[v - 1].first];
		if (r->host_len == len && memcmp(s->text + r->host_off, host, len) == 0)
			return (long)(v - 1);
	}
}

struct urlset *urlset_build(struct urlset_builder *b)
{
	struct urlset *s;

	if (!b)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->text_len = b->text.len;
	s->text = sbuf_take(&b->text);
	s->rules = b->rules;
	s->n = b->n;
	free(b);
	if (s->n == 0)
		return s;
	qsort_r(s->rules, s->n, sizeof(*s->rules), url_rule_cmp, s->text);

	s->hosts = xmalloc(s->n * sizeof(*s->hosts));
	for (size_t i = 0; i < s->n; i++) {
		const struct url_rule *r = &s->rules[i], *p = i ? &s->rules[i - 1] : NULL;
		if (p && p->host_len == r->host_len &&
		    memcmp(s->text + p->host_off, s->text + r->host_off, r->host_len) == 0) {
			s->hosts[s->nhosts - 1].count++;
			continue;
		}
		s->hosts[s->nhosts].first = (uint32_t)i;
		s->hosts[s->nhosts].count = 1;
		s->nhosts++;
	}
	s->hosts = xrealloc(s->hosts, s->nhosts * sizeof(*s->hosts));
	s->nslots = 16;
	while (s->nslots < s->nhosts * 2)
		s->nslots *= 2;
	s->table = xcalloc(s->nslots, sizeof(uint32_t));
	for (size_t hix = 0; hix < s->nhosts; hix++) {
		const struct url_rule *r = &s->rules[s->hosts[hix].first];
		uint64_t h = namehash(s->text + r->host_off, r->host_len);
		size_t i = h & (s->nslots - 1);
		while (s->table[i])
			i = (i + 1) & (s->nslots - 1);
		s->table[i] = (uint32_t)hix + 1;
	}
	return s;
}

void urlset_builder_free(struct urlset_builder *b)
{
	if (!b)
		return;
	sbuf_free(&b->text);
	free(b->rules);
	free(b);
}

/* The first rule of the host's run whose path compares greater than p[0..plen). */
static size_t url_upper_bound(const struct urlset *s, const struct url_host *h, const char *p,
			      size_t plen)
{
	size_t lo = h->first, hi = (size_t)h->first + h->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct url_rule *r = &s->rules[mid];
		if (url_strcmp(s->text + r->path_off, r->path_len, p, plen) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The longest path prefix of p among the host's rules with a category in mask. The rules
 * are sorted, so the greatest rule R <= p is either a prefix of p (the longest one), or
 * every prefix of p in the set is no longer than the common prefix of R and p: search
 * again with p cut there. Each round makes p strictly shorter.
 */
static const struct url_rule *url_longest_prefix(const struct urlset *s,
						 const struct url_host *h, const char *p,
						 size_t plen, uint32_t mask)
{
	while (plen > 0) {
		size_t j = url_upper_bound(s, h, p, plen);
		if (j == h->first)
			return NULL;
		const struct url_rule *r = &s->rules[j - 1];
		const char *rp = s->text + r->path_off;
		size_t l = 0;
		while (l < r->path_len && l < plen && rp[l] == p[l])
			l++;
		if (l < r->path_len) {
			plen = l;
			continue;
		}
		/* r's path is a prefix of p: the equal rules before it are in add order. */
		size_t k = j - 1;
		while (k > h->first && s->rules[k - 1].path_len == r->path_len &&
		       memcmp(s->text + s->rules[k - 1].path_off, rp, r->path_len) == 0)
			k--;
		for (; k < j; k++)
			if (mask & (1u << s->rules[k].category))
				return &s->rules[k];
		plen = r->path_len - 1;
	}
	return NULL;
}

bool urlset_lookup(const struct urlset *s, const char *host, size_t host_len,
		   const char *path, size_t path_len, uint32_t mask, struct url_match *m)
{
	uint64_t hash[NAMEHASH_MAX_LABELS];
	uint16_t start[NAMEHASH_MAX_LABELS];
	size_t n;

	if (!s || s->nhosts == 0 || !host || host_len == 0 || host_len > NAME_MAX_LEN || !path ||
	    path_len == 0 || mask == 0)
		return false;
	n = namehash_suffixes(host, host_len, hash, start);
	for (size_t k = n; k-- > 0;) {
		long hix = url_find_host(s, host + start[k], host_len - start[k], hash[k]);
		if (hix < 0)
			continue;
		const struct url_rule *r = url_longest_prefix(s, &s->hosts[hix], path, path_len,
							      mask);
		if (!r)
			continue;
		m->host = s->text + r->host_off;
		m->host_len = r->host_len;
		m->path = s->text + r->path_off;
		m->path_len = r->path_len;
		m->category = r->category;
		m->file_id = r->file_id;
		m->line = r->line;
		return true;
	}
	return false;
}

size_t urlset_count(const struct urlset *s)
{
	return s ? s->n : 0;
}

size_t urlset_bytes(const struct urlset *s)
{
	if (!s)
		return 0;
	return sizeof(*s) + s->text_len + 1 + s->n * sizeof(*s->rules) +
	       s->nhosts * sizeof(*s->hosts) + s->nslots * sizeof(uint32_t);
}

void urlset_free(struct urlset *s)
{
	if (!s)
		return;
	free(s->text);
	free(s->rules);
	free(s->hosts);
	free(s->table);
	free(s);
}
