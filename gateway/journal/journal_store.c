/* journal_store: the journal's files on disk: day files, rotation, retention, recovery
 * of a torn last line after a crash, and the daily digest (digest.log + the log).
 *
 * The daemon opens the store as root, in a folder that belongs to the service user, who
 * could plant symlinks there. So every name in it is opened relative to the folder's
 * descriptor with O_NOFOLLOW (O_EXCL where it must be new), and ownership and mode are
 * changed on the open descriptor (fchown/fchmod), never by path. */
#include "journal_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_read.h"
#include "journal_syslog.h"
#include "tz.h"

#define FILE_MODE 0640
#define DIR_MODE 0750
#define COPY_CHUNK (64u << 10)

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Loud, but at most once per 10 s. */
static void store_error(struct jstore *s, const char *what)
{
	int e = errno;
	s->write_errors++;
	uint64_t now = now_mono_ns();
	if (s->last_err_log_ns && now - (uint64_t)s->last_err_log_ns < 10000000000ull)
		return;
	s->last_err_log_ns = (int64_t)now;
	log_err("journal %s: %s: %s (%llu errors so far; events are being lost)", s->dir,
		what, strerror(e), (unsigned long long)s->write_errors);
}

/* A new file: mode 0640 whatever the umask, and the service user's when we are root. */
static void own(struct jstore *s, int fd)
{
	if (fchmod(fd, FILE_MODE) < 0)
		log_warn("journal %s: cannot set a file's mode: %s", s->dir, strerror(errno));
	if (s->chown_files && fchown(fd, s->uid, s->gid) < 0)
		log_warn("journal %s: cannot give a file to uid %u: %s", s->dir, (unsigned)s->uid,
			 strerror(errno));
}

int32_t jstore_offset(const struct jstore *s, time_t t)
{
	return (int32_t)tz_offset(s->tz, t);
}

/* The school's day at the store's idea of now. */
static int32_t now_day(const struct jstore *s)
{
	return journal_day(s->now_us, jstore_offset(s, (time_t)(s->now_us / 1000000)));
}

static void file_name(int32_t day, unsigned part, char *out, size_t len)
{
	char d[11];
	journal_day_str(day, d);
	if (part == 0)
		snprintf(out, len, "%s.jsonl", d);
	else
		snprintf(out, len, "%s.%u.jsonl", d, part);
}

/* Open (create) the file for day/part for appending and make it current. */
static int open_file(struct jstore *s, int32_t day, unsigned part)
{
	char name[64];
	file_name(day, part, name, sizeof name);
	int fd = openat(s->dirfd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
			FILE_MODE);
	if (fd < 0) {
		store_error(s, "cannot open the day file");
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if (st.st_size == 0) {
		own(s, fd);
		fsync(s->dirfd); /* the new name survives a power cut */
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	s->day = day;
	s->part = part;
	s->size = (uint64_t)st.st_size;
	return 0;
}

/* seq and prev of the first line of path; 0 or -1 (empty or unreadable). */
static int first_line(const char *path, uint64_t *seq, uint8_t prev[JOURNAL_HASH_LEN])
{
	struct journal_reader rd;
	const char *line, *err;
	size_t len;
	bool complete;
	int rc = -1;
	if (journal_reader_open(&rd, path) < 0)
		return -1;
	if (journal_reader_next(&rd, &line, &len, &complete) == 1) {
		struct journal_record r;
		char *arena = xmalloc(len + 1);
		if (journal_parse_line(line, len, &r, arena, len + 1, &err) == 0) {
			*seq = r.seq;
			memcpy(prev, r.prev, JOURNAL_HASH_LEN);
			rc = 0;
		}
		free(arena);
	}
	journal_reader_close(&rd);
	return rc;
}

static void digest(struct jstore *s)
{
	if (s->day_first_seq == 0 || s->seq < s->day_first_seq)
		return;
	char day[11], hex[JOURNAL_HEX_LEN];
	journal_day_str(s->day, day);
	journal_hex(s->last_hash, hex);
	unsigned long long count = s->seq - s->day_first_seq + 1;
	log_info("journal digest %s: %llu events, seq %llu..%llu, last hash %s", day, count,
		 (unsigned long long)s->day_first_seq, (unsigned long long)s->seq, hex);
	int fd = openat(s->dirfd, "digest.log",
			O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, FILE_MODE);
	if (fd < 0) {
		store_error(s, "cannot open digest.log");
		return;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size == 0)
		own(s, fd);
	char buf[256];
	int n = snprintf(buf, sizeof buf,
			 "{\"day\":\"%s\",\"count\":%llu,\"first_seq\":%llu,\"last_seq\":%llu,"
			 "\"last_hash\":\"%s\"}\n",
			 day, count, (unsigned long long)s->day_first_seq,
			 (unsigned long long)s->seq, hex);
	if (write_all(fd, buf, (size_t)n) < 0 || fdatasync(fd) < 0)
		store_error(s, "cannot write digest.log");
	close(fd);
	if (s->syslog)
		journal_syslog_send_digest(s->syslog, s->now_us,
					   jstore_offset(s, (time_t)(s->now_us / 1000000)), day,
					   buf, (size_t)n);
}

static void internal_event(struct jstore *s, const char *event, const char *reason,
			   uint64_t start_seq, const char *start_prev)
{
	struct journal_record r;
	memset(&r, 0, sizeof r);
	r.time_us = s->now_us;
	r.event = event;
	r.action = event;
	r.id = "-";
	r.reason = reason;
	r.start_seq = start_seq;
	r.start_prev = start_prev;
	jstore_write(s, &r, s->now_us);
}

/* Remove the pieces in torn/ that came from a day file older than limit (their names
 * start with that file's name); names that do not are left alone. Returns how many. */
static size_t retention_torn(struct jstore *s, int32_t limit)
{
	int tfd = openat(s->dirfd, "torn", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tfd < 0)
		return 0;
	DIR *d = fdopendir(tfd);
	if (!d) {
		close(tfd);
		return 0;
	}
	size_t removed = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *ext = strstr(de->d_name, ".jsonl.");
		size_t n = strlen(de->d_name);
		char src[64];
		int32_t day;
		unsigned part;
		if (!ext || n < 5 || strcmp(de->d_name + n - 5, ".torn") != 0 ||
		    (size_t)(ext - de->d_name) + 6 >= sizeof src)
			continue;
		memcpy(src, de->d_name, (size_t)(ext - de->d_name) + 6);
		src[ext - de->d_name + 6] = '\0';
		if (!journal_file_name_parse(src, &day, &part) || day >= limit)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
			store_error(s, "retention: cannot remove a torn piece");
			break;
		}
		removed++;
	}
	if (removed)
		fsync(dirfd(d));
	closedir(d);
	return removed;
}

/* Remove day files older than the retention period, and the torn pieces cut from them,
 * and record what went. digest.log is kept: it is small, and it is the proof. */
static void retention(struct jstore *s, int32_t today)
{
	struct journal_file *files;
	size_t n, removed = 0;
	if (s->retention_days == 0 || journal_list_files(s->dir, &files, &n) < 0)
		return;
	struct sbuf why;
	sbuf_init(&why);
	int32_t limit = today - (int32_t)s->retention_days;
	size_t i;
	for (i = 0; i < n && files[i].day < limit; i++) {
		if (files[i].day == s->day && files[i].part == s->part)
			break;
		if (unlinkat(s->dirfd, files[i].name, 0) < 0) {
			store_error(s, "retention: cannot remove a file");
			break;
		}
		sbuf_printf(&why, "%s%s", removed ? " " : "", files[i].name);
		removed++;
	}
	size_t torn = retention_torn(s, limit);
	if (removed) {
		fsync(s->dirfd);
		uint64_t start_seq = s->seq + 1;
		uint8_t prev[JOURNAL_HASH_LEN];
		memcpy(prev, s->last_hash, sizeof prev);
		for (; i < n; i++)
			if (first_line(files[i].path, &start_seq, prev) == 0)
				break;
		char hex[JOURNAL_HEX_LEN];
		journal_hex(prev, hex);
		char *list = sbuf_take(&why);
		sbuf_printf(&why, "retention %u days: removed %zu file(s): %s", s->retention_days,
			    removed, list);
		if (torn)
			sbuf_printf(&why, "; and %zu torn piece(s) from torn/", torn);
		free(list);
		log_info("journal %s: %s", s->dir, why.data);
		internal_event(s, "retention", why.data, start_seq, hex);
	} else if (torn) {
		/* the chain's start did not move: no start_seq/start_prev */
		sbuf_printf(&why, "retention %u days: removed %zu torn piece(s) from torn/",
			    s->retention_days, torn);
		log_info("journal %s: %s", s->dir, why.data);
		internal_event(s, "retention", why.data, 0, NULL);
	}
	sbuf_free(&why);
	journal_files_free(files, n);
}

/* Make the day of r current (new file at midnight), or the next part when full. */
static void rotate(struct jstore *s, int32_t day, unsigned part)
{
	jstore_sync(s);
	bool new_day = day != s->day;
	if (new_day)
		digest(s);
	if (open_file(s, day, part) < 0)
		return;
	if (new_day) {
		s->day_first_seq = 0;
		retention(s, now_day(s));
	}
}

void jstore_tick(struct jstore *s, int64_t now_us)
{
	s->now_us = now_us;
	int32_t day = now_day(s);
	if (s->fd >= 0 && day > s->day)
		rotate(s, day, 0);
}

void jstore_write(struct jstore *s, struct journal_record *r, int64_t now_us)
{
	s->now_us = now_us;
	r->utc_offset = jstore_offset(s, (time_t)(r->time_us / 1000000));
	int32_t day = journal_day(r->time_us, r->utc_offset);
	int32_t today = now_day(s);
	if (day > today)
		day = today; /* a time from the future (a bad clock, a forged capture)
			      * never opens a future file, which retention would take
			      * for "now" */
	if (day < s->day)
		day = s->day; /* a late event never reopens yesterday's file */
	if (day != s->day || s->fd < 0)
		rotate(s, day, 0);
	r->seq = s->seq + 1;
	memcpy(r->prev, s->last_hash, JOURNAL_HASH_LEN);
	sbuf_reset(&s->line);
	journal_format_line(&s->line, r);
	if (s->max_file_bytes && s->size > 0 && s->size + s->line.len > s->max_file_bytes)
		rotate(s, s->day, s->part + 1);
	sbuf_add(&s->out, s->line.data, s->line.len);
	s->size += s->line.len;
	s->seq = r->seq;
	memcpy(s->last_hash, r->hash, JOURNAL_HASH_LEN);
	if (s->day_first_seq == 0)
		s->day_first_seq = r->seq;
	s->written++;
	if (s->syslog)
		journal_syslog_send(s->syslog, r, s->line.data, s->line.len);
	if (s->out.len >= (256u << 10))
		jstore_flush(s);
}

void jstore_flush(struct jstore *s)
{
	if (s->out.len == 0)
		return;
	uint64_t before = s->size - s->out.len; /* the file's size before this block */
	if (s->fd < 0) {
		store_error(s, "no open day file");
	} else if (write_all(s->fd, s->out.data, s->out.len) < 0) {
		/* Disk full or an I/O error: cut what part of the block did get written,
		 * so that no half line sits in the middle of the file. The lost lines
		 * show in verify as a gap in the chain, and in the log. */
		int e = errno;
		if (ftruncate(s->fd, (off_t)before) == 0)
			s->size = before;
		errno = e;
		store_error(s, "write failed");
		s->dirty = true;
	} else {
		s->dirty = true;
	}
	sbuf_reset(&s->out);
}

void jstore_sync(struct jstore *s)
{
	jstore_flush(s);
	if (!s->dirty || s->fd < 0)
		return;
	if (fdatasync(s->fd) < 0)
		store_error(s, "fdatasync failed");
	s->fsyncs++;
	s->dirty = false;
}

/* Move bytes [from, size) of a file aside into dir/torn/ and cut the file there. */
static int move_aside(struct jstore *s, const struct journal_file *f, uint64_t from,
		      uint64_t size, struct sbuf *note)
{
	int fd = openat(s->dirfd, f->name, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	int out = -1, tdir = -1;
	char *buf = NULL;
	if (fd < 0)
		return -1;
	bool made = mkdirat(s->dirfd, "torn", DIR_MODE) == 0;
	if (!made && errno != EEXIST)
		goto fail;
	/* By descriptor from here: a symlink named torn is refused, not followed. */
	tdir = openat(s->dirfd, "torn", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tdir < 0)
		goto fail;
	if (made && s->chown_files && fchown(tdir, s->uid, s->gid) < 0)
		log_warn("journal %s: cannot give torn/ to uid %u: %s", s->dir, (unsigned)s->uid,
			 strerror(errno));
	char name[128];
	/* Never overwrite an earlier torn piece: it is evidence too. */
	for (unsigned k = 0; out < 0 && k < 1000; k++) {
		snprintf(name, sizeof name, "%s.%lld.%u.torn", f->name, (long long)time(NULL), k);
		out = openat(tdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     FILE_MODE);
		if (out < 0 && errno != EEXIST)
			goto fail;
	}
	if (out < 0)
		goto fail;
	own(s, out);
	/* Copy in pieces, make the copy and its name durable, only then cut the file. */
	buf = xmalloc(COPY_CHUNK);
	for (uint64_t at = from; at < size;) {
		size_t want = size - at < COPY_CHUNK ? (size_t)(size - at) : COPY_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)at);
		if (got <= 0 || write_all(out, buf, (size_t)got) < 0)
			goto fail;
		at += (uint64_t)got;
	}
	if (fsync(out) < 0 || fsync(tdir) < 0 || fsync(s->dirfd) < 0)
		goto fail;
	if (ftruncate(fd, (off_t)from) < 0 || fsync(fd) < 0)
		goto fail;
	sbuf_printf(note, "torn end of %s (%llu bytes) moved to torn/%s", f->name,
		    (unsigned long long)(size - from), name);
	free(buf);
	close(out);
	close(tdir);
	close(fd);
	return 0;
fail:
	free(buf);
	if (out >= 0)
		close(out);
	if (tdir >= 0)
		close(tdir);
	close(fd);
	return -1;
}

#define TAIL_BYTES (4u * JOURNAL_LINE_MAX) /* read first at start-up: holds many lines */

/* What a complete line at the end of the chain is. */
enum line_kind {
	LINE_TORN,   /* does not parse: half written (a power cut's NUL bytes, a cut line) */
	LINE_GOOD,   /* parses, and its hash matches */
	LINE_EDITED, /* parses, but its hash does not match: tampering, not a torn write */
};

/* Classify line (len bytes, no newline); takes its seq and stored hash for the chain
 * when it parses, so that the chain goes on from an edited line as it was written. */
static enum line_kind classify_line(struct jstore *s, const char *line, size_t len,
				    char *arena)
{
	struct journal_record r;
	const char *perr;
	if (journal_parse_line(line, len, &r, arena, JOURNAL_LINE_MAX + 1, &perr) < 0)
		return LINE_TORN;
	s->seq = r.seq;
	memcpy(s->last_hash, r.hash, JOURNAL_HASH_LEN);
	return journal_line_hash_ok(line, &r) ? LINE_GOOD : LINE_EDITED;
}

/* The last line that parses in the final TAIL_BYTES of a file, walking back from the
 * end, so that a restart does not read a whole day. 1 found (*good_end, *kind set), 0
 * not in the tail, -1 read error. */
static int scan_tail(struct jstore *s, const char *path, uint64_t size, char *arena,
		     uint64_t *good_end, enum line_kind *kind)
{
	uint64_t from = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
	size_t n = (size_t)(size - from);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *buf = xmalloc(n + 1);
	int rc = 0;
	if (pread(fd, buf, n, (off_t)from) != (ssize_t)n) {
		rc = -1;
		goto out;
	}
	/* Lines end at a newline; the first one in the buffer may be cut (from > 0). */
	size_t end = n;
	while (end > 0 && buf[end - 1] != '\n')
		end--; /* a torn tail with no newline never ends the chain */
	while (end > 0) {
		size_t start = end - 1; /* at the newline ending this line */
		while (start > 0 && buf[start - 1] != '\n')
			start--;
		if (start == 0 && from > 0)
			break; /* this line may begin before the buffer */
		enum line_kind k = classify_line(s, buf + start, end - 1 - start, arena);
		if (k != LINE_TORN) {
			*good_end = from + end;
			*kind = k;
			rc = 1;
			break;
		}
		end = start;
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* The last line that parses of a file by reading it all (the tail held none). */
static int scan_full(struct jstore *s, const char *path, char *arena, bool *found,
		     uint64_t *good_end, enum line_kind *kind)
{
	struct journal_reader rd;
	const char *line;
	size_t len;
	bool complete;
	int got;
	if (journal_reader_open(&rd, path) < 0)
		return -1;
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		if (got < 0 && errno != EMSGSIZE) {
			journal_reader_close(&rd);
			return -1;
		}
		if (got <= 0 || !complete)
			continue;
		enum line_kind k = classify_line(s, line, len, arena);
		if (k != LINE_TORN) {
			*found = true;
			*good_end = rd.offset + len + 1;
			*kind = k;
		}
	}
	journal_reader_close(&rd);
	return 0;
}

/* The number of newlines in the first upto bytes of path (the 1-based number of the
 * line that ends at upto), or 0 when it cannot be read. */
static unsigned long count_lines(const char *path, uint64_t upto)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	unsigned long lines = 0;
	if (fd < 0)
		return 0;
	char *buf = xmalloc(COPY_CHUNK);
	for (uint64_t at = 0; at < upto;) {
		size_t want = upto - at < COPY_CHUNK ? (size_t)(upto - at) : COPY_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)at);
		if (got <= 0) {
			lines = 0;
			break;
		}
		for (ssize_t i = 0; i < got; i++)
			lines += buf[i] == '\n';
		at += (uint64_t)got;
	}
	free(buf);
	close(fd);
	return lines;
}

/* Find the chain's last line: the last complete line that parses in the newest
 * non-empty file (its tail first). Whatever follows it is torn and moved aside; when
 * that line's hash does not match, it was edited: it stays (evidence for verify), the
 * chain goes on from it, and *tampered says where. Fills seq/last_hash. */
static int recover(struct jstore *s, struct journal_file *files, size_t n, struct sbuf *note,
		   struct sbuf *tampered, const char **err)
{
	char *arena = xmalloc(JOURNAL_LINE_MAX + 1);
	int rc = 0;
	for (size_t i = n; i-- > 0;) {
		struct stat st;
		uint64_t good_end = 0, end;
		bool found = false;
		enum line_kind kind = LINE_TORN;
		if (stat(files[i].path, &st) < 0) {
			*err = "cannot read a journal file";
			rc = -1;
			break;
		}
		end = (uint64_t)st.st_size;
		int t = scan_tail(s, files[i].path, end, arena, &good_end, &kind);
		if (t == 1)
			found = true;
		else if (t < 0 || (end > TAIL_BYTES &&
				   scan_full(s, files[i].path, arena, &found, &good_end, &kind) < 0)) {
			*err = "cannot read a journal file";
			rc = -1;
			break;
		}
		if (found && kind == LINE_EDITED)
			sbuf_printf(tampered, "%s:%lu: the last line does not match its hash "
				    "(edited after it was written); kept, the chain goes on from it",
				    files[i].name, count_lines(files[i].path, good_end));
		if (end > good_end) {
			if (note->len)
				sbuf_adds(note, "; ");
			if (move_aside(s, &files[i], good_end, end, note) < 0) {
				*err = "cannot move a torn line aside (journal/torn)";
				rc = -1;
				break;
			}
		}
		if (found)
			break;
	}
	free(arena);
	return rc;
}

/* Create and open the journal directory, and take its lock: one writer per journal, a
 * second one would fork the chain. The lock goes with dirfd (close, exit or kill -9).
 * Files are given to the directory's owner when root writes them. 0, or -1 with *err. */
static int dir_open_locked(struct jstore *s, const char **err)
{
	if (mkdir(s->dir, DIR_MODE) < 0 && errno != EEXIST) {
		*err = "cannot create the journal directory";
		return -1;
	}
	/* A symlink in place of the folder is refused (ELOOP), not followed. */
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0) {
		*err = errno == ELOOP || errno == ENOTDIR
			? "the journal directory is a symlink or not a directory (refused)"
			: "cannot open the journal directory";
		return -1;
	}
	if (flock(s->dirfd, LOCK_EX | LOCK_NB) < 0) {
		*err = errno == EWOULDBLOCK ? "the journal directory is in use by another "
					     "campusgate process (one writer per journal)"
					   : "cannot lock the journal directory";
		return -1;
	}
	struct stat st;
	if (fstat(s->dirfd, &st) == 0 && geteuid() == 0 && st.st_uid != 0) {
		s->chown_files = true;
		s->uid = st.st_uid;
		s->gid = st.st_gid;
	}
	return 0;
}

/* Where writing resumes, from the n files already there (n > 0): the last day's first
 * sequence number, and its last part when that day is today (or later, if the clock
 * went back). A last day that ended without us (a crash, or stopped overnight) may lack
 * its digest line, so it is written now; a repeat is harmless, each digest line is a
 * checkpoint of the chain. */
static void resume_day(struct jstore *s, const struct journal_file *files, size_t n,
		       int32_t today, int32_t *day, unsigned *part)
{
	int32_t last = files[n - 1].day;
	for (size_t i = 0; i < n; i++) {
		uint8_t prev[JOURNAL_HASH_LEN];
		if (files[i].day == last && first_line(files[i].path, &s->day_first_seq,
						       prev) == 0)
			break;
	}
	if (last >= today) {
		*day = last;
		*part = files[n - 1].part;
	} else {
		s->day = last;
		digest(s);
		s->day_first_seq = 0;
	}
}

/* Say what recovery found, in the log and as internal events in the journal. */
static void report_recovery(struct jstore *s, const struct sbuf *note,
			    const struct sbuf *tampered)
{
	if (note->len) {
		log_warn("journal %s: recovered: %s", s->dir, note->data);
		internal_event(s, "recovered", note->data, 0, NULL);
	}
	if (tampered->len) {
		log_err("journal %s: TAMPERING found: %s; run campusgate journal verify", s->dir,
			tampered->data);
		internal_event(s, "tampered", tampered->data, 0, NULL);
	}
}

int jstore_open(struct jstore *s, const struct cfg_journal *cfg, const char *zone,
		const char **err)
{
	struct journal_file *files = NULL;
	size_t n = 0;
	struct sbuf note, tampered;
	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->dirfd = -1;
	sbuf_init(&s->out);
	sbuf_init(&s->line);
	sbuf_init(&note);
	sbuf_init(&tampered);
	if (!cfg->dir || !*cfg->dir) {
		*err = "no journal directory configured ([journal] dir)";
		return -1;
	}
	s->dir = xstrdup(cfg->dir);
	s->tz = tz_load(zone && *zone ? zone : "Asia/Shanghai", err);
	if (!s->tz)
		goto fail; /* *err says why */
	s->max_file_bytes = cfg->max_file_bytes;
	s->retention_days = cfg->retention_days;
	if (dir_open_locked(s, err) < 0)
		goto fail;
	if (journal_list_files(s->dir, &files, &n) < 0) {
		*err = "cannot list the journal directory";
		goto fail;
	}
	if (recover(s, files, n, &note, &tampered, err) < 0)
		goto fail;

	s->now_us = now_wall_us();
	int32_t today = now_day(s), day = today;
	unsigned part = 0;
	if (n > 0)
		resume_day(s, files, n, today, &day, &part);
	s->day = day;
	if (open_file(s, day, part) < 0) {
		*err = "cannot open the day file";
		goto fail;
	}
	report_recovery(s, &note, &tampered);
	retention(s, today);
	jstore_sync(s);
	sbuf_free(&note);
	sbuf_free(&tampered);
	journal_files_free(files, n);
	return 0;
fail:
	sbuf_free(&note);
	sbuf_free(&tampered);
	journal_files_free(files, n);
	jstore_close(s);
	return -1;
}

void jstore_close(struct jstore *s)
{
	if (s->fd >= 0) {
		jstore_sync(s);
		digest(s);
		close(s->fd);
		s->fd = -1;
	}
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->dirfd = -1;
	sbuf_free(&s->out);
	sbuf_free(&s->line);
	free(s->dir);
	tz_free(s->tz);
	s->dir = NULL;
	s->tz = NULL;
}
