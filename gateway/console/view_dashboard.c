/* view_dashboard: the console's first page, /: the journal's numbers of the last 24 hours
 * and 7 days from its rollup (limited to the account's groups for scoped staff), and the
 * gateway's status from campusgated. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dashboard.h"
#include "journal_verify.h"
#include "page_dashboard.h"
#include "tz.h"
#include "views.h"

/* The last line of dir/digest.log into *dg; 0, or -1 when there is none that parses. */
static int last_digest(const char *dir, struct journal_digest *dg)
{
	char path[4096], buf[4096];
	snprintf(path, sizeof path, "%s/digest.log", dir);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;
	if (fd < 0)
		return -1;
	ssize_t n = -1;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		off_t at = sb.st_size > (off_t)sizeof buf ? sb.st_size - (off_t)sizeof buf : 0;
		n = pread(fd, buf, sizeof buf, at);
	}
	close(fd);
	if (n <= 1 || buf[n - 1] != '\n')
		return -1;
	size_t end = (size_t)n - 1, start = end;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	return journal_digest_parse(buf + start, end - start, dg);
}

enum MHD_Result view_dashboard(struct hctx *h)
{
	const struct config *cfg = h->s->cfg;
	struct sbuf rep, page, scope;
	struct dashboard d;
	struct journal_digest dg;
	const char *groups[ACCOUNT_MAX_GROUPS + 1] = { NULL };
	sbuf_init(&rep);
	sbuf_init(&page);
	sbuf_init(&scope);
	struct dash_page p = { .cfg = cfg };
	p.status = srv_control(h->s, "status", 3000, &rep, &p.why) == 0 ? rep.data : NULL;
	if (h->scoped) {
		for (size_t i = 0; i < h->acc->n_groups && i < ACCOUNT_MAX_GROUPS; i++) {
			groups[i] = h->acc->groups[i];
			sbuf_printf(&scope, "%s%s", i ? ", " : "", h->acc->groups[i]);
		}
		p.scope = scope.data;
	}
	const char *err = NULL;
	struct tz *tz = tz_load(cfg->timezone ? cfg->timezone : "Asia/Shanghai", &err);
	int64_t now = now_wall_us();
	int32_t off = tz ? (int32_t)tz_offset(tz, (time_t)(now / 1000000)) : 8 * 3600;
	if (dashboard_build(&d, cfg->journal.dir, now, off, h->scoped ? groups : NULL, 10,
			    &err) == 0) {
		for (size_t i = 0; i < cfg->n_categories; i++) {
			const struct cfg_category *c = &cfg->categories[i];
			report_set_category(d.hours, c->name, c->title_zh, c->title_en);
			report_set_category(d.days, c->name, c->title_zh, c->title_en);
		}
		p.d = &d;
	} else {
		p.jerr = err;
	}
	if (last_digest(cfg->journal.dir, &dg) == 0)
		p.digest = &dg;
	page_dashboard(&page, &h->pc, &p);
	dashboard_free(&d);
	if (tz)
		tz_free(tz);
	sbuf_free(&rep);
	sbuf_free(&scope);
	return srv_page(h, 200, &page);
}
