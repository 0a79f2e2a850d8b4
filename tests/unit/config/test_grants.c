/* Tests for grants.c: the file's lines (each rejection), matching by name, group and
 * time, expiry, and the atomic write read back. Also timetable_period_end, which the
 * console uses for "this lesson". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grants.h"
#include "testutil.h"
#include "timetable.h"
#include "tz.h"

static struct grants g;
static struct diag d;

static size_t P(const char *s)
{
	grants_free(&g);
	diag_free(&d);
	diag_init(&d);
	return grants_parse(s, strlen(s), "grants", &g, &d);
}

/* One bad line: nothing kept, one error naming grants:1 and why. */
static void reject(const char *line, const char *why)
{
	ck_assert_uint_eq(P(line), 0);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "grants:1:"));
	if (!strstr(d.msgs[0], why))
		ck_abort_msg("'%s': got '%s', want '%s'", line, d.msgs[0], why);
}

START_TEST(good_lines)
{
	ck_assert_uint_eq(P("# comment\n\nexample.org students 1800000000 k3z9q2 admin\n"
			    "  wiki.example * permanent - ms.wang\r\n"),
			  2);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_str_eq(g.v[0].name, "example.org");
	ck_assert_str_eq(g.v[0].group, "students");
	ck_assert_int_eq(g.v[0].until, 1800000000);
	ck_assert_str_eq(g.v[0].request, "k3z9q2");
	ck_assert_uint_eq(g.v[0].line, 3);
	ck_assert_int_eq(g.v[1].until, 0);
	ck_assert_str_eq(g.v[1].group, "*");
	ck_assert_uint_eq(g.v[1].line, 4);
}
END_TEST

START_TEST(rejections)
{
	reject("example.org students 1800000000 k3 admin extra", "more than five fields");
	reject("example.org students 1800000000 k3", "expected NAME GROUP UNTIL REQUEST ACCOUNT");
	reject("Example.org students 1800000000 k3 admin", "bad name");
	reject("192.0.2.1 students 1800000000 k3 admin", "bad name");
	reject("exa_mple..org students 1800000000 k3 admin", "bad name");
	reject("example.org stu/dents 1800000000 k3 admin", "bad group");
	reject("example.org students tomorrow k3 admin", "bad end");
	reject("example.org students 0 k3 admin", "bad end");
	reject("example.org students 1234567890123 k3 admin", "bad end");
	reject("example.org students 1800000000 k3! admin", "bad request id");
	reject("example.org students 1800000000 k3 .admin", "bad account");
	reject("example.org students\x01 1800000000 k3 admin", "control character");
	/* a bad line is skipped, the good ones around it are kept */
	ck_assert_uint_eq(P("a.example * permanent - x\nbad\nb.example * permanent - x\n"), 2);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "grants:2:"));
}
END_TEST

START_TEST(too_many)
{
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i <= GRANTS_MAX; i++)
		sbuf_printf(&b, "n%d.example * permanent - admin\n", i);
	grants_free(&g);
	diag_free(&d);
	diag_init(&d);
	ck_assert_uint_eq(grants_parse(b.data, b.len, "grants", &g, &d), GRANTS_MAX);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "too many grants"));
	const char *why = NULL;
	ck_assert_int_eq(grants_add(&g, "x.example", "*", 0, "-", "admin", &why), -1);
	sbuf_free(&b);
}
END_TEST

START_TEST(match_and_expiry)
{
	P("example.org students 1000 - admin\nschool.example * permanent - admin\n");
	/* the name and the names below it, not a longer name that ends alike */
	ck_assert_ptr_nonnull(grants_match(&g, "example.org", 11, "students", 999));
	ck_assert_ptr_nonnull(grants_match(&g, "www.example.org", 15, "students", 999));
	ck_assert_ptr_null(grants_match(&g, "badexample.org", 14, "students", 999));
	/* the group it was given for only; "*" is every group */
	ck_assert_ptr_null(grants_match(&g, "example.org", 11, "staff", 999));
	ck_assert_ptr_nonnull(grants_match(&g, "school.example", 14, "staff", 999));
	/* at its end and after, it never allows */
	ck_assert_ptr_null(grants_match(&g, "example.org", 11, "students", 1000));
	ck_assert_ptr_nonnull(grants_match(&g, "school.example", 14, "x", 4000000000));
	ck_assert_int_eq(grants_next_end(&g, 500), 1000);
	ck_assert_int_eq(grants_next_end(&g, 1000), 0);
	ck_assert_uint_eq(grants_expire(&g, 999), 0);
	ck_assert_uint_eq(grants_expire(&g, 1000), 1);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.v[0].name, "school.example");
}
END_TEST

START_TEST(add_write_read)
{
	char dir[] = "/tmp/cg-grants-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/grants", dir);
	const char *why = NULL;
	grants_free(&g);
	ck_assert_int_eq(grants_add(&g, "example.org", "students", 1800000000, "k3z9", "admin",
				    &why), 0);
	ck_assert_int_eq(grants_add(&g, "wiki.example", "*", 0, "-", "admin", &why), 0);
	ck_assert_int_eq(grants_add(&g, "EXAMPLE.org", "*", 0, "-", "admin", &why), -1);
	ck_assert_str_eq(why, "bad name (a normalised host name)");
	ck_assert_int_eq(grants_add(&g, "example.org", "a b", 0, "-", "admin", &why), -1);
	ck_assert_int_eq(grants_write(path, &g), 0);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	struct grants back = { 0 };
	diag_free(&d);
	diag_init(&d);
	ck_assert_int_eq(grants_read(path, &back, &d), 0);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(back.n, 2);
	ck_assert_str_eq(back.v[0].name, "example.org");
	ck_assert_int_eq(back.v[0].until, 1800000000);
	ck_assert_int_eq(back.v[1].until, 0);
	grants_free(&back);
	/* a missing file is no grants; a directory is an error */
	unlink(path);
	ck_assert_int_eq(grants_read(path, &back, &d), 0);
	ck_assert_uint_eq(back.n, 0);
	ck_assert_int_eq(grants_read(dir, &back, &d), -1);
	/* no temporary file is left behind */
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(period_end)
{
	const char *err = NULL;
	struct tz *z = tz_load("Asia/Shanghai", &err);
	ck_assert_ptr_nonnull(z);
	struct cfg_timerange times[2] = { { 8 * 60, 8 * 60 + 45 }, { 22 * 60, 6 * 60 } };
	struct cfg_timetable tt;
	memset(&tt, 0, sizeof(tt));
	tt.weekdays = 0x7f;
	tt.times = times;
	tt.n_times = 2;
	/* 2026-12-07 08:10 +0800 = 00:10 UTC; the period ends 08:45 +0800 */
	time_t t = 1796602200; /* 2026-12-07T00:10:00Z */
	ck_assert_int_eq(timetable_period_end(&tt, z, t), 1796602200 + 35 * 60);
	/* outside every range: none */
	ck_assert_int_eq(timetable_period_end(&tt, z, t + 3600), 0);
	/* 23:00 in a range across midnight: ends 06:00 the next day */
	time_t late = 1796602200 + (14 * 60 + 50) * 60; /* 23:00 +0800 */
	ck_assert_int_eq(timetable_period_end(&tt, z, late), late + 7 * 3600);
	tz_free(z);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grants");
	TCase *tc = tcase_create("grants");
	diag_init(&d);
	tcase_add_test(tc, good_lines);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, too_many);
	tcase_add_test(tc, match_and_expiry);
	tcase_add_test(tc, add_write_read);
	tcase_add_test(tc, period_end);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
