/* campusgated: the gateway daemon (DNS, HTTP, TLS and sensor front ends). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_config.h"
#include "daemon.h"
#include "i18n.h"
#include "util.h"

static void usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(T(l,
		"Usage: campusgated [-c FILE] [-n] [options]\n"
		"\n"
		"The campusgate filtering gateway: a DNS filtering proxy, a transparent HTTP\n"
		"proxy with a block page, a TLS SNI check and a packet sensor, deciding every\n"
		"request with one policy and recording every block in the security journal.\n"
		"It runs in the foreground and logs to stderr; SIGHUP reloads the\n"
		"configuration and lists, SIGTERM stops it, SIGUSR1 logs journal counters.\n"
		"\n"
		"  -c, --config FILE       configuration file; without it: $CAMPUSGATE_CONF,\n"
		"                          ./config/campusgate.conf if it exists (a checkout),\n"
		"                          else " CG_CONFIG_FILE "\n"
		"                          (as for campusgate)\n"
		"  -n, --check             load the configuration and compile its lists as at\n"
		"                          start-up, print each error and bad list line as\n"
		"                          FILE:LINE: what is wrong, then \"configuration OK\"\n"
		"                          (bad list lines are warnings), and exit\n"
		"  -u, --user USER         run as USER after binding (overrides [general] user)\n"
		"  -v, --verbose           log debug messages\n"
		"      --version           print the version and exit\n"
		"  -h, --help              this text\n"
		"\n"
		"Overrides (handy for a quick start and for benchmarks). Without -c, naming a\n"
		"listener here (--dns-listen, --http-listen, --tls-listen) means that only the\n"
		"front ends named here run, on the built-in defaults, and no file is read:\n"
		"      --dns-listen ADDR:PORT   answer DNS (UDP and TCP) here\n"
		"      --upstream ADDR:PORT     forward allowed DNS queries here\n"
		"      --blocklist FILE         also block every name in FILE (one per line)\n"
		"      --http-listen ADDR:PORT  transparent HTTP proxy here\n"
		"      --http-parent ADDR:PORT  send every allowed HTTP request here\n"
		"      --tls-listen ADDR:PORT   TLS SNI check here\n"
		"      --journal-dir DIR        write the security journal here\n"
		"\n"
		"Exit status: 0 after a clean stop or a good check, 1 when the configuration\n"
		"has errors (or is not found), 2 when start-up fails, also when the\n"
		"configuration has no listener and no sensor interface (nothing to serve).\n",
		"用法: campusgated [-c 文件] [-n] [选项]\n"
		"\n"
		"campusgate 过滤网关：DNS 过滤代理、带拦截页的透明 HTTP 代理、TLS SNI 检查\n"
		"和抓包传感器，所有请求由同一策略判定，每次拦截都写入安全日志。\n"
		"在前台运行，运行日志输出到 stderr；SIGHUP 重新加载配置和名单，SIGTERM 停止，\n"
		"SIGUSR1 记录安全日志计数。\n"
		"\n"
		"  -c, --config 文件       配置文件；不指定时依次使用 $CAMPUSGATE_CONF、\n"
		"                          ./config/campusgate.conf（若存在，即在源码目录中运行）、\n"
		"                          " CG_CONFIG_FILE "（与 campusgate 相同）\n"
		"  -n, --check             按启动时的方式读取配置并编译名单，把每个错误和名单错误行\n"
		"                          按“文件:行号: 问题”输出，然后输出“配置正确”（名单错误行\n"
		"                          只是警告）后退出\n"
		"  -u, --user 用户         绑定端口后以该用户运行（覆盖 [general] user）\n"
		"  -v, --verbose           记录调试信息\n"
		"      --version           显示版本后退出\n"
		"  -h, --help              显示本帮助\n"
		"\n"
		"覆盖选项（用于快速启动和基准测试）。不带 -c 而在这里指定了监听地址（--dns-listen、\n"
		"--http-listen、--tls-listen）时，只运行这里指定的前端，使用内置默认值，不读取配置文件：\n"
		"      --dns-listen 地址:端口   在此应答 DNS（UDP 和 TCP）\n"
		"      --upstream 地址:端口     放行的 DNS 查询转发到这里\n"
		"      --blocklist 文件         另外拦截文件中的每个域名（每行一个）\n"
		"      --http-listen 地址:端口  透明 HTTP 代理\n"
		"      --http-parent 地址:端口  放行的 HTTP 请求都发往这里\n"
		"      --tls-listen 地址:端口   TLS SNI 检查\n"
		"      --journal-dir 目录       安全日志目录\n"
		"\n"
		"退出状态：正常停止或检查通过为 0，配置有错误（或找不到配置）为 1，启动失败为 2，\n"
		"配置中没有任何监听地址和传感器接口（无可服务内容）时也为 2。\n"),
	      f);
}

int main(int argc, char **argv)
{
	enum { OPT_VERSION = 256, OPT_DNS_LISTEN, OPT_UPSTREAM, OPT_BLOCKLIST, OPT_HTTP_LISTEN,
	       OPT_HTTP_PARENT, OPT_TLS_LISTEN, OPT_JOURNAL_DIR };
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check", no_argument, NULL, 'n'},
		{"user", required_argument, NULL, 'u'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{"dns-listen", required_argument, NULL, OPT_DNS_LISTEN},
		{"upstream", required_argument, NULL, OPT_UPSTREAM},
		{"blocklist", required_argument, NULL, OPT_BLOCKLIST},
		{"http-listen", required_argument, NULL, OPT_HTTP_LISTEN},
		{"http-parent", required_argument, NULL, OPT_HTTP_PARENT},
		{"tls-listen", required_argument, NULL, OPT_TLS_LISTEN},
		{"journal-dir", required_argument, NULL, OPT_JOURNAL_DIR},
		{NULL, 0, NULL, 0},
	};
	struct daemon_opts o;
	memset(&o, 0, sizeof o);
	int c;
	while ((c = getopt_long(argc, argv, "c:nu:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.config_path = optarg; break;
		case 'n': o.check_only = true; break;
		case 'u': o.user = optarg; break;
		case 'v': o.verbose = true; break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: printf("campusgated %s\n", CG_VERSION); return 0;
		case OPT_DNS_LISTEN: o.dns_listen = optarg; break;
		case OPT_UPSTREAM: o.upstream = optarg; break;
		case OPT_BLOCKLIST: o.blocklist = optarg; break;
		case OPT_HTTP_LISTEN: o.http_listen = optarg; break;
		case OPT_HTTP_PARENT: o.http_parent = optarg; break;
		case OPT_TLS_LISTEN: o.tls_listen = optarg; break;
		case OPT_JOURNAL_DIR: o.journal_dir = optarg; break;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "campusgated: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (o.verbose)
		log_set_level(LOG_LVL_DEBUG);
	return daemon_main(&o);
}
