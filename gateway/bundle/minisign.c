/* minisign: minisign's key and signature files, Ed25519 through libsodium. */
#include <sodium.h>
#include <string.h>

#include "minisign.h"

#define UNTRUSTED "untrusted comment: "
#define TRUSTED "trusted comment: "
#define PUB_LEN (2 + MINISIGN_KEYID_LEN + 32)
#define SIG_LEN (2 + MINISIGN_KEYID_LEN + 64)
#define SEC_LEN (2 + 2 + 2 + 32 + 8 + 8 + MINISIGN_KEYID_LEN + 64 + 32)

/* The lines of a small file: at most max, each without its "\n" or "\r\n". */
struct ms_lines {
	const char *p[5];
	size_t n[5];
	size_t count;
};

static int ms_split(const char *buf, size_t len, size_t max, struct ms_lines *out,
		    const char **why)
{
	size_t start = 0;
	out->count = 0;
	if (len > MINISIGN_FILE_MAX) {
		*why = "minisign file too long";
		return -1;
	}
	while (start < len) {
		const char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t n = end - start;
		if (n > 0 && buf[start + n - 1] == '\r')
			n--;
		if (out->count == max) {
			*why = "minisign file has extra lines";
			return -1;
		}
		out->p[out->count] = buf + start;
		out->n[out->count++] = n;
		start = end + 1;
	}
	return 0;
}

static bool ms_prefix(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);
	return n >= pl && memcmp(s, prefix, pl) == 0;
}

/* Decode exactly want bytes of base64 (no whitespace, padding as required). */
static int ms_b64(const char *s, size_t len, uint8_t *out, size_t want, const char **why)
{
	size_t got = 0;
	const char *end = NULL;
	if (len == 0 || len > 4 * ((want + 2) / 3) ||
	    sodium_base642bin(out, want, s, len, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != s + len) {
		*why = "bad base64";
		return -1;
	}
	if (got != want) {
		*why = "wrong length of base64 data";
		return -1;
	}
	return 0;
}

int minisign_pub_parse_b64(const char *s, size_t len, struct minisign_pub *out,
			   const char **why)
{
	uint8_t raw[PUB_LEN];
	if (ms_b64(s, len, raw, sizeof raw, why) < 0)
		return -1;
	if (memcmp(raw, "Ed", 2) != 0) {
		*why = "unknown signature algorithm";
		return -1;
	}
	memcpy(out->keyid, raw + 2, MINISIGN_KEYID_LEN);
	memcpy(out->pk, raw + 2 + MINISIGN_KEYID_LEN, 32);
	return 0;
}

int minisign_pub_parse(const char *buf, size_t len, struct minisign_pub *out, const char **why)
{
	struct ms_lines l;
	if (ms_split(buf, len, 2, &l, why) < 0)
		return -1;
	size_t i = 0;
	if (l.count == 2) {
		if (!ms_prefix(l.p[0], l.n[0], UNTRUSTED)) {
			*why = "no untrusted comment line";
			return -1;
		}
		i = 1;
	} else if (l.count != 1) {
		*why = "truncated minisign file";
		return -1;
	}
	return minisign_pub_parse_b64(l.p[i], l.n[i], out, why);
}

int minisign_sec_parse(const char *buf, size_t len, struct minisign_sec *out, const char **why)
{
	struct ms_lines l;
	uint8_t raw[SEC_LEN], sum[32], in[2 + MINISIGN_KEYID_LEN + 64];
	if (ms_split(buf, len, 2, &l, why) < 0)
		return -1;
	if (l.count != 2) {
		*why = "truncated minisign file";
		return -1;
	}
	if (!ms_prefix(l.p[0], l.n[0], UNTRUSTED)) {
		*why = "no untrusted comment line";
		return -1;
	}
	if (ms_b64(l.p[1], l.n[1], raw, sizeof raw, why) < 0)
		goto fail;
	if (memcmp(raw, "Ed", 2) != 0 || memcmp(raw + 4, "B2", 2) != 0) {
		*why = "unknown signature algorithm";
		goto fail;
	}
	if (raw[2] != 0 || raw[3] != 0) {
		*why = "encrypted secret key (make one with minisign -G -W or campusgate bundle keygen)";
		goto fail;
	}
	const uint8_t *kn = raw + 2 + 2 + 2 + 32 + 8 + 8;
	memcpy(in, "Ed", 2);
	memcpy(in + 2, kn, MINISIGN_KEYID_LEN + 64);
	crypto_generichash(sum, sizeof sum, in, sizeof in, NULL, 0);
	static const uint8_t zero[32];
	/* minisign 0.11 writes an unencrypted key (-W) with a zero checksum */
	if (sodium_memcmp(sum, kn + MINISIGN_KEYID_LEN + 64, 32) != 0 &&
	    sodium_memcmp(zero, kn + MINISIGN_KEYID_LEN + 64, 32) != 0) {
		*why = "secret key checksum does not match";
		goto fail;
	}
	memcpy(out->keyid, kn, MINISIGN_KEYID_LEN);
	memcpy(out->sk, kn + MINISIGN_KEYID_LEN, 64);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(in, sizeof in);
	return 0;
fail:
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(in, sizeof in);
	return -1;
}

int minisign_sig_parse(const char *buf, size_t len, struct minisign_sig *out, const char **why)
{
	struct ms_lines l;
	uint8_t raw[SIG_LEN];
	if (ms_split(buf, len, 4, &l, why) < 0)
		return -1;
	if (l.count != 4) {
		*why = "truncated minisign file";
		return -1;
	}
	if (!ms_prefix(l.p[0], l.n[0], UNTRUSTED)) {
		*why = "no untrusted comment line";
		return -1;
	}
	if (ms_b64(l.p[1], l.n[1], raw, sizeof raw, why) < 0)
		return -1;
	if (memcmp(raw, "Ed", 2) == 0) {
		out->prehashed = false;
	} else if (memcmp(raw, "ED", 2) == 0) {
		out->prehashed = true;
	} else {
		*why = "unknown signature algorithm";
		return -1;
	}
	memcpy(out->keyid, raw + 2, MINISIGN_KEYID_LEN);
	memcpy(out->sig, raw + 2 + MINISIGN_KEYID_LEN, 64);
	if (!ms_prefix(l.p[2], l.n[2], TRUSTED)) {
		*why = "no trusted comment line";
		return -1;
	}
	size_t tl = l.n[2] - strlen(TRUSTED);
	if (tl > MINISIGN_COMMENT_MAX || memchr(l.p[2] + strlen(TRUSTED), '\0', tl)) {
		*why = "bad trusted comment";
		return -1;
	}
	memcpy(out->trusted, l.p[2] + strlen(TRUSTED), tl);
	out->trusted[tl] = '\0';
	out->trusted_len = tl;
	return ms_b64(l.p[3], l.n[3], out->global, 64, why);
}

int minisign_verify(const struct minisign_pub *keys, size_t n, const struct minisign_sig *sig,
		    const uint8_t *msg, size_t len, size_t *used, const char **why)
{
	const struct minisign_pub *k = NULL;
	uint8_t h[crypto_generichash_BYTES_MAX];
	for (size_t i = 0; i < n && !k; i++)
		if (memcmp(keys[i].keyid, sig->keyid, MINISIGN_KEYID_LEN) == 0) {
			k = &keys[i];
			if (used)
				*used = i;
		}
	if (!k) {
		*why = "signed with a key that is not pinned (key id differs)";
		return -1;
	}
	if (sig->prehashed) {
		crypto_generichash(h, sizeof h, msg, len, NULL, 0);
		msg = h;
		len = sizeof h;
	}
	if (crypto_sign_verify_detached(sig->sig, msg, len, k->pk) != 0) {
		*why = "signature does not verify";
		return -1;
	}
	uint8_t g[64 + MINISIGN_COMMENT_MAX];
	memcpy(g, sig->sig, 64);
	memcpy(g + 64, sig->trusted, sig->trusted_len);
	if (crypto_sign_verify_detached(sig->global, g, 64 + sig->trusted_len, k->pk) != 0) {
		*why = "global signature (over the trusted comment) does not verify";
		return -1;
	}
	return 0;
}

static void ms_add_b64(struct sbuf *out, const uint8_t *bin, size_t len)
{
	char b64[512];
	sodium_bin2base64(b64, sizeof b64, bin, len, sodium_base64_VARIANT_ORIGINAL);
	sbuf_adds(out, b64);
	sbuf_addc(out, '\n');
}

int minisign_sign(const struct minisign_sec *sk, const uint8_t *msg, size_t len,
		  const char *trusted, struct sbuf *out, const char **why)
{
	uint8_t h[crypto_generichash_BYTES_MAX], raw[SIG_LEN], g[64 + MINISIGN_COMMENT_MAX],
		gsig[64];
	size_t tl = strlen(trusted);
	if (tl > MINISIGN_COMMENT_MAX || strpbrk(trusted, "\r\n")) {
		*why = "bad trusted comment";
		return -1;
	}
	crypto_generichash(h, sizeof h, msg, len, NULL, 0);
	memcpy(raw, "ED", 2);
	memcpy(raw + 2, sk->keyid, MINISIGN_KEYID_LEN);
	crypto_sign_detached(raw + 2 + MINISIGN_KEYID_LEN, NULL, h, sizeof h, sk->sk);
	memcpy(g, raw + 2 + MINISIGN_KEYID_LEN, 64);
	memcpy(g + 64, trusted, tl);
	crypto_sign_detached(gsig, NULL, g, 64 + tl, sk->sk);
	char id[17];
	sbuf_printf(out, UNTRUSTED "signature from campusgate secret key %s\n",
		    minisign_keyid_str(sk->keyid, id));
	ms_add_b64(out, raw, sizeof raw);
	sbuf_printf(out, TRUSTED "%s\n", trusted);
	ms_add_b64(out, gsig, sizeof gsig);
	return 0;
}

void minisign_keygen(struct sbuf *pub, struct sbuf *sec)
{
	uint8_t pk[32], sk[64], keyid[MINISIGN_KEYID_LEN], raw[SEC_LEN], praw[PUB_LEN];
	uint8_t in[2 + MINISIGN_KEYID_LEN + 64];
	char id[17];
	crypto_sign_keypair(pk, sk);
	randombytes_buf(keyid, sizeof keyid);
	memset(raw, 0, sizeof raw);
	memcpy(raw, "Ed", 2); /* kdf "\0\0": not encrypted; salt and limits unused (zero) */
	memcpy(raw + 4, "B2", 2);
	uint8_t *kn = raw + 2 + 2 + 2 + 32 + 8 + 8;
	memcpy(kn, keyid, sizeof keyid);
	memcpy(kn + sizeof keyid, sk, sizeof sk);
	memcpy(in, "Ed", 2);
	memcpy(in + 2, kn, sizeof keyid + sizeof sk);
	crypto_generichash(kn + sizeof keyid + sizeof sk, 32, in, sizeof in, NULL, 0);
	memcpy(praw, "Ed", 2);
	memcpy(praw + 2, keyid, sizeof keyid);
	memcpy(praw + 2 + sizeof keyid, pk, sizeof pk);
	minisign_keyid_str(keyid, id);
	sbuf_printf(pub, UNTRUSTED "minisign public key %s\n", id);
	ms_add_b64(pub, praw, sizeof praw);
	sbuf_adds(sec, UNTRUSTED "minisign secret key (unencrypted, campusgate)\n");
	ms_add_b64(sec, raw, sizeof raw);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(in, sizeof in);
}

const char *minisign_keyid_str(const uint8_t keyid[MINISIGN_KEYID_LEN], char *buf)
{
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 0; i < MINISIGN_KEYID_LEN; i++) { /* little-endian, as minisign prints */
		uint8_t b = keyid[MINISIGN_KEYID_LEN - 1 - i];
		buf[2 * i] = hex[b >> 4];
		buf[2 * i + 1] = hex[b & 15];
	}
	buf[16] = '\0';
	return buf;
}
