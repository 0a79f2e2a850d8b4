/* Large growable arrays backed by anonymous mmap. */
#include "bigbuf.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BIGBUF_HUGE_MIN (4u << 20)

static size_t bigbuf_page(void)
{
	static size_t page;

	if (page == 0) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (size_t)p : 4096;
	}
	return page;
}

static size_t bigbuf_round(size_t n)
{
	size_t page = bigbuf_page();

	return (n + page - 1) / page * page;
}

int bigbuf_reserve(struct bigbuf *b, size_t need)
{
	size_t cap;
	void *p;

	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64 * 1024;
	while (cap < need) {
		if (cap > ((size_t)-1) / 2)
			return -1;
		cap *= 2;
	}
	cap = bigbuf_round(cap);
	if (b->p)
		p = mremap(b->p, b->cap, cap, MREMAP_MAYMOVE);
	else
		p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* Lookups hit random places in big sets: huge pages save most TLB misses. Only a
	 * hint; the kernel may ignore it. */
	if (cap >= BIGBUF_HUGE_MIN)
		madvise(p, cap, MADV_HUGEPAGE);
	b->p = p;
	b->cap = cap;
	return 0;
}

void *bigbuf_append(struct bigbuf *b, const void *data, size_t n)
{
	char *dst;

	if (b->len + n < b->len || bigbuf_reserve(b, b->len + n) < 0)
		return NULL;
	dst = (char *)b->p + b->len;
	if (data)
		memcpy(dst, data, n);
	b->len += n;
	return dst;
}

void bigbuf_shrink(struct bigbuf *b)
{
	size_t cap;
	void *p;

	if (!b->p)
		return;
	cap = bigbuf_round(b->len ? b->len : 1);
	if (cap >= b->cap)
		return;
	p = mremap(b->p, b->cap, cap, 0);
	if (p != MAP_FAILED)
		b->cap = cap;
}

void bigbuf_free(struct bigbuf *b)
{
	if (b->p)
		munmap(b->p, b->cap);
	b->p = NULL;
	b->len = b->cap = 0;
}
