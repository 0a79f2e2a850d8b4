/* view_unblock: the console's /unblock page. The queue is read from the journal (the
 * proxy journals each request from a block page as an "unblock_request" event; each
 * decision is an admin event "unblock_approve" or "unblock_decline" whose detail starts
 * with "request=ID"): pending = no decision yet. An admin approves (a grant in the grants
 * file, for the request's group, until a chosen end; applied by a reload over the
 * control socket) or declines (with a note); both are journaled under the admin's name. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grants.h"
#include "journal_format.h"
#include "journal_read.h"
#include "page_unblock.h"
#include "review.h"
#include "timetable.h"
#include "tz.h"
#include "views.h"

#define UB_DAYS 30          /* how far back the queue looks */
#define UB_MAX 2000         /* requests kept (the newest) */
#define UB_LESSON_S (45 * 60) /* "this lesson" without a timetable in force */
#define UB_NOTE_MAX 600     /* bytes of a decline note */

struct ub_scan {
	struct ub_queue q;
	const struct account *scope; /* only its groups' requests; NULL: all */
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static bool in_scope(const struct ub_scan *sc, const char *group)
{
	if (!sc->scope)
		return true;
	for (size_t i = 0; i < sc->scope->n_groups; i++)
		if (group && strcmp(sc->scope->groups[i], group) == 0)
			return true;
	return false;
}

/* The value of "key=" in a decision's detail: up to the next space (or the end, for
 * the last key "note="). */
static char *detail_value(const char *detail, const char *key, bool to_end)
{
	size_t kl = strlen(key);
	for (const char *p = detail; p && *p; p = strchr(p, ' ')) {
		if (*p == ' ')
			p++;
		if (strncmp(p, key, kl) == 0) {
			const char *v = p + kl, *e = to_end ? v + strlen(v) : strchr(v, ' ');
			return xstrndup(v, e ? (size_t)(e - v) : strlen(v));
		}
	}
	return NULL;
}

static void add_request(struct ub_scan *sc, const struct journal_record *r)
{
	struct ub_queue *q = &sc->q;
	if (!r->id || !in_scope(sc, r->group))
		return;
	if (q->n == UB_MAX) { /* keep the newest */
		struct ub_queue one = { q->v, 1 };
		ub_queue_free(&one);
		memmove(q->v, q->v + 1, (q->n - 1) * sizeof(*q->v));
		q->n--;
	} else {
		q->v = xrealloc(q->v, (q->n + 1) * sizeof(*q->v));
	}
	struct ub_request *u = &q->v[q->n++];
	memset(u, 0, sizeof(*u));
	u->id = xstrdup(r->id);
	review_local_time(r, u->when);
	u->client = dup_or_null(r->client);
	u->mac = dup_or_null(r->mac);
	u->client_name = dup_or_null(r->client_name);
	u->group = dup_or_null(r->group);
	u->host = dup_or_null(r->host);
	u->path = dup_or_null(r->path);
	u->category = dup_or_null(r->category);
	u->reason = dup_or_null(r->reason);
	u->teacher = dup_or_null(r->teacher);
}

/* A decision event: mark its request (decisions come after their requests). */
static void add_decision(struct ub_scan *sc, const struct journal_record *r, bool approve)
{
	char *id = r->reason ? detail_value(r->reason, "request=", false) : NULL;
	for (size_t i = sc->q.n; id && i-- > 0;) {
		struct ub_request *u = &sc->q.v[i];
		if (strcmp(u->id, id) != 0 || u->state != UB_PENDING)
			continue;
		u->state = approve ? UB_APPROVED : UB_DECLINED;
		u->by = dup_or_null(r->account);
		if (approve)
			u->until = detail_value(r->reason, "until=", false);
		else
			u->note = detail_value(r->reason, "note=", true);
		break;
	}
	free(id);
}

static int scan_one(const struct journal_record *r, const char *line, size_t len, void *ctx)
{
	(void)line;
	(void)len;
	if (r->event && strcmp(r->event, "unblock_request") == 0)
		add_request(ctx, r);
	else if (r->event && strcmp(r->event, "admin") == 0 && r->action &&
		 strncmp(r->action, "unblock_", 8) == 0 && strcmp(r->action, "unblock_request") != 0)
		add_decision(ctx, r, strcmp(r->action, "unblock_approve") == 0);
	return 0;
}

/* The requests of the last UB_DAYS days with their decisions; -1 with *err. */
static int queue_read(struct hctx *h, struct ub_scan *sc, const char **err)
{
	static const char *const must[] = { "unblock_", NULL };
	int64_t now = now_wall_us();
	memset(sc, 0, sizeof(*sc));
	sc->scope = h->scoped ? h->acc : NULL;
	return journal_scan(h->s->cfg->journal.dir, now - (int64_t)UB_DAYS * 86400 * 1000000, INT64_MAX,
			    must, scan_one, sc, NULL, err);
}

/* Each request's category as its title in the reader's language, with the name. */
static void category_titles(const struct config *cfg, enum lang l, struct ub_queue *q)
{
	for (size_t i = 0; i < q->n; i++) {
		struct ub_request *u = &q->v[i];
		for (size_t k = 0; u->category && k < cfg->n_categories; k++) {
			const struct cfg_category *c = &cfg->categories[k];
			const char *t = l == LANG_ZH ? c->title_zh : c->title_en;
			if (strcmp(c->name, u->category) != 0 || !t)
				continue;
			struct sbuf b;
			sbuf_init(&b);
			sbuf_printf(&b, "%s (%s)", t, c->name);
			free(u->category);
			u->category = sbuf_take(&b);
			break;
		}
	}
}

static enum MHD_Result queue_page(struct hctx *h)
{
	struct ub_scan sc;
	struct sbuf page;
	const char *err = NULL;
	sbuf_init(&page);
	if (queue_read(h, &sc, &err) < 0 && !err)
		err = strerror(errno);
	category_titles(h->s->cfg, h->pc.l, &sc.q);
	page_unblock(&page, &h->pc, &sc.q, h->acc->role == ROLE_ADMIN, err);
	ub_queue_free(&sc.q);
	return srv_page(h, 200, &page);
}

/* ---- decisions (admin; role.c refuses every other POST here) ---------------------- */

/* The start of local day (days since the epoch) in tz. */
static time_t day_start(const struct tz *tz, int64_t day)
{
	int64_t y;
	int m, d;
	struct tm lt;
	tz_civil_from_days(day, &y, &m, &d);
	memset(&lt, 0, sizeof(lt));
	lt.tm_year = (int)(y - 1900);
	lt.tm_mon = m - 1;
	lt.tm_mday = d;
	lt.tm_isdst = -1;
	return tz_mktime(tz, &lt);
}

static int64_t local_day(const struct tz *tz, time_t t)
{
	struct tm lt;
	tz_localtime(tz, t, &lt);
	return tz_days_from_civil((int64_t)lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
}

/* "this lesson": the end of the current period of the group's timetable, when one is
 * in force now; else UB_LESSON_S from now. */
static time_t lesson_end(const struct config *cfg, const char *group, time_t now)
{
	for (size_t i = 0; group && i < cfg->n_groups; i++) {
		const struct cfg_group *g = &cfg->groups[i];
		if (strcmp(g->name, group) != 0 || g->timetable < 0)
			continue;
		const struct cfg_timetable *tt = &cfg->timetables[g->timetable];
		const char *why = NULL;
		struct tz *z = tz_load(tt->timezone ? tt->timezone : "Asia/Shanghai", &why);
		time_t end = z ? timetable_period_end(tt, z, now) : 0;
		tz_free(z);
		if (end > now)
			return end;
	}
	return now + UB_LESSON_S;
}

/* The grant's end for the duration chosen: 0 (permanent) or a time after now; -1 with
 * *bad (the message) when the choice is not valid. */
static time_t grant_end(struct hctx *h, const struct tz *z, const char *group, time_t now,
			enum msg_id *bad)
{
	const char *d = req_field(h->r, "duration"), *date = req_field(h->r, "date");
	*bad = MSG_CONSOLE_UB_BAD_DURATION;
	if (!d)
		return -1;
	if (strcmp(d, "permanent") == 0)
		return 0;
	if (strcmp(d, "lesson") == 0)
		return lesson_end(h->s->cfg, group, now);
	if (strcmp(d, "today") == 0)
		return day_start(z, local_day(z, now) + 1);
	if (strcmp(d, "date") != 0)
		return -1;
	int32_t day;
	*bad = MSG_CONSOLE_UB_BAD_DATE;
	if (!date || strlen(date) != 10 || timetable_parse_date(date, 10, &day) < 0)
		return -1;
	int64_t today = local_day(z, now);
	if (day < today || day > today + 366)
		return -1;
	return day_start(z, (int64_t)day + 1); /* through the end of that day */
}

/* "2026-12-08T00:00+08:00": the end as shown and journaled (no space: the detail's
 * fields are split at spaces). */
static void until_format(const struct tz *z, time_t t, char *buf, size_t len)
{
	struct tm lt;
	tz_localtime(z, t, &lt);
	long off = lt.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d%c%02d:%02d", lt.tm_year + 1900,
		 lt.tm_mon + 1, lt.tm_mday, lt.tm_hour, lt.tm_min, sign, (int)(off / 3600 % 100),
		 (int)(off % 3600 / 60));
}

static struct ub_request *find_pending(struct ub_queue *q, const char *id)
{
	for (size_t i = 0; id && i < q->n; i++)
		if (strcmp(q->v[i].id, id) == 0)
			return q->v[i].state == UB_PENDING ? &q->v[i] : NULL;
	return NULL;
}

static enum MHD_Result result(struct hctx *h, unsigned status, bool bad, const char *const *lines,
			      size_t n)
{
	struct sbuf page;
	sbuf_init(&page);
	page_unblock_result(&page, &h->pc, bad, lines, n);
	return srv_page(h, status, &page);
}

static enum MHD_Result refuse(struct hctx *h, unsigned status, enum msg_id text)
{
	const char *line = msg(h->pc.l, text);
	return result(h, status, true, &line, 1);
}

/* Add the grant to the file (ended ones dropped), atomically. 0, or -1 with errno. */
static int grant_write(const char *path, const struct ub_request *u, time_t until,
		       const char *account, const char **why)
{
	struct grants g = { 0 };
	struct diag d;
	int rc = -1;
	diag_init(&d);
	*why = NULL;
	if (grants_read(path, &g, &d) < 0) {
		*why = "cannot read the grants file";
		goto done;
	}
	grants_expire(&g, time(NULL));
	if (grants_add(&g, u->host, u->group ? u->group : "default", until, u->id, account,
		       why) < 0)
		goto done;
	if (grants_write(path, &g) < 0) {
		*why = strerror(errno);
		goto done;
	}
	rc = 0;
done:
	grants_free(&g);
	diag_free(&d);
	return rc;
}

static enum MHD_Result approve(struct hctx *h, struct ub_request *u)
{
	const struct config *cfg = h->s->cfg;
	const char *why = NULL, *tz_name = cfg->timezone ? cfg->timezone : "Asia/Shanghai";
	enum msg_id bad;
	if (!cfg->grants)
		return refuse(h, 409, MSG_CONSOLE_UB_NO_GRANTS);
	struct tz *z = tz_load(tz_name, &why);
	if (!z)
		return refuse(h, 500, MSG_CONSOLE_UB_WRITE_FAILED);
	time_t now = time(NULL), until = grant_end(h, z, u->group, now, &bad);
	char until_text[64] = "permanent";
	if (until > 0)
		until_format(z, until, until_text, sizeof(until_text));
	tz_free(z);
	if (until < 0)
		return refuse(h, 400, bad);
	struct sbuf l1, l2, detail, rep;
	sbuf_init(&l1);
	sbuf_init(&l2);
	sbuf_init(&detail);
	sbuf_init(&rep);
	enum MHD_Result ret;
	if (grant_write(cfg->grants, u, until, h->acc->name, &why) < 0) {
		msg_sbuf_printf(&l1, h->pc.l, MSG_CONSOLE_UB_WRITE_FAILED, why ? why : "?");
		const char *line = l1.data;
		ret = result(h, 500, true, &line, 1);
		goto done;
	}
	const char *dur = req_field(h->r, "duration");
	sbuf_printf(&detail, "request=%s host=%s group=%s duration=%s until=%s", u->id, u->host,
		    u->group ? u->group : "default", dur, until_text);
	srv_journal_admin(h->s, "unblock_approve", h->acc->name, h->addr, detail.data);
	if (until)
		msg_sbuf_printf(&l1, h->pc.l, MSG_CONSOLE_UB_DONE_APPROVED, u->id, u->host,
				u->group ? u->group : "default", until_text);
	else
		msg_sbuf_printf(&l1, h->pc.l, MSG_CONSOLE_UB_DONE_APPROVED_PERM, u->id, u->host,
				u->group ? u->group : "default");
	bool ok = srv_control(h->s, "reload", 15000, &rep, &why) == 0;
	srv_journal_admin(h->s, "reload", h->acc->name, h->addr,
			  ok ? "ok (unblock approval)" : rep.len ? rep.data : why ? why : "failed");
	if (ok)
		sbuf_adds(&l2, msg(h->pc.l, MSG_CONSOLE_UB_RELOAD_OK));
	else
		msg_sbuf_printf(&l2, h->pc.l, MSG_CONSOLE_UB_RELOAD_FAILED,
				rep.len ? rep.data : why ? why : "?");
	const char *lines[] = { l1.data, l2.data };
	ret = result(h, ok ? 200 : 502, !ok, lines, 2);
done:
	sbuf_free(&l1);
	sbuf_free(&l2);
	sbuf_free(&detail);
	sbuf_free(&rep);
	return ret;
}

/* A note: one line of UTF-8 text (the admin event refuses control characters). */
static bool note_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > UB_NOTE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static enum MHD_Result decline(struct hctx *h, struct ub_request *u)
{
	const char *note = req_field(h->r, "note");
	if (!note_ok(note))
		return refuse(h, 400, MSG_CONSOLE_UB_BAD_NOTE);
	struct sbuf detail, l1;
	sbuf_init(&detail);
	sbuf_init(&l1);
	sbuf_printf(&detail, "request=%s host=%s note=%s", u->id, u->host, note);
	srv_journal_admin(h->s, "unblock_decline", h->acc->name, h->addr, detail.data);
	msg_sbuf_printf(&l1, h->pc.l, MSG_CONSOLE_UB_DONE_DECLINED, u->id);
	const char *line = l1.data;
	enum MHD_Result ret = result(h, 200, false, &line, 1);
	sbuf_free(&detail);
	sbuf_free(&l1);
	return ret;
}

static enum MHD_Result decide(struct hctx *h, bool yes)
{
	struct ub_scan sc;
	const char *err = NULL;
	if (h->acc->role != ROLE_ADMIN) /* role.c has refused already; never decide for staff */
		return srv_message(h, 403, MSG_CONSOLE_FORBIDDEN, MSG_CONSOLE_FORBIDDEN_TEXT);
	if (queue_read(h, &sc, &err) < 0) {
		ub_queue_free(&sc.q);
		return refuse(h, 500, MSG_CONSOLE_UB_NOT_PENDING);
	}
	struct ub_request *u = find_pending(&sc.q, req_field(h->r, "id"));
	enum MHD_Result ret = !u || !u->host ? refuse(h, 409, MSG_CONSOLE_UB_NOT_PENDING)
			      : yes		 ? approve(h, u)
						 : decline(h, u);
	ub_queue_free(&sc.q);
	return ret;
}

enum MHD_Result view_unblock(struct hctx *h)
{
	if (h->m == METHOD_GET && strcmp(h->url, "/unblock") == 0)
		return queue_page(h);
	if (h->m == METHOD_POST && strcmp(h->url, "/unblock/approve") == 0)
		return decide(h, true);
	if (h->m == METHOD_POST && strcmp(h->url, "/unblock/decline") == 0)
		return decide(h, false);
	return srv_message(h, 404, MSG_CONSOLE_NOT_FOUND, MSG_CONSOLE_NOT_FOUND_TEXT);
}
