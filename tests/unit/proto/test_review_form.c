/* Tests for review_form.c: a good form, and each rejection branch. */
#include <string.h>

#include "review_form.h"
#include "testutil.h"

static struct review_form f;
static const char *why;

static int P(const char *s)
{
	why = NULL;
	return review_form_parse(s, strlen(s), &f, &why);
}

#define REJECT(body, text)                                                  \
	do {                                                                \
		ck_assert_int_eq(P(body), -1);                              \
		ck_assert_ptr_nonnull(why);                                 \
		ck_assert_str_eq(why, text);                                \
	} while (0)

START_TEST(good_form)
{
	ck_assert_int_eq(P("token=abc_-Z9&block=k3z9q2&url=%2Fwiki%3Fa%3D1"
			   "&reason=+%E9%9C%80%E8%A6%81+for+class+&teacher=Ms+Wang"), 0);
	ck_assert_str_eq(f.reason, "\xe9\x9c\x80\xe8\xa6\x81 for class");
	ck_assert_str_eq(f.teacher, "Ms Wang");
	ck_assert_str_eq(f.url, "/wiki?a=1");
	ck_assert_str_eq(f.block_id, "k3z9q2");
	ck_assert_str_eq(f.token, "abc_-Z9");
	/* the optional fields may be left out or empty */
	ck_assert_int_eq(P("reason=x&token=t"), 0);
	ck_assert_str_eq(f.teacher, "");
	ck_assert_int_eq(P("reason=x&token=t&teacher=&url=&block="), 0);
}
END_TEST

START_TEST(rejections)
{
	REJECT("", "empty form");
	char big[REVIEW_FORM_MAX + 2];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	REJECT(big, "form too large");
	REJECT("reason=x&&token=t", "empty field");
	REJECT("reason=x&token=t&", "empty field");
	REJECT("reason=x&token", "field without '='");
	REJECT("reason=x&token=t&admin=1", "unknown field");
	REJECT("reason=x&token=t&reason=y", "field given twice");
	REJECT("reason=%zz&token=t", "bad percent escape");
	REJECT("reason=%4&token=t", "bad percent escape");
	REJECT("token=t&reason=%", "bad percent escape");
	REJECT("reason=%C3%28&token=t", "not UTF-8");        /* a bad continuation */
	REJECT("reason=%C0%AF&token=t", "not UTF-8");        /* overlong */
	REJECT("reason=%ED%A0%80&token=t", "not UTF-8");     /* a surrogate */
	REJECT("reason=%F4%90%80%80&token=t", "not UTF-8");  /* past U+10FFFF */
	REJECT("token=t&reason=%E4%B8", "not UTF-8");        /* cut */
	REJECT("reason=a%0Ab&token=t", "control character");
	REJECT("reason=a%7Fb&token=t", "control character");
	REJECT("reason=a%C2%85b&token=t", "control character"); /* C1 NEL */
	REJECT("reason=+++&token=t", "reason missing");
	REJECT("teacher=x&token=t", "reason missing");
	REJECT("reason=x", "token missing");
	REJECT("reason=x&token=a%2Fb", "bad token");
	REJECT("reason=x&token=t&block=K3", "bad block id");
	REJECT("reason=x&token=t&url=http://x/", "url is not a path");
}
END_TEST

START_TEST(field_bounds)
{
	char body[REVIEW_FORM_MAX];
	/* exactly the limit passes, one more byte does not */
	strcpy(body, "token=t&teacher=");
	memset(body + strlen(body), 'a', REVIEW_TEACHER_MAX);
	body[16 + REVIEW_TEACHER_MAX] = '\0';
	strcat(body, "&reason=r");
	ck_assert_int_eq(P(body), 0);
	ck_assert_uint_eq(strlen(f.teacher), REVIEW_TEACHER_MAX);
	strcpy(body, "token=t&reason=r&teacher=");
	memset(body + strlen(body), 'a', REVIEW_TEACHER_MAX + 1);
	body[25 + REVIEW_TEACHER_MAX + 1] = '\0';
	REJECT(body, "field too long");
	/* a decoded length counts: 3 bytes of "%41" are one */
	strcpy(body, "token=t&reason=");
	for (int i = 0; i < REVIEW_REASON_MAX; i++)
		strcat(body, i < 100 ? "%41" : "A");
	ck_assert_int_eq(P(body), 0);
	strcat(body, "A");
	REJECT(body, "field too long");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("review_form");
	TCase *tc = tcase_create("review_form");
	tcase_add_test(tc, good_form);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, field_bounds);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
