/* suggest: "did you mean" for a word that is not one of the known ones. */
#ifndef CG_SUGGEST_H
#define CG_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word (ASCII case-insensitive edit distance, an adjacent swap
 * counting as one edit, or word being a prefix of exactly one candidate), when it is
 * close enough to be a likely typo: at most 1 edit for words up to 4 bytes, 2 up to 8,
 * 3 beyond. NULL when none is, or when two candidates are equally close. Returns a
 * pointer into cands; words and candidates longer than 64 bytes are never suggested. */
const char *suggest_closest(const char *word, const char *const *cands, size_t n);

#endif
