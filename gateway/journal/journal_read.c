/* journal_read: journal files in order, a streaming line reader, and the bounded parser
 * of exactly the journal's JSON schema (lines may come from anyone who can edit files). */
#include "journal_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the line parser ------------------------------------------------------------ */

struct jp {
	const char *s;
	size_t len, pos;
	char *arena;
	size_t arena_len, used;
	const char *err;
};

static void jp_ws(struct jp *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

static int jp_expect(struct jp *p, char c)
{
	jp_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != c) {
		p->err = c == '"' ? "expected a string" : "malformed JSON";
		return -1;
	}
	p->pos++;
	return 0;
}

static int hex4(const char *s, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

static void put_utf8(char *o, size_t *n, uint32_t cp)
{
	if (cp < 0x80) {
		o[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*n)++] = (char)(0xc0 | cp >> 6);
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		o[(*n)++] = (char)(0xe0 | cp >> 12);
		o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		o[(*n)++] = (char)(0xf0 | cp >> 18);
		o[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* Length of a valid UTF-8 sequence at p, or 0. */
static size_t utf8_valid(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (c == 0xe0 && p[1] < 0xa0)
		return 0; /* overlong */
	if (c == 0xed && p[1] >= 0xa0)
		return 0; /* surrogate */
	if (c == 0xf0 && p[1] < 0x90)
		return 0; /* overlong */
	if (c == 0xf4 && p[1] >= 0x90)
		return 0; /* above U+10FFFF */
	return len;
}

static int jp_full(struct jp *p)
{
	p->err = "arena too small";
	return -1;
}

/* The code point of a \u escape at p->pos (just after the "\u"), a surrogate pair
 * joined into one; never NUL. 0, or -1 with p->err. */
static int jp_u_escape(struct jp *p, uint32_t *out)
{
	uint32_t cp, lo;
	if (p->pos + 4 > p->len || hex4(p->s + p->pos, &cp) < 0) {
		p->err = "bad \\u escape";
		return -1;
	}
	p->pos += 4;
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		p->err = "lone low surrogate";
		return -1;
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->pos + 6 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
		    hex4(p->s + p->pos + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
			p->err = "lone high surrogate";
			return -1;
		}
		p->pos += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (cp == 0) {
		p->err = "NUL in a string";
		return -1;
	}
	*out = cp;
	return 0;
}

/* The escape at p->pos (a backslash and what follows) decoded into o at *n; o has room
 * bytes in all, one of them kept for the NUL, and at least 2 are free. 0, or -1 with
 * p->err. */
static int jp_escape(struct jp *p, char *o, size_t *n, size_t room)
{
	if (p->pos + 1 >= p->len) {
		p->err = "unterminated escape";
		return -1;
	}
	char e = p->s[p->pos + 1];
	p->pos += 2;
	switch (e) {
	case '"': o[(*n)++] = '"'; return 0;
	case '\\': o[(*n)++] = '\\'; return 0;
	case '/': o[(*n)++] = '/'; return 0;
	case 'b': o[(*n)++] = '\b'; return 0;
	case 'f': o[(*n)++] = '\f'; return 0;
	case 'n': o[(*n)++] = '\n'; return 0;
	case 'r': o[(*n)++] = '\r'; return 0;
	case 't': o[(*n)++] = '\t'; return 0;
	case 'u': {
		uint32_t cp;
		if (jp_u_escape(p, &cp) < 0)
			return -1;
		if (*n + (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4) + 1 > room)
			return jp_full(p);
		put_utf8(o, n, cp);
		return 0;
	}
	default:
		p->err = "bad escape";
		return -1;
	}
}

/* A JSON string into the arena (NUL-terminated); *out points at it. */
static int jp_string(struct jp *p, const char **out, size_t *out_len)
{
	if (jp_expect(p, '"') < 0)
		return -1;
	char *o = p->arena + p->used;
	size_t n = 0;
	size_t room = p->arena_len - p->used;
	for (;;) {
		if (p->pos >= p->len) {
			p->err = "unterminated string";
			return -1;
		}
		/* A run of plain ASCII is copied at once. */
		size_t run = p->pos;
		while (run < p->len && (unsigned char)p->s[run] >= 0x20 &&
		       (unsigned char)p->s[run] < 0x80 && p->s[run] != '"' && p->s[run] != '\\')
			run++;
		if (run > p->pos) {
			if (n + (run - p->pos) + 1 > room)
				return jp_full(p);
			memcpy(o + n, p->s + p->pos, run - p->pos);
			n += run - p->pos;
			p->pos = run;
			continue;
		}
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			p->err = "control byte in a string";
			return -1;
		}
		if (c >= 0x80) {
			size_t l = utf8_valid((const unsigned char *)p->s + p->pos, p->len - p->pos);
			if (l == 0) {
				p->err = "invalid UTF-8";
				return -1;
			}
			if (n + l + 1 > room)
				return jp_full(p);
			memcpy(o + n, p->s + p->pos, l);
			n += l;
			p->pos += l;
			continue;
		}
		if (n + 2 > room)
			return jp_full(p);
		if (c != '\\') {
			o[n++] = (char)c;
			p->pos++;
			continue;
		}
		if (jp_escape(p, o, &n, room) < 0)
			return -1;
	}
	o[n] = '\0';
	p->used += n + 1;
	*out = o;
	if (out_len)
		*out_len = n;
	return 0;
}

static int jp_uint(struct jp *p, uint64_t max, uint64_t *out)
{
	jp_ws(p);
	size_t start = p->pos;
	uint64_t v = 0;
	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
		unsigned d = (unsigned)(p->s[p->pos] - '0');
		if (v > (max - d) / 10) {
			p->err = "number out of range";
			return -1;
		}
		v = v * 10 + d;
		p->pos++;
	}
	if (p->pos == start || (p->s[start] == '0' && p->pos - start > 1)) {
		p->err = "bad number";
		return -1;
	}
	*out = v;
	return 0;
}

enum { F_SEQ, F_TIME, F_ID, F_EVENT, F_PROTO, F_ACTION, F_CLIENT, F_MAC, F_CNAME, F_GROUP,
       F_HOST, F_PATH, F_QTYPE, F_CATEGORY, F_RULE, F_BMODE, F_REASON, F_ACCOUNT, F_TEACHER, F_SSEQ,
       F_SPREV,
       F_PREV, F_HASH, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"seq", "time", "id", "event", "proto", "action", "client", "mac", "client_name",
	"group", "host", "path", "qtype", "category", "rule", "block_mode", "reason", "account",
	"teacher",
	"start_seq", "start_prev", "prev", "hash",
};

/* The field named key (F_COUNT: none); the writer's order makes hint the usual answer. */
static int field_find(const char *key, int hint)
{
	for (int f = hint; f < F_COUNT; f++)
		if (strcmp(key, field_names[f]) == 0)
			return f;
	for (int f = 0; f < hint && f < F_COUNT; f++)
		if (strcmp(key, field_names[f]) == 0)
			return f;
	return F_COUNT;
}

/* Lowercase hex only, as journal_unhex: 0 or -1. */
static int hash_decode(const char *s, size_t len, uint8_t h[JOURNAL_HASH_LEN])
{
	/* The digit's value + 1; 0 for a byte that is not a lowercase hex digit. */
	static const signed char val[256] = {
		['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
		['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
		['e'] = 15, ['f'] = 16,
	};
	if (len != 2 * JOURNAL_HASH_LEN)
		return -1;
	int bad = 0;
	for (size_t i = 0; i < JOURNAL_HASH_LEN; i++) {
		int hi = val[(unsigned char)s[2 * i]] - 1, lo = val[(unsigned char)s[2 * i + 1]] - 1;
		bad |= hi | lo;
		h[i] = (uint8_t)((hi & 15) << 4 | (lo & 15));
	}
	return bad < 0 ? -1 : 0;
}

static const char **str_field(struct journal_record *r, int f)
{
	switch (f) {
	case F_ID: return &r->id;
	case F_EVENT: return &r->event;
	case F_PROTO: return &r->proto;
	case F_ACTION: return &r->action;
	case F_CLIENT: return &r->client;
	case F_MAC: return &r->mac;
	case F_CNAME: return &r->client_name;
	case F_GROUP: return &r->group;
	case F_HOST: return &r->host;
	case F_PATH: return &r->path;
	case F_QTYPE: return &r->qtype;
	case F_CATEGORY: return &r->category;
	case F_BMODE: return &r->block_mode;
	case F_REASON: return &r->reason;
	case F_ACCOUNT: return &r->account;
	case F_TEACHER: return &r->teacher;
	case F_SPREV: return &r->start_prev;
	default: return NULL;
	}
}

static int jp_rule(struct jp *p, struct journal_record *r)
{
	bool seen[3] = { false, false, false };
	if (jp_expect(p, '{') < 0)
		return -1;
	jp_ws(p);
	if (p->pos < p->len && p->s[p->pos] == '}') {
		p->pos++;
		return 0;
	}
	for (;;) {
		const char *key;
		size_t klen;
		if (jp_string(p, &key, &klen) < 0 || jp_expect(p, ':') < 0)
			return -1;
		int k = strcmp(key, "file") == 0 ? 0 : strcmp(key, "line") == 0 ? 1 :
			strcmp(key, "text") == 0 ? 2 : -1;
		if (k < 0) {
			p->err = "unknown field in rule";
			return -1;
		}
		if (seen[k]) {
			p->err = "duplicate field in rule";
			return -1;
		}
		seen[k] = true;
		if (k == 1) {
			uint64_t v;
			if (jp_uint(p, UINT32_MAX, &v) < 0)
				return -1;
			r->rule_line = (unsigned)v;
		} else if (jp_string(p, k == 0 ? &r->rule_file : &r->rule_text, NULL) < 0) {
			return -1;
		}
		jp_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		return jp_expect(p, '}');
	}
}

/* The value of field f into r; member_start is where the member began (just after the
 * ',' before it). 0, or -1 with p->err. */
static int jp_field(struct jp *p, int f, struct journal_record *r, size_t member_start)
{
	const char *sv;
	size_t sl;
	uint64_t v;
	switch (f) {
	case F_SEQ:
	case F_SSEQ:
		if (jp_uint(p, UINT64_MAX, &v) < 0)
			return -1;
		*(f == F_SEQ ? &r->seq : &r->start_seq) = v;
		return 0;
	case F_TIME:
		if (jp_string(p, &sv, &sl) < 0)
			return -1;
		if (journal_parse_time(sv, sl, &r->time_us, &r->utc_offset) < 0) {
			p->err = "bad time";
			return -1;
		}
		return 0;
	case F_PREV:
	case F_HASH:
		if (jp_string(p, &sv, &sl) < 0)
			return -1;
		if (hash_decode(sv, sl, f == F_PREV ? r->prev : r->hash) < 0) {
			p->err = "bad hash";
			return -1;
		}
		if (f == F_HASH)
			r->body_len = member_start - 1; /* the line up to the ',' before it */
		return 0;
	case F_RULE:
		return jp_rule(p, r);
	default:
		return jp_string(p, str_field(r, f), NULL);
	}
}

/* After the object: nothing more on the line, the required fields there, and the hash
 * after a ','. 0, or -1 with p->err. */
static int jp_line_complete(struct jp *p, const bool seen[F_COUNT], const char *line,
			    const struct journal_record *r)
{
	if (p->pos != p->len) {
		p->err = "bytes after the object";
		return -1;
	}
	if (!seen[F_SEQ] || !seen[F_TIME] || !seen[F_ID] || !seen[F_PREV] || !seen[F_HASH]) {
		p->err = "a required field (seq, time, id, prev, hash) is missing";
		return -1;
	}
	if (line[r->body_len] != ',') {
		p->err = "malformed hash field";
		return -1;
	}
	return 0;
}

int journal_parse_line(const char *line, size_t len, struct journal_record *r,
		       char *arena, size_t arena_len, const char **err)
{
	struct jp p = { .s = line, .len = len, .arena = arena, .arena_len = arena_len };
	bool seen[F_COUNT] = { false };
	int hint = 0;
	memset(r, 0, sizeof *r);
	if (len > 0 && line[len - 1] == '\n')
		p.len--;
	if (arena_len < p.len + 1) {
		p.err = "arena too small";
		goto fail;
	}
	if (jp_expect(&p, '{') < 0)
		goto fail;
	for (;;) {
		size_t member_start = p.pos; /* just after the ',' before this member, or the '{' */
		const char *key;
		size_t klen;
		if (jp_string(&p, &key, &klen) < 0 || jp_expect(&p, ':') < 0)
			goto fail;
		int f = field_find(key, hint);
		hint = f + 1;
		p.used -= klen + 1; /* keys need not stay in the arena */
		if (f == F_COUNT) {
			p.err = "unknown field";
			goto fail;
		}
		if (seen[f]) {
			p.err = "duplicate field";
			goto fail;
		}
		seen[f] = true;
		if (jp_field(&p, f, r, member_start) < 0)
			goto fail;
		jp_ws(&p);
		if (p.pos < p.len && p.s[p.pos] == ',') {
			if (f == F_HASH) {
				p.err = "hash is not the last field";
				goto fail;
			}
			p.pos++;
			continue;
		}
		if (jp_expect(&p, '}') < 0)
			goto fail;
		break;
	}
	if (jp_line_complete(&p, seen, line, r) < 0)
		goto fail;
	return 0;
fail:
	*err = p.err ? p.err : "malformed line";
	return -1;
}

/* ---- files ---------------------------------------------------------------------- */

bool journal_file_name_parse(const char *name, int32_t *day, unsigned *part)
{
	size_t n = strlen(name);
	if (n < 16 || strcmp(name + n - 6, ".jsonl") != 0)
		return false;
	if (journal_parse_day(name, 10, day) < 0)
		return false;
	if (n == 16) {
		*part = 0;
		return true;
	}
	/* YYYY-MM-DD.N.jsonl, N = 1..999999 without leading zeros */
	if (name[10] != '.' || name[11] < '1' || name[11] > '9')
		return false;
	unsigned v = 0;
	for (size_t i = 11; i < n - 6; i++) {
		if (name[i] < '0' || name[i] > '9' || i - 11 >= 6)
			return false;
		v = v * 10 + (unsigned)(name[i] - '0');
	}
	*part = v;
	return true;
}

static int file_cmp(const void *a, const void *b)
{
	const struct journal_file *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->part < y->part ? -1 : x->part > y->part;
}

int journal_list_files(const char *dir, struct journal_file **files, size_t *n)
{
	DIR *d = opendir(dir);
	*files = NULL;
	*n = 0;
	if (!d)
		return -1;
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		int32_t day;
		unsigned part;
		if (!journal_file_name_parse(de->d_name, &day, &part))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*files = xrealloc(*files, cap * sizeof **files);
		}
		struct journal_file *f = &(*files)[(*n)++];
		f->name = xstrdup(de->d_name);
		struct sbuf b;
		sbuf_init(&b);
		sbuf_printf(&b, "%s/%s", dir, de->d_name);
		f->path = sbuf_take(&b);
		f->day = day;
		f->part = part;
	}
	closedir(d);
	if (*n)
		qsort(*files, *n, sizeof **files, file_cmp);
	return 0;
}

void journal_files_free(struct journal_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
	}
	free(files);
}

/* ---- the streaming reader ---------------------------------------------------------- */

#define READ_CHUNK (1 << 20)

int journal_reader_open(struct journal_reader *rd, const char *path)
{
	memset(rd, 0, sizeof *rd);
	/* Journal files are never symlinks; the daemon reads them as root at start-up in a
	 * folder the service user can write. */
	rd->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (rd->fd < 0)
		return -1;
	rd->cap = READ_CHUNK + JOURNAL_LINE_MAX;
	rd->buf = xmalloc(rd->cap);
	return 0;
}

int journal_reader_next(struct journal_reader *rd, const char **line, size_t *len,
			bool *complete)
{
	for (;;) {
		char *nl = memchr(rd->buf + rd->start, '\n', rd->end - rd->start);
		if (nl && rd->skip) {
			rd->skip = false;
			rd->start = (size_t)(nl - rd->buf) + 1;
			continue;
		}
		if (nl) {
			*line = rd->buf + rd->start;
			*len = (size_t)(nl - *line);
			*complete = true;
			rd->offset = rd->base + rd->start;
			rd->lineno++;
			rd->start = (size_t)(nl - rd->buf) + 1;
			if (*len + 1 > JOURNAL_LINE_MAX) {
				errno = EMSGSIZE;
				return -1;
			}
			return 1;
		}
		if (rd->skip || rd->end - rd->start >= JOURNAL_LINE_MAX) {
			/* Too long: report it once, then drop bytes up to the next newline. */
			bool first = !rd->skip;
			rd->offset = rd->base + rd->start;
			rd->base += rd->end;
			rd->start = rd->end = 0;
			rd->skip = true;
			if (first) {
				rd->lineno++;
				errno = EMSGSIZE;
				return -1;
			}
		}
		if (rd->eof) {
			if (rd->end == rd->start || rd->skip)
				return 0;
			*line = rd->buf + rd->start;
			*len = rd->end - rd->start;
			*complete = false;
			rd->offset = rd->base + rd->start;
			rd->lineno++;
			rd->start = rd->end;
			return 1;
		}
		/* Move the partial line to the front and read more. */
		if (rd->start > 0) {
			memmove(rd->buf, rd->buf + rd->start, rd->end - rd->start);
			rd->end -= rd->start;
			rd->base += rd->start;
			rd->start = 0;
		}
		ssize_t got;
		do
			got = read(rd->fd, rd->buf + rd->end, rd->cap - rd->end);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -1;
		if (got == 0)
			rd->eof = true;
		rd->end += (size_t)got;
	}
}

int journal_reader_seek(struct journal_reader *rd, uint64_t off)
{
	if (lseek(rd->fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	rd->start = rd->end = 0;
	rd->base = off;
	rd->eof = rd->skip = false;
	return 0;
}

void journal_reader_close(struct journal_reader *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	free(rd->buf);
	rd->fd = -1;
	rd->buf = NULL;
}

/* The time of a line as the writer starts it ({"seq":N,"time":"..."), without parsing
 * the rest: 0, or -1 when the line does not start that way (then it is parsed fully). */
int journal_line_time(const char *line, size_t len, int64_t *us)
{
	static const char key[] = ",\"time\":\"";
	const size_t klen = sizeof key - 1;
	size_t i = 7; /* after {"seq": */
	int32_t off;
	if (len < 40 || memcmp(line, "{\"seq\":", 7) != 0)
		return -1;
	while (i < 28 && line[i] >= '0' && line[i] <= '9')
		i++;
	if (i + klen > len || memcmp(line + i, key, klen) != 0)
		return -1;
	i += klen;
	const char *end = memchr(line + i, '"', len - i < 48 ? len - i : 48);
	if (!end)
		return -1;
	return journal_parse_time(line + i, (size_t)(end - (line + i)), us, &off);
}
