/* Tests for check_form.c: the /check form's fields into the control socket's check
 * request line, and one test per rejection (with the field it names). */
#include "testutil.h"
#include <string.h>

#include "check_form.h"
#include "check_request.h"

static struct check_form form(const char *target, const char *client, const char *dest,
			      int64_t when)
{
	struct check_form f = {
		.target = target, .client = client, .dest = dest,
		.target_len = target ? strlen(target) : 0,
		.client_len = client ? strlen(client) : 0,
		.dest_len = dest ? strlen(dest) : 0,
		.when = when,
	};
	return f;
}

/* f is taken; the line is want (NULL: not compared) and parses back. */
static void takes(const struct check_form *f, const char *want)
{
	struct sbuf b;
	struct check_request cr;
	const char *why = NULL;
	enum check_form_field bad = CHECK_FORM_TIME;
	sbuf_init(&b);
	ck_assert_int_eq(check_form_request(f, &b, &bad), 0);
	ck_assert_int_eq(bad, CHECK_FORM_OK);
	sbuf_adds(&b, "");
	if (want)
		ck_assert_str_eq(b.data, want);
	ck_assert_msg(check_request_parse(b.data, b.len, &cr, &why) == 0, "%s", why);
	sbuf_free(&b);
}

static void refuses(const struct check_form *f, enum check_form_field want)
{
	struct sbuf b;
	enum check_form_field bad = CHECK_FORM_OK;
	sbuf_init(&b);
	ck_assert_int_eq(check_form_request(f, &b, &bad), -1);
	ck_assert_int_eq(bad, want);
	ck_assert_uint_eq(b.len, 0); /* nothing to send */
	sbuf_free(&b);
}

START_TEST(good)
{
	struct check_form f = form("allowed.example", NULL, "198.51.100.7", -1);
	takes(&f, "check allowed.example dest 198.51.100.7");
	f = form("https://葡京.com/a?b=1", "10.7.1.5", "2001:DB8::7", 1764032400);
	takes(&f, "check https://葡京.com/a?b=1 client 10.7.1.5 dest 2001:db8::7 time 1764032400");
	f = form("a.example", "", "", -1); /* empty fields: not given */
	takes(&f, "check a.example");
	f = form("a.example", NULL, NULL, 0);
	takes(&f, "check a.example time 0");
	f = form("a.example", NULL, NULL, CHECK_TIME_MAX);
	takes(&f, "check a.example time 4102444800");
	/* only the lengths are read */
	f = form("a.example", "10.0.0.12", "192.0.2.10", -1);
	f.target_len = 1;
	f.client_len = 8;
	f.dest_len = 9;
	takes(&f, "check a client 10.0.0.1 dest 192.0.2.1");
	/* the longest address text */
	f = form("a.example", NULL, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", -1);
	takes(&f, "check a.example dest ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* the longest target */
	static char big[CHECK_TARGET_MAX + 1];
	memset(big, 'a', CHECK_TARGET_MAX);
	f = form(big, NULL, NULL, -1);
	takes(&f, NULL);
}
END_TEST

START_TEST(rejections)
{
	static char big[CHECK_TARGET_MAX + 2];
	struct check_form f = form(NULL, NULL, NULL, -1);
	refuses(&f, CHECK_FORM_TARGET); /* no target */
	f = form("", "10.0.0.1", NULL, -1);
	refuses(&f, CHECK_FORM_TARGET); /* empty */
	memset(big, 'a', CHECK_TARGET_MAX + 1);
	f = form(big, NULL, NULL, -1);
	refuses(&f, CHECK_FORM_TARGET); /* too long */
	f = form("a.example", NULL, NULL, -1);
	f.target = "a\0b.example";
	f.target_len = 11;
	refuses(&f, CHECK_FORM_TARGET); /* a NUL (%00) inside */
	f = form("a b.example", NULL, NULL, -1);
	refuses(&f, CHECK_FORM_TARGET); /* a space */
	f = form("a.example\r\nstatus", NULL, NULL, -1);
	refuses(&f, CHECK_FORM_TARGET); /* a second request smuggled in */

	f = form("a.example", "nope", NULL, -1);
	refuses(&f, CHECK_FORM_CLIENT);
	f = form("a.example", "10.0.0.0/8", NULL, -1);
	refuses(&f, CHECK_FORM_CLIENT);
	f = form("a.example", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550", NULL, -1);
	refuses(&f, CHECK_FORM_CLIENT); /* too long */

	f = form("a.example", NULL, "not-an-ip", -1);
	refuses(&f, CHECK_FORM_DEST);
	f = form("a.example", NULL, "198.51.100.0/24", -1);
	refuses(&f, CHECK_FORM_DEST); /* a subnet is not an address */
	f = form("a.example", NULL, "198.51.100.256", -1);
	refuses(&f, CHECK_FORM_DEST);
	f = form("a.example", NULL, "198.51.100.7 client 10.0.0.1", -1);
	refuses(&f, CHECK_FORM_DEST); /* a field smuggled in */
	f = form("a.example", NULL, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550", -1);
	refuses(&f, CHECK_FORM_DEST); /* too long */
	f = form("a.example", NULL, "198.51.100.7", -1);
	f.dest = "198.51.100.7\0x";
	f.dest_len = 14;
	refuses(&f, CHECK_FORM_DEST); /* a NUL inside */
	f = form("a.example", "10.0.0.1", "bad", -1);
	refuses(&f, CHECK_FORM_DEST); /* the first bad field is named: client was good */
	f = form("a.example", "bad", "bad", -1);
	refuses(&f, CHECK_FORM_CLIENT);

	f = form("a.example", NULL, NULL, -2);
	refuses(&f, CHECK_FORM_TIME); /* before 1970 */
	f = form("a.example", NULL, NULL, CHECK_TIME_MAX + 1);
	refuses(&f, CHECK_FORM_TIME);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("check_form");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, good);
	tcase_add_test(tc, rejections);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
