/* leases_parse: dnsmasq lines, ISC dhcpd blocks and Kea CSV rows into lease records
 * (address, name, MAC, end, state); one bounded pass over (buf, len), nothing kept. */
#include "leases_parse.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

#define MAX_FIELD 256       /* a dnsmasq field */
#define MAX_LINE 4096       /* a longer dnsmasq or Kea line is skipped */
#define ISC_BLOCK_MAX 65536 /* a longer lease or iaaddr block is skipped */
#define ISC_IA_WORDS 4      /* words allowed between "ia-na" and its "{" */
#define KEA_COLS 64         /* columns of a Kea row looked at */

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

/* s[0..n) as an address of family (0: either): 0, or -1 when it is not one. */
static int span_addr(const char *s, size_t n, int family, struct cg_addr *a)
{
	char buf[CG_ADDR_STRLEN];
	if (n == 0 || n >= sizeof buf || memchr(s, '\0', n))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, a) < 0 || (family && a->family != family))
		return -1;
	return 0;
}

/* A decimal count of seconds s[0..n) (digits only) into *out, capped at INT64_MAX:
 * 0, or -1 when it is not one. */
static int span_secs(const char *s, size_t n, int64_t *out)
{
	if (n == 0 || n > 20)
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
	}
	*out = v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
	return 0;
}

/* The line at buf[*pos..len) without its "\n" or "\r\n" (length in *n), and *pos moved
 * past it; NULL at the end of the buffer. */
static const char *next_line(const char *buf, size_t len, size_t *pos, size_t *n)
{
	if (*pos >= len)
		return NULL;
	const char *s = buf + *pos;
	const char *nl = memchr(s, '\n', len - *pos);
	size_t l = nl ? (size_t)(nl - s) : len - *pos;
	*pos += l + (nl ? 1 : 0);
	if (l && s[l - 1] == '\r')
		l--;
	*n = l;
	return s;
}

/* ---- dnsmasq ------------------------------------------------------------------ */

/* The next space-separated field of line[*pos..len) into out (NUL-terminated); its
 * length, or -1 when there is none, it holds a NUL byte, or it is longer than
 * MAX_FIELD - 1. */
static int field(const char *line, size_t len, size_t *pos, char out[MAX_FIELD])
{
	size_t i = *pos;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t s = i;
	while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\n' && line[i] != '\r')
		i++;
	if (i == s || i - s >= MAX_FIELD || memchr(line + s, '\0', i - s))
		return -1;
	memcpy(out, line + s, i - s);
	out[i - s] = '\0';
	*pos = i;
	return (int)(i - s);
}

/* One dnsmasq line into e (its name, when any, in nm): 1 a lease, 0 a line that is no
 * lease (the server's "duid"), -1 a malformed line. */
static int dnsmasq_entry(const char *line, size_t len, struct leases_entry *e,
			 char nm[MAX_FIELD])
{
	char f[3][MAX_FIELD];
	size_t pos = 0;
	memset(e, 0, sizeof *e);
	if (len >= 4 && memcmp(line, "duid", 4) == 0 && (len == 4 || line[4] == ' '))
		return 0; /* the IPv6 server's own DUID */
	for (int k = 0; k < 3; k++)
		if (field(line, len, &pos, f[k]) < 0)
			return -1;
	int nl = field(line, len, &pos, nm);
	if (nl < 0)
		return -1;
	if (span_secs(f[0], strlen(f[0]), &e->expires) < 0)
		return -1;
	if (addr_parse(f[2], &e->addr) < 0)
		return -1;
	e->live = true; /* dnsmasq writes only the leases it holds */
	e->has_mac = e->addr.family == AF_INET && mac_parse(f[1], strlen(f[1]), e->mac) == 0;
	if (strcmp(nm, "*") == 0)
		return 1;
	if (name_ok(nm, (size_t)nl))
		e->name = nm;
	else
		e->name_bad = true;
	return 1;
}

int leases_parse_line(const char *line, size_t len, struct cg_addr *addr,
		      char name[LEASES_NAME_MAX])
{
	struct leases_entry e;
	char nm[MAX_FIELD];
	int r = dnsmasq_entry(line, len, &e, nm);
	if (r <= 0)
		return r;
	*addr = e.addr;
	if (e.name_bad)
		return -1;
	if (!e.name)
		return 0;
	memcpy(name, nm, strlen(nm) + 1);
	return 1;
}

static size_t parse_dnsmasq(const char *buf, size_t len, leases_record_fn fn, void *arg)
{
	size_t pos = 0, n, bad = 0;
	const char *line;
	while ((line = next_line(buf, len, &pos, &n))) {
		struct leases_entry e;
		char nm[MAX_FIELD];
		if (n == 0)
			continue;
		int r = n > MAX_LINE ? -1 : dnsmasq_entry(line, n, &e, nm);
		if (r == 1)
			fn(arg, &e);
		if (r < 0 || (r == 1 && e.name_bad))
			bad++;
	}
	return bad;
}

/* ---- Kea CSV ------------------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
};

static bool span_is(struct span s, const char *w)
{
	size_t l = strlen(w);
	return s.n == l && memcmp(s.p, w, l) == 0;
}

/* The comma-separated cells of line[0..n) into c (at most KEA_COLS); their count. */
static size_t kea_cells(const char *line, size_t n, struct span c[KEA_COLS])
{
	size_t k = 0, s = 0;
	for (size_t i = 0; i <= n && k < KEA_COLS; i++)
		if (i == n || line[i] == ',') {
			c[k].p = line + s;
			c[k].n = i - s;
			k++;
			s = i + 1;
		}
	return k;
}

/* Columns are found by name in the header, so v4, v6 and later schema versions (extra
 * columns) read alike. A row is a lease's latest state: the memfile appends until its
 * cleanup rewrites the file, and marks a deleted lease with valid_lifetime 0. */
static size_t parse_kea(const char *buf, size_t len, leases_record_fn fn, void *arg)
{
	struct span c[KEA_COLS];
	size_t pos = 0, n, bad = 0;
	const char *line = next_line(buf, len, &pos, &n);
	if (!line || n > MAX_LINE)
		return 1;
	int addr = -1, host = -1, state = -1, valid = -1, type = -1, need = -1;
	int hw = -1, expire = -1; /* used when the row has them; not needed */
	size_t k = kea_cells(line, n, c);
	for (size_t i = 0; i < k; i++) {
		int *col = span_is(c[i], "address")	   ? &addr
			   : span_is(c[i], "hostname")	   ? &host
			   : span_is(c[i], "state")	   ? &state
			   : span_is(c[i], "valid_lifetime") ? &valid
			   : span_is(c[i], "lease_type")	   ? &type
							   : NULL;
		if (!col && span_is(c[i], "hwaddr") && hw < 0)
			hw = (int)i;
		else if (!col && span_is(c[i], "expire") && expire < 0)
			expire = (int)i;
		if (col && *col < 0) {
			*col = (int)i;
			if ((int)i > need)
				need = (int)i;
		}
	}
	if (addr < 0 || host < 0)
		return 1; /* a header without the columns we need */
	while ((line = next_line(buf, len, &pos, &n))) {
		struct cg_addr a;
		if (n == 0)
			continue;
		if (n > MAX_LINE || (k = kea_cells(line, n, c)) <= (size_t)need ||
		    span_addr(c[addr].p, c[addr].n, 0, &a) < 0) {
			bad++;
			continue;
		}
		if (type >= 0 && span_is(c[type], "2"))
			continue; /* a delegated prefix, not a client's address */
		struct leases_entry e;
		memset(&e, 0, sizeof e);
		e.addr = a;
		e.live = (state < 0 || span_is(c[state], "0")) &&
			 (valid < 0 || !span_is(c[valid], "0"));
		if (hw >= 0 && (size_t)hw < k && a.family == AF_INET)
			e.has_mac = mac_parse(c[hw].p, c[hw].n, e.mac) == 0;
		if (expire >= 0 && (size_t)expire < k && span_secs(c[expire].p, c[expire].n,
								    &e.expires) < 0)
			e.expires = 0;
		struct span h = c[host];
		if (h.n && h.p[h.n - 1] == '.')
			h.n--; /* an FQDN's root */
		char name[LEASES_NAME_MAX];
		if (e.live && name_ok(h.p, h.n)) {
			memcpy(name, h.p, h.n);
			name[h.n] = '\0';
			e.name = name;
		}
		fn(arg, &e);
	}
	return bad;
}

/* ---- ISC dhcpd ---------------------------------------------------------------- */

enum tok_kind { T_EOF, T_WORD, T_STR, T_OPEN, T_CLOSE, T_SEMI, T_BAD };

struct tok {
	enum tok_kind kind;
	const char *p; /* T_STR: the raw bytes between the quotes */
	size_t n;
};

struct lexer {
	const char *buf;
	size_t len, pos;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The next token; a string that a newline or the end of the input cuts is T_BAD (the
 * lexer goes on after it, so one broken line does not swallow the file). */
static struct tok lex(struct lexer *lx)
{
	const char *b = lx->buf;
	size_t i = lx->pos, len = lx->len;
	struct tok t = {T_EOF, NULL, 0};
	for (;;) {
		while (i < len && is_blank(b[i]))
			i++;
		if (i >= len || b[i] != '#')
			break;
		while (i < len && b[i] != '\n')
			i++;
	}
	lx->pos = i;
	if (i >= len)
		return t;
	t.p = b + i;
	t.n = 1;
	switch (b[i]) {
	case '{':
		t.kind = T_OPEN;
		lx->pos = i + 1;
		return t;
	case '}':
		t.kind = T_CLOSE;
		lx->pos = i + 1;
		return t;
	case ';':
		t.kind = T_SEMI;
		lx->pos = i + 1;
		return t;
	case '"': {
		size_t s = ++i;
		while (i < len && b[i] != '"' && b[i] != '\n')
			i += (b[i] == '\\' && i + 1 < len && b[i + 1] != '\n') ? 2 : 1;
		t.p = b + s;
		t.n = (i < len ? i : len) - s;
		if (i >= len || b[i] != '"') {
			t.kind = T_BAD;
			lx->pos = i < len ? i : len;
			return t;
		}
		t.kind = T_STR;
		lx->pos = i + 1;
		return t;
	}
	default: {
		size_t s = i;
		while (i < len && !is_blank(b[i]) && b[i] != '{' && b[i] != '}' && b[i] != ';' &&
		       b[i] != '"' && b[i] != '#')
			i++;
		t.kind = T_WORD;
		t.n = i - s;
		lx->pos = i;
		return t;
	}
	}
}

static bool tok_is(struct tok t, const char *w)
{
	size_t l = strlen(w);
	return t.kind == T_WORD && t.n == l && memcmp(t.p, w, l) == 0;
}

/* A keyword that opens a top-level block; met at the start of a statement inside a
 * block, it means that block was never closed. */
static bool tok_top(struct tok t)
{
	return tok_is(t, "lease") || tok_is(t, "ia-na") || tok_is(t, "ia-ta") ||
	       tok_is(t, "ia-pd");
}

/* The host name in a quoted string's raw bytes s[0..n) (\" \\ and \NNN decoded) into
 * out: its length, or -1 when the escapes are broken or it is not a valid host name. */
static int isc_name(const char *s, size_t n, char out[LEASES_NAME_MAX])
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\') {
			if (++i >= n)
				return -1;
			c = (unsigned char)s[i];
			if (c >= '0' && c <= '7') {
				if (n - i < 3 || s[i + 1] < '0' || s[i + 1] > '7' || s[i + 2] < '0' ||
				    s[i + 2] > '7' || c > '3')
					return -1;
				c = (unsigned char)((c - '0') * 64 + (s[i + 1] - '0') * 8 + (s[i + 2] - '0'));
				i += 2;
			} else if (c != '"' && c != '\\') {
				return -1;
			}
		}
		if (o >= LEASES_NAME_MAX - 1)
			return -1;
		out[o++] = (char)c;
	}
	if (!name_ok(out, o))
		return -1;
	out[o] = '\0';
	return (int)o;
}

/* What a lease or iaaddr block's own statements said. */
struct isc_lease {
	bool bad;	/* an unterminated string inside */
	bool abandoned; /* "abandoned;" (dhcpd before 3.0 wrote no binding state) */
	bool state_seen, active, named;
	char name[LEASES_NAME_MAX];
	bool has_mac;
	uint8_t mac[6];
	int64_t expires; /* "ends": 0 never or not given */
	struct tm ends;	 /* the date of "ends W YYYY/MM/DD HH:MM:SS" until its time */
};

enum isc_stmt { S_OTHER, S_BINDING, S_HOSTNAME, S_IAADDR, S_HARDWARE, S_ENDS };

struct isc {
	struct lexer lx;
	size_t bad;
	leases_record_fn fn;
	void *arg;
};

static void isc_emit(struct isc *p, const struct cg_addr *a, const struct isc_lease *le)
{
	struct leases_entry e;
	memset(&e, 0, sizeof e);
	e.addr = *a;
	e.live = !le->abandoned && (!le->state_seen || le->active);
	e.name = e.live && le->named ? le->name : NULL;
	e.has_mac = le->has_mac && a->family == AF_INET;
	memcpy(e.mac, le->mac, sizeof e.mac);
	e.expires = le->expires;
	p->fn(p->arg, &e);
}

/* Word w of "ends W YYYY/MM/DD HH:MM:SS;" ("ends never;", "ends epoch N;"). A date
 * that does not read leaves the lease without an end. */
static void isc_ends(struct isc_lease *le, size_t w, struct tok t)
{
	char b[24];
	if (t.kind != T_WORD || t.n >= sizeof b)
		return;
	memcpy(b, t.p, t.n);
	b[t.n] = '\0';
	int64_t v;
	if (w == 1) {
		le->expires = 0;
		memset(&le->ends, 0, sizeof le->ends);
		le->ends.tm_mday = strcmp(b, "epoch") == 0 ? -1 : 0;
	} else if (w == 2 && le->ends.tm_mday == -1) {
		if (span_secs(t.p, t.n, &v) == 0)
			le->expires = v;
	} else if (w == 2) {
		int y, m, d;
		char x;
		if (sscanf(b, "%4d/%2d/%2d%c", &y, &m, &d, &x) == 3 && y >= 1970 && m >= 1 &&
		    m <= 12 && d >= 1 && d <= 31) {
			le->ends.tm_year = y - 1900;
			le->ends.tm_mon = m - 1;
			le->ends.tm_mday = d;
		}
	} else if (w == 3 && le->ends.tm_mday > 0) {
		int h, mi, sec;
		char x;
		if (sscanf(b, "%2d:%2d:%2d%c", &h, &mi, &sec, &x) == 3 && h >= 0 && h < 24 &&
		    mi >= 0 && mi < 60 && sec >= 0 && sec <= 60) {
			le->ends.tm_hour = h;
			le->ends.tm_min = mi;
			le->ends.tm_sec = sec;
			time_t when = timegm(&le->ends);
			if (when > 0)
				le->expires = (int64_t)when;
		}
	}
}

/* Word number w of a statement at the body's own level, whose kind *st the first word
 * set. */
static void isc_word(struct isc_lease *le, bool ia, enum isc_stmt *st, size_t w, struct tok t,
		     struct cg_addr *ia_addr, bool *ia_ok)
{
	if (w == 0) {
		*st = S_OTHER;
		if (le && tok_is(t, "binding"))
			*st = S_BINDING; /* not "next binding state" nor "rewind binding state" */
		else if (le && tok_is(t, "client-hostname"))
			*st = S_HOSTNAME;
		else if (le && tok_is(t, "abandoned"))
			le->abandoned = true;
		else if (le && tok_is(t, "hardware"))
			*st = S_HARDWARE;
		else if (le && tok_is(t, "ends"))
			*st = S_ENDS;
		else if (ia && tok_is(t, "iaaddr"))
			*st = S_IAADDR;
	} else if (*st == S_BINDING) {
		if (w == 1 && !tok_is(t, "state")) {
			*st = S_OTHER;
		} else if (w == 2) {
			le->state_seen = true;
			le->active = tok_is(t, "active");
		}
	} else if (*st == S_HARDWARE) {
		if (w == 1 && !tok_is(t, "ethernet"))
			*st = S_OTHER;
		else if (w == 2)
			le->has_mac = t.kind == T_WORD && mac_parse(t.p, t.n, le->mac) == 0;
	} else if (*st == S_ENDS) {
		isc_ends(le, w, t);
	} else if (*st == S_HOSTNAME && w == 1) {
		le->named = t.kind == T_STR && isc_name(t.p, t.n, le->name) >= 0;
	} else if (*st == S_IAADDR && w == 1) {
		*ia_ok = span_addr(t.p, t.kind == T_WORD ? t.n : 0, AF_INET6, ia_addr) == 0;
	}
}

/* The body of a block after its "{" through the matching "}": 0, or -1 when the input
 * ended or a top-level keyword came first (the lexer is left on that keyword). In a
 * lease or iaaddr block (le set) the body's own statements fill le; in an ia-na or
 * ia-ta block (ia) each "iaaddr ADDR { ... }" is read and reported. Nesting is counted,
 * not recursed into, but for the one level of iaaddr. */
static int isc_body(struct isc *p, struct isc_lease *le, bool ia)
{
	int depth = 1;
	size_t w = 0;
	enum isc_stmt st = S_OTHER;
	struct cg_addr ia_addr;
	bool ia_ok = false;
	for (;;) {
		size_t at = p->lx.pos;
		struct tok t = lex(&p->lx);
		switch (t.kind) {
		case T_EOF:
			return -1;
		case T_OPEN:
			if (ia && depth == 1 && st == S_IAADDR && w == 2) {
				struct isc_lease sub;
				memset(&sub, 0, sizeof sub);
				size_t start = p->lx.pos;
				if (isc_body(p, &sub, false) < 0)
					return -1;
				if (!ia_ok || sub.bad || p->lx.pos - start > ISC_BLOCK_MAX)
					p->bad++;
				else
					isc_emit(p, &ia_addr, &sub);
			} else {
				depth++;
			}
			w = 0;
			st = S_OTHER;
			continue;
		case T_CLOSE:
			if (--depth == 0)
				return 0;
			w = 0;
			st = S_OTHER;
			continue;
		case T_SEMI:
			w = 0;
			st = S_OTHER;
			continue;
		default:
			break;
		}
		if (w == 0 && tok_top(t)) {
			p->lx.pos = at;
			return -1;
		}
		if (t.kind == T_BAD && le)
			le->bad = true;
		if (depth == 1)
			isc_word(le, ia, &st, w, t, &ia_addr, &ia_ok);
		w++;
	}
}

/* "lease ADDR { ... }" after the keyword. */
static void isc_lease_block(struct isc *p)
{
	size_t at = p->lx.pos;
	struct tok t = lex(&p->lx);
	struct cg_addr a;
	bool ok = t.kind == T_WORD && span_addr(t.p, t.n, AF_INET, &a) == 0;
	if (t.kind != T_WORD || lex(&p->lx).kind != T_OPEN) {
		p->bad++;
		p->lx.pos = at; /* go on from the word after "lease" */
		return;
	}
	struct isc_lease le;
	memset(&le, 0, sizeof le);
	size_t start = p->lx.pos;
	if (isc_body(p, &le, false) < 0 || !ok || le.bad || p->lx.pos - start > ISC_BLOCK_MAX) {
		p->bad++;
		return;
	}
	isc_emit(p, &a, &le);
}

/* "ia-na ID { ... }" (and ia-ta, ia-pd) after the keyword; prefixes give no names. */
static void isc_ia_block(struct isc *p, bool prefix)
{
	for (int k = 0;; k++) {
		size_t at = p->lx.pos;
		struct tok t = lex(&p->lx);
		if (t.kind == T_OPEN)
			break;
		if (k == ISC_IA_WORDS || t.kind == T_EOF || t.kind == T_CLOSE || t.kind == T_SEMI ||
		    tok_top(t)) {
			p->bad++;
			if (t.kind != T_SEMI)
				p->lx.pos = at;
			return;
		}
	}
	if (isc_body(p, NULL, !prefix) < 0)
		p->bad++;
}

/* Top level: lease and ia-* blocks; any other statement or block is passed over. */
static size_t parse_isc(const char *buf, size_t len, leases_record_fn fn, void *arg)
{
	struct isc p = {{buf, len, 0}, 0, fn, arg};
	bool start = true;
	for (;;) {
		struct tok t = lex(&p.lx);
		if (t.kind == T_EOF)
			break;
		if (t.kind == T_SEMI || t.kind == T_OPEN || t.kind == T_CLOSE) {
			start = true;
			continue;
		}
		if (!start || !tok_top(t)) {
			start = false;
			continue;
		}
		if (tok_is(t, "lease"))
			isc_lease_block(&p);
		else
			isc_ia_block(&p, tok_is(t, "ia-pd"));
	}
	return p.bad;
}

/* ---- the file ----------------------------------------------------------------- */

enum leases_format leases_detect(const char *buf, size_t len)
{
	static const char *const kw[] = {"lease ", "ia-na ", "ia-ta ", "ia-pd "};
	if (len >= 8 && memcmp(buf, "address,", 8) == 0)
		return LEASES_KEA;
	size_t pos = 0, n;
	const char *line;
	while ((line = next_line(buf, len, &pos, &n))) {
		size_t i = 0;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		for (size_t k = 0; k < CG_ARRAY_LEN(kw); k++) {
			size_t l = strlen(kw[k]);
			if (n - i >= l && memcmp(line + i, kw[k], l) == 0 &&
			    memchr(line + i, '{', n - i))
				return LEASES_ISC;
		}
	}
	return LEASES_DNSMASQ;
}

const char *leases_format_name(enum leases_format f)
{
	switch (f) {
	case LEASES_ISC:
		return "ISC dhcpd";
	case LEASES_KEA:
		return "Kea CSV";
	default:
		return "dnsmasq";
	}
}

size_t leases_parse_entries(const char *buf, size_t len, enum leases_format f,
			    leases_record_fn fn, void *arg)
{
	switch (f) {
	case LEASES_ISC:
		return parse_isc(buf, len, fn, arg);
	case LEASES_KEA:
		return parse_kea(buf, len, fn, arg);
	default:
		return parse_dnsmasq(buf, len, fn, arg);
	}
}

struct by_name {
	enum leases_format f;
	leases_entry_fn fn;
	void *arg;
};

/* The names' view of a record: a dnsmasq line gives an address only with a name. */
static void by_name_record(void *arg, const struct leases_entry *e)
{
	struct by_name *b = arg;
	if (e->name_bad || (b->f == LEASES_DNSMASQ && !e->name))
		return;
	b->fn(b->arg, &e->addr, e->name);
}

size_t leases_parse(const char *buf, size_t len, enum leases_format f, leases_entry_fn fn,
		    void *arg)
{
	struct by_name b = {f, fn, arg};
	return leases_parse_entries(buf, len, f, by_name_record, &b);
}
