/* The block page (403) and small error responses, in zh-CN or English, self-contained. */
#include "blockpage.h"

#include <stdio.h>
#include <string.h>

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
	"table{border-collapse:collapse;margin:24px 32px;font-size:15px}"
	"td{padding:6px 12px 6px 0;vertical-align:top}td.k{color:#6b7280;white-space:nowrap}"
	".note{margin:0 32px 28px;font-size:14px;color:#4b5563}"
	"code{font-family:monospace;background:#f3f4f6;padding:2px 6px;border-radius:4px}";

static void row(struct sbuf *out, const char *key, const char *val, bool code)
{
	sbuf_adds(out, "<tr><td class=\"k\">");
	sbuf_adds(out, key);
	sbuf_adds(out, code ? "</td><td><code id=\"request-id\">" : "</td><td>");
	esc(out, val);
	sbuf_adds(out, code ? "</code></td></tr>\n" : "</td></tr>\n");
}

void blockpage_render(struct sbuf *out, const struct blockpage_info *bi)
{
	enum lang l = bi->lang;
	sbuf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
	sbuf_adds(out, T(l, "en", "zh-CN"));
	sbuf_adds(out, "\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		       "<title>");
	sbuf_adds(out, T(l, "Access blocked", "访问已被拦截"));
	sbuf_adds(out, "</title><style>");
	sbuf_adds(out, page_style);
	sbuf_adds(out, "</style></head>\n<body><div class=\"box\"><div class=\"bar\"><h1>");
	sbuf_adds(out, T(l, "This page is blocked", "此网页已被拦截"));
	sbuf_adds(out, "</h1><p>");
	if (bi->bypass)
		sbuf_adds(out, T(l, "The school network does not allow ways around its filter.",
				 "校园网络不允许绕过过滤的工具和服务。"));
	else
		sbuf_adds(out, T(l, "The school network does not allow this site.",
				 "根据学校网络管理规定，该网站不可访问。"));
	sbuf_adds(out, "</p></div>\n<table>\n");
	row(out, T(l, "Site", "网站"), bi->host, false);
	row(out, T(l, "Category", "类别"), bi->category_title, false);
	row(out, T(l, "Time", "时间"), bi->time_text, false);
	row(out, T(l, "Your address", "您的地址"), bi->client, false);
	row(out, T(l, "Request ID", "请求编号"), bi->request_id, true);
	sbuf_adds(out, "</table>\n<p class=\"note\">");
	sbuf_adds(out, T(l, "If you need this page for your studies, tell your teacher or the "
			    "network administrator and give them the request ID above.",
			 "如果学习需要访问此网页，请联系老师或网络管理员，并提供上面的请求编号。"));
	sbuf_adds(out, "</p></div></body></html>\n");
}

void blockpage_response(struct sbuf *out, const struct blockpage_info *bi, bool keep_alive,
			bool head_only)
{
	struct sbuf body;
	sbuf_init(&body);
	blockpage_render(&body, bi);
	sbuf_printf(out,
		    "HTTP/1.1 403 Forbidden\r\n"
		    "Content-Type: text/html; charset=utf-8\r\n"
		    "Content-Length: %zu\r\n"
		    "Cache-Control: no-store\r\n"
		    "Content-Language: %s\r\n"
		    "X-Content-Type-Options: nosniff\r\n"
		    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
		    "Connection: %s\r\n\r\n",
		    body.len, T(bi->lang, "en", "zh-CN"), keep_alive ? "keep-alive" : "close");
	if (!head_only)
		sbuf_add(out, body.data, body.len);
	sbuf_free(&body);
}

static const char *status_text(int status, enum lang l)
{
	switch (status) {
	case 400: return T(l, "Bad Request", "请求格式错误");
	case 408: return T(l, "Request Timeout", "请求超时");
	case 414: return T(l, "URI Too Long", "请求地址过长");
	case 431: return T(l, "Request Header Fields Too Large", "请求头过大");
	case 501: return T(l, "Not Implemented", "不支持的传输编码");
	case 502: return T(l, "Bad Gateway", "无法连接目标网站");
	case 503: return T(l, "Service Unavailable", "连接过多，请稍后再试");
	case 504: return T(l, "Gateway Timeout", "目标网站响应超时");
	case 505: return T(l, "HTTP Version Not Supported", "不支持的 HTTP 版本");
	default: return T(l, "Error", "错误");
	}
}

static const char *status_reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
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
