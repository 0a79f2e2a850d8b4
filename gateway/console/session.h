/* session: the console's login sessions, held server side in a bounded table: 256-bit
 * random ids (the cookie), a CSRF token each, 30-minute idle and 12-hour absolute expiry.
 * Every call takes the time (monotonic seconds), so tests drive the clock. Not thread
 * safe: the console serves from one thread. */
#ifndef CG_SESSION_H
#define CG_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"

#define SESSION_ID_BYTES 32
#define SESSION_HEX_LEN (2 * SESSION_ID_BYTES) /* the cookie's and the token's length */
#define SESSION_IDLE_S (30 * 60)
#define SESSION_ABSOLUTE_S (12 * 3600)

struct session {
	bool used;
	unsigned char id[SESSION_ID_BYTES];
	char csrf[SESSION_HEX_LEN + 1];
	char account[ACCOUNT_NAME_MAX + 1];
	uint64_t created, last; /* seconds */
};

struct sessions {
	struct session *slots;
	size_t max;
	unsigned idle_s, absolute_s;
};

enum session_result {
	SESSION_OK,
	SESSION_MALFORMED, /* not 64 hex digits */
	SESSION_UNKNOWN,   /* no such session (never was, or logged out, or evicted) */
	SESSION_IDLE,      /* unused for longer than idle_s: ended */
	SESSION_EXPIRED,   /* older than absolute_s: ended */
};

/* A table of max sessions with the default expiry (the fields may be changed after). */
void sessions_init(struct sessions *s, size_t max);
void sessions_free(struct sessions *s);

/* A new session for account at now; when the table is full the least recently used one
 * is ended. Writes the id and the CSRF token as hex (SESSION_HEX_LEN + 1 bytes each) and
 * returns the session. */
struct session *sessions_create(struct sessions *s, const char *account, uint64_t now,
				char id_hex[SESSION_HEX_LEN + 1]);

/* The session of the cookie value id (len bytes) at now: SESSION_OK with *out set (and
 * its idle clock restarted), or why not (an expired session is ended). */
enum session_result sessions_find(struct sessions *s, const char *id, size_t len, uint64_t now,
				  struct session **out);

/* Does token (len bytes) equal the session's CSRF token? Constant time. */
bool session_csrf_ok(const struct session *se, const char *token, size_t len);

/* End one session (logout). */
void sessions_end(struct sessions *s, struct session *se);
/* End every session of account (disabled, password changed); how many. */
size_t sessions_end_account(struct sessions *s, const char *account);
/* End every session of account but keep (its own password change); how many. */
size_t sessions_end_others(struct sessions *s, const char *account, const struct session *keep);

#endif
