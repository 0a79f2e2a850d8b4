/* Tests for urlnorm: RFC 3986 5.2.4 dot-segment removal (the section 5.4 examples, as
 * paths merged with the base "/b/c/"), repeated slashes, percent-decoding and the tricks
 * a student tries to walk around a URL rule. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "urlnorm.h"

static void expect_path(const char *in, const char *want)
{
	char out[512];
	size_t n = urlnorm_path(in, strlen(in), out, sizeof(out));
	ck_assert_msg(n == strlen(want) && memcmp(out, want, n) == 0,
		      "urlnorm_path(\"%s\") = \"%.*s\", want \"%s\"", in, (int)n, out, want);
	ck_assert_uint_le(n, strlen(in) + 1);
}

/* RFC 3986 5.4 with base "http://a/b/c/d;p?q": each relative reference that carries a
 * path is merged with the base directory "/b/c/" (5.2.3), and remove_dot_segments must
 * give the path of the target the RFC lists. */
static const char *const rfc_examples[][2] = {
	/* 5.4.1 normal */
	{ "g", "/b/c/g" }, { "./g", "/b/c/g" }, { "g/", "/b/c/g/" },
	{ "g?y", "/b/c/g?y" }, { "g#s", "/b/c/g" }, { "g?y#s", "/b/c/g?y" },
	{ ";x", "/b/c/;x" }, { "g;x", "/b/c/g;x" }, { "g;x?y#s", "/b/c/g;x?y" },
	{ ".", "/b/c/" }, { "./", "/b/c/" }, { "..", "/b/" }, { "../", "/b/" },
	{ "../g", "/b/g" }, { "../..", "/" }, { "../../", "/" }, { "../../g", "/g" },
	/* 5.4.2 abnormal */
	{ "../../../g", "/g" }, { "../../../../g", "/g" },
	{ "g.", "/b/c/g." }, { ".g", "/b/c/.g" }, { "g..", "/b/c/g.." }, { "..g", "/b/c/..g" },
	{ "./../g", "/b/g" }, { "./g/.", "/b/c/g/" }, { "g/./h", "/b/c/g/h" },
	{ "g/../h", "/b/c/h" }, { "g;x=1/./y", "/b/c/g;x=1/y" }, { "g;x=1/../y", "/b/c/y" },
	{ "g?y/./x", "/b/c/g?y/./x" }, { "g?y/../x", "/b/c/g?y/../x" },
	{ "g#s/./x", "/b/c/g" }, { "g#s/../x", "/b/c/g" },
};

START_TEST(rfc3986_examples)
{
	for (size_t i = 0; i < sizeof(rfc_examples) / sizeof(rfc_examples[0]); i++) {
		char merged[64];
		snprintf(merged, sizeof(merged), "/b/c/%s", rfc_examples[i][0]);
		expect_path(merged, rfc_examples[i][1]);
	}
	/* the absolute-path references of 5.4.2 */
	expect_path("/./g", "/g");
	expect_path("/../g", "/g");
	/* the 5.2.4 walk-through examples */
	expect_path("/a/b/c/./../../g", "/a/g");
	expect_path("mid/content=5/../6", "/mid/6");
}
END_TEST

START_TEST(student_tricks)
{
	expect_path("/casino/", "/casino/");
	expect_path("/./casino/", "/casino/");
	expect_path("//casino/", "/casino/");
	expect_path("///casino//games//", "/casino/games/");
	expect_path("/a/../casino/", "/casino/");
	expect_path("/%63asino/", "/casino/");
	expect_path("/%63%41%53INO/", "/casino/");
	expect_path("/edu/../casino", "/casino");
	expect_path("/edu/%2e%2e/casino/", "/casino/");
	expect_path("/edu/.%2E/casino/", "/casino/");
	expect_path("/edu%2F..%2Fcasino/", "/casino/");
	expect_path("/casino%2Fx", "/casino/x");
	expect_path("/casino%2fx", "/casino/x");
	expect_path("\\casino\\x", "/casino/x");
	expect_path("/edu/..\\casino/", "/casino/");
	expect_path("/../../casino/", "/casino/");
	/* one decoding only: %2563 is "%63" as the server sees it */
	expect_path("/%2563asino/", "/%63asino/");
	/* a '?' decoded from %3F belongs to the path, the first raw '?' starts the query */
	expect_path("/a%3Fb/?c", "/a?b/?c");
}
END_TEST

START_TEST(decoding_utf8)
{
	/* 赌博 percent-encoded and raw decode to the same UTF-8 bytes */
	expect_path("/%E8%B5%8C%E5%8D%9A/", "/\xe8\xb5\x8c\xe5\x8d\x9a/");
	expect_path("/\xe8\xb5\x8c\xe5\x8d\x9a/", "/\xe8\xb5\x8c\xe5\x8d\x9a/");
	expect_path("/s?q=%E8%B5%8C%E5%8D%9A", "/s?q=\xe8\xb5\x8c\xe5\x8d\x9a");
	expect_path("/s?q=%e8%b5%8c+%E5%8D%9A", "/s?q=\xe8\xb5\x8c \xe5\x8d\x9a");
	/* the query is decoded and lowercased, never dot-processed */
	expect_path("/s?Q=A%2Fb/../c", "/s?q=a/b/../c");
	/* a fragment never counts */
	expect_path("/s?q=1#%63asino", "/s?q=1");
	expect_path("/s#x?y", "/s");
}
END_TEST

START_TEST(malformed_escapes)
{
	expect_path("/100%", "/100%");
	expect_path("/100%2", "/100%2");
	expect_path("/%zz/", "/%zz/");
	expect_path("/%4g/", "/%4g/");
	expect_path("/a?%", "/a?%");
	/* %00 decodes to a NUL byte in the subject (matching uses lengths) */
	char out[16];
	size_t n = urlnorm_path("/a%00b", 6, out, sizeof(out));
	ck_assert_uint_eq(n, 4);
	ck_assert(memcmp(out, "/a\0b", 4) == 0);
}
END_TEST

START_TEST(empty_and_relative)
{
	expect_path("", "/");
	expect_path("?x=1", "/?x=1");
	expect_path("/", "/");
	expect_path("/.", "/");
	expect_path("/..", "/");
	expect_path("casino/", "/casino/");
}
END_TEST

START_TEST(cut_at_cap)
{
	char out[8];
	const char *in = "/abcdefghijklmnop";
	size_t n = urlnorm_path(in, strlen(in), out, sizeof(out));
	ck_assert_uint_eq(n, 8);
	ck_assert(memcmp(out, "/abcdefg", 8) == 0);
	n = urlnorm_path("/a/b/c/d", 8, out, 4);
	ck_assert_uint_le(n, 4);
	ck_assert_uint_eq(urlnorm_path("/a", 2, out, 0), 0);
	/* a long path: output never longer than the input */
	char big[9000], res[9001];
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	ck_assert_uint_eq(urlnorm_path(big, sizeof(big), res, sizeof(res)), sizeof(big));
}
END_TEST

static void expect_host(const char *in, const char *want)
{
	char out[300];
	const char *why = NULL;
	int n = urlnorm_host(in, strlen(in), out, sizeof(out), &why);
	ck_assert_msg(n >= 0, "urlnorm_host(\"%s\") failed: %s", in, why);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(n, (int)strlen(want));
}

START_TEST(hosts)
{
	expect_host("Example.COM", "example.com");
	expect_host("example.com.", "example.com");
	expect_host("example.com:80", "example.com");
	expect_host("example.com.:443", "example.com");
	expect_host("ex%61mple.com", "example.com");
	expect_host("[2001:DB8::1]", "[2001:db8::1]");
	expect_host("[2001:db8::1]:80", "[2001:db8::1]");
	expect_host("192.0.2.7:80", "192.0.2.7");
}
END_TEST

START_TEST(host_rejections)
{
	char out[300], small[4];
	const char *why = NULL;
	ck_assert_int_eq(urlnorm_host("example.com:8080", 16, out, sizeof(out), &why), -1);
	ck_assert(why && strstr(why, "port"));
	why = NULL;
	ck_assert_int_eq(urlnorm_host("example.com:", 12, out, sizeof(out), &why), -1);
	ck_assert(why != NULL);
	why = NULL;
	ck_assert_int_eq(urlnorm_host("[2001:db8::1]:81", 16, out, sizeof(out), &why), -1);
	ck_assert(why != NULL);
	why = NULL;
	ck_assert_int_eq(urlnorm_host("example.com", 11, small, sizeof(small), &why), -1);
	ck_assert(why != NULL);
}
END_TEST

static Suite *urlnorm_suite(void)
{
	Suite *s = suite_create("urlnorm");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, rfc3986_examples);
	tcase_add_test(tc, student_tricks);
	tcase_add_test(tc, decoding_utf8);
	tcase_add_test(tc, malformed_escapes);
	tcase_add_test(tc, empty_and_relative);
	tcase_add_test(tc, cut_at_cap);
	tcase_add_test(tc, hosts);
	tcase_add_test(tc, host_rejections);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(urlnorm_suite(), NULL);
}
