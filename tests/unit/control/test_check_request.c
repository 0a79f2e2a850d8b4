/* Tests for check_request.c: the control socket's "check" request (one test per
 * rejection), its formatting, the target split shared with `campusgate check`, and the
 * reply's one-line values. */
#include <stdlib.h>
#include <string.h>

#include "check_request.h"
#include "testutil.h"

static void reject(const char *line, size_t len, const char *why_want)
{
	struct check_request cr;
	const char *why = NULL;
	ck_assert_int_eq(check_request_parse(line, len, &cr, &why), -1);
	ck_assert_msg(why && strcmp(why, why_want) == 0, "'%s': %s", line, why ? why : "(none)");
}
#define REJECT(line, why) reject(line, strlen(line), why)

START_TEST(good)
{
	struct check_request cr;
	const char *why = NULL;
	char a[CG_ADDR_STRLEN];
	const char *line = "check bad.example";
	ck_assert_int_eq(check_request_parse(line, strlen(line), &cr, &why), 0);
	ck_assert_str_eq(cr.target, "bad.example");
	ck_assert(!cr.has_client && !cr.has_dest && !cr.has_time);
	line = "check https://葡京.com/a?b=1 time 1764032400 client 2001:db8::7";
	ck_assert_int_eq(check_request_parse(line, strlen(line), &cr, &why), 0);
	ck_assert_str_eq(cr.target, "https://葡京.com/a?b=1");
	ck_assert(cr.has_client && cr.has_time);
	ck_assert_int_eq(cr.when, 1764032400);
	ck_assert_str_eq(addr_str(&cr.client, a), "2001:db8::7");
	ck_assert(!cr.has_dest);
	line = "check allowed.example dest 198.51.100.7 client 10.7.1.5";
	ck_assert_int_eq(check_request_parse(line, strlen(line), &cr, &why), 0);
	ck_assert(cr.has_dest && cr.has_client && !cr.has_time);
	ck_assert_str_eq(addr_str(&cr.dest, a), "198.51.100.7");
	line = "check a.example dest ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
	ck_assert_int_eq(check_request_parse(line, strlen(line), &cr, &why), 0); /* 45 bytes */
	ck_assert_str_eq(addr_str(&cr.dest, a), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* only len bytes are read */
	line = "check a.example client 10.7.1.5 junk";
	ck_assert_int_eq(check_request_parse(line, 31, &cr, &why), 0);
	ck_assert_str_eq(addr_str(&cr.client, a), "10.7.1.5");
}
END_TEST

START_TEST(rejections)
{
	char longer[CHECK_TARGET_MAX + 16];
	REJECT("status", "not a check request");
	REJECT("chec", "not a check request");
	REJECT("check", "no name or URL to check");
	REJECT("checkx a.example", "bad name or URL");
	REJECT("check  a.example", "bad name or URL");
	REJECT("check a.ex\x01mple", "bad name or URL");
	REJECT("check \ta.example", "bad name or URL");
	memcpy(longer, "check ", 6);
	memset(longer + 6, 'a', CHECK_TARGET_MAX + 1);
	longer[6 + CHECK_TARGET_MAX + 1] = '\0';
	REJECT(longer, "name or URL too long");
	REJECT("check a.example client", "a keyword without its value");
	REJECT("check a.example time", "a keyword without its value");
	REJECT("check a.example client 10.0.0.1 client 10.0.0.2", "client given twice");
	REJECT("check a.example client 999.1.1.1", "bad client address");
	REJECT("check a.example client 10.0.0.0/8", "bad client address");
	REJECT("check a.example client 1111:2222:3333:4444:5555:6666:7777:8888:9999:0000",
	       "client address too long");
	REJECT("check a.example dest", "a keyword without its value");
	REJECT("check a.example dest 192.0.2.1 dest 192.0.2.2", "dest given twice");
	REJECT("check a.example dest 192.0.2.1 client 10.0.0.1 dest 192.0.2.1",
	       "dest given twice");
	REJECT("check a.example dest bad.example", "bad destination address");
	REJECT("check a.example dest 192.0.2.0/24", "bad destination address");
	REJECT("check a.example dest 192.0.2.256", "bad destination address");
	REJECT("check a.example dest 2001:db8::1%eth0", "bad destination address");
	REJECT("check a.example dest ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550",
	       "destination address too long"); /* 46 bytes */
	REJECT("check a.example dest 192.0.2.1\x01", "bad spacing or a control character");
	REJECT("check a.example time 1 time 2", "time given twice");
	REJECT("check a.example time 12ab", "bad time (seconds since 1970, before 2100)");
	REJECT("check a.example time -5", "bad time (seconds since 1970, before 2100)");
	REJECT("check a.example time 99999999999", "bad time (seconds since 1970, before 2100)");
	REJECT("check a.example time 4102444801", "bad time (seconds since 1970, before 2100)");
	REJECT("check a.example group class7a", "unknown keyword (client, dest, time)");
	REJECT("check a.example ", "bad spacing or a control character");
	REJECT("check a.example client 10.0.0.1\n", "bad spacing or a control character");
	REJECT("check a.example  client 10.0.0.1", "bad spacing or a control character");
}
END_TEST

START_TEST(format)
{
	struct sbuf b;
	struct cg_addr a, d;
	char ab[CG_ADDR_STRLEN];
	struct check_request cr;
	const char *why;
	sbuf_init(&b);
	ck_assert_int_eq(addr_parse("10.7.1.5", &a), 0);
	ck_assert_int_eq(addr_parse("2001:db8::7", &d), 0);
	ck_assert_int_eq(check_request_format(&b, "http://x.example/p?q", &a, &d, 1764032400), 0);
	sbuf_adds(&b, "");
	ck_assert_str_eq(b.data,
			 "check http://x.example/p?q client 10.7.1.5 dest 2001:db8::7 time 1764032400");
	ck_assert_int_eq(check_request_parse(b.data, b.len, &cr, &why), 0); /* round trip */
	ck_assert(cr.has_dest);
	ck_assert_str_eq(addr_str(&cr.dest, ab), "2001:db8::7");
	sbuf_reset(&b);
	ck_assert_int_eq(check_request_format(&b, "x.example", NULL, NULL, -1), 0);
	sbuf_adds(&b, "");
	ck_assert_str_eq(b.data, "check x.example");
	ck_assert_int_eq(check_request_format(&b, "", NULL, NULL, -1), -1);
	ck_assert_int_eq(check_request_format(&b, NULL, NULL, NULL, -1), -1);
	ck_assert_int_eq(check_request_format(&b, "a b", NULL, NULL, -1), -1);
	ck_assert_int_eq(check_request_format(&b, "a\nb", NULL, NULL, -1), -1);
	ck_assert_int_eq(check_request_format(&b, "a.example", NULL, NULL, CHECK_TIME_MAX + 1), -1);
	char *big = malloc(CHECK_TARGET_MAX + 2);
	memset(big, 'a', CHECK_TARGET_MAX + 1);
	big[CHECK_TARGET_MAX + 1] = '\0';
	ck_assert_int_eq(check_request_format(&b, big, NULL, NULL, -1), -1);
	free(big);
	sbuf_free(&b);
}
END_TEST

/* The address check the request parser and the console's form share. */
START_TEST(addr_field)
{
	struct cg_addr a;
	bool too_long = true;
	char buf[CHECK_ADDR_MAX + 2];
	ck_assert_int_eq(check_addr_parse("192.0.2.7", 9, &a, &too_long), 0);
	ck_assert(!too_long);
	ck_assert_int_eq(check_addr_parse("192.0.2.7junk", 9, &a, &too_long), 0); /* len only */
	ck_assert_int_eq(check_addr_parse("2001:db8::1", 11, &a, &too_long), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(check_addr_parse("", 0, &a, &too_long), -1);
	ck_assert(!too_long);
	ck_assert_int_eq(check_addr_parse("192.0.2.7\0x", 11, &a, &too_long), -1); /* a NUL */
	ck_assert(!too_long);
	ck_assert_int_eq(check_addr_parse("192.0.2.x", 9, &a, &too_long), -1);
	ck_assert(!too_long);
	memset(buf, '1', sizeof buf);
	ck_assert_int_eq(check_addr_parse(buf, CHECK_ADDR_MAX + 1, &a, &too_long), -1);
	ck_assert(too_long);
	ck_assert_int_eq(check_addr_parse(buf, CHECK_ADDR_MAX, &a, &too_long), -1);
	ck_assert(!too_long);
}
END_TEST

START_TEST(target_split)
{
	char host[NAME_MAX_LEN + 1], path[CHECK_PATH_MAX + 1];
	bool has_path;
	const char *why = NULL;
	ck_assert_int_gt(check_target_split("HTTPS://u:p@Bad.Example:8443/a/b?c=1#frag", host, path,
					    &has_path, &why), 0);
	ck_assert_str_eq(host, "bad.example");
	ck_assert(has_path);
	ck_assert_str_eq(path, "/a/b?c=1");
	ck_assert_int_gt(check_target_split("x.example?q", host, path, &has_path, &why), 0);
	ck_assert_str_eq(path, "/?q");
	ck_assert_int_gt(check_target_split("葡京娱乐场.com", host, path, &has_path, &why), 0);
	ck_assert_str_eq(host, "xn--fjqpit8uy6c246e.com");
	ck_assert(!has_path);
	ck_assert_int_gt(check_target_split("http://[2001:db8::1]:80/", host, path, &has_path,
					    &why), 0);
	ck_assert_str_eq(host, "2001:db8::1");
	ck_assert_int_eq(check_target_split("http://[2001:db8::1/", host, path, &has_path, &why), -1);
	ck_assert_str_eq(why, "bad IPv6 literal");
	char *big = malloc(CHECK_PATH_MAX + 16);
	strcpy(big, "a.example/");
	memset(big + 10, 'p', CHECK_PATH_MAX);
	big[10 + CHECK_PATH_MAX] = '\0';
	ck_assert_int_eq(check_target_split(big, host, path, &has_path, &why), -1);
	ck_assert_str_eq(why, "path too long");
	free(big);
	ck_assert_int_eq(check_target_split("bad..name", host, path, &has_path, &why), -1);
}
END_TEST

START_TEST(reply_values)
{
	struct sbuf b;
	sbuf_init(&b);
	check_reply_add(&b, "rule_text", "a\nb\rc\x7f" "d 中");
	check_reply_add(&b, "none", NULL);
	sbuf_adds(&b, "");
	ck_assert_str_eq(b.data, "rule_text a?b?c?d 中\n");
	sbuf_free(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("check_request");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, good);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, format);
	tcase_add_test(tc, addr_field);
	tcase_add_test(tc, target_split);
	tcase_add_test(tc, reply_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(suite(), NULL);
}
