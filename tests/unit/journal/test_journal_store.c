/* Unit tests for the journal's files: rotation by size and day, the daily digest,
 * retention. Crash safety is in test_journal_store_crash.c. */
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "journal_read.h"
#include "journal_store.h"
#include "journal_support.h"
#include "testutil.h"
#include "util.h"

START_TEST(rotation_by_size)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.max_file_bytes = 4000;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "d.example");
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	struct journal_file *files;
	size_t n;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_ge(n, 5);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		ck_assert_int_eq(stat(files[i].path, &sb), 0);
		ck_assert_int_le(sb.st_size, 4000);
		ck_assert_uint_eq(files[i].part, i);
		ck_assert_int_eq(files[i].day, files[0].day);
		if (i > 0) {
			char want[32];
			char d[11];
			journal_day_str(files[i].day, d);
			snprintf(want, sizeof want, "%s.%zu.jsonl", d, i);
			ck_assert_str_eq(files[i].name, want);
		}
	}
	journal_files_free(files, n);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 100);
	check_chain(&ls); /* the chain runs across the parts */

	/* reopening continues the chain and the last part */
	j = open_ok(&c, "UTC");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	lines_free(&ls);
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 101);
	check_chain(&ls);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Days of the files in dir, in order, as "YYYY-MM-DD[.N]" joined by spaces. */
static char *file_days(const char *dir)
{
	struct journal_file *files;
	size_t n;
	struct sbuf b;
	sbuf_init(&b);
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	for (size_t i = 0; i < n; i++)
		sbuf_printf(&b, "%s%s", i ? " " : "", files[i].name);
	journal_files_free(files, n);
	return sbuf_take(&b);
}

/* The store alone, with the clock in the test's hands. */
static void store_open(struct jstore *s, const struct cfg_journal *c, const char *zone)
{
	const char *err = NULL;
	ck_assert_msg(jstore_open(s, c, zone, &err) == 0, "jstore_open: %s", err);
}

static void store_event(struct jstore *s, int64_t t, int64_t now)
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.time_us = t;
	r.id = "store0000000000000t";
	r.event = "hit";
	r.action = "block";
	r.proto = "dns";
	r.host = "e.example";
	jstore_write(s, &r, now);
}

START_TEST(rotation_by_day_and_digest)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct jstore st;
	store_open(&st, &c, "Asia/Shanghai");
	int64_t now = now_wall_us();
	int32_t today = journal_day(now, 8 * 3600);
	store_event(&st, now, now);
	store_event(&st, now + DAY_US, now + DAY_US);
	store_event(&st, now + DAY_US, now + DAY_US);
	store_event(&st, now + 2 * DAY_US, now + 2 * DAY_US);
	store_event(&st, now, now + 2 * DAY_US); /* late: never reopens an older file */
	jstore_close(&st);
	char d0[11], d1[11], d2[11], want[128];
	journal_day_str(today, d0);
	journal_day_str(today + 1, d1);
	journal_day_str(today + 2, d2);
	snprintf(want, sizeof want, "%s.jsonl %s.jsonl %s.jsonl", d0, d1, d2);
	char *got = file_days(dir);
	ck_assert_str_eq(got, want);
	free(got);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 5);
	check_chain(&ls);
	snprintf(want, sizeof want, "%s.jsonl", d0);
	ck_assert_str_eq(ls.v[0].file, want);
	snprintf(want, sizeof want, "%s.jsonl", d2);
	ck_assert_str_eq(ls.v[4].file, want); /* the late event went to the newest file */

	/* one digest line per day, with the day's count and last hash */
	char *dpath = NULL;
	ck_assert_int_ge(asprintf(&dpath, "%s/digest.log", dir), 0);
	char *digest = tu_read_file(dpath, NULL);
	ck_assert_ptr_nonnull(digest);
	char hex[JOURNAL_HEX_LEN], line[256];
	journal_hex(ls.v[0].r.hash, hex);
	snprintf(line, sizeof line, "{\"day\":\"%s\",\"count\":1,\"first_seq\":1,"
		 "\"last_seq\":1,\"last_hash\":\"%s\"}\n", d0, hex);
	ck_assert_msg(strstr(digest, line), "digest.log: %s", digest);
	journal_hex(ls.v[2].r.hash, hex);
	snprintf(line, sizeof line, "{\"day\":\"%s\",\"count\":2,\"first_seq\":2,"
		 "\"last_seq\":3,\"last_hash\":\"%s\"}\n", d1, hex);
	ck_assert_msg(strstr(digest, line), "digest.log: %s", digest);
	journal_hex(ls.v[4].r.hash, hex);
	snprintf(line, sizeof line, "{\"day\":\"%s\",\"count\":2,\"first_seq\":4,"
		 "\"last_seq\":5,\"last_hash\":\"%s\"}\n", d2, hex);
	ck_assert_msg(strstr(digest, line), "digest.log: %s", digest);
	free(digest);
	free(dpath);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A journal last written on an earlier day (the daemon died or was stopped overnight)
 * gets that day's digest at the next start, and today's events go to today's file. */
START_TEST(digest_of_a_day_that_ended_without_us)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "i.example");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	int32_t today = journal_day(now_wall_us(), 0);
	char d0[11], dm1[11], *from = NULL, *to = NULL, *dpath = NULL;
	journal_day_str(today, d0);
	journal_day_str(today - 1, dm1);
	ck_assert_int_ge(asprintf(&from, "%s/%s.jsonl", dir, d0), 0);
	ck_assert_int_ge(asprintf(&to, "%s/%s.jsonl", dir, dm1), 0);
	ck_assert_int_ge(asprintf(&dpath, "%s/digest.log", dir), 0);
	ck_assert_int_eq(rename(from, to), 0);
	unlink(dpath);
	j = open_ok(&c, "UTC");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 4);
	check_chain(&ls);
	char want[64];
	snprintf(want, sizeof want, "%s.jsonl", d0);
	ck_assert_str_eq(ls.v[3].file, want);
	char *digest = tu_read_file(dpath, NULL);
	ck_assert_ptr_nonnull(digest);
	char hex[JOURNAL_HEX_LEN], line[256];
	journal_hex(ls.v[2].r.hash, hex);
	snprintf(line, sizeof line, "{\"day\":\"%s\",\"count\":3,\"first_seq\":1,"
		 "\"last_seq\":3,\"last_hash\":\"%s\"}\n", dm1, hex);
	ck_assert_msg(strncmp(digest, line, strlen(line)) == 0, "digest.log: %s", digest);
	free(digest);
	free(from);
	free(to);
	free(dpath);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* With no events, the store still ends the day: digest, retention, the new day's file. */
START_TEST(one_writer_per_directory)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct jstore a, b;
	const char *err = NULL;
	store_open(&a, &c, "Asia/Shanghai");
	ck_assert_int_eq(jstore_open(&b, &c, "Asia/Shanghai", &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "in use"));
	jstore_close(&a);
	store_open(&b, &c, "Asia/Shanghai"); /* free again once the first has closed */
	jstore_close(&b);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(quiet_midnight_ends_the_day)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.retention_days = 1;
	struct jstore s;
	const char *err = NULL;
	ck_assert_msg(jstore_open(&s, &c, "Asia/Shanghai", &err) == 0, "%s", err);
	int64_t now = now_wall_us();
	int32_t today = journal_day(now, 8 * 3600);
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.time_us = now;
	r.id = "t1";
	r.event = "hit";
	jstore_write(&s, &r, now);
	jstore_tick(&s, now); /* same day: nothing */
	jstore_tick(&s, now + DAY_US);
	jstore_tick(&s, now + 2 * DAY_US); /* today's file is now past retention */
	jstore_close(&s);
	char d1[11], d2[11], want[64];
	journal_day_str(today + 1, d1);
	journal_day_str(today + 2, d2);
	snprintf(want, sizeof want, "%s.jsonl %s.jsonl", d1, d2);
	char *got = file_days(dir);
	ck_assert_str_eq(got, want);
	free(got);
	char *dpath = NULL;
	ck_assert_int_ge(asprintf(&dpath, "%s/digest.log", dir), 0);
	char *digest = tu_read_file(dpath, NULL);
	char d0[11];
	journal_day_str(today, d0);
	ck_assert_ptr_nonnull(digest);
	ck_assert_ptr_nonnull(strstr(digest, d0));
	free(digest);
	free(dpath);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 1);
	ck_assert_str_eq(ls.v[0].r.event, "retention");
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Retention also runs at start-up: a file older than the limit goes at open, and the
 * chain then starts at the retention event itself. */
START_TEST(retention_at_open)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "old.example");
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	int32_t today = journal_day(now_wall_us(), 0);
	char d0[11], dold[11], *from = NULL, *to = NULL;
	journal_day_str(today, d0);
	journal_day_str(today - 10, dold);
	ck_assert_int_ge(asprintf(&from, "%s/%s.jsonl", dir, d0), 0);
	ck_assert_int_ge(asprintf(&to, "%s/%s.jsonl", dir, dold), 0);
	ck_assert_int_eq(rename(from, to), 0);
	c.retention_days = 5;
	j = open_ok(&c, "UTC");
	journal_close(j);
	ck_assert_int_eq(access(to, F_OK), -1);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 1);
	ck_assert_str_eq(ls.v[0].r.event, "retention");
	ck_assert_uint_eq(ls.v[0].r.seq, 4);
	ck_assert_uint_eq(ls.v[0].r.start_seq, 4);
	ck_assert_ptr_nonnull(strstr(ls.v[0].r.reason, dold));
	lines_free(&ls);
	verify_ok(dir);
	free(from);
	free(to);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A time from the future (a wrong clock, a forged capture) is written as it is but
 * filed under today: no future file, and retention does not take it for "now". */
START_TEST(future_time_filed_today)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.retention_days = 1;
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "future.example");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	ev.time_us = now_wall_us() + 3650 * DAY_US;
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	ev.time_us = 0;
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	char d0[11], want[32];
	journal_day_str(journal_day(now_wall_us(), 0), d0);
	snprintf(want, sizeof want, "%s.jsonl", d0);
	char *got = file_days(dir);
	ck_assert_str_eq(got, want);
	free(got);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 3);
	ck_assert_uint_eq(count_events(&ls, "hit"), 3);
	ck_assert(ls.v[1].r.time_us > now_wall_us() + 3000 * DAY_US); /* kept as given */
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(retention_removes_and_records)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.retention_days = 1;
	struct jstore st;
	store_open(&st, &c, "UTC");
	int64_t now = now_wall_us();
	int32_t today = journal_day(now, 0);
	for (int d = 0; d < 4; d++) {
		store_event(&st, now + d * DAY_US, now + d * DAY_US);
		store_event(&st, now + d * DAY_US, now + d * DAY_US);
	}
	jstore_close(&st);
	char d2[11], d3[11], want[64];
	journal_day_str(today + 2, d2);
	journal_day_str(today + 3, d3);
	snprintf(want, sizeof want, "%s.jsonl %s.jsonl", d2, d3);
	char *got = file_days(dir);
	ck_assert_str_eq(got, want);
	free(got);
	struct lines ls;
	read_all(dir, &ls);
	/* each file starts with a retention event naming what went and where the chain
	 * now starts; the chain itself is unbroken from there on */
	ck_assert_uint_eq(ls.n, 6);
	check_chain(&ls);
	ck_assert_str_eq(ls.v[0].r.event, "retention");
	ck_assert_ptr_nonnull(strstr(ls.v[0].r.reason, ".jsonl"));
	ck_assert_ptr_nonnull(ls.v[0].r.start_prev);
	ck_assert_str_eq(ls.v[3].r.event, "retention");
	/* the first kept line is the retention event itself here (its file had no older
	 * line), so start_seq names it */
	ck_assert_uint_eq(ls.v[3].r.start_seq, ls.v[0].r.seq);
	char hex[JOURNAL_HEX_LEN];
	journal_hex(ls.v[0].r.prev, hex);
	ck_assert_str_eq(ls.v[3].r.start_prev, hex);
	ck_assert_uint_eq(count_events(&ls, "hit"), 4);
	lines_free(&ls);
	verify_ok(dir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static void touch_in(const char *dir, const char *name)
{
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\"seq\":9,\"ti", 12), 12);
	close(fd);
	free(p);
}

static bool exists_in(const char *dir, const char *name)
{
	char *p = NULL;
	struct stat sb;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	bool ok = stat(p, &sb) == 0;
	free(p);
	return ok;
}

/* Retention also removes the torn pieces cut from files older than the period (and no
 * other file in torn/), records it, and keeps digest.log (the proof of removed days). */
START_TEST(retention_prunes_torn_keeps_digest)
{
	char *dir = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	c.retention_days = 2;
	struct jstore st;
	store_open(&st, &c, "UTC");
	int64_t now = now_wall_us();
	int32_t today = journal_day(now, 0);
	store_event(&st, now, now); /* today's file: old once the clock is 5 days on */
	char old[11], cur[11], name[128];
	journal_day_str(today, old);
	journal_day_str(today + 5, cur);
	char *tdir = NULL;
	ck_assert_int_ge(asprintf(&tdir, "%s/torn", dir), 0);
	ck_assert_int_eq(mkdir(tdir, 0750), 0);
	static const char *const keep[] = { "notes.txt", "garbage.torn", "x.jsonl.1.0.torn" };
	for (size_t i = 0; i < CG_ARRAY_LEN(keep); i++)
		touch_in(tdir, keep[i]);
	snprintf(name, sizeof name, "%s.jsonl.1700000000.0.torn", old);
	touch_in(tdir, name);
	snprintf(name, sizeof name, "%s.3.jsonl.1700000000.1.torn", old);
	touch_in(tdir, name);
	snprintf(name, sizeof name, "%s.jsonl.1700000000.0.torn", cur);
	touch_in(tdir, name);
	store_event(&st, now + 5 * DAY_US, now + 5 * DAY_US); /* a new day: retention runs */
	jstore_close(&st);
	for (size_t i = 0; i < CG_ARRAY_LEN(keep); i++)
		ck_assert_msg(exists_in(tdir, keep[i]), "%s was removed", keep[i]);
	ck_assert(exists_in(tdir, name)); /* the new day's piece */
	snprintf(name, sizeof name, "%s.jsonl.1700000000.0.torn", old);
	ck_assert(!exists_in(tdir, name));
	snprintf(name, sizeof name, "%s.3.jsonl.1700000000.1.torn", old);
	ck_assert(!exists_in(tdir, name));
	snprintf(name, sizeof name, "%s.jsonl", old);
	ck_assert(!exists_in(dir, name)); /* the old day file went too */
	/* digest.log still holds the removed day's digest */
	char *dpath = NULL;
	ck_assert_int_ge(asprintf(&dpath, "%s/digest.log", dir), 0);
	char *digest = tu_read_file(dpath, NULL);
	ck_assert_ptr_nonnull(digest);
	char want[32];
	snprintf(want, sizeof want, "{\"day\":\"%s\"", old);
	ck_assert_msg(strstr(digest, want), "digest.log: %s", digest);
	free(digest);
	free(dpath);
	struct lines ls;
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 2);
	ck_assert_str_eq(ls.v[0].r.event, "retention");
	ck_assert_msg(strstr(ls.v[0].r.reason, "and 2 torn piece(s) from torn/"), "%s",
		      ls.v[0].r.reason);
	ck_assert_ptr_nonnull(ls.v[0].r.start_prev);
	lines_free(&ls);
	verify_ok(dir);

	/* torn pieces alone: recorded, and the chain's start is not said to move */
	snprintf(name, sizeof name, "%s.jsonl.1700000001.0.torn", old);
	touch_in(tdir, name);
	store_open(&st, &c, "UTC");
	store_event(&st, now + 6 * DAY_US, now + 6 * DAY_US); /* the day-5 file stays */
	jstore_close(&st);
	ck_assert(!exists_in(tdir, name));
	read_all(dir, &ls);
	ck_assert_uint_eq(ls.n, 4);
	bool seen = false;
	for (size_t i = 2; i < ls.n; i++) {
		const struct journal_record *r = &ls.v[i].r;
		if (r->reason && strstr(r->reason, "removed 1 torn piece(s)")) {
			ck_assert_str_eq(r->event, "retention");
			ck_assert_ptr_null(r->start_prev);
			seen = true;
		}
	}
	ck_assert(seen);
	lines_free(&ls);
	verify_ok(dir);
	free(tdir);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Started as root, the writer gives every new file (day files, digest.log, torn/ and its
 * pieces) to the owner of the journal folder: the service user. */
START_TEST(new_files_go_to_the_folder_owner)
{
	if (geteuid() != 0) {
		fprintf(stderr, "new_files_go_to_the_folder_owner: not run: needs root\n");
		return;
	}
	char *dir = tu_tmpdir();
	const uid_t uid = 65534;
	const gid_t gid = 65534; /* nobody/nogroup */
	ck_assert_int_eq(chown(dir, uid, gid), 0);
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "own.example");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	append_raw(dir, "{\"seq\":3,\"ti"); /* a torn end: torn/ and a piece next start */
	j = open_ok(&c, "UTC");
	journal_close(j);
	struct journal_file *files;
	size_t n;
	struct stat sb;
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(stat(files[0].path, &sb), 0);
	ck_assert_msg(sb.st_uid == uid && sb.st_gid == gid, "%s: %u:%u", files[0].name,
		      (unsigned)sb.st_uid, (unsigned)sb.st_gid);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	journal_files_free(files, n);
	static const char *const others[] = { "digest.log", "torn" };
	for (size_t i = 0; i < CG_ARRAY_LEN(others); i++) {
		char *p = NULL;
		ck_assert_int_ge(asprintf(&p, "%s/%s", dir, others[i]), 0);
		ck_assert_int_eq(stat(p, &sb), 0);
		ck_assert_msg(sb.st_uid == uid && sb.st_gid == gid, "%s: %u:%u", others[i],
			      (unsigned)sb.st_uid, (unsigned)sb.st_gid);
		free(p);
	}
	char *cmd = NULL;
	ck_assert_int_ge(asprintf(&cmd, "find %s/torn -type f ! -user %u | wc -l; "
				  "find %s/torn -type f | wc -l", dir, (unsigned)uid, dir), 0);
	FILE *p = popen(cmd, "r");
	unsigned wrong = 9, all = 0;
	ck_assert_int_eq(fscanf(p, "%u %u", &wrong, &all), 2);
	pclose(p);
	free(cmd);
	ck_assert_uint_eq(all, 1);
	ck_assert_uint_eq(wrong, 0);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *journal_store_suite(void)
{
	Suite *s = suite_create("journal_store");
	TCase *tc = tcase_create("files");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, one_writer_per_directory);
	tcase_add_test(tc, rotation_by_size);
	tcase_add_test(tc, rotation_by_day_and_digest);
	tcase_add_test(tc, digest_of_a_day_that_ended_without_us);
	tcase_add_test(tc, quiet_midnight_ends_the_day);
	tcase_add_test(tc, retention_removes_and_records);
	tcase_add_test(tc, future_time_filed_today);
	tcase_add_test(tc, retention_at_open);
	tcase_add_test(tc, retention_prunes_torn_keeps_digest);
	tcase_add_test(tc, new_files_go_to_the_folder_owner);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	return tu_run(journal_store_suite(), NULL);
}
