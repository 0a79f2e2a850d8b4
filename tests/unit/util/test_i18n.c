/* Unit tests for i18n: language from the locale, from a tag, from Accept-Language; the
 * zh-CN texts of parser reasons and diagnostic lines; the message catalogue (every entry
 * in both languages with the same arguments) and that no message is translated outside it. */
#include <ctype.h>
#include <ftw.h>
#include <inttypes.h>
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
	ck_assert_str_eq(msg(LANG_ZH, MSG_CHECK_ALLOW), "放行");
	ck_assert_str_eq(msg(LANG_EN, MSG_CHECK_ALLOW), "ALLOW");
	ck_assert_str_eq(lang_tag(LANG_ZH), "zh-CN");
	ck_assert_str_eq(lang_tag(LANG_EN), "en");
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

/* The arguments a printf format takes, one letter group per argument ("i" for a '*' width
 * or precision, then the length and kind of each conversion: "zu", "s", "llu", "f"...), in
 * out; -1 on a conversion this check does not know. */
static int format_args(const char *f, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *p = f; (p = strchr(p, '%')); ) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		p += strspn(p, "-+ #0'");
		char arg[8];
		size_t an = 0;
		if (*p == '*') {
			n += (size_t)snprintf(out + n, cap - n, "i,");
			p++;
		}
		p += strspn(p, "0123456789");
		if (*p == '.') {
			p++;
			if (*p == '*') {
				n += (size_t)snprintf(out + n, cap - n, "i,");
				p++;
			}
			p += strspn(p, "0123456789");
		}
		while (strchr("hlLzjt", *p) && *p && an < 4)
			arg[an++] = *p++;
		if (!*p || !strchr("diuxXofFeEgGcsp", *p))
			return -1;
		char c = *p++;
		c = c == 'i' ? 'd' : strchr("xXo", c) ? 'u' : strchr("FeEgG", c) ? 'f' : c;
		arg[an++] = c;
		arg[an] = '\0';
		n += (size_t)snprintf(out + n, cap - n, "%s,", arg);
		if (n >= cap)
			return -1;
	}
	return 0;
}

/* Every entry: both texts, the zh-CN one in Chinese, the same arguments in the same order;
 * a reason takes none. */
START_TEST(test_catalogue)
{
	ck_assert_uint_gt(MSG_COUNT, 250);
	for (size_t i = 0; i < MSG_COUNT; i++) {
		enum msg_id id = (enum msg_id)i;
		const char *en = msg(LANG_EN, id), *zh = msg(LANG_ZH, id), *name = msg_name(id);
		ck_assert_msg(en[0] && zh[0], "%s: an empty text", name);
		ck_assert_msg(strcmp(en, zh) != 0, "%s: the zh-CN text is the English one", name);
		bool chinese = false;
		for (const char *p = zh; *p; p++)
			if ((unsigned char)*p >= 0x80)
				chinese = true;
		ck_assert_msg(chinese, "%s: the zh-CN text is left in English: '%s'", name, zh);
		char a[256], b[256];
		ck_assert_msg(format_args(en, a, sizeof a) == 0, "%s: odd format '%s'", name, en);
		ck_assert_msg(format_args(zh, b, sizeof b) == 0, "%s: odd format '%s'", name, zh);
		ck_assert_msg(strcmp(a, b) == 0, "%s: arguments %s in English, %s in zh-CN", name, a, b);
		if (msg_is_reason(id))
			ck_assert_msg(a[0] == '\0', "%s: a reason takes no arguments", name);
	}
	/* the check itself catches a changed order, a dropped and a changed argument */
	char a[64], b[64];
	format_args("%s: %zu of %d", a, sizeof a);
	format_args("%zu: %s of %d", b, sizeof b);
	ck_assert_str_ne(a, b);
	format_args("%s: %zu", b, sizeof b);
	ck_assert_str_ne(a, b);
	format_args("%-10s: %zu of %i%%", b, sizeof b);
	ck_assert_str_eq(a, b);
	format_args("%.*s %" PRIu64, a, sizeof a);
	ck_assert_str_eq(a, "i,s,lu,");
	ck_assert_int_eq(format_args("%q", a, sizeof a), -1);
	ck_assert_str_eq(msg(LANG_EN, MSG_COUNT), "");
}
END_TEST

/* What test_sources found: inline translations, and messages printed through an
 * unchecked format. */
static struct {
	size_t files;
	char bad[4096];
} scan;

/* Whether p (at "T(" in src) starts a call of a function or macro named T. */
static bool is_t_call(const char *src, const char *p)
{
	if (p > src && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return false;
	return true;
}

static int scan_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 2 || (strcmp(path + n - 2, ".c") && strcmp(path + n - 2, ".h")))
		return 0;
	char *src = tu_read_file(path, NULL);
	if (!src)
		return 0;
	scan.files++;
	for (const char *p = strstr(src, "T("); p; p = strstr(p + 1, "T("))
		if (is_t_call(src, p)) {
			size_t used = strlen(scan.bad);
			snprintf(scan.bad + used, sizeof scan.bad - used, "%s: an inline T() pair\n", path);
			break;
		}
	/* a message as the format of printf and friends: its arguments are not checked */
	static const char *calls[] = {"printf(msg(", ", msg(l, MSG_"};
	for (size_t c = 0; c < CG_ARRAY_LEN(calls); c++) {
		const char *p = strstr(src, calls[c]);
		if (!p)
			continue;
		if (c == 1) {
			/* only as the format: "fprintf(x, msg(" or "sbuf_printf(x, msg(" */
			const char *ln = p;
			while (ln > src && ln[-1] != '\n')
				ln--;
			char line[256];
			snprintf(line, sizeof line, "%.*s", (int)(p - ln), ln);
			char *open = strrchr(line, '(');
			if (!open || open - line < 7 || strncmp(open - 7, "fprintf", 7) != 0 ||
			    strchr(open, ','))
				continue;
		}
		size_t used = strlen(scan.bad);
		snprintf(scan.bad + used, sizeof scan.bad - used,
			 "%s: msg() as a printf format (use msg_printf and friends)\n", path);
	}
	free(src);
	return 0;
}

/* No message is translated outside the catalogue: no T(l, "en", "zh") pair is left in the
 * sources, and no msg() is given to printf as its format unchecked. */
START_TEST(test_sources)
{
	char *root = tu_source_path("gateway");
	memset(&scan, 0, sizeof scan);
	ck_assert_int_eq(nftw(root, scan_file, 16, FTW_PHYS), 0);
	ck_assert_uint_gt(scan.files, 100);
	ck_assert_msg(scan.bad[0] == '\0', "%s", scan.bad);
	free(root);
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
	tcase_add_test(tc, test_catalogue);
	tcase_add_test(tc, test_sources);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(i18n_suite(), NULL);
}
