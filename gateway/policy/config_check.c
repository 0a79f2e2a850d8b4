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
		msg_fprintf(err, l, MSG_CHECKCONF_LISTS_UNLOADABLE, file);
		diag_free(&d);
		return -1;
	}
	policy_get_stats(p, &st);
	if (st.bad_lines > 0)
		msg_fprintf(err, l, MSG_CHECKCONF_BAD_LIST_LINES, file, st.bad_lines);
	if (!quiet)
		msg_fprintf(out, l, MSG_CHECKCONF_LISTS_SUMMARY,
			    file, st.domains, st.exact, st.urls, st.patterns, st.allow_rules);
	policy_unref(p);
	diag_free(&d);
	return 0;
}

void config_check_ok(enum lang l, FILE *out)
{
	fputs(msg(l, MSG_CHECKCONF_OK), out);
}

void config_check_failed(enum lang l, const char *file, size_t errors, FILE *err)
{
	if (errors)
		msg_fprintf(err, l, MSG_CHECKCONF_ERROR_COUNT, file, errors);
	else
		msg_fprintf(err, l, MSG_CHECKCONF_ERRORS, file);
}
