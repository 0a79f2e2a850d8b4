/* district_store: batches of journal lines into PostgreSQL. A batch is first COPYed
 * straight into events under a savepoint, with the rollups and the schools' rows made from
 * a small temporary table of its keys (one narrow row a line). When the primary key refuses
 * it (a line redelivered after an outage: RELP resends what was not acknowledged), the
 * savepoint is rolled back and the batch is COPYed into a temporary table and merged with
 * INSERT ... ON CONFLICT DO NOTHING, so the line is stored once and the rollups count only
 * the rows that were really inserted; either way in one transaction.
 * Rollup and school rows are updated in key order, so that ingests running side by side
 * (omprog workers) lock them in the same order and never deadlock. */
#include "district_store.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "util.h"

#define DAYS_KNOWN_MAX 4096 /* UTC days whose partition this process has made */

struct district_store {
	PGconn *conn;
	struct sbuf ev, dg, rj;   /* COPY text of the batch: events, digests, rejects */
	struct sbuf keys;         /* COPY text of cg_keys: the rollup keys of each event */
	uint64_t n_ev, n_dg, n_rj;
	int32_t *days;            /* partitions known to exist */
	size_t n_days;
	int32_t *want;            /* days of the batch not yet known */
	size_t n_want, cap_want;
	bool temp_made;
};

/* What a stored line adds to the rollups and the schools: its key columns. */
#define KEY_COLS "school_id, seq, ts, day, event, action, category, host"
#define KEY_COLS_DEF "school_id text COLLATE \"C\", seq bigint, ts timestamptz, day date, " \
	"event text COLLATE \"C\", action text COLLATE \"C\", category text COLLATE \"C\", " \
	"host text COLLATE \"C\""

static const char *const sql_temp =
	"CREATE TEMP TABLE IF NOT EXISTS cg_in (LIKE events INCLUDING DEFAULTS) "
	"ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS cg_din (LIKE digests INCLUDING DEFAULTS) "
	"ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS cg_rin (LIKE rejects INCLUDING DEFAULTS) "
	"ON COMMIT DELETE ROWS;"
	"CREATE TEMP TABLE IF NOT EXISTS cg_keys (" KEY_COLS_DEF ") ON COMMIT DELETE ROWS;"
	"SET synchronous_commit = on";

#define EV_COLS "school_id, seq, ts, utc_offset, day, event, proto, action, client, mac, " \
	"client_name, grp, host, path, qtype, category, rule_file, rule_line, reason, id, hash, " \
	"hash_ok, line"

/* The rollups of the stored lines in src (a table or CTE with KEY_COLS), in key order. */
#define ROLLUPS(src) \
	" c AS (INSERT INTO daily_counts SELECT day, school_id, coalesce(category, ''), " \
	"coalesce(action, ''), coalesce(event, ''), count(*) FROM " src " GROUP BY 1, 2, 3, 4, 5 " \
	"ORDER BY 1, 2, 3, 4, 5 " \
	"ON CONFLICT (day, school_id, category, action, event) " \
	"DO UPDATE SET n = daily_counts.n + EXCLUDED.n)," \
	" h AS (INSERT INTO daily_hosts SELECT day, school_id, coalesce(category, ''), host, " \
	"count(*) FROM " src " WHERE host IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 " \
	"ON CONFLICT (day, school_id, category, host) DO UPDATE SET n = daily_hosts.n + EXCLUDED.n)," \
	" t AS (INSERT INTO daily_sites SELECT day, coalesce(category, ''), host, count(*) FROM " \
	src " WHERE host IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 " \
	"ON CONFLICT (day, category, host) DO UPDATE SET n = daily_sites.n + EXCLUDED.n)"

/* The merge: new lines in, then what they add to the rollups and the schools. */
static const char *const sql_merge =
	"WITH ins AS (INSERT INTO events (" EV_COLS ") SELECT " EV_COLS " FROM cg_in "
	"ON CONFLICT DO NOTHING RETURNING " KEY_COLS ")," ROLLUPS("ins")
	" SELECT count(*) FROM ins";

/* After a direct COPY into events: every line of the batch was stored. */
static const char *const sql_direct = "WITH" ROLLUPS("cg_keys") " SELECT 1";

#define SQL_SCHOOLS(src) \
	"INSERT INTO schools AS s (school_id, last_seen, last_event, last_heartbeat, last_seq) " \
	"SELECT school_id, now(), max(ts), max(ts) FILTER (WHERE event = 'heartbeat'), max(seq) " \
	"FROM " src " GROUP BY school_id ORDER BY school_id " \
	"ON CONFLICT (school_id) DO UPDATE SET last_seen = now(), " \
	"last_event = greatest(s.last_event, EXCLUDED.last_event), " \
	"last_heartbeat = greatest(s.last_heartbeat, EXCLUDED.last_heartbeat), " \
	"last_seq = greatest(s.last_seq, EXCLUDED.last_seq)"

static const char *const sql_digests =
	"INSERT INTO digests SELECT * FROM cg_din ON CONFLICT DO NOTHING;"
	"INSERT INTO rejects SELECT * FROM cg_rin;"
	"INSERT INTO schools (school_id, last_seen) SELECT DISTINCT school_id, now() FROM cg_din "
	"ON CONFLICT (school_id) DO UPDATE SET last_seen = now()";

struct district_store *district_store_open(const char *conninfo, char **err)
{
	struct district_store *s = xcalloc(1, sizeof *s);
	s->conn = PQconnectdb(conninfo ? conninfo : "");
	if (PQstatus(s->conn) != CONNECTION_OK) {
		*err = xstrdup(PQerrorMessage(s->conn));
		PQfinish(s->conn);
		free(s);
		return NULL;
	}
	sbuf_init(&s->ev);
	sbuf_init(&s->dg);
	sbuf_init(&s->rj);
	sbuf_init(&s->keys);
	s->days = xcalloc(DAYS_KNOWN_MAX, sizeof *s->days);
	return s;
}

PGconn *district_store_conn(struct district_store *s)
{
	return s->conn;
}

/* A COPY text field of len bytes: \N for NULL, else the bytes with \\ and control bytes
 * escaped; runs of plain bytes are copied at once. */
static void copy_field_n(struct sbuf *out, const char *v, size_t len, bool last)
{
	if (!v) {
		sbuf_add(out, "\\N", 2);
	} else {
		const unsigned char *p = (const unsigned char *)v, *end = p + len, *run = p;
		for (; p < end; p++) {
			if (*p != '\\' && *p >= 0x20 && *p != 0x7f)
				continue;
			sbuf_add(out, (const char *)run, (size_t)(p - run));
			if (*p == '\\')
				sbuf_add(out, "\\\\", 2);
			else
				sbuf_printf(out, "\\%03o", *p);
			run = p + 1;
		}
		sbuf_add(out, (const char *)run, (size_t)(end - run));
	}
	sbuf_addc(out, last ? '\n' : '\t');
}

static void copy_field(struct sbuf *out, const char *v, bool last)
{
	copy_field_n(out, v, v ? strlen(v) : 0, last);
}

/* A decoded field that the store's UTF8 text takes (invalid UTF-8: NULL; the line keeps
 * the original). */
static const char *text_or_null(const char *v)
{
	return v && district_utf8_ok(v, strlen(v)) ? v : NULL;
}

static void want_day(struct district_store *s, int32_t day)
{
	for (size_t i = 0; i < s->n_days; i++)
		if (s->days[i] == day)
			return;
	for (size_t i = 0; i < s->n_want; i++)
		if (s->want[i] == day)
			return;
	if (s->n_want == s->cap_want) {
		s->cap_want = s->cap_want ? s->cap_want * 2 : 8;
		s->want = xrealloc(s->want, s->cap_want * sizeof *s->want);
	}
	s->want[s->n_want++] = day;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void add_event(struct district_store *s, const struct district_msg *m)
{
	const struct journal_record *r = &m->r;
	char t[JOURNAL_TIME_LEN], day[11], num[32], hex[JOURNAL_HEX_LEN];
	struct cg_addr a;
	struct sbuf *o = &s->ev;
	copy_field(o, m->school_id, false);
	snprintf(num, sizeof num, "%llu", (unsigned long long)r->seq);
	copy_field(o, num, false);
	journal_format_time(r->time_us, r->utc_offset, t);
	copy_field(o, t, false);
	snprintf(num, sizeof num, "%d", (int)r->utc_offset);
	copy_field(o, num, false);
	journal_day_str(journal_day(r->time_us, r->utc_offset), day);
	copy_field(o, day, false);
	copy_field(o, text_or_null(r->event), false);
	copy_field(o, text_or_null(r->proto), false);
	copy_field(o, text_or_null(r->action), false);
	copy_field(o, r->client && addr_parse(r->client, &a) == 0 ? r->client : NULL, false);
	copy_field(o, text_or_null(r->mac), false);
	copy_field(o, text_or_null(r->client_name), false);
	copy_field(o, text_or_null(r->group), false);
	copy_field(o, text_or_null(r->host), false);
	copy_field(o, text_or_null(r->path), false);
	copy_field(o, text_or_null(r->qtype), false);
	copy_field(o, text_or_null(r->category), false);
	copy_field(o, text_or_null(r->rule_file), false);
	snprintf(num, sizeof num, "%u", r->rule_line);
	copy_field(o, r->rule_line && r->rule_line <= INT32_MAX ? num : NULL, false);
	copy_field(o, text_or_null(r->reason), false);
	copy_field(o, text_or_null(r->id), false);
	journal_hex(r->hash, hex);
	copy_field(o, hex, false);
	copy_field(o, m->hash_ok ? "t" : "f", false);
	/* the line: printable UTF-8 already (district_msg_parse), copied as it is */
	copy_field_n(o, m->line, m->len, false);
	copy_field(o, "now", true); /* received: the server's clock */
	/* the same values, for the rollups of the direct path (KEY_COLS) */
	o = &s->keys;
	copy_field(o, m->school_id, false);
	snprintf(num, sizeof num, "%llu", (unsigned long long)r->seq);
	copy_field(o, num, false);
	copy_field(o, t, false);
	copy_field(o, day, false);
	copy_field(o, text_or_null(r->event), false);
	copy_field(o, text_or_null(r->action), false);
	copy_field(o, text_or_null(r->category), false);
	copy_field(o, text_or_null(r->host), true);
	s->n_ev++;
	want_day(s, (int32_t)floor_div(r->time_us, 86400000000LL));
}

static void add_digest(struct district_store *s, const struct district_msg *m)
{
	const struct journal_digest *d = &m->d;
	char num[32], hex[JOURNAL_HEX_LEN];
	struct sbuf *o = &s->dg;
	copy_field(o, m->school_id, false);
	copy_field(o, d->day, false);
	snprintf(num, sizeof num, "%llu", (unsigned long long)d->count);
	copy_field(o, num, false);
	snprintf(num, sizeof num, "%llu", (unsigned long long)d->first_seq);
	copy_field(o, num, false);
	snprintf(num, sizeof num, "%llu", (unsigned long long)d->last_seq);
	copy_field(o, num, false);
	journal_hex(d->last_hash, hex);
	copy_field(o, hex, false);
	copy_field_n(o, m->line, m->len, false);
	copy_field(o, "now", true);
	s->n_dg++;
}

void district_store_add(struct district_store *s, const struct district_msg *m)
{
	if (m->kind == DM_EVENT)
		add_event(s, m);
	else
		add_digest(s, m);
}

void district_store_reject(struct district_store *s, const char *buf, size_t len,
			   const char *why)
{
	copy_field(&s->rj, "now", false);
	copy_field(&s->rj, why, false);
	/* bytea in COPY text: \\x and hex digits */
	sbuf_add(&s->rj, "\\\\x", 3);
	for (size_t i = 0; i < len && i < DISTRICT_MSG_MAX; i++)
		sbuf_printf(&s->rj, "%02x", (unsigned char)buf[i]);
	sbuf_addc(&s->rj, '\n');
	s->n_rj++;
}

uint64_t district_store_pending(const struct district_store *s)
{
	return s->n_ev + s->n_dg + s->n_rj;
}

void district_store_discard(struct district_store *s)
{
	sbuf_reset(&s->ev);
	sbuf_reset(&s->dg);
	sbuf_reset(&s->rj);
	sbuf_reset(&s->keys);
	s->n_ev = s->n_dg = s->n_rj = 0;
	s->n_want = 0;
}

/* Run sql; 0 or -1 with *err. A result of a query is left in *res when res is set. */
static int exec(struct district_store *s, const char *sql, PGresult **res, char **err)
{
	PGresult *r = PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		*err = xstrdup(PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return 0;
}

/* COPY data into table; 0, or -1 with *err and the SQLSTATE in state (when given). */
static int copy_in(struct district_store *s, const char *table, const char *cols,
		   const struct sbuf *data, char **err, char state[6])
{
	char sql[512];
	snprintf(sql, sizeof sql, "COPY %s (%s) FROM STDIN", table, cols);
	PGresult *r = PQexec(s->conn, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		*err = xstrdup(PQresultErrorMessage(r));
		PQclear(r);
		return -1;
	}
	PQclear(r);
	if (PQputCopyData(s->conn, data->data, (int)data->len) != 1 ||
	    PQputCopyEnd(s->conn, NULL) != 1) {
		*err = xstrdup(PQerrorMessage(s->conn));
		return -1;
	}
	r = PQgetResult(s->conn);
	int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc < 0) {
		const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		*err = xstrdup(PQresultErrorMessage(r));
		if (state)
			snprintf(state, 6, "%s", st ? st : "");
	}
	PQclear(r);
	while ((r = PQgetResult(s->conn)))
		PQclear(r);
	return rc;
}

/* Make the partitions of the batch's new days (each in its own short transaction). */
static int partitions(struct district_store *s, char **err)
{
	for (size_t i = 0; i < s->n_want; i++) {
		char day[11], sql[96];
		journal_day_str(s->want[i], day);
		snprintf(sql, sizeof sql, "SELECT cg_ensure_partition('%s')", day);
		if (exec(s, sql, NULL, err) < 0)
			return -1;
		if (s->n_days < DAYS_KNOWN_MAX)
			s->days[s->n_days++] = s->want[i];
	}
	s->n_want = 0;
	return 0;
}

/* The batch's events, inside the open transaction: straight into events when none is
 * stored yet, else (a unique violation, rolled back to the savepoint) merged through
 * cg_in. 0 with the lines stored in *inserted, or -1 with *err. */
static int events_in(struct district_store *s, uint64_t *inserted, char **err)
{
	char state[6] = "";
	PGresult *res = NULL;
	if (exec(s, "SAVEPOINT cg_direct", NULL, err) < 0)
		return -1;
	if (copy_in(s, "events", EV_COLS ", received", &s->ev, err, state) == 0) {
		if (exec(s, "RELEASE cg_direct", NULL, err) < 0 ||
		    copy_in(s, "cg_keys", KEY_COLS, &s->keys, err, NULL) < 0 ||
		    exec(s, sql_direct, NULL, err) < 0 ||
		    exec(s, SQL_SCHOOLS("cg_keys"), NULL, err) < 0)
			return -1;
		*inserted = s->n_ev;
		return 0;
	}
	if (strcmp(state, "23505") != 0) /* not unique_violation: a real error */
		return -1;
	free(*err);
	*err = NULL;
	if (exec(s, "ROLLBACK TO SAVEPOINT cg_direct", NULL, err) < 0 ||
	    copy_in(s, "cg_in", EV_COLS ", received", &s->ev, err, NULL) < 0 ||
	    exec(s, sql_merge, &res, err) < 0)
		return -1;
	*inserted = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return exec(s, SQL_SCHOOLS("cg_in"), NULL, err);
}

int district_store_commit(struct district_store *s, uint64_t *inserted, char **err)
{
	*inserted = 0;
	if (district_store_pending(s) == 0)
		return 0;
	if (!s->temp_made && exec(s, sql_temp, NULL, err) < 0)
		return -1;
	s->temp_made = true;
	if (partitions(s, err) < 0)
		return -1;
	if (exec(s, "BEGIN", NULL, err) < 0)
		return -1;
	if (s->n_ev && events_in(s, inserted, err) < 0)
		goto fail;
	if (s->n_dg && copy_in(s, "cg_din", "school_id, day, count, first_seq, last_seq, "
			       "last_hash, line, received", &s->dg, err, NULL) < 0)
		goto fail;
	if (s->n_rj && copy_in(s, "cg_rin", "received, why, message", &s->rj, err, NULL) < 0)
		goto fail;
	if ((s->n_dg || s->n_rj) && exec(s, sql_digests, NULL, err) < 0)
		goto fail;
	if (exec(s, "COMMIT", NULL, err) < 0)
		goto fail;
	district_store_discard(s);
	return 0;
fail:
	*inserted = 0;
	PQclear(PQexec(s->conn, "ROLLBACK"));
	if (PQstatus(s->conn) != CONNECTION_OK) {
		PQreset(s->conn); /* the next try works on a new session ... */
		s->temp_made = false; /* ... whose temporary tables are still to make */
	}
	return -1;
}

void district_store_close(struct district_store *s)
{
	if (!s)
		return;
	PQfinish(s->conn);
	sbuf_free(&s->ev);
	sbuf_free(&s->dg);
	sbuf_free(&s->rj);
	sbuf_free(&s->keys);
	free(s->days);
	free(s->want);
	free(s);
}
