/* leases: a sorted cache of the DHCP lease file's address -> host name pairs. */
#include "leases.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leases_parse.h"
#include "util.h"

#define RECHECK_NS 1000000000ull /* stat the file at most this often */
#define MAX_FILE_BYTES (16u << 20)
#define MAX_ENTRIES 262144 /* leases (blocks, rows, lines) read from one file */

struct lease {
	struct cg_addr addr;
	char name[LEASES_NAME_MAX]; /* "" while loading: this address has no name */
	size_t seq;		    /* the order in the file, while loading */
};

struct leases {
	char *path;
	struct lease *e;
	size_t n;
	uint64_t checked_ns;
	off_t size;
	struct timespec mtime;
	bool loaded, warned, warned_big;
	enum leases_format format;
	size_t bad; /* malformed entries in the last file read */
};

static int lease_cmp(const void *x, const void *y)
{
	const struct lease *a = x, *b = y;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	return memcmp(a->addr.a, b->addr.a, a->addr.family == AF_INET ? 4 : sizeof a->addr.a);
}

/* By address, then by the order in the file. */
static int lease_seq_cmp(const void *x, const void *y)
{
	int c = lease_cmp(x, y);
	if (c)
		return c;
	const struct lease *a = x, *b = y;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct table {
	struct lease *e;
	size_t n, cap;
};

static void table_add(void *arg, const struct cg_addr *a, const char *name)
{
	struct table *t = arg;
	if (t->n >= MAX_ENTRIES)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->e = xrealloc(t->e, t->cap * sizeof *t->e);
	}
	struct lease *x = &t->e[t->n];
	memset(x, 0, sizeof *x);
	x->addr = *a;
	if (name)
		memcpy(x->name, name, strnlen(name, LEASES_NAME_MAX - 1));
	x->seq = t->n++;
}

/* Keep the last entry of each address (the lease files are logs: the latest record of a
 * lease is the one that holds) and of those only the ones with a name; sorted. */
static void table_settle(struct table *t)
{
	if (t->n == 0)
		return; /* no table: qsort must not be given a NULL one */
	qsort(t->e, t->n, sizeof *t->e, lease_seq_cmp);
	size_t o = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (i + 1 < t->n && lease_cmp(&t->e[i], &t->e[i + 1]) == 0)
			continue;
		if (t->e[i].name[0])
			t->e[o++] = t->e[i];
	}
	t->n = o;
}

/* The first MAX_FILE_BYTES of the file at path into *buf (caller frees): its length,
 * or -1 with errno set. *more tells whether the file went on. */
static ssize_t read_file(const char *path, char **buf, bool *more)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	size_t n = 0, cap = 0;
	char *b = NULL;
	*more = false;
	for (;;) {
		if (n == cap) {
			if (cap == MAX_FILE_BYTES) {
				char c;
				*more = read(fd, &c, 1) == 1;
				break;
			}
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_FILE_BYTES)
				cap = MAX_FILE_BYTES;
			b = xrealloc(b, cap);
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*buf = b;
	return (ssize_t)n;
fail:;
	int e = errno;
	free(b);
	close(fd);
	errno = e;
	return -1;
}

struct leases *leases_new(const char *path)
{
	struct leases *l = xcalloc(1, sizeof *l);
	l->path = xstrdup(path);
	return l;
}

void leases_free(struct leases *l)
{
	if (!l)
		return;
	free(l->e);
	free(l->path);
	free(l);
}

/* Read the file into a fresh sorted table; the old one is kept when it cannot be read. */
static void load(struct leases *l, const struct stat *st)
{
	struct table t = {NULL, 0, 0};
	char *buf = NULL;
	bool more;
	ssize_t len;
	enum leases_format f;
	size_t bad;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	len = read_file(l->path, &buf, &more);
	if (len < 0)
		goto fail;
	if (more && !l->warned_big)
		log_warn("journal: DHCP lease file %s is larger than %u MiB; only its start is read",
			 l->path, MAX_FILE_BYTES >> 20);
	l->warned_big = more;
	f = leases_detect(buf, (size_t)len);
	bad = leases_parse(buf, (size_t)len, f, table_add, &t);
	free(buf);
	table_settle(&t);
	if (!l->loaded || f != l->format || (bad && bad != l->bad))
		log_info("journal: DHCP lease file %s read as %s: %zu names, %zu malformed "
			 "entries skipped", l->path, leases_format_name(f), t.n, bad);
	free(l->e);
	l->e = t.e;
	l->n = t.n;
	l->format = f;
	l->bad = bad;
	l->size = st->st_size;
	l->mtime = st->st_mtim;
	l->loaded = true;
	l->warned = false;
	return;
fail:
	if (!l->warned)
		log_warn("journal: DHCP lease file %s cannot be read: %m; host names are left out",
			 l->path);
	l->warned = true;
}

int leases_lookup(struct leases *l, const struct cg_addr *a, char out[LEASES_NAME_MAX])
{
	uint64_t now = now_mono_ns();
	if (!l->checked_ns || now - l->checked_ns >= RECHECK_NS) {
		l->checked_ns = now;
		struct stat st;
		if (stat(l->path, &st) < 0) {
			if (!l->warned)
				log_warn("journal: DHCP lease file %s: %m; host names are left out",
					 l->path);
			l->warned = true;
		} else if (!l->loaded || st.st_size != l->size ||
			   st.st_mtim.tv_sec != l->mtime.tv_sec ||
			   st.st_mtim.tv_nsec != l->mtime.tv_nsec) {
			load(l, &st);
		}
	}
	struct lease key;
	memset(&key, 0, sizeof key);
	key.addr = *a;
	const struct lease *hit = l->n ? bsearch(&key, l->e, l->n, sizeof *l->e, lease_cmp) : NULL;
	if (!hit)
		return -1;
	memcpy(out, hit->name, sizeof hit->name);
	return 0;
}
