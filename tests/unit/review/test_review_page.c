/* Tests for review_page (the staff's reading API) and the group scope of review
 * filters: a scope lets only its groups through (none: nothing; records without a
 * group never), pages come newest first with a cursor that visits every record once,
 * an event of another group is not found by its id, the export keeps the CSV of
 * `campusgate journal --csv` (BOM, headers) and the scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_format.h"
#include "review.h"
#include "review_page.h"
#include "testutil.h"
#include "util.h"

#define SEC 1000000LL
#define T0 1764032400000000LL /* 2025-11-25T01:00:00Z = 09:00 in Shanghai */
#define OFF8 (8 * 3600)
#define N_EVENTS 30

static char *dir;

/* 30 events a minute apart, seq 1..30: odd seq class7a (10.7.1.x), even class7b
 * (10.7.2.x); every tenth an admin event with no group. */
static void make_journal(void)
{
	struct sbuf out;
	char day[11], name[32], id[16];
	sbuf_init(&out);
	dir = tu_tmpdir();
	for (int i = 1; i <= N_EVENTS; i++) {
		struct journal_record r;
		char client[32];
		memset(&r, 0, sizeof r);
		r.seq = (uint64_t)i;
		r.time_us = T0 + i * 60 * SEC;
		r.utc_offset = OFF8;
		snprintf(id, sizeof id, "id%02d", i);
		r.id = id;
		snprintf(client, sizeof client, "10.7.%d.%d", i % 2 ? 1 : 2, i);
		r.client = client;
		if (i % 10 == 0) {
			r.event = "admin";
			r.action = "login";
			r.account = "alice";
		} else {
			r.event = "hit";
			r.proto = "dns";
			r.action = "block";
			r.group = i % 2 ? "class7a" : "class7b";
			r.category = i % 3 ? "games" : "porn";
			r.host = i == 7 ? "xn--fjqpit8uy6c246e.com" : "bad.example";
		}
		journal_format_line(&out, &r);
	}
	journal_day_str(journal_day(T0, OFF8), day);
	snprintf(name, sizeof name, "%s.jsonl", day);
	free(tu_write_file(dir, name, out.data));
	sbuf_free(&out);
}

static void drop_journal(void)
{
	tu_rmtree(dir);
	free(dir);
}

static const char *const only7a[] = { "class7a" };
static const char *const both[] = { "class7b", "class7a" };

START_TEST(scope_groups)
{
	struct review_filter f;
	review_filter_init(&f);
	ck_assert(review_group_allowed(&f, "class7a"));
	ck_assert(review_group_allowed(&f, NULL)); /* unscoped: everything */
	review_filter_scope(&f, only7a, 1);
	ck_assert(review_group_allowed(&f, "class7a"));
	ck_assert(!review_group_allowed(&f, "class7b"));
	ck_assert(!review_group_allowed(&f, "class7"));   /* whole names only */
	ck_assert(!review_group_allowed(&f, "class7ab"));
	ck_assert(!review_group_allowed(&f, NULL));       /* admin events: outside */
	review_filter_scope(&f, both, 2);
	ck_assert(review_group_allowed(&f, "class7b"));
	ck_assert(review_group_allowed(&f, "class7a"));
	review_filter_scope(&f, NULL, 0);                 /* a scope of none: nothing */
	ck_assert(!review_group_allowed(&f, "class7a"));
	ck_assert(!review_group_allowed(&f, NULL));
}
END_TEST

START_TEST(scope_match_and_needles)
{
	struct review_filter f;
	struct journal_record r;
	char *must[10];
	memset(&r, 0, sizeof r);
	r.time_us = T0;
	r.group = "class7b";
	review_filter_init(&f);
	review_filter_scope(&f, only7a, 1);
	ck_assert(!review_match(&f, &r));
	r.group = "class7a";
	ck_assert(review_match(&f, &r));
	/* a filter on another group inside a scope still finds nothing of it */
	f.group = "class7b";
	r.group = "class7b";
	ck_assert(!review_match(&f, &r));
	/* a scope of one group is a needle */
	f.group = NULL;
	review_needles(&f, must, CG_ARRAY_LEN(must));
	ck_assert_ptr_nonnull(must[0]);
	ck_assert_str_eq(must[0], "\"group\":\"class7a\"");
	ck_assert_ptr_null(must[1]);
	review_needles_free(must);
	review_filter_scope(&f, both, 2);
	review_needles(&f, must, CG_ARRAY_LEN(must));
	ck_assert_ptr_null(must[0]);
}
END_TEST

START_TEST(page_newest_first_and_cursor)
{
	struct review_filter f;
	struct review_page p;
	struct review_cursor c = { INT64_MAX, 0 };
	const char *err = NULL;
	uint64_t seen[N_EVENTS + 1] = { 0 }, last = UINT64_MAX;
	size_t pages = 0, total = 0;
	review_filter_init(&f);
	do {
		ck_assert_int_eq(review_page_read(dir, &f, &c, 7, &p, NULL, &err), 0);
		for (size_t i = 0; i < p.n; i++) {
			ck_assert_uint_lt(p.hits[i].r.seq, last); /* newest first, no repeats */
			last = p.hits[i].r.seq;
			seen[last]++;
			ck_assert_int_eq(p.hits[i].line[0], '{');
		}
		total += p.n;
		pages++;
		ck_assert(p.more == (total < N_EVENTS));
		ck_assert_uint_eq(p.n, p.more ? 7 : N_EVENTS % 7);
		c = p.next;
		bool more = p.more;
		review_page_free(&p);
		if (!more)
			break;
	} while (pages < 10);
	ck_assert_uint_eq(total, N_EVENTS);
	ck_assert_uint_eq(pages, 5);
	for (int i = 1; i <= N_EVENTS; i++)
		ck_assert_uint_eq(seen[i], 1);
}
END_TEST

START_TEST(page_scoped_and_filtered)
{
	struct review_filter f;
	struct review_page p;
	const char *err = NULL;
	review_filter_init(&f);
	review_filter_scope(&f, only7a, 1);
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 50, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 15); /* odd seq: never a multiple of ten */
	ck_assert(!p.more);
	for (size_t i = 0; i < p.n; i++)
		ck_assert_str_eq(p.hits[i].r.group, "class7a");
	ck_assert_uint_eq(p.hits[0].r.seq, 29);
	review_page_free(&p);
	/* by id: its own group's event, not another's, not an admin event */
	f.id = "id07";
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 1, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_str_eq(p.hits[0].r.host, "xn--fjqpit8uy6c246e.com");
	review_page_free(&p);
	f.id = "id08";
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 1, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 0);
	review_page_free(&p);
	f.id = "id10";
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 1, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 0);
	review_page_free(&p);
	/* a client of another group's subnet: nothing */
	f.id = NULL;
	ck_assert_int_eq(review_filter_client(&f, "10.7.2.0/24"), 0);
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 50, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 0);
	review_page_free(&p);
	/* a scope of none */
	review_filter_init(&f);
	review_filter_scope(&f, NULL, 0);
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 50, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 0);
	review_page_free(&p);
	/* unscoped, the Unicode form of a host finds the punycode one */
	review_filter_init(&f);
	f.host = "葡京";
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 50, &p, NULL, &err), 0);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.hits[0].r.seq, 7);
	review_page_free(&p);
}
END_TEST

START_TEST(page_rejects_sizes)
{
	struct review_filter f;
	struct review_page p;
	const char *err = NULL;
	review_filter_init(&f);
	ck_assert_int_eq(review_page_read(dir, &f, NULL, 0, &p, NULL, &err), -1);
	ck_assert_uint_eq(p.n, 0);
	ck_assert_int_eq(review_page_read(dir, &f, NULL, REVIEW_PAGE_MAX + 1, &p, NULL, &err), -1);
	ck_assert_int_eq(review_page_read("/nonexistent/cg", &f, NULL, 5, &p, NULL, &err), -1);
	ck_assert_ptr_nonnull(err);
}
END_TEST

START_TEST(export_csv_scoped)
{
	struct review_filter f;
	char *buf = NULL;
	size_t len = 0;
	uint64_t rows = 0;
	const char *err = NULL;
	FILE *m = open_memstream(&buf, &len);
	review_filter_init(&f);
	review_filter_scope(&f, only7a, 1);
	f.category = "porn";
	ck_assert_int_eq(review_export(dir, &f, m, REVIEW_CSV, LANG_ZH, &rows, NULL, &err), 0);
	fclose(m);
	ck_assert_uint_eq(rows, 5); /* odd multiples of 3 up to 29: 3 9 15 21 27 */
	ck_assert(len > 3 && memcmp(buf, "\xEF\xBB\xBF时间,序号,", 3 + 14) == 0);
	ck_assert_ptr_null(strstr(buf, "class7b"));
	ck_assert_ptr_nonnull(strstr(buf, "class7a"));
	free(buf);
	/* English headers, every group */
	m = open_memstream(&buf, &len);
	review_filter_init(&f);
	ck_assert_int_eq(review_export(dir, &f, m, REVIEW_CSV, LANG_EN, &rows, NULL, &err), 0);
	fclose(m);
	ck_assert_uint_eq(rows, N_EVENTS);
	ck_assert(memcmp(buf, "\xEF\xBB\xBFtime,seq,", 12) == 0);
	free(buf);
	/* the limit */
	m = open_memstream(&buf, &len);
	f.limit = 4;
	ck_assert_int_eq(review_export(dir, &f, m, REVIEW_CSV, LANG_EN, &rows, NULL, &err), 0);
	fclose(m);
	ck_assert_uint_eq(rows, 4);
	free(buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("review_page");
	TCase *tc = tcase_create("core");
	tcase_add_unchecked_fixture(tc, make_journal, drop_journal);
	tcase_add_test(tc, scope_groups);
	tcase_add_test(tc, scope_match_and_needles);
	tcase_add_test(tc, page_newest_first_and_cursor);
	tcase_add_test(tc, page_scoped_and_filtered);
	tcase_add_test(tc, page_rejects_sizes);
	tcase_add_test(tc, export_csv_scoped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
