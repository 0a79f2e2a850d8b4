/* A set of PCRE2 patterns compiled one by one (JIT when it works), behind a prefilter
 * over each pattern's required literals (litscan.c); patterns without one always run. */
#include "patset.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "literal.h"
#include "litscan.h"
#include "util.h"

#define PAT_MAX_CATEGORY 32u
#define PAT_MAX_PATTERNS 0x7fffffffu
#define PAT_JIT_STACK_MIN (32 * 1024)
#define PAT_JIT_STACK_MAX (2 * 1024 * 1024)
/* Backtracking steps one pattern may take on one subject (PATSET_MATCH_LIMIT; PCRE2's
 * default is 10M): a pathological pattern costs a few milliseconds at worst, then is
 * reported as a limit (fail closed), never silently as no match. */

struct pat {
	pcre2_code *code;
	uint32_t text_off;
	uint32_t text_len;
	uint32_t line;
	uint16_t file_id;
	uint8_t category;
	uint8_t jit;
};

struct patset_builder {
	struct pat *pats;
	size_t n, cap;
	struct sbuf text;
	struct litscan_builder *lits;
	uint32_t *always;
	size_t nalways, always_cap;
	uint32_t max_pairs;
	uint32_t match_limit;
};

struct patset {
	struct pat *pats;
	size_t n;
	char *text;
	size_t text_len;
	struct litscan *lits;
	uint32_t *always;     /* patterns with no literal, in the order added */
	size_t nalways;
	uint32_t max_pairs;   /* ovector pairs of the pattern with the most captures */
	uint32_t match_limit;
	size_t code_bytes;
};

/* Per-thread scratch: match data, a JIT stack made on first need, candidate lists. */
struct pat_tls {
	pcre2_match_data *md;
	uint32_t md_pairs;
	pcre2_match_context *mctx; /* the match limit; the JIT stack once one is needed */
	uint32_t match_limit;      /* the one set in mctx */
	pcre2_jit_stack *jstack;
	uint64_t *seen;            /* one bit per pattern: already a candidate */
	size_t seen_words;
	uint32_t *cand;
	size_t ncand, cand_cap;
};

static atomic_ulong pat_limit_hits;
static pthread_key_t pat_tls_key;
static pthread_once_t pat_tls_once = PTHREAD_ONCE_INIT;
static __thread struct pat_tls *pat_tls_cur;

static void pat_tls_free(void *p)
{
	struct pat_tls *t = p;

	if (!t)
		return;
	pcre2_match_data_free(t->md);
	pcre2_match_context_free(t->mctx);
	pcre2_jit_stack_free(t->jstack);
	free(t->seen);
	free(t->cand);
	free(t);
}

static void pat_tls_init(void)
{
	if (pthread_key_create(&pat_tls_key, pat_tls_free) != 0)
		fatal("patset: cannot create a thread key");
}

/* This thread's scratch, big enough for s; NULL when out of memory. */
static struct pat_tls *pat_tls_get(const struct patset *s)
{
	struct pat_tls *t = pat_tls_cur;

	if (!t) {
		pthread_once(&pat_tls_once, pat_tls_init);
		t = xcalloc(1, sizeof(*t));
		t->mctx = pcre2_match_context_create(NULL);
		if (!t->mctx) {
			free(t);
			return NULL;
		}
		pat_tls_cur = t;
		pthread_setspecific(pat_tls_key, t);
	}
	if (t->match_limit != s->match_limit) {
		pcre2_set_match_limit(t->mctx, s->match_limit);
		t->match_limit = s->match_limit;
	}
	if (t->md_pairs < s->max_pairs) {
		pcre2_match_data_free(t->md);
		t->md = pcre2_match_data_create(s->max_pairs, NULL);
		t->md_pairs = t->md ? s->max_pairs : 0;
		if (!t->md)
			return NULL;
	}
	size_t words = (s->n + 63) / 64;
	if (t->seen_words < words) {
		free(t->seen);
		t->seen = xcalloc(words, sizeof(uint64_t));
		t->seen_words = words;
	}
	return t;
}

struct patset_builder *patset_builder_new(void)
{
	struct patset_builder *b = xcalloc(1, sizeof(*b));

	sbuf_init(&b->text);
	b->lits = litscan_builder_new();
	b->max_pairs = 1;
	b->match_limit = PATSET_MATCH_LIMIT;
	return b;
}

void patset_set_match_limit(struct patset_builder *b, uint32_t limit)
{
	if (b)
		b->match_limit = limit ? limit : PATSET_MATCH_LIMIT;
}

unsigned long patset_limit_count(void)
{
	return atomic_load_explicit(&pat_limit_hits, memory_order_relaxed);
}

int patset_add(struct patset_builder *b, const char *pattern, size_t len, unsigned category,
	       uint16_t file_id, uint32_t line, char *err, size_t errlen)
{
	struct literal_set lits;
	pcre2_code *code;
	PCRE2_SIZE erroff = 0;
	uint32_t captures = 0;
	int ecode;

	if (err && errlen)
		err[0] = '\0';
	if (!b || !pattern || len == 0) {
		if (err && errlen)
			snprintf(err, errlen, "offset 0: empty pattern");
		return -1;
	}
	if (category >= PAT_MAX_CATEGORY) {
		if (err && errlen)
			snprintf(err, errlen, "offset 0: category %u out of range", category);
		return -1;
	}
	if (b->n >= PAT_MAX_PATTERNS || b->text.len + len >= UINT32_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "offset 0: too many patterns");
		return -1;
	}
	code = pcre2_compile((PCRE2_SPTR)pattern, len,
			     PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ecode, &erroff,
			     NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		if (pcre2_get_error_message(ecode, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", ecode);
		if (err && errlen)
			snprintf(err, errlen, "offset %zu: %s", (size_t)erroff, (const char *)msg);
		return -1;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->pats = xrealloc(b->pats, b->cap * sizeof(*b->pats));
	}
	struct pat *p = &b->pats[b->n];
	p->code = code;
	/* JIT is an optimisation: the interpreter runs the same pattern when it fails. */
	p->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	p->text_off = (uint32_t)b->text.len;
	p->text_len = (uint32_t)len;
	sbuf_add(&b->text, pattern, len);
	p->line = line;
	p->file_id = file_id;
	p->category = (uint8_t)category;
	if (pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &captures) == 0 &&
	    captures + 1 > b->max_pairs)
		b->max_pairs = captures + 1;

	size_t nlit = literal_extract(pattern, len, &lits);
	for (size_t i = 0; i < nlit; i++)
		if (lits.lit[i].len < LITSCAN_MIN)
			nlit = 0;
	if (nlit == 0) {
		if (b->nalways == b->always_cap) {
			b->always_cap = b->always_cap ? b->always_cap * 2 : 16;
			b->always = xrealloc(b->always, b->always_cap * sizeof(*b->always));
		}
		b->always[b->nalways++] = (uint32_t)b->n;
	} else {
		for (size_t i = 0; i < nlit; i++)
			litscan_add(b->lits, lits.lit[i].s, lits.lit[i].len, (uint32_t)b->n);
	}
	b->n++;
	return 0;
}

struct patset *patset_build(struct patset_builder *b)
{
	struct patset *s;

	if (!b)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->pats = b->pats;
	s->n = b->n;
	s->text_len = b->text.len;
	s->text = sbuf_take(&b->text);
	s->lits = litscan_build(b->lits);
	s->always = b->always;
	s->nalways = b->nalways;
	s->max_pairs = b->max_pairs;
	s->match_limit = b->match_limit;
	for (size_t i = 0; i < s->n; i++) {
		size_t sz = 0;
		if (pcre2_pattern_info(s->pats[i].code, PCRE2_INFO_SIZE, &sz) == 0)
			s->code_bytes += sz;
		if (s->pats[i].jit &&
		    pcre2_pattern_info(s->pats[i].code, PCRE2_INFO_JITSIZE, &sz) == 0)
			s->code_bytes += sz;
	}
	free(b);
	return s;
}

void patset_builder_free(struct patset_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		pcre2_code_free(b->pats[i].code);
	free(b->pats);
	sbuf_free(&b->text);
	litscan_builder_free(b->lits);
	free(b->always);
	free(b);
}

/* Run one pattern; 1 on a match, 0 on none, -1 when it hit a limit (match, depth or
 * heap limit, memory, or a JIT stack overflow that a bigger per-thread stack, tried
 * once, did not cure): whether it matches is unknown. */
static int pat_run(const struct pat *p, struct pat_tls *t, const char *subject, size_t len)
{
	/* pcre2_jit_match skips the argument checks that pcre2_match repeats per call */
	int rc = p->jit ? pcre2_jit_match(p->code, (PCRE2_SPTR)subject, len, 0, 0, t->md, t->mctx) :
			  pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, 0, t->md, t->mctx);

	if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !t->jstack) {
		t->jstack = pcre2_jit_stack_create(PAT_JIT_STACK_MIN, PAT_JIT_STACK_MAX, NULL);
		if (t->jstack) {
			pcre2_jit_stack_assign(t->mctx, NULL, t->jstack);
			rc = pcre2_match(p->code, (PCRE2_SPTR)subject, len, 0, 0, t->md,
					 t->mctx);
		}
	}
	if (rc >= 0)
		return 1;
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return 0;
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
	case PCRE2_ERROR_NOMEMORY:
		return -1;
	default:
		return 0;
	}
}

/* Whether the subject holds a character that caseless UTF matching equates with an ASCII
 * letter (U+017F long s ~ s, U+212A Kelvin sign ~ k): the ASCII literals of the
 * prefilter would not see it, so such a subject runs every pattern. */
static bool pat_fold_trap(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] < 0xc5)
			continue;
		if (s[i] == 0xc5 && s[i + 1] == 0xbf)
			return true;
		if (s[i] == 0xe2 && i + 2 < len && s[i + 1] == 0x84 && s[i + 2] == 0xaa)
			return true;
	}
	return false;
}

static void pat_hit(void *arg, uint32_t id)
{
	struct pat_tls *t = arg;
	uint64_t bit = 1ULL << (id & 63);

	if (t->seen[id >> 6] & bit)
		return;
	t->seen[id >> 6] |= bit;
	if (t->ncand == t->cand_cap) {
		t->cand_cap = t->cand_cap ? t->cand_cap * 2 : 64;
		t->cand = xrealloc(t->cand, t->cand_cap * sizeof(*t->cand));
	}
	t->cand[t->ncand++] = id;
}

static int pat_id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool pat_report(const struct patset *s, uint32_t id, bool limit, struct pat_match *m)
{
	const struct pat *p = &s->pats[id];

	m->pattern = s->text + p->text_off;
	m->pattern_len = p->text_len;
	m->category = p->category;
	m->file_id = p->file_id;
	m->line = p->line;
	m->limit = limit;
	if (limit)
		atomic_fetch_add_explicit(&pat_limit_hits, 1, memory_order_relaxed);
	return true;
}

/* Run candidate id: true when it decides (a match); a first limit is kept in *limited. */
static bool pat_try(const struct patset *s, struct pat_tls *t, uint32_t id,
		    const char *subject, size_t len, int64_t *limited)
{
	int rc = pat_run(&s->pats[id], t, subject, len);

	if (rc < 0 && *limited < 0)
		*limited = id;
	return rc > 0;
}

bool patset_match(const struct patset *s, const char *subject, size_t len, uint32_t mask,
		  struct pat_match *m)
{
	struct pat_tls *t;
	int64_t limited = -1;

	if (!s || s->n == 0 || !subject || mask == 0)
		return false;
	t = pat_tls_get(s);
	if (!t)
		return false;
	if (pat_fold_trap((const unsigned char *)subject, len)) {
		for (size_t i = 0; i < s->n; i++)
			if ((mask & (1u << s->pats[i].category)) &&
			    pat_try(s, t, (uint32_t)i, subject, len, &limited))
				return pat_report(s, (uint32_t)i, false, m);
		return limited >= 0 && pat_report(s, (uint32_t)limited, true, m);
	}

	/* Candidates from the literals, in the order added, merged with the always-run list. */
	t->ncand = 0;
	litscan_scan(s->lits, (const unsigned char *)subject, len, pat_hit, t);
	for (size_t i = 0; i < t->ncand; i++)
		t->seen[t->cand[i] >> 6] = 0;
	if (t->ncand > 1)
		qsort(t->cand, t->ncand, sizeof(*t->cand), pat_id_cmp);

	size_t a = 0, c = 0;
	while (a < s->nalways || c < t->ncand) {
		uint32_t id;
		if (c == t->ncand || (a < s->nalways && s->always[a] < t->cand[c]))
			id = s->always[a++];
		else
			id = t->cand[c++];
		if (!(mask & (1u << s->pats[id].category)))
			continue;
		if (pat_try(s, t, id, subject, len, &limited))
			return pat_report(s, id, false, m);
	}
	return limited >= 0 && pat_report(s, (uint32_t)limited, true, m);
}

size_t patset_count(const struct patset *s)
{
	return s ? s->n : 0;
}

size_t patset_always_run(const struct patset *s)
{
	return s ? s->nalways : 0;
}

size_t patset_bytes(const struct patset *s)
{
	if (!s)
		return 0;
	return sizeof(*s) + s->n * sizeof(*s->pats) + s->text_len + 1 +
	       s->nalways * sizeof(*s->always) + litscan_bytes(s->lits) + s->code_bytes;
}

void patset_free(struct patset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		pcre2_code_free(s->pats[i].code);
	free(s->pats);
	free(s->text);
	litscan_free(s->lits);
	free(s->always);
	free(s);
}
