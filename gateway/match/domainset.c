/* A compact domain-name set: names packed in one blob, an open-addressing table of blob
 * offsets with a parallel array of 8-bit hash tags, provenance packed next to each name. */
#include "domainset.h"

#include <stdlib.h>
#include <string.h>

#include "bigbuf.h"
#include "name.h"
#include "namehash.h"
#include "util.h"

/*
 * Memory layout (see docs/matching.md):
 *   blob:   per entry [len u8][name bytes][category u8][flags u8][file_id u16][line u32],
 *           entries back to back; an entry is known by its offset in the blob
 *   tags:   u8 per slot of an open-addressing table (a power of two, linear probing):
 *           0 = empty, else 8 bits of the name's hash (1..255), so that a miss reads only
 *           this small array, never the slots or the blob
 *   slots:  u32 per slot, the entry's offset in blob
 *   extra:  the second and later (category, exact) records of names listed more than once,
 *           sorted by entry, then in the order added; the inline record is the first one.
 */

#define DS_META 8
#define DS_FLAG_EXACT 1u
#define DS_FLAG_MULTI 2u
#define DS_MAX_CATEGORY 32u

struct ds_extra {
	uint32_t off;     /* the entry */
	uint32_t line;
	uint32_t seq;     /* the order added */
	uint16_t file_id;
	uint8_t category;
	uint8_t exact;
};

struct domainset {
	struct bigbuf blob;
	struct bigbuf tags;    /* uint8_t[nslots] */
	struct bigbuf slots;   /* uint32_t[nslots] */
	struct ds_extra *extra;
	size_t nextra, extra_cap;
	size_t n, nslots;
	uint64_t label_counts; /* bit k: some entry has k labels (bit 63: 63 or more) */
};

struct domainset_builder {
	struct domainset set;
};

static inline uint8_t ds_tag(uint64_t h)
{
	return (uint8_t)(1 + (h >> 56) % 255);
}

static inline const unsigned char *ds_record(const struct domainset *s, uint32_t off)
{
	return (const unsigned char *)s->blob.p + off;
}

static inline size_t ds_labels(const char *name, size_t len)
{
	size_t k = 1;

	for (size_t i = 0; i < len; i++)
		k += name[i] == '.';
	return k > 63 ? 63 : k;
}

/* The offset of the entry holding exactly name, or -1. */
static int64_t ds_find(const struct domainset *s, const char *name, size_t len, uint64_t h)
{
	const uint8_t *tags = s->tags.p;
	const uint32_t *slots = s->slots.p;
	size_t mask = s->nslots - 1;
	uint8_t tag = ds_tag(h);

	if (s->nslots == 0)
		return -1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint8_t t = tags[i];
		if (t == 0)
			return -1;
		if (t != tag)
			continue;
		const unsigned char *rec = ds_record(s, slots[i]);
		if (rec[0] == len && memcmp(rec + 1, name, len) == 0)
			return slots[i];
	}
}

static void ds_place(uint8_t *tags, uint32_t *slots, size_t nslots, uint64_t h, uint32_t off)
{
	size_t mask = nslots - 1;
	size_t i = h & mask;

	while (tags[i] != 0)
		i = (i + 1) & mask;
	tags[i] = ds_tag(h);
	slots[i] = off;
}

/* Double the table (or create it) and re-insert every entry, walking the blob. */
static int ds_grow(struct domainset *s)
{
	size_t nslots = s->nslots ? s->nslots * 2 : 1024;
	struct bigbuf t = { 0 }, sl = { 0 };

	if (bigbuf_reserve(&t, nslots) < 0 ||
	    bigbuf_reserve(&sl, nslots * sizeof(uint32_t)) < 0) {
		bigbuf_free(&t);
		return -1;
	}
	t.len = nslots;
	sl.len = nslots * sizeof(uint32_t);
	for (size_t off = 0; off < s->blob.len;) {
		const unsigned char *rec = ds_record(s, (uint32_t)off);
		ds_place(t.p, sl.p, nslots, namehash((const char *)rec + 1, rec[0]),
			 (uint32_t)off);
		off += 1 + rec[0] + DS_META;
	}
	bigbuf_free(&s->tags);
	bigbuf_free(&s->slots);
	s->tags = t;
	s->slots = sl;
	s->nslots = nslots;
	return 0;
}

struct domainset_builder *domainset_builder_new(void)
{
	return xcalloc(1, sizeof(struct domainset_builder));
}

static void ds_meta_read(const unsigned char *rec, unsigned *cat, unsigned *flags,
			 uint16_t *file_id, uint32_t *line)
{
	const unsigned char *m = rec + 1 + rec[0];

	*cat = m[0];
	*flags = m[1];
	memcpy(file_id, m + 2, 2);
	memcpy(line, m + 4, 4);
}

/* Note another (category, exact) record of an existing entry; repeats are dropped when
 * the set is built, so that the first one added stays. */
static int ds_add_record(struct domainset *s, uint32_t off, bool exact, unsigned category,
			 uint16_t file_id, uint32_t line)
{
	unsigned char *rec = (unsigned char *)s->blob.p + off;
	unsigned char *m = rec + 1 + rec[0];

	if (m[0] == category && ((m[1] & DS_FLAG_EXACT) != 0) == exact)
		return 0;
	if (s->nextra == UINT32_MAX)
		return -1;
	if (s->nextra == s->extra_cap) {
		s->extra_cap = s->extra_cap ? s->extra_cap * 2 : 64;
		s->extra = xrealloc(s->extra, s->extra_cap * sizeof(*s->extra));
	}
	struct ds_extra *x = &s->extra[s->nextra];
	x->off = off;
	x->line = line;
	x->seq = (uint32_t)s->nextra;
	x->file_id = file_id;
	x->category = (uint8_t)category;
	x->exact = exact;
	s->nextra++;
	m[1] |= DS_FLAG_MULTI;
	return 0;
}

int domainset_add(struct domainset_builder *b, const char *name, size_t len, bool exact,
		  unsigned category, uint16_t file_id, uint32_t line)
{
	struct domainset *s;
	unsigned char head[1], meta[DS_META];
	uint64_t h;
	int64_t found;

	if (!b || !name || len == 0 || len > NAME_MAX_LEN || category >= DS_MAX_CATEGORY)
		return -1;
	s = &b->set;
	h = namehash(name, len);
	found = ds_find(s, name, len, h);
	if (found >= 0)
		return ds_add_record(s, (uint32_t)found, exact, category, file_id, line);
	if (s->blob.len + 1 + len + DS_META > UINT32_MAX)
		return -1;
	if ((s->n + 1) * 4 > s->nslots * 3 && ds_grow(s) < 0)
		return -1;

	uint32_t off = (uint32_t)s->blob.len;
	head[0] = (unsigned char)len;
	meta[0] = (unsigned char)category;
	meta[1] = exact ? DS_FLAG_EXACT : 0;
	memcpy(meta + 2, &file_id, 2);
	memcpy(meta + 4, &line, 4);
	if (bigbuf_reserve(&s->blob, s->blob.len + 1 + len + DS_META) < 0)
		return -1;
	bigbuf_append(&s->blob, head, 1);
	bigbuf_append(&s->blob, name, len);
	bigbuf_append(&s->blob, meta, DS_META);
	ds_place(s->tags.p, s->slots.p, s->nslots, h, off);
	s->n++;
	s->label_counts |= 1ULL << ds_labels(name, len);
	return 0;
}

static int ds_extra_cmp(const void *a, const void *b)
{
	const struct ds_extra *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort the extra records by entry and add order, and drop the repeats of a (category,
 * exact) pair that the entry already has. */
static void ds_extra_finish(struct domainset *s)
{
	size_t out = 0;

	qsort(s->extra, s->nextra, sizeof(*s->extra), ds_extra_cmp);
	for (size_t i = 0; i < s->nextra; i++) {
		const struct ds_extra *x = &s->extra[i];
		bool dup = false;
		for (size_t k = out; k-- > 0 && s->extra[k].off == x->off;)
			if (s->extra[k].category == x->category && s->extra[k].exact == x->exact) {
				dup = true;
				break;
			}
		if (!dup)
			s->extra[out++] = *x;
	}
	s->nextra = out;
	s->extra = xrealloc(s->extra, (out ? out : 1) * sizeof(*s->extra));
	s->extra_cap = out;
}

struct domainset *domainset_build(struct domainset_builder *b)
{
	struct domainset *s;

	if (!b)
		return NULL;
	s = xmalloc(sizeof(*s));
	*s = b->set;
	if (s->nextra)
		ds_extra_finish(s);
	bigbuf_shrink(&s->blob);
	free(b);
	return s;
}

void domainset_builder_free(struct domainset_builder *b)
{
	if (!b)
		return;
	bigbuf_free(&b->set.blob);
	bigbuf_free(&b->set.tags);
	bigbuf_free(&b->set.slots);
	free(b->set.extra);
	free(b);
}

/* The first extra record of the entry at off in the sorted extra array. */
static size_t ds_extra_first(const struct domainset *s, uint32_t off)
{
	size_t lo = 0, hi = s->nextra;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->extra[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Pick the record of the entry at off that applies (exact records only for the full
 * name) with the lowest category in mask; fill *m. false when none applies. */
static bool ds_choose(const struct domainset *s, uint32_t off, bool full, uint32_t mask,
		      struct domain_match *m)
{
	const unsigned char *rec = ds_record(s, off);
	unsigned cat, flags;
	uint16_t file_id;
	uint32_t line;
	uint32_t all, best_cat = DS_MAX_CATEGORY;

	ds_meta_read(rec, &cat, &flags, &file_id, &line);
	all = 1u << cat;
	if ((mask & (1u << cat)) && (full || !(flags & DS_FLAG_EXACT))) {
		best_cat = cat;
		m->exact = flags & DS_FLAG_EXACT;
		m->file_id = file_id;
		m->line = line;
	}
	if (flags & DS_FLAG_MULTI) {
		for (size_t i = ds_extra_first(s, off); i < s->nextra && s->extra[i].off == off;
		     i++) {
			const struct ds_extra *x = &s->extra[i];
			all |= 1u << x->category;
			if (!(mask & (1u << x->category)) || (x->exact && !full) ||
			    x->category >= best_cat)
				continue;
			best_cat = x->category;
			m->exact = x->exact;
			m->file_id = x->file_id;
			m->line = x->line;
		}
	}
	if (best_cat == DS_MAX_CATEGORY)
		return false;
	m->name = (const char *)rec + 1;
	m->name_len = rec[0];
	m->categories = all;
	m->category = best_cat;
	return true;
}

bool domainset_lookup(const struct domainset *s, const char *name, size_t len,
		      uint32_t mask, struct domain_match *m)
{
	uint64_t hash[NAMEHASH_MAX_LABELS];
	uint16_t start[NAMEHASH_MAX_LABELS];
	size_t n;
	const uint8_t *tags;
	const uint32_t *slots;
	size_t smask;

	if (!s || s->n == 0 || !name || len == 0 || len > NAME_MAX_LEN || mask == 0)
		return false;
	n = namehash_suffixes(name, len, hash, start);
	tags = s->tags.p;
	slots = s->slots.p;
	smask = s->nslots - 1;
	/* Start every probe's memory load at once; the table does not fit in cache. */
	for (size_t k = 0; k < n; k++)
		if (s->label_counts & (1ULL << (k + 1 > 63 ? 63 : k + 1))) {
			__builtin_prefetch(&tags[hash[k] & smask]);
			__builtin_prefetch(&slots[hash[k] & smask]);
		}
	for (size_t k = n; k-- > 0;) {
		if (!(s->label_counts & (1ULL << (k + 1 > 63 ? 63 : k + 1))))
			continue;
		int64_t off = ds_find(s, name + start[k], len - start[k], hash[k]);
		if (off >= 0 && ds_choose(s, (uint32_t)off, k == n - 1, mask, m))
			return true;
	}
	return false;
}

size_t domainset_count(const struct domainset *s)
{
	return s ? s->n : 0;
}

size_t domainset_bytes(const struct domainset *s)
{
	if (!s)
		return 0;
	return s->blob.cap + s->tags.cap + s->slots.cap + s->nextra * sizeof(*s->extra) +
	       sizeof(*s);
}

void domainset_free(struct domainset *s)
{
	if (!s)
		return;
	bigbuf_free(&s->blob);
	bigbuf_free(&s->tags);
	bigbuf_free(&s->slots);
	free(s->extra);
	free(s);
}
