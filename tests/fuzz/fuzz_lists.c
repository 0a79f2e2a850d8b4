/* libFuzzer target for the list parsers (native, hosts, adblock, UT1 lines and
 * expressions) on the same bytes. Every rule handed out must hold up: a normalised host
 * of at most 253 bytes, a path starting with '/', a line within the input, and each
 * domain rule must be found again by a domainset lookup of its own name. Then each line
 * is decided as host[/path] by a small policy, which runs the punycode decoder on
 * whatever xn-- labels the input holds. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "domainset.h"
#include "lists.h"
#include "name.h"
#include "patset.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_state {
	struct domainset_builder *db;
	struct patset_builder *pb;
	unsigned max_line;
	char names[16][NAME_MAX_LEN + 1];
	size_t n_names;
};

static int fuzz_rule(const struct list_rule *r, void *arg, char *err, size_t errlen)
{
	struct fuzz_state *st = arg;
	char norm[NAME_MAX_LEN + 1];

	if (r->line == 0 || r->line > st->max_line || !r->file)
		abort();
	switch (r->kind) {
	case LIST_RULE_URL:
		if (r->path_len < 2 || r->path[0] != '/')
			abort();
		/* fall through */
	case LIST_RULE_DOMAIN:
	case LIST_RULE_EXACT:
		if (r->host_len == 0 || r->host_len > NAME_MAX_LEN || strlen(r->host) != r->host_len)
			abort();
		/* A normalised name normalises to itself. */
		if (name_normalise(r->host, r->host_len, norm, NULL) != (int)r->host_len ||
		    memcmp(norm, r->host, r->host_len) != 0)
			abort();
		if (r->kind != LIST_RULE_URL) {
			if (domainset_add(st->db, r->host, r->host_len, r->kind == LIST_RULE_EXACT,
					  0, 0, r->line) < 0)
				abort();
			if (st->n_names < 16)
				memcpy(st->names[st->n_names++], r->host, r->host_len + 1);
		}
		break;
	case LIST_RULE_PATTERN:
		if (r->pattern_len == 0)
			abort();
		if (patset_add(st->pb, r->pattern, r->pattern_len, 0, 0, r->line, err, errlen) < 0)
			return -1;
		break;
	}
	return 0;
}

/* A policy with a domain, a URL prefix and patterns on the decoded form; built once. */
static struct policy *fuzz_policy(void)
{
	static struct policy *p;
	char path[] = "/tmp/cgfuzz-lists.XXXXXX";
	static const char text[] = "example.com\nexample.com/a/\n/\xe5\x85\xad\xe5\x90\x88/\n"
				   "/^[^.]{40,}$/\n";

	if (p)
		return p;
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1))
		abort();
	close(fd);
	struct config *cfg = config_default();
	struct diag d;
	diag_init(&d);
	if (config_add_blocklist(cfg, path, &d) < 0)
		abort();
	p = policy_build(cfg, &d);
	if (!p)
		abort();
	config_free(cfg);
	diag_free(&d);
	unlink(path);
	return p;
}

/* Decide every line as host[/path]; the verdict must be whole. */
static void fuzz_decide(const char *buf, size_t len)
{
	struct policy *p = fuzz_policy();
	size_t off = 0;

	for (int lines = 0; off < len && lines < 64; lines++) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *line = buf + off, *slash = memchr(line, '/', end - off);
		size_t hlen = slash ? (size_t)(slash - line) : end - off;
		char host[NAME_MAX_LEN + 1];
		int n = name_normalise(line, hlen, host, NULL);
		off = end + 1;
		if (n <= 0)
			continue;
		struct request req = { .host = host, .host_len = (size_t)n,
				       .path = slash, .path_len = slash ? (size_t)(buf + end - slash) : 0 };
		struct verdict v;
		if (policy_decide(p, &req, &v) == ACTION_BLOCK &&
		    (!v.category || !v.rule.file || v.rule.kind == RULE_NONE))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum list_format fmts[] = { LIST_NATIVE, LIST_HOSTS, LIST_ADBLOCK,
						 LIST_UT1 };
	struct fuzz_state st;
	struct diag d;
	struct list_counts c;

	memset(&st, 0, sizeof(st));
	st.max_line = 1;
	for (size_t i = 0; i < size; i++)
		st.max_line += data[i] == '\n';
	st.db = domainset_builder_new();
	st.pb = patset_builder_new();
	diag_init(&d);
	d.max_kept = 8;
	for (size_t i = 0; i <= sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&c, 0, sizeof(c));
		if (i < sizeof(fmts) / sizeof(fmts[0]))
			lists_parse(fmts[i], (const char *)data, size, "fuzz.list", fuzz_rule, &st,
				    &d, &c);
		else
			lists_parse_expressions((const char *)data, size, "fuzz.expr", fuzz_rule,
						&st, &d, &c);
		if (c.lines > st.max_line)
			abort();
	}
	struct domainset *ds = domainset_build(st.db);
	for (size_t i = 0; i < st.n_names; i++) {
		struct domain_match m;
		if (!domainset_lookup(ds, st.names[i], strlen(st.names[i]), 1, &m))
			abort();
	}
	domainset_free(ds);
	patset_free(patset_build(st.pb));
	diag_free(&d);
	fuzz_decide((const char *)data, size);
	return 0;
}
