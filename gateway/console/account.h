/* account: the console's accounts (campusgate user ...): one file, one account a line,
 * Argon2id password hashes (libsodium crypto_pwhash_str). The file is read as hostile
 * input and written atomically, mode 0600. Format (docs/console.md):
 *
 *     # comment
 *     NAME:ROLE:GROUPS:FLAGS:HASH
 *     alice:admin:::$argon2id$v=19$m=65536,t=2,p=1$...
 *     wang:staff:7a,7b:disabled:$argon2id$...
 *     admin:admin::mustchange:$argon2id$...
 *
 * FLAGS is empty or a comma-separated set of: disabled (cannot sign in), mustchange (a
 * one-time password: the first sign-in must set a new one).
 */
#ifndef CG_ACCOUNT_H
#define CG_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "config.h"
#include "role.h"
#include "util.h"

#define ACCOUNT_NAME_MAX 32      /* bytes of a name */
#define ACCOUNT_MAX_GROUPS 16    /* groups of one staff account */
#define ACCOUNT_MAX 1000         /* accounts in a file */
#define ACCOUNT_LINE_MAX 512     /* bytes of a line, without its newline */
#define ACCOUNT_FILE_MAX (1 << 20)
#define ACCOUNT_PASSWORD_MIN 8   /* characters (bytes) of a new password */
#define ACCOUNT_PASSWORD_MAX 256
#define ACCOUNT_ONETIME_LEN 19   /* a one-time password: xxxx-xxxx-xxxx-xxxx */

struct account {
	TAILQ_ENTRY(account) entry;
	char name[ACCOUNT_NAME_MAX + 1];
	enum role role;
	char *groups[ACCOUNT_MAX_GROUPS]; /* staff only; none = every group */
	size_t n_groups;
	bool disabled;
	bool mustchange;                  /* a one-time password: change at first sign-in */
	char *hash;                       /* crypto_pwhash_str's text */
};

TAILQ_HEAD(account_list, account);

struct accounts {
	struct account_list list;
	size_t n;
};

/* Argon2id cost. account_kdf_default() is libsodium's INTERACTIVE pair. */
struct account_kdf {
	unsigned long long ops;
	size_t mem;
};
struct account_kdf account_kdf_default(void);

void accounts_init(struct accounts *a);
void accounts_free(struct accounts *a);

/* Parse len bytes of an account file read from file (for messages). Every bad line is
 * reported to d as "file:line: what" (in English and zh-CN); returns 0, or -1 when any
 * line was bad (a is then left empty: no half-read account file is used). */
int accounts_parse(const char *buf, size_t len, const char *file, struct accounts *a,
		   struct diag *d);
/* Read and parse path. A missing file is an empty set (0). */
int accounts_load(const char *path, struct accounts *a, struct diag *d);
/* The file's text. */
void accounts_format(const struct accounts *a, struct sbuf *out);
/* Write a to path atomically (a temporary file in the same folder, fsync, rename), mode
 * 0600, owned by uid:gid when they are not -1. Creates the folder (0700) when missing.
 * 0, or -1 with *err (errno's text). */
int accounts_save(const struct accounts *a, const char *path, uid_t uid, gid_t gid,
		  const char **err);

/* The account named name, or NULL. */
struct account *accounts_find(const struct accounts *a, const char *name);
/* A new account (no password yet) added at the end; NULL when the name is taken or bad
 * (*why says which, a catalogue reason). */
struct account *accounts_add(struct accounts *a, const char *name, enum role role,
			     const char **why);

/* Is s a valid account or group name? (1-32 of [a-z0-9._-] for accounts, [A-Za-z0-9._-]
 * for groups, starting with a letter or digit) */
bool account_name_ok(const char *s, size_t n);
bool account_group_ok(const char *s, size_t n);
/* Set the groups from "7a,7b" (empty: every group). 0, or -1 with *why. */
int account_set_groups(struct account *acc, const char *list, const char **why);

/* Hash pw with kdf into acc. 0, or -1 (out of memory, or pw longer than
 * ACCOUNT_PASSWORD_MAX). */
int account_set_password(struct account *acc, const char *pw, size_t len,
			 const struct account_kdf *kdf);
/* Does pw match acc's hash? true or false; *rehash is set when it matches but was
 * hashed with other parameters than kdf. A disabled account never matches. */
bool account_verify(const struct account *acc, const char *pw, size_t len,
		    const struct account_kdf *kdf, bool *rehash);
/* Spend the time of one verify for an unknown name (no timing tells names apart). */
void account_verify_dummy(const char *pw, size_t len, const struct account_kdf *kdf);


/* ---- the rules every change obeys, in the console (/accounts, /password) and in
 * `campusgate user` alike ---- */

/* Accounts that are admin and not disabled. */
size_t accounts_active_admins(const struct accounts *a);
/* May actor (an account name, or NULL for root on the command line) give acc the role
 * and disabled state? Refused (-1, *why a catalogue reason) when it would leave no active
 * admin, or when an admin would demote or disable themselves. 0 when allowed. */
int account_change_allowed(const struct accounts *a, const struct account *acc,
			   const char *actor, enum role role, bool disabled, const char **why);
/* Is pw (len bytes) acceptable as a new password, and again (when not NULL) the same?
 * ACCOUNT_PASSWORD_MIN to _MAX bytes, no control characters. 0, or -1 with *why. */
int account_password_check(const char *pw, size_t len, const char *again, size_t again_len,
			   const char **why);
/* A one-time password from libsodium's generator (16 letters and digits without the
 * look-alikes 0 O 1 l I, about 93 bits, in groups of four): out gets
 * ACCOUNT_ONETIME_LEN + 1 bytes. */
void account_onetime_password(char out[ACCOUNT_ONETIME_LEN + 1]);
/* Is every group of acc one that cfg defines? 0, or -1 with *bad the first unknown. */
int account_groups_known(const struct account *acc, const struct config *cfg,
			 const char **bad);
/* acc's groups as "7a,7b", or "*" for every group, appended to out. */
void account_groups_text(const struct account *acc, struct sbuf *out);

#endif
