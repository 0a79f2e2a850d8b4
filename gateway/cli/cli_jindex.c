/* campusgate journal index: build or bring up to date the journal's index (a derived
 * cache, journal_index.h) for cron or an admin, and where the CLI keeps and finds it. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cg_config.h"
#include "config.h"
#include "journal_index.h"
#include "journal_read.h"
#include "util.h"

/* The index is a cache: CAMPUSGATE_INDEX=off reads every line and keeps nothing. */
static bool index_off(void)
{
	const char *off = getenv("CAMPUSGATE_INDEX");
	return off && strcmp(off, "off") == 0;
}

/* The console's index folder of cfg (journal-index/ beside its accounts file), or NULL;
 * malloc'd. */
static char *console_index_dir(const struct config *cfg)
{
	if (!cfg || !cfg->console.accounts)
		return NULL;
	char *copy = xstrdup(cfg->console.accounts);
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/journal-index", dirname(copy));
	free(copy);
	return sbuf_take(&b);
}

char *cli_index_setup(const struct config *cfg)
{
	if (index_off())
		return NULL;
	char *cdir = console_index_dir(cfg);
	char *dir = journal_index_dir_choose(cdir, getenv("XDG_CACHE_HOME"), getenv("HOME"));
	free(cdir);
	journal_index_cache_setup(dir);
	return dir;
}

int cli_jindex_parse(int argc, char **argv, struct jindex_opts *o, enum msg_id *why,
		     const char **arg)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dir", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c;
	memset(o, 0, sizeof *o);
	o->days = JINDEX_DAYS_DEFAULT;
	*arg = NULL;
	optind = 0; /* GNU getopt: start over (the unit test parses many times) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->conf = optarg; break;
		case 'd': o->dir = optarg; break;
		case 'h': o->help = true; return 0;
		case 'n':
			if (parse_uint(optarg, 1, JINDEX_DAYS_MAX, &v) < 0) {
				*why = MSG_JINDEX_BAD_DAYS, *arg = optarg;
				return -1;
			}
			o->days = (unsigned)v;
			break;
		case ':':
			*why = MSG_JOURNAL_OPTION_NEEDS_VALUE, *arg = argv[optind - 1];
			return -1;
		default:
			*why = MSG_CLI_UNKNOWN_OPTION, *arg = argv[optind - 1];
			return -1;
		}
	}
	if (optind < argc) {
		*why = MSG_CLI_UNEXPECTED_ARGUMENT, *arg = argv[optind];
		return -1;
	}
	if (o->conf && o->dir) {
		*why = MSG_JOURNAL_CONF_AND_DIR;
		return -1;
	}
	return 0;
}

/* The journal folder (and the config, to find the console's index folder). 0 or 2. */
static int jindex_resolve(const struct jindex_opts *o, enum lang l, struct config **cfg,
			  const char **jdir)
{
	*cfg = NULL;
	if (o->dir) {
		*jdir = o->dir;
		return 0;
	}
	const char *conf = o->conf ? o->conf : config_default_path();
	struct diag d;
	diag_init(&d);
	*cfg = config_load(conf, &d);
	if (!*cfg) {
		lang_diag_print(l, &d, stderr);
		msg_fprintf(stderr, l, MSG_JOURNAL_BAD_CONFIG, "journal index", conf);
		diag_free(&d);
		return 2;
	}
	diag_free(&d);
	*jdir = (*cfg)->journal.dir;
	return 0;
}

int cmd_journal_index(int argc, char **argv, enum lang l)
{
	struct jindex_opts o;
	enum msg_id why;
	const char *arg, *jdir, *err = NULL;
	struct config *cfg = NULL;
	if (cli_jindex_parse(argc, argv, &o, &why, &arg) < 0) {
		fprintf(stderr, "campusgate journal index: %s%s%s%s\n", msg(l, why),
			arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
		msg_fprintf(stderr, l, MSG_JOURNAL_SEE_HELP, "journal index");
		return 2;
	}
	if (o.help) {
		fputs(msg(l, MSG_JINDEX_HELP), stdout);
		return 0;
	}
	if (index_off()) {
		msg_fprintf(stderr, l, MSG_JINDEX_OFF);
		return 0;
	}
	if (jindex_resolve(&o, l, &cfg, &jdir) != 0)
		return 2;
	char *cache = cli_index_setup(cfg);
	int rc = 0;
	unsigned built = 0;
	uint64_t t0 = now_mono_ns();
	if (!cache) {
		msg_fprintf(stderr, l, MSG_JINDEX_NO_FOLDER);
		rc = 2;
	} else if (journal_index_warm(jdir, now_wall_us() - (int64_t)o.days * 86400 * 1000000,
				      NULL, &built, &err) < 0) {
		fprintf(stderr, "campusgate journal index: %s: %s\n", jdir, err);
		rc = 2;
	} else {
		msg_printf(l, MSG_JINDEX_DONE, built, jdir,
			   (double)(now_mono_ns() - t0) / 1e9, cache);
	}
	free(cache);
	config_free(cfg);
	return rc;
}
