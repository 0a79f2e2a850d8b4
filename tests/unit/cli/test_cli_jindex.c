/* campusgate journal index: its options, and where the CLI keeps the journal's index. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "journal_index.h"
#include "testutil.h"

/* Parse the words of args (after "index"); 0 or -1 with why/arg. */
static int parse(const char *args, struct jindex_opts *o, enum msg_id *why, const char **arg)
{
	static char buf[512];
	static char *argv[32];
	int argc = 0;
	snprintf(buf, sizeof buf, "%s", args);
	argv[argc++] = "index";
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return cli_jindex_parse(argc, argv, o, why, arg);
}

START_TEST(defaults_and_values)
{
	struct jindex_opts o;
	enum msg_id why;
	const char *arg;
	ck_assert_int_eq(parse("", &o, &why, &arg), 0);
	ck_assert_uint_eq(o.days, JINDEX_DAYS_DEFAULT);
	ck_assert_ptr_null(o.conf);
	ck_assert_ptr_null(o.dir);
	ck_assert(!o.help);
	ck_assert_int_eq(parse("--days 7 --dir /j", &o, &why, &arg), 0);
	ck_assert_uint_eq(o.days, 7);
	ck_assert_str_eq(o.dir, "/j");
	ck_assert_int_eq(parse("-c /etc/x.conf --days=400", &o, &why, &arg), 0);
	ck_assert_str_eq(o.conf, "/etc/x.conf");
	ck_assert_uint_eq(o.days, 400);
	ck_assert_int_eq(parse("--days 1", &o, &why, &arg), 0);
	ck_assert_uint_eq(o.days, 1);
	ck_assert_int_eq(parse("--help", &o, &why, &arg), 0);
	ck_assert(o.help);
	ck_assert_int_eq(parse("-h", &o, &why, &arg), 0);
	ck_assert(o.help);
}
END_TEST

START_TEST(rejections)
{
	struct jindex_opts o;
	enum msg_id why;
	const char *arg;
	static const char *const bad_days[] = { "0", "401", "-1", "7d", "", "x", "99999999999999999999" };
	for (size_t i = 0; i < sizeof bad_days / sizeof *bad_days; i++) {
		char a[64];
		snprintf(a, sizeof a, "--days=%s", bad_days[i]);
		ck_assert_int_eq(parse(a, &o, &why, &arg), -1);
		ck_assert_int_eq(why, MSG_JINDEX_BAD_DAYS);
		ck_assert_str_eq(arg, bad_days[i]);
	}
	ck_assert_int_eq(parse("--days", &o, &why, &arg), -1);
	ck_assert_int_eq(why, MSG_JOURNAL_OPTION_NEEDS_VALUE);
	ck_assert_str_eq(arg, "--days");
	ck_assert_int_eq(parse("--since 2d", &o, &why, &arg), -1);
	ck_assert_int_eq(why, MSG_CLI_UNKNOWN_OPTION);
	ck_assert_int_eq(parse("--dir /j extra", &o, &why, &arg), -1);
	ck_assert_int_eq(why, MSG_CLI_UNEXPECTED_ARGUMENT);
	ck_assert_str_eq(arg, "extra");
	ck_assert_int_eq(parse("-c /x.conf --dir /j", &o, &why, &arg), -1);
	ck_assert_int_eq(why, MSG_JOURNAL_CONF_AND_DIR);
	ck_assert_ptr_null(arg);
}
END_TEST

/* The console's folder when readable, else XDG_CACHE_HOME, else HOME, else none. */
START_TEST(index_folder)
{
	char *tmp = tu_tmpdir(), cdir[512], *d;
	snprintf(cdir, sizeof cdir, "%s/journal-index", tmp);
	d = journal_index_dir_choose(cdir, "/xdg", "/home/u"); /* missing: not readable */
	ck_assert_str_eq(d, "/xdg/campusgate/journal-index");
	free(d);
	ck_assert_int_eq(mkdir(cdir, 0700), 0);
	d = journal_index_dir_choose(cdir, "/xdg", "/home/u");
	ck_assert_str_eq(d, cdir);
	free(d);
	if (geteuid() != 0) { /* root reads any folder */
		ck_assert_int_eq(chmod(cdir, 0), 0);
		d = journal_index_dir_choose(cdir, NULL, "/home/u");
		ck_assert_str_eq(d, "/home/u/.cache/campusgate/journal-index");
		free(d);
		ck_assert_int_eq(chmod(cdir, 0700), 0);
	}
	d = journal_index_dir_choose(NULL, "relative", "/home/u"); /* XDG must be absolute */
	ck_assert_str_eq(d, "/home/u/.cache/campusgate/journal-index");
	free(d);
	ck_assert_ptr_null(journal_index_dir_choose(NULL, "", "rel"));
	ck_assert_ptr_null(journal_index_dir_choose(NULL, NULL, NULL));
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli_jindex");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, defaults_and_values);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, index_folder);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
