/* journal_format: one event as one hash-chained JSON line (writer) and back (parser). */
#include "journal_format.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are not valid). */
static size_t utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

void journal_json_escape(struct sbuf *out, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strnlen(s, max);
	size_t i = 0;
	while (i < n) {
		/* Copy a run of plain bytes at once. */
		size_t run = i;
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		if (run > i) {
			sbuf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			sbuf_add(out, e, 2);
			i++;
		} else if (c == '\n') {
			sbuf_add(out, "\\n", 2);
			i++;
		} else if (c == '\t') {
			sbuf_add(out, "\\t", 2);
			i++;
		} else if (c == '\r') {
			sbuf_add(out, "\\r", 2);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			sbuf_add(out, e, 6);
			i++;
		} else {
			uint32_t cp = 0;
			size_t len = utf8_len(p + i, n - i, &cp);
			if (len == 0) {
				sbuf_add(out, "\xef\xbf\xbd", 3); /* U+FFFD */
				i++;
			} else if (cp == 0x2028 || cp == 0x2029 || (cp >= 0x80 && cp <= 0x9f) ||
				   cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
				   (cp >= 0x2066 && cp <= 0x2069)) {
				/* line breaks for JavaScript; C1 and bidirectional controls, so
				 * that a terminal showing the file does not act on them */
				char e[6] = { '\\', 'u', hex[cp >> 12], hex[cp >> 8 & 15],
					      hex[cp >> 4 & 15], hex[cp & 15] };
				sbuf_add(out, e, 6);
				i += len;
			} else {
				sbuf_add(out, p + i, len);
				i += len;
			}
		}
	}
}

void journal_hex(const uint8_t h[JOURNAL_HASH_LEN], char out[JOURNAL_HEX_LEN])
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < JOURNAL_HASH_LEN; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[2 * JOURNAL_HASH_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* lowercase only: one spelling per hash */
}

int journal_unhex(const char *s, size_t len, uint8_t h[JOURNAL_HASH_LEN])
{
	if (len != 2 * JOURNAL_HASH_LEN)
		return -1;
	for (size_t i = 0; i < JOURNAL_HASH_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		h[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Days since 1970-01-01 from a civil date, and back (H. Hinnant's algorithms). */
static int32_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int64_t)doe - 719468);
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Write v as exactly width decimal digits (the caller keeps v in range). */
static char *put_digits(char *o, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		o[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return o + width;
}

int32_t journal_day(int64_t time_us, int32_t utc_offset)
{
	int64_t s = floor_div(time_us, 1000000) + utc_offset;
	return (int32_t)floor_div(s, 86400);
}

void journal_day_str(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	char *o = put_digits(out, (unsigned long)y, 4);
	*o++ = '-';
	o = put_digits(o, m, 2);
	*o++ = '-';
	o = put_digits(o, d, 2);
	*o = '\0';
}

static int digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int valid_date(unsigned y, unsigned m, unsigned d)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

int journal_parse_day(const char *s, size_t len, int32_t *day)
{
	unsigned y, m, d;
	if (len != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
	    digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0 || !valid_date(y, m, d))
		return -1;
	*day = days_from_civil(y, m, d);
	return 0;
}

void journal_format_time(int64_t time_us, int32_t utc_offset, char out[JOURNAL_TIME_LEN])
{
	if (utc_offset > 86399 || utc_offset < -86399)
		utc_offset = 0; /* no zone is that far off; keep the field well-formed */
	int64_t secs = floor_div(time_us, 1000000);
	unsigned long us = (unsigned long)(time_us - secs * 1000000);
	int64_t local = secs + utc_offset;
	int64_t day = floor_div(local, 86400);
	unsigned long sod = (unsigned long)(local - day * 86400);
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	unsigned long off = (unsigned long)(utc_offset < 0 ? -utc_offset : utc_offset);
	char *o = out;
	o = put_digits(o, (unsigned long)y, 4);
	*o++ = '-';
	o = put_digits(o, m, 2);
	*o++ = '-';
	o = put_digits(o, d, 2);
	*o++ = 'T';
	o = put_digits(o, sod / 3600, 2);
	*o++ = ':';
	o = put_digits(o, sod / 60 % 60, 2);
	*o++ = ':';
	o = put_digits(o, sod % 60, 2);
	*o++ = '.';
	o = put_digits(o, us, 6);
	*o++ = utc_offset < 0 ? '-' : '+';
	o = put_digits(o, off / 3600, 2);
	*o++ = ':';
	o = put_digits(o, off / 60 % 60, 2);
	*o = '\0';
}

int journal_parse_time(const char *s, size_t len, int64_t *time_us, int32_t *utc_offset)
{
	unsigned hh, mi, ss, oh, om;
	int32_t day;
	if (len < 20 || journal_parse_day(s, 10, &day) < 0 || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s + 11, 2, &hh) < 0 || s[13] != ':' || digits(s + 14, 2, &mi) < 0 ||
	    s[16] != ':' || digits(s + 17, 2, &ss) < 0 || hh > 23 || mi > 59 || ss > 60)
		return -1;
	size_t i = 19;
	long us = 0;
	if (i < len && s[i] == '.') {
		size_t n = 0;
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (++n > 6)
				return -1;
			us = us * 10 + (s[i] - '0');
			i++;
		}
		if (n == 0)
			return -1;
		while (n++ < 6)
			us *= 10;
	}
	int32_t off = 0;
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' &&
		   digits(s + i + 1, 2, &oh) == 0 && digits(s + i + 4, 2, &om) == 0 &&
		   oh < 24 && om < 60) {
		off = (int32_t)(oh * 3600 + om * 60);
		if (s[i] == '-')
			off = -off;
		i += 6;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	int64_t local = (int64_t)day * 86400 + hh * 3600 + mi * 60 + ss;
	*time_us = (local - off) * 1000000 + us;
	*utc_offset = off;
	return 0;
}

/* The UTC offset of a zone at t, through tz.h (any IANA zone; loads the zone each
 * call, so not for hot paths: the writer keeps its zone loaded). */
int journal_zone_offset(const char *zone, time_t t, int32_t *off)
{
	const char *err;
	struct tz *z = tz_load(zone && *zone ? zone : "Asia/Shanghai", &err);
	if (!z)
		return -1;
	*off = (int32_t)tz_offset(z, t);
	tz_free(z);
	return 0;
}

/* Append ,"key":"value" (value escaped); nothing when val is NULL. */
static void add_str(struct sbuf *out, const char *key, size_t klen, const char *val,
		    size_t max)
{
	if (!val)
		return;
	char pre[32];
	pre[0] = ',';
	pre[1] = '"';
	memcpy(pre + 2, key, klen);
	memcpy(pre + 2 + klen, "\":\"", 3);
	sbuf_add(out, pre, klen + 5);
	journal_json_escape(out, val, max);
	sbuf_addc(out, '"');
}

#define ADD_STR(out, key, val, max) add_str(out, key, sizeof key - 1, val, max)

/* Append the decimal form of v. */
static void add_u64(struct sbuf *out, uint64_t v)
{
	char d[20];
	size_t n = 0;
	do {
		d[sizeof d - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sbuf_add(out, d + sizeof d - n, n);
}

#define STR_MAX 1024   /* longest field value written, in input bytes */
#define PATH_MAX_J 4096

void journal_format_line(struct sbuf *out, struct journal_record *r)
{
	char tbuf[JOURNAL_TIME_LEN], hex[JOURNAL_HEX_LEN];
	size_t start = out->len;
	journal_format_time(r->time_us, r->utc_offset, tbuf);
	sbuf_add(out, "{\"seq\":", 7);
	add_u64(out, r->seq);
	sbuf_add(out, ",\"time\":\"", 9);
	sbuf_adds(out, tbuf);
	sbuf_addc(out, '"');
	ADD_STR(out, "id", r->id, 64);
	ADD_STR(out, "event", r->event, 64);
	ADD_STR(out, "proto", r->proto, 16);
	ADD_STR(out, "action", r->action, 64);
	ADD_STR(out, "client", r->client, 64);
	ADD_STR(out, "mac", r->mac, 64);
	ADD_STR(out, "client_name", r->client_name, 256);
	ADD_STR(out, "group", r->group, 256);
	ADD_STR(out, "host", r->host, STR_MAX);
	ADD_STR(out, "path", r->path, PATH_MAX_J);
	ADD_STR(out, "qtype", r->qtype, 32);
	ADD_STR(out, "category", r->category, 256);
	if (r->rule_file || r->rule_text || r->rule_line) {
		sbuf_add(out, ",\"rule\":{", 9);
		size_t mark = out->len;
		ADD_STR(out, "file", r->rule_file, STR_MAX);
		if (r->rule_line) {
			sbuf_add(out, ",\"line\":", 8);
			add_u64(out, r->rule_line);
		}
		ADD_STR(out, "text", r->rule_text, STR_MAX);
		/* Drop the comma that the first member put first. */
		memmove(out->data + mark, out->data + mark + 1, out->len - mark - 1);
		out->len--;
		sbuf_addc(out, '}');
	}
	ADD_STR(out, "block_mode", r->block_mode, 32);
	ADD_STR(out, "reason", r->reason, STR_MAX);
	ADD_STR(out, "account", r->account, 64);
	ADD_STR(out, "teacher", r->teacher, 256);
	if (r->start_prev) {
		sbuf_add(out, ",\"start_seq\":", 13);
		add_u64(out, r->start_seq);
		ADD_STR(out, "start_prev", r->start_prev, 64);
	}
	journal_hex(r->prev, hex);
	sbuf_add(out, ",\"prev\":\"", 9);
	sbuf_add(out, hex, 64);
	sbuf_addc(out, '"');

	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, JOURNAL_HASH_LEN);
	crypto_generichash_update(&st, r->prev, JOURNAL_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)out->data + start,
				  out->len - start);
	crypto_generichash_final(&st, r->hash, JOURNAL_HASH_LEN);
	r->body_len = out->len - start;
	journal_hex(r->hash, hex);
	sbuf_add(out, ",\"hash\":\"", 9);
	sbuf_add(out, hex, 64);
	sbuf_add(out, "\"}\n", 3);
}

bool journal_line_hash_ok(const char *line, const struct journal_record *r)
{
	uint8_t h[JOURNAL_HASH_LEN];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, JOURNAL_HASH_LEN);
	crypto_generichash_update(&st, r->prev, JOURNAL_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)line, r->body_len);
	crypto_generichash_final(&st, h, JOURNAL_HASH_LEN);
	return sodium_memcmp(h, r->hash, JOURNAL_HASH_LEN) == 0;
}
