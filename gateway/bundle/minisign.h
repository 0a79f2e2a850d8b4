/* minisign: Ed25519 keys and signatures in minisign's formats (libsodium), so that the
 * district may sign bundles with `campusgate bundle sign` or with the minisign tool, and
 * either verifies what the other signed. Every parser takes (buf, len), reads no further
 * and returns 0, or -1 with *why (a static English text, a REASON of the catalogue).
 *
 *   public key   "untrusted comment: ..." line (optional), then base64 of
 *                "Ed" || key id (8) || Ed25519 public key (32)
 *   secret key   "untrusted comment: ..." line, then base64 of "Ed" || kdf "\0\0"
 *                (unencrypted: minisign -G -W) || "B2" || salt (32) || opslimit (8) ||
 *                memlimit (8) || key id (8) || secret key (64) || BLAKE2b-256 checksum of
 *                ("Ed" || key id || secret key) (32)
 *   signature    "untrusted comment: ..." line, base64 of alg || key id || signature (64)
 *                where alg "Ed" signs the file and "ED" its BLAKE2b-512 hash,
 *                "trusted comment: TEXT" line, base64 of the global signature over
 *                signature (64) || TEXT. */
#ifndef CG_MINISIGN_H
#define CG_MINISIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define MINISIGN_KEYID_LEN 8
#define MINISIGN_COMMENT_MAX 1024 /* a trusted comment; longer is refused */
#define MINISIGN_FILE_MAX 4096    /* a key or signature file */

struct minisign_pub {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t pk[32];
};

struct minisign_sec {
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t sk[64];
};

struct minisign_sig {
	bool prehashed;                  /* "ED" */
	uint8_t keyid[MINISIGN_KEYID_LEN];
	uint8_t sig[64];
	char trusted[MINISIGN_COMMENT_MAX + 1];
	size_t trusted_len;
	uint8_t global[64];
};

/* The base64 text of a public key (the second line of minisign.pub, or minisign -P). */
int minisign_pub_parse_b64(const char *s, size_t len, struct minisign_pub *out,
			   const char **why);
/* A public key file: an optional untrusted comment line, then the base64 line. */
int minisign_pub_parse(const char *buf, size_t len, struct minisign_pub *out, const char **why);
/* An unencrypted secret key file (an encrypted one is refused with its reason). */
int minisign_sec_parse(const char *buf, size_t len, struct minisign_sec *out, const char **why);
/* A signature file. */
int minisign_sig_parse(const char *buf, size_t len, struct minisign_sig *out, const char **why);

/* Verify sig over msg with whichever of the n keys has its key id, and the global
 * signature over its trusted comment. 0, or -1 with *why. *used (may be NULL) is set to
 * the index of the key that verified. */
int minisign_verify(const struct minisign_pub *keys, size_t n, const struct minisign_sig *sig,
		    const uint8_t *msg, size_t len, size_t *used, const char **why);

/* Append a signature file (prehashed "ED", as minisign >= 0.10 makes) of msg to out.
 * trusted is the trusted comment (one line, at most MINISIGN_COMMENT_MAX bytes). 0 or -1. */
int minisign_sign(const struct minisign_sec *sk, const uint8_t *msg, size_t len,
		  const char *trusted, struct sbuf *out, const char **why);

/* A new key pair: appends the public key file to pub and the unencrypted secret key file
 * to sec (both as minisign writes them). */
void minisign_keygen(struct sbuf *pub, struct sbuf *sec);

/* The key id as minisign prints it (16 upper-case hex digits; buf of 17 bytes). */
const char *minisign_keyid_str(const uint8_t keyid[MINISIGN_KEYID_LEN], char *buf);

#endif
