/* Tests for minisign.c: keys and signatures made by the minisign tool (0.11) verify here,
 * ours verify here, and every rejection branch of the three parsers and of verify. */
#include <sodium.h>
#include <string.h>

#include "minisign.h"
#include "testutil.h"

/* Made with minisign 0.11: -G -W, then -S (prehashed "ED") and -S -l (legacy "Ed"). */
static const char tool_pub[] =
	"untrusted comment: minisign public key 31C11D22D16A9319\n"
	"RWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44\n";
static const char tool_sig_ed[] =
	"untrusted comment: signature from minisign secret key\n"
	"RUQZk2rRIh3BMS4XeNNQEeiA37XG8EOycFpVju27UO4A8br1NYyglFxEZ0zYHtlNtgYCw8CdwktyCu+UTP6eQcAwu1U5k31vHgs=\n"
	"trusted comment: trusted fixture\n"
	"XdQvZZuBTNfmezklc1/MPINAtX7CggbkAbv8qMVaeillK20wetTPNUoqrgJpO77Xk1aUAC0tsTUfATgi6uBjBA==\n";
static const char tool_sig_legacy[] =
	"untrusted comment: signature from minisign secret key\n"
	"RWQZk2rRIh3BMUyYJ1YNRpsgiLpIDOf4MUK0Oiw1lVOkL+aud+/aW7xtOYfAnEIMbfhlkfCzOK3mHFKl6nW0ZecbT+WBauEByg8=\n"
	"trusted comment: legacy fixture\n"
	"1ta2F/PWnDHDZLmU2FXKluohfKKF36vyt9Gbh41oZ7AfagFWg0xVn69Bag733GthFceruCxK8djL6NhN15gZDg==\n";
static const char tool_sec[] =
	"untrusted comment: minisign encrypted secret key\n"
	"RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGZNq0SIdwTGttPwK6Vv4iJW1d6BDiilmU9pQkBoIKiuJcPyX2Ul/W4HUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
static const char msg_text[] = "hello bundle\n";

#define MSG_BYTES ((const uint8_t *)msg_text), (sizeof msg_text - 1)

static void sig_reject(const char *text, const char *want)
{
	struct minisign_sig s;
	const char *why = NULL;
	ck_assert_int_eq(minisign_sig_parse(text, strlen(text), &s, &why), -1);
	ck_assert_msg(why && strcmp(why, want) == 0, "want '%s', got '%s'", want,
		      why ? why : "(none)");
}

static void verify_reject(const char *sigtext, const char *want)
{
	struct minisign_pub k;
	struct minisign_sig s;
	const char *why = NULL;
	ck_assert_int_eq(minisign_pub_parse(tool_pub, strlen(tool_pub), &k, &why), 0);
	ck_assert_int_eq(minisign_sig_parse(sigtext, strlen(sigtext), &s, &why), 0);
	ck_assert_int_eq(minisign_verify(&k, 1, &s, MSG_BYTES, NULL, &why), -1);
	ck_assert_msg(strcmp(why, want) == 0, "want '%s', got '%s'", want, why);
}

/* The fixture with one substring replaced. */
static char *edit(const char *text, const char *from, const char *to)
{
	static char buf[2048];
	const char *p = strstr(text, from);
	ck_assert_ptr_nonnull(p);
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	return buf;
}

START_TEST(tool_signatures_verify)
{
	struct minisign_pub k;
	struct minisign_sig s;
	const char *why = NULL;
	size_t used = 9;
	char id[17];
	ck_assert_int_eq(minisign_pub_parse(tool_pub, strlen(tool_pub), &k, &why), 0);
	ck_assert_str_eq(minisign_keyid_str(k.keyid, id), "31C11D22D16A9319");
	ck_assert_int_eq(minisign_sig_parse(tool_sig_ed, strlen(tool_sig_ed), &s, &why), 0);
	ck_assert(s.prehashed);
	ck_assert_str_eq(s.trusted, "trusted fixture");
	ck_assert_int_eq(minisign_verify(&k, 1, &s, MSG_BYTES, &used, &why), 0);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(minisign_sig_parse(tool_sig_legacy, strlen(tool_sig_legacy), &s, &why), 0);
	ck_assert(!s.prehashed);
	ck_assert_int_eq(minisign_verify(&k, 1, &s, MSG_BYTES, NULL, &why), 0);
	/* a changed message fails */
	ck_assert_int_eq(minisign_verify(&k, 1, &s, (const uint8_t *)"hello bundlE\n", 13, NULL,
					 &why), -1);
	ck_assert_str_eq(why, "signature does not verify");
	/* CRLF line ends are read too */
	const char *crlf = "untrusted comment: x\r\n"
			   "RWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44\r\n";
	ck_assert_int_eq(minisign_pub_parse(crlf, strlen(crlf), &k, &why), 0);
}
END_TEST

START_TEST(tool_secret_key_signs)
{
	struct minisign_sec sk;
	struct minisign_pub k;
	struct minisign_sig s;
	struct sbuf out;
	const char *why = NULL;
	ck_assert_int_eq(minisign_sec_parse(tool_sec, strlen(tool_sec), &sk, &why), 0);
	ck_assert_int_eq(minisign_pub_parse(tool_pub, strlen(tool_pub), &k, &why), 0);
	ck_assert_mem_eq(sk.keyid, k.keyid, 8);
	sbuf_init(&out);
	ck_assert_int_eq(minisign_sign(&sk, MSG_BYTES, "a comment", &out, &why), 0);
	ck_assert_int_eq(minisign_sig_parse(out.data, out.len, &s, &why), 0);
	ck_assert(s.prehashed);
	ck_assert_int_eq(minisign_verify(&k, 1, &s, MSG_BYTES, NULL, &why), 0);
	sbuf_free(&out);
}
END_TEST

START_TEST(keygen_roundtrip_and_rotation)
{
	struct sbuf pub1, sec1, pub2, sec2, sig;
	struct minisign_pub keys[2];
	struct minisign_sec sk;
	struct minisign_sig s;
	const char *why = NULL;
	size_t used = 9;
	sbuf_init(&pub1);
	sbuf_init(&sec1);
	sbuf_init(&pub2);
	sbuf_init(&sec2);
	sbuf_init(&sig);
	minisign_keygen(&pub1, &sec1);
	minisign_keygen(&pub2, &sec2);
	ck_assert_int_eq(minisign_pub_parse(pub1.data, pub1.len, &keys[0], &why), 0);
	ck_assert_int_eq(minisign_pub_parse(pub2.data, pub2.len, &keys[1], &why), 0);
	ck_assert_int_eq(minisign_sec_parse(sec2.data, sec2.len, &sk, &why), 0);
	ck_assert_int_eq(minisign_sign(&sk, MSG_BYTES, "rotated", &sig, &why), 0);
	ck_assert_int_eq(minisign_sig_parse(sig.data, sig.len, &s, &why), 0);
	/* the second pinned key verifies; the first alone does not know the key id */
	ck_assert_int_eq(minisign_verify(keys, 2, &s, MSG_BYTES, &used, &why), 0);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(minisign_verify(keys, 1, &s, MSG_BYTES, NULL, &why), -1);
	ck_assert_str_eq(why, "signed with a key that is not pinned (key id differs)");
	/* the same key id with another public key: the signature fails */
	memcpy(keys[0].keyid, keys[1].keyid, 8);
	ck_assert_int_eq(minisign_verify(keys, 1, &s, MSG_BYTES, NULL, &why), -1);
	ck_assert_str_eq(why, "signature does not verify");
	/* a secret key whose checksum is wrong */
	char *line = strchr(sec2.data, '\n') + 1;
	uint8_t raw[158];
	size_t got;
	ck_assert_int_eq(sodium_base642bin(raw, sizeof raw, line, strcspn(line, "\n"), NULL, &got,
					   NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	raw[157] ^= 1;
	char b64[256];
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
	char bad[400];
	snprintf(bad, sizeof bad, "untrusted comment: x\n%s\n", b64);
	ck_assert_int_eq(minisign_sec_parse(bad, strlen(bad), &sk, &why), -1);
	ck_assert_str_eq(why, "secret key checksum does not match");
	raw[157] ^= 1;
	raw[2] = 'S'; raw[3] = 'c'; /* scrypt: encrypted */
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
	snprintf(bad, sizeof bad, "untrusted comment: x\n%s\n", b64);
	ck_assert_int_eq(minisign_sec_parse(bad, strlen(bad), &sk, &why), -1);
	ck_assert_str_eq(why, "encrypted secret key (make one with minisign -G -W or campusgate bundle keygen)");
	raw[2] = raw[3] = 0;
	raw[4] = 'X'; /* checksum algorithm */
	sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
	snprintf(bad, sizeof bad, "untrusted comment: x\n%s\n", b64);
	ck_assert_int_eq(minisign_sec_parse(bad, strlen(bad), &sk, &why), -1);
	ck_assert_str_eq(why, "unknown signature algorithm");
	sbuf_free(&pub1);
	sbuf_free(&sec1);
	sbuf_free(&pub2);
	sbuf_free(&sec2);
	sbuf_free(&sig);
}
END_TEST

START_TEST(signature_rejections)
{
	sig_reject("", "truncated minisign file");
	sig_reject("untrusted comment: x\nRUQ=\n", "truncated minisign file");
	/* every line but the last dropped in turn */
	char t[1024];
	size_t n = strlen(tool_sig_ed);
	memcpy(t, tool_sig_ed, n);
	t[n - 1] = '\0';
	*strrchr(t, '\n') = '\0';
	sig_reject(t, "truncated minisign file");
	char extra[1024];
	snprintf(extra, sizeof extra, "%sextra\n", tool_sig_ed);
	sig_reject(extra, "minisign file has extra lines");
	sig_reject(edit(tool_sig_ed, "untrusted comment: ", "comment: "), "no untrusted comment line");
	sig_reject(edit(tool_sig_ed, "trusted comment: trusted", "trusted: trusted"),
		   "no trusted comment line");
	sig_reject(edit(tool_sig_ed, "RUQZk2rR", "RUQZk2r!"), "bad base64");
	sig_reject(edit(tool_sig_ed, "RUQZk2rR", "RUQZ k2rR"), "bad base64");
	sig_reject(edit(tool_sig_ed, "k31vHgs=", "k31vHgs"), "bad base64"); /* no padding */
	sig_reject(edit(tool_sig_ed, "u1U5k31vHgs=", ""), "wrong length of base64 data");
	sig_reject(edit(tool_sig_ed, "RUQZ", "RXQZ"), "unknown signature algorithm"); /* "E\xe4" */
	sig_reject(edit(tool_sig_ed, "XdQvZZuB", "XdQvZZu*"), "bad base64");
	static char big[MINISIGN_FILE_MAX + 2];
	memset(big, 'A', sizeof big - 1);
	sig_reject(big, "minisign file too long");
	char longc[MINISIGN_COMMENT_MAX + 200];
	memset(longc, 'c', MINISIGN_COMMENT_MAX + 1);
	longc[MINISIGN_COMMENT_MAX + 1] = '\0';
	sig_reject(edit(tool_sig_ed, "trusted fixture", longc), "bad trusted comment");
}
END_TEST

START_TEST(verify_rejections)
{
	/* another trusted comment: the global signature fails */
	verify_reject(edit(tool_sig_ed, "trusted fixture", "trusted fixturE"),
		      "global signature (over the trusted comment) does not verify");
	/* the key id changed: no pinned key has it */
	verify_reject(edit(tool_sig_ed, "RUQZk2rRIh3BMS4X", "RUQak2rRIh3BMS4X"),
		      "signed with a key that is not pinned (key id differs)");
	/* "ED" made "Ed": the prehash is not used, the signature fails */
	verify_reject(edit(tool_sig_ed, "RUQZ", "RWQZ"), "signature does not verify");
}
END_TEST

START_TEST(key_rejections)
{
	struct minisign_pub k;
	struct minisign_sec sk;
	const char *why = NULL;
	const char *b64 = "RWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44";
	ck_assert_int_eq(minisign_pub_parse_b64(b64, strlen(b64), &k, &why), 0);
	ck_assert_int_eq(minisign_pub_parse_b64(b64, strlen(b64) - 4, &k, &why), -1);
	ck_assert_str_eq(why, "wrong length of base64 data");
	ck_assert_int_eq(minisign_pub_parse_b64("RWQZ%k2r", 8, &k, &why), -1);
	ck_assert_str_eq(why, "bad base64");
	ck_assert_int_eq(minisign_pub_parse_b64("", 0, &k, &why), -1);
	ck_assert_str_eq(why, "bad base64");
	const char *other = "RXQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44";
	ck_assert_int_eq(minisign_pub_parse_b64(other, strlen(other), &k, &why), -1);
	ck_assert_str_eq(why, "unknown signature algorithm");
	const char *nocomment = "comment\nRWQZk2rRIh3BMYHUJWU/eahC6m8y0xbM2NN0Prz0xTGZ8auH7h4YwO44\n";
	ck_assert_int_eq(minisign_pub_parse(nocomment, strlen(nocomment), &k, &why), -1);
	ck_assert_str_eq(why, "no untrusted comment line");
	ck_assert_int_eq(minisign_pub_parse("", 0, &k, &why), -1);
	ck_assert_str_eq(why, "truncated minisign file");
	ck_assert_int_eq(minisign_sec_parse(tool_pub, strlen(tool_pub), &sk, &why), -1);
	ck_assert_str_eq(why, "wrong length of base64 data");
	ck_assert_int_eq(minisign_sec_parse("untrusted comment: x\n", 21, &sk, &why), -1);
	ck_assert_str_eq(why, "truncated minisign file");
	ck_assert_int_eq(minisign_sec_parse(nocomment, strlen(nocomment), &sk, &why), -1);
	ck_assert_str_eq(why, "no untrusted comment line");
}
END_TEST

START_TEST(sign_rejects_bad_comment)
{
	struct minisign_sec sk;
	struct sbuf out;
	const char *why = NULL;
	ck_assert_int_eq(minisign_sec_parse(tool_sec, strlen(tool_sec), &sk, &why), 0);
	sbuf_init(&out);
	ck_assert_int_eq(minisign_sign(&sk, MSG_BYTES, "two\nlines", &out, &why), -1);
	ck_assert_str_eq(why, "bad trusted comment");
	sbuf_free(&out);
}
END_TEST

int main(void)
{
	if (sodium_init() < 0)
		return 99;
	Suite *s = suite_create("minisign");
	TCase *tc = tcase_create("minisign");
	tcase_add_test(tc, tool_signatures_verify);
	tcase_add_test(tc, tool_secret_key_signs);
	tcase_add_test(tc, keygen_roundtrip_and_rotation);
	tcase_add_test(tc, signature_rejections);
	tcase_add_test(tc, verify_rejections);
	tcase_add_test(tc, key_rejections);
	tcase_add_test(tc, sign_rejects_bad_comment);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
