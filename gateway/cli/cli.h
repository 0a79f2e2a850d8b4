/* Subcommands of the `campusgate` admin and staff tool. Each takes the arguments after
 * its own name (argv[0] is the subcommand name) and returns the process exit status. */
#ifndef CG_CLI_H
#define CG_CLI_H

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
int cmd_bundle(int argc, char **argv);  /* bundle keygen|make|sign|verify (cli_bundle.c) */
int cmd_update(int argc, char **argv);  /* update: the district's bundle (cli_update.c) */

#endif
