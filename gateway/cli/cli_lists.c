/* campusgate lists: check list files (file:line errors) and show the compiled policy's
 * statistics. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "lists.h"
#include "policy.h"
#include "util.h"

static void lists_usage(FILE *f)
{
	enum lang l = lang_from_env();

	fputs(msg(l, MSG_LISTS_USAGE), f);
}

/* Check one list; prints its bad lines and a summary. 0, 1 bad lines, 2 unreadable. */
static int lists_check_one(enum lang l, enum list_format fmt, const char *path,
			   const char *name, bool quiet)
{
	struct list_counts c = { 0 };
	struct diag d;
	int rc;

	diag_init(&d);
	rc = lists_check_file(fmt, path, name, &d, &c);
	lang_diag_print(l, &d, stdout);
	if (rc < 0) {
		diag_free(&d);
		return 2;
	}
	if (!quiet)
		msg_printf(l, MSG_LISTS_FILE_SUMMARY,
			   name, lists_format_name(fmt), c.lines, c.rules, c.bad, c.skipped,
		       d.warnings);
	diag_free(&d);
	return c.bad ? 1 : 0;
}

static int lists_worse(int a, int b)
{
	return a > b ? a : b;
}

static struct config *lists_load_config(enum lang l, const char *conf)
{
	struct diag d;
	struct config *cfg;

	diag_init(&d);
	cfg = config_load(conf, &d);
	lang_diag_print(l, &d, stderr);
	if (!cfg)
		msg_fprintf(stderr, l, MSG_LISTS_CONFIG_ERRORS, conf);
	diag_free(&d);
	return cfg;
}

static int lists_check(enum lang l, const char *conf, const char *format, bool quiet,
		       int argc, char **argv)
{
	enum list_format deflt = LIST_NATIVE;
	int rc = 0;

	if (format && lists_format_parse(format, strlen(format), &deflt) < 0) {
		msg_fprintf(stderr, l, MSG_LISTS_UNKNOWN_FORMAT, format);
		return 2;
	}
	if (argc > 0) {
		for (int i = 0; i < argc; i++) {
			enum list_format fmt = deflt;
			const char *path = argv[i], *colon = strchr(path, ':');
			if (colon && lists_format_parse(path, (size_t)(colon - path), &fmt) == 0)
				path = colon + 1;
			rc = lists_worse(rc, lists_check_one(l, fmt, path, path, quiet));
		}
		return rc;
	}
	if (!conf)
		conf = cli_default_config();
	struct config *cfg = lists_load_config(l, conf);
	if (!cfg)
		return 2;
	for (size_t i = 0; i < cfg->n_categories; i++) {
		const struct cfg_category *cat = &cfg->categories[i];
		for (size_t j = 0; j < cat->n_lists; j++)
			rc = lists_worse(rc, lists_check_one(l, cat->lists[j].format,
							     cat->lists[j].path,
							     cat->lists[j].name, quiet));
		for (size_t j = 0; j < cat->n_ech_lists; j++)
			rc = lists_worse(rc, lists_check_one(l, cat->ech_lists[j].format,
							     cat->ech_lists[j].path,
							     cat->ech_lists[j].name, quiet));
	}
	for (size_t j = 0; j < cfg->n_allow; j++)
		rc = lists_worse(rc, lists_check_one(l, cfg->allow[j].format, cfg->allow[j].path,
						     cfg->allow[j].name, quiet));
	config_free(cfg);
	if (!quiet)
		puts(rc == 0 ? msg(l, MSG_LISTS_OK)
			     : msg(l, MSG_LISTS_HAVE_PROBLEMS));
	return rc;
}

static int lists_stats(enum lang l, const char *conf)
{
	struct config *cfg;
	struct policy *p;
	struct policy_stats st;
	struct diag d;
	uint64_t t0;

	if (!conf)
		conf = cli_default_config();
	cfg = lists_load_config(l, conf);
	if (!cfg)
		return 2;
	diag_init(&d);
	t0 = now_mono_ns();
	p = policy_build(cfg, &d);
	double ms = (double)(now_mono_ns() - t0) / 1e6;
	config_free(cfg);
	if (!p) {
		lang_diag_print(l, &d, stderr);
		diag_free(&d);
		return 2;
	}
	policy_get_stats(p, &st);
	size_t names = st.domains + st.exact;
	msg_printf(l, MSG_LISTS_CONFIGURATION, conf);
	msg_printf(l, MSG_LISTS_LIST_FILES, st.lists);
	msg_printf(l, MSG_LISTS_DOMAINS, st.domains);
	msg_printf(l, MSG_LISTS_EXACT_NAMES, st.exact);
	msg_printf(l, MSG_LISTS_URL_PREFIXES, st.urls);
	msg_printf(l, MSG_LISTS_PATTERNS, st.patterns, st.patterns_always_run);
	msg_printf(l, MSG_LISTS_ALLOWLIST_RULES, st.allow_rules);
	msg_printf(l, MSG_LISTS_BAD_LINES_SKIPPED, st.bad_lines,
	       st.bad_lines ? msg(l, MSG_LISTS_BAD_LINES_HINT) : "");
	msg_printf(l, MSG_LISTS_MATCH_MEMORY_MIB, (double)st.bytes / (1024.0 * 1024.0));
	if (names > 0)
		msg_printf(l, MSG_LISTS_BYTES_PER_NAME, (double)st.bytes / (double)names);
	printf("\n");
	msg_printf(l, MSG_LISTS_BUILD_TIME_MS, ms);
	policy_unref(p);
	diag_free(&d);
	return 0;
}

int cmd_lists(int argc, char **argv)
{
	enum lang l = lang_from_env();
	const char *conf = NULL, *format = NULL;
	bool quiet = false;
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		lists_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "check") != 0 && strcmp(sub, "stats") != 0) {
		msg_fprintf(stderr, l, MSG_LISTS_UNKNOWN_COMMAND, sub);
		lists_usage(stderr);
		return 2;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'f': format = optarg; break;
		case 'q': quiet = true; break;
		case 'h': lists_usage(stdout); return 0;
		default: lists_usage(stderr); return 2;
		}
	}
	if (strcmp(sub, "stats") == 0) {
		if (optind < argc - 1 || format) {
			lists_usage(stderr);
			return 2;
		}
		return lists_stats(l, conf);
	}
	return lists_check(l, conf, format, quiet, argc - 1 - optind, argv + 1 + optind);
}
