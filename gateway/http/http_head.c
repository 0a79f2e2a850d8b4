/* Heads for the next hop: hop-by-hop fields out, the rest byte for byte. */
#include "http_head.h"

#include <event2/buffer.h>
#include <string.h>

static bool has_token(const struct http_span *tokens, unsigned n, const char *lower)
{
	for (unsigned i = 0; i < n; i++)
		if (http_span_eq(&tokens[i], lower))
			return true;
	return false;
}

bool http_head_upgrade_is_websocket(const struct http_header *h, unsigned n)
{
	unsigned found = 0;
	bool ws = false;
	for (unsigned i = 0; i < n; i++)
		if (http_span_eq(&h[i].name, "upgrade")) {
			found++;
			ws = http_span_eq(&h[i].value, "websocket");
		}
	return found == 1 && ws;
}

bool http_head_wants_upgrade(const struct http_request *req)
{
	return has_token(req->conn_tokens, req->n_conn_tokens, "upgrade") &&
	       http_head_upgrade_is_websocket(req->headers, req->n_headers);
}

static void add_field(struct evbuffer *out, const struct http_header *h)
{
	evbuffer_add(out, h->name.p, h->name.len);
	evbuffer_add(out, ": ", 2);
	evbuffer_add(out, h->value.p, h->value.len);
	evbuffer_add(out, "\r\n", 2);
}

/* The authority of an absolute-form target ("http://" already checked). */
static struct http_span target_authority(const struct http_request *req)
{
	struct http_span a = { req->target.p + 7, 0 };
	size_t e = 7;
	while (e < req->target.len && req->target.p[e] != '/' && req->target.p[e] != '?' &&
	       req->target.p[e] != '#')
		e++;
	a.len = e - 7;
	return a;
}

void http_head_request(struct evbuffer *out, const struct http_request *req, bool origin_form,
		       bool keep_upgrade)
{
	bool absolute = req->form == HTTP_FORM_ABSOLUTE;
	const struct http_span *t = absolute && origin_form ? &req->path : &req->target;

	evbuffer_add(out, req->method.p, req->method.len);
	evbuffer_add(out, " ", 1);
	evbuffer_add(out, t->p, t->len);
	evbuffer_add_printf(out, " HTTP/1.%d\r\n", req->minor);
	if (absolute) {
		struct http_span a = target_authority(req);
		evbuffer_add(out, "Host: ", 6);
		evbuffer_add(out, a.p, a.len);
		evbuffer_add(out, "\r\n", 2);
	}
	for (unsigned i = 0; i < req->n_headers; i++) {
		const struct http_header *h = &req->headers[i];
		if ((absolute && http_span_eq(&h->name, "host")) ||
		    http_span_eq(&h->name, "http2-settings"))
			continue;
		if (keep_upgrade && http_span_eq(&h->name, "upgrade")) {
			add_field(out, h);
			continue;
		}
		if (http_header_is_hop(&h->name, req->conn_tokens, req->n_conn_tokens))
			continue;
		add_field(out, h);
	}
	if (keep_upgrade)
		evbuffer_add(out, "Connection: upgrade\r\n", 21);
	evbuffer_add(out, "\r\n", 2);
}

void http_head_response(struct evbuffer *out, const struct http_response *resp, bool close,
			int client_minor, bool upgrade)
{
	evbuffer_add(out, resp->status_line.p, resp->status_line.len);
	evbuffer_add(out, "\r\n", 2);
	for (unsigned i = 0; i < resp->n_headers; i++) {
		const struct http_header *h = &resp->headers[i];
		if (upgrade && http_span_eq(&h->name, "upgrade")) {
			add_field(out, h);
			continue;
		}
		if (http_header_is_hop(&h->name, resp->conn_tokens, resp->n_conn_tokens))
			continue;
		add_field(out, h);
	}
	if (upgrade)
		evbuffer_add(out, "Connection: upgrade\r\n", 21);
	else if (close)
		evbuffer_add(out, "Connection: close\r\n", 19);
	else if (client_minor == 0)
		evbuffer_add(out, "Connection: keep-alive\r\n", 24);
	evbuffer_add(out, "\r\n", 2);
}
