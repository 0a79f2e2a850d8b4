/* Subcommands of the `campusgate` admin and staff tool. Each takes the arguments after
 * its own name (argv[0] is the subcommand name) and returns the process exit status. */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "i18n.h"
#include "review.h"

/* Where the tool finds the config when -c is not given. */
const char *cli_default_config(void);

int cmd_check(int argc, char **argv);   /* check NAME-OR-URL: explain a decision (cli_check.c) */
int cmd_config(int argc, char **argv);  /* config check (cli_config.c) */
int cmd_lists(int argc, char **argv);   /* lists check|stats|import|add|remove (cli_lists.c) */
int cmd_journal(int argc, char **argv); /* journal [filters] | journal verify (cli_journal.c) */
int cmd_report(int argc, char **argv);  /* report --since 12h (cli_journal.c) */
int cmd_sensor(int argc, char **argv);  /* sensor --read FILE (cli_sensor.c) */
int cmd_reload(int argc, char **argv);  /* reload: SIGHUP to campusgated (cli_daemon.c) */
int cmd_status(int argc, char **argv);  /* status: is the daemon running (cli_daemon.c) */
int cmd_setup(int argc, char **argv);   /* setup: write config and nftables rules (cli_setup.c) */
int cmd_ipmac(int argc, char **argv);   /* ipmac sync: the IP-MAC binding set (cli_ipmac.c) */
int cmd_user(int argc, char **argv);    /* user add|passwd|disable|list (cli_user.c) */
int cmd_district(int argc, char **argv); /* district ingest|verify|... (cli_district.c) */

/* journal/report --district: the store's lines that pass f (school NULL: every school)
 * to cb in (school, time) order (cli_district.c). -1 after saying why, as "campusgate
 * CMD: ...". Without libpq (meson -Ddistrict=disabled) both say they are not built. */
int cli_district_scan(const char *db, const char *school, const struct review_filter *f,
		      const char *cmd, enum lang l,
		      int (*cb)(const char *school, const struct journal_record *r,
				const char *line, size_t len, void *ctx), void *ctx);
/* journal index [--days N] [-c CONF | --dir DIR] (cli_jindex.c). */
#define JINDEX_DAYS_DEFAULT 31
#define JINDEX_DAYS_MAX 400
struct jindex_opts {
	const char *conf, *dir;
	unsigned days;
	bool help;
};
/* Its options (argv[0] is "index"). 0, or -1 with the message *why and the argument it
 * is about in *arg (NULL: none). */
int cli_jindex_parse(int argc, char **argv, struct jindex_opts *o, enum msg_id *why,
		     const char **arg);
int cmd_journal_index(int argc, char **argv, enum lang l);
/* Set up the journal's index cache for this run (journal_index_dir_choose: the console's
 * folder of cfg, may be NULL, when readable, else the user's cache); nothing with
 * CAMPUSGATE_INDEX=off. The folder (malloc'd) or NULL (memory only, or off). */
struct config;
char *cli_index_setup(const struct config *cfg);

int cmd_bundle(int argc, char **argv);  /* bundle keygen|make|sign|verify (cli_bundle.c) */
int cmd_update(int argc, char **argv);  /* update: the district's bundle (cli_update.c) */

#endif
