/* Unit tests for the zh-CN config diagnostics: every message the config loader gives, in
 * bad configs loaded and printed under zh_CN and under C/en; every message of the loader
 * is a catalogue id (messages.def, MSG_CFG_*), every such id is used, and each keeps all
 * the values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_support.h"
#include "i18n.h"
#include "testutil.h"

/* How a case makes its messages. */
enum how {
	H_TEXT,       /* config_parse of text (len bytes when len is set) */
	H_MISSING,    /* config_load of a file that is not there */
	H_FOLDER,     /* config_load of a folder */
	H_BIG,        /* config_load of a file over the size limit */
	H_LONG_LINE,  /* a line longer than the INI reader takes */
	H_MANY,       /* every repeatable key one time too many */
	H_LONG_VALUE, /* a string value over its limit */
	H_NO_ZONES,   /* a timetable on the school zone, with no zone files at all */
	H_BL_MISSING, /* config_add_blocklist of a missing file */
	H_BL_FOLDER,  /* config_add_blocklist of a folder */
	H_INI,        /* the INI parser's own refusal, which the line checks leave no way to */
};

struct zcase {
	enum how how;
	const char *text;
	size_t len;
	const char *en; /* in the English message */
	const char *zh; /* in the zh-CN one, which has no en */
};

static const struct zcase cases[] = {
	/* the file and the shape of its lines */
	{H_MISSING, NULL, 0, "cannot open: No such file or directory", "无法打开: 没有那个文件或目录"},
	{H_FOLDER, NULL, 0, "cannot read: Is a directory", "无法读取: 是一个目录"},
	{H_BIG, NULL, 0, "file larger than 1048576 bytes", "文件超过 1048576 字节"},
	{H_INI, NULL, 0, "the INI parser refused the line", "INI 解析器无法处理此行"},
	{H_TEXT, "[dns]\nthreads = 1\0\n", 19, "NUL byte in the line", "此行含有 NUL 字节"},
	{H_TEXT, "[dns]\nthreads = 1\x01\n", 0, "control character in the line", "此行含有控制字符"},
	{H_TEXT, "[dns]\nx = \xff\n", 0, "the line is not valid UTF-8", "此行不是有效的 UTF-8 文本"},
	{H_LONG_LINE, NULL, 0, "line longer than", "此行超过 "},
	{H_TEXT, "[dns\n", 0, "a section line must end with ']'", "配置段行必须以 ']' 结尾"},
	{H_TEXT, "[dns]\nlisten 127.0.0.1\n", 0, "expected 'key = value'",
	 "此行应为 'key = value' 的形式"},
	{H_TEXT, "[dns]\n = 1\n", 0, "a key is missing before '='", "'=' 前缺少配置项名称"},
	/* sections and keys */
	{H_TEXT, "[bogus]\n", 0, "unknown section [bogus]", "未知的配置段 [bogus]"},
	{H_TEXT, "[jornal]\n", 0, "unknown section [jornal] (did you mean [journal]?)",
	 "未知的配置段 [jornal]（是不是 [journal]？）"},
	{H_TEXT, "[dns x]\n", 0, "[dns] takes no name", "配置段 [dns] 不能带名称"},
	{H_TEXT, "[dns]\n[dns]\n", 0, "section [dns] given twice (first at line 1)",
	 "配置段 [dns] 出现了两次（第一次在第 1 行）"},
	{H_TEXT, "[group]\n", 0, "[group] needs a name: [group NAME]",
	 "配置段 [group] 需要名称，应写成 [group 名称]"},
	{H_TEXT, "[group a b]\n", 0, "bad group name 'a b'", "group 名称“a b”有误"},
	{H_TEXT, "[timetable t]\n[timetable t]\n", 0, "timetable 't' defined twice (first at line 1)",
	 "[timetable t] 定义了两次（第一次在第 1 行）"},
	{H_MANY, NULL, 0, "too many categories (at most 32)", "类别过多（最多 32 个）"},
	{H_TEXT, "x = 1\n", 0, "'x' is outside any section", "配置项“x”不在任何配置段中"},
	{H_TEXT, "[dns]\nfoo = 1\n", 0, "unknown key 'foo' in this section", "未知的配置项“foo”"},
	{H_TEXT, "[dns]\nupstrem = 192.0.2.53\n", 0,
	 "unknown key 'upstrem' in this section (did you mean 'upstream'?)",
	 "是不是“upstream”？"},
	{H_TEXT, "[dns]\nthreads = 1\nthreads = 2\n", 0, "'threads' given twice in this section",
	 "配置项“threads”在此配置段中出现了两次"},
	{H_TEXT, "[dns]\nthreads =\n", 0, "'threads' needs a value", "配置项“threads”需要一个值"},
	/* values of the service keys */
	{H_TEXT, "[general]\nallow_root = maybe\n", 0, "allow_root must be yes or no, not 'maybe'",
	 "allow_root 必须是 yes 或 no，而不是“maybe”"},
	{H_TEXT, "[dns]\ncache_entries = 1e6\n", 0,
	 "cache_entries must be a whole number from 0 to 100000000, not '1e6'",
	 "cache_entries 必须是 0 到 100000000 之间的整数，而不是“1e6”"},
	{H_TEXT, "[sensor]\ninterface = eth0\ninterface = eth0\n", 0,
	 "interface: 'eth0' is listed twice", "interface: “eth0”重复列出"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\nsubnet = 10.0.0.0/8\n", 0,
	 "subnet: '10.0.0.0/8' is listed twice", "subnet: “10.0.0.0/8”重复列出"},
	{H_TEXT, "[dns]\nlisten = 127.0.0.1:53\nlisten = 127.0.0.1\n", 0,
	 "listen: '127.0.0.1' is listed twice", "listen: “127.0.0.1”重复列出"},
	{H_MANY, NULL, 0, "listen: at most 64 entries", "listen: 最多只能有 64 项"},
	{H_MANY, NULL, 0, "interface: at most 64 entries", "interface: 最多只能有 64 项"},
	{H_MANY, NULL, 0, "resolver: at most 64 entries", "resolver: 最多只能有 64 项"},
	{H_MANY, NULL, 0, "leases: at most 64 entries", "leases: 最多只能有 64 项"},
	{H_MANY, NULL, 0, "static: at most 1024 entries", "static: 最多只能有 1024 项"},
	{H_MANY, NULL, 0, "time: at most 64 entries", "time: 最多只能有 64 项"},
	{H_MANY, NULL, 0, "holiday: at most 1000 entries", "holiday: 最多只能有 1000 项"},
	{H_MANY, NULL, 0, "subnet: at most 1024 entries", "subnet: 最多只能有 1024 项"},
	{H_MANY, NULL, 0, "block: too many categories", "block: 类别过多"},
	{H_TEXT, "[dns]\nlisten = localhost:53\n", 0,
	 "listen: 'localhost:53' is not ADDR:PORT or [ADDR6]:PORT",
	 "listen: “localhost:53”不是 ADDR:PORT 或 [ADDR6]:PORT"},
	{H_LONG_VALUE, NULL, 0, "school: longer than 128 bytes", "school: 长度超过 128 字节"},
	{H_TEXT, "[general]\nuser = Root!\n", 0, "user: 'Root!' is not a user name",
	 "user: “Root!”不是有效的用户名"},
	{H_TEXT, "[general]\nuser = nosuchuser-cgtest\n", 0,
	 "user: no such user 'nosuchuser-cgtest' on this system",
	 "user: 本系统上没有用户“nosuchuser-cgtest”"},
	{H_TEXT, "[general]\ncontrol_group = nosuchgroup-cgtest\n", 0,
	 "control_group: no such group 'nosuchgroup-cgtest' on this system",
	 "control_group: 本系统上没有组“nosuchgroup-cgtest”"},
	{H_TEXT, "[general]\nlanguage = fr\n", 0, "language must be zh-CN or en, not 'fr'",
	 "language 必须是 zh-CN 或 en，而不是“fr”"},
	{H_TEXT, "[general]\ntimezone = Mars/Olympus_Mons\n", 0,
	 "timezone: 'Mars/Olympus_Mons': unknown time zone", "timezone: “Mars/Olympus_Mons”: 未知的时区"},
	{H_TEXT, "[general]\ntimezone = ../../etc/passwd\n", 0, "not a time zone name",
	 "“../../etc/passwd”: 不是时区名"},
	{H_TEXT, "[dns]\nblock_page_v4 = ::1\n", 0, "block_page_v4: '::1' is not an IPv4 address",
	 "block_page_v4: “::1”不是 IPv4 地址"},
	{H_TEXT, "[http]\nparent = 10.0.0.1\n", 0,
	 "parent: '10.0.0.1' is not ADDR:PORT, [ADDR6]:PORT or off",
	 "parent: “10.0.0.1”不是 ADDR:PORT、[ADDR6]:PORT 或 off"},
	{H_TEXT, "[sensor]\ninterface = eth0 eth1\n", 0,
	 "interface: 'eth0 eth1' is not an interface name", "interface: “eth0 eth1”不是有效的网卡名"},
	{H_TEXT, "[ipmac]\nstatic = 52:54:00:12:34:56 2001:db8::1\n", 0,
	 "static: '52:54:00:12:34:56 2001:db8::1' is not MAC ADDRESS",
	 "static: “52:54:00:12:34:56 2001:db8::1”不是“MAC 地址 IPv4 地址”"},
	{H_TEXT, "[ipmac]\nenforce = yes\nstatic = 52:54:00:12:34:56 10.1.2.3\n", 0,
	 "[ipmac] enforce = yes needs interface", "[ipmac] enforce = yes 需要设置 interface"},
	{H_TEXT, "[ipmac]\nenforce = yes\ninterface = lan0\n", 0,
	 "needs a lease file (leases, or [journal] dhcp_leases) or static bindings",
	 "需要租约文件（leases 或 [journal] dhcp_leases）或 static 绑定"},
	{H_TEXT, "[http]\nconnect_ports = ,\n", 0,
	 "connect_ports: name at least one port (443 for HTTPS)",
	 "connect_ports: 至少要指定一个端口（HTTPS 为 443）"},
	{H_TEXT, "[http]\nconnect_deny = loopback intranet\n", 0,
	 "connect_deny: 'intranet' is not loopback, link-local, lan, self, none or an "
	 "address/subnet",
	 "connect_deny: “intranet”不是 loopback、link-local、lan、self、none 或地址/子网"},
	{H_TEXT, "[http]\nconnect_ports = 443 443\n", 0, "connect_ports: '443' is listed twice",
	 "connect_ports: “443”重复列出"},
	{H_TEXT, "[sensor]\nresolver = 10.0.0.1:53\n", 0,
	 "resolver: '10.0.0.1:53' is not an IP address", "resolver: “10.0.0.1:53”不是 IP 地址"},
	{H_TEXT, "[district]\nschool_id = No.3 School\n", 0,
	 "school_id must be 1-64 of A-Z, a-z, 0-9, '.', '_', '-', not 'No.3 School'",
	 "school_id 必须是 1 到 64 个 A-Z、a-z、0-9、“.”、“_”、“-”字符，而不是“No.3 School”"},
	{H_TEXT, "[journal]\nsyslog = remote\n", 0,
	 "syslog must be off, local, udp:ADDR:PORT or tcp:ADDR:PORT, not 'remote'",
	 "syslog 必须是 off、local、udp:ADDR:PORT 或 tcp:ADDR:PORT，而不是“remote”"},
	/* lists */
	{H_TEXT, "[category p]\nlist = zip:a.list\n", 0, "list: unknown format 'zip'",
	 "list: 未知的格式“zip”（可用 native、hosts、adblock、ut1）"},
	{H_TEXT, "[category p]\nlist = ?hosts:\n", 0, "list: the path is missing",
	 "list: 缺少名单路径"},
	{H_TEXT, "[category p]\nlist = ?nothere.list\n", 0,
	 "warning: optional list nothere.list not found, skipped",
	 "警告：未找到可选名单 nothere.list，已跳过"},
	{H_TEXT, "[category p]\nlist = ut1:a.list\n", 0, "list a.list: a ut1 list is a folder",
	 "名单 a.list: ut1 名单应是一个文件夹"},
	{H_TEXT, "[category p]\nlist = ut1dir\n", 0,
	 "list ut1dir: not a regular file (a UT1 folder needs ut1:)",
	 "名单 ut1dir: 不是普通文件（UT1 文件夹须写成 ut1:路径）"},
	{H_TEXT, "[category p]\nlist = /dev/null\n", 0, "list /dev/null: not a regular file",
	 "名单 /dev/null: 不是普通文件"},
	{H_TEXT, "[category p]\nlist = a.list\nlist = native:a.list\n", 0,
	 "list a.list is named twice here (first at line 2)",
	 "名单 a.list 在此重复列出（第一次在第 2 行）"},
	{H_TEXT, "[category p]\nlist = missing.list\n", 0,
	 "list missing.list: No such file or directory", "名单 missing.list: 没有那个文件或目录"},
	{H_TEXT, "[category p]\nlist = a.list/x\n", 0, "list a.list/x: Not a directory",
	 "名单 a.list/x: 不是目录"},
	{H_BL_MISSING, NULL, 0, "cannot read the list: No such file or directory",
	 "无法读取名单: 没有那个文件或目录"},
	{H_BL_FOLDER, NULL, 0, "the list is not a regular file", "名单不是普通文件"},
	{H_TEXT, "[category p]\nkind = maybe\nlist = a.list\n", 0,
	 "kind must be block or bypass, not 'maybe'", "kind 必须是 block 或 bypass，而不是“maybe”"},
	{H_TEXT, "[category p]\n", 0, "warning: category 'p' has no list",
	 "警告：类别“p”没有任何名单"},
	/* timetables */
	{H_TEXT, "[timetable t]\nweekdays = funday\n", 0,
	 "weekdays: 'funday': weekdays must be like mon-fri or mon,wed,fri",
	 "weekdays: “funday”: 星期应写成 mon-fri 或 mon,wed,fri 的形式"},
	{H_TEXT, "[timetable t]\ntime = 8:00-12:00\n", 0,
	 "time: '8:00-12:00': time must be HH:MM-HH:MM",
	 "time: “8:00-12:00”: 时间应为 HH:MM-HH:MM 格式"},
	{H_TEXT, "[timetable t]\ntime = 08:00-08:00\n", 0, "empty time range (start equals end)",
	 "时间段为空（开始时间等于结束时间）"},
	{H_TEXT, "[timetable t]\ntime = 24:00-01:00\n", 0, "a time range cannot start at 24:00",
	 "时间段不能从 24:00 开始"},
	{H_TEXT, "[timetable t]\nholiday = 2026-02-30\n", 0,
	 "holiday: '2026-02-30': dates must be YYYY-MM-DD",
	 "holiday: “2026-02-30”: 日期应为 YYYY-MM-DD"},
	{H_TEXT, "[timetable t]\nexam = 2026-07-10..2026-07-01\n", 0,
	 "date range ends before it starts", "exam: “2026-07-10..2026-07-01”: 日期范围的结束早于开始"},
	{H_TEXT, "[timetable t]\nexam = 2026-07-01 two words\n", 0,
	 "a date range label is one word", "日期范围的标签只能是一个词"},
	{H_TEXT, "[timetable t]\ntimezone = Nowhere/City\n", 0,
	 "timezone: 'Nowhere/City': unknown time zone", "timezone: “Nowhere/City”: 未知的时区"},
	{H_NO_ZONES, "[timetable t]\ntime = 08:00-09:00\n", 0,
	 "timetable 't': time zone Asia/Shanghai: unknown time zone",
	 "时间表“t”: 时区 Asia/Shanghai: 未知的时区"},
	/* groups */
	{H_TEXT, "[group g]\nsubnet = 10.0.0.1/8\n", 0,
	 "subnet: '10.0.0.1/8' is not ADDR/PREFIX (with the host bits zero)",
	 "subnet: “10.0.0.1/8”不是 ADDR/PREFIX 格式（主机位须为 0）"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\nblock_mode = drop\n", 0,
	 "block_mode must be nxdomain, null, page or refused, not 'drop'",
	 "block_mode 必须是 nxdomain、null、page 或 refused，而不是“drop”"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\ntls_no_sni = maybe\n", 0,
	 "tls_no_sni must be allow or block, not 'maybe'",
	 "tls_no_sni 必须是 allow 或 block，而不是“maybe”"},
	{H_TEXT, "[category c]\nkind = bypass\nech_list = hosts:/etc/hosts\n", 0,
	 "ech_list hosts:/etc/hosts: a list of ECH names is a plain (native) list of names",
	 "ech_list hosts:/etc/hosts: ECH 外层名称名单只能是普通（native）格式的域名名单"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\nsafe_search_bing = on\n", 0,
	 "safe_search_bing must be off, moderate or strict, not 'on'",
	 "safe_search_bing 必须是 off、moderate 或 strict，而不是“on”"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\nblock = nosuch\n", 0,
	 "group 'g': unknown category 'nosuch'", "分组“g”: 未知的类别“nosuch”"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\ntimetable = nosuch\n", 0,
	 "group 'g': unknown timetable 'nosuch'", "分组“g”: 未知的时间表“nosuch”"},
	{H_TEXT, "[category p]\nlist = a.list\n[group g]\nsubnet = 10.0.0.0/8\nblock_scheduled = p\n",
	 0, "group 'g': block_scheduled needs a timetable",
	 "分组“g”: 使用 block_scheduled 时必须设置 timetable"},
	{H_TEXT, "[group g]\nsubnet = 10.0.0.0/8\nblock_mode = page\n", 0,
	 "group 'g': block_mode = page needs block_page_v4 or block_page_v6 in [dns]",
	 "分组“g”: block_mode = page 需要在 [dns] 中设置 block_page_v4 或 block_page_v6"},
	{H_TEXT, "[group g]\nblock_mode = null\n", 0, "group 'g' has no subnet",
	 "分组“g”没有设置 subnet"},
	{H_TEXT, "[group a]\nsubnet = 10.0.0.0/8\n[group b]\nsubnet = 10.0.0.0/8\n", 0,
	 "group 'b': subnet 10.0.0.0/8 is also in group 'a'", "分组“b”: 子网 10.0.0.0/8 也在分组“a”中"},
	{H_TEXT, "[category p]\nlist = a.list\n[category q]\nlist = a.list\n[timetable u]\n"
		 "[group g]\nsubnet = 10.0.0.0/8\nblock = p\n", 0,
	 "warning: category 'q' is not blocked by any group", "警告：没有任何分组拦截类别“q”"},
	{H_TEXT, "[category p]\nlist = a.list\n[timetable u]\n[group g]\nsubnet = 10.0.0.0/8\n"
		 "block = p\n", 0,
	 "warning: timetable 'u' is not used by any group", "警告：没有任何分组使用时间表“u”"},
	{H_TEXT, "[http]\nmax_head_bytes = 4096\nmax_line_bytes = 8192\n", 0,
	 "max_line_bytes (8192) is larger than max_head_bytes (4096)",
	 "max_line_bytes（8192）大于 max_head_bytes（4096）"},
	{H_TEXT, "[console]\ncert = console.pem\n", 0,
	 "[console] needs both cert and key, or neither (a self-signed pair is made): key is missing beside cert",
	 "缺少 key（已设置 cert）"},
	{H_TEXT, "[district]\nurl = http://district.example/b\n", 0,
	 "[district] url must be an https:// URL (no spaces, at most 1024 bytes): http://district.example/b",
	 "[district] url 必须是 https:// 开头的网址（不含空格，最多 1024 字节）：http://district.example/b"},
	{H_TEXT, "[district]\npubkey2 = RWQZk2rR\n", 0,
	 "key 'pubkey2': not a minisign public key (the base64 line of minisign.pub): RWQZk2rR",
	 "配置项“pubkey2”：不是 minisign 公钥（应为 minisign.pub 中的 base64 行）：RWQZk2rR"},
	{H_TEXT, "[district]\nurl = https://district.example/b\n", 0,
	 "[district] has a url but no pubkey: bundles could not be verified",
	 "[district] 设置了 url 但没有 pubkey：无法校验名单包"},
	{H_TEXT, "[console]\nsession_idle_s = 600\nsession_max_s = 300\n", 0,
	 "[console] session_idle_s (600) is longer than session_max_s (300)",
	 "session_idle_s（600）大于 session_max_s（300）"},
	{H_TEXT, "[console]\nsession_idle_s = 1\n", 0, "2 to 86400", "2 到 86400 之间"},
	{H_TEXT, "[console]\nlisten = 127.0.0.1:0\n", 0,
	 "listen: '127.0.0.1:0' is not ADDR:PORT or [ADDR6]:PORT", "listen: “127.0.0.1:0”"},
};

/* Every repeatable key one over its limit, and one category over the 32 allowed. */
static char *many_text(void)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_adds(&b, "[dns]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "listen = 127.0.0.1:%d\n", 1000 + i);
	sbuf_adds(&b, "[sensor]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "interface = eth%d\nresolver = 10.0.0.%d\n", i, i);
	sbuf_adds(&b, "[ipmac]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "leases = l%d.leases\n", i);
	for (int i = 0; i < 1025; i++)
		sbuf_printf(&b, "static = 52:54:00:00:%02x:%02x 10.9.%d.%d\n", i / 256, i % 256,
			    i / 256, i % 256);
	sbuf_adds(&b, "[timetable t]\n");
	for (int i = 0; i < 65; i++)
		sbuf_printf(&b, "time = 08:%02d-09:00\n", i % 60);
	for (int i = 0; i < 1001; i++)
		sbuf_printf(&b, "holiday = %d-01-01\n", 2000 + i % 200);
	sbuf_adds(&b, "[group g]\ntimetable = t\n");
	for (int i = 0; i < 1025; i++)
		sbuf_printf(&b, "subnet = 10.%d.%d.0/24\n", i / 256, i % 256);
	sbuf_adds(&b, "block = ");
	for (int i = 0; i < 65; i++)
		sbuf_adds(&b, "p ");
	sbuf_adds(&b, "\n[category p]\nlist = a.list\n");
	for (int i = 1; i < 33; i++)
		sbuf_printf(&b, "[category c%d]\nlist = a.list\n", i);
	return sbuf_take(&b);
}

/* Make the case's messages in f->d, naming f->conf. */
static void run_case(struct fx *f, const struct zcase *c)
{
	struct config *cfg = NULL;
	char *text = NULL;
	diag_free(&f->d);
	fx_path(f, "test.conf");
	switch (c->how) {
	case H_TEXT:
		cfg = config_parse(c->text, c->len ? c->len : strlen(c->text), f->conf, &f->d);
		break;
	case H_MISSING:
		fx_path(f, "none.conf");
		cfg = config_load(f->conf, &f->d);
		break;
	case H_FOLDER:
		fx_path(f, "ut1dir");
		cfg = config_load(f->conf, &f->d);
		break;
	case H_BIG:
		text = malloc(1024 * 1024 + 2);
		memset(text, '#', 1024 * 1024 + 1);
		text[1024 * 1024 + 1] = '\0';
		cfg = fx_load(f, text);
		break;
	case H_LONG_LINE:
	case H_LONG_VALUE: {
		size_t n = c->how == H_LONG_LINE ? 400 : 160;
		text = malloc(n + 32);
		strcpy(text, "[journal]\nschool = ");
		size_t at = strlen(text);
		memset(text + at, 'a', n - at);
		strcpy(text + n, "\n");
		cfg = config_parse(text, strlen(text), f->conf, &f->d);
		break;
	}
	case H_MANY:
		text = many_text();
		cfg = config_parse(text, strlen(text), f->conf, &f->d);
		break;
	case H_NO_ZONES:
		setenv("TZDIR", f->dir, 1);
		cfg = config_parse(c->text, strlen(c->text), f->conf, &f->d);
		unsetenv("TZDIR");
		break;
	case H_BL_MISSING:
	case H_BL_FOLDER: {
		fx_path(f, c->how == H_BL_MISSING ? "none.list" : "ut1dir");
		struct config *def = config_default();
		ck_assert_int_eq(config_add_blocklist(def, f->conf, &f->d), -1);
		config_free(def);
		break;
	}
	case H_INI:
		diag_msg(&f->d, false, f->conf, 7, MSG_CFG_INI_REFUSED);
		break;
	}
	/* a warning alone still loads; every other case is refused */
	if (cfg)
		ck_assert_uint_eq(f->d.errors, 0);
	config_free(cfg);
	free(text);
}

/* Length of "FILE:LINE: " or "FILE: " at the start of msg (FILE is conf); 0 when absent. */
static size_t prefix_len(const char *msg, const char *conf)
{
	size_t n = strlen(conf);
	if (strncmp(msg, conf, n) != 0)
		return 0;
	const char *p = strstr(msg + n, ": ");
	return p ? (size_t)(p + 2 - msg) : 0;
}

/* The index of the message with en in it; -1 when none. */
static int find_msg(const struct fx *f, const char *en)
{
	for (size_t i = 0; i < f->d.n; i++)
		if (strstr(f->d.msgs[i], en))
			return (int)i;
	return -1;
}

/* What lang_diag_print prints in the language of the environment LANG=lang. */
static char *print_in(const struct diag *d, const char *lang)
{
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	setenv("LANG", lang, 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(m);
	lang_diag_print(lang_from_env(), d, m);
	fclose(m);
	unsetenv("LANG");
	return buf;
}

/* Whether id is one of the config loader's messages. */
static bool is_cfg(size_t id)
{
	return strncmp(msg_name((enum msg_id)id), "MSG_CFG_", 8) == 0;
}

static size_t n_formats(void)
{
	size_t n = 0;
	for (size_t i = 0; i < MSG_COUNT; i++)
		n += is_cfg(i);
	return n;
}

/* Every case under zh_CN and under C/en; every message of every case has a zh-CN form; every
 * format of the table is the one some message takes. All cases in one test (ASan is slow). */
START_TEST(test_every_message)
{
	size_t nf = n_formats();
	ck_assert_uint_gt(nf, 50);
	int *used = calloc(MSG_COUNT, sizeof *used);
	for (size_t i = 0; i < CG_ARRAY_LEN(cases); i++) {
		const struct zcase *c = &cases[i];
		struct fx f;
		fx_init(&f);
		run_case(&f, c);
		int at = find_msg(&f, c->en);
		if (at < 0)
			for (size_t k = 0; k < f.d.n; k++)
				fprintf(stderr, "case %zu: %s\n", i, f.d.msgs[k]);
		ck_assert_msg(at >= 0, "case %zu: no message with '%s'", i, c->en);
		const char *msg = f.d.msgs[at];

		/* the zh-CN line: the same FILE:LINE prefix, the sentence in Chinese */
		char buf[2048];
		const char *zh = diag_text(&f.d, (size_t)at, LANG_ZH, buf, sizeof buf, NULL);
		size_t pre = prefix_len(msg, f.conf);
		ck_assert_msg(pre > 0, "case %zu: no file prefix in '%s'", i, msg);
		ck_assert_msg(strncmp(zh, msg, pre) == 0, "case %zu: prefix changed: '%s'", i, zh);
		ck_assert_msg(strstr(zh, c->zh), "case %zu: '%s' lacks '%s'", i, zh, c->zh);
		ck_assert_msg(!strstr(zh, c->en), "case %zu: '%s' still has '%s'", i, zh, c->en);
		ck_assert_ptr_eq(diag_text(&f.d, (size_t)at, LANG_EN, buf, sizeof buf, NULL), msg);

		/* printed as the programs print them, by the locale */
		char *out = print_in(&f.d, "zh_CN.UTF-8");
		ck_assert_msg(strstr(out, c->zh) && !strstr(out, c->en), "case %zu zh: %s", i, out);
		free(out);
		static const char *english[] = {"C", "C.UTF-8", "en_US.UTF-8"};
		for (size_t e = 0; e < CG_ARRAY_LEN(english); e++) {
			out = print_in(&f.d, english[e]);
			ck_assert_msg(strstr(out, c->en) && !strstr(out, c->zh), "case %zu %s: %s", i,
				      english[e], out);
			free(out);
		}

		/* every message here is one of the catalogue's config messages */
		for (size_t k = 0; k < f.d.n; k++) {
			int which = -1;
			char tmp[1024];
			diag_text(&f.d, k, LANG_ZH, tmp, sizeof tmp, &which);
			ck_assert_msg(which >= 0 && is_cfg((size_t)which),
				      "case %zu: not given by a MSG_CFG_ id: '%s'", i, f.d.msgs[k]);
			used[which]++;
		}
		fx_free(&f);
	}
	for (size_t i = 0; i < MSG_COUNT; i++)
		ck_assert_msg(!is_cfg(i) || used[i], "no case gives %s", msg_name((enum msg_id)i));
	free(used);
}
END_TEST

/* The string literal(s) starting at p (adjacent ones joined) into out; past them. */
static const char *read_literal(const char *p, char *out, size_t cap)
{
	size_t n = 0;
	while (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < cap)
				out[n++] = *p;
		}
		if (*p == '"')
			p++;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
	}
	out[n] = '\0';
	return p;
}

/* In src: no message given by a printf format to cload_error, diag_error or diag_warn
 * (a config message is a catalogue id, whose zh-CN text cannot be missing); the MSG_CFG_
 * ids named are marked in seen. Returns how many catalogue ids src names. */
static size_t check_source(const char *rel, bool *seen)
{
	char *path = tu_source_path(rel);
	char *src = tu_read_file(path, NULL);
	ck_assert_msg(src, "cannot read %s", path);
	static const char *calls[] = {"cload_error(", "diag_error(", "diag_warn("};
	for (size_t c = 0; c < CG_ARRAY_LEN(calls); c++) {
		for (const char *p = strstr(src, calls[c]); p; p = strstr(p + 1, calls[c])) {
			const char *q = p + strlen(calls[c]);
			while (*q && *q != '"' && *q != ';' && *q != '{')
				q++;
			char fmt[512] = "";
			if (*q == '"')
				read_literal(q, fmt, sizeof fmt);
			ck_assert_msg(*q != '"', "%s: \"%s\" is not a catalogue message", rel, fmt);
		}
	}
	size_t found = 0;
	for (const char *p = strstr(src, "MSG_CFG_"); p; p = strstr(p + 1, "MSG_CFG_")) {
		size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		for (size_t i = 0; i < MSG_COUNT; i++) {
			const char *name = msg_name((enum msg_id)i);
			if (strlen(name) == n && strncmp(name, p, n) == 0) {
				seen[i] = true;
				found++;
			}
		}
	}
	free(src);
	free(path);
	return found;
}

/* Every reason a parser gives (a timetable, a zone, a list line): each has a zh-CN text. */
static void check_reasons(const char *rel, const char *mark)
{
	char *path = tu_source_path(rel);
	char *src = tu_read_file(path, NULL);
	ck_assert_msg(src, "cannot read %s", path);
	size_t found = 0;
	for (const char *p = strstr(src, mark); p; p = strstr(p + 1, mark)) {
		char why[512];
		read_literal(p + strlen(mark) - 1, why, sizeof why);
		/* "bad pattern (%s)": the reason is what comes before its detail */
		char *detail = strchr(why, '%') ? strstr(why, " (") : NULL;
		ck_assert_msg(!strchr(why, '%') || detail, "%s: \"%s\" has no reason before its value",
			      rel, why);
		if (detail)
			*detail = '\0';
		ck_assert_msg(strcmp(lang_reason(LANG_ZH, why), why) != 0,
			      "%s: no zh-CN text for the reason \"%s\"", rel, why);
		ck_assert_str_eq(lang_reason(LANG_EN, why), why);
		found++;
	}
	ck_assert_msg(found > 0, "%s: no '%s' found", rel, mark);
	free(src);
	free(path);
}

START_TEST(test_source_formats)
{
	bool *seen = calloc(MSG_COUNT, sizeof *seen);
	static const char *files[] = {"gateway/config/config.c", "gateway/config/config_load.c",
				      "gateway/config/config_state.c", "gateway/config/config_keys.c",
				      "gateway/config/config_services.c", "gateway/config/config_rules.c"};
	size_t total = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(files); i++)
		total += check_source(files[i], seen);
	ck_assert_uint_gt(total, 50);
	/* and no message is left over in the catalogue that the code no longer gives */
	for (size_t i = 0; i < MSG_COUNT; i++)
		ck_assert_msg(!is_cfg(i) || seen[i], "%s is in no config source",
			      msg_name((enum msg_id)i));
	free(seen);
	check_reasons("gateway/config/timetable.c", "*why = \"");
	check_reasons("gateway/util/tz.c", "*err = \"");
	check_reasons("gateway/util/tz.c", "why = \"");
	check_reasons("gateway/util/tz.c", "return \"");
	/* and the reasons of a list line, which end up in "FILE:LINE: REASON: TEXT" */
	check_reasons("gateway/util/name.c", "*why = \"");
	check_reasons("gateway/policy/lists.c", "lists_bad(c, \"");
	check_reasons("gateway/policy/lists.c", "why = \"");
	check_reasons("gateway/policy/policy_build.c", "snprintf(err, errlen, \"");
}
END_TEST

/* Each config message's zh-CN text is Chinese (test_i18n checks that every entry of the
 * catalogue takes the same arguments in both languages). */
START_TEST(test_templates)
{
	ck_assert_uint_gt(n_formats(), 50);
	for (size_t i = 0; i < MSG_COUNT; i++) {
		if (!is_cfg(i))
			continue;
		const char *zh = msg(LANG_ZH, (enum msg_id)i);
		bool ascii = true;
		for (const char *p = zh; *p; p++)
			if ((unsigned char)*p >= 0x80)
				ascii = false;
		ck_assert_msg(!ascii, "%s: its zh-CN form '%s' is not Chinese",
			      msg_name((enum msg_id)i), zh);
	}
}
END_TEST

/* Values are put back as they were, never read as formats; a reason the catalogue does
 * not know stays as it was; the warning mark and the prefix in both languages. */
START_TEST(test_matcher)
{
	struct diag d;
	char buf[2048];
	diag_init(&d);
	diag_msg(&d, false, "c.conf", 1, MSG_CFG_UNKNOWN_KEY, "%1%R1%%s");
	ck_assert_str_eq(diag_text(&d, 0, LANG_ZH, buf, sizeof buf, NULL),
			 "c.conf:1: 未知的配置项“%1%R1%%s”（此配置段中没有这一项）");
	ck_assert_str_eq(diag_text(&d, 0, LANG_EN, buf, sizeof buf, NULL),
			 "c.conf:1: unknown key '%1%R1%%s' in this section");
	/* a value that holds the format's own text */
	diag_msg(&d, false, "c.conf", 2, MSG_CFG_BAD_VALUE_WHY, "k", "a': b", MSG_REASON("c"));
	ck_assert_str_eq(diag_text(&d, 1, LANG_ZH, buf, sizeof buf, NULL),
			 "c.conf:2: k: “a': b”: c");
	/* a reason the catalogue does not know stays as it was; a known one is translated */
	diag_msg(&d, false, "c.conf", 3, MSG_CFG_BAD_VALUE_WHY, "time", "1", MSG_REASON("no idea"));
	ck_assert_str_eq(diag_text(&d, 2, LANG_ZH, buf, sizeof buf, NULL),
			 "c.conf:3: time: “1”: no idea");
	diag_msg(&d, false, "c.conf", 4, MSG_CFG_LIST_ERROR, "x", MSG_REASON("Permission denied"));
	ck_assert_str_eq(diag_text(&d, 3, LANG_ZH, buf, sizeof buf, NULL), "c.conf:4: 名单 x: 权限不够");
	ck_assert_str_eq(diag_text(&d, 3, LANG_EN, buf, sizeof buf, NULL),
			 "c.conf:4: list x: Permission denied");
	/* a long hostile value is cut, NUL-terminated */
	char body[3000];
	memset(body, 'x', sizeof body - 1);
	body[sizeof body - 1] = '\0';
	diag_msg(&d, false, "c.conf", 5, MSG_CFG_UNKNOWN_KEY, body);
	ck_assert_uint_lt(strlen(diag_text(&d, 4, LANG_ZH, buf, sizeof buf, NULL)), 1100);
	/* and a cut falls before a whole UTF-8 character */
	memset(body, 'x', 1000);
	strcpy(body + 1000, "“”“”“”“”“”“”“”“”“”“”");
	diag_msg(&d, false, "c.conf", 6, MSG_CFG_KEY_OUTSIDE, body);
	const char *cut = diag_text(&d, 5, LANG_ZH, buf, sizeof buf, NULL);
	size_t cl = strlen(cut);
	ck_assert_uint_gt(cl, 1000);
	ck_assert_msg(((unsigned char)cut[cl - 1] & 0xc0) == 0x80 &&
		      (unsigned char)cut[cl - 3] == 0xe2, "cut inside a character: %s", cut + cl - 8);
	/* in a line: the warning mark and the prefix, a file name with ": " in it */
	diag_msg(&d, true, "a: b.conf", 3, MSG_CFG_CATEGORY_NO_LIST, "p");
	ck_assert_str_eq(diag_text(&d, 6, LANG_ZH, buf, sizeof buf, NULL),
			 "a: b.conf:3: 警告：类别“p”没有任何名单");
	ck_assert_str_eq(diag_text(&d, 6, LANG_EN, buf, sizeof buf, NULL),
			 "a: b.conf:3: warning: category 'p' has no list");
	ck_assert_uint_eq(d.errors, 6);
	ck_assert_uint_eq(d.warnings, 1);
	diag_free(&d);
}
END_TEST

static Suite *config_i18n_suite(void)
{
	Suite *s = suite_create("config_i18n");
	TCase *tc = tcase_create("zh");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_message);
	tcase_add_test(tc, test_source_formats);
	tcase_add_test(tc, test_templates);
	tcase_add_test(tc, test_matcher);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(config_i18n_suite(), NULL);
}
