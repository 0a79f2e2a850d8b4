/* page_unblock: the HTML of the console's /unblock page (the queue of review requests,
 * each with its decision or, for an admin, the forms to decide) and of a decision's
 * result. The data comes from view_unblock.c, which read it from the journal. */
#ifndef CG_PAGE_UNBLOCK_H
#define CG_PAGE_UNBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "page.h"

enum ub_state { UB_PENDING, UB_APPROVED, UB_DECLINED };

/* One request as the journal has it, and its decision when there is one. Strings are
 * owned (freed by ub_queue_free); NULL when absent. */
struct ub_request {
	char *id;
	char when[20];          /* "2026-12-07 10:03:00", as written */
	char *client, *mac, *client_name, *group, *host, *path, *category, *reason, *teacher;
	enum ub_state state;
	char *by;               /* who decided */
	char *until;            /* approved: the end as written in the decision, "permanent" */
	char *note;             /* declined: the note */
};

struct ub_queue {
	struct ub_request *v;   /* oldest first */
	size_t n;
};

void ub_queue_free(struct ub_queue *q);

/* The queue page, newest first. admin: with the forms to decide; err: why the journal
 * could not be read, or NULL. */
void page_unblock(struct sbuf *out, const struct page_ctx *c, const struct ub_queue *q,
		  bool admin, const char *err);

/* A decision's result: head, then the lines of text (already in c->l), each a paragraph;
 * bad: shown as a refusal. */
void page_unblock_result(struct sbuf *out, const struct page_ctx *c, bool bad,
			 const char *const *lines, size_t n);

#endif
