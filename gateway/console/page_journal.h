/* page_journal: the HTML of the console's journal pages (the filter form, a page of
 * events, an event's detail, a device's last hours), from a query that view_journal.c
 * parsed and a page that review_page.h read. Every string from the journal is escaped. */
#ifndef CG_PAGE_JOURNAL_H
#define CG_PAGE_JOURNAL_H

#include "config.h"
#include "page.h"
#include "review.h"
#include "review_page.h"

/* A journal query as the request gave it (for the form and the links: NULL = not
 * given) and as parsed (f, the cursor). */
struct jq {
	const char *since, *from, *to, *client, *group, *category, *event, *action, *proto,
		*host;
	struct review_filter f;
	struct review_cursor before;  /* time_us INT64_MAX: the newest page */
};

/* What a journal page shows besides its rows. */
struct jpage {
	const struct page_ctx *c;
	const struct config *cfg;
	const char *const *scope;   /* the account's groups when scoped, else NULL */
	size_t n_scope;
	bool scoped;
	const char *error;          /* a bad filter or a read error, or NULL */
	uint64_t bad;               /* unreadable lines skipped */
};

/* Append path?key=value&... of q's given fields (URL-encoded) to out, with the cursor
 * before= when before is not NULL, and extra ("key=value", already encoded) when not NULL. */
void jq_url(struct sbuf *out, const char *path, const struct jq *q,
	    const struct review_cursor *before);

/* Append v to out percent-encoded for a URL's query. */
void page_url_encode(struct sbuf *out, const char *v);

/* Journal data for HTML: escaped, controls and bidi overrides shown as U+FFFD. */
void page_text(struct sbuf *out, const char *s);

/* The reader's word for an event or action value ("hit", "block" ...), else v. */
const char *page_value(enum lang l, const char *v);

/* /journal: the form, the rows of p (NULL: none read), the pager. */
void page_journal(struct sbuf *out, const struct jpage *jp, const struct jq *q,
		  const struct review_page *p);
/* /journal/event: one event. */
void page_event(struct sbuf *out, const struct jpage *jp, const struct journal_record *r);
/* /journal/client: a device's last hours (q: its client filter, for the pager). */
void page_client(struct sbuf *out, const struct jpage *jp, const char *addr, const struct jq *q,
		 const struct review_page *p);

#endif
