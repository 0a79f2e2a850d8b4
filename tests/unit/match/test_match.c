/* Tests for the matcher sets: domainset (suffix lookup on label boundaries), urlset (host
 * -> path prefixes) and patset (PCRE2 behind a literal prefilter). */
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
#include "urlset.h"
#include "util.h"

#define CAT(n) (1u << (n))
#define ALL 0xffffffffu

static void ds_add(struct domainset_builder *b, const char *name, bool exact, unsigned cat,
		   uint16_t file, uint32_t line)
{
	ck_assert_int_eq(domainset_add(b, name, strlen(name), exact, cat, file, line), 0);
}

static bool ds_look(const struct domainset *s, const char *name, uint32_t mask,
		    struct domain_match *m)
{
	return domainset_lookup(s, name, strlen(name), mask, m);
}

static struct domainset *sample_set(void)
{
	struct domainset_builder *b = domainset_builder_new();
	ds_add(b, "bet365.com", false, 1, 0, 10);
	ds_add(b, "casino.example", false, 1, 0, 11);
	ds_add(b, "only.example", true, 2, 1, 5);
	ds_add(b, "xn--7gq06f48qukz.com", false, 1, 0, 12);
	ds_add(b, "deep.a.b.c.example", false, 3, 2, 7);
	ds_add(b, "c.example", false, 4, 2, 8);
	return domainset_build(b);
}

START_TEST(domain_label_boundary)
{
	struct domainset *s = sample_set();
	struct domain_match m;

	ck_assert(ds_look(s, "bet365.com", ALL, &m));
	ck_assert_uint_eq(m.category, 1);
	ck_assert_uint_eq(m.line, 10);
	ck_assert(!m.exact);
	ck_assert_uint_eq(m.name_len, 10);
	ck_assert(memcmp(m.name, "bet365.com", 10) == 0);
	ck_assert(ds_look(s, "www.bet365.com", ALL, &m));
	ck_assert(memcmp(m.name, "bet365.com", 10) == 0);
	ck_assert(ds_look(s, "a.b.c.www.bet365.com", ALL, &m));
	ck_assert(!ds_look(s, "notbet365.com", ALL, &m));
	ck_assert(!ds_look(s, "bet365.com.cn", ALL, &m));
	ck_assert(!ds_look(s, "com", ALL, &m));
	ck_assert(!ds_look(s, "et365.com", ALL, &m));
	ck_assert(ds_look(s, "www.xn--7gq06f48qukz.com", ALL, &m));
	ck_assert_uint_eq(m.line, 12);
	ck_assert_uint_eq(domainset_count(s), 6);
	ck_assert_uint_gt(domainset_bytes(s), 0);
	domainset_free(s);
}
END_TEST

START_TEST(domain_exact_entries)
{
	struct domainset *s = sample_set();
	struct domain_match m;

	ck_assert(ds_look(s, "only.example", ALL, &m));
	ck_assert(m.exact);
	ck_assert_uint_eq(m.category, 2);
	ck_assert_uint_eq(m.file_id, 1);
	ck_assert_uint_eq(m.line, 5);
	ck_assert(!ds_look(s, "www.only.example", ALL, &m));
	domainset_free(s);
}
END_TEST

START_TEST(domain_most_specific_and_mask)
{
	struct domainset *s = sample_set();
	struct domain_match m;

	/* the longest listed suffix wins */
	ck_assert(ds_look(s, "x.deep.a.b.c.example", ALL, &m));
	ck_assert_uint_eq(m.category, 3);
	ck_assert(ds_look(s, "a.b.c.example", ALL, &m));
	ck_assert_uint_eq(m.category, 4);
	/* a mask without the closer one's category falls back to the parent */
	ck_assert(ds_look(s, "x.deep.a.b.c.example", CAT(4), &m));
	ck_assert_uint_eq(m.category, 4);
	ck_assert_uint_eq(m.line, 8);
	ck_assert(!ds_look(s, "x.deep.a.b.c.example", CAT(7), &m));
	ck_assert(!ds_look(s, "bet365.com", 0, &m));
	domainset_free(s);
}
END_TEST

START_TEST(domain_multi_category)
{
	struct domainset_builder *b = domainset_builder_new();
	struct domain_match m;

	ds_add(b, "multi.example", false, 5, 3, 100);
	ds_add(b, "multi.example", false, 2, 4, 200);
	ds_add(b, "multi.example", false, 5, 9, 999); /* repeat: first provenance stays */
	ds_add(b, "multi.example", true, 7, 6, 300);  /* exact only in category 7 */
	ds_add(b, "other.example", false, 1, 0, 1);
	struct domainset *s = domainset_build(b);

	ck_assert(ds_look(s, "multi.example", ALL, &m));
	ck_assert_uint_eq(m.categories, CAT(2) | CAT(5) | CAT(7));
	ck_assert_uint_eq(m.category, 2);
	ck_assert_uint_eq(m.file_id, 4);
	ck_assert_uint_eq(m.line, 200);
	ck_assert(ds_look(s, "multi.example", CAT(5), &m));
	ck_assert_uint_eq(m.category, 5);
	ck_assert_uint_eq(m.file_id, 3);
	ck_assert_uint_eq(m.line, 100);
	ck_assert(!m.exact);
	ck_assert(ds_look(s, "multi.example", CAT(7), &m));
	ck_assert(m.exact);
	ck_assert_uint_eq(m.line, 300);
	/* below the name, the exact record does not apply */
	ck_assert(!ds_look(s, "www.multi.example", CAT(7), &m));
	ck_assert(ds_look(s, "www.multi.example", CAT(7) | CAT(5), &m));
	ck_assert_uint_eq(m.category, 5);
	ck_assert_uint_eq(domainset_count(s), 2);
	domainset_free(s);
}
END_TEST

START_TEST(domain_add_rejections)
{
	struct domainset_builder *b = domainset_builder_new();
	char big[300];
	memset(big, 'a', sizeof(big));

	ck_assert_int_eq(domainset_add(b, "", 0, false, 1, 0, 1), -1);
	ck_assert_int_eq(domainset_add(b, NULL, 3, false, 1, 0, 1), -1);
	ck_assert_int_eq(domainset_add(b, big, 254, false, 1, 0, 1), -1);
	ck_assert_int_eq(domainset_add(b, big, 253, false, 1, 0, 1), 0);
	ck_assert_int_eq(domainset_add(b, "a.b", 3, false, 32, 0, 1), -1);
	ck_assert_int_eq(domainset_add(NULL, "a.b", 3, false, 1, 0, 1), -1);
	struct domainset *s = domainset_build(b);
	struct domain_match m;
	ck_assert(domainset_lookup(s, big, 253, ALL, &m));
	ck_assert(!domainset_lookup(s, big, 254, ALL, &m));
	ck_assert(!domainset_lookup(s, "", 0, ALL, &m));
	domainset_free(s);
	domainset_builder_free(domainset_builder_new());
	domainset_builder_free(NULL);
	/* an empty set */
	s = domainset_build(domainset_builder_new());
	ck_assert(!ds_look(s, "example.com", ALL, &m));
	ck_assert_uint_eq(domainset_count(s), 0);
	domainset_free(s);
}
END_TEST

/* Many names: every one is found, its subdomains too, and near misses are not. */
START_TEST(domain_many_names)
{
	struct domainset_builder *b = domainset_builder_new();
	char name[64];
	const unsigned n = 200000;

	for (unsigned i = 0; i < n; i++) {
		int len = snprintf(name, sizeof(name), "site%u.example%u.com", i, i % 97);
		if (domainset_add(b, name, (size_t)len, i % 10 == 0, i % 20, (uint16_t)(i % 7),
				  i + 1) != 0)
			ck_abort_msg("add %s", name);
	}
	struct domainset *s = domainset_build(b);
	struct domain_match m;
	unsigned bad = 0; /* counted, then asserted once: Check pays per assertion */
	ck_assert_uint_eq(domainset_count(s), n);
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "site%u.example%u.com", i, i % 97);
		if (!ds_look(s, name, ALL, &m) || m.line != i + 1 || m.category != i % 20 ||
		    m.file_id != i % 7)
			bad++;
		snprintf(name, sizeof(name), "www.site%u.example%u.com", i, i % 97);
		if (ds_look(s, name, ALL, &m) != (i % 10 != 0))
			bad++;
		snprintf(name, sizeof(name), "xsite%u.example%u.com", i, i % 97);
		if (ds_look(s, name, ALL, &m))
			bad++;
	}
	ck_assert_uint_eq(bad, 0);
	domainset_free(s);
}
END_TEST

static void url_add(struct urlset_builder *b, const char *host, const char *path, unsigned cat,
		    uint32_t line)
{
	ck_assert_int_eq(urlset_add(b, host, strlen(host), path, strlen(path), cat, 1, line), 0);
}

static bool url_look(const struct urlset *s, const char *host, const char *path, uint32_t mask,
		     struct url_match *m)
{
	return urlset_lookup(s, host, strlen(host), path, strlen(path), mask, m);
}

static struct urlset *sample_urls(void)
{
	struct urlset_builder *b = urlset_builder_new();
	url_add(b, "example.com", "/casino/", 1, 1);
	url_add(b, "example.com", "/casino/poker/", 2, 2);
	url_add(b, "example.com", "/c", 3, 3);
	url_add(b, "example.com", "/casino/", 4, 4); /* same rule, other category */
	url_add(b, "www.example.com", "/news/", 5, 5);
	url_add(b, "example.com", "/casinox", 6, 6);
	url_add(b, "games.example.org", "/", 7, 7);
	return urlset_build(b);
}

START_TEST(url_longest_prefix)
{
	struct urlset *s = sample_urls();
	struct url_match m;

	ck_assert(url_look(s, "example.com", "/casino/poker/table1", ALL, &m));
	ck_assert_uint_eq(m.category, 2);
	ck_assert_uint_eq(m.path_len, strlen("/casino/poker/"));
	ck_assert(memcmp(m.path, "/casino/poker/", m.path_len) == 0);
	ck_assert(memcmp(m.host, "example.com", m.host_len) == 0);
	ck_assert(url_look(s, "example.com", "/casino/slots", ALL, &m));
	ck_assert_uint_eq(m.category, 1);
	ck_assert_uint_eq(m.line, 1);
	ck_assert_uint_eq(m.file_id, 1);
	ck_assert(url_look(s, "example.com", "/casinoxyz", ALL, &m));
	ck_assert_uint_eq(m.category, 6);
	ck_assert(url_look(s, "example.com", "/cards", ALL, &m));
	ck_assert_uint_eq(m.category, 3);
	ck_assert(!url_look(s, "example.com", "/about", ALL, &m));
	ck_assert(!url_look(s, "example.com", "/", ALL, &m));
	ck_assert(!url_look(s, "example.com", "", ALL, &m));
	/* masks: a shorter prefix, or the second rule with the same text */
	ck_assert(url_look(s, "example.com", "/casino/poker/x", CAT(1) | CAT(3), &m));
	ck_assert_uint_eq(m.category, 1);
	ck_assert(url_look(s, "example.com", "/casino/poker/x", CAT(4), &m));
	ck_assert_uint_eq(m.category, 4);
	ck_assert(url_look(s, "example.com", "/casino/poker/x", CAT(3), &m));
	ck_assert_uint_eq(m.category, 3);
	ck_assert(!url_look(s, "example.com", "/casino/poker/x", CAT(9), &m));
	ck_assert_uint_eq(urlset_count(s), 7);
	ck_assert_uint_gt(urlset_bytes(s), 0);
	urlset_free(s);
}
END_TEST

START_TEST(url_host_suffix)
{
	struct urlset *s = sample_urls();
	struct url_match m;

	ck_assert(url_look(s, "a.b.example.com", "/casino/1", ALL, &m));
	ck_assert_uint_eq(m.category, 1);
	ck_assert(!url_look(s, "notexample.com", "/casino/1", ALL, &m));
	/* the longest host first: www.example.com has its own rule */
	ck_assert(url_look(s, "www.example.com", "/news/today", ALL, &m));
	ck_assert_uint_eq(m.category, 5);
	/* and when it has no prefix for the path, the parent host's rules apply */
	ck_assert(url_look(s, "www.example.com", "/casino/", ALL, &m));
	ck_assert_uint_eq(m.category, 1);
	ck_assert(!url_look(s, "example.com", "/news/today", ALL, &m));
	ck_assert(url_look(s, "x.games.example.org", "/anything", ALL, &m));
	ck_assert_uint_eq(m.category, 7);
	ck_assert(!url_look(s, "example.org", "/anything", ALL, &m));
	urlset_free(s);
}
END_TEST

START_TEST(url_add_rejections)
{
	struct urlset_builder *b = urlset_builder_new();
	char big[300];
	memset(big, 'a', sizeof(big));

	ck_assert_int_eq(urlset_add(b, "", 0, "/", 1, 1, 0, 1), -1);
	ck_assert_int_eq(urlset_add(b, big, 254, "/", 1, 1, 0, 1), -1);
	ck_assert_int_eq(urlset_add(b, "a.b", 3, "x/", 2, 1, 0, 1), -1);
	ck_assert_int_eq(urlset_add(b, "a.b", 3, "", 0, 1, 0, 1), -1);
	ck_assert_int_eq(urlset_add(b, "a.b", 3, NULL, 1, 1, 0, 1), -1);
	ck_assert_int_eq(urlset_add(b, "a.b", 3, "/", 1, 32, 0, 1), -1);
	ck_assert_int_eq(urlset_add(NULL, "a.b", 3, "/", 1, 1, 0, 1), -1);
	ck_assert_int_eq(urlset_add(b, "a.b", 3, "/", 1, 1, 0, 1), 0);
	struct urlset *s = urlset_build(b);
	struct url_match m;
	ck_assert(url_look(s, "a.b", "/x", ALL, &m));
	ck_assert(!url_look(s, "a.b", "/x", 0, &m));
	urlset_free(s);
	urlset_builder_free(urlset_builder_new());
	s = urlset_build(urlset_builder_new());
	ck_assert(!url_look(s, "a.b", "/x", ALL, &m));
	urlset_free(s);
}
END_TEST

/* Compare urlset with a brute-force scan over random rules and paths. */
START_TEST(url_matches_brute_force)
{
	enum { NRULES = 300, NPROBES = 5000 };
	static const char *hosts[] = { "a.com", "b.a.com", "c.b.a.com", "x.org" };
	static char paths[NRULES][12];
	unsigned host[NRULES], cat[NRULES];
	unsigned seed = 12345;
	struct urlset_builder *b = urlset_builder_new();

	for (int i = 0; i < NRULES; i++) {
		seed = seed * 1103515245u + 12345u;
		host[i] = (seed >> 16) % 4;
		cat[i] = (seed >> 8) % 5;
		int len = 1 + (int)((seed >> 20) % 6);
		paths[i][0] = '/';
		for (int k = 1; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			paths[i][k] = "ab/"[(seed >> 16) % 3];
		}
		paths[i][len] = '\0';
		url_add(b, hosts[host[i]], paths[i], cat[i], (uint32_t)i + 1);
	}
	struct urlset *s = urlset_build(b);
	for (int p = 0; p < NPROBES; p++) {
		char path[16];
		seed = seed * 1103515245u + 12345u;
		unsigned qh = (seed >> 16) % 4;
		uint32_t mask = (seed >> 4) & 0x1f;
		int len = 1 + (int)((seed >> 24) % 8);
		path[0] = '/';
		for (int k = 1; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			path[k] = "ab/"[(seed >> 16) % 3];
		}
		path[len] = '\0';
		/* brute force: the longest host suffix with a rule, then the longest prefix,
		 * first added among equals */
		int best = -1;
		size_t best_host = 0, best_path = 0;
		const char *q = hosts[qh];
		for (int i = 0; i < NRULES; i++) {
			const char *h = hosts[host[i]];
			size_t hl = strlen(h), ql = strlen(q), pl = strlen(paths[i]);
			bool hmatch = hl == ql ? strcmp(h, q) == 0 :
				      hl < ql && q[ql - hl - 1] == '.' && strcmp(q + ql - hl, h) == 0;
			if (!hmatch || !(mask & CAT(cat[i])) || strncmp(path, paths[i], pl) != 0)
				continue;
			if (hl > best_host || (hl == best_host && pl > best_path)) {
				best = i;
				best_host = hl;
				best_path = pl;
			}
		}
		struct url_match m;
		bool found = url_look(s, q, path, mask, &m);
		ck_assert_int_eq(found, best >= 0);
		if (found)
			ck_assert_uint_eq(m.line, (uint32_t)best + 1);
	}
	urlset_free(s);
}
END_TEST


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
		ds_add(db, name, false, 1, 0, k);
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
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("domainset");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, domain_label_boundary);
	tcase_add_test(tc, domain_exact_entries);
	tcase_add_test(tc, domain_most_specific_and_mask);
	tcase_add_test(tc, domain_multi_category);
	tcase_add_test(tc, domain_add_rejections);
	tcase_add_test(tc, domain_many_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("urlset");
	tcase_add_test(tc, url_longest_prefix);
	tcase_add_test(tc, url_host_suffix);
	tcase_add_test(tc, url_add_rejections);
	tcase_add_test(tc, url_matches_brute_force);
	suite_add_tcase(s, tc);
	tc = tcase_create("patset");
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
