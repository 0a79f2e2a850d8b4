/* admin_event: the control socket's "journal-admin" request, by which the web console
 * (and `campusgate` run as root) has campusgated journal what an account does, so that
 * the daemon's journal writer stays the only writer of the hash chain:
 *
 *     journal-admin ACTION ACCOUNT ADDRESS [DETAIL]
 *
 * ACTION one of the actions below, ACCOUNT an account name (or "-" when the name given
 * at a login was not one), ADDRESS the client's IP address, DETAIL the rest of the line:
 * what was done (a list edit's diff, a reload's result, the account changed), at most
 * ADMIN_EVENT_DETAIL_MAX bytes with no control characters.
 *
 * Actions: login login_failed login_throttled logout password_change list_edit reload
 * account_add account_edit account_disable account_enable account_passwd
 * unblock_request unblock_approve unblock_decline bundle_applied bundle_refused */
#ifndef CG_ADMIN_EVENT_H
#define CG_ADMIN_EVENT_H

#include <stddef.h>

#include "addr.h"
#include "util.h"

#define ADMIN_EVENT_ACCOUNT_MAX 32
#define ADMIN_EVENT_DETAIL_MAX 1536

struct admin_event {
	const char *action;  /* a static string of the list */
	char account[ADMIN_EVENT_ACCOUNT_MAX + 1];
	struct cg_addr client;
	char detail[ADMIN_EVENT_DETAIL_MAX + 1];  /* "" when none */
};

/* Parse the request line (len bytes, no newline). 0, or -1 with *why (static text). */
int admin_event_parse(const char *buf, size_t len, struct admin_event *out, const char **why);

/* The request line for action, account (replaced by "-" when it is not a valid name),
 * client address text and detail (NULL or "" for none; control characters become
 * spaces, and a longer text is cut on a UTF-8 boundary and ends in "..."). 0, or -1
 * when action or address is not valid. */
int admin_event_request(struct sbuf *out, const char *action, const char *account,
			const char *client, const char *detail);

#endif
