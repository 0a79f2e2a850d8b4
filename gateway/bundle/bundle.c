/* bundle: the length-prefixed container of the district's list bundle. */
#include <string.h>

#include "bundle.h"

#define BUNDLE_MAGIC "campusgate-bundle 1\n"

bool bundle_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > BUNDLE_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

const struct bundle_file *bundle_find(const struct bundle *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->files[i].name, name) == 0)
			return &b->files[i];
	return NULL;
}

/* Decimal size without leading zeros, at most BUNDLE_MAX_BYTES. */
static int bundle_size(const char *s, size_t n, size_t *out)
{
	size_t v = 0;
	if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	if (v > BUNDLE_MAX_BYTES)
		return -1;
	*out = v;
	return 0;
}

/* One "file NAME SIZE\n" header at *pos; moves *pos past the data and its "\n". */
static int bundle_entry(const char *buf, size_t len, size_t *pos, struct bundle *out,
			const char **why)
{
	size_t p = *pos, size;
	const char *nl = memchr(buf + p, '\n', len - p < 100 ? len - p : 100);
	if (!nl) {
		*why = "bundle: bad file header";
		return -1;
	}
	size_t hl = (size_t)(nl - (buf + p));
	const char *h = buf + p;
	const char *sp = hl > 5 ? memchr(h + 5, ' ', hl - 5) : NULL;
	if (hl < 5 || memcmp(h, "file ", 5) != 0 || !sp) {
		*why = "bundle: bad file header";
		return -1;
	}
	size_t nlen = (size_t)(sp - (h + 5));
	if (!bundle_name_ok(h + 5, nlen)) {
		*why = "bundle: bad file name";
		return -1;
	}
	if (bundle_size(sp + 1, (size_t)(nl - sp - 1), &size) < 0) {
		*why = "bundle: bad file size";
		return -1;
	}
	p += hl + 1;
	if (size >= len - p || buf[p + size] != '\n') {
		*why = "bundle: file runs past the end";
		return -1;
	}
	if (out->n == BUNDLE_MAX_FILES) {
		*why = "bundle: too many files";
		return -1;
	}
	struct bundle_file *f = &out->files[out->n];
	memcpy(f->name, h + 5, nlen);
	f->name[nlen] = '\0';
	if (bundle_find(out, f->name)) {
		*why = "bundle: a file is there twice";
		return -1;
	}
	if (out->n == 0 && strcmp(f->name, BUNDLE_MANIFEST) != 0) {
		*why = "bundle: the first file is not the manifest";
		return -1;
	}
	f->data = buf + p;
	f->len = size;
	out->n++;
	*pos = p + size + 1;
	return 0;
}

int bundle_parse(const char *buf, size_t len, struct bundle *out, const char **why)
{
	size_t pos = sizeof BUNDLE_MAGIC - 1;
	out->n = 0;
	if (len > BUNDLE_MAX_BYTES) {
		*why = "bundle: too large";
		return -1;
	}
	if (len < pos || memcmp(buf, BUNDLE_MAGIC, pos) != 0) {
		*why = "bundle: not a campusgate bundle";
		return -1;
	}
	for (;;) {
		if (len - pos == 4 && memcmp(buf + pos, "end\n", 4) == 0)
			break;
		if (len - pos >= 4 && memcmp(buf + pos, "end\n", 4) == 0) {
			*why = "bundle: data after the end";
			return -1;
		}
		if (pos == len) {
			*why = "bundle: truncated (no end line)";
			return -1;
		}
		if (bundle_entry(buf, len, &pos, out, why) < 0)
			return -1;
	}
	if (out->n == 0) {
		*why = "bundle: the first file is not the manifest";
		return -1;
	}
	return 0;
}

void bundle_write_begin(struct sbuf *out)
{
	sbuf_adds(out, BUNDLE_MAGIC);
}

void bundle_write_file(struct sbuf *out, const char *name, const void *data, size_t len)
{
	sbuf_printf(out, "file %s %zu\n", name, len);
	sbuf_add(out, data, len);
	sbuf_addc(out, '\n');
}

void bundle_write_end(struct sbuf *out)
{
	sbuf_adds(out, "end\n");
}
