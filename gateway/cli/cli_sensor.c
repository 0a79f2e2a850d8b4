/* campusgate sensor --read FILE: run a capture file through the sensor with the school's
 * policy, journal what it would block and who tried to bypass, and print a summary. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "journal.h"
#include "policy.h"
#include "sensor.h"
#include "util.h"

static void sensor_usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(T(l,
		"Usage: campusgate sensor --read FILE [-c CONF] [--journal-dir DIR | --no-journal]\n"
		"                         [--format text|json] [-v]\n"
		"       campusgate sensor --live IFACE [--duration SECONDS] [-c CONF]\n"
		"                         [--journal-dir DIR | --no-journal]\n"
		"\n"
		"Read a capture file (pcap or pcapng, e.g. from tcpdump -w on a mirror port) and\n"
		"look at every DNS query, HTTP request and TLS server name in it as the sensor\n"
		"would: decide each with the configured policy, journal what would be blocked\n"
		"(action \"observed\", with the packet's own time and the client's MAC) and every\n"
		"bypass attempt (DNS to other resolvers, DNS over TLS, DoH), then print a summary:\n"
		"packets, bytes, flows, requests per protocol, hits per category, bypass attempts,\n"
		"malformed packets by kind, link types.\n"
		"\n"
		"Options:\n"
		"  --read FILE       the capture file to read\n"
		"  --live IFACE      capture on IFACE (as root) like campusgated's [sensor], until\n"
		"                    SIGINT/SIGTERM or --duration SECONDS; counts go to stderr\n"
		"  -c FILE           the configuration (default: $CAMPUSGATE_CONF,\n"
		"                    ./config/campusgate.conf, or the system one)\n"
		"  --journal-dir DIR journal into DIR (default: the sensor's own journal, the\n"
		"                    folder sensor/ inside the configured journal directory)\n"
		"  --no-journal      journal nothing (only the summary)\n"
		"  --format FMT      summary as text (default) or json\n"
		"  -v                print each decided request and bypass attempt\n"
		"  -h, --help        this text\n"
		"\n"
		"The sensor's journal is apart from campusgated's (a journal has one writer), so\n"
		"this runs next to a running daemon; the summary names the folder, and\n"
		"campusgate journal --dir FOLDER reads and verifies it.\n"
		"Exit status: 0 read to the end, 2 the file cannot be read (a clear message says\n"
		"why) or a usage/configuration error.\n"
		"Example: campusgate sensor --read mirror.pcapng --no-journal --format json\n",
		"用法: campusgate sensor --read 文件 [-c 配置] [--journal-dir 目录 | --no-journal]\n"
		"                         [--format text|json] [-v]\n"
		"      campusgate sensor --live 网卡 [--duration 秒] [-c 配置]\n"
		"                         [--journal-dir 目录 | --no-journal]\n"
		"\n"
		"读取抓包文件（pcap 或 pcapng，例如镜像端口上 tcpdump -w 的结果），像旁路传感器一样\n"
		"检查其中每个 DNS 查询、HTTP 请求和 TLS 服务器名：按配置的策略判定，把本应拦截的\n"
		"请求（动作 \"observed\"，使用数据包自己的时间和客户端 MAC）和每次绕过尝试（向其他\n"
		"DNS 服务器查询、DNS over TLS、DoH）写入安全日志，最后输出汇总：数据包、字节、连接、\n"
		"各协议请求数、各类别命中数、绕过尝试、按类型统计的畸形包、链路类型。\n"
		"\n"
		"选项:\n"
		"  --read 文件       要读取的抓包文件\n"
		"  --live 网卡       （以 root）在该网卡上抓包，与 campusgated 的 [sensor] 相同，\n"
		"                    直到 SIGINT/SIGTERM 或 --duration 秒；统计输出到 stderr\n"
		"  -c 文件           配置文件（默认：$CAMPUSGATE_CONF、./config/campusgate.conf\n"
		"                    或系统配置）\n"
		"  --journal-dir 目录 写入该目录（默认：传感器自己的日志，即配置的安全日志目录\n"
		"                    下的 sensor/ 文件夹）\n"
		"  --no-journal      不写安全日志（只输出汇总）\n"
		"  --format 格式     汇总格式：text（默认）或 json\n"
		"  -v                逐条输出判定的请求和绕过尝试\n"
		"  -h, --help        显示本帮助\n"
		"\n"
		"传感器的日志与 campusgated 的日志分开（一个日志只能有一个写入者），因此可在守护\n"
		"进程运行时使用；汇总会给出日志文件夹，用 campusgate journal --dir 文件夹 查询和校验。\n"
		"退出状态：0 读完文件，2 文件无法读取（会说明原因）或用法、配置错误。\n"
		"示例: campusgate sensor --read mirror.pcapng --no-journal --format json\n"),
	      f);
}

/* ---- per-request lines (-v) ------------------------------------------------------ */

static void print_obs(void *arg, const struct observation *ob, const char *host,
		      const struct verdict *v, const char *event)
{
	(void)arg;
	char ip[CG_ADDR_STRLEN];
	time_t t = (time_t)(ob->time_us / 1000000);
	struct tm tm;
	char ts[32];
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	printf("%s.%06dZ %s %s %s", ts, (int)(ob->time_us % 1000000), addr_str(&ob->client, ip),
	       obs_kind_name(ob->kind), host ? host : "-");
	if (ob->path)
		printf(" %.*s", (int)(ob->path_len > 200 ? 200 : ob->path_len), ob->path);
	if (v)
		printf(" %s", action_name(v->action));
	if (v && v->category)
		printf(" %s", v->category);
	if (event)
		printf(" [%s]", event);
	putchar('\n');
}

/* ---- the summary ---------------------------------------------------------------- */

static const char *dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);
	return n ? n : "?";
}

static uint64_t malformed_total(const struct sensor_report *r)
{
	uint64_t n = 0;
	for (int i = 0; i < DERR_COUNT; i++)
		n += r->in.malformed[i];
	for (int i = 0; i < BAD_COUNT; i++)
		n += r->in.bad[i];
	return n + r->obs.bad_names;
}

static void summary_text(const char *path, const struct sensor_report *r, const char *jdir)
{
	enum lang l = lang_from_env();
	const struct inspect_stats *in = &r->in;
	const struct observer_stats *o = &r->obs;
	printf(T(l, "%s:\n", "%s：\n"), path);
	printf(T(l, "  packets        %" PRIu64 " (%" PRIu64 " bytes; IPv4 %" PRIu64 ", IPv6 %"
		    PRIu64 ", UDP %" PRIu64 ", TCP %" PRIu64 ", other %" PRIu64 ")\n",
		 "  数据包         %" PRIu64 "（%" PRIu64 " 字节；IPv4 %" PRIu64 "，IPv6 %" PRIu64
		 "，UDP %" PRIu64 "，TCP %" PRIu64 "，其他 %" PRIu64 "）\n"),
	       in->packets, in->bytes, in->ipv4, in->ipv6, in->udp, in->tcp, in->other);
	printf(T(l, "  flows          %" PRIu64 " TCP (at most %zu at once, %" PRIu64
		    " evicted); %" PRIu64 " IP datagrams reassembled\n",
		 "  连接           %" PRIu64 " 个 TCP（同时最多 %zu 个，淘汰 %" PRIu64
		 " 个）；重组 IP 分片 %" PRIu64 " 个\n"),
	       in->flow.created, in->flow.peak_active, in->flow.evicted, in->frag.reassembled);
	printf(T(l, "  requests       DNS %" PRIu64 ", HTTP %" PRIu64 ", TLS %" PRIu64
		    " (and %" PRIu64 " DNS responses)\n",
		 "  请求           DNS %" PRIu64 "，HTTP %" PRIu64 "，TLS %" PRIu64
		 "（另有 DNS 应答 %" PRIu64 " 个）\n"),
	       o->requests[OBS_PROTO_DNS], o->requests[OBS_PROTO_HTTP],
	       o->requests[OBS_PROTO_TLS], o->dns_responses);
	printf(T(l, "  hits           %" PRIu64 "\n", "  命中           %" PRIu64 "\n"), o->hits);
	for (size_t i = 0; i < o->n_categories; i++)
		printf("    %-20s %" PRIu64 "\n", o->categories[i].name, o->categories[i].hits);
	uint64_t bypass = 0;
	for (int i = 0; i < BYPASS_COUNT; i++)
		bypass += o->bypass[i];
	printf(T(l, "  bypass         %" PRIu64 "\n", "  绕过尝试       %" PRIu64 "\n"), bypass);
	for (int i = 0; i < BYPASS_COUNT; i++)
		if (o->bypass[i])
			printf("    %-20s %" PRIu64 "\n", bypass_kind_name((enum bypass_kind)i),
			       o->bypass[i]);
	printf(T(l, "  malformed      %" PRIu64 "\n", "  畸形           %" PRIu64 "\n"),
	       malformed_total(r));
	for (int i = 1; i < DERR_COUNT; i++)
		if (in->malformed[i])
			printf("    %-20s %" PRIu64 "\n", decode_err_name((enum decode_err)i),
			       in->malformed[i]);
	for (int i = 0; i < BAD_COUNT; i++)
		if (in->bad[i])
			printf("    %-20s %" PRIu64 "\n", inspect_bad_name((enum inspect_bad)i),
			       in->bad[i]);
	if (o->bad_names)
		printf("    %-20s %" PRIu64 "\n", "name", o->bad_names);
	fputs(T(l, "  link types    ", "  链路类型      "), stdout);
	for (size_t i = 0; i < in->n_linktypes; i++)
		printf(" %s (%" PRIu64 ")", dlt_name(in->linktypes[i].dlt),
		       in->linktypes[i].packets);
	putchar('\n');
	if (jdir)
		printf(T(l, "  journal        %" PRIu64 " events written, %" PRIu64 " dropped, to %s\n"
			    "                 (read it: campusgate journal --dir %s)\n",
			 "  安全日志       写入 %" PRIu64 " 条，丢弃 %" PRIu64 " 条，写入 %s\n"
			 "                 （查询：campusgate journal --dir %s）\n"),
		       o->journaled, o->journal_dropped, jdir, jdir);
	else
		fputs(T(l, "  journal        none (--no-journal)\n",
			"  安全日志       未写入（--no-journal）\n"), stdout);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void summary_json(const char *path, const struct sensor_report *r, const char *jdir)
{
	const struct inspect_stats *in = &r->in;
	const struct observer_stats *o = &r->obs;
	printf("{\"file\":");
	json_str(path);
	printf(",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"ipv4\":%" PRIu64
	       ",\"ipv6\":%" PRIu64 ",\"udp\":%" PRIu64 ",\"tcp\":%" PRIu64, in->packets,
	       in->bytes, in->ipv4, in->ipv6, in->udp, in->tcp);
	printf(",\"flows\":%" PRIu64 ",\"flows_peak\":%zu,\"flows_evicted\":%" PRIu64
	       ",\"reassembled\":%" PRIu64, in->flow.created, in->flow.peak_active,
	       in->flow.evicted, in->frag.reassembled);
	printf(",\"requests\":{\"dns\":%" PRIu64 ",\"http\":%" PRIu64 ",\"tls\":%" PRIu64 "}",
	       o->requests[OBS_PROTO_DNS], o->requests[OBS_PROTO_HTTP],
	       o->requests[OBS_PROTO_TLS]);
	printf(",\"dns_responses\":%" PRIu64 ",\"http2\":%" PRIu64 ",\"hits\":%" PRIu64
	       ",\"categories\":{", o->dns_responses, in->http2, o->hits);
	for (size_t i = 0; i < o->n_categories; i++) {
		printf(i ? "," : "");
		json_str(o->categories[i].name);
		printf(":%" PRIu64, o->categories[i].hits);
	}
	printf("},\"bypass\":{");
	for (int i = 0; i < BYPASS_COUNT; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", bypass_kind_name((enum bypass_kind)i),
		       o->bypass[i]);
	printf("},\"malformed\":{");
	bool first = true;
	for (int i = 1; i < DERR_COUNT; i++) {
		printf("%s\"%s\":%" PRIu64, first ? "" : ",", decode_err_name((enum decode_err)i),
		       in->malformed[i]);
		first = false;
	}
	for (int i = 0; i < BAD_COUNT; i++)
		printf(",\"%s\":%" PRIu64, inspect_bad_name((enum inspect_bad)i), in->bad[i]);
	printf(",\"name\":%" PRIu64 "},\"malformed_total\":%" PRIu64, o->bad_names,
	       malformed_total(r));
	printf(",\"linktypes\":{");
	for (size_t i = 0; i < in->n_linktypes; i++) {
		printf(i ? "," : "");
		json_str(dlt_name(in->linktypes[i].dlt));
		printf(":%" PRIu64, in->linktypes[i].packets);
	}
	printf("}");
	if (jdir) {
		printf(",\"journaled\":%" PRIu64 ",\"journal_dropped\":%" PRIu64, o->journaled,
		       o->journal_dropped);
		printf(",\"journal_dir\":");
		json_str(jdir);
	}
	printf("}\n");
}

/* ---- the command ---------------------------------------------------------------- */

struct sensor_opts {
	const char *read, *live, *config, *journal_dir, *format;
	unsigned long long duration;   /* seconds; 0 = until a signal */
	bool no_journal, verbose;
};

static int parse_opts(int argc, char **argv, struct sensor_opts *o)
{
	static const struct option longopts[] = {
		{"read", required_argument, NULL, 'r'},
		{"live", required_argument, NULL, 'L'},
		{"duration", required_argument, NULL, 'D'},
		{"journal-dir", required_argument, NULL, 'J'},
		{"no-journal", no_argument, NULL, 'N'},
		{"format", required_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->format = "text";
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "r:c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->read = optarg; break;
		case 'L': o->live = optarg; break;
		case 'D':
			if (parse_uint(optarg, 1, 86400 * 365, &o->duration) < 0) {
				sensor_usage(stderr);
				return -1;
			}
			break;
		case 'c': o->config = optarg; break;
		case 'J': o->journal_dir = optarg; break;
		case 'N': o->no_journal = true; break;
		case 'f': o->format = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': sensor_usage(stdout); return 1;
		default: sensor_usage(stderr); return -1;
		}
	}
	if (optind < argc || !o->read == !o->live || (o->no_journal && o->journal_dir) ||
	    (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0)) {
		sensor_usage(stderr);
		return -1;
	}
	return 0;
}

/* The config to use: -c, else the default file when there is one, else the defaults. */
static struct config *load_config(const struct sensor_opts *o, enum lang l)
{
	const char *path = o->config;
	if (!path) {
		path = cli_default_config();
		if (access(path, R_OK) != 0)
			return config_default();
	}
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	lang_diag_print(lang_from_env(), &d, stderr);
	if (!cfg)
		fprintf(stderr, T(l, "campusgate sensor: %s: configuration has %zu error(s)\n",
				  "campusgate sensor: %s: 配置有 %zu 处错误\n"), path, d.errors);
	diag_free(&d);
	return cfg;
}

/* The sensor's own journal: sensor/ inside the configured journal directory, apart from
 * campusgated's (one writer per journal), created with the parent when missing. The
 * caller owns the string. */
static char *sensor_journal_dir(const struct config *cfg)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/sensor", cfg->journal.dir);
	if (mkdir(cfg->journal.dir, 0750) < 0 && errno != EEXIST)
		fprintf(stderr, "campusgate sensor: %s: %s\n", cfg->journal.dir, strerror(errno));
	return sbuf_take(&b);
}

/* --live: the daemon's sensor front end on one interface, in the foreground. */
static int run_live(const struct sensor_opts *o, struct config *cfg, struct policy *p,
		    struct journal *j, enum lang l)
{
	for (size_t i = 0; i < cfg->sensor.n_interfaces; i++)
		free(cfg->sensor.interfaces[i]);
	free(cfg->sensor.interfaces);
	cfg->sensor.interfaces = xcalloc(1, sizeof(char *));
	cfg->sensor.interfaces[0] = xstrdup(o->live);
	cfg->sensor.n_interfaces = 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* capture threads inherit the mask */
	const char *err = NULL;
	struct sensor_server *s = sensor_server_new(cfg, j, &err);
	if (!s) {
		fprintf(stderr, "campusgate sensor: %s\n", err ? err : "?");
		return 2;
	}
	policy_ref(p);
	policy_publish(p);
	if (sensor_server_run(s) < 0) {
		sensor_server_stop(s);
		return 2;
	}
	fprintf(stderr, T(l, "campusgate sensor: capturing on %s, journal: %s\n",
			  "campusgate sensor: 正在 %s 上抓包，安全日志：%s\n"), o->live,
		j ? cfg->journal.dir : T(l, "none (--no-journal)", "不写入（--no-journal）"));
	struct timespec ts = { .tv_sec = (time_t)o->duration };
	int sig;
	if (o->duration)
		sig = sigtimedwait(&set, NULL, &ts);
	else
		sig = sigwaitinfo(&set, NULL);
	(void)sig;
	sensor_server_stop(s);
	return 0;
}

int cmd_sensor(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct sensor_opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	struct config *cfg = load_config(&o, l);
	if (!cfg)
		return 2;
	struct policy *p = NULL;
	struct journal *j = NULL;
	struct diag d;
	diag_init(&d);
	p = policy_build(cfg, &d);
	lang_diag_print(lang_from_env(), &d, stderr);
	diag_free(&d);
	rc = 2;
	if (!p) {
		fputs(T(l, "campusgate sensor: the policy cannot be built\n",
			"campusgate sensor: 无法生成策略\n"), stderr);
		goto out;
	}
	if (!o.no_journal) {
		const char *err = NULL;
		char *dir = o.journal_dir ? xstrdup(o.journal_dir) : sensor_journal_dir(cfg);
		free(cfg->journal.dir);
		cfg->journal.dir = dir;
		j = journal_open(&cfg->journal, cfg->timezone, &err);
		if (!j) {
			fprintf(stderr, T(l, "campusgate sensor: journal %s: %s\n",
					  "campusgate sensor: 安全日志 %s：%s\n"),
				cfg->journal.dir ? cfg->journal.dir : "?", err ? err : "?");
			goto out;
		}
	}
	if (o.live) {
		rc = run_live(&o, cfg, p, j, l);
		goto out;
	}
	struct sensor_report rep;
	char err[CAPTURE_ERRLEN];
	int r = sensor_read_file(o.read, cfg, p, j, o.verbose ? print_obs : NULL, NULL, &rep,
				 err);
	if (j) {
		journal_close(j);
		j = NULL;
	}
	if (r < 0 && rep.in.packets == 0) {
		fprintf(stderr, T(l, "campusgate sensor: cannot read %s\n",
				  "campusgate sensor: 无法读取 %s\n"), err);
		goto out;
	}
	if (strcmp(o.format, "json") == 0)
		summary_json(o.read, &rep, o.no_journal ? NULL : cfg->journal.dir);
	else
		summary_text(o.read, &rep, o.no_journal ? NULL : cfg->journal.dir);
	fflush(stdout);
	if (r < 0) {
		fprintf(stderr, T(l, "campusgate sensor: the file ends badly: %s\n",
				  "campusgate sensor: 文件结尾损坏：%s\n"), err);
		goto out;
	}
	rc = 0;
out:
	if (j)
		journal_close(j);
	if (p)
		policy_unref(p);
	config_free(cfg);
	return rc;
}
