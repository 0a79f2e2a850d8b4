/* The policy snapshot: the one decision function every front end calls, the checks of
 * TLS hellos that hide their name, and the sharing of snapshots between threads
 * (building one: policy_build.c). */
#include "policy.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "name.h"
#include "policy_int.h"
#include "policy_subject.h"
#include "urlnorm.h"

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
	/* An approved unblock request, for this group or the whole school, not ended yet:
	 * its end is checked here, at every decision, so that it stops allowing on time. */
	const struct grant *gr = s.host_len && !s.ip ? grants_match(&p->grants, s.host, s.host_len,
								   g->name, req->when)
						     : NULL;
	if (gr) {
		v->allowlisted = true;
		v->rule.kind = RULE_DOMAIN;
		v->rule.file = p->grants_file;
		v->rule.line = gr->line;
		v->rule.text = gr->name;
		v->rule.text_len = gr->name_len;
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

void policy_free(struct policy *p)
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
	grants_free(&p->grants);
	free(p->grants_file);
	domainset_free(p->allow.dom);
	urlset_free(p->allow.url);
	patset_free(p->allow.pat);
	domainset_free(p->ech);
	free(p);
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
