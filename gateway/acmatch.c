/* Aho-Corasick over byte classes: one table lookup per text byte, outputs flattened. */
#include "acmatch.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct ac_string {
	size_t off, len;
	uint32_t id;
};

struct acmatch_builder {
	struct sbuf bytes;
	struct ac_string *s;
	size_t n, cap;
};

struct acmatch {
	uint8_t cls[256];     /* byte -> class; upper-case ASCII maps like lower case */
	size_t ncls;
	size_t nstates;
	uint32_t *delta;      /* nstates * ncls: the next state */
	uint32_t *out_start;  /* nstates + 1: outputs of state s are out_ids[start[s]..start[s+1]) */
	uint32_t *out_ids;
	size_t nout;
};

struct acmatch_builder *acmatch_builder_new(void)
{
	struct acmatch_builder *b = xcalloc(1, sizeof(*b));

	sbuf_init(&b->bytes);
	return b;
}

void acmatch_add(struct acmatch_builder *b, const unsigned char *s, size_t len, uint32_t id)
{
	if (len == 0)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->s = xrealloc(b->s, b->cap * sizeof(*b->s));
	}
	b->s[b->n].off = b->bytes.len;
	b->s[b->n].len = len;
	b->s[b->n].id = id;
	b->n++;
	sbuf_add(&b->bytes, s, len);
}

void acmatch_builder_free(struct acmatch_builder *b)
{
	if (!b)
		return;
	sbuf_free(&b->bytes);
	free(b->s);
	free(b);
}

static unsigned char ac_lower(unsigned char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

struct acmatch *acmatch_build(struct acmatch_builder *b)
{
	struct acmatch *ac = NULL;
	const unsigned char *bytes;
	uint32_t *fail = NULL, *queue = NULL, *own_head = NULL, *own_next = NULL;
	size_t maxstates;

	if (!b || b->n == 0) {
		acmatch_builder_free(b);
		return NULL;
	}
	bytes = (const unsigned char *)b->bytes.data;
	ac = xcalloc(1, sizeof(*ac));

	/* Byte classes: class 0 for bytes in no string. */
	ac->ncls = 1;
	for (size_t i = 0; i < b->bytes.len; i++) {
		unsigned char c = ac_lower(bytes[i]);
		if (ac->cls[c] == 0)
			ac->cls[c] = (uint8_t)ac->ncls++;
	}
	for (int c = 'A'; c <= 'Z'; c++)
		ac->cls[c] = ac->cls[c + ('a' - 'A')];

	/* The trie; 0 in delta means "no child" until the failure pass fills it. */
	maxstates = 1 + b->bytes.len;
	ac->delta = xcalloc(maxstates * ac->ncls, sizeof(uint32_t));
	own_head = xcalloc(maxstates, sizeof(uint32_t));
	own_next = xcalloc(b->n + 1, sizeof(uint32_t));
	ac->nstates = 1;
	for (size_t k = 0; k < b->n; k++) {
		uint32_t st = 0;
		for (size_t i = 0; i < b->s[k].len; i++) {
			uint32_t *t = &ac->delta[st * ac->ncls + ac->cls[ac_lower(bytes[b->s[k].off + i])]];
			if (*t == 0)
				*t = (uint32_t)ac->nstates++;
			st = *t;
		}
		own_next[k + 1] = own_head[st];
		own_head[st] = (uint32_t)k + 1;
	}

	/* Breadth-first: failure links, the full transition function, merged outputs. */
	fail = xcalloc(ac->nstates, sizeof(uint32_t));
	queue = xmalloc(ac->nstates * sizeof(uint32_t));
	size_t qh = 0, qt = 0;
	queue[qt++] = 0;
	while (qh < qt) {
		uint32_t st = queue[qh++];
		for (size_t c = 0; c < ac->ncls; c++) {
			uint32_t *t = &ac->delta[st * ac->ncls + c];
			uint32_t via_fail = st ? ac->delta[fail[st] * ac->ncls + c] : 0;
			if (*t) {
				fail[*t] = via_fail;
				queue[qt++] = *t;
			} else {
				*t = via_fail;
			}
		}
	}
	/* Outputs in BFS order: a state's own ids, then those of its failure state. */
	ac->out_start = xcalloc(ac->nstates + 1, sizeof(uint32_t));
	uint32_t *cnt = xcalloc(ac->nstates, sizeof(uint32_t));
	size_t total = 0;
	for (size_t q = 0; q < qt; q++) {
		uint32_t st = queue[q];
		uint32_t c = 0;
		for (uint32_t k = own_head[st]; k; k = own_next[k])
			c++;
		if (st)
			c += cnt[fail[st]];
		cnt[st] = c;
		total += c;
	}
	ac->out_ids = xmalloc((total ? total : 1) * sizeof(uint32_t));
	for (size_t st = 0, pos = 0; st < ac->nstates; st++) {
		ac->out_start[st] = (uint32_t)pos;
		pos += cnt[st];
	}
	ac->out_start[ac->nstates] = (uint32_t)total;
	for (size_t q = 0; q < qt; q++) {
		uint32_t st = queue[q];
		uint32_t pos = ac->out_start[st];
		for (uint32_t k = own_head[st]; k; k = own_next[k])
			ac->out_ids[pos++] = b->s[k - 1].id;
		if (st)
			for (uint32_t i = ac->out_start[fail[st]]; i < ac->out_start[fail[st] + 1]; i++)
				ac->out_ids[pos++] = ac->out_ids[i];
	}
	ac->nout = total;
	free(cnt);
	free(fail);
	free(queue);
	free(own_head);
	free(own_next);
	ac->delta = xrealloc(ac->delta, ac->nstates * ac->ncls * sizeof(uint32_t));
	acmatch_builder_free(b);
	return ac;
}

void acmatch_scan(const struct acmatch *ac, const unsigned char *text, size_t len,
		  acmatch_hit_fn hit, void *arg)
{
	uint32_t st = 0;

	if (!ac)
		return;
	for (size_t i = 0; i < len; i++) {
		st = ac->delta[st * ac->ncls + ac->cls[text[i]]];
		uint32_t a = ac->out_start[st], z = ac->out_start[st + 1];
		for (; a < z; a++)
			hit(arg, ac->out_ids[a]);
	}
}

size_t acmatch_states(const struct acmatch *ac)
{
	return ac ? ac->nstates : 0;
}

size_t acmatch_bytes(const struct acmatch *ac)
{
	if (!ac)
		return 0;
	return sizeof(*ac) + ac->nstates * ac->ncls * sizeof(uint32_t) +
	       (ac->nstates + 1) * sizeof(uint32_t) + ac->nout * sizeof(uint32_t);
}

void acmatch_free(struct acmatch *ac)
{
	if (!ac)
		return;
	free(ac->delta);
	free(ac->out_start);
	free(ac->out_ids);
	free(ac);
}
