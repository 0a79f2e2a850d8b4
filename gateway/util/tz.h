/* Time zones from the system's TZif files (/usr/share/zoneinfo), read with a bounded
 * parser, so that timetables run in the school's zone whatever the process's TZ is. */
#ifndef CG_TZ_H
#define CG_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct tz;

/* Load an IANA zone ("Asia/Shanghai") from /usr/share/zoneinfo (or $TZDIR); "UTC" is
 * built in. Returns NULL with *err set to a short English reason when the name is bad
 * or the file is missing or malformed. The caller owns the zone (tz_free). */
struct tz *tz_load(const char *name, const char **err);

/* Parse a TZif (version 1, 2, 3 or 4) image of len bytes. NULL with *err on any
 * malformation; never reads past len. */
struct tz *tz_parse(const unsigned char *buf, size_t len, const char *name, const char **err);

void tz_free(struct tz *tz);

/* Seconds east of UTC at t. */
long tz_offset(const struct tz *tz, time_t t);

/* Broken-down local time at t (thread-safe; tm_gmtoff and tm_isdst set). */
void tz_localtime(const struct tz *tz, time_t t, struct tm *out);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* The zone's name as loaded. */
const char *tz_name(const struct tz *tz);

/* The UTC time of a local wall-clock time in the zone (the earlier one when the wall
 * time is repeated, the time after the gap when it does not exist). */
time_t tz_mktime(const struct tz *tz, const struct tm *local);

#endif
