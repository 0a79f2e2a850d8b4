/* libFuzzer target: urlnorm_path and urlnorm_host, with the properties matching relies
 * on: the result never grows past len + 1 (or the cap) and starts with '/', and a path
 * (the input up to its first '?' or '#') comes out with no empty, "." or ".." segment. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "urlnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *out, size_t n)
{
	if (n == 0 || out[0] != '/')
		abort();
	size_t pn = n; /* a path without a query: a '?' in it was decoded from %3F */
	for (size_t i = 0; i < pn; i++) {
		if (out[i] != '/')
			continue;
		size_t j = i + 1;
		while (j < pn && out[j] != '/')
			j++;
		size_t seg = j - i - 1;
		bool last = j == pn;
		if (seg == 0 && !last)
			abort(); /* "//" */
		if (seg == 1 && out[i + 1] == '.')
			abort(); /* "/./" or a final "/." */
		if (seg == 2 && out[i + 1] == '.' && out[i + 2] == '.')
			abort(); /* ".." */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* copies of exactly size bytes, so that ASan sees any read past the end */
	char *buf = malloc(size ? size : 1);
	char *out = malloc(size + 1);
	if (!buf || !out)
		goto done;
	memcpy(buf, data, size);
	size_t n = urlnorm_path(buf, size, out, size + 1);
	if (n > size + 1)
		abort();
	/* the path part alone (up to the first raw '?' or '#'): all of it is path */
	size_t end = 0;
	while (end < size && buf[end] != '?' && buf[end] != '#')
		end++;
	n = urlnorm_path(buf, end, out, size + 1);
	if (n > end + 1)
		abort();
	check_path(out, n);
	/* a small cap cuts, never overruns */
	char small[16];
	if (urlnorm_path(buf, size, small, sizeof(small)) > sizeof(small))
		abort();
	char host[300];
	const char *why = NULL;
	int h = urlnorm_host(buf, size, host, sizeof(host), &why);
	if (h < 0 ? why == NULL : (size_t)h >= sizeof(host) || host[h] != '\0')
		abort();
done:
	free(buf);
	free(out);
	return 0;
}
