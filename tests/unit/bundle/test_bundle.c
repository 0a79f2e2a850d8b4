/* Tests for bundle.c: the container round trip, and hostile input: lengths, names with
 * '/' or '..', duplicates, truncation, trailing data, every rejection branch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "testutil.h"

static void reject_n(const char *buf, size_t len, const char *want)
{
	struct bundle *b = malloc(sizeof *b);
	const char *why = NULL;
	ck_assert_int_eq(bundle_parse(buf, len, b, &why), -1);
	ck_assert_msg(why && strcmp(why, want) == 0, "want '%s', got '%s'", want, why ? why : "-");
	free(b);
}

static void reject(const char *buf, const char *want)
{
	reject_n(buf, strlen(buf), want);
}

START_TEST(roundtrip)
{
	struct sbuf s;
	struct bundle *b = malloc(sizeof *b);
	const char *why = NULL;
	sbuf_init(&s);
	bundle_write_begin(&s);
	bundle_write_file(&s, "manifest", "m\n", 2);
	bundle_write_file(&s, "gambling.list", "a.example\nb.example\n", 20);
	bundle_write_file(&s, "empty.list", "", 0);
	bundle_write_file(&s, "bin.list", "\n\0\nend\n", 7); /* any bytes inside */
	bundle_write_end(&s);
	ck_assert_int_eq(bundle_parse(s.data, s.len, b, &why), 0);
	ck_assert_uint_eq(b->n, 4);
	ck_assert_str_eq(b->files[0].name, "manifest");
	const struct bundle_file *f = bundle_find(b, "gambling.list");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->len, 20);
	ck_assert_mem_eq(f->data, "a.example\nb.example\n", 20);
	ck_assert_uint_eq(bundle_find(b, "empty.list")->len, 0);
	ck_assert_uint_eq(bundle_find(b, "bin.list")->len, 7);
	ck_assert_ptr_null(bundle_find(b, "other.list"));
	/* every shorter prefix is refused (never read past len) */
	for (size_t n = 0; n < s.len; n++) {
		why = NULL;
		ck_assert_int_eq(bundle_parse(s.data, n, b, &why), -1);
		ck_assert_ptr_nonnull(why);
	}
	sbuf_free(&s);
	free(b);
}
END_TEST

START_TEST(rejections)
{
	reject("", "bundle: not a campusgate bundle");
	reject("campusgate-bundle 2\nend\n", "bundle: not a campusgate bundle");
	reject("campusgate-bundle 1\nend\n", "bundle: the first file is not the manifest");
	reject("campusgate-bundle 1\n", "bundle: truncated (no end line)");
	reject("campusgate-bundle 1\nfile manifest 1\nm\n", "bundle: truncated (no end line)");
	reject("campusgate-bundle 1\nfile manifest 1\nm\nend\nx", "bundle: data after the end");
	reject("campusgate-bundle 1\nfile manifest 1\nm\nend\nend\n", "bundle: data after the end");
	reject("campusgate-bundle 1\nfilemanifest 1\nm\nend\n", "bundle: bad file header");
	reject("campusgate-bundle 1\nfile manifest\nm\nend\n", "bundle: bad file header");
	reject("campusgate-bundle 1\nfile manifest 1", "bundle: bad file header");
	reject("campusgate-bundle 1\nfile ../etc/passwd 1\nm\nend\n", "bundle: bad file name");
	reject("campusgate-bundle 1\nfile a/b 1\nm\nend\n", "bundle: bad file name");
	reject("campusgate-bundle 1\nfile .. 1\nm\nend\n", "bundle: bad file name");
	reject("campusgate-bundle 1\nfile .hidden 1\nm\nend\n", "bundle: bad file name");
	reject("campusgate-bundle 1\nfile  1\nm\nend\n", "bundle: bad file name");
	reject("campusgate-bundle 1\nfile "
	       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1\nm\nend\n",
	       "bundle: bad file name"); /* 65 bytes */
	reject("campusgate-bundle 1\nfile manifest -1\nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest 01\nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest \nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest 1 \nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest 99999999999\nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest 4294967297\nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest 134217729\nm\nend\n", "bundle: bad file size");
	reject("campusgate-bundle 1\nfile manifest 100\nm\nend\n", "bundle: file runs past the end");
	reject("campusgate-bundle 1\nfile manifest 2\nm\nend\n", "bundle: file runs past the end");
	reject("campusgate-bundle 1\nfile manifest 1\nmXend\n", "bundle: file runs past the end");
	reject("campusgate-bundle 1\nfile a.list 1\nm\nend\n",
	       "bundle: the first file is not the manifest");
	reject("campusgate-bundle 1\nfile manifest 1\nm\nfile manifest 1\nm\nend\n",
	       "bundle: a file is there twice");
	reject("campusgate-bundle 1\nfile manifest 1\nm\nfile a.list 0\n\nfile a.list 0\n\nend\n",
	       "bundle: a file is there twice");
	/* a header line without a newline within 100 bytes */
	char hdr[300] = "campusgate-bundle 1\nfile ";
	memset(hdr + strlen(hdr), 'a', 150);
	reject(hdr, "bundle: bad file header");
}
END_TEST

START_TEST(too_many_files)
{
	struct sbuf s;
	sbuf_init(&s);
	bundle_write_begin(&s);
	bundle_write_file(&s, "manifest", "", 0);
	for (int i = 1; i <= BUNDLE_MAX_FILES; i++) {
		char n[32];
		snprintf(n, sizeof n, "f%d.list", i);
		bundle_write_file(&s, n, "", 0);
	}
	bundle_write_end(&s);
	reject_n(s.data, s.len, "bundle: too many files");
	reject_n(s.data, (size_t)BUNDLE_MAX_BYTES + 1, "bundle: too large"); /* length only */
	sbuf_free(&s);
}
END_TEST

START_TEST(names)
{
	ck_assert(bundle_name_ok("gambling.list", 13));
	ck_assert(bundle_name_ok("a-b_c.1", 7));
	ck_assert(!bundle_name_ok("", 0));
	ck_assert(!bundle_name_ok(".", 1));
	ck_assert(!bundle_name_ok("..", 2));
	ck_assert(!bundle_name_ok("a/b", 3));
	ck_assert(!bundle_name_ok("a\\b", 3));
	ck_assert(!bundle_name_ok("a b", 3));
	ck_assert(!bundle_name_ok("a\0b", 3));
	ck_assert(!bundle_name_ok("\xe4\xb8\xad", 3));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("bundle");
	tcase_add_test(tc, roundtrip);
	tcase_add_test(tc, rejections);
	tcase_add_test(tc, too_many_files);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
