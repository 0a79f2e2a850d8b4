/* libFuzzer target: the control socket's "check" request (check_request_parse) on each
 * line of arbitrary bytes: an accepted one has a target of printable non-space bytes,
 * at most CHECK_TARGET_MAX long, an IPv4 or IPv6 client and destination when it has them,
 * a time in range,
 * and formats back to a line that parses the same; and the target split on it. */
#include <stdlib.h>
#include <string.h>

#include "check_request.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_line(const char *p, size_t len)
{
	struct check_request cr, again;
	const char *why;
	if (check_request_parse(p, len, &cr, &why) < 0)
		return;
	size_t n = strlen(cr.target);
	if (n == 0 || n > CHECK_TARGET_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)cr.target[i] <= 0x20 || cr.target[i] == 0x7f)
			abort();
	if (cr.has_client && cr.client.family != AF_INET && cr.client.family != AF_INET6)
		abort();
	if (cr.has_dest && cr.dest.family != AF_INET && cr.dest.family != AF_INET6)
		abort();
	if (cr.has_time && (cr.when < 0 || cr.when > CHECK_TIME_MAX))
		abort();
	struct sbuf b;
	sbuf_init(&b);
	char x[CG_ADDR_STRLEN], y[CG_ADDR_STRLEN];
	if (check_request_format(&b, cr.target, cr.has_client ? &cr.client : NULL,
				 cr.has_dest ? &cr.dest : NULL, cr.has_time ? cr.when : -1) < 0 ||
	    check_request_parse(b.data, b.len, &again, &why) < 0 ||
	    strcmp(again.target, cr.target) != 0 || again.has_time != cr.has_time ||
	    again.when != cr.when || again.has_client != cr.has_client ||
	    again.has_dest != cr.has_dest ||
	    (cr.has_dest && strcmp(addr_str(&again.dest, x), addr_str(&cr.dest, y)) != 0))
		abort();
	sbuf_free(&b);
	char host[NAME_MAX_LEN + 1], *path = malloc(CHECK_PATH_MAX + 1);
	bool has_path;
	int h = check_target_split(cr.target, host, path, &has_path, &why);
	if (h >= 0 && (size_t)h != strlen(host))
		abort();
	free(path);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *buf = (const char *)data, *end = buf + size;
	for (const char *p = buf; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		check_line(p, len);
		p += len + 1;
	}
	return 0;
}
