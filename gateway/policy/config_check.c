/* config_check: what `campusgated -n` and `campusgate config check` both report after
 * the config has loaded: its lists compiled into a policy exactly as the daemon would,
 * every bad list line, and "configuration OK". */
#include "config_check.h"

#include <stdio.h>

#include "policy.h"
#include "util.h"

int config_check_lists(const struct config *cfg, enum lang l, bool quiet, FILE *out,
		       FILE *err)
{
	struct diag d;
	struct policy_stats st;
	struct policy *p;
	const char *file = cfg->file ? cfg->file : "(built-in defaults)";

	diag_init(&d);
	p = policy_build(cfg, &d);
	lang_diag_print(l, &d, err);
	if (!p) {
		fprintf(err, T(l, "%s: the lists cannot be loaded, so the daemon would not start\n",
			       "%s: 无法加载名单，守护进程将无法启动\n"),
			file);
		diag_free(&d);
		return -1;
	}
	policy_get_stats(p, &st);
	if (st.bad_lines > 0)
		fprintf(err, T(l, "%s: %zu bad list line(s) skipped (warnings: the rest of each "
				  "list is used)\n",
			       "%s: 跳过了 %zu 行有误的名单条目（警告：名单其余部分照常使用）\n"),
			file, st.bad_lines);
	if (!quiet)
		fprintf(out, T(l, "%s: lists: %zu domains, %zu exact names, %zu URL prefixes, "
				  "%zu patterns, %zu allowlist rules\n",
			       "%s: 名单：%zu 个域名，%zu 个精确域名，%zu 个网址前缀，%zu 条正则"
			       "表达式，%zu 条白名单规则\n"),
			file, st.domains, st.exact, st.urls, st.patterns, st.allow_rules);
	policy_unref(p);
	diag_free(&d);
	return 0;
}

void config_check_ok(enum lang l, FILE *out)
{
	fputs(T(l, "configuration OK\n", "配置正确\n"), out);
}

void config_check_failed(enum lang l, const char *file, size_t errors, FILE *err)
{
	if (errors)
		fprintf(err, T(l, "%s: configuration has %zu error(s)\n", "%s: 配置有 %zu 处错误\n"),
			file, errors);
	else
		fprintf(err, T(l, "%s: configuration has errors\n", "%s: 配置有错误\n"), file);
}
