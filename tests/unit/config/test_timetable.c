/* Unit tests for tz (the bounded TZif reader) and timetable (when scheduled blocking is
 * in force): zones with DST edges, weekdays, ranges across midnight, holidays, exams. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "timetable.h"
#include "tz.h"

/* UTC seconds of a civil UTC time. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	return (time_t)(tz_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60);
}

static struct tz *zone(const char *name)
{
	const char *err = NULL;
	struct tz *tz = tz_load(name, &err);
	if (!tz)
		ck_abort_msg("tz_load(%s): %s", name, err ? err : "?");
	return tz;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	char *p = tu_read_file(path, len);
	return (unsigned char *)p;
}

/* ---- tz ---- */

START_TEST(test_civil_days)
{
	ck_assert_int_eq(tz_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(tz_days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(tz_days_from_civil(1969, 12, 31), -1);
	for (int64_t d = -800000; d < 800000; d += 997) {
		int64_t y;
		int m, dd;
		tz_civil_from_days(d, &y, &m, &dd);
		ck_assert_int_eq(tz_days_from_civil(y, m, dd), d);
	}
}
END_TEST

START_TEST(test_utc_builtin)
{
	struct tz *tz = zone("UTC");
	ck_assert_str_eq(tz_name(tz), "UTC");
	ck_assert_int_eq(tz_offset(tz, utc(2026, 7, 1, 0, 0)), 0);
	struct tm tm;
	tz_localtime(tz, utc(2026, 11, 25, 14, 5), &tm);
	ck_assert_int_eq(tm.tm_year, 126);
	ck_assert_int_eq(tm.tm_mon, 10);
	ck_assert_int_eq(tm.tm_mday, 25);
	ck_assert_int_eq(tm.tm_hour, 14);
	ck_assert_int_eq(tm.tm_min, 5);
	ck_assert_int_eq(tm.tm_wday, 3); /* Wednesday */
	tz_free(tz);
}
END_TEST

START_TEST(test_shanghai)
{
	struct tz *tz = zone("Asia/Shanghai");
	ck_assert_int_eq(tz_offset(tz, utc(2026, 11, 25, 0, 0)), 8 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2026, 7, 1, 0, 0)), 8 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2100, 7, 1, 0, 0)), 8 * 3600);
	/* China had DST in 1986-1991 */
	ck_assert_int_eq(tz_offset(tz, utc(1988, 7, 1, 0, 0)), 9 * 3600);
	struct tm tm;
	tz_localtime(tz, utc(2026, 11, 25, 18, 30), &tm); /* 02:30 next day in Beijing */
	ck_assert_int_eq(tm.tm_mday, 26);
	ck_assert_int_eq(tm.tm_hour, 2);
	ck_assert_int_eq(tm.tm_min, 30);
	ck_assert_int_eq(tm.tm_wday, 4);
	ck_assert_int_eq(tm.tm_gmtoff, 8 * 3600);
	ck_assert_int_eq(tm.tm_isdst, 0);
	tz_free(tz);
}
END_TEST

START_TEST(test_new_york_dst_edges)
{
	struct tz *tz = zone("America/New_York");
	/* 2026: DST from 8 March 07:00 UTC to 1 November 06:00 UTC */
	ck_assert_int_eq(tz_offset(tz, utc(2026, 3, 8, 7, 0) - 1), -5 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2026, 3, 8, 7, 0)), -4 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2026, 11, 1, 6, 0) - 1), -4 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2026, 11, 1, 6, 0)), -5 * 3600);
	/* beyond the table: the footer rule (EST5EDT,M3.2.0,M11.1.0) decides */
	ck_assert_int_eq(tz_offset(tz, utc(2099, 3, 8, 7, 0) - 1), -5 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2099, 3, 8, 7, 0)), -4 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2099, 11, 1, 6, 0) - 1), -4 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2099, 11, 1, 6, 0)), -5 * 3600);
	struct tm tm;
	tz_localtime(tz, utc(2026, 3, 8, 7, 0), &tm);
	ck_assert_int_eq(tm.tm_hour, 3);
	ck_assert_int_eq(tm.tm_isdst, 1);

	/* local -> UTC: a normal time, a time in the spring gap, a repeated autumn time */
	struct tm lt = {.tm_year = 126, .tm_mon = 6, .tm_mday = 4, .tm_hour = 12};
	ck_assert_int_eq(tz_mktime(tz, &lt), utc(2026, 7, 4, 16, 0));
	lt = (struct tm){.tm_year = 126, .tm_mon = 2, .tm_mday = 8, .tm_hour = 2, .tm_min = 30};
	ck_assert_int_eq(tz_mktime(tz, &lt), utc(2026, 3, 8, 7, 30));
	lt = (struct tm){.tm_year = 126, .tm_mon = 10, .tm_mday = 1, .tm_hour = 1, .tm_min = 30};
	ck_assert_int_eq(tz_mktime(tz, &lt), utc(2026, 11, 1, 5, 30));
	tz_free(tz);
}
END_TEST

START_TEST(test_southern_rule)
{
	/* Sydney: DST from October to April, across the new year */
	struct tz *tz = zone("Australia/Sydney");
	ck_assert_int_eq(tz_offset(tz, utc(2090, 1, 15, 0, 0)), 11 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2090, 7, 15, 0, 0)), 10 * 3600);
	ck_assert_int_eq(tz_offset(tz, utc(2090, 12, 15, 0, 0)), 11 * 3600);
	tz_free(tz);
}
END_TEST

START_TEST(test_load_rejects_names)
{
	const char *bad[] = {"", "/etc/passwd", "../../etc/passwd", "Asia/../../x",
			     "No/Such_Zone", "Asia/Shang hai", "Asia/Shanghai;rm"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *err = NULL;
		ck_assert_msg(tz_load(bad[i], &err) == NULL, "accepted %s", bad[i]);
		ck_assert_ptr_nonnull(err);
	}
	const char *err = NULL;
	ck_assert_ptr_null(tz_load(NULL, &err));
	ck_assert_ptr_null(tz_load("No/Such_Zone", NULL)); /* no reason wanted */
	ck_assert_ptr_null(tz_parse((const unsigned char *)"TZif", 4, "x", NULL));
}
END_TEST

/* Every proper prefix of a real zone file is refused, and nothing is read past it. */
START_TEST(test_parse_truncated)
{
	size_t len;
	unsigned char *full = slurp("/usr/share/zoneinfo/America/New_York", &len);
	ck_assert_ptr_nonnull(full);
	const char *err = NULL;
	struct tz *tz = tz_parse(full, len, "NY", &err);
	ck_assert_ptr_nonnull(tz);
	tz_free(tz);
	for (size_t n = 0; n < len; n++) {
		unsigned char *cut = malloc(n ? n : 1); /* exact size: ASan sees overreads */
		memcpy(cut, full, n);
		err = NULL;
		tz = tz_parse(cut, n, "NY", &err);
		ck_assert_msg(tz == NULL, "prefix of %zu bytes accepted", n);
		ck_assert_ptr_nonnull(err);
		free(cut);
	}
	free(full);
}
END_TEST

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A version 1 file: n transitions (times t[], types idx[]), types offsets off[]. */
static size_t tzif_v1(unsigned char *b, const int32_t *t, const uint8_t *idx, size_t n,
		      const int32_t *off, size_t ntypes)
{
	memset(b, 0, 44);
	memcpy(b, "TZif", 4);
	put32(b + 32, (uint32_t)n);
	put32(b + 36, (uint32_t)ntypes);
	put32(b + 40, 4);
	size_t p = 44;
	for (size_t i = 0; i < n; i++, p += 4)
		put32(b + p, (uint32_t)t[i]);
	for (size_t i = 0; i < n; i++)
		b[p++] = idx[i];
	for (size_t i = 0; i < ntypes; i++, p += 6) {
		put32(b + p, (uint32_t)off[i]);
		b[p + 4] = i > 0;
		b[p + 5] = 0;
	}
	memcpy(b + p, "AB\0\0", 4);
	return p + 4;
}

START_TEST(test_parse_v1_and_garbage)
{
	unsigned char b[256];
	const int32_t t[] = {1000, 2000};
	const uint8_t idx[] = {1, 0};
	const int32_t off[] = {3600, 7200};
	size_t n = tzif_v1(b, t, idx, 2, off, 2);
	const char *err = NULL;
	struct tz *tz = tz_parse(b, n, "test", &err);
	ck_assert_ptr_nonnull(tz);
	ck_assert_int_eq(tz_offset(tz, 999), 3600);
	ck_assert_int_eq(tz_offset(tz, 1000), 7200);
	ck_assert_int_eq(tz_offset(tz, 2000), 3600);
	tz_free(tz);

	struct {
		size_t at;
		unsigned char val;
		const char *why;
	} bad[] = {
		{0, 'X', "not a TZif file"},
		{4, '9', "unknown TZif version"},
		{39, 0, "bad number of local time types"},       /* 0 types */
		{34, 0xff, "too many transitions"},
		{27, 1, "bad indicator counts"},                  /* isstd 1 != 2 types */
		{43, 0, "bad counts"},                            /* no abbreviation chars */
		{44 + 6, 0, "transition times not ascending"},    /* 2nd time 2000 -> 208 */
		{44 + 8, 7, "transition type out of range"},
		{44 + 10 + 4, 2, "bad DST flag"},
		{44 + 10 + 5, 9, "abbreviation index out of range"},
		{44 + 10, 0x7f, "UT offset out of range"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char c[256];
		memcpy(c, b, n);
		c[bad[i].at] = bad[i].val;
		err = NULL;
		ck_assert_msg(tz_parse(c, n, "x", &err) == NULL, "case %zu accepted", i);
		ck_assert_str_eq(err, bad[i].why);
	}
	/* pure garbage of every small size */
	unsigned char g[64];
	for (size_t i = 0; i < sizeof g; i++)
		g[i] = (unsigned char)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof g; len++)
		ck_assert_ptr_null(tz_parse(g, len, "g", &err));
}
END_TEST

START_TEST(test_parse_footer_rules)
{
	size_t len;
	unsigned char *full = slurp("/usr/share/zoneinfo/America/New_York", &len);
	ck_assert_ptr_nonnull(full);
	ck_assert_uint_gt(len, 30);
	/* the footer is the last line: "\nEST5EDT,M3.2.0,M11.1.0\n" */
	ck_assert_int_eq(full[len - 1], '\n');
	size_t fstart = len - 2;
	while (full[fstart] != '\n')
		fstart--;
	const char *bad[] = {"E5", "EST", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0",
			     "EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
			     "EST99", "EST5EDT,J0,J100", "EST5EDT,M3.2.0,M11.1.0x",
			     "<+0>5", "EST5EDT,M3.2.0/200,M11.1.0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = fstart + 1 + strlen(bad[i]) + 1;
		unsigned char *c = malloc(n);
		memcpy(c, full, fstart + 1);
		memcpy(c + fstart + 1, bad[i], strlen(bad[i]));
		c[n - 1] = '\n';
		const char *err = NULL;
		ck_assert_msg(tz_parse(c, n, "x", &err) == NULL, "footer %s accepted", bad[i]);
		free(c);
	}
	const char *good[] = {"CST-8", "<+03>-3", "EST5EDT", "AEST-10AEDT,M10.1.0,M4.1.0/3",
			      "IST-2IDT,M3.4.4/26,M10.5.0", "XXX3YYY,J60/-1,100/25"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t n = fstart + 1 + strlen(good[i]) + 1;
		unsigned char *c = malloc(n);
		memcpy(c, full, fstart + 1);
		memcpy(c + fstart + 1, good[i], strlen(good[i]));
		c[n - 1] = '\n';
		const char *err = NULL;
		struct tz *tz = tz_parse(c, n, "x", &err);
		ck_assert_msg(tz != NULL, "footer %s refused: %s", good[i], err);
		tz_free(tz);
		free(c);
	}
	free(full);
}
END_TEST

START_TEST(test_load_tzdir)
{
	char *dir = tu_tmpdir();
	char *f = tu_write_file(dir, "Garbage", "this is not a zone file at all, sorry; it is only some text\n");
	const char *old = getenv("TZDIR");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZDIR", dir, 1);
	const char *err = NULL;
	ck_assert_ptr_null(tz_load("Garbage", &err));
	ck_assert_str_eq(err, "not a TZif file");
	err = NULL;
	ck_assert_ptr_null(tz_load("Asia/Shanghai", &err));
	ck_assert_str_eq(err, "unknown time zone");
	/* a folder is not a zone file */
	char *sub = tu_write_file(dir, "Area", "");
	remove(sub);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	err = NULL;
	ck_assert_ptr_null(tz_load("Area", &err));
	ck_assert_str_eq(err, "not a time zone file");
	free(sub);
	/* an over-long $TZDIR does not get cut to some other path */
	char longdir[600];
	memset(longdir, 'x', sizeof longdir - 1);
	longdir[0] = '/';
	longdir[sizeof longdir - 1] = '\0';
	setenv("TZDIR", longdir, 1);
	err = NULL;
	ck_assert_ptr_null(tz_load("Asia/Shanghai", &err));
	ck_assert_str_eq(err, "time zone path too long");
	if (saved)
		setenv("TZDIR", saved, 1);
	else
		unsetenv("TZDIR");
	free(saved);
	tu_rmtree(dir);
	free(f);
	free(dir);
}
END_TEST

/* ---- timetable parsers ---- */

START_TEST(test_parse_weekdays)
{
	struct {
		const char *s;
		uint8_t mask;
	} ok[] = {
		{"mon-fri", 0x1f}, {"mon,wed,fri", 0x15}, {"sat-sun", 0x60}, {"daily", 0x7f},
		{"Fri-Mon", 0x71}, {"mon, tue ,sun", 0x43}, {"thu", 0x08}, {"all", 0x7f},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		uint8_t m = 0;
		const char *why = NULL;
		ck_assert_msg(timetable_parse_weekdays(ok[i].s, &m, &why) == 0, "%s", ok[i].s);
		ck_assert_uint_eq(m, ok[i].mask);
	}
	const char *bad[] = {"", "monday", "mon-", "-fri", "mon,,fri", "mon;fri", "xyz",
			     "mon-fri,", "mon fri"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t m = 0;
		const char *why = NULL;
		ck_assert_msg(timetable_parse_weekdays(bad[i], &m, &why) == -1, "%s", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

START_TEST(test_parse_time)
{
	struct cfg_timerange r;
	const char *why = NULL;
	ck_assert_int_eq(timetable_parse_time("08:00-17:30", &r, &why), 0);
	ck_assert_uint_eq(r.start, 480);
	ck_assert_uint_eq(r.end, 1050);
	ck_assert_int_eq(timetable_parse_time("22:00-06:00", &r, &why), 0);
	ck_assert_uint_eq(r.start, 1320);
	ck_assert_uint_eq(r.end, 360);
	ck_assert_int_eq(timetable_parse_time("00:00-24:00", &r, &why), 0);
	ck_assert_uint_eq(r.end, 1440);
	ck_assert_int_eq(timetable_parse_time("23:00-00:00", &r, &why), 0);
	ck_assert_uint_eq(r.end, 1440);
	const char *bad[] = {"8:00-17:00", "08:00-17:60", "25:00-26:00", "08:00-08:00",
			     "24:00-01:00", "08:00_17:00", "08:00-17:00x", "", "ab:cd-ef:gh",
			     "08:00-24:01", "08:00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		ck_assert_msg(timetable_parse_time(bad[i], &r, &why) == -1, "%s", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

START_TEST(test_parse_dates)
{
	struct cfg_daterange r;
	const char *why = NULL;
	ck_assert_int_eq(timetable_parse_dates("2026-10-01..2026-10-07 national-day", &r, &why),
			 0);
	ck_assert_int_eq(r.from, tz_days_from_civil(2026, 10, 1));
	ck_assert_int_eq(r.to, tz_days_from_civil(2026, 10, 7));
	ck_assert_str_eq(r.label, "national-day");
	free(r.label);
	ck_assert_int_eq(timetable_parse_dates("2024-02-29", &r, &why), 0);
	ck_assert_int_eq(r.from, r.to);
	ck_assert_ptr_null(r.label);
	ck_assert_int_eq(timetable_parse_dates("2027-01-20..2027-01-22\t期末考试", &r, &why), 0);
	ck_assert_str_eq(r.label, "期末考试");
	free(r.label);
	const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
			     "1969-12-31", "2026-10-07..2026-10-01", "2026-10-01..",
			     "..2026-10-01", "2026-1-01", "20261001", "2026-10-01 two words",
			     "2026-10-01..2026-10-0x", "", "2026-10-01 a;b"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		r.label = NULL;
		ck_assert_msg(timetable_parse_dates(bad[i], &r, &why) == -1, "%s", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
}
END_TEST

/* ---- timetable_active ---- */

struct tt_fixture {
	struct cfg_timetable tt;
	struct cfg_timerange times[4];
	struct cfg_daterange holidays[4], extra[4];
};

static void tt_init(struct tt_fixture *f, const char *weekdays, const char *times)
{
	memset(f, 0, sizeof *f);
	const char *why = NULL;
	ck_assert_int_eq(timetable_parse_weekdays(weekdays, &f->tt.weekdays, &why), 0);
	f->tt.times = f->times;
	f->tt.holidays = f->holidays;
	f->tt.extra = f->extra;
	if (times) {
		ck_assert_int_eq(timetable_parse_time(times, &f->times[0], &why), 0);
		f->tt.n_times = 1;
	}
}

static void tt_holiday(struct tt_fixture *f, const char *s, bool exam)
{
	const char *why = NULL;
	struct cfg_daterange *r = exam ? &f->extra[f->tt.n_extra++]
				       : &f->holidays[f->tt.n_holidays++];
	ck_assert_int_eq(timetable_parse_dates(s, r, &why), 0);
	ck_assert_ptr_null(r->label);
}

/* Beijing wall time -> UTC (UTC+8 all year). */
static time_t bj(int y, int mo, int d, int h, int mi)
{
	return utc(y, mo, d, h, mi) - 8 * 3600;
}

START_TEST(test_active_weekdays_and_times)
{
	struct tz *tz = zone("Asia/Shanghai");
	struct tt_fixture f;
	tt_init(&f, "mon-fri", "08:00-17:00");
	/* Wednesday 25 November 2026 */
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 25, 7, 59)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 25, 8, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 25, 16, 59)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 25, 17, 0)));
	/* Saturday and Sunday */
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 28, 10, 0)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 29, 10, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 30, 10, 0)));
	/* two ranges (a lunch break between them) */
	const char *why = NULL;
	ck_assert_int_eq(timetable_parse_time("08:00-12:00", &f.times[0], &why), 0);
	ck_assert_int_eq(timetable_parse_time("13:30-17:00", &f.times[1], &why), 0);
	f.tt.n_times = 2;
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 25, 11, 59)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 25, 12, 30)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 25, 13, 30)));
	/* no time ranges: all day on school days */
	f.tt.n_times = 0;
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 25, 0, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 25, 23, 59)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 28, 12, 0)));
	tz_free(tz);
}
END_TEST

START_TEST(test_active_across_midnight)
{
	struct tz *tz = zone("Asia/Shanghai");
	struct tt_fixture f;
	tt_init(&f, "mon-fri", "22:00-06:00");
	/* Friday 27 November evening, its tail on Saturday morning */
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 27, 21, 59)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 27, 23, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 28, 5, 59)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 28, 6, 0)));
	/* Saturday evening is not a school night; Monday morning's tail is Sunday's */
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 28, 23, 0)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 11, 30, 5, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 11, 30, 23, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 12, 1, 0, 30)));
	tz_free(tz);
}
END_TEST

START_TEST(test_active_holidays_and_exams)
{
	struct tz *tz = zone("Asia/Shanghai");
	struct tt_fixture f;
	tt_init(&f, "mon-fri", "08:00-17:00");
	tt_holiday(&f, "2026-10-01..2026-10-07", false);
	/* Thursday 1 October to Wednesday 7 October: not in force */
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 10, 1, 10, 0)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 10, 7, 10, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 10, 8, 10, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 9, 30, 10, 0)));
	/* exam days: all day, even at night, on a Saturday, and inside a holiday */
	tt_holiday(&f, "2026-06-20", true);
	tt_holiday(&f, "2026-10-05", true);
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 6, 20, 3, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 6, 20, 23, 59)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 6, 21, 0, 0)));
	ck_assert(timetable_active(&f.tt, tz, bj(2026, 10, 5, 20, 0)));
	ck_assert(!timetable_active(&f.tt, tz, bj(2026, 10, 6, 10, 0)));

	/* a night range: the holiday's first morning still belongs to the school night */
	struct tt_fixture n;
	tt_init(&n, "mon-fri", "22:00-06:00");
	tt_holiday(&n, "2026-10-01..2026-10-07", false);
	ck_assert(timetable_active(&n.tt, tz, bj(2026, 10, 1, 5, 0)));
	ck_assert(!timetable_active(&n.tt, tz, bj(2026, 10, 1, 23, 0)));
	ck_assert(!timetable_active(&n.tt, tz, bj(2026, 10, 8, 5, 0)));
	ck_assert(timetable_active(&n.tt, tz, bj(2026, 10, 8, 23, 0)));
	tz_free(tz);
}
END_TEST

START_TEST(test_active_two_zones_and_dst)
{
	struct tz *sh = zone("Asia/Shanghai"), *ny = zone("America/New_York");
	struct tt_fixture f;
	tt_init(&f, "mon-fri", "08:00-17:00");
	/* one instant: 09:00 Wednesday in Beijing, 20:00 Tuesday in New York */
	time_t t = utc(2026, 11, 25, 1, 0);
	ck_assert(timetable_active(&f.tt, sh, t));
	ck_assert(!timetable_active(&f.tt, ny, t));
	/* 12:30 UTC: 07:30 EST on Friday 6 March, 08:30 EDT on Monday 9 March */
	ck_assert(!timetable_active(&f.tt, ny, utc(2026, 3, 6, 12, 30)));
	ck_assert(timetable_active(&f.tt, ny, utc(2026, 3, 9, 12, 30)));
	ck_assert(timetable_active(&f.tt, ny, utc(2026, 3, 6, 13, 0)));
	/* autumn: 21:30 UTC is 17:30 EDT on Friday 30 October, 16:30 EST on Monday 2 Nov */
	ck_assert(!timetable_active(&f.tt, ny, utc(2026, 10, 30, 21, 30)));
	ck_assert(timetable_active(&f.tt, ny, utc(2026, 11, 2, 21, 30)));
	tz_free(sh);
	tz_free(ny);
}
END_TEST

static Suite *timetable_suite(void)
{
	Suite *s = suite_create("timetable");
	TCase *tz = tcase_create("tz");
	tcase_add_test(tz, test_civil_days);
	tcase_add_test(tz, test_utc_builtin);
	tcase_add_test(tz, test_shanghai);
	tcase_add_test(tz, test_new_york_dst_edges);
	tcase_add_test(tz, test_southern_rule);
	tcase_add_test(tz, test_load_rejects_names);
	tcase_add_test(tz, test_parse_truncated);
	tcase_add_test(tz, test_parse_v1_and_garbage);
	tcase_add_test(tz, test_parse_footer_rules);
	tcase_add_test(tz, test_load_tzdir);
	suite_add_tcase(s, tz);
	TCase *tt = tcase_create("timetable");
	tcase_add_test(tt, test_parse_weekdays);
	tcase_add_test(tt, test_parse_time);
	tcase_add_test(tt, test_parse_dates);
	tcase_add_test(tt, test_active_weekdays_and_times);
	tcase_add_test(tt, test_active_across_midnight);
	tcase_add_test(tt, test_active_holidays_and_exams);
	tcase_add_test(tt, test_active_two_zones_and_dst);
	suite_add_tcase(s, tt);
	return s;
}

int main(void)
{
	const char *skip = NULL;
	if (access("/usr/share/zoneinfo/America/New_York", R_OK) != 0)
		skip = "no /usr/share/zoneinfo (install tzdata): tz tests skipped";
	return tu_run(timetable_suite(), skip);
}
