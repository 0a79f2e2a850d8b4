/* campusgate journal | journal verify | report: staff review of the security journal. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "journal_read.h"
#include "journal_verify.h"
#include "report.h"
#include "review.h"
#include "tz.h"
#include "util.h"

static const char journal_help_en[] =
"NAME\n"
"    campusgate journal - search and verify the security journal\n"
"\n"
"SYNOPSIS\n"
"    campusgate journal [-c CONF | --dir DIR] [--since DUR | --from T [--to T]]\n"
"                       [--category C] [--group G] [--client IP|CIDR] [--host TEXT]\n"
"                       [--action A] [--proto P] [--event E] [--id ID]\n"
"                       [--format table|json|csv] [--limit N] [--tz ZONE]\n"
"    campusgate journal verify [--from DAY] [-c CONF | --dir DIR]\n"
"\n"
"DESCRIPTION\n"
"    The first form prints the journal's events that pass every filter given, oldest\n"
"    first. It streams: files outside the time range are not read, and only the first\n"
"    rows of a table are held to size its columns.\n"
"\n"
"    journal verify checks every line's BLAKE2b-256 hash, the chain of prev hashes and\n"
"    the sequence numbers across all files, and the daily digests in digest.log. It\n"
"    names the first bad line as FILE:LINE and says what is wrong: edited, deleted,\n"
"    reordered, torn (cut off), file missing, or rewritten (differs from a digest).\n"
"\n"
"OPTIONS\n"
"    -c, --config CONF   read the journal directory and time zone from CONF\n"
"    --dir DIR           the journal directory itself (no config needed)\n"
"    --since DUR         the last DUR: 90s, 30m, 12h, 7d, 2w\n"
"    --from T, --to T    from/to a time: 2025-11-25, 2025-11-25T08:00,\n"
"                        '2025-11-25 08:00:30' (school time) or RFC 3339 with an offset;\n"
"                        a bare day or minute in --to means its end\n"
"    --category C        events of category C (gambling, porn, doh, ...)\n"
"    --group G           events of clients in group G\n"
"    --client A          events of address A or of subnet A (10.1.0.0/16, 2001:db8::/48)\n"
"    --host TEXT         events whose host contains TEXT (case-insensitive)\n"
"    --action A          block, observed, bypass, allow, ...\n"
"    --proto P           dns, http, tls or sensor\n"
"    --event E           hit, bypass, recovered, retention, ...\n"
"    --id ID             the event with this id (as shown on the block page)\n"
"    --format F          table (default), json (JSON Lines: the journal lines as they\n"
"                        are) or csv (RFC 4180; cells starting with = + - @ get a ')\n"
"    --limit N           stop after N events\n"
"    --tz ZONE           the school's zone for --from/--to (default: the config's, or\n"
"                        Asia/Shanghai)\n"
"    verify --from DAY   check from day DAY (YYYY-MM-DD) on only\n"
"\n"
"    Table headers are in Chinese when the locale is zh_CN (LANG=zh_CN.UTF-8).\n"
"\n"
"EXIT STATUS\n"
"    0 success / journal intact; 1 verify: tampered or torn; 2 usage or other error.\n"
"\n"
"EXAMPLES\n"
"    campusgate journal --since 12h --category gambling\n"
"    campusgate journal --client 10.1.2.0/24 --from 2025-11-25 --to 2025-11-26 --format csv\n"
"    campusgate journal --id k3z9q2m4c1x8a7b6f5d\n"
"    campusgate journal verify --dir /var/lib/campusgate/journal\n";

static const char journal_help_zh[] =
"名称\n"
"    campusgate journal - 查询并校验安全日志\n"
"\n"
"用法\n"
"    campusgate journal [-c 配置 | --dir 目录] [--since 时长 | --from 时间 [--to 时间]]\n"
"                       [--category 类别] [--group 分组] [--client 地址|网段]\n"
"                       [--host 文本] [--action 动作] [--proto 协议] [--event 事件]\n"
"                       [--id 事件号] [--format table|json|csv] [--limit N] [--tz 时区]\n"
"    campusgate journal verify [--from 日期] [-c 配置 | --dir 目录]\n"
"\n"
"说明\n"
"    第一种形式按时间顺序列出符合全部条件的事件。查询是流式的：时间范围以外的文件不会\n"
"    被读取，表格只缓存开头若干行用于确定列宽。\n"
"\n"
"    journal verify 校验每一行的 BLAKE2b-256 哈希、前后行哈希链、跨文件的序号以及\n"
"    digest.log 中的每日摘要，并以“文件:行号”指出第一处问题及其类型：被修改、被删除、\n"
"    顺序被打乱、末行残缺、文件缺失或被重写（与摘要不符）。\n"
"\n"
"选项\n"
"    -c, --config 配置   从配置文件读取日志目录和时区\n"
"    --dir 目录          直接指定日志目录（无需配置文件）\n"
"    --since 时长        最近一段时间：90s、30m、12h、7d、2w\n"
"    --from/--to 时间    起止时间：2025-11-25、2025-11-25T08:00、'2025-11-25 08:00:30'\n"
"                        （学校时区）或带时区偏移的 RFC 3339 时间；--to 为日期或分钟时\n"
"                        表示其结束时刻\n"
"    --category 类别     指定类别（gambling、porn、doh 等）\n"
"    --group 分组        指定分组的客户端\n"
"    --client 地址       指定地址或网段（10.1.0.0/16、2001:db8::/48）\n"
"    --host 文本         主机名包含该文本（不区分大小写）\n"
"    --action 动作       block、observed、bypass、allow 等\n"
"    --proto 协议        dns、http、tls 或 sensor\n"
"    --event 事件        hit、bypass、recovered、retention 等\n"
"    --id 事件号         拦截页上显示的事件号\n"
"    --format 格式       table（默认）、json（JSON Lines，即日志原行）或 csv（RFC 4180；\n"
"                        以 = + - @ 开头的单元格前加 '，防止表格软件执行公式）\n"
"    --limit N           最多输出 N 条\n"
"    --tz 时区           解释 --from/--to 所用的学校时区（默认取配置，或 Asia/Shanghai）\n"
"    verify --from 日期  只校验该日期（YYYY-MM-DD）及以后的文件\n"
"\n"
"退出状态\n"
"    0 成功 / 日志完整；1 verify 发现篡改或残缺；2 用法错误或其他错误。\n"
"\n"
"示例\n"
"    campusgate journal --since 12h --category gambling\n"
"    campusgate journal --client 10.1.2.0/24 --from 2025-11-25 --to 2025-11-26 --format csv\n"
"    campusgate journal --id k3z9q2m4c1x8a7b6f5d\n"
"    campusgate journal verify --dir /var/lib/campusgate/journal\n";

static const char report_help_en[] =
"NAME\n"
"    campusgate report - the incident report of the security journal\n"
"\n"
"SYNOPSIS\n"
"    campusgate report [-c CONF | --dir DIR] [--since DUR | --from T [--to T]]\n"
"                      [--format text|html] [--lang zh|en] [-o FILE] [--top N]\n"
"                      [the filters of campusgate journal]\n"
"\n"
"DESCRIPTION\n"
"    Counts the events of the period (default: the last 12 hours) per category, group\n"
"    and action, lists the top clients and sites, draws an hourly timeline, and shows\n"
"    the daily digests (last hash and count of each day) and whether the journal\n"
"    verifies from the period's first day on. The HTML form is one self-contained file\n"
"    (inline CSS and SVG chart, no scripts, no external resources) to send on.\n"
"\n"
"OPTIONS\n"
"    --since DUR, --from T, --to T   the period, as for campusgate journal (default:\n"
"                        the 12 hours up to now, or up to --to; --from alone: up to now)\n"
"    --format text|html  text (default) or HTML\n"
"    --lang zh|en        the report's language (default zh: Simplified Chinese)\n"
"    -o FILE             write the report to FILE instead of standard output\n"
"    --top N             how many clients and sites to list (default 10)\n"
"    --no-verify         do not verify the journal (faster on very large journals)\n"
"\n"
"EXIT STATUS\n"
"    0 report written; 1 report written but the journal does not verify; 2 error.\n"
"\n"
"EXAMPLES\n"
"    campusgate report --since 12h\n"
"    campusgate report --since 12h --format html -o report.html\n"
"    campusgate report --from 2025-11-25 --to 2025-11-25 --lang en\n";

static const char report_help_zh[] =
"名称\n"
"    campusgate report - 安全日志事件报告\n"
"\n"
"用法\n"
"    campusgate report [-c 配置 | --dir 目录] [--since 时长 | --from 时间 [--to 时间]]\n"
"                      [--format text|html] [--lang zh|en] [-o 文件] [--top N]\n"
"                      [campusgate journal 的筛选条件]\n"
"\n"
"说明\n"
"    统计时段内（默认最近 12 小时）各类别、分组、动作的事件数，列出事件最多的客户端和\n"
"    站点，绘制每小时时间线，并给出每日摘要（每天的末行哈希和事件数）以及从时段第一天\n"
"    起的日志完整性校验结果。HTML 报告是单个自包含文件（内联 CSS 和 SVG 图表，无脚本，\n"
"    无外部资源），可直接上报。\n"
"\n"
"选项\n"
"    --since/--from/--to  时段，同 campusgate journal（默认到现在或到 --to 为止的 12\n"
"                         小时；只给 --from 时到现在为止）\n"
"    --format text|html   文本（默认）或 HTML\n"
"    --lang zh|en         报告语言（默认 zh：简体中文）\n"
"    -o 文件              写入文件而不是标准输出\n"
"    --top N              列出的客户端和站点数（默认 10）\n"
"    --no-verify          不校验日志（日志很大时更快）\n"
"\n"
"退出状态\n"
"    0 已生成报告；1 已生成报告但日志校验未通过；2 错误。\n"
"\n"
"示例\n"
"    campusgate report --since 12h\n"
"    campusgate report --since 12h --format html -o report.html\n"
"    campusgate report --from 2025-11-25 --to 2025-11-25 --lang en\n";

enum {
	O_DIR = 256, O_SINCE, O_FROM, O_TO, O_CATEGORY, O_GROUP, O_CLIENT, O_HOST, O_ACTION,
	O_PROTO, O_EVENT, O_ID, O_FORMAT, O_LIMIT, O_TZ, O_LANG, O_TOP, O_NOVERIFY,
};

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "dir", required_argument, NULL, O_DIR },
	{ "since", required_argument, NULL, O_SINCE },
	{ "from", required_argument, NULL, O_FROM },
	{ "to", required_argument, NULL, O_TO },
	{ "category", required_argument, NULL, O_CATEGORY },
	{ "group", required_argument, NULL, O_GROUP },
	{ "client", required_argument, NULL, O_CLIENT },
	{ "host", required_argument, NULL, O_HOST },
	{ "action", required_argument, NULL, O_ACTION },
	{ "proto", required_argument, NULL, O_PROTO },
	{ "event", required_argument, NULL, O_EVENT },
	{ "id", required_argument, NULL, O_ID },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "tz", required_argument, NULL, O_TZ },
	{ "lang", required_argument, NULL, O_LANG },
	{ "top", required_argument, NULL, O_TOP },
	{ "no-verify", no_argument, NULL, O_NOVERIFY },
	{ NULL, 0, NULL, 0 },
};

/* Everything the three commands read from their options. */
struct jopts {
	const char *conf, *dir, *since, *from, *to, *format, *zone, *out, *lang;
	struct review_filter filter;
	unsigned top;
	bool no_verify;
	/* resolved */
	char *jdir, *school, *zone_name;
	struct config *cfg;
	struct tz *tz;
};

static int usage_error(enum lang l, const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "campusgate %s: %s%s%s%s\n", cmd, what, arg ? " '" : "", arg ? arg : "",
		arg ? "'" : "");
	fprintf(stderr, T(l, "(see campusgate %s --help)\n", "（参见 campusgate %s --help）\n"),
		cmd);
	return 2;
}

/* Parse the options; report: the report's few extra ones. 0, or the exit status. */
static int parse_opts(int argc, char **argv, struct jopts *o, const char *cmd, bool report,
		      enum lang l)
{
	int c;
	unsigned long long v;
	review_filter_init(&o->filter);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, report ? ":c:ho:" : ":c:h", longopts, NULL)) != -1) {
		if (!report && (c == O_NOVERIFY || c == O_LANG || c == O_TOP))
			return usage_error(l, cmd, T(l, "this option is for campusgate report:",
						     "该选项只用于 campusgate report："),
					   argv[optind - 1]);
		switch (c) {
		case 'c': o->conf = optarg; break;
		case 'h':
			fputs(report ? T(l, report_help_en, report_help_zh) :
			      T(l, journal_help_en, journal_help_zh), stdout);
			return -1;
		case 'o': o->out = optarg; break;
		case O_DIR: o->dir = optarg; break;
		case O_SINCE: o->since = optarg; break;
		case O_FROM: o->from = optarg; break;
		case O_TO: o->to = optarg; break;
		case O_CATEGORY: o->filter.category = optarg; break;
		case O_GROUP: o->filter.group = optarg; break;
		case O_HOST: o->filter.host = optarg; break;
		case O_ACTION: o->filter.action = optarg; break;
		case O_PROTO: o->filter.proto = optarg; break;
		case O_EVENT: o->filter.event = optarg; break;
		case O_ID: o->filter.id = optarg; break;
		case O_FORMAT: o->format = optarg; break;
		case O_TZ: o->zone = optarg; break;
		case O_NOVERIFY: o->no_verify = true; break;
		case O_LANG: o->lang = optarg; break;
		case O_CLIENT:
			if (review_filter_client(&o->filter, optarg) < 0)
				return usage_error(l, cmd, T(l, "--client wants an address or a subnet "
							     "with zero host bits, not",
							     "--client 需要地址或主机位为零的网段，而不是"),
						   optarg);
			break;
		case O_LIMIT:
			if (parse_uint(optarg, 1, UINT64_MAX, &v) < 0)
				return usage_error(l, cmd, T(l, "--limit wants a positive number, not",
							     "--limit 需要正整数，而不是"), optarg);
			o->filter.limit = v;
			break;
		case O_TOP:
			if (parse_uint(optarg, 1, 1000, &v) < 0)
				return usage_error(l, cmd, T(l, "--top wants 1..1000, not",
							     "--top 需要 1..1000，而不是"), optarg);
			o->top = (unsigned)v;
			break;
		case ':':
			return usage_error(l, cmd, T(l, "option needs a value:", "选项缺少参数："),
					   argv[optind - 1]);
		default:
			return usage_error(l, cmd, T(l, "unknown option", "未知选项"),
					   argv[optind - 1]);
		}
	}
	if (o->conf && o->dir)
		return usage_error(l, cmd, T(l, "give -c CONF or --dir DIR, not both",
					     "-c 与 --dir 只能二选一"), NULL);
	if (o->since && (o->from || o->to))
		return usage_error(l, cmd, T(l, "give --since or --from/--to, not both",
					     "--since 与 --from/--to 只能二选一"), NULL);
	return 0;
}

/* Find the journal directory and the zone: --dir, or the config. 0, or the exit status. */
static int resolve(struct jopts *o, const char *cmd, enum lang l)
{
	const char *err = NULL;
	if (o->dir) {
		o->jdir = xstrdup(o->dir);
	} else {
		struct diag d;
		const char *conf = o->conf ? o->conf : cli_default_config();
		diag_init(&d);
		o->cfg = config_load(conf, &d);
		if (!o->cfg) {
			lang_diag_print(lang_from_env(), &d, stderr);
			fprintf(stderr, T(l, "campusgate %s: cannot use the configuration %s (or give "
					  "--dir DIR)\n", "campusgate %s：无法使用配置文件 %s（或用 "
					  "--dir 指定日志目录）\n"), cmd, conf);
			diag_free(&d);
			return 2;
		}
		diag_free(&d);
		/* config_load already made a relative dir relative to the config's folder */
		o->jdir = xstrdup(o->cfg->journal.dir);
		if (o->cfg->journal.school)
			o->school = xstrdup(o->cfg->journal.school);
		if (!o->zone && o->cfg->timezone)
			o->zone = o->cfg->timezone;
	}
	o->zone_name = xstrdup(o->zone ? o->zone : "Asia/Shanghai");
	o->tz = tz_load(o->zone_name, &err);
	if (!o->tz) {
		fprintf(stderr, T(l, "campusgate %s: time zone %s: %s\n",
				  "campusgate %s：时区 %s：%s\n"), cmd, o->zone_name, err);
		return 2;
	}
	return 0;
}

/* The time range from --since/--from/--to; 0, or the exit status. */
static int time_range(struct jopts *o, const char *cmd, enum lang l, int64_t def_since)
{
	int64_t now = now_wall_us(), d;
	if (o->since || (!o->from && !o->to && def_since)) {
		if (!o->since)
			d = def_since;
		else if (review_parse_duration(o->since, &d) < 0)
			return usage_error(l, cmd, T(l, "--since wants a duration like 12h, not",
						     "--since 需要时长（如 12h），而不是"), o->since);
		o->filter.from_us = now - d;
		o->filter.to_us = now;
	}
	if (o->from && review_parse_time(o->from, o->tz, false, &o->filter.from_us) < 0)
		return usage_error(l, cmd, T(l, "--from wants a time like 2025-11-25T08:00, not",
					     "--from 需要时间（如 2025-11-25T08:00），而不是"),
				   o->from);
	if (o->to && review_parse_time(o->to, o->tz, true, &o->filter.to_us) < 0)
		return usage_error(l, cmd, T(l, "--to wants a time like 2025-11-25T18:00, not",
					     "--to 需要时间（如 2025-11-25T18:00），而不是"), o->to);
	if (o->from && !o->to && def_since)
		o->filter.to_us = now;
	if (o->to && !o->from && def_since)
		o->filter.from_us = o->filter.to_us - def_since; /* report --to T: the 12 h before */
	if (o->filter.from_us > o->filter.to_us)
		return usage_error(l, cmd, T(l, "the time range is empty (--from after --to)",
					     "时间范围为空（--from 晚于 --to）"), NULL);
	return 0;
}

static void opts_free(struct jopts *o)
{
	free(o->jdir);
	free(o->school);
	free(o->zone_name);
	if (o->tz)
		tz_free(o->tz);
	if (o->cfg)
		config_free(o->cfg);
}

static const char *kind_zh(const char *what)
{
	static const struct { const char *en, *zh; } kinds[] = {
		{ JV_EDITED, "被修改" }, { JV_DELETED, "被删除" }, { JV_REORDERED, "顺序被打乱" },
		{ JV_TORN, "末行残缺" }, { JV_MISSING, "文件缺失" }, { JV_REWRITTEN, "被重写" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(kinds); i++)
		if (strncmp(what, kinds[i].en, strlen(kinds[i].en)) == 0)
			return kinds[i].zh;
	return "错误";
}

static int cmd_verify(int argc, char **argv, enum lang l)
{
	struct jopts o;
	struct journal_verify_result res;
	int32_t from_day = INT32_MIN;
	int rc;
	memset(&o, 0, sizeof o);
	rc = parse_opts(argc, argv, &o, "journal verify", false, l);
	if (rc == 0 && optind < argc)
		rc = usage_error(l, "journal verify", T(l, "unexpected argument",
							"多余的参数"), argv[optind]);
	if (rc == 0 && (o.since || o.to || o.filter.category || o.filter.group ||
			o.filter.has_client || o.filter.host || o.filter.action || o.filter.proto ||
			o.filter.event || o.filter.id || o.filter.limit || o.format || o.zone ||
			o.no_verify))
		rc = usage_error(l, "journal verify", T(l, "verify takes only --from DAY, -c and "
							  "--dir", "verify 只接受 --from 日期、-c 和 --dir"),
				 NULL);
	if (rc == 0 && o.from && journal_parse_day(o.from, strlen(o.from), &from_day) < 0)
		rc = usage_error(l, "journal verify", T(l, "--from wants a day YYYY-MM-DD, not",
							"--from 需要日期 YYYY-MM-DD，而不是"), o.from);
	if (rc == 0)
		rc = resolve(&o, "journal verify", l);
	if (rc != 0) {
		opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	journal_verify(o.jdir, from_day, &res);
	if (res.status == 0) {
		printf(T(l, "journal OK: %llu lines in %llu files, seq %llu..%llu, %llu daily "
			    "digests match\n",
			 "日志完整：%llu 行，%llu 个文件，序号 %llu..%llu，%llu 个每日摘要相符\n"),
		       (unsigned long long)res.lines, (unsigned long long)res.files,
		       (unsigned long long)res.first_seq, (unsigned long long)res.last_seq,
		       (unsigned long long)res.digests);
		if (res.lines)
			printf(T(l, "last hash: %s\n", "末行哈希：%s\n"), res.last_hash);
		if (res.start_moved)
			printf(T(l, "the chain starts at seq %llu: older files were removed by "
				    "retention, as the journal records\n",
				 "哈希链从序号 %llu 开始：更早的文件已按保留期限删除，日志中有记录\n"),
			       (unsigned long long)res.first_seq);
	} else if (res.status == 1) {
		printf("%s:%lu: %s%s%s%s\n", res.file, res.line, l == LANG_ZH ? kind_zh(res.what) : "",
		       l == LANG_ZH ? "（" : "", res.what, l == LANG_ZH ? "）" : "");
		printf(T(l, "journal TAMPERED (checked %llu lines in %llu files)\n",
			 "日志已被篡改（已检查 %llu 行，%llu 个文件）\n"),
		       (unsigned long long)res.lines, (unsigned long long)res.files);
	} else {
		fprintf(stderr, T(l, "campusgate journal verify: %s: %s\n",
				  "campusgate journal verify：%s：%s\n"), o.jdir, res.what);
	}
	opts_free(&o);
	return res.status;
}

struct query {
	const struct review_filter *f;
	struct review_out *out;    /* journal: made at the first row (or after the scan) */
	enum review_format fmt;
	enum lang lang;
	struct report *rp;
	uint64_t n;
};

static int query_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct query *q = ctx;
	if (!review_match(q->f, r))
		return 0;
	if (!q->rp) {
		if (!q->out)
			q->out = review_out_new(stdout, q->fmt, q->lang);
		review_out_row(q->out, r, line, len);
	}
	if (q->rp)
		report_add(q->rp, r);
	q->n++;
	return q->f->limit && q->n >= q->f->limit;
}

/* Run q over the journal of o (its time range, its filter's needles); when the scan
 * fails, say why as "campusgate CMD: DIR: why" and return -1. */
static int query_scan(const struct jopts *o, const char *cmd, struct query *q, uint64_t *bad)
{
	const char *err = NULL;
	char *must[8];
	review_needles(&o->filter, must, CG_ARRAY_LEN(must));
	int rc = journal_scan(o->jdir, o->filter.from_us, o->filter.to_us,
			      (const char *const *)must, query_cb, q, bad, &err);
	review_needles_free(must);
	if (rc < 0) {
		fprintf(stderr, "campusgate %s: %s: %s\n", cmd, o->jdir, err);
		return -1;
	}
	return 0;
}

static void warn_bad(enum lang l, uint64_t bad)
{
	if (bad)
		fprintf(stderr, T(l, "campusgate: warning: %llu journal lines could not be read "
				     "(run campusgate journal verify)\n",
				  "campusgate：警告：%llu 行日志无法解析（请运行 campusgate journal "
				  "verify）\n"), (unsigned long long)bad);
}

int cmd_journal(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct jopts o;
	enum review_format fmt = REVIEW_TABLE;
	uint64_t bad = 0;
	int rc;
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1, l);
	memset(&o, 0, sizeof o);
	rc = parse_opts(argc, argv, &o, "journal", false, l);
	if (rc == 0 && optind < argc)
		rc = usage_error(l, "journal", T(l, "unknown subcommand or argument",
						 "未知的子命令或参数"), argv[optind]);
	if (rc == 0 && o.format && review_parse_format(o.format, &fmt) < 0)
		rc = usage_error(l, "journal", T(l, "--format wants table, json or csv, not",
						 "--format 需要 table、json 或 csv，而不是"), o.format);
	if (rc == 0)
		rc = resolve(&o, "journal", l);
	if (rc == 0)
		rc = time_range(&o, "journal", l, 0);
	if (rc != 0) {
		opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	struct query q = { .f = &o.filter, .fmt = fmt, .lang = l };
	if (query_scan(&o, "journal", &q, &bad) < 0) {
		opts_free(&o);
		return 2;
	}
	if (!q.out)
		q.out = review_out_new(stdout, fmt, l); /* the header of an empty result */
	review_out_end(q.out);
	warn_bad(l, bad);
	opts_free(&o);
	return ferror(stdout) ? 2 : 0;
}

int cmd_report(int argc, char **argv)
{
	enum lang l = lang_from_env(), rl;
	struct jopts o;
	uint64_t bad = 0;
	bool html = false;
	int rc;
	memset(&o, 0, sizeof o);
	rc = parse_opts(argc, argv, &o, "report", true, l);
	if (rc == 0 && optind < argc)
		rc = usage_error(l, "report", T(l, "unexpected argument", "多余的参数"),
				 argv[optind]);
	if (rc == 0 && o.format && strcmp(o.format, "html") != 0 && strcmp(o.format, "text") != 0)
		rc = usage_error(l, "report", T(l, "--format wants text or html, not",
						"--format 需要 text 或 html，而不是"), o.format);
	if (rc == 0 && o.lang && lang_parse(o.lang, (enum lang)-1) == (enum lang)-1)
		rc = usage_error(l, "report", T(l, "--lang wants zh or en, not",
						"--lang 需要 zh 或 en，而不是"), o.lang);
	if (rc == 0)
		rc = resolve(&o, "report", l);
	if (rc == 0)
		rc = time_range(&o, "report", l, 12LL * 3600 * 1000000);
	if (rc != 0) {
		opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	html = o.format && strcmp(o.format, "html") == 0;
	rl = o.lang ? lang_parse(o.lang, LANG_ZH) : LANG_ZH;
	int64_t ref = o.filter.to_us == INT64_MAX ? now_wall_us() : o.filter.to_us;
	struct report *rp = report_new(o.school, o.filter.from_us, o.filter.to_us,
				       (int32_t)tz_offset(o.tz, (time_t)(ref / 1000000)), o.top);
	struct query q = { .f = &o.filter, .rp = rp };
	if (query_scan(&o, "report", &q, &bad) < 0) {
		report_free(rp);
		opts_free(&o);
		return 2;
	}
	report_set_digests(rp, o.jdir);
	struct journal_verify_result vr;
	if (!o.no_verify) {
		int32_t day = o.filter.from_us == INT64_MIN ? INT32_MIN :
			journal_day(o.filter.from_us, (int32_t)tz_offset(o.tz, (time_t)(ref / 1000000)));
		journal_verify(o.jdir, day, &vr);
		report_set_verify(rp, &vr);
	}
	FILE *f = stdout;
	if (o.out && !(f = fopen(o.out, "w"))) {
		fprintf(stderr, "campusgate report: %s: %s\n", o.out, strerror(errno));
		report_free(rp);
		opts_free(&o);
		return 2;
	}
	if (html)
		report_html(rp, f, rl);
	else
		report_text(rp, f, rl);
	rc = (f != stdout ? fclose(f) : fflush(f)) != 0 ? 2 : 0;
	if (rc == 0 && o.out)
		fprintf(stderr, T(l, "report written to %s\n", "报告已写入 %s\n"), o.out);
	warn_bad(l, bad);
	if (rc == 0 && !o.no_verify && vr.status != 0)
		rc = 1;
	report_free(rp);
	opts_free(&o);
	return rc;
}
