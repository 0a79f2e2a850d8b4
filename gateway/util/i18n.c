/* i18n: choose zh-CN or English from the environment or an Accept-Language header, and
 * put the parsers' English reasons into zh-CN for the people who read them. */
#include "i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Whether s (n bytes) names the language tag lang ("zh", "en"): the tag itself, or the
 * tag followed by a region, codeset or modifier ("zh-CN", "zh_CN.UTF-8", "en@x"). */
static bool tag_is(const char *s, size_t n, const char *lang)
{
	size_t l = strlen(lang);
	if (n < l || strncasecmp(s, lang, l) != 0)
		return false;
	return n == l || s[l] == '-' || s[l] == '_' || s[l] == '.' || s[l] == '@';
}

enum lang lang_parse(const char *s, enum lang fallback)
{
	if (!s)
		return fallback;
	size_t n = strlen(s);
	if (tag_is(s, n, "zh"))
		return LANG_ZH;
	if (tag_is(s, n, "en"))
		return LANG_EN;
	return fallback;
}

enum lang lang_from_env(void)
{
	static const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return lang_parse(v, LANG_EN);
	}
	return LANG_EN;
}

/* Parse "q=0.8" (already trimmed) into thousandths; -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	if (n < 3 || (s[0] != 'q' && s[0] != 'Q') || s[1] != '=')
		return -1;
	s += 2;
	n -= 2;
	int q = 0;
	if (s[0] == '1') {
		q = 1000;
	} else if (s[0] != '0') {
		return -1;
	}
	if (n == 1)
		return q;
	if (s[1] != '.')
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) || i > 4)
			return -1;
		if (q == 1000 && s[i] != '0')
			return -1;
		q += (s[i] - '0') * scale;
		scale /= 10;
	}
	return q;
}

enum lang lang_from_accept(const char *h, size_t len)
{
	int best_q = 0;
	enum lang best = LANG_ZH;
	size_t i = 0;
	if (!h)
		return LANG_ZH;
	while (i < len) {
		size_t start = i;
		while (i < len && h[i] != ',')
			i++;
		size_t end = i++;
		/* one entry: tag [; q=x] */
		size_t a = start;
		while (a < end && (h[a] == ' ' || h[a] == '\t'))
			a++;
		size_t t = a;
		while (t < end && h[t] != ';' && h[t] != ' ' && h[t] != '\t')
			t++;
		int q = 1000;
		size_t s = t;
		while (s < end && h[s] != ';')
			s++;
		if (s < end) {
			s++;
			while (s < end && (h[s] == ' ' || h[s] == '\t'))
				s++;
			size_t e = end;
			while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t'))
				e--;
			q = parse_q(h + s, e - s);
			if (q < 0)
				continue;
		}
		enum lang l;
		if (tag_is(h + a, t - a, "zh"))
			l = LANG_ZH;
		else if (tag_is(h + a, t - a, "en"))
			l = LANG_EN;
		else
			continue;
		if (q > best_q) {
			best_q = q;
			best = l;
		}
	}
	return best;
}

/* Parser reasons, English -> zh-CN. Longer phrases first where one starts another. */
static const struct {
	const char *en, *zh;
} reasons[] = {
	/* name.c and cli_check.c */
	{"empty name", "域名为空"},
	{"name longer than 253 bytes", "域名超过 253 字节"},
	{"empty label", "域名中有空标签"},
	{"bad character in name", "域名中有非法字符"},
	{"label longer than 63 bytes", "标签超过 63 字节"},
	{"bad IPv6 literal", "IPv6 地址格式有误"},
	{"bad international name", "国际化域名有误"},
	{"control character in name", "域名中有控制字符"},
	{"path too long", "路径过长"},
	{"bad name", "域名有误"},
	/* lists.c and the pattern check */
	{"white space inside a rule", "规则中间有空白"},
	{"empty pattern", "正则表达式为空"},
	{"pattern without a closing '/'", "正则表达式缺少结尾的 '/'"},
	{"hosts line without a name", "hosts 行中没有域名"},
	{"not a blocking address (0.0.0.0, 127.0.0.1, ::, ::1)",
	 "不是拦截地址（0.0.0.0、127.0.0.1、::、::1）"},
	{"single-label name in a hosts file", "hosts 文件中的单标签域名"},
	{"bad header line", "文件头行有误"},
	{"exception rule skipped", "已跳过例外规则"},
	{"unsupported adblock rule skipped", "已跳过不支持的 adblock 规则"},
	{"rule with $options skipped", "已跳过带 $选项 的规则"},
	{"not a ||domain^ rule", "不是 ||domain^ 规则"},
	{"bad pattern", "正则表达式有误"},
	{"not a regular file", "不是普通文件"},
	{"cannot read the time zone file", "无法读取时区文件"}, /* tz.c */
	{"cannot read", "无法读取"},
	{"cannot open", "无法打开"},
	/* tz.c */
	{"unknown time zone", "未知的时区"},
	{"not a time zone name", "不是时区名"},
	{"time zone path too long", "时区路径过长"},
	{"not a time zone file", "不是时区文件"},
	{"time zone file unreadable or too large", "时区文件无法读取或过大"},
	{"truncated version 2 data", "第 2 版数据不完整"},
	{"truncated data", "数据不完整"},
	{"missing footer", "缺少结尾的 TZ 规则"},
	{"unterminated footer", "结尾的 TZ 规则没有结束"},
	{"bad TZ rule in footer", "结尾的 TZ 规则有误"},
	{"truncated header", "文件头不完整"},
	{"not a TZif file", "不是 TZif 文件"},
	{"unknown TZif version", "未知的 TZif 版本"},
	{"bad number of local time types", "本地时间类型的数量有误"},
	{"too many transitions", "时间转换点过多"},
	{"bad indicator counts", "指示符数量有误"},
	{"bad counts", "计数有误"},
	{"transition times not ascending", "转换时间没有按升序排列"},
	{"transition type out of range", "转换类型超出范围"},
	{"UT offset out of range", "UT 偏移超出范围"},
	{"bad DST flag", "夏令时标志有误"},
	{"abbreviation index out of range", "时区缩写索引超出范围"},
	/* timetable.c */
	{"weekdays must be like mon-fri or mon,wed,fri",
	 "星期应写成 mon-fri 或 mon,wed,fri 的形式"},
	{"time must be HH:MM-HH:MM", "时间应为 HH:MM-HH:MM 格式"},
	{"empty time range (start equals end)", "时间段为空（开始时间等于结束时间）"},
	{"a time range cannot start at 24:00", "时间段不能从 24:00 开始"},
	{"date range ends before it starts", "日期范围的结束早于开始"},
	{"a date range label is one word (letters, digits, - _ .)",
	 "日期范围的标签只能是一个词（字母、数字或 - _ .）"},
	{"dates must be YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (a real date)",
	 "日期应为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD（且须是真实存在的日期）"},
	/* strerror() for the files a config names */
	{"No such file or directory", "没有那个文件或目录"},
	{"Permission denied", "权限不够"},
	{"Not a directory", "不是目录"},
	{"Is a directory", "是一个目录"},
	{"Too many levels of symbolic links", "符号链接的层数过多"},
	{"File name too long", "文件名过长"},
	{"Input/output error", "输入/输出错误"},
};

const char *lang_reason(enum lang l, const char *en)
{
	if (l != LANG_ZH || !en)
		return en;
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(en, reasons[i].en) == 0)
			return reasons[i].zh;
	return en;
}

/* The table entry that s starts with, ending at a word boundary; -1 when none. */
static int reason_at(const char *s)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
		size_t n = strlen(reasons[i].en);
		if (strncmp(s, reasons[i].en, n) == 0 &&
		    (s[n] == '\0' || s[n] == ':' || s[n] == ' ' || s[n] == '('))
			return (int)i;
	}
	return -1;
}

const char *lang_diag(enum lang l, const char *msg, char *buf, size_t n)
{
	static const char warn_en[] = "warning: ", warn_zh[] = "警告：";
	if (l != LANG_ZH || n == 0)
		return msg;
	for (const char *p = strstr(msg, ": "); p; p = strstr(p + 1, ": ")) {
		const char *r = p + 2;
		bool warn = strncmp(r, warn_en, sizeof warn_en - 1) == 0;
		if (warn)
			r += sizeof warn_en - 1;
		char cm[1024];
		if (lang_config_msg(r, cm, sizeof cm, NULL)) {
			snprintf(buf, n, "%.*s: %s%s", (int)(p - msg), msg, warn ? warn_zh : "", cm);
			return buf;
		}
		int i = reason_at(r);
		if (i < 0 && !warn)
			continue;
		/* an unknown reason after the warning mark: the mark alone is translated */
		snprintf(buf, n, "%.*s: %s%s%s", (int)(p - msg), msg, warn ? warn_zh : "",
			 i >= 0 ? reasons[i].zh : "", i >= 0 ? r + strlen(reasons[i].en) : r);
		return buf;
	}
	return msg;
}

void lang_diag_print(enum lang l, const struct diag *d, FILE *f)
{
	char buf[2048];
	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", lang_diag(l, d->msgs[i], buf, sizeof buf));
	size_t total = d->errors + d->warnings;
	if (total > d->n)
		fprintf(f, T(l, "(%zu more messages not shown)\n", "（另有 %zu 条消息未显示）\n"),
			total - d->n);
}
