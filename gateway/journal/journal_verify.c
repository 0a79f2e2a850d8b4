/* journal_verify: walk the journal's files in order and check every line's hash, the
 * chain of prev hashes, the sequence numbers and the daily digests; name the first bad
 * line and what is wrong with it. */
#include "journal_verify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "journal_read.h"

#define DIGEST_MAX 100000 /* digest.log lines kept (one or two a day) */
#define SEARCH_MAX 100000 /* lines searched for a missing seq before it is "deleted" */
#define TORN_WAIT_STEPS 15 /* 100 ms steps to wait for a half-written last line */

struct vstate {
	struct journal_verify_result *res;
	bool whole;                      /* from the start of the chain */
	bool have_prev;
	uint64_t prev_seq;
	uint8_t prev_hash[JOURNAL_HASH_LEN];
	const char *prev_file;
	unsigned long prev_line;
	/* The first line, and whether something explains where it starts. */
	uint64_t start_seq;
	uint8_t start_prev[JOURNAL_HASH_LEN];
	const char *start_file;
	bool start_ok;
	/* A sequence jump waiting for the next line: a deletion, or a swapped pair. */
	bool pending;
	uint64_t pend_seq;
	const char *pend_file;
	unsigned long pend_line;
	bool pend_boundary;              /* the jump is at the start of a file */
	uint64_t pend_looked;            /* lines read since, looking for the missing one */
	struct journal_digest *dg;
	size_t ndg, dgi;
	/* The day of the file being read, and the seq of its first line: a digest's
	 * first_seq and count are checked against them. */
	bool in_day;
	int32_t day;
	uint64_t day_first_seq;
	const char *day_file;
	unsigned long day_line;
};

static void bad(struct vstate *v, int status, const char *file, unsigned long line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void bad(struct vstate *v, int status, const char *file, unsigned long line,
		const char *fmt, ...)
{
	va_list ap;
	if (v->res->status != 0)
		return; /* keep the first */
	v->res->status = status;
	snprintf(v->res->file, sizeof v->res->file, "%s", file);
	v->res->line = line;
	va_start(ap, fmt);
	vsnprintf(v->res->what, sizeof v->res->what, fmt, ap);
	va_end(ap);
}

/* ---- digest.log -------------------------------------------------------------------- */

int journal_digest_parse(const char *s, size_t len, struct journal_digest *d)
{
	size_t i = 0;
	bool have_seq = false, have_hash = false, have_day = false;
	memset(d, 0, sizeof *d);
	if (len < 2 || s[0] != '{' || s[len - 1] != '}')
		return -1;
	i = 1;
	while (i < len - 1) {
		const char *key, *val;
		size_t klen, vlen;
		if (s[i] != '"')
			return -1;
		key = s + ++i;
		while (i < len && s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= len || s[i] != '"')
			return -1;
		klen = (size_t)(s + i - key);
		if (++i >= len || s[i++] != ':' || i >= len)
			return -1;
		bool str = s[i] == '"';
		if (str)
			i++;
		val = s + i;
		while (i < len && (str ? s[i] != '"' && s[i] != '\\' : s[i] >= '0' && s[i] <= '9'))
			i++;
		vlen = (size_t)(s + i - val);
		if (str && (i >= len || s[i++] != '"'))
			return -1;
		if (i < len - 1) {
			if (s[i] != ',' || i + 1 >= len - 1)
				return -1; /* no comma, or a comma before the '}' */
			i++;
		}
		uint64_t *num = NULL;
		if (klen == 8 && memcmp(key, "last_seq", 8) == 0)
			num = &d->last_seq;
		else if (klen == 9 && memcmp(key, "first_seq", 9) == 0)
			num = &d->first_seq;
		else if (klen == 5 && memcmp(key, "count", 5) == 0)
			num = &d->count;
		if (num && !str) {
			char buf[24];
			unsigned long long v;
			if (vlen == 0 || vlen >= sizeof buf)
				return -1;
			memcpy(buf, val, vlen);
			buf[vlen] = '\0';
			if (parse_uint(buf, 0, UINT64_MAX, &v) < 0)
				return -1;
			*num = v;
			if (num == &d->last_seq)
				have_seq = true;
		} else if (klen == 9 && memcmp(key, "last_hash", 9) == 0 && str) {
			if (journal_unhex(val, vlen, d->last_hash) < 0)
				return -1;
			have_hash = true;
		} else if (klen == 3 && memcmp(key, "day", 3) == 0 && str) {
			int32_t day;
			if (journal_parse_day(val, vlen, &day) < 0)
				return -1;
			memcpy(d->day, val, 10);
			d->day[10] = '\0';
			have_day = true;
		} else if (!str && vlen == 0) {
			return -1;
		}
	}
	return have_seq && have_hash && have_day ? 0 : -1;
}

static int digest_cmp(const void *a, const void *b)
{
	const struct journal_digest *x = a, *y = b;
	if (x->last_seq != y->last_seq)
		return x->last_seq < y->last_seq ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Read dir/digest.log (absent: no digests). A malformed complete line is tampering. */
static int digest_load(struct vstate *v, const char *dir)
{
	struct journal_reader rd;
	struct sbuf path;
	const char *line;
	size_t len, cap = 0;
	bool complete;
	int got, rc = 0;
	sbuf_init(&path);
	sbuf_printf(&path, "%s/digest.log", dir);
	if (journal_reader_open(&rd, path.data) < 0) {
		if (errno != ENOENT) {
			bad(v, 2, "digest.log", 0, "cannot read digest.log: %s", strerror(errno));
			rc = -1;
		}
		sbuf_free(&path);
		return rc;
	}
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		struct journal_digest d;
		memset(&d, 0, sizeof d);
		if (got < 0 && errno != EMSGSIZE) {
			bad(v, 2, "digest.log", rd.lineno, "cannot read digest.log: %s",
			    strerror(errno));
			rc = -1;
			break;
		}
		if (got > 0 && !complete)
			break; /* a digest being written, or cut by a crash */
		if (got < 0 || journal_digest_parse(line, len, &d) < 0) {
			bad(v, 1, "digest.log", rd.lineno,
			    JV_EDITED ": not a valid digest line");
			rc = -1;
			break;
		}
		if (v->ndg == DIGEST_MAX)
			continue;
		if (v->ndg == cap) {
			cap = cap ? cap * 2 : 64;
			v->dg = xrealloc(v->dg, cap * sizeof *v->dg);
		}
		d.line = rd.lineno;
		v->dg[v->ndg++] = d;
	}
	journal_reader_close(&rd);
	sbuf_free(&path);
	if (v->ndg)
		qsort(v->dg, v->ndg, sizeof *v->dg, digest_cmp);
	return rc;
}

/* Compare the line with seq (hash h) against the digests that end at it: its hash, and
 * the digest's day, first_seq and count against the day's lines. */
static void digest_check(struct vstate *v, uint64_t seq, const uint8_t *h, const char *file,
			 unsigned long line)
{
	char day[11];
	journal_day_str(v->day, day);
	while (v->dgi < v->ndg && v->dg[v->dgi].last_seq < seq)
		v->dgi++; /* before the checked range; gaps are caught by the sequence */
	for (; v->dgi < v->ndg && v->dg[v->dgi].last_seq == seq; v->dgi++) {
		const struct journal_digest *d = &v->dg[v->dgi];
		if (memcmp(d->last_hash, h, JOURNAL_HASH_LEN) != 0) {
			bad(v, 1, file, line,
			    JV_REWRITTEN ": the hash of seq %llu differs from the daily digest of "
			    "%s (digest.log line %lu): the chain was rewritten after the digest",
			    (unsigned long long)seq, d->day, d->line);
			return;
		}
		if (d->first_seq > d->last_seq || d->count != d->last_seq - d->first_seq + 1) {
			bad(v, 1, "digest.log", d->line,
			    JV_EDITED ": the digest of %s counts %llu events, but seq %llu..%llu "
			    "is %llu: the digest or the lines were changed", d->day,
			    (unsigned long long)d->count, (unsigned long long)d->first_seq,
			    (unsigned long long)d->last_seq,
			    (unsigned long long)(d->first_seq > d->last_seq ? 0 :
						 d->last_seq - d->first_seq + 1));
			return;
		}
		if (strcmp(d->day, day) != 0) {
			bad(v, 1, "digest.log", d->line,
			    JV_EDITED ": the digest of %s ends at seq %llu, which is in %s:%lu, a "
			    "file of %s", d->day, (unsigned long long)seq, file, line, day);
			return;
		}
		/* A day that starts where the journal does with nothing saying why has its
		 * own verdict at the end ("the journal starts at seq N"). */
		bool unexplained_start = v->day_first_seq == v->start_seq && !v->start_ok;
		if (d->first_seq != v->day_first_seq && !unexplained_start) {
			bad(v, 1, "digest.log", d->line,
			    JV_EDITED ": the digest of %s says the day starts at seq %llu, but its "
			    "first line (%s:%lu) is seq %llu: lines were added or removed, or the "
			    "digest was changed", d->day, (unsigned long long)d->first_seq,
			    v->day_file, v->day_line, (unsigned long long)v->day_first_seq);
			return;
		}
		v->res->digests++;
	}
}

/* ---- the chain ------------------------------------------------------------------- */

static void report_jump(struct vstate *v)
{
	unsigned long long from = v->prev_seq, to = v->pend_seq;
	if (v->pend_boundary)
		bad(v, 1, v->pend_file, v->pend_line,
		    JV_MISSING ": seq jumps from %llu (end of %s) to %llu: %llu line(s) gone "
		    "between the files (a journal file was removed, or lines were cut at "
		    "the end of %s)", from, v->prev_file, to, to - from - 1, v->prev_file);
	else
		bad(v, 1, v->pend_file, v->pend_line,
		    JV_DELETED ": seq jumps from %llu (line %lu) to %llu: %llu line(s) deleted",
		    from, v->prev_line, to, to - from - 1);
}

/* One parsed, hash-checked line. Returns -1 to stop. */
static int chain_line(struct vstate *v, const struct journal_record *r, const char *file,
		      int32_t day, unsigned long lineno, bool first_in_file)
{
	static const uint8_t zero[JOURNAL_HASH_LEN];
	if (v->pending) {
		/* Look a while for the missing line: moved (reordered) or gone (deleted). */
		if (r->seq == v->prev_seq + 1) {
			bad(v, 1, v->pend_file, v->pend_line,
			    JV_REORDERED ": seq %llu comes before seq %llu (%s:%lu)",
			    (unsigned long long)v->pend_seq, (unsigned long long)r->seq, file,
			    lineno);
			return -1;
		}
		if (++v->pend_looked < SEARCH_MAX)
			return 0;
		report_jump(v);
		return -1;
	}
	if (!v->have_prev) {
		v->start_seq = r->seq;
		memcpy(v->start_prev, r->prev, JOURNAL_HASH_LEN);
		v->start_file = file;
		v->start_ok = !v->whole ||
			(r->seq == 1 && memcmp(r->prev, zero, JOURNAL_HASH_LEN) == 0);
		v->res->first_seq = r->seq;
		v->res->first_time_us = r->time_us;
		v->res->first_offset = r->utc_offset;
	} else if (r->seq > v->prev_seq + 1) {
		v->pending = true;
		v->pend_seq = r->seq;
		v->pend_file = file;
		v->pend_line = lineno;
		v->pend_boundary = first_in_file;
		return 0; /* decided by the next line */
	} else if (r->seq <= v->prev_seq) {
		bad(v, 1, file, lineno, JV_REORDERED ": seq %llu follows seq %llu (%s:%lu)%s",
		    (unsigned long long)r->seq, (unsigned long long)v->prev_seq, v->prev_file,
		    v->prev_line, r->seq == v->prev_seq ? "; a line was copied or inserted" : "");
		return -1;
	} else if (memcmp(r->prev, v->prev_hash, JOURNAL_HASH_LEN) != 0) {
		bad(v, 1, file, lineno,
		    JV_EDITED ": prev does not match the hash of the line before (%s:%lu), "
		    "which was changed or replaced", v->prev_file, v->prev_line);
		return -1;
	}
	if (r->event && strcmp(r->event, "retention") == 0 && r->start_prev && !v->start_ok) {
		uint8_t sp[JOURNAL_HASH_LEN];
		if (journal_unhex(r->start_prev, strlen(r->start_prev), sp) == 0 &&
		    r->start_seq == v->start_seq &&
		    memcmp(sp, v->start_prev, JOURNAL_HASH_LEN) == 0) {
			v->start_ok = true;
			v->res->start_moved = true;
		}
	}
	if (!v->in_day || day != v->day) {
		v->in_day = true;
		v->day = day;
		v->day_first_seq = r->seq;
		v->day_file = file;
		v->day_line = lineno;
	}
	digest_check(v, r->seq, r->hash, file, lineno);
	if (v->res->status)
		return -1;
	v->have_prev = true;
	v->prev_seq = r->seq;
	memcpy(v->prev_hash, r->hash, JOURNAL_HASH_LEN);
	v->prev_file = file;
	v->prev_line = lineno;
	v->res->last_seq = r->seq;
	v->res->last_time_us = r->time_us;
	v->res->last_offset = r->utc_offset;
	return 0;
}

/* One line read from label (a file, or a school's stored copy) as line lineno: got and
 * complete as the reader said. Checks its hash and its place in the chain; -1 to stop. */
static int check_line(struct vstate *v, const char *line, size_t len, int got, bool complete,
		      const char *label, int32_t day, unsigned long lineno, bool first_in_file,
		      char *arena)
{
	struct journal_record r;
	const char *perr = NULL;
	v->res->lines++;
	bool parsed = got > 0 && complete &&
		journal_parse_line(line, len, &r, arena, JOURNAL_LINE_MAX + 1, &perr) == 0;
	if (parsed && journal_line_hash_ok(line, &r)) {
		if (day == INT32_MIN)
			day = journal_day(r.time_us, r.utc_offset);
		return chain_line(v, &r, label, day, lineno, first_in_file);
	}
	if (v->pending)
		report_jump(v); /* the jump came first */
	if (got < 0)
		bad(v, 1, label, lineno, JV_EDITED ": line longer than %d bytes", JOURNAL_LINE_MAX);
	else if (!complete)
		bad(v, 1, label, lineno,
		    JV_TORN ": the last line has no newline (%zu bytes, cut off by a "
		    "crash or a truncation)", len);
	else if (!parsed)
		bad(v, 1, label, lineno, JV_EDITED ": not a valid journal line (%s)", perr);
	else
		bad(v, 1, label, lineno, JV_EDITED ": the line does not match its hash (seq %llu)",
		    (unsigned long long)r.seq);
	return -1;
}

/* Check one file; -1 to stop. */
static int verify_file(struct vstate *v, const struct journal_file *f, char *arena)
{
	struct journal_reader rd;
	const char *line;
	size_t len;
	bool complete;
	int got, rc = 0;
	if (journal_reader_open(&rd, f->path) < 0) {
		bad(v, 2, f->name, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	v->res->files++;
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		if (got < 0 && errno != EMSGSIZE) {
			bad(v, 2, f->name, rd.lineno, "cannot read: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (check_line(v, line, len, got, complete, f->name, f->day, rd.lineno,
			       rd.lineno == 1, arena) < 0) {
			rc = -1;
			break;
		}
	}
	journal_reader_close(&rd);
	return rc;
}

/* The end of the lines: a jump still waiting, an unexplained start. */
static void chain_end(struct vstate *v)
{
	if (v->res->status)
		return;
	if (v->pending) {
		report_jump(v);
		return;
	}
	if (v->have_prev && !v->start_ok)
		bad(v, 1, v->start_file, 1,
		    JV_DELETED ": the journal starts at seq %llu, not 1, and no retention event "
		    "says why (lines or files before it were removed)",
		    (unsigned long long)v->start_seq);
}

/* One pass over the journal; *torn_path gets the path of a torn last file (or NULL). */
static void verify_once(const char *dir, int32_t from_day, struct journal_verify_result *res,
			char **torn_path)
{
	struct journal_file *files = NULL;
	size_t n = 0, i;
	char *arena = NULL;
	struct vstate v;
	memset(res, 0, sizeof *res);
	memset(&v, 0, sizeof v);
	v.res = res;
	v.whole = from_day == INT32_MIN;
	if (journal_list_files(dir, &files, &n) < 0) {
		bad(&v, 2, dir, 0, "cannot read the journal directory: %s", strerror(errno));
		return;
	}
	if (digest_load(&v, dir) < 0)
		goto done;
	arena = xmalloc(JOURNAL_LINE_MAX + 1);
	for (i = 0; i < n; i++) {
		if (files[i].day < from_day)
			continue;
		if (verify_file(&v, &files[i], arena) < 0)
			break;
	}
	if (res->status == 1 && i == n - 1 && strncmp(res->what, JV_TORN, strlen(JV_TORN)) == 0)
		*torn_path = xstrdup(files[i].path);
	if (res->status)
		goto done;
	chain_end(&v);
	if (res->status)
		goto done;
	/* Digests past the end: the last lines or files are gone. */
	for (; v.dgi < v.ndg; v.dgi++) {
		const struct journal_digest *d = &v.dg[v.dgi];
		if (v.have_prev && d->last_seq > v.prev_seq) {
			bad(&v, 1, v.prev_file, v.prev_line,
			    JV_DELETED ": the journal ends at seq %llu, but the digest of %s "
			    "(digest.log line %lu) records seq %llu: lines or files at the end "
			    "are gone", (unsigned long long)v.prev_seq, d->day, d->line,
			    (unsigned long long)d->last_seq);
			break;
		}
		if (!v.have_prev && v.whole) {
			bad(&v, 1, "digest.log", d->line,
			    JV_MISSING ": no journal lines, but the digest of %s records seq %llu",
			    d->day, (unsigned long long)d->last_seq);
			break;
		}
	}
	if (v.have_prev)
		journal_hex(v.prev_hash, res->last_hash);
done:
	free(arena);
	free(v.dg);
	journal_files_free(files, n);
}

/* Size of path, or -1. */
static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

void journal_verify(const char *dir, int32_t from_day, struct journal_verify_result *res)
{
	char *torn = NULL;
	verify_once(dir, from_day, res, &torn);
	if (!torn)
		return;
	/* The newest file ends in half a line: the running daemon may be writing it. Give it
	 * a moment; if the file grows, look again once. */
	long long size = file_size(torn);
	for (int i = 0; i < TORN_WAIT_STEPS && file_size(torn) == size; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (file_size(torn) != size) {
		free(torn);
		torn = NULL;
		verify_once(dir, from_day, res, &torn);
	}
	free(torn);
}

/* ---- a chain fed line by line ---------------------------------------------------- */

struct journal_chain {
	struct vstate v;
	char *arena;
};

struct journal_chain *journal_chain_new(struct journal_verify_result *res, bool whole)
{
	struct journal_chain *c = xcalloc(1, sizeof *c);
	memset(res, 0, sizeof *res);
	c->v.res = res;
	c->v.whole = whole;
	c->arena = xmalloc(JOURNAL_LINE_MAX + 1);
	return c;
}

int journal_chain_line(struct journal_chain *c, const char *line, size_t len, const char *label,
		       unsigned long lineno)
{
	if (c->v.res->status)
		return -1;
	if (len >= JOURNAL_LINE_MAX)
		return check_line(&c->v, line, len, -1, true, label, INT32_MIN, lineno, false,
				  c->arena);
	return check_line(&c->v, line, len, 1, true, label, INT32_MIN, lineno, false, c->arena);
}

void journal_chain_end(struct journal_chain *c)
{
	chain_end(&c->v);
	if (c->v.res->status == 0 && c->v.have_prev)
		journal_hex(c->v.prev_hash, c->v.res->last_hash);
}

void journal_chain_free(struct journal_chain *c)
{
	if (!c)
		return;
	free(c->arena);
	free(c->v.dg);
	free(c);
}
