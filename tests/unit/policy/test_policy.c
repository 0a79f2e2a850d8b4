/* Tests for policy.c: decisions with provenance, allowlist precedence, groups by
 * longest prefix, URL prefixes, patterns, Unicode names, timetables, and snapshot
 * swapping while another thread still holds the old one. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "i18n.h"
#include "name.h"
#include "policy.h"
#include "testutil.h"
#include "util.h"

/* Wednesday 2026-11-25 10:00 in Asia/Shanghai, the same day at 20:00, and Saturday. */
#define WED_1000 ((time_t)1795572000)
#define WED_2000 (WED_1000 + 10 * 3600)
#define SAT_1000 (WED_1000 + 3 * 86400)

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

/* Write a list file into the temp folder and describe it as "lists/<file>". */
static void add_list(struct cfg_list **lists, size_t *n, const char *file, const char *text)
{
	char *path = tu_write_file(tmp, file, text);
	struct sbuf name;

	sbuf_init(&name);
	sbuf_printf(&name, "lists/%s", file);
	*lists = xrealloc(*lists, (*n + 1) * sizeof(**lists));
	memset(&(*lists)[*n], 0, sizeof(**lists));
	(*lists)[*n].format = LIST_NATIVE;
	(*lists)[*n].path = path;
	(*lists)[*n].name = sbuf_take(&name);
	(*n)++;
	sbuf_free(&name);
}

/* A category with one list holding text; returns its index. */
static unsigned add_category(struct config *cfg, const char *name, enum category_kind kind,
			     const char *text)
{
	struct cfg_category *c;
	char file[128];

	cfg->categories = xrealloc(cfg->categories,
				   (cfg->n_categories + 1) * sizeof(*cfg->categories));
	c = &cfg->categories[cfg->n_categories];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->kind = kind;
	c->title_en = xstrdup(name);
	c->title_zh = xstrdup(name);
	snprintf(file, sizeof(file), "%s.list", name);
	add_list(&c->lists, &c->n_lists, file, text);
	return (unsigned)cfg->n_categories++;
}

/* A group with space-separated subnets (may be ""). */
static struct cfg_group *add_group(struct config *cfg, const char *name, const char *subnets,
				   uint32_t block, uint32_t scheduled, int timetable)
{
	struct cfg_group *g;
	char buf[512], *save = NULL;

	cfg->groups = xrealloc(cfg->groups, (cfg->n_groups + 1) * sizeof(*cfg->groups));
	g = &cfg->groups[cfg->n_groups++];
	memset(g, 0, sizeof(*g));
	g->name = xstrdup(name);
	g->block_always = block;
	g->block_scheduled = scheduled;
	g->timetable = timetable;
	g->block_mode = BLOCK_PAGE;
	snprintf(buf, sizeof(buf), "%s", subnets);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		g->subnets = xrealloc(g->subnets, (g->n_subnets + 1) * sizeof(*g->subnets));
		ck_assert_int_eq(subnet_parse(t, &g->subnets[g->n_subnets]), 0);
		g->n_subnets++;
	}
	return g;
}

/* A Monday-to-Friday 08:00-17:00 timetable in zone; returns its index. */
static int add_timetable(struct config *cfg, const char *name, const char *zone)
{
	struct cfg_timetable *t;

	cfg->timetables = xrealloc(cfg->timetables,
				   (cfg->n_timetables + 1) * sizeof(*cfg->timetables));
	t = &cfg->timetables[cfg->n_timetables];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->timezone = zone ? xstrdup(zone) : NULL;
	t->weekdays = 0x1f;
	t->times = xcalloc(1, sizeof(*t->times));
	t->times[0].start = 8 * 60;
	t->times[0].end = 17 * 60;
	t->n_times = 1;
	return (int)cfg->n_timetables++;
}

static struct policy *build(const struct config *cfg, size_t want_errors)
{
	struct diag d;
	struct policy *p;

	diag_init(&d);
	p = policy_build(cfg, &d);
	if (d.errors != want_errors)
		diag_print(&d, stderr);
	ck_assert_uint_eq(d.errors, want_errors);
	ck_assert_ptr_nonnull(p);
	diag_free(&d);
	return p;
}

/* Decide host (UTF-8 or ASCII, normalised here as the front ends do) with an optional
 * path for a client at when. */
static enum action decide(const struct policy *p, const char *client, const char *host,
			  const char *path, time_t when, struct verdict *v)
{
	static char norm[NAME_MAX_LEN + 1];
	struct request req;
	const char *why = NULL;
	int n = name_normalise(host, strlen(host), norm, &why);

	ck_assert_msg(n > 0, "%s: %s", host, why);
	memset(&req, 0, sizeof(req));
	req.proto = path ? PROTO_HTTP : PROTO_DNS;
	ck_assert_int_eq(addr_parse(client, &req.client), 0);
	req.host = norm;
	req.host_len = (size_t)n;
	req.path = path;
	req.path_len = path ? strlen(path) : 0;
	req.when = when;
	return policy_decide(p, &req, v);
}

static void rule_is(const struct verdict *v, enum rule_kind kind, const char *file,
		    unsigned line, const char *text)
{
	ck_assert_int_eq(v->rule.kind, kind);
	ck_assert_str_eq(v->rule.file, file);
	ck_assert_uint_eq(v->rule.line, line);
	ck_assert_uint_eq(v->rule.text_len, strlen(text));
	ck_assert_msg(memcmp(v->rule.text, text, v->rule.text_len) == 0, "rule %.*s, want %s",
		      (int)v->rule.text_len, v->rule.text, text);
}

START_TEST(blocks_with_provenance_and_label_boundary)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "# casinos\nexample-casino.com\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg); /* the snapshot keeps its own copy */

	/* No group in the config: the built-in default blocks every category. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "www.Example-Casino.com.", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert_str_eq(v.group, "default");
	ck_assert_str_eq(v.category, "gambling");
	ck_assert(!v.allowlisted && !v.bypass && !v.category_listed && !v.timetable_applied);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 2, "example-casino.com");

	ck_assert_int_eq(decide(p, "10.0.0.1", "notexample-casino.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(v.rule.kind, RULE_NONE);
	ck_assert_ptr_null(v.category);
	ck_assert_int_eq(decide(p, "10.0.0.1", "example-casino.com.cn", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

START_TEST(most_specific_rule_wins)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "example.com\n/example/\n=exact.example.com\n");
	add_category(cfg, "pornography", CATEGORY_BLOCK,
		     "www.example.com\nexample.com/adult/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	/* The closest parent: www.example.com (pornography) over example.com (gambling). */
	decide(p, "10.0.0.1", "a.www.example.com", NULL, WED_1000, &v);
	ck_assert_str_eq(v.category, "pornography");
	rule_is(&v, RULE_DOMAIN, "lists/pornography.list", 1, "www.example.com");
	/* The name itself, exact. */
	decide(p, "10.0.0.1", "exact.example.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_EXACT, "lists/gambling.list", 3, "exact.example.com");
	/* Exact entries do not cover names below them. */
	decide(p, "10.0.0.1", "x.exact.example.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "example.com");
	/* A URL prefix beats the name when a path is given. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example.com", "/adult/page?id=1", WED_1000,
				&v), ACTION_BLOCK);
	ck_assert_str_eq(v.category, "pornography");
	rule_is(&v, RULE_URL, "lists/pornography.list", 2, "example.com/adult/");
	decide(p, "10.0.0.1", "shop.example.com", "/adults", WED_1000, &v);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "example.com");
	/* A domain rule beats a pattern that matches as well. */
	decide(p, "10.0.0.1", "example.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "example.com");
	/* The pattern on its own. */
	decide(p, "10.0.0.1", "myexample.org", NULL, WED_1000, &v);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 2, "example");
	policy_unref(p);
}
END_TEST

START_TEST(allowlist_wins)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "example.com\n/lottery/\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list",
		 "edu.example.com\n=safe.example.com\nexample.com/homework/\n/lottery-math/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "x.edu.example.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	ck_assert_ptr_null(v.category);
	rule_is(&v, RULE_DOMAIN, "lists/allow.list", 1, "edu.example.com");
	ck_assert_int_eq(decide(p, "10.0.0.1", "safe.example.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	rule_is(&v, RULE_EXACT, "lists/allow.list", 2, "safe.example.com");
	/* Exact allow entries do not cover names below. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "x.safe.example.com", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.allowlisted);
	ck_assert_int_eq(decide(p, "10.0.0.1", "www.example.com", "/homework/1", WED_1000, &v),
			 ACTION_ALLOW);
	rule_is(&v, RULE_URL, "lists/allow.list", 3, "example.com/homework/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "www.example.com", "/play", WED_1000, &v),
			 ACTION_BLOCK);
	/* An allow pattern beats a block pattern. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "lottery-math.org", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	rule_is(&v, RULE_PATTERN, "lists/allow.list", 4, "lottery-math");
	ck_assert_int_eq(decide(p, "10.0.0.1", "lottery.org", NULL, WED_1000, &v),
			 ACTION_BLOCK);

	struct policy_stats st;
	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.allow_rules, 4);
	ck_assert_uint_eq(st.domains, 1);
	ck_assert_uint_eq(st.patterns, 1);
	ck_assert_uint_eq(st.lists, 2);
	policy_unref(p);
}
END_TEST

START_TEST(groups_by_longest_prefix)
{
	struct config *cfg = config_default();
	struct verdict v;
	unsigned gam = add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\n");
	unsigned por = add_category(cfg, "pornography", CATEGORY_BLOCK, "porn.example\n");

	add_group(cfg, "students", "10.0.0.0/8 fd00::/8", 1u << gam | 1u << por, 0, -1);
	add_group(cfg, "lab", "10.1.0.0/16 fd00:1::/32", 1u << por, 0, -1);
	add_group(cfg, "teacher", "10.1.2.3/32", 0, 0, -1);
	add_group(cfg, "default", "", 1u << por, 0, -1);
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	decide(p, "10.9.9.9", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "students");
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	decide(p, "10.1.9.9", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "lab");
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	/* Listed, but not blocked for this group: explained. */
	ck_assert(v.category_listed);
	ck_assert_str_eq(v.category, "gambling");
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "casino.example");
	decide(p, "10.1.2.3", "porn.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "teacher");
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	decide(p, "192.0.2.1", "porn.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "default");
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	decide(p, "192.0.2.1", "casino.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_ALLOW);
	/* IPv6. */
	decide(p, "fd12::1", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "students");
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	decide(p, "fd00:1:2::3", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "lab");
	decide(p, "2001:db8::1", "casino.example", NULL, WED_1000, &v);
	ck_assert_str_eq(v.group, "default");

	/* By name, and the group/category accessors. */
	struct request req = { .host = "casino.example", .host_len = 14, .when = WED_1000 };
	ck_assert_int_eq(policy_decide_group(p, &req, "students", &v), ACTION_BLOCK);
	ck_assert_str_eq(v.group, "students");
	ck_assert_int_eq(policy_decide_group(p, &req, "teacher", &v), ACTION_ALLOW);
	ck_assert_ptr_nonnull(policy_group(p, "lab"));
	ck_assert_int_eq(policy_group(p, "lab")->block_mode, BLOCK_PAGE);
	ck_assert_ptr_null(policy_group(p, "nobody"));
	ck_assert_str_eq(policy_category(p, "gambling")->title_en, "gambling");
	ck_assert_ptr_null(policy_category(p, "sports"));
	policy_unref(p);
}
END_TEST

START_TEST(url_prefixes)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "news.example/casino/\nnews.example/casino/live/\n192.0.2.9/bet/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casino/", WED_1000, &v),
			 ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 1, "news.example/casino/");
	/* The longest prefix. */
	decide(p, "10.0.0.1", "m.news.example", "/casino/live/table", WED_1000, &v);
	rule_is(&v, RULE_URL, "lists/gambling.list", 2, "news.example/casino/live/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/politics/", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casin", WED_1000, &v),
			 ACTION_ALLOW);
	/* Without a path (DNS), a URL rule never blocks the whole host. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "notnews.example", "/casino/", WED_1000, &v),
			 ACTION_ALLOW);
	/* IP literal hosts: the rule's host only. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "192.0.2.9", "/bet/x", WED_1000, &v),
			 ACTION_BLOCK);
	/* Paths compare without case and with unreserved %XX escapes decoded. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/CaSiNo/", WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/%63asin%6F/x", WED_1000, &v),
			 ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 1, "news.example/casino/");
	/* %2F is a separator for matching (urlnorm.h): "/casino%2f" is "/casino/". */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casino%2f", WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casino%", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/%zzcasino/", WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);

	/* Rules are normalised the same way: written with capitals and escapes. */
	cfg = config_default();
	add_category(cfg, "gambling", CATEGORY_BLOCK, "Shop.Example/Lotto%2FDraw/%7Euser/\n");
	p = build(cfg, 0);
	config_free(cfg);
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example", "/lotto%2fdraw/~USER/1", WED_1000,
				&v), ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 1, "shop.example/lotto/draw/~user/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example", "/lotto/draw/~user/1", WED_1000,
				&v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "shop.example", "/lotto/draw/user/1", WED_1000,
				&v), ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

/* issue 11: every way a student writes a listed path hits the rule for it, a rule
 * written with dot segments or a default port is read the same way, and an allowed
 * prefix followed by ".." is no way out. */
START_TEST(url_tricks)
{
	struct config *cfg = config_default();
	struct verdict v;
	static const char *const tricks[] = {
		"/casino/", "/./casino/", "//casino/", "/a/../casino/", "/%63asino/",
		"/edu/../casino", "/edu/../casino/", "/edu/%2e%2E/casino/", "/edu%2F..%2Fcasino",
		"/casino", "/casino?x=1", "/CASINO/x", "/edu/..\\casino/", "///casino//x",
	};

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "news.example/casino/\nNews.Example:80/./poker/../bet/\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list", "news.example/edu/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	for (size_t i = 0; i < CG_ARRAY_LEN(tricks); i++) {
		ck_assert_msg(decide(p, "10.0.0.1", "news.example", tricks[i], WED_1000, &v) ==
			      ACTION_BLOCK, "%s not blocked", tricks[i]);
		ck_assert(!v.allowlisted);
		rule_is(&v, RULE_URL, "lists/gambling.list", 1, "news.example/casino/");
	}
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/edu/casino", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/casinos/", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(!v.allowlisted);
	/* the second rule reads as news.example/bet/ */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/bet/1", WED_1000, &v),
			 ACTION_BLOCK);
	rule_is(&v, RULE_URL, "lists/gambling.list", 2, "news.example/bet/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/poker/", WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

/* issue 11: a pattern that hits a PCRE2 limit blocks (fail closed) where its category is
 * enforced, and says so; an allow pattern that hits one allows nothing. */
START_TEST(pattern_limit_fails_closed)
{
	struct config *cfg = config_default();
	struct verdict v;
	char path[64];

	memset(path, 'a', 40);
	path[0] = '/';
	strcpy(path + 40, "!");
	/* ^...(\w+)+$ on 39 letters and a '!' backtracks about 2^39 times: the match limit
	 * (PATSET_MATCH_LIMIT) stops it within milliseconds */
	add_category(cfg, "gambling", CATEGORY_BLOCK, "/^news\\.example/(\\w+)+$/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	struct policy_stats st;
	policy_get_stats(p, &st);
	unsigned long before = st.pattern_limits;

	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(v.pattern_limit);
	ck_assert_str_eq(v.category, "gambling");
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 1, "^news\\.example/(\\w+)+$");
	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.pattern_limits, before + 1);
	/* a real match is no limit, a quick miss is no block */
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/aaaa", WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.pattern_limit);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/ok!", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(!v.pattern_limit);
	policy_unref(p);

	/* the same pattern on the allowlist: it allows nothing it could not finish */
	cfg = config_default();
	add_category(cfg, "gambling", CATEGORY_BLOCK, "news.example\n");
	add_list(&cfg->allow, &cfg->n_allow, "allow.list", "/^news\\.example/(\\w+)+$/\n");
	p = build(cfg, 0);
	config_free(cfg);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.allowlisted);
	ck_assert(!v.pattern_limit);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "news.example");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/aaaa", WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.allowlisted);
	policy_unref(p);
}
END_TEST

/* Keyword patterns see the decoded UTF-8 of the path and the query, also past 4096 bytes. */
START_TEST(patterns_see_decoded_url)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "/\xe8\xb5\x8c\xe5\x8d\x9a/\n/casino-?bonus/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/s?q=%E8%B5%8C%E5%8D%9A",
				WED_1000, &v), ACTION_BLOCK);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 1, "\xe8\xb5\x8c\xe5\x8d\x9a");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/%e8%b5%8c%e5%8d%9a/",
				WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/\xe8\xb5\x8c\xe5\x8d\x9a",
				WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/s?q=%63asino%2Dbonus",
				WED_1000, &v), ACTION_BLOCK);
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", "/s?q=news", WED_1000, &v),
			 ACTION_ALLOW);
	/* padding before the keyword: 7000 bytes, as a request line of 8192 may carry */
	char *path = xmalloc(7100);
	memcpy(path, "/s?pad=", 7);
	memset(path + 7, 'a', 7000);
	strcpy(path + 7007, "&q=%E8%B5%8C%E5%8D%9A");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	/* and past the inline buffer too (a raised max_line_bytes): the heap one */
	free(path);
	path = xmalloc(40100);
	memcpy(path, "/s?pad=", 7);
	memset(path + 7, 'a', 40000);
	strcpy(path + 40007, "&q=casinobonus");
	ck_assert_int_eq(decide(p, "10.0.0.1", "news.example", path, WED_1000, &v),
			 ACTION_BLOCK);
	free(path);
	policy_unref(p);
}
END_TEST

START_TEST(ip_literals_are_exact)
{
	struct config *cfg = config_default();
	struct verdict v;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "192.0.2.7\n0.2.8\n2001:db8::7\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "192.0.2.7", NULL, WED_1000, &v), ACTION_BLOCK);
	rule_is(&v, RULE_EXACT, "lists/gambling.list", 1, "192.0.2.7");
	ck_assert_int_eq(decide(p, "10.0.0.1", "192.0.2.8", NULL, WED_1000, &v), ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "[2001:db8::7]", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(patterns_with_and_without_literals)
{
	struct config *cfg = config_default();
	struct verdict v;
	struct policy_stats st;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "/caipiao\\d{2,}/\n"
		     "/^[0-9]{3,}\\.[a-z]{2,4}$/\n"
		     "/\\/casino\\//\n"
		     "/\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9|\xe5\x8d\x9a\xe5\xbd\xa9/\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.patterns, 4);
	ck_assert_uint_ge(st.patterns_always_run, 1);
	ck_assert_uint_lt(st.patterns_always_run, 4);

	decide(p, "10.0.0.1", "www.CAIPIAO88.cn", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 1, "caipiao\\d{2,}");
	ck_assert_int_eq(decide(p, "10.0.0.1", "caipiao8.cn", NULL, WED_1000, &v), ACTION_ALLOW);
	/* No literal: always run. */
	decide(p, "10.0.0.1", "365.com", NULL, WED_1000, &v);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 2, "^[0-9]{3,}\\.[a-z]{2,4}$");
	ck_assert_int_eq(decide(p, "10.0.0.1", "36.com", NULL, WED_1000, &v), ACTION_ALLOW);
	/* host+path for HTTP. */
	decide(p, "10.0.0.1", "blog.example", "/casino/poker", WED_1000, &v);
	rule_is(&v, RULE_PATTERN, "lists/gambling.list", 3, "\\/casino\\/");
	ck_assert_int_eq(decide(p, "10.0.0.1", "blog.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	/* Chinese keywords match the decoded form of an IDN name (六合彩网.com). */
	decide(p, "10.0.0.1", "\xe5\x85\xad\xe5\x90\x88\xe5\xbd\xa9\xe7\xbd\x91.com", NULL,
	       WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 4);
	ck_assert_int_eq(decide(p, "10.0.0.1", "\xe4\xb8\xad\xe6\x96\x87.com", NULL, WED_1000,
				&v), ACTION_ALLOW);
	policy_unref(p);

	/* The decoded form is exact: anchored patterns on whole decoded names, with ASCII
	 * labels around, mixed basic and non-basic code points, and 4-byte UTF-8. */
	cfg = config_default();
	add_category(cfg, "superstition", CATEGORY_BLOCK,
		     "/^www\\.\xe8\x91\xa1\xe4\xba\xac\xe5\xa8\xb1\xe4\xb9\x90"
		     "\xe5\x9c\xba\\.com$/\n"
		     "/^b\xc3\xbc" "cher-tarot\\.example$/\n"
		     "/^\xf0\x9f\x94\xae\\.example$/\n");
	p = build(cfg, 0);
	config_free(cfg);
	decide(p, "10.0.0.1", "www.xn--fjqpit8uy6c246e.com", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 1);
	decide(p, "10.0.0.1", "b\xc3\xbc" "cher-tarot.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 2);
	decide(p, "10.0.0.1", "\xf0\x9f\x94\xae.example", NULL, WED_1000, &v);
	ck_assert_int_eq(v.action, ACTION_BLOCK);
	ck_assert_uint_eq(v.rule.line, 3);
	/* Broken punycode decodes to nothing, and so matches nothing. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "xn--fjqpit8uy6c246.com", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.0.0.1", "xn--99999999.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	policy_unref(p);
}
END_TEST

START_TEST(unicode_names_both_ways)
{
	struct config *cfg = config_default();
	struct verdict v;

	/* 葡京娱乐场.com written in Unicode; 七六彩票.com written as punycode. */
	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "\xe8\x91\xa1\xe4\xba\xac\xe5\xa8\xb1\xe4\xb9\x90\xe5\x9c\xba.com\n"
		     "xn--7gq06f48qukz.com\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	ck_assert_int_eq(decide(p, "10.0.0.1", "www.xn--fjqpit8uy6c246e.com", NULL, WED_1000,
				&v), ACTION_BLOCK);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 1, "xn--fjqpit8uy6c246e.com");
	ck_assert_int_eq(decide(p, "10.0.0.1",
				"\xe4\xb8\x83\xe5\x85\xad\xe5\xbd\xa9\xe7\xa5\xa8.com", NULL,
				WED_1000, &v), ACTION_BLOCK);
	rule_is(&v, RULE_DOMAIN, "lists/gambling.list", 2, "xn--7gq06f48qukz.com");
	policy_unref(p);
}
END_TEST

START_TEST(timetables_and_bypass)
{
	struct config *cfg = config_default();
	struct verdict v;
	unsigned gam = add_category(cfg, "gambling", CATEGORY_BLOCK, "casino.example\n");
	unsigned game = add_category(cfg, "games", CATEGORY_BLOCK, "games.example\n");
	unsigned doh = add_category(cfg, "doh", CATEGORY_BYPASS, "dns.example\n");
	int tt = add_timetable(cfg, "school-hours", NULL);
	int ny = add_timetable(cfg, "ny-hours", "America/New_York");

	add_group(cfg, "students", "10.0.0.0/8", 1u << gam | 1u << doh, 1u << game, tt);
	add_group(cfg, "exchange", "10.99.0.0/16", 0, 1u << game, ny);
	struct policy *p = build(cfg, 0);
	config_free(cfg);

	/* Wednesday 10:00 in Shanghai: scheduled categories are in force. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "games.example", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	ck_assert(v.timetable_applied && v.timetable_active);
	ck_assert_str_eq(v.timetable, "school-hours");
	/* 20:00 and Saturday: listed, not blocked, and the timetable says why. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "games.example", NULL, WED_2000, &v),
			 ACTION_ALLOW);
	ck_assert(v.category_listed && v.timetable_applied && !v.timetable_active);
	ck_assert_str_eq(v.category, "games");
	ck_assert_int_eq(decide(p, "10.0.0.1", "games.example", NULL, SAT_1000, &v),
			 ACTION_ALLOW);
	/* Always-blocked categories do not depend on the timetable. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "casino.example", NULL, WED_2000, &v),
			 ACTION_BLOCK);
	ck_assert(!v.timetable_applied);
	ck_assert_ptr_null(v.timetable);
	/* A bypass category. */
	ck_assert_int_eq(decide(p, "10.0.0.1", "dns.example", NULL, WED_2000, &v),
			 ACTION_BLOCK);
	ck_assert(v.bypass);
	ck_assert_str_eq(v.category, "doh");
	/* New York: Wednesday 10:00 in Shanghai is Tuesday 21:00 there. */
	ck_assert_int_eq(decide(p, "10.99.0.1", "games.example", NULL, WED_1000, &v),
			 ACTION_ALLOW);
	ck_assert(v.timetable_applied && !v.timetable_active);
	ck_assert_str_eq(v.timetable, "ny-hours");
	/* ... and Wednesday 20:00 in Shanghai is Wednesday 07:00 there; 22:00 is 09:00. */
	ck_assert_int_eq(decide(p, "10.99.0.1", "games.example", NULL, WED_2000, &v),
			 ACTION_ALLOW);
	ck_assert_int_eq(decide(p, "10.99.0.1", "games.example", NULL, WED_2000 + 7200, &v),
			 ACTION_BLOCK);
	policy_unref(p);
}
END_TEST

START_TEST(bad_lines_and_missing_lists)
{
	struct config *cfg = config_default();
	struct diag d;
	struct verdict v;
	struct policy_stats st;

	add_category(cfg, "gambling", CATEGORY_BLOCK,
		     "casino.example\nbad!.example\n/unclosed(/\n=\n");
	struct policy *p = build(cfg, 3);
	policy_get_stats(p, &st);
	ck_assert_uint_eq(st.bad_lines, 3);
	ck_assert_uint_eq(st.domains, 1);
	ck_assert_uint_gt(st.bytes, 0);
	ck_assert_int_eq(decide(p, "10.0.0.1", "casino.example", NULL, WED_1000, &v),
			 ACTION_BLOCK);
	policy_unref(p);

	/* The messages name the list as configured, with the line. */
	diag_init(&d);
	p = policy_build(cfg, &d);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(d.msgs[0], "lists/gambling.list:2: bad character in name: bad!.example");
	ck_assert(strncmp(d.msgs[1], "lists/gambling.list:3: bad pattern", 34) == 0);
	/* and in zh-CN: the reason translated, the file, line and text as they were */
	char zbuf[1024];
	ck_assert_str_eq(diag_text(&d, 0, LANG_ZH, zbuf, sizeof zbuf, NULL),
			 "lists/gambling.list:2: 域名中有非法字符: bad!.example");
	policy_unref(p);
	diag_free(&d);

	/* A list that cannot be opened fails the build (a reload keeps the old snapshot). */
	free(cfg->categories[0].lists[0].path);
	cfg->categories[0].lists[0].path = xstrdup("/nonexistent/campusgate/x.list");
	diag_init(&d);
	ck_assert_ptr_null(policy_build(cfg, &d));
	ck_assert_uint_eq(d.errors, 1);
	ck_assert(strncmp(d.msgs[0], "lists/gambling.list: cannot open", 32) == 0);
	ck_assert_str_eq(diag_text(&d, 0, LANG_ZH, zbuf, sizeof zbuf, NULL),
			 "lists/gambling.list: 无法打开 /nonexistent/campusgate/x.list: 没有那个文件或目录");
	diag_free(&d);

	/* A timetable in a zone that does not exist fails the build too. */
	free(cfg->categories[0].lists[0].path);
	cfg->categories[0].lists[0].path = tu_write_file(tmp, "g2.list", "a.example\n");
	int tt = add_timetable(cfg, "mars", "Mars/Olympus_Mons");
	add_group(cfg, "students", "10.0.0.0/8", 0, 1, tt);
	diag_init(&d);
	ck_assert_ptr_null(policy_build(cfg, &d));
	ck_assert_uint_eq(d.errors, 1);
	diag_free(&d);
	config_free(cfg);
}
END_TEST

/* --- snapshot swapping ------------------------------------------------------------- */

static struct policy *make_policy(const char *blocked)
{
	struct config *cfg = config_default();
	char line[128];

	snprintf(line, sizeof(line), "%s\n", blocked);
	add_category(cfg, "gambling", CATEGORY_BLOCK, line);
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	return p;
}

static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t swap_cond = PTHREAD_COND_INITIALIZER;
static int swap_stage;

static void swap_wait(int stage)
{
	pthread_mutex_lock(&swap_lock);
	while (swap_stage < stage)
		pthread_cond_wait(&swap_cond, &swap_lock);
	pthread_mutex_unlock(&swap_lock);
}

static void swap_signal(int stage)
{
	pthread_mutex_lock(&swap_lock);
	swap_stage = stage;
	pthread_cond_broadcast(&swap_cond);
	pthread_mutex_unlock(&swap_lock);
}

static void *holder(void *arg)
{
	int *ok = arg;
	struct verdict v;
	struct request req = { .host = "old.example", .host_len = 11, .when = WED_1000 };
	struct policy *p = policy_acquire();

	swap_signal(1);
	swap_wait(2); /* the main thread has published a new snapshot */
	/* The old snapshot is still whole: its rules, its strings. */
	*ok = policy_decide(p, &req, &v) == ACTION_BLOCK && strcmp(v.rule.file,
		"lists/gambling.list") == 0 && v.rule.text_len == 11 &&
		memcmp(v.rule.text, "old.example", 11) == 0;
	policy_unref(p);
	return NULL;
}

START_TEST(swap_keeps_held_snapshot_valid)
{
	pthread_t t;
	int ok = 0;
	struct verdict v;
	struct request req = { .host = "old.example", .host_len = 11, .when = WED_1000 };

	policy_publish(make_policy("old.example"));
	swap_stage = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, holder, &ok), 0);
	swap_wait(1);
	policy_publish(make_policy("new.example")); /* drops the old one's published ref */
	struct policy *cur = policy_acquire();
	ck_assert_int_eq(policy_decide(cur, &req, &v), ACTION_ALLOW);
	policy_unref(cur);
	swap_signal(2);
	pthread_join(t, NULL);
	ck_assert_msg(ok, "the thread's old snapshot changed under it");
	policy_publish(NULL);
	ck_assert_ptr_null(policy_acquire());
}
END_TEST

static atomic_int stop_readers, bad_readers;

static void *reader(void *arg)
{
	size_t *decisions = arg;
	struct verdict v;
	struct request req = { .host = "a.example", .host_len = 9, .when = WED_1000 };

	while (!atomic_load(&stop_readers)) {
		struct policy *p = policy_acquire();
		if (p) {
			enum action a = policy_decide(p, &req, &v);
			/* Either snapshot may be current; each verdict must be whole. */
			if (strcmp(v.group, "default") != 0 ||
			    (a == ACTION_BLOCK && (v.rule.text_len != 9 ||
						   memcmp(v.rule.text, "a.example", 9) != 0)))
				atomic_fetch_add(&bad_readers, 1);
			policy_unref(p);
			(*decisions)++;
		}
	}
	return NULL;
}

START_TEST(swap_under_load)
{
	pthread_t t[4];
	size_t n[4] = { 0 };

	atomic_store(&stop_readers, 0);
	policy_publish(make_policy("a.example"));
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, reader, &n[i]), 0);
	for (int i = 0; i < 50; i++)
		policy_publish(make_policy(i % 2 ? "a.example" : "b.example"));
	atomic_store(&stop_readers, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	ck_assert_uint_gt(n[0] + n[1] + n[2] + n[3], 0);
	ck_assert_int_eq(atomic_load(&bad_readers), 0);
	policy_publish(NULL);
}
END_TEST

/* Random xn-- labels from the network must never upset the decoder (run under ASan). */
START_TEST(random_punycode_is_safe)
{
	struct config *cfg = config_default();
	struct verdict v;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	char host[NAME_MAX_LEN + 1];
	size_t blocked = 0;

	add_category(cfg, "gambling", CATEGORY_BLOCK, "/\xe5\x8d\x9a/\n/^[^.]{30,}\\./\n");
	struct policy *p = build(cfg, 0);
	config_free(cfg);
	for (int i = 0; i < 20000; i++) {
		size_t n = 0;
		for (int label = 0; label < 3; label++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			size_t l = 1 + x % 59;
			memcpy(host + n, "xn--", 4);
			n += 4;
			for (size_t k = 0; k < l; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				host[n++] = alphabet[x % (sizeof(alphabet) - 1)];
			}
			host[n++] = '.';
		}
		memcpy(host + n, "cn", 3);
		n += 2;
		struct request req = { .host = host, .host_len = n, .when = WED_1000 };
		if (policy_decide(p, &req, &v) == ACTION_BLOCK) {
			ck_assert_int_eq(v.rule.kind, RULE_PATTERN);
			blocked++;
		}
	}
	/* Some random labels decode to a long first label or to 博: both patterns fire. */
	ck_assert_uint_gt(blocked, 0);
	policy_unref(p);
}
END_TEST

START_TEST(enum_names)
{
	ck_assert_str_eq(action_name(ACTION_ALLOW), "allow");
	ck_assert_str_eq(action_name(ACTION_BLOCK), "block");
	ck_assert_str_eq(action_name(ACTION_OBSERVE), "observed");
	ck_assert_str_eq(action_name((enum action)42), "unknown");
	ck_assert_str_eq(proto_name(PROTO_DNS), "dns");
	ck_assert_str_eq(proto_name(PROTO_HTTP), "http");
	ck_assert_str_eq(proto_name(PROTO_TLS), "tls");
	ck_assert_str_eq(proto_name(PROTO_SENSOR), "sensor");
	ck_assert_str_eq(proto_name((enum proto)42), "unknown");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("decide");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, blocks_with_provenance_and_label_boundary);
	tcase_add_test(tc, most_specific_rule_wins);
	tcase_add_test(tc, allowlist_wins);
	tcase_add_test(tc, url_tricks);
	tcase_add_test(tc, pattern_limit_fails_closed);
	tcase_add_test(tc, patterns_see_decoded_url);
	tcase_add_test(tc, groups_by_longest_prefix);
	tcase_add_test(tc, url_prefixes);
	tcase_add_test(tc, ip_literals_are_exact);
	tcase_add_test(tc, patterns_with_and_without_literals);
	tcase_add_test(tc, unicode_names_both_ways);
	tcase_add_test(tc, timetables_and_bypass);
	tcase_add_test(tc, bad_lines_and_missing_lists);
	tcase_add_test(tc, swap_keeps_held_snapshot_valid);
	tcase_add_test(tc, swap_under_load);
	tcase_add_test(tc, enum_names);
	tcase_add_test(tc, random_punycode_is_safe);
	suite_add_tcase(s, tc);
	return tu_run(s, NULL);
}
