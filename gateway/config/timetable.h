/* School timetables: whether scheduled blocking is in force at a moment, and the
 * parsers for the timetable keys of the config file. */
#ifndef CG_TIMETABLE_H
#define CG_TIMETABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "tz.h"

/* Whether tt is in force at t, judged in the zone tz: exam days all day; otherwise not
 * on holidays; otherwise on its weekdays inside one of its time ranges (a range that
 * crosses midnight belongs to the day it starts on). No time ranges means all day. */
bool timetable_active(const struct cfg_timetable *tt, const struct tz *tz, time_t t);

/* The end of the time range of tt that t falls in on a school day (the current
 * period), or 0 when tt is not in force at t by a time range (no ranges, outside them,
 * or an exam day that is in force all day). */
time_t timetable_period_end(const struct cfg_timetable *tt, const struct tz *tz, time_t t);

/* "mon-fri", "mon,wed,fri", "sat-sun", "daily" -> bit 0 = Monday ... bit 6 = Sunday.
 * 0, or -1 with *why set. */
int timetable_parse_weekdays(const char *s, uint8_t *out, const char **why);

/* "HH:MM-HH:MM" (24:00 allowed as an end). 0, or -1 with *why set. */
int timetable_parse_time(const char *s, struct cfg_timerange *out, const char **why);

/* "YYYY-MM-DD" (exactly len bytes) -> days since 1970-01-01. 0 or -1. */
int timetable_parse_date(const char *s, size_t len, int32_t *days);

/* "YYYY-MM-DD..YYYY-MM-DD [label]" or "YYYY-MM-DD [label]". The label is copied into
 * out->label (caller frees) or NULL. 0, or -1 with *why set. */
int timetable_parse_dates(const char *s, struct cfg_daterange *out, const char **why);

#endif
