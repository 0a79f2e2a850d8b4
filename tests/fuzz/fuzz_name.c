/* libFuzzer target for host-name normalisation and the pattern prefilter. The first byte
 * picks the mode. Mode 0: name_normalise on the rest; a result must be at most 253 bytes
 * of [a-z0-9-_.] (or an IPv6 literal), normalise to itself again, and be found by a
 * domainset holding it. Mode 1: "pattern NUL subject"; when PCRE2 alone matches, the
 * pattern set (behind its literal prefilter) must match too, and the other way round. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "domainset.h"
#include "name.h"
#include "patset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_name(const char *in, size_t len)
{
	char out[NAME_MAX_LEN + 1], again[NAME_MAX_LEN + 1];
	const char *why = NULL;
	int n = name_normalise(in, len, out, &why);

	if (n < 0) {
		if (!why)
			abort();
		return;
	}
	if (n == 0 || n > NAME_MAX_LEN || strlen(out) != (size_t)n)
		abort();
	bool v6 = strchr(out, ':') != NULL;
	for (int i = 0; i < n; i++) {
		char c = out[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			  c == '_' || c == '.' || (v6 && c == ':');
		if (!ok)
			abort();
	}
	if (v6 && !name_is_ip_literal(out))
		abort();
	int m = name_normalise(out, (size_t)n, again, &why);
	if (m != n || memcmp(out, again, (size_t)n) != 0)
		abort();
	free(name_to_unicode(out));

	struct domainset_builder *b = domainset_builder_new();
	struct domain_match dm;
	if (domainset_add(b, out, (size_t)n, false, 3, 1, 7) < 0)
		abort();
	struct domainset *s = domainset_build(b);
	if (!domainset_lookup(s, out, (size_t)n, 1u << 3, &dm) || dm.line != 7 ||
	    dm.name_len != (size_t)n)
		abort();
	domainset_free(s);
}

static void fuzz_pattern(const char *in, size_t len)
{
	const char *nul = memchr(in, '\0', len);
	if (!nul || nul == in)
		return; /* no subject, or an empty pattern (which patset_add refuses) */
	size_t plen = (size_t)(nul - in);
	const char *subject = nul + 1;
	size_t slen = len - plen - 1;
	int ec;
	PCRE2_SIZE eo;
	char err[128];

	pcre2_code *code = pcre2_compile((PCRE2_SPTR)in, plen,
					 PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec,
					 &eo, NULL);
	struct patset_builder *b = patset_builder_new();
	int added = patset_add(b, in, plen, 0, 0, 1, err, sizeof(err));
	if ((code != NULL) != (added == 0))
		abort();
	struct patset *s = patset_build(b);
	if (code) {
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
		pcre2_match_context *mc = pcre2_match_context_create(NULL);
		pcre2_jit_stack *js = pcre2_jit_stack_create(32 * 1024, 2 * 1024 * 1024, NULL);
		pcre2_jit_stack_assign(mc, NULL, js);
		pcre2_set_match_limit(mc, 1000000); /* patset.c's PAT_MATCH_LIMIT */
		int rc = pcre2_match(code, (PCRE2_SPTR)subject, slen, 0, 0, md, mc);
		struct pat_match pm;
		bool got = patset_match(s, subject, slen, 1u, &pm);
		/* errors (match limits) count as no match on both sides */
		if (got != (rc >= 0))
			abort();
		pcre2_jit_stack_free(js);
		pcre2_match_context_free(mc);
		pcre2_match_data_free(md);
		pcre2_code_free(code);
	}
	patset_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	if (data[0] & 1)
		fuzz_pattern((const char *)data + 1, size - 1);
	else
		fuzz_name((const char *)data + 1, size - 1);
	return 0;
}
