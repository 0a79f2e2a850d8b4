/* http_answer: what the proxy answers itself: the block page (journaled, with the review
 * form for a blocked name), the journal event of an observed request, the review form's
 * post. */
#include "http_answer.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <string.h>

#include "blockpage.h"
#include "http_review.h"
#include "name.h"
#include "review_form.h"
#include "util.h"

void http_answer_journal(struct http_conn *c, const struct request *r, const struct verdict *v,
			 const char *reason, char id[JOURNAL_ID_LEN])
{
	struct journal_event ev;
	id[0] = '\0';
	if (!c->w->sh->journal)
		return;
	journal_event_from(&ev, r, v);
	if (reason)
		ev.reason = reason;
	if (journal_append(c->w->sh->journal, &ev, id) < 0)
		id[0] = '\0';
}

/* Queue the block page for this request; the policy is held by the caller. form: offer
 * the review form (the name is blocked for this client). */
static void send_blockpage(struct http_conn *c, const struct policy *p, const struct request *r,
			   const struct verdict *v, const char *id, bool keep, bool form)
{
	char tbuf[48];
	struct blockpage_info bi;
	struct sbuf b;
	const struct cfg_category *cat = v->category ? policy_category(p, v->category) : NULL;

	memset(&bi, 0, sizeof(bi));
	bi.lang = c->set.lang;
	for (unsigned i = 0; i < c->req->n_headers; i++)
		if (http_span_eq(&c->req->headers[i].name, "accept-language"))
			bi.lang = lang_from_accept(c->req->headers[i].value.p,
						   c->req->headers[i].value.len);
	bi.host = r->host;
	bi.category_title = bi.category_title_alt = v->category;
	const char *zh = cat && cat->title_zh ? cat->title_zh : v->category;
	const char *en = cat && cat->title_en ? cat->title_en : v->category;
	bi.category_title = bi.lang == LANG_ZH ? zh : en;
	bi.category_title_alt = bi.lang == LANG_ZH ? en : zh;
	bi.school = c->set.school;
	bi.contact = c->set.contact;
	bi.time_text = blockpage_time(r->when, c->w->sh->tz, tbuf, sizeof(tbuf));
	bi.client = c->client_str;
	bi.request_id = id[0] ? id : NULL;
	bi.bypass = v->bypass;
	char tok[HTTP_REVIEW_TOKEN_LEN], path[REVIEW_URL_MAX + 1];
	if (form) /* the review form, for a blocked name */
		http_review_offer(c->w->sh, &c->set, &c->client, r, &bi, tok, path, sizeof(path));
	sbuf_init(&b);
	blockpage_response(&b, &bi, keep, c->req->is_head);
	bufferevent_write(c->cli, b.data, b.len);
	sbuf_free(&b);
}

void http_answer_blocked(struct http_conn *c, struct policy *p,
			 const struct http_request *req, const struct request *r,
			 struct verdict *v, const char *reason, int n)
{
	char id[JOURNAL_ID_LEN] = "";
	bool body = req->chunked || req->content_length > 0;
	if (c->mode == HTTP_MODE_BLOCKPAGE)
		reason = "block page server (DNS block-page answer)";
	/* The block-page server visited by its own address (Host is an address: DNS sends
	 * browsers here under blocked names only) or under a name the policy allows (a
	 * bookmark, a favicon): the page, but no block in the journal, which is for
	 * blocked accesses. */
	bool self = c->mode == HTTP_MODE_BLOCKPAGE &&
		    (v->action != ACTION_BLOCK || name_is_ip_literal(r->host));
	bool form = v->action == ACTION_BLOCK;
	if (!self)
		http_answer_journal(c, r, v, reason, id);
	v->action = ACTION_BLOCK;
	/* A body we would have to skip: answer and close instead. */
	bool keep = req->keep_alive && !body && !c->cli_eof;
	send_blockpage(c, p, r, v, id, keep, form);
	policy_unref(p);
	evbuffer_drain(bufferevent_get_input(c->cli), (size_t)n);
	if (keep)
		http_conn_head_wait(c);
	else
		http_conn_close_after_write(c);
}

bool http_answer_review(struct http_conn *c, struct policy *p, const struct http_request *req,
			const struct request *r, const struct verdict *v, int n)
{
	struct sbuf b;
	sbuf_init(&b);
	int done = http_review_take(c->w->sh, &c->set, req, r, v, bufferevent_get_input(c->cli),
				    (size_t)n, &b);
	policy_unref(p);
	if (!done) {
		http_conn_head_wait(c);
		return false;
	}
	bufferevent_write(c->cli, b.data, b.len);
	sbuf_free(&b);
	http_conn_close_after_write(c);
	return true;
}
