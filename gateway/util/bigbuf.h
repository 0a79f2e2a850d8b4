/* Large growable arrays backed by anonymous mmap, so that memory freed after a build goes
 * back to the system at once (matcher sets of millions of names). */
#ifndef CG_BIGBUF_H
#define CG_BIGBUF_H

#include <stddef.h>

struct bigbuf {
	void *p;     /* NULL until the first reserve */
	size_t len;  /* bytes in use (kept by the caller) */
	size_t cap;  /* bytes mapped */
};

/* Make room for at least need bytes in total, keeping the contents; new bytes are zero.
 * 0 or -1 (out of memory; the buffer is unchanged). */
int bigbuf_reserve(struct bigbuf *b, size_t need);
/* Append n bytes; returns a pointer to them inside the buffer, or NULL when out of memory. */
void *bigbuf_append(struct bigbuf *b, const void *data, size_t n);
/* Give back the mapped pages beyond len. */
void bigbuf_shrink(struct bigbuf *b);
void bigbuf_free(struct bigbuf *b);

#endif
