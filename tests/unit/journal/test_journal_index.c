/* Tests for the journal's index and rollup (journal_index.h) and the scans that use it
 * (journal_scan.c): on random journals, the indexed scan, the newest-first scan and
 * the rollup agree with a full read done here without the index; a stale, damaged or
 * replaced index is not used but rebuilt; hostile index bytes are refused, bounded. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal_format.h"
#include "journal_index.h"
#include "journal_read.h"
#include "journal_read_support.h"
#include "testutil.h"
#include "util.h"

static const char *const cats[] = { "gambling", "pornography", "bypass", "superstition", NULL };
static const char *const groups[] = { "students", "staff", "lab", NULL };
static const char *const actions[] = { "block", "observed", "bypass" };
static const char *const events[] = { "hit", "hit", "hit", "bypass", "admin", NULL };

/* A random journal: a chain over ndays day files, some garbage lines, some late events. */
struct rj {
	char *dir;
	uint64_t seq;
	uint8_t last[JOURNAL_HASH_LEN];
	int64_t t0, t1;
	bool clean;       /* no garbage lines */
};

static unsigned rnd(unsigned n)
{
	return (unsigned)random() % n;
}

static void rj_day(struct rj *j, int32_t day, int n)
{
	char name[32], client[32], host[32], id[24];
	struct sbuf out;
	sbuf_init(&out);
	journal_day_str(day, name);
	strcat(name, ".jsonl");
	int64_t start = (int64_t)day * US_PER_DAY - OFF8 * 1000000LL;
	for (int i = 0; i < n; i++) {
		if (!j->clean && rnd(97) == 0) {
			sbuf_adds(&out, rnd(2) ? "garbage\n" : "{\"category\":\"gambling\"}\n");
			continue;
		}
		struct journal_record r;
		memset(&r, 0, sizeof r);
		r.seq = ++j->seq;
		r.time_us = start + (int64_t)i * (US_PER_DAY / n);
		if (rnd(50) == 0)
			r.time_us -= US_PER_DAY * (1 + rnd(3)); /* a late event */
		r.utc_offset = OFF8;
		snprintf(id, sizeof id, "id%llu", (unsigned long long)r.seq);
		snprintf(client, sizeof client, "10.1.%u.%u", rnd(3), rnd(40));
		snprintf(host, sizeof host, "site%u.example", rnd(60));
		r.id = id;
		r.event = events[rnd(5)];
		r.proto = rnd(2) ? "dns" : "http";
		r.action = actions[rnd(3)];
		r.client = client;
		r.host = rnd(53) ? host : "we\"ird\\.example"; /* escaped: the full parse */
		r.group = groups[rnd(4)];      /* sometimes none */
		r.category = cats[rnd(5)];     /* sometimes none */
		memcpy(r.prev, j->last, JOURNAL_HASH_LEN);
		journal_format_line(&out, &r);
		memcpy(j->last, r.hash, JOURNAL_HASH_LEN);
		if (j->t0 == 0 || r.time_us < j->t0)
			j->t0 = r.time_us;
		if (r.time_us > j->t1)
			j->t1 = r.time_us;
	}
	char *p = path_in(j->dir, name);
	append_file(p, out.data, out.len);
	free(p);
	sbuf_free(&out);
}

/* What a scan delivered: the seqs, in order. */
struct got {
	uint64_t *seq;
	size_t n, cap, stop_at;
};

static int got_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct got *g = ctx;
	(void)line;
	(void)len;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->seq = xrealloc(g->seq, g->cap * sizeof *g->seq);
	}
	g->seq[g->n++] = r->seq;
	return g->stop_at && g->n >= g->stop_at;
}

/* The reference: every line of every file from the range's first day on, read and
 * filtered here without the index. */
static void full_read(const char *dir, int64_t from, int64_t to, const char *const *must,
		      struct got *g, uint64_t *bad)
{
	struct journal_file *files;
	size_t n;
	char *arena = xmalloc(JOURNAL_LINE_MAX + 1);
	ck_assert_int_eq(journal_list_files(dir, &files, &n), 0);
	int32_t from_day = from == INT64_MIN ? INT32_MIN : journal_day(from, 0) - 1;
	for (size_t i = 0; i < n; i++) {
		if (files[i].day < from_day)
			continue;
		struct journal_reader rd;
		const char *line, *err;
		size_t len;
		bool complete;
		ck_assert_int_eq(journal_reader_open(&rd, files[i].path), 0);
		int rc;
		while ((rc = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
			struct journal_record r;
			if (rc < 0) {
				ck_assert_int_eq(errno, EMSGSIZE); /* skipped by the reader */
				continue;
			}
			bool all = true;
			for (const char *const *m = must; m && *m; m++)
				all = all && memmem(line, len, *m, strlen(*m));
			if (!all)
				continue;
			if (journal_parse_line(line, len, &r, arena, JOURNAL_LINE_MAX + 1, &err) < 0)
				(*bad)++;
			else if (r.time_us >= from && r.time_us <= to)
				got_cb(&r, line, len, g);
		}
		journal_reader_close(&rd);
	}
	journal_files_free(files, n);
	free(arena);
}

static void pick_must(const char *must[4])
{
	static char buf[3][64];
	size_t k = 0;
	if (rnd(2))
		snprintf(buf[k], sizeof buf[k], "\"category\":\"%s\"", cats[rnd(4)]), k++;
	if (rnd(3) == 0)
		snprintf(buf[k], sizeof buf[k], "\"client\":\"10.1.%u.%u\"", rnd(3), rnd(40)), k++;
	if (rnd(3) == 0)
		snprintf(buf[k], sizeof buf[k], "\"group\":\"%s\"", groups[rnd(3)]), k++;
	for (size_t i = 0; i < k; i++)
		must[i] = buf[i];
	must[k] = NULL;
}

static void check_agree(struct rj *j, int rounds)
{
	for (int round = 0; round < rounds; round++) {
		const char *must[4];
		pick_must(must);
		int64_t span = j->t1 - j->t0 + 1, from = INT64_MIN, to = INT64_MAX;
		if (rnd(4)) {
			from = j->t0 + (int64_t)(rnd(1000) * (span / 1000));
			to = from + (int64_t)(rnd(1000) * (span / 1000));
		}
		struct got want = { 0 }, fwd = { 0 }, back = { 0 };
		uint64_t bad_want = 0, bad_fwd = 0, bad_back = 0;
		const char *err;
		full_read(j->dir, from, to, must, &want, &bad_want);
		ck_assert_int_eq(journal_scan(j->dir, from, to, must, got_cb, &fwd, &bad_fwd, &err), 0);
		ck_assert_uint_eq(fwd.n, want.n);
		ck_assert_uint_eq(bad_fwd, bad_want);
		for (size_t i = 0; i < want.n; i++)
			ck_assert_uint_eq(fwd.seq[i], want.seq[i]);
		back.stop_at = rnd(2) ? 0 : 1 + rnd(60);
		ck_assert_int_eq(journal_scan_newest(j->dir, from, to, must, got_cb, &back,
						     &bad_back, &err), 0);
		ck_assert_uint_eq(back.n, back.stop_at && back.stop_at < want.n ? back.stop_at : want.n);
		for (size_t i = 0; i < back.n; i++)
			ck_assert_uint_eq(back.seq[i], want.seq[want.n - 1 - i]);
		free(want.seq);
		free(fwd.seq);
		free(back.seq);
	}
}

static char *idx_file(const char *cache);

/* Every file indexed (as the console's thread and `journal index` do). */
static void warm_all(struct rj *j)
{
	unsigned built = 0;
	const char *err;
	ck_assert_int_eq(journal_index_warm(j->dir, INT64_MIN, NULL, &built, &err), 0);
	ck_assert_uint_gt(built, 0);
}

START_TEST(index_agrees_with_full_read)
{
	for (int trial = 0; trial < 6; trial++) {
		struct rj j = { .dir = tu_tmpdir() };
		char *cache = tu_tmpdir();
		srandom((unsigned)(trial * 7919 + 1));
		journal_index_cache_clear();
		journal_index_cache_setup(trial % 2 ? cache : NULL);
		int ndays = 1 + (int)rnd(5);
		for (int d = 0; d < ndays; d++)
			rj_day(&j, DAY0 + d, 200 + (int)rnd(1500));
		/* No index yet: plain reads, forwards and backwards. */
		check_agree(&j, 10);
		warm_all(&j);
		check_agree(&j, 30);
		/* Appended to since: the index is extended, and still agrees. */
		rj_day(&j, DAY0 + ndays - 1, 300);
		check_agree(&j, 10);
		/* A fresh process: the indexes come back from the cache folder. */
		journal_index_cache_clear();
		check_agree(&j, 10);
		tu_rmtree(j.dir);
		tu_rmtree(cache);
		free(j.dir);
		free(cache);
	}
}
END_TEST

/* More files than the cache holds in memory: the least used go (and come back from the
 * folder), with the same answers. */
START_TEST(many_files_evicted)
{
	struct rj j = { .dir = tu_tmpdir() };
	char *cache = tu_tmpdir();
	srandom(31);
	journal_index_cache_setup(cache);
	for (int d = 0; d < JIDX_CACHE_FILES + 5; d++)
		rj_day(&j, DAY0 + d, 120);
	warm_all(&j);
	check_agree(&j, 30);
	tu_rmtree(j.dir);
	tu_rmtree(cache);
	free(j.dir);
	free(cache);
}
END_TEST

/* What is made in the cache folder belongs to the folder's owner: run as root (cron's
 * `campusgate journal index` into the console's folder), the console's user. */
START_TEST(cache_files_owned_by_folder_owner)
{
	struct rj j = { .dir = tu_tmpdir() };
	char *cache = tu_tmpdir();
	struct stat st, fst;
	srandom(17);
	if (geteuid() == 0)
		ck_assert_int_eq(chown(cache, 65534, 65534), 0); /* nobody's, as the console's is */
	ck_assert_int_eq(stat(cache, &st), 0);
	journal_index_cache_setup(cache);
	rj_day(&j, DAY0, 300);
	warm_all(&j);
	char *ip = idx_file(cache), *sub = xstrdup(ip);
	*strrchr(sub, '/') = '\0';
	ck_assert_int_eq(stat(ip, &fst), 0);
	ck_assert_uint_eq(fst.st_uid, st.st_uid);
	ck_assert_uint_eq(fst.st_gid, st.st_gid);
	ck_assert_int_eq(stat(sub, &fst), 0);
	ck_assert_uint_eq(fst.st_uid, st.st_uid);
	free(sub);
	free(ip);
	journal_index_cache_setup(NULL);
	tu_rmtree(j.dir);
	tu_rmtree(cache);
	free(j.dir);
	free(cache);
}
END_TEST

/* ---- the rollup -------------------------------------------------------------------- */

struct sums {
	uint64_t hour_total, incidents_by_client, incidents_by_site, gambling_students;
};

static void sum_cb(unsigned kind, int64_t hour_us, int32_t file_day, const char *const s[4],
		   uint64_t n, void *ctx)
{
	struct sums *t = ctx;
	(void)file_day;
	if (kind == JIDX_HOUR) {
		ck_assert(hour_us % (3600LL * 1000000) == 0);
		t->hour_total += n;
		if (s[0] && strcmp(s[0], "students") == 0 && s[1] && strcmp(s[1], "gambling") == 0)
			t->gambling_students += n;
	} else if (kind == JIDX_CLIENT) {
		t->incidents_by_client += n;
	} else {
		t->incidents_by_site += n;
	}
}

static int count_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct sums *t = ctx;
	(void)line;
	(void)len;
	t->hour_total++;
	if (!r->event || strcmp(r->event, "hit") == 0 || strcmp(r->event, "bypass") == 0)
		t->incidents_by_client++;
	if (r->group && strcmp(r->group, "students") == 0 && r->category &&
	    strcmp(r->category, "gambling") == 0)
		t->gambling_students++;
	return 0;
}

START_TEST(rollup_agrees_with_full_read)
{
	struct rj j = { .dir = tu_tmpdir() };
	srandom(4242);
	for (int d = 0; d < 4; d++)
		rj_day(&j, DAY0 + d, 3000);
	struct sums want = { 0 }, got = { 0 };
	const char *err;
	/* whole hours, so that the rollup's hours are the same range */
	int64_t h = 3600LL * 1000000, from = (j.t0 / h + 5) * h, to = (j.t1 / h - 3) * h - 1;
	ck_assert_int_eq(journal_scan(j.dir, from, to, NULL, count_cb, &want, NULL, &err), 0);
	ck_assert_int_eq(journal_rollup(j.dir, from, to, sum_cb, &got, &err), 0);
	ck_assert_uint_gt(want.hour_total, 1000);
	ck_assert_uint_eq(got.hour_total, want.hour_total);
	ck_assert_uint_eq(got.gambling_students, want.gambling_students);
	/* the client and site tables are per file, for every file from the range on */
	memset(&want, 0, sizeof want);
	memset(&got, 0, sizeof got);
	ck_assert_int_eq(journal_scan(j.dir, INT64_MIN, INT64_MAX, NULL, count_cb, &want, NULL,
				      &err), 0);
	ck_assert_int_eq(journal_rollup(j.dir, INT64_MIN, INT64_MAX, sum_cb, &got, &err), 0);
	ck_assert_uint_eq(got.incidents_by_client, want.incidents_by_client);
	ck_assert_uint_eq(got.incidents_by_site, want.incidents_by_client);
	tu_rmtree(j.dir);
	free(j.dir);
}
END_TEST

/* ---- one make of a file's index at a time ------------------------------------------ */

struct rollup_run {
	const char *dir;
	struct sums s;
	atomic_bool done;
};

static void *rollup_thread(void *arg)
{
	struct rollup_run *a = arg;
	const char *err;
	ck_assert_int_eq(journal_rollup(a->dir, INT64_MIN, INT64_MAX, sum_cb, &a->s, &err), 0);
	atomic_store(&a->done, true);
	return NULL;
}

/* While one thread holds the claim to make a file's index, a second lookup gets no
 * claim: a reader reads the file plainly meanwhile, and a builder (journal_rollup)
 * waits for that make and uses it instead of building the index too. */
START_TEST(cache_make_claimed_once)
{
	struct rj j = { .dir = tu_tmpdir(), .clean = true };
	char name[32];
	int c1, c2;
	srandom(23);
	journal_index_cache_clear();
	journal_index_cache_setup(NULL);
	rj_day(&j, DAY0, 2000);
	journal_day_str(DAY0, name);
	strcat(name, ".jsonl");
	char *p = path_in(j.dir, name);
	journal_index_cache_lock();
	ck_assert_ptr_null(journal_index_cache_lookup(j.dir, name, p, &c1));
	ck_assert_int_ge(c1, 0);
	ck_assert_ptr_null(journal_index_cache_lookup(j.dir, name, p, &c2));
	ck_assert_int_eq(c2, -1);
	journal_index_cache_unlock();
	struct sums want = { 0 };
	const char *err;
	ck_assert_int_eq(journal_scan(j.dir, INT64_MIN, INT64_MAX, NULL, count_cb, &want, NULL,
				      &err), 0);
	ck_assert_uint_eq(want.hour_total, 2000);
	struct rollup_run run = { .dir = j.dir };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, rollup_thread, &run), 0);
	nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
	ck_assert_msg(!atomic_load(&run.done), "the rollup did not wait for the make");
	ck_assert_int_eq(journal_index_cache_make(c1, j.dir, name, p, true), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_uint_eq(run.s.hour_total, want.hour_total);
	journal_index_cache_lock();
	ck_assert_ptr_nonnull(journal_index_cache_lookup(j.dir, name, p, &c2));
	ck_assert_int_eq(c2, -1);
	journal_index_cache_unlock();
	/* none in memory nor in a folder, and no build: none made, and the claim ends */
	journal_index_cache_clear();
	journal_index_cache_lock();
	ck_assert_ptr_null(journal_index_cache_lookup(j.dir, name, p, &c1));
	journal_index_cache_unlock();
	ck_assert_int_ge(c1, 0);
	ck_assert_int_eq(journal_index_cache_make(c1, j.dir, name, p, false), -1);
	journal_index_cache_lock();
	ck_assert_ptr_null(journal_index_cache_lookup(j.dir, name, p, &c2));
	journal_index_cache_unlock();
	ck_assert_int_ge(c2, 0);
	ck_assert_int_eq(journal_index_cache_make(c2, j.dir, name, p, false), -1);
	free(p);
	tu_rmtree(j.dir);
	free(j.dir);
}
END_TEST

/* ---- stale, damaged and hostile indexes --------------------------------------------- */

/* The lines found newest first and oldest first: the same number, with the index as it
 * is (none yet: the newest first read goes backwards plainly) and once built. */
static size_t count_all(const char *dir, const char *const *must)
{
	struct got g = { 0 }, b = { 0 }, w = { 0 };
	const char *err;
	unsigned built;
	ck_assert_int_eq(journal_scan_newest(dir, INT64_MIN, INT64_MAX, must, got_cb, &b, NULL,
					     &err), 0);
	ck_assert_int_eq(journal_index_warm(dir, INT64_MIN, NULL, &built, &err), 0);
	ck_assert_uint_gt(built, 0);
	ck_assert_int_eq(journal_scan_newest(dir, INT64_MIN, INT64_MAX, must, got_cb, &w, NULL,
					     &err), 0);
	ck_assert_int_eq(journal_scan(dir, INT64_MIN, INT64_MAX, must, got_cb, &g, NULL, &err), 0);
	ck_assert_uint_eq(g.n, b.n);
	ck_assert_uint_eq(g.n, w.n);
	free(g.seq);
	free(b.seq);
	free(w.seq);
	return g.n;
}

/* The one .idx file under cache (made by the scans). */
static char *idx_file(const char *cache)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "find %s -name '*.idx' | head -1", cache);
	FILE *f = popen(cmd, "r");
	char line[512] = "";
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	pclose(f);
	line[strcspn(line, "\n")] = '\0';
	return xstrdup(line);
}

START_TEST(stale_index_rebuilt)
{
	struct rj j = { .dir = tu_tmpdir() };
	char *cache = tu_tmpdir(), name[32];
	static const char *const gam[] = { "\"category\":\"gambling\"", NULL };
	srandom(99);
	journal_index_cache_setup(cache);
	rj_day(&j, DAY0, 2000);
	size_t all = count_all(j.dir, NULL), g = count_all(j.dir, gam);
	ck_assert_uint_gt(g, 0);
	/* the file rewritten in place (same size, a category changed): rebuilt */
	journal_day_str(DAY0, name);
	strcat(name, ".jsonl");
	char *p = path_in(j.dir, name);
	size_t len;
	char *text = tu_read_file(p, &len), *at = strstr(text, "\"category\":\"gambling\"");
	ck_assert_ptr_nonnull(at);
	memcpy(at + 12, "GAMBLING", 8);
	nanosleep(&(struct timespec){ 0, 20000000 }, NULL); /* so that the mtime moves */
	int fd = open(p, O_WRONLY);
	ck_assert_int_eq(pwrite(fd, text, len, 0), (ssize_t)len);
	close(fd);
	ck_assert_uint_eq(count_all(j.dir, gam), g - 1);
	/* a damaged cache file: not used, rebuilt */
	journal_index_cache_clear();
	char *ip = idx_file(cache);
	fd = open(ip, O_RDWR);
	ck_assert_int_eq(pwrite(fd, "XXXX", 4, 200), 4);
	close(fd);
	ck_assert_uint_eq(count_all(j.dir, gam), g - 1);
	ck_assert_uint_eq(count_all(j.dir, NULL), all);
	/* the file replaced by another, shorter one: rebuilt */
	journal_index_cache_clear();
	unlink(p);
	j.seq = 0;
	rj_day(&j, DAY0, 100);
	ck_assert_uint_lt(count_all(j.dir, NULL), 101);
	ck_assert_uint_eq(count_all(j.dir, NULL), count_all(j.dir, (const char *const[]){ "\"seq\":", NULL }));
	free(ip);
	free(text);
	free(p);
	tu_rmtree(j.dir);
	tu_rmtree(cache);
	free(j.dir);
	free(cache);
}
END_TEST

/* Rewrite the checksum after a change, so that the checks behind it are reached. */
static void resum(unsigned char *b, size_t len)
{
	crypto_generichash(b + len - 32, 32, b, len - 32, NULL, 0);
}

START_TEST(hostile_index_bytes)
{
	struct rj j = { .dir = tu_tmpdir(), .clean = true };
	char name[32];
	srandom(7);
	rj_day(&j, DAY0, 1500);
	journal_day_str(DAY0, name);
	strcat(name, ".jsonl");
	char *p = path_in(j.dir, name);
	struct journal_index ix, back;
	journal_index_init(&ix);
	ck_assert_int_eq(journal_index_update(&ix, p), 2);
	ck_assert_int_eq(journal_index_update(&ix, p), 0);
	ck_assert_uint_gt(ix.nblk, 4);
	/* the filters rule out blocks: an absent client, one event id */
	size_t may_client = 0, may_id = 0;
	for (size_t i = 0; i < ix.nblk; i++) {
		may_client += journal_index_block_may(&ix.blk[i], INT64_MIN, INT64_MAX,
			(const char *const[]){ "\"client\":\"10.9.9.9\"", NULL });
		may_id += journal_index_block_may(&ix.blk[i], INT64_MIN, INT64_MAX,
			(const char *const[]){ "\"id\":\"id700\"", NULL });
	}
	ck_assert_uint_le(may_client, 1);
	ck_assert_uint_ge(may_id, 1);
	ck_assert_uint_le(may_id, 2);
	struct sbuf b;
	sbuf_init(&b);
	journal_index_dump(&ix, &b);
	unsigned char *d = (unsigned char *)b.data;
	ck_assert_int_eq(journal_index_load(&back, d, b.len), 0);
	ck_assert_uint_eq(back.nblk, ix.nblk);
	ck_assert_uint_eq(back.nrow, ix.nrow);
	ck_assert_uint_eq(back.covered, ix.covered);
	ck_assert_int_eq(journal_index_update(&back, p), 0); /* current as loaded */
	journal_index_free(&back);
	/* short, empty, over the cap, a bad checksum */
	ck_assert_int_eq(journal_index_load(&back, d, 10), -1);
	ck_assert_int_eq(journal_index_load(&back, d, 0), -1);
	ck_assert_int_eq(journal_index_load(&back, d, (size_t)JIDX_FILE_MAX + 1), -1);
	d[100] ^= 1;
	ck_assert_int_eq(journal_index_load(&back, d, b.len), -1);
	d[100] ^= 1;
	/* counts and offsets that lie, with a right checksum: the header's fields are at
	 * 8 (dev), 16 (ino), 24 (mtime), 32 (covered), 40 (lines), 48 (overflow), 56
	 * (tail_len), 60 (flags), 128 (nblk), 136 (nstr), 144 (nrow) */
	static const struct { size_t off; uint64_t v; } lies[] = {
		{ 32, 1 }, { 40, 3 }, { 56, 65 }, { 60, 2 }, { 128, 1ULL << 40 },
		{ 128, 1 }, { 136, 1ULL << 30 }, { 136, 0 }, { 144, 1ULL << 20 }, { 144, 0 },
	};
	unsigned char *copy = xmalloc(b.len);
	for (size_t i = 0; i < CG_ARRAY_LEN(lies); i++) {
		memcpy(copy, d, b.len);
		if (lies[i].off == 56 || lies[i].off == 60) {
			uint32_t v = (uint32_t)lies[i].v;
			memcpy(copy + lies[i].off, &v, 4);
		} else {
			memcpy(copy + lies[i].off, &lies[i].v, 8);
		}
		resum(copy, b.len);
		ck_assert_msg(journal_index_load(&back, copy, b.len) == -1, "lie %zu loaded", i);
	}
	/* random damage with a right checksum: refused, or loaded with every bound kept
	 * (ASan watches the reads) */
	for (int i = 0; i < 3000; i++) {
		size_t len = b.len - rnd(64);
		memcpy(copy, d, b.len);
		for (int k = 0; k < 1 + (int)rnd(4); k++)
			copy[rnd((unsigned)len - 32)] = (unsigned char)random();
		resum(copy, len);
		if (journal_index_load(&back, copy, len) == 0) {
			for (size_t r = 0; r < back.nrow; r++)
				for (int k = 0; k < 4; k++)
					(void)journal_index_str(&back, back.row[r].k[k]);
			journal_index_update(&back, p); /* a lie about the file: rebuilt */
			ck_assert_uint_eq(back.covered, ix.covered);
			journal_index_free(&back);
		}
	}
	free(copy);
	sbuf_free(&b);
	journal_index_free(&ix);
	free(p);
	tu_rmtree(j.dir);
	free(j.dir);
}
END_TEST

START_TEST(block_may_needles)
{
	struct jidx_block b;
	memset(&b, 0, sizeof b);
	b.tmin = 100;
	b.tmax = 200;
	static const char *const odd[] = { "\"action\":\"observe", "\"seq\":12,",
					   "\"host\":\"x\"", "\"cat\\\"\":\"x\"", NULL };
	/* an empty Bloom filter rules out every indexed needle, never another string */
	ck_assert(journal_index_block_may(&b, 0, 1000, odd));
	ck_assert(!journal_index_block_may(&b, 0, 1000,
					   (const char *const[]){ "\"category\":\"x\"", NULL }));
	ck_assert(!journal_index_block_may(&b, 201, 1000, NULL));
	ck_assert(!journal_index_block_may(&b, 0, 99, NULL));
	ck_assert(journal_index_block_may(&b, 200, 200, NULL));
	b.opaque = 1;
	ck_assert(journal_index_block_may(&b, 201, 1000,
					  (const char *const[]){ "\"category\":\"x\"", NULL }));
}
END_TEST

START_TEST(overlong_line_degrades)
{
	struct rj j = { .dir = tu_tmpdir() };
	char name[32];
	srandom(5);
	journal_index_cache_setup(NULL);
	rj_day(&j, DAY0, 600);
	journal_day_str(DAY0, name);
	strcat(name, ".jsonl");
	char *p = path_in(j.dir, name);
	char *big = xmalloc(JOURNAL_LINE_MAX + 10);
	memset(big, 'x', JOURNAL_LINE_MAX + 9);
	big[JOURNAL_LINE_MAX + 9] = '\n';
	append_file(p, big, JOURNAL_LINE_MAX + 10);
	rj_day(&j, DAY0, 300);
	struct got want = { 0 }, fwd = { 0 };
	uint64_t bw = 0, bf = 0;
	const char *err;
	full_read(j.dir, INT64_MIN, INT64_MAX, NULL, &want, &bw);
	ck_assert_int_eq(journal_scan(j.dir, INT64_MIN, INT64_MAX, NULL, got_cb, &fwd, &bf, &err), 0);
	ck_assert_uint_eq(fwd.n, want.n);
	ck_assert_uint_eq(bf, bw + 1); /* the over-long line, which full_read's reader skips */
	/* newest first (no index, and a degraded one): the same lines backwards, not the
	 * file in its order */
	for (int round = 0; round < 2; round++) {
		struct got back = { 0 };
		uint64_t bb = 0;
		if (round == 1)
			warm_all(&j);
		ck_assert_int_eq(journal_scan_newest(j.dir, INT64_MIN, INT64_MAX, NULL, got_cb,
						     &back, &bb, &err), 0);
		ck_assert_uint_eq(back.n, want.n);
		for (size_t i = 0; i < want.n; i++)
			ck_assert_uint_eq(back.seq[i], want.seq[want.n - 1 - i]);
		ck_assert_uint_eq(bb, bf);
		free(back.seq);
	}
	free(want.seq);
	free(fwd.seq);
	free(big);
	free(p);
	tu_rmtree(j.dir);
	free(j.dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal_index");
	TCase *tc = tcase_create("index");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, index_agrees_with_full_read);
	tcase_add_test(tc, many_files_evicted);
	tcase_add_test(tc, cache_files_owned_by_folder_owner);
	tcase_add_test(tc, rollup_agrees_with_full_read);
	tcase_add_test(tc, cache_make_claimed_once);
	tcase_add_test(tc, stale_index_rebuilt);
	tcase_add_test(tc, hostile_index_bytes);
	tcase_add_test(tc, block_may_needles);
	tcase_add_test(tc, overlong_line_degrades);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
