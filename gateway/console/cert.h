/* cert: the console's HTTPS certificate. When the admin configures none, a self-signed
 * one (ECDSA P-256, two years, for the listen address and the host name) is made with
 * GnuTLS at first start and kept for the next ones; its key file has mode 0600. */
#ifndef CG_CERT_H
#define CG_CERT_H

#include <sys/types.h>

/* Make cert_path and key_path (PEM) unless both exist; owned by uid:gid when not -1.
 * host names the address the console listens on (an IP address text, also put in the
 * certificate). 0 (*made tells whether it made them), or -1 with *err. */
int cert_ensure(const char *cert_path, const char *key_path, const char *host, uid_t uid,
		gid_t gid, int *made, const char **err);

/* Read a whole PEM file (at most 64 KiB) into a NUL-terminated malloc'd string. NULL with
 * *err on failure. */
char *cert_read_pem(const char *path, const char **err);

#endif
