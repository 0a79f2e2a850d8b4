/* journal_index_cache: the process's indexes of journal files, in memory and (when set
 * up with a folder) on disk, kept current with the files (journal_index.h). The one
 * piece of process-wide state of the index, behind a lock. */
#include "journal_index.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SAVE_BYTES (4u << 20)    /* a growing file's index is saved every 4 MiB ... */
#define SAVE_SECONDS 60          /* ... or a minute */

struct icache_ent {
	char *path;
	struct journal_index ix;
	uint64_t used, saved;
	time_t saved_at;
};

#define BUILDING_MAX 8         /* files being built outside the lock at once */

static struct {
	pthread_mutex_t mu;
	pthread_cond_t built;    /* a build outside the lock ended */
	char *building[BUILDING_MAX];
	bool on;
	char *dir;
	struct icache_ent ent[JIDX_CACHE_FILES];
	size_t n;
	uint64_t clock;
} icache = { .mu = PTHREAD_MUTEX_INITIALIZER, .built = PTHREAD_COND_INITIALIZER };

char *journal_index_dir_choose(const char *console_dir, const char *xdg, const char *home)
{
	struct sbuf b;
	sbuf_init(&b);
	if (console_dir && access(console_dir, R_OK | X_OK) == 0)
		sbuf_adds(&b, console_dir);
	else if (xdg && *xdg == '/')
		sbuf_printf(&b, "%s/campusgate/journal-index", xdg);
	else if (home && *home == '/')
		sbuf_printf(&b, "%s/.cache/campusgate/journal-index", home);
	if (b.len)
		return sbuf_take(&b);
	sbuf_free(&b);
	return NULL;
}

void journal_index_cache_setup(const char *cache_dir)
{
	pthread_mutex_lock(&icache.mu);
	icache.on = true;
	free(icache.dir);
	icache.dir = cache_dir ? xstrdup(cache_dir) : NULL;
	pthread_mutex_unlock(&icache.mu);
}

bool journal_index_cache_on(void)
{
	pthread_mutex_lock(&icache.mu);
	bool on = icache.on;
	pthread_mutex_unlock(&icache.mu);
	return on;
}

void journal_index_cache_lock(void)
{
	pthread_mutex_lock(&icache.mu);
}

void journal_index_cache_unlock(void)
{
	pthread_mutex_unlock(&icache.mu);
}

static void ent_free(struct icache_ent *e)
{
	free(e->path);
	journal_index_free(&e->ix);
	memset(e, 0, sizeof *e);
}

void journal_index_cache_clear(void)
{
	pthread_mutex_lock(&icache.mu);
	for (size_t i = 0; i < icache.n; i++)
		ent_free(&icache.ent[i]);
	icache.n = 0;
	pthread_mutex_unlock(&icache.mu);
}

/* Run as root (cron's `campusgate journal index` into the console's folder), what is
 * made in the cache folder goes to the folder's owner, so that the console can read and
 * replace it: true with that owner in *uid and *gid, false when nothing is to change. */
static bool owner_wanted(uid_t *uid, gid_t *gid)
{
	struct stat st;
	if (geteuid() != 0 || stat(icache.dir, &st) < 0 || st.st_uid == 0)
		return false;
	*uid = st.st_uid;
	*gid = st.st_gid;
	return true;
}

/* cache_dir/<16 hex of the journal folder's real path>/name.idx, or NULL. */
static char *disk_path(const char *dir, const char *name, bool make)
{
	if (!icache.dir)
		return NULL;
	char real[PATH_MAX];
	if (!realpath(dir, real))
		snprintf(real, sizeof real, "%s", dir);
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const unsigned char *p = (const unsigned char *)real; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/%016llx", icache.dir, (unsigned long long)h);
	for (char *s = make ? b.data + 1 : NULL; s && (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		(void)mkdir(b.data, 0700); /* each folder on the way; most exist */
		*s = '/';
	}
	/* A folder root made but could not give away would lock the console out of it for
	 * good (0700, root's): removed, so that the console makes its own. */
	uid_t uid;
	gid_t gid;
	if (make && mkdir(b.data, 0700) == 0 && owner_wanted(&uid, &gid) &&
	    lchown(b.data, uid, gid) < 0)
		(void)rmdir(b.data);
	sbuf_printf(&b, "/%s.idx", name);
	return sbuf_take(&b);
}

static void disk_load(struct journal_index *ix, const char *dir, const char *name)
{
	char *p = disk_path(dir, name, false);
	if (!p)
		return;
	int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(p);
	struct stat st;
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= JIDX_FILE_MAX) {
		size_t len = (size_t)st.st_size, got = 0;
		char *buf = xmalloc(len);
		while (got < len) {
			ssize_t r = read(fd, buf + got, len - got);
			if (r <= 0 && !(r < 0 && errno == EINTR))
				break;
			if (r > 0)
				got += (size_t)r;
		}
		if (got != len || journal_index_load(ix, buf, len) < 0)
			journal_index_init(ix); /* damaged or foreign: built anew */
		free(buf);
	}
	close(fd);
}

/* Write ix beside the others, atomically (a temporary file renamed): 0 or -1. */
static int disk_save(const struct journal_index *ix, const char *dir, const char *name)
{
	char *p = disk_path(dir, name, true);
	if (!p)
		return -1;
	struct sbuf b, tmp;
	sbuf_init(&b);
	sbuf_init(&tmp);
	journal_index_dump(ix, &b);
	sbuf_printf(&tmp, "%s.%ld.tmp", p, (long)getpid());
	/* O_EXCL: root (the cron job) writes in a folder the console's user owns, so it never
	 * opens a file that user could have put there (a link to elsewhere); a temporary file
	 * left by a crashed run of the same PID is removed first. */
	(void)unlink(tmp.data);
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool ok = fd >= 0;
	for (size_t off = 0; ok && off < b.len;) {
		ssize_t w = write(fd, b.data + off, b.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		off += ok ? (size_t)w : 0;
	}
	/* A file root could not give away is not put in place: the console could not read
	 * it (0600, root's) and would build the index again anyway. */
	uid_t uid;
	gid_t gid;
	if (ok && owner_wanted(&uid, &gid) && fchown(fd, uid, gid) < 0)
		ok = false;
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	ok = ok && rename(tmp.data, p) == 0;
	if (!ok && fd >= 0)
		(void)unlink(tmp.data);
	sbuf_free(&b);
	sbuf_free(&tmp);
	free(p);
	return ok ? 0 : -1;
}

/* Whether an index brought up to date (rc of journal_index_update: 1 extended, 2 built
 * anew) is to be written out now, saved being what the folder has. */
static bool save_due(int rc, uint64_t covered, uint64_t saved, time_t saved_at)
{
	return rc > 0 && (rc == 2 || saved == 0 || covered - saved >= SAVE_BYTES ||
			  time(NULL) - saved_at >= SAVE_SECONDS);
}

/* Free e and close the gap it leaves with the last entry. */
static void ent_remove(struct icache_ent *e)
{
	ent_free(e);
	if (e != &icache.ent[--icache.n]) {
		*e = icache.ent[icache.n];
		memset(&icache.ent[icache.n], 0, sizeof *e);
	}
}

static struct icache_ent *ent_lookup(const char *path)
{
	for (size_t i = 0; i < icache.n; i++)
		if (strcmp(icache.ent[i].path, path) == 0)
			return &icache.ent[i];
	return NULL;
}

/* A free entry: a new one, or the one used longest ago, freed. */
static struct icache_ent *ent_new(void)
{
	if (icache.n < JIDX_CACHE_FILES) {
		struct icache_ent *e = &icache.ent[icache.n++];
		memset(e, 0, sizeof *e);
		return e;
	}
	struct icache_ent *old = &icache.ent[0];
	for (size_t i = 1; i < icache.n; i++)
		if (icache.ent[i].used < old->used)
			old = &icache.ent[i];
	ent_free(old);
	return old;
}

/* The slot of path among the files being built, or -1. */
static int building_find(const char *path)
{
	for (int i = 0; i < BUILDING_MAX; i++)
		if (icache.building[i] && strcmp(icache.building[i], path) == 0)
			return i;
	return -1;
}

/* A free slot among the files being built, or -1. */
static int building_free(void)
{
	for (int i = 0; i < BUILDING_MAX; i++)
		if (!icache.building[i])
			return i;
	return -1;
}

const struct journal_index *journal_index_cache_lookup(const char *dir, const char *name,
						       const char *path, int *claim)
{
	struct icache_ent *e = ent_lookup(path);
	int rc = e ? journal_index_update(&e->ix, path) : -1;
	if (e && rc >= 0) {
		e->used = ++icache.clock;
		if (save_due(rc, e->ix.covered, e->saved, e->saved_at) &&
		    disk_save(&e->ix, dir, name) == 0) {
			e->saved = e->ix.covered;
			e->saved_at = time(NULL);
		}
		if (claim)
			*claim = -1;
		return &e->ix;
	}
	if (e)
		ent_remove(e); /* unreadable now: a make finds that out again */
	if (claim) {
		*claim = building_find(path) < 0 ? building_free() : -1;
		if (*claim >= 0)
			icache.building[*claim] = xstrdup(path);
	}
	return NULL;
}

int journal_index_cache_make(int claim, const char *dir, const char *name, const char *path,
			     bool build)
{
	struct journal_index ix;
	journal_index_init(&ix);
	disk_load(&ix, dir, name);
	uint64_t saved = ix.covered;
	time_t saved_at = time(NULL);
	int rc = -1;
	if (build || ix.covered > 0)
		rc = journal_index_update(&ix, path);
	if (save_due(rc, ix.covered, saved, saved_at) && disk_save(&ix, dir, name) == 0)
		saved = ix.covered;
	pthread_mutex_lock(&icache.mu);
	free(icache.building[claim]);
	icache.building[claim] = NULL;
	pthread_cond_broadcast(&icache.built);
	if (rc >= 0) {
		struct icache_ent *e = ent_new();
		e->path = xstrdup(path);
		e->ix = ix;
		e->saved = saved;
		e->saved_at = saved_at;
		e->used = ++icache.clock;
	} else {
		journal_index_free(&ix); /* none to use and none to make, or unreadable */
	}
	pthread_mutex_unlock(&icache.mu);
	return rc < 0 ? -1 : 0;
}

void journal_index_cache_wait(void)
{
	pthread_cond_wait(&icache.built, &icache.mu);
}
