/* The daemon's life: load, build policy, open journal, start front ends, drop root,
 * serve, reload on SIGHUP, stop on SIGTERM. */
#ifndef CG_DAEMON_H
#define CG_DAEMON_H

#include <stdbool.h>

/* Command-line settings; the overrides replace what the config says. Without -c the
 * config is found by config_default_path(), unless a listener is named on the command
 * line: then the named front ends are the only ones that run, on the built-in defaults. */
struct daemon_opts {
	const char *config_path;  /* NULL: see above */
	bool check_only;          /* -n */
	const char *dns_listen;
	const char *upstream;
	const char *blocklist;
	const char *http_listen;
	const char *http_parent;
	const char *tls_listen;
	const char *journal_dir;
	const char *user;
	bool verbose;
};

/* Run until stopped; returns the exit status. */
int daemon_main(const struct daemon_opts *o);

#endif
