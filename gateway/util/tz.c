/* tz: a bounded TZif (RFC 8536) reader with the POSIX TZ footer rule for later years. */
#include "tz.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define TZ_MAX_FILE (512 * 1024)
#define TZ_MAX_TIMES 20000
#define TZ_MAX_TYPES 256
#define TZ_MAX_OFFSET (26L * 3600)

/* One date of a POSIX TZ rule: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d. */
struct tz_rdate {
	char kind;     /* 'J', 'N' or 'M' */
	int n, m, w, d;
	long time;     /* seconds after local midnight (may be negative or > 24 h) */
};

struct tz_type {
	long off;
	bool isdst;
};

struct tz {
	char *name;
	int64_t *trans;
	uint8_t *idx;
	size_t n_trans;
	struct tz_type *types;
	size_t n_types;
	bool has_rule;          /* a footer rule governs times after the last transition */
	long std_off, dst_off;  /* seconds east */
	bool has_dst;
	struct tz_rdate start, end;
};

int64_t tz_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Day number (since the epoch) on which a rule date falls in year y. */
static int64_t rdate_day(const struct tz_rdate *r, int64_t y)
{
	int64_t jan1 = tz_days_from_civil(y, 1, 1);
	if (r->kind == 'J')
		return jan1 + r->n - 1 + (is_leap(y) && r->n >= 60 ? 1 : 0);
	if (r->kind == 'N')
		return jan1 + r->n;
	int64_t first = tz_days_from_civil(y, r->m, 1);
	int wd = (int)((first % 7 + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	int64_t day = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
	while (day - first >= month_days(y, r->m))
		day -= 7;
	return day;
}

static struct tz_type rule_lookup(const struct tz *tz, int64_t t)
{
	struct tz_type std = {tz->std_off, false}, dst = {tz->dst_off, true};
	if (!tz->has_dst)
		return std;
	int64_t y;
	int m, d;
	tz_civil_from_days(floor_div(t + tz->std_off, 86400), &y, &m, &d);
	int64_t start = rdate_day(&tz->start, y) * 86400 + tz->start.time - tz->std_off;
	int64_t end = rdate_day(&tz->end, y) * 86400 + tz->end.time - tz->dst_off;
	if (start < end)
		return (t >= start && t < end) ? dst : std;
	return (t >= end && t < start) ? std : dst;
}

static struct tz_type tz_lookup(const struct tz *tz, int64_t t)
{
	if (tz->n_trans == 0 || t < tz->trans[0]) {
		if (tz->n_trans == 0 && tz->has_rule)
			return rule_lookup(tz, t);
		return tz->types[0];
	}
	if (t >= tz->trans[tz->n_trans - 1] && tz->has_rule)
		return rule_lookup(tz, t);
	size_t lo = 0, hi = tz->n_trans; /* trans[lo] <= t < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->types[tz->idx[lo]];
}

long tz_offset(const struct tz *tz, time_t t)
{
	return tz_lookup(tz, (int64_t)t).off;
}

void tz_localtime(const struct tz *tz, time_t t, struct tm *out)
{
	struct tz_type ty = tz_lookup(tz, (int64_t)t);
	int64_t local = (int64_t)t + ty.off;
	int64_t days = floor_div(local, 86400);
	int64_t secs = local - days * 86400;
	int64_t y;
	int m, d;
	tz_civil_from_days(days, &y, &m, &d);
	memset(out, 0, sizeof *out);
	out->tm_year = (int)(y - 1900);
	out->tm_mon = m - 1;
	out->tm_mday = d;
	out->tm_hour = (int)(secs / 3600);
	out->tm_min = (int)(secs / 60 % 60);
	out->tm_sec = (int)(secs % 60);
	out->tm_wday = (int)(((days % 7) + 7 + 4) % 7);
	out->tm_yday = (int)(days - tz_days_from_civil(y, 1, 1));
	out->tm_isdst = ty.isdst;
	out->tm_gmtoff = ty.off;
	out->tm_zone = NULL;
}

time_t tz_mktime(const struct tz *tz, const struct tm *lt)
{
	int64_t local = tz_days_from_civil((int64_t)lt->tm_year + 1900, lt->tm_mon + 1,
					   lt->tm_mday) * 86400 +
			lt->tm_hour * 3600 + lt->tm_min * 60 + lt->tm_sec;
	long before = tz_lookup(tz, local - 86400).off;
	long after = tz_lookup(tz, local + 86400).off;
	int64_t best = 0;
	bool found = false;
	long cands[2] = {before, after};
	for (int i = 0; i < 2; i++) {
		int64_t t = local - cands[i];
		if (tz_lookup(tz, t).off == cands[i] && (!found || t < best)) {
			best = t;
			found = true;
		}
	}
	if (!found)
		best = local - before; /* in a gap: the moment just after it */
	return (time_t)best;
}

const char *tz_name(const struct tz *tz)
{
	return tz->name;
}

void tz_free(struct tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->idx);
	free(tz->types);
	free(tz);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* ---- POSIX TZ strings: "CST-8", "EST5EDT,M3.2.0,M11.1.0", "<+03>-3" ---- */

static const char *posix_name(const char *s, const char *end)
{
	if (s < end && *s == '<') {
		const char *p = s + 1;
		while (p < end && *p != '>')
			p++;
		return (p < end && p - s >= 4) ? p + 1 : NULL;
	}
	const char *p = s;
	while (p < end && isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; returns the position after it or NULL. */
static const char *posix_hms(const char *s, const char *end, int max_h, long *out)
{
	int sign = 1;
	if (s < end && (*s == '+' || *s == '-')) {
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	long parts[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (s >= end || *s != ':')
				break;
			s++;
		}
		int digits = 0;
		long v = 0;
		while (s < end && isdigit((unsigned char)*s) && digits < 3) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (digits == 0 || (i > 0 && v > 59) || (i == 0 && v > max_h))
			return NULL;
		parts[i] = v;
	}
	*out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
	return s;
}

static const char *posix_num(const char *s, const char *end, int min, int max, int *out)
{
	int v = 0, digits = 0;
	while (s < end && isdigit((unsigned char)*s) && digits < 4) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || v < min || v > max)
		return NULL;
	*out = v;
	return s;
}

static const char *posix_rdate(const char *s, const char *end, struct tz_rdate *r)
{
	r->time = 7200;
	if (s < end && *s == 'J') {
		r->kind = 'J';
		s = posix_num(s + 1, end, 1, 365, &r->n);
	} else if (s < end && *s == 'M') {
		r->kind = 'M';
		s = posix_num(s + 1, end, 1, 12, &r->m);
		if (!s || s >= end || *s != '.')
			return NULL;
		s = posix_num(s + 1, end, 1, 5, &r->w);
		if (!s || s >= end || *s != '.')
			return NULL;
		s = posix_num(s + 1, end, 0, 6, &r->d);
	} else {
		r->kind = 'N';
		s = posix_num(s, end, 0, 365, &r->n);
	}
	if (s && s < end && *s == '/')
		s = posix_hms(s + 1, end, 167, &r->time);
	return s;
}

static int posix_parse(struct tz *tz, const char *s, const char *end)
{
	const char *p = posix_name(s, end);
	long v;
	if (!p || !(p = posix_hms(p, end, 24, &v)))
		return -1;
	tz->std_off = -v;
	tz->has_rule = true;
	if (p == end)
		return 0;
	p = posix_name(p, end);
	if (!p)
		return -1;
	tz->has_dst = true;
	tz->dst_off = tz->std_off + 3600;
	if (p < end && *p != ',') {
		if (!(p = posix_hms(p, end, 24, &v)))
			return -1;
		tz->dst_off = -v;
	}
	if (p == end) { /* POSIX default rule (US) */
		tz->start = (struct tz_rdate){'M', 0, 3, 2, 0, 7200};
		tz->end = (struct tz_rdate){'M', 0, 11, 1, 0, 7200};
		return 0;
	}
	if (*p != ',' || !(p = posix_rdate(p + 1, end, &tz->start)))
		return -1;
	if (p >= end || *p != ',' || !(p = posix_rdate(p + 1, end, &tz->end)))
		return -1;
	return p == end ? 0 : -1;
}

/* ---- TZif ---- */

struct tzif_hdr {
	uint32_t isut, isstd, leap, times, types, chars;
};

static const char *tzif_header(const unsigned char *p, size_t len, struct tzif_hdr *h,
			       char *version)
{
	if (len < 44)
		return "truncated header";
	if (memcmp(p, "TZif", 4) != 0)
		return "not a TZif file";
	if (p[4] != 0 && (p[4] < '2' || p[4] > '4'))
		return "unknown TZif version";
	*version = (char)p[4];
	h->isut = be32(p + 20);
	h->isstd = be32(p + 24);
	h->leap = be32(p + 28);
	h->times = be32(p + 32);
	h->types = be32(p + 36);
	h->chars = be32(p + 40);
	if (h->types == 0 || h->types > TZ_MAX_TYPES)
		return "bad number of local time types";
	if (h->times > TZ_MAX_TIMES)
		return "too many transitions";
	if ((h->isut != 0 && h->isut != h->types) || (h->isstd != 0 && h->isstd != h->types))
		return "bad indicator counts";
	if (h->chars == 0 || h->leap > 10000)
		return "bad counts";
	return NULL;
}

static size_t tzif_body_len(const struct tzif_hdr *h, size_t tsize)
{
	return (size_t)h->times * tsize + h->times + (size_t)h->types * 6 + h->chars +
	       (size_t)h->leap * (tsize + 4) + h->isstd + h->isut;
}

/* Read the body whose times are tsize (4 or 8) bytes wide. */
static const char *tzif_body(struct tz *tz, const unsigned char *p, const struct tzif_hdr *h,
			     size_t tsize)
{
	tz->n_trans = h->times;
	tz->n_types = h->types;
	tz->trans = xcalloc(h->times ? h->times : 1, sizeof *tz->trans);
	tz->idx = xcalloc(h->times ? h->times : 1, 1);
	tz->types = xcalloc(h->types, sizeof *tz->types);
	for (size_t i = 0; i < h->times; i++) {
		tz->trans[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
			return "transition times not ascending";
	}
	p += (size_t)h->times * tsize;
	for (size_t i = 0; i < h->times; i++) {
		if (p[i] >= h->types)
			return "transition type out of range";
		tz->idx[i] = p[i];
	}
	p += h->times;
	for (size_t i = 0; i < h->types; i++, p += 6) {
		long off = (int32_t)be32(p);
		if (off <= -TZ_MAX_OFFSET || off >= TZ_MAX_OFFSET)
			return "UT offset out of range";
		if (p[4] > 1)
			return "bad DST flag";
		if (p[5] >= h->chars)
			return "abbreviation index out of range";
		tz->types[i].off = off;
		tz->types[i].isdst = p[4];
	}
	return NULL;
}

struct tz *tz_parse(const unsigned char *buf, size_t len, const char *name, const char **err)
{
	struct tz *tz = xcalloc(1, sizeof *tz);
	struct tzif_hdr h;
	char version;
	const char *why = tzif_header(buf, len, &h, &version);
	if (why)
		goto fail;
	size_t body = tzif_body_len(&h, 4);
	if (body > len - 44) {
		why = "truncated data";
		goto fail;
	}
	if (version == 0) {
		why = tzif_body(tz, buf + 44, &h, 4);
		if (why)
			goto fail;
	} else {
		const unsigned char *p = buf + 44 + body;
		size_t left = len - 44 - body;
		char v2;
		why = tzif_header(p, left, &h, &v2);
		if (why)
			goto fail;
		body = tzif_body_len(&h, 8);
		if (body > left - 44) {
			why = "truncated version 2 data";
			goto fail;
		}
		why = tzif_body(tz, p + 44, &h, 8);
		if (why)
			goto fail;
		const char *f = (const char *)p + 44 + body;
		const char *fend = (const char *)buf + len;
		if (f >= fend || *f != '\n') {
			why = "missing footer";
			goto fail;
		}
		const char *nl = memchr(f + 1, '\n', (size_t)(fend - f - 1));
		if (!nl) {
			why = "unterminated footer";
			goto fail;
		}
		if (nl > f + 1 && posix_parse(tz, f + 1, nl) != 0) {
			why = "bad TZ rule in footer";
			goto fail;
		}
	}
	tz->name = xstrdup(name ? name : "");
	return tz;
fail:
	tz_free(tz);
	if (err)
		*err = why;
	return NULL;
}

static bool zone_name_ok(const char *name)
{
	if (!name || !*name || name[0] == '/' || strlen(name) > 200 || strstr(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return false;
	return true;
}

struct tz *tz_load(const char *name, const char **err)
{
	const char *ignored;
	if (!err)
		err = &ignored;
	if (name && (strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0)) {
		struct tz *tz = xcalloc(1, sizeof *tz);
		tz->name = xstrdup(name);
		tz->types = xcalloc(1, sizeof *tz->types);
		tz->n_types = 1;
		return tz;
	}
	if (!zone_name_ok(name)) {
		*err = "not a time zone name";
		return NULL;
	}
	const char *dir = getenv("TZDIR");
	char path[512];
	int pn = snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
			  name);
	if (pn < 0 || (size_t)pn >= sizeof path) {
		*err = "time zone path too long";
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = errno == ENOENT ? "unknown time zone" : "cannot read the time zone file";
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > TZ_MAX_FILE) {
		fclose(f);
		*err = "not a time zone file";
		return NULL;
	}
	/* one byte more than the size, to notice a file that grew meanwhile */
	size_t cap = (size_t)st.st_size + 1;
	unsigned char *buf = xmalloc(cap);
	size_t n = fread(buf, 1, cap, f);
	int bad = ferror(f) || n == cap;
	fclose(f);
	struct tz *tz = NULL;
	if (bad)
		*err = "time zone file unreadable or too large";
	else
		tz = tz_parse(buf, n, name, err);
	free(buf);
	return tz;
}
