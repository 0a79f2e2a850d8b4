/* campusgate setup: the first run on a router box. Asks for (or takes as flags) the LAN
 * interface, the school's subnets and groups, the upstream resolvers and the school's
 * name, writes the configuration and the nftables rules, and checks them as
 * `campusgated -n` does. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdbool.h>
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

#define SETUP_MAX 32 /* subnets, upstreams */

static const char setup_help_en[] =
"NAME\n"
"    campusgate setup - write the gateway's configuration and firewall rules\n"
"\n"
"SYNOPSIS\n"
"    campusgate setup [--lan-if IFACE] [--lan-address ADDR] [--subnet CIDR[=GROUP]]...\n"
"                     [--upstream ADDR[:PORT]]... [--school NAME] [--contact TEXT]\n"
"                     [--out-config FILE] [--out-nft FILE] [--language zh-CN|en]\n"
"                     [--timezone ZONE] [--user NAME] [--yes] [--force]\n"
"\n"
"DESCRIPTION\n"
"    The first run on the school's router. Writes a configuration that serves DNS on\n"
"    port 53, the transparent HTTP proxy (8080), the TLS SNI check (8443) and the block\n"
"    page (80) on the LAN interface's address, blocks the shipped categories for every\n"
"    group, journals to the state folder, and runs as the service user campusgate.\n"
"    It also writes nftables rules that send the LAN's DNS (udp and tcp 53, also to\n"
"    outside resolvers), HTTP (tcp 80) and HTTPS (tcp 443) to those ports, and drop\n"
"    DNS over TLS (853) and QUIC (udp 443), so that browsers fall back to what the\n"
"    gateway sees. Then it checks the configuration as campusgated -n does and prints\n"
"    the result.\n"
"\n"
"    On a terminal it asks for what the flags do not give; with --yes (or without a\n"
"    terminal) a missing --lan-if or --subnet is an error. The upstream resolvers\n"
"    default to the nameservers in /etc/resolv.conf that are not on this box.\n"
"\n"
"OPTIONS\n"
"    --lan-if IFACE          the interface facing the school LAN (e.g. eth1)\n"
"    --lan-address ADDR      its IPv4 address (default: read from IFACE)\n"
"    --subnet CIDR[=GROUP]   a school subnet and its group (default group: students);\n"
"                            repeat for each, e.g. 10.1.0.0/16=students\n"
"    --upstream ADDR[:PORT]  a resolver to forward allowed queries to; repeatable\n"
"    --school NAME           the school's name (reports, syslog)\n"
"    --contact TEXT          whom people ask about a block (written as a comment until\n"
"                            the block page takes it from the configuration)\n"
"    --out-config FILE       where to write the configuration (default:\n"
"                            " CG_CONFIG_FILE ")\n"
"    --out-nft FILE          where to write the nftables rules (default: the folder of\n"
"                            the configuration, nftables-campusgate.nft)\n"
"    --language L            block pages and reports in zh-CN (default) or en\n"
"    --timezone ZONE         the school's time zone (default Asia/Shanghai)\n"
"    --user NAME             the service user the daemon runs as (default campusgate)\n"
"    --yes                   ask nothing\n"
"    --force                 replace an existing configuration or rules file\n"
"    -h, --help              this text\n"
"\n"
"FILES\n"
"    Lists from " CG_DATADIR "/blocklists, the third-party lists\n"
"    from " CG_STATE_DIR "/lists/current (scripts/update-lists.sh), the\n"
"    school's own lists from lists/block.list and lists/allow.list next to the\n"
"    configuration, the journal in " CG_STATE_DIR "/journal.\n"
"\n"
"EXIT STATUS\n"
"    0 written and checked; 1 written but the check found errors; 2 usage error, or a\n"
"    file exists (without --force) or cannot be written.\n"
"\n"
"EXAMPLES\n"
"    campusgate setup --lan-if eth1 --subnet 10.1.0.0/16=students \\\n"
"        --subnet 10.2.0.0/16=staff --upstream 192.0.2.53 --school 'No. 1 Middle School'\n"
"    nft -f /etc/campusgate/nftables-campusgate.nft && systemctl enable --now campusgated\n";

static const char setup_help_zh[] =
"名称\n"
"    campusgate setup - 生成网关的配置文件和防火墙规则\n"
"\n"
"用法\n"
"    campusgate setup [--lan-if 网卡] [--lan-address 地址] [--subnet 网段[=分组]]...\n"
"                     [--upstream 地址[:端口]]... [--school 名称] [--contact 联系方式]\n"
"                     [--out-config 文件] [--out-nft 文件] [--language zh-CN|en]\n"
"                     [--timezone 时区] [--user 用户] [--yes] [--force]\n"
"\n"
"说明\n"
"    在学校路由器上首次运行。生成的配置在校园网网卡的地址上提供 DNS（53 端口）、透明\n"
"    HTTP 代理（8080）、TLS SNI 检查（8443）和拦截页（80），对每个分组拦截随附的类别，\n"
"    安全日志写入状态目录，并以服务用户 campusgate 运行。同时生成 nftables 规则：把\n"
"    校园网的 DNS（UDP 和 TCP 53，包括发往外部解析服务器的）、HTTP（TCP 80）和\n"
"    HTTPS（TCP 443）转到这些端口，并丢弃 DNS over TLS（853）和 QUIC（UDP 443），\n"
"    使浏览器退回到网关能检查的方式。最后像 campusgated -n 一样检查配置并输出结果。\n"
"\n"
"    在终端上运行时，会询问参数中没有给出的内容；使用 --yes（或不在终端上）时，缺少\n"
"    --lan-if 或 --subnet 即为错误。上游解析服务器默认取 /etc/resolv.conf 中不在本机\n"
"    上的 nameserver。\n"
"\n"
"选项\n"
"    --lan-if 网卡           连接校园网的网卡（例如 eth1）\n"
"    --lan-address 地址      该网卡的 IPv4 地址（默认从网卡读取）\n"
"    --subnet 网段[=分组]    学校的网段及其分组（默认分组 students）；每个网段写一次，\n"
"                            例如 10.1.0.0/16=students\n"
"    --upstream 地址[:端口]  放行的查询转发到的解析服务器；可重复\n"
"    --school 名称           学校名称（写入报告和 syslog）\n"
"    --contact 联系方式      被拦截时找谁（在拦截页能从配置读取之前，先写成注释）\n"
"    --out-config 文件       配置文件写到哪里（默认 " CG_CONFIG_FILE "）\n"
"    --out-nft 文件          nftables 规则写到哪里（默认：配置文件所在目录下的\n"
"                            nftables-campusgate.nft）\n"
"    --language 语言         拦截页和报告的语言：zh-CN（默认）或 en\n"
"    --timezone 时区         学校所在时区（默认 Asia/Shanghai）\n"
"    --user 用户             守护进程降权后的服务用户（默认 campusgate）\n"
"    --yes                   不询问\n"
"    --force                 覆盖已有的配置文件或规则文件\n"
"    -h, --help              显示本帮助\n"
"\n"
"文件\n"
"    名单取自 " CG_DATADIR "/blocklists，第三方名单取自\n"
"    " CG_STATE_DIR "/lists/current（scripts/update-lists.sh），学校\n"
"    自己的名单为配置文件旁的 lists/block.list 和 lists/allow.list，安全日志位于\n"
"    " CG_STATE_DIR "/journal。\n"
"\n"
"退出状态\n"
"    0 已写入并通过检查；1 已写入但检查发现错误；2 用法错误，或文件已存在（未加\n"
"    --force）或无法写入。\n"
"\n"
"示例\n"
"    campusgate setup --lan-if eth1 --subnet 10.1.0.0/16=students \\\n"
"        --subnet 10.2.0.0/16=staff --upstream 192.0.2.53 --school '第一中学'\n"
"    nft -f /etc/campusgate/nftables-campusgate.nft && systemctl enable --now campusgated\n";

struct setup_opts {
	const char *lan_if, *lan_addr, *school, *contact, *out_config, *out_nft;
	const char *language, *timezone, *user;
	const char *subnet[SETUP_MAX], *upstream[SETUP_MAX];
	size_t n_subnet, n_upstream;
	bool yes, force;
	char *owned[2 * SETUP_MAX + 8]; /* answers read from the terminal */
	size_t n_owned;
};

static int setup_usage_error(enum lang l, const char *what)
{
	fprintf(stderr, "campusgate setup: %s\n", what);
	fputs(T(l, "(campusgate setup --help shows the options)\n",
		"（campusgate setup --help 列出全部选项）\n"), stderr);
	return 2;
}

/* One line from the terminal, trimmed; "" for an empty answer, NULL at end of input. */
static char *ask(struct setup_opts *o, const char *question, const char *def)
{
	char line[512];
	if (def && *def)
		fprintf(stderr, "%s [%s]: ", question, def);
	else
		fprintf(stderr, "%s: ", question);
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	char *a = str_trim(line);
	if (!*a && def)
		a = (char *)def;
	if (o->n_owned >= sizeof o->owned / sizeof o->owned[0])
		return NULL;
	return o->owned[o->n_owned++] = xstrdup(a);
}

/* The first IPv4 address of interface ifname into out (INET_ADDRSTRLEN); 0 or -1. */
static int iface_ipv4(const char *ifname, char *out)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    strcmp(i->ifa_name, ifname) == 0) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
				  out, INET_ADDRSTRLEN);
			rc = 0;
			break;
		}
	freeifaddrs(ifa);
	return rc;
}

/* The interfaces with an IPv4 address other than loopback, for the question. */
static void iface_list(struct sbuf *b)
{
	struct ifaddrs *ifa, *i;
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    !(i->ifa_flags & IFF_LOOPBACK))
			sbuf_printf(b, "%s%s", b->len ? ", " : "", i->ifa_name);
	freeifaddrs(ifa);
	sbuf_addc(b, '\0');
}

/* Upstreams from /etc/resolv.conf that are not on this box (not loopback). */
static void resolv_upstreams(struct setup_opts *o)
{
	FILE *f = fopen("/etc/resolv.conf", "r");
	char line[256], addr[128];
	if (!f)
		return;
	while (fgets(line, sizeof line, f) && o->n_upstream < SETUP_MAX &&
	       o->n_owned < sizeof o->owned / sizeof o->owned[0])
		if (sscanf(line, " nameserver %127s", addr) == 1 && strncmp(addr, "127.", 4) != 0 &&
		    strcmp(addr, "::1") != 0)
			o->upstream[o->n_upstream++] = o->owned[o->n_owned++] = xstrdup(addr);
	fclose(f);
}

static int parse_opts(int argc, char **argv, struct setup_opts *o, enum lang l)
{
	enum { O_LAN_IF = 256, O_LAN_ADDR, O_SUBNET, O_UPSTREAM, O_SCHOOL, O_CONTACT, O_OUT_CONFIG,
	       O_OUT_NFT, O_LANGUAGE, O_TIMEZONE, O_USER, O_YES, O_FORCE };
	static const struct option longopts[] = {
		{"lan-if", required_argument, NULL, O_LAN_IF},
		{"lan-address", required_argument, NULL, O_LAN_ADDR},
		{"subnet", required_argument, NULL, O_SUBNET},
		{"upstream", required_argument, NULL, O_UPSTREAM},
		{"school", required_argument, NULL, O_SCHOOL},
		{"contact", required_argument, NULL, O_CONTACT},
		{"out-config", required_argument, NULL, O_OUT_CONFIG},
		{"out-nft", required_argument, NULL, O_OUT_NFT},
		{"language", required_argument, NULL, O_LANGUAGE},
		{"timezone", required_argument, NULL, O_TIMEZONE},
		{"user", required_argument, NULL, O_USER},
		{"yes", no_argument, NULL, O_YES},
		{"force", no_argument, NULL, O_FORCE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_LAN_IF: o->lan_if = optarg; break;
		case O_LAN_ADDR: o->lan_addr = optarg; break;
		case O_SUBNET:
		case O_UPSTREAM: {
			const char **v = c == O_SUBNET ? o->subnet : o->upstream;
			size_t *n = c == O_SUBNET ? &o->n_subnet : &o->n_upstream;
			if (*n >= SETUP_MAX)
				return setup_usage_error(l, T(l, "too many --subnet or --upstream",
							      "--subnet 或 --upstream 过多"));
			v[(*n)++] = optarg;
			break;
		}
		case O_SCHOOL: o->school = optarg; break;
		case O_CONTACT: o->contact = optarg; break;
		case O_OUT_CONFIG: o->out_config = optarg; break;
		case O_OUT_NFT: o->out_nft = optarg; break;
		case O_LANGUAGE: o->language = optarg; break;
		case O_TIMEZONE: o->timezone = optarg; break;
		case O_USER: o->user = optarg; break;
		case O_YES: o->yes = true; break;
		case O_FORCE: o->force = true; break;
		case 'h': fputs(T(l, setup_help_en, setup_help_zh), stdout); return 1;
		default: return setup_usage_error(l, T(l, "unknown option", "未知选项"));
		}
	}
	if (optind < argc)
		return setup_usage_error(l, T(l, "unexpected argument", "多余的参数"));
	if (o->language && strcmp(o->language, "zh-CN") != 0 && strcmp(o->language, "en") != 0)
		return setup_usage_error(l, T(l, "--language takes zh-CN or en",
					      "--language 只能是 zh-CN 或 en"));
	for (size_t i = 0; i < o->n_subnet; i++)
		if (!strchr(o->subnet[i], '/'))
			return setup_usage_error(l, T(l, "--subnet takes CIDR[=GROUP], e.g. "
						      "10.1.0.0/16=students",
						      "--subnet 的格式是 网段[=分组]，例如 "
						      "10.1.0.0/16=students"));
	return 0;
}

/* Ask on the terminal for what the flags did not give. 0, or the exit status. */
static int ask_missing(struct setup_opts *o, enum lang l)
{
	bool tty = !o->yes && isatty(STDIN_FILENO);
	if (!o->lan_if && tty) {
		struct sbuf b;
		sbuf_init(&b);
		iface_list(&b);
		fprintf(stderr, T(l, "Interfaces with an IPv4 address: %s\n",
				  "有 IPv4 地址的网卡：%s\n"), b.data ? b.data : "-");
		sbuf_free(&b);
		o->lan_if = ask(o, T(l, "LAN interface (facing the school network)",
				     "校园网网卡（连接学校内网的那一个）"), NULL);
	}
	if (!o->lan_if || !*o->lan_if)
		return setup_usage_error(l, T(l, "--lan-if is missing", "缺少 --lan-if"));
	if (o->n_subnet == 0 && tty) {
		fputs(T(l, "School subnets, one per line as CIDR[=GROUP] (e.g. 10.1.0.0/16=students),"
			   " an empty line ends:\n",
			"学校的网段，每行一个，格式 网段[=分组]（例如 10.1.0.0/16=students），空行结束：\n"),
		      stderr);
		char *a;
		while (o->n_subnet < SETUP_MAX && (a = ask(o, T(l, "subnet", "网段"), "")) && *a) {
			if (!strchr(a, '/')) {
				fputs(T(l, "  (CIDR, e.g. 10.1.0.0/16)\n", "  （网段，例如 10.1.0.0/16）\n"),
				      stderr);
				continue;
			}
			o->subnet[o->n_subnet++] = a;
		}
	}
	if (o->n_subnet == 0)
		return setup_usage_error(l, T(l, "--subnet is missing", "缺少 --subnet"));
	if (o->n_upstream == 0)
		resolv_upstreams(o);
	if (tty) {
		struct sbuf b;
		sbuf_init(&b);
		for (size_t i = 0; i < o->n_upstream; i++)
			sbuf_printf(&b, "%s%s", i ? " " : "", o->upstream[i]);
		sbuf_addc(&b, '\0');
		char *a = ask(o, T(l, "Upstream resolvers (space-separated)",
				   "上游解析服务器（空格分隔）"), b.data);
		sbuf_free(&b);
		if (a && *a) {
			o->n_upstream = 0;
			for (char *t = strtok(a, " ,"); t && o->n_upstream < SETUP_MAX;
			     t = strtok(NULL, " ,"))
				o->upstream[o->n_upstream++] = t;
		}
		if (!o->school)
			o->school = ask(o, T(l, "School name", "学校名称"), "");
		if (!o->contact)
			o->contact = ask(o, T(l, "Whom to ask about a block (name, phone or mail)",
					      "被拦截时联系谁（姓名、电话或邮箱）"), "");
	}
	if (o->n_upstream == 0)
		return setup_usage_error(l, T(l, "--upstream is missing (and /etc/resolv.conf names "
					      "no resolver off this box)",
					      "缺少 --upstream（/etc/resolv.conf 中也没有本机以外的"
					      "解析服务器）"));
	return 0;
}

/* A value written into the config on one line: no line breaks, no leading '#'. */
static const char *one_line(const char *s, char *buf, size_t n)
{
	snprintf(buf, n, "%s", s ? s : "");
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return buf;
}

static void write_config(struct sbuf *b, const struct setup_opts *o, const char *lan,
			 const char *etc_dir)
{
	char v[512];
	const char *cats = "pornography gambling superstition bypass local";
	sbuf_printf(b, "# campusgate configuration written by `campusgate setup` for LAN interface %s\n"
		    "# (%s). Reference of every key: docs/config.md; check: campusgated -n -c FILE\n"
		    "# campusgate 配置，由 campusgate setup 生成；检查：campusgated -n -c 文件\n\n",
		    o->lan_if, lan);
	sbuf_printf(b, "[general]\nuser = %s\ntimezone = %s\nlanguage = %s\n"
		    "pid_file = %s/campusgated.pid\n\n", o->user ? o->user : "campusgate",
		    o->timezone ? o->timezone : "Asia/Shanghai",
		    o->language ? o->language : "zh-CN", CG_STATE_DIR);
	sbuf_printf(b, "[dns]\nlisten = %s:53\n", lan);
	for (size_t i = 0; i < o->n_upstream; i++)
		sbuf_printf(b, "upstream = %s\n", o->upstream[i]);
	sbuf_printf(b, "block_page_v4 = %s\nstrip_ech = yes\n\n", lan);
	sbuf_printf(b, "[http]\n# the nftables rules redirect tcp 80 and 443 of the LAN here\n"
		    "listen = %s:8080\ntls_listen = %s:8443\nexplicit_listen = %s:3128\n"
		    "blockpage_listen = %s:80\n\n", lan, lan, lan, lan);
	sbuf_printf(b, "[sensor]\n# the school's resolver: DNS sent elsewhere is a bypass attempt\n"
		    "resolver = %s\n\n", lan);
	sbuf_printf(b, "[journal]\ndir = %s/journal\nretention_days = 180\n", CG_STATE_DIR);
	if (o->school && *o->school)
		sbuf_printf(b, "school = %s\n", one_line(o->school, v, sizeof v));
	if (o->contact && *o->contact)
		sbuf_printf(b, "# 联系人 / contact: %s\n", one_line(o->contact, v, sizeof v));
	sbuf_adds(b, "\n");
	static const struct {
		const char *name, *zh, *en, *ut1[3];
		const char *lists[2];
	} c[] = {
		{"pornography", "色情", "Pornography", {"adult"},
		 {"pornography/domains.list", "pornography/keywords.list"}},
		{"gambling", "赌博", "Gambling", {"gambling"},
		 {"gambling/domains.list", "gambling/keywords.list"}},
		{"superstition", "封建迷信与算命", "Superstition and fortune-telling",
		 {"astrology", "sect"}, {"superstition/domains.list", "superstition/keywords.list"}},
		{"bypass", "绕过过滤（加密 DNS、VPN、代理）", "Filter bypass (encrypted DNS, VPN, proxies)",
		 {"doh", "vpn", "redirector"}, {"bypass/doh.list", "bypass/vpn.list"}},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		sbuf_printf(b, "[category %s]\nkind = %s\ntitle_zh = %s\ntitle_en = %s\n", c[i].name,
			    strcmp(c[i].name, "bypass") ? "block" : "bypass", c[i].zh, c[i].en);
		for (size_t k = 0; k < 2; k++)
			sbuf_printf(b, "list = %s/blocklists/%s\n", CG_DATADIR, c[i].lists[k]);
		for (size_t k = 0; k < 3 && c[i].ut1[k]; k++)
			sbuf_printf(b, "list = ?ut1:%s/lists/current/%s\n", CG_STATE_DIR, c[i].ut1[k]);
		sbuf_adds(b, "\n");
	}
	sbuf_printf(b, "[category local]\nkind = block\ntitle_zh = 本校自定名单\n"
		    "title_en = The school's own list\nlist = ?%s/lists/block.list\n\n", etc_dir);
	sbuf_printf(b, "[allow]\nlist = %s/blocklists/allow/allow.list\nlist = ?%s/lists/allow.list\n\n",
		    CG_DATADIR, etc_dir);
	/* one group per name, in the order first given */
	for (size_t i = 0; i < o->n_subnet; i++) {
		const char *eq = strchr(o->subnet[i], '=');
		const char *g = eq ? eq + 1 : "students";
		size_t glen = strlen(g);
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++) {
			const char *e2 = strchr(o->subnet[k], '=');
			const char *g2 = e2 ? e2 + 1 : "students";
			seen = strcmp(g, g2) == 0;
		}
		if (seen)
			continue;
		sbuf_printf(b, "[group %.*s]\n", (int)glen, g);
		for (size_t k = i; k < o->n_subnet; k++) {
			const char *e2 = strchr(o->subnet[k], '=');
			const char *g2 = e2 ? e2 + 1 : "students";
			if (strcmp(g, g2) == 0)
				sbuf_printf(b, "subnet = %.*s\n",
					    (int)(e2 ? (size_t)(e2 - o->subnet[k]) : strlen(o->subnet[k])),
					    o->subnet[k]);
		}
		sbuf_printf(b, "block = %s\nblock_mode = page\nsafe_search = strict\n\n", cats);
	}
	sbuf_printf(b, "[group default]\nblock = %s\nblock_mode = nxdomain\nsafe_search = strict\n", cats);
}

static void write_nft(struct sbuf *b, const char *lan_if)
{
	sbuf_printf(b,
		"#!/usr/sbin/nft -f\n"
		"# Written by `campusgate setup`: the LAN's DNS, HTTP and HTTPS go through campusgated;\n"
		"# DNS over TLS and QUIC are dropped so that browsers fall back to what it can see.\n"
		"# Load: nft -f THIS-FILE (and include it from /etc/nftables.conf to keep it at boot).\n"
		"define LAN_IF = \"%s\"\n"
		"define DNS_PORT = 53\n"
		"define HTTP_PORT = 8080\n"
		"define TLS_PORT = 8443\n"
		"\n"
		"table inet campusgate\n"
		"delete table inet campusgate\n"
		"table inet campusgate {\n"
		"\tchain prerouting {\n"
		"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		"\t\t# every DNS query from the LAN, also to hard-coded outside resolvers\n"
		"\t\tiifname $LAN_IF udp dport 53 redirect to :$DNS_PORT\n"
		"\t\tiifname $LAN_IF tcp dport 53 redirect to :$DNS_PORT\n"
		"\t\t# plain HTTP to the transparent proxy, HTTPS to the TLS SNI check\n"
		"\t\tiifname $LAN_IF tcp dport 80 redirect to :$HTTP_PORT\n"
		"\t\tiifname $LAN_IF tcp dport 443 redirect to :$TLS_PORT\n"
		"\t}\n"
		"\tchain forward {\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n"
		"\t\t# QUIC would carry HTTPS past the SNI check; DNS over TLS past the resolver\n"
		"\t\tiifname $LAN_IF udp dport 443 counter drop\n"
		"\t\tiifname $LAN_IF tcp dport 853 counter reject with tcp reset\n"
		"\t\tiifname $LAN_IF udp dport 853 counter drop\n"
		"\t}\n"
		"}\n", lan_if);
}

/* Whether path exists (said on stderr: --force replaces it). */
static bool exists(const char *path, enum lang l)
{
	if (access(path, F_OK) != 0)
		return false;
	fprintf(stderr, T(l, "campusgate setup: %s exists; give --force to replace it\n",
			  "campusgate setup: %s 已存在；加 --force 才会覆盖\n"), path);
	return true;
}

/* Write data to path: a new file (or, with force, a replaced one) via a temporary name.
 * 0, or -1 with a message printed. */
static int write_file(const char *path, const struct sbuf *data, bool force, mode_t mode,
		      enum lang l)
{
	if (!force && exists(path, l))
		return -1;
	struct sbuf tmp;
	sbuf_init(&tmp);
	sbuf_printf(&tmp, "%s.new", path);
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	bool ok = fd >= 0 && write(fd, data->data, data->len) == (ssize_t)data->len &&
		  fsync(fd) == 0;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (ok && rename(tmp.data, path) < 0) {
		e = errno;
		ok = false;
	}
	if (!ok) {
		unlink(tmp.data);
		fprintf(stderr, T(l, "campusgate setup: cannot write %s: %s\n",
				  "campusgate setup: 无法写入 %s：%s\n"), path, strerror(e));
	}
	sbuf_free(&tmp);
	return ok ? 0 : -1;
}

/* The check campusgated -n does. 0 OK, 1 errors. */
static int check_config(const char *path, enum lang l)
{
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	lang_diag_print(l, &d, stderr);
	int rc = 0;
	if (!cfg) {
		config_check_failed(l, path, d.errors, stderr);
		rc = 1;
	} else if (config_check_lists(cfg, l, false, stdout, stderr) < 0) {
		rc = 1;
	} else {
		config_check_ok(l, stdout);
	}
	config_free(cfg);
	diag_free(&d);
	return rc;
}

int cmd_setup(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct setup_opts o;
	memset(&o, 0, sizeof o);
	char lan[INET_ADDRSTRLEN] = "";
	struct sbuf conf, nft, path;
	sbuf_init(&conf);
	sbuf_init(&nft);
	sbuf_init(&path);
	int rc = parse_opts(argc, argv, &o, l);
	if (rc != 0) {
		rc = rc == 1 ? 0 : rc;
		goto out;
	}
	if ((rc = ask_missing(&o, l)) != 0)
		goto out;
	rc = 2;
	if (o.lan_addr) {
		struct in_addr a;
		if (inet_pton(AF_INET, o.lan_addr, &a) != 1) {
			rc = setup_usage_error(l, T(l, "--lan-address takes an IPv4 address",
						    "--lan-address 需要 IPv4 地址"));
			goto out;
		}
		snprintf(lan, sizeof lan, "%s", o.lan_addr);
	} else if (iface_ipv4(o.lan_if, lan) < 0) {
		fprintf(stderr, T(l, "campusgate setup: interface %s has no IPv4 address (give "
				  "--lan-address, or check the name with: ip -br addr)\n",
				  "campusgate setup: 网卡 %s 没有 IPv4 地址（请用 --lan-address 指定，"
				  "或用 ip -br addr 核对网卡名）\n"), o.lan_if);
		goto out;
	}
	const char *cfg_path = o.out_config ? o.out_config : CG_CONFIG_FILE;
	char *slash = strrchr(cfg_path, '/');
	if (slash)
		sbuf_printf(&path, "%.*s", (int)(slash - cfg_path), cfg_path);
	else
		sbuf_adds(&path, ".");
	sbuf_addc(&path, '\0');
	char *etc_dir = realpath(path.data, NULL);
	if (!etc_dir) {
		fprintf(stderr, T(l, "campusgate setup: %s: %s\n", "campusgate setup: %s：%s\n"),
			path.data, strerror(errno));
		goto out;
	}
	sbuf_reset(&path);
	if (o.out_nft)
		sbuf_adds(&path, o.out_nft);
	else
		sbuf_printf(&path, "%s/nftables-campusgate.nft", etc_dir);
	sbuf_addc(&path, '\0');
	write_config(&conf, &o, lan, etc_dir);
	free(etc_dir);
	write_nft(&nft, o.lan_if);
	if (!o.force && (exists(cfg_path, l) || exists(path.data, l)))
		goto out;
	if (write_file(cfg_path, &conf, o.force, 0644, l) < 0 ||
	    write_file(path.data, &nft, true, 0644, l) < 0)
		goto out;
	printf(T(l, "wrote %s\nwrote %s (LAN interface %s, gateway address %s)\n",
		 "已写入 %s\n已写入 %s（校园网网卡 %s，网关地址 %s）\n"),
	       cfg_path, path.data, o.lan_if, lan);
	printf(T(l, "checking %s as campusgated -n does:\n",
		 "按 campusgated -n 的方式检查 %s：\n"), cfg_path);
	fflush(stdout);
	rc = check_config(cfg_path, l);
	if (rc == 0)
		printf(T(l, "next: nft -f %s && systemctl enable --now campusgated\n",
			 "下一步：nft -f %s && systemctl enable --now campusgated\n"), path.data);
	else
		fprintf(stderr, T(l, "campusgate setup: fix the errors above in %s, then check it "
				  "with campusgated -n -c %s\n",
				  "campusgate setup: 请修正 %s 中的上述错误，然后用 campusgated -n -c %s "
				  "检查\n"), cfg_path, cfg_path);
out:
	for (size_t i = 0; i < o.n_owned; i++)
		free(o.owned[i]);
	sbuf_free(&conf);
	sbuf_free(&nft);
	sbuf_free(&path);
	return rc;
}
