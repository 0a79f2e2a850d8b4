/* grants: the allowlist entries that an admin's approval of an unblock request makes,
 * each for one name (and the names below it), one group (or the whole school, "*") and
 * a time (until a moment, or permanent). One file, written by the console and read by
 * the policy at every build; a line:
 *
 *     NAME GROUP UNTIL REQUEST ACCOUNT
 *
 * NAME a normalised host name, GROUP a group name or "*", UNTIL the end in seconds
 * since the epoch or "permanent", REQUEST the unblock request's event id (or "-"),
 * ACCOUNT the admin who approved. '#' starts a comment line. An expired grant never
 * allows (the policy checks UNTIL at every decision). */
#ifndef CG_GRANTS_H
#define CG_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util.h"

#define GRANTS_MAX 10000      /* lines of one file */
#define GRANT_FIELD_MAX 64    /* bytes of a group, request id or account */

struct grant {
	char *name;         /* normalised; NUL-terminated */
	size_t name_len;
	char *group;        /* a group name, or "*" for every group */
	time_t until;       /* 0 = permanent */
	char *request;      /* the request's event id, or "-" */
	char *account;      /* who approved */
	unsigned line;      /* in the file it was read from (0: added since) */
};

struct grants {
	struct grant *v;
	size_t n, cap;
};

/* Parse a grants file's text (len bytes) named file (for messages): bad lines go to
 * diag as "file:line: why" and are skipped. Returns the grants kept (appended to g). */
size_t grants_parse(const char *buf, size_t len, const char *file, struct grants *g,
		    struct diag *diag);

/* Read path into g (a missing file is no grants). 0, or -1 when it cannot be read
 * (reported in diag). */
int grants_read(const char *path, struct grants *g, struct diag *diag);

/* Add one grant (copies the strings; checks them as the parser does). 0, or -1 with
 * *why. */
int grants_add(struct grants *g, const char *name, const char *group, time_t until,
	       const char *request, const char *account, const char **why);

/* Drop the grants that have ended by now. Returns how many. */
size_t grants_expire(struct grants *g, time_t now);

/* Write g to path atomically (a temporary file beside it, fsynced, renamed). 0, or -1
 * with errno set. */
int grants_write(const char *path, const struct grants *g);

/* The grant that allows host (host_len bytes, normalised) for group at now: the name
 * itself or a parent of it, the group or "*", not ended. NULL when none. */
const struct grant *grants_match(const struct grants *g, const char *host, size_t host_len,
				 const char *group, time_t now);

/* The earliest end after now among g's grants, or 0 when none ends. */
time_t grants_next_end(const struct grants *g, time_t now);

void grants_free(struct grants *g);

#endif
