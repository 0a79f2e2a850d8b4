/* bundle_files: bundles and the file system (make, check, unpack). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_files.h"
#include "i18n.h"
#include "lists.h"
#include "patset.h"

int bundle_read_file(const char *path, size_t max, struct sbuf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[65536];
	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		if ((size_t)r > max - out->len) {
			errno = EFBIG;
			goto fail;
		}
		sbuf_add(out, buf, (size_t)r);
	}
	close(fd);
	return 0;
fail:;
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Write a new file (O_EXCL: never through a link left there) and fsync it. */
static int write_new(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	return close(fd);
}

int bundle_write_atomic(const char *path, const void *data, size_t len)
{
	struct sbuf tmp;
	int rc = -1;
	sbuf_init(&tmp);
	sbuf_printf(&tmp, "%s.tmp", path);
	unlink(tmp.data);
	if (write_new(tmp.data, data, len) == 0 && rename(tmp.data, path) == 0)
		rc = 0;
	else
		unlink(tmp.data);
	sbuf_free(&tmp);
	return rc;
}

/* Patterns are compiled as the policy would, so that a bundle fails where a build would. */
static int check_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct patset_builder *pb = arg;
	char perr[200];
	if (r->kind != LIST_RULE_PATTERN)
		return 0;
	perr[0] = '\0';
	if (patset_add(pb, r->pattern, r->pattern_len, 0, 0, r->line, perr, sizeof perr) < 0) {
		snprintf(err, errlen, "bad pattern (%s)", perr);
		return -1;
	}
	return 0;
}

static size_t check_one(const char *data, size_t len, const char *file, struct diag *d)
{
	struct patset_builder *pb = patset_builder_new();
	struct list_counts c = {0};
	lists_parse(LIST_NATIVE, data, len, file, check_rule, pb, d, &c);
	patset_builder_free(pb);
	return c.bad;
}

size_t bundle_check_lists(const struct bundle *b, const char *prefix, struct diag *d)
{
	size_t bad = 0;
	struct sbuf name;
	sbuf_init(&name);
	for (size_t i = 1; i < b->n; i++) {
		sbuf_reset(&name);
		sbuf_printf(&name, "%s/%s", prefix, b->files[i].name);
		bad += check_one(b->files[i].data, b->files[i].len, name.data, d);
	}
	sbuf_free(&name);
	return bad;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.list names of dir, sorted (so that a bundle of the same folder is the same). */
static char **list_names(const char *dir, size_t *n, struct diag *d)
{
	DIR *dh = opendir(dir);
	char **names = NULL;
	struct dirent *e;
	*n = 0;
	if (!dh) {
		diag_msg(d, false, dir, 0, MSG_BUNDLE_CANNOT_READ, MSG_REASON(strerror(errno)));
		return NULL;
	}
	while ((e = readdir(dh))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		if (l <= 5 || l - 5 > 32 || strcmp(e->d_name + l - 5, ".list") != 0 ||
		    !bundle_name_ok(e->d_name, l) || *n == MANIFEST_MAX_LISTS) {
			diag_msg(d, true, dir, 0, MSG_BUNDLE_FILE_LEFT_OUT, e->d_name);
			continue;
		}
		names = xrealloc(names, (*n + 1) * sizeof *names);
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(dh);
	if (*n)
		qsort(names, *n, sizeof *names, name_cmp);
	return names;
}

int bundle_make(const char *dir, struct manifest *m, struct sbuf *out, struct diag *d)
{
	size_t n = 0, bad = 0;
	char **names = list_names(dir, &n, d);
	struct sbuf path, data, files, man;
	int rc = -1;
	sbuf_init(&path);
	sbuf_init(&data);
	sbuf_init(&files);
	sbuf_init(&man);
	m->n_lists = 0;
	if (!names && d->errors)
		goto out;
	for (size_t i = 0; i < n; i++) {
		sbuf_reset(&path);
		sbuf_reset(&data);
		sbuf_printf(&path, "%s/%s", dir, names[i]);
		if (bundle_read_file(path.data, BUNDLE_MAX_BYTES - files.len, &data) < 0) {
			diag_msg(d, false, path.data, 0, MSG_BUNDLE_CANNOT_READ,
				 MSG_REASON(strerror(errno)));
			goto out;
		}
		bad += check_one(data.data, data.len, path.data, d);
		struct manifest_list *l = &m->lists[m->n_lists++];
		snprintf(l->name, sizeof l->name, "%s", names[i]);
		crypto_hash_sha256(l->sha256, (const uint8_t *)data.data, data.len);
		bundle_write_file(&files, names[i], data.data, data.len);
	}
	if (bad)
		goto out;
	manifest_write(&man, m);
	bundle_write_begin(out);
	bundle_write_file(out, BUNDLE_MANIFEST, man.data, man.len);
	sbuf_add(out, files.data, files.len);
	bundle_write_end(out);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sbuf_free(&path);
	sbuf_free(&data);
	sbuf_free(&files);
	sbuf_free(&man);
	return rc;
}

int bundle_remove_dir(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	struct sbuf p;
	if (!dh)
		return errno == ENOENT ? 0 : -1;
	sbuf_init(&p);
	while ((e = readdir(dh))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sbuf_reset(&p);
		sbuf_printf(&p, "%s/%s", dir, e->d_name);
		unlink(p.data);
	}
	closedir(dh);
	sbuf_free(&p);
	return rmdir(dir);
}

int bundle_unpack(const struct bundle *b, const char *dest)
{
	struct sbuf tmp, p;
	int rc = -1, e = 0;
	sbuf_init(&tmp);
	sbuf_init(&p);
	sbuf_printf(&tmp, "%s.tmp", dest);
	bundle_remove_dir(tmp.data);
	if (mkdir(tmp.data, 0755) < 0)
		goto out;
	for (size_t i = 0; i < b->n; i++) {
		sbuf_reset(&p);
		sbuf_printf(&p, "%s/%s", tmp.data, b->files[i].name);
		if (write_new(p.data, b->files[i].data, b->files[i].len) < 0)
			goto out;
	}
	int dfd = open(tmp.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		e = errno;
		if (dfd >= 0)
			close(dfd);
		errno = e;
		goto out;
	}
	close(dfd);
	if (rename(tmp.data, dest) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		e = errno;
		bundle_remove_dir(tmp.data);
		errno = e;
	}
	sbuf_free(&tmp);
	sbuf_free(&p);
	return rc;
}

int bundle_verify(const char *buf, size_t len, const char *sig, size_t sig_len,
		  const struct minisign_pub *keys, size_t n, const char *name,
		  struct manifest *m, struct bundle *b, size_t *key, struct diag *d,
		  const char **why)
{
	struct minisign_sig s;
	unsigned line = 0;
	const char *file = NULL;
	memset(m, 0, sizeof *m);
	if (minisign_sig_parse(sig, sig_len, &s, why) < 0 ||
	    minisign_verify(keys, n, &s, (const uint8_t *)buf, len, key, why) < 0 ||
	    bundle_parse(buf, len, b, why) < 0)
		goto fail;
	const struct bundle_file *mf = &b->files[0];
	if (manifest_parse(mf->data, mf->len, m, why, &line) < 0 ||
	    manifest_check_files(m, b, why, &file) < 0)
		goto fail;
	size_t bad = bundle_check_lists(b, name, d);
	if (bad) {
		*why = "bad list lines";
		return -1;
	}
	return 0;
fail:;
	struct sbuf where;
	sbuf_init(&where);
	sbuf_printf(&where, "%s%s%s%s", name, line || file ? "/" : "",
		    line ? BUNDLE_MANIFEST : "", file ? file : "");
	diag_msg(d, false, where.data, line, MSG_BUNDLE_REFUSED, MSG_REASON(*why));
	sbuf_free(&where);
	return -1;
}
