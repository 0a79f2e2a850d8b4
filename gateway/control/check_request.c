/* check_request: the "check" request line of the control socket, parsed as hostile
 * input (check_request.h). */
#include "check_request.h"

#include <string.h>
#include <strings.h>

/* One word of the line: printable, non-space (bytes >= 0x80 allowed: UTF-8). */
static bool word_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

static int next_word(const char *buf, size_t len, size_t *pos, const char **w, size_t *wl)
{
	size_t i = *pos;
	if (i >= len)
		return 0;
	if (buf[i] != ' ')
		return -1;
	i++;
	size_t s = i;
	while (i < len && word_char((unsigned char)buf[i]))
		i++;
	if (i == s || (i < len && buf[i] != ' '))
		return -1; /* two spaces, a trailing space, a control character */
	*w = buf + s;
	*wl = i - s;
	*pos = i;
	return 1;
}

static int parse_time(const char *w, size_t n, int64_t *out)
{
	int64_t v = 0;
	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		v = v * 10 + (w[i] - '0');
	}
	if (v > CHECK_TIME_MAX)
		return -1;
	*out = v;
	return 0;
}

int check_addr_parse(const char *buf, size_t len, struct cg_addr *out, bool *too_long)
{
	char tmp[CHECK_ADDR_MAX + 1];
	*too_long = len > CHECK_ADDR_MAX;
	if (len == 0 || *too_long || memchr(buf, '\0', len))
		return -1;
	memcpy(tmp, buf, len);
	tmp[len] = '\0';
	return addr_parse(tmp, out) < 0 ? -1 : 0;
}

/* The value of "client" or "dest" into *a. 0, or -1 with *why. */
static int parse_addr_option(const char *v, size_t vl, bool *has, struct cg_addr *a,
			     const char *twice, const char *too_long, const char *bad,
			     const char **why)
{
	bool longer;
	if (*has) {
		*why = twice;
		return -1;
	}
	if (check_addr_parse(v, vl, a, &longer) < 0) {
		*why = longer ? too_long : bad;
		return -1;
	}
	*has = true;
	return 0;
}

/* "client ADDRESS", "dest ADDRESS" or "time T" at *pos. 0, or -1 with *why. */
static int parse_option(const char *buf, size_t len, size_t *pos, struct check_request *out,
			const char *kw, size_t kl, const char **why)
{
	const char *v;
	size_t vl;
	int r = next_word(buf, len, pos, &v, &vl);
	if (r != 1) {
		*why = r == 0 ? "a keyword without its value" : "bad spacing or a control character";
		return -1;
	}
	if (kl == 6 && memcmp(kw, "client", 6) == 0)
		return parse_addr_option(v, vl, &out->has_client, &out->client,
					 "client given twice", "client address too long",
					 "bad client address", why);
	if (kl == 4 && memcmp(kw, "dest", 4) == 0)
		return parse_addr_option(v, vl, &out->has_dest, &out->dest,
					 "dest given twice", "destination address too long",
					 "bad destination address", why);
	if (kl == 4 && memcmp(kw, "time", 4) == 0) {
		if (out->has_time) {
			*why = "time given twice";
			return -1;
		}
		if (parse_time(v, vl, &out->when) < 0) {
			*why = "bad time (seconds since 1970, before 2100)";
			return -1;
		}
		out->has_time = true;
		return 0;
	}
	*why = "unknown keyword (client, dest, time)";
	return -1;
}

int check_request_parse(const char *buf, size_t len, struct check_request *out,
			const char **why)
{
	const char *w;
	size_t wl, pos = 5;
	memset(out, 0, sizeof *out);
	if (len < 5 || memcmp(buf, "check", 5) != 0) {
		*why = "not a check request";
		return -1;
	}
	int r = next_word(buf, len, &pos, &w, &wl);
	if (r != 1) {
		*why = r == 0 ? "no name or URL to check" : "bad name or URL";
		return -1;
	}
	if (wl > CHECK_TARGET_MAX) {
		*why = "name or URL too long";
		return -1;
	}
	memcpy(out->target, w, wl);
	out->target[wl] = '\0';
	while ((r = next_word(buf, len, &pos, &w, &wl)) == 1)
		if (parse_option(buf, len, &pos, out, w, wl, why) < 0)
			return -1;
	if (r < 0) {
		*why = "bad spacing or a control character";
		return -1;
	}
	return 0;
}

int check_request_format(struct sbuf *out, const char *target, const struct cg_addr *client,
			 const struct cg_addr *dest, int64_t when)
{
	size_t n = target ? strlen(target) : 0;
	char a[CG_ADDR_STRLEN];
	if (n == 0 || n > CHECK_TARGET_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!word_char((unsigned char)target[i]))
			return -1;
	if (when > CHECK_TIME_MAX)
		return -1;
	sbuf_printf(out, "check %s", target);
	if (client)
		sbuf_printf(out, " client %s", addr_str(client, a));
	if (dest)
		sbuf_printf(out, " dest %s", addr_str(dest, a));
	if (when >= 0)
		sbuf_printf(out, " time %lld", (long long)when);
	return 0;
}

int check_target_split(const char *arg, char *host, char *path, bool *has_path,
		       const char **why)
{
	const char *p = arg, *end, *h, *hend;

	*has_path = false;
	if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncasecmp(p, "https://", 8) == 0)
		p += 8;
	end = p + strcspn(p, "/?#");
	h = p;
	for (const char *at = h; at < end; at++) /* user:pass@host */
		if (*at == '@')
			h = at + 1;
	hend = end;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (!rb) {
			*why = "bad IPv6 literal";
			return -1;
		}
		hend = rb + 1;
	} else {
		const char *colon = memchr(h, ':', (size_t)(end - h));
		/* host:port, but not a bare IPv6 address */
		if (colon && !memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			hend = colon;
	}
	if (*end == '/' || *end == '?') {
		size_t plen = strcspn(end, "#");
		if (plen + 2 > CHECK_PATH_MAX) {
			*why = "path too long";
			return -1;
		}
		if (*end == '?') {
			path[0] = '/';
			memcpy(path + 1, end, plen);
			path[plen + 1] = '\0';
		} else {
			memcpy(path, end, plen);
			path[plen] = '\0';
		}
		*has_path = true;
	}
	return name_normalise(h, (size_t)(hend - h), host, why);
}

void check_reply_add(struct sbuf *out, const char *key, const char *value)
{
	if (!value)
		return;
	sbuf_adds(out, key);
	sbuf_addc(out, ' ');
	for (const char *s = value; *s; s++)
		sbuf_addc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	sbuf_addc(out, '\n');
}
