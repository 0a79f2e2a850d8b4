/* i18n_config: the zh-CN forms of the config loader's diagnostics. Each English format is
 * the config code's own printf format; a message matching one is said again in zh-CN with
 * its values (keys, names, paths, numbers) exactly as they were. */
#include "i18n.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* en: the format exactly as config*.c writes it (%s, %.*s, %d, %u, %zu, %llu).
 * zh: %1..%9 put back value N of the English text, %R1..%R9 the same through
 * lang_reason (a parser's reason or strerror text), %% a percent sign.
 * A more specific format comes before a more general one that would also match. */
static const struct {
	const char *en, *zh;
} formats[] = {
	/* the file and the shape of its lines (config_load.c) */
	{"cannot open: %s", "无法打开: %R1"},
	{"cannot read: %s", "无法读取: %R1"},
	{"file larger than %d bytes", "文件超过 %1 字节"},
	{"the INI parser refused the line", "INI 解析器无法处理此行"},
	{"NUL byte in the line", "此行含有 NUL 字节"},
	{"control character in the line", "此行含有控制字符"},
	{"the line is not valid UTF-8", "此行不是有效的 UTF-8 文本"},
	{"line longer than %d bytes", "此行超过 %1 字节"},
	{"a section line must end with ']'", "配置段行必须以 ']' 结尾"},
	{"expected 'key = value'", "此行应为 'key = value' 的形式"},
	{"a key is missing before '='", "'=' 前缺少配置项名称"},
	/* sections */
	{"unknown section [%.*s]", "未知的配置段 [%1]"},
	{"[%s] takes no name", "配置段 [%1] 不能带名称"},
	{"section [%s] given twice (first at line %u)", "配置段 [%1] 出现了两次（第一次在第 %2 行）"},
	{"[%s] needs a name: [%s NAME]", "配置段 [%1] 需要名称，应写成 [%2 名称]"},
	{"bad %s name '%.*s' (1-32 letters, digits, - _ .)",
	 "%1 名称“%2”有误（应为 1 到 32 个字母、数字或 - _ .）"},
	{"%s '%s' defined twice (first at line %u)", "[%1 %2] 定义了两次（第一次在第 %3 行）"},
	{"too many categories (at most %d)", "类别过多（最多 %1 个）"},
	/* keys */
	{"'%s' is outside any section", "配置项“%1”不在任何配置段中"},
	{"unknown key '%s' in this section", "未知的配置项“%1”（此配置段中没有这一项）"},
	{"'%s' given twice in this section", "配置项“%1”在此配置段中出现了两次"},
	{"'%s' needs a value", "配置项“%1”需要一个值"},
	/* values of the service keys (config_keys.c) */
	{"%s must be yes or no, not '%s'", "%1 必须是 yes 或 no，而不是“%2”"},
	{"%s must be a whole number from %llu to %llu, not '%s'",
	 "%1 必须是 %2 到 %3 之间的整数，而不是“%4”"},
	{"interface: '%s' is listed twice", "interface: “%1”重复列出"},
	{"subnet: '%s' is listed twice", "subnet: “%1”重复列出"},
	{"%s: '%s' is listed twice", "%1: “%2”重复列出"},
	{"interface: at most %d entries", "interface: 最多只能有 %1 项"},
	{"resolver: at most %d entries", "resolver: 最多只能有 %1 项"},
	{"time: at most %d entries", "time: 最多只能有 %1 项"},
	{"subnet: at most 1024 entries", "subnet: 最多只能有 1024 项"},
	{"%s: at most 1000 entries", "%1: 最多只能有 1000 项"},
	{"%s: at most %d entries", "%1: 最多只能有 %2 项"},
	{"%s: '%s' is not ADDR:PORT or [ADDR6]:PORT", "%1: “%2”不是 ADDR:PORT 或 [ADDR6]:PORT"},
	{"%s: longer than %zu bytes", "%1: 长度超过 %2 字节"},
	{"user: '%s' is not a user name", "user: “%1”不是有效的用户名"},
	{"user: no such user '%s' on this system", "user: 本系统上没有用户“%1”"},
	{"language must be zh-CN or en, not '%s'", "language 必须是 zh-CN 或 en，而不是“%1”"},
	{"resolver: '%s' is not an IP address", "resolver: “%1”不是 IP 地址"},
	{"%s: '%s' is not an %s address", "%1: “%2”不是 %3 地址"},
	{"parent: '%s' is not ADDR:PORT, [ADDR6]:PORT or off",
	 "parent: “%1”不是 ADDR:PORT、[ADDR6]:PORT 或 off"},
	{"interface: '%s' is not an interface name", "interface: “%1”不是有效的网卡名"},
	{"syslog must be off, local, udp:ADDR:PORT or tcp:ADDR:PORT, not '%s'",
	 "syslog 必须是 off、local、udp:ADDR:PORT 或 tcp:ADDR:PORT，而不是“%1”"},
	/* lists, timetables and groups (config_rules.c, config.c) */
	{"list: unknown format '%.*s' (native, hosts, adblock, ut1)",
	 "list: 未知的格式“%1”（可用 native、hosts、adblock、ut1）"},
	{"list: the path is missing", "list: 缺少名单路径"},
	{"optional list %s not found, skipped", "未找到可选名单 %1，已跳过"},
	{"list %s: a ut1 list is a folder (domains, urls, expressions)",
	 "名单 %1: ut1 名单应是一个文件夹（含 domains、urls、expressions）"},
	{"list %s: not a regular file (a UT1 folder needs ut1:)",
	 "名单 %1: 不是普通文件（UT1 文件夹须写成 ut1:路径）"},
	{"list %s: not a regular file", "名单 %1: 不是普通文件"},
	{"list %s is named twice here (first at line %u)",
	 "名单 %1 在此重复列出（第一次在第 %2 行）"},
	{"list %s: %s", "名单 %1: %R2"},
	{"cannot read the list: %s", "无法读取名单: %R1"},
	{"the list is not a regular file", "名单不是普通文件"},
	{"kind must be block or bypass, not '%s'", "kind 必须是 block 或 bypass，而不是“%1”"},
	{"weekdays: '%s': %s", "weekdays: “%1”: %R2"},
	{"time: '%s': %s", "time: “%1”: %R2"},
	{"%s: '%s': %s", "%1: “%2”: %R3"},
	{"subnet: '%s' is not ADDR/PREFIX (with the host bits zero)",
	 "subnet: “%1”不是 ADDR/PREFIX 格式（主机位须为 0）"},
	{"%s: too many categories", "%1: 类别过多"},
	{"block_mode must be nxdomain, null, page or refused, not '%s'",
	 "block_mode 必须是 nxdomain、null、page 或 refused，而不是“%1”"},
	{"%s must be off, moderate or strict, not '%s'",
	 "%1 必须是 off、moderate 或 strict，而不是“%2”"},
	/* checks over the whole file (config_load.c) */
	{"category '%s' has no list", "类别“%1”没有任何名单"},
	{"timetable '%s': time zone %s: %s", "时间表“%1”: 时区 %2: %R3"},
	{"group '%s': unknown category '%s'", "分组“%1”: 未知的类别“%2”"},
	{"group '%s': unknown timetable '%s'", "分组“%1”: 未知的时间表“%2”"},
	{"group '%s': block_scheduled needs a timetable",
	 "分组“%1”: 使用 block_scheduled 时必须设置 timetable"},
	{"group '%s': block_mode = page needs block_page_v4 or block_page_v6 in [dns]",
	 "分组“%1”: block_mode = page 需要在 [dns] 中设置 block_page_v4 或 block_page_v6"},
	{"group '%s' has no subnet", "分组“%1”没有设置 subnet"},
	{"group '%s': subnet %s/%u is also in group '%s'", "分组“%1”: 子网 %2/%3 也在分组“%4”中"},
	{"category '%s' is not blocked by any group", "没有任何分组拦截类别“%1”"},
	{"timetable '%s' is not used by any group", "没有任何分组使用时间表“%1”"},
	{"max_line_bytes (%zu) is larger than max_head_bytes (%zu)",
	 "max_line_bytes（%1）大于 max_head_bytes（%2）"},
};

#define MAX_SLOTS 9
#define MATCH_STEPS 20000 /* a bound on the work for one message */

struct fmatch {
	const char *at[MAX_SLOTS];
	size_t len[MAX_SLOTS];
	int n;
	unsigned steps;
};

/* Skip a conversion after its '%': its length, and whether it prints a number. */
static size_t conv_len(const char *f, bool *num)
{
	static const char *convs[] = {".*s", "s", "d", "u", "zu", "llu"};
	for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++) {
		size_t k = strlen(convs[i]);
		if (strncmp(f, convs[i], k) == 0) {
			*num = i >= 2;
			return k;
		}
	}
	return 0;
}

/* Whether all of s matches the format f, the values' places noted in m. */
static bool fmatch(const char *f, const char *s, struct fmatch *m)
{
	if (m->steps == 0)
		return false;
	m->steps--;
	while (*f && !(f[0] == '%' && f[1] != '%')) {
		if (*f == '%')
			f++; /* "%%" is one '%' */
		if (*s != *f)
			return false;
		f++, s++;
	}
	if (!*f)
		return *s == '\0';
	bool num = false;
	size_t k = conv_len(f + 1, &num);
	if (k == 0 || m->n >= MAX_SLOTS)
		return false;
	const char *rest = f + 1 + k;
	int slot = m->n++;
	m->at[slot] = s;
	if (!num && !strchr(rest, '%')) {
		/* only text follows: this value is all of s but that text at the end */
		size_t sl = strlen(s), rl = strlen(rest);
		if (sl >= rl && strcmp(s + sl - rl, rest) == 0) {
			m->len[slot] = sl - rl;
			return true;
		}
	} else {
		/* the shortest value that lets the rest match; a number is [-]digits */
		for (size_t len = 0;; len++) {
			if (len > 0 && s[len - 1] == '\0')
				break;
			if (num && len > 0 && !isdigit((unsigned char)s[len - 1]) &&
			    !(len == 1 && s[0] == '-'))
				break;
			if (num && (len == 0 || (len == 1 && s[0] == '-')))
				continue;
			m->len[slot] = len;
			if (fmatch(rest, s + len, m))
				return true;
			if (m->steps == 0)
				break;
		}
	}
	m->n--;
	return false;
}

/* Append n bytes of s to buf (size cap, used *at), always NUL-terminated. What does not
 * fit is cut before a whole UTF-8 character, and nothing is added after a cut. */
static void put(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
	size_t room = cap - 1 - *at;
	bool cut = n > room;
	if (cut) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf + *at, s, n);
	buf[*at + n] = '\0';
	*at = cut ? cap - 1 : *at + n;
}

/* The zh template t with the values of m put back. */
static void render(const char *t, const struct fmatch *m, char *buf, size_t cap)
{
	size_t at = 0;
	buf[0] = '\0';
	while (*t) {
		const char *pct = strchr(t, '%');
		if (!pct) {
			put(buf, cap, &at, t, strlen(t));
			break;
		}
		put(buf, cap, &at, t, (size_t)(pct - t));
		t = pct + 1;
		bool reason = *t == 'R';
		if (reason)
			t++;
		if (*t < '1' || *t > '9' || *t - '1' >= m->n) {
			put(buf, cap, &at, "%", 1); /* "%%", or a slip in the table: shown as is */
			if (*t == '%')
				t++;
			continue;
		}
		int i = *t++ - '1';
		if (reason) {
			char v[512];
			size_t n = m->len[i] < sizeof v ? m->len[i] : sizeof v - 1;
			memcpy(v, m->at[i], n);
			v[n] = '\0';
			const char *zh = lang_reason(LANG_ZH, v);
			if (zh != v) {
				put(buf, cap, &at, zh, strlen(zh));
				continue;
			}
		}
		put(buf, cap, &at, m->at[i], m->len[i]);
	}
}

const char *lang_config_msg(const char *body, char *buf, size_t n, int *which)
{
	if (which)
		*which = -1;
	if (!body || !buf || n == 0)
		return NULL;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		struct fmatch m;
		m.n = 0;
		m.steps = MATCH_STEPS;
		if (!fmatch(formats[i].en, body, &m))
			continue;
		render(formats[i].zh, &m, buf, n);
		if (which)
			*which = (int)i;
		return buf;
	}
	return NULL;
}

const char *lang_config_format(size_t i, const char **zh)
{
	if (i >= sizeof formats / sizeof formats[0])
		return NULL;
	if (zh)
		*zh = formats[i].zh;
	return formats[i].en;
}
