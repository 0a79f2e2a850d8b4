/* cert: a self-signed certificate for the console, made with GnuTLS's X.509 API (no
 * external program, the library libmicrohttpd already serves TLS with). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cert.h"
#include "util.h"

/* Write len bytes to path, created new (O_EXCL) with mode. 0 or -1 (errno). */
static int write_new(const char *path, const void *data, size_t len, mode_t mode, uid_t uid,
		     gid_t gid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		goto fail;
	if (fchmod(fd, mode) < 0)
		goto fail;
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, (const char *)data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		done += (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	return close(fd);
fail:
	close(fd);
	unlink(path);
	return -1;
}

/* Fill crt for key: names, validity, usage (signed by the caller). 0 or a GnuTLS error. */
static int fill(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *host)
{
	unsigned char serial[16];
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
	serial[0] &= 0x7f;
	time_t now = time(NULL);
	char hostname[256] = "localhost";
	gethostname(hostname, sizeof hostname - 1);
	static const char cn[] = "campusgate console";
	unsigned char ip[16];
	int rc;
	if ((rc = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (rc = gnutls_x509_crt_set_serial(crt, serial, sizeof serial)) < 0 ||
	    (rc = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (rc = gnutls_x509_crt_set_expiration_time(crt, now + 730 * 86400)) < 0 ||
	    (rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						 sizeof cn - 1)) < 0 ||
	    (rc = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0 ||
	    (rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, hostname,
							(unsigned)strlen(hostname),
							GNUTLS_FSAN_APPEND)) < 0 ||
	    (rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
							GNUTLS_FSAN_APPEND)) < 0)
		return rc;
	if (inet_pton(AF_INET, host, ip) == 1)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
							  GNUTLS_FSAN_APPEND);
	else if (inet_pton(AF_INET6, host, ip) == 1)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 16,
							  GNUTLS_FSAN_APPEND);
	return rc < 0 ? rc : 0;
}

int cert_ensure(const char *cert_path, const char *key_path, const char *host, uid_t uid,
		gid_t gid, int *made, const char **err)
{
	*made = 0;
	if (access(cert_path, F_OK) == 0 && access(key_path, F_OK) == 0)
		return 0;
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_privkey_t pkey = NULL;
	gnutls_datum_t kpem = {NULL, 0}, cpem = {NULL, 0};
	int rc = -1, g;
	if ((g = gnutls_x509_privkey_init(&key)) < 0 ||
	    (g = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
					      0)) < 0 ||
	    (g = gnutls_x509_crt_init(&crt)) < 0 || (g = gnutls_privkey_init(&pkey)) < 0 ||
	    (g = gnutls_privkey_import_x509(pkey, key, 0)) < 0)
		goto gfail;
	if ((g = fill(crt, key, host)) < 0)
		goto gfail;
	if ((g = gnutls_x509_crt_privkey_sign(crt, crt, pkey, GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (g = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kpem)) < 0 ||
	    (g = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem)) < 0)
		goto gfail;
	unlink(cert_path);
	unlink(key_path);
	if (write_new(key_path, kpem.data, kpem.size, 0600, uid, gid) < 0 ||
	    write_new(cert_path, cpem.data, cpem.size, 0644, uid, gid) < 0) {
		*err = strerror(errno);
		goto out;
	}
	*made = 1;
	rc = 0;
	goto out;
gfail:
	*err = gnutls_strerror(g);
out:
	if (kpem.data) {
		memset(kpem.data, 0, kpem.size);
		gnutls_free(kpem.data);
	}
	gnutls_free(cpem.data);
	if (pkey)
		gnutls_privkey_deinit(pkey);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

char *cert_read_pem(const char *path, const char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > 65536) {
		*err = fd < 0 ? strerror(errno) : "not a regular file of at most 64 KiB";
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		*err = "short read";
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}
