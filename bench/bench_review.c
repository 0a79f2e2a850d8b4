/* bench_review: staff query speed over a large journal. Generates a hash-chained journal
 * of N events over D days once (kept in DIR for the next run), then times a filtered
 * "--since 24h" query in-process and, with --cli, through the real campusgate.
 *
 * Then the console's queries (issue 12): the dashboard's numbers over 7 days and
 * "the newest 50" journal pages over 7 days (one client, one category, one group and
 * category, the rare bypass events), without the journal's index (a full read) and with
 * it (built cold, warm in memory, read back from its cache folder).
 *
 *   bench_review [--dir DIR] [--events N] [--days D] [--cli PATH-TO-campusgate]
 *   bench_review --write-api DIR N [MAXBYTES [AGE_S]]   (N events through the writer
 *       API, with hostile hosts, files rotated at MAXBYTES, dated AGE_S seconds ago (late
 *       events, as `sensor --read old.pcap` writes); prints the first event id; for tests)
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dashboard.h"
#include "journal.h"
#include "journal_format.h"
#include "journal_index.h"
#include "journal_read.h"
#include "review.h"
#include "util.h"

#define OFF8 (8 * 3600)
#define US 1000000LL

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double secs(uint64_t a, uint64_t b)
{
	return (double)(b - a) / 1e9;
}

/* CPU seconds (user + system) of this process so far. */
static double cpu_secs(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static const char *const cats[] = { "gambling", "porn", "superstition", "doh", "vpn",
				    "games", "malware", "proxy" };
static const char *const groups[] = { "students", "teachers", "staff", "guests" };
static const char *const actions[] = { "block", "block", "block", "observe", "bypass" };
static const char *const protos[] = { "dns", "dns", "dns", "http", "tls", "sensor" };

/* Write the journal: files per local day, a digest line per day. */
static int generate(const char *dir, uint64_t n, unsigned days, int64_t end_us)
{
	struct sbuf out;
	uint8_t last[JOURNAL_HASH_LEN] = { 0 };
	int fd = -1;
	int32_t cur_day = INT32_MIN;
	uint64_t day_first = 0;
	int64_t start_us = end_us - (int64_t)days * 86400 * US;
	int64_t step = ((int64_t)days * 86400 * US) / (int64_t)n;
	char dpath[4096];
	FILE *dg;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -1;
	snprintf(dpath, sizeof dpath, "%s/digest.log", dir);
	dg = fopen(dpath, "w");
	if (!dg)
		return -1;
	sbuf_init(&out);
	for (uint64_t i = 1; i <= n; i++) {
		struct journal_record r;
		char id[24], client[24], host[64], rtext[80];
		uint64_t x = rnd();
		memset(&r, 0, sizeof r);
		r.seq = i;
		r.time_us = start_us + (int64_t)i * step;
		r.utc_offset = OFF8;
		int32_t day = journal_day(r.time_us, OFF8);
		if (day != cur_day) {
			if (out.len && write(fd, out.data, out.len) != (ssize_t)out.len)
				return -1;
			sbuf_reset(&out);
			if (fd >= 0) {
				char dstr[11], hex[JOURNAL_HEX_LEN];
				journal_day_str(cur_day, dstr);
				journal_hex(last, hex);
				fprintf(dg, "{\"day\":\"%s\",\"count\":%" PRIu64 ",\"first_seq\":%" PRIu64
					",\"last_seq\":%" PRIu64 ",\"last_hash\":\"%s\"}\n", dstr,
					i - day_first, day_first, i - 1, hex);
				close(fd);
			}
			char name[11], path[4096];
			journal_day_str(day, name);
			snprintf(path, sizeof path, "%s/%s.jsonl", dir, name);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
			if (fd < 0)
				return -1;
			cur_day = day;
			day_first = i;
		}
		snprintf(id, sizeof id, "b%015" PRIx64, x & (uint64_t)0xfffffffffffffULL);
		snprintf(client, sizeof client, "10.%u.%u.%u", (unsigned)(x >> 20) % 4,
			 (unsigned)(x >> 24) % 8, (unsigned)(x >> 32) % 250 + 1);
		snprintf(host, sizeof host, "site%u.%s.example", (unsigned)(x >> 40) % 5000,
			 cats[(x >> 8) % CG_ARRAY_LEN(cats)]);
		snprintf(rtext, sizeof rtext, "%s.example", cats[(x >> 8) % CG_ARRAY_LEN(cats)]);
		r.id = id;
		r.event = "hit";
		if ((x >> 52) % 400 == 0) { /* a few bypass attempts: DoH, VPN */
			r.event = "bypass";
			r.category = (x >> 8) & 1 ? "doh" : "vpn";
		}
		r.proto = protos[(x >> 12) % CG_ARRAY_LEN(protos)];
		r.action = actions[(x >> 16) % CG_ARRAY_LEN(actions)];
		r.client = client;
		r.group = groups[(x >> 4) % CG_ARRAY_LEN(groups)];
		r.host = host;
		if (!r.category)
			r.category = cats[(x >> 8) % CG_ARRAY_LEN(cats)];
		r.qtype = strcmp(r.proto, "dns") == 0 ? "A" : NULL;
		r.rule_file = "lists/blocklist.list";
		r.rule_line = (unsigned)(x >> 44) % 100000 + 1;
		r.rule_text = rtext;
		memcpy(r.prev, last, JOURNAL_HASH_LEN);
		journal_format_line(&out, &r);
		memcpy(last, r.hash, JOURNAL_HASH_LEN);
		if (out.len >= (1u << 20)) {
			if (write(fd, out.data, out.len) != (ssize_t)out.len)
				return -1;
			sbuf_reset(&out);
		}
	}
	if (out.len && write(fd, out.data, out.len) != (ssize_t)out.len)
		return -1;
	if (fd >= 0)
		close(fd);
	fclose(dg);
	sbuf_free(&out);
	return 0;
}

struct q {
	struct review_filter f;
	struct review_out *out;
	uint64_t n;
};

static int q_cb(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct q *q = ctx;
	if (review_match(&q->f, r)) {
		review_out_row(q->out, r, line, len);
		q->n++;
	}
	return 0;
}

/* N events through the real writer, hostile hosts among them. */
static int write_api(const char *dir, unsigned long n, size_t max_file_bytes, uint64_t age_s)
{
	static const char *const hostile[] = {
		"evil\"quote.example", "comma,host.example", "new\nline.example",
		"ctl\x01\x1b[31mred.example", "<script>alert(1)</script>.example",
		"=cmd|' /C calc'!A0", "中文测试.example", "+SUM(1)", "@at.example", "-dash.example",
	};
	struct cfg_journal cfg;
	const char *err = NULL;
	memset(&cfg, 0, sizeof cfg);
	cfg.dir = (char *)dir;
	cfg.fsync_interval_ms = 1000;
	cfg.queue_events = 65536;
	cfg.max_file_bytes = max_file_bytes;
	struct journal *j = journal_open(&cfg, "Asia/Shanghai", &err);
	if (!j) {
		fprintf(stderr, "bench_review: journal_open %s: %s\n", dir, err);
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct journal_event ev;
		char id[JOURNAL_ID_LEN], host[64];
		memset(&ev, 0, sizeof ev);
		if (age_s)
			ev.time_us = now_wall_us() - (int64_t)age_s * US;
		ev.proto = i % 3 == 0 ? PROTO_HTTP : PROTO_DNS;
		addr_parse(i % 2 ? "10.1.2.3" : "10.9.0.7", &ev.client);
		ev.group = i % 2 ? "students" : "teachers";
		ev.category = i % 4 == 0 ? "gambling" : "porn";
		ev.action = i % 5 == 0 ? "observe" : "block";
		if (i < CG_ARRAY_LEN(hostile)) {
			ev.host = hostile[i];
		} else {
			snprintf(host, sizeof host, "site%lu.example", i % 50);
			ev.host = host;
		}
		ev.path = ev.proto == PROTO_HTTP ? "/p?a=1,b=\"2\"" : NULL;
		ev.rule_file = "lists/test.list";
		ev.rule_line = (unsigned)i + 1;
		ev.rule_text = "=rule";
		while (journal_append(j, &ev, id) < 0)
			journal_flush(j);
		if (i == 0)
			printf("%s\n", id);
	}
	journal_flush(j);
	journal_close(j);
	return 0;
}

/* ---- the console's queries ------------------------------------------------------- */

#define PAGE 50

struct page {
	struct review_filter f;
	uint64_t seq[PAGE], seen;   /* a ring of the last PAGE matches (forward read) */
};

static int page_fwd(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct page *p = ctx;
	(void)line;
	(void)len;
	if (review_match(&p->f, r))
		p->seq[p->seen++ % PAGE] = r->seq;
	return 0;
}

static int page_newest(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	struct page *p = ctx;
	(void)line;
	(void)len;
	if (review_match(&p->f, r))
		p->seq[p->seen++] = r->seq;
	return p->seen == PAGE;
}

static int count_all(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	uint64_t *n = ctx;
	(void)r;
	(void)line;
	(void)len;
	(*n)++;
	return 0;
}

struct page_def {
	const char *what, *client, *category, *group, *event;
};

static const struct page_def pages[] = {
	{ "one client (10.1.3.77)", "10.1.3.77", NULL, NULL, NULL },
	{ "one category (gambling)", NULL, "gambling", NULL, NULL },
	{ "one group and category (students, porn)", NULL, "porn", "students", NULL },
	{ "bypass attempts (event bypass)", NULL, NULL, NULL, "bypass" },
};

/* One page query; its wall time in seconds, the first seq found in *first. */
static double page_run(const char *dir, const struct page_def *d, int64_t end_us, bool indexed,
		       uint64_t *first, uint64_t *found)
{
	struct page p;
	const char *err;
	char *must[8];
	memset(&p, 0, sizeof p);
	review_filter_init(&p.f);
	p.f.to_us = end_us;
	p.f.from_us = end_us - 7 * 86400 * US;
	p.f.category = d->category;
	p.f.group = d->group;
	p.f.event = d->event;
	if (d->client)
		review_filter_client(&p.f, d->client);
	review_needles(&p.f, must, CG_ARRAY_LEN(must));
	uint64_t t0 = now_mono_ns();
	if (indexed)
		journal_scan_newest(dir, p.f.from_us, p.f.to_us, (const char *const *)must,
				    page_newest, &p, NULL, &err);
	else
		journal_scan(dir, p.f.from_us, p.f.to_us, (const char *const *)must, page_fwd, &p,
			     NULL, &err);
	uint64_t t1 = now_mono_ns();
	review_needles_free(must);
	*found = p.seen;
	*first = indexed ? p.seq[0] : p.seq[(p.seen - 1) % PAGE];
	return secs(t0, t1);
}

static bool index_only; /* --index-only: skip the figures without the index */
static bool generate_only; /* --generate-only: make the journal (tests), measure nothing */

static int console_queries(const char *dir, int64_t end_us)
{
	char cache[4200];
	const char *err;
	struct dashboard d;
	uint64_t first[CG_ARRAY_LEN(pages)], found, n = 0;
	snprintf(cache, sizeof cache, "%s-index", dir);
	printf("--- the console's queries, 7 days back from the journal's end, one core\n");
	/* Without the index: the dashboard's numbers by reading every event of the 7 days. */
	uint64_t t0 = now_mono_ns();
	double c0 = cpu_secs();
	for (size_t i = 0; index_only && i < CG_ARRAY_LEN(pages); i++)
		first[i] = 0;
	if (index_only)
		goto indexed;
	journal_scan(dir, end_us - 7 * 86400 * US, end_us, NULL, count_all, &n, NULL, &err);
	printf("dashboard without index (read every event of 7 days): %" PRIu64 " events in "
	       "%.3f s wall, %.3f s CPU\n", n, secs(t0, now_mono_ns()), cpu_secs() - c0);
	for (size_t i = 0; i < CG_ARRAY_LEN(pages); i++) {
		c0 = cpu_secs();
		double s = page_run(dir, &pages[i], end_us, false, &first[i], &found);
		printf("page without index, newest %d of %-40s: %6.3f s wall, %.3f s CPU (%" PRIu64
		       " match)\n", PAGE, pages[i].what, s, cpu_secs() - c0, found);
	}
indexed:
	/* With it: built on first use (cold), then warm in memory, then from the folder. */
	journal_index_cache_setup(cache);
	c0 = cpu_secs();
	t0 = now_mono_ns();
	if (dashboard_build(&d, dir, end_us, OFF8, NULL, 10, &err) < 0) {
		fprintf(stderr, "bench_review: dashboard: %s\n", err);
		return -1;
	}
	printf("dashboard with index, cold (indexes 8 day files): %.3f s wall, %.3f s CPU; "
	       "blocks 7 d %" PRIu64 ", 24 h %" PRIu64 ", bypass 7 d %" PRIu64 "\n",
	       secs(t0, now_mono_ns()), cpu_secs() - c0, d.blocks_7d, d.blocks_24h, d.bypass_7d);
	dashboard_free(&d);
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			journal_index_cache_clear(); /* a new process: indexes read back from disk */
		t0 = now_mono_ns();
		c0 = cpu_secs();
		dashboard_build(&d, dir, end_us, OFF8, NULL, 10, &err);
		double s = secs(t0, now_mono_ns()), cs = cpu_secs() - c0;
		dashboard_free(&d);
		static const char *const scoped[] = { "students", NULL };
		t0 = now_mono_ns();
		c0 = cpu_secs();
		dashboard_build(&d, dir, end_us, OFF8, scoped, 10, &err);
		printf("dashboard with index, %s: %.3f s wall, %.3f s CPU; limited to one group: "
		       "%.3f s wall, %.3f s CPU (goal < 1 s)\n",
		       round ? "read back from the cache folder" : "warm", s, cs,
		       secs(t0, now_mono_ns()), cpu_secs() - c0);
		dashboard_free(&d);
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(pages); i++) {
		uint64_t f;
		c0 = cpu_secs();
		double s = page_run(dir, &pages[i], end_us, true, &f, &found);
		printf("page with index, newest %d of %-40s: %6.3f s wall, %.3f s CPU (goal < 0.3 s)"
		       "%s\n", PAGE, pages[i].what, s, cpu_secs() - c0,
		       index_only || f == first[i] ? "" : " MISMATCH with the full read");
	}
	return 0;
}

/* Run the CLI (argv, NULL-terminated) with stdout to /dev/null and env (NAME=VALUE, may
 * be NULL) set; print its wall and CPU time (its own rusage) after label. */
static void cli_run(const char *label, const char *env, char *const *argv)
{
	uint64_t t0 = now_mono_ns();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		if (env)
			putenv((char *)env);
		execv(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	wait4(pid, &st, 0, &ru);
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		     (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	printf("%s: exit %d in %.3f s wall, %.3f s CPU\n", label, WEXITSTATUS(st),
	       secs(t0, now_mono_ns()), cpu);
	fflush(stdout);
}

/* The CLI's own index (campusgate journal index into a cache folder of the bench's),
 * then "the newest 50 of one client over 30 days" (journal --newest) without and with
 * it: the staff's search from a shell. */
static void cli_index_queries(const char *cli, const char *dir)
{
	char xdg[4200], off[] = "CAMPUSGATE_INDEX=off", cmd[4400];
	snprintf(xdg, sizeof xdg, "XDG_CACHE_HOME=%s-cli-cache", dir);
	snprintf(cmd, sizeof cmd, "rm -rf '%s-cli-cache'", dir);
	if (system(cmd) != 0)
		return;
	char *index[] = { (char *)cli, "journal", "index", "--dir", (char *)dir, "--days", "31",
			  NULL };
	char *newest[] = { (char *)cli, "journal", "--dir", (char *)dir, "--since", "31d",
			   "--client", "10.1.3.77", "--newest", "--limit", "50", "--format",
			   "json", NULL };
	char *fwd[] = { (char *)cli, "journal", "--dir", (char *)dir, "--since", "31d",
			"--client", "10.1.3.77", "--format", "json", NULL };
	printf("load average before the CLI's index: ");
	fflush(stdout);
	if (system("cut -d' ' -f1-3 /proc/loadavg") != 0)
		putchar('\n');
	cli_run("campusgate journal --newest --limit 50 --client 10.1.3.77 --since 31d, no index"
		" (CAMPUSGATE_INDEX=off)", off, newest);
	cli_run("campusgate journal --client 10.1.3.77 --since 31d (all, oldest first), no index",
		off, fwd);
	cli_run("campusgate journal index --dir DIR --days 31 (cold: every day file parsed)", xdg,
		index);
	cli_run("campusgate journal index again (every index current: only checked)", xdg, index);
	cli_run("campusgate journal --newest --limit 50 --client 10.1.3.77 --since 31d, with the"
		" index", xdg, newest);
	cli_run("campusgate journal --client 10.1.3.77 --since 31d (all, oldest first), with the"
		" index", xdg, fwd);
}

int main(int argc, char **argv)
{
	const char *dir = "/tmp/cg-bench-review", *cli = NULL;
	unsigned long long n = 10000000, days = 30;
	for (int i = 1; i < argc; i++) {
		unsigned long long v;
		unsigned long long maxb = 0, age = 0;
		if (strcmp(argv[i], "--write-api") == 0 && i + 2 < argc &&
		    parse_uint(argv[i + 2], 1, 100000000, &v) == 0 &&
		    (i + 3 >= argc || parse_uint(argv[i + 3], 0, 1ULL << 40, &maxb) == 0) &&
		    (i + 4 >= argc || parse_uint(argv[i + 4], 0, 100ULL * 366 * 86400, &age) == 0))
			return write_api(argv[i + 1], (unsigned long)v, (size_t)maxb, age);
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc &&
			 parse_uint(argv[i + 1], 1000, 1000000000, &n) == 0)
			i++;
		else if (strcmp(argv[i], "--days") == 0 && i + 1 < argc &&
			 parse_uint(argv[i + 1], 1, 3650, &days) == 0)
			i++;
		else if (strcmp(argv[i], "--index-only") == 0)
			index_only = true;
		else if (strcmp(argv[i], "--generate-only") == 0)
			generate_only = true;
		else if (strcmp(argv[i], "--cli") == 0 && i + 1 < argc)
			cli = argv[++i];
		else {
			fprintf(stderr, "usage: bench_review [--dir DIR] [--events N] [--days D] "
					"[--cli campusgate] [--index-only] [--generate-only]\n       bench_review --write-api DIR N [MAXBYTES [AGE_S]]\n");
			return 2;
		}
	}

	/* The journal is made once; a marker says for which N and D and when it ends. */
	char marker[4096], want[128];
	long long end_s = 0;
	snprintf(marker, sizeof marker, "%s/.bench-review", dir);
	snprintf(want, sizeof want, "v2 %llu %llu ", n, days);
	FILE *m = fopen(marker, "r");
	char have[128] = "";
	if (m) {
		if (!fgets(have, sizeof have, m))
			have[0] = '\0';
		fclose(m);
	}
	if (strncmp(have, want, strlen(want)) == 0) {
		end_s = atoll(have + strlen(want));
		printf("reusing %s: %llu events over %llu days\n", dir, n, days);
	} else {
		end_s = (long long)time(NULL);
		printf("generating %llu events over %llu days into %s ...\n", n, days, dir);
		fflush(stdout);
		uint64_t t0 = now_mono_ns();
		if (generate(dir, n, (unsigned)days, end_s * US) < 0) {
			perror("bench_review: generate");
			return 1;
		}
		uint64_t t1 = now_mono_ns();
		printf("generated in %.1f s\n", secs(t0, t1));
		m = fopen(marker, "w");
		if (m) {
			fprintf(m, "%s%lld\n", want, end_s);
			fclose(m);
		}
	}
	if (generate_only)
		return 0;

	/* --since 24h --category gambling, as of the journal's end. */
	struct q q;
	const char *err;
	uint64_t bad = 0;
	review_filter_init(&q.f);
	q.f.to_us = end_s * US;
	q.f.from_us = q.f.to_us - 24LL * 3600 * US;
	q.f.category = "gambling";
	q.n = 0;
	FILE *devnull = fopen("/dev/null", "w");
	static const char *const fmts[] = { "csv", "table", "json" };
	for (int k = 0; k < 3; k++) {
		enum review_format fmt;
		review_parse_format(fmts[k], &fmt);
		q.n = 0;
		q.out = review_out_new(devnull, fmt, LANG_ZH);
		uint64_t t0 = now_mono_ns();
		double c0 = cpu_secs();
		char *must[8];
		review_needles(&q.f, must, CG_ARRAY_LEN(must));
		int rc = journal_scan(dir, q.f.from_us, q.f.to_us, (const char *const *)must, q_cb,
				      &q, &bad, &err);
		review_needles_free(must);
		if (rc < 0) {
			fprintf(stderr, "bench_review: %s\n", err);
			return 1;
		}
		review_out_end(q.out);
		uint64_t t1 = now_mono_ns();
		printf("query --since 24h --category gambling --format %-5s: %" PRIu64
		       " events of %llu in %.3f s wall, %.3f s CPU (in-process; goal < 2 s)\n",
		       fmts[k], q.n, n, secs(t0, t1), cpu_secs() - c0);
	}
	fclose(devnull);
	if (console_queries(dir, end_s * US) < 0)
		return 1;
	if (cli) {
		char from[40], to[40];
		journal_format_time(q.f.from_us, OFF8, from);
		journal_format_time(q.f.to_us, OFF8, to);
		pid_t pid = fork();
		uint64_t t0 = now_mono_ns();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			execl(cli, cli, "journal", "--dir", dir, "--from", from, "--to", to,
			      "--category", "gambling", "--format", "csv", (char *)NULL);
			_exit(127);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		uint64_t t1 = now_mono_ns();
		printf("%s journal --dir %s --from %s --to %s --category gambling --format csv: "
		       "exit %d in %.3f s\n", cli, dir, from, to, WEXITSTATUS(st), secs(t0, t1));
		cli_index_queries(cli, dir);
	}
	return 0;
}
