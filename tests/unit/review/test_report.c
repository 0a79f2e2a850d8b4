/* Tests for the incident report (report.c, report_text.c, report_html.c): the title with
 * the school and period, the incidents listed per category with the reader's titles
 * (zh and en), MAC, host name, the Unicode site beside its punycode, the rule and the
 * event id; the bound on the list and the CSV hint; the integrity sentence for a real
 * intact and a real tampered journal; the sign-off block; the chart; HTML escaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_format.h"
#include "journal_verify.h"
#include "report.h"
#include "testutil.h"
#include "util.h"

#define SEC 1000000LL
#define T0 1764032400000000LL /* 2025-11-25T01:00:00Z = 09:00 in Shanghai */
#define OFF8 (8 * 3600)

static struct journal_record rec(int64_t t, const char *client, const char *category,
				 const char *action, const char *host, const char *id)
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.seq = 1;
	r.time_us = t;
	r.utc_offset = OFF8;
	r.id = id;
	r.event = "hit";
	r.proto = "dns";
	r.client = client;
	r.group = "students";
	r.category = category;
	r.action = action;
	r.host = host;
	r.rule_file = "lists/gambling.list";
	r.rule_line = 12;
	return r;
}

__attribute__((noinline)) static char *render(struct report *rp, bool html, enum lang l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (html)
		report_html(rp, f, l);
	else
		report_text(rp, f, l);
	fclose(f);
	return buf;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* A report of four incidents and one journal event over 09:00..12:00 in Shanghai. */
static struct report *sample(const char *school)
{
	struct report *rp = report_new(school, T0, T0 + 3 * 3600 * SEC - 1, OFF8, 10);
	report_set_category(rp, "gambling", "赌博", "Gambling");
	report_set_category(rp, "porn", "色情", "Pornography");
	struct journal_record rs[] = {
		rec(T0 + 60 * SEC, "10.1.2.3", "gambling", "block", "xn--fjqpit8uy6c246e.com",
		    "k3z9q2m4c1x8a7b6f5d"),
		rec(T0 + 3600 * SEC, "10.1.2.4", "gambling", "observed", "bet365.com", "id2"),
		rec(T0 + 7200 * SEC, "10.1.2.5", "porn", "block", "porn.example", "id3"),
		rec(T0 + 7300 * SEC, "10.1.2.6", "magic", "block", "tarot.example", "id4"),
		rec(T0 + 7400 * SEC, NULL, NULL, NULL, NULL, "id5"),
	};
	rs[0].mac = "02:00:5e:10:00:01";
	rs[0].client_name = "class3-pc07";
	rs[4].event = "recovered";
	for (size_t i = 0; i < CG_ARRAY_LEN(rs); i++)
		report_add(rp, &rs[i]);
	return rp;
}

START_TEST(incidents_text_zh)
{
	struct report *rp = sample("第一中学");
	char *buf = render(rp, false, LANG_ZH);
	ck_assert_ptr_nonnull(strstr(buf, "第一中学 安全日志事件报告\n"));
	ck_assert_ptr_nonnull(strstr(buf, "时段：2025-11-25 09:00:00 至 2025-11-25 11:59:59（UTC+08:00）"));
	ck_assert_ptr_nonnull(strstr(buf, "事件总数：5，其中违规访问：4 起"));
	ck_assert_ptr_nonnull(strstr(buf, "违规访问明细"));
	ck_assert_ptr_nonnull(strstr(buf, "共 4 起，全部列出"));
	/* the categories by the config's Chinese titles, the name beside */
	ck_assert_ptr_nonnull(strstr(buf, "赌博（gambling）：2 起"));
	ck_assert_ptr_nonnull(strstr(buf, "色情（porn）：1 起"));
	ck_assert_ptr_nonnull(strstr(buf, "magic：1 起")); /* no title: its name */
	ck_assert_ptr_null(strstr(buf, "Gambling"));
	/* the first incident: time, client, MAC, host name, site, action, rule, id */
	const char *row = strstr(buf, "2025-11-25 09:01:00  10.1.2.3");
	ck_assert_ptr_nonnull(row);
	const char *eol = strchr(row, '\n');
	char line[512];
	snprintf(line, sizeof line, "%.*s", (int)(eol - row), row);
	ck_assert_ptr_nonnull(strstr(line, "02:00:5e:10:00:01"));
	ck_assert_ptr_nonnull(strstr(line, "class3-pc07"));
	ck_assert_ptr_nonnull(strstr(line, "葡京娱乐场.com (xn--fjqpit8uy6c246e.com)"));
	ck_assert_ptr_nonnull(strstr(line, "已拦截"));
	ck_assert_ptr_nonnull(strstr(line, "lists/gambling.list:12"));
	ck_assert_ptr_nonnull(strstr(line, "k3z9q2m4c1x8a7b6f5d"));
	ck_assert_ptr_nonnull(strstr(buf, "仅记录"));
	/* the journal's own event is counted, not listed */
	ck_assert_ptr_null(strstr(buf, "id5"));
	/* grouped: gambling (2) before porn and magic (1 each), in time order inside */
	ck_assert(strstr(buf, "赌博（gambling）：2 起") < strstr(buf, "magic：1 起"));
	ck_assert(strstr(buf, "k3z9q2m4c1x8a7b6f5d") < strstr(buf, "id2"));
	/* the chart as a table: per hour, with the category titles as columns */
	ck_assert_ptr_nonnull(strstr(buf, "每小时违规访问（按类别）"));
	ck_assert_ptr_nonnull(strstr(buf, "时间（UTC+08:00）"));
	ck_assert_ptr_nonnull(strstr(buf, "\n  11:00"));
	/* not checked, and the sign-off */
	ck_assert_ptr_nonnull(strstr(buf, "未校验安全日志"));
	ck_assert_ptr_nonnull(strstr(buf, "审阅与签字"));
	ck_assert_ptr_nonnull(strstr(buf, "审阅人"));
	ck_assert_ptr_nonnull(strstr(buf, "日期"));
	ck_assert_ptr_nonnull(strstr(buf, "签名"));
	free(buf);
	report_free(rp);
}
END_TEST

START_TEST(incidents_text_en)
{
	struct report *rp = sample(NULL);
	char *buf = render(rp, false, LANG_EN);
	ck_assert(strncmp(buf, "Security journal incident report\n", 33) == 0);
	ck_assert_ptr_nonnull(strstr(buf, "Gambling (gambling): 2 incidents"));
	ck_assert_ptr_nonnull(strstr(buf, "Pornography (porn): 1 incident\n"));
	ck_assert_ptr_nonnull(strstr(buf, "All 4 incidents are listed"));
	ck_assert_ptr_nonnull(strstr(buf, "\nmagic: 1 incident\n"));
	ck_assert_ptr_nonnull(strstr(buf, "葡京娱乐场.com (xn--fjqpit8uy6c246e.com)"));
	ck_assert_ptr_nonnull(strstr(buf, "recorded only"));
	ck_assert_ptr_nonnull(strstr(buf, "Review and sign-off"));
	ck_assert_ptr_nonnull(strstr(buf, "Reviewed by"));
	ck_assert_ptr_nonnull(strstr(buf, "Signature"));
	ck_assert_ptr_null(strstr(buf, "赌博"));
	free(buf);
	report_free(rp);
}
END_TEST

START_TEST(listing_is_bounded)
{
	struct report *rp = report_new(NULL, T0, T0 + 3600 * SEC, OFF8, 10);
	report_set_listing(rp, 2, "campusgate report --from '2025-11-25 09:00:00' --csv -o incidents.csv");
	char ids[5][8];
	for (int i = 0; i < 5; i++) {
		snprintf(ids[i], sizeof ids[i], "ev%d", i);
		struct journal_record r = rec(T0 + i * SEC, "10.0.0.1", "gambling", "block",
					      "bet.example", ids[i]);
		report_add(rp, &r);
	}
	char *buf = render(rp, false, LANG_EN);
	ck_assert_ptr_nonnull(strstr(buf, "5 incidents; 2 are listed here (the first 2 of each category"));
	ck_assert_ptr_nonnull(strstr(buf, "gambling: 5 incidents (the first 2 are listed)"));
	ck_assert_ptr_nonnull(strstr(buf, "Every incident, for Excel or WPS: campusgate report --from "
				     "'2025-11-25 09:00:00' --csv -o incidents.csv"));
	ck_assert_ptr_nonnull(strstr(buf, "ev0"));
	ck_assert_ptr_nonnull(strstr(buf, "ev1"));
	ck_assert_ptr_null(strstr(buf, "ev2"));
	free(buf);
	buf = render(rp, true, LANG_ZH);
	ck_assert_ptr_nonnull(strstr(buf, "共 5 起；此处列出 2 起"));
	ck_assert_ptr_nonnull(strstr(buf, "全部明细（可用 Excel 或 WPS 打开）："));
	ck_assert_ptr_nonnull(strstr(buf, "--from &#39;2025-11-25 09:00:00&#39; --csv"));
	ck_assert_int_eq(count_of(buf, "<td class=t>"), 2);
	free(buf);
	report_free(rp);
}
END_TEST

/* Write a real journal of n chained lines (one a minute from T0) into dir. */
static void write_journal(const char *dir, int n)
{
	struct sbuf b;
	uint8_t prev[JOURNAL_HASH_LEN] = { 0 };
	sbuf_init(&b);
	for (int i = 0; i < n; i++) {
		struct journal_record r = rec(T0 + i * 60 * SEC, "10.0.0.1", "gambling", "block",
					      "bet.example", "idx");
		r.seq = (uint64_t)i + 1;
		memcpy(r.prev, prev, sizeof prev);
		journal_format_line(&b, &r);
		memcpy(prev, r.hash, sizeof prev);
	}
	free(tu_write_file(dir, "2025-11-25.jsonl", b.data));
	sbuf_free(&b);
}

static char *integrity_of(const char *dir, enum lang l, int *status)
{
	struct journal_verify_result vr;
	struct report *rp = report_new(NULL, T0, T0 + 3600 * SEC, OFF8, 10);
	journal_verify(dir, INT32_MIN, &vr);
	*status = vr.status;
	report_set_verify(rp, &vr);
	char *buf = render(rp, false, l);
	report_free(rp);
	return buf;
}

START_TEST(integrity_sentence)
{
	char *dir = tu_tmpdir();
	int status;
	write_journal(dir, 4);
	char *buf = integrity_of(dir, LANG_EN, &status);
	ck_assert_int_eq(status, 0);
	ck_assert_ptr_nonnull(strstr(buf, "The journal is complete and unaltered from "
				     "2025-11-25 09:00:00 to 2025-11-25 09:03:00 (4 events, seq 1..4)."));
	free(buf);
	buf = integrity_of(dir, LANG_ZH, &status);
	ck_assert_ptr_nonnull(strstr(buf, "安全日志自 2025-11-25 09:00:00 至 2025-11-25 09:03:00 "
				     "完整、未被改动（共 4 条事件，序号 1..4）。"));
	free(buf);

	/* an edited line: line 2 says another client */
	char *path = xstrdup(dir);
	path = xrealloc(path, strlen(dir) + 32);
	strcat(path, "/2025-11-25.jsonl");
	char *text = tu_read_file(path, NULL);
	char *second = strchr(text, '\n') + 1;
	char *c = strstr(second, "10.0.0.1");
	ck_assert_ptr_nonnull(c);
	c[7] = '9';
	free(tu_write_file(dir, "2025-11-25.jsonl", text));
	buf = integrity_of(dir, LANG_EN, &status);
	ck_assert_int_eq(status, 1);
	ck_assert_ptr_nonnull(strstr(buf, "The journal has been ALTERED: 2025-11-25.jsonl, line 2: "
				     "a line was changed (edited: "));
	ck_assert_ptr_nonnull(strstr(buf, "tell the network administrator"));
	ck_assert_ptr_null(strstr(buf, "complete and unaltered"));
	free(buf);
	buf = integrity_of(dir, LANG_ZH, &status);
	ck_assert_ptr_nonnull(strstr(buf, "安全日志已被改动：2025-11-25.jsonl 第 2 行，有记录被修改"));
	free(buf);
	free(text);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(html_document)
{
	struct report *rp = sample("<b>第一中学</b>");
	struct journal_record evil = rec(T0 + 100 * SEC, "10.0.0.9", "porn", "block",
					 "<script>alert(1)</script>", "e\"'&v");
	evil.client_name = "<img src=x>";
	report_add(rp, &evil);
	char *buf = render(rp, true, LANG_ZH);
	ck_assert(strncmp(buf, "<!DOCTYPE html>", 15) == 0);
	ck_assert_ptr_nonnull(strstr(buf, "<html lang=\"zh-CN\">"));
	ck_assert_ptr_nonnull(strstr(buf, "Content-Security-Policy"));
	ck_assert_ptr_nonnull(strstr(buf, "<title>&lt;b&gt;第一中学&lt;/b&gt; 安全日志事件报告 "
				     "(2025-11-25 09:00:00 – 2025-11-25 11:59:59)</title>"));
	ck_assert_ptr_nonnull(strstr(buf, "@media print"));
	ck_assert_ptr_nonnull(strstr(buf, "<h3>赌博（gambling）：2 起</h3>"));
	ck_assert_ptr_nonnull(strstr(buf, "<td class=s>葡京娱乐场.com<br><span class=sub>xn--fjqpit8uy6c246e.com</span></td>"));
	ck_assert_ptr_nonnull(strstr(buf, "<td>10.1.2.3<br><span class=sub>02:00:5e:10:00:01</span>"
				     "<br><span class=sub>class3-pc07</span></td>"));
	ck_assert_ptr_nonnull(strstr(buf, "<td>lists/gambling.list:12</td>"));
	ck_assert_ptr_nonnull(strstr(buf, "<code>k3z9q2m4c1x8a7b6f5d</code>"));
	/* escaped: the school, a hostile host, id and host name */
	ck_assert_ptr_nonnull(strstr(buf, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(buf, "e&quot;&#39;&amp;v"));
	ck_assert_ptr_nonnull(strstr(buf, "&lt;img src=x&gt;"));
	ck_assert_ptr_null(strstr(buf, "<script"));
	ck_assert_ptr_null(strstr(buf, "<img"));
	ck_assert_ptr_null(strstr(buf, "<b>"));
	ck_assert_ptr_null(strstr(buf, " src=\""));
	ck_assert_ptr_null(strstr(buf, " href=\""));
	/* the only url() are the chart's own patterns */
	ck_assert_int_eq(count_of(buf, "url("), count_of(buf, "url(#cgp"));
	/* the chart: axes titled, a legend with the titles and counts, a pattern each */
	ck_assert_ptr_nonnull(strstr(buf, "<svg "));
	ck_assert_ptr_nonnull(strstr(buf, ">时间（UTC+08:00）</text>"));
	ck_assert_ptr_nonnull(strstr(buf, ">起数</text>"));
	ck_assert_ptr_nonnull(strstr(buf, ">赌博 (2)</text>"));
	ck_assert_ptr_nonnull(strstr(buf, ">色情 (2)</text>"));
	ck_assert_ptr_nonnull(strstr(buf, ">magic (1)</text>"));
	ck_assert_ptr_nonnull(strstr(buf, "<pattern id=\"cgp1\""));
	ck_assert_ptr_nonnull(strstr(buf, "<title>09:00 赌博: 1</title>"));
	ck_assert_ptr_nonnull(strstr(buf, "<title>11:00 色情: 1</title>"));
	/* the sign-off */
	ck_assert_ptr_nonnull(strstr(buf, "<div class=signoff>"));
	ck_assert_ptr_nonnull(strstr(buf, "审阅人："));
	ck_assert_ptr_nonnull(strstr(buf, "签名："));
	ck_assert(strstr(buf, "</body>\n</html>\n") != NULL);
	free(buf);
	buf = render(rp, true, LANG_EN);
	ck_assert_ptr_nonnull(strstr(buf, "<h3>Gambling (gambling): 2 incidents</h3>"));
	ck_assert_ptr_nonnull(strstr(buf, ">Gambling (2)</text>"));
	ck_assert_ptr_nonnull(strstr(buf, "Reviewed by: "));
	free(buf);
	report_free(rp);
}
END_TEST

START_TEST(counts_and_chart_series)
{
	/* seven categories: the chart shows five and puts the other two together */
	struct report *rp = report_new(NULL, T0, T0 + 3600 * SEC, OFF8, 2);
	const char *cats[] = { "a", "b", "c", "d", "e", "f", "g" };
	for (int i = 0; i < 7; i++)
		for (int k = 0; k <= 7 - i; k++) {
			struct journal_record r = rec(T0 + k * SEC, "10.0.0.1", cats[i], "block",
						      "x.example", "id");
			report_add(rp, &r);
		}
	char *buf = render(rp, true, LANG_EN);
	ck_assert_ptr_nonnull(strstr(buf, ">a (8)</text>"));
	ck_assert_ptr_nonnull(strstr(buf, ">e (4)</text>"));
	ck_assert_ptr_nonnull(strstr(buf, ">Other categories (5)</text>")); /* f 3 + g 2 */
	ck_assert_ptr_null(strstr(buf, ">f (3)</text>"));
	ck_assert_int_eq(count_of(buf, "<pattern id="), 6);
	free(buf);
	report_free(rp);
}
END_TEST

START_TEST(digests_and_day_buckets)
{
	char *dir = tu_tmpdir();
	free(tu_write_file(dir, "digest.log",
			   "{\"day\":\"2025-11-20\",\"count\":5,\"first_seq\":1,\"last_seq\":5,"
			   "\"last_hash\":\"" "00000000000000000000000000000000"
			   "00000000000000000000000000000000" "\"}\n"
			   "{\"day\":\"2025-11-25\",\"count\":7,\"first_seq\":6,\"last_seq\":12,"
			   "\"last_hash\":\"" "abababababababababababababababab"
			   "abababababababababababababababab" "\"}\n"
			   "garbage\n"));
	/* 40 days: bars per day, not per hour */
	struct report *rp = report_new(NULL, T0 - 2 * 86400 * SEC, T0 + 40 * 86400 * SEC, OFF8,
				       0);
	report_set_digests(rp, dir);
	char *buf = render(rp, false, LANG_EN);
	ck_assert_ptr_nonnull(strstr(buf, "Incidents per day, by category"));
	ck_assert_ptr_nonnull(strstr(buf, "\n  2025-11-25"));
	ck_assert_ptr_nonnull(strstr(buf, "2025-11-25  7 events  seq 6..12  last hash abab"));
	ck_assert_ptr_null(strstr(buf, "2025-11-20  5 events"));
	ck_assert_ptr_nonnull(strstr(buf, "The journal was not checked (--no-verify)."));
	ck_assert_ptr_nonnull(strstr(buf, "No incidents in this period."));
	free(buf);
	report_free(rp);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, incidents_text_zh);
	tcase_add_test(tc, incidents_text_en);
	tcase_add_test(tc, listing_is_bounded);
	tcase_add_test(tc, integrity_sentence);
	tcase_add_test(tc, html_document);
	tcase_add_test(tc, counts_and_chart_series);
	tcase_add_test(tc, digests_and_day_buckets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
