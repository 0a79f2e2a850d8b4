/* Tests for the pattern set: PCRE2 behind a literal prefilter (patset, literal, litscan):
 * matches, compile errors, match limits failing closed, the prefilter never hiding a
 * match (a property over random patterns), sets shared by threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "domainset.h"
#include "literal.h"
#include "litscan.h"
#include "patset.h"
#include "testutil.h"
#include "util.h"

#define CAT(n) (1u << (n))
#define ALL 0xffffffffu

static void pat_add(struct patset_builder *b, const char *pattern, unsigned cat, uint32_t line)
{
	char err[128];
	int rc = patset_add(b, pattern, strlen(pattern), cat, 2, line, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s: %s", pattern, err);
}

static bool pat_look(const struct patset *s, const char *subject, uint32_t mask,
		     struct pat_match *m)
{
	return patset_match(s, subject, strlen(subject), mask, m);
}

START_TEST(pat_basic)
{
	struct patset_builder *b = patset_builder_new();
	struct pat_match m;

	pat_add(b, "caipiao\\d{2,}", 1, 1);
	pat_add(b, "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9|\xe5\x8d\x9a\xe5\xbd\xa9", 2, 2); /* 六合彩|博彩 */
	pat_add(b, "^[0-9]{6}\\.[a-z]+$", 3, 3);    /* no literal: always runs */
	pat_add(b, "bocai|caipiao", 4, 4);            /* one literal per branch */
	pat_add(b, "kasino", 5, 5);
	struct patset *s = patset_build(b);

	ck_assert_uint_eq(patset_count(s), 5);
	ck_assert_uint_eq(patset_always_run(s), 1);
	ck_assert_uint_gt(patset_bytes(s), 0);
	ck_assert(pat_look(s, "www.CaiPiao88.com", ALL, &m));
	ck_assert_uint_eq(m.line, 1);
	ck_assert_uint_eq(m.category, 1);
	ck_assert_uint_eq(m.file_id, 2);
	ck_assert_uint_eq(m.pattern_len, strlen("caipiao\\d{2,}"));
	ck_assert(memcmp(m.pattern, "caipiao\\d{2,}", m.pattern_len) == 0);
	/* the first in the order added wins; a mask skips it */
	ck_assert(pat_look(s, "www.caipiao8.com", ALL, &m));
	ck_assert_uint_eq(m.line, 4);
	ck_assert(pat_look(s, "caipiao99", CAT(4), &m));
	ck_assert_uint_eq(m.line, 4);
	ck_assert(pat_look(s, "BOCAI.net", ALL, &m));
	ck_assert_uint_eq(m.line, 4);
	/* Chinese keywords in the decoded form of an IDN name */
	ck_assert(pat_look(s, "\xe4\xb8\x83\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9\xe7\xa5\xa8.com", ALL, &m));
	ck_assert_uint_eq(m.category, 2);
	ck_assert(pat_look(s, "123456.com", ALL, &m));
	ck_assert_uint_eq(m.category, 3);
	ck_assert(!pat_look(s, "1234567.com", ALL, &m));
	ck_assert(!pat_look(s, "www.example.com", ALL, &m));
	ck_assert(!pat_look(s, "caipiao", CAT(1), &m));
	ck_assert(!pat_look(s, "caipiao99", 0, &m));
	/* the Kelvin sign and long s fold to k and s under caseless UTF matching */
	ck_assert(pat_look(s, "\xe2\x84\xaa" "a\xc5\xbfino.com", ALL, &m));
	ck_assert_uint_eq(m.category, 5);
	/* invalid UTF-8 in a subject neither crashes nor hides a match */
	ck_assert(pat_look(s, "/\xff\xfe" "bocai/\xc0", ALL, &m));
	ck_assert_uint_eq(m.line, 4);
	patset_free(s);
}
END_TEST

START_TEST(pat_errors)
{
	struct patset_builder *b = patset_builder_new();
	char err[128];

	ck_assert_int_eq(patset_add(b, "abc(", 4, 1, 0, 1, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "offset 4: missing closing parenthesis");
	ck_assert_int_eq(patset_add(b, "a[b", 3, 1, 0, 1, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "offset 3: missing terminating ] for character class");
	ck_assert_int_eq(patset_add(b, "*a", 2, 1, 0, 1, err, sizeof(err)), -1);
	ck_assert(strncmp(err, "offset 0: ", 10) == 0);
	ck_assert_int_eq(patset_add(b, "\xff", 1, 1, 0, 1, err, sizeof(err)), -1);
	ck_assert(strncmp(err, "offset 0: UTF-8 error", 21) == 0);
	ck_assert_int_eq(patset_add(b, "", 0, 1, 0, 1, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "offset 0: empty pattern");
	ck_assert_int_eq(patset_add(b, "abc", 3, 32, 0, 1, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "offset 0: category 32 out of range");
	ck_assert_int_eq(patset_add(b, "abc", 3, 1, 0, 1, NULL, 0), 0);
	ck_assert_int_eq(patset_add(NULL, "abc", 3, 1, 0, 1, err, sizeof(err)), -1);
	struct patset *s = patset_build(b);
	ck_assert_uint_eq(patset_count(s), 1);
	patset_free(s);
	/* a builder freed with compiled patterns in it */
	b = patset_builder_new();
	pat_add(b, "abc", 1, 1);
	patset_builder_free(b);
	patset_builder_free(NULL);
	s = patset_build(patset_builder_new());
	struct pat_match m;
	ck_assert(!pat_look(s, "abc", ALL, &m));
	patset_free(s);
}
END_TEST

/* Deep backtracking on a long subject: more than the default 32 KiB JIT stack, so the
 * per-thread JIT stack takes over. */
START_TEST(pat_deep_subject)
{
	struct patset_builder *b = patset_builder_new();
	struct pat_match m;
	pat_add(b, "^(?:(a)|b)*c$", 1, 1);
	struct patset *s = patset_build(b);
	size_t n = 20000;
	char *subj = malloc(n + 2);
	memset(subj, 'a', n);
	subj[n] = 'c';
	subj[n + 1] = '\0';
	ck_assert(pat_look(s, subj, ALL, &m));
	subj[n] = 'd';
	ck_assert(!pat_look(s, subj, ALL, &m));
	free(subj);
	patset_free(s);
}
END_TEST

/* Catastrophic backtracking stops at the match limit and counts as no match; a later
 * pattern still gets its turn. */
START_TEST(pat_match_limit)
{
	struct patset_builder *b = patset_builder_new();
	struct pat_match m;
	pat_add(b, "^(\\w+)+$", 1, 1);
	pat_add(b, "aaaa", 2, 2);
	struct patset *s = patset_build(b);
	char subj[64];
	memset(subj, 'a', 40);
	strcpy(subj + 40, "!");
	/* CPU time, not wall time: the machine may be busy. PCRE2's default limit lets
	 * this run about 16 ms of CPU; ours stops it after about 1.5 ms. */
	struct timespec a, z;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	ck_assert(pat_look(s, subj, ALL, &m));
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &z);
	ck_assert_uint_eq(m.line, 2);
	double ms = (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6;
	ck_assert_msg(ms < 6.0, "the match limit did not stop it: %.1f ms", ms);
	ck_assert(!m.limit); /* a real match wins over a limit */
	patset_free(s);
}
END_TEST

/* issue 11: a pattern that hits a PCRE2 limit is reported with limit set (fail closed),
 * counted, and never hides a real match of another pattern. */
START_TEST(pat_limit_reported)
{
	struct patset_builder *b = patset_builder_new();
	struct pat_match m;
	pat_add(b, "^(\\w+)+$", 1, 7);
	pat_add(b, "zzzz", 2, 8);
	patset_set_match_limit(b, 1000); /* low, so that a short subject hits it */
	struct patset *s = patset_build(b);
	char subj[64];
	memset(subj, 'a', 24);
	strcpy(subj + 24, "!");
	unsigned long before = patset_limit_count();
	memset(&m, 0, sizeof(m));
	ck_assert(pat_look(s, subj, ALL, &m));
	ck_assert(m.limit);
	ck_assert_uint_eq(m.line, 7);
	ck_assert_uint_eq(m.category, 1);
	ck_assert_uint_eq(patset_limit_count(), before + 1);
	/* masked out: neither run nor reported */
	ck_assert(!pat_look(s, subj, CAT(2), &m));
	/* a real match of a later pattern wins */
	strcpy(subj + 24, "!zzzz");
	ck_assert(pat_look(s, subj, ALL, &m));
	ck_assert(!m.limit);
	ck_assert_uint_eq(m.line, 8);
	/* a subject the pattern settles within the limit: a plain answer */
	ck_assert(pat_look(s, "aaaa", ALL, &m));
	ck_assert(!m.limit);
	ck_assert(!pat_look(s, "a!", ALL, &m));
	ck_assert_uint_eq(patset_limit_count(), before + 1);
	patset_free(s);
}
END_TEST

/* Literal extraction: what counts as required, and when the walk gives up. */
START_TEST(literal_shapes)
{
	struct literal_set ls;
	static const struct {
		const char *pattern;
		size_t n;
		const char *first;
	} cases[] = {
		{ "caipiao\\d{2,}", 1, "caipiao" },
		{ "CaiPiao", 1, "caipiao" },
		{ "bocai|caipiao", 2, "bocai" },
		{ "bocai|\\d+", 0, NULL },        /* a branch without a literal */
		{ "ab", 0, NULL },                /* too short */
		{ "abcd?ef", 1, "abc" },          /* d? is optional */
		{ "xy(?:abc)+zzzz", 1, "zzzz" },  /* groups are skipped */
		{ "ab+cdef", 1, "cdef" },         /* b+ ends a run */
		{ "a[bc]defg", 1, "defg" },
		{ "x\\.y\\.z", 1, "x.y.z" },
		{ "(?x) a b c d", 0, NULL },      /* extended mode: give up */
		{ "\\Qabc\\E", 0, NULL },
		{ "ab(*ACCEPT)cdefg", 0, NULL },
		{ "abc{x}", 0, NULL },            /* an odd brace */
		{ "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9", 1, "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9" },
		{ "\xc3\xa9t\xc3\xa9x", 0, NULL }, /* cased non-ASCII letters are not literals */
		{ "[[:alpha:]]abcd", 1, "abcd" },
		{ "[]x]abcd", 1, "abcd" },
		/* "[." that is no collating element: PCRE2 reads '[' as a class member */
		{ "ab[w[.].x]defg|hij|k", 0, NULL },
		{ "[[:^digit:]]abcd", 1, "abcd" },
		{ "\\x{41}bcd", 1, "bcd" },
		{ "abc{2,3}de", 1, "abc" },
		/* required groups give any-of sets */
		{ "(adultsight|adultsite|pornstar)", 3, "adultsight" },
		{ "(^|[-\\?+=/_])(big|cyber)?(adult|babe|sex)s?([-\\.\\?+=/_]|$)", 3, "adult" },
		{ "(?:abc|de)fgh", 1, "fgh" },    /* "de" is too short: the group gives nothing */
		{ "x(?:abcd|efgh)y", 2, "abcd" },
		{ "ab(?:cdef|ghij)+", 2, "cdef" },
		{ "(?=abcd)x", 0, NULL },         /* lookahead */
		{ "(?<!abcd)x", 0, NULL },        /* lookbehind */
		{ "(?<name>abcd)", 1, "abcd" },
		{ "(?P<n>abcd)|(?'m'efgh)", 2, "abcd" },
		{ "(abcd)?efg", 1, "efg" },
		{ "(abcd){0,2}xyz", 1, "xyz" },
		{ "((abc|def)|ghi)", 3, "abc" },
		{ "(ab(*ACCEPT)cdef)", 0, NULL },
		{ "(?i:abcd)", 0, NULL },         /* option groups are not followed */
		{ "(?>abcd)", 0, NULL },
		{ "(abc)\\1", 1, "abc" },
		{ "longerliteral(abc|def)", 1, "longerliteral" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		size_t n = literal_extract(cases[i].pattern, strlen(cases[i].pattern), &ls);
		ck_assert_msg(n == cases[i].n, "%s: %zu literals", cases[i].pattern, n);
		if (n)
			ck_assert_msg(ls.lit[0].len == strlen(cases[i].first) &&
					      memcmp(ls.lit[0].s, cases[i].first, ls.lit[0].len) == 0,
				      "%s: first literal %.*s", cases[i].pattern, (int)ls.lit[0].len,
				      (const char *)ls.lit[0].s);
	}
	ck_assert_uint_eq(literal_extract(NULL, 0, &ls), 0);
}
END_TEST

static void ls_collect(void *arg, uint32_t id)
{
	uint32_t *seen = arg;
	seen[id] += 1;
}

START_TEST(litscan_finds_literals)
{
	struct litscan_builder *b = litscan_builder_new();
	uint32_t seen[8] = { 0 };

	ck_assert_int_eq(litscan_add(b, (const unsigned char *)"ab", 2, 0), -1);
	ck_assert_int_eq(litscan_add(b, (const unsigned char *)"bet", 3, 1), 0);
	ck_assert_int_eq(litscan_add(b, (const unsigned char *)"bet365", 6, 2), 0);
	ck_assert_int_eq(litscan_add(b, (const unsigned char *)"casino", 6, 3), 0);
	ck_assert_int_eq(litscan_add(b, (const unsigned char *)"\xe5\x8d\x9a\xe5\xbd\xa9", 6, 4), 0);
	ck_assert_int_eq(litscan_add(NULL, (const unsigned char *)"abc", 3, 5), -1);
	struct litscan *ls = litscan_build(b);
	ck_assert_uint_eq(litscan_count(ls), 4);
	ck_assert_uint_gt(litscan_bytes(ls), 0);
	const char *text = "www.BET365.com/Casin/\xe5\x8d\x9a\xe5\xbd\xa9/bet";
	litscan_scan(ls, (const unsigned char *)text, strlen(text), ls_collect, seen);
	ck_assert_uint_eq(seen[1], 2);
	ck_assert_uint_eq(seen[2], 1);
	ck_assert_uint_eq(seen[3], 0); /* "casin" is cut short */
	ck_assert_uint_eq(seen[4], 1);
	/* a literal running past the end of the text is not found */
	memset(seen, 0, sizeof(seen));
	litscan_scan(ls, (const unsigned char *)"bet36", 5, ls_collect, seen);
	ck_assert_uint_eq(seen[1], 1);
	ck_assert_uint_eq(seen[2], 0);
	litscan_scan(ls, (const unsigned char *)"be", 2, ls_collect, seen);
	litscan_free(ls);
	ck_assert_ptr_null(litscan_build(litscan_builder_new()));
	litscan_scan(NULL, (const unsigned char *)"bet", 3, ls_collect, seen);
	litscan_builder_free(NULL);
}
END_TEST

/* Several threads share one set: each gets its own match data and JIT stack, and all
 * see the same answers as a single thread does. */
struct pat_thread_arg {
	const struct patset *s;
	const struct domainset *d;
	unsigned bad;
};

static void *pat_thread(void *p)
{
	struct pat_thread_arg *a = p;
	char subj[64];
	struct pat_match m;
	struct domain_match dm;

	for (unsigned i = 0; i < 20000; i++) {
		snprintf(subj, sizeof(subj), "www.caipiao%u.example%u.com", i, i % 7);
		bool want = i >= 10; /* caipiao\d{2,} */
		if (patset_match(a->s, subj, strlen(subj), ALL, &m) != want)
			a->bad++;
		if (!domainset_lookup(a->d, subj, strlen(subj), ALL, &dm) || dm.line != i % 7)
			a->bad++;
	}
	return NULL;
}

START_TEST(sets_shared_by_threads)
{
	struct patset_builder *b = patset_builder_new();
	pat_add(b, "caipiao\\d{2,}", 1, 1);
	pat_add(b, "^(?:(a)|b)*c$", 2, 2); /* no literal: runs for every subject */
	struct patset *s = patset_build(b);
	struct domainset_builder *db = domainset_builder_new();
	for (unsigned k = 0; k < 7; k++) {
		char name[32];
		snprintf(name, sizeof(name), "example%u.com", k);
		ck_assert_int_eq(domainset_add(db, name, strlen(name), false, 1, 0, k), 0);
	}
	struct domainset *d = domainset_build(db);
	pthread_t th[4];
	struct pat_thread_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct pat_thread_arg){ .s = s, .d = d };
		ck_assert_int_eq(pthread_create(&th[i], NULL, pat_thread, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_uint_eq(args[i].bad, 0);
	}
	patset_free(s);
	domainset_free(d);
}
END_TEST

/* Property: the prefilter never hides a match. Random patterns and subjects built from
 * the same pieces; patset_match must report what running every pattern in order does. */
static const char *const pat_pieces[] = {
	"bet", "casino", "caipiao", "bocai", "365", "k", "s", "a", "\\d{2,}", "[0-9]",
	"(?:bo|ca)", ".", "x?", "y*", "z+", "|", "\\.", "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9",
	"\xe5\x8d\x9a", "^", "$", "\\b", "(?i:K)", "[a-c]", "(\\w)\\1", "ab{1,2}c", "BET",
	"kino", "sino", "(?=bet)", "\\bwww", "com", "xn--", "-", "(bet|casino)", "(?<n>kino)",
	"(sino)?", "(?:aab|bbc|(ino|kin))", "(365|bocai)+", ")", "(?:", "(", "[x[.]",
	"[[:alpha:]]", "[a-c[.]x]",
};
static const char *const subj_pieces[] = {
	"www.", "bet", "BET", "365", "casino", "CaSiNo", "caipiao", "bocai", "7", "88", ".com",
	"/path/", "xn--7gq06f48qukz", "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9", "\xe5\x8d\x9a",
	"\xe2\x84\xaa", "\xc5\xbf", "ino", "abbc", "aa", "k", "z", "y", "x", "-", "\xff",
};

/* A deterministic subject made of subj_pieces. */
static void pat_subject(unsigned *seed, char *subj)
{
	subj[0] = '\0';
	*seed = *seed * 1103515245u + 12345u;
	int pieces = 1 + (int)((*seed >> 16) % 6);
	for (int k = 0; k < pieces; k++) {
		*seed = *seed * 1103515245u + 12345u;
		strcat(subj, subj_pieces[(*seed >> 16) % CG_ARRAY_LEN(subj_pieces)]);
	}
}

START_TEST(pat_prefilter_never_hides)
{
	enum { NPAT = 400, NSUBJ = 3000 };
	unsigned seed = 777;
	pcre2_code **codes = calloc(NPAT, sizeof(*codes));
	unsigned *cats = calloc(NPAT, sizeof(*cats));
	char (*texts)[256] = calloc(NPAT, sizeof(*texts));
	struct patset_builder *b = patset_builder_new();
	size_t added = 0, compared = 0, matched = 0;
	pcre2_match_data *md = pcre2_match_data_create(16, NULL);

	for (int i = 0; i < NPAT; i++) {
		char pat[256] = "";
		seed = seed * 1103515245u + 12345u;
		int pieces = 1 + (int)((seed >> 16) % 5);
		for (int k = 0; k < pieces; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(pat, pat_pieces[(seed >> 16) % CG_ARRAY_LEN(pat_pieces)]);
		}
		char err[128];
		unsigned cat = (seed >> 8) % 6;
		if (patset_add(b, pat, strlen(pat), cat, 0, (uint32_t)added, err, sizeof(err)) < 0)
			continue;
		int ec;
		PCRE2_SIZE eo;
		codes[added] = pcre2_compile((PCRE2_SPTR)pat, strlen(pat),
					     PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
					     &ec, &eo, NULL);
		ck_assert_ptr_nonnull(codes[added]);
		/* the same engine as the set (JIT and the interpreter differ on odd UTF-8) */
		pcre2_jit_compile(codes[added], PCRE2_JIT_COMPLETE);
		cats[added] = cat;
		memcpy(texts[added], pat, sizeof(pat));
		added++;
	}
	struct patset *s = patset_build(b);
	ck_assert_uint_eq(patset_count(s), added);
	/* most patterns have a literal, some do not */
	ck_assert_uint_gt(patset_always_run(s), 0);
	ck_assert_uint_lt(patset_always_run(s), added);
	for (int j = 0; j < NSUBJ; j++) {
		char subj[256];
		pat_subject(&seed, subj);
		seed = seed * 1103515245u + 12345u;
		uint32_t mask = (seed >> 10) & 0x3f;
		long want = -1;
		for (size_t i = 0; i < added && want < 0; i++)
			if ((mask & CAT(cats[i])) &&
			    pcre2_match(codes[i], (PCRE2_SPTR)subj, strlen(subj), 0, 0, md, NULL) >= 0)
				want = (long)i;
		struct pat_match m;
		bool got = pat_look(s, subj, mask, &m);
		if (got != (want >= 0) || (got && m.line != (uint32_t)want))
			ck_abort_msg("subject %s: got %d line %u want %ld", subj, got,
				     got ? m.line : 0, want);
		compared++;
		matched += got;
	}
	/* the run is worth something only if matches and misses both happened */
	ck_assert_uint_gt(matched, NSUBJ / 10);
	ck_assert_uint_lt(matched, compared);

	/* Each pattern alone, so that one hidden behind an earlier match shows too. */
	for (size_t i = 0; i < added; i++) {
		struct patset_builder *one = patset_builder_new();
		struct pat_match m;
		ck_assert_int_eq(patset_add(one, texts[i], strlen(texts[i]), 0, 0, 0, NULL, 0), 0);
		struct patset *ps = patset_build(one);
		unsigned sseed = 99 + (unsigned)i;
		for (int j = 0; j < 1000; j++) {
			char subj[256];
			pat_subject(&sseed, subj);
			bool want = pcre2_match(codes[i], (PCRE2_SPTR)subj, strlen(subj), 0, 0, md,
						NULL) >= 0;
				if (pat_look(ps, subj, ALL, &m) != want)
				ck_abort_msg("pattern %s subject %s: want %d", texts[i], subj, want);
		}
		patset_free(ps);
	}
	for (size_t i = 0; i < added; i++)
		pcre2_code_free(codes[i]);
	pcre2_match_data_free(md);
	free(codes);
	free(cats);
	free(texts);
	patset_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("patset");
	TCase *tc = tcase_create("patset");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pat_basic);
	tcase_add_test(tc, pat_errors);
	tcase_add_test(tc, pat_deep_subject);
	tcase_add_test(tc, pat_match_limit);
	tcase_add_test(tc, pat_limit_reported);
	tcase_add_test(tc, literal_shapes);
	tcase_add_test(tc, litscan_finds_literals);
	tcase_add_test(tc, sets_shared_by_threads);
	tcase_add_test(tc, pat_prefilter_never_hides);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
