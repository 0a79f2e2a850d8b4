/* journal_index: a derived, rebuildable cache over one journal file, for readers only:
 * a sparse offset index (a block every 256 lines: byte range, time range, and a Bloom
 * filter of the block's category, group, action, proto, event, id and client values),
 * so that a filtered read skips blocks, and an hourly rollup (counts by group, category,
 * action and event; incidents by client and by site) for the console's dashboard.
 * Never trusted for integrity: it is checked against the file (device, inode, size,
 * mtime, the end of the last indexed line: its hash) before each use and rebuilt or extended when
 * the file moved on; `journal verify` never reads it. docs/journal.md, "Index". */
#ifndef CG_JOURNAL_INDEX_H
#define CG_JOURNAL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal_format.h"

#define JIDX_BLOCK_LINES 256
#define JIDX_BLOCK_BYTES (256 * 1024)      /* a block ends after this many bytes too */
#define JIDX_BLOOM_WORDS 64                /* 4096 bits a block */
#define JIDX_STR_MAX 1024                  /* longer values are not interned (counted) */
#define JIDX_STRINGS_MAX (1u << 18)        /* distinct strings of one file */
#define JIDX_ROWS_MAX (1u << 19)           /* rollup rows of one file */

/* A block of whole lines: [off, off + len). */
struct jidx_block {
	uint64_t off;
	uint32_t len, lines;
	int64_t tmin, tmax;       /* µs; of the lines whose time parsed */
	uint32_t opaque;          /* a line did not parse: never skipped */
	uint32_t pad;
	uint64_t bloom[JIDX_BLOOM_WORDS];
};

/* Rollup rows. k[] are string ids (0: absent; see journal_index_str). */
enum jidx_kind {
	JIDX_HOUR,     /* hour: hours since the epoch; k: group, category, action, event */
	JIDX_CLIENT,   /* incidents by client: k: group, client */
	JIDX_SITE,     /* incidents by site: k: group, host */
	JIDX_KINDS
};

struct jidx_row {
	uint32_t kind;
	int32_t hour;             /* JIDX_HOUR only; else 0 */
	uint32_t k[4];
	uint64_t n;
};

struct journal_index {
	/* what the index was built from: checked before every use */
	uint64_t dev, ino;
	int64_t mtime_ns;
	uint64_t covered;          /* bytes of whole lines indexed */
	uint64_t lines;
	uint32_t tail_len;
	char tail[64];             /* the last bytes of the last line indexed (its hash) */
	bool degraded;             /* an over-long line: read this file without the index */
	struct jidx_block *blk;
	size_t nblk, capblk;
	char **str;                /* str[0] unused; ids 1.. */
	size_t nstr, capstr;
	uint32_t *shash;           /* open addressing over str ids */
	size_t shcap;
	struct jidx_row *row;
	size_t nrow, caprow;
	uint32_t *rhash;           /* open addressing over row indexes + 1 */
	size_t rhcap;
	uint64_t overflow;         /* events not in the rollup for want of room */
};

void journal_index_init(struct journal_index *ix);
void journal_index_free(struct journal_index *ix);

/* Bring ix up to date with the journal file at path: used as it is when the file has not
 * changed, extended over the lines appended since, rebuilt from the start when the file
 * is another one, shorter, changed in place, or its last indexed line differs. Returns 0
 * when ix was current, 1 when it was extended, 2 when it was built anew, -1 (errno set)
 * when the file cannot be read. */
int journal_index_update(struct journal_index *ix, const char *path);

/* Whether block b may hold a line in [from_us, to_us] containing every string of must
 * (journal_scan's prefilter). Strings of the form "key":"value" for the indexed keys are
 * looked up in the Bloom filter; others do not rule a block out. */
bool journal_index_block_may(const struct jidx_block *b, int64_t from_us, int64_t to_us,
			     const char *const *must);

/* The string with id i, or NULL for 0 and ids out of range. */
const char *journal_index_str(const struct journal_index *ix, uint32_t i);

/* Serialise ix (a checksum at the end), and back. journal_index_load takes any bytes
 * (the cache file may have been damaged or written by anyone with the reader's rights):
 * counts, offsets and string ids are checked, sizes are bounded; 0, or -1 with ix
 * left empty. */
void journal_index_dump(const struct journal_index *ix, struct sbuf *out);
int journal_index_load(struct journal_index *ix, const void *buf, size_t len);
#define JIDX_FILE_MAX (512u << 20)

/* The process's index cache (journal_index_cache.c), used by journal_scan,
 * journal_scan_newest, journal_rollup and journal_index_warm. Off until set up: then
 * journal_scan uses it; the others use it in memory in any case. cache_dir (NULL:
 * memory only) is a folder only this reader's user may write, made when missing; the
 * index of each journal file is kept there as <hash of the journal folder>/<file>.idx
 * and read back by later runs (checked, and rebuilt when it does not fit the file). */
void journal_index_cache_setup(const char *cache_dir);
/* The cache folder of a reader other than the console (campusgate journal, report and
 * journal index): the console's (console_dir: journal-index/ beside its accounts file)
 * when this user can read it, so that the index the console keeps serves the CLI too;
 * else $XDG_CACHE_HOME/campusgate/journal-index (xdg, an absolute path) or
 * $HOME/.cache/campusgate/journal-index. NULL (memory only) when none applies;
 * otherwise malloc'd. */
char *journal_index_dir_choose(const char *console_dir, const char *xdg, const char *home);
/* Whether journal_index_cache_setup was called. */
bool journal_index_cache_on(void);
/* The cache's lock. journal_index_cache_lookup is called with it held and never lets it
 * go; journal_index_cache_make is called without it (a build takes long, and readers of
 * other files, or of this one without an index, go on meanwhile). At most
 * JIDX_CACHE_FILES files are held in memory. */
#define JIDX_CACHE_FILES 16
void journal_index_cache_lock(void);
void journal_index_cache_unlock(void);
/* The index of dir/name (path is dir/name) held in memory, brought up to date with the
 * file (extended, or built anew when the file changed), valid until the unlock; or NULL.
 * With claim not NULL, *claim is then a ticket >= 0 when no thread is making this file's
 * index (nor too many others): the caller is the one to make it, and must hand the
 * ticket to journal_index_cache_make after the unlock; or -1 when another thread is
 * making it (wait, journal_index_cache_wait, and look again, or read the file plainly).
 * Building an index parses every line, which costs more than one plain filtered read:
 * journal_scan and journal_scan_newest only load one from the cache folder; only
 * journal_rollup and journal_index_warm build. */
const struct journal_index *journal_index_cache_lookup(const char *dir, const char *name,
						       const char *path, int *claim);
/* Without the lock: make the index claim was handed out for: load it from the cache
 * folder and, when one was there or build is set, bring it up to date with the file
 * (written back to the folder when it changed), and hold it in memory; the claim ends
 * (waking journal_index_cache_wait). 0 when an index is now held (look it up), -1 when
 * none is (none in the folder and build false, or the file cannot be read). */
int journal_index_cache_make(int claim, const char *dir, const char *name, const char *path,
			     bool build);
/* With the lock held: sleep until a make ends. The lock is let go meanwhile (as in
 * pthread_cond_wait): what was looked up before is no longer valid. */
void journal_index_cache_wait(void);
/* Forget every index held in memory (tests; the files stay). */
void journal_index_cache_clear(void);

#endif
