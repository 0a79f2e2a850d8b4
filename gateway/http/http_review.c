/* http_review: the block page's review form, taken by the proxy before any relaying.
 * Nothing of a form ever goes upstream: the answer is always the proxy's own page, so
 * the form is no way around the filter. A token (an HMAC over the client's address, the
 * blocked host and the time, with a key that never leaves this process) ties a post to
 * a block page this client was shown, so that another site cannot post in a pupil's
 * name; the Origin, when the browser sends one, must be the blocked host. */
#include "http_review.h"

#include <event2/buffer.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "blockpage.h"
#include "journal.h"
#include "name.h"
#include "review_form.h"

#define RATE_SLOTS 4096  /* clients tracked at once */
#define RATE_PROBE 8     /* slots looked at for one client */
#define RATE_MAX 16      /* most requests one window can hold (review_limit's cap) */

struct rate_slot {
	struct cg_addr client;
	time_t t[RATE_MAX]; /* the times of its requests, 0 = free */
};

struct http_review {
	uint8_t key[crypto_auth_hmacsha256_KEYBYTES];
	pthread_mutex_t lock;
	struct rate_slot *slots;
};

struct http_review *http_review_new(void)
{
	struct http_review *rv = xcalloc(1, sizeof(*rv));
	if (sodium_init() < 0)
		fatal("http: libsodium cannot start");
	crypto_auth_hmacsha256_keygen(rv->key);
	pthread_mutex_init(&rv->lock, NULL);
	rv->slots = xcalloc(RATE_SLOTS, sizeof(*rv->slots));
	return rv;
}

void http_review_free(struct http_review *rv)
{
	if (!rv)
		return;
	sodium_memzero(rv->key, sizeof(rv->key));
	pthread_mutex_destroy(&rv->lock);
	free(rv->slots);
	free(rv);
}

static void mac_hex(const struct http_review *rv, const struct cg_addr *client, const char *host,
		    uint32_t t, char out[33])
{
	char ab[CG_ADDR_STRLEN], msgbuf[600];
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	int n = snprintf(msgbuf, sizeof(msgbuf), "%08" PRIx32 "|%s|%s", t, addr_str(client, ab),
			 host);
	crypto_auth_hmacsha256(mac, (const uint8_t *)msgbuf,
			       n > 0 && (size_t)n < sizeof(msgbuf) ? (size_t)n : sizeof(msgbuf) - 1,
			       rv->key);
	sodium_bin2hex(out, 33, mac, 16);
}

void http_review_token(const struct http_review *rv, const struct cg_addr *client,
		       const char *host, time_t now, char out[HTTP_REVIEW_TOKEN_LEN])
{
	char h[33];
	uint32_t t = (uint32_t)now;
	mac_hex(rv, client, host, t, h);
	snprintf(out, HTTP_REVIEW_TOKEN_LEN, "%08" PRIx32 "-%s", t, h);
}

bool http_review_token_ok(const struct http_review *rv, const struct cg_addr *client,
			  const char *host, const char *token, time_t now)
{
	char h[33], *end;
	if (strlen(token) != 41 || token[8] != '-')
		return false;
	unsigned long t = strtoul(token, &end, 16);
	if (end != token + 8 || t > (unsigned long)now || (unsigned long)now - t > HTTP_REVIEW_TOKEN_TTL)
		return false;
	mac_hex(rv, client, host, (uint32_t)t, h);
	return sodium_memcmp(h, token + 9, 32) == 0;
}

static bool same_addr(const struct cg_addr *a, const struct cg_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

bool http_review_rate(struct http_review *rv, const struct cg_addr *client, time_t now,
		      unsigned limit, unsigned window)
{
	if (limit == 0)
		return false;
	if (limit > RATE_MAX)
		limit = RATE_MAX;
	uint64_t h = 1469598103934665603ull;
	const uint8_t *b = (const uint8_t *)&client->a;
	for (size_t i = 0; i < sizeof(client->a); i++)
		h = (h ^ b[i]) * 1099511628211ull;
	bool ok = false;
	pthread_mutex_lock(&rv->lock);
	struct rate_slot *use = NULL;
	for (unsigned k = 0; k < RATE_PROBE && !use; k++) {
		struct rate_slot *s = &rv->slots[(h + k) % RATE_SLOTS];
		bool live = false;
		for (unsigned i = 0; i < RATE_MAX; i++) {
			if (s->t[i] && now - s->t[i] >= (time_t)window)
				s->t[i] = 0; /* out of the window */
			live |= s->t[i] != 0;
		}
		if (same_addr(&s->client, client) || !live) {
			if (!same_addr(&s->client, client)) {
				memset(s, 0, sizeof(*s));
				s->client = *client;
			}
			use = s;
		}
	}
	if (use) { /* none: every nearby slot is busy, which counts as over the limit */
		unsigned n = 0, free_i = RATE_MAX;
		for (unsigned i = 0; i < RATE_MAX; i++) {
			if (use->t[i])
				n++;
			else if (free_i == RATE_MAX)
				free_i = i;
		}
		if (n < limit && free_i < RATE_MAX) {
			use->t[free_i] = now;
			ok = true;
		}
	}
	pthread_mutex_unlock(&rv->lock);
	return ok;
}

bool http_review_is_form(const struct http_request *req)
{
	static const char path[] = BLOCKPAGE_REVIEW_PATH;
	size_t n = sizeof(path) - 1;
	return req->method.len == 4 && memcmp(req->method.p, "POST", 4) == 0 && req->path.len >= n && memcmp(req->path.p, path, n) == 0 &&
	       (req->path.len == n || req->path.p[n] == '?');
}

static const struct http_span *header(const struct http_request *req, const char *name)
{
	for (unsigned i = 0; i < req->n_headers; i++)
		if (http_span_eq(&req->headers[i].name, name))
			return &req->headers[i].value;
	return NULL;
}

/* A browser's Origin, when sent, must be this host over http (the block page's own). */
static bool origin_ok(const struct http_request *req, const struct request *r)
{
	const struct http_span *o = header(req, "origin");
	char want[NAME_MAX_LEN + 16];
	if (!o)
		return true;
	int n = snprintf(want, sizeof(want), "http://%.*s", (int)r->host_len, r->host);
	if (n < 0 || (size_t)n >= sizeof(want))
		return false;
	if (o->len == (size_t)n && strncasecmp(o->p, want, (size_t)n) == 0)
		return true;
	/* with the port the page was on */
	return o->len > (size_t)n && strncasecmp(o->p, want, (size_t)n) == 0 && o->p[n] == ':';
}

static bool form_type(const struct http_request *req)
{
	static const char t[] = "application/x-www-form-urlencoded";
	const struct http_span *ct = header(req, "content-type");
	return ct && ct->len >= sizeof(t) - 1 && strncasecmp(ct->p, t, sizeof(t) - 1) == 0 &&
	       (ct->len == sizeof(t) - 1 || ct->p[sizeof(t) - 1] == ';');
}

/* Journal the request; 0 with its id, or -1. */
static int journal_request(struct http_shared *sh, const struct request *r,
			   const struct verdict *v, const struct review_form *f,
			   char id[JOURNAL_ID_LEN])
{
	struct journal_event ev;
	if (!sh->journal)
		return -1;
	journal_event_from(&ev, r, v);
	ev.event = "unblock_request";
	ev.action = "request";
	ev.path = f->url[0] ? f->url : NULL;
	ev.path_len = 0;
	ev.reason = f->reason;
	ev.teacher = f->teacher[0] ? f->teacher : NULL;
	ev.rule_text = f->block_id[0] ? f->block_id : NULL; /* the block event it follows */
	ev.rule_text_len = 0;
	ev.rule_file = NULL;
	ev.rule_line = 0;
	if (journal_append(sh->journal, &ev, id) < 0 || !id[0])
		return -1;
	return 0;
}

void http_review_answer(struct http_shared *sh, const struct http_settings *set,
			const struct http_request *req,
			const struct request *r, const struct verdict *v, const char *body,
			size_t len, struct sbuf *out)
{
	struct blockpage_review br = { .lang = set->lang, .status = 400,
				       .text = MSG_PAGE_REVIEW_BAD_FORM, .host = r->host,
				       .school = set->school };
	struct review_form *f = xcalloc(1, sizeof(*f));
	const char *why = NULL;
	char id[JOURNAL_ID_LEN] = "";
	const struct http_span *al = header(req, "accept-language");
	if (al)
		br.lang = lang_from_accept(al->p, al->len);
	if (set->review_limit == 0) {
		br.status = 403, br.text = MSG_PAGE_REVIEW_OFF;
	} else if (!form_type(req) || review_form_parse(body, len, f, &why) < 0) {
		log_debug("http: review form refused: %s", why ? why : "not a form");
	} else if (!origin_ok(req, r) ||
		   !http_review_token_ok(sh->review, &r->client, r->host, f->token, r->when)) {
		br.status = 403, br.text = MSG_PAGE_REVIEW_EXPIRED;
	} else if (v->action != ACTION_BLOCK) {
		br.status = 403, br.text = MSG_PAGE_REVIEW_NOT_BLOCKED;
	} else if (!http_review_rate(sh->review, &r->client, r->when, set->review_limit,
				     set->review_window)) {
		br.status = 429, br.text = MSG_PAGE_REVIEW_TOO_MANY;
	} else if (journal_request(sh, r, v, f, id) < 0) {
		br.status = 503, br.text = MSG_PAGE_REVIEW_FAILED;
	} else {
		br.status = 200;
		br.event_id = id;
	}
	free(f);
	blockpage_review_response(out, &br);
}

void http_review_offer(const struct http_shared *sh, const struct http_settings *set,
		       const struct cg_addr *client, const struct request *r,
		       struct blockpage_info *bi, char tok[HTTP_REVIEW_TOKEN_LEN],
		       char *path, size_t path_len)
{
	if (!set->review_limit || name_is_ip_literal(r->host))
		return;
	http_review_token(sh->review, client, r->host, r->when, tok);
	bi->review_token = tok;
	if (r->path && r->path_len < path_len && r->path_len <= REVIEW_URL_MAX) {
		memcpy(path, r->path, r->path_len);
		path[r->path_len] = '\0';
		bi->path = path;
	}
}

int http_review_take(struct http_shared *sh, const struct http_settings *set,
		     const struct http_request *req, const struct request *r,
		     const struct verdict *v, struct evbuffer *in, size_t head_len,
		     struct sbuf *out)
{
	if (req->chunked || req->content_length < 0 || req->content_length > REVIEW_FORM_MAX) {
		/* no length, or too long: refused without reading the body */
		struct blockpage_review br = { .lang = set->lang, .status = 400,
					       .text = MSG_PAGE_REVIEW_BAD_FORM, .host = r->host,
					       .school = set->school };
		blockpage_review_response(out, &br);
		evbuffer_drain(in, head_len);
		return 1;
	}
	size_t need = head_len + (size_t)req->content_length;
	if (evbuffer_get_length(in) < need)
		return 0;
	const char *buf = (const char *)evbuffer_pullup(in, (ssize_t)need);
	http_review_answer(sh, set, req, r, v, buf + head_len, (size_t)req->content_length, out);
	evbuffer_drain(in, need);
	return 1;
}
