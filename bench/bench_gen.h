/* Deterministic name and pattern generator for the policy benchmark, shaped like
 * ../shared/bench/gen/gen_data.py (syllables, ad/tracking words, weighted TLDs). */
#ifndef CG_BENCH_GEN_H
#define CG_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* splitmix64 step on *s; a value below n. */
uint64_t rng_next(uint64_t *s);
unsigned rng_below(uint64_t *s, unsigned n);
/* Listed name number i of the list seeded with seed, into b (reset first). */
void gen_block_name(uint64_t seed, size_t i, struct sbuf *b);
/* An unlisted name from the stream *s, into b (reset first). */
void gen_allow_name(uint64_t *s, struct sbuf *b);
/* Pattern number i (keyword, pinyin, Chinese, number-padded shapes), into b. */
void gen_pattern(size_t i, struct sbuf *b);
/* A subdomain label for queries below a listed name ("www", "cdn", ...). */
const char *gen_query_sub(uint64_t *s);

#endif
