/* Tests for the matcher sets: domainset (suffix lookup on label boundaries) and urlset
 * (host -> path prefixes). The pattern set is test_patset.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domainset.h"
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
	return tu_run(s, NULL);
}
