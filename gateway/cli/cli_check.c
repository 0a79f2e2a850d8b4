/* campusgate check: explain the decision for a name or URL (group, verdict, category,
 * the rule with its list file and line, allowlist, timetable). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "name.h"
#include "policy.h"
#include "request.h"
#include "tz.h"
#include "util.h"

#define CHECK_MAX_PATH 4096

static void check_usage(FILE *f)
{
	enum lang l = lang_from_env();

	fputs(T(l,
		"Usage: campusgate check NAME-OR-URL [--client IP | --group NAME] [--at TIME]\n"
		"                        [-c FILE]\n"
		"\n"
		"Explain what the gateway would do with a request: the client's group and why,\n"
		"the verdict, the category, the rule that decided it (list file, line and text),\n"
		"whether an allowlist rule won, and whether a timetable applied and was in\n"
		"force. The configuration and every list are read as the daemon reads them;\n"
		"the daemon itself is not contacted.\n"
		"\n"
		"NAME-OR-URL  a host name (www.example.com, 葡京娱乐场.com, xn--...), an IP\n"
		"             address, host/path, or http://host/path (the path then counts,\n"
		"             as for the HTTP proxy; without a path it is a DNS query)\n"
		"\n"
		"Options:\n"
		"  --client IP   decide for this client address (its group by longest subnet)\n"
		"  --group NAME  decide for this group (default: group \"default\")\n"
		"  --at TIME     \"2026-11-25 14:00\" in the school's time zone, or ISO 8601\n"
		"                (2026-11-25T14:00:00+08:00, ...Z); default: now\n"
		"  -c FILE       the configuration file; without it: $CAMPUSGATE_CONF,\n"
		"                ./config/campusgate.conf if it exists, else the system one\n"
		"  -h, --help    this text\n"
		"\n"
		"Exit status: 0 allowed, 1 blocked, 2 error (bad argument or configuration).\n"
		"Example: campusgate check http://news.example/casino/ --client 10.1.2.3 \\\n"
		"             --at \"2026-11-25 10:00\"\n",
		"用法: campusgate check 域名或网址 [--client IP | --group 组名] [--at 时间]\n"
		"                        [-c 文件]\n"
		"\n"
		"解释网关对一个请求的处理：客户端所属分组及原因、判定结果、类别、作出判定的规则\n"
		"（名单文件、行号和内容）、是否由白名单规则放行、是否适用时间表以及当时是否生效。\n"
		"配置和名单的读取方式与守护进程相同；不联系守护进程。\n"
		"\n"
		"域名或网址   主机名（www.example.com、葡京娱乐场.com、xn--...）、IP 地址、\n"
		"             主机/路径，或 http://主机/路径（此时按 HTTP 代理计入路径；\n"
		"             不带路径时按 DNS 查询处理）\n"
		"\n"
		"选项:\n"
		"  --client IP   按该客户端地址判定（按最长匹配子网确定分组）\n"
		"  --group 组名  按该分组判定（默认：\"default\" 组）\n"
		"  --at 时间     学校时区的 \"2026-11-25 14:00\"，或 ISO 8601 格式\n"
		"                （2026-11-25T14:00:00+08:00、...Z）；默认：当前时间\n"
		"  -c 文件       配置文件；不指定时依次使用 $CAMPUSGATE_CONF、\n"
		"                ./config/campusgate.conf（若存在）、系统配置文件\n"
		"  -h, --help    显示本帮助\n"
		"\n"
		"退出状态：0 放行，1 拦截，2 错误（参数或配置有误）。\n"
		"示例: campusgate check http://news.example/casino/ --client 10.1.2.3 \\\n"
		"             --at \"2026-11-25 10:00\"\n"),
	      f);
}

/* Fixed-width decimal digits at s; -1 when not all digits. */
static int check_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD HH:MM[:SS]" (school zone) or ISO 8601 with 'T' and an optional Z or
 * +HH:MM / +HHMM offset. 0 or -1. */
static int check_parse_time(const char *s, const struct tz *school, time_t *out)
{
	struct tm tm;
	size_t len = strlen(s), i = 16;
	int y, mo, d, h, mi, sec = 0;

	if (len < 16 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
	    s[13] != ':')
		return -1;
	y = check_digits(s, 4);
	mo = check_digits(s + 5, 2);
	d = check_digits(s + 8, 2);
	h = check_digits(s + 11, 2);
	mi = check_digits(s + 14, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59)
		return -1;
	if (i < len && s[i] == ':') {
		if (len < i + 3 || (sec = check_digits(s + i + 1, 2)) < 0 || sec > 60)
			return -1;
		i += 3;
	}
	int64_t days = tz_days_from_civil(y, mo, d);
	int64_t y2;
	int mo2, d2;
	tz_civil_from_days(days, &y2, &mo2, &d2);
	if (mo2 != mo || d2 != d) /* 2026-02-30 */
		return -1;
	if (i == len) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		*out = tz_mktime(school, &tm);
		return 0;
	}
	long off = 0;
	if (s[i] == 'Z' && i + 1 == len) {
		off = 0;
	} else if (s[i] == '+' || s[i] == '-') {
		int oh, om;
		const char *o = s + i + 1;
		size_t olen = len - i - 1;
		if (olen == 5 && o[2] == ':')
			om = check_digits(o + 3, 2);
		else if (olen == 4)
			om = check_digits(o + 2, 2);
		else
			return -1;
		oh = check_digits(o, 2);
		if (oh < 0 || oh > 14 || om < 0 || om > 59)
			return -1;
		off = (oh * 3600L + om * 60L) * (s[i] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = (time_t)(days * 86400 + h * 3600 + mi * 60 + sec - off);
	return 0;
}

/* Split NAME-OR-URL into a normalised host and an optional path (into path, at most
 * CHECK_MAX_PATH bytes). Returns the host length, or -1 with *why set. */
static int check_split_target(const char *arg, char *host, char *path, bool *has_path,
			      const char **why)
{
	const char *p = arg, *end, *h, *hend;

	*has_path = false;
	if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	end = p + strcspn(p, "/?#");
	h = p;
	for (const char *at = h; at < end; at++) /* user:pass@host */
		if (*at == '@')
			h = at + 1;
	hend = end;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (!rb) {
			*why = "bad IPv6 literal";
			return -1;
		}
		hend = rb + 1;
	} else {
		const char *colon = memchr(h, ':', (size_t)(end - h));
		/* host:port, but not a bare IPv6 address */
		if (colon && !memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			hend = colon;
	}
	if (*end == '/' || *end == '?') {
		size_t plen = strcspn(end, "#");
		if (plen + 2 > CHECK_MAX_PATH) {
			*why = "path too long";
			return -1;
		}
		if (*end == '?') {
			path[0] = '/';
			memcpy(path + 1, end, plen);
			path[plen + 1] = '\0';
		} else {
			memcpy(path, end, plen);
			path[plen] = '\0';
		}
		*has_path = true;
	}
	return name_normalise(h, (size_t)(hend - h), host, why);
}

/* The subnet of g that holds client, longest first; NULL when none does. */
static const struct cg_subnet *check_subnet(const struct cfg_group *g,
					    const struct cg_addr *client)
{
	const struct cg_subnet *best = NULL;

	for (size_t i = 0; g && i < g->n_subnets; i++)
		if (subnet_contains(&g->subnets[i], client) &&
		    (!best || g->subnets[i].prefix > best->prefix))
			best = &g->subnets[i];
	return best;
}

static const char *check_kind(enum lang l, enum rule_kind k)
{
	switch (k) {
	case RULE_DOMAIN:
		return T(l, "the name and every name below it", "该域名及其所有子域名");
	case RULE_EXACT:
		return T(l, "that name only", "仅该域名");
	case RULE_URL:
		return T(l, "URL prefix", "网址前缀");
	case RULE_PATTERN:
		return T(l, "pattern", "正则表达式");
	case RULE_NONE:
		break;
	}
	return "";
}

static void check_print(enum lang l, const struct policy *p, const char *target,
			const char *host, const char *path, bool by_client,
			const struct cg_addr *client, const char *group_arg, time_t when,
			const struct tz *school, const struct verdict *v)
{
	const struct cfg_group *g = policy_group(p, v->group);
	char abuf[CG_ADDR_STRLEN], nbuf[CG_ADDR_STRLEN], tbuf[64];
	struct tm lt;

	tz_localtime(school, when, &lt);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M", &lt);
	printf("%s %s\n", T(l, "request:  ", "请求：    "), target);
	printf("%s %s%s%s\n", T(l, "host:     ", "主机：    "), host,
	       path ? T(l, "  path ", "  路径 ") : "", path ? path : "");
	printf("%s %s (%s)\n", T(l, "time:     ", "时间：    "), tbuf, tz_name(school));

	printf("%s %s", T(l, "group:    ", "分组：    "), v->group);
	if (by_client) {
		const struct cg_subnet *net = check_subnet(g, client);
		addr_str(client, abuf);
		if (net && net->prefix == 0)
			net = NULL; /* the default group's implied 0.0.0.0/0 or ::/0 */
		if (net)
			printf(T(l, "  (client %s is in %s/%u, its longest matching subnet)\n",
				 "  （客户端 %s 属于 %s/%u，最长匹配子网）\n"),
			       abuf, addr_str(&net->addr, nbuf), net->prefix);
		else
			printf(T(l, "  (client %s is in no group's subnet: the default group)\n",
				 "  （客户端 %s 不在任何分组的子网内：使用默认分组）\n"),
			       abuf);
	} else if (group_arg) {
		fputs(T(l, "  (as asked with --group)\n", "  （由 --group 指定）\n"), stdout);
	} else {
		fputs(T(l, "  (no --client or --group given: the default group)\n",
			"  （未指定 --client 或 --group：使用默认分组）\n"), stdout);
	}

	printf("%s %s\n", T(l, "verdict:  ", "判定：    "),
	       v->action == ACTION_BLOCK ? T(l, "BLOCK", "拦截") : T(l, "ALLOW", "放行"));
	if (v->category) {
		const struct cfg_category *c = policy_category(p, v->category);
		const char *title = c ? T(l, c->title_en, c->title_zh) : NULL;
		printf("%s %s%s%s%s%s\n", T(l, "category: ", "类别：    "), v->category,
		       title ? " (" : "", title ? title : "", title ? ")" : "",
		       v->bypass ? T(l, "  [bypass category]", "  [绕过类类别]") : "");
	}
	if (v->rule.kind != RULE_NONE)
		printf(T(l, "%s %s:%u: %.*s  (%s)\n", "%s %s:%u: %.*s  （%s）\n"),
		       T(l, "rule:     ", "规则：    "), v->rule.file, v->rule.line,
		       (int)v->rule.text_len, v->rule.text, check_kind(l, v->rule.kind));
	else
		printf("%s %s\n", T(l, "rule:     ", "规则：    "),
		       T(l, "none matched", "没有匹配的规则"));
	if (v->allowlisted)
		printf("%s %s\n", T(l, "why:      ", "原因：    "),
		       T(l, "an allowlist rule matched; the allowlist wins over every category",
			 "匹配白名单规则；白名单优先于所有类别"));
	else if (v->category_listed && !v->timetable_applied)
		printf("%s %s\n", T(l, "why:      ", "原因：    "),
		       T(l, "listed, but this group does not block the category",
			 "已列入名单，但该分组不拦截此类别"));
	if (v->timetable_applied)
		printf("%s %s: %s\n", T(l, "timetable:", "时间表：  "), v->timetable,
		       v->timetable_active ? T(l, "in force at that time, so the category is blocked",
					       "该时间生效，因此拦截此类别")
					   : T(l, "not in force at that time, so the category is allowed",
					       "该时间不生效，因此放行此类别"));
	else if (g && g->timetable >= 0 && g->block_scheduled)
		printf("%s %s\n", T(l, "timetable:", "时间表：  "),
		       T(l, "the group has one, but it did not decide this request",
			 "该分组有时间表，但与本次判定无关"));
}

int cmd_check(int argc, char **argv)
{
	enum lang l = lang_from_env();
	const char *conf = NULL, *client_arg = NULL, *group = NULL, *at = NULL;
	static const struct option longopts[] = {
		{ "client", required_argument, NULL, 'C' },
		{ "group", required_argument, NULL, 'g' },
		{ "at", required_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char host[NAME_MAX_LEN + 1];
	char *path = NULL;
	bool has_path = false;
	const char *why = "bad name";
	struct cg_addr client;
	struct config *cfg = NULL;
	struct policy *p = NULL;
	struct tz *school = NULL;
	struct diag d;
	struct verdict v;
	struct request req;
	time_t when = time(NULL);
	int c, n, rc = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': client_arg = optarg; break;
		case 'g': group = optarg; break;
		case 'a': at = optarg; break;
		case 'c': conf = optarg; break;
		case 'h': check_usage(stdout); return 0;
		default: check_usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		check_usage(stderr);
		return 2;
	}
	if (client_arg && group) {
		fprintf(stderr, "campusgate check: %s\n",
			T(l, "give --client or --group, not both", "--client 与 --group 只能指定一个"));
		return 2;
	}
	memset(&client, 0, sizeof(client));
	if (client_arg && addr_parse(client_arg, &client) < 0) {
		fprintf(stderr, "campusgate check: %s: %s\n", client_arg,
			T(l, "not an IP address", "不是 IP 地址"));
		return 2;
	}
	path = xmalloc(CHECK_MAX_PATH + 1);
	n = check_split_target(argv[optind], host, path, &has_path, &why);
	if (n < 0) {
		fprintf(stderr, "campusgate check: %s: %s\n", argv[optind], lang_reason(l, why));
		goto out;
	}

	diag_init(&d);
	if (!conf)
		conf = cli_default_config();
	cfg = config_load(conf, &d);
	if (!cfg) {
		lang_diag_print(l, &d, stderr);
		fprintf(stderr, T(l, "campusgate check: %s: configuration has errors\n",
				  "campusgate check: %s: 配置有错误\n"), conf);
		diag_free(&d);
		goto out;
	}
	school = tz_load(cfg->timezone ? cfg->timezone : "Asia/Shanghai", &why);
	if (!school) {
		fprintf(stderr, "campusgate check: %s: %s\n", cfg->timezone, lang_reason(l, why));
		diag_free(&d);
		goto out;
	}
	if (at && check_parse_time(at, school, &when) < 0) {
		fprintf(stderr, "campusgate check: --at %s: %s\n", at,
			T(l, "expected \"YYYY-MM-DD HH:MM\" or ISO 8601",
			  "应为 \"YYYY-MM-DD HH:MM\" 或 ISO 8601 格式"));
		diag_free(&d);
		goto out;
	}
	p = policy_build(cfg, &d);
	if (!p) {
		lang_diag_print(l, &d, stderr);
		fputs(T(l, "campusgate check: the lists cannot be loaded\n",
			"campusgate check: 无法加载名单\n"), stderr);
	} else if (d.errors > 0) {
		fprintf(stderr, T(l, "campusgate check: %zu bad list line(s) were skipped "
				     "(see campusgate lists check)\n",
				  "campusgate check: 跳过了 %zu 行有误的名单条目"
				  "（见 campusgate lists check）\n"), d.errors);
	}
	diag_free(&d);
	if (!p)
		goto out;
	if (group && !policy_group(p, group)) {
		fprintf(stderr, T(l, "campusgate check: no group named %s\n",
				  "campusgate check: 没有名为 %s 的分组\n"), group);
		goto out;
	}

	memset(&req, 0, sizeof(req));
	req.proto = has_path ? PROTO_HTTP : PROTO_DNS;
	req.client = client;
	req.host = host;
	req.host_len = (size_t)n;
	req.path = has_path ? path : NULL;
	req.path_len = has_path ? strlen(path) : 0;
	req.when = when;
	if (client_arg)
		policy_decide(p, &req, &v);
	else
		policy_decide_group(p, &req, group ? group : "default", &v);
	check_print(l, p, argv[optind], host, req.path, client_arg != NULL, &client, group,
		    when, school, &v);
	rc = v.action == ACTION_BLOCK ? 1 : 0;
out:
	policy_unref(p);
	tz_free(school);
	config_free(cfg);
	free(path);
	return rc;
}
