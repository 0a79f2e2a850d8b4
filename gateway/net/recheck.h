/* recheck: when a front end's open connections, decided once when they opened, are to be
 * decided again: after a policy reload, or when the wall-clock minute changed (timetables
 * change on minute boundaries). */
#ifndef CG_RECHECK_H
#define CG_RECHECK_H

#include <stdbool.h>
#include <time.h>

#define RECHECK_INTERVAL_MS 5000 /* how often a worker asks */

/* What the last sweep saw. Zeroed: the first call is due. */
struct recheck {
	unsigned long gen; /* policy_generation() at the last sweep */
	long long minute;  /* now / 60 at the last sweep */
	bool swept;        /* there was a last sweep */
};

/* Whether a sweep is due at now under policy generation gen: true (and *rc takes gen
 * and now's minute) when there was no sweep yet, the generation differs, or now is in
 * another minute than the last sweep (either way: the clock may be set back); false
 * otherwise, leaving *rc alone. */
bool recheck_due(struct recheck *rc, unsigned long gen, time_t now);

#endif
