/* campusgate setup: the first run on a router box. Asks for (or takes as flags) the LAN
 * interface, the school's subnets and groups, the upstream resolvers and the school's
 * name, writes the configuration and the nftables rules, and checks them as
 * `campusgated -n` does. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <grp.h>
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

struct setup_opts {
	const char *lan_if, *lan_addr, *school, *contact, *out_config, *out_nft;
	const char *language, *timezone, *user, *leases, *console_user, *admin_group;
	const char *subnet[SETUP_MAX], *upstream[SETUP_MAX];
	size_t n_subnet, n_upstream;
	bool yes, force;
	char *owned[2 * SETUP_MAX + 8]; /* answers read from the terminal */
	size_t n_owned;
};

static int setup_usage_error(enum lang l, const char *what)
{
	fprintf(stderr, "campusgate setup: %s\n", what);
	fputs(msg(l, MSG_SETUP_SEE_HELP), stderr);
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
	       O_OUT_NFT, O_LANGUAGE, O_TIMEZONE, O_USER, O_LEASES, O_YES, O_FORCE,
	       O_CONSOLE_USER, O_ADMIN_GROUP };
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
		{"console-user", required_argument, NULL, O_CONSOLE_USER},
		{"admin-group", required_argument, NULL, O_ADMIN_GROUP},
		{"dhcp-leases", required_argument, NULL, O_LEASES},
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
				return setup_usage_error(l, msg(l, MSG_SETUP_TOO_MANY));
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
		case O_CONSOLE_USER: o->console_user = optarg; break;
		case O_ADMIN_GROUP: o->admin_group = optarg; break;
		case O_LEASES: o->leases = optarg; break;
		case O_YES: o->yes = true; break;
		case O_FORCE: o->force = true; break;
		case 'h': fputs(msg(l, MSG_SETUP_HELP), stdout); return 1;
		default: return setup_usage_error(l, msg(l, MSG_CLI_UNKNOWN_OPTION));
		}
	}
	if (optind < argc)
		return setup_usage_error(l, msg(l, MSG_CLI_UNEXPECTED_ARGUMENT));
	if (o->language && strcmp(o->language, "zh-CN") != 0 && strcmp(o->language, "en") != 0)
		return setup_usage_error(l, msg(l, MSG_SETUP_BAD_LANGUAGE));
	for (size_t i = 0; i < o->n_subnet; i++)
		if (!strchr(o->subnet[i], '/'))
			return setup_usage_error(l, msg(l, MSG_SETUP_BAD_SUBNET));
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
		msg_fprintf(stderr, l, MSG_SETUP_INTERFACES, b.data ? b.data : "-");
		sbuf_free(&b);
		o->lan_if = ask(o, msg(l, MSG_SETUP_ASK_LAN_IF), NULL);
	}
	if (!o->lan_if || !*o->lan_if)
		return setup_usage_error(l, msg(l, MSG_SETUP_LAN_IF_MISSING));
	if (o->n_subnet == 0 && tty) {
		fputs(msg(l, MSG_SETUP_ASK_SUBNETS), stderr);
		char *a;
		while (o->n_subnet < SETUP_MAX && (a = ask(o, msg(l, MSG_SETUP_ASK_SUBNET), "")) && *a) {
			if (!strchr(a, '/')) {
				fputs(msg(l, MSG_SETUP_SUBNET_HINT), stderr);
				continue;
			}
			o->subnet[o->n_subnet++] = a;
		}
	}
	if (o->n_subnet == 0)
		return setup_usage_error(l, msg(l, MSG_SETUP_SUBNET_MISSING));
	if (o->n_upstream == 0)
		resolv_upstreams(o);
	if (tty) {
		struct sbuf b;
		sbuf_init(&b);
		for (size_t i = 0; i < o->n_upstream; i++)
			sbuf_printf(&b, "%s%s", i ? " " : "", o->upstream[i]);
		sbuf_addc(&b, '\0');
		char *a = ask(o, msg(l, MSG_SETUP_ASK_UPSTREAM), b.data);
		sbuf_free(&b);
		if (a && *a) {
			o->n_upstream = 0;
			for (char *t = strtok(a, " ,"); t && o->n_upstream < SETUP_MAX;
			     t = strtok(NULL, " ,"))
				o->upstream[o->n_upstream++] = t;
		}
		if (!o->school)
			o->school = ask(o, msg(l, MSG_SETUP_ASK_SCHOOL), "");
		if (!o->contact)
			o->contact = ask(o, msg(l, MSG_SETUP_ASK_CONTACT), "");
	}
	if (o->n_upstream == 0)
		return setup_usage_error(l, msg(l, MSG_SETUP_UPSTREAM_MISSING));
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

/* The folder of the control socket: /run/campusgate, under the same root as the state
 * folder when that is not /var/lib/campusgate (an install into a test root). */
static void run_dir(struct sbuf *b)
{
	static const char tail[] = "/var/lib/campusgate";
	const char *state = CG_STATE_DIR;
	size_t n = strlen(state), t = sizeof tail - 1;
	if (n >= t && strcmp(&state[n - t], tail) == 0)
		sbuf_printf(b, "%.*s/run/campusgate", (int)(n - t), state);
	else
		sbuf_adds(b, "/run/campusgate");
}

/* [console]: the web console, on loopback until the admin gives it the admin VLAN. */
static void write_console(struct sbuf *b, const struct setup_opts *o, const char *etc_dir)
{
	const char *u = o->console_user ? o->console_user : "campusgate-console";
	sbuf_printf(b, "[console]\n# the web console (docs/console.md): loopback; on the box, an "
		    "address of the admin VLAN\nlisten = 127.0.0.1:8444\naccounts = %s/console/accounts\n"
		    "# the lists the console edits: NAME.list of each category, allow.list\n"
		    "lists_dir = %s/lists\n%suser = %s\n\n", CG_STATE_DIR, etc_dir,
		    getpwnam(u) ? "" : "# (no such user yet: scripts/install.sh makes it)\n#", u);
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
		    "pid_file = %s/campusgated.pid\n", o->user ? o->user : "campusgate",
		    o->timezone ? o->timezone : "Asia/Shanghai",
		    o->language ? o->language : "zh-CN", CG_STATE_DIR);
	sbuf_adds(b, "# campusgate reload/status and the web console reach the daemon here\ncontrol_socket = ");
	run_dir(b);
	const char *agroup = o->admin_group ? o->admin_group : "campusgate-admin";
	sbuf_printf(b, "/control.sock\n%scontrol_group = %s\n\n",
		    getgrnam(agroup) ? "" : "# (no such group yet: scripts/install.sh makes it)\n#", agroup);
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
		sbuf_printf(b, "contact = %s\n", one_line(o->contact, v, sizeof v));
	if (o->leases && *o->leases)
		sbuf_printf(b, "dhcp_leases = %s\n", one_line(o->leases, v, sizeof v));
	sbuf_adds(b, "\n");
	write_console(b, o, etc_dir);
	sbuf_printf(b, "[ipmac]\n# drop LAN packets whose MAC and source address no DHCP lease or static\n"
		    "# binding pairs; campusgate ipmac sync keeps the nftables set (docs/deploy.md)\n"
		    "%senforce = %s\ninterface = %s\n"
		    "# devices with fixed addresses: static = MAC ADDRESS (repeatable)\n\n",
		    o->leases && *o->leases ? "" : "# off: no DHCP lease file given (--dhcp-leases)\n",
		    o->leases && *o->leases ? "yes" : "no", o->lan_if);
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
		sbuf_printf(b, "# edited in the web console\nlist = ?%s/lists/%s.list\n\n", etc_dir,
			    c[i].name);
	}
	sbuf_printf(b, "[category local]\nkind = block\ntitle_zh = 本校自定名单\n"
		    "title_en = The school's own list\nlist = ?%s/lists/block.list\n"
		    "list = ?%s/lists/local.list\n\n", etc_dir, etc_dir);
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

/* The IP-MAC binding of config/nftables-campusgate.nft (keep the two alike). */
#define NFT_IPMAC \
	"\t# IP-MAC binding (docs/deploy.md): `campusgate ipmac sync` fills ipmac4 with the\n" \
	"\t# DHCP leases and static bindings, and ipmac_ifaces with the LAN interface when\n" \
	"\t# [ipmac] enforce = yes; until it runs no interface is checked.\n" \
	"\tset ipmac4 {\n\t\ttype ether_addr . ipv4_addr\n\t}\n" \
	"\tset ipmac_ifaces {\n\t\ttype ifname\n\t}\n" \
	"\tcounter ipmac_dropped {\n\t}\n" \
	"\tchain ipmac {\n" \
	"\t\ttype filter hook prerouting priority raw; policy accept;\n" \
	"\t\tiifname != @ipmac_ifaces return\n" \
	"\t\t# IPv6 is not bound: DHCPv6 leases name no MAC, SLAAC addresses no lease\n" \
	"\t\tmeta nfproto != ipv4 return\n" \
	"\t\t# DHCP to this box: from 0.0.0.0, or renewing a lease that ran out\n" \
	"\t\tudp sport 68 udp dport 67 fib daddr type { local, broadcast } accept\n" \
	"\t\tether saddr . ip saddr @ipmac4 accept\n" \
	"\t\tlimit rate 6/minute burst 5 packets log prefix \"campusgate ipmac drop: \" level warn\n" \
	"\t\tcounter name \"ipmac_dropped\" drop\n" \
	"\t}\n"

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
		"%s"
		"}\n", lan_if, NFT_IPMAC);
}

/* Whether path exists (said on stderr: --force replaces it). */
static bool exists(const char *path, enum lang l)
{
	if (access(path, F_OK) != 0)
		return false;
	msg_fprintf(stderr, l, MSG_SETUP_EXISTS, path);
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
	/* Run as root: a fresh file, never one (or a link) found at the temporary name. */
	unlink(tmp.data);
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
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
		msg_fprintf(stderr, l, MSG_SETUP_CANNOT_WRITE, path, strerror(e));
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
			rc = setup_usage_error(l, msg(l, MSG_SETUP_BAD_LAN_ADDRESS));
			goto out;
		}
		snprintf(lan, sizeof lan, "%s", o.lan_addr);
	} else if (iface_ipv4(o.lan_if, lan) < 0) {
		msg_fprintf(stderr, l, MSG_SETUP_NO_LAN_ADDRESS, o.lan_if);
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
		msg_fprintf(stderr, l, MSG_SETUP_ERROR, path.data, strerror(errno));
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
	msg_printf(l, MSG_SETUP_WROTE, cfg_path, path.data, o.lan_if, lan);
	msg_printf(l, MSG_SETUP_CHECKING, cfg_path);
	fflush(stdout);
	rc = check_config(cfg_path, l);
	if (rc == 0)
		msg_printf(l, MSG_SETUP_NEXT, path.data);
	else
		msg_fprintf(stderr, l, MSG_SETUP_FIX_ERRORS, cfg_path, cfg_path);
out:
	for (size_t i = 0; i < o.n_owned; i++)
		free(o.owned[i]);
	sbuf_free(&conf);
	sbuf_free(&nft);
	sbuf_free(&path);
	return rc;
}
