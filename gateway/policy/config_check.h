/* config_check: the report shared by `campusgated -n` and `campusgate config check`. */
#ifndef CG_CONFIG_CHECK_H
#define CG_CONFIG_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "i18n.h"

/* Compile cfg's lists into a policy as the daemon does at start-up, print each bad list
 * line to err as "file:line: reason" (bad lines are skipped, as the daemon skips them:
 * warnings), and unless quiet a line of counts to out. The policy is freed again.
 * Returns 0, or -1 when no policy can be built (a list that cannot be read at all). */
int config_check_lists(const struct config *cfg, enum lang l, bool quiet, FILE *out,
		       FILE *err);

/* "configuration OK" in language l, on out. */
void config_check_ok(enum lang l, FILE *out);

/* "FILE: configuration has N error(s)" in language l, on err (without N when 0). */
void config_check_failed(enum lang l, const char *file, size_t errors, FILE *err);

#endif
