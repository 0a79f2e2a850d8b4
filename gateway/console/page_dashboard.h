/* page_dashboard: the console's first page as HTML: the journal's numbers (dashboard.h)
 * as cards, two charts and tables, and the gateway's status from campusgated. */
#ifndef CG_PAGE_DASHBOARD_H
#define CG_PAGE_DASHBOARD_H

#include "config.h"
#include "dashboard.h"
#include "journal_verify.h"
#include "page.h"

/* What view_dashboard gathered for the page. */
struct dash_page {
	const struct config *cfg;          /* category titles */
	const char *status, *why;          /* the daemon's "status" reply, or NULL and why */
	const struct dashboard *d;         /* NULL when the journal could not be read ... */
	const char *jerr;                  /* ... and why */
	const char *scope;                 /* "7a, 7b" for a staff account limited to groups */
	const struct journal_digest *digest;   /* the last daily digest, or NULL */
};

void page_dashboard(struct sbuf *out, const struct page_ctx *c, const struct dash_page *p);

#endif
