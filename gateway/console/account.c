/* account: the console's account file: parse (as hostile input), format, save atomically,
 * and Argon2id password hashes through libsodium. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "i18n.h"

struct account_kdf account_kdf_default(void)
{
	struct account_kdf k = {crypto_pwhash_OPSLIMIT_INTERACTIVE,
				crypto_pwhash_MEMLIMIT_INTERACTIVE};
	return k;
}

void accounts_init(struct accounts *a)
{
	TAILQ_INIT(&a->list);
	a->n = 0;
}

static void account_free(struct account *acc)
{
	for (size_t i = 0; i < acc->n_groups; i++)
		free(acc->groups[i]);
	if (acc->hash) {
		sodium_memzero(acc->hash, strlen(acc->hash));
		free(acc->hash);
	}
	free(acc);
}

void accounts_free(struct accounts *a)
{
	struct account *acc;
	while ((acc = TAILQ_FIRST(&a->list))) {
		TAILQ_REMOVE(&a->list, acc, entry);
		account_free(acc);
	}
	a->n = 0;
}

static bool name_chars_ok(const char *s, size_t n, bool upper)
{
	if (n == 0 || n > ACCOUNT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  (upper && c >= 'A' && c <= 'Z') || (i > 0 && (c == '.' || c == '_' ||
									c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

bool account_name_ok(const char *s, size_t n)
{
	return name_chars_ok(s, n, false);
}

bool account_group_ok(const char *s, size_t n)
{
	return name_chars_ok(s, n, true);
}

struct account *accounts_find(const struct accounts *a, const char *name)
{
	struct account *acc;
	TAILQ_FOREACH(acc, &a->list, entry)
		if (strcmp(acc->name, name) == 0)
			return acc;
	return NULL;
}

struct account *accounts_add(struct accounts *a, const char *name, enum role role,
			     const char **why)
{
	if (!account_name_ok(name, strlen(name))) {
		*why = msg(LANG_EN, MSG_R_ACC_BAD_NAME);
		return NULL;
	}
	if (accounts_find(a, name)) {
		*why = msg(LANG_EN, MSG_R_ACC_NAME_TAKEN);
		return NULL;
	}
	if (a->n >= ACCOUNT_MAX) {
		*why = msg(LANG_EN, MSG_R_ACC_TOO_MANY);
		return NULL;
	}
	struct account *acc = xcalloc(1, sizeof *acc);
	memcpy(acc->name, name, strlen(name) + 1);
	acc->role = role;
	TAILQ_INSERT_TAIL(&a->list, acc, entry);
	a->n++;
	return acc;
}

/* Split "7a,7b" (n bytes) into acc's groups. */
static int set_groups(struct account *acc, const char *s, size_t n, const char **why)
{
	char *g[ACCOUNT_MAX_GROUPS];
	size_t ng = 0;
	for (size_t i = 0; n && i <= n;) {
		const char *c = memchr(s + i, ',', n - i);
		size_t end = c ? (size_t)(c - s) : n;
		if (!account_group_ok(s + i, end - i) || ng == ACCOUNT_MAX_GROUPS) {
			*why = msg(LANG_EN, ng == ACCOUNT_MAX_GROUPS ? MSG_R_ACC_TOO_MANY_GROUPS
								     : MSG_R_ACC_BAD_GROUP);
			goto fail;
		}
		for (size_t k = 0; k < ng; k++)
			if (strlen(g[k]) == end - i && memcmp(g[k], s + i, end - i) == 0) {
				*why = msg(LANG_EN, MSG_R_ACC_GROUP_TWICE);
				goto fail;
			}
		g[ng++] = xstrndup(s + i, end - i);
		i = end + 1;
	}
	for (size_t k = 0; k < acc->n_groups; k++)
		free(acc->groups[k]);
	memcpy(acc->groups, g, ng * sizeof g[0]);
	acc->n_groups = ng;
	return 0;
fail:
	while (ng)
		free(g[--ng]);
	return -1;
}

int account_set_groups(struct account *acc, const char *list, const char **why)
{
	return set_groups(acc, list, strlen(list), why);
}

static bool hash_ok(const char *s, size_t n)
{
	static const char pre[] = "$argon2id$v=19$m=";
	if (n < sizeof pre - 1 || n >= crypto_pwhash_STRBYTES ||
	    memcmp(s, pre, sizeof pre - 1) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && !strchr("$=,+/", s[i]))
			return false;
	return true;
}

/* FLAGS (n bytes): empty, or "disabled" and "mustchange" joined by ',', each at most
 * once. 0, or -1 for anything else. */
static int parse_flags(const char *s, size_t n, bool *disabled, bool *mustchange)
{
	for (size_t i = 0; n && i <= n;) {
		const char *c = memchr(s + i, ',', n - i);
		size_t end = c ? (size_t)(c - s) : n, k = end - i;
		bool *flag = k == 8 && memcmp(s + i, "disabled", 8) == 0     ? disabled
			     : k == 10 && memcmp(s + i, "mustchange", 10) == 0 ? mustchange
									       : NULL;
		if (!flag || *flag)
			return -1;
		*flag = true;
		i = end + 1;
	}
	return 0;
}

/* One line (n bytes, no newline) into a; 0, or -1 after reporting. */
static int parse_line(const char *s, size_t n, const char *file, unsigned line,
		      struct accounts *a, struct diag *d)
{
	const char *f[5];
	size_t fl[5], nf = 0;
	for (size_t i = 0, start = 0; i <= n; i++) {
		if (i < n && s[i] != ':')
			continue;
		if (nf < 5) {
			f[nf] = s + start;
			fl[nf] = i - start;
		}
		nf++;
		start = i + 1;
	}
	if (nf != 5) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_FIELDS, nf);
		return -1;
	}
	enum role role = ROLE_STAFF;
	int rc = 0;
	if (!account_name_ok(f[0], fl[0])) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_BAD_NAME, (int)fl[0], f[0]);
		return -1;
	}
	char name[ACCOUNT_NAME_MAX + 1];
	memcpy(name, f[0], fl[0]);
	name[fl[0]] = '\0';
	if (accounts_find(a, name)) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_TWICE, name);
		return -1;
	}
	if (role_parse(f[1], fl[1], &role) < 0) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_BAD_ROLE, (int)fl[1], f[1]);
		rc = -1;
	}
	if (role == ROLE_ADMIN && fl[2]) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_ADMIN_GROUPS);
		rc = -1;
	}
	bool disabled = false, mustchange = false;
	if (parse_flags(f[3], fl[3], &disabled, &mustchange) < 0) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_BAD_FLAG, (int)fl[3], f[3]);
		rc = -1;
	}
	if (!hash_ok(f[4], fl[4])) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_BAD_HASH);
		rc = -1;
	}
	if (rc < 0)
		return -1;
	const char *why = NULL;
	struct account *acc = accounts_add(a, name, role, &why);
	if (!acc || set_groups(acc, f[2], fl[2], &why) < 0) {
		diag_msg(d, false, file, line, MSG_CONSOLE_ACC_BAD_GROUPS, (int)fl[2], f[2],
			 MSG_REASON(why));
		return -1;
	}
	acc->disabled = disabled;
	acc->mustchange = mustchange;
	acc->hash = xstrndup(f[4], fl[4]);
	return 0;
}

int accounts_parse(const char *buf, size_t len, const char *file, struct accounts *a,
		   struct diag *d)
{
	size_t errors = d->errors;
	unsigned line = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *s = buf + pos;
		size_t n = end - pos;
		pos = end + 1;
		line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n > ACCOUNT_LINE_MAX) {
			diag_msg(d, false, file, line, MSG_CONSOLE_ACC_LINE_LONG, ACCOUNT_LINE_MAX);
			continue;
		}
		bool ctl = false;
		for (size_t i = 0; i < n; i++)
			ctl |= (unsigned char)s[i] < 0x20 || s[i] == 0x7f;
		if (ctl) {
			diag_msg(d, false, file, line, MSG_CONSOLE_ACC_CONTROL);
			continue;
		}
		if (n == 0 || s[0] == '#')
			continue;
		if (a->n >= ACCOUNT_MAX) {
			diag_msg(d, false, file, line, MSG_CONSOLE_ACC_TOO_MANY, ACCOUNT_MAX);
			break;
		}
		parse_line(s, n, file, line, a, d);
	}
	if (d->errors == errors)
		return 0;
	accounts_free(a);
	return -1;
}

int accounts_load(const char *path, struct accounts *a, struct diag *d)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return 0;
	struct stat st;
	char *buf = NULL;
	if (fd < 0 || fstat(fd, &st) < 0) {
		diag_msg(d, false, path, 0, MSG_CONSOLE_ACC_CANNOT_READ, MSG_REASON(strerror(errno)));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > ACCOUNT_FILE_MAX) {
		diag_msg(d, false, path, 0, MSG_CONSOLE_ACC_NOT_FILE, ACCOUNT_FILE_MAX);
		goto fail;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			diag_msg(d, false, path, 0, MSG_CONSOLE_ACC_CANNOT_READ,
				 MSG_REASON(r < 0 ? strerror(errno) : "short read"));
			goto fail;
		}
		got += (size_t)r;
	}
	close(fd);
	int rc = accounts_parse(buf, got, path, a, d);
	sodium_memzero(buf, got);
	free(buf);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

void accounts_format(const struct accounts *a, struct sbuf *out)
{
	const struct account *acc;
	sbuf_adds(out, "# campusgate console accounts: written by `campusgate user`; "
		       "NAME:ROLE:GROUPS:FLAGS:HASH\n");
	TAILQ_FOREACH(acc, &a->list, entry) {
		sbuf_printf(out, "%s:%s:", acc->name, role_name(acc->role));
		for (size_t i = 0; i < acc->n_groups; i++)
			sbuf_printf(out, "%s%s", i ? "," : "", acc->groups[i]);
		sbuf_printf(out, ":%s%s%s:%s\n", acc->disabled ? "disabled" : "",
			    acc->disabled && acc->mustchange ? "," : "",
			    acc->mustchange ? "mustchange" : "", acc->hash ? acc->hash : "");
	}
}

/* Create path's folder (one level) 0700 when missing. */
static int make_dir(const char *path)
{
	char *copy = xstrdup(path);
	int rc = mkdir(dirname(copy), 0700);
	free(copy);
	return rc == 0 || errno == EEXIST ? 0 : -1;
}

int accounts_save(const struct accounts *a, const char *path, uid_t uid, gid_t gid,
		  const char **err)
{
	struct sbuf text, tmp;
	sbuf_init(&text);
	sbuf_init(&tmp);
	int fd = -1;
	accounts_format(a, &text);
	sbuf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if (make_dir(path) < 0)
		goto fail;
	unlink(tmp.data);
	fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		goto fail;
	if (fchmod(fd, 0600) < 0)
		goto fail;
	for (size_t done = 0; done < text.len;) {
		ssize_t w = write(fd, text.data + done, text.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		done += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp.data, path) < 0)
		goto fail;
	char *copy = xstrdup(path);
	int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	sodium_memzero(text.data, text.len);
	sbuf_free(&text);
	sbuf_free(&tmp);
	return 0;
fail:
	*err = strerror(errno);
	if (fd >= 0)
		close(fd);
	unlink(tmp.data);
	sodium_memzero(text.data, text.len);
	sbuf_free(&text);
	sbuf_free(&tmp);
	return -1;
}

int account_set_password(struct account *acc, const char *pw, size_t len,
			 const struct account_kdf *kdf)
{
	char out[crypto_pwhash_STRBYTES];
	if (len > ACCOUNT_PASSWORD_MAX || sodium_init() < 0 ||
	    crypto_pwhash_str(out, pw, len, kdf->ops, kdf->mem) != 0)
		return -1;
	if (acc->hash) {
		sodium_memzero(acc->hash, strlen(acc->hash));
		free(acc->hash);
	}
	acc->hash = xstrdup(out);
	sodium_memzero(out, sizeof out);
	return 0;
}

bool account_verify(const struct account *acc, const char *pw, size_t len,
		    const struct account_kdf *kdf, bool *rehash)
{
	*rehash = false;
	if (!acc->hash || len > ACCOUNT_PASSWORD_MAX || sodium_init() < 0) {
		account_verify_dummy(pw, len, kdf);
		return false;
	}
	bool ok = crypto_pwhash_str_verify(acc->hash, pw, len) == 0;
	if (!ok || acc->disabled)
		return false;
	*rehash = crypto_pwhash_str_needs_rehash(acc->hash, kdf->ops, kdf->mem) != 0;
	return true;
}

void account_verify_dummy(const char *pw, size_t len, const struct account_kdf *kdf)
{
	char out[crypto_pwhash_STRBYTES];
	if (len > ACCOUNT_PASSWORD_MAX)
		len = ACCOUNT_PASSWORD_MAX;
	if (sodium_init() >= 0 && crypto_pwhash_str(out, pw, len, kdf->ops, kdf->mem) == 0)
		sodium_memzero(out, sizeof out);
}

size_t accounts_active_admins(const struct accounts *a)
{
	const struct account *acc;
	size_t n = 0;
	TAILQ_FOREACH(acc, &a->list, entry)
		n += acc->role == ROLE_ADMIN && !acc->disabled;
	return n;
}

int account_change_allowed(const struct accounts *a, const struct account *acc,
			   const char *actor, enum role role, bool disabled, const char **why)
{
	bool was_admin = acc->role == ROLE_ADMIN && !acc->disabled;
	bool is_admin = role == ROLE_ADMIN && !disabled;
	if (!was_admin || is_admin)
		return 0;
	if (actor && strcmp(actor, acc->name) == 0) {
		*why = msg(LANG_EN, MSG_R_ACC_SELF);
		return -1;
	}
	if (accounts_active_admins(a) <= 1) {
		*why = msg(LANG_EN, MSG_R_ACC_LAST_ADMIN);
		return -1;
	}
	return 0;
}

int account_password_check(const char *pw, size_t len, const char *again, size_t again_len,
			   const char **why)
{
	if (len < ACCOUNT_PASSWORD_MIN || len > ACCOUNT_PASSWORD_MAX) {
		*why = msg(LANG_EN, MSG_R_ACC_PW_LENGTH);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			*why = msg(LANG_EN, MSG_R_ACC_PW_CONTROL);
			return -1;
		}
	if (again && (again_len != len || sodium_memcmp(pw, again, len) != 0)) {
		*why = msg(LANG_EN, MSG_R_ACC_PW_MISMATCH);
		return -1;
	}
	return 0;
}

void account_onetime_password(char out[ACCOUNT_ONETIME_LEN + 1])
{
	static const char alphabet[] = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	if (sodium_init() < 0)
		fatal("libsodium does not start");
	size_t k = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	}
	out[k] = '\0';
}

int account_groups_known(const struct account *acc, const struct config *cfg,
			 const char **bad)
{
	for (size_t i = 0; i < acc->n_groups; i++) {
		bool found = false;
		for (size_t g = 0; g < cfg->n_groups && !found; g++)
			found = strcmp(cfg->groups[g].name, acc->groups[i]) == 0;
		if (!found) {
			*bad = acc->groups[i];
			return -1;
		}
	}
	return 0;
}

void account_groups_text(const struct account *acc, struct sbuf *out)
{
	if (!acc->n_groups)
		sbuf_adds(out, "*");
	for (size_t i = 0; i < acc->n_groups; i++)
		sbuf_printf(out, "%s%s", i ? "," : "", acc->groups[i]);
}
