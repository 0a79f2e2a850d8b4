/* Tests for admin_event.c: the journal-admin request, one test per rejection. */
#include <string.h>

#include "admin_event.h"
#include "testutil.h"

static void reject(const char *line, const char *why_want)
{
	struct admin_event ev;
	const char *why = NULL;
	ck_assert_int_eq(admin_event_parse(line, strlen(line), &ev, &why), -1);
	ck_assert_msg(why && strcmp(why, why_want) == 0, "'%s': %s", line, why ? why : "(none)");
}

START_TEST(good)
{
	struct admin_event ev;
	const char *why = NULL;
	const char *line = "journal-admin login alice 192.0.2.7";
	ck_assert_int_eq(admin_event_parse(line, strlen(line), &ev, &why), 0);
	ck_assert_str_eq(ev.action, "login");
	ck_assert_str_eq(ev.account, "alice");
	char buf[CG_ADDR_STRLEN];
	ck_assert_str_eq(addr_str(&ev.client, buf), "192.0.2.7");
	line = "journal-admin login_failed - 2001:db8::1";
	ck_assert_int_eq(admin_event_parse(line, strlen(line), &ev, &why), 0);
	ck_assert_str_eq(ev.account, "-");
	/* only len bytes are read */
	line = "journal-admin logout bob 127.0.0.1 trailing";
	ck_assert_int_eq(admin_event_parse(line, 34, &ev, &why), 0);
	ck_assert_str_eq(ev.account, "bob");
	ck_assert_str_eq(ev.detail, "");
	/* a detail: the rest of the line, spaces and UTF-8 kept */
	line = "journal-admin list_edit alice 192.0.2.7 gambling/local.list +赌场.example -x.example";
	ck_assert_int_eq(admin_event_parse(line, strlen(line), &ev, &why), 0);
	ck_assert_str_eq(ev.action, "list_edit");
	ck_assert_str_eq(ev.detail, "gambling/local.list +赌场.example -x.example");
}
END_TEST

START_TEST(rejections)
{
	reject("status", "not a journal-admin request");
	reject("journal-admin", "not a journal-admin request");
	const char *usage = "journal-admin takes ACTION ACCOUNT ADDRESS [DETAIL]";
	reject("journal-admin login alice", usage);
	reject("journal-admin login alice 127.0.0.1 ", usage);
	reject("journal-admin  login alice 127.0.0.1", usage);
	reject("journal-admin login  alice 127.0.0.1", usage);
	reject("journal-admin shutdown alice 127.0.0.1", "unknown action");
	reject("journal-admin login alice 127.0.0.1 a\tb", "bad detail (control characters, or too long)");
	reject("journal-admin login alice 127.0.0.1 a\x7f", "bad detail (control characters, or too long)");
	char longer[ADMIN_EVENT_DETAIL_MAX + 64];
	int n = snprintf(longer, sizeof longer, "journal-admin reload alice ::1 ");
	memset(longer + n, 'x', ADMIN_EVENT_DETAIL_MAX + 1);
	longer[n + ADMIN_EVENT_DETAIL_MAX + 1] = '\0';
	reject(longer, "bad detail (control characters, or too long)");
	longer[n + ADMIN_EVENT_DETAIL_MAX] = '\0'; /* exactly the most */
	struct admin_event ev;
	const char *why;
	ck_assert_int_eq(admin_event_parse(longer, strlen(longer), &ev, &why), 0);
	reject("journal-admin login Alice 127.0.0.1", "bad account name");
	reject("journal-admin login -a 127.0.0.1", "bad account name");
	reject("journal-admin login abcdefghijabcdefghijabcdefghijabc 127.0.0.1", "bad account name");
	reject("journal-admin login alice 127.0.0.256", "bad address");
	reject("journal-admin login alice ", "bad address");
	reject("journal-admin login alice 1111111111111111111111111111111111111111111111111111111111111111",
	       "bad address");
	reject("journal-admin login alice example.com", "bad address");
}
END_TEST

START_TEST(request_line)
{
	struct sbuf b;
	sbuf_init(&b);
	ck_assert_int_eq(admin_event_request(&b, "login", "alice", "127.0.0.1", NULL), 0);
	ck_assert_str_eq(b.data, "journal-admin login alice 127.0.0.1");
	sbuf_reset(&b);
	/* a name that is not an account name is not passed on */
	ck_assert_int_eq(admin_event_request(&b, "login_failed", "x y\nreload", "::1", ""), 0);
	ck_assert_str_eq(b.data, "journal-admin login_failed - ::1");
	sbuf_reset(&b);
	ck_assert_int_eq(admin_event_request(&b, "shutdown", "alice", "::1", NULL), -1);
	ck_assert_int_eq(admin_event_request(&b, "login", "alice", "nowhere", NULL), -1);
	/* a detail: control characters become spaces; a long one is cut on a UTF-8
	 * boundary and still parses */
	sbuf_reset(&b);
	ck_assert_int_eq(admin_event_request(&b, "reload", "alice", "::1", "ok\nx"), 0);
	ck_assert_str_eq(b.data, "journal-admin reload alice ::1 ok x");
	struct sbuf big;
	sbuf_init(&big);
	for (int i = 0; i < 1000; i++)
		sbuf_adds(&big, "赌");
	sbuf_reset(&b);
	ck_assert_int_eq(admin_event_request(&b, "list_edit", "alice", "::1", big.data), 0);
	struct admin_event e2;
	const char *w2;
	ck_assert_int_eq(admin_event_parse(b.data, b.len, &e2, &w2), 0);
	ck_assert_uint_le(strlen(e2.detail), ADMIN_EVENT_DETAIL_MAX);
	ck_assert(strlen(e2.detail) > 3 && strcmp(e2.detail + strlen(e2.detail) - 3, "...") == 0);
	ck_assert_uint_eq((strlen(e2.detail) - 3) % 3, 0);
	sbuf_free(&big);
	/* what it writes parses */
	sbuf_reset(&b);
	admin_event_request(&b, "logout", "wang.li", "2001:db8::7", NULL);
	struct admin_event ev;
	const char *why;
	ck_assert_int_eq(admin_event_parse(b.data, b.len, &ev, &why), 0);
	sbuf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("admin_event");
	TCase *tc = tcase_create("admin_event");
	tcase_add_test(tc, good);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, request_line);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
