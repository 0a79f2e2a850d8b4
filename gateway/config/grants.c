/* grants: the approved unblock requests' allowlist entries, with their ends. */
#include "grants.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "name.h"

static bool word_ok(const char *s, size_t n, bool star)
{
	if (n == 0 || n > GRANT_FIELD_MAX)
		return false;
	if (star && n == 1 && s[0] == '*')
		return true;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || (i > 0 && (c == '.' || c == '_'))))
			return false;
	}
	return true;
}

/* A name as the policy keeps them: normalising it changes nothing, and it is no
 * address. */
static bool name_ok(const char *s, size_t n)
{
	char out[NAME_MAX_LEN + 1];
	const char *why;
	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	if (name_normalise(s, n, out, &why) < 0)
		return false;
	return strlen(out) == n && memcmp(out, s, n) == 0 && !name_is_ip_literal(out);
}

static char *dupn(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void push(struct grants *g, const char *f[5], const size_t fl[5], time_t until,
		 unsigned line)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	struct grant *e = &g->v[g->n++];
	e->name = dupn(f[0], fl[0]);
	e->name_len = fl[0];
	e->group = dupn(f[1], fl[1]);
	e->until = until;
	e->request = dupn(f[3], fl[3]);
	e->account = dupn(f[4], fl[4]);
	e->line = line;
}

/* Check one line's five fields; 0 with *until, or -1 with *why. */
static int fields_ok(const char *f[5], const size_t fl[5], time_t *until, const char **why)
{
	if (!name_ok(f[0], fl[0]))
		return *why = "bad name (a normalised host name)", -1;
	if (!word_ok(f[1], fl[1], true))
		return *why = "bad group", -1;
	if (fl[2] == 9 && memcmp(f[2], "permanent", 9) == 0) {
		*until = 0;
	} else {
		long long v = 0;
		if (fl[2] == 0 || fl[2] > 12)
			return *why = "bad end (seconds since the epoch, or permanent)", -1;
		for (size_t i = 0; i < fl[2]; i++) {
			if (f[2][i] < '0' || f[2][i] > '9')
				return *why = "bad end (seconds since the epoch, or permanent)", -1;
			v = v * 10 + (f[2][i] - '0');
		}
		if (v == 0)
			return *why = "bad end (seconds since the epoch, or permanent)", -1;
		*until = (time_t)v;
	}
	if (!(fl[3] == 1 && f[3][0] == '-') && !word_ok(f[3], fl[3], false))
		return *why = "bad request id", -1;
	if (!word_ok(f[4], fl[4], false))
		return *why = "bad account", -1;
	return 0;
}

/* Split a line into exactly five fields separated by spaces or tabs. */
static int split(const char *p, size_t n, const char *f[5], size_t fl[5], const char **why)
{
	size_t nf = 0, i = 0;
	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n)
			break;
		size_t s = i;
		while (i < n && p[i] != ' ' && p[i] != '\t')
			i++;
		if (nf == 5)
			return *why = "more than five fields", -1;
		f[nf] = p + s;
		fl[nf++] = i - s;
	}
	if (nf != 5)
		return *why = "expected NAME GROUP UNTIL REQUEST ACCOUNT", -1;
	return 0;
}

size_t grants_parse(const char *buf, size_t len, const char *file, struct grants *g,
		    struct diag *diag)
{
	size_t kept = 0;
	unsigned line = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;
		const char *p = buf + pos, *why = NULL, *f[5];
		size_t fl[5];
		time_t until;
		pos = end + 1;
		line++;
		if (n && p[n - 1] == '\r')
			n--;
		size_t k = 0;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k == n || p[k] == '#')
			continue;
		for (size_t i = 0; i < n && !why; i++)
			if ((unsigned char)p[i] < 0x20 && p[i] != '\t')
				why = "control character";
		if (!why && g->n >= GRANTS_MAX)
			why = "too many grants";
		if (why || split(p, n, f, fl, &why) < 0 || fields_ok(f, fl, &until, &why) < 0) {
			diag_error(diag, file, line, "%s", why);
			continue;
		}
		push(g, f, fl, until, line);
		kept++;
	}
	return kept;
}

#define GRANTS_FILE_MAX (4u << 20) /* bytes read of one file */

int grants_read(const char *path, struct grants *g, struct diag *diag)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		diag_error(diag, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	char *buf = xmalloc(GRANTS_FILE_MAX + 1);
	size_t len = fread(buf, 1, GRANTS_FILE_MAX + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || len > GRANTS_FILE_MAX) {
		diag_error(diag, path, 0, "%s", bad ? "cannot read" : "file too large");
		free(buf);
		return -1;
	}
	grants_parse(buf, len, path, g, diag);
	free(buf);
	return 0;
}

int grants_add(struct grants *g, const char *name, const char *group, time_t until,
	       const char *request, const char *account, const char **why)
{
	char ub[24];
	const char *f[5] = { name, group, ub, request, account };
	size_t fl[5];
	time_t u;
	if (until)
		snprintf(ub, sizeof(ub), "%lld", (long long)until);
	else
		snprintf(ub, sizeof(ub), "permanent");
	for (int i = 0; i < 5; i++)
		fl[i] = strlen(f[i]);
	if (g->n >= GRANTS_MAX)
		return *why = "too many grants", -1;
	if (fields_ok(f, fl, &u, why) < 0)
		return -1;
	push(g, f, fl, u, 0);
	return 0;
}

static void grant_free(struct grant *e)
{
	free(e->name);
	free(e->group);
	free(e->request);
	free(e->account);
}

size_t grants_expire(struct grants *g, time_t now)
{
	size_t o = 0, dropped = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i].until && g->v[i].until <= now) {
			grant_free(&g->v[i]);
			dropped++;
			continue;
		}
		g->v[o++] = g->v[i];
	}
	g->n = o;
	return dropped;
}

int grants_write(const char *path, const struct grants *g)
{
	struct sbuf b;
	char tmp[4096];
	int fd = -1, saved;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return errno = ENAMETOOLONG, -1;
	sbuf_init(&b);
	sbuf_adds(&b, "# campusgate grants: NAME GROUP UNTIL REQUEST ACCOUNT (written by the console)\n");
	for (size_t i = 0; i < g->n; i++) {
		const struct grant *e = &g->v[i];
		if (e->until)
			sbuf_printf(&b, "%s %s %lld %s %s\n", e->name, e->group,
				    (long long)e->until, e->request, e->account);
		else
			sbuf_printf(&b, "%s %s permanent %s %s\n", e->name, e->group, e->request,
				    e->account);
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		goto fail;
	for (size_t off = 0; off < b.len;) {
		ssize_t w = write(fd, b.data + off, b.len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	sbuf_free(&b);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	sbuf_free(&b);
	errno = saved;
	return -1;
}

const struct grant *grants_match(const struct grants *g, const char *host, size_t host_len,
				 const char *group, time_t now)
{
	if (!g)
		return NULL;
	for (size_t i = 0; i < g->n; i++) {
		const struct grant *e = &g->v[i];
		if (e->until && e->until <= now)
			continue; /* ended: never allows */
		if (strcmp(e->group, "*") != 0 && (!group || strcmp(e->group, group) != 0))
			continue;
		if (host_len < e->name_len ||
		    memcmp(host + host_len - e->name_len, e->name, e->name_len) != 0)
			continue;
		if (host_len == e->name_len || host[host_len - e->name_len - 1] == '.')
			return e;
	}
	return NULL;
}

time_t grants_next_end(const struct grants *g, time_t now)
{
	time_t best = 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].until > now && (!best || g->v[i].until < best))
			best = g->v[i].until;
	return best;
}

void grants_free(struct grants *g)
{
	for (size_t i = 0; i < g->n; i++)
		grant_free(&g->v[i]);
	free(g->v);
	g->v = NULL;
	g->n = g->cap = 0;
}
