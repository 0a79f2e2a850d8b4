/* Tests for blockpage.c: the 403 page in both languages, escaping, no external resources,
 * the error responses. */
#include <stdlib.h>
#include <string.h>

#include "blockpage.h"
#include "testutil.h"
#include "util.h"

static struct blockpage_info info(enum lang l)
{
	struct blockpage_info bi = {
		.lang = l,
		.host = "casino.example",
		.category_title = "赌博",
		.time_text = "2026-11-25 14:03:07 +0800",
		.client = "10.1.2.3",
		.request_id = "k3z9q2m4c1x8a7b6f5d",
	};
	return bi;
}

START_TEST(page_zh)
{
	struct sbuf b;
	sbuf_init(&b);
	struct blockpage_info bi = info(LANG_ZH);
	blockpage_render(&b, &bi);
	ck_assert_ptr_nonnull(strstr(b.data, "<html lang=\"zh-CN\">"));
	ck_assert_ptr_nonnull(strstr(b.data, "此网页已被拦截"));
	ck_assert_ptr_nonnull(strstr(b.data, "赌博"));
	ck_assert_ptr_nonnull(strstr(b.data, "casino.example"));
	ck_assert_ptr_nonnull(strstr(b.data, "2026-11-25 14:03:07 +0800"));
	ck_assert_ptr_nonnull(strstr(b.data, "10.1.2.3"));
	ck_assert_ptr_nonnull(strstr(b.data, "<code id=\"request-id\">k3z9q2m4c1x8a7b6f5d</code>"));
	ck_assert_ptr_nonnull(strstr(b.data, "请求编号"));
	/* Self-contained: no external resources of any kind. */
	ck_assert_ptr_null(strstr(b.data, "http://"));
	ck_assert_ptr_null(strstr(b.data, "https://"));
	ck_assert_ptr_null(strstr(b.data, "src="));
	/* the only links are the language switch's, inside the page */
	for (const char *h = strstr(b.data, "href="); h; h = strstr(h + 1, "href="))
		ck_assert_msg(strncmp(h, "href=\"#", 7) == 0, "link out of the page: %.40s", h);
	ck_assert_ptr_null(strstr(b.data, "url("));
	ck_assert_ptr_null(strstr(b.data, "@import"));
	sbuf_free(&b);
}
END_TEST

/* The page names the site as people write it, with the punycode beside it. */
START_TEST(page_unicode_host)
{
	struct sbuf b;
	sbuf_init(&b);
	struct blockpage_info bi = info(LANG_ZH);
	bi.host = "xn--fjqpit8uy6c246e.com";
	blockpage_render(&b, &bi);
	const char *u = strstr(b.data, "<td>葡京娱乐场.com</td>");
	const char *a = strstr(b.data, "<td>xn--fjqpit8uy6c246e.com</td>");
	ck_assert_ptr_nonnull(u);
	ck_assert_ptr_nonnull(a);
	ck_assert(u < a);
	ck_assert_ptr_nonnull(strstr(b.data, "网站（ASCII 形式）"));
	/* an ASCII name is shown once */
	sbuf_reset(&b);
	bi = info(LANG_EN);
	blockpage_render(&b, &bi);
	ck_assert_ptr_null(strstr(b.data, "ASCII form"));
	sbuf_free(&b);
}
END_TEST

/* The school's name and whom to ask, from the config, in both boxes; the request id's
 * element id only once. */
START_TEST(page_school_and_contact)
{
	struct sbuf b;
	sbuf_init(&b);
	struct blockpage_info bi = info(LANG_ZH);
	bi.category_title_alt = "Gambling";
	bi.school = "示例中学 <Example>";
	bi.contact = "信息中心 王老师 (ext. 8001)";
	blockpage_render(&b, &bi);
	ck_assert_ptr_nonnull(strstr(b.data, "<p class=\"school\">示例中学 &lt;Example&gt;</p>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<td class=\"k\">联系人</td><td>信息中心 王老师 (ext. 8001)</td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "<td class=\"k\">Contact</td><td>信息中心 王老师 (ext. 8001)</td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "请联系上面的联系人"));
	ck_assert_ptr_nonnull(strstr(b.data, "<td>Gambling</td>"));   /* the alt box's title */
	const char *first = strstr(b.data, "id=\"request-id\"");
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_null(strstr(first + 1, "id=\"request-id\""));
	ck_assert_ptr_nonnull(strstr(b.data, "class=\"request-id\""));
	/* without them: no school line, no contact row, the teacher note */
	sbuf_reset(&b);
	bi = info(LANG_ZH);
	blockpage_render(&b, &bi);
	ck_assert_ptr_null(strstr(b.data, "class=\"school\">"));
	ck_assert_ptr_null(strstr(b.data, "联系人</td>"));
	ck_assert_ptr_nonnull(strstr(b.data, "请联系老师或网络管理员"));
	sbuf_free(&b);
}
END_TEST

START_TEST(page_en_and_bypass)
{
	struct sbuf b;
	sbuf_init(&b);
	struct blockpage_info bi = info(LANG_EN);
	bi.category_title = "Gambling";
	blockpage_render(&b, &bi);
	ck_assert_ptr_nonnull(strstr(b.data, "<html lang=\"en\">"));
	ck_assert_ptr_nonnull(strstr(b.data, "This page is blocked"));
	ck_assert_ptr_nonnull(strstr(b.data, "Gambling"));
	ck_assert_ptr_nonnull(strstr(b.data, "does not allow this site"));
	/* the English box is the page's own (id main); the Chinese one waits behind the
	 * switch (id alt), before it in the document so that CSS can hide main */
	const char *alt = strstr(b.data, "<div class=\"box\" id=\"alt\" lang=\"zh-CN\">");
	const char *main_box = strstr(b.data, "<div class=\"box\" id=\"main\" lang=\"en\">");
	ck_assert_ptr_nonnull(alt);
	ck_assert_ptr_nonnull(main_box);
	ck_assert(alt < main_box);
	ck_assert(strstr(b.data, "此网页") < main_box);
	ck_assert_ptr_null(strstr(main_box, "此网页"));
	ck_assert_ptr_nonnull(strstr(main_box, "<a href=\"#alt\">中文</a>"));
	ck_assert_ptr_nonnull(strstr(alt, "<a href=\"#main\">English</a>"));
	sbuf_reset(&b);
	bi.bypass = true;
	blockpage_render(&b, &bi);
	ck_assert_ptr_nonnull(strstr(b.data, "ways around its filter"));
	/* Missing fields show a dash, not "(null)"; without a journal event (a visit to the
	 * block-page server itself) there is no request ID to show, and no row for one. */
	sbuf_reset(&b);
	struct blockpage_info empty = { .lang = LANG_EN };
	blockpage_render(&b, &empty);
	ck_assert_ptr_null(strstr(b.data, "(null)"));
	ck_assert_ptr_nonnull(strstr(b.data, "<td>-</td>"));
	ck_assert_ptr_null(strstr(b.data, "request-id"));
	ck_assert_ptr_null(strstr(b.data, "Request ID"));
	sbuf_free(&b);
}
END_TEST

START_TEST(escaping)
{
	struct sbuf b;
	sbuf_init(&b);
	blockpage_escape(&b, "<script>&\"'\x01\x7f ok", 17);
	ck_assert_str_eq(b.data, "&lt;script&gt;&amp;&quot;&#39; ok");
	sbuf_reset(&b);
	struct blockpage_info bi = info(LANG_EN);
	bi.host = "<img src=x onerror=alert(1)>";
	bi.category_title = "</td><script>";
	blockpage_render(&b, &bi);
	ck_assert_ptr_null(strstr(b.data, "<img"));
	ck_assert_ptr_null(strstr(b.data, "<script>"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;img src=x onerror=alert(1)&gt;"));
	sbuf_free(&b);
}
END_TEST

START_TEST(response_framing)
{
	struct sbuf b;
	sbuf_init(&b);
	struct blockpage_info bi = info(LANG_ZH);
	blockpage_response(&b, &bi, true, false);
	ck_assert(strncmp(b.data, "HTTP/1.1 403 Forbidden\r\n", 24) == 0);
	ck_assert_ptr_nonnull(strstr(b.data, "Connection: keep-alive\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Content-Language: zh-CN\r\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "Cache-Control: no-store\r\n"));
	const char *body = strstr(b.data, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	body += 4;
	const char *cl = strstr(b.data, "Content-Length: ");
	ck_assert_ptr_nonnull(cl);
	ck_assert_uint_eq(strtoul(cl + 16, NULL, 10), b.len - (size_t)(body - b.data));
	size_t page_len = b.len - (size_t)(body - b.data);
	sbuf_reset(&b);
	blockpage_response(&b, &bi, false, false);
	ck_assert_ptr_nonnull(strstr(b.data, "Connection: close\r\n"));
	/* HEAD: the GET's headers (Content-Length of the page), nothing after them. */
	sbuf_reset(&b);
	blockpage_response(&b, &bi, true, true);
	body = strstr(b.data, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	ck_assert_uint_eq((size_t)(body + 4 - b.data), b.len);
	cl = strstr(b.data, "Content-Length: ");
	ck_assert_ptr_nonnull(cl);
	ck_assert_uint_eq(strtoul(cl + 16, NULL, 10), page_len);
	ck_assert_ptr_nonnull(strstr(b.data, "Connection: keep-alive\r\n"));
	sbuf_free(&b);
}
END_TEST

START_TEST(errors)
{
	const int codes[] = { 400, 408, 414, 431, 501, 502, 503, 504, 505, 599 };
	for (size_t i = 0; i < CG_ARRAY_LEN(codes); i++) {
		struct sbuf b;
		sbuf_init(&b);
		blockpage_error(&b, codes[i], LANG_ZH);
		char want[32];
		snprintf(want, sizeof(want), "HTTP/1.1 %d ", codes[i]);
		ck_assert(strncmp(b.data, want, strlen(want)) == 0);
		ck_assert_ptr_nonnull(strstr(b.data, "Connection: close\r\n"));
		const char *body = strstr(b.data, "\r\n\r\n") + 4;
		const char *cl = strstr(b.data, "Content-Length: ");
		ck_assert_uint_eq(strtoul(cl + 16, NULL, 10), strlen(body));
		sbuf_free(&b);
	}
	struct sbuf b;
	sbuf_init(&b);
	blockpage_error(&b, 503, LANG_ZH);
	ck_assert_ptr_nonnull(strstr(b.data, "连接过多"));
	sbuf_reset(&b);
	blockpage_error(&b, 503, LANG_EN);
	ck_assert_ptr_nonnull(strstr(b.data, "503 Service Unavailable\n"));
	sbuf_free(&b);
}
END_TEST

START_TEST(time_text)
{
	char buf[40];
	const char *err = NULL;
	struct tz *z = tz_load("Asia/Shanghai", &err);
	ck_assert_msg(z != NULL, "%s", err ? err : "");
	ck_assert_str_eq(blockpage_time(1764050587, z, buf, sizeof(buf)), "2025-11-25 14:03:07 +0800");
	tz_free(z);
	z = tz_load("UTC", &err);
	ck_assert_ptr_nonnull(z);
	ck_assert_str_eq(blockpage_time(0, z, buf, sizeof(buf)), "1970-01-01 00:00:00 +0000");
	tz_free(z);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blockpage");
	TCase *tc = tcase_create("blockpage");
	tcase_add_test(tc, page_zh);
	tcase_add_test(tc, page_school_and_contact);
	tcase_add_test(tc, page_unicode_host);
	tcase_add_test(tc, page_en_and_bypass);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, response_framing);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, time_text);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
