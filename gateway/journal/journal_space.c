/* journal_space: the free-space floor, decided from fstatvfs of the journal directory
 * (the space an unprivileged writer may use: f_bavail). */
#include "journal_space.h"

#include <string.h>
#include <sys/statvfs.h>

#define CHECK_NS 1000000000ull   /* ask the file system at most once a second */
#define LOG_NS 60000000000ull    /* repeat the loud line at most once a minute */

void jspace_init(struct jspace *sp, int dirfd, unsigned min_free_mb)
{
	memset(sp, 0, sizeof *sp);
	sp->min_free = (uint64_t)min_free_mb << 20;
	sp->dirfd = dirfd;
}

enum jspace_state jspace_decide(struct jspace *sp, uint64_t avail, uint64_t now_ns)
{
	sp->avail = avail;
	bool below = avail < sp->min_free;
	if (below && !sp->low) {
		sp->low = true;
		sp->skipped = 1; /* this event: the low-space event stands in for it */
		sp->skipped_total++;
		sp->last_log_ns = now_ns ? now_ns : 1;
		return JSPACE_WENT_LOW;
	}
	if (below) {
		sp->skipped++;
		sp->skipped_total++;
		return JSPACE_LOW;
	}
	if (sp->low) {
		sp->low = false;
		return JSPACE_RECOVERED;
	}
	return JSPACE_OK;
}

enum jspace_state jspace_check(struct jspace *sp, uint64_t now_ns)
{
	if (sp->min_free == 0)
		return JSPACE_OK;
	uint64_t avail = sp->avail;
	if (!sp->checked_ns || now_ns - sp->checked_ns >= CHECK_NS) {
		struct statvfs vfs;
		if (fstatvfs(sp->dirfd, &vfs) == 0)
			avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		else
			avail = UINT64_MAX;
		sp->checked_ns = now_ns ? now_ns : 1;
	}
	return jspace_decide(sp, avail, now_ns);
}

bool jspace_log_due(struct jspace *sp, uint64_t now_ns)
{
	if (now_ns - sp->last_log_ns < LOG_NS)
		return false;
	sp->last_log_ns = now_ns;
	return true;
}
