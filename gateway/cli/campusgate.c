/* campusgate: the admin and staff tool (check decisions, edit and check lists, review
 * and report the security journal, read captures, reload the daemon). */
#include <stdio.h>
#include <string.h>

#include "cg_config.h"
#include "cli.h"
#include "i18n.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help_en, *help_zh;
};

static const struct command commands[] = {
	{"check", cmd_check, "explain the decision for a name or URL",
	 "解释某个域名或网址的判定结果"},
	{"config", cmd_config, "check the configuration file (config check)",
	 "检查配置文件（config check）"},
	{"lists", cmd_lists, "check list files and show list statistics",
	 "检查名单文件并显示名单统计"},
	{"journal", cmd_journal, "search the security journal; journal verify checks it",
	 "查询安全日志；journal verify 校验其完整性"},
	{"report", cmd_report, "incident report of the last hours (text or HTML)",
	 "最近若干小时的事件报告（文本或 HTML）"},
	{"sensor", cmd_sensor, "read a capture file (pcap/pcapng) and report what it shows",
	 "读取抓包文件（pcap/pcapng）并报告其内容"},
	{"reload", cmd_reload, "make the running campusgated reload config and lists",
	 "让运行中的 campusgated 重新加载配置和名单"},
	{"status", cmd_status, "say whether campusgated is running",
	 "显示 campusgated 是否在运行"},
	{"setup", cmd_setup, "write the config and firewall rules for the school's router",
	 "为学校路由器生成配置文件和防火墙规则"},
};

static void usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(T(l, "Usage: campusgate COMMAND [options]   (campusgate COMMAND --help for more)\n\n"
		   "Commands:\n",
		"用法: campusgate 命令 [选项]   （campusgate 命令 --help 查看详情）\n\n命令:\n"),
	      f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			T(l, commands[i].help_en, commands[i].help_zh));
	fputs(T(l,
		"\nThe configuration is read from -c FILE, $CAMPUSGATE_CONF, ./config/campusgate.conf\n"
		"or " CG_CONFIG_FILE ", in that order.\n"
		"Messages are in Chinese when the locale is zh_CN (e.g. LANG=zh_CN.UTF-8).\n"
		"Exit status: 0 success (check: allowed), 1 check: blocked / verify: tampered,\n"
		"2 usage or other error.\n",
		"\n配置文件依次取自 -c 文件、$CAMPUSGATE_CONF、./config/campusgate.conf 或\n"
		CG_CONFIG_FILE "。\n"
		"区域设置为 zh_CN 时显示中文（例如 LANG=zh_CN.UTF-8）。\n"
		"退出状态：0 成功（check：放行），1 check：拦截 / verify：被篡改，2 用法或其他错误。\n"),
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("campusgate %s\n", CG_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "campusgate: unknown command '%s' (see campusgate --help)\n", argv[1]);
	return 2;
}
