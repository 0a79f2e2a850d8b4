/* Process-wide helpers: the operational log, allocation, byte buffers, diagnostics. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static enum log_level log_level = LOG_LVL_INFO;
static int log_syslog;

void log_set_level(enum log_level level)
{
	log_level = level;
}

void log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = 1;
}

static void log_v(enum log_level level, const char *fmt, va_list ap)
{
	static const char *names[] = {"error", "warning", "info", "debug"};
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	if (level > log_level)
		return;
	if (log_syslog) {
		vsyslog(prio[level], fmt, ap);
		return;
	}
	char line[2048];
	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "campusgate: %s: %s\n", names[level], line);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v(level, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_v(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	exit(2);
}

static void oom(size_t n)
{
	fprintf(stderr, "campusgate: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sbuf_init(struct sbuf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void sbuf_free(struct sbuf *b)
{
	free(b->data);
	sbuf_init(b);
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static void sbuf_grow(struct sbuf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	sbuf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void sbuf_adds(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *sbuf_take(struct sbuf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	sbuf_init(b);
	return p;
}

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

void diag_free(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->msgs[i]);
		free(d->zh[i]);
	}
	free(d->msgs);
	free(d->zh);
	free(d->ids);
	diag_init(d);
}

/* "FILE:LINE: KIND MSG", "FILE: KIND MSG" or "KIND MSG" (caller frees). */
static char *diag_line(const char *kind, const char *file, unsigned line, const char *msg)
{
	struct sbuf b;
	sbuf_init(&b);
	if (file && line)
		sbuf_printf(&b, "%s:%u: %s", file, line, kind);
	else if (file)
		sbuf_printf(&b, "%s: %s", file, kind);
	else
		sbuf_adds(&b, kind);
	sbuf_adds(&b, msg);
	return sbuf_take(&b);
}

/* Keep one line (when fewer than max_kept are kept), in English and maybe in zh-CN. */
static void diag_keep(struct diag *d, bool warn, const char *file, unsigned line, int id,
		      const char *en, const char *zh)
{
	size_t max = d->max_kept ? d->max_kept : 1000;
	if (d->n >= max)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
		d->zh = xrealloc(d->zh, d->cap * sizeof *d->zh);
		d->ids = xrealloc(d->ids, d->cap * sizeof *d->ids);
	}
	d->msgs[d->n] = diag_line(warn ? "warning: " : "", file, line, en);
	d->zh[d->n] = zh ? diag_line(warn ? "警告：" : "", file, line, zh) : NULL;
	d->ids[d->n] = id;
	d->n++;
}

static void diag_add(struct diag *d, bool warn, const char *file, unsigned line,
		     const char *fmt, va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	diag_keep(d, warn, file, line, -1, msg, NULL);
}

void diag_add_pair(struct diag *d, bool warn, const char *file, unsigned line, int id,
		   const char *en, const char *zh)
{
	if (warn)
		d->warnings++;
	else
		d->errors++;
	diag_keep(d, warn, file, line, id, en, zh);
}

void diag_error(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	d->errors++;
	va_start(ap, fmt);
	diag_add(d, false, file, line, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	d->warnings++;
	va_start(ap, fmt);
	diag_add(d, true, file, line, fmt, ap);
	va_end(ap);
}

void diag_print(const struct diag *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msgs[i]);
	size_t total = d->errors + d->warnings;
	if (total > d->n)
		fprintf(f, "(%zu more messages not shown)\n", total - d->n);
}

int parse_uint(const char *s, unsigned long long min, unsigned long long max,
	       unsigned long long *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

uint64_t now_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int64_t now_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

char *str_trim(char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}
