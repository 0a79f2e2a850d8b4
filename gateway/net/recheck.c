/* The "is a sweep of the open connections due" decision (recheck.h). */
#include "recheck.h"

bool recheck_due(struct recheck *rc, unsigned long gen, time_t now)
{
	long long minute = (long long)now / 60;
	if (now < 0 && (long long)now % 60)
		minute--; /* floor, so that a minute is one minute before 1970 too */
	if (rc->swept && rc->gen == gen && rc->minute == minute)
		return false;
	rc->swept = true;
	rc->gen = gen;
	rc->minute = minute;
	return true;
}
