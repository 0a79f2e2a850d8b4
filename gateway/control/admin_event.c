/* admin_event: the "journal-admin" control request, parsed as input from another
 * process (bounded, every field checked). */
#include <string.h>

#include "admin_event.h"

static const char *const actions[] = {
	"login", "login_failed", "login_throttled", "logout", "password_change", "list_edit",
	"reload", "account_add", "account_edit", "account_disable", "account_enable",
	"account_passwd", "unblock_request", "unblock_approve", "unblock_decline",
	"bundle_applied", "bundle_refused",
};

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

static bool detail_ok(const char *s, size_t n)
{
	if (n == 0 || n > ADMIN_EVENT_DETAIL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* Split "ACTION ACCOUNT ADDRESS[ DETAIL]" (after the verb) into its four parts. */
static int split(const char *p, size_t len, const char *f[4], size_t fl[4], const char **why)
{
	static const char *const usage = "journal-admin takes ACTION ACCOUNT ADDRESS [DETAIL]";
	size_t nf = 0, start = 0;
	for (size_t i = 0; i <= len && nf < 3; i++) {
		if (i < len && p[i] != ' ')
			continue;
		f[nf] = p + start;
		fl[nf++] = i - start;
		start = i + 1;
	}
	if (nf != 3 || fl[0] == 0 || fl[1] == 0) {
		*why = usage;
		return -1;
	}
	f[3] = p + start;
	fl[3] = start <= len ? len - start : 0;
	if (start <= len && fl[3] == 0) { /* "ADDRESS " with nothing after */
		*why = usage;
		return -1;
	}
	return 0;
}

int admin_event_parse(const char *buf, size_t len, struct admin_event *out, const char **why)
{
	static const char verb[] = "journal-admin ";
	const char *f[4];
	size_t fl[4];
	if (len < sizeof verb - 1 || memcmp(buf, verb, sizeof verb - 1) != 0) {
		*why = "not a journal-admin request";
		return -1;
	}
	if (split(buf + sizeof verb - 1, len - (sizeof verb - 1), f, fl, why) < 0)
		return -1;
	out->action = action_of(f[0], fl[0]);
	if (!out->action) {
		*why = "unknown action";
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
	if (fl[3] && !detail_ok(f[3], fl[3])) {
		*why = "bad detail (control characters, or too long)";
		return -1;
	}
	memcpy(out->detail, f[3], fl[3]);
	out->detail[fl[3]] = '\0';
	return 0;
}

/* detail, control characters made spaces, cut to fit on a UTF-8 boundary. */
static void detail_add(struct sbuf *out, const char *detail)
{
	size_t n = strlen(detail), max = ADMIN_EVENT_DETAIL_MAX;
	bool cut = n > max;
	if (cut) {
		n = max - 3;
		while (n && ((unsigned char)detail[n] & 0xc0) == 0x80)
			n--;
	}
	sbuf_addc(out, ' ');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)detail[i];
		sbuf_addc(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
	if (cut)
		sbuf_adds(out, "...");
}

int admin_event_request(struct sbuf *out, const char *action, const char *account,
			const char *client, const char *detail)
{
	struct cg_addr a;
	if (!action_of(action, strlen(action)) || addr_parse(client, &a) < 0)
		return -1;
	if (!account || !account_ok(account, strlen(account)))
		account = "-";
	char text[64];
	sbuf_printf(out, "journal-admin %s %s %s", action, account, addr_str(&a, text));
	if (detail && *detail)
		detail_add(out, detail);
	return 0;
}
