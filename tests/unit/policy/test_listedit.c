/* Tests for listedit.c: the console's list edits: adds with dedup, idempotent removes,
 * every rejection (the messages of `campusgate lists check`), bounded input, the edit
 * token, and the atomic save (a failed or interrupted save leaves the old file). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "listedit.h"
#include "lists.h"
#include "testutil.h"
#include "util.h"

static char *dir;

static void setup(void)
{
	dir = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

/* A listedit of the file NAME in the test folder holding content (NULL: no file). */
static void edit_of(struct listedit *e, const char *name, const char *content)
{
	struct diag d;
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (content)
		free(tu_write_file(dir, name, content));
	diag_init(&d);
	ck_assert_int_eq(listedit_load(e, path, "local/t.list", &d), 0);
	ck_assert_uint_eq(d.n, 0);
	diag_free(&d);
}

static const char *text(const struct listedit *e)
{
	return e->text.data ? e->text.data : "";
}

/* Files in the test folder whose names start with '.' (temporary files). */
static int temp_files(void)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)))
		if (de->d_name[0] == '.' && strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

START_TEST(missing_file_reads_empty)
{
	struct listedit e;
	char t[LISTEDIT_TOKEN_LEN + 1];

	edit_of(&e, "none.list", NULL);
	ck_assert_uint_eq(e.text.len, 0);
	listedit_token("", 0, t);
	ck_assert_str_eq(e.token, t);
	listedit_free(&e);
}
END_TEST

START_TEST(add_appends_new_entries_once)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;
	const char *add = "b.example\nA.EXAMPLE\n  *.b.example  \n\n# a note\nc.example # why\n"
			  "c.example\n/caipiao\\d+/\n";

	edit_of(&e, "t.list", "a.example\n# kept comment\n");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, add, strlen(add), NULL, 0, &ch, &d), 0);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_str_eq(text(&e), "a.example\n# kept comment\nb.example\nc.example # why\n"
				   "/caipiao\\d+/\n");
	ck_assert_uint_eq(ch.n_added, 3);
	ck_assert_str_eq(ch.added[1], "c.example # why");
	ck_assert_uint_eq(ch.n_dup, 3); /* A.EXAMPLE, *.b.example, the second c.example */
	ck_assert_str_eq(ch.dup[0], "A.EXAMPLE");
	ck_assert_str_eq(ch.dup[1], "*.b.example");
	ck_assert_uint_eq(ch.n_removed + ch.n_missing, 0);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
}
END_TEST

START_TEST(remove_is_idempotent)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;
	const char *del = "example.com.\nexample.com\nzz.example\n";

	edit_of(&e, "t.list", "Example.COM   # note\nkeep.example\n=exact.example");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, NULL, 0, del, strlen(del), &ch, &d), 0);
	ck_assert_str_eq(text(&e), "keep.example\n=exact.example\n");
	ck_assert_uint_eq(ch.n_removed, 1);
	ck_assert_str_eq(ch.removed[0], "Example.COM   # note");
	ck_assert_uint_eq(ch.n_missing, 1);
	ck_assert_str_eq(ch.missing[0], "zz.example");
	listedit_change_free(&ch);
	/* The same removal again changes nothing and is no error. */
	ck_assert_int_eq(listedit_apply(&e, NULL, 0, del, strlen(del), &ch, &d), 0);
	ck_assert_str_eq(text(&e), "keep.example\n=exact.example\n");
	ck_assert_uint_eq(ch.n_removed, 0);
	ck_assert_uint_eq(ch.n_missing, 2);
	listedit_change_free(&ch);
	/* An exact rule is not the domain rule of the same name. */
	ck_assert_int_eq(listedit_apply(&e, NULL, 0, "exact.example", 13, &ch, &d), 0);
	ck_assert_uint_eq(ch.n_removed, 0);
	listedit_change_free(&ch);
	ck_assert_int_eq(listedit_apply(&e, NULL, 0, "=exact.example", 14, &ch, &d), 0);
	ck_assert_uint_eq(ch.n_removed, 1);
	ck_assert_str_eq(text(&e), "keep.example\n");
	ck_assert_uint_eq(d.errors, 0);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
}
END_TEST

START_TEST(remove_then_add_moves_entry)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;

	edit_of(&e, "t.list", "a.example\nb.example\n");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, "a.example # again", 17, "a.example", 9, &ch, &d), 0);
	ck_assert_str_eq(text(&e), "b.example\na.example # again\n");
	ck_assert_uint_eq(ch.n_added, 1);
	ck_assert_uint_eq(ch.n_removed, 1);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
}
END_TEST

/* One addition that must be refused with this message, the file unchanged. */
static void refuse_add(const char *add, size_t len, const char *want)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;

	edit_of(&e, "t.list", "a.example\nb.example\n");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, add, len, NULL, 0, &ch, &d), -1);
	ck_assert_uint_ge(d.errors, 1);
	ck_assert_msg(strncmp(d.msgs[0], want, strlen(want)) == 0, "got \"%s\", want \"%s\"",
		      d.msgs[0], want);
	ck_assert_str_eq(text(&e), "a.example\nb.example\n");
	ck_assert_uint_eq(ch.n_added, 0);
	ck_assert_ptr_null(ch.added);
	diag_free(&d);
	listedit_free(&e);
}

START_TEST(every_rejection_names_file_and_line)
{
	refuse_add("ok.example\na..b", 15, "local/t.list:4: empty label: a..b");
	refuse_add("a b", 3, "local/t.list:3: white space inside a rule: a b");
	refuse_add("/abc", 4, "local/t.list:3: pattern without a closing '/'");
	refuse_add("//", 2, "local/t.list:3: empty pattern");
	refuse_add("/(/", 3, "local/t.list:3: bad pattern (");
	refuse_add("=", 1, "local/t.list:3: ");
	refuse_add("=a.example/path", 15, "local/t.list:3: ");
	refuse_add("x\x01y.example", 11, "local/t.list:3: ");
	char label[80];
	memset(label, 'l', 64);
	strcpy(label + 64, ".example");
	refuse_add(label, strlen(label), "local/t.list:3: label longer than 63 bytes");
}
END_TEST

START_TEST(input_is_bounded)
{
	size_t n = LISTS_MAX_LINE + 1;
	char *big = xmalloc(LISTEDIT_INPUT_MAX + 2);

	memset(big, 'a', n);
	refuse_add(big, n, "local/t.list:3: line longer than 4096 bytes");
	memset(big, 'a', LISTEDIT_INPUT_MAX + 1);
	refuse_add(big, LISTEDIT_INPUT_MAX + 1,
		   "local/t.list: the entries of one edit are longer than 49152 bytes");

	struct listedit e;
	struct listedit_change ch;
	struct diag d;
	edit_of(&e, "t.list", "");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, NULL, 0, big, LISTEDIT_INPUT_MAX + 1, &ch, &d), -1);
	ck_assert_uint_eq(d.errors, 1);
	diag_free(&d);
	listedit_free(&e);
	free(big);
}
END_TEST

START_TEST(bad_line_already_in_file_blocks_until_removed)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;

	edit_of(&e, "t.list", "a..b   # typo\nok.example\n");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, "c.example", 9, NULL, 0, &ch, &d), -1);
	ck_assert_str_eq(d.msgs[0], "local/t.list:1: empty label: a..b");
	diag_free(&d);
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, "c.example", 9, "a..b", 4, &ch, &d), 0);
	ck_assert_str_eq(text(&e), "ok.example\nc.example\n");
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
}
END_TEST

START_TEST(file_size_is_bounded)
{
	struct listedit e;
	struct diag d;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/big.list", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i <= LISTEDIT_FILE_MAX / 16; i++)
		fputs("abcdefghijk.com\n", f);
	fclose(f);
	diag_init(&d);
	ck_assert_int_eq(listedit_load(&e, path, "big.list", &d), -1);
	ck_assert_str_eq(d.msgs[0], "big.list: the list would be longer than 8388608 bytes: "
				    "edit it as a file");
	listedit_free(&e);
	diag_free(&d);
	/* Not a regular file. */
	diag_init(&d);
	ck_assert_int_eq(listedit_load(&e, dir, "dir.list", &d), -1);
	ck_assert_str_eq(d.msgs[0], "dir.list: not a regular file");
	listedit_free(&e);
	diag_free(&d);
}
END_TEST

START_TEST(save_writes_whole_file_atomically)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;
	struct stat st;
	char old[LISTEDIT_TOKEN_LEN + 1];

	edit_of(&e, "t.list", "a.example\n");
	strcpy(old, e.token);
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, "b.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_save(&e, &d), 0);
	ck_assert_str_ne(e.token, old);
	char *got = tu_read_file(e.path, NULL);
	ck_assert_str_eq(got, "a.example\nb.example\n");
	free(got);
	ck_assert_int_eq(stat(e.path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(temp_files(), 0);
	/* The token now names what is on disk: a second save goes through. */
	listedit_change_free(&ch);
	ck_assert_int_eq(listedit_apply(&e, NULL, 0, "a.example", 9, &ch, &d), 0);
	ck_assert_int_eq(listedit_save(&e, &d), 0);
	got = tu_read_file(e.path, NULL);
	ck_assert_str_eq(got, "b.example\n");
	free(got);
	ck_assert_uint_eq(d.n, 0);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
}
END_TEST

START_TEST(stale_edit_is_refused)
{
	struct listedit one, two;
	struct listedit_change ch;
	struct diag d;

	edit_of(&one, "t.list", "a.example\n");
	edit_of(&two, "t.list", NULL);
	ck_assert_str_eq(one.token, two.token);
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&one, "b.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_save(&one, &d), 0);
	listedit_change_free(&ch);
	ck_assert_int_eq(listedit_apply(&two, "c.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_save(&two, &d), LISTEDIT_STALE);
	char *got = tu_read_file(one.path, NULL);
	ck_assert_str_eq(got, "a.example\nb.example\n"); /* the first edit is kept */
	free(got);
	ck_assert_int_eq(temp_files(), 0);
	/* A file made since an edit of a missing file was read is stale too. */
	listedit_change_free(&ch);
	listedit_free(&two);
	edit_of(&two, "new.list", NULL);
	free(tu_write_file(dir, "new.list", "x.example\n"));
	ck_assert_int_eq(listedit_apply(&two, "c.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_save(&two, &d), LISTEDIT_STALE);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&one);
	listedit_free(&two);
}
END_TEST

/* A crash after the temporary file is written but before the rename: the list is the old
 * one, whole; the temporary file is a dot file that no config names. */
START_TEST(interrupted_save_leaves_old_file)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;
	char *tmp = NULL;

	edit_of(&e, "t.list", "a.example\n");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, "b.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_write_temp(&e, &tmp, &d), 0);
	char *got = tu_read_file(e.path, NULL);
	ck_assert_str_eq(got, "a.example\n");
	free(got);
	got = tu_read_file(tmp, NULL);
	ck_assert_str_eq(got, "a.example\nb.example\n");
	free(got);
	ck_assert_ptr_nonnull(strstr(tmp, "/.t.list."));
	ck_assert_int_eq(temp_files(), 1);
	ck_assert_int_eq(listedit_commit(&e, tmp, &d), 0);
	got = tu_read_file(e.path, NULL);
	ck_assert_str_eq(got, "a.example\nb.example\n");
	free(got);
	ck_assert_int_eq(temp_files(), 0);
	free(tmp);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
}
END_TEST

/* A rename that fails (the path is now a folder with a file in it): nothing replaced,
 * no temporary file left, the reason reported. */
START_TEST(failed_rename_leaves_old_and_no_temp)
{
	struct listedit e;
	struct listedit_change ch;
	struct diag d;
	char *tmp = NULL, sub[4096];

	edit_of(&e, "t.list", "a.example\n");
	diag_init(&d);
	ck_assert_int_eq(listedit_apply(&e, "b.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_write_temp(&e, &tmp, &d), 0);
	ck_assert_int_eq(unlink(e.path), 0);
	ck_assert_int_eq(mkdir(e.path, 0755), 0);
	snprintf(sub, sizeof sub, "%s/keep", e.path);
	free(tu_write_file(e.path, "keep", "x"));
	ck_assert_int_eq(listedit_commit(&e, tmp, &d), -1);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_msg(strncmp(d.msgs[0], "local/t.list: cannot write ", 27) == 0, "%s",
		      d.msgs[0]);
	ck_assert_int_eq(access(sub, F_OK), 0);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ck_assert_int_eq(temp_files(), 0);
	free(tmp);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&e);
	/* A folder that does not exist: the temporary file cannot be made. */
	struct listedit g;
	char path[4096];
	snprintf(path, sizeof path, "%s/no/such/t.list", dir);
	diag_init(&d);
	ck_assert_int_eq(listedit_load(&g, path, "t.list", &d), 0);
	ck_assert_int_eq(listedit_apply(&g, "b.example", 9, NULL, 0, &ch, &d), 0);
	ck_assert_int_eq(listedit_save(&g, &d), -1);
	ck_assert_msg(strncmp(d.msgs[0], "t.list: cannot write ", 21) == 0, "%s", d.msgs[0]);
	listedit_change_free(&ch);
	diag_free(&d);
	listedit_free(&g);
}
END_TEST

START_TEST(diff_is_one_bounded_line)
{
	struct listedit_change ch = {0};
	struct sbuf out;
	char *add[] = {"a.example", "b.example", "c.example"}, *del[] = {"d.example"};

	ch.added = add;
	ch.n_added = 3;
	ch.removed = del;
	ch.n_removed = 1;
	sbuf_init(&out);
	listedit_diff(&ch, "gambling", "local/gambling.list", 1000, &out);
	ck_assert_str_eq(out.data, "gambling: +a.example +b.example +c.example -d.example "
				   "(file local/gambling.list)");
	sbuf_reset(&out);
	listedit_diff(&ch, "gambling", "local/gambling.list", 24, &out);
	ck_assert_str_eq(out.data, "gambling: +a.example +b.example ... +1 -1 more (+3 -1 in "
				   "all) (file local/gambling.list)");
	sbuf_reset(&out);
	char *ctl[] = {"/a\tb/"};
	struct listedit_change c2 = {.added = ctl, .n_added = 1};
	listedit_diff(&c2, "x", "f", 100, &out);
	ck_assert_str_eq(out.data, "x: +/a?b/ (file f)");
	sbuf_reset(&out);
	struct listedit_change none = {0};
	listedit_diff(&none, "x", "f", 100, &out);
	ck_assert_str_eq(out.data, "x: no change (file f)");
	sbuf_reset(&out);
	char longname[400];
	memset(longname, 'd', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	listedit_diff(&none, "x", longname, 100, &out);
	ck_assert_uint_eq(out.len, strlen("x: no change (file ...)") + 240);
	sbuf_free(&out);
}
END_TEST

START_TEST(find_entry_in_other_lists)
{
	char *p = tu_write_file(dir, "h.hosts", "0.0.0.0 one.example\n0.0.0.0 Two.Example\n");
	struct sbuf key;

	sbuf_init(&key);
	ck_assert_int_eq(listedit_key("two.example.", 12, &key), 0);
	ck_assert_str_eq(key.data, "D two.example");
	ck_assert_int_eq(listedit_find(LIST_HOSTS, p, "h.hosts", key.data), 2);
	ck_assert_int_eq(listedit_find(LIST_HOSTS, p, "h.hosts", "D three.example"), 0);
	ck_assert_int_eq(listedit_find(LIST_HOSTS, "/nonexistent/x", "x", key.data), -1);
	ck_assert_int_eq(listedit_key("  # only a comment", 18, &key), -1);
	ck_assert_uint_eq(key.len, 0);
	ck_assert_int_eq(listedit_key("a..b  # c", 9, &key), -1);
	ck_assert_str_eq(key.data, "T a..b");
	sbuf_free(&key);
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("listedit");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, missing_file_reads_empty);
	tcase_add_test(tc, add_appends_new_entries_once);
	tcase_add_test(tc, remove_is_idempotent);
	tcase_add_test(tc, remove_then_add_moves_entry);
	tcase_add_test(tc, every_rejection_names_file_and_line);
	tcase_add_test(tc, input_is_bounded);
	tcase_add_test(tc, bad_line_already_in_file_blocks_until_removed);
	tcase_add_test(tc, file_size_is_bounded);
	tcase_add_test(tc, save_writes_whole_file_atomically);
	tcase_add_test(tc, stale_edit_is_refused);
	tcase_add_test(tc, interrupted_save_leaves_old_file);
	tcase_add_test(tc, failed_rename_leaves_old_and_no_temp);
	tcase_add_test(tc, diff_is_one_bounded_line);
	tcase_add_test(tc, find_entry_in_other_lists);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
