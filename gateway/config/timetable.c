/* timetable: when scheduled blocking is in force (weekdays, times, holidays, exams). */
#include "timetable.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static bool in_ranges(const struct cfg_daterange *r, size_t n, int64_t day)
{
	for (size_t i = 0; i < n; i++)
		if (day >= r[i].from && day <= r[i].to)
			return true;
	return false;
}

/* A school day: one of the weekdays and not a holiday (exam days count as well). */
static bool school_day(const struct cfg_timetable *tt, int64_t day)
{
	if (in_ranges(tt->extra, tt->n_extra, day))
		return true;
	if (in_ranges(tt->holidays, tt->n_holidays, day))
		return false;
	int wd = (int)(((day % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday: Monday = 0 */
	return (tt->weekdays >> wd) & 1;
}

bool timetable_active(const struct cfg_timetable *tt, const struct tz *tz, time_t t)
{
	struct tm lt;
	tz_localtime(tz, t, &lt);
	int64_t day = tz_days_from_civil((int64_t)lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
	if (in_ranges(tt->extra, tt->n_extra, day))
		return true;
	int minute = lt.tm_hour * 60 + lt.tm_min;
	bool today = school_day(tt, day);
	if (tt->n_times == 0)
		return today;
	for (size_t i = 0; i < tt->n_times; i++) {
		const struct cfg_timerange *r = &tt->times[i];
		if (r->start < r->end) {
			if (today && minute >= r->start && minute < r->end)
				return true;
		} else {
			/* across midnight: the evening part today, and the morning tail of a
			 * range that started yesterday (it belongs to the day it starts on) */
			if (today && minute >= r->start)
				return true;
			if (minute < r->end && school_day(tt, day - 1))
				return true;
		}
	}
	return false;
}

/* The moment minute m (may be 1440 or more: the next day) of day begins in tz. */
static time_t minute_time(const struct tz *tz, int64_t day, int m)
{
	int64_t y;
	int mo, d;
	struct tm lt;
	tz_civil_from_days(day + m / 1440, &y, &mo, &d);
	memset(&lt, 0, sizeof(lt));
	lt.tm_year = (int)(y - 1900);
	lt.tm_mon = mo - 1;
	lt.tm_mday = d;
	lt.tm_hour = m % 1440 / 60;
	lt.tm_min = m % 60;
	lt.tm_isdst = -1;
	return tz_mktime(tz, &lt);
}

time_t timetable_period_end(const struct cfg_timetable *tt, const struct tz *tz, time_t t)
{
	struct tm lt;
	tz_localtime(tz, t, &lt);
	int64_t day = tz_days_from_civil((int64_t)lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
	int minute = lt.tm_hour * 60 + lt.tm_min;
	bool today = school_day(tt, day);
	for (size_t i = 0; i < tt->n_times; i++) {
		const struct cfg_timerange *r = &tt->times[i];
		if (r->start < r->end) {
			if (today && minute >= r->start && minute < r->end)
				return minute_time(tz, day, r->end);
		} else {
			if (today && minute >= r->start)
				return minute_time(tz, day, 1440 + r->end);
			if (minute < r->end && school_day(tt, day - 1))
				return minute_time(tz, day, r->end);
		}
	}
	return 0;
}

static int day_index(const char *s, size_t n)
{
	static const char *names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncasecmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

int timetable_parse_weekdays(const char *s, uint8_t *out, const char **why)
{
	uint8_t mask = 0;
	if (strcasecmp(s, "daily") == 0 || strcasecmp(s, "all") == 0) {
		*out = 0x7f;
		return 0;
	}
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *a = p;
		while (isalpha((unsigned char)*p))
			p++;
		int from = day_index(a, (size_t)(p - a)), to = from;
		if (from < 0)
			goto bad;
		if (*p == '-') {
			const char *b = ++p;
			while (isalpha((unsigned char)*p))
				p++;
			to = day_index(b, (size_t)(p - b));
			if (to < 0)
				goto bad;
		}
		for (int d = from;; d = (d + 1) % 7) {
			mask |= (uint8_t)(1u << d);
			if (d == to)
				break;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p != ',')
			goto bad;
		p++;
	}
	*out = mask;
	return 0;
bad:
	*why = "weekdays must be like mon-fri or mon,wed,fri";
	return -1;
}

/* "HH:MM" (the first 5 bytes of s); 24:00 is the only hour-24 time. */
static int parse_hhmm(const char *s, int *minutes)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

int timetable_parse_time(const char *s, struct cfg_timerange *out, const char **why)
{
	int a, b;
	if (strlen(s) != 11 || s[5] != '-' || parse_hhmm(s, &a) != 0 ||
	    parse_hhmm(s + 6, &b) != 0) {
		*why = "time must be HH:MM-HH:MM";
		return -1;
	}
	if (a == b) {
		*why = "empty time range (start equals end)";
		return -1;
	}
	if (a == 24 * 60) {
		*why = "a time range cannot start at 24:00";
		return -1;
	}
	out->start = (uint16_t)a;
	out->end = (uint16_t)(b == 0 ? 24 * 60 : b); /* "22:00-00:00" ends at midnight */
	return 0;
}

int timetable_parse_date(const char *s, size_t len, int32_t *days)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int v[3] = {0, 0, 0};
	const int pos[3][2] = {{0, 4}, {5, 2}, {8, 2}};
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < pos[i][1]; k++) {
			char c = s[pos[i][0] + k];
			if (!isdigit((unsigned char)c))
				return -1;
			v[i] = v[i] * 10 + (c - '0');
		}
	if (v[0] < 1970 || v[0] > 2200 || v[1] < 1 || v[1] > 12 || v[2] < 1)
		return -1;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
	if (v[2] > mdays[v[1] - 1] + (v[1] == 2 && leap))
		return -1;
	*days = (int32_t)tz_days_from_civil(v[0], v[1], v[2]);
	return 0;
}

int timetable_parse_dates(const char *s, struct cfg_daterange *out, const char **why)
{
	size_t n = strcspn(s, " \t");
	const char *label = s + n;
	while (*label == ' ' || *label == '\t')
		label++;
	const char *dots = strstr(s, "..");
	int32_t from, to;
	if (dots && dots < s + n) {
		if (timetable_parse_date(s, (size_t)(dots - s), &from) != 0 ||
		    timetable_parse_date(dots + 2, (size_t)(s + n - dots - 2), &to) != 0)
			goto bad;
	} else {
		if (timetable_parse_date(s, n, &from) != 0)
			goto bad;
		to = from;
	}
	if (to < from) {
		*why = "date range ends before it starts";
		return -1;
	}
	for (const char *p = label; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("-_.", *p) && !((unsigned char)*p & 0x80)) {
			*why = "a date range label is one word (letters, digits, - _ .)";
			return -1;
		}
	}
	out->from = from;
	out->to = to;
	out->label = *label ? xstrdup(label) : NULL;
	return 0;
bad:
	*why = "dates must be YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (a real date)";
	return -1;
}
