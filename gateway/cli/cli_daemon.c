/* campusgate reload / status: talk to the running daemon through its pid file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "util.h"

/* The daemon's PID from the config's pid file, checked to be a campusgated process.
 * Returns the PID, or -1 after printing why. */
static pid_t daemon_pid(const char *conf_path, enum lang l)
{
	struct diag diag;
	diag_init(&diag);
	struct config *cfg = config_load(conf_path, &diag);
	if (!cfg) {
		lang_diag_print(lang_from_env(), &diag, stderr);
		diag_free(&diag);
		return -1;
	}
	diag_free(&diag);
	pid_t pid = -1;
	if (!cfg->pid_file) {
		fprintf(stderr, "%s: %s\n", conf_path,
			T(l, "no [general] pid_file is configured", "未配置 [general] pid_file"));
		goto out;
	}
	FILE *f = fopen(cfg->pid_file, "r");
	long v = 0;
	if (!f || fscanf(f, "%ld", &v) != 1 || v <= 1) {
		fprintf(stderr, "%s: %s\n", cfg->pid_file,
			T(l, "campusgated is not running (no valid pid file)",
			  "campusgated 未运行（没有有效的 pid 文件）"));
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%ld/comm", v);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = '\0';
		fclose(f);
	}
	if (strncmp(comm, "campusgated", 11) != 0) {
		fprintf(stderr, "%s: %s %ld\n", cfg->pid_file,
			T(l, "stale pid file: no campusgated with PID",
			  "pid 文件已过期：没有该 PID 的 campusgated 进程"),
			v);
		goto out;
	}
	pid = (pid_t)v;
out:
	config_free(cfg);
	return pid;
}

static int daemon_cmd(int argc, char **argv, bool reload)
{
	enum lang l = lang_from_env();
	const char *conf = NULL;
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (c == 'c') {
			conf = optarg;
		} else {
			fputs(reload ? T(l, "Usage: campusgate reload [-c FILE]\n"
					     "Ask the running campusgated (found through the config's "
					     "pid_file) to reload\nits configuration and lists. A "
					     "configuration with errors is refused by the daemon,\nwhich "
					     "keeps its running policy; check first with `campusgate "
					     "config check`.\n",
					  "用法: campusgate reload [-c 文件]\n"
					  "让运行中的 campusgated（通过配置中的 pid_file 找到）重新加载配置"
					  "和名单。\n有错误的配置会被拒绝，守护进程保留当前策略；请先用 "
					  "`campusgate config check` 检查。\n")
				      : T(l, "Usage: campusgate status [-c FILE]\n"
					     "Say whether campusgated is running (exit 0) or not (exit 1).\n",
					  "用法: campusgate status [-c 文件]\n"
					  "显示 campusgated 是否在运行（运行为 0，否则为 1）。\n"),
			      stdout);
			return c == 'h' ? 0 : 2;
		}
	}
	if (!conf)
		conf = cli_default_config();
	pid_t pid = daemon_pid(conf, l);
	if (pid < 0)
		return reload ? 2 : 1;
	if (!reload) {
		printf(T(l, "campusgated is running (PID %ld)\n", "campusgated 正在运行（PID %ld）\n"),
		       (long)pid);
		return 0;
	}
	if (kill(pid, SIGHUP) < 0) {
		fprintf(stderr, "campusgate: kill %ld: %s\n", (long)pid, strerror(errno));
		return 2;
	}
	printf(T(l, "reload requested (PID %ld); the daemon's log says whether it succeeded\n",
		 "已请求重新加载（PID %ld）；结果见守护进程日志\n"),
	       (long)pid);
	return 0;
}

int cmd_reload(int argc, char **argv)
{
	return daemon_cmd(argc, argv, true);
}

int cmd_status(int argc, char **argv)
{
	return daemon_cmd(argc, argv, false);
}
