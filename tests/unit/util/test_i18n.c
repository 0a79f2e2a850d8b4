/* Unit tests for i18n: language from the locale, from a tag, from Accept-Language; the
 * zh-CN texts of parser reasons and diagnostic lines. */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "name.h"
#include "testutil.h"

static enum lang accept(const char *h)
{
	return lang_from_accept(h, h ? strlen(h) : 0);
}

START_TEST(test_parse)
{
	ck_assert_int_eq(lang_parse("zh", LANG_EN), LANG_ZH);
	ck_assert_int_eq(lang_parse("zh-CN", LANG_EN), LANG_ZH);
	ck_assert_int_eq(lang_parse("zh_CN.UTF-8", LANG_EN), LANG_ZH);
	ck_assert_int_eq(lang_parse("ZH-tw", LANG_EN), LANG_ZH);
	ck_assert_int_eq(lang_parse("en", LANG_ZH), LANG_EN);
	ck_assert_int_eq(lang_parse("en_US.UTF-8", LANG_ZH), LANG_EN);
	ck_assert_int_eq(lang_parse("en@quot", LANG_ZH), LANG_EN);
	/* not a zh/en tag: the fallback */
	ck_assert_int_eq(lang_parse("zhx", LANG_EN), LANG_EN);
	ck_assert_int_eq(lang_parse("english", LANG_ZH), LANG_ZH);
	ck_assert_int_eq(lang_parse("C", LANG_ZH), LANG_ZH);
	ck_assert_int_eq(lang_parse("", LANG_EN), LANG_EN);
	ck_assert_int_eq(lang_parse(NULL, LANG_ZH), LANG_ZH);
	ck_assert_str_eq(T(LANG_ZH, "allowed", "允许"), "允许");
	ck_assert_str_eq(T(LANG_EN, "allowed", "允许"), "allowed");
}
END_TEST

START_TEST(test_env)
{
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	ck_assert_int_eq(lang_from_env(), LANG_EN);
	setenv("LANG", "zh_CN.UTF-8", 1);
	ck_assert_int_eq(lang_from_env(), LANG_ZH);
	setenv("LC_MESSAGES", "en_GB.UTF-8", 1);
	ck_assert_int_eq(lang_from_env(), LANG_EN);
	setenv("LC_ALL", "zh_CN.UTF-8", 1);
	ck_assert_int_eq(lang_from_env(), LANG_ZH);
	setenv("LC_ALL", "", 1); /* empty means unset */
	ck_assert_int_eq(lang_from_env(), LANG_EN);
	setenv("LC_ALL", "C.UTF-8", 1);
	ck_assert_int_eq(lang_from_env(), LANG_EN);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
}
END_TEST

START_TEST(test_accept_language)
{
	ck_assert_int_eq(accept(NULL), LANG_ZH);
	ck_assert_int_eq(accept(""), LANG_ZH);
	ck_assert_int_eq(accept("en-US,en;q=0.9"), LANG_EN);
	ck_assert_int_eq(accept("zh-CN,zh;q=0.9,en;q=0.8"), LANG_ZH);
	ck_assert_int_eq(accept("en;q=0.5, zh-CN;q=0.8"), LANG_ZH);
	ck_assert_int_eq(accept("zh;q=0.3,en;q=0.7"), LANG_EN);
	ck_assert_int_eq(accept("fr-FR,de;q=0.9"), LANG_ZH);       /* neither: default */
	ck_assert_int_eq(accept("fr-FR, en ;q=0.1"), LANG_EN);
	ck_assert_int_eq(accept("en;q=0"), LANG_ZH);               /* q=0: not acceptable */
	ck_assert_int_eq(accept("en;q=1.0,zh;q=1"), LANG_EN);      /* a tie: the first */
	ck_assert_int_eq(accept("en;q=0.999,zh;q=0.998"), LANG_EN);
	/* malformed q values drop that entry */
	ck_assert_int_eq(accept("en;q=2,zh;q=0.1"), LANG_ZH);
	ck_assert_int_eq(accept("en;q=1.5"), LANG_ZH);
	ck_assert_int_eq(accept("en;q=0.1234"), LANG_ZH);
	ck_assert_int_eq(accept("en;q=abc"), LANG_ZH);
	ck_assert_int_eq(accept("en;x=1"), LANG_ZH);
	ck_assert_int_eq(accept("en;q="), LANG_ZH);
	ck_assert_int_eq(accept(",,,;;;,en"), LANG_EN);
	/* only len bytes are read: "en" beyond the length does not count */
	const char *h = "fr,en";
	ck_assert_int_eq(lang_from_accept(h, 2), LANG_ZH);
}
END_TEST

START_TEST(test_reasons)
{
	/* every reason name_normalise gives has a zh-CN text; English stays English */
	static const char *names[] = {"", "a..b", "bad!name", "x.\x01", "[::1"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char out[NAME_MAX_LEN + 1];
		const char *why = NULL;
		ck_assert_int_lt(name_normalise(names[i], strlen(names[i]), out, &why), 0);
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(lang_reason(LANG_EN, why), why);
		ck_assert_msg(strcmp(lang_reason(LANG_ZH, why), why) != 0,
			      "no zh-CN text for '%s'", why);
	}
	ck_assert_str_eq(lang_reason(LANG_ZH, "bad character in name"), "域名中有非法字符");
	ck_assert_str_eq(lang_reason(LANG_ZH, "no such reason"), "no such reason");
	ck_assert_ptr_null(lang_reason(LANG_ZH, NULL));
}
END_TEST

START_TEST(test_diag_lines)
{
	char buf[256];
	const char *m = "lists/a.list:2: bad character in name: bad!.example";
	/* English: the message itself, not a copy */
	ck_assert_ptr_eq(lang_diag(LANG_EN, m, buf, sizeof buf), m);
	ck_assert_str_eq(lang_diag(LANG_ZH, m, buf, sizeof buf),
			 "lists/a.list:2: 域名中有非法字符: bad!.example");
	/* the warning mark, a reason followed by " (", and one at the end of the line */
	ck_assert_str_eq(lang_diag(LANG_ZH, "f:3: warning: exception rule skipped: @@||a^", buf,
				   sizeof buf),
			 "f:3: 警告：已跳过例外规则: @@||a^");
	ck_assert_str_eq(lang_diag(LANG_ZH, "f:4: bad pattern (offset 1: x): (", buf, sizeof buf),
			 "f:4: 正则表达式有误 (offset 1: x): (");
	ck_assert_str_eq(lang_diag(LANG_ZH, "c.conf: cannot open: No such file", buf,
				   sizeof buf), "c.conf: 无法打开: No such file");
	/* the warning mark before a reason the table does not know: the mark alone */
	ck_assert_str_eq(lang_diag(LANG_ZH, "c.conf:6: warning: optional list x not found", buf,
				   sizeof buf), "c.conf:6: 警告：optional list x not found");
	/* a phrase must end at a word boundary: "bad names" is not "bad name" */
	const char *u = "f:5: bad names here";
	ck_assert_ptr_eq(lang_diag(LANG_ZH, u, buf, sizeof buf), u);
	/* a file name that looks like a reason is left alone; the reason after it is not */
	ck_assert_str_eq(lang_diag(LANG_ZH, "bad name:6: empty name: x", buf, sizeof buf),
			 "bad name:6: 域名为空: x");
	/* a small buffer truncates, NUL-terminated */
	char small[8];
	const char *r = lang_diag(LANG_ZH, m, small, sizeof small);
	ck_assert_ptr_eq(r, small);
	ck_assert_uint_eq(strlen(small), 7);
}
END_TEST

static Suite *i18n_suite(void)
{
	Suite *s = suite_create("i18n");
	TCase *tc = tcase_create("lang");
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_accept_language);
	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_diag_lines);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(i18n_suite(), NULL);
}
