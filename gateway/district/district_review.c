/* district_review: the review filters as SQL (parameters only, never text spliced into
 * the query), rows streamed through a cursor and matched again by review_match; the
 * silent schools; the summary from the daily rollups. */
#include "district_review.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "journal_read.h"
#include "util.h"

#define FETCH 2000
#define PARAMS_MAX 12

struct qb {
	struct sbuf sql;
	const char *val[PARAMS_MAX];
	char num[PARAMS_MAX][48];
	int n;
};

static void qb_add(struct qb *q, const char *cond, const char *val)
{
	if (!val || q->n >= PARAMS_MAX)
		return;
	q->val[q->n] = val;
	q->n++;
	sbuf_printf(&q->sql, " AND ");
	sbuf_printf(&q->sql, cond, q->n);
}

/* A time in µs as an RFC 3339 parameter. */
static void qb_time(struct qb *q, const char *cond, int64_t us)
{
	if (q->n >= PARAMS_MAX)
		return;
	char t[JOURNAL_TIME_LEN];
	journal_format_time(us, 0, t);
	snprintf(q->num[q->n], sizeof q->num[q->n], "%s", t);
	qb_add(q, cond, q->num[q->n]);
}

static bool res_ok(PGresult *r, char *err, size_t elen)
{
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return true;
	snprintf(err, elen, "%s", PQresultErrorMessage(r));
	return false;
}

/* A part of a host name, as a pattern (its own %, _ and \\ taken literally). */
#define HOST_LIKE "ILIKE '%%' || replace(replace(replace($%d, '\\', '\\\\'), '%%', '\\%%'), " \
	"'_', '\\_') || '%%'"

/* The names that match the part of a host name (parameter ph) are looked up in the
 * daily site rollup (daily_sites), which the ingest keeps in the same transaction as the
 * lines, over the filter's UTC days a day either side (a line's local day, the rollup's,
 * is within a day of its UTC day): a substring cannot use the index on (host, ts), the
 * list of names it matches can, and the rollup is far smaller than the lines. */
static void host_known(struct qb *q, int ph, int p_from, int p_to)
{
	sbuf_adds(&q->sql, " AND host IN (SELECT DISTINCT host FROM daily_sites WHERE host ");
	sbuf_printf(&q->sql, HOST_LIKE, ph);
	if (p_from)
		sbuf_printf(&q->sql, " AND day >= ($%d::timestamptz AT TIME ZONE 'UTC')::date - 1",
			    p_from);
	if (p_to)
		sbuf_printf(&q->sql, " AND day <= ($%d::timestamptz AT TIME ZONE 'UTC')::date + 1",
			    p_to);
	sbuf_addc(&q->sql, ')');
}

int district_scan(PGconn *c, const struct review_filter *f, const char *school,
		  district_scan_cb cb, void *ctx, char *err, size_t elen)
{
	struct qb q;
	char cidr[CG_ADDR_STRLEN + 8];
	int rc = 0;
	memset(&q, 0, sizeof q);
	sbuf_init(&q.sql);
	sbuf_adds(&q.sql, "DECLARE cg_s NO SCROLL CURSOR FOR SELECT school_id, line FROM events "
		  "WHERE true");
	int p_from = 0, p_to = 0;
	if (f->from_us != INT64_MIN) {
		qb_time(&q, "ts >= $%d", f->from_us);
		p_from = q.n;
	}
	if (f->to_us != INT64_MAX) {
		qb_time(&q, "ts <= $%d", f->to_us);
		p_to = q.n;
	}
	qb_add(&q, "school_id = $%d", school);
	qb_add(&q, "category = $%d", f->category);
	qb_add(&q, "grp = $%d", f->group);
	qb_add(&q, "proto = $%d", f->proto);
	qb_add(&q, "event = $%d", f->event);
	qb_add(&q, "id = $%d", f->id);
	const char *host = f->host && strspn(f->host, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == strlen(f->host) ? f->host : NULL;
	int n0 = q.n;
	qb_add(&q, "host " HOST_LIKE, host);
	if (host && q.n > n0)
		host_known(&q, q.n, p_from, p_to);
	if (f->has_client) {
		char a[CG_ADDR_STRLEN];
		snprintf(cidr, sizeof cidr, "%s/%u", addr_str(&f->client.addr, a),
			 (unsigned)f->client.prefix);
		qb_add(&q, "client <<= $%d::inet", cidr);
	}
	sbuf_adds(&q.sql, " ORDER BY school_id, ts, seq");
	/* Every row is read: plan for all of them, not for the first tenth (a cursor's
	 * default), which walked (school_id, ts) over every line of the period to avoid a
	 * sort instead of taking the few lines a host or a client names. */
	PGresult *r = PQexec(c, "BEGIN; SET LOCAL cursor_tuple_fraction = 1");
	bool good = res_ok(r, err, elen);
	PQclear(r);
	if (good) {
		r = PQexecParams(c, q.sql.data, q.n, NULL, q.val, NULL, NULL, 0);
		good = res_ok(r, err, elen);
		PQclear(r);
	}
	char *arena = xmalloc(JOURNAL_LINE_MAX + 1);
	uint64_t n_out = 0;
	for (bool more = good; more;) {
		r = PQexec(c, "FETCH 2000 FROM cg_s");
		if (!res_ok(r, err, elen)) {
			good = false;
			PQclear(r);
			break;
		}
		int rows = PQntuples(r);
		more = rows == FETCH;
		for (int i = 0; i < rows; i++) {
			struct journal_record rec;
			const char *line = PQgetvalue(r, i, 1), *perr;
			size_t len = (size_t)PQgetlength(r, i, 1);
			if (len >= JOURNAL_LINE_MAX ||
			    journal_parse_line(line, len, &rec, arena, JOURNAL_LINE_MAX + 1, &perr) < 0)
				continue;
			if (!review_match(f, &rec))
				continue;
			if (cb(PQgetvalue(r, i, 0), &rec, line, len, ctx) ||
			    (f->limit && ++n_out >= f->limit)) {
				more = false;
				break;
			}
		}
		PQclear(r);
	}
	PQclear(PQexec(c, "COMMIT"));
	free(arena);
	sbuf_free(&q.sql);
	if (!good)
		rc = -1;
	return rc;
}

int district_silent(PGconn *c, unsigned silent_s, FILE *out, enum lang l, char *err,
		    size_t elen)
{
	char secs[24];
	snprintf(secs, sizeof secs, "%u", silent_s);
	const char *p[1] = {secs};
	PGresult *r = PQexecParams(c,
		"SELECT school_id, coalesce(to_char(last_seen AT TIME ZONE 'UTC', "
		"'YYYY-MM-DD HH24:MI:SS\"Z\"'), '-'), coalesce(to_char(last_heartbeat AT TIME ZONE "
		"'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"'), '-') FROM schools WHERE coalesce(last_seen, "
		"'-infinity') < now() - make_interval(secs => $1::int) "
		"AND coalesce(last_heartbeat, '-infinity') < now() - make_interval(secs => $1::int) "
		"ORDER BY school_id", 1, NULL, p, NULL, NULL, 0);
	if (!res_ok(r, err, elen)) {
		PQclear(r);
		return -1;
	}
	int n = PQntuples(r);
	if (n == 0)
		msg_fprintf(out, l, MSG_DISTRICT_SILENT_NONE, silent_s / 60);
	else
		msg_fprintf(out, l, MSG_DISTRICT_SILENT_HEAD, silent_s / 60);
	for (int i = 0; i < n; i++)
		msg_fprintf(out, l, MSG_DISTRICT_SILENT_ROW, PQgetvalue(r, i, 0),
			    PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
	PQclear(r);
	return n;
}

/* Print the rows of r as "  col0  col1 ... n" lines. */
static void rows_print(PGresult *r, FILE *out)
{
	for (int i = 0; i < PQntuples(r); i++) {
		fputs("  ", out);
		for (int j = 0; j < PQnfields(r); j++)
			fprintf(out, j + 1 < PQnfields(r) ? "%-24s " : "%10s\n",
				PQgetisnull(r, i, j) || !*PQgetvalue(r, i, j) ? "-" :
				PQgetvalue(r, i, j));
	}
}

int district_summary(PGconn *c, unsigned days, unsigned top, FILE *out, enum lang l,
		     char *err, size_t elen)
{
	char d[24], t[24];
	snprintf(d, sizeof d, "%u", days);
	snprintf(t, sizeof t, "%u", top);
	const char *p[2] = {d, t};
	static const char *const from =
		" FROM daily_counts WHERE day > current_date - $1::int AND event IN ('hit', 'bypass')";
	static const char *const sqls[4] = {
		"SELECT to_char(current_date - $1::int + 1, 'YYYY-MM-DD'), "
		"to_char(current_date, 'YYYY-MM-DD'), (SELECT count(*) FROM schools)",
		NULL, NULL,
		"SELECT host, category, sum(n) FROM daily_sites WHERE day > current_date - $1::int "
		"GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT $2::int",
	};
	struct sbuf s1, s2;
	sbuf_init(&s1);
	sbuf_init(&s2);
	sbuf_printf(&s1, "SELECT school_id, category, sum(n)%s GROUP BY 1, 2 ORDER BY 1, 3 DESC",
		    from);
	sbuf_printf(&s2, "SELECT category, count(DISTINCT school_id) || ' schools', sum(n)%s "
		    "GROUP BY 1 ORDER BY 3 DESC LIMIT $2::int", from);
	const char *q[4] = {sqls[0], s1.data, s2.data, sqls[3]};
	static const enum msg_id heads[4] = {0, MSG_DISTRICT_SUMMARY_SCHOOLS,
					     MSG_DISTRICT_SUMMARY_CATEGORIES,
					     MSG_DISTRICT_SUMMARY_SITES};
	int rc = 0;
	for (int k = 0; k < 4 && rc == 0; k++) {
		PGresult *r = PQexecParams(c, q[k], k == 0 ? 1 : (k == 1 ? 1 : 2), NULL, p, NULL,
					   NULL, 0);
		if (!res_ok(r, err, elen)) {
			rc = -1;
		} else if (k == 0) {
			msg_fprintf(out, l, MSG_DISTRICT_SUMMARY_HEAD, PQgetvalue(r, 0, 0),
				    PQgetvalue(r, 0, 1), days, atoi(PQgetvalue(r, 0, 2)));
		} else {
			fputc('\n', out);
			fputs(msg(l, heads[k]), out);
			rows_print(r, out);
		}
		PQclear(r);
	}
	sbuf_free(&s1);
	sbuf_free(&s2);
	if (rc == 0) {
		fputc('\n', out);
		if (district_silent(c, 3600, out, l, err, elen) < 0)
			rc = -1;
	}
	return rc;
}
