/* campusgate config check: load the configuration, compile its lists as the daemon does,
 * and print the errors and bad list lines, or "configuration OK". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cg_config.h"
#include "cli.h"
#include "config.h"
#include "config_check.h"
#include "i18n.h"
#include "util.h"

const char *cli_default_config(void)
{
	return config_default_path(); /* the daemon looks in the same places */
}

static void config_usage(FILE *f)
{
	enum lang l = lang_from_env();
	fputs(msg(l, MSG_CONFIG_USAGE), f);
}

static int config_check(int argc, char **argv)
{
	enum lang l = lang_from_env();
	const char *path = NULL;
	bool quiet = false;
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'q': quiet = true; break;
		case 'h': config_usage(stdout); return 0;
		default: config_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		if (path || optind + 1 < argc) {
			config_usage(stderr);
			return 2;
		}
		path = argv[optind];
	}
	if (!path)
		path = cli_default_config();
	struct diag d;
	diag_init(&d);
	struct config *cfg = config_load(path, &d);
	lang_diag_print(l, &d, stderr);
	int rc = 0;
	if (!cfg) {
		config_check_failed(l, path, d.errors, stderr);
		rc = 1;
	} else {
		if (!quiet) {
			size_t lists = cfg->n_allow;
			for (size_t i = 0; i < cfg->n_categories; i++)
				lists += cfg->categories[i].n_lists;
			msg_printf(l, MSG_CONFIG_SUMMARY,
				   path, cfg->n_categories, lists, cfg->n_groups, cfg->n_timetables);
		}
		/* The lists too, as the daemon compiles them: bad lines are warnings. */
		if (config_check_lists(cfg, l, quiet, stdout, stderr) < 0)
			rc = 1;
		else if (!quiet)
			config_check_ok(l, stdout);
	}
	config_free(cfg);
	diag_free(&d);
	return rc;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		config_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return config_check(argc - 1, argv + 1);
	msg_fprintf(stderr, lang_from_env(), MSG_CONFIG_UNKNOWN_COMMAND, argv[1]);
	config_usage(stderr);
	return 2;
}
