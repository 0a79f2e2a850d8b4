/* Tests for review (durations, times, every filter, display widths, terminal cleaning,
 * CSV quoting and formula neutralising, the three outputs) and the report's HTML
 * escaping (the report itself: test_report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal_format.h"
#include "report.h"
#include "review.h"
#include "testutil.h"
#include "tz.h"
#include "util.h"

#define SEC 1000000LL
#define T0 1764032400000000LL /* 2025-11-25T01:00:00Z = 09:00 in Shanghai */
#define OFF8 (8 * 3600)

static struct journal_record rec(int64_t t, const char *client, const char *group,
				 const char *category, const char *action, const char *host)
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.seq = 1;
	r.time_us = t;
	r.utc_offset = OFF8;
	r.id = "abc123";
	r.event = "hit";
	r.proto = "dns";
	r.client = client;
	r.group = group;
	r.category = category;
	r.action = action;
	r.host = host;
	return r;
}

START_TEST(durations)
{
	int64_t us;
	ck_assert_int_eq(review_parse_duration("12h", &us), 0);
	ck_assert_int_eq(us, 12 * 3600 * SEC);
	ck_assert_int_eq(review_parse_duration("90s", &us), 0);
	ck_assert_int_eq(us, 90 * SEC);
	ck_assert_int_eq(review_parse_duration("30m", &us), 0);
	ck_assert_int_eq(us, 1800 * SEC);
	ck_assert_int_eq(review_parse_duration("7d", &us), 0);
	ck_assert_int_eq(us, 7 * 86400 * SEC);
	ck_assert_int_eq(review_parse_duration("2w", &us), 0);
	ck_assert_int_eq(us, 14 * 86400 * SEC);
	const char *bad[] = { "", "h", "12", "12x", "-1h", "0h", "1.5h", "12hh", " 1h",
			      "999999999999999d", "5300w", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(review_parse_duration(bad[i], &us) == -1, "%s accepted", bad[i]);
	ck_assert_int_eq(review_parse_duration(NULL, &us), -1);
}
END_TEST

START_TEST(times)
{
	const char *err;
	struct tz *sh = tz_load("Asia/Shanghai", &err);
	int64_t us;
	ck_assert_ptr_nonnull(sh);
	ck_assert_int_eq(review_parse_time("2025-11-25", sh, false, &us), 0);
	ck_assert_int_eq(us, T0 - 9 * 3600 * SEC);
	ck_assert_int_eq(review_parse_time("2025-11-25", sh, true, &us), 0);
	ck_assert_int_eq(us, T0 + 15 * 3600 * SEC - 1);
	ck_assert_int_eq(review_parse_time("2025-11-25T09:00", sh, false, &us), 0);
	ck_assert_int_eq(us, T0);
	ck_assert_int_eq(review_parse_time("2025-11-25 09:00", sh, true, &us), 0);
	ck_assert_int_eq(us, T0 + 60 * SEC - 1);
	ck_assert_int_eq(review_parse_time("2025-11-25 09:00:30", sh, false, &us), 0);
	ck_assert_int_eq(us, T0 + 30 * SEC);
	ck_assert_int_eq(review_parse_time("2025-11-25T09:00:00", NULL, false, &us), 0);
	ck_assert_int_eq(us, T0 + 8 * 3600 * SEC);
	ck_assert_int_eq(review_parse_time("2025-11-25T01:00:00Z", sh, false, &us), 0);
	ck_assert_int_eq(us, T0);
	ck_assert_int_eq(review_parse_time("2025-11-25T10:00:00+09:00", sh, false, &us), 0);
	ck_assert_int_eq(us, T0);
	const char *bad[] = { "", "2025", "2025-11-31", "2025-11-25T9:00", "2025-11-25T24:00",
			      "2025-11-25T09:60", "2025-11-25T09:00:61", "2025-11-25X09:00",
			      "2025-11-25T09:00:0", "yesterday", "2025-11-25T09:00:00+8", NULL };
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(review_parse_time(bad[i], sh, false, &us) == -1, "%s accepted",
			      bad[i]);
	tz_free(sh);
}
END_TEST

START_TEST(filters)
{
	struct review_filter f;
	struct journal_record r = rec(T0, "10.1.2.3", "students", "gambling", "block",
				      "Bet365.Example");
	review_filter_init(&f);
	ck_assert(review_match(&f, &r));
	/* time */
	f.from_us = T0 + 1;
	ck_assert(!review_match(&f, &r));
	f.from_us = T0;
	f.to_us = T0;
	ck_assert(review_match(&f, &r));
	f.to_us = T0 - 1;
	ck_assert(!review_match(&f, &r));
	review_filter_init(&f);
	/* category, group, action, proto, event, id: exact */
	f.category = "gambling";
	ck_assert(review_match(&f, &r));
	f.category = "gamb";
	ck_assert(!review_match(&f, &r));
	review_filter_init(&f);
	f.group = "teachers";
	ck_assert(!review_match(&f, &r));
	f.group = "students";
	ck_assert(review_match(&f, &r));
	f.action = "observe";
	ck_assert(!review_match(&f, &r));
	f.action = "block";
	f.proto = "dns";
	f.event = "hit";
	f.id = "abc123";
	ck_assert(review_match(&f, &r));
	f.id = "abc12";
	ck_assert(!review_match(&f, &r));
	review_filter_init(&f);
	/* host: substring, case-insensitive */
	f.host = "bet365";
	ck_assert(review_match(&f, &r));
	f.host = "EXAMPLE";
	ck_assert(review_match(&f, &r));
	f.host = "example.com";
	ck_assert(!review_match(&f, &r));
	f.host = "";
	ck_assert(review_match(&f, &r));
	r.host = NULL;
	f.host = "x";
	ck_assert(!review_match(&f, &r));
	r.host = "a";
	review_filter_init(&f);
	/* client: address or subnet */
	ck_assert_int_eq(review_filter_client(&f, "10.1.0.0/16"), 0);
	ck_assert(review_match(&f, &r));
	ck_assert_int_eq(review_filter_client(&f, "10.2.0.0/16"), 0);
	ck_assert(!review_match(&f, &r));
	ck_assert_int_eq(review_filter_client(&f, "10.1.2.3"), 0);
	ck_assert(review_match(&f, &r));
	ck_assert_int_eq(review_filter_client(&f, "2001:db8::/32"), 0);
	ck_assert(!review_match(&f, &r));
	r.client = "2001:db8::7";
	ck_assert(review_match(&f, &r));
	r.client = "not-an-address";
	ck_assert(!review_match(&f, &r));
	r.client = NULL;
	ck_assert(!review_match(&f, &r));
	ck_assert_int_eq(review_filter_client(&f, "10.1.2.3/16"), -1);
	ck_assert_int_eq(review_filter_client(&f, "10.1.2"), -1);
	ck_assert_int_eq(review_filter_client(&f, NULL), -1);
	/* The scan prefilter: plain exact-match values only, NULL-terminated, capped. */
	char *must[3];
	review_filter_init(&f);
	f.category = "gambling";
	f.group = "a\"b";
	f.action = "block";
	f.proto = "dns";
	f.host = "x";
	review_needles(&f, must, 3);
	ck_assert_str_eq(must[0], "\"category\":\"gambling\"");
	ck_assert_str_eq(must[1], "\"action\":\"block\"");
	ck_assert_ptr_null(must[2]);
	review_needles_free(must);
	f.category = "中文";
	f.action = NULL;
	f.proto = NULL;
	review_needles(&f, must, 3);
	ck_assert_ptr_null(must[0]);
	/* one address: its text as the writer prints it; a subnet: none */
	f.category = NULL;
	ck_assert_int_eq(review_filter_client(&f, "2001:DB8:0::7"), 0);
	review_needles(&f, must, 3);
	ck_assert_str_eq(must[0], "\"client\":\"2001:db8::7\"");
	ck_assert_ptr_null(must[1]);
	review_needles_free(must);
	ck_assert_int_eq(review_filter_client(&f, "10.1.2.0/24"), 0);
	review_needles(&f, must, 3);
	ck_assert_ptr_null(must[0]);
	enum review_format fmt;
	ck_assert_int_eq(review_parse_format("csv", &fmt), 0);
	ck_assert_int_eq(fmt, REVIEW_CSV);
	ck_assert_int_eq(review_parse_format("jsonl", &fmt), 0);
	ck_assert_int_eq(fmt, REVIEW_JSON);
	ck_assert_int_eq(review_parse_format("table", &fmt), 0);
	ck_assert_int_eq(fmt, REVIEW_TABLE);
	ck_assert_int_eq(review_parse_format("xml", &fmt), -1);
	ck_assert_int_eq(review_parse_format(NULL, &fmt), -1);
}
END_TEST

START_TEST(widths_and_cleaning)
{
	struct sbuf b;
	ck_assert_uint_eq(review_text_width("abc"), 3);
	ck_assert_uint_eq(review_text_width("时间"), 4);
	ck_assert_uint_eq(review_text_width("ｅ"), 2); /* full-width */
	ck_assert_uint_eq(review_text_width("e\xcc\x81"), 1); /* e + combining acute */
	ck_assert_uint_eq(review_text_width(""), 0);
	sbuf_init(&b);
	ck_assert_uint_eq(review_text_clean(&b, "a\x1b[31mb\x7f\xc2\x9b\n", 80), 10);
	ck_assert_str_eq(b.data, "a?[31mb???");
	sbuf_reset(&b);
	review_text_clean(&b, "evil\xe2\x80\xaetxt.exe", 80); /* U+202E right-to-left override */
	ck_assert_str_eq(b.data, "evil?txt.exe");
	sbuf_reset(&b);
	ck_assert_uint_eq(review_text_clean(&b, "abcdefghij", 5), 5);
	ck_assert_str_eq(b.data, "abcd\xe2\x80\xa6");
	sbuf_reset(&b);
	ck_assert_uint_eq(review_text_clean(&b, "中文域名测试", 5), 5); /* 2 + 2 + … */
	ck_assert_str_eq(b.data, "中文\xe2\x80\xa6");
	sbuf_reset(&b);
	ck_assert_uint_eq(review_text_clean(&b, "中文", 4), 4);
	ck_assert_str_eq(b.data, "中文");
	sbuf_free(&b);
}
END_TEST

START_TEST(csv_fields)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "plain.example", "plain.example" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		/* control characters, newlines too, C1 and bidi controls: U+FFFD */
		{ "line\nbreak", "line\xef\xbf\xbd" "break" },
		{ "cr\rhere, x", "\"cr\xef\xbf\xbdhere, x\"" },
		{ "ctl\x01\x1b[31mred", "ctl\xef\xbf\xbd\xef\xbf\xbd[31mred" },
		{ "del\x7f", "del\xef\xbf\xbd" },
		{ "c1\xc2\x9b" "2J", "c1\xef\xbf\xbd" "2J" },
		{ "bidi\xe2\x80\xae" "gpj.exe", "bidi\xef\xbf\xbd" "gpj.exe" },
		{ "中文\xc3\xa9", "中文\xc3\xa9" },
		{ "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "+1", "\"'+1\"" },
		{ "-2+3", "\"'-2+3\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "\tx", "\"'\xef\xbf\xbdx\"" },
		{ "\r=1", "\"'\xef\xbf\xbd=1\"" },
		{ "a=b", "a=b" },
		{ "", "" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		struct sbuf b;
		sbuf_init(&b);
		sbuf_adds(&b, "");
		review_csv_field(&b, cases[i].in);
		ck_assert_str_eq(b.data, cases[i].out);
		sbuf_free(&b);
	}
}
END_TEST

/* noinline: inlined, GCC 12 takes the memstream buffer for a dangling local */
__attribute__((noinline)) static char *run_out(enum review_format fmt, enum lang l, const struct journal_record *rs,
		     size_t n, uint64_t *rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct review_out *o = review_out_new(f, fmt, l);
	for (size_t i = 0; i < n; i++)
		review_out_row(o, &rs[i], "{\"line\":1}", 10);
	*rows = review_out_end(o);
	fclose(f);
	return buf;
}

/* The display column at which the n-th column (0-based) of a table line starts. */
static size_t col_start(const char *line, int n)
{
	char *copy = xstrdup(line);
	size_t w = 0;
	char *p = copy;
	for (int i = 0; i < n; i++) {
		char *sp = strstr(p, "  ");
		ck_assert_ptr_nonnull(sp);
		while (sp[0] == ' ')
			sp++;
		char save = *sp;
		*sp = '\0';
		w += review_text_width(p);
		*sp = save;
		p = sp;
	}
	free(copy);
	return w;
}

START_TEST(table_aligned_zh)
{
	struct journal_record rs[3] = {
		rec(T0, "10.1.2.3", "学生", "gambling", "block", "a.example"),
		rec(T0 + SEC, "2001:db8::1234", "teachers", "porn", "block", "b.example"),
		rec(T0 + 2 * SEC, "10.9.9.9", "g", "赌博", "observe", "坏\x1b]0;x\x07.example"),
	};
	rs[1].path = "/x";
	uint64_t rows;
	char *out = run_out(REVIEW_TABLE, LANG_ZH, rs, 3, &rows);
	ck_assert_uint_eq(rows, 3);
	ck_assert_ptr_null(strchr(out, '\x1b'));
	ck_assert_ptr_null(strchr(out, '\x07'));
	ck_assert_ptr_nonnull(strstr(out, "时间"));
	ck_assert_ptr_nonnull(strstr(out, "主机/路径"));
	ck_assert_ptr_nonnull(strstr(out, "2025-11-25 09:00:01"));
	ck_assert_ptr_nonnull(strstr(out, "b.example/x"));
	ck_assert_ptr_nonnull(strstr(out, "（共 3 条事件）"));
	/* Every row's columns start at the header's display columns. */
	char *lines[5];
	int n = 0;
	for (char *s = strtok(out, "\n"); s && n < 5; s = strtok(NULL, "\n"))
		lines[n++] = s;
	ck_assert_int_eq(n, 5);
	for (int c = 1; c < 7; c++) {
		size_t want = col_start(lines[0], c);
		for (int i = 1; i < 4; i++)
			ck_assert_msg(col_start(lines[i], c) == want, "row %d column %d at %zu, not %zu",
				      i, c, col_start(lines[i], c), want);
	}
	free(out);
	out = run_out(REVIEW_TABLE, LANG_EN, rs, 0, &rows);
	ck_assert_ptr_nonnull(strstr(out, "TIME"));
	ck_assert_ptr_nonnull(strstr(out, "(0 events)"));
	free(out);
}
END_TEST

START_TEST(table_streams_past_window)
{
	size_t n = REVIEW_TABLE_WINDOW + 50;
	struct journal_record *rs = xcalloc(n, sizeof *rs);
	for (size_t i = 0; i < n; i++)
		rs[i] = rec(T0, "10.0.0.1", "g", "c", "block", "h.example");
	rs[n - 1].group = "a-much-longer-group-name-than-before";
	uint64_t rows;
	char *out = run_out(REVIEW_TABLE, LANG_EN, rs, n, &rows);
	ck_assert_uint_eq(rows, n);
	/* The late wide cell is cut to the fixed width, the grid holds. */
	ck_assert_ptr_null(strstr(out, "a-much-longer"));
	ck_assert_ptr_nonnull(strstr(out, "a-mu\xe2\x80\xa6  "));
	free(out);
	free(rs);
}
END_TEST

/* People read 葡京娱乐场.com, the journal holds xn--fjqpit8uy6c246e.com: the table and
 * CSV show the Unicode form (the CSV keeps the ASCII one in its last column), the CSV
 * header follows the reader's language, and --host finds the event by either form. */
START_TEST(unicode_hosts_shown_and_found)
{
	struct journal_record r = rec(T0, "10.1.2.3", "g", "gambling", "block",
				      "xn--fjqpit8uy6c246e.com");
	struct review_filter f;
	review_filter_init(&f);
	const char *finds[] = { "葡京", "葡京娱乐场.com", "xn--fjqpit8uy6c246e", "XN--FJQ", ".com" };
	for (size_t i = 0; i < CG_ARRAY_LEN(finds); i++) {
		f.host = finds[i];
		ck_assert_msg(review_match(&f, &r), "--host %s", finds[i]);
	}
	const char *misses[] = { "澳门", "葡京x", "fjqpit8uy6c246f" };
	for (size_t i = 0; i < CG_ARRAY_LEN(misses); i++) {
		f.host = misses[i];
		ck_assert_msg(!review_match(&f, &r), "--host %s", misses[i]);
	}
	/* a label that only looks like punycode matches as text and does not crash */
	struct journal_record bad = rec(T0, "10.1.2.3", "g", "gambling", "block", "xn--.xn--zz");
	f.host = "葡京";
	ck_assert(!review_match(&f, &bad));

	uint64_t rows;
	char *out = run_out(REVIEW_TABLE, LANG_EN, &r, 1, &rows);
	ck_assert_ptr_nonnull(strstr(out, "葡京娱乐场.com"));
	ck_assert_ptr_null(strstr(out, "xn--"));
	free(out);
	out = run_out(REVIEW_CSV, LANG_ZH, &r, 1, &rows);
	ck_assert(strncmp(out, "\xef\xbb\xbf时间,序号,事件号,", strlen("\xef\xbb\xbf时间,序号,事件号,")) == 0);
	ck_assert_ptr_nonnull(strstr(out, ",网站,"));
	const char *nl = strstr(out, "\r\n");
	ck_assert_ptr_nonnull(nl);
	ck_assert_ptr_nonnull(strstr(nl + 2, ",葡京娱乐场.com,"));
	ck_assert_ptr_nonnull(strstr(nl + 2, ",xn--fjqpit8uy6c246e.com,\r\n"));
	free(out);
}
END_TEST

START_TEST(json_and_csv_outputs)
{
	struct journal_record r = rec(T0, "10.1.2.3", "g", "gambling", "block",
				      "=cmd|' /C calc'!A0,\"x\"\n");
	r.rule_file = "lists/g.list";
	r.rule_line = 12;
	r.rule_text = "@bad";
	r.reason = "-why";
	uint64_t rows;
	char *out = run_out(REVIEW_JSON, LANG_EN, &r, 1, &rows);
	ck_assert_str_eq(out, "{\"line\":1}\n");
	free(out);
	out = run_out(REVIEW_CSV, LANG_EN, &r, 1, &rows);
	ck_assert_uint_eq(rows, 1);
	const char *nl = strstr(out, "\r\n");
	ck_assert_ptr_nonnull(nl);
	/* a UTF-8 byte order mark first, so that Excel and WPS read the file as UTF-8 */
	ck_assert(strncmp(out, "\xef\xbb\xbftime,seq,id,event,proto,action,client,", 41) == 0);
	ck_assert_str_eq(nl + 2, "2025-11-25T09:00:00.000000+08:00,1,abc123,hit,dns,block,"
				 "10.1.2.3,,,g,\"'=cmd|' /C calc'!A0,\"\"x\"\"\xef\xbf\xbd\",,,gambling,"
				 "lists/g.list,12,\"'@bad\",,\"'-why\","
				 "\"'=cmd|' /C calc'!A0,\"\"x\"\"\xef\xbf\xbd\",\r\n");
	free(out);
	/* an admin event: who acted, in the last column */
	r.event = "admin";
	r.account = "alice";
	out = run_out(REVIEW_CSV, LANG_EN, &r, 1, &rows);
	ck_assert_ptr_nonnull(strstr(out, ",account\r\n"));
	ck_assert_ptr_nonnull(strstr(out, ",alice\r\n"));
	free(out);
}
END_TEST

/* JSON Lines copies the journal line, but a raw DEL, C1 or bidi control in it (an older
 * writer, an edited file) goes out as its \uXXXX escape: the same JSON, nothing raw. */
START_TEST(json_escapes_raw_controls)
{
	static const char line[] = "{\"seq\":1,\"host\":\"a\x7f" "b\xc2\x9b" "c\xe2\x80\xae"
				   "d\xe4\xb8\xad\xc3\xa9\",\"x\":\t1}";
	static const char want[] = "{\"seq\":1,\"host\":\"a\\u007fb\\u009bc\\u202ed"
				   "\xe4\xb8\xad\xc3\xa9\",\"x\":\t1}\n";
	struct journal_record r = rec(T0, "10.1.2.3", "g", "c", "block", "h");
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct review_out *o = review_out_new(f, REVIEW_JSON, LANG_EN);
	review_out_row(o, &r, line, sizeof line - 1);
	review_out_row(o, &r, line, 12); /* cut in the middle: only what was given */
	ck_assert_uint_eq(review_out_end(o), 2);
	fclose(f);
	ck_assert_uint_eq(len, strlen(want) + 13);
	ck_assert_mem_eq(buf, want, strlen(want));
	ck_assert_mem_eq(buf + strlen(want), "{\"seq\":1,\"ho\n", 13);
	free(buf);
	/* and the writer escapes them in the first place */
	struct sbuf b;
	sbuf_init(&b);
	journal_json_escape(&b, "a\x7f" "b\xc2\x9b" "c\xe2\x80\xae" "d\xe2\x81\xa6" "e\xc2\xa0", 100);
	ck_assert_str_eq(b.data, "a\\u007fb\\u009bc\\u202ed\\u2066e\xc2\xa0");
	sbuf_free(&b);
}
END_TEST

START_TEST(html_escapes_controls)
{
	struct sbuf b;
	sbuf_init(&b);
	report_html_escape(&b, "<a href=\"x\">'&\x01\x1b\x7f\xc2\x85\xe2\x80\xaeok\t中");
	ck_assert_str_eq(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#xfffd;&#xfffd;&#xfffd;"
				 "&#xfffd;&#xfffd;ok\t中");
	sbuf_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("filters");
	tcase_add_test(tc, durations);
	tcase_add_test(tc, times);
	tcase_add_test(tc, filters);
	suite_add_tcase(s, tc);
	tc = tcase_create("outputs");
	tcase_add_test(tc, widths_and_cleaning);
	tcase_add_test(tc, csv_fields);
	tcase_add_test(tc, table_aligned_zh);
	tcase_add_test(tc, table_streams_past_window);
	tcase_add_test(tc, json_and_csv_outputs);
	tcase_add_test(tc, unicode_hosts_shown_and_found);
	tcase_add_test(tc, json_escapes_raw_controls);
	tcase_add_test(tc, html_escapes_controls);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
