/* The policy snapshot: lists compiled into match sets, groups, timetables, and the one
 * decision function every front end calls. */
#include "policy.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domainset.h"
#include "i18n.h"
#include "lists.h"
#include "name.h"
#include "patset.h"
#include "policy_subject.h"
#include "timetable.h"
#include "tz.h"
#include "urlnorm.h"
#include "urlset.h"

#define POLICY_MAX_FILES 65535  /* file ids are 16 bits */

struct policy_timetable {
	struct cfg_timetable tt;
	struct tz *tz;
};

/* One subnet of one group; kept sorted longest prefix first. */
struct policy_subnet {
	struct cg_subnet net;
	size_t group;
};

/* One family of match sets: the blocklists, or the allowlist (category 0). */
struct policy_sets {
	struct domainset *dom;
	struct urlset *url;
	struct patset *pat;
};

struct policy {
	atomic_uint refs;
	struct policy *retired_next;  /* on the retired list (released on a serving thread) */
	struct cfg_category *cats;
	size_t n_cats;
	uint32_t all_mask;
	struct cfg_group *groups;
	size_t n_groups;
	size_t default_group;
	struct policy_subnet *subnets;
	size_t n_subnets;
	struct policy_timetable *tts;
	size_t n_tts;
	char **files;
	size_t n_files;
	struct policy_sets block, allow;
	struct domainset *ech;        /* client-facing ECH names (ech_list), by category */
	struct policy_stats stats;
};

static char *policy_strdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* --- building -------------------------------------------------------------------- */

/* State while the lists of one category (or the allowlist) are read. */
struct policy_load {
	struct policy *p;
	struct domainset_builder *db;
	struct urlset_builder *ub;
	struct patset_builder *pb;
	unsigned category;
	bool allow;
	bool have_file;
	uint16_t file_id;
};

/* The id of a list file name, added to the table on first sight. -1 when full. */
static int policy_file_id(struct policy_load *ld, const char *file)
{
	struct policy *p = ld->p;

	if (ld->have_file && strcmp(p->files[ld->file_id], file) == 0)
		return ld->file_id;
	for (size_t i = 0; i < p->n_files; i++) {
		if (strcmp(p->files[i], file) == 0) {
			ld->file_id = (uint16_t)i;
			ld->have_file = true;
			return ld->file_id;
		}
	}
	if (p->n_files >= POLICY_MAX_FILES)
		return -1;
	p->files = xrealloc(p->files, (p->n_files + 1) * sizeof(*p->files));
	p->files[p->n_files] = xstrdup(file);
	ld->file_id = (uint16_t)p->n_files++;
	ld->have_file = true;
	return ld->file_id;
}

static int policy_add_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct policy_load *ld = arg;
	struct policy_stats *st = &ld->p->stats;
	char perr[200], path[POLICY_SUBJECT_INLINE_PATH + 2];
	size_t plen;
	int id = policy_file_id(ld, r->file);

	if (id < 0) {
		snprintf(err, errlen, "too many list files (at most %d)", POLICY_MAX_FILES);
		return -1;
	}
	switch (r->kind) {
	case LIST_RULE_DOMAIN:
	case LIST_RULE_EXACT:
		if (domainset_add(ld->db, r->host, r->host_len, r->kind == LIST_RULE_EXACT,
				  ld->category, (uint16_t)id, r->line) < 0) {
			snprintf(err, errlen, "name not accepted");
			return -1;
		}
		if (!ld->allow) {
			if (r->kind == LIST_RULE_EXACT)
				st->exact++;
			else
				st->domains++;
		}
		break;
	case LIST_RULE_URL:
		/* Normalised as request paths are (urlnorm): "/./Casino/", "//casino/" and
		 * "/%63asino/" are "/casino/". */
		if (r->path_len >= sizeof(path)) {
			snprintf(err, errlen, "URL rule not accepted (path too long?)");
			return -1;
		}
		plen = urlnorm_path(r->path, r->path_len, path, sizeof(path));
		if (urlset_add(ld->ub, r->host, r->host_len, path, plen, ld->category,
			       (uint16_t)id, r->line) < 0) {
			snprintf(err, errlen, "URL rule not accepted (path too long?)");
			return -1;
		}
		if (!ld->allow)
			st->urls++;
		break;
	case LIST_RULE_PATTERN:
		perr[0] = '\0';
		if (patset_add(ld->pb, r->pattern, r->pattern_len, ld->category, (uint16_t)id,
			       r->line, perr, sizeof(perr)) < 0) {
			snprintf(err, errlen, "bad pattern (%s)", perr);
			return -1;
		}
		if (!ld->allow)
			st->patterns++;
		break;
	}
	if (ld->allow)
		st->allow_rules++;
	return 0;
}

/* Read lists into ld's builders; -1 when a list cannot be read at all. */
static int policy_read_lists(struct policy_load *ld, const struct cfg_list *lists,
			     size_t n, struct diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		struct list_counts counts = { 0 };
		const char *name = lists[i].name ? lists[i].name : lists[i].path;
		if (lists_read(lists[i].format, lists[i].path, name, policy_add_rule, ld, diag,
			       &counts) < 0)
			return -1;
		ld->p->stats.bad_lines += counts.bad;
		ld->p->stats.lists++;
	}
	return 0;
}

static void policy_sets_finish(struct policy_sets *s, struct policy_load *ld)
{
	s->dom = domainset_build(ld->db);
	s->url = urlset_build(ld->ub);
	s->pat = patset_build(ld->pb);
	ld->db = NULL;
	ld->ub = NULL;
	ld->pb = NULL;
}

static void policy_load_start(struct policy_load *ld, struct policy *p, unsigned category,
			      bool allow)
{
	memset(ld, 0, sizeof(*ld));
	ld->p = p;
	ld->category = category;
	ld->allow = allow;
	ld->db = domainset_builder_new();
	ld->ub = urlset_builder_new();
	ld->pb = patset_builder_new();
}

static void policy_load_abort(struct policy_load *ld)
{
	domainset_builder_free(ld->db);
	urlset_builder_free(ld->ub);
	patset_builder_free(ld->pb);
	memset(ld, 0, sizeof(*ld));
}

static void policy_copy_lists(struct cfg_category *dst, const struct cfg_category *src)
{
	dst->n_lists = src->n_lists;
	dst->lists = src->n_lists ? xcalloc(src->n_lists, sizeof(*dst->lists)) : NULL;
	for (size_t i = 0; i < src->n_lists; i++) {
		dst->lists[i] = src->lists[i];
		dst->lists[i].path = policy_strdup(src->lists[i].path);
		dst->lists[i].name = policy_strdup(src->lists[i].name);
	}
}

static void policy_copy_ranges(struct cfg_daterange **dst, const struct cfg_daterange *src,
			       size_t n)
{
	*dst = n ? xcalloc(n, sizeof(**dst)) : NULL;
	for (size_t i = 0; i < n; i++) {
		(*dst)[i] = src[i];
		(*dst)[i].label = policy_strdup(src[i].label);
	}
}

static int policy_copy_timetables(struct policy *p, const struct config *cfg,
				  struct diag *diag)
{
	p->n_tts = cfg->n_timetables;
	p->tts = p->n_tts ? xcalloc(p->n_tts, sizeof(*p->tts)) : NULL;
	for (size_t i = 0; i < p->n_tts; i++) {
		const struct cfg_timetable *s = &cfg->timetables[i];
		struct cfg_timetable *d = &p->tts[i].tt;
		const char *zone = s->timezone ? s->timezone
				 : cfg->timezone ? cfg->timezone : "Asia/Shanghai";
		const char *why = "unknown time zone";

		*d = *s;
		d->name = policy_strdup(s->name);
		d->timezone = xstrdup(zone);
		d->times = NULL;
		if (s->n_times) {
			d->times = xcalloc(s->n_times, sizeof(*d->times));
			memcpy(d->times, s->times, s->n_times * sizeof(*d->times));
		}
		policy_copy_ranges(&d->holidays, s->holidays, s->n_holidays);
		policy_copy_ranges(&d->extra, s->extra, s->n_extra);
		p->tts[i].tz = tz_load(zone, &why);
		if (!p->tts[i].tz) {
			diag_msg(diag, false, cfg->file, s->line, MSG_POLICY_TIMETABLE_ZONE, s->name,
				 zone, MSG_REASON(why));
			return -1;
		}
	}
	return 0;
}

static int policy_subnet_cmp(const void *a, const void *b)
{
	const struct policy_subnet *x = a, *y = b;

	if (x->net.prefix != y->net.prefix)
		return x->net.prefix > y->net.prefix ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

/* Groups, their subnets sorted longest first, and the default group (built in, blocking
 * every category, when the config has none). */
static void policy_copy_groups(struct policy *p, const struct config *cfg,
			       struct diag *diag)
{
	bool have_default = false;
	size_t n_sub = 0;

	p->n_groups = cfg->n_groups;
	p->groups = xcalloc(cfg->n_groups + 1, sizeof(*p->groups));
	for (size_t i = 0; i < cfg->n_groups; i++) {
		const struct cfg_group *s = &cfg->groups[i];
		struct cfg_group *d = &p->groups[i];
		*d = *s;
		d->name = policy_strdup(s->name);
		d->subnets = NULL;
		if (s->n_subnets) {
			d->subnets = xcalloc(s->n_subnets, sizeof(*d->subnets));
			memcpy(d->subnets, s->subnets, s->n_subnets * sizeof(*d->subnets));
		}
		if (d->timetable >= (int)cfg->n_timetables)
			d->timetable = -1;
		n_sub += s->n_subnets;
		if (d->name && strcmp(d->name, "default") == 0) {
			have_default = true;
			p->default_group = i;
		}
	}
	if (!have_default) {
		struct cfg_group *d = &p->groups[p->n_groups];
		if (cfg->n_groups > 0)
			diag_msg(diag, true, cfg->file, 0, MSG_POLICY_NO_DEFAULT_GROUP);
		d->name = xstrdup("default");
		d->block_always = p->all_mask;
		d->timetable = -1;
		d->block_mode = BLOCK_NXDOMAIN;
		p->default_group = p->n_groups++;
	}
	p->subnets = n_sub ? xcalloc(n_sub, sizeof(*p->subnets)) : NULL;
	for (size_t i = 0; i < p->n_groups; i++)
		for (size_t j = 0; j < p->groups[i].n_subnets; j++) {
			p->subnets[p->n_subnets].net = p->groups[i].subnets[j];
			p->subnets[p->n_subnets++].group = i;
		}
	if (p->n_subnets > 1)
		qsort(p->subnets, p->n_subnets, sizeof(*p->subnets), policy_subnet_cmp);
}

static void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_cats; i++) {
		free(p->cats[i].name);
		free(p->cats[i].title_zh);
		free(p->cats[i].title_en);
		for (size_t j = 0; j < p->cats[i].n_lists; j++) {
			free(p->cats[i].lists[j].path);
			free(p->cats[i].lists[j].name);
		}
		free(p->cats[i].lists);
	}
	free(p->cats);
	for (size_t i = 0; i < p->n_groups; i++) {
		free(p->groups[i].name);
		free(p->groups[i].subnets);
	}
	free(p->groups);
	free(p->subnets);
	for (size_t i = 0; i < p->n_tts; i++) {
		struct cfg_timetable *t = &p->tts[i].tt;
		free(t->name);
		free(t->timezone);
		free(t->times);
		for (size_t j = 0; j < t->n_holidays; j++)
			free(t->holidays[j].label);
		free(t->holidays);
		for (size_t j = 0; j < t->n_extra; j++)
			free(t->extra[j].label);
		free(t->extra);
		tz_free(p->tts[i].tz);
	}
	free(p->tts);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	domainset_free(p->block.dom);
	urlset_free(p->block.url);
	patset_free(p->block.pat);
	domainset_free(p->allow.dom);
	urlset_free(p->allow.url);
	patset_free(p->allow.pat);
	domainset_free(p->ech);
	free(p);
}

/* The client-facing ECH names of every category (ech_list) into p->ech. Only names
 * count: a URL or pattern line is reported as bad and skipped. */
static int policy_add_ech(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	if (r->kind != LIST_RULE_DOMAIN && r->kind != LIST_RULE_EXACT) {
		snprintf(err, errlen, "an ECH list holds names only");
		return -1;
	}
	return policy_add_rule(r, arg, err, errlen);
}

static int policy_read_ech(struct policy *p, const struct config *cfg, struct diag *diag)
{
	struct policy_load ld;
	policy_load_start(&ld, p, 0, true); /* "allow": not counted as blocking rules */
	for (size_t i = 0; i < cfg->n_categories; i++) {
		const struct cfg_category *c = &cfg->categories[i];
		ld.category = (unsigned)i;
		for (size_t j = 0; j < c->n_ech_lists; j++) {
			struct list_counts counts = { 0 };
			const struct cfg_list *l = &c->ech_lists[j];
			if (lists_read(LIST_NATIVE, l->path, l->name ? l->name : l->path,
				       policy_add_ech, &ld, diag, &counts) < 0) {
				policy_load_abort(&ld);
				return -1;
			}
			p->stats.bad_lines += counts.bad;
			p->stats.lists++;
			p->stats.allow_rules -= counts.rules; /* not allowlist rules either */
		}
	}
	p->ech = domainset_build(ld.db);
	urlset_builder_free(ld.ub);
	patset_builder_free(ld.pb);
	return 0;
}

struct policy *policy_build(const struct config *cfg, struct diag *diag)
{
	struct policy *p;
	struct policy_load ld = { 0 };

	if (cfg->n_categories > CFG_MAX_CATEGORIES) {
		diag_msg(diag, false, cfg->file, 0, MSG_POLICY_TOO_MANY_CATEGORIES, CFG_MAX_CATEGORIES);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	atomic_init(&p->refs, 1);
	p->n_cats = cfg->n_categories;
	p->cats = p->n_cats ? xcalloc(p->n_cats, sizeof(*p->cats)) : NULL;
	for (size_t i = 0; i < p->n_cats; i++) {
		const struct cfg_category *s = &cfg->categories[i];
		struct cfg_category *d = &p->cats[i];
		*d = *s;
		d->name = policy_strdup(s->name);
		d->title_zh = policy_strdup(s->title_zh);
		d->title_en = policy_strdup(s->title_en);
		policy_copy_lists(d, s);
		d->ech_lists = NULL; /* read below; the snapshot keeps only the names */
		d->n_ech_lists = 0;
		p->all_mask |= 1u << i;
	}
	if (policy_copy_timetables(p, cfg, diag) < 0)
		goto fail;
	policy_copy_groups(p, cfg, diag);

	/* Every category into one family of sets, told apart by category index. */
	policy_load_start(&ld, p, 0, false);
	for (size_t i = 0; i < cfg->n_categories; i++) {
		ld.category = (unsigned)i;
		if (policy_read_lists(&ld, cfg->categories[i].lists, cfg->categories[i].n_lists,
				      diag) < 0)
			goto fail;
	}
	policy_sets_finish(&p->block, &ld);
	policy_load_start(&ld, p, 0, true);
	if (policy_read_lists(&ld, cfg->allow, cfg->n_allow, diag) < 0)
		goto fail;
	policy_sets_finish(&p->allow, &ld);
	if (policy_read_ech(p, cfg, diag) < 0)
		goto fail;

	p->stats.patterns_always_run = patset_always_run(p->block.pat) +
				       patset_always_run(p->allow.pat);
	p->stats.bytes = domainset_bytes(p->block.dom) + urlset_bytes(p->block.url) +
			 patset_bytes(p->block.pat) + domainset_bytes(p->allow.dom) +
			 urlset_bytes(p->allow.url) + patset_bytes(p->allow.pat);
	return p;
fail:
	policy_load_abort(&ld);
	policy_free(p);
	return NULL;
}

/* --- deciding -------------------------------------------------------------------- */

static void policy_rule_file(const struct policy *p, struct rule_ref *r, uint16_t file_id)
{
	r->file = file_id < p->n_files ? p->files[file_id] : "?";
}

/* The URL rule for s: the longest path prefix of the path or of its directory form
 * ("/casino" is also looked up as "/casino/"); an IP literal host only by its own rules. */
static bool policy_url_lookup(const struct urlset *u, const struct policy_subject *s,
			      uint32_t mask, struct url_match *um)
{
	struct url_match dm;
	bool hit = urlset_lookup(u, s->host, s->host_len, s->path, s->path_len, mask, um) &&
		   (!s->ip || um->host_len == s->host_len);

	if (s->dir && urlset_lookup(u, s->host, s->host_len, s->dir, s->dir_len, mask, &dm) &&
	    (!s->ip || dm.host_len == s->host_len) &&
	    (!hit || dm.host_len > um->host_len ||
	     (dm.host_len == um->host_len && dm.path_len > um->path_len))) {
		*um = dm;
		hit = true;
	}
	return hit;
}

/* The patterns on the host, the host with the normalised (decoded) path and query, and
 * the Unicode form of the host: 1 and *pm on a match; -1 and *pm (the first pattern that
 * hit a PCRE2 limit) when none matched but one could not be run to its end; 0. */
static int policy_patterns(const struct patset *ps, struct policy_subject *s, uint32_t mask,
			   struct pat_match *pm)
{
	struct pat_match lim;
	bool limited = false;
	const char *subj[3] = { s->host, s->url_len ? s->url : NULL, NULL };
	size_t len[3] = { s->host_len, s->url_len, 0 };

	for (int i = 0; i < 3; i++) {
		if (i == 2 && !s->ip) {
			int ulen = policy_subject_unicode(s);
			if (ulen > 0) {
				subj[2] = s->unicode;
				len[2] = (size_t)ulen;
			}
		}
		if (!subj[i] || !patset_match(ps, subj[i], len[i], mask, pm))
			continue;
		if (!pm->limit)
			return 1;
		if (!limited)
			lim = *pm;
		limited = true;
	}
	if (!limited)
		return 0;
	*pm = lim;
	return -1;
}

/* URL prefix (with a path) > the name > its closest parent > patterns. Fills *rule and
 * *category; true on a match whose category is in mask. A pattern that hit a PCRE2 limit
 * counts as a match when limit is given (the block sets: fail closed), and sets *limit;
 * with limit NULL (the allowlist) it never does. */
static bool policy_match(const struct policy *p, const struct policy_sets *sets,
			 struct policy_subject *s, uint32_t mask, struct rule_ref *rule,
			 unsigned *category, bool *limit)
{
	struct url_match um;
	struct domain_match dm;
	struct pat_match pm;

	if (s->host_len == 0 || mask == 0)
		return false;
	if (s->path_len > 0 && sets->url && policy_url_lookup(sets->url, s, mask, &um)) {
		rule->kind = RULE_URL;
		rule->line = um.line;
		rule->text = um.path == um.host + um.host_len ? um.host : um.path;
		rule->text_len = um.path == um.host + um.host_len ? um.host_len + um.path_len
								  : um.path_len;
		policy_rule_file(p, rule, um.file_id);
		*category = um.category;
		return true;
	}
	if (domainset_lookup(sets->dom, s->host, s->host_len, mask, &dm) &&
	    (!s->ip || dm.name_len == s->host_len)) {
		rule->kind = dm.exact ? RULE_EXACT : RULE_DOMAIN;
		rule->line = dm.line;
		rule->text = dm.name;
		rule->text_len = dm.name_len;
		policy_rule_file(p, rule, dm.file_id);
		*category = dm.category;
		return true;
	}
	if (!sets->pat || patset_count(sets->pat) == 0)
		return false;
	int pr = policy_patterns(sets->pat, s, mask, &pm);
	if (pr == 0 || (pr < 0 && !limit))
		return false;
	if (pr < 0)
		*limit = true;
	rule->kind = RULE_PATTERN;
	rule->line = pm.line;
	rule->text = pm.pattern;
	rule->text_len = pm.pattern_len;
	policy_rule_file(p, rule, pm.file_id);
	*category = pm.category;
	return true;
}

/* The categories group g enforces at when; *active says whether its timetable is in
 * force (only looked at when the group has scheduled categories). */
static uint32_t policy_enforced(const struct policy *p, const struct cfg_group *g, time_t when,
				bool *active)
{
	const struct policy_timetable *tt = g->timetable >= 0 ? &p->tts[g->timetable] : NULL;
	uint32_t enforced = g->block_always & p->all_mask;

	*active = false;
	if (tt && (g->block_scheduled & p->all_mask)) {
		*active = timetable_active(&tt->tt, tt->tz, when);
		if (*active)
			enforced |= g->block_scheduled & p->all_mask;
	}
	return enforced;
}

static enum action policy_decide_in(const struct policy *p, size_t gi,
				    const struct request *req, struct verdict *v)
{
	const struct cfg_group *g = &p->groups[gi];
	const struct policy_timetable *tt = g->timetable >= 0 ? &p->tts[g->timetable] : NULL;
	struct policy_subject s;
	bool active = false;
	uint32_t enforced = policy_enforced(p, g, req->when, &active);
	unsigned cat = 0;

	memset(v, 0, sizeof(*v));
	v->action = ACTION_ALLOW;
	v->group = g->name;
	policy_subject_init(&s, req);
	if (policy_match(p, &p->allow, &s, 1, &v->rule, &cat, NULL)) {
		v->allowlisted = true;
		goto done;
	}
	memset(&v->rule, 0, sizeof(v->rule));
	if (policy_match(p, &p->block, &s, enforced, &v->rule, &cat, &v->pattern_limit)) {
		v->action = ACTION_BLOCK;
	} else if (policy_match(p, &p->block, &s, p->all_mask & ~enforced, &v->rule, &cat,
				&v->pattern_limit)) {
		v->category_listed = true;
	} else {
		memset(&v->rule, 0, sizeof(v->rule));
		goto done;
	}
	if (cat < p->n_cats) {
		v->category = p->cats[cat].name;
		v->bypass = p->cats[cat].kind == CATEGORY_BYPASS;
	}
	if (tt && cat < 32 && !(g->block_always & (1u << cat)) &&
	    (g->block_scheduled & (1u << cat))) {
		v->timetable_applied = true;
		v->timetable_active = active;
		v->timetable = tt->tt.name;
	}
done:
	policy_subject_done(&s);
	return v->action;
}

/* The group of a client: the longest matching subnet, else the default group. */
static size_t policy_group_of(const struct policy *p, const struct cg_addr *client)
{
	for (size_t i = 0; i < p->n_subnets; i++)
		if (subnet_contains(&p->subnets[i].net, client))
			return p->subnets[i].group;
	return p->default_group;
}

enum action policy_decide(const struct policy *p, const struct request *req,
			  struct verdict *v)
{
	return policy_decide_in(p, policy_group_of(p, &req->client), req, v);
}

enum action policy_decide_group(const struct policy *p, const struct request *req,
				const char *group, struct verdict *v)
{
	size_t gi = p->default_group;

	for (size_t i = 0; group && i < p->n_groups; i++)
		if (strcmp(p->groups[i].name, group) == 0)
			gi = i;
	return policy_decide_in(p, gi, req, v);
}

/* --- TLS hellos that hide their name (no SNI, ECH) -------------------------------- */

/* The first enforced bypass category in mask, for the verdict's category. */
static void policy_bypass_category(const struct policy *p, uint32_t mask, struct verdict *v)
{
	for (size_t i = 0; i < p->n_cats && i < 32; i++)
		if ((mask & (1u << i)) && p->cats[i].kind == CATEGORY_BYPASS) {
			v->category = p->cats[i].name;
			return;
		}
}

enum action policy_decide_no_sni(const struct policy *p, const struct request *req,
				 struct verdict *v)
{
	const struct cfg_group *g = &p->groups[policy_group_of(p, &req->client)];
	bool active;
	uint32_t enforced = policy_enforced(p, g, req->when, &active);

	memset(v, 0, sizeof(*v));
	v->action = ACTION_ALLOW;
	v->group = g->name;
	if (g->tls_no_sni == TLS_NO_SNI_ALLOW || (g->tls_no_sni == TLS_NO_SNI_AUTO && !enforced))
		return v->action;
	v->action = ACTION_BLOCK;
	v->bypass = true;
	policy_bypass_category(p, enforced, v);
	return v->action;
}

enum action policy_decide_ech(const struct policy *p, const struct request *req,
			      struct verdict *v)
{
	const struct cfg_group *g = &p->groups[policy_group_of(p, &req->client)];
	struct domain_match dm, am;
	bool active;
	uint32_t enforced = policy_enforced(p, g, req->when, &active);

	memset(v, 0, sizeof(*v));
	v->action = ACTION_ALLOW;
	v->group = g->name;
	if (!p->ech || req->host_len == 0 ||
	    !domainset_lookup(p->ech, req->host, req->host_len, p->all_mask, &dm))
		return v->action;
	if (domainset_lookup(p->allow.dom, req->host, req->host_len, 1, &am)) {
		v->allowlisted = true;
		return v->action;
	}
	if (domainset_lookup(p->ech, req->host, req->host_len, enforced, &dm))
		v->action = ACTION_BLOCK;
	else
		v->category_listed = true;
	v->rule.kind = dm.exact ? RULE_EXACT : RULE_DOMAIN;
	v->rule.line = dm.line;
	v->rule.text = dm.name;
	v->rule.text_len = dm.name_len;
	policy_rule_file(p, &v->rule, dm.file_id);
	if (dm.category < p->n_cats) {
		v->category = p->cats[dm.category].name;
		v->bypass = p->cats[dm.category].kind == CATEGORY_BYPASS;
	}
	return v->action;
}

/* --- sharing --------------------------------------------------------------------- */

void policy_ref(struct policy *p)
{
	if (p)
		atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

static pthread_mutex_t policy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t policy_retired_cond = PTHREAD_COND_INITIALIZER;
static struct policy *policy_current;
static struct policy *policy_retired;     /* last released on serving threads: to free */
static const void *policy_freed_last;     /* compared only: the last one freed elsewhere */
static atomic_ulong policy_gen;
static __thread bool policy_serving;

void policy_thread_serving(void)
{
	policy_serving = true;
}

void policy_unref(struct policy *p)
{
	if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (!policy_serving) {
		policy_free(p);
		pthread_mutex_lock(&policy_lock); /* a publisher may be waiting for it */
		policy_freed_last = p;
		pthread_cond_broadcast(&policy_retired_cond);
		pthread_mutex_unlock(&policy_lock);
		return;
	}
	/* Freeing a large snapshot takes long: not on a thread that answers clients. */
	pthread_mutex_lock(&policy_lock);
	p->retired_next = policy_retired;
	policy_retired = p;
	pthread_cond_broadcast(&policy_retired_cond);
	pthread_mutex_unlock(&policy_lock);
}

struct policy *policy_acquire(void)
{
	struct policy *p;

	pthread_mutex_lock(&policy_lock);
	p = policy_current;
	policy_ref(p);
	pthread_mutex_unlock(&policy_lock);
	return p;
}

unsigned long policy_generation(void)
{
	return atomic_load_explicit(&policy_gen, memory_order_acquire);
}

static bool policy_is_retired(const struct policy *p)
{
	for (const struct policy *r = policy_retired; r; r = r->retired_next)
		if (r == p)
			return true;
	return false;
}

void policy_publish(struct policy *p)
{
	struct policy *old;

	pthread_mutex_lock(&policy_lock);
	old = policy_current;
	policy_current = p;
	policy_freed_last = NULL;
	atomic_fetch_add_explicit(&policy_gen, 1, memory_order_release);
	pthread_mutex_unlock(&policy_lock);
	/* Our reference first; then give the serving threads a moment to let go of old
	 * (they look at the generation once per batch), so that it is freed here. */
	bool last = old && atomic_fetch_sub_explicit(&old->refs, 1, memory_order_acq_rel) == 1;
	if (last)
		policy_free(old);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&policy_lock);
	while (old && !last && !policy_is_retired(old) && policy_freed_last != old &&
	       pthread_cond_timedwait(&policy_retired_cond, &policy_lock, &until) == 0)
		;
	struct policy *r = policy_retired;
	policy_retired = NULL;
	pthread_mutex_unlock(&policy_lock);
	while (r) {
		struct policy *next = r->retired_next;
		policy_free(r);
		r = next;
	}
}

void policy_get_stats(const struct policy *p, struct policy_stats *st)
{
	*st = p->stats;
	st->pattern_limits = patset_limit_count();
}

const struct cfg_group *policy_group(const struct policy *p, const char *name)
{
	for (size_t i = 0; name && i < p->n_groups; i++)
		if (strcmp(p->groups[i].name, name) == 0)
			return &p->groups[i];
	return NULL;
}

const struct cfg_category *policy_category(const struct policy *p, const char *name)
{
	for (size_t i = 0; name && i < p->n_cats; i++)
		if (p->cats[i].name && strcmp(p->cats[i].name, name) == 0)
			return &p->cats[i];
	return NULL;
}
