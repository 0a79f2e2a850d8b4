/* campusgate journal | journal verify | report: staff review of the security journal. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "i18n.h"
#include "journal_read.h"
#include "journal_verify.h"
#include "report.h"
#include "review.h"
#include "suggest.h"
#include "tz.h"
#include "util.h"

enum {
	O_DIR = 256, O_SINCE, O_FROM, O_TO, O_CATEGORY, O_GROUP, O_CLIENT, O_HOST, O_ACTION,
	O_PROTO, O_EVENT, O_ID, O_FORMAT, O_LIMIT, O_TZ, O_LANG, O_TOP, O_NOVERIFY,
	O_HTML, O_CSV, O_TEXT, O_INCIDENTS, O_DISTRICT, O_DB, O_SCHOOL, O_NEWEST,
};

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "dir", required_argument, NULL, O_DIR },
	{ "since", required_argument, NULL, O_SINCE },
	{ "from", required_argument, NULL, O_FROM },
	{ "to", required_argument, NULL, O_TO },
	{ "category", required_argument, NULL, O_CATEGORY },
	{ "group", required_argument, NULL, O_GROUP },
	{ "client", required_argument, NULL, O_CLIENT },
	{ "host", required_argument, NULL, O_HOST },
	{ "action", required_argument, NULL, O_ACTION },
	{ "proto", required_argument, NULL, O_PROTO },
	{ "event", required_argument, NULL, O_EVENT },
	{ "id", required_argument, NULL, O_ID },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "tz", required_argument, NULL, O_TZ },
	{ "lang", required_argument, NULL, O_LANG },
	{ "top", required_argument, NULL, O_TOP },
	{ "no-verify", no_argument, NULL, O_NOVERIFY },
	{ "html", no_argument, NULL, O_HTML },
	{ "csv", no_argument, NULL, O_CSV },
	{ "text", no_argument, NULL, O_TEXT },
	{ "incidents", required_argument, NULL, O_INCIDENTS },
	{ "district", no_argument, NULL, O_DISTRICT },
	{ "db", required_argument, NULL, O_DB },
	{ "school", required_argument, NULL, O_SCHOOL },
	{ "newest", no_argument, NULL, O_NEWEST },
	{ NULL, 0, NULL, 0 },
};

/* Everything the three commands read from their options. */
struct jopts {
	const char *conf, *dir, *since, *from, *to, *format, *zone, *out, *lang, *client;
	struct review_filter filter;
	unsigned top, incidents;
	bool no_verify;
	bool newest;               /* journal --newest: newest first */
	bool district;             /* --district: the district store, not a journal dir */
	const char *db, *school_id;
	/* resolved */
	char *jdir, *school, *zone_name;
	struct config *cfg;
	struct tz *tz;
};

static int usage_error(enum lang l, const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "campusgate %s: %s%s%s%s\n", cmd, what, arg ? " '" : "", arg ? arg : "",
		arg ? "'" : "");
	msg_fprintf(stderr, l, MSG_JOURNAL_SEE_HELP, cmd);
	return 2;
}

/* Parse the options; report: the report's few extra ones. 0, or the exit status. */
static int parse_opts(int argc, char **argv, struct jopts *o, const char *cmd, bool report,
		      enum lang l)
{
	int c;
	unsigned long long v;
	review_filter_init(&o->filter);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, report ? ":c:ho:" : ":c:h", longopts, NULL)) != -1) {
		if (!report && (c == O_NOVERIFY || c == O_LANG || c == O_TOP || c == O_HTML ||
				c == O_TEXT || c == O_INCIDENTS))
			return usage_error(l, cmd, msg(l, MSG_JOURNAL_REPORT_ONLY_OPTION),
					   argv[optind - 1]);
		switch (c) {
		case 'c': o->conf = optarg; break;
		case 'h':
			fputs(msg(l, report ? MSG_REPORT_HELP : MSG_JOURNAL_HELP), stdout);
			return -1;
		case 'o': o->out = optarg; break;
		case O_DIR: o->dir = optarg; break;
		case O_SINCE: o->since = optarg; break;
		case O_FROM: o->from = optarg; break;
		case O_TO: o->to = optarg; break;
		case O_CATEGORY: o->filter.category = optarg; break;
		case O_GROUP: o->filter.group = optarg; break;
		case O_HOST: o->filter.host = optarg; break;
		case O_ACTION: o->filter.action = optarg; break;
		case O_PROTO: o->filter.proto = optarg; break;
		case O_EVENT: o->filter.event = optarg; break;
		case O_ID: o->filter.id = optarg; break;
		case O_FORMAT: o->format = optarg; break;
		case O_HTML: o->format = "html"; break;
		case O_TEXT: o->format = "text"; break;
		case O_CSV: o->format = "csv"; break;
		case O_TZ: o->zone = optarg; break;
		case O_NOVERIFY: o->no_verify = true; break;
		case O_NEWEST:
			if (report)
				return usage_error(l, cmd, msg(l, MSG_JOURNAL_JOURNAL_ONLY_OPTION),
						   argv[optind - 1]);
			o->newest = true;
			break;
		case O_DISTRICT: o->district = true; break;
		case O_DB: o->db = optarg; break;
		case O_SCHOOL: o->school_id = optarg; break;
		case O_LANG: o->lang = optarg; break;
		case O_CLIENT:
			o->client = optarg;
			if (review_filter_client(&o->filter, optarg) < 0)
				return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_CLIENT),
						   optarg);
			break;
		case O_LIMIT:
			if (parse_uint(optarg, 1, UINT64_MAX, &v) < 0)
				return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_LIMIT), optarg);
			o->filter.limit = v;
			break;
		case O_TOP:
			if (parse_uint(optarg, 1, 1000, &v) < 0)
				return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_TOP), optarg);
			o->top = (unsigned)v;
			break;
		case O_INCIDENTS:
			if (parse_uint(optarg, 1, 100000, &v) < 0)
				return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_INCIDENTS), optarg);
			o->incidents = (unsigned)v;
			break;
		case ':':
			return usage_error(l, cmd, msg(l, MSG_JOURNAL_OPTION_NEEDS_VALUE),
					   argv[optind - 1]);
		default:
			return usage_error(l, cmd, msg(l, MSG_CLI_UNKNOWN_OPTION),
					   argv[optind - 1]);
		}
	}
	if (o->conf && o->dir)
		return usage_error(l, cmd, msg(l, MSG_JOURNAL_CONF_AND_DIR), NULL);
	if (o->newest && o->district)
		return usage_error(l, cmd, "--newest reads a journal dir, not --district", NULL);
	if ((o->db || o->school_id) && !o->district)
		return usage_error(l, cmd, "--db and --school go with --district", NULL);
	if (o->district && o->dir)
		return usage_error(l, cmd, "--district reads the store, not --dir", NULL);
	if (o->since && (o->from || o->to))
		return usage_error(l, cmd, msg(l, MSG_JOURNAL_SINCE_AND_FROM), NULL);
	return 0;
}

/* --category must name a category of the config: a typo (or the short "porn") would
 * otherwise find nothing and look like a quiet day. -1 after saying which ones exist. */
static int check_category(const struct jopts *o, const char *cmd, enum lang l)
{
	const struct config *cfg = o->cfg;
	const char *want = o->filter.category;
	if (!want || cfg->n_categories == 0)
		return 0;
	const char *names[CFG_MAX_CATEGORIES];
	size_t n = 0;
	struct sbuf known;
	sbuf_init(&known);
	for (size_t i = 0; i < cfg->n_categories && n < CFG_MAX_CATEGORIES; i++) {
		if (strcmp(cfg->categories[i].name, want) == 0) {
			sbuf_free(&known);
			return 0;
		}
		names[n++] = cfg->categories[i].name;
		sbuf_printf(&known, "%s%s", i ? ", " : "", cfg->categories[i].name);
	}
	const char *near = suggest_closest(want, names, n);
	msg_fprintf(stderr, l, MSG_JOURNAL_UNKNOWN_CATEGORY, cmd, want);
	if (near)
		msg_fprintf(stderr, l, MSG_DID_YOU_MEAN, near);
	msg_fprintf(stderr, l, MSG_JOURNAL_KNOWN_CATEGORIES, known.data);
	sbuf_free(&known);
	return -1;
}

/* Find the journal directory and the zone: --dir, or the config. 0, or the exit status. */
static int resolve(struct jopts *o, const char *cmd, enum lang l)
{
	const char *err = NULL;
	if (o->dir) {
		o->jdir = xstrdup(o->dir);
	} else if (o->district && !o->conf) {
		/* the district's server: no school config; the zone from --tz */
	} else {
		struct diag d;
		const char *conf = o->conf ? o->conf : cli_default_config();
		diag_init(&d);
		o->cfg = config_load(conf, &d);
		if (!o->cfg) {
			lang_diag_print(lang_from_env(), &d, stderr);
			msg_fprintf(stderr, l, MSG_JOURNAL_BAD_CONFIG, cmd, conf);
			diag_free(&d);
			return 2;
		}
		diag_free(&d);
		if (check_category(o, cmd, l) < 0)
			return 2;
		/* config_load already made a relative dir relative to the config's folder */
		o->jdir = xstrdup(o->cfg->journal.dir);
		free(cli_index_setup(o->cfg)); /* the console's index, when readable */
		if (o->cfg->journal.school && !o->district)
			o->school = xstrdup(o->cfg->journal.school);
		if (!o->zone && o->cfg->timezone)
			o->zone = o->cfg->timezone;
	}
	if (o->district) {
		free(o->school);
		o->school = xstrdup(o->school_id ? o->school_id : "all schools / 全部学校");
	}
	o->zone_name = xstrdup(o->zone ? o->zone : "Asia/Shanghai");
	o->tz = tz_load(o->zone_name, &err);
	if (!o->tz) {
		msg_fprintf(stderr, l, MSG_JOURNAL_TIME_ZONE, cmd, o->zone_name, err);
		return 2;
	}
	return 0;
}

/* The time range from --since/--from/--to; 0, or the exit status. */
static int time_range(struct jopts *o, const char *cmd, enum lang l, int64_t def_since)
{
	int64_t now = now_wall_us(), d;
	if (o->since || (!o->from && !o->to && def_since)) {
		if (!o->since)
			d = def_since;
		else if (review_parse_duration(o->since, &d) < 0)
			return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_SINCE), o->since);
		o->filter.from_us = now - d;
		o->filter.to_us = now;
	}
	if (o->from && review_parse_time(o->from, o->tz, false, &o->filter.from_us) < 0)
		return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_FROM),
				   o->from);
	if (o->to && review_parse_time(o->to, o->tz, true, &o->filter.to_us) < 0)
		return usage_error(l, cmd, msg(l, MSG_JOURNAL_BAD_TO), o->to);
	if (o->from && !o->to && def_since)
		o->filter.to_us = now;
	if (o->to && !o->from && def_since)
		o->filter.from_us = o->filter.to_us - def_since; /* report --to T: the 12 h before */
	if (o->filter.from_us > o->filter.to_us)
		return usage_error(l, cmd, msg(l, MSG_JOURNAL_EMPTY_RANGE), NULL);
	return 0;
}

static void opts_free(struct jopts *o)
{
	free(o->jdir);
	free(o->school);
	free(o->zone_name);
	if (o->tz)
		tz_free(o->tz);
	if (o->cfg)
		config_free(o->cfg);
}

static const char *kind_zh(const char *what)
{
	static const struct { const char *en, *zh; } kinds[] = {
		{ JV_EDITED, "被修改" }, { JV_DELETED, "被删除" }, { JV_REORDERED, "顺序被打乱" },
		{ JV_TORN, "末行残缺" }, { JV_MISSING, "文件缺失" }, { JV_REWRITTEN, "被重写" },
	};
	for (size_t i = 0; i < CG_ARRAY_LEN(kinds); i++)
		if (strncmp(what, kinds[i].en, strlen(kinds[i].en)) == 0)
			return kinds[i].zh;
	return "错误";
}

static int cmd_verify(int argc, char **argv, enum lang l)
{
	struct jopts o;
	struct journal_verify_result res;
	int32_t from_day = INT32_MIN;
	int rc;
	memset(&o, 0, sizeof o);
	rc = parse_opts(argc, argv, &o, "journal verify", false, l);
	if (rc == 0 && optind < argc)
		rc = usage_error(l, "journal verify", msg(l, MSG_CLI_UNEXPECTED_ARGUMENT), argv[optind]);
	if (rc == 0 && (o.since || o.to || o.filter.category || o.filter.group ||
			o.filter.has_client || o.filter.host || o.filter.action || o.filter.proto ||
			o.filter.event || o.filter.id || o.filter.limit || o.format || o.zone ||
			o.no_verify))
		rc = usage_error(l, "journal verify", msg(l, MSG_JOURNAL_VERIFY_OPTIONS),
				 NULL);
	if (rc == 0 && o.from && journal_parse_day(o.from, strlen(o.from), &from_day) < 0)
		rc = usage_error(l, "journal verify", msg(l, MSG_JOURNAL_BAD_FROM_DAY), o.from);
	if (rc == 0)
		rc = resolve(&o, "journal verify", l);
	if (rc != 0) {
		opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	journal_verify(o.jdir, from_day, &res);
	if (res.status == 0) {
		msg_printf(l, MSG_JOURNAL_VERIFY_OK,
			   (unsigned long long)res.lines, (unsigned long long)res.files,
		       (unsigned long long)res.first_seq, (unsigned long long)res.last_seq,
		       (unsigned long long)res.digests);
		if (res.lines)
			msg_printf(l, MSG_JOURNAL_LAST_HASH, res.last_hash);
		if (res.start_moved)
			msg_printf(l, MSG_JOURNAL_CHAIN_START,
				   (unsigned long long)res.first_seq);
	} else if (res.status == 1) {
		printf("%s:%lu: %s%s%s%s\n", res.file, res.line, l == LANG_ZH ? kind_zh(res.what) : "",
		       l == LANG_ZH ? "（" : "", res.what, l == LANG_ZH ? "）" : "");
		msg_printf(l, MSG_JOURNAL_VERIFY_TAMPERED,
			   (unsigned long long)res.lines, (unsigned long long)res.files);
	} else {
		msg_fprintf(stderr, l, MSG_JOURNAL_VERIFY_ERROR, o.jdir, res.what);
	}
	opts_free(&o);
	return res.status;
}

struct query {
	const struct review_filter *f;
	struct review_out *out;    /* journal: made at the first row (or after the scan) */
	enum review_format fmt;
	enum lang lang;
	struct report *rp;
	bool incidents_only;       /* report --csv: the incidents, not the journal's own events */
	uint64_t n;
};

static int query_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct query *q = ctx;
	if (!review_match(q->f, r) || (q->incidents_only && !report_is_incident(r)))
		return 0;
	if (!q->rp) {
		if (!q->out)
			q->out = review_out_new(stdout, q->fmt, q->lang);
		review_out_row(q->out, r, line, len);
	}
	if (q->rp)
		report_add(q->rp, r);
	q->n++;
	return q->f->limit && q->n >= q->f->limit;
}

/* Run q over the journal of o (its time range, its filter's needles); when the scan
 * fails, say why as "campusgate CMD: DIR: why" and return -1. */
static int query_scan(const struct jopts *o, const char *cmd, struct query *q, uint64_t *bad)
{
	const char *err = NULL;
	char *must[8];
	review_needles(&o->filter, must, CG_ARRAY_LEN(must));
	int rc = (o->newest ? journal_scan_newest : journal_scan)(
		o->jdir, o->filter.from_us, o->filter.to_us, (const char *const *)must, query_cb,
		q, bad, &err);
	review_needles_free(must);
	if (rc < 0) {
		fprintf(stderr, "campusgate %s: %s: %s\n", cmd, o->jdir, err);
		return -1;
	}
	return 0;
}

/* --district: the store's lines through the same callback, per school. */
struct dquery {
	struct query *q;
	const struct jopts *o;
	char school[65];
};

static int dquery_cb(const char *school, const struct journal_record *r, const char *line,
		     size_t len, void *ctx)
{
	struct dquery *d = ctx;
	struct query *q = d->q;
	if (strcmp(school, d->school) != 0) {
		snprintf(d->school, sizeof d->school, "%s", school);
		if (!q->rp && q->fmt == REVIEW_TABLE) {
			if (q->out)
				review_out_end(q->out);
			q->out = NULL;
			msg_printf(q->lang, MSG_DISTRICT_SCHOOL_HEAD, school);
		}
	}
	if (!q->rp && q->fmt == REVIEW_JSON && !d->o->school_id) {
		/* across schools, each line says whose it is */
		if (!review_match(q->f, r))
			return 0;
		printf("{\"school_id\":\"%s\",%.*s\n", school, (int)(len - 1), line + 1);
		q->n++;
		return q->f->limit && q->n >= q->f->limit;
	}
	return query_cb(r, line, len, q);
}

/* Run q over the district store (o's filters, --school). -1 after saying why. */
static int query_district(const struct jopts *o, const char *cmd, struct query *q)
{
	struct dquery d = {.q = q, .o = o};
	struct review_filter f = *q->f;
	f.limit = 0; /* query_cb counts */
	return cli_district_scan(o->db, o->school_id, &f, cmd, q->lang, dquery_cb, &d);
}

static void warn_bad(enum lang l, uint64_t bad)
{
	if (bad)
		msg_fprintf(stderr, l, MSG_JOURNAL_UNREADABLE_LINES, (unsigned long long)bad);
}

int cmd_journal(int argc, char **argv)
{
	enum lang l = lang_from_env();
	struct jopts o;
	enum review_format fmt = REVIEW_TABLE;
	uint64_t bad = 0;
	int rc;
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1, l);
	if (argc >= 2 && strcmp(argv[1], "index") == 0)
		return cmd_journal_index(argc - 1, argv + 1, l);
	memset(&o, 0, sizeof o);
	rc = parse_opts(argc, argv, &o, "journal", false, l);
	if (rc == 0 && optind < argc)
		rc = usage_error(l, "journal", msg(l, MSG_JOURNAL_UNKNOWN_SUBCOMMAND), argv[optind]);
	if (rc == 0 && o.format && review_parse_format(o.format, &fmt) < 0)
		rc = usage_error(l, "journal", msg(l, MSG_JOURNAL_BAD_FORMAT), o.format);
	if (rc == 0)
		rc = resolve(&o, "journal", l);
	if (rc == 0)
		rc = time_range(&o, "journal", l, 0);
	if (rc != 0) {
		opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	struct query q = { .f = &o.filter, .fmt = fmt, .lang = l };
	if (o.district && fmt == REVIEW_CSV && !o.school_id) {
		msg_fprintf(stderr, l, MSG_DISTRICT_NO_SCHOOL_CSV, "journal");
		fputc('\n', stderr);
		opts_free(&o);
		return 2;
	}
	if (o.district ? query_district(&o, "journal", &q) < 0 :
			 query_scan(&o, "journal", &q, &bad) < 0) {
		opts_free(&o);
		return 2;
	}
	if (!q.out && !(o.district && fmt == REVIEW_JSON && !o.school_id))
		q.out = review_out_new(stdout, fmt, l); /* the header of an empty result */
	if (q.out)
		review_out_end(q.out);
	warn_bad(l, bad);
	opts_free(&o);
	return ferror(stdout) ? 2 : 0;
}

/* Append " OPT VALUE" to b, the value in single quotes when the shell would split it. */
static void add_arg(struct sbuf *b, const char *opt, const char *val)
{
	if (!val)
		return;
	sbuf_printf(b, " %s ", opt);
	if (val[0] && strspn(val, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789._/:-+=@,") == strlen(val)) {
		sbuf_adds(b, val);
		return;
	}
	sbuf_addc(b, '\'');
	for (; *val; val++)
		if (*val == '\'')
			sbuf_adds(b, "'\\''");
		else
			sbuf_addc(b, *val);
	sbuf_addc(b, '\'');
}

/* The command that exports every incident of this report as CSV: the same journal,
 * filters and period (as fixed times, so that it gives the same list later). */
static char *csv_command(const struct jopts *o, int32_t off)
{
	struct sbuf b;
	char from[20], to[20];
	const struct review_filter *f = &o->filter;
	sbuf_init(&b);
	sbuf_adds(&b, "campusgate report");
	add_arg(&b, "-c", o->conf);
	add_arg(&b, "--dir", o->dir);
	add_arg(&b, "--tz", o->zone && o->cfg && o->cfg->timezone &&
		strcmp(o->zone, o->cfg->timezone) == 0 ? NULL : o->zone);
	if (f->from_us != INT64_MIN) {
		report_fmt_time(f->from_us, off, from);
		add_arg(&b, "--from", from);
	}
	if (f->to_us != INT64_MAX) {
		report_fmt_time(f->to_us, off, to);
		add_arg(&b, "--to", to);
	}
	add_arg(&b, "--category", f->category);
	add_arg(&b, "--group", f->group);
	add_arg(&b, "--client", o->client);
	add_arg(&b, "--host", f->host);
	add_arg(&b, "--action", f->action);
	add_arg(&b, "--proto", f->proto);
	add_arg(&b, "--event", f->event);
	sbuf_adds(&b, " --csv -o incidents.csv");
	return sbuf_take(&b);
}

/* The report of o's period, its categories titled from the config. */
static struct report *report_of(const struct jopts *o, int32_t off)
{
	struct report *rp = report_new(o->school, o->filter.from_us, o->filter.to_us, off, o->top);
	char *hint = csv_command(o, off);
	report_set_listing(rp, o->incidents, hint);
	free(hint);
	for (size_t i = 0; o->cfg && i < o->cfg->n_categories; i++)
		report_set_category(rp, o->cfg->categories[i].name, o->cfg->categories[i].title_zh,
				    o->cfg->categories[i].title_en);
	return rp;
}

/* report --csv: every incident of the period as the CSV of journal --format csv. */
static int report_csv(struct jopts *o, FILE *f, enum lang rl, uint64_t *bad)
{
	struct query q = { .f = &o->filter, .fmt = REVIEW_CSV, .lang = rl,
			   .incidents_only = true };
	q.out = review_out_new(f, REVIEW_CSV, rl);
	if (o->district && !o->school_id) {
		msg_fprintf(stderr, rl, MSG_DISTRICT_NO_SCHOOL_CSV, "report");
		fputc('\n', stderr);
		review_out_end(q.out);
		return 2;
	}
	int rc = o->district ? query_district(o, "report", &q) : query_scan(o, "report", &q, bad);
	review_out_end(q.out);
	return rc < 0 ? 2 : 0;
}

/* Open -o FILE (or standard output); NULL after saying why. */
static FILE *report_open(const struct jopts *o)
{
	FILE *f = stdout;
	if (o->out && !(f = fopen(o->out, "w")))
		fprintf(stderr, "campusgate report: %s: %s\n", o->out, strerror(errno));
	return f;
}

static int report_close(const struct jopts *o, FILE *f, enum lang l, int rc)
{
	if ((f != stdout ? fclose(f) : fflush(f)) != 0 && rc == 0)
		rc = 2;
	if (rc == 0 && o->out)
		msg_fprintf(stderr, l, MSG_JOURNAL_REPORT_WRITTEN, o->out);
	return rc;
}

/* Build and write the text or HTML report; 0, 1 (the journal does not verify) or 2. */
static int report_write(struct jopts *o, enum lang l, enum lang rl, bool html, uint64_t *bad)
{
	int64_t ref = o->filter.to_us == INT64_MAX ? now_wall_us() : o->filter.to_us;
	int32_t off = (int32_t)tz_offset(o->tz, (time_t)(ref / 1000000));
	struct report *rp = report_of(o, off);
	struct query q = { .f = &o->filter, .rp = rp };
	struct journal_verify_result vr;
	FILE *f;
	int rc;
	if (o->district ? query_district(o, "report", &q) < 0 : query_scan(o, "report", &q, bad) < 0) {
		report_free(rp);
		return 2;
	}
	if (!o->district)
		report_set_digests(rp, o->jdir);
	if (!o->no_verify && !o->district) {
		journal_verify(o->jdir, o->filter.from_us == INT64_MIN ? INT32_MIN :
			       journal_day(o->filter.from_us, off), &vr);
		report_set_verify(rp, &vr);
	}
	if (!(f = report_open(o))) {
		report_free(rp);
		return 2;
	}
	if (html)
		report_html(rp, f, rl);
	else
		report_text(rp, f, rl);
	rc = report_close(o, f, l, 0);
	if (rc == 0 && !o->no_verify && !o->district && vr.status != 0)
		rc = 1;
	report_free(rp);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	enum lang l = lang_from_env(), rl;
	struct jopts o;
	uint64_t bad = 0;
	int rc;
	memset(&o, 0, sizeof o);
	rc = parse_opts(argc, argv, &o, "report", true, l);
	if (rc == 0 && optind < argc)
		rc = usage_error(l, "report", msg(l, MSG_CLI_UNEXPECTED_ARGUMENT),
				 argv[optind]);
	if (rc == 0 && o.format && strcmp(o.format, "html") != 0 &&
	    strcmp(o.format, "text") != 0 && strcmp(o.format, "csv") != 0)
		rc = usage_error(l, "report", msg(l, MSG_JOURNAL_BAD_REPORT_FORMAT), o.format);
	if (rc == 0 && o.lang && lang_parse(o.lang, (enum lang)-1) == (enum lang)-1)
		rc = usage_error(l, "report", msg(l, MSG_JOURNAL_BAD_LANG), o.lang);
	if (rc == 0)
		rc = resolve(&o, "report", l);
	if (rc == 0)
		rc = time_range(&o, "report", l, 12LL * 3600 * 1000000);
	if (rc != 0) {
		opts_free(&o);
		return rc < 0 ? 0 : rc;
	}
	rl = o.lang ? lang_parse(o.lang, LANG_ZH) : LANG_ZH;
	if (o.format && strcmp(o.format, "csv") == 0) {
		FILE *f = report_open(&o);
		rc = f ? report_close(&o, f, l, report_csv(&o, f, rl, &bad)) : 2;
	} else {
		rc = report_write(&o, l, rl, o.format && strcmp(o.format, "html") == 0, &bad);
	}
	warn_bad(l, bad);
	opts_free(&o);
	return rc;
}
