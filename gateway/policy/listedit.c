/* listedit: an admin-editable list read, edited, checked and written atomically. */
#include "listedit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "lists.h"

void listedit_token(const char *buf, size_t len, char out[LISTEDIT_TOKEN_LEN + 1])
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a: a change detector, not a secret */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)buf[i];
		h *= 0x100000001b3ull;
	}
	snprintf(out, LISTEDIT_TOKEN_LEN + 1, "%016llx%08llx", (unsigned long long)h,
		 (unsigned long long)(len & 0xffffffffu));
}

/* Read the whole file at path into out (bounded); 1 when it does not exist. */
static int listedit_read(const char *path, const char *name, struct sbuf *out,
			 struct diag *d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	char buf[65536];

	sbuf_reset(out);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0) {
		diag_msg(d, false, name, 0, MSG_LIST_CANNOT_OPEN, path,
			 MSG_REASON(strerror(errno)));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_msg(d, false, name, 0, MSG_LIST_NOT_REGULAR);
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_msg(d, false, name, 0, MSG_LIST_CANNOT_READ,
				 MSG_REASON(strerror(errno)));
			goto fail;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > LISTEDIT_FILE_MAX) {
			diag_msg(d, false, name, 0, MSG_LISTEDIT_FILE_TOO_BIG,
				 (int)LISTEDIT_FILE_MAX);
			goto fail;
		}
		sbuf_add(out, buf, (size_t)n);
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

int listedit_load(struct listedit *e, const char *path, const char *name, struct diag *d)
{
	memset(e, 0, sizeof *e);
	e->path = xstrdup(path);
	e->name = xstrdup(name);
	sbuf_init(&e->text);
	if (listedit_read(path, name, &e->text, d) < 0)
		return -1;
	listedit_token(e->text.data ? e->text.data : "", e->text.len, e->token);
	return 0;
}

void listedit_free(struct listedit *e)
{
	free(e->path);
	free(e->name);
	sbuf_free(&e->text);
	memset(e, 0, sizeof *e);
}

/* The callback of listedit_key: the one rule of the line, as its key. */
static int listedit_key_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct sbuf *key = arg;

	(void)err;
	(void)errlen;
	sbuf_reset(key);
	switch (r->kind) {
	case LIST_RULE_DOMAIN: sbuf_printf(key, "D %.*s", (int)r->host_len, r->host); break;
	case LIST_RULE_EXACT: sbuf_printf(key, "E %.*s", (int)r->host_len, r->host); break;
	case LIST_RULE_URL:
		sbuf_printf(key, "U %.*s|%.*s", (int)r->host_len, r->host, (int)r->path_len,
			    r->path);
		break;
	case LIST_RULE_PATTERN:
		sbuf_printf(key, "P %.*s", (int)r->pattern_len, r->pattern);
		break;
	}
	return 0;
}

static bool listedit_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int listedit_key(const char *line, size_t len, struct sbuf *key)
{
	struct list_counts c = {0};
	struct diag d;

	sbuf_reset(key);
	if (len <= LISTS_MAX_LINE && !memchr(line, '\n', len)) {
		diag_init(&d);
		lists_parse(LIST_NATIVE, line, len, "-", listedit_key_rule, key, &d, &c);
		diag_free(&d);
		if (c.rules == 1)
			return 0;
		sbuf_reset(key);
	}
	while (len > 0 && listedit_space(*line)) {
		line++;
		len--;
	}
	for (size_t i = 0; i < len; i++)
		if (line[i] == '#' && (i == 0 || listedit_space(line[i - 1])))
			len = i;
	while (len > 0 && listedit_space(line[len - 1]))
		len--;
	if (len > 0)
		sbuf_printf(key, "T %.*s", (int)len, line);
	return -1;
}

/* A set of keys (open addressing), each with a mark. */
struct kset {
	char **slot;
	bool *mark;
	size_t cap, n;
};

static uint64_t kset_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t kset_slot(const struct kset *k, const char *key)
{
	size_t i = (size_t)kset_hash(key) & (k->cap - 1);

	while (k->slot[i] && strcmp(k->slot[i], key) != 0)
		i = (i + 1) & (k->cap - 1);
	return i;
}

static void kset_grow(struct kset *k)
{
	struct kset n = {xcalloc(k->cap ? 2 * k->cap : 64, sizeof(char *)),
			 xcalloc(k->cap ? 2 * k->cap : 64, sizeof(bool)),
			 k->cap ? 2 * k->cap : 64, k->n};

	for (size_t i = 0; i < k->cap; i++) {
		if (!k->slot[i])
			continue;
		size_t j = kset_slot(&n, k->slot[i]);
		n.slot[j] = k->slot[i];
		n.mark[j] = k->mark[i];
	}
	free(k->slot);
	free(k->mark);
	*k = n;
}

/* Add key; false when it was there already. */
static bool kset_add(struct kset *k, const char *key)
{
	if (2 * (k->n + 1) > k->cap)
		kset_grow(k);
	size_t i = kset_slot(k, key);
	if (k->slot[i])
		return false;
	k->slot[i] = xstrdup(key);
	k->n++;
	return true;
}

/* The mark of key, or NULL when key is not in the set. */
static bool *kset_find(const struct kset *k, const char *key)
{
	if (!k->cap)
		return NULL;
	size_t i = kset_slot(k, key);
	return k->slot[i] ? &k->mark[i] : NULL;
}

static void kset_free(struct kset *k)
{
	for (size_t i = 0; i < k->cap; i++)
		free(k->slot[i]);
	free(k->slot);
	free(k->mark);
	memset(k, 0, sizeof *k);
}

static void listedit_note(char ***v, size_t *n, const char *p, size_t len)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(char *));
	(*v)[(*n)++] = xstrndup(p, len);
}

/* The next line of [*p, end): its start and length without the newline. */
static bool listedit_line(const char **p, const char *end, const char **line, size_t *len)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

/* The line without white space around it. */
static void listedit_trim(const char **p, size_t *len)
{
	while (*len > 0 && listedit_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && listedit_space((*p)[*len - 1]))
		(*len)--;
}

/* The lines of e->text not removed by del, into out; their keys into have. */
static void listedit_remove(const struct listedit *e, const char *del, size_t del_len,
			    struct sbuf *out, struct kset *have, struct listedit_change *ch)
{
	struct kset gone = {0};
	struct sbuf key;
	const char *p = del, *line, *end = del + del_len;
	size_t len;

	sbuf_init(&key);
	while (listedit_line(&p, end, &line, &len)) {
		listedit_key(line, len, &key);
		if (key.len)
			kset_add(&gone, key.data);
	}
	p = e->text.data ? e->text.data : "";
	end = p + e->text.len;
	while (listedit_line(&p, end, &line, &len)) {
		listedit_key(line, len, &key);
		bool *mark = key.len ? kset_find(&gone, key.data) : NULL;
		if (mark) {
			*mark = true;
			const char *t = line;
			size_t tl = len;
			listedit_trim(&t, &tl);
			listedit_note(&ch->removed, &ch->n_removed, t, tl);
			continue;
		}
		sbuf_add(out, line, len);
		sbuf_addc(out, '\n');
		if (key.len)
			kset_add(have, key.data);
	}
	p = del;
	end = del + del_len;
	while (listedit_line(&p, end, &line, &len)) {
		listedit_key(line, len, &key);
		bool *mark = key.len ? kset_find(&gone, key.data) : NULL;
		if (mark && !*mark) {
			*mark = true; /* noted once */
			listedit_trim(&line, &len);
			listedit_note(&ch->missing, &ch->n_missing, line, len);
		}
	}
	sbuf_free(&key);
	kset_free(&gone);
}

/* Append the lines of add whose entries are not in have yet. */
static void listedit_add(const char *add, size_t add_len, struct sbuf *out, struct kset *have,
			 struct listedit_change *ch)
{
	struct sbuf key;
	const char *p = add, *line, *end = add + add_len;
	size_t len;

	sbuf_init(&key);
	while (listedit_line(&p, end, &line, &len)) {
		listedit_key(line, len, &key);
		if (!key.len)
			continue;
		listedit_trim(&line, &len);
		if (!kset_add(have, key.data)) {
			listedit_note(&ch->dup, &ch->n_dup, line, len);
			continue;
		}
		sbuf_add(out, line, len);
		sbuf_addc(out, '\n');
		listedit_note(&ch->added, &ch->n_added, line, len);
	}
	sbuf_free(&key);
}

int listedit_apply(struct listedit *e, const char *add, size_t add_len, const char *del,
		   size_t del_len, struct listedit_change *ch, struct diag *d)
{
	struct sbuf out;
	struct kset have = {0};
	struct list_counts c = {0};
	int rc = -1;

	memset(ch, 0, sizeof *ch);
	sbuf_init(&out);
	if (add_len > LISTEDIT_INPUT_MAX || del_len > LISTEDIT_INPUT_MAX) {
		diag_msg(d, false, e->name, 0, MSG_LISTEDIT_INPUT_TOO_BIG, (int)LISTEDIT_INPUT_MAX);
		goto fail;
	}
	listedit_remove(e, del ? del : "", del ? del_len : 0, &out, &have, ch);
	listedit_add(add ? add : "", add ? add_len : 0, &out, &have, ch);
	if (out.len > LISTEDIT_FILE_MAX) {
		diag_msg(d, false, e->name, 0, MSG_LISTEDIT_FILE_TOO_BIG, (int)LISTEDIT_FILE_MAX);
		goto fail;
	}
	lists_check_buf(LIST_NATIVE, out.data ? out.data : "", out.len, e->name, d, &c);
	if (c.bad)
		goto fail;
	sbuf_free(&e->text);
	e->text = out;
	sbuf_init(&out);
	rc = 0;
fail:
	if (rc < 0) {
		listedit_change_free(ch);
		memset(ch, 0, sizeof *ch);
	}
	sbuf_free(&out);
	kset_free(&have);
	return rc;
}

static void listedit_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void listedit_change_free(struct listedit_change *ch)
{
	listedit_strv_free(ch->added, ch->n_added);
	listedit_strv_free(ch->removed, ch->n_removed);
	listedit_strv_free(ch->dup, ch->n_dup);
	listedit_strv_free(ch->missing, ch->n_missing);
	memset(ch, 0, sizeof *ch);
}

/* Append s with control characters shown as '?' (the journal takes none). */
static void listedit_clean(struct sbuf *out, const char *s)
{
	for (; *s; s++)
		sbuf_addc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static void listedit_diff_entry(struct sbuf *out, char sign, const char *s)
{
	sbuf_addc(out, ' ');
	sbuf_addc(out, sign);
	listedit_clean(out, s);
}

void listedit_diff(const struct listedit_change *ch, const char *category, const char *file,
		   size_t max, struct sbuf *out)
{
	size_t start, shown_add = 0, shown_del = 0;

	listedit_clean(out, category);
	sbuf_addc(out, ':');
	start = out->len;
	for (; shown_add < ch->n_added; shown_add++) {
		if (out->len - start + strlen(ch->added[shown_add]) + 2 > max)
			break;
		listedit_diff_entry(out, '+', ch->added[shown_add]);
	}
	for (; shown_del < ch->n_removed && shown_add == ch->n_added; shown_del++) {
		if (out->len - start + strlen(ch->removed[shown_del]) + 2 > max)
			break;
		listedit_diff_entry(out, '-', ch->removed[shown_del]);
	}
	if (shown_add < ch->n_added || shown_del < ch->n_removed)
		sbuf_printf(out, " ... +%zu -%zu more (+%zu -%zu in all)", ch->n_added - shown_add,
			    ch->n_removed - shown_del, ch->n_added, ch->n_removed);
	if (!ch->n_added && !ch->n_removed)
		sbuf_adds(out, " no change");
	sbuf_adds(out, " (file ");
	size_t flen = strlen(file);
	if (flen > 240) { /* the end of a long path names the file */
		sbuf_adds(out, "...");
		file += flen - 240;
	}
	listedit_clean(out, file);
	sbuf_adds(out, ")");
}

/* The folder of path ("." when it names none), for the temporary file and the fsync. */
static char *listedit_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int listedit_write_temp(const struct listedit *e, char **tmp, struct diag *d)
{
	char *dir = listedit_dir(e->path);
	const char *base = strrchr(e->path, '/') ? strrchr(e->path, '/') + 1 : e->path;
	struct sbuf t;
	const char *p = e->text.data ? e->text.data : "";
	size_t left = e->text.len;
	int fd;

	sbuf_init(&t);
	sbuf_printf(&t, "%s/.%s.XXXXXX", dir, base);
	free(dir);
	fd = mkostemp(t.data, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail_unlink;
		p += n;
		left -= (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0)
		goto fail_unlink;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_unlink;
	}
	*tmp = sbuf_take(&t);
	sbuf_free(&t);
	return 0;
fail_unlink: {
	int err = errno;
	unlink(t.data);
	errno = err;
}
fail:
	diag_msg(d, false, e->name, 0, MSG_LISTEDIT_CANNOT_WRITE, e->path,
		 MSG_REASON(strerror(errno)));
	if (fd >= 0)
		close(fd);
	sbuf_free(&t);
	return -1;
}

int listedit_commit(struct listedit *e, const char *tmp, struct diag *d)
{
	char *dir = listedit_dir(e->path);
	int dfd = -1, rc = -1;

	if (rename(tmp, e->path) < 0) {
		int err = errno;
		unlink(tmp);
		errno = err;
		goto fail;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		goto fail;
	listedit_token(e->text.data ? e->text.data : "", e->text.len, e->token);
	rc = 0;
fail:
	if (rc < 0)
		diag_msg(d, false, e->name, 0, MSG_LISTEDIT_CANNOT_WRITE, e->path,
			 MSG_REASON(strerror(errno)));
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return rc;
}

int listedit_save(struct listedit *e, struct diag *d)
{
	struct sbuf now;
	char token[LISTEDIT_TOKEN_LEN + 1];
	char *tmp = NULL;
	int rc;

	sbuf_init(&now);
	rc = listedit_read(e->path, e->name, &now, d);
	if (rc < 0)
		goto out;
	listedit_token(now.data ? now.data : "", now.len, token);
	if (strcmp(token, e->token) != 0) {
		rc = LISTEDIT_STALE;
		goto out;
	}
	rc = listedit_write_temp(e, &tmp, d);
	if (rc == 0)
		rc = listedit_commit(e, tmp, d);
out:
	free(tmp);
	sbuf_free(&now);
	return rc;
}

/* The callback of listedit_find: stop at the first rule with the key. */
struct listedit_finder {
	const char *key;
	struct sbuf k;
	long line;
};

static int listedit_find_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct listedit_finder *f = arg;

	if (f->line)
		return 0;
	listedit_key_rule(r, &f->k, err, errlen);
	if (strcmp(f->k.data, f->key) == 0)
		f->line = r->line;
	return 0;
}

long listedit_find(enum list_format fmt, const char *path, const char *name, const char *key)
{
	struct listedit_finder f = {key, {0}, 0};
	struct list_counts c = {0};
	struct diag d;
	long rc;

	sbuf_init(&f.k);
	diag_init(&d);
	d.max_kept = 1;
	rc = lists_read(fmt, path, name, listedit_find_rule, &f, &d, &c) < 0 ? -1 : f.line;
	diag_free(&d);
	sbuf_free(&f.k);
	return rc;
}
