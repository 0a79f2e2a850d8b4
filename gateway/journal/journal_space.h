/* journal_space: the free-space floor of the journal's file system ([journal]
 * min_free_mb). Below it the writer stops writing ordinary events (counted), says so in
 * one 'low-space' event and loudly in the log, and resumes with a 'space-recovered'
 * event that gives the count once there is room again: a flood never fills the disk
 * that the router and the journal itself need. Used by the writer thread alone. */
#ifndef CG_JOURNAL_SPACE_H
#define CG_JOURNAL_SPACE_H

#include <stdbool.h>
#include <stdint.h>

enum jspace_state {
	JSPACE_OK,        /* write */
	JSPACE_WENT_LOW,  /* just fell below the floor: write the low-space event only */
	JSPACE_LOW,       /* still below: do not write (counted) */
	JSPACE_RECOVERED, /* back above: write the space-recovered event, then this one */
};

struct jspace {
	uint64_t min_free;      /* bytes; 0 = no floor */
	int dirfd;              /* the journal directory (borrowed) */
	uint64_t checked_ns;    /* when the file system was last asked */
	uint64_t avail;         /* bytes free for us at that time */
	bool low;
	uint64_t skipped;       /* events not written while low, this episode */
	uint64_t skipped_total;
	uint64_t last_log_ns;
};

void jspace_init(struct jspace *sp, int dirfd, unsigned min_free_mb);

/* The state for one more event at monotonic now_ns, asking the file system at most
 * once a second (fstatvfs on dirfd; a failure to ask counts as room). */
enum jspace_state jspace_check(struct jspace *sp, uint64_t now_ns);

/* The decision for one more event when avail bytes are free (what jspace_check asks
 * the file system; tests give it directly). */
enum jspace_state jspace_decide(struct jspace *sp, uint64_t avail, uint64_t now_ns);

/* Whether it is time to repeat the loud log line (at most once a minute while low). */
bool jspace_log_due(struct jspace *sp, uint64_t now_ns);

#endif
