/* The block page (403) and small error responses, in zh-CN or English, self-contained. */
#include "blockpage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

void blockpage_escape(struct sbuf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': sbuf_adds(out, "&amp;"); break;
		case '<': sbuf_adds(out, "&lt;"); break;
		case '>': sbuf_adds(out, "&gt;"); break;
		case '"': sbuf_adds(out, "&quot;"); break;
		case '\'': sbuf_adds(out, "&#39;"); break;
		default:
			if (c >= 0x20 && c != 0x7f)
				sbuf_addc(out, (char)c);
		}
	}
}

static void esc(struct sbuf *out, const char *s)
{
	if (s)
		blockpage_escape(out, s, strlen(s));
	else
		sbuf_adds(out, "-");
}

const char *blockpage_time(time_t t, const struct tz *z, char *buf, size_t len)
{
	struct tm tm;
	if (z)
		tz_localtime(z, t, &tm);
	else
		localtime_r(&t, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d %c%02ld%02ld", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 3600,
		 off % 3600 / 60);
	return buf;
}

static const char page_style[] =
	"body{margin:0;font-family:\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\",\"Microsoft YaHei\",\"PingFang SC\","
	"sans-serif;background:#f3f4f6;color:#1f2937}"
	".box{max-width:640px;margin:64px auto;background:#fff;border-radius:12px;"
	"box-shadow:0 2px 12px rgba(0,0,0,.12);overflow:hidden}"
	".bar{background:#b91c1c;color:#fff;padding:28px 32px}"
	".bar h1{margin:0;font-size:28px}.bar p{margin:8px 0 0;font-size:16px}"
	".bar .school{margin:0 0 8px;font-size:14px;opacity:.9}"
	"table{border-collapse:collapse;margin:24px 32px;font-size:15px}"
	"td{padding:6px 12px 6px 0;vertical-align:top}td.k{color:#6b7280;white-space:nowrap}"
	".note{margin:0 32px 16px;font-size:14px;color:#4b5563}"
	".sw{margin:0 32px 24px;font-size:14px}.sw a{color:#1d4ed8}"
	"code{font-family:monospace;background:#f3f4f6;padding:2px 6px;border-radius:4px}"
	"form{margin:0 32px 24px;padding:16px;border:1px solid #e5e7eb;border-radius:8px}"
	"form h2{margin:0 0 8px;font-size:18px}form p{margin:0 0 12px;font-size:14px;color:#4b5563}"
	"form label{display:block;font-size:14px;margin:8px 0 4px}"
	"form input[type=text]{width:100%;box-sizing:border-box;padding:8px;font-size:15px;"
	"border:1px solid #9ca3af;border-radius:6px}"
	"form button{margin-top:12px;padding:8px 20px;font-size:15px;background:#1d4ed8;color:#fff;"
	"border:0;border-radius:6px;cursor:pointer}"
	".ok{background:#15803d}"
	/* the other language, one click away without a script: shown when its box is the
	 * URL's fragment target, and then the page's own box is hidden */
	"#alt{display:none}#alt:target{display:block}#alt:target~#main{display:none}";

static void row(struct sbuf *out, const char *key, const char *val, bool code, bool main)
{
	sbuf_adds(out, "<tr><td class=\"k\">");
	sbuf_adds(out, key);
	if (code)
		sbuf_adds(out, main ? "</td><td><code id=\"request-id\">"
				    : "</td><td><code class=\"request-id\">");
	else
		sbuf_adds(out, "</td><td>");
	esc(out, val);
	sbuf_adds(out, code ? "</code></td></tr>\n" : "</td></tr>\n");
}

static void hidden(struct sbuf *out, const char *name, const char *val)
{
	sbuf_printf(out, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	if (val)
		blockpage_escape(out, val, strlen(val));
	sbuf_adds(out, "\">");
}

/* The "request a review" form: it posts to the blocked host itself, where the proxy
 * takes it before any policy (http_review.c); the token binds it to this client and
 * host. The reason is one line (a control character is refused). */
static void review_form(struct sbuf *out, const struct blockpage_info *bi, enum lang l, bool main)
{
	const char *sfx = main ? "" : "-alt";
	sbuf_printf(out, "<form method=\"post\" action=\"%s\" id=\"review%s\">"
			 "<h2>", BLOCKPAGE_REVIEW_PATH, sfx);
	sbuf_adds(out, msg(l, MSG_PAGE_REVIEW_TITLE));
	sbuf_adds(out, "</h2><p>");
	sbuf_adds(out, msg(l, MSG_PAGE_REVIEW_INTRO));
	sbuf_adds(out, "</p>");
	hidden(out, "token", bi->review_token);
	hidden(out, "block", bi->request_id);
	hidden(out, "url", bi->path);
	sbuf_printf(out, "<label for=\"reason%s\">", sfx);
	sbuf_adds(out, msg(l, MSG_PAGE_REVIEW_REASON));
	sbuf_printf(out, "</label><input type=\"text\" id=\"reason%s\" name=\"reason\" "
			 "required maxlength=\"200\"><label for=\"teacher%s\">", sfx, sfx);
	sbuf_adds(out, msg(l, MSG_PAGE_REVIEW_TEACHER));
	sbuf_printf(out, "</label><input type=\"text\" id=\"teacher%s\" name=\"teacher\" "
			 "maxlength=\"20\"><button type=\"submit\" id=\"send%s\">", sfx, sfx);
	sbuf_adds(out, msg(l, MSG_PAGE_REVIEW_SEND));
	sbuf_adds(out, "</button></form>\n");
}

/* One language's box: the red bar (school, title, why), the facts, whom to ask, and the
 * link to the other language. main: the box shown first (it carries the element ids). */
static void render_box(struct sbuf *out, const struct blockpage_info *bi, enum lang l,
		       const char *category_title, bool main)
{
	sbuf_adds(out, main ? "<div class=\"box\" id=\"main\" lang=\""
			    : "<div class=\"box\" id=\"alt\" lang=\"");
	sbuf_adds(out, lang_tag(l));
	sbuf_adds(out, "\"><div class=\"bar\">");
	if (bi->school && *bi->school) {
		sbuf_adds(out, "<p class=\"school\">");
		esc(out, bi->school);
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "<h1>");
	sbuf_adds(out, msg(l, MSG_PAGE_THIS_PAGE_BLOCKED));
	sbuf_adds(out, "</h1><p>");
	sbuf_adds(out, msg(l, bi->bypass ? MSG_PAGE_NO_WAY_AROUND : MSG_PAGE_SITE_NOT_ALLOWED));
	sbuf_adds(out, "</p></div>\n<table>\n");
	/* the name as people write it; its ASCII (punycode) form beside it when they differ,
	 * so that a look-alike name cannot pass for another */
	char *shown = name_display(bi->host);
	row(out, msg(l, MSG_PAGE_SITE), shown, false, main);
	if (shown && strcmp(shown, bi->host) != 0)
		row(out, msg(l, MSG_PAGE_SITE_ASCII), bi->host, false, main);
	free(shown);
	row(out, msg(l, MSG_PAGE_CATEGORY), category_title, false, main);
	row(out, msg(l, MSG_PAGE_TIME), bi->time_text, false, main);
	row(out, msg(l, MSG_PAGE_YOUR_ADDRESS), bi->client, false, main);
	if (bi->request_id) /* none when nothing was journaled */
		row(out, msg(l, MSG_PAGE_REQUEST_ID), bi->request_id, true, main);
	if (bi->contact && *bi->contact)
		row(out, msg(l, MSG_PAGE_CONTACT), bi->contact, false, main);
	sbuf_adds(out, "</table>\n<p class=\"note\">");
	sbuf_adds(out, msg(l, bi->contact && *bi->contact ? MSG_PAGE_ASK_CONTACT
							   : MSG_PAGE_ASK_TEACHER));
	sbuf_adds(out, "</p>\n");
	if (bi->review_token)
		review_form(out, bi, l, main);
	sbuf_adds(out, "<p class=\"sw\"><a href=\"");
	sbuf_adds(out, main ? "#alt" : "#main");
	sbuf_adds(out, "\">");
	/* the other language's own name (an endonym, the same in every language) */
	sbuf_adds(out, l == LANG_ZH ? "English" : "中文");
	sbuf_adds(out, "</a></p></div>\n");
}

void blockpage_render(struct sbuf *out, const struct blockpage_info *bi)
{
	enum lang l = bi->lang, other = l == LANG_ZH ? LANG_EN : LANG_ZH;
	sbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
	sbuf_adds(out, lang_tag(l));
	sbuf_adds(out, "\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		       "<title>");
	sbuf_adds(out, msg(l, MSG_PAGE_ACCESS_BLOCKED));
	sbuf_adds(out, "</title><style>");
	sbuf_adds(out, page_style);
	sbuf_adds(out, "</style></head>\n<body>\n");
	/* the other language first: CSS can hide a later sibling only */
	render_box(out, bi, other,
		   bi->category_title_alt ? bi->category_title_alt : bi->category_title, false);
	render_box(out, bi, l, bi->category_title, true);
	sbuf_adds(out, "</body></html>\n");
}

void blockpage_response(struct sbuf *out, const struct blockpage_info *bi, bool keep_alive,
			bool head_only)
{
	struct sbuf body;
	sbuf_init(&body);
	blockpage_render(&body, bi);
	if (bi->status == 405)
		sbuf_adds(out, "HTTP/1.1 405 Method Not Allowed\r\n"
			       "Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n");
	else
		sbuf_adds(out, "HTTP/1.1 403 Forbidden\r\n");
	sbuf_printf(out,
		    "Content-Type: text/html; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n"
		    "Cache-Control: no-store\r\n"
		    "Content-Language: %s\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
		    "form-action 'self'; frame-ancestors 'none'\r\n"
		    "X-Frame-Options: DENY\r\n"
		    "Connection: %s\r\n\r\n",
		    body.len, lang_tag(bi->lang), keep_alive ? "keep-alive" : "close");
	if (!head_only)
		sbuf_add(out, body.data, body.len);
	sbuf_free(&body);
}

/* One language's box of the review answer. */
static void review_box(struct sbuf *out, const struct blockpage_review *br, enum lang l, bool main)
{
	sbuf_adds(out, main ? "<div class=\"box\" id=\"main\" lang=\""
			    : "<div class=\"box\" id=\"alt\" lang=\"");
	sbuf_adds(out, lang_tag(l));
	sbuf_adds(out, br->status == 200 ? "\"><div class=\"bar ok\">" : "\"><div class=\"bar\">");
	if (br->school && *br->school) {
		sbuf_adds(out, "<p class=\"school\">");
		esc(out, br->school);
		sbuf_adds(out, "</p>");
	}
	sbuf_adds(out, "<h1>");
	sbuf_adds(out, msg(l, br->status == 200 ? MSG_PAGE_REVIEW_THANKS : MSG_PAGE_REVIEW_REFUSED));
	sbuf_adds(out, "</h1><p>");
	sbuf_adds(out, msg(l, br->status == 200 ? MSG_PAGE_REVIEW_THANKS_TEXT : br->text));
	sbuf_adds(out, "</p></div>\n<table>\n");
	if (br->host)
		row(out, msg(l, MSG_PAGE_SITE), br->host, false, main);
	if (br->status == 200)
		row(out, msg(l, MSG_PAGE_REQUEST_ID), br->event_id, true, main);
	sbuf_adds(out, "</table>\n<p class=\"sw\"><a href=\"");
	sbuf_adds(out, main ? "#alt" : "#main");
	sbuf_adds(out, "\">");
	sbuf_adds(out, l == LANG_ZH ? "English" : "中文");
	sbuf_adds(out, "</a></p></div>\n");
}

static const char *status_reason(int status);

void blockpage_review_response(struct sbuf *out, const struct blockpage_review *br)
{
	enum lang l = br->lang, other = l == LANG_ZH ? LANG_EN : LANG_ZH;
	struct sbuf body;
	sbuf_init(&body);
	sbuf_adds(&body, "<!DOCTYPE html>\n<html lang=\"");
	sbuf_adds(&body, lang_tag(l));
	sbuf_adds(&body, "\"><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
			 "<title>");
	sbuf_adds(&body, msg(l, MSG_PAGE_REVIEW_TITLE));
	sbuf_adds(&body, "</title><style>");
	sbuf_adds(&body, page_style);
	sbuf_adds(&body, "</style></head>\n<body>\n");
	review_box(&body, br, other, false);
	review_box(&body, br, l, true);
	sbuf_adds(&body, "</body></html>\n");
	sbuf_printf(out,
		    "HTTP/1.1 %d %s\r\n"
		    "Content-Type: text/html; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n"
		    "Cache-Control: no-store\r\n"
		    "Content-Language: %s\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
		    "form-action 'none'; frame-ancestors 'none'\r\n"
		    "X-Frame-Options: DENY\r\n"
		    "Connection: close\r\n\r\n",
		    br->status, status_reason(br->status), body.len, lang_tag(l));
	sbuf_add(out, body.data, body.len);
	sbuf_free(&body);
}

static const char *status_text(int status, enum lang l)
{
	switch (status) {
	case 400: return msg(l, MSG_PAGE_BAD_REQUEST);
	case 408: return msg(l, MSG_PAGE_REQUEST_TIMEOUT);
	case 414: return msg(l, MSG_PAGE_URI_TOO_LONG);
	case 431: return msg(l, MSG_PAGE_HEADERS_TOO_LARGE);
	case 501: return msg(l, MSG_PAGE_NOT_IMPLEMENTED);
	case 502: return msg(l, MSG_PAGE_BAD_GATEWAY);
	case 503: return msg(l, MSG_PAGE_SERVICE_UNAVAILABLE);
	case 504: return msg(l, MSG_PAGE_GATEWAY_TIMEOUT);
	case 505: return msg(l, MSG_PAGE_HTTP_VERSION_NOT_SUPPORTED);
	default: return msg(l, MSG_PAGE_ERROR);
	}
}

static const char *status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

void blockpage_error(struct sbuf *out, int status, enum lang lang)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, status_text(status, lang));
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	sbuf_printf(out,
		    "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
		    status, status_reason(status), n, body);
}
