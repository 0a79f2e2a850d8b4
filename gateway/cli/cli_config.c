/* campusgate config check: load the configuration, compile its lists as the daemon does,
 * and print the errors and bad list lines, or "configuration OK". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_config.h"
#include "cli.h"
#include "config.h"
#include "config_check.h"
#include "i18n.h"
#include "util.h"

const char *cli_default_config(void)
{
	return config_default_path(); /* the daemon looks in the same places */
}

static void config_usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(T(l,
		"Usage: campusgate config check [-q] [-c FILE | FILE]\n"
		"\n"
		"Read the configuration file and check each key: sections and key names,\n"
		"addresses and ports, numbers and their ranges, time zones, timetables\n"
		"(weekdays, times, holiday and exam dates), the categories and timetable each\n"
		"group names, and that every list file it names exists and is readable (lists\n"
		"marked '?' may be missing: that is a warning). Then every list is compiled as\n"
		"campusgated compiles it at start-up; a bad list line is a warning (the daemon\n"
		"skips it), a list that cannot be read at all is an error. Each problem is\n"
		"printed as FILE:LINE: what is wrong. Nothing is changed and no daemon is\n"
		"contacted. 'campusgated -n' runs the same check.\n"
		"\n"
		"Options:\n"
		"  -c FILE    the configuration file; without it: $CAMPUSGATE_CONF,\n"
		"             ./config/campusgate.conf if it exists, else\n"
		"             " CG_CONFIG_FILE "\n"
		"  -q         print nothing when the configuration is correct\n"
		"  -h, --help this text\n"
		"\n"
		"Exit status: 0 configuration OK (warnings allowed), 1 errors found,\n"
		"2 usage error.\n"
		"Example: campusgate config check -c /etc/campusgate/campusgate.conf\n",
		"用法: campusgate config check [-q] [-c 文件 | 文件]\n"
		"\n"
		"读取配置文件并逐项检查：节和键名、地址和端口、数值及其范围、时区、时间表（星期、\n"
		"时段、假期和考试日期）、各组引用的类别和时间表，以及引用的每个名单文件是否存在且\n"
		"可读（标记 '?' 的名单可以不存在，只给出警告）。然后按 campusgated 启动时的方式编译\n"
		"每个名单：名单中的错误行是警告（守护进程跳过该行），完全无法读取的名单是错误。\n"
		"每个问题按“文件:行号: 问题”输出。不修改任何东西，也不联系守护进程。\n"
		"'campusgated -n' 做同样的检查。\n"
		"\n"
		"选项:\n"
		"  -c 文件    配置文件；不指定时依次使用 $CAMPUSGATE_CONF、\n"
		"             ./config/campusgate.conf（若存在）、\n"
		"             " CG_CONFIG_FILE "\n"
		"  -q         配置正确时不输出任何内容\n"
		"  -h, --help 显示本帮助\n"
		"\n"
		"退出状态：0 配置正确（可有警告），1 发现错误，2 用法错误。\n"
		"示例: campusgate config check -c /etc/campusgate/campusgate.conf\n"),
	      f);
}

static int config_check(int argc, char **argv)
{
	enum lang l = lang_from_env();
	const char *path = NULL;
	bool quiet = false;
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'q': quiet = true; break;
		case 'h': config_usage(stdout); return 0;
		default: config_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		if (path || optind + 1 < argc) {
			config_usage(stderr);
			return 2;
		}
		path = argv[optind];
	}
	if (!path)
		path = cli_default_config();
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	lang_diag_print(l, &d, stderr);
	int rc = 0;
	if (!cfg) {
		config_check_failed(l, path, d.errors, stderr);
		rc = 1;
	} else {
		if (!quiet) {
			size_t lists = cfg->n_allow;
			for (size_t i = 0; i < cfg->n_categories; i++)
				lists += cfg->categories[i].n_lists;
			printf(T(l, "%s: %zu categories, %zu list files, %zu groups, %zu timetables\n",
				 "%s: %zu 个类别，%zu 个名单文件，%zu 个分组，%zu 个时间表\n"),
			       path, cfg->n_categories, lists, cfg->n_groups, cfg->n_timetables);
		}
		/* The lists too, as the daemon compiles them: bad lines are warnings. */
		if (config_check_lists(cfg, l, quiet, stdout, stderr) < 0)
			rc = 1;
		else if (!quiet)
			config_check_ok(l, stdout);
	}
	config_free(cfg);
	diag_free(&d);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		config_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return config_check(argc - 1, argv + 1);
	fprintf(stderr, T(lang_from_env(), "campusgate config: unknown command '%s'\n",
			  "campusgate config: 未知命令 '%s'\n"),
		argv[1]);
	config_usage(stderr);
	return 2;
}
