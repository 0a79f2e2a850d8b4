/* The hash of a name and of each of its suffixes on label boundaries, computed in one
 * right-to-left pass (shared by domainset.c and urlset.c). */
#ifndef CG_NAMEHASH_H
#define CG_NAMEHASH_H

#include <stddef.h>
#include <stdint.h>

#define NAMEHASH_MAX_LABELS 128 /* a 253-byte name has at most 127 labels */

static inline uint64_t namehash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* The hash of the whole of name[0..len). */
static inline uint64_t namehash(const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = len; i-- > 0;)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ULL;
	return namehash_mix(h ^ len);
}

/* Hashes of every suffix of name that starts a label, shortest (the last label) first:
 * start[k] is where suffix k begins, hash[k] equals namehash(name + start[k], ...).
 * Returns the number of suffixes (at most NAMEHASH_MAX_LABELS). */
static inline size_t namehash_suffixes(const char *name, size_t len, uint64_t *hash,
				       uint16_t *start)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n = 0;

	for (size_t i = len; i-- > 0;) {
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ULL;
		if ((i == 0 || name[i - 1] == '.') && n < NAMEHASH_MAX_LABELS) {
			hash[n] = namehash_mix(h ^ (len - i));
			start[n] = (uint16_t)i;
			n++;
		}
	}
	return n;
}

#endif
