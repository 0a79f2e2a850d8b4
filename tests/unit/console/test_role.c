/* Tests for role.c: routes, and who may do what, with group scoping. */
#include <string.h>

#include "role.h"
#include "testutil.h"

static const struct role_subject admin = {ROLE_ADMIN, NULL, 0};
static const struct role_subject staff = {ROLE_STAFF, NULL, 0};
static const char *const class7a[] = {"7a"};
static const struct role_subject teacher = {ROLE_STAFF, class7a, 1};

START_TEST(routes)
{
	ck_assert_int_eq(role_route("/", 1), ROUTE_DASHBOARD);
	ck_assert_int_eq(role_route("/?lang=en", 9), ROUTE_DASHBOARD);
	ck_assert_int_eq(role_route("/login", 6), ROUTE_LOGIN);
	ck_assert_int_eq(role_route("/lists?x", 8), ROUTE_LISTS);
	ck_assert_int_eq(role_route("/static/console.css", 19), ROUTE_STATIC);
	ck_assert_int_eq(role_route("/static/", 8), ROUTE_NONE);
	ck_assert_int_eq(role_route("/lists/", 7), ROUTE_NONE);
	ck_assert_int_eq(role_route("/listsx", 7), ROUTE_NONE);
	/* the paths under a route are that route's */
	ck_assert_int_eq(role_route("/lists/edit", 11), ROUTE_LISTS);
	ck_assert_int_eq(role_route("/journal/event?id=x", 19), ROUTE_JOURNAL);
	ck_assert_int_eq(role_route("/loginx/y", 9), ROUTE_NONE);
	ck_assert_int_eq(role_route("/accounts", 9), ROUTE_ACCOUNTS);
	ck_assert_int_eq(role_route("", 0), ROUTE_NONE);
	/* only the first len bytes count */
	ck_assert_int_eq(role_route("/loginx", 6), ROUTE_LOGIN);
	enum role r;
	ck_assert_int_eq(role_parse("admin", 5, &r), 0);
	ck_assert_int_eq(r, ROLE_ADMIN);
	ck_assert_int_eq(role_parse("staff", 5, &r), 0);
	ck_assert_int_eq(r, ROLE_STAFF);
	ck_assert_int_eq(role_parse("Admin", 5, &r), -1);
	ck_assert_int_eq(role_parse("adm", 3, &r), -1);
	ck_assert_str_eq(role_name(ROLE_STAFF), "staff");
}
END_TEST

START_TEST(admin_everything)
{
	enum route all[] = {ROUTE_LOGIN, ROUTE_LOGOUT, ROUTE_DASHBOARD, ROUTE_JOURNAL,
			    ROUTE_REPORT, ROUTE_CHECK, ROUTE_UNBLOCK, ROUTE_PASSWORD,
			    ROUTE_LISTS, ROUTE_ACCOUNTS, ROUTE_CONFIG};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		ck_assert_int_eq(role_check(&admin, all[i], METHOD_GET, NULL), ROLE_ALLOW);
		ck_assert_int_eq(role_check(&admin, all[i], METHOD_POST, "7b"), ROLE_ALLOW);
		ck_assert_int_eq(role_check(&admin, all[i], METHOD_OTHER, NULL), ROLE_DENY);
	}
	ck_assert_int_eq(role_check(&admin, ROUTE_NONE, METHOD_GET, NULL), ROLE_DENY);
	ck_assert_int_eq(role_check(&admin, ROUTE_STATIC, METHOD_POST, NULL), ROLE_DENY);
}
END_TEST

START_TEST(staff_refused_admin_routes)
{
	enum route adm[] = {ROUTE_LISTS, ROUTE_ACCOUNTS, ROUTE_CONFIG};
	for (size_t i = 0; i < sizeof adm / sizeof adm[0]; i++) {
		ck_assert_int_eq(role_check(&staff, adm[i], METHOD_GET, NULL), ROLE_DENY);
		ck_assert_int_eq(role_check(&staff, adm[i], METHOD_POST, NULL), ROLE_DENY);
		ck_assert_int_eq(role_check(&teacher, adm[i], METHOD_GET, "7a"), ROLE_DENY);
	}
	/* the unblock queue: read yes, decide no */
	ck_assert_int_eq(role_check(&staff, ROUTE_UNBLOCK, METHOD_GET, NULL), ROLE_ALLOW);
	ck_assert_int_eq(role_check(&staff, ROUTE_UNBLOCK, METHOD_POST, NULL), ROLE_DENY);
	ck_assert_int_eq(role_check(&staff, ROUTE_JOURNAL, METHOD_GET, "7b"), ROLE_ALLOW);
	ck_assert_int_eq(role_check(&staff, ROUTE_PASSWORD, METHOD_POST, NULL), ROLE_ALLOW);
	ck_assert_int_eq(role_check(&staff, ROUTE_LOGOUT, METHOD_POST, NULL), ROLE_ALLOW);
}
END_TEST

START_TEST(group_scoping)
{
	/* a class teacher asking for another class's events */
	ck_assert_int_eq(role_check(&teacher, ROUTE_JOURNAL, METHOD_GET, "7b"), ROLE_DENY);
	ck_assert_int_eq(role_check(&teacher, ROUTE_REPORT, METHOD_GET, "default"), ROLE_DENY);
	/* its own class: allowed, still scoped */
	ck_assert_int_eq(role_check(&teacher, ROUTE_JOURNAL, METHOD_GET, "7a"), ROLE_ALLOW_SCOPED);
	/* no group named: allowed, and the handler must filter */
	ck_assert_int_eq(role_check(&teacher, ROUTE_JOURNAL, METHOD_GET, NULL), ROLE_ALLOW_SCOPED);
	ck_assert_int_eq(role_check(&teacher, ROUTE_DASHBOARD, METHOD_GET, NULL),
			 ROLE_ALLOW_SCOPED);
	ck_assert_int_eq(role_check(&teacher, ROUTE_CHECK, METHOD_POST, NULL), ROLE_ALLOW_SCOPED);
	/* a prefix of a group is not that group */
	ck_assert_int_eq(role_check(&teacher, ROUTE_JOURNAL, METHOD_GET, "7"), ROLE_DENY);
	ck_assert_int_eq(role_check(&teacher, ROUTE_JOURNAL, METHOD_GET, "7a2"), ROLE_DENY);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("role");
	TCase *tc = tcase_create("role");
	tcase_add_test(tc, routes);
	tcase_add_test(tc, admin_everything);
	tcase_add_test(tc, staff_refused_admin_routes);
	tcase_add_test(tc, group_scoping);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
