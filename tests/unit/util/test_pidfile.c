/* Unit tests for pidfile.c: the pid is written; a symlink planted at the path is
 * replaced, not followed (its target keeps its content and mode); a file there is
 * replaced, not truncated in place (another hard link to it keeps its content); no
 * temporary file is left behind; a missing folder is an error. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfile.h"
#include "testutil.h"

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
		if (de->d_name[0] != '.' || (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")))
			n++;
	closedir(d);
	return n;
}

START_TEST(writes_the_pid)
{
	char *dir = tu_tmpdir(), *p = path_of(dir, "cg.pid");
	ck_assert_int_eq(pidfile_write(p, 4242), 0);
	size_t len;
	char *got = tu_read_file(p, &len);
	ck_assert_str_eq(got, "4242\n");
	struct stat st;
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_uint_eq(entries(dir), 1); /* no temporary file left */
	free(got);
	ck_assert_int_eq(pidfile_write(p, 7), 0); /* again: replaced */
	got = tu_read_file(p, &len);
	ck_assert_str_eq(got, "7\n");
	free(got);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(symlink_at_path_not_followed)
{
	char *dir = tu_tmpdir(), *outside = tu_tmpdir();
	char *victim = tu_write_file(outside, "shadow", "root:secret\n");
	ck_assert_int_eq(chmod(victim, 0600), 0);
	char *p = path_of(dir, "cg.pid");
	ck_assert_int_eq(symlink(victim, p), 0);
	ck_assert_int_eq(pidfile_write(p, 99), 0);
	size_t len;
	char *got = tu_read_file(victim, &len);
	ck_assert_str_eq(got, "root:secret\n");
	free(got);
	struct stat st;
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode)); /* the link itself was replaced */
	got = tu_read_file(p, &len);
	ck_assert_str_eq(got, "99\n");
	free(got);
	/* A dangling link (to a file that would be created) is not followed either. */
	char *ghost = path_of(outside, "created-by-root");
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(symlink(ghost, p), 0);
	ck_assert_int_eq(pidfile_write(p, 100), 0);
	ck_assert_int_eq(access(ghost, F_OK), -1);
	free(ghost);
	free(p);
	free(victim);
	tu_rmtree(dir);
	tu_rmtree(outside);
	free(dir);
	free(outside);
}
END_TEST

START_TEST(hard_link_not_truncated)
{
	char *dir = tu_tmpdir();
	char *other = tu_write_file(dir, "other", "keep me\n");
	char *p = path_of(dir, "cg.pid");
	ck_assert_int_eq(link(other, p), 0);
	ck_assert_int_eq(pidfile_write(p, 5), 0);
	size_t len;
	char *got = tu_read_file(other, &len);
	ck_assert_str_eq(got, "keep me\n");
	free(got);
	free(other);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(errors)
{
	char *dir = tu_tmpdir(), *p = path_of(dir, "no/such/cg.pid");
	errno = 0;
	ck_assert_int_eq(pidfile_write(p, 1), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(p);
	p = path_of(dir, "");
	ck_assert_int_eq(pidfile_write(p, 1), -1);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pidfile");
	TCase *tc = tcase_create("pidfile");
	tcase_add_test(tc, writes_the_pid);
	tcase_add_test(tc, symlink_at_path_not_followed);
	tcase_add_test(tc, hard_link_not_truncated);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
