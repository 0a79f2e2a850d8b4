/* page_lists: the HTML of the console's /lists pages (view_lists.c gathers what they
 * show): the overview of the categories, one category's lists with search and the edit
 * form, and the result of an edit. */
#ifndef CG_PAGE_LISTS_H
#define CG_PAGE_LISTS_H

#include "config.h"
#include "listedit.h"
#include "lists.h"
#include "page.h"

#define LISTS_SEARCH_MAX 100 /* search results shown */
#define LISTS_SHOW_LOCAL 300 /* entries of the console's list shown with a remove button */

/* One list file of a category. */
struct lfile {
	const struct cfg_list *l;
	struct list_counts c;
	bool unreadable;
	bool local;          /* the console's own list (editable) */
};

/* A category, or the allowlist (cat NULL), with its files. */
struct lcat {
	const char *name;                /* the category's name, or "allow" */
	const struct cfg_category *cat;
	struct lfile *files;
	size_t n_files;
	size_t entries;                  /* rules in all its lists */
	const struct lfile *local;       /* the console's list among files, or NULL */
	char *local_path;                /* lists_dir/NAME.list, or NULL (no lists_dir) */
};

/* One search result. */
struct lhit {
	char *file;
	unsigned line;
	char *text;   /* the rule as a list line */
	bool local;
};

struct lsearch {
	const char *q;        /* as typed */
	size_t total;         /* every match */
	struct lhit hits[LISTS_SEARCH_MAX];
	size_t n;
};

/* What a POST did. */
enum lresult_state { LR_NONE, LR_SAVED, LR_UNCHANGED, LR_REFUSED, LR_STALE, LR_FAILED };
struct lresult {
	enum lresult_state state;
	const struct listedit_change *ch;
	const struct diag *d;        /* LR_REFUSED, LR_FAILED: the reasons */
	struct sbuf refusals;        /* LR_REFUSED: read-only entries (text, escaped later) */
	int reload;                  /* LR_SAVED: 0 ok, -1 failed (reload_text), -2 not asked */
	const char *reload_text;
	const char *add, *del;       /* LR_REFUSED: the form's text, shown again */
};

/* The title of the category in language l (its title_zh / title_en, else its name). */
const char *page_lists_title(enum lang l, const struct lcat *c);
/* /lists: every category and the allowlist, with counts. */
void page_lists_overview(struct sbuf *out, const struct page_ctx *pc, const struct lcat *cats,
			 size_t n, bool have_dir);
/* /lists/category/NAME, /lists/allow: the files, a search (s NULL: none yet), the
 * result of an edit (r NULL: none), the edit form with token, the console's own list
 * (local: its text, or NULL when the category has none). */
void page_lists_category(struct sbuf *out, const struct page_ctx *pc, const struct lcat *c,
			 const char *url, const struct lsearch *s, const struct lresult *r,
			 const struct listedit *local, bool have_dir);

#endif
