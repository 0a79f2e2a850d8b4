/* Tests for account.c: the account file read as hostile input (one test per rejection),
 * its atomic 0600 save, and Argon2id hashing with rehash on changed parameters. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "i18n.h"
#include "testutil.h"

/* Cheap hashing for tests; the parameters are still Argon2id's. */
static const struct account_kdf fast = {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

#define HASH "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"

/* Parse text; expect failure with a message containing want (in English) and zh_want
 * (zh-CN). */
static void reject(const char *text, size_t len, const char *want, const char *zh_want)
{
	struct accounts a;
	struct diag d;
	accounts_init(&a);
	diag_init(&d);
	int rc = accounts_parse(text, len ? len : strlen(text), "acc", &a, &d);
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_msg(strstr(d.msgs[0], want), "'%s' lacks '%s'", d.msgs[0], want);
	ck_assert_msg(strncmp(d.msgs[0], "acc:", 4) == 0, "no file:line in '%s'", d.msgs[0]);
	char buf[1024];
	const char *zh = diag_text(&d, 0, LANG_ZH, buf, sizeof buf, NULL);
	ck_assert_msg(strstr(zh, zh_want), "'%s' lacks '%s'", zh, zh_want);
	diag_free(&d);
	accounts_free(&a);
}

START_TEST(parse_good)
{
	const char *text = "# comment\n\nalice:admin:::" HASH "\r\n"
			   "wang:staff:7a,7b:disabled:" HASH "\nli:staff:::" HASH;
	struct accounts a;
	struct diag d;
	accounts_init(&a);
	diag_init(&d);
	ck_assert_int_eq(accounts_parse(text, strlen(text), "acc", &a, &d), 0);
	ck_assert_uint_eq(a.n, 3);
	struct account *w = accounts_find(&a, "wang");
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(w->role, ROLE_STAFF);
	ck_assert(w->disabled);
	ck_assert_uint_eq(w->n_groups, 2);
	ck_assert_str_eq(w->groups[1], "7b");
	ck_assert_int_eq(accounts_find(&a, "alice")->role, ROLE_ADMIN);
	ck_assert_uint_eq(accounts_find(&a, "li")->n_groups, 0);
	/* format gives back what parses to the same */
	struct sbuf out;
	sbuf_init(&out);
	accounts_format(&a, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "wang:staff:7a,7b:disabled:" HASH "\n"));
	struct accounts b;
	accounts_init(&b);
	ck_assert_int_eq(accounts_parse(out.data, out.len, "acc", &b, &d), 0);
	ck_assert_uint_eq(b.n, 3);
	sbuf_free(&out);
	accounts_free(&b);
	accounts_free(&a);
	diag_free(&d);
}
END_TEST

START_TEST(parse_rejections)
{
	reject("alice:admin::" HASH "\n", 0, "acc:1: expected NAME:ROLE:GROUPS:FLAGS:HASH, not 4",
	       "而不是 4 个字段");
	reject("alice:admin::::" HASH "\n", 0, "not 6 fields", "6 个字段");
	reject("Alice:admin:::" HASH "\n", 0, "bad account name 'Alice'", "账号名“Alice”有误");
	reject(":admin:::" HASH "\n", 0, "bad account name ''", "账号名“”有误");
	reject("-x:admin:::" HASH "\n", 0, "bad account name '-x'", "有误");
	reject("abcdefghijabcdefghijabcdefghijabc:admin:::" HASH "\n", 0, "bad account name",
	       "有误");
	reject("a:admin:::" HASH "\na:staff:::" HASH "\n", 0, "acc:2: account 'a' is given twice",
	       "出现了两次");
	reject("a:root:::" HASH "\n", 0, "unknown role 'root'", "未知的角色“root”");
	reject("a:admin:7a::" HASH "\n", 0, "an admin account is not limited to groups",
	       "管理员账号不能限定分组");
	reject("a:staff::locked:" HASH "\n", 0, "unknown or repeated flag in 'locked'",
	       "标记“locked”未知或重复");
	reject("a:staff::disabled,disabled:" HASH "\n", 0, "flag in 'disabled,disabled'", "重复");
	reject("a:staff::mustchange,:" HASH "\n", 0, "flag in 'mustchange,'", "未知或重复");
	reject("a:staff::,disabled:" HASH "\n", 0, "flag in ',disabled'", "未知或重复");
	reject("a:staff:::plaintext\n", 0, "not an Argon2id hash", "不是 Argon2id 哈希");
	reject("a:staff:::$argon2i$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA\n", 0, "not an Argon2id hash",
	       "Argon2id");
	reject("a:staff:::$argon2id$v=19$m=8 t=1\n", 0, "not an Argon2id hash", "Argon2id");
	reject("a:staff:7a,,7b::" HASH "\n", 0, "bad group list '7a,,7b'", "分组列表“7a,,7b”有误");
	reject("a:staff:7a,7a::" HASH "\n", 0, "a group is named twice", "同一分组出现了两次");
	reject("a:staff:g1,g2,g3,g4,g5,g6,g7,g8,g9,g10,g11,g12,g13,g14,g15,g16,g17::" HASH "\n", 0,
	       "more than 16 groups", "分组超过 16 个");
	reject("a:staff:::" HASH "\x01\n", 0, "control character", "控制字符");
	reject("a:staff:::" HASH "\0\n", sizeof("a:staff:::" HASH "\0\n") - 1, "NUL byte",
	       "NUL 字节");
	char *long_line = xmalloc(ACCOUNT_LINE_MAX + 3);
	memset(long_line, 'a', ACCOUNT_LINE_MAX + 1);
	strcpy(long_line + ACCOUNT_LINE_MAX + 1, "\n");
	reject(long_line, 0, "acc:1: line longer than 512 bytes", "此行超过 512 字节");
	free(long_line);
	/* more than ACCOUNT_MAX accounts */
	struct sbuf many;
	sbuf_init(&many);
	for (int i = 0; i <= ACCOUNT_MAX; i++)
		sbuf_printf(&many, "u%d:staff:::" HASH "\n", i);
	reject(many.data, many.len, "more than 1000 accounts", "账号超过 1000 个");
	sbuf_free(&many);
}
END_TEST

START_TEST(load_and_save)
{
	char *dir = tu_tmpdir();
	struct sbuf path;
	sbuf_init(&path);
	sbuf_printf(&path, "%s/console/accounts", dir);
	struct accounts a;
	struct diag d;
	accounts_init(&a);
	diag_init(&d);
	/* missing: an empty set */
	ck_assert_int_eq(accounts_load(path.data, &a, &d), 0);
	ck_assert_uint_eq(a.n, 0);
	const char *why = NULL, *err = NULL;
	struct account *acc = accounts_add(&a, "alice", ROLE_ADMIN, &why);
	ck_assert_ptr_nonnull(acc);
	ck_assert_ptr_null(accounts_add(&a, "alice", ROLE_STAFF, &why));
	ck_assert_str_eq(why, "an account of that name exists");
	ck_assert_ptr_null(accounts_add(&a, "Bad Name", ROLE_STAFF, &why));
	ck_assert_int_eq(account_set_password(acc, "correct horse", 13, &fast), 0);
	struct account *w = accounts_add(&a, "wang", ROLE_STAFF, &why);
	ck_assert_int_eq(account_set_groups(w, "7a,7b", &why), 0);
	ck_assert_int_eq(account_set_password(w, "battery staple", 14, &fast), 0);
	ck_assert_int_eq(accounts_save(&a, path.data, (uid_t)-1, (gid_t)-1, &err), 0);
	struct stat st;
	ck_assert_int_eq(stat(path.data, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	struct accounts b;
	accounts_init(&b);
	ck_assert_int_eq(accounts_load(path.data, &b, &d), 0);
	ck_assert_uint_eq(b.n, 2);
	bool rehash;
	ck_assert(account_verify(accounts_find(&b, "wang"), "battery staple", 14, &fast, &rehash));
	ck_assert(!rehash);
	/* a folder, and a symbolic link, are not read */
	accounts_free(&b);
	ck_assert_int_eq(accounts_load(dir, &b, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.msgs[d.n - 1], "not a regular file"));
	struct sbuf link;
	sbuf_init(&link);
	sbuf_printf(&link, "%s/link", dir);
	ck_assert_int_eq(symlink(path.data, link.data), 0);
	ck_assert_int_eq(accounts_load(link.data, &b, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.msgs[d.n - 1], "cannot read"));
	/* a save where the folder cannot be made fails and says why */
	struct sbuf bad;
	sbuf_init(&bad);
	sbuf_printf(&bad, "%s/no/such/accounts", dir);
	ck_assert_int_eq(accounts_save(&a, bad.data, (uid_t)-1, (gid_t)-1, &err), -1);
	ck_assert_str_eq(err, "No such file or directory");
	sbuf_free(&bad);
	sbuf_free(&link);
	accounts_free(&a);
	diag_free(&d);
	sbuf_free(&path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(password_verify_and_rehash)
{
	struct accounts a;
	const char *why;
	accounts_init(&a);
	struct account *acc = accounts_add(&a, "alice", ROLE_ADMIN, &why);
	ck_assert_int_eq(account_set_password(acc, "correct horse", 13, &fast), 0);
	ck_assert_ptr_nonnull(strstr(acc->hash, "$argon2id$"));
	bool rehash = true;
	ck_assert(account_verify(acc, "correct horse", 13, &fast, &rehash));
	ck_assert(!rehash);
	ck_assert(!account_verify(acc, "correct horsE", 13, &fast, &rehash));
	ck_assert(!account_verify(acc, "correct hors", 12, &fast, &rehash));
	/* stronger parameters now: it matches and asks to be hashed again */
	struct account_kdf stronger = {fast.ops + 1, fast.mem};
	ck_assert(account_verify(acc, "correct horse", 13, &stronger, &rehash));
	ck_assert(rehash);
	/* disabled: never matches */
	acc->disabled = true;
	ck_assert(!account_verify(acc, "correct horse", 13, &fast, &rehash));
	/* too long a password is refused before hashing */
	char big[ACCOUNT_PASSWORD_MAX + 2];
	memset(big, 'x', sizeof big);
	ck_assert_int_eq(account_set_password(acc, big, sizeof big, &fast), -1);
	accounts_free(&a);
}
END_TEST

/* The mustchange flag: parsed alone and with disabled, in either order, and written back. */
START_TEST(mustchange_flag)
{
	const char *text = "a:admin::mustchange:" HASH "\nb:staff::disabled,mustchange:" HASH
			   "\nc:staff::mustchange,disabled:" HASH "\nd:staff::disabled:" HASH "\n";
	struct accounts a, b;
	struct diag d;
	accounts_init(&a);
	accounts_init(&b);
	diag_init(&d);
	ck_assert_int_eq(accounts_parse(text, strlen(text), "acc", &a, &d), 0);
	ck_assert(accounts_find(&a, "a")->mustchange && !accounts_find(&a, "a")->disabled);
	ck_assert(accounts_find(&a, "b")->mustchange && accounts_find(&a, "b")->disabled);
	ck_assert(accounts_find(&a, "c")->mustchange && accounts_find(&a, "c")->disabled);
	ck_assert(!accounts_find(&a, "d")->mustchange && accounts_find(&a, "d")->disabled);
	struct sbuf out;
	sbuf_init(&out);
	accounts_format(&a, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "\na:admin::mustchange:" HASH "\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "\nc:staff::disabled,mustchange:" HASH "\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "\nd:staff::disabled:" HASH "\n"));
	ck_assert_int_eq(accounts_parse(out.data, out.len, "acc", &b, &d), 0);
	ck_assert(accounts_find(&b, "c")->mustchange);
	/* cleared: written without it */
	accounts_find(&a, "a")->mustchange = false;
	sbuf_reset(&out);
	accounts_format(&a, &out);
	ck_assert_ptr_nonnull(strstr(out.data, "\na:admin:::" HASH "\n"));
	sbuf_free(&out);
	accounts_free(&a);
	accounts_free(&b);
	diag_free(&d);
}
END_TEST

/* The last active admin cannot be demoted or disabled, by anyone; an admin cannot demote
 * or disable themselves while another admin exists. */
START_TEST(last_admin_rule)
{
	struct accounts a;
	const char *why = NULL;
	accounts_init(&a);
	struct account *al = accounts_add(&a, "alice", ROLE_ADMIN, &why);
	struct account *w = accounts_add(&a, "wang", ROLE_STAFF, &why);
	ck_assert_uint_eq(accounts_active_admins(&a), 1);
	/* root (NULL) and wang alike cannot leave the box without an admin */
	ck_assert_int_eq(account_change_allowed(&a, al, NULL, ROLE_STAFF, false, &why), -1);
	ck_assert_str_eq(why, msg(LANG_EN, MSG_R_ACC_LAST_ADMIN));
	ck_assert_int_eq(account_change_allowed(&a, al, NULL, ROLE_ADMIN, true, &why), -1);
	ck_assert_int_eq(account_change_allowed(&a, al, "wang", ROLE_ADMIN, true, &why), -1);
	/* not a demotion: allowed */
	ck_assert_int_eq(account_change_allowed(&a, al, "alice", ROLE_ADMIN, false, &why), 0);
	ck_assert_int_eq(account_change_allowed(&a, w, "alice", ROLE_STAFF, true, &why), 0);
	ck_assert_int_eq(account_change_allowed(&a, w, "alice", ROLE_ADMIN, false, &why), 0);
	/* a second admin, but disabled, does not count */
	struct account *b = accounts_add(&a, "bob", ROLE_ADMIN, &why);
	b->disabled = true;
	ck_assert_uint_eq(accounts_active_admins(&a), 1);
	ck_assert_int_eq(account_change_allowed(&a, al, NULL, ROLE_STAFF, false, &why), -1);
	/* enabled: alice may now be demoted by bob or root, but not by herself */
	b->disabled = false;
	ck_assert_int_eq(account_change_allowed(&a, al, "bob", ROLE_STAFF, false, &why), 0);
	ck_assert_int_eq(account_change_allowed(&a, al, NULL, ROLE_ADMIN, true, &why), 0);
	ck_assert_int_eq(account_change_allowed(&a, al, "alice", ROLE_STAFF, false, &why), -1);
	ck_assert_str_eq(why, msg(LANG_EN, MSG_R_ACC_SELF));
	ck_assert_int_eq(account_change_allowed(&a, al, "alice", ROLE_ADMIN, true, &why), -1);
	/* a disabled admin being enabled or demoted is not a loss */
	b->disabled = true;
	ck_assert_int_eq(account_change_allowed(&a, b, "alice", ROLE_STAFF, true, &why), 0);
	accounts_free(&a);
}
END_TEST

START_TEST(password_rules_and_onetime)
{
	const char *why = NULL;
	ck_assert_int_eq(account_password_check("12345678", 8, NULL, 0, &why), 0);
	ck_assert_int_eq(account_password_check("1234567", 7, NULL, 0, &why), -1);
	ck_assert_str_eq(why, msg(LANG_EN, MSG_R_ACC_PW_LENGTH));
	char big[ACCOUNT_PASSWORD_MAX + 1];
	memset(big, 'x', sizeof big);
	ck_assert_int_eq(account_password_check(big, ACCOUNT_PASSWORD_MAX, NULL, 0, &why), 0);
	ck_assert_int_eq(account_password_check(big, sizeof big, NULL, 0, &why), -1);
	ck_assert_int_eq(account_password_check("1234\n5678", 9, NULL, 0, &why), -1);
	ck_assert_str_eq(why, msg(LANG_EN, MSG_R_ACC_PW_CONTROL));
	ck_assert_int_eq(account_password_check("12345678", 8, "12345678", 8, &why), 0);
	ck_assert_int_eq(account_password_check("12345678", 8, "12345679", 8, &why), -1);
	ck_assert_str_eq(why, msg(LANG_EN, MSG_R_ACC_PW_MISMATCH));
	ck_assert_int_eq(account_password_check("12345678", 8, "1234567", 7, &why), -1);
	char p1[ACCOUNT_ONETIME_LEN + 1], p2[ACCOUNT_ONETIME_LEN + 1];
	account_onetime_password(p1);
	account_onetime_password(p2);
	ck_assert_uint_eq(strlen(p1), ACCOUNT_ONETIME_LEN);
	ck_assert_str_ne(p1, p2);
	ck_assert_int_eq(account_password_check(p1, strlen(p1), NULL, 0, &why), 0);
	for (size_t i = 0; i < ACCOUNT_ONETIME_LEN; i++) {
		if (i % 5 == 4)
			ck_assert_int_eq(p1[i], '-');
		else
			ck_assert_ptr_null(strchr("-01lIO", p1[i]));
	}
}
END_TEST

START_TEST(groups_known_and_text)
{
	struct config cfg = {0};
	struct cfg_group g[2] = {{.name = (char *)"7a"}, {.name = (char *)"7b"}};
	cfg.groups = g;
	cfg.n_groups = 2;
	struct accounts a;
	const char *why = NULL, *bad = NULL;
	accounts_init(&a);
	struct account *w = accounts_add(&a, "w", ROLE_STAFF, &why);
	struct sbuf t;
	sbuf_init(&t);
	account_groups_text(w, &t);
	ck_assert_str_eq(t.data, "*");
	ck_assert_int_eq(account_groups_known(w, &cfg, &bad), 0);
	ck_assert_int_eq(account_set_groups(w, "7b,7a", &why), 0);
	ck_assert_int_eq(account_groups_known(w, &cfg, &bad), 0);
	sbuf_reset(&t);
	account_groups_text(w, &t);
	ck_assert_str_eq(t.data, "7b,7a");
	ck_assert_int_eq(account_set_groups(w, "7a,9z", &why), 0);
	ck_assert_int_eq(account_groups_known(w, &cfg, &bad), -1);
	ck_assert_str_eq(bad, "9z");
	sbuf_free(&t);
	accounts_free(&a);
}
END_TEST

START_TEST(names_and_groups)
{
	ck_assert(account_name_ok("a", 1));
	ck_assert(account_name_ok("wang.li-2_x", 11));
	ck_assert(!account_name_ok("", 0));
	ck_assert(!account_name_ok(".a", 2));
	ck_assert(!account_name_ok("a:b", 3));
	ck_assert(!account_name_ok("张三", strlen("张三")));
	ck_assert(account_group_ok("Grade7", 6));
	struct accounts a;
	const char *why = NULL;
	accounts_init(&a);
	struct account *w = accounts_add(&a, "w", ROLE_STAFF, &why);
	ck_assert_int_eq(account_set_groups(w, "7a,x:y", &why), -1);
	ck_assert_uint_eq(w->n_groups, 0);
	ck_assert_int_eq(account_set_groups(w, "7a", &why), 0);
	ck_assert_int_eq(account_set_groups(w, "", &why), 0);
	ck_assert_uint_eq(w->n_groups, 0);
	accounts_free(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("account");
	TCase *tc = tcase_create("account");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, parse_good);
	tcase_add_test(tc, parse_rejections);
	tcase_add_test(tc, load_and_save);
	tcase_add_test(tc, password_verify_and_rehash);
	tcase_add_test(tc, names_and_groups);
	tcase_add_test(tc, mustchange_flag);
	tcase_add_test(tc, last_admin_rule);
	tcase_add_test(tc, password_rules_and_onetime);
	tcase_add_test(tc, groups_known_and_text);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
