/* campusgate district ingest|verify|retain|silent|summary: the district store; and the
 * store's side of journal/report --district. Built without libpq (meson -Ddistrict=
 * disabled, or auto without libpq-dev), both only say so: the one #if of the file. */
#include "cg_config.h"

#if !CG_HAVE_DISTRICT
#include <stdio.h>

#include "cli.h"
#include "i18n.h"

int cmd_district(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	msg_fprintf(stderr, lang_from_env(), MSG_DISTRICT_NOT_BUILT, "district");
	return 2;
}

int cli_district_scan(const char *db, const char *school, const struct review_filter *f,
		      const char *cmd, enum lang l,
		      int (*cb)(const char *school, const struct journal_record *r,
				const char *line, size_t len, void *ctx), void *ctx)
{
	(void)db;
	(void)school;
	(void)f;
	(void)cb;
	(void)ctx;
	msg_fprintf(stderr, l, MSG_DISTRICT_NOT_BUILT, cmd);
	return -1;
}

#else
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "district_ingest.h"
#include "district_review.h"
#include "district_store.h"
#include "district_verify.h"
#include "i18n.h"
#include "util.h"

enum { O_DB = 256, O_SCHOOL, O_JOURNAL, O_DAYS, O_MINUTES, O_TOP, O_CONFIRM, O_BATCH,
       O_AUTHENTICATED, O_TRUST };

static const struct option dopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "db", required_argument, NULL, O_DB },
	{ "school", required_argument, NULL, O_SCHOOL },
	{ "journal", required_argument, NULL, O_JOURNAL },
	{ "days", required_argument, NULL, O_DAYS },
	{ "minutes", required_argument, NULL, O_MINUTES },
	{ "top", required_argument, NULL, O_TOP },
	{ "confirm", no_argument, NULL, O_CONFIRM },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "authenticated", no_argument, NULL, O_AUTHENTICATED },
	{ "trust-message-school", no_argument, NULL, O_TRUST },
	{ NULL, 0, NULL, 0 },
};

struct dargs {
	const char *db, *school, *journal;
	unsigned long long days, minutes, top, batch;
	/* --authenticated: the default, still accepted (shipped configs name it) */
	bool confirm, authenticated, trust;
};

static int bad_usage(enum lang l, const char *what, const char *arg)
{
	fprintf(stderr, "campusgate district: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
		arg ? "'" : "");
	fputs(msg(l, MSG_DISTRICT_HELP), stderr);
	return 2;
}

/* 0, -1 for --help (printed), or the exit status 2. */
static int dparse(int argc, char **argv, struct dargs *a, enum lang l)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", dopts, NULL)) != -1) {
		unsigned long long *num = NULL, lo = 1, hi = 1000000;
		switch (c) {
		case 'h': fputs(msg(l, MSG_DISTRICT_HELP), stdout); return -1;
		case O_DB: a->db = optarg; break;
		case O_SCHOOL:
			if (!district_school_id_ok(optarg, strlen(optarg)))
				return bad_usage(l, msg(l, MSG_CFG_BAD_SCHOOL_ID) /* en/zh text */,
						 optarg);
			a->school = optarg;
			break;
		case O_JOURNAL: a->journal = optarg; break;
		case O_CONFIRM: a->confirm = true; break;
		case O_AUTHENTICATED: a->authenticated = true; break;
		case O_TRUST: a->trust = true; break;
		case O_DAYS: num = &a->days; hi = 36500; break;
		case O_MINUTES: num = &a->minutes; hi = 100000; break;
		case O_TOP: num = &a->top; hi = 1000; break;
		case O_BATCH: num = &a->batch; hi = 1000000; break;
		case ':': return bad_usage(l, msg(l, MSG_JOURNAL_OPTION_NEEDS_VALUE), argv[optind - 1]);
		default: return bad_usage(l, msg(l, MSG_CLI_UNKNOWN_OPTION), argv[optind - 1]);
		}
		if (num && parse_uint(optarg, lo, hi, num) < 0)
			return bad_usage(l, msg(l, MSG_JOURNAL_BAD_LIMIT), optarg);
	}
	if (optind < argc)
		return bad_usage(l, msg(l, MSG_CLI_UNEXPECTED_ARGUMENT), argv[optind]);
	if (a->trust && a->authenticated)
		return bad_usage(l, msg(l, MSG_DISTRICT_TRUST_AND_AUTH), NULL);
	return 0;
}

static struct district_store *dopen(const struct dargs *a, enum lang l)
{
	char *err = NULL;
	struct district_store *s = district_store_open(a->db, &err);
	if (!s) {
		for (char *p = err; p && *p; p++)
			if (*p == '\n')
				*p = ' ';
		msg_fprintf(stderr, l, MSG_DISTRICT_DB_CONNECT, err ? err : "?");
		fputc('\n', stderr);
		free(err);
	}
	return s;
}

static int d_ingest(const struct dargs *a, enum lang l)
{
	struct district_store *s = dopen(a, l);
	if (!s)
		return 2;
	struct district_ingest_opts o = {.confirm = a->confirm, .batch = a->batch ? a->batch : 5000,
					 .trust_message_school = a->trust};
	if (a->trust)
		msg_fprintf(stderr, l, MSG_DISTRICT_TRUST_WARNING);
	struct district_ingest_stats st;
	int rc = district_ingest_run(stdin, stdout, s, &o, &st);
	district_store_close(s);
	msg_fprintf(stderr, l, MSG_DISTRICT_INGEST_DONE, (unsigned long long)st.messages,
		    (unsigned long long)st.inserted, (unsigned long long)st.rejected,
		    (unsigned long long)st.commits, (unsigned long long)st.failed_commits);
	return rc < 0 ? 2 : 0;
}

struct vctx {
	enum lang l;
	unsigned long long schools, bad;
};

static void verify_print(const struct district_verify_result *r, void *arg)
{
	struct vctx *v = arg;
	const struct journal_verify_result *c = &r->chain;
	v->schools++;
	if (r->status == 2) {
		msg_printf(v->l, MSG_DISTRICT_VERIFY_ERROR, r->school_id, r->error);
		v->bad++;
		return;
	}
	if (r->status == 0) {
		msg_printf(v->l, MSG_DISTRICT_VERIFY_OK, r->school_id, (unsigned long long)c->lines,
			   (unsigned long long)c->first_seq, (unsigned long long)c->last_seq,
			   (unsigned long long)r->digests_ok);
		return;
	}
	v->bad++;
	if (c->status)
		msg_printf(v->l, MSG_DISTRICT_VERIFY_CHAIN, r->school_id, c->line, c->what);
	if (r->gap)
		msg_printf(v->l, MSG_DISTRICT_VERIFY_GAP, r->school_id,
			   (unsigned long long)r->gap_after, (unsigned long long)r->gap_next,
			   (unsigned long long)(r->gap_next - r->gap_after - 1));
	if (r->digest_bad)
		msg_printf(v->l, MSG_DISTRICT_VERIFY_DIGEST, r->school_id, r->digest_day,
			   r->digest_what);
}

static void forged_print(const char *cert, const char *claimed, unsigned long long n, void *arg)
{
	msg_printf(*(enum lang *)arg, MSG_DISTRICT_VERIFY_FORGED, cert, n, claimed);
}

static int d_verify(const struct dargs *a, enum lang l)
{
	if (a->journal && !a->school)
		return bad_usage(l, "--journal needs --school", NULL);
	struct district_store *s = dopen(a, l);
	if (!s)
		return 2;
	struct vctx v = {.l = l};
	int rc = district_verify(district_store_conn(s), a->school, verify_print, &v);
	if (a->journal) {
		char what[512];
		int c = district_compare(district_store_conn(s), a->school, a->journal, what,
					 sizeof what);
		msg_printf(l, MSG_DISTRICT_VERIFY_LOCAL, a->school, what);
		rc = c > rc ? c : rc;
	}
	/* lines sent with one school's certificate under another's id: rejected, not in any
	 * school's chain, but a box to look at (exit 1) */
	char err[256];
	long long forged = district_verify_forged(district_store_conn(s), a->school,
						  forged_print, &l, err, sizeof err);
	if (forged < 0)
		msg_printf(l, MSG_DISTRICT_VERIFY_ERROR, "rejects", err);
	rc = forged < 0 ? 2 : (forged > 0 && rc < 1 ? 1 : rc);
	msg_printf(l, MSG_DISTRICT_VERIFY_SUMMARY, v.schools, v.bad);
	district_store_close(s);
	return rc;
}

static int d_retain(const struct dargs *a, enum lang l)
{
	if (!a->days)
		return bad_usage(l, "retain needs --days N", NULL);
	struct district_store *s = dopen(a, l);
	if (!s)
		return 2;
	char days[24];
	snprintf(days, sizeof days, "%llu", a->days);
	const char *p[1] = {days};
	PGresult *r = PQexecParams(district_store_conn(s), "SELECT cg_retain($1::int)", 1, NULL,
				   p, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		msg_printf(l, MSG_DISTRICT_RETAIN_DONE, atoi(PQgetvalue(r, 0, 0)), (unsigned)a->days);
	} else {
		msg_fprintf(stderr, l, MSG_DISTRICT_DB_ERROR, "district retain",
			    PQresultErrorMessage(r));
		rc = 2;
	}
	PQclear(r);
	district_store_close(s);
	return rc;
}

static int d_silent(const struct dargs *a, enum lang l, bool summary)
{
	struct district_store *s = dopen(a, l);
	char err[512];
	int rc;
	if (!s)
		return 2;
	if (summary)
		rc = district_summary(district_store_conn(s), a->days ? (unsigned)a->days : 7,
				      a->top ? (unsigned)a->top : 10, stdout, l, err, sizeof err);
	else
		rc = district_silent(district_store_conn(s),
				     (unsigned)(a->minutes ? a->minutes : 60) * 60, stdout, l, err,
				     sizeof err);
	if (rc < 0)
		msg_fprintf(stderr, l, MSG_DISTRICT_DB_ERROR, "district", err);
	district_store_close(s);
	return rc < 0 ? 2 : (!summary && rc > 0 ? 1 : 0);
}

int cli_district_scan(const char *db, const char *school, const struct review_filter *f,
		      const char *cmd, enum lang l,
		      int (*cb)(const char *school, const struct journal_record *r,
				const char *line, size_t len, void *ctx), void *ctx)
{
	char *cerr = NULL, err[512];
	struct district_store *s = district_store_open(db, &cerr);
	if (!s) {
		msg_fprintf(stderr, l, MSG_DISTRICT_DB_ERROR, cmd, cerr ? cerr : "?");
		free(cerr);
		return -1;
	}
	int rc = district_scan(district_store_conn(s), f, school, cb, ctx, err, sizeof err);
	if (rc < 0)
		msg_fprintf(stderr, l, MSG_DISTRICT_DB_ERROR, cmd, err);
	district_store_close(s);
	return rc;
}

int cmd_district(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct dargs a;
	memset(&a, 0, sizeof a);
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(msg(l, MSG_DISTRICT_HELP), argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	int rc = dparse(argc - 1, argv + 1, &a, l);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (!strcmp(sub, "ingest"))
		return d_ingest(&a, l);
	if (!strcmp(sub, "verify"))
		return d_verify(&a, l);
	if (!strcmp(sub, "retain"))
		return d_retain(&a, l);
	if (!strcmp(sub, "silent"))
		return d_silent(&a, l, false);
	if (!strcmp(sub, "summary"))
		return d_silent(&a, l, true);
	return bad_usage(l, msg(l, MSG_JOURNAL_UNKNOWN_SUBCOMMAND), sub);
}

#endif
