/* Literal scanning by trigrams: one bit test per text position in a small bitmap, and a
 * hash lookup plus a compare only where some literal starts with those three bytes. */
#include "litscan.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct ls_lit {
	uint32_t gram; /* the first three bytes, lowercased */
	uint32_t off;  /* into bytes */
	uint32_t len;
	uint32_t id;
};

/* The literals starting with one trigram: lits[first .. first + count). */
struct ls_bucket {
	uint32_t gram;
	uint32_t first;
	uint32_t count; /* 0 = empty slot */
};

struct litscan_builder {
	struct sbuf bytes;
	struct ls_lit *lits;
	size_t n, cap;
};

struct litscan {
	uint64_t *bitmap;        /* bit (hash of a trigram) & bitmask */
	uint32_t bitmask;
	struct ls_bucket *buckets;
	uint32_t bucketmask;
	struct ls_lit *lits;     /* sorted by gram, then the order added */
	size_t n;
	unsigned char *bytes;
	size_t nbytes;
};

static const unsigned char ls_lower[256] = {
#define L4(c) (c), (c) + 1, (c) + 2, (c) + 3
#define L16(c) L4(c), L4((c) + 4), L4((c) + 8), L4((c) + 12)
	L16(0x00), L16(0x10), L16(0x20), L16(0x30),
	0x40, L4(0x61), L4(0x65), L4(0x69), L4(0x6d), L4(0x71), L4(0x75), 0x79, 0x7a,
	0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	L16(0x60), L16(0x70), L16(0x80), L16(0x90), L16(0xa0), L16(0xb0), L16(0xc0),
	L16(0xd0), L16(0xe0), L16(0xf0),
#undef L16
#undef L4
};

static inline uint32_t ls_gram(const unsigned char *p)
{
	return (uint32_t)ls_lower[p[0]] | (uint32_t)ls_lower[p[1]] << 8 |
	       (uint32_t)ls_lower[p[2]] << 16;
}

static inline uint32_t ls_hash(uint32_t gram)
{
	return (gram * 0x9e3779b1u) >> 8;
}

struct litscan_builder *litscan_builder_new(void)
{
	struct litscan_builder *b = xcalloc(1, sizeof(*b));

	sbuf_init(&b->bytes);
	return b;
}

int litscan_add(struct litscan_builder *b, const unsigned char *s, size_t len, uint32_t id)
{
	if (!b || !s || len < LITSCAN_MIN || len > UINT32_MAX ||
	    b->bytes.len + len > UINT32_MAX || b->n >= UINT32_MAX)
		return -1;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->lits = xrealloc(b->lits, b->cap * sizeof(*b->lits));
	}
	struct ls_lit *l = &b->lits[b->n++];
	l->off = (uint32_t)b->bytes.len;
	l->len = (uint32_t)len;
	l->id = id;
	for (size_t i = 0; i < len; i++)
		sbuf_addc(&b->bytes, (char)ls_lower[s[i]]);
	l->gram = ls_gram((const unsigned char *)b->bytes.data + l->off);
	return 0;
}

void litscan_builder_free(struct litscan_builder *b)
{
	if (!b)
		return;
	sbuf_free(&b->bytes);
	free(b->lits);
	free(b);
}

static int ls_lit_cmp(const void *pa, const void *pb)
{
	const struct ls_lit *a = pa, *b = pb;

	if (a->gram != b->gram)
		return a->gram < b->gram ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off; /* offsets grow in the order added */
}

struct litscan *litscan_build(struct litscan_builder *b)
{
	struct litscan *ls;
	size_t ngrams = 0, nbits = 1u << 15, nbuckets = 16;

	if (!b || b->n == 0) {
		litscan_builder_free(b);
		return NULL;
	}
	ls = xcalloc(1, sizeof(*ls));
	qsort(b->lits, b->n, sizeof(*b->lits), ls_lit_cmp);
	for (size_t i = 0; i < b->n; i++)
		ngrams += i == 0 || b->lits[i].gram != b->lits[i - 1].gram;
	/* About 1 bit in 16 set, so most positions of a text stop at the bitmap. */
	while (nbits < ngrams * 16 && nbits < (1u << 22))
		nbits <<= 1;
	while (nbuckets < ngrams * 2)
		nbuckets <<= 1;
	ls->bitmap = xcalloc(nbits / 64, sizeof(uint64_t));
	ls->bitmask = (uint32_t)(nbits - 1);
	ls->buckets = xcalloc(nbuckets, sizeof(*ls->buckets));
	ls->bucketmask = (uint32_t)(nbuckets - 1);
	for (size_t i = 0; i < b->n;) {
		size_t j = i + 1;
		while (j < b->n && b->lits[j].gram == b->lits[i].gram)
			j++;
		uint32_t g = b->lits[i].gram, h = ls_hash(g);
		ls->bitmap[(h & ls->bitmask) >> 6] |= 1ULL << (h & 63);
		uint32_t k = h & ls->bucketmask;
		while (ls->buckets[k].count)
			k = (k + 1) & ls->bucketmask;
		ls->buckets[k].gram = g;
		ls->buckets[k].first = (uint32_t)i;
		ls->buckets[k].count = (uint32_t)(j - i);
		i = j;
	}
	ls->lits = b->lits;
	ls->n = b->n;
	ls->nbytes = b->bytes.len;
	ls->bytes = (unsigned char *)sbuf_take(&b->bytes);
	free(b);
	return ls;
}

static const struct ls_bucket *ls_bucket_find(const struct litscan *ls, uint32_t gram,
					      uint32_t h)
{
	for (uint32_t k = h & ls->bucketmask;; k = (k + 1) & ls->bucketmask) {
		const struct ls_bucket *bk = &ls->buckets[k];
		if (bk->count == 0)
			return NULL;
		if (bk->gram == gram)
			return bk;
	}
}

void litscan_scan(const struct litscan *ls, const unsigned char *text, size_t len,
		  litscan_hit_fn hit, void *arg)
{
	if (!ls || len < LITSCAN_MIN)
		return;
	for (size_t i = 0; i + LITSCAN_MIN <= len; i++) {
		uint32_t g = ls_gram(text + i), h = ls_hash(g);
		if (!(ls->bitmap[(h & ls->bitmask) >> 6] & (1ULL << (h & 63))))
			continue;
		const struct ls_bucket *bk = ls_bucket_find(ls, g, h);
		if (!bk)
			continue;
		for (uint32_t k = bk->first; k < bk->first + bk->count; k++) {
			const struct ls_lit *l = &ls->lits[k];
			if (l->len > len - i)
				continue;
			const unsigned char *lit = ls->bytes + l->off;
			uint32_t m = LITSCAN_MIN;
			while (m < l->len && ls_lower[text[i + m]] == lit[m])
				m++;
			if (m == l->len)
				hit(arg, l->id);
		}
	}
}

size_t litscan_count(const struct litscan *ls)
{
	return ls ? ls->n : 0;
}

size_t litscan_bytes(const struct litscan *ls)
{
	if (!ls)
		return 0;
	return sizeof(*ls) + ((size_t)ls->bitmask + 1) / 8 +
	       ((size_t)ls->bucketmask + 1) * sizeof(*ls->buckets) + ls->n * sizeof(*ls->lits) +
	       ls->nbytes;
}

void litscan_free(struct litscan *ls)
{
	if (!ls)
		return;
	free(ls->bitmap);
	free(ls->buckets);
	free(ls->lits);
	free(ls->bytes);
	free(ls);
}
