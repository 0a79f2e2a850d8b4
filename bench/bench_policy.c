/* Benchmark of the matcher sets and of policy_decide: 1M generated names plus the real
 * lists, 1,000 generated patterns; compile time, RSS per name, decisions per second. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_gen.h"
#include "bigbuf.h"
#include "config.h"
#include "domainset.h"
#include "lists.h"
#include "name.h"
#include "patset.h"
#include "policy.h"
#include "urlset.h"
#include "util.h"


/* ---- measurements ---------------------------------------------------------------- */

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static double secs(uint64_t from, uint64_t to)
{
	return (double)(to - from) / 1e9;
}

/* CPU time of this thread: on a shared, loaded machine wall time overstates the cost. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Names kept back to back, NUL-terminated, in mmap'd memory (freed to the system). */
struct names {
	struct bigbuf text;
	struct bigbuf offs; /* uint32_t */
	size_t n;
};

static void names_add(struct names *ns, const char *s, size_t len)
{
	uint32_t off = (uint32_t)ns->text.len;
	char nul = '\0';

	if (!bigbuf_append(&ns->text, s, len) || !bigbuf_append(&ns->text, &nul, 1) ||
	    !bigbuf_append(&ns->offs, &off, sizeof(off)))
		fatal("out of memory");
	ns->n++;
}

static const char *names_get(const struct names *ns, size_t i)
{
	return (const char *)ns->text.p + ((const uint32_t *)ns->offs.p)[i];
}

static void names_free(struct names *ns)
{
	bigbuf_free(&ns->text);
	bigbuf_free(&ns->offs);
	ns->n = 0;
}

/* Read one of the shared lists: hosts ("0.0.0.0 name ..."), plain names or host/path. */
static size_t read_list(const char *path, bool hosts, struct names *ns)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t before = ns->n;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *save = NULL, *tok = strtok_r(line, " \t\r\n", &save);
		if (!tok)
			continue;
		if (hosts) {
			tok = strtok_r(NULL, " \t\r\n", &save);
			if (!tok || strncmp(tok, "localhost", 9) == 0 || strcmp(tok, "local") == 0 ||
			    strcmp(tok, "broadcasthost") == 0 || strcmp(tok, "0.0.0.0") == 0)
				continue;
		}
		names_add(ns, tok, strlen(tok));
	}
	fclose(f);
	return ns->n - before;
}

static const char *const hosts_lists[] = {
	"data/blocklists/blocklistproject/gambling.txt",
	"data/blocklists/blocklistproject/redirect.txt",
	"data/blocklists/clefspeare13-pornhosts/hosts",
	"data/blocklists/sinfonietta/gambling-hosts",
	"data/blocklists/sinfonietta/pornography-hosts",
	"data/blocklists/tiuxo/porn",
};
static const char *const plain_lists[] = {
	"data/blocklists/ut1/arjel_domains", "data/blocklists/ut1/astrology_domains",
	"data/blocklists/ut1/doh_domains", "data/blocklists/ut1/gambling_domains",
	"data/blocklists/ut1/mixed_adult_domains", "data/blocklists/ut1/phishing_domains",
	"data/blocklists/ut1/redirector_domains", "data/blocklists/ut1/sect_domains",
	"data/blocklists/ut1/vpn_domains",
};
static const char *const url_lists[] = {
	"data/blocklists/ut1/adult_urls", "data/blocklists/ut1/phishing_urls",
	"data/blocklists/ut1/redirector_urls", "data/blocklists/ut1/gambling_urls",
};
static const char *const expr_lists[] = {
	"data/blocklists/ut1/adult_very_restrictive_expression",
};

static char *shared_path(const char *rel)
{
	const char *root = getenv("CG_SHARED");
	struct sbuf b;

	sbuf_init(&b);
	sbuf_printf(&b, "%s/%s", root ? root : "../shared", rel);
	return sbuf_take(&b);
}

/* Real list names into ns; the file index (1..) of each name goes to cats. */
static size_t load_real(struct names *ns, struct names *urls, struct names *exprs,
			struct bigbuf *cats)
{
	size_t total = 0;

	for (size_t i = 0; i < CG_ARRAY_LEN(hosts_lists) + CG_ARRAY_LEN(plain_lists); i++) {
		bool hosts = i < CG_ARRAY_LEN(hosts_lists);
		char *p = shared_path(hosts ? hosts_lists[i] :
					      plain_lists[i - CG_ARRAY_LEN(hosts_lists)]);
		size_t n = read_list(p, hosts, ns);
		uint8_t cat = (uint8_t)(1 + i % 8);
		for (size_t k = 0; k < n; k++)
			bigbuf_append(cats, &cat, 1);
		total += n;
		free(p);
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(url_lists); i++) {
		char *p = shared_path(url_lists[i]);
		read_list(p, false, urls);
		free(p);
	}
	for (size_t i = 0; i < CG_ARRAY_LEN(expr_lists); i++) {
		char *p = shared_path(expr_lists[i]);
		read_list(p, false, exprs);
		free(p);
	}
	return total;
}

/* The query mix of the bench harness: 20% listed names, 10% names below a listed one,
 * 70% names that are not listed. */
static void make_queries(struct names *q, size_t nq, uint64_t seed, size_t nblock)
{
	uint64_t s = seed ^ 0x9000;
	struct sbuf b, full;

	sbuf_init(&b);
	sbuf_init(&full);
	for (size_t i = 0; i < nq; i++) {
		unsigned x = rng_below(&s, 10);
		if (x < 3) {
			gen_block_name(seed, rng_below(&s, (unsigned)nblock), &b);
			sbuf_reset(&full);
			if (x == 2) {
				sbuf_adds(&full, gen_query_sub(&s));
				sbuf_addc(&full, '.');
			}
			sbuf_add(&full, b.data, b.len);
			names_add(q, full.data, full.len);
		} else {
			gen_allow_name(&s, &b);
			names_add(q, b.data, b.len);
		}
	}
	sbuf_free(&b);
	sbuf_free(&full);
}

struct bench_opts {
	size_t names;
	size_t patterns;
	double seconds;
	bool policy;
	uint64_t seed;
};

/* Time fn over the queries for at least o->seconds; returns decisions per second. */
typedef bool (*decide_fn)(void *ctx, const char *name, size_t len);

struct rate {
	double cpu_median, cpu_best; /* decisions per second of thread CPU time, over rounds */
	double wall;                 /* decisions per second of wall time, all rounds */
	double blocked;              /* share of decisions that blocked */
	int rounds;
};

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Run fn over the queries in rounds (one pass over them each) for at least `seconds`:
 * on a shared machine the median and the best round say more than one long run. */
static void run_decisions(const struct names *q, decide_fn fn, void *ctx, double seconds,
			  struct rate *r)
{
	double rates[256];
	size_t done = 0, blocked = 0;
	int n = 0;
	uint64_t t0 = now_mono_ns(), t1;

	do {
		uint64_t c0 = cpu_ns();
		for (size_t i = 0; i < q->n; i++) {
			const char *name = names_get(q, i);
			blocked += fn(ctx, name, strlen(name));
		}
		rates[n++] = (double)q->n / secs(c0, cpu_ns());
		done += q->n;
		t1 = now_mono_ns();
	} while ((secs(t0, t1) < seconds || n < 3) && n < 256);
	qsort(rates, (size_t)n, sizeof(rates[0]), dbl_cmp);
	r->cpu_median = rates[n / 2];
	r->cpu_best = rates[n - 1];
	r->blocked = (double)blocked / (double)done;
	r->wall = (double)done / secs(t0, t1);
	r->rounds = n;
}

struct sets {
	struct domainset *ds;
	struct patset *ps;
};

static bool decide_sets(void *ctx, const char *name, size_t len)
{
	struct sets *s = ctx;
	struct domain_match dm;
	struct pat_match pm;

	if (domainset_lookup(s->ds, name, len, 0xffffffffu, &dm))
		return true;
	return s->ps && patset_match(s->ps, name, len, 0xffffffffu, &pm);
}

struct policy_ctx {
	struct policy *p;
	struct cg_addr client;
};

static bool decide_policy(void *ctx, const char *name, size_t len)
{
	struct policy_ctx *c = ctx;
	struct request req = { .proto = PROTO_DNS, .client = c->client, .host = name,
			       .host_len = len, .when = 1764064800 };
	struct verdict v;

	return policy_decide(c->p, &req, &v) == ACTION_BLOCK;
}

/* Generated names + real list names, normalised, into a domain set. */
static struct domainset *build_domains(uint64_t seed, size_t nnames, const struct names *real,
				       const struct bigbuf *cats, size_t *bad)
{
	struct domainset_builder *b = domainset_builder_new();
	struct sbuf name;
	char norm[NAME_MAX_LEN + 1];
	const char *why;

	sbuf_init(&name);
	for (size_t i = 0; i < nnames; i++) {
		gen_block_name(seed, i, &name);
		int n = name_normalise(name.data, name.len, norm, &why);
		if (n < 0 || domainset_add(b, norm, (size_t)n, false, 0, 0, (uint32_t)i + 1) < 0)
			(*bad)++;
	}
	for (size_t i = 0; i < real->n; i++) {
		const char *r = names_get(real, i);
		int n = name_normalise(r, strlen(r), norm, &why);
		unsigned cat = ((const uint8_t *)cats->p)[i];
		if (n < 0 || domainset_add(b, norm, (size_t)n, false, cat, (uint16_t)cat,
					   (uint32_t)i + 1) < 0)
			(*bad)++;
	}
	sbuf_free(&name);
	return domainset_build(b);
}

static struct patset *build_patterns(size_t npat, const struct names *exprs, size_t *bad)
{
	struct patset_builder *b = patset_builder_new();
	struct sbuf pat;
	char err[160];

	sbuf_init(&pat);
	for (size_t i = 0; i < npat; i++) {
		gen_pattern(i, &pat);
		if (patset_add(b, pat.data, pat.len, 9, 0, (uint32_t)i + 1, err, sizeof(err)) < 0) {
			fprintf(stderr, "pattern %s: %s\n", pat.data, err);
			(*bad)++;
		}
	}
	for (size_t i = 0; i < exprs->n; i++) {
		const char *e = names_get(exprs, i);
		if (patset_add(b, e, strlen(e), 10, 1, (uint32_t)i + 1, err, sizeof(err)) < 0)
			(*bad)++;
	}
	sbuf_free(&pat);
	return patset_build(b);
}

static void print_rate(const char *what, const struct rate *r)
{
	printf("%s\n    per second of CPU time: median %.0f, best %.0f (%d rounds of %s);"
	       " per second of wall time: %.0f; %.1f%% blocked\n",
	       what, r->cpu_median, r->cpu_best, r->rounds, "1M queries", r->wall,
	       100.0 * r->blocked);
}

/* The sets on their own. */
static int bench_sets(const struct bench_opts *o)
{
	struct names real = { 0 }, urls = { 0 }, exprs = { 0 }, q = { 0 };
	struct bigbuf cats = { 0 };
	size_t bad = 0;

	size_t nreal = load_real(&real, &urls, &exprs, &cats);
	printf("names: %zu generated + %zu from the shared lists; %zu URL rules; "
	       "%zu + %zu patterns\n",
	       o->names, nreal, urls.n, o->patterns, exprs.n);
	long rss0 = rss_kb();
	uint64_t t0 = now_mono_ns(), c0 = cpu_ns();
	struct domainset *ds = build_domains(o->seed, o->names, &real, &cats, &bad);
	uint64_t t1 = now_mono_ns(), c1 = cpu_ns();
	long rss1 = rss_kb();
	size_t n = domainset_count(ds);
	printf("domain set: %zu distinct names (%zu rejected), generate+normalise+build "
	       "%.3f s CPU (%.3f s wall) = %.3f s CPU per million\n",
	       n, bad, secs(c0, c1), secs(t0, t1),
	       secs(c0, c1) * 1e6 / (double)(o->names + nreal));
	printf("domain set: %zu bytes held = %.1f bytes/name; RSS after-before build "
	       "= %.1f bytes/name\n",
	       domainset_bytes(ds), (double)domainset_bytes(ds) / (double)n,
	       (double)(rss1 - rss0) * 1024.0 / (double)n);

	struct urlset_builder *ub = urlset_builder_new();
	for (size_t i = 0; i < urls.n; i++) {
		const char *u = names_get(&urls, i), *slash = strchr(u, '/');
		char norm[NAME_MAX_LEN + 1];
		const char *why;
		int hn = slash ? name_normalise(u, (size_t)(slash - u), norm, &why) : -1;
		if (hn > 0)
			urlset_add(ub, norm, (size_t)hn, slash, strlen(slash), 5, 2, (uint32_t)i + 1);
	}
	struct urlset *us = urlset_build(ub);

	bad = 0;
	t0 = now_mono_ns();
	struct patset *ps = build_patterns(o->patterns, &exprs, &bad);
	t1 = now_mono_ns();
	printf("pattern set: %zu patterns (%zu rejected), %zu always run, %zu bytes, "
	       "compile %.3f s\n",
	       patset_count(ps), bad, patset_always_run(ps), patset_bytes(ps), secs(t0, t1));
	printf("url set: %zu rules, %zu bytes\n", urlset_count(us), urlset_bytes(us));

	names_free(&real);
	names_free(&urls);
	names_free(&exprs);
	bigbuf_free(&cats);
	long rss2 = rss_kb();
	printf("total process RSS with every set built: %ld KiB = %.1f bytes per listed name\n",
	       rss2, (double)rss2 * 1024.0 / (double)n);

	make_queries(&q, 1000000, o->seed, o->names);
	struct sets sets = { ds, NULL };
	struct rate r;
	run_decisions(&q, decide_sets, &sets, o->seconds, &r);
	print_rate("domain lookups, one thread:", &r);
	sets.ps = ps;
	run_decisions(&q, decide_sets, &sets, o->seconds, &r);
	print_rate("domain lookups + patterns, one thread:", &r);

	names_free(&q);
	domainset_free(ds);
	urlset_free(us);
	patset_free(ps);
	return 0;
}

/* Write the generated names and patterns as native lists for the policy path. */
static char *write_lists(const struct bench_opts *o, char **patfile)
{
	char dir[] = "/tmp/bench_policy.XXXXXX";
	struct sbuf b, path;
	FILE *f;

	if (!mkdtemp(dir))
		fatal("mkdtemp: %s", strerror(errno));
	sbuf_init(&b);
	sbuf_init(&path);
	sbuf_printf(&path, "%s/names.list", dir);
	f = fopen(path.data, "w");
	if (!f)
		fatal("%s: %s", path.data, strerror(errno));
	for (size_t i = 0; i < o->names; i++) {
		gen_block_name(o->seed, i, &b);
		fprintf(f, "%s\n", b.data);
	}
	fclose(f);
	char *names = sbuf_take(&path);
	sbuf_printf(&path, "%s/patterns.list", dir);
	f = fopen(path.data, "w");
	if (!f)
		fatal("%s: %s", path.data, strerror(errno));
	for (size_t i = 0; i < o->patterns; i++) {
		gen_pattern(i, &b);
		fprintf(f, "/%s/\n", b.data);
	}
	fclose(f);
	*patfile = sbuf_take(&path);
	sbuf_free(&b);
	return names;
}

static void remove_lists(char *names, char *patfile)
{
	unlink(names);
	unlink(patfile);
	char *slash = strrchr(names, '/');
	if (slash) {
		*slash = '\0';
		rmdir(names);
	}
	free(names);
	free(patfile);
}

/* Append a list in fmt to cfg's "blocklist" category (config_add_blocklist made it). */
static void blocklist_append(struct config *cfg, const char *path, enum list_format fmt)
{
	struct cfg_category *c = &cfg->categories[config_category_index(cfg, "blocklist")];
	c->lists = xrealloc(c->lists, (c->n_lists + 1) * sizeof *c->lists);
	struct cfg_list *l = &c->lists[c->n_lists++];
	memset(l, 0, sizeof *l);
	l->format = fmt;
	l->path = xstrdup(path);
	l->name = xstrdup(path);
}

/* Add one shared list, read by the real list reader for fmt; an absent one is left out
 * with a note. */
static void add_real_list(struct config *cfg, const char *rel, enum list_format fmt)
{
	char *path = shared_path(rel);

	if (access(path, R_OK) != 0)
		fprintf(stderr, "bench_policy: %s absent, left out\n", path);
	else
		blocklist_append(cfg, path, fmt);
	free(path);
}

/* The UT1 expressions file is read as the UT1 reader reads it inside a category folder:
 * a temporary folder whose very_restrictive_expression links to it. Returns the folder
 * (caller removes it with remove_expr_dir), or NULL when the file is absent. */
static char *expr_dir(const char *rel)
{
	char *target = shared_path(rel), *dir = NULL;
	char tmpl[] = "/tmp/bench_policy_ut1.XXXXXX";
	struct sbuf link;

	sbuf_init(&link);
	if (access(target, R_OK) != 0 || !mkdtemp(tmpl))
		goto out;
	sbuf_printf(&link, "%s/very_restrictive_expression", tmpl);
	char *abs = realpath(target, NULL);
	if (!abs || symlink(abs, link.data) < 0) {
		free(abs);
		rmdir(tmpl);
		goto out;
	}
	free(abs);
	dir = strdup(tmpl);
out:
	sbuf_free(&link);
	free(target);
	return dir;
}

static void remove_expr_dir(char *dir)
{
	if (!dir)
		return;
	struct sbuf link;
	sbuf_init(&link);
	sbuf_printf(&link, "%s/very_restrictive_expression", dir);
	unlink(link.data);
	rmdir(dir);
	sbuf_free(&link);
	free(dir);
}

/* The real lists of ../shared/data/blocklists through the real readers, as the sets-only
 * mode loads them: hosts files as hosts, UT1 flat files as native (domains and
 * host/path prefixes), the UT1 expressions through the UT1 folder reader. Needs the
 * "blocklist" category to exist. */
static void add_real_lists(struct config *cfg, const char *exprdir)
{
	for (size_t i = 0; i < CG_ARRAY_LEN(hosts_lists); i++)
		add_real_list(cfg, hosts_lists[i], LIST_HOSTS);
	for (size_t i = 0; i < CG_ARRAY_LEN(plain_lists); i++)
		add_real_list(cfg, plain_lists[i], LIST_NATIVE);
	for (size_t i = 0; i < CG_ARRAY_LEN(url_lists); i++)
		add_real_list(cfg, url_lists[i], LIST_NATIVE);
	if (exprdir)
		blocklist_append(cfg, exprdir, LIST_UT1);
}

/* The same through config_default() + config_add_blocklist() + policy_decide(): the
 * generated names, the real shared lists (add_real_lists), and the generated patterns
 * when o->patterns > 0. One build per process, so that RSS is its own. */
static int bench_policy(const struct bench_opts *o)
{
	char *patfile, *names = write_lists(o, &patfile);
	char *exprdir = NULL;
	struct names q = { 0 };
	struct diag d;
	struct rate r;
	struct config *cfg = config_default();
	int rc = 1;

	diag_init(&d);
	d.max_kept = 20;
	if (o->patterns)
		exprdir = expr_dir(expr_lists[0]);
	if (config_add_blocklist(cfg, names, &d) < 0 ||
	    (o->patterns && config_add_blocklist(cfg, patfile, &d) < 0)) {
		config_free(cfg);
		goto out;
	}
	add_real_lists(cfg, exprdir);
	long rss0 = rss_kb();
	uint64_t t0 = now_mono_ns(), c0 = cpu_ns();
	struct policy *p = policy_build(cfg, &d);
	uint64_t t1 = now_mono_ns(), c1 = cpu_ns();
	config_free(cfg);
	long rss1 = rss_kb();
	if (!p)
		goto out;
	struct policy_stats st;
	policy_get_stats(p, &st);
	size_t listed = st.domains + st.exact;
	printf("policy: %zu list files (%zu generated names + the shared lists%s), "
	       "%zu bad lines skipped\n",
	       st.lists, o->names, o->patterns ? " + generated patterns" : "", st.bad_lines);
	printf("policy: %zu names listed (%zu exact), %zu URL prefixes, %zu patterns "
	       "(%zu always run), %zu bytes in sets\n",
	       listed, st.exact, st.urls, st.patterns, st.patterns_always_run, st.bytes);
	printf("policy_build (read + parse + normalise + build): %.3f s CPU (%.3f s wall)\n",
	       secs(c0, c1), secs(t0, t1));
	printf("RSS after-before build %.1f bytes/name; total process RSS %ld KiB = %.1f "
	       "bytes/name\n",
	       (double)(rss1 - rss0) * 1024.0 / (double)listed, rss1,
	       (double)rss1 * 1024.0 / (double)listed);
	make_queries(&q, 1000000, o->seed, o->names);
	struct policy_ctx ctx = { .p = p };
	addr_parse("10.1.2.3", &ctx.client);
	run_decisions(&q, decide_policy, &ctx, o->seconds, &r);
	print_rate(o->patterns ? "policy_decide + patterns, one thread:" :
				 "policy_decide, one thread:",
		   &r);
	policy_unref(p);
	rc = 0;
out:
	if (d.n)
		diag_print(&d, stderr);
	diag_free(&d);
	names_free(&q);
	remove_lists(names, patfile);
	remove_expr_dir(exprdir);
	return rc;
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .names = 1000000, .patterns = 1000, .seconds = 2.0,
				.seed = 20241125 };
	int c;

	while ((c = getopt(argc, argv, "n:p:t:P")) != -1) {
		switch (c) {
		case 'n':
			o.names = strtoul(optarg, NULL, 10);
			break;
		case 'p':
			o.patterns = strtoul(optarg, NULL, 10);
			break;
		case 't':
			o.seconds = strtod(optarg, NULL);
			break;
		case 'P':
			o.policy = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-n names] [-p patterns] [-t seconds] [-P]\n"
					"  -P: through policy_build/policy_decide instead of the sets,\n"
					"      the real lists read by the real list readers\n"
					"  (with -P, -p 0 leaves the patterns, generated and UT1, out)\n",
				argv[0]);
			return 2;
		}
	}
	if (o.names == 0 || o.names > 20000000) {
		fprintf(stderr, "names: 1..20000000\n");
		return 2;
	}
	return o.policy ? bench_policy(&o) : bench_sets(&o);
}
