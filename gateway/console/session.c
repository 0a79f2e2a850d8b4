/* session: server-side sessions and CSRF tokens for the console (docs/console.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

void sessions_init(struct sessions *s, size_t max)
{
	s->slots = xcalloc(max ? max : 1, sizeof *s->slots);
	s->max = max ? max : 1;
	s->idle_s = SESSION_IDLE_S;
	s->absolute_s = SESSION_ABSOLUTE_S;
}

void sessions_free(struct sessions *s)
{
	sodium_memzero(s->slots, s->max * sizeof *s->slots);
	free(s->slots);
	s->slots = NULL;
	s->max = 0;
}

void sessions_end(struct sessions *s, struct session *se)
{
	CG_UNUSED(s);
	sodium_memzero(se, sizeof *se);
}

struct session *sessions_create(struct sessions *s, const char *account, uint64_t now,
				char id_hex[SESSION_HEX_LEN + 1])
{
	struct session *se = NULL;
	for (size_t i = 0; i < s->max && !(se && !se->used); i++)
		if (!se || !s->slots[i].used || s->slots[i].last < se->last)
			se = &s->slots[i];
	sessions_end(s, se);
	unsigned char csrf[SESSION_ID_BYTES];
	if (sodium_init() < 0)
		fatal("libsodium does not start");
	randombytes_buf(se->id, sizeof se->id);
	randombytes_buf(csrf, sizeof csrf);
	sodium_bin2hex(se->csrf, sizeof se->csrf, csrf, sizeof csrf);
	sodium_bin2hex(id_hex, SESSION_HEX_LEN + 1, se->id, sizeof se->id);
	snprintf(se->account, sizeof se->account, "%s", account);
	se->created = se->last = now;
	se->used = true;
	return se;
}

enum session_result sessions_find(struct sessions *s, const char *id, size_t len, uint64_t now,
				  struct session **out)
{
	unsigned char bin[SESSION_ID_BYTES];
	size_t got = 0;
	*out = NULL;
	if (len != SESSION_HEX_LEN)
		return SESSION_MALFORMED;
	for (size_t i = 0; i < len; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return SESSION_MALFORMED;
	if (sodium_hex2bin(bin, sizeof bin, id, len, NULL, &got, NULL) != 0 || got != sizeof bin)
		return SESSION_MALFORMED;
	struct session *se = NULL;
	for (size_t i = 0; i < s->max; i++) /* every slot, so the time tells nothing */
		if (s->slots[i].used && sodium_memcmp(s->slots[i].id, bin, sizeof bin) == 0)
			se = &s->slots[i];
	if (!se)
		return SESSION_UNKNOWN;
	if (now - se->created >= s->absolute_s) {
		sessions_end(s, se);
		return SESSION_EXPIRED;
	}
	if (now - se->last >= s->idle_s) {
		sessions_end(s, se);
		return SESSION_IDLE;
	}
	se->last = now;
	*out = se;
	return SESSION_OK;
}

bool session_csrf_ok(const struct session *se, const char *token, size_t len)
{
	return token && len == SESSION_HEX_LEN &&
	       sodium_memcmp(se->csrf, token, SESSION_HEX_LEN) == 0;
}

size_t sessions_end_account(struct sessions *s, const char *account)
{
	return sessions_end_others(s, account, NULL);
}

size_t sessions_end_others(struct sessions *s, const char *account, const struct session *keep)
{
	size_t n = 0;
	for (size_t i = 0; i < s->max; i++)
		if (s->slots[i].used && &s->slots[i] != keep &&
		    strcmp(s->slots[i].account, account) == 0) {
			sessions_end(s, &s->slots[i]);
			n++;
		}
	return n;
}
