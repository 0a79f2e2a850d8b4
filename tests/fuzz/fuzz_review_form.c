/* libFuzzer target: review_form_parse, with the properties the proxy relies on: a form
 * it takes has a non-empty reason, a token, and fields that are NUL-terminated within
 * their bounds and free of control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "review_form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n > max)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct review_form f;
	const char *why = NULL;
	char *buf = malloc(size ? size : 1); /* exactly size bytes, for ASan */
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (review_form_parse(buf, size, &f, &why) == 0) {
		if (!f.reason[0] || !f.token[0])
			abort();
		check(f.reason, REVIEW_REASON_MAX);
		check(f.teacher, REVIEW_TEACHER_MAX);
		check(f.url, REVIEW_URL_MAX);
		check(f.block_id, REVIEW_BLOCK_ID_MAX);
		check(f.token, REVIEW_TOKEN_MAX);
	} else if (!why) {
		abort();
	}
	free(buf);
	return 0;
}
