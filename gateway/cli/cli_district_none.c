/* campusgate district and --district when campusgate is built without libpq
 * (meson -Ddistrict=disabled, or libpq-dev missing with auto): they say so. */
#include <stdio.h>

#include "cli.h"
#include "i18n.h"

int cmd_district(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	msg_fprintf(stderr, lang_from_env(), MSG_DISTRICT_NOT_BUILT, "district");
	return 2;
}

int cli_district_scan(const char *db, const char *school, const struct review_filter *f,
		      const char *cmd, enum lang l,
		      int (*cb)(const char *school, const struct journal_record *r,
				const char *line, size_t len, void *ctx), void *ctx)
{
	(void)db;
	(void)school;
	(void)f;
	(void)cb;
	(void)ctx;
	msg_fprintf(stderr, l, MSG_DISTRICT_NOT_BUILT, cmd);
	return -1;
}
