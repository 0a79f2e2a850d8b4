/* campusgate user add|passwd|disable|list: the web console's accounts, kept in the file
 * that [console] accounts names (Argon2id hashes, mode 0600, owned by [console] user). */
#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "util.h"

struct user_opts {
	const char *conf;
	const char *role;
	const char *groups;
	bool password_stdin;
};

/* Read one line (no newline) into buf of n bytes, with echo off on a terminal. Returns
 * its length, or -1 at end of input. */
static ssize_t read_line(char *buf, size_t n, bool tty)
{
	struct termios old, quiet;
	bool echo_off = tty && tcgetattr(STDIN_FILENO, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *r = fgets(buf, (int)n, stdin);
	if (echo_off) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!r)
		return -1;
	size_t len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return (ssize_t)len;
}

/* The new password for name, asked twice on a terminal, or one line of stdin. Writes it
 * to pw (ACCOUNT_PASSWORD_MAX + 2 bytes); its length, or -1 after saying why. */
static ssize_t new_password(enum lang l, const char *name, bool from_stdin, char *pw)
{
	size_t cap = ACCOUNT_PASSWORD_MAX + 2;
	bool tty = !from_stdin && isatty(STDIN_FILENO);
	if (tty)
		msg_fprintf(stderr, l, MSG_USER_PROMPT, name);
	ssize_t n = read_line(pw, cap, tty);
	if (n < 0) {
		msg_fprintf(stderr, l, MSG_USER_NO_PASSWORD);
		return -1;
	}
	if (n < ACCOUNT_PASSWORD_MIN || n > ACCOUNT_PASSWORD_MAX) {
		msg_fprintf(stderr, l, MSG_USER_TOO_SHORT, ACCOUNT_PASSWORD_MIN, ACCOUNT_PASSWORD_MAX);
		return -1;
	}
	if (tty) {
		char again[ACCOUNT_PASSWORD_MAX + 2];
		msg_fprintf(stderr, l, MSG_USER_PROMPT_AGAIN);
		ssize_t m = read_line(again, sizeof again, tty);
		bool same = m == n && sodium_memcmp(again, pw, (size_t)n) == 0;
		sodium_memzero(again, sizeof again);
		if (!same) {
			msg_fprintf(stderr, l, MSG_USER_MISMATCH);
			return -1;
		}
	}
	return n;
}

/* Hash a new password into acc. 0, or -1 after saying why. */
static int set_password(enum lang l, struct account *acc, bool from_stdin)
{
	char pw[ACCOUNT_PASSWORD_MAX + 2];
	ssize_t n = new_password(l, acc->name, from_stdin, pw);
	struct account_kdf kdf = account_kdf_default();
	int rc = -1;
	if (n >= 0) {
		rc = account_set_password(acc, pw, (size_t)n, &kdf);
		if (rc < 0)
			msg_fprintf(stderr, l, MSG_USER_HASH_FAILED);
	}
	sodium_memzero(pw, sizeof pw);
	return rc;
}

/* Is every group of acc one the config defines? */
static int groups_known(enum lang l, const struct config *cfg, const struct account *acc)
{
	for (size_t i = 0; i < acc->n_groups; i++) {
		bool found = false;
		for (size_t g = 0; g < cfg->n_groups && !found; g++)
			found = strcmp(cfg->groups[g].name, acc->groups[i]) == 0;
		if (!found) {
			msg_fprintf(stderr, l, MSG_USER_UNKNOWN_GROUP, acc->groups[i], cfg->file);
			return -1;
		}
	}
	return 0;
}

static int user_add(enum lang l, const struct config *cfg, struct accounts *a,
		    const char *name, const struct user_opts *o)
{
	enum role role;
	const char *why = NULL;
	if (!o->role || role_parse(o->role, strlen(o->role), &role) < 0) {
		msg_fprintf(stderr, l, MSG_USER_NEED_ROLE);
		return 2;
	}
	if (o->groups && role == ROLE_ADMIN) {
		msg_fprintf(stderr, l, MSG_USER_ADMIN_NO_GROUPS);
		return 2;
	}
	struct account *acc = accounts_add(a, name, role, &why);
	if (!acc) {
		msg_fprintf(stderr, l, MSG_USER_CANNOT_ADD, name, lang_reason(l, why));
		return 1;
	}
	if (o->groups && account_set_groups(acc, o->groups, &why) < 0) {
		msg_fprintf(stderr, l, MSG_USER_BAD_GROUPS, o->groups, lang_reason(l, why));
		return 1;
	}
	if (groups_known(l, cfg, acc) < 0 || set_password(l, acc, o->password_stdin) < 0)
		return 1;
	return 0;
}

static void user_list(enum lang l, const struct accounts *a)
{
	const struct account *acc;
	if (!a->n) {
		msg_printf(l, MSG_USER_NONE);
		return;
	}
	fputs(msg(l, MSG_USER_LIST_HEAD), stdout);
	TAILQ_FOREACH(acc, &a->list, entry) {
		printf("%-32s %-6s %-9s ", acc->name, role_name(acc->role),
		       msg(l, acc->disabled ? MSG_USER_STATE_DISABLED : MSG_USER_STATE_ACTIVE));
		if (!acc->n_groups)
			fputs(msg(l, MSG_USER_ALL_GROUPS), stdout);
		for (size_t i = 0; i < acc->n_groups; i++)
			printf("%s%s", i ? "," : "", acc->groups[i]);
		putchar('\n');
	}
}

/* Save a as [console] accounts, owned by [console] user when one is set. 0 or 1. */
static int user_save(enum lang l, const struct config *cfg, const struct accounts *a)
{
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	if (cfg->console.user) {
		const struct passwd *pw = getpwnam(cfg->console.user);
		if (!pw) {
			msg_fprintf(stderr, l, MSG_USER_NO_CONSOLE_USER, cfg->console.user);
			return 1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	const char *err = NULL;
	if (accounts_save(a, cfg->console.accounts, uid, gid, &err) < 0) {
		msg_fprintf(stderr, l, MSG_USER_SAVE_FAILED, cfg->console.accounts,
			    lang_reason(l, err));
		return 1;
	}
	return 0;
}

/* Run verb on the loaded accounts; the exit status. */
static int user_run(enum lang l, const struct config *cfg, struct accounts *a,
		    const char *verb, const char *name, const struct user_opts *o)
{
	if (strcmp(verb, "list") == 0) {
		user_list(l, a);
		return 0;
	}
	int rc;
	if (strcmp(verb, "add") == 0) {
		rc = user_add(l, cfg, a, name, o);
		if (rc == 0)
			msg_printf(l, MSG_USER_ADDED, name, role_name(accounts_find(a, name)->role));
	} else {
		struct account *acc = accounts_find(a, name);
		if (!acc) {
			msg_fprintf(stderr, l, MSG_USER_NO_SUCH, name);
			return 1;
		}
		if (strcmp(verb, "passwd") == 0) {
			rc = set_password(l, acc, o->password_stdin) < 0;
			if (rc == 0)
				msg_printf(l, MSG_USER_PASSWORD_SET, name);
		} else {
			acc->disabled = true;
			rc = 0;
			msg_printf(l, MSG_USER_DISABLED, name);
		}
	}
	return rc ? rc : user_save(l, cfg, a);
}

int cmd_user(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct user_opts o = {0};
	static const struct option longopts[] = {
		{"role", required_argument, NULL, 'r'},
		{"groups", required_argument, NULL, 'g'},
		{"password-stdin", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o.conf = optarg; break;
		case 'r': o.role = optarg; break;
		case 'g': o.groups = optarg; break;
		case 'p': o.password_stdin = true; break;
		case 'h': fputs(msg(l, MSG_USER_USAGE), stdout); return 0;
		default: fputs(msg(l, MSG_USER_USAGE), stderr); return 2;
		}
	}
	const char *verb = optind < argc ? argv[optind] : NULL;
	const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
	bool is_list = verb && strcmp(verb, "list") == 0;
	bool known = verb && (is_list || !strcmp(verb, "add") || !strcmp(verb, "passwd") ||
			      !strcmp(verb, "disable"));
	if (!known || optind + (is_list ? 1 : 2) != argc) {
		fputs(msg(l, MSG_USER_USAGE), stderr);
		return 2;
	}
	struct diag d;
	diag_init(&d);
	const char *path = o.conf ? o.conf : cli_default_config();
	struct config *cfg = config_load(path, &d);
	struct accounts a;
	accounts_init(&a);
	int rc = 1;
	if (cfg && accounts_load(cfg->console.accounts, &a, &d) == 0)
		rc = user_run(l, cfg, &a, verb, name, &o);
	lang_diag_print(l, &d, stderr);
	accounts_free(&a);
	config_free(cfg);
	diag_free(&d);
	return rc;
}
