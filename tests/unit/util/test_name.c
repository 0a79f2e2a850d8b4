/* Tests for name.c: the ASCII fast path, IDN to punycode and back, IP literals, and every
 * rejection branch of name_normalise. */
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "testutil.h"

/* Normalise a C string; returns the result in a static buffer, or NULL with *why set. */
static const char *norm(const char *in, const char **why)
{
	static char out[NAME_MAX_LEN + 1];
	int n = name_normalise(in, strlen(in), out, why);

	if (n < 0)
		return NULL;
	ck_assert_uint_eq((size_t)n, strlen(out));
	return out;
}

/* A name of labels of the given lengths, joined by dots. */
static char *make_name(const size_t *labels, size_t nlabels)
{
	size_t total = 0;
	for (size_t i = 0; i < nlabels; i++)
		total += labels[i] + 1;
	char *s = malloc(total + 1);
	char *p = s;
	for (size_t i = 0; i < nlabels; i++) {
		memset(p, 'a' + (char)(i % 26), labels[i]);
		p += labels[i];
		*p++ = '.';
	}
	p[-1] = '\0';
	return s;
}

START_TEST(ascii_lowercase_and_trailing_dot)
{
	const char *why = NULL;
	ck_assert_str_eq(norm("WWW.Bet365.COM", &why), "www.bet365.com");
	ck_assert_str_eq(norm("example.com.", &why), "example.com");
	ck_assert_str_eq(norm("_dmarc.x-y.example", &why), "_dmarc.x-y.example");
	ck_assert_str_eq(norm("a", &why), "a");
	ck_assert_str_eq(norm("1.2.3.4", &why), "1.2.3.4");
}
END_TEST

START_TEST(ascii_rejections)
{
	const char *why = NULL;
	char out[NAME_MAX_LEN + 1];

	ck_assert_ptr_null(norm("", &why));
	ck_assert_str_eq(why, "empty name");
	ck_assert_int_eq(name_normalise(NULL, 0, out, &why), -1);
	ck_assert_ptr_null(norm(".", &why));
	ck_assert_str_eq(why, "empty label");
	ck_assert_ptr_null(norm("a..b", &why));
	ck_assert_str_eq(why, "empty label");
	ck_assert_ptr_null(norm(".a", &why));
	ck_assert_str_eq(why, "empty label");
	ck_assert_ptr_null(norm("a.b..", &why));
	ck_assert_str_eq(why, "empty label");
	ck_assert_ptr_null(norm("a b.com", &why));
	ck_assert_str_eq(why, "bad character in name");
	ck_assert_ptr_null(norm("a/b.com", &why));
	ck_assert_str_eq(why, "bad character in name");
	ck_assert_ptr_null(norm("a\tb.com", &why));
	ck_assert_str_eq(why, "control character in name");
	ck_assert_ptr_null(norm("ab\x7f.com", &why));
	ck_assert_str_eq(why, "control character in name");
	/* an embedded NUL inside len */
	ck_assert_int_eq(name_normalise("ab\0c.com", 8, out, &why), -1);
	ck_assert_str_eq(why, "control character in name");
	/* a NULL why is allowed */
	ck_assert_int_eq(name_normalise("a..b", 4, out, NULL), -1);
}
END_TEST

START_TEST(length_limits)
{
	const char *why = NULL;
	size_t l63[] = { 63, 3 }, l64[] = { 64, 3 };
	char *s = make_name(l63, 2);
	ck_assert_ptr_nonnull(norm(s, &why));
	free(s);
	s = make_name(l64, 2);
	ck_assert_ptr_null(norm(s, &why));
	ck_assert_str_eq(why, "label longer than 63 bytes");
	free(s);

	/* 63+1+63+1+63+1+61 = 253 bytes; one more is 254 */
	size_t l253[] = { 63, 63, 63, 61 }, l254[] = { 63, 63, 63, 62 };
	s = make_name(l253, 4);
	ck_assert_uint_eq(strlen(s), 253);
	ck_assert_ptr_nonnull(norm(s, &why));
	free(s);
	s = make_name(l254, 4);
	ck_assert_uint_eq(strlen(s), 254);
	ck_assert_ptr_null(norm(s, &why));
	ck_assert_str_eq(why, "name longer than 253 bytes");
	/* 253 bytes plus a trailing dot is still fine */
	free(s);
	s = make_name(l253, 4);
	char *dotted = malloc(strlen(s) + 2);
	strcpy(dotted, s);
	strcat(dotted, ".");
	ck_assert_ptr_nonnull(norm(dotted, &why));
	ck_assert_str_eq(norm(dotted, &why), s);
	free(dotted);
	free(s);
	/* huge input is refused before any work */
	char *big = malloc(5000);
	memset(big, 'a', 4999);
	big[4999] = '\0';
	ck_assert_ptr_null(norm(big, &why));
	ck_assert_str_eq(why, "name longer than 253 bytes");
	free(big);
}
END_TEST

START_TEST(never_reads_past_len)
{
	/* the buffer holds more than len bytes; only the first len count */
	const char *why = NULL;
	char out[NAME_MAX_LEN + 1];
	int n = name_normalise("Example.COM!!!garbage", 11, out, &why);
	ck_assert_int_eq(n, 11);
	ck_assert_str_eq(out, "example.com");
	/* a buffer without a terminating NUL, exactly len long */
	char *exact = malloc(7);
	memcpy(exact, "ABC.DE.", 7);
	n = name_normalise(exact, 7, out, &why);
	ck_assert_int_eq(n, 6);
	ck_assert_str_eq(out, "abc.de");
	free(exact);
}
END_TEST

START_TEST(idn_to_punycode)
{
	const char *why = NULL;
	/* 七六彩票.com and 葡京娱乐场.com (Chinese gambling names) */
	ck_assert_str_eq(norm("\xe4\xb8\x83\xe5\x85\xad\xe5\xbd\xa9\xe7\xa5\xa8.com", &why),
			 "xn--7gq06f48qukz.com");
	const char *pj = norm("\xe8\x91\xa1\xe4\xba\xac\xe5\xa8\xb1\xe4\xb9\x90\xe5\x9c\xba.com",
			      &why);
	ck_assert_ptr_nonnull(pj);
	ck_assert(strncmp(pj, "xn--", 4) == 0);
	/* upper case and a trailing dot around Unicode */
	ck_assert_str_eq(norm("B\xc3\x9c" "CHER.DE.", &why), "xn--bcher-kva.de");
	ck_assert_str_eq(norm("b\xc3\xbc" "cher.de", &why), "xn--bcher-kva.de");
	/* the ideographic full stop is a label separator (UTS#46) */
	ck_assert_str_eq(norm("\xe4\xb8\x83\xe5\x85\xad\xe5\xbd\xa9\xe7\xa5\xa8\xe3\x80\x82" "com",
			      &why),
			 "xn--7gq06f48qukz.com");
	/* non-transitional: sharp s stays (IDNA2008) */
	ck_assert_str_eq(norm("fa\xc3\x9f.de", &why), "xn--fa-hia.de");
}
END_TEST

START_TEST(idn_rejections)
{
	const char *why = NULL;
	/* invalid UTF-8 */
	ck_assert_ptr_null(norm("\xff\xfe.com", &why));
	ck_assert_str_eq(why, "bad international name");
	/* a non-ASCII name with a colon is not an IPv6 literal */
	ck_assert_ptr_null(norm("\xc3\xbc:1", &why));
	ck_assert_str_eq(why, "bad IPv6 literal");
	/* a Unicode label whose punycode is longer than 63 bytes */
	char big[400];
	size_t k = 0;
	for (unsigned i = 0; i < 40; i++) {
		unsigned cp = 0x4e00 + i * 997;
		big[k++] = (char)(0xe0 | (cp >> 12));
		big[k++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		big[k++] = (char)(0x80 | (cp & 0x3f));
	}
	memcpy(big + k, ".com", 5);
	ck_assert_ptr_null(norm(big, &why));
}
END_TEST

START_TEST(ipv6_literals)
{
	const char *why = NULL;
	ck_assert_str_eq(norm("[2001:DB8::1]", &why), "2001:db8::1");
	ck_assert_str_eq(norm("2001:db8::1", &why), "2001:db8::1");
	ck_assert_str_eq(norm("[::1]", &why), "::1");
	ck_assert_ptr_null(norm("[2001:db8::1", &why));
	ck_assert_str_eq(why, "bad IPv6 literal");
	ck_assert_ptr_null(norm("[]", &why));
	ck_assert_str_eq(why, "bad IPv6 literal");
	ck_assert_ptr_null(norm("[example.com]", &why));
	ck_assert_str_eq(why, "bad IPv6 literal");
	ck_assert_ptr_null(norm("1:2:3", &why));
	ck_assert_str_eq(why, "bad IPv6 literal");
	char longv6[80];
	memset(longv6, '1', sizeof(longv6) - 1);
	longv6[3] = ':';
	longv6[sizeof(longv6) - 1] = '\0';
	ck_assert_ptr_null(norm(longv6, &why));
	ck_assert_str_eq(why, "bad IPv6 literal");
}
END_TEST

START_TEST(to_unicode)
{
	char *u = name_to_unicode("www.xn--7gq06f48qukz.com");
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u, "www.\xe4\xb8\x83\xe5\x85\xad\xe5\xbd\xa9\xe7\xa5\xa8.com");
	free(u);
	ck_assert_ptr_null(name_to_unicode("www.example.com"));
	ck_assert_ptr_null(name_to_unicode(NULL));
	/* a broken ACE label decodes to nothing */
	ck_assert_ptr_null(name_to_unicode("xn--.com"));
}
END_TEST

/* What people read: the Unicode form, or the name itself; never NULL for a name. */
START_TEST(display_form)
{
	char *u = name_display("xn--fjqpit8uy6c246e.com");
	ck_assert_str_eq(u, "葡京娱乐场.com");
	free(u);
	u = name_display("www.example.com");
	ck_assert_str_eq(u, "www.example.com");
	free(u);
	u = name_display("xn--.com");
	ck_assert_str_eq(u, "xn--.com");
	free(u);
	ck_assert_ptr_null(name_display(NULL));
}
END_TEST

START_TEST(ip_literal)
{
	ck_assert_int_eq(name_is_ip_literal("192.0.2.1"), 1);
	ck_assert_int_eq(name_is_ip_literal("2001:db8::1"), 1);
	ck_assert_int_eq(name_is_ip_literal("[2001:db8::1]"), 1);
	ck_assert_int_eq(name_is_ip_literal("::ffff:192.0.2.1"), 1);
	ck_assert_int_eq(name_is_ip_literal("192.0.2"), 0);
	ck_assert_int_eq(name_is_ip_literal("192.0.2.256"), 0);
	ck_assert_int_eq(name_is_ip_literal("example.com"), 0);
	ck_assert_int_eq(name_is_ip_literal(""), 0);
	ck_assert_int_eq(name_is_ip_literal(NULL), 0);
	ck_assert_int_eq(name_is_ip_literal("[2001:db8::1"), 0);
	ck_assert_int_eq(name_is_ip_literal("1111111111111111111111111111111111111111111111111111"),
			 0);
	ck_assert_int_eq(name_is_ip_literal("[2001:DB8::A]"), 1);
	ck_assert_int_eq(name_is_ip_literal("cafe.de"), 0);       /* hex letters only */
	ck_assert_int_eq(name_is_ip_literal("dead:beef::"), 1);
	ck_assert_int_eq(name_is_ip_literal("192.0.2.1x"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("name");
	TCase *tc = tcase_create("name");

	tcase_add_test(tc, ascii_lowercase_and_trailing_dot);
	tcase_add_test(tc, ascii_rejections);
	tcase_add_test(tc, length_limits);
	tcase_add_test(tc, never_reads_past_len);
	tcase_add_test(tc, idn_to_punycode);
	tcase_add_test(tc, idn_rejections);
	tcase_add_test(tc, ipv6_literals);
	tcase_add_test(tc, to_unicode);
	tcase_add_test(tc, display_form);
	tcase_add_test(tc, ip_literal);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
