/* district_ingest: the omprog protocol around the store's batches. A line longer than
 * a message may be is read to its end and rejected, never kept whole in memory. */
#include "district_ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define BEGIN_MARK "BEGIN TRANSACTION"
#define COMMIT_MARK "COMMIT TRANSACTION"

/* Read one line into buf (cap bytes); *len its length without the newline, *long_line
 * when it did not fit (the rest is skipped). 0 at EOF with nothing read. */
static int read_line(FILE *in, char *buf, size_t cap, size_t *len, bool *long_line)
{
	size_t n = 0;
	int c;
	*long_line = false;
	/* one reader of the stream: no lock taken per byte */
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (n < cap)
			buf[n++] = (char)c;
		else
			*long_line = true;
	}
	*len = n;
	return c == EOF && n == 0 && !*long_line ? 0 : 1;
}

static void reply(FILE *out, const char *s)
{
	fputs(s, out);
	fputc('\n', out);
	fflush(out);
}

/* Commit the batch; on failure answer (confirm) or count it. 0 or -1. */
static int commit(struct district_store *s, FILE *out, const struct district_ingest_opts *o,
		  struct district_ingest_stats *st)
{
	uint64_t ins;
	char *err = NULL;
	if (district_store_commit(s, &ins, &err) == 0) {
		st->inserted += ins;
		st->commits++;
		if (o->confirm)
			reply(out, "OK");
		return 0;
	}
	st->failed_commits++;
	/* One line, for rsyslog's log: it keeps the batch and sends it again. */
	for (char *p = err; p && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	log_err("district ingest: the store refused a batch: %s", err ? err : "?");
	if (o->confirm) {
		fprintf(out, "ERROR store: %s\n", err ? err : "?");
		fflush(out);
	}
	free(err);
	district_store_discard(s);
	return -1;
}

/* Parse one message and add it to the batch, or to rejects with why. A message whose
 * school_id is not its certificate's school is kept as evidence with both ids in the
 * reason ("school_id mismatch: certificate A, message B"; `district verify` counts them). */
static void ingest_one(struct district_store *s, const struct district_ingest_opts *o,
		       const char *buf, size_t len, char *arena, struct district_ingest_stats *st)
{
	struct district_msg m;
	const char *why = NULL;
	int rc = o->trust_message_school ? district_msg_parse(buf, len, &m, arena, &why)
					 : district_msg_parse_auth(buf, len, &m, arena, &why);
	if (rc == 0) {
		district_store_add(s, &m);
		return;
	}
	st->rejected++;
	if (rc == DISTRICT_MSG_FORGED) {
		char reason[64 + 2 * DISTRICT_SCHOOL_ID_MAX];
		snprintf(reason, sizeof reason, "%s: certificate %s, message %s",
			 DISTRICT_FORGED_REASON, m.auth_school, m.school_id);
		st->forged++;
		district_store_reject(s, buf, len, reason);
		return;
	}
	district_store_reject(s, buf, len, why);
}

int district_ingest_run(FILE *in, FILE *out, struct district_store *s,
			const struct district_ingest_opts *o, struct district_ingest_stats *st)
{
	char *buf = xmalloc(DISTRICT_MSG_MAX + 2);
	char *arena = xmalloc(DISTRICT_MSG_MAX + 1);
	size_t len;
	bool long_line, in_tx = false;
	int rc = 0;
	memset(st, 0, sizeof *st);
	if (o->confirm)
		reply(out, "OK"); /* ready */
	while (read_line(in, buf, DISTRICT_MSG_MAX + 1, &len, &long_line)) {
		if (len && buf[len - 1] == '\r')
			len--;
		if (o->confirm && !long_line && len == strlen(BEGIN_MARK) &&
		    memcmp(buf, BEGIN_MARK, len) == 0) {
			district_store_discard(s); /* an unfinished one was never confirmed */
			in_tx = true;
			reply(out, "OK");
			continue;
		}
		if (o->confirm && !long_line && len == strlen(COMMIT_MARK) &&
		    memcmp(buf, COMMIT_MARK, len) == 0) {
			in_tx = false;
			commit(s, out, o, st);
			continue;
		}
		st->messages++;
		if (long_line) {
			district_store_reject(s, buf, len, "message too long");
			st->rejected++;
		} else {
			ingest_one(s, o, buf, len, arena, st);
		}
		if (o->confirm && in_tx) {
			reply(out, "DEFER_COMMIT");
		} else if (o->confirm) {
			commit(s, out, o, st);
		} else if (district_store_pending(s) >= (o->batch ? o->batch : 1)) {
			if (commit(s, out, o, st) < 0)
				rc = -1;
		}
	}
	if (!o->confirm && district_store_pending(s) && commit(s, out, o, st) < 0)
		rc = -1;
	/* confirm: a transaction cut by EOF was never confirmed; rsyslog sends it again. */
	free(buf);
	free(arena);
	return rc;
}
