/* campusgate: the admin and staff tool (check decisions, edit and check lists, review
 * and report the security journal, read captures, reload the daemon). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_config.h"
#include "cli.h"
#include "i18n.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	enum msg_id help;
};

static const struct command commands[] = {
	{"check", cmd_check, MSG_CLI_HELP_CHECK},
	{"config", cmd_config, MSG_CLI_HELP_CONFIG},
	{"lists", cmd_lists, MSG_CLI_HELP_LISTS},
	{"journal", cmd_journal, MSG_CLI_HELP_JOURNAL},
	{"report", cmd_report, MSG_CLI_HELP_REPORT},
	{"sensor", cmd_sensor, MSG_CLI_HELP_SENSOR},
	{"reload", cmd_reload, MSG_CLI_HELP_RELOAD},
	{"status", cmd_status, MSG_CLI_HELP_STATUS},
	{"setup", cmd_setup, MSG_CLI_HELP_SETUP},
	{"ipmac", cmd_ipmac, MSG_CLI_HELP_IPMAC},
	{"user", cmd_user, MSG_CLI_HELP_USER},
	{"district", cmd_district, MSG_CLI_HELP_DISTRICT},
	{"bundle", cmd_bundle, MSG_CLI_HELP_BUNDLE},
	{"update", cmd_update, MSG_CLI_HELP_UPDATE},
};

static void usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(msg(l, MSG_CLI_USAGE), f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name,
			msg(l, commands[i].help));
	fputs(msg(l, MSG_CLI_USAGE_NOTES), f);
}

/* The journal's index: the user's cache folder until a command that reads a config
 * finds the console's (cli_index_setup); CAMPUSGATE_INDEX=off reads every line as
 * before. docs/journal.md, "Index". */
static void index_setup(void)
{
	free(cli_index_setup(NULL));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("campusgate %s\n", CG_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			index_setup();
			return commands[i].run(argc - 1, argv + 1);
		}
	fprintf(stderr, "campusgate: unknown command '%s' (see campusgate --help)\n", argv[1]);
	return 2;
}
