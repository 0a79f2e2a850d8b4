/* admin_event: the "journal-admin" control request, parsed as input from another
 * process (bounded, every field checked). */
#include <string.h>

#include "admin_event.h"

static const char *const actions[] = {"login", "login_failed", "login_throttled", "logout"};

static const char *action_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strlen(actions[i]) == n && memcmp(actions[i], s, n) == 0)
			return actions[i];
	return NULL;
}

static bool account_ok(const char *s, size_t n)
{
	if (n == 1 && s[0] == '-')
		return true;
	if (n == 0 || n > ADMIN_EVENT_ACCOUNT_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (i > 0 && (c == '.' || c == '_' || c == '-'))))
			return false;
	}
	return true;
}

int admin_event_parse(const char *buf, size_t len, struct admin_event *out, const char **why)
{
	static const char verb[] = "journal-admin ";
	const char *f[3];
	size_t fl[3], nf = 0;
	if (len < sizeof verb - 1 || memcmp(buf, verb, sizeof verb - 1) != 0) {
		*why = "not a journal-admin request";
		return -1;
	}
	size_t start = sizeof verb - 1;
	for (size_t i = start; i <= len; i++) {
		if (i < len && buf[i] != ' ')
			continue;
		if (nf == 3) {
			*why = "journal-admin takes ACTION ACCOUNT ADDRESS";
			return -1;
		}
		f[nf] = buf + start;
		fl[nf++] = i - start;
		start = i + 1;
	}
	if (nf != 3) {
		*why = "journal-admin takes ACTION ACCOUNT ADDRESS";
		return -1;
	}
	out->action = action_of(f[0], fl[0]);
	if (!out->action) {
		*why = "unknown action (login, login_failed, login_throttled, logout)";
		return -1;
	}
	if (!account_ok(f[1], fl[1])) {
		*why = "bad account name";
		return -1;
	}
	memcpy(out->account, f[1], fl[1]);
	out->account[fl[1]] = '\0';
	char a[64];
	if (fl[2] == 0 || fl[2] >= sizeof a) {
		*why = "bad address";
		return -1;
	}
	memcpy(a, f[2], fl[2]);
	a[fl[2]] = '\0';
	if (addr_parse(a, &out->client) < 0) {
		*why = "bad address";
		return -1;
	}
	return 0;
}

int admin_event_request(struct sbuf *out, const char *action, const char *account,
			const char *client)
{
	struct cg_addr a;
	if (!action_of(action, strlen(action)) || addr_parse(client, &a) < 0)
		return -1;
	if (!account || !account_ok(account, strlen(account)))
		account = "-";
	char text[64];
	sbuf_printf(out, "journal-admin %s %s %s", action, account, addr_str(&a, text));
	return 0;
}
