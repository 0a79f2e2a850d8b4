/* district_verify: the store read school by school in seq order through a cursor (the
 * memory stays bounded whatever a school's size), each line fed to the journal's chain
 * check; gaps and digests are asked of the database. */
#include "district_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "district_msg.h"
#include "journal_read.h"
#include "util.h"

#define FETCH 5000 /* rows a round trip (the FETCH below) */

static PGresult *q1(PGconn *c, const char *sql, const char *a, const char *b)
{
	const char *p[2] = {a, b};
	return PQexecParams(c, sql, a ? (b ? 2 : 1) : 0, NULL, p, NULL, NULL, 0);
}

static bool ok(PGresult *r, struct district_verify_result *res)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return true;
	if (res && res->status != 2) {
		res->status = 2;
		snprintf(res->error, sizeof res->error, "%s", PQresultErrorMessage(r));
	}
	return false;
}

/* The chain of the stored lines, in seq order. */
static void verify_chain(PGconn *c, struct district_verify_result *res)
{
	struct journal_chain *ch = journal_chain_new(&res->chain, false);
	PGresult *r = PQexec(c, "BEGIN");
	bool good = ok(r, res);
	PQclear(r);
	if (good) {
		r = q1(c, "DECLARE cg_v NO SCROLL CURSOR FOR SELECT seq, line FROM events "
		       "WHERE school_id = $1 ORDER BY seq, ts", res->school_id, NULL);
		good = ok(r, res);
		PQclear(r);
	}
	while (good) {
		r = PQexec(c, "FETCH 5000 FROM cg_v");
		if (!ok(r, res)) {
			PQclear(r);
			break;
		}
		int n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			unsigned long long seq = strtoull(PQgetvalue(r, i, 0), NULL, 10);
			if (journal_chain_line(ch, PQgetvalue(r, i, 1),
					       (size_t)PQgetlength(r, i, 1), res->school_id,
					       (unsigned long)seq) < 0) {
				n = 0;
				break;
			}
		}
		PQclear(r);
		if (n < FETCH)
			break;
	}
	PQclear(PQexec(c, "COMMIT"));
	journal_chain_end(ch);
	journal_chain_free(ch);
	if (res->chain.status && res->status == 0)
		res->status = 1;
}

static void verify_gap(PGconn *c, struct district_verify_result *res)
{
	PGresult *r = q1(c, "SELECT prev, seq FROM (SELECT seq, lag(seq) OVER (ORDER BY seq) "
			 "AS prev FROM events WHERE school_id = $1) t WHERE seq > prev + 1 "
			 "ORDER BY seq LIMIT 1", res->school_id, NULL);
	if (ok(r, res) && PQntuples(r) == 1) {
		res->gap = true;
		res->gap_after = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		res->gap_next = strtoull(PQgetvalue(r, 0, 1), NULL, 10);
		if (res->status == 0)
			res->status = 1;
	}
	PQclear(r);
}

/* Each digest against the stored lines: the line it ends at, its hash, the day's count. */
static void verify_digests(PGconn *c, struct district_verify_result *res)
{
	PGresult *r = q1(c, "SELECT d.day, d.count, d.first_seq, d.last_seq, d.last_hash, "
			 "(SELECT string_agg(e.hash, ' ') FROM events e WHERE e.school_id = "
			 "d.school_id AND e.seq = d.last_seq), (SELECT count(DISTINCT e.seq) FROM "
			 "events e WHERE e.school_id = d.school_id AND e.seq BETWEEN d.first_seq AND "
			 "d.last_seq) FROM digests d WHERE d.school_id = $1 ORDER BY d.day, d.last_seq",
			 res->school_id, NULL);
	if (!ok(r, res)) {
		PQclear(r);
		return;
	}
	for (int i = 0; i < PQntuples(r) && !res->digest_bad; i++) {
		const char *day = PQgetvalue(r, i, 0), *want = PQgetvalue(r, i, 4);
		unsigned long long count = strtoull(PQgetvalue(r, i, 1), NULL, 10);
		unsigned long long last = strtoull(PQgetvalue(r, i, 3), NULL, 10);
		unsigned long long stored = strtoull(PQgetvalue(r, i, 6), NULL, 10);
		snprintf(res->digest_day, sizeof res->digest_day, "%s", day);
		if (PQgetisnull(r, i, 5)) {
			res->digest_bad = true;
			snprintf(res->digest_what, sizeof res->digest_what,
				 "the store has no line seq %llu, where the digest ends", last);
		} else if (strcmp(PQgetvalue(r, i, 5), want) != 0) {
			res->digest_bad = true;
			snprintf(res->digest_what, sizeof res->digest_what,
				 "the stored line seq %llu has hash %.16s..., the digest %.16s...",
				 last, PQgetvalue(r, i, 5), want);
		} else if (stored != count) {
			res->digest_bad = true;
			snprintf(res->digest_what, sizeof res->digest_what,
				 "the digest counts %llu lines, the store has %llu of them", count,
				 stored);
		} else {
			res->digests_ok++;
		}
	}
	if (res->digest_bad && res->status == 0)
		res->status = 1;
	PQclear(r);
}

int district_verify(PGconn *c, const char *school, district_verify_cb cb, void *ctx)
{
	PGresult *r = school ? q1(c, "SELECT $1::text", school, NULL)
			     : PQexec(c, "SELECT school_id FROM schools ORDER BY school_id");
	int worst = 0;
	if (!ok(r, NULL)) {
		struct district_verify_result res;
		memset(&res, 0, sizeof res);
		res.status = 2;
		snprintf(res.school_id, sizeof res.school_id, "%s", school ? school : "-");
		snprintf(res.error, sizeof res.error, "%s", PQresultErrorMessage(r));
		cb(&res, ctx);
		PQclear(r);
		return 2;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		struct district_verify_result *res = xcalloc(1, sizeof *res);
		snprintf(res->school_id, sizeof res->school_id, "%s", PQgetvalue(r, i, 0));
		verify_chain(c, res);
		if (res->status != 2)
			verify_gap(c, res);
		if (res->status != 2)
			verify_digests(c, res);
		cb(res, ctx);
		worst = res->status > worst ? res->status : worst;
		free(res);
	}
	PQclear(r);
	return worst;
}

long long district_verify_forged(PGconn *c, const char *school, district_forged_cb cb,
				 void *ctx, char *err, size_t errlen)
{
	/* the reason is "<DISTRICT_FORGED_REASON>: certificate A, message B" (district_ingest.c) */
	const char *p[2] = {DISTRICT_FORGED_REASON, school};
	PGresult *r = PQexecParams(c, "SELECT cert, claimed, count(*) FROM (SELECT "
			 "substring(why from ': certificate ([^ ,]+), message ') AS cert, "
			 "substring(why from ', message ([^ ,]+)$') AS claimed FROM rejects "
			 "WHERE starts_with(why, $1 || ': certificate ')) f "
			 "WHERE $2::text IS NULL OR cert = $2 OR claimed = $2 "
			 "GROUP BY cert, claimed ORDER BY cert, claimed",
			 2, NULL, p, NULL, NULL, 0);
	long long total = 0;
	if (!ok(r, NULL)) {
		snprintf(err, errlen, "%s", PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		unsigned long long n = strtoull(PQgetvalue(r, i, 2), NULL, 10);
		cb(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), n, ctx);
		total += (long long)n;
	}
	PQclear(r);
	return total;
}

/* ---- a school's local journal against the store ------------------------------------ */

struct seqhash {
	uint64_t seq;
	uint8_t hash[JOURNAL_HASH_LEN];
};

static int sh_cmp(const void *a, const void *b)
{
	const struct seqhash *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every parsable line of the journal in dir as (seq, hash), sorted; -1 when unreadable. */
static int local_lines(const char *dir, struct seqhash **out, size_t *n)
{
	struct journal_file *files = NULL;
	size_t nf = 0, cap = 0;
	char *arena = xmalloc(JOURNAL_LINE_MAX + 1);
	*out = NULL;
	*n = 0;
	if (journal_list_files(dir, &files, &nf) < 0) {
		free(arena);
		return -1;
	}
	for (size_t i = 0; i < nf; i++) {
		struct journal_reader rd;
		const char *line, *perr;
		size_t len;
		bool complete;
		if (journal_reader_open(&rd, files[i].path) < 0)
			continue;
		while (journal_reader_next(&rd, &line, &len, &complete) > 0) {
			struct journal_record r;
			if (!complete || journal_parse_line(line, len, &r, arena,
							    JOURNAL_LINE_MAX + 1, &perr) < 0)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 1024;
				*out = xrealloc(*out, cap * sizeof **out);
			}
			(*out)[*n].seq = r.seq;
			/* the hash of what is written now, not the line's own claim */
			if (journal_line_hash_ok(line, &r))
				memcpy((*out)[*n].hash, r.hash, JOURNAL_HASH_LEN);
			else
				memset((*out)[*n].hash, 0, JOURNAL_HASH_LEN);
			++*n;
		}
		journal_reader_close(&rd);
	}
	journal_files_free(files, nf);
	free(arena);
	if (*n)
		qsort(*out, *n, sizeof **out, sh_cmp);
	return 0;
}

int district_compare(PGconn *c, const char *school, const char *dir, char *what, size_t wlen)
{
	struct seqhash *loc;
	size_t n, li = 0;
	int status = 0;
	if (local_lines(dir, &loc, &n) < 0) {
		snprintf(what, wlen, "%s: cannot read the journal", dir);
		return 2;
	}
	PGresult *r = PQexec(c, "BEGIN");
	PQclear(r);
	r = q1(c, "DECLARE cg_c NO SCROLL CURSOR FOR SELECT seq, hash FROM events "
	       "WHERE school_id = $1 ORDER BY seq, ts", school, NULL);
	if (!ok(r, NULL)) {
		snprintf(what, wlen, "%s", PQresultErrorMessage(r));
		PQclear(r);
		PQclear(PQexec(c, "ROLLBACK"));
		free(loc);
		return 2;
	}
	PQclear(r);
	uint64_t first_store = 0;
	for (bool more = true; more && status == 0;) {
		r = PQexec(c, "FETCH 5000 FROM cg_c");
		if (!ok(r, NULL)) {
			snprintf(what, wlen, "%s", PQresultErrorMessage(r));
			status = 2;
			PQclear(r);
			break;
		}
		int rows = PQntuples(r);
		more = rows == FETCH;
		for (int i = 0; i < rows && status == 0; i++) {
			uint64_t seq = strtoull(PQgetvalue(r, i, 0), NULL, 10);
			uint8_t h[JOURNAL_HASH_LEN];
			const char *hex = PQgetvalue(r, i, 1);
			if (!first_store)
				first_store = seq;
			while (li < n && loc[li].seq < seq) {
				if (loc[li].seq >= first_store) {
					snprintf(what, wlen, "seq %llu is in the local journal but not in "
						 "the store (not delivered yet, or deleted there)",
						 (unsigned long long)loc[li].seq);
					status = 1;
					break;
				}
				li++; /* before the store's copy starts */
			}
			if (status)
				break;
			if (li >= n || loc[li].seq > seq) {
				if (li == 0 && n > 0)
					continue; /* older than the local journal: its retention */
				snprintf(what, wlen, "seq %llu is in the store but not in the local "
					 "journal (deleted or cut locally)", (unsigned long long)seq);
				status = 1;
				break;
			}
			if (journal_unhex(hex, strlen(hex), h) < 0 ||
			    memcmp(h, loc[li].hash, JOURNAL_HASH_LEN) != 0) {
				snprintf(what, wlen, "seq %llu differs: the local line is not the one "
					 "the school sent (rewritten locally)", (unsigned long long)seq);
				status = 1;
				break;
			}
			li++;
		}
		PQclear(r);
	}
	PQclear(PQexec(c, "COMMIT"));
	if (status == 0)
		snprintf(what, wlen, "%zu local lines match the store", n);
	free(loc);
	return status;
}
