/* Tests for bundle_files.c: making a bundle from a folder (the lists checked with the
 * policy's parser, FILE:LINE messages), bundle_verify's refusals in order (signature,
 * container, manifest, files, list lines), and unpacking into a new folder. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_files.h"
#include "testutil.h"

static struct minisign_pub pk;
static struct minisign_sec sk;

/* A key pair for the tests (before the suite runs: no ck_assert here). 0 or -1. */
static int keys(void)
{
	struct sbuf p, s;
	const char *why;
	sbuf_init(&p);
	sbuf_init(&s);
	minisign_keygen(&p, &s);
	int rc = minisign_pub_parse(p.data, p.len, &pk, &why) == 0 &&
			 minisign_sec_parse(s.data, s.len, &sk, &why) == 0 ? 0 : -1;
	sbuf_free(&p);
	sbuf_free(&s);
	return rc;
}

static struct manifest tmpl(void)
{
	struct manifest m;
	memset(&m, 0, sizeof m);
	m.serial = 3;
	m.expires = 1893456000;
	m.all = true;
	return m;
}

static bool diag_has(const struct diag *d, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->msgs[i], text))
			return true;
	return false;
}

START_TEST(make_and_verify)
{
	char *dir = tu_tmpdir(), sub[1024];
	snprintf(sub, sizeof sub, "%s/lists", dir);
	mkdir(sub, 0755);
	free(tu_write_file(sub, "gambling.list", "a.example\n=b.example\n/casino[0-9]+/\n"));
	free(tu_write_file(sub, "allow.list", "ok.example\n"));
	free(tu_write_file(sub, "README", "not a list\n"));
	struct manifest m = tmpl();
	struct sbuf out, sig;
	struct diag d;
	sbuf_init(&out);
	sbuf_init(&sig);
	diag_init(&d);
	ck_assert_int_eq(bundle_make(sub, &m, &out, &d), 0);
	ck_assert_uint_eq(m.n_lists, 2);
	ck_assert_str_eq(m.lists[0].name, "allow.list"); /* sorted */
	ck_assert_uint_eq(d.errors, 0);
	ck_assert(diag_has(&d, "warning: README: left out"));
	const char *why = NULL;
	ck_assert_int_eq(minisign_sign(&sk, (const uint8_t *)out.data, out.len, "t", &sig, &why), 0);
	struct manifest got;
	struct bundle *b = malloc(sizeof *b);
	size_t used = 9;
	diag_free(&d);
	diag_init(&d);
	ck_assert_int_eq(bundle_verify(out.data, out.len, sig.data, sig.len, &pk, 1, "B", &got, b,
				       &used, &d, &why), 0);
	ck_assert_uint_eq(got.serial, 3);
	ck_assert_uint_eq(b->n, 3);
	ck_assert_uint_eq(used, 0);
	manifest_free(&got);
	/* unpack: a new folder with every file; an existing folder is not replaced */
	char dest[600];
	snprintf(dest, sizeof dest, "%s/unpacked", dir);
	ck_assert_int_eq(bundle_unpack(b, dest), 0);
	size_t len;
	char *text = tu_read_file(strcat(strcpy(sub, dest), "/gambling.list"), &len);
	ck_assert_str_eq(text, "a.example\n=b.example\n/casino[0-9]+/\n");
	free(text);
	struct stat st;
	snprintf(sub, sizeof sub, "%s.tmp", dest);
	ck_assert_int_eq(stat(sub, &st), -1);
	ck_assert_int_eq(bundle_unpack(b, dest), -1);
	ck_assert_int_eq(stat(sub, &st), -1); /* no half folder left */
	ck_assert_int_eq(bundle_remove_dir(dest), 0);
	ck_assert_int_eq(stat(dest, &st), -1);
	free(b);
	diag_free(&d);
	sbuf_free(&out);
	sbuf_free(&sig);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(make_refuses_bad_lines)
{
	char *dir = tu_tmpdir();
	free(tu_write_file(dir, "gambling.list", "a.example\nbad name\n/([a-z]/\n"));
	struct manifest m = tmpl();
	struct sbuf out;
	struct diag d;
	sbuf_init(&out);
	diag_init(&d);
	ck_assert_int_eq(bundle_make(dir, &m, &out, &d), -1);
	ck_assert_uint_eq(out.len, 0);
	char want[600];
	snprintf(want, sizeof want, "%s/gambling.list:2: white space inside a rule", dir);
	ck_assert_msg(diag_has(&d, want), "%s", d.n ? d.msgs[0] : "-");
	snprintf(want, sizeof want, "%s/gambling.list:3: bad pattern", dir);
	ck_assert_msg(diag_has(&d, want), "%s", d.n > 1 ? d.msgs[1] : "-");
	diag_free(&d);
	diag_init(&d);
	ck_assert_int_eq(bundle_make("/nonexistent/campusgate", &m, &out, &d), -1);
	ck_assert(diag_has(&d, "/nonexistent/campusgate: cannot read"));
	diag_free(&d);
	sbuf_free(&out);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Sign text and expect bundle_verify to refuse it with want (and where, if given). */
static void refuse(const char *text, const char *want, const char *where)
{
	struct sbuf sig;
	struct manifest m;
	struct bundle *b = malloc(sizeof *b);
	struct diag d;
	const char *why = NULL;
	sbuf_init(&sig);
	diag_init(&d);
	ck_assert_int_eq(minisign_sign(&sk, (const uint8_t *)text, strlen(text), "t", &sig, &why), 0);
	ck_assert_int_eq(bundle_verify(text, strlen(text), sig.data, sig.len, &pk, 1, "B", &m, b,
				       NULL, &d, &why), -1);
	ck_assert_msg(strcmp(why, want) == 0, "want '%s', got '%s'", want, why);
	if (where)
		ck_assert_msg(diag_has(&d, where), "no '%s' in '%s'", where, d.n ? d.msgs[0] : "-");
	manifest_free(&m);
	diag_free(&d);
	sbuf_free(&sig);
	free(b);
}

START_TEST(verify_refusals)
{
	struct manifest m;
	struct bundle *b = malloc(sizeof *b);
	struct diag d;
	const char *why = NULL;
	diag_init(&d);
	/* a signature file that does not parse, one that does not verify */
	const char *text = "campusgate-bundle 1\nfile manifest 0\n\nend\n";
	ck_assert_int_eq(bundle_verify(text, strlen(text), "x", 1, &pk, 1, "B", &m, b, NULL, &d,
				       &why), -1);
	ck_assert_str_eq(why, "truncated minisign file");
	ck_assert(diag_has(&d, "B: refused: truncated minisign file"));
	free(b);
	diag_free(&d);
	refuse("campusgate-bundle 1\n", "bundle: truncated (no end line)", "B: refused");
	refuse("campusgate-bundle 1\nfile manifest 3\nxyz\nend\n",
	       "manifest: not a campusgate manifest (version 1)", "B/manifest:1: refused");
	static const char man[] = "campusgate-manifest 1\nserial 1\n"
				  "expires 2030-01-01T00:00:00Z\nscope all\n";
	char t[600];
	snprintf(t, sizeof t, "campusgate-bundle 1\nfile manifest %zu\n%s\nfile a.list 2\nx\n\nend\n",
		 strlen(man), man);
	refuse(t, "file not named in the manifest", "B/a.list: refused");
	char man2[300];
	snprintf(man2, sizeof man2, "%slist a.list %064d\n", man, 0);
	snprintf(t, sizeof t, "campusgate-bundle 1\nfile manifest %zu\n%s\nfile a.list 4\nx y\n\nend\n",
		 strlen(man2), man2);
	refuse(t, "SHA-256 differs from the manifest", "B/a.list: refused");
	snprintf(t, sizeof t, "campusgate-bundle 1\nfile manifest %zu\n%s\nend\n", strlen(man2), man2);
	refuse(t, "list named in the manifest is missing", "B/a.list: refused");
}
END_TEST

START_TEST(verify_bad_list_line)
{
	/* a bundle with the right hash over a bad line: refused with the list's FILE:LINE */
	uint8_t h[32];
	char hex[65], man[300], text[800];
	crypto_hash_sha256(h, (const uint8_t *)"ok.example\nx y\n", 15);
	sodium_bin2hex(hex, sizeof hex, h, 32);
	snprintf(man, sizeof man, "campusgate-manifest 1\nserial 1\nexpires 2030-01-01T00:00:00Z\n"
		 "scope all\nlist a.list %s\n", hex);
	snprintf(text, sizeof text, "campusgate-bundle 1\nfile manifest %zu\n%s\nfile a.list 15\n"
		 "ok.example\nx y\n\nend\n", strlen(man), man);
	refuse(text, "bad list lines", "B/a.list:2: white space inside a rule");
}
END_TEST

START_TEST(write_atomic)
{
	char *dir = tu_tmpdir(), p[512];
	snprintf(p, sizeof p, "%s/f", dir);
	ck_assert_int_eq(bundle_write_atomic(p, "one", 3), 0);
	ck_assert_int_eq(bundle_write_atomic(p, "two", 3), 0);
	struct sbuf s;
	sbuf_init(&s);
	ck_assert_int_eq(bundle_read_file(p, 3, &s), 0);
	ck_assert_str_eq(s.data, "two");
	sbuf_reset(&s);
	ck_assert_int_eq(bundle_read_file(p, 2, &s), -1); /* larger than max */
	sbuf_free(&s);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

int main(void)
{
	if (sodium_init() < 0 || keys() < 0)
		return 99;
	Suite *s = suite_create("bundle_files");
	TCase *tc = tcase_create("bundle_files");
	tcase_add_test(tc, make_and_verify);
	tcase_add_test(tc, make_refuses_bad_lines);
	tcase_add_test(tc, verify_refusals);
	tcase_add_test(tc, verify_bad_list_line);
	tcase_add_test(tc, write_atomic);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
