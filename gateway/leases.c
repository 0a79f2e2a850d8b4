/* leases: a sorted cache of the DHCP lease file's address -> host name pairs. */
#include "leases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "util.h"

#define RECHECK_NS 1000000000ull /* stat the file at most this often */
#define MAX_FILE_BYTES (16u << 20)
#define MAX_ENTRIES 262144
#define MAX_FIELD 256

struct lease {
	struct cg_addr addr;
	char name[LEASES_NAME_MAX];
};

struct leases {
	char *path;
	struct lease *e;
	size_t n;
	uint64_t checked_ns;
	off_t size;
	struct timespec mtime;
	bool loaded, warned;
};

/* The next space-separated field of line[*pos..len) into out (NUL-terminated); its
 * length, or -1 when there is none or it is longer than MAX_FIELD - 1. */
static int field(const char *line, size_t len, size_t *pos, char out[MAX_FIELD])
{
	size_t i = *pos;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t s = i;
	while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\n' && line[i] != '\r')
		i++;
	if (i == s || i - s >= MAX_FIELD)
		return -1;
	memcpy(out, line + s, i - s);
	out[i - s] = '\0';
	*pos = i;
	return (int)(i - s);
}

static bool name_ok(const char *s, size_t n)
{
	if (n == 0 || n >= LEASES_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

int leases_parse_line(const char *line, size_t len, struct cg_addr *addr,
		      char name[LEASES_NAME_MAX])
{
	char f[3][MAX_FIELD], nm[MAX_FIELD];
	size_t pos = 0;
	if (len >= 4 && memcmp(line, "duid", 4) == 0 && (len == 4 || line[4] == ' '))
		return 0; /* the IPv6 server's own DUID */
	for (int k = 0; k < 3; k++)
		if (field(line, len, &pos, f[k]) < 0)
			return -1;
	int nl = field(line, len, &pos, nm);
	if (nl < 0)
		return -1;
	char *end;
	strtoull(f[0], &end, 10);
	if (*end != '\0' || f[0][0] == '-')
		return -1;
	if (addr_parse(f[2], addr) < 0)
		return -1;
	if (strcmp(nm, "*") == 0)
		return 0;
	if (!name_ok(nm, (size_t)nl))
		return -1;
	memcpy(name, nm, (size_t)nl + 1);
	return 1;
}

static int lease_cmp(const void *x, const void *y)
{
	const struct lease *a = x, *b = y;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	return memcmp(a->addr.a, b->addr.a, a->addr.family == AF_INET ? 4 : sizeof a->addr.a);
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
	FILE *f = fopen(l->path, "re");
	if (!f) {
		if (!l->warned)
			log_warn("journal: DHCP lease file %s cannot be opened: %m; host names "
				 "are left out", l->path);
		l->warned = true;
		return;
	}
	struct lease *e = NULL;
	size_t n = 0, cap = 0, bytes = 0;
	char line[1024];
	while (fgets(line, sizeof line, f) && n < MAX_ENTRIES && bytes < MAX_FILE_BYTES) {
		size_t len = strlen(line);
		bytes += len;
		struct lease x;
		memset(&x, 0, sizeof x);
		if (leases_parse_line(line, len, &x.addr, x.name) != 1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			e = xrealloc(e, cap * sizeof *e);
		}
		e[n++] = x;
	}
	fclose(f);
	qsort(e, n, sizeof *e, lease_cmp);
	free(l->e);
	l->e = e;
	l->n = n;
	l->size = st->st_size;
	l->mtime = st->st_mtim;
	l->loaded = true;
	l->warned = false;
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
