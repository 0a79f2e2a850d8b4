/* Building a policy snapshot: the config's lists read and compiled into match sets, its
 * groups, subnets and timetables copied, off the serving threads (a reload builds a new
 * one while the old one serves). Deciding with it: policy.c. */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "policy_int.h"
#include "lists.h"
#include "name.h"
#include "policy_subject.h"
#include "urlnorm.h"

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
	if (cfg->grants) {
		p->grants_file = xstrdup(cfg->grants);
		if (grants_read(cfg->grants, &p->grants, diag) < 0)
			goto fail;
		p->stats.allow_rules += p->grants.n;
	}

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
