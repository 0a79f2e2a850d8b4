/* lists_check: a list read as the policy build reads it, patterns compiled, so that
 * `campusgate lists check` and the console's list edits find what a build finds. */
#include <stdio.h>

#include "lists.h"
#include "patset.h"

/* Patterns are compiled as the policy would; other rules are taken as read. */
static int lists_check_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct patset_builder *pb = arg;
	char perr[200];

	if (r->kind != LIST_RULE_PATTERN)
		return 0;
	perr[0] = '\0';
	if (patset_add(pb, r->pattern, r->pattern_len, 0, 0, r->line, perr, sizeof(perr)) < 0) {
		snprintf(err, errlen, "bad pattern (%s)", perr);
		return -1;
	}
	return 0;
}

int lists_check_file(enum list_format fmt, const char *path, const char *name,
		     struct diag *diag, struct list_counts *counts)
{
	struct patset_builder *pb = patset_builder_new();
	int rc = lists_read(fmt, path, name, lists_check_rule, pb, diag, counts);

	patset_builder_free(pb);
	return rc;
}

void lists_check_buf(enum list_format fmt, const char *buf, size_t len, const char *name,
		     struct diag *diag, struct list_counts *counts)
{
	struct patset_builder *pb = patset_builder_new();

	lists_parse(fmt, buf, len, name, lists_check_rule, pb, diag, counts);
	patset_builder_free(pb);
}
