/* campusgate check: explain the decision for a name or URL (group, verdict, category,
 * the rule with its list file and line, allowlist, timetable). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "check_request.h"
#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "name.h"
#include "policy.h"
#include "request.h"
#include "tz.h"
#include "util.h"

static void check_usage(FILE *f)
{
	enum lang l = lang_from_env();

	fputs(msg(l, MSG_CHECK_USAGE), f);
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
		return msg(l, MSG_CHECK_KIND_DOMAIN);
	case RULE_EXACT:
		return msg(l, MSG_CHECK_KIND_EXACT);
	case RULE_URL:
		return msg(l, MSG_CHECK_KIND_URL);
	case RULE_PATTERN:
		return msg(l, MSG_CHECK_KIND_PATTERN);
	case RULE_NONE:
		break;
	}
	return "";
}

/* The verdict, its category, its rule and why (for the name, and for a --dest address). */
static void check_print_verdict(enum lang l, const struct policy *p, const struct verdict *v)
{
	printf("%s %s\n", msg(l, MSG_CHECK_VERDICT),
	       v->action == ACTION_BLOCK ? msg(l, MSG_CHECK_BLOCK) : msg(l, MSG_CHECK_ALLOW));
	if (v->category) {
		const struct cfg_category *c = policy_category(p, v->category);
		/* the title the admin gave in the config: data, not a message */
		const char *title = c ? (l == LANG_ZH ? c->title_zh : c->title_en) : NULL;
		printf("%s %s%s%s%s%s\n", msg(l, MSG_CHECK_CATEGORY), v->category,
		       title ? " (" : "", title ? title : "", title ? ")" : "",
		       v->bypass ? msg(l, MSG_CHECK_BYPASS_CATEGORY) : "");
	}
	if (v->rule.kind != RULE_NONE)
		msg_printf(l, MSG_CHECK_RULE_LINE,
			   msg(l, MSG_CHECK_RULE), v->rule.file, v->rule.line,
		       (int)v->rule.text_len, v->rule.text, check_kind(l, v->rule.kind));
	else
		printf("%s %s\n", msg(l, MSG_CHECK_RULE),
		       msg(l, MSG_CHECK_NONE_MATCHED));
	if (v->allowlisted)
		printf("%s %s\n", msg(l, MSG_CHECK_WHY),
		       msg(l, MSG_CHECK_WHY_ALLOWLIST));
	else if (v->category_listed && !v->timetable_applied)
		printf("%s %s\n", msg(l, MSG_CHECK_WHY),
		       msg(l, MSG_CHECK_WHY_NOT_BLOCKED));
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
	printf("%s %s\n", msg(l, MSG_CHECK_REQUEST), target);
	printf("%s %s%s%s\n", msg(l, MSG_CHECK_HOST), host,
	       path ? msg(l, MSG_CHECK_PATH) : "", path ? path : "");
	printf("%s %s (%s)\n", msg(l, MSG_CHECK_TIME), tbuf, tz_name(school));

	printf("%s %s", msg(l, MSG_CHECK_GROUP), v->group);
	if (by_client) {
		const struct cg_subnet *net = check_subnet(g, client);
		addr_str(client, abuf);
		if (net && net->prefix == 0)
			net = NULL; /* the default group's implied 0.0.0.0/0 or ::/0 */
		if (net)
			msg_printf(l, MSG_CHECK_GROUP_BY_SUBNET,
				   abuf, addr_str(&net->addr, nbuf), net->prefix);
		else
			msg_printf(l, MSG_CHECK_GROUP_NO_SUBNET, abuf);
	} else if (group_arg) {
		fputs(msg(l, MSG_CHECK_GROUP_ASKED), stdout);
	} else {
		fputs(msg(l, MSG_CHECK_GROUP_DEFAULT), stdout);
	}

	check_print_verdict(l, p, v);
	if (v->timetable_applied)
		printf("%s %s: %s\n", msg(l, MSG_CHECK_TIMETABLE), v->timetable,
		       v->timetable_active ? msg(l, MSG_CHECK_TIMETABLE_IN_FORCE)
					   : msg(l, MSG_CHECK_TIMETABLE_NOT_IN_FORCE));
	else if (g && g->timetable >= 0 && g->block_scheduled)
		printf("%s %s\n", msg(l, MSG_CHECK_TIMETABLE),
		       msg(l, MSG_CHECK_TIMETABLE_NOT_USED));
}

/* With --dest: the address's own decision, then the connection's (a block on either the
 * name or the address blocks). */
static void check_print_dest(enum lang l, const struct policy *p, const struct cg_addr *dest,
			     const struct verdict *dv, const struct verdict *v)
{
	char abuf[CG_ADDR_STRLEN];

	printf("%s %s\n", msg(l, MSG_CHECK_DEST), addr_str(dest, abuf));
	check_print_verdict(l, p, dv);
	printf("%s %s", msg(l, MSG_CHECK_RESULT),
	       v->action == ACTION_BLOCK ? msg(l, MSG_CHECK_BLOCK) : msg(l, MSG_CHECK_ALLOW));
	if (v->action != ACTION_BLOCK)
		fputs(msg(l, MSG_CHECK_RESULT_BOTH_ALLOWED), stdout);
	else if (v->by_dest)
		fputs(msg(l, MSG_CHECK_RESULT_BY_DEST), stdout);
	else
		fputs(msg(l, MSG_CHECK_RESULT_BY_NAME), stdout);
}

/* The options of campusgate check. */
struct check_opts {
	const char *conf, *client_arg, *group, *at;
	bool has_dest;
	struct cg_addr dest; /* --dest: the address the connection goes to */
};

/* Read and check the options into o (client parsed from --client). -1 to go on with
 * the target at argv[optind], or the exit status: 0 after --help, 2 for a usage error. */
static int check_options(enum lang l, int argc, char **argv, struct check_opts *o,
			 struct cg_addr *client)
{
	const char *conf = NULL, *client_arg = NULL, *group = NULL, *at = NULL;
	static const struct option longopts[] = {
		{ "client", required_argument, NULL, 'C' },
		{ "group", required_argument, NULL, 'g' },
		{ "at", required_argument, NULL, 'a' },
		{ "dest", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->has_dest = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': client_arg = optarg; break;
		case 'g': group = optarg; break;
		case 'a': at = optarg; break;
		case 'd':
			if (addr_parse(optarg, &o->dest) < 0) {
				fprintf(stderr, "campusgate check: --dest %s: %s\n", optarg,
					msg(l, MSG_CHECK_NOT_IP));
				return 2;
			}
			o->has_dest = true;
			break;
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
			msg(l, MSG_CHECK_CLIENT_AND_GROUP));
		return 2;
	}
	memset(client, 0, sizeof(*client));
	if (client_arg && addr_parse(client_arg, client) < 0) {
		fprintf(stderr, "campusgate check: %s: %s\n", client_arg,
			msg(l, MSG_CHECK_NOT_IP));
		return 2;
	}
	o->conf = conf;
	o->client_arg = client_arg;
	o->group = group;
	o->at = at;
	return -1;
}

/* Load what a check needs: the configuration conf (the default one when NULL), the
 * school's time zone, the --at time into *when, and the policy, which must know group
 * when one is given; what is wrong is said on stderr in l. 0, or -1. What was loaded is
 * in *cfgp, *schoolp and *pp either way, for the caller to free. */
static int check_load(enum lang l, const char *conf, const char *at, const char *group,
		      struct config **cfgp, struct tz **schoolp, struct policy **pp,
		      time_t *when)
{
	const char *why = "bad name";
	struct config *cfg;
	struct tz *school;
	struct policy *p;
	struct diag d;

	diag_init(&d);
	if (!conf)
		conf = cli_default_config();
	cfg = config_load(conf, &d);
	*cfgp = cfg;
	if (!cfg) {
		lang_diag_print(l, &d, stderr);
		msg_fprintf(stderr, l, MSG_CHECK_CONFIG_ERRORS, conf);
		diag_free(&d);
		return -1;
	}
	school = tz_load(cfg->timezone ? cfg->timezone : "Asia/Shanghai", &why);
	*schoolp = school;
	if (!school) {
		fprintf(stderr, "campusgate check: %s: %s\n", cfg->timezone, lang_reason(l, why));
		diag_free(&d);
		return -1;
	}
	if (at && check_parse_time(at, school, when) < 0) {
		fprintf(stderr, "campusgate check: --at %s: %s\n", at,
			msg(l, MSG_CHECK_BAD_TIME));
		diag_free(&d);
		return -1;
	}
	p = policy_build(cfg, &d);
	*pp = p;
	if (!p) {
		lang_diag_print(l, &d, stderr);
		fputs(msg(l, MSG_CHECK_LISTS_UNLOADABLE), stderr);
	} else if (d.errors > 0) {
		msg_fprintf(stderr, l, MSG_CHECK_BAD_LIST_LINES, d.errors);
	}
	diag_free(&d);
	if (!p)
		return -1;
	if (group && !policy_group(p, group)) {
		msg_fprintf(stderr, l, MSG_CHECK_NO_GROUP, group);
		return -1;
	}
	return 0;
}

int cmd_check(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct check_opts o;
	const char *client_arg, *group;
	char host[NAME_MAX_LEN + 1];
	char *path = NULL;
	bool has_path = false;
	const char *why = "bad name";
	struct cg_addr client;
	struct config *cfg = NULL;
	struct policy *p = NULL;
	struct tz *school = NULL;
	struct verdict v;
	struct request req;
	time_t when = time(NULL);
	int n, rc = check_options(l, argc, argv, &o, &client);

	if (rc >= 0)
		return rc;
	rc = 2;
	client_arg = o.client_arg;
	group = o.group;
	path = xmalloc(CHECK_PATH_MAX + 1);
	n = check_target_split(argv[optind], host, path, &has_path, &why);
	if (n < 0) {
		fprintf(stderr, "campusgate check: %s: %s\n", argv[optind], lang_reason(l, why));
		goto out;
	}

	if (check_load(l, o.conf, o.at, group, &cfg, &school, &p, &when) < 0)
		goto out;

	memset(&req, 0, sizeof(req));
	req.proto = has_path ? PROTO_HTTP : PROTO_DNS;
	req.client = client;
	req.host = host;
	req.host_len = (size_t)n;
	req.path = has_path ? path : NULL;
	req.path_len = has_path ? strlen(path) : 0;
	req.when = when;
	if (o.has_dest)
		req.proto = has_path ? PROTO_HTTP : PROTO_TLS; /* a connection, not a query */
	if (client_arg)
		policy_decide(p, &req, &v);
	else
		policy_decide_group(p, &req, group ? group : "default", &v);
	check_print(l, p, argv[optind], host, req.path, client_arg != NULL, &client, group,
		    when, school, &v);
	if (o.has_dest) {
		struct verdict dv;
		policy_decide_dest(p, &req, &o.dest, client_arg ? NULL : group ? group : "default",
				   &v, &dv);
		check_print_dest(l, p, &o.dest, &dv, &v);
	}
	rc = v.action == ACTION_BLOCK ? 1 : 0;
out:
	policy_unref(p);
	tz_free(school);
	config_free(cfg);
	free(path);
	return rc;
}
