/* Tests for the dashboard's numbers (dashboard.c): blocks per hour and per day by
 * category, bypass attempts, top clients and sites, the journal's own alarms, limited
 * to some groups, and the chart drawn from them. */
#include <stdlib.h>
#include <string.h>

#include "dashboard.h"
#include "journal_format.h"
#include "journal_index.h"
#include "journal_read_support.h"
#include "report_int.h"
#include "testutil.h"
#include "util.h"

static const int64_t H = 3600LL * 1000000;

struct jw {
	char *dir;
	uint64_t seq;
	uint8_t last[JOURNAL_HASH_LEN];
};

/* One event at time t (filed under t's local day, UTC+8). */
static void ev(struct jw *w, int64_t t, const char *event, const char *action,
	       const char *group, const char *cat, const char *client, const char *host)
{
	struct journal_record r;
	struct sbuf out;
	char name[32], id[24];
	memset(&r, 0, sizeof r);
	sbuf_init(&out);
	r.seq = ++w->seq;
	r.time_us = t;
	r.utc_offset = OFF8;
	snprintf(id, sizeof id, "id%llu", (unsigned long long)r.seq);
	r.id = id;
	r.event = event;
	r.proto = "dns";
	r.action = action;
	r.group = group;
	r.category = cat;
	r.client = client;
	r.host = host;
	memcpy(r.prev, w->last, JOURNAL_HASH_LEN);
	journal_format_line(&out, &r);
	memcpy(w->last, r.hash, JOURNAL_HASH_LEN);
	journal_day_str(journal_day(t, OFF8), name);
	strcat(name, ".jsonl");
	char *p = path_in(w->dir, name);
	append_file(p, out.data, out.len);
	free(p);
	sbuf_free(&out);
}

START_TEST(dashboard_numbers)
{
	struct jw w = { .dir = tu_tmpdir() };
	/* now: 2025-11-30 14:30 at UTC+8 */
	int64_t now = ((int64_t)(DAY0 + 5) * 86400 - OFF8 + 14 * 3600 + 1800) * 1000000LL;
	journal_index_cache_setup(NULL);
	/* 9 days ago: outside the 7 days */
	ev(&w, now - 9 * 24 * H, "hit", "block", "students", "gambling", "10.1.1.1", "old.example");
	/* 3 days ago: 2 gambling blocks by 10.1.1.1, one observed porn by the lab */
	ev(&w, now - 3 * 24 * H, "hit", "block", "students", "gambling", "10.1.1.1", "bet.example");
	ev(&w, now - 3 * 24 * H + 5, "hit", "block", "students", "gambling", "10.1.1.1", "bet.example");
	ev(&w, now - 3 * 24 * H + 9, "hit", "observed", "lab", "pornography", "10.2.0.9", "p.example");
	/* the last 24 hours: blocks in two hours, a bypass, an admin action, a recovery */
	ev(&w, now - 2 * H, "hit", "block", "students", "pornography", "10.1.1.2", "p.example");
	ev(&w, now - 2 * H + 1, "hit", "block", "lab", "gambling", "10.2.0.9", "bet.example");
	ev(&w, now - 10 * 60 * 1000000LL, "bypass", "block", "students", "bypass", "10.1.1.3",
	   "dns.google");
	ev(&w, now - 60 * 1000000LL, "admin", "login", NULL, NULL, "127.0.0.1", "console");
	ev(&w, now - 30 * 1000000LL, "recovered", "recovered", NULL, NULL, NULL, NULL);
	struct dashboard d;
	const char *err;
	ck_assert_int_eq(dashboard_build(&d, w.dir, now, OFF8, NULL, 10, &err), 0);
	ck_assert_uint_eq(d.blocks_24h, 3);
	ck_assert_uint_eq(d.blocks_7d, 5);
	ck_assert_uint_eq(d.bypass_24h, 1);
	ck_assert_uint_eq(d.bypass_7d, 1);
	ck_assert_uint_eq(d.alarms_7d, 1);
	ck_assert_uint_eq(d.hours->nbuckets, 24);
	ck_assert_uint_eq(d.days->nbuckets, 7);
	ck_assert_uint_eq(d.hours->buckets[21], 2);   /* 12:00-13:00 */
	ck_assert_uint_eq(d.hours->buckets[23], 1);   /* 14:00-15:00: the bypass block */
	ck_assert_uint_eq(d.days->buckets[3], 2);     /* 3 days ago */
	ck_assert_uint_eq(d.days->buckets[6], 3);     /* today */
	ck_assert_uint_eq(d.nclients, 4);
	ck_assert_str_eq(d.clients[0].key, "10.1.1.1");
	ck_assert_uint_eq(d.clients[0].n, 2);
	ck_assert_str_eq(d.sites[0].key, "bet.example");
	ck_assert_uint_eq(d.sites[0].n, 3);
	ck_assert_uint_eq(d.nrecent, 1);
	ck_assert_str_eq(d.recent[0].host, "dns.google");
	/* the chart from these numbers: bars with the categories, a legend */
	struct sbuf svg;
	sbuf_init(&svg);
	report_html_chart(d.days, &svg, LANG_EN, "blocks per day");
	ck_assert_ptr_nonnull(strstr(svg.data, "<svg"));
	ck_assert_ptr_nonnull(strstr(svg.data, "aria-label=\"blocks per day\""));
	ck_assert_ptr_nonnull(strstr(svg.data, "gambling (3)"));
	ck_assert_ptr_nonnull(strstr(svg.data, "11-27"));
	sbuf_free(&svg);
	dashboard_free(&d);
	/* limited to the lab: only the lab's numbers */
	static const char *const lab[] = { "lab", NULL };
	ck_assert_int_eq(dashboard_build(&d, w.dir, now, OFF8, lab, 10, &err), 0);
	ck_assert_uint_eq(d.blocks_24h, 1);
	ck_assert_uint_eq(d.blocks_7d, 1);
	ck_assert_uint_eq(d.bypass_7d, 0);
	ck_assert_uint_eq(d.alarms_7d, 0);
	ck_assert_uint_eq(d.nclients, 1);
	ck_assert_str_eq(d.clients[0].key, "10.2.0.9");
	ck_assert_uint_eq(d.clients[0].n, 2);
	ck_assert_uint_eq(d.nrecent, 0);
	dashboard_free(&d);
	/* an empty journal, and one that is not there */
	char *empty = tu_tmpdir();
	ck_assert_int_eq(dashboard_build(&d, empty, now, OFF8, NULL, 10, &err), 0);
	ck_assert_uint_eq(d.blocks_7d + d.nclients + d.nrecent, 0);
	dashboard_free(&d);
	ck_assert_int_eq(dashboard_build(&d, "/nonexistent/journal", now, OFF8, NULL, 10, &err), -1);
	dashboard_free(&d);
	tu_rmtree(empty);
	free(empty);
	tu_rmtree(w.dir);
	free(w.dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dashboard");
	TCase *tc = tcase_create("dashboard");
	tcase_add_test(tc, dashboard_numbers);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
