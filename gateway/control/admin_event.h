/* admin_event: the control socket's "journal-admin" request, by which the web console
 * has campusgated journal what its accounts do (login, failed login, logout), so that
 * the daemon's journal writer stays the only writer of the hash chain:
 *
 *     journal-admin ACTION ACCOUNT ADDRESS
 *
 * ACTION one of admin_event_actions, ACCOUNT an account name (or "-" when the name
 * given at a login was not one), ADDRESS the client's IP address. */
#ifndef CG_ADMIN_EVENT_H
#define CG_ADMIN_EVENT_H

#include <stddef.h>

#include "addr.h"
#include "util.h"

#define ADMIN_EVENT_ACCOUNT_MAX 32

struct admin_event {
	const char *action;  /* a static string of the list */
	char account[ADMIN_EVENT_ACCOUNT_MAX + 1];
	struct cg_addr client;
};

/* Parse the request line (len bytes, no newline). 0, or -1 with *why (static text). */
int admin_event_parse(const char *buf, size_t len, struct admin_event *out, const char **why);

/* The request line for action, account (replaced by "-" when it is not a valid name)
 * and client address text. 0, or -1 when action or address is not valid. */
int admin_event_request(struct sbuf *out, const char *action, const char *account,
			const char *client);

#endif
