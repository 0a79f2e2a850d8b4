/* daemon_explain: explain the running policy's decision for the web console's "check"
 * request. The reply's keys (one a line, values on one line):
 *   target T | host H | path P | time UNIX | client A
 *   group G | group_subnet NET/LEN (the client's longest matching subnet of G) |
 *   group_by subnet|no_subnet|default
 *   verdict allow|block|observe | category C | category_title_zh T | category_title_en T |
 *   bypass 1 | rule_file F | rule_line N | rule_text T | rule_kind domain|exact|url|pattern |
 *   allowlisted 1 | category_listed 1 | timetable NAME | timetable_active 0|1 |
 *   timetable_unused 1 (the group has one; it did not decide) | pattern_limit 1 |
 *   ip_literal 1 | policy_generation N
 * With "dest ADDRESS" (as `campusgate check --dest`): the keys above are the name's own
 * decision, and then
 *   dest A | dest_verdict | dest_category | dest_category_title_zh | ..._en | dest_bypass |
 *   dest_rule_file | dest_rule_line | dest_rule_text | dest_rule_kind | dest_allowlisted |
 *   dest_category_listed | dest_pattern_limit | dest_timetable | dest_timetable_active
 *   (the address's own decision, as an exact name for the same client and group) |
 *   result allow|block|observe (the connection's: a block on either blocks) |
 *   result_by name|dest (which one blocked; absent when allowed) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_request.h"
#include "daemon_explain.h"
#include "policy.h"
#include "request.h"

static const char *kind_name(enum rule_kind k)
{
	switch (k) {
	case RULE_DOMAIN: return "domain";
	case RULE_EXACT: return "exact";
	case RULE_URL: return "url";
	case RULE_PATTERN: return "pattern";
	case RULE_NONE: break;
	}
	return NULL;
}

/* The group's subnet that holds client, longest first (not the default's 0/0). */
static const struct cg_subnet *group_subnet(const struct cfg_group *g, const struct cg_addr *a)
{
	const struct cg_subnet *best = NULL;
	for (size_t i = 0; g && i < g->n_subnets; i++)
		if (subnet_contains(&g->subnets[i], a) &&
		    (!best || g->subnets[i].prefix > best->prefix))
			best = &g->subnets[i];
	return best && best->prefix ? best : NULL;
}

/* "PREFIXkey value" into out. */
static void reply_add(struct sbuf *out, const char *prefix, const char *key, const char *value)
{
	char k[64];
	snprintf(k, sizeof k, "%s%s", prefix, key);
	check_reply_add(out, k, value);
}

/* A verdict's keys (prefix "" for the name's, "dest_" for the address's). */
static void reply_verdict(struct sbuf *out, const struct policy *p, const struct verdict *v,
			  const char *prefix)
{
	char num[32];
	reply_add(out, prefix, "verdict", action_name(v->action));
	if (v->category) {
		const struct cfg_category *c = policy_category(p, v->category);
		reply_add(out, prefix, "category", v->category);
		if (c) {
			reply_add(out, prefix, "category_title_zh", c->title_zh);
			reply_add(out, prefix, "category_title_en", c->title_en);
		}
	}
	if (v->bypass)
		reply_add(out, prefix, "bypass", "1");
	if (v->rule.kind != RULE_NONE) {
		char *text = xstrndup(v->rule.text, v->rule.text_len);
		reply_add(out, prefix, "rule_file", v->rule.file);
		snprintf(num, sizeof num, "%u", v->rule.line);
		reply_add(out, prefix, "rule_line", num);
		reply_add(out, prefix, "rule_text", text);
		reply_add(out, prefix, "rule_kind", kind_name(v->rule.kind));
		free(text);
	}
	if (v->allowlisted)
		reply_add(out, prefix, "allowlisted", "1");
	if (v->category_listed && !v->timetable_applied)
		reply_add(out, prefix, "category_listed", "1");
	if (v->pattern_limit)
		reply_add(out, prefix, "pattern_limit", "1");
}

/* The destination's own decision and the connection's result (policy_decide_dest, as
 * `campusgate check --dest` decides it: the same client or default group). */
static void reply_dest(struct sbuf *out, const struct policy *p, const struct request *req,
		       const struct check_request *cr)
{
	struct verdict v, dv;
	char a[CG_ADDR_STRLEN];
	policy_decide_dest(p, req, &cr->dest, cr->has_client ? NULL : "default", &v, &dv);
	check_reply_add(out, "dest", addr_str(&cr->dest, a));
	reply_verdict(out, p, &dv, "dest_");
	if (dv.timetable_applied) {
		check_reply_add(out, "dest_timetable", dv.timetable);
		check_reply_add(out, "dest_timetable_active", dv.timetable_active ? "1" : "0");
	}
	check_reply_add(out, "result", action_name(v.action));
	if (v.action == ACTION_BLOCK)
		check_reply_add(out, "result_by", v.by_dest ? "dest" : "name");
}

void daemon_explain(const char *cmd, struct sbuf *out)
{
	struct check_request cr;
	const char *why = "bad name";
	char host[NAME_MAX_LEN + 1], path[CHECK_PATH_MAX + 1], a[CG_ADDR_STRLEN], num[32];
	bool has_path;
	if (check_request_parse(cmd, strlen(cmd), &cr, &why) < 0) {
		sbuf_printf(out, "error\n%s\n", why);
		return;
	}
	int n = check_target_split(cr.target, host, path, &has_path, &why);
	if (n < 0) {
		sbuf_printf(out, "error\n%s: %s\n", cr.target, why);
		return;
	}
	struct policy *p = policy_acquire();
	if (!p) {
		sbuf_adds(out, "error\nno policy loaded\n");
		return;
	}
	struct request req;
	struct verdict v;
	memset(&req, 0, sizeof req);
	req.proto = has_path ? PROTO_HTTP : PROTO_DNS;
	req.client = cr.client;
	req.host = host;
	req.host_len = (size_t)n;
	req.path = has_path ? path : NULL;
	req.path_len = has_path ? strlen(path) : 0;
	req.when = cr.has_time ? (time_t)cr.when : time(NULL);
	if (cr.has_dest)
		req.proto = has_path ? PROTO_HTTP : PROTO_TLS; /* a connection, not a query */
	if (cr.has_client)
		policy_decide(p, &req, &v);
	else
		policy_decide_group(p, &req, "default", &v);
	sbuf_adds(out, "ok\n");
	check_reply_add(out, "target", cr.target);
	check_reply_add(out, "host", host);
	if (has_path)
		check_reply_add(out, "path", path);
	snprintf(num, sizeof num, "%lld", (long long)req.when);
	check_reply_add(out, "time", num);
	if (name_is_ip_literal(host))
		check_reply_add(out, "ip_literal", "1");
	check_reply_add(out, "group", v.group);
	const struct cfg_group *g = policy_group(p, v.group);
	if (cr.has_client) {
		const struct cg_subnet *net = group_subnet(g, &cr.client);
		check_reply_add(out, "client", addr_str(&cr.client, a));
		check_reply_add(out, "group_by", net ? "subnet" : "no_subnet");
		if (net) {
			char nb[CG_ADDR_STRLEN + 8];
			snprintf(nb, sizeof nb, "%s/%u", addr_str(&net->addr, a), net->prefix);
			check_reply_add(out, "group_subnet", nb);
		}
	} else {
		check_reply_add(out, "group_by", "default");
	}
	reply_verdict(out, p, &v, "");
	if (v.timetable_applied) {
		check_reply_add(out, "timetable", v.timetable);
		check_reply_add(out, "timetable_active", v.timetable_active ? "1" : "0");
	} else if (g && g->timetable >= 0 && g->block_scheduled) {
		check_reply_add(out, "timetable_unused", "1");
	}
	if (cr.has_dest)
		reply_dest(out, p, &req, &cr);
	snprintf(num, sizeof num, "%lu", policy_generation());
	check_reply_add(out, "policy_generation", num);
	policy_unref(p);
}
