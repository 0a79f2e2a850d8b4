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
}
END_TEST

START_TEST(rejections)
{
	reject("status", "not a journal-admin request");
	reject("journal-admin", "not a journal-admin request");
	reject("journal-admin login alice", "journal-admin takes ACTION ACCOUNT ADDRESS");
	reject("journal-admin login alice 127.0.0.1 x", "journal-admin takes ACTION ACCOUNT ADDRESS");
	reject("journal-admin  login alice 127.0.0.1", "journal-admin takes ACTION ACCOUNT ADDRESS");
	reject("journal-admin reload alice 127.0.0.1",
	       "unknown action (login, login_failed, login_throttled, logout)");
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
	ck_assert_int_eq(admin_event_request(&b, "login", "alice", "127.0.0.1"), 0);
	ck_assert_str_eq(b.data, "journal-admin login alice 127.0.0.1");
	sbuf_reset(&b);
	/* a name that is not an account name is not passed on */
	ck_assert_int_eq(admin_event_request(&b, "login_failed", "x y\nreload", "::1"), 0);
	ck_assert_str_eq(b.data, "journal-admin login_failed - ::1");
	sbuf_reset(&b);
	ck_assert_int_eq(admin_event_request(&b, "reload", "alice", "::1"), -1);
	ck_assert_int_eq(admin_event_request(&b, "login", "alice", "nowhere"), -1);
	/* what it writes parses */
	sbuf_reset(&b);
	admin_event_request(&b, "logout", "wang.li", "2001:db8::7");
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
