/* List files -> rules: native lines, hosts files, adblock ||domain^ lines, UT1 folders. */
#include "lists.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "name.h"
#include "urlnorm.h"

#define LISTS_READ_CHUNK 65536

/* What one parsed line is handed on with. */
struct lists_ctx {
	const char *file;
	unsigned line;
	list_rule_fn fn;
	void *arg;
	struct diag *diag;
	struct list_counts *counts;
};

static bool lists_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim white space on both ends of [*p, *p + *len). */
static void lists_trim(const char **p, size_t *len)
{
	while (*len > 0 && lists_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && lists_space((*p)[*len - 1]))
		(*len)--;
}

/* Cut a trailing comment: '#' at the start or after white space. */
static void lists_cut_comment(const char *p, size_t *len)
{
	for (size_t i = 0; i < *len; i++) {
		if (p[i] == '#' && (i == 0 || lists_space(p[i - 1]))) {
			*len = i;
			return;
		}
	}
}

static void lists_bad(struct lists_ctx *c, const char *what, const char *text, size_t len)
{
	int shown = len > 80 ? 80 : (int)len;

	c->counts->bad++;
	diag_error(c->diag, c->file, c->line, "%s: %.*s%s", what, shown, text,
		   len > 80 ? "..." : "");
}

/* Hand a rule to the callback; a refusal is a bad line. */
static void lists_emit(struct lists_ctx *c, struct list_rule *r, const char *text,
		       size_t len)
{
	char err[256];

	r->file = c->file;
	r->line = c->line;
	err[0] = '\0';
	if (c->fn(r, c->arg, err, sizeof(err)) < 0) {
		c->counts->bad++;
		diag_error(c->diag, c->file, c->line, "%s: %.*s", err[0] ? err : "rejected",
			   len > 80 ? 80 : (int)len, text);
		return;
	}
	c->counts->rules++;
}

/* Normalise a name into out; reports the rule text and returns -1 when it is not a
 * valid name. */
static int lists_name(struct lists_ctx *c, const char *p, size_t len, const char *text,
		      size_t text_len, char *out)
{
	const char *why = "bad name";

	if (len > 1 && p[0] == '.') { /* ".example.com" as in some lists: the same domain */
		p++;
		len--;
	}
	if (name_normalise(p, len, out, &why) < 0) {
		lists_bad(c, why, text, text_len);
		return -1;
	}
	return 0;
}

/* A name rule, or (with a '/') a host/path rule. A bare IP literal only matches itself. */
static void lists_name_or_url(struct lists_ctx *c, const char *p, size_t len, bool exact)
{
	char host[NAME_MAX_LEN + 1];
	struct list_rule r = { 0 };
	const char *slash = memchr(p, '/', len);
	size_t hlen = slash ? (size_t)(slash - p) : len;

	if (len > 2 && p[0] == '*' && p[1] == '.' && !exact) { /* "*.example.com" */
		p += 2;
		len -= 2;
		hlen -= 2;
	}
	if (hlen == 0) {
		lists_bad(c, "empty name", p, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (lists_space(p[i])) {
			lists_bad(c, "white space inside a rule", p, len);
			return;
		}
	}
	if (slash) {
		/* A URL rule's host as urlnorm reads it: "Example.COM:80/x" is example.com. */
		char hbuf[NAME_MAX_LEN + 8];
		const char *why = NULL;
		int hn = urlnorm_host(p, hlen, hbuf, sizeof(hbuf), &why);
		if (hn <= 0) {
			lists_bad(c, why ? why : "empty name", p, len);
			return;
		}
		if (lists_name(c, hbuf, (size_t)hn, p, len, host) < 0)
			return;
	} else if (lists_name(c, p, hlen, p, len, host) < 0) {
		return;
	}
	r.host = host;
	r.host_len = strlen(host);
	if (slash && len - hlen > 1) {
		if (exact) {
			lists_bad(c, "'=' takes a name, not a URL", p, len);
			return;
		}
		r.kind = LIST_RULE_URL;
		r.path = slash;
		r.path_len = len - hlen;
	} else {
		r.kind = exact || name_is_ip_literal(host) ? LIST_RULE_EXACT : LIST_RULE_DOMAIN;
	}
	lists_emit(c, &r, p, len);
}

static void lists_pattern(struct lists_ctx *c, const char *p, size_t len)
{
	struct list_rule r = { 0 };

	if (len == 0) {
		lists_bad(c, "empty pattern", p, len);
		return;
	}
	r.kind = LIST_RULE_PATTERN;
	r.pattern = p;
	r.pattern_len = len;
	lists_emit(c, &r, p, len);
}

/* A line in another list format than the native one: the hint that names the right form,
 * or NULL. Admins paste URLs from the browser, hosts files and adblock filters. */
static const char *lists_foreign_hint(const char *p, size_t len)
{
	static const char *const sinks[] = { "0.0.0.0 ", "127.0.0.1 ", "0.0.0.0\t", "127.0.0.1\t",
					     ":: ", "::1 " };
	if ((len > 7 && strncasecmp(p, "http://", 7) == 0) ||
	    (len > 8 && strncasecmp(p, "https://", 8) == 0))
		return "a URL: write it without http:// or https://, as example.com/path/";
	for (size_t i = 0; i < CG_ARRAY_LEN(sinks); i++)
		if (len > strlen(sinks[i]) && strncmp(p, sinks[i], strlen(sinks[i])) == 0)
			return "a hosts-file line: write only the name (example.com), or declare "
			       "the list with format = hosts";
	if ((len > 2 && (memcmp(p, "||", 2) == 0 || memcmp(p, "@@", 2) == 0)) ||
	    (len > 1 && p[len - 1] == '^'))
		return "an adblock rule: write only the name (example.com), or declare the "
		       "list with format = adblock";
	return NULL;
}

/* example.com | =example.com | example.com/path/ | /regex/ , with trailing comments. */
static void lists_native_line(struct lists_ctx *c, const char *p, size_t len)
{
	lists_trim(&p, &len);
	if (len >= 2 && p[0] == '/' && p[len - 1] == '/') {
		/* A pattern may hold " #": only cut a comment when the line does not end in '/'. */
		lists_pattern(c, p + 1, len - 2);
		return;
	}
	lists_cut_comment(p, &len);
	lists_trim(&p, &len);
	if (len == 0)
		return;
	if (p[0] == '/') {
		if (len >= 3 && p[len - 1] == '/')
			lists_pattern(c, p + 1, len - 2);
		else
			lists_bad(c, "pattern without a closing '/'", p, len);
		return;
	}
	const char *hint = lists_foreign_hint(p, len);
	if (hint) {
		lists_bad(c, hint, p, len);
		return;
	}
	if (p[0] == '=') {
		if (len == 1) {
			lists_bad(c, "'=' without a name", p, len);
			return;
		}
		lists_name_or_url(c, p + 1, len - 1, true);
		return;
	}
	lists_name_or_url(c, p, len, false);
}

/* Names that hosts files carry for the machine itself, not as blocks. */
static bool lists_localhost_name(const char *p, size_t len)
{
	static const char *const names[] = {
		"localhost", "localhost.localdomain", "local", "broadcasthost",
		"ip6-localhost", "ip6-loopback", "ip6-localnet", "ip6-mcastprefix",
		"ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
	};

	for (size_t i = 0; i < CG_ARRAY_LEN(names); i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], p, len) == 0)
			return true;
	return false;
}

/* "0.0.0.0 name [name...]" and the other sink addresses. */
static void lists_hosts_line(struct lists_ctx *c, const char *p, size_t len)
{
	static const char *const sinks[] = { "0.0.0.0", "127.0.0.1", "::", "::1", "0" };
	const char *end;
	size_t alen;
	bool sink = false;

	lists_cut_comment(p, &len);
	lists_trim(&p, &len);
	if (len == 0)
		return;
	end = p + len;
	for (alen = 0; alen < len && !lists_space(p[alen]); alen++)
		;
	for (size_t i = 0; i < CG_ARRAY_LEN(sinks); i++)
		if (strlen(sinks[i]) == alen && memcmp(sinks[i], p, alen) == 0)
			sink = true;
	if (alen == len) {
		lists_bad(c, "hosts line without a name", p, len);
		return;
	}
	if (!sink) {
		/* 255.255.255.255 broadcasthost, fe80::1%lo0 localhost: the machine's own. */
		const char *q = p + alen;
		size_t qlen = (size_t)(end - q);
		lists_trim(&q, &qlen);
		if (lists_localhost_name(q, qlen)) {
			c->counts->skipped++;
			return;
		}
		lists_bad(c, "not a blocking address (0.0.0.0, 127.0.0.1, ::, ::1)", p, len);
		return;
	}
	p += alen;
	while (p < end) {
		const char *n;
		while (p < end && lists_space(*p))
			p++;
		n = p;
		while (p < end && !lists_space(*p))
			p++;
		if (p == n)
			break;
		if (lists_localhost_name(n, (size_t)(p - n))) {
			c->counts->skipped++;
			continue;
		}
		if (!memchr(n, '.', (size_t)(p - n))) {
			/* "0.0.0.0 xxxhindi.to en" (Sinfonietta): a slip in a third-party file,
			 * and as a rule it would block a whole top-level domain. Skipped and
			 * counted with a warning, so that the shipped lists check clean. */
			c->counts->skipped++;
			diag_warn(c->diag, c->file, c->line, "single-label name in a hosts file "
				  "skipped: %.*s", (int)(p - n), n);
			continue;
		}
		lists_name_or_url(c, n, (size_t)(p - n), false);
	}
}

/* "||example.com^" lines; other adblock syntax is skipped with a warning. */
static void lists_adblock_line(struct lists_ctx *c, const char *p, size_t len)
{
	lists_trim(&p, &len);
	if (len == 0 || p[0] == '!')
		return;
	if (p[0] == '#' && (len == 1 || !strchr("#@?$%", p[1])))
		return; /* "# comment"; "##", "#@#" ... are element hiding, skipped below */
	if (p[0] == '[') {
		if (len >= 9 && strncasecmp(p, "[adblock", 8) == 0 && p[len - 1] == ']')
			return;
		lists_bad(c, "bad header line", p, len);
		return;
	}
	if (len >= 2 && p[0] == '@' && p[1] == '@') {
		c->counts->skipped++;
		diag_msg(c->diag, true, c->file, c->line, MSG_LIST_EXCEPTION_SKIPPED,
			 len > 80 ? 80 : (int)len, p);
		return;
	}
	if (len < 3 || p[0] != '|' || p[1] != '|') {
		c->counts->skipped++;
		diag_msg(c->diag, true, c->file, c->line, MSG_LIST_ADBLOCK_SKIPPED,
			 len > 80 ? 80 : (int)len, p);
		return;
	}
	const char *dollar = memchr(p, '$', len);
	if (dollar) {
		c->counts->skipped++;
		diag_msg(c->diag, true, c->file, c->line, MSG_LIST_OPTIONS_SKIPPED,
			 len > 80 ? 80 : (int)len, p);
		return;
	}
	const char *n = p + 2;
	size_t nlen = len - 2;
	if (nlen > 0 && n[nlen - 1] == '^')
		nlen--;
	else if (nlen > 0 && n[nlen - 1] == '|')
		nlen--;
	if (nlen == 0 || memchr(n, '^', nlen) || memchr(n, '*', nlen) || memchr(n, '/', nlen)) {
		lists_bad(c, "not a ||domain^ rule", p, len);
		return;
	}
	lists_name_or_url(c, n, nlen, false);
}

/* UT1 domains/urls lines: a name, or host/path. */
static void lists_ut1_line(struct lists_ctx *c, const char *p, size_t len)
{
	lists_cut_comment(p, &len);
	lists_trim(&p, &len);
	if (len == 0)
		return;
	lists_name_or_url(c, p, len, false);
}

/* One egrep-style expression per line. */
static void lists_expr_line(struct lists_ctx *c, const char *p, size_t len)
{
	lists_trim(&p, &len);
	if (len == 0 || p[0] == '#')
		return;
	lists_pattern(c, p, len);
}

typedef void (*lists_line_fn)(struct lists_ctx *c, const char *p, size_t len);

static lists_line_fn lists_line_parser(enum list_format fmt)
{
	switch (fmt) {
	case LIST_HOSTS:
		return lists_hosts_line;
	case LIST_ADBLOCK:
		return lists_adblock_line;
	case LIST_UT1:
		return lists_ut1_line;
	case LIST_NATIVE:
	default:
		return lists_native_line;
	}
}

/* One line, with a UTF-8 byte order mark on line 1 removed and the length capped. */
static void lists_one_line(struct lists_ctx *c, lists_line_fn parse, const char *p,
			   size_t len)
{
	c->counts->lines++;
	if (c->line == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	if (len > LISTS_MAX_LINE) {
		c->counts->bad++;
		diag_msg(c->diag, false, c->file, c->line, MSG_LIST_LINE_TOO_LONG, LISTS_MAX_LINE);
		return;
	}
	if (memchr(p, '\0', len)) {
		lists_bad(c, "NUL byte in line", "", 0);
		return;
	}
	parse(c, p, len);
}

static void lists_parse_with(lists_line_fn parse, const char *buf, size_t len,
			     const char *file, list_rule_fn fn, void *arg, struct diag *diag,
			     struct list_counts *counts)
{
	struct lists_ctx c = { file, 0, fn, arg, diag, counts };
	size_t off = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		c.line++;
		lists_one_line(&c, parse, buf + off, end - off);
		off = end + 1;
	}
}

void lists_parse(enum list_format fmt, const char *buf, size_t len, const char *file,
		 list_rule_fn fn, void *arg, struct diag *diag, struct list_counts *counts)
{
	lists_parse_with(lists_line_parser(fmt), buf, len, file, fn, arg, diag, counts);
}

void lists_parse_expressions(const char *buf, size_t len, const char *file,
			     list_rule_fn fn, void *arg, struct diag *diag,
			     struct list_counts *counts)
{
	lists_parse_with(lists_expr_line, buf, len, file, fn, arg, diag, counts);
}

/* Read an open file line by line through a fixed buffer: an overlong line is reported
 * once and its rest thrown away, so a file with no newlines costs no more memory. */
static int lists_read_fd(int fd, lists_line_fn parse, struct lists_ctx *c)
{
	char *buf = xmalloc(LISTS_READ_CHUNK);
	size_t have = 0;
	bool skipping = false, eof = false;
	int rc = -1;

	while (!eof || have > 0) {
		if (!eof && have < LISTS_READ_CHUNK) {
			ssize_t n = read(fd, buf + have, LISTS_READ_CHUNK - have);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				diag_msg(c->diag, false, c->file, 0, MSG_LIST_CANNOT_READ,
					 MSG_REASON(strerror(errno)));
				goto fail;
			}
			if (n == 0)
				eof = true;
			have += (size_t)n;
		}
		size_t off = 0;
		for (;;) {
			char *nl = memchr(buf + off, '\n', have - off);
			if (!nl)
				break;
			size_t end = (size_t)(nl - buf);
			c->line++;
			if (skipping) {
				skipping = false;
				c->counts->lines++;
				c->counts->bad++;
				diag_msg(c->diag, false, c->file, c->line,
					 MSG_LIST_LINE_TOO_LONG, LISTS_MAX_LINE);
			} else {
				lists_one_line(c, parse, buf + off, end - off);
			}
			off = end + 1;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (eof && have > 0) { /* a last line without a newline */
			c->line++;
			if (skipping) {
				c->counts->lines++;
				c->counts->bad++;
				diag_msg(c->diag, false, c->file, c->line,
					 MSG_LIST_LINE_TOO_LONG, LISTS_MAX_LINE);
			} else {
				lists_one_line(c, parse, buf, have);
			}
			skipping = false;
			have = 0;
		} else if (have > LISTS_MAX_LINE) {
			skipping = true; /* keep reading to the newline, dropping bytes */
			have = 0;
		}
	}
	if (skipping) { /* an overlong last line without a newline */
		c->line++;
		c->counts->lines++;
		c->counts->bad++;
		diag_msg(c->diag, false, c->file, c->line, MSG_LIST_LINE_TOO_LONG, LISTS_MAX_LINE);
	}
	rc = 0;
fail:
	free(buf);
	return rc;
}

static int lists_read_file(const char *path, const char *name, lists_line_fn parse,
			   list_rule_fn fn, void *arg, struct diag *diag,
			   struct list_counts *counts)
{
	struct lists_ctx c = { name, 0, fn, arg, diag, counts };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not block */
	int rc;

	struct stat st;

	if (fd < 0) {
		diag_msg(diag, false, name, 0,
			 MSG_LIST_CANNOT_OPEN, path, MSG_REASON(strerror(errno)));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) { /* /dev/zero, a FIFO: no end */
		diag_msg(diag, false, name, 0, MSG_LIST_NOT_REGULAR);
		close(fd);
		return -1;
	}
	rc = lists_read_fd(fd, parse, &c);
	close(fd);
	return rc;
}

/* A UT1 folder: domains, urls, expressions, very_restrictive_expression (any of them). */
static int lists_read_ut1_dir(const char *path, const char *name, list_rule_fn fn,
			      void *arg, struct diag *diag, struct list_counts *counts)
{
	static const char *const parts[] = {
		"domains", "urls", "expressions", "very_restrictive_expression",
	};
	int found = 0;

	for (size_t i = 0; i < CG_ARRAY_LEN(parts); i++) {
		struct sbuf p, n;
		sbuf_init(&p);
		sbuf_init(&n);
		sbuf_printf(&p, "%s/%s", path, parts[i]);
		sbuf_printf(&n, "%s/%s", name, parts[i]);
		if (access(p.data, F_OK) == 0) {
			found++;
			if (lists_read_file(p.data, n.data,
					    i < 2 ? lists_ut1_line : lists_expr_line, fn, arg,
					    diag, counts) < 0) {
				sbuf_free(&p);
				sbuf_free(&n);
				return -1;
			}
		}
		sbuf_free(&p);
		sbuf_free(&n);
	}
	if (found == 0) {
		diag_msg(diag, false, name, 0, MSG_LIST_UT1_EMPTY);
		return -1;
	}
	return 0;
}

int lists_read(enum list_format fmt, const char *path, const char *name, list_rule_fn fn,
	       void *arg, struct diag *diag, struct list_counts *counts)
{
	struct stat st;

	if (!name)
		name = path;
	if (stat(path, &st) < 0) {
		diag_msg(diag, false, name, 0,
			 MSG_LIST_CANNOT_OPEN, path, MSG_REASON(strerror(errno)));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (fmt != LIST_UT1) {
			diag_msg(diag, false, name, 0, MSG_LIST_IS_FOLDER);
			return -1;
		}
		return lists_read_ut1_dir(path, name, fn, arg, diag, counts);
	}

	return lists_read_file(path, name, lists_line_parser(fmt), fn, arg, diag, counts);
}

static const char *const lists_formats[] = {
	[LIST_NATIVE] = "native", [LIST_HOSTS] = "hosts", [LIST_ADBLOCK] = "adblock",
	[LIST_UT1] = "ut1",
};

const char *lists_format_name(enum list_format fmt)
{
	if ((size_t)fmt < CG_ARRAY_LEN(lists_formats))
		return lists_formats[fmt];
	return "?";
}

int lists_format_parse(const char *s, size_t len, enum list_format *out)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(lists_formats); i++) {
		if (strlen(lists_formats[i]) == len && strncmp(lists_formats[i], s, len) == 0) {
			*out = (enum list_format)i;
			return 0;
		}
	}
	return -1;
}
