/* review: filters over journal records and the staff outputs (aligned table with CJK
 * display widths, JSON Lines, CSV with RFC 4180 quoting and formula neutralising). */
#include "review.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>
#include <time.h>

#include "name.h"
#include "tz.h"

/* ---- filters -------------------------------------------------------------------- */

void review_filter_init(struct review_filter *f)
{
	memset(f, 0, sizeof *f);
	f->from_us = INT64_MIN;
	f->to_us = INT64_MAX;
}

void review_filter_scope(struct review_filter *f, const char *const *groups, size_t n)
{
	f->scoped = true;
	f->groups = groups;
	f->n_groups = n;
}

bool review_group_allowed(const struct review_filter *f, const char *group)
{
	if (!f->scoped)
		return true;
	if (!group)
		return false;
	for (size_t i = 0; i < f->n_groups; i++)
		if (f->groups[i] && strcmp(f->groups[i], group) == 0)
			return true;
	return false;
}

int review_parse_duration(const char *s, int64_t *us)
{
	static const struct { char unit; int64_t secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
	};
	size_t n = s ? strlen(s) : 0;
	unsigned long long v;
	char num[16];
	if (n < 2 || n - 1 >= sizeof num)
		return -1;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	for (size_t i = 0; i < CG_ARRAY_LEN(units); i++) {
		if (s[n - 1] != units[i].unit)
			continue;
		/* At most 100 years: no overflow in µs. */
		if (parse_uint(num, 1, 3153600000ULL / (unsigned long long)units[i].secs, &v) < 0)
			return -1;
		*us = (int64_t)v * units[i].secs * 1000000;
		return 0;
	}
	return -1;
}

static int two(const char *s, unsigned *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	return 0;
}

/* Seconds since the epoch of a wall-clock time in tz (UTC when NULL). */
static int64_t wall_to_utc(const struct tz *tz, int32_t day, unsigned hh, unsigned mi,
			   unsigned ss)
{
	if (!tz)
		return (int64_t)day * 86400 + hh * 3600 + mi * 60 + ss;
	struct tm tm;
	int64_t y;
	int m, d;
	memset(&tm, 0, sizeof tm);
	tz_civil_from_days(day, &y, &m, &d);
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = (int)hh;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)ss;
	tm.tm_isdst = -1;
	return (int64_t)tz_mktime(tz, &tm);
}

int review_parse_time(const char *s, const struct tz *tz, bool end_of, int64_t *us)
{
	size_t n = s ? strlen(s) : 0;
	int32_t day, off;
	unsigned hh = 0, mi = 0, ss = 0;
	int64_t secs, step;
	if (n > 19 && journal_parse_time(s, n, us, &off) == 0)
		return 0; /* it says its own offset */
	if (n < 10 || journal_parse_day(s, 10, &day) < 0)
		return -1;
	if (n == 10) {
		step = 86400;
	} else if ((n == 16 || n == 19) && (s[10] == 'T' || s[10] == ' ') &&
		   two(s + 11, &hh) == 0 && s[13] == ':' && two(s + 14, &mi) == 0 &&
		   hh < 24 && mi < 60) {
		step = 60;
		if (n == 19) {
			if (s[16] != ':' || two(s + 17, &ss) < 0 || ss > 59)
				return -1;
			step = 1;
		}
	} else {
		return -1;
	}
	secs = wall_to_utc(tz, day, hh, mi, ss);
	if (end_of) {
		/* The end of a day is the start of the next one (whatever its length). */
		int64_t next = step == 86400 ? wall_to_utc(tz, day + 1, 0, 0, 0) : secs + step;
		*us = next * 1000000 - 1;
	} else {
		*us = secs * 1000000;
	}
	return 0;
}

int review_filter_client(struct review_filter *f, const char *s)
{
	if (!s || subnet_parse(s, &f->client) < 0)
		return -1;
	f->has_client = true;
	return 0;
}

/* Whether the writer writes s as it is inside a JSON string (printable ASCII). */
static bool json_plain(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

/* "observe" and "observed" are one action: the sensor journals "observed", older
 * journals and observe-mode groups "observe"; a filter with either finds both. */
static bool action_eq(const char *want, const char *have)
{
	if (want && (strcmp(want, "observe") == 0 || strcmp(want, "observed") == 0))
		return have && (strcmp(have, "observe") == 0 || strcmp(have, "observed") == 0);
	return !want || (have && strcmp(want, have) == 0);
}

void review_needles(const struct review_filter *f, char **out, size_t max)
{
	const struct { const char *key, *val; } exact[] = {
		{ "category", f->category }, { "group", f->group }, { "action", f->action },
		{ "proto", f->proto }, { "event", f->event }, { "id", f->id },
	};
	size_t n = 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(exact) && n + 1 < max; i++) {
		struct sbuf b;
		if (!exact[i].val || !json_plain(exact[i].val))
			continue;
		sbuf_init(&b);
		if (exact[i].val == f->action && action_eq(f->action, "observe"))
			sbuf_printf(&b, "\"action\":\"observe");   /* both spellings */
		else
			sbuf_printf(&b, "\"%s\":\"%s\"", exact[i].key, exact[i].val);
		out[n++] = sbuf_take(&b);
	}
	/* One address: the writer prints it with addr_str, so its text is known (and the
	 * journal's index can rule out the blocks without it). A subnet is left to
	 * review_match. */
	if (f->has_client && n + 1 < max &&
	    f->client.prefix == (f->client.addr.family == AF_INET ? 32 : 128)) {
		char a[CG_ADDR_STRLEN];
		struct sbuf b;
		sbuf_init(&b);
		sbuf_printf(&b, "\"client\":\"%s\"", addr_str(&f->client.addr, a));
		out[n++] = sbuf_take(&b);
	}
	/* a scope of one group: its lines name it (a scope of none matches nothing, and
	 * review_match says so) */
	if (f->scoped && f->n_groups == 1 && !f->group && f->groups[0] && json_plain(f->groups[0]) &&
	    n + 1 < max) {
		struct sbuf b;
		sbuf_init(&b);
		sbuf_printf(&b, "\"group\":\"%s\"", f->groups[0]);
		out[n++] = sbuf_take(&b);
	}
	if (max)
		out[n] = NULL;
}

void review_needles_free(char **v)
{
	for (; *v; v++)
		free(*v);
}

static bool eq(const char *want, const char *have)
{
	return !want || (have && strcmp(want, have) == 0);
}

/* ASCII case-insensitive substring search. */
static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (n == 0)
		return true;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i]) {
			char a = hay[i], b = needle[i];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
			i++;
		}
		if (i == n)
			return true;
		if (!hay[i])
			return false;
	}
	return false;
}

/* --host matches the name as journaled (punycode) or as people write it (葡京 finds
 * xn--fjqpit8uy6c246e.com): the Unicode form is decoded only when the ASCII one fails. */
static bool host_matches(const char *host, const char *want)
{
	if (!host)
		return false;
	if (contains_ci(host, want))
		return true;
	if (!strstr(host, "xn--"))
		return false;
	char *u = name_to_unicode(host);
	bool ok = u && contains_ci(u, want);
	free(u);
	return ok;
}

bool review_match(const struct review_filter *f, const struct journal_record *r)
{
	if (r->time_us < f->from_us || r->time_us > f->to_us)
		return false;
	if (!eq(f->category, r->category) || !eq(f->group, r->group) ||
	    !action_eq(f->action, r->action) || !eq(f->proto, r->proto) || !eq(f->event, r->event) ||
	    !eq(f->id, r->id))
		return false;
	if (!review_group_allowed(f, r->group))
		return false;
	if (f->host && !host_matches(r->host, f->host))
		return false;
	if (f->has_client) {
		struct cg_addr a;
		if (!r->client || addr_parse(r->client, &a) < 0 || !subnet_contains(&f->client, &a))
			return false;
	}
	return true;
}

int review_parse_format(const char *s, enum review_format *out)
{
	if (!s)
		return -1;
	if (strcmp(s, "table") == 0)
		*out = REVIEW_TABLE;
	else if (strcmp(s, "json") == 0 || strcmp(s, "jsonl") == 0)
		*out = REVIEW_JSON;
	else if (strcmp(s, "csv") == 0)
		*out = REVIEW_CSV;
	else
		return -1;
	return 0;
}

/* ---- text for terminals and spreadsheets ---------------------------------------- */

/* Decode one UTF-8 character of valid input; returns its length (1 for a stray byte). */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
		*cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		return 2;
	}
	if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		*cp = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		return 3;
	}
	if ((p[0] & 0xf8) == 0xf0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
	    (p[3] & 0xc0) == 0x80) {
		*cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
		      (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

static unsigned cp_width(uint32_t c)
{
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
		{ 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff },
		{ 0xfe30, 0xfe4f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x1f300, 0x1f64f },
		{ 0x1f900, 0x1f9ff }, { 0x20000, 0x3fffd },
	};
	if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || c == 0xfeff)
		return 0;
	for (size_t i = 0; i < CG_ARRAY_LEN(wide); i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/* Characters a terminal must not get from an attacker: C0/C1 controls, DEL, and the
 * bidirectional controls that can make text read backwards. */
static bool cp_unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
}

size_t review_unsafe_len(const char *s)
{
	uint32_t c;
	size_t l = utf8_next((const unsigned char *)s, &c);
	return *s && cp_unsafe(c) ? l : 0;
}

size_t review_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	while (*p) {
		uint32_t c;
		p += utf8_next(p, &c);
		w += cp_unsafe(c) ? 1 : cp_width(c);
	}
	return w;
}

size_t review_text_clean(struct sbuf *out, const char *s, size_t max_cols)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t used = 0;
	bool cut = review_text_width((const char *)p) > max_cols;
	size_t limit = cut ? (max_cols ? max_cols - 1 : 0) : max_cols;
	while (*p) {
		uint32_t c;
		size_t l = utf8_next(p, &c);
		unsigned w = cp_unsafe(c) ? 1 : cp_width(c);
		if (used + w > limit)
			break;
		if (cp_unsafe(c) || c == 0xfffd)
			sbuf_addc(out, '?');
		else
			sbuf_add(out, p, l);
		used += w;
		p += l;
	}
	if (cut && max_cols) {
		sbuf_adds(out, "\xe2\x80\xa6"); /* … */
		used++;
	}
	return used;
}

void review_csv_field(struct sbuf *out, const char *s)
{
	if (!s)
		return;
	bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
		       s[0] == '\t' || s[0] == '\r';
	bool quote = formula || strpbrk(s, ",\"") != NULL;
	if (quote)
		sbuf_addc(out, '"');
	if (formula)
		sbuf_addc(out, '\'');
	while (*s) {
		size_t u = review_unsafe_len(s);
		if (u) {
			/* control bytes (newlines too), C1 and bidi controls: U+FFFD */
			sbuf_add(out, "\xef\xbf\xbd", 3);
			s += u;
			continue;
		}
		if (*s == '"')
			sbuf_addc(out, '"');
		sbuf_addc(out, *s++);
	}
	if (quote)
		sbuf_addc(out, '"');
}

void review_local_time(const struct journal_record *r, char out[20])
{
	char t[JOURNAL_TIME_LEN];
	journal_format_time(r->time_us, r->utc_offset, t);
	memcpy(out, t, 19); /* "2025-11-25T09:30:00" */
	out[10] = ' ';
	out[19] = '\0';
}

/* ---- outputs -------------------------------------------------------------------- */

enum { C_TIME, C_CLIENT, C_GROUP, C_PROTO, C_ACTION, C_CATEGORY, C_HOST, C_COUNT };

static const struct {
	enum msg_id head;
	size_t cap; /* widest the column gets */
} columns[C_COUNT] = {
	{ MSG_REVIEW_COLUMN_TIME, 19 },
	{ MSG_REVIEW_COLUMN_CLIENT, 39 },
	{ MSG_REVIEW_COLUMN_GROUP, 16 },
	{ MSG_REVIEW_COLUMN_PROTO, 6 },
	{ MSG_REVIEW_COLUMN_ACTION, 15 }, /* account_disable, login_throttled */
	{ MSG_REVIEW_COLUMN_CATEGORY, 16 },
	{ MSG_REVIEW_COLUMN_HOST_PATH, 100 },
};

struct review_out {
	FILE *f;
	enum review_format fmt;
	enum lang lang;
	uint64_t rows;
	struct sbuf line, tmp;
	/* table: the first rows, their cells cleaned, until the widths are fixed */
	char **held;            /* C_COUNT cells per held row */
	size_t nheld;
	bool sized;
	size_t width[C_COUNT];
};

/* CSV for Excel and WPS: a UTF-8 byte order mark (without it both read the file as the
 * local ANSI code page and garble every Chinese cell) and headers in the reader's
 * language. The columns and their order are the same in both languages. */
static void csv_header(FILE *f, enum lang lang)
{
	static const enum msg_id heads[] = {
		MSG_CSV_TIME, MSG_CSV_SEQ, MSG_CSV_ID, MSG_CSV_EVENT, MSG_CSV_PROTO, MSG_CSV_ACTION,
		MSG_CSV_CLIENT, MSG_CSV_MAC, MSG_CSV_CLIENT_NAME, MSG_CSV_GROUP, MSG_CSV_HOST,
		MSG_CSV_PATH, MSG_CSV_QTYPE, MSG_CSV_CATEGORY, MSG_CSV_RULE_FILE, MSG_CSV_RULE_LINE,
		MSG_CSV_RULE_TEXT, MSG_CSV_BLOCK_MODE, MSG_CSV_REASON, MSG_CSV_HOST_ASCII, MSG_CSV_ACCOUNT,
	};
	fputs("\xEF\xBB\xBF", f);
	for (size_t i = 0; i < CG_ARRAY_LEN(heads); i++) {
		if (i)
			fputc(',', f);
		fputs(msg(lang, heads[i]), f);
	}
	fputs("\r\n", f);
}

struct review_out *review_out_new(FILE *f, enum review_format fmt, enum lang lang)
{
	struct review_out *o = xcalloc(1, sizeof *o);
	o->f = f;
	o->fmt = fmt;
	o->lang = lang;
	sbuf_init(&o->line);
	sbuf_init(&o->tmp);
	if (fmt == REVIEW_CSV)
		csv_header(f, lang);
	else if (fmt == REVIEW_TABLE)
		o->held = xcalloc(REVIEW_TABLE_WINDOW * C_COUNT, sizeof *o->held);
	return o;
}

static void csv_row(struct review_out *o, const struct journal_record *r)
{
	char t[JOURNAL_TIME_LEN];
	char *host = name_display(r->host);
	const char *cells[] = { r->id, r->event, r->proto, r->action, r->client, r->mac,
				r->client_name, r->group, host, r->path, r->qtype,
				r->category, r->rule_file };
	struct sbuf *b = &o->line;
	sbuf_reset(b);
	journal_format_time(r->time_us, r->utc_offset, t);
	sbuf_printf(b, "%s,%llu", t, (unsigned long long)r->seq);
	for (size_t i = 0; i < CG_ARRAY_LEN(cells); i++) {
		sbuf_addc(b, ',');
		review_csv_field(b, cells[i]);
	}
	sbuf_addc(b, ',');
	if (r->rule_line)
		sbuf_printf(b, "%u", r->rule_line);
	sbuf_addc(b, ',');
	review_csv_field(b, r->rule_text);
	sbuf_addc(b, ',');
	review_csv_field(b, r->block_mode);
	sbuf_addc(b, ',');
	review_csv_field(b, r->reason);
	sbuf_addc(b, ',');
	review_csv_field(b, r->host);
	sbuf_addc(b, ',');
	review_csv_field(b, r->account);
	sbuf_add(b, "\r\n", 2);
	fwrite(b->data, 1, b->len, o->f);
	free(host);
}

/* The cells of a table row, cleaned for a terminal and cut to each column's cap. */
static void table_cells(const struct journal_record *r, char *cells[C_COUNT])
{
	struct sbuf b;
	char t[20];
	review_local_time(r, t);
	char *host = name_display(r->host);
	const char *v[C_COUNT] = { t, r->client, r->group, r->proto, r->action, r->category,
				   host };
	for (int i = 0; i < C_COUNT; i++) {
		sbuf_init(&b);
		if (i == C_HOST && (host || r->path)) {
			struct sbuf hp;
			sbuf_init(&hp);
			sbuf_adds(&hp, host ? host : "");
			sbuf_adds(&hp, r->path ? r->path : "");
			review_text_clean(&b, hp.data, columns[i].cap);
			sbuf_free(&hp);
		} else {
			review_text_clean(&b, v[i] ? v[i] : "-", columns[i].cap);
		}
		cells[i] = sbuf_take(&b);
		if (!cells[i])
			cells[i] = xstrdup("");
	}
	free(host);
}

static void pad_cell(struct sbuf *b, const char *s, size_t width, bool last)
{
	size_t w = review_text_width(s);
	sbuf_adds(b, s);
	if (last)
		return;
	while (w++ < width)
		sbuf_addc(b, ' ');
	sbuf_add(b, "  ", 2);
}

static void table_line(struct review_out *o, char *const cells[C_COUNT])
{
	struct sbuf *b = &o->line;
	sbuf_reset(b);
	for (int i = 0; i < C_COUNT; i++)
		pad_cell(b, cells[i], o->width[i], i == C_COUNT - 1);
	sbuf_addc(b, '\n');
	fwrite(b->data, 1, b->len, o->f);
}

/* Fix the column widths from the held rows and write the header and those rows. */
static void table_size(struct review_out *o)
{
	char *head[C_COUNT];
	for (int i = 0; i < C_COUNT; i++) {
		head[i] = (char *)msg(o->lang, columns[i].head);
		o->width[i] = review_text_width(head[i]);
	}
	for (size_t r = 0; r < o->nheld; r++)
		for (int i = 0; i < C_COUNT; i++) {
			size_t w = review_text_width(o->held[r * C_COUNT + i]);
			if (w > o->width[i])
				o->width[i] = w;
		}
	table_line(o, head);
	for (size_t r = 0; r < o->nheld; r++) {
		table_line(o, &o->held[r * C_COUNT]);
		for (int i = 0; i < C_COUNT; i++)
			free(o->held[r * C_COUNT + i]);
	}
	o->nheld = 0;
	o->sized = true;
}

/* A row once the widths are fixed: cleaned, cut and padded straight into the line. */
static void table_stream_row(struct review_out *o, const struct journal_record *r)
{
	struct sbuf *b = &o->line;
	char t[20];
	review_local_time(r, t);
	char *host = name_display(r->host);
	const char *v[C_COUNT] = { t, r->client, r->group, r->proto, r->action, r->category,
				   host };
	sbuf_reset(b);
	for (int i = 0; i < C_COUNT; i++) {
		bool last = i == C_COUNT - 1;
		const char *val = v[i] ? v[i] : "-";
		if (last && r->path) {
			sbuf_reset(&o->tmp);
			sbuf_adds(&o->tmp, host ? host : "");
			sbuf_adds(&o->tmp, r->path);
			val = o->tmp.data;
		}
		size_t w = review_text_clean(b, val, last ? columns[i].cap : o->width[i]);
		if (last)
			break;
		while (w++ < o->width[i])
			sbuf_addc(b, ' ');
		sbuf_add(b, "  ", 2);
	}
	sbuf_addc(b, '\n');
	fwrite(b->data, 1, b->len, o->f);
	free(host);
}

static void table_row(struct review_out *o, const struct journal_record *r)
{
	if (o->sized) {
		table_stream_row(o, r);
		return;
	}
	if (o->nheld < REVIEW_TABLE_WINDOW) {
		table_cells(r, &o->held[o->nheld++ * C_COUNT]);
		return;
	}
	table_size(o);
	table_stream_row(o, r);
}

/* The journal line as it is, but for a raw control character (DEL, C1, bidi; from an
 * older writer or an edited file), which becomes its \uXXXX escape: the same JSON, and
 * nothing a terminal acts on. */
static void json_row(struct review_out *o, const char *line, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && (((unsigned char)line[run] >= 0x20 &&
					(unsigned char)line[run] < 0x7f) || line[run] == '\t'))
			run++;
		fwrite(line + i, 1, run - i, o->f);
		i = run;
		if (i >= len)
			break;
		/* line is valid UTF-8 (it parsed) but not NUL-terminated: decode in a copy */
		char c[5] = { 0 };
		memcpy(c, line + i, len - i < 4 ? len - i : 4);
		size_t u = review_unsafe_len(c);
		if (!u) {
			u = 1;
			while (u < 4 && i + u < len && ((unsigned char)line[i + u] & 0xc0) == 0x80)
				u++;
			fwrite(line + i, 1, u, o->f);
		} else {
			uint32_t cp;
			utf8_next((const unsigned char *)c, &cp);
			fprintf(o->f, "\\u%04x", (unsigned)cp);
		}
		i += u;
	}
	fputc('\n', o->f);
}

void review_out_row(struct review_out *o, const struct journal_record *r, const char *line,
		    size_t len)
{
	o->rows++;
	switch (o->fmt) {
	case REVIEW_JSON:
		json_row(o, line, len);
		break;
	case REVIEW_CSV:
		csv_row(o, r);
		break;
	case REVIEW_TABLE:
		table_row(o, r);
		break;
	}
}

uint64_t review_out_end(struct review_out *o)
{
	uint64_t rows = o->rows;
	if (o->fmt == REVIEW_TABLE) {
		if (!o->sized)
			table_size(o);
		if (o->lang == LANG_ZH)
			fprintf(o->f, "（共 %llu 条事件）\n", (unsigned long long)rows);
		else
			fprintf(o->f, "(%llu event%s)\n", (unsigned long long)rows,
				rows == 1 ? "" : "s");
	}
	fflush(o->f);
	free(o->held);
	sbuf_free(&o->line);
	sbuf_free(&o->tmp);
	free(o);
	return rows;
}
