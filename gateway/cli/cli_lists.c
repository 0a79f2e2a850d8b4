/* campusgate lists: check list files (file:line errors) and show the compiled policy's
 * statistics. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "lists.h"
#include "patset.h"
#include "policy.h"
#include "util.h"

static void lists_usage(FILE *f)
{
	enum lang l = lang_from_env();

	fputs(T(l,
		"Usage: campusgate lists check [-c FILE] [--format FORMAT] [[FORMAT:]LIST...]\n"
		"       campusgate lists stats [-c FILE]\n"
		"\n"
		"check   read list files and print every bad line as LIST:LINE: what is wrong\n"
		"        (bad names, labels over 63 bytes, names over 253 bytes, patterns that\n"
		"        do not compile, bad international names, lines over 4096 bytes), then a\n"
		"        count per list. Without LIST arguments every list the configuration\n"
		"        names is checked. FORMAT is native (default), hosts, adblock or ut1 (a\n"
		"        UT1 folder or a flat UT1 file); give it per list (hosts:/path) or for\n"
		"        all with --format.\n"
		"stats   compile the configuration's lists as the daemon does and print the\n"
		"        counts of domains, exact names, URL prefixes, patterns (and how many of\n"
		"        them run on every request), allowlist rules, bad lines, the memory the\n"
		"        match structures hold, and the time the build took.\n"
		"\n"
		"Options:\n"
		"  -c FILE          the configuration file; without it: $CAMPUSGATE_CONF,\n"
		"                   ./config/campusgate.conf if it exists, else the system one\n"
		"  --format FORMAT  the format of LIST arguments without a FORMAT: prefix\n"
		"  -q               check: print only the bad lines\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 no bad line, 1 bad lines found, 2 a list or the configuration\n"
		"cannot be read, or a usage error.\n"
		"Example: campusgate lists check hosts:/tmp/porn-hosts blocklists/gambling/zh.list\n",
		"用法: campusgate lists check [-c 文件] [--format 格式] [[格式:]名单...]\n"
		"      campusgate lists stats [-c 文件]\n"
		"\n"
		"check   读取名单文件，把每一行错误按“名单:行号: 问题”输出（域名有误、标签超过 63\n"
		"        字节、域名超过 253 字节、正则表达式无法编译、国际化域名有误、行超过 4096\n"
		"        字节），然后输出每个名单的统计。不指定名单时检查配置引用的所有名单。格式为\n"
		"        native（默认）、hosts、adblock 或 ut1（UT1 目录或单个 UT1 文件）；可逐个\n"
		"        指定（hosts:/路径），或用 --format 统一指定。\n"
		"stats   按守护进程的方式编译配置中的名单，输出域名、精确域名、网址前缀、正则表达式\n"
		"        （及其中每个请求都要运行的条数）、白名单规则、错误行的数量，匹配结构占用的\n"
		"        内存，以及编译耗时。\n"
		"\n"
		"选项:\n"
		"  -c 文件          配置文件；不指定时依次使用 $CAMPUSGATE_CONF、\n"
		"                   ./config/campusgate.conf（若存在）、系统配置文件\n"
		"  --format 格式    未带“格式:”前缀的名单参数的格式\n"
		"  -q               check：只输出错误行\n"
		"  -h, --help       显示本帮助\n"
		"\n"
		"退出状态：0 没有错误行，1 发现错误行，2 名单或配置无法读取，或用法错误。\n"
		"示例: campusgate lists check hosts:/tmp/porn-hosts blocklists/gambling/zh.list\n"),
	      f);
}

/* Patterns are compiled as the policy would, so that check finds what build finds. */
static int lists_check_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct patset_builder *pb = arg;
	char perr[200];

	if (r->kind != LIST_RULE_PATTERN)
		return 0;
	perr[0] = '\0';
	if (patset_add(pb, r->pattern, r->pattern_len, 0, 0, r->line, perr, sizeof(perr)) < 0) {
		snprintf(err, errlen, "bad pattern (%s)", perr);
		return -1;
	}
	return 0;
}

/* Check one list; prints its bad lines and a summary. 0, 1 bad lines, 2 unreadable. */
static int lists_check_one(enum lang l, enum list_format fmt, const char *path,
			   const char *name, bool quiet)
{
	struct patset_builder *pb = patset_builder_new();
	struct list_counts c = { 0 };
	struct diag d;
	int rc;

	diag_init(&d);
	rc = lists_read(fmt, path, name, lists_check_rule, pb, &d, &c);
	patset_builder_free(pb);
	lang_diag_print(l, &d, stdout);
	if (rc < 0) {
		diag_free(&d);
		return 2;
	}
	if (!quiet)
		printf(T(l, "%s (%s): %zu lines, %zu rules, %zu bad, %zu skipped, %zu warnings\n",
			 "%s（%s）：%zu 行，%zu 条规则，%zu 行错误，%zu 行跳过，%zu 条警告\n"),
		       name, lists_format_name(fmt), c.lines, c.rules, c.bad, c.skipped,
		       d.warnings);
	diag_free(&d);
	return c.bad ? 1 : 0;
}

static int lists_worse(int a, int b)
{
	return a > b ? a : b;
}

static struct config *lists_load_config(enum lang l, const char *conf)
{
	struct diag d;
	struct config *cfg;

	diag_init(&d);
	cfg = config_load(conf, &d);
	lang_diag_print(l, &d, stderr);
	if (!cfg)
		fprintf(stderr, T(l, "campusgate lists: %s: configuration has errors\n",
				  "campusgate lists: %s: 配置有错误\n"), conf);
	diag_free(&d);
	return cfg;
}

static int lists_check(enum lang l, const char *conf, const char *format, bool quiet,
		       int argc, char **argv)
{
	enum list_format deflt = LIST_NATIVE;
	int rc = 0;

	if (format && lists_format_parse(format, strlen(format), &deflt) < 0) {
		fprintf(stderr, T(l, "campusgate lists: unknown format %s\n",
				  "campusgate lists: 未知格式 %s\n"), format);
		return 2;
	}
	if (argc > 0) {
		for (int i = 0; i < argc; i++) {
			enum list_format fmt = deflt;
			const char *path = argv[i], *colon = strchr(path, ':');
			if (colon && lists_format_parse(path, (size_t)(colon - path), &fmt) == 0)
				path = colon + 1;
			rc = lists_worse(rc, lists_check_one(l, fmt, path, path, quiet));
		}
		return rc;
	}
	if (!conf)
		conf = cli_default_config();
	struct config *cfg = lists_load_config(l, conf);
	if (!cfg)
		return 2;
	for (size_t i = 0; i < cfg->n_categories; i++) {
		const struct cfg_category *cat = &cfg->categories[i];
		for (size_t j = 0; j < cat->n_lists; j++)
			rc = lists_worse(rc, lists_check_one(l, cat->lists[j].format,
							     cat->lists[j].path,
							     cat->lists[j].name, quiet));
	}
	for (size_t j = 0; j < cfg->n_allow; j++)
		rc = lists_worse(rc, lists_check_one(l, cfg->allow[j].format, cfg->allow[j].path,
						     cfg->allow[j].name, quiet));
	config_free(cfg);
	if (!quiet)
		puts(rc == 0 ? T(l, "lists OK", "名单正确")
			     : T(l, "lists have problems", "名单有问题"));
	return rc;
}

static int lists_stats(enum lang l, const char *conf)
{
	struct config *cfg;
	struct policy *p;
	struct policy_stats st;
	struct diag d;
	uint64_t t0;

	if (!conf)
		conf = cli_default_config();
	cfg = lists_load_config(l, conf);
	if (!cfg)
		return 2;
	diag_init(&d);
	t0 = now_mono_ns();
	p = policy_build(cfg, &d);
	double ms = (double)(now_mono_ns() - t0) / 1e6;
	config_free(cfg);
	if (!p) {
		lang_diag_print(l, &d, stderr);
		diag_free(&d);
		return 2;
	}
	policy_get_stats(p, &st);
	size_t names = st.domains + st.exact;
	printf(T(l, "configuration:      %s\n", "配置文件：          %s\n"), conf);
	printf(T(l, "list files:         %zu\n", "名单文件：          %zu\n"), st.lists);
	printf(T(l, "domains:            %zu (the name and names below it)\n",
		 "域名：              %zu（含子域名）\n"), st.domains);
	printf(T(l, "exact names:        %zu\n", "精确域名：          %zu\n"), st.exact);
	printf(T(l, "URL prefixes:       %zu\n", "网址前缀：          %zu\n"), st.urls);
	printf(T(l, "patterns:           %zu (%zu run on every request: no usable literal)\n",
		 "正则表达式：        %zu（其中 %zu 条没有可用的字面量，每个请求都要运行）\n"),
	       st.patterns, st.patterns_always_run);
	printf(T(l, "allowlist rules:    %zu\n", "白名单规则：        %zu\n"), st.allow_rules);
	printf(T(l, "bad lines skipped:  %zu%s\n", "跳过的错误行：      %zu%s\n"), st.bad_lines,
	       st.bad_lines ? T(l, " (campusgate lists check shows them)",
				"（用 campusgate lists check 查看）") : "");
	printf(T(l, "match memory:       %.1f MiB", "匹配结构内存：      %.1f MiB"),
	       (double)st.bytes / (1024.0 * 1024.0));
	if (names > 0)
		printf(T(l, " (%.1f bytes per name)", "（每个域名 %.1f 字节）"),
		       (double)st.bytes / (double)names);
	printf("\n");
	printf(T(l, "build time:         %.0f ms\n", "编译耗时：          %.0f 毫秒\n"), ms);
	policy_unref(p);
	diag_free(&d);
	return 0;
}

int cmd_lists(int argc, char **argv)
{
	enum lang l = lang_from_env();
	const char *conf = NULL, *format = NULL;
	bool quiet = false;
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		lists_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "check") != 0 && strcmp(sub, "stats") != 0) {
		fprintf(stderr, T(l, "campusgate lists: unknown command '%s'\n",
				  "campusgate lists: 未知命令 '%s'\n"), sub);
		lists_usage(stderr);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'f': format = optarg; break;
		case 'q': quiet = true; break;
		case 'h': lists_usage(stdout); return 0;
		default: lists_usage(stderr); return 2;
		}
	}
	if (strcmp(sub, "stats") == 0) {
		if (optind < argc - 1 || format) {
			lists_usage(stderr);
			return 2;
		}
		return lists_stats(l, conf);
	}
	return lists_check(l, conf, format, quiet, argc - 1 - optind, argv + 1 + optind);
}
