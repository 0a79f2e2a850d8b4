/* Tests for session.c: ids, CSRF tokens, each expiry and rejection, on a test clock. */
#include <string.h>

#include "session.h"
#include "testutil.h"

START_TEST(create_find_csrf)
{
	struct sessions s;
	sessions_init(&s, 4);
	char id[SESSION_HEX_LEN + 1], id2[SESSION_HEX_LEN + 1];
	struct session *se = sessions_create(&s, "alice", 1000, id);
	ck_assert_uint_eq(strlen(id), 64);
	struct session *se2 = sessions_create(&s, "wang", 1000, id2);
	ck_assert_str_ne(id, id2);
	ck_assert_str_ne(se->csrf, se2->csrf);
	ck_assert_str_ne(se->csrf, id);
	struct session *got;
	ck_assert_int_eq(sessions_find(&s, id, 64, 1001, &got), SESSION_OK);
	ck_assert_ptr_eq(got, se);
	ck_assert_str_eq(got->account, "alice");
	ck_assert(session_csrf_ok(se, se->csrf, 64));
	ck_assert(!session_csrf_ok(se, se2->csrf, 64));
	ck_assert(!session_csrf_ok(se, se->csrf, 63));
	ck_assert(!session_csrf_ok(se, NULL, 0));
	ck_assert(!session_csrf_ok(se, "", 0));
	char bad[65];
	memcpy(bad, se->csrf, 65);
	bad[63] = bad[63] == '0' ? '1' : '0';
	ck_assert(!session_csrf_ok(se, bad, 64));
	sessions_free(&s);
}
END_TEST

START_TEST(rejections)
{
	struct sessions s;
	sessions_init(&s, 4);
	char id[SESSION_HEX_LEN + 1];
	sessions_create(&s, "alice", 1000, id);
	struct session *got = (void *)1;
	ck_assert_int_eq(sessions_find(&s, id, 63, 1000, &got), SESSION_MALFORMED);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(sessions_find(&s, "", 0, 1000, &got), SESSION_MALFORMED);
	char upper[65];
	memcpy(upper, id, 65);
	for (int i = 0; i < 64; i++)
		if (upper[i] >= 'a')
			upper[i] = (char)(upper[i] - 32);
	ck_assert_int_eq(sessions_find(&s, upper, 64, 1000, &got),
			 strcmp(upper, id) ? SESSION_MALFORMED : SESSION_OK);
	char other[65];
	memset(other, 'a', 64);
	other[64] = '\0';
	ck_assert_int_eq(sessions_find(&s, other, 64, 1000, &got), SESSION_UNKNOWN);
	char nonhex[65];
	memcpy(nonhex, id, 65);
	nonhex[10] = 'g';
	ck_assert_int_eq(sessions_find(&s, nonhex, 64, 1000, &got), SESSION_MALFORMED);
	sessions_free(&s);
}
END_TEST

START_TEST(idle_expiry)
{
	struct sessions s;
	sessions_init(&s, 4);
	char id[SESSION_HEX_LEN + 1];
	sessions_create(&s, "alice", 1000, id);
	struct session *got;
	/* used every 29 minutes: stays */
	uint64_t t = 1000;
	for (int i = 0; i < 5; i++) {
		t += 29 * 60;
		ck_assert_int_eq(sessions_find(&s, id, 64, t, &got), SESSION_OK);
	}
	/* then 30 minutes idle: ended, and stays ended */
	t += 30 * 60;
	ck_assert_int_eq(sessions_find(&s, id, 64, t, &got), SESSION_IDLE);
	ck_assert_int_eq(sessions_find(&s, id, 64, t, &got), SESSION_UNKNOWN);
	sessions_free(&s);
}
END_TEST

START_TEST(absolute_expiry)
{
	struct sessions s;
	sessions_init(&s, 4);
	char id[SESSION_HEX_LEN + 1];
	sessions_create(&s, "alice", 1000, id);
	struct session *got;
	uint64_t t = 1000;
	/* active all day, never idle: still ends 12 hours after login */
	while (t + 20 * 60 < 1000 + 12 * 3600) {
		t += 20 * 60;
		ck_assert_int_eq(sessions_find(&s, id, 64, t, &got), SESSION_OK);
	}
	ck_assert_int_eq(sessions_find(&s, id, 64, 1000 + 12 * 3600, &got), SESSION_EXPIRED);
	ck_assert_int_eq(sessions_find(&s, id, 64, 1000 + 12 * 3600, &got), SESSION_UNKNOWN);
	sessions_free(&s);
}
END_TEST

START_TEST(logout_and_account_end)
{
	struct sessions s;
	sessions_init(&s, 4);
	char a1[SESSION_HEX_LEN + 1], a2[SESSION_HEX_LEN + 1], w[SESSION_HEX_LEN + 1];
	struct session *se = sessions_create(&s, "alice", 1000, a1);
	sessions_create(&s, "alice", 1000, a2);
	sessions_create(&s, "wang", 1000, w);
	struct session *got;
	sessions_end(&s, se);
	ck_assert_int_eq(sessions_find(&s, a1, 64, 1001, &got), SESSION_UNKNOWN);
	ck_assert_int_eq(sessions_find(&s, a2, 64, 1001, &got), SESSION_OK);
	ck_assert_uint_eq(sessions_end_account(&s, "alice"), 1);
	ck_assert_int_eq(sessions_find(&s, a2, 64, 1001, &got), SESSION_UNKNOWN);
	ck_assert_int_eq(sessions_find(&s, w, 64, 1001, &got), SESSION_OK);
	sessions_free(&s);
}
END_TEST

/* A password change ends the account's other sessions and keeps the one that made it. */
START_TEST(end_others_keeps_one)
{
	struct sessions s;
	sessions_init(&s, 4);
	char a1[SESSION_HEX_LEN + 1], a2[SESSION_HEX_LEN + 1], w[SESSION_HEX_LEN + 1];
	struct session *keep = sessions_create(&s, "alice", 1000, a1);
	sessions_create(&s, "alice", 1000, a2);
	sessions_create(&s, "wang", 1000, w);
	struct session *got;
	ck_assert_uint_eq(sessions_end_others(&s, "alice", keep), 1);
	ck_assert_int_eq(sessions_find(&s, a1, 64, 1001, &got), SESSION_OK);
	ck_assert_ptr_eq(got, keep);
	ck_assert_int_eq(sessions_find(&s, a2, 64, 1001, &got), SESSION_UNKNOWN);
	ck_assert_int_eq(sessions_find(&s, w, 64, 1001, &got), SESSION_OK);
	ck_assert_uint_eq(sessions_end_others(&s, "alice", keep), 0);
	sessions_free(&s);
}
END_TEST

START_TEST(full_table_evicts_least_recent)
{
	struct sessions s;
	sessions_init(&s, 2);
	char a[SESSION_HEX_LEN + 1], b[SESSION_HEX_LEN + 1], c[SESSION_HEX_LEN + 1];
	sessions_create(&s, "a", 1000, a);
	sessions_create(&s, "b", 1001, b);
	struct session *got;
	ck_assert_int_eq(sessions_find(&s, a, 64, 1002, &got), SESSION_OK); /* a used last */
	sessions_create(&s, "c", 1003, c);
	ck_assert_int_eq(sessions_find(&s, b, 64, 1004, &got), SESSION_UNKNOWN);
	ck_assert_int_eq(sessions_find(&s, a, 64, 1004, &got), SESSION_OK);
	ck_assert_int_eq(sessions_find(&s, c, 64, 1004, &got), SESSION_OK);
	sessions_free(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("session");
	tcase_add_test(tc, create_find_csrf);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, idle_expiry);
	tcase_add_test(tc, absolute_expiry);
	tcase_add_test(tc, logout_and_account_end);
	tcase_add_test(tc, end_others_keeps_one);
	tcase_add_test(tc, full_table_evicts_least_recent);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
