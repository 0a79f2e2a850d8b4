/* Tests for util.c (buffers, diagnostics, number parsing), including every rejection
 * branch. Addresses, subnets and endpoints (addr.c): test_addr.c. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util.h"

START_TEST(sbuf_grows_and_terminates)
{
	struct sbuf b;
	sbuf_init(&b);
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&b, "%d,", i);
	ck_assert_uint_eq(b.len, strlen(b.data));
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	sbuf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.data, "");
	sbuf_add(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	char *s = sbuf_take(&b);
	ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
	ck_assert_ptr_null(b.data);
	free(s);
	sbuf_free(&b);
}
END_TEST

START_TEST(diag_formats_file_line_and_caps)
{
	struct diag d;
	diag_init(&d);
	d.max_kept = 2;
	diag_error(&d, "lists/g.list", 42, "label longer than %d bytes", 63);
	diag_warn(&d, "c.conf", 0, "odd");
	diag_error(&d, NULL, 0, "third");
	ck_assert_uint_eq(d.errors, 2);
	ck_assert_uint_eq(d.warnings, 1);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.msgs[0], "lists/g.list:42: label longer than 63 bytes");
	ck_assert_str_eq(d.msgs[1], "c.conf: warning: odd");
	diag_free(&d);
}
END_TEST

START_TEST(parse_uint_bounds)
{
	unsigned long long v;
	ck_assert_int_eq(parse_uint("42", 0, 100, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_uint("101", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("4", 5, 100, &v), -1);
	ck_assert_int_eq(parse_uint("", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("-1", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint(" 1", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("1x", 0, 100, &v), -1);
	ck_assert_int_eq(parse_uint("99999999999999999999999", 0, ~0ull, &v), -1);
	ck_assert_int_eq(parse_uint(NULL, 0, 1, &v), -1);
}
END_TEST

START_TEST(trim)
{
	char s[] = "  \t hello world \r\n";
	ck_assert_str_eq(str_trim(s), "hello world");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, sbuf_grows_and_terminates);
	tcase_add_test(tc, diag_formats_file_line_and_caps);
	tcase_add_test(tc, parse_uint_bounds);
	tcase_add_test(tc, trim);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
