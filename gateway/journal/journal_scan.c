/* journal_scan: reading the events of a time range, oldest first (journal_scan) or
 * newest first (journal_scan_newest), and the hourly rollup behind the dashboard
 * (journal_rollup). With the index cache (journal_index.h) blocks that cannot hold a
 * wanted line are not read; what is delivered is the same as a full read. */
#include "journal_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal_index.h"

/* Whether line holds every string of must. */
static bool has_all(const char *line, size_t len, const char *const *must)
{
	for (; must && *must; must++)
		if (!memmem(line, len, *must, strlen(*must)))
			return false;
	return true;
}

/* The index of file f with the cache's lock taken (the caller uses it, then unlocks):
 * the one held in memory, else one made now, outside the lock (loaded from the cache
 * folder; built when build is set). NULL when there is none: read the file plainly;
 * also when another thread is making it and build is not set (with build set, that
 * make is waited for, not done twice). */
static const struct journal_index *index_locked(const char *dir, const struct journal_file *f,
						bool build)
{
	journal_index_cache_lock();
	for (;;) {
		int claim;
		const struct journal_index *ix =
			journal_index_cache_lookup(dir, f->name, f->path, &claim);
		if (ix || (claim < 0 && !build))
			return ix;
		if (claim < 0) {
			journal_index_cache_wait();
			continue;
		}
		journal_index_cache_unlock();
		int rc = journal_index_cache_make(claim, dir, f->name, f->path, build);
		journal_index_cache_lock();
		if (rc < 0)
			return NULL;
	}
}

/* One scan in progress. */
struct scan {
	int64_t from_us, to_us;
	const char *const *must;
	journal_scan_fn fn;
	void *ctx;
	uint64_t *bad;
	char *arena;
	char *blockbuf;
	int stop;
};

static void scan_bad(struct scan *s)
{
	if (s->bad)
		(*s->bad)++;
}

/* One line: the time and the prefilter, the parse, the callback. */
static void scan_line(struct scan *s, const char *line, size_t len)
{
	struct journal_record r;
	const char *perr;
	int64_t t;
	if (journal_line_time(line, len, &t) == 0 && (t < s->from_us || t > s->to_us))
		return; /* out of range: the full parse is not needed */
	if (!has_all(line, len, s->must))
		return;
	if (journal_parse_line(line, len, &r, s->arena, JOURNAL_LINE_MAX + 1, &perr) < 0) {
		scan_bad(s);
		return;
	}
	if (r.time_us < s->from_us || r.time_us > s->to_us)
		return;
	s->stop = s->fn(&r, line, len, s->ctx);
}

/* Every line of path from byte off on. */
static void scan_plain(struct scan *s, const char *path, uint64_t off)
{
	struct journal_reader rd;
	if (journal_reader_open(&rd, path) < 0)
		return; /* removed by retention while we read */
	if (off && journal_reader_seek(&rd, off) < 0) {
		journal_reader_close(&rd);
		return;
	}
	const char *line;
	size_t len;
	bool complete;
	int got;
	while (!s->stop && (got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		if (got < 0) {
			scan_bad(s);
			if (errno != EMSGSIZE)
				break; /* a read error: the rest of this file is lost */
			continue;
		}
		scan_line(s, line, len);
	}
	journal_reader_close(&rd);
}

/* Block b of the file open on fd into s->blockbuf; its length, or 0 when it could not
 * be read whole (the file changed under us: the block is skipped). */
static size_t block_read(struct scan *s, int fd, const struct jidx_block *b)
{
	size_t got = 0;
	while (got < b->len) {
		ssize_t r = pread(fd, s->blockbuf + got, b->len - got, (off_t)(b->off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	return s->blockbuf[got - 1] == '\n' ? got : 0;
}

/* The lines of one block, in file order or backwards. */
static void block_lines(struct scan *s, size_t len, bool backwards)
{
	const char *buf = s->blockbuf;
	if (!backwards) {
		for (size_t at = 0; at < len && !s->stop;) {
			const char *nl = memchr(buf + at, '\n', len - at);
			scan_line(s, buf + at, (size_t)(nl - (buf + at)));
			at = (size_t)(nl - buf) + 1;
		}
		return;
	}
	size_t end = len - 1; /* the newline of the last line */
	while (!s->stop) {
		const char *nl = end ? memrchr(buf, '\n', end) : NULL;
		size_t start = nl ? (size_t)(nl - buf) + 1 : 0;
		scan_line(s, buf + start, end - start);
		if (!nl)
			break;
		end = start - 1;
	}
}

static void scan_indexed(struct scan *s, const char *path, const struct journal_index *ix,
			 bool backwards)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	for (size_t k = 0; k < ix->nblk && !s->stop; k++) {
		const struct jidx_block *b = &ix->blk[backwards ? ix->nblk - 1 - k : k];
		if (!journal_index_block_may(b, s->from_us, s->to_us, s->must))
			continue;
		size_t len = block_read(s, fd, b);
		if (len)
			block_lines(s, len, backwards);
	}
	close(fd);
	if (!backwards && !s->stop)
		scan_plain(s, path, ix->covered); /* written since the index was brought up */
}

static void scan_init(struct scan *s, int64_t from_us, int64_t to_us, const char *const *must,
		      journal_scan_fn fn, void *ctx, uint64_t *bad)
{
	memset(s, 0, sizeof *s);
	s->from_us = from_us;
	s->to_us = to_us;
	s->must = must;
	s->fn = fn;
	s->ctx = ctx;
	s->bad = bad;
	s->arena = xmalloc(JOURNAL_LINE_MAX + 1);
	s->blockbuf = xmalloc(JIDX_BLOCK_BYTES + JOURNAL_LINE_MAX + 1);
}

static void scan_done(struct scan *s)
{
	free(s->arena);
	free(s->blockbuf);
}

/* The first day whose files may hold events from from_us on. File days are local days
 * in the school's zone: allow a day for the zone. A file never holds an event dated
 * after its day (the writer files it there or later), but a later file may hold a late
 * event (a capture read with `sensor --read`, a clock set back), so only files before
 * the range are skipped. A range that ends now (--since) has no later files to read. */
static int32_t first_day(int64_t from_us)
{
	return from_us == INT64_MIN ? INT32_MIN : journal_day(from_us, 0) - 1;
}

int journal_scan(const char *dir, int64_t from_us, int64_t to_us, const char *const *must,
		 journal_scan_fn fn, void *ctx, uint64_t *bad, const char **err)
{
	struct journal_file *files;
	size_t n;
	if (journal_list_files(dir, &files, &n) < 0) {
		*err = "cannot read the journal directory";
		return -1;
	}
	int32_t from_day = first_day(from_us);
	bool indexed = journal_index_cache_on();
	struct scan s;
	scan_init(&s, from_us, to_us, must, fn, ctx, bad);
	for (size_t i = 0; i < n && !s.stop; i++) {
		if (files[i].day < from_day)
			continue;
		bool done = false;
		if (indexed) {
			const struct journal_index *ix = index_locked(dir, &files[i], false);
			if (ix && !ix->degraded) {
				scan_indexed(&s, files[i].path, ix, false);
				done = true;
			}
			journal_index_cache_unlock();
		}
		if (!done)
			scan_plain(&s, files[i].path, 0);
	}
	scan_done(&s);
	journal_files_free(files, n);
	return 0;
}

/* The blocks a file without an index is read in from its end: "the newest 50" reads
 * one or two. */
#define BACK_BLOCK (256 * 1024)

/* Every whole line of path, newest first, without an index: blocks from the end, each
 * byte read once. A line over JOURNAL_LINE_MAX is counted bad and skipped. */
static void scan_plain_backwards(struct scan *s, const char *path)
{
	struct journal_backreader br;
	if (journal_backreader_open(&br, path, BACK_BLOCK) < 0)
		return; /* removed by retention while we read */
	const char *line;
	size_t len;
	int got;
	while (!s->stop && (got = journal_backreader_prev(&br, &line, &len)) != 0) {
		if (got < 0) {
			scan_bad(s);
			if (errno != EMSGSIZE)
				break; /* a read error: the rest of this file is lost */
			continue;
		}
		scan_line(s, line, len);
	}
	journal_backreader_close(&br);
}

int journal_scan_newest(const char *dir, int64_t from_us, int64_t to_us,
			const char *const *must, journal_scan_fn fn, void *ctx, uint64_t *bad,
			const char **err)
{
	struct journal_file *files;
	size_t n;
	if (journal_list_files(dir, &files, &n) < 0) {
		*err = "cannot read the journal directory";
		return -1;
	}
	int32_t from_day = first_day(from_us);
	struct scan s;
	scan_init(&s, from_us, to_us, must, fn, ctx, bad);
	for (size_t i = n; i-- > 0 && !s.stop;) {
		if (files[i].day < from_day)
			break; /* files are in day order */
		const struct journal_index *ix = index_locked(dir, &files[i], false);
		bool plain = !ix || ix->degraded;
		if (!plain)
			scan_indexed(&s, files[i].path, ix, true);
		journal_index_cache_unlock();
		if (plain)
			scan_plain_backwards(&s, files[i].path);
	}
	scan_done(&s);
	journal_files_free(files, n);
	return 0;
}

int journal_index_warm(const char *dir, int64_t from_us, const atomic_bool *stop,
		       unsigned *built, const char **err)
{
	struct journal_file *files;
	size_t n;
	if (journal_list_files(dir, &files, &n) < 0) {
		*err = "cannot read the journal directory";
		return -1;
	}
	int32_t from_day = first_day(from_us);
	*built = 0;
	for (size_t i = n; i-- > 0 && !(stop && atomic_load(stop));) {
		if (files[i].day < from_day)
			break;
		*built += index_locked(dir, &files[i], true) != NULL;
		journal_index_cache_unlock();
	}
	journal_files_free(files, n);
	return 0;
}

int journal_rollup(const char *dir, int64_t from_us, int64_t to_us, journal_rollup_fn fn,
		   void *ctx, const char **err)
{
	struct journal_file *files;
	size_t n;
	if (journal_list_files(dir, &files, &n) < 0) {
		*err = "cannot read the journal directory";
		return -1;
	}
	int32_t from_day = first_day(from_us);
	const int64_t hour = 3600LL * 1000000;
	for (size_t i = 0; i < n; i++) {
		if (files[i].day < from_day)
			continue;
		const struct journal_index *ix = index_locked(dir, &files[i], true);
		for (size_t k = 0; ix && k < ix->nrow; k++) {
			const struct jidx_row *r = &ix->row[k];
			const char *str[4];
			if (r->kind == JIDX_HOUR && ((int64_t)r->hour * hour + hour <= from_us ||
						     (int64_t)r->hour * hour > to_us))
				continue;
			for (size_t j = 0; j < 4; j++)
				str[j] = journal_index_str(ix, r->k[j]);
			fn(r->kind, r->kind == JIDX_HOUR ? (int64_t)r->hour * hour : INT64_MIN,
			   files[i].day, str, r->n, ctx);
		}
		journal_index_cache_unlock();
	}
	journal_files_free(files, n);
	return 0;
}
