/* config_rules: the setters of the policy keys ([category NAME], [allow],
 * [timetable NAME], [group NAME]); names that refer elsewhere are resolved at the end. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_rules.h"
#include "config_state.h"
#include "timetable.h"

#define MAX_LIST 64 /* entries of a repeatable key */

#define CFG (st->cfg)

/* ---- lists: [category NAME] and [allow] ---- */

static const char *formats[] = {"native", "hosts", "adblock", "ut1"};

/* "[?][FORMAT:]PATH": the file must exist unless marked optional with '?'. */
static void add_list(struct cload *st, const char *v, struct cfg_list **list, size_t *n)
{
	bool optional = false;
	if (*v == '?') {
		optional = true;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
	}
	enum list_format fmt = LIST_NATIVE;
	const char *colon = strchr(v, ':');
	if (colon && !memchr(v, '/', (size_t)(colon - v))) {
		size_t k = (size_t)(colon - v), i = 0;
		for (; i < CG_ARRAY_LEN(formats); i++)
			if (strlen(formats[i]) == k && strncasecmp(v, formats[i], k) == 0)
				break;
		if (i == CG_ARRAY_LEN(formats)) {
			cload_msg(st, MSG_CFG_LIST_FORMAT, (int)k, v);
			return;
		}
		fmt = (enum list_format)i;
		v = colon + 1;
	}
	if (!*v) {
		cload_msg(st, MSG_CFG_LIST_NO_PATH);
		return;
	}
	char *path = cload_path(st, v);
	struct stat sb;
	if (stat(path, &sb) < 0 || access(path, R_OK) < 0) {
		if (optional && (errno == ENOENT || errno == ENOTDIR))
			diag_msg(st->diag, true, st->file, st->line, MSG_CFG_LIST_OPTIONAL_MISSING,
				 v);
		else
			cload_msg(st, MSG_CFG_LIST_ERROR, v, MSG_REASON(strerror(errno)));
		goto fail;
	}
	if (fmt == LIST_UT1 && !S_ISDIR(sb.st_mode)) {
		cload_msg(st, MSG_CFG_LIST_UT1_FOLDER, v);
		goto fail;
	}
	if (fmt != LIST_UT1 && !S_ISREG(sb.st_mode)) {
		/* two whole formats, so that each has its zh-CN form (i18n_config.c) */
		if (S_ISDIR(sb.st_mode))
			cload_msg(st, MSG_CFG_LIST_NOT_FILE_UT1, v);
		else
			cload_msg(st, MSG_CFG_LIST_NOT_FILE, v);
		goto fail;
	}
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i].path, path) == 0) {
			cload_msg(st, MSG_CFG_LIST_TWICE, v, (*list)[i].line);
			goto fail;
		}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	struct cfg_list *l = &(*list)[(*n)++];
	l->format = fmt;
	l->path = path;
	l->name = xstrdup(v);
	l->line = st->line;
	return;
fail:
	free(path);
}

static struct cfg_category *cur_category(struct cload *st)
{
	return &CFG->categories[st->idx];
}

static void k_kind(struct cload *st, const char *v)
{
	if (strcasecmp(v, "block") == 0)
		cur_category(st)->kind = CATEGORY_BLOCK;
	else if (strcasecmp(v, "bypass") == 0)
		cur_category(st)->kind = CATEGORY_BYPASS;
	else
		cload_msg(st, MSG_CFG_BAD_KIND, v);
}

static void k_title_zh(struct cload *st, const char *v)
{
	cload_set_string(st, v, 120, &cur_category(st)->title_zh);
}

static void k_title_en(struct cload *st, const char *v)
{
	cload_set_string(st, v, 120, &cur_category(st)->title_en);
}

static void k_cat_list(struct cload *st, const char *v)
{
	struct cfg_category *c = cur_category(st);
	add_list(st, v, &c->lists, &c->n_lists);
}

/* Client-facing ECH names: native list files only (names, one a line). */
static void k_cat_ech_list(struct cload *st, const char *v)
{
	struct cfg_category *c = cur_category(st);
	size_t n = c->n_ech_lists;
	add_list(st, v, &c->ech_lists, &c->n_ech_lists);
	if (c->n_ech_lists > n && c->ech_lists[n].format != LIST_NATIVE) {
		cload_msg(st, MSG_CFG_ECH_LIST_FORMAT, v);
		free(c->ech_lists[n].path);
		free(c->ech_lists[n].name);
		c->n_ech_lists = n;
	}
}

const struct cload_key cload_category_keys[] = {
	{"kind", false, false, k_kind},
	{"title_zh", false, false, k_title_zh},
	{"title_en", false, false, k_title_en},
	{"list", true, false, k_cat_list},
	{"ech_list", true, false, k_cat_ech_list},
	{NULL, false, false, NULL},
};

static void k_allow_list(struct cload *st, const char *v)
{
	add_list(st, v, &CFG->allow, &CFG->n_allow);
}

/* grants = PATH: the approved unblock requests (grants.h), written by the console. */
static void k_allow_grants(struct cload *st, const char *v)
{
	free(CFG->grants);
	CFG->grants = cload_path(st, v);
}

const struct cload_key cload_allow_keys[] = {
	{"list", true, false, k_allow_list},
	{"grants", false, false, k_allow_grants},
	{NULL, false, false, NULL},
};

/* ---- [timetable NAME] ---- */

static struct cfg_timetable *cur_tt(struct cload *st)
{
	return &CFG->timetables[st->idx];
}

static void k_tt_zone(struct cload *st, const char *v)
{
	cload_check_zone(st, v, &cur_tt(st)->timezone);
}

static void k_weekdays(struct cload *st, const char *v)
{
	const char *why = "?";
	if (timetable_parse_weekdays(v, &cur_tt(st)->weekdays, &why) < 0)
		cload_msg(st, MSG_CFG_BAD_VALUE_WHY, "weekdays", v, MSG_REASON(why));
}

static void k_time(struct cload *st, const char *v)
{
	struct cfg_timetable *t = cur_tt(st);
	struct cfg_timerange r;
	const char *why = "?";
	if (timetable_parse_time(v, &r, &why) < 0) {
		cload_msg(st, MSG_CFG_BAD_VALUE_WHY, "time", v, MSG_REASON(why));
		return;
	}
	if (t->n_times >= MAX_LIST) {
		cload_msg(st, MSG_CFG_AT_MOST, "time", MAX_LIST);
		return;
	}
	t->times = xrealloc(t->times, (t->n_times + 1) * sizeof *t->times);
	t->times[t->n_times++] = r;
}

static void add_dates(struct cload *st, const char *v, struct cfg_daterange **list, size_t *n)
{
	struct cfg_daterange r;
	const char *why = "?";
	if (timetable_parse_dates(v, &r, &why) < 0) {
		cload_msg(st, MSG_CFG_BAD_VALUE_WHY, st->key, v, MSG_REASON(why));
		return;
	}
	if (*n >= 1000) {
		free(r.label);
		cload_msg(st, MSG_CFG_AT_MOST, st->key, 1000);
		return;
	}
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = r;
}

static void k_holiday(struct cload *st, const char *v)
{
	add_dates(st, v, &cur_tt(st)->holidays, &cur_tt(st)->n_holidays);
}

static void k_exam(struct cload *st, const char *v)
{
	add_dates(st, v, &cur_tt(st)->extra, &cur_tt(st)->n_extra);
}

const struct cload_key cload_timetable_keys[] = {
	{"timezone", false, false, k_tt_zone},
	{"weekdays", false, false, k_weekdays},
	{"time", true, false, k_time},
	{"holiday", true, false, k_holiday},
	{"exam", true, false, k_exam},
	{NULL, false, false, NULL},
};

/* ---- [group NAME] ---- */

static struct cfg_group *cur_group(struct cload *st)
{
	return &CFG->groups[st->idx];
}

static void k_subnet(struct cload *st, const char *v)
{
	struct cfg_group *g = cur_group(st);
	struct cg_subnet s;
	if (subnet_parse(v, &s) < 0) {
		cload_msg(st, MSG_CFG_BAD_SUBNET, v);
		return;
	}
	for (size_t i = 0; i < g->n_subnets; i++)
		if (g->subnets[i].prefix == s.prefix && g->subnets[i].addr.family == s.addr.family &&
		    memcmp(g->subnets[i].addr.a, s.addr.a, sizeof s.addr.a) == 0) {
			cload_msg(st, MSG_CFG_LISTED_TWICE, "subnet", v);
			return;
		}
	if (g->n_subnets >= 1024) {
		cload_msg(st, MSG_CFG_AT_MOST, "subnet", 1024);
		return;
	}
	g->subnets = xrealloc(g->subnets, (g->n_subnets + 1) * sizeof *g->subnets);
	g->subnets[g->n_subnets++] = s;
}

/* "CAT CAT ..." (spaces or commas); names are resolved at the end of the file. */
static void add_refs(struct cload *st, const char *v, bool scheduled)
{
	struct cload_group *p = &st->gp[st->idx];
	const char *s = v;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		size_t n = strcspn(s, " \t,");
		if (!n)
			break;
		if (p->n_refs >= CFG_MAX_CATEGORIES * 2) {
			cload_msg(st, MSG_CFG_KEY_TOO_MANY_CATEGORIES, st->key);
			return;
		}
		p->refs = xrealloc(p->refs, (p->n_refs + 1) * sizeof *p->refs);
		p->refs[p->n_refs++] = (struct cload_catref){xstrndup(s, n), st->line, scheduled};
		s += n;
	}
	if (scheduled)
		p->has_scheduled = true;
}

static void k_block(struct cload *st, const char *v)
{
	add_refs(st, v, false);
}

static void k_block_scheduled(struct cload *st, const char *v)
{
	add_refs(st, v, true);
}

static void k_group_tt(struct cload *st, const char *v)
{
	struct cload_group *p = &st->gp[st->idx];
	p->timetable = xstrdup(v);
	p->tt_line = st->line;
}

static void k_block_mode(struct cload *st, const char *v)
{
	for (int m = BLOCK_NXDOMAIN; m <= BLOCK_REFUSED; m++)
		if (strcasecmp(v, block_mode_name((enum block_mode)m)) == 0) {
			cur_group(st)->block_mode = (enum block_mode)m;
			return;
		}
	cload_msg(st, MSG_CFG_BAD_BLOCK_MODE, v);
}

static void k_tls_no_sni(struct cload *st, const char *v)
{
	if (strcasecmp(v, "allow") == 0)
		cur_group(st)->tls_no_sni = TLS_NO_SNI_ALLOW;
	else if (strcasecmp(v, "block") == 0)
		cur_group(st)->tls_no_sni = TLS_NO_SNI_BLOCK;
	else
		cload_msg(st, MSG_CFG_BAD_TLS_NO_SNI, v);
}

static int val_safesearch(struct cload *st, const char *v)
{
	static const char *names[] = {"off", "moderate", "strict"};
	for (int i = 0; i < 3; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	cload_msg(st, MSG_CFG_BAD_SAFE_SEARCH, st->key, v);
	return -1;
}

static void k_safe_search(struct cload *st, const char *v)
{
	int s = val_safesearch(st, v);
	if (s >= 0)
		st->gp[st->idx].safe_search = s;
}

static void set_engine(struct cload *st, const char *v, int engine, enum safesearch *out)
{
	int s = val_safesearch(st, v);
	if (s < 0)
		return;
	*out = (enum safesearch)s;
	st->gp[st->idx].ss_set[engine] = true;
}

static void k_ss_google(struct cload *st, const char *v)
{
	set_engine(st, v, 0, &cur_group(st)->safesearch_google);
}

static void k_ss_bing(struct cload *st, const char *v)
{
	set_engine(st, v, 1, &cur_group(st)->safesearch_bing);
}

static void k_ss_youtube(struct cload *st, const char *v)
{
	set_engine(st, v, 2, &cur_group(st)->safesearch_youtube);
}

static void k_ss_ddg(struct cload *st, const char *v)
{
	set_engine(st, v, 3, &cur_group(st)->safesearch_duckduckgo);
}

const struct cload_key cload_group_keys[] = {
	{"subnet", true, false, k_subnet},
	{"block", true, true, k_block},
	{"block_scheduled", true, true, k_block_scheduled},
	{"timetable", false, false, k_group_tt},
	{"block_mode", false, false, k_block_mode},
	{"tls_no_sni", false, false, k_tls_no_sni},
	{"safe_search", false, false, k_safe_search},
	{"safe_search_google", false, false, k_ss_google},
	{"safe_search_bing", false, false, k_ss_bing},
	{"safe_search_youtube", false, false, k_ss_youtube},
	{"safe_search_duckduckgo", false, false, k_ss_ddg},
	{NULL, false, false, NULL},
};
