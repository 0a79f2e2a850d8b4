/* libFuzzer target: the console's parsers of input from elsewhere, on arbitrary bytes:
 * the whole input as an account file (accounts_parse: an accepted file has valid names,
 * roles, groups and Argon2id hash texts; a refused one leaves no account), and each line
 * as a journal-admin control request (admin_event_parse: an accepted one has a known
 * action, a valid account name and an IPv4 or IPv6 address). */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "admin_event.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_accounts(const char *buf, size_t size)
{
	struct accounts a;
	struct diag d;
	accounts_init(&a);
	diag_init(&d);
	int rc = accounts_parse(buf, size, "fuzz", &a, &d);
	if (rc < 0 && a.n)
		abort();
	const struct account *acc;
	TAILQ_FOREACH(acc, &a.list, entry) {
		if (!account_name_ok(acc->name, strlen(acc->name)) ||
		    strncmp(acc->hash, "$argon2id$", 10) != 0 ||
		    (acc->role == ROLE_ADMIN && acc->n_groups))
			abort();
		for (size_t i = 0; i < acc->n_groups; i++)
			if (!account_group_ok(acc->groups[i], strlen(acc->groups[i])))
				abort();
	}
	accounts_free(&a);
	diag_free(&d);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *buf = (const char *)data, *end = buf + size;
	check_accounts(buf, size);
	for (const char *p = buf; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct admin_event ev;
		const char *why;
		if (admin_event_parse(p, len, &ev, &why) == 0 &&
		    ((ev.client.family != AF_INET && ev.client.family != AF_INET6) ||
		     (strcmp(ev.account, "-") && !account_name_ok(ev.account, strlen(ev.account)))))
			abort();
		p += len + 1;
	}
	return 0;
}
