/* Unit tests for journal_store.c against a service user who plants symlinks in the
 * journal folder (which it owns) for root to follow at start-up: a day file, torn/, and
 * the folder itself. Each is refused, and the target is left exactly as it was. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "journal_format.h"
#include "journal_support.h"
#include "testutil.h"
#include "util.h"

static char *path_of(const char *dir, const char *name)
{
	char *p = NULL;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Today's day file is a symlink to a file outside: it is neither written nor read. */
START_TEST(day_file_symlink_not_followed)
{
	char *dir = tu_tmpdir(), *outside = tu_tmpdir();
	char *victim = tu_write_file(outside, "victim", "precious\n");
	ck_assert_int_eq(chmod(victim, 0600), 0);
	char day[11], name[32];
	journal_day_str(journal_day(now_wall_us(), 0), day);
	snprintf(name, sizeof name, "%s.jsonl", day);
	char *link = path_of(dir, name);
	ck_assert_int_eq(symlink(victim, link), 0);
	struct cfg_journal c = test_cfg(dir);
	const char *err = NULL;
	struct journal *j = journal_open(&c, "UTC", &err);
	if (j) {
		struct journal_event ev;
		ev_basic(&ev, "a.example");
		journal_append(j, &ev, NULL);
		journal_close(j);
	}
	size_t len = 0;
	char *got = tu_read_file(victim, &len);
	ck_assert_str_eq(got, "precious\n");
	struct stat st;
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600); /* no chmod through the link */
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	free(got);
	free(link);
	free(victim);
	tu_rmtree(dir);
	tu_rmtree(outside);
	free(dir);
	free(outside);
}
END_TEST

/* torn/ is a symlink to a folder outside: the torn end is not moved there. */
START_TEST(torn_symlink_not_followed)
{
	char *dir = tu_tmpdir(), *outside = tu_tmpdir();
	struct cfg_journal c = test_cfg(dir);
	struct journal *j = open_ok(&c, "UTC");
	struct journal_event ev;
	ev_basic(&ev, "a.example");
	ck_assert_int_eq(journal_append(j, &ev, NULL), 0);
	journal_close(j);
	append_raw(dir, "{\"seq\":3,\"ti"); /* a torn end, to be moved to torn/ */
	char *link = path_of(dir, "torn");
	ck_assert_int_eq(symlink(outside, link), 0);
	const char *err = NULL;
	j = journal_open(&c, "UTC", &err);
	if (j)
		journal_close(j);
	ck_assert_uint_eq(entries(outside), 0);
	struct stat st;
	ck_assert_int_eq(lstat(link, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	free(link);
	tu_rmtree(dir);
	tu_rmtree(outside);
	free(dir);
	free(outside);
}
END_TEST

/* The journal folder itself is a symlink: refused with a message that says so. */
START_TEST(folder_symlink_refused)
{
	char *base = tu_tmpdir(), *outside = tu_tmpdir();
	char *link = path_of(base, "journal");
	ck_assert_int_eq(symlink(outside, link), 0);
	struct cfg_journal c = test_cfg(link);
	const char *err = NULL;
	ck_assert_ptr_null(journal_open(&c, "UTC", &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "symlink"), "%s", err);
	ck_assert_uint_eq(entries(outside), 0);
	free(link);
	tu_rmtree(base);
	tu_rmtree(outside);
	free(base);
	free(outside);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal_store_links");
	TCase *tc = tcase_create("links");
	tcase_add_test(tc, day_file_symlink_not_followed);
	tcase_add_test(tc, torn_symlink_not_followed);
	tcase_add_test(tc, folder_symlink_refused);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
