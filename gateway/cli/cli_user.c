/* campusgate user add|passwd|disable|enable|edit|list|init: the web console's accounts,
 * kept in the file that [console] accounts names (Argon2id hashes, mode 0600, owned by
 * [console] user). The rules are the console's own (account.c): the last active admin
 * stays, passwords of 8 to 256 characters, groups the config defines. Every change is
 * journaled by campusgated (journal-admin on the control socket) when it answers, with
 * the Unix user that ran the command as the account and "campusgate user" in the
 * detail; when it does not answer the change is made and the command says it was not
 * journaled. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "account.h"
#include "admin_event.h"
#include "cli.h"
#include "config.h"
#include "control.h"
#include "i18n.h"
#include "util.h"

struct user_opts {
	const char *conf;
	const char *role;
	const char *groups;
	bool password_stdin;
	bool onetime;
};

/* One change, for the journal: its action and detail (never a password). */
struct user_change {
	const char *action;
	struct sbuf detail;
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
	const char *why = NULL;
	if (tty)
		msg_fprintf(stderr, l, MSG_USER_PROMPT, name);
	ssize_t n = read_line(pw, cap, tty);
	if (n < 0) {
		msg_fprintf(stderr, l, MSG_USER_NO_PASSWORD);
		return -1;
	}
	char again[ACCOUNT_PASSWORD_MAX + 2];
	ssize_t m = 0;
	if (tty) {
		msg_fprintf(stderr, l, MSG_USER_PROMPT_AGAIN);
		m = read_line(again, sizeof again, tty);
	}
	int rc = account_password_check(pw, (size_t)n, tty ? again : NULL, m < 0 ? 0 : (size_t)m,
					&why);
	sodium_memzero(again, sizeof again);
	if (rc < 0) {
		msg_fprintf(stderr, l, MSG_USER_BAD_PASSWORD, lang_reason(l, why));
		return -1;
	}
	return n;
}

/* Hash a new password into acc: typed (or from stdin), or with --onetime made, printed
 * once and flagged mustchange. 0, or -1 after saying why. */
static int set_password(enum lang l, struct account *acc, const struct user_opts *o)
{
	char pw[ACCOUNT_PASSWORD_MAX + 2];
	ssize_t n;
	if (o->onetime) {
		account_onetime_password(pw);
		n = (ssize_t)strlen(pw);
	} else {
		n = new_password(l, acc->name, o->password_stdin, pw);
	}
	struct account_kdf kdf = account_kdf_default();
	int rc = -1;
	if (n >= 0) {
		rc = account_set_password(acc, pw, (size_t)n, &kdf);
		if (rc < 0)
			msg_fprintf(stderr, l, MSG_USER_HASH_FAILED);
		acc->mustchange = o->onetime;
		if (rc == 0 && o->onetime)
			msg_printf(l, MSG_USER_ONETIME, acc->name, pw);
	}
	sodium_memzero(pw, sizeof pw);
	return rc;
}

/* --groups into acc, checked against the config. 0, or -1 after saying why. */
static int set_groups(enum lang l, const struct config *cfg, struct account *acc,
		      const char *groups)
{
	const char *why = NULL, *bad = NULL;
	if (account_set_groups(acc, groups, &why) < 0) {
		msg_fprintf(stderr, l, MSG_USER_BAD_GROUPS, groups, lang_reason(l, why));
		return -1;
	}
	if (account_groups_known(acc, cfg, &bad) < 0) {
		msg_fprintf(stderr, l, MSG_USER_UNKNOWN_GROUP, bad, cfg->file);
		return -1;
	}
	return 0;
}

static int user_add(enum lang l, const struct config *cfg, struct accounts *a,
		    const char *name, const struct user_opts *o, struct user_change *ch)
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
	if ((o->groups && set_groups(l, cfg, acc, o->groups) < 0) || set_password(l, acc, o) < 0)
		return 1;
	ch->action = "account_add";
	sbuf_printf(&ch->detail, "%s role=%s groups=", name, role_name(role));
	account_groups_text(acc, &ch->detail);
	sbuf_printf(&ch->detail, " password=%s", o->onetime ? "one-time" : "typed");
	msg_printf(l, MSG_USER_ADDED, name, role_name(role));
	return 0;
}

/* edit NAME --role R --groups G: either or both. */
static int user_edit(enum lang l, const struct config *cfg, struct accounts *a,
		     struct account *acc, const struct user_opts *o, struct user_change *ch)
{
	enum role role = acc->role;
	const char *why = NULL;
	if ((!o->role && !o->groups) ||
	    (o->role && role_parse(o->role, strlen(o->role), &role) < 0)) {
		fputs(msg(l, MSG_USER_USAGE), stderr);
		return 2;
	}
	if (account_change_allowed(a, acc, NULL, role, acc->disabled, &why) < 0) {
		msg_fprintf(stderr, l, MSG_USER_REFUSED, acc->name, lang_reason(l, why));
		return 1;
	}
	const char *groups = o->groups ? o->groups : role == ROLE_ADMIN ? "" : NULL;
	if (role == ROLE_ADMIN && groups && *groups) {
		msg_fprintf(stderr, l, MSG_USER_ADMIN_NO_GROUPS);
		return 2;
	}
	struct sbuf before;
	sbuf_init(&before);
	account_groups_text(acc, &before);
	ch->action = "account_edit";
	sbuf_adds(&ch->detail, acc->name);
	if (role != acc->role)
		sbuf_printf(&ch->detail, " role %s->%s", role_name(acc->role), role_name(role));
	acc->role = role;
	int rc = groups && set_groups(l, cfg, acc, groups) < 0 ? 1 : 0;
	sbuf_adds(&ch->detail, " groups ");
	sbuf_adds(&ch->detail, before.data);
	sbuf_adds(&ch->detail, "->");
	account_groups_text(acc, &ch->detail);
	sbuf_free(&before);
	if (rc == 0)
		msg_printf(l, MSG_USER_EDITED, acc->name);
	return rc;
}

static int user_state(enum lang l, struct accounts *a, struct account *acc, bool disable,
		      struct user_change *ch)
{
	const char *why = NULL;
	if (disable && account_change_allowed(a, acc, NULL, acc->role, true, &why) < 0) {
		msg_fprintf(stderr, l, MSG_USER_REFUSED, acc->name, lang_reason(l, why));
		return 1;
	}
	acc->disabled = disable;
	ch->action = disable ? "account_disable" : "account_enable";
	sbuf_adds(&ch->detail, acc->name);
	if (disable)
		msg_printf(l, MSG_USER_DISABLED, acc->name);
	else
		msg_printf(l, MSG_USER_ENABLED, acc->name);
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
		if (acc->mustchange)
			fputs(msg(l, MSG_USER_MUSTCHANGE), stdout);
		putchar('\n');
	}
}

/* init: when no admin is active, an admin "admin" (or admin2 ...) with a one-time
 * password, printed once in zh-CN and English (the run command's first screen). */
static int user_init(struct accounts *a, struct user_change *ch)
{
	if (accounts_active_admins(a))
		return -1;
	char name[ACCOUNT_NAME_MAX + 1] = "admin", pw[ACCOUNT_ONETIME_LEN + 1];
	const char *why = NULL;
	for (int i = 2; accounts_find(a, name) && i < 1000; i++)
		snprintf(name, sizeof name, "admin%d", i);
	struct account *acc = accounts_add(a, name, ROLE_ADMIN, &why);
	struct account_kdf kdf = account_kdf_default();
	account_onetime_password(pw);
	if (!acc || account_set_password(acc, pw, strlen(pw), &kdf) < 0) {
		sodium_memzero(pw, sizeof pw);
		msg_fprintf(stderr, LANG_EN, MSG_USER_CANNOT_ADD, name, why ? why : "hash");
		return 1;
	}
	acc->mustchange = true;
	msg_printf(LANG_ZH, MSG_USER_FIRST_ADMIN, name);
	msg_printf(LANG_EN, MSG_USER_FIRST_ADMIN, name);
	printf("    %s\n", pw);
	sodium_memzero(pw, sizeof pw);
	ch->action = "account_add";
	sbuf_printf(&ch->detail, "%s role=admin groups=* password=one-time (first admin)", name);
	return 0;
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

/* Have campusgated journal the change, as the Unix user running this; a note when it
 * cannot (the change stands), but for init when no daemon runs yet (an install). */
static void user_journal(enum lang l, const struct config *cfg, const struct user_change *ch,
			 bool quiet_absent)
{
	const struct passwd *pw = getpwuid(geteuid());
	struct sbuf req, rep, detail;
	sbuf_init(&req);
	sbuf_init(&rep);
	sbuf_init(&detail);
	sbuf_printf(&detail, "%s (campusgate user)", ch->detail.data);
	if (!cfg->control_socket) {
		if (!quiet_absent)
			msg_fprintf(stderr, l, MSG_USER_NOT_JOURNALED, msg(l, MSG_CONSOLE_NO_CONTROL));
	} else if (admin_event_request(&req, ch->action, pw ? pw->pw_name : NULL, "127.0.0.1",
				       detail.data) < 0 ||
		   control_request(cfg->control_socket, req.data, 3000, &rep, 65536) < 0) {
		if (!quiet_absent || (errno != ENOENT && errno != ECONNREFUSED))
			msg_fprintf(stderr, l, MSG_USER_NOT_JOURNALED, lang_reason(l, strerror(errno)));
	} else if (rep.len < 3 || memcmp(rep.data, "ok\n", 3) != 0) {
		sbuf_adds(&rep, "");
		msg_fprintf(stderr, l, MSG_USER_NOT_JOURNALED, rep.data);
	}
	sbuf_free(&req);
	sbuf_free(&rep);
	sbuf_free(&detail);
}

/* Run verb on the loaded accounts; the exit status. */
static int user_run(enum lang l, const struct config *cfg, struct accounts *a,
		    const char *verb, const char *name, const struct user_opts *o)
{
	struct user_change ch = {NULL, {0}};
	sbuf_init(&ch.detail);
	int rc = 0;
	if (strcmp(verb, "list") == 0) {
		user_list(l, a);
	} else if (strcmp(verb, "init") == 0) {
		rc = user_init(a, &ch);
		rc = rc < 0 ? 0 : rc;
	} else if (strcmp(verb, "add") == 0) {
		rc = user_add(l, cfg, a, name, o, &ch);
	} else {
		struct account *acc = accounts_find(a, name);
		if (!acc) {
			msg_fprintf(stderr, l, MSG_USER_NO_SUCH, name);
			rc = 1;
		} else if (strcmp(verb, "passwd") == 0) {
			rc = set_password(l, acc, o) < 0;
			ch.action = "account_passwd";
			sbuf_printf(&ch.detail, "%s password reset (%s)", name,
				    o->onetime ? "one-time" : "typed");
			if (rc == 0)
				msg_printf(l, MSG_USER_PASSWORD_SET, name);
		} else if (strcmp(verb, "edit") == 0) {
			rc = user_edit(l, cfg, a, acc, o, &ch);
		} else {
			rc = user_state(l, a, acc, strcmp(verb, "disable") == 0, &ch);
		}
	}
	if (rc == 0 && ch.action) {
		rc = user_save(l, cfg, a);
		if (rc == 0)
			user_journal(l, cfg, &ch, strcmp(verb, "init") == 0);
	}
	sbuf_free(&ch.detail);
	return rc;
}

/* Is verb one of ours, with the right count of arguments after it? */
static bool user_args_ok(const char *verb, int rest)
{
	static const char *const named[] = {"add", "passwd", "disable", "enable", "edit"};
	if (!verb)
		return false;
	if (strcmp(verb, "list") == 0 || strcmp(verb, "init") == 0)
		return rest == 1;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strcmp(verb, named[i]) == 0)
			return rest == 2;
	return false;
}

int cmd_user(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct user_opts o = {0};
	static const struct option longopts[] = {
		{"role", required_argument, NULL, 'r'},
		{"groups", required_argument, NULL, 'g'},
		{"password-stdin", no_argument, NULL, 'p'},
		{"onetime", no_argument, NULL, 'o'},
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
		case 'o': o.onetime = true; break;
		case 'h': fputs(msg(l, MSG_USER_USAGE), stdout); return 0;
		default: fputs(msg(l, MSG_USER_USAGE), stderr); return 2;
		}
	}
	const char *verb = optind < argc ? argv[optind] : NULL;
	const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (!user_args_ok(verb, argc - optind) || (o.onetime && o.password_stdin)) {
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
