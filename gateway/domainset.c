/* A compact domain-name set: names packed in one blob, an open-addressing table of
 * 32-bit slots (entry number + 8 hash bits), provenance packed next to each name. */
#include "domainset.h"

#include <stdlib.h>
#include <string.h>

#include "bigbuf.h"
#include "name.h"
#include "namehash.h"
#include "util.h"

/*
 * Memory layout (see docs/matching.md):
 *   blob:   per entry [len u8][name bytes][category u8][flags u8][file_id u16][line u32]
 *   offs:   u32 per entry, the entry's offset in blob
 *   table:  u32 slots, a power of two; 0 = empty, else (tag << 24) | (entry + 1), where the
 *           tag is 8 bits of the name's hash so that most misses never touch the blob
 *   extra:  the second and later (category, exact) records of names listed more than once,
 *           sorted by entry; the inline record is always the first one added.
 */

#define DS_META 8
#define DS_MAX_ENTRIES 0xfffffeu
#define DS_SLOT_ENTRY 0xffffffu
#define DS_FLAG_EXACT 1u
#define DS_FLAG_MULTI 2u
#define DS_MAX_CATEGORY 32u

struct ds_extra {
	uint32_t entry;
	uint32_t line;
	uint32_t next;   /* builder only: next record of the same entry (index + 1), 0 = end */
	uint16_t file_id;
	uint8_t category;
	uint8_t exact;
};

struct domainset {
	struct bigbuf blob;
	struct bigbuf offs;    /* uint32_t[n] */
	struct bigbuf table;   /* uint32_t[nslots] */
	struct ds_extra *extra;
	size_t nextra, extra_cap;
	size_t n, nslots, exact;
	uint64_t label_counts; /* bit k: some entry has k labels (bit 63: 63 or more) */
};

struct domainset_builder {
	struct domainset set;
	struct bigbuf xhead; /* uint32_t[n]: first extra record of each entry (index + 1) */
};

static inline uint32_t ds_tag(uint64_t h)
{
	return (uint32_t)(h >> 56) << 24;
}

static inline const uint32_t *ds_offs(const struct domainset *s)
{
	return s->offs.p;
}

static inline const unsigned char *ds_record(const struct domainset *s, uint32_t entry)
{
	return (const unsigned char *)s->blob.p + ds_offs(s)[entry];
}

static inline size_t ds_labels(const char *name, size_t len)
{
	size_t k = 1;

	for (size_t i = 0; i < len; i++)
		k += name[i] == '.';
	return k > 63 ? 63 : k;
}

/* The entry holding exactly name, or -1. */
static long ds_find(const struct domainset *s, const char *name, size_t len, uint64_t h)
{
	const uint32_t *table = s->table.p;
	size_t mask = s->nslots - 1;
	uint32_t tag = ds_tag(h);

	if (s->nslots == 0)
		return -1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		uint32_t v = table[i];
		if (v == 0)
			return -1;
		if ((v & ~DS_SLOT_ENTRY) != tag)
			continue;
		uint32_t entry = (v & DS_SLOT_ENTRY) - 1;
		const unsigned char *rec = ds_record(s, entry);
		if (rec[0] == len && memcmp(rec + 1, name, len) == 0)
			return (long)entry;
	}
}

static void ds_place(uint32_t *table, size_t nslots, uint64_t h, uint32_t entry)
{
	size_t mask = nslots - 1;
	size_t i = h & mask;

	while (table[i] != 0)
		i = (i + 1) & mask;
	table[i] = ds_tag(h) | (entry + 1);
}

/* Double the table (or create it) and re-insert every entry. */
static int ds_grow(struct domainset *s)
{
	size_t nslots = s->nslots ? s->nslots * 2 : 1024;
	struct bigbuf t = { 0 };

	if (bigbuf_reserve(&t, nslots * sizeof(uint32_t)) < 0)
		return -1;
	t.len = nslots * sizeof(uint32_t);
	for (size_t e = 0; e < s->n; e++) {
		const unsigned char *rec = ds_record(s, (uint32_t)e);
		ds_place(t.p, nslots, namehash((const char *)rec + 1, rec[0]), (uint32_t)e);
	}
	bigbuf_free(&s->table);
	s->table = t;
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

/* Add another (category, exact) record to an existing entry unless it is there already. */
static int ds_add_record(struct domainset_builder *b, uint32_t entry, bool exact,
			 unsigned category, uint16_t file_id, uint32_t line)
{
	struct domainset *s = &b->set;
	unsigned char *rec = (unsigned char *)s->blob.p + ds_offs(s)[entry];
	unsigned char *m = rec + 1 + rec[0];
	uint32_t *xhead = b->xhead.p;

	if (m[0] == category && ((m[1] & DS_FLAG_EXACT) != 0) == exact)
		return 0;
	for (uint32_t x = xhead[entry]; x; x = s->extra[x - 1].next)
		if (s->extra[x - 1].category == category && s->extra[x - 1].exact == exact)
			return 0;
	if (s->nextra == s->extra_cap) {
		s->extra_cap = s->extra_cap ? s->extra_cap * 2 : 64;
		s->extra = xrealloc(s->extra, s->extra_cap * sizeof(*s->extra));
	}
	struct ds_extra *x = &s->extra[s->nextra++];
	x->entry = entry;
	x->line = line;
	x->file_id = file_id;
	x->category = (uint8_t)category;
	x->exact = exact;
	x->next = 0;
	/* Append at the end of the entry's chain, so the order stays the order added. */
	uint32_t *link = &xhead[entry];
	while (*link)
		link = &s->extra[*link - 1].next;
	*link = (uint32_t)s->nextra;
	m[1] |= DS_FLAG_MULTI;
	if (exact)
		s->exact++;
	return 0;
}

int domainset_add(struct domainset_builder *b, const char *name, size_t len, bool exact,
		  unsigned category, uint16_t file_id, uint32_t line)
{
	struct domainset *s;
	unsigned char head[1], meta[DS_META];
	uint64_t h;
	long found;

	if (!b || !name || len == 0 || len > NAME_MAX_LEN || category >= DS_MAX_CATEGORY)
		return -1;
	s = &b->set;
	h = namehash(name, len);
	found = ds_find(s, name, len, h);
	if (found >= 0)
		return ds_add_record(b, (uint32_t)found, exact, category, file_id, line);
	if (s->n >= DS_MAX_ENTRIES)
		return -1;
	if ((s->n + 1) * 10 > s->nslots * 7 && ds_grow(s) < 0)
		return -1;

	uint32_t off = (uint32_t)s->blob.len;
	uint32_t entry = (uint32_t)s->n;
	uint32_t zero = 0;
	if ((size_t)off != s->blob.len || s->blob.len + len + 1 + DS_META > UINT32_MAX)
		return -1;
	head[0] = (unsigned char)len;
	meta[0] = (unsigned char)category;
	meta[1] = exact ? DS_FLAG_EXACT : 0;
	memcpy(meta + 2, &file_id, 2);
	memcpy(meta + 4, &line, 4);
	if (bigbuf_reserve(&s->blob, s->blob.len + 1 + len + DS_META) < 0 ||
	    bigbuf_reserve(&s->offs, (s->n + 1) * sizeof(uint32_t)) < 0 ||
	    bigbuf_reserve(&b->xhead, (s->n + 1) * sizeof(uint32_t)) < 0)
		return -1;
	bigbuf_append(&s->blob, head, 1);
	bigbuf_append(&s->blob, name, len);
	bigbuf_append(&s->blob, meta, DS_META);
	bigbuf_append(&s->offs, &off, sizeof(off));
	bigbuf_append(&b->xhead, &zero, sizeof(zero));
	ds_place(s->table.p, s->nslots, h, entry);
	s->n++;
	if (exact)
		s->exact++;
	s->label_counts |= 1ULL << ds_labels(name, len);
	return 0;
}

static int ds_extra_cmp(const void *a, const void *b)
{
	const struct ds_extra *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	/* next holds the record's index once domainset_build starts: the add order */
	return x->next < y->next ? -1 : x->next > y->next;
}

struct domainset *domainset_build(struct domainset_builder *b)
{
	struct domainset *s;

	if (!b)
		return NULL;
	s = xmalloc(sizeof(*s));
	*s = b->set;
	/* Records of one entry were appended in the order added: sort stably by entry. */
	if (s->nextra) {
		for (size_t i = 0; i < s->nextra; i++)
			s->extra[i].next = (uint32_t)i;
		qsort(s->extra, s->nextra, sizeof(*s->extra), ds_extra_cmp);
		s->extra = xrealloc(s->extra, s->nextra * sizeof(*s->extra));
		s->extra_cap = s->nextra;
	}
	bigbuf_shrink(&s->blob);
	bigbuf_shrink(&s->offs);
	bigbuf_free(&b->xhead);
	free(b);
	return s;
}

void domainset_builder_free(struct domainset_builder *b)
{
	if (!b)
		return;
	bigbuf_free(&b->set.blob);
	bigbuf_free(&b->set.offs);
	bigbuf_free(&b->set.table);
	bigbuf_free(&b->xhead);
	free(b->set.extra);
	free(b);
}

/* The first extra record of entry in the sorted extra array. */
static size_t ds_extra_first(const struct domainset *s, uint32_t entry)
{
	size_t lo = 0, hi = s->nextra;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->extra[mid].entry < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Pick the record of entry that applies (exact records only for the full name) with the
 * lowest category in mask; fill *m. false when none applies. */
static bool ds_choose(const struct domainset *s, uint32_t entry, bool full, uint32_t mask,
		      struct domain_match *m)
{
	const unsigned char *rec = ds_record(s, entry);
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
		for (size_t i = ds_extra_first(s, entry); i < s->nextra && s->extra[i].entry == entry;
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
	const uint32_t *table;
	size_t smask;

	if (!s || s->n == 0 || !name || len == 0 || len > NAME_MAX_LEN || mask == 0)
		return false;
	n = namehash_suffixes(name, len, hash, start);
	table = s->table.p;
	smask = s->nslots - 1;
	/* Start every probe's memory load at once; the table does not fit in cache. */
	for (size_t k = 0; k < n; k++)
		if (s->label_counts & (1ULL << (k + 1 > 63 ? 63 : k + 1)))
			__builtin_prefetch(&table[hash[k] & smask]);
	for (size_t k = n; k-- > 0;) {
		if (!(s->label_counts & (1ULL << (k + 1 > 63 ? 63 : k + 1))))
			continue;
		long e = ds_find(s, name + start[k], len - start[k], hash[k]);
		if (e >= 0 && ds_choose(s, (uint32_t)e, k == n - 1, mask, m))
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
	return s->blob.cap + s->offs.cap + s->table.cap + s->nextra * sizeof(*s->extra) +
	       sizeof(*s);
}

void domainset_free(struct domainset *s)
{
	if (!s)
		return;
	bigbuf_free(&s->blob);
	bigbuf_free(&s->offs);
	bigbuf_free(&s->table);
	free(s->extra);
	free(s);
}
