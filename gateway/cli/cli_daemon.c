/* campusgate reload / status: talk to the running daemon through its pid file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "util.h"

/* The daemon's PID from the config's pid file, checked to be a campusgated process.
 * Returns the PID, or -1 after printing why. */
static pid_t daemon_pid(const char *conf_path, enum lang l)
{
	struct diag diag;
	diag_init(&diag);
	struct config *cfg = config_load(conf_path, &diag);
	if (!cfg) {
		lang_diag_print(lang_from_env(), &diag, stderr);
		diag_free(&diag);
		return -1;
	}
	diag_free(&diag);
	pid_t pid = -1;
	if (!cfg->pid_file) {
		fprintf(stderr, "%s: %s\n", conf_path,
			msg(l, MSG_CTL_NO_GENERAL_PID_FILE));
		goto out;
	}
	FILE *f = fopen(cfg->pid_file, "r");
	long v = 0;
	if (!f || fscanf(f, "%ld", &v) != 1 || v <= 1) {
		fprintf(stderr, "%s: %s\n", cfg->pid_file,
			msg(l, MSG_CTL_NOT_RUNNING));
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	char path[64], comm[64] = "";
	snprintf(path, sizeof path, "/proc/%ld/comm", v);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = '\0';
		fclose(f);
	}
	if (strncmp(comm, "campusgated", 11) != 0) {
		fprintf(stderr, "%s: %s %ld\n", cfg->pid_file,
			msg(l, MSG_CTL_STALE_PID_FILE),
			v);
		goto out;
	}
	pid = (pid_t)v;
out:
	config_free(cfg);
	return pid;
}

static int daemon_cmd(int argc, char **argv, bool reload)
{
	enum lang l = lang_from_env();
	const char *conf = NULL;
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (c == 'c') {
			conf = optarg;
		} else {
			fputs(reload ? msg(l, MSG_CTL_USAGE_RELOAD)
				      : msg(l, MSG_CTL_USAGE_STATUS), stdout);
			return c == 'h' ? 0 : 2;
		}
	}
	if (!conf)
		conf = cli_default_config();
	pid_t pid = daemon_pid(conf, l);
	if (pid < 0)
		return reload ? 2 : 1;
	if (!reload) {
		msg_printf(l, MSG_CTL_RUNNING, (long)pid);
		return 0;
	}
	if (kill(pid, SIGHUP) < 0) {
		fprintf(stderr, "campusgate: kill %ld: %s\n", (long)pid, strerror(errno));
		return 2;
	}
	msg_printf(l, MSG_CTL_RELOAD_REQUESTED, (long)pid);
	return 0;
}

int cmd_reload(int argc, char **argv)
{
	return daemon_cmd(argc, argv, true);
}

int cmd_status(int argc, char **argv)
{
	return daemon_cmd(argc, argv, false);
}
