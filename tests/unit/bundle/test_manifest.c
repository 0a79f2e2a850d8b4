/* Tests for manifest.c: the manifest parser (every rejection, bounded, hostile input),
 * times, the update's decisions (rollback, expiry, scope) and the files check. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "testutil.h"

#define SHA_A "0000000000000000000000000000000000000000000000000000000000000000"
#define HEAD "campusgate-manifest 1\nserial 7\nexpires 2030-01-01T00:00:00Z\n"

static void reject(const char *text, const char *want, unsigned want_line)
{
	struct manifest m;
	const char *why = NULL;
	unsigned line = 99;
	ck_assert_int_eq(manifest_parse(text, strlen(text), &m, &why, &line), -1);
	ck_assert_msg(why && strcmp(why, want) == 0, "'%s': want '%s', got '%s'", text, want,
		      why ? why : "-");
	ck_assert_uint_eq(line, want_line);
	manifest_free(&m);
}

START_TEST(good)
{
	struct manifest m;
	const char *why = NULL;
	unsigned line;
	const char *t = "campusgate-manifest 1\r\n# a comment\n\nserial 42\n"
			"expires 2027-02-28T23:59:59Z\nscope school-a  school-b\n"
			"scope school-c\nlist gambling.list " SHA_A "\n"
			"list allow.list " SHA_A;
	ck_assert_int_eq(manifest_parse(t, strlen(t), &m, &why, &line), 0);
	ck_assert_uint_eq(m.serial, 42);
	ck_assert(!m.all);
	ck_assert_uint_eq(m.n_schools, 3);
	ck_assert_str_eq(m.schools[2], "school-c");
	ck_assert_uint_eq(m.n_lists, 2);
	ck_assert_str_eq(m.lists[1].name, "allow.list");
	char ts[21];
	manifest_time_str(m.expires, ts);
	ck_assert_str_eq(ts, "2027-02-28T23:59:59Z");
	/* written and read back: the same */
	struct sbuf s;
	struct manifest m2;
	sbuf_init(&s);
	manifest_write(&s, &m);
	ck_assert_int_eq(manifest_parse(s.data, s.len, &m2, &why, &line), 0);
	ck_assert_uint_eq(m2.serial, 42);
	ck_assert_int_eq(m2.expires, m.expires);
	ck_assert_uint_eq(m2.n_schools, 3);
	ck_assert_uint_eq(m2.n_lists, 2);
	manifest_free(&m2);
	manifest_free(&m);
	sbuf_free(&s);
	t = HEAD "scope all\n";
	ck_assert_int_eq(manifest_parse(t, strlen(t), &m, &why, &line), 0);
	ck_assert(m.all);
	ck_assert_uint_eq(m.n_lists, 0);
	manifest_free(&m);
}
END_TEST

START_TEST(rejections)
{
	reject("", "manifest: not a campusgate manifest (version 1)", 0);
	reject("campusgate-manifest 2\n", "manifest: not a campusgate manifest (version 1)", 1);
	reject("campusgate-manifest 1 \n", "manifest: not a campusgate manifest (version 1)", 1);
	reject("campusgate-manifest 1\nserial 1\nscope all\n",
	       "manifest: serial, expires or scope missing", 0);
	reject("campusgate-manifest 1\nexpires 2030-01-01T00:00:00Z\nscope all\n",
	       "manifest: serial, expires or scope missing", 0);
	reject(HEAD, "manifest: serial, expires or scope missing", 0);
	reject(HEAD "scope all\nbogus 1\n", "manifest: unknown key", 5);
	reject(HEAD "serial 8\n", "manifest: key given twice", 4);
	reject(HEAD "expires 2030-01-01T00:00:00Z\n", "manifest: key given twice", 4);
	reject("campusgate-manifest 1\nserial 0\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nserial 01\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nserial -1\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nserial 9223372036854775808\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nserial 99999999999999999999999\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nserial\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nserial 1 2\n", "manifest: bad serial", 2);
	reject("campusgate-manifest 1\nexpires 2030-01-01 00:00:00\n", "manifest: bad expiry time", 2);
	reject("campusgate-manifest 1\nexpires 2030-02-30T00:00:00Z\n", "manifest: bad expiry time", 2);
	reject("campusgate-manifest 1\nexpires 2031-02-29T00:00:00Z\n", "manifest: bad expiry time", 2);
	reject("campusgate-manifest 1\nexpires 2030-01-01T24:00:00Z\n", "manifest: bad expiry time", 2);
	reject("campusgate-manifest 1\nexpires 1969-12-31T23:59:59Z\n", "manifest: bad expiry time", 2);
	reject("campusgate-manifest 1\nexpires 2030-01-01T00:00:00+08\n", "manifest: bad expiry time", 2);
	reject(HEAD "scope all\nscope school-a\n", "manifest: 'scope all' with other scope lines", 5);
	reject(HEAD "scope school-a\nscope all\n", "manifest: 'scope all' with other scope lines", 5);
	reject(HEAD "scope all\nscope all\n", "manifest: 'scope all' with other scope lines", 5);
	reject(HEAD "scope\n", "manifest: scope names no school", 4);
	reject(HEAD "scope a/b\n", "manifest: bad school id", 4);
	reject(HEAD "scope ..\n" /* a valid id: dots are allowed, no path is made of it */
	       "scope x\xff\n", "manifest: bad school id", 5);
	reject(HEAD "scope all\nlist gambling.list\n",
	       "manifest: bad list line (list CATEGORY.list SHA256)", 5);
	reject(HEAD "scope all\nlist gambling.txt " SHA_A "\n",
	       "manifest: bad list line (list CATEGORY.list SHA256)", 5);
	reject(HEAD "scope all\nlist ../x.list " SHA_A "\n",
	       "manifest: bad list line (list CATEGORY.list SHA256)", 5);
	reject(HEAD "scope all\nlist .list " SHA_A "\n",
	       "manifest: bad list line (list CATEGORY.list SHA256)", 5);
	reject(HEAD "scope all\nlist aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.list " SHA_A "\n",
	       "manifest: bad list line (list CATEGORY.list SHA256)", 5); /* 33-byte category */
	reject(HEAD "scope all\nlist a.list " SHA_A " extra\n",
	       "manifest: bad list line (list CATEGORY.list SHA256)", 5);
	reject(HEAD "scope all\nlist a.list 00\n", "manifest: bad SHA-256", 5);
	reject(HEAD "scope all\nlist a.list 0" SHA_A "\n", "manifest: bad SHA-256", 5); /* 65 digits */
	reject(HEAD "scope all\nlist a.list " "000000000000000000000000000000000000000000000000000000000000000g\n",
	       "manifest: bad SHA-256", 5);
	reject(HEAD "scope all\nlist a.list " SHA_A "\nlist a.list " SHA_A "\n",
	       "manifest: a list is named twice", 6);
	const char nul[] = "campusgate-manifest 1\nserial 1\0\n";
	struct manifest m;
	const char *why;
	unsigned line;
	ck_assert_int_eq(manifest_parse(nul, sizeof nul - 1, &m, &why, &line), -1);
	ck_assert_str_eq(why, "manifest: NUL byte");
	manifest_free(&m);
}
END_TEST

START_TEST(bounds)
{
	struct manifest m;
	const char *why;
	unsigned line;
	struct sbuf s;
	sbuf_init(&s);
	/* a line over MANIFEST_MAX_LINE */
	sbuf_adds(&s, HEAD "# ");
	for (int i = 0; i < MANIFEST_MAX_LINE; i++)
		sbuf_addc(&s, 'x');
	ck_assert_int_eq(manifest_parse(s.data, s.len, &m, &why, &line), -1);
	ck_assert_str_eq(why, "manifest: line too long");
	ck_assert_uint_eq(line, 4);
	manifest_free(&m);
	/* the whole over MANIFEST_MAX_BYTES */
	sbuf_reset(&s);
	sbuf_adds(&s, HEAD);
	while (s.len <= MANIFEST_MAX_BYTES)
		sbuf_adds(&s, "# filler\n");
	ck_assert_int_eq(manifest_parse(s.data, s.len, &m, &why, &line), -1);
	ck_assert_str_eq(why, "manifest: too long");
	manifest_free(&m);
	/* more than 256 schools on a line, more than MANIFEST_MAX_SCHOOLS in all */
	sbuf_reset(&s);
	sbuf_adds(&s, HEAD "scope");
	for (int i = 0; i < 257; i++)
		sbuf_printf(&s, " s%d", i);
	ck_assert_int_eq(manifest_parse(s.data, s.len, &m, &why, &line), -1);
	ck_assert_str_eq(why, "manifest: too many schools on one line");
	manifest_free(&m);
	sbuf_reset(&s);
	sbuf_adds(&s, HEAD);
	for (int i = 0; i <= MANIFEST_MAX_SCHOOLS; i++)
		sbuf_printf(&s, "scope s%d\n", i);
	ck_assert_int_eq(manifest_parse(s.data, s.len, &m, &why, &line), -1);
	ck_assert_str_eq(why, "manifest: too many schools");
	manifest_free(&m);
	/* more lists than a bundle holds */
	sbuf_reset(&s);
	sbuf_adds(&s, HEAD "scope all\n");
	for (int i = 0; i <= MANIFEST_MAX_LISTS; i++)
		sbuf_printf(&s, "list c%d.list " SHA_A "\n", i);
	ck_assert_int_eq(manifest_parse(s.data, s.len, &m, &why, &line), -1);
	ck_assert_str_eq(why, "manifest: too many lists");
	manifest_free(&m);
	sbuf_free(&s);
}
END_TEST

static struct manifest parsed(const char *text)
{
	struct manifest m;
	const char *why = NULL;
	unsigned line;
	ck_assert_msg(manifest_parse(text, strlen(text), &m, &why, &line) == 0, "%s", why);
	return m;
}

START_TEST(decisions)
{
	int64_t now, exp;
	const char *why = NULL;
	ck_assert_int_eq(manifest_time_parse("2030-01-01T00:00:00Z", 20, &exp), 0);
	ck_assert_int_eq(exp, 1893456000);
	now = exp - 1;
	struct manifest all = parsed(HEAD "scope all\n");
	struct manifest some = parsed(HEAD "scope school-a school-b\n");
	/* the first bundle, a newer one */
	ck_assert_int_eq(manifest_decide(&all, false, 0, now, NULL, &why), 0);
	ck_assert_int_eq(manifest_decide(&all, true, 6, now, "x", &why), 0);
	/* rollback: equal and older serials */
	ck_assert_int_eq(manifest_decide(&all, true, 7, now, NULL, &why), -1);
	ck_assert_str_eq(why, "serial not newer than the one applied last (rollback refused)");
	ck_assert_int_eq(manifest_decide(&all, true, UINT64_MAX, now, NULL, &why), -1);
	/* expiry: at the second it expires, and after */
	ck_assert_int_eq(manifest_decide(&all, true, 6, exp, NULL, &why), -1);
	ck_assert_str_eq(why, "manifest expired");
	ck_assert_int_eq(manifest_decide(&all, false, 0, exp + 86400, NULL, &why), -1);
	/* scope */
	ck_assert_int_eq(manifest_decide(&some, false, 0, now, "school-b", &why), 0);
	ck_assert_int_eq(manifest_decide(&some, false, 0, now, "school-c", &why), -1);
	ck_assert_str_eq(why, "bundle is not for this school (scope)");
	ck_assert_int_eq(manifest_decide(&some, false, 0, now, "school", &why), -1);
	ck_assert_int_eq(manifest_decide(&some, false, 0, now, NULL, &why), -1);
	ck_assert_str_eq(why, "bundle names schools but [district] school_id is not set");
	/* rollback is decided before scope: an old bundle for another school says rollback */
	ck_assert_int_eq(manifest_decide(&some, true, 9, now, "school-c", &why), -1);
	ck_assert_str_eq(why, "serial not newer than the one applied last (rollback refused)");
	manifest_free(&all);
	manifest_free(&some);
}
END_TEST

START_TEST(files)
{
	uint8_t h[32];
	char hex[65], text[512];
	const char *why = NULL, *name = NULL;
	struct bundle *b = calloc(1, sizeof *b);
	crypto_hash_sha256(h, (const uint8_t *)"a.example\n", 10);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	snprintf(text, sizeof text, HEAD "scope all\nlist gambling.list %s\n", hex);
	struct manifest m = parsed(text);
	b->n = 2;
	strcpy(b->files[0].name, "manifest");
	strcpy(b->files[1].name, "gambling.list");
	b->files[1].data = "a.example\n";
	b->files[1].len = 10;
	ck_assert_int_eq(manifest_check_files(&m, b, &why, &name), 0);
	b->files[1].data = "b.example\n";
	ck_assert_int_eq(manifest_check_files(&m, b, &why, &name), -1);
	ck_assert_str_eq(why, "SHA-256 differs from the manifest");
	ck_assert_str_eq(name, "gambling.list");
	b->files[1].data = "a.example\n";
	strcpy(b->files[1].name, "porn.list");
	ck_assert_int_eq(manifest_check_files(&m, b, &why, &name), -1);
	ck_assert_str_eq(why, "file not named in the manifest");
	ck_assert_str_eq(name, "porn.list");
	b->n = 1;
	ck_assert_int_eq(manifest_check_files(&m, b, &why, &name), -1);
	ck_assert_str_eq(why, "list named in the manifest is missing");
	ck_assert_str_eq(name, "gambling.list");
	manifest_free(&m);
	free(b);
}
END_TEST

int main(void)
{
	if (sodium_init() < 0)
		return 99;
	Suite *s = suite_create("manifest");
	TCase *tc = tcase_create("manifest");
	tcase_add_test(tc, good);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, decisions);
	tcase_add_test(tc, files);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
