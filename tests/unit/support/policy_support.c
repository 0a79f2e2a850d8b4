/* Helpers for the policy tests (policy_support.h). */
#include "policy_support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "testutil.h"
#include "util.h"

char *tmp;

void setup(void)
{
	tmp = tu_tmpdir();
}

void teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

/* Write a list file into the temp folder and describe it as "lists/<file>". */
void add_list(struct cfg_list **lists, size_t *n, const char *file, const char *text)
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
unsigned add_category(struct config *cfg, const char *name, enum category_kind kind,
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
struct cfg_group *add_group(struct config *cfg, const char *name, const char *subnets,
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
int add_timetable(struct config *cfg, const char *name, const char *zone)
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

struct policy *build(const struct config *cfg, size_t want_errors)
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
enum action decide(const struct policy *p, const char *client, const char *host,
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

void rule_is(const struct verdict *v, enum rule_kind kind, const char *file,
		    unsigned line, const char *text)
{
	ck_assert_int_eq(v->rule.kind, kind);
	ck_assert_str_eq(v->rule.file, file);
	ck_assert_uint_eq(v->rule.line, line);
	ck_assert_uint_eq(v->rule.text_len, strlen(text));
	ck_assert_msg(memcmp(v->rule.text, text, v->rule.text_len) == 0, "rule %.*s, want %s",
		      (int)v->rule.text_len, v->rule.text, text);
}
