/* journal_index_file: the index's bytes on disk (a cache file), written and read back.
 * The reader takes any bytes: a BLAKE2b checksum, every count bounded by what is left,
 * blocks contiguous from 0 to the covered size, string ids in range. The file is local
 * to the reader (never shared between users), so the layout is the machine's own. */
#include "journal_index.h"

#include <sodium.h>
#include <string.h>

static const char magic[8] = { 'C', 'G', 'J', 'I', 'D', 'X', '0', '1' };

struct jidx_head {
	char magic[8];
	uint64_t dev, ino;
	int64_t mtime_ns;
	uint64_t covered, lines, overflow;
	uint32_t tail_len, flags;
	char tail[64];
	uint64_t nblk, nstr, nrow;
};
#define JIDX_DEGRADED 1u
#define JIDX_SUM 32

void journal_index_dump(const struct journal_index *ix, struct sbuf *out)
{
	struct jidx_head h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, magic, sizeof magic);
	h.dev = ix->dev;
	h.ino = ix->ino;
	h.mtime_ns = ix->mtime_ns;
	h.covered = ix->covered;
	h.lines = ix->lines;
	h.overflow = ix->overflow;
	h.tail_len = ix->tail_len;
	h.flags = ix->degraded ? JIDX_DEGRADED : 0;
	memcpy(h.tail, ix->tail, sizeof h.tail);
	h.nblk = ix->nblk;
	h.nstr = ix->nstr ? ix->nstr - 1 : 0;
	h.nrow = ix->nrow;
	size_t start = out->len;
	sbuf_add(out, &h, sizeof h);
	if (ix->nblk)
		sbuf_add(out, ix->blk, ix->nblk * sizeof *ix->blk);
	for (size_t i = 1; i < ix->nstr; i++) {
		uint32_t n = (uint32_t)strlen(ix->str[i]);
		sbuf_add(out, &n, sizeof n);
		sbuf_add(out, ix->str[i], n);
	}
	if (ix->nrow)
		sbuf_add(out, ix->row, ix->nrow * sizeof *ix->row);
	unsigned char sum[JIDX_SUM];
	crypto_generichash(sum, sizeof sum, (const unsigned char *)out->data + start,
			   out->len - start, NULL, 0);
	sbuf_add(out, sum, sizeof sum);
}

static bool blocks_ok(const struct journal_index *ix)
{
	uint64_t at = 0, lines = 0;
	for (size_t i = 0; i < ix->nblk; i++) {
		const struct jidx_block *b = &ix->blk[i];
		if (b->off != at || b->len == 0 || b->lines == 0 || b->lines > JIDX_BLOCK_LINES ||
		    b->len > JIDX_BLOCK_BYTES + JOURNAL_LINE_MAX)
			return false;
		at += b->len;
		lines += b->lines;
	}
	return at == ix->covered && lines == ix->lines;
}

static int load_strings(struct journal_index *ix, const unsigned char **p,
			const unsigned char *end, uint64_t nstr)
{
	if (nstr > JIDX_STRINGS_MAX)
		return -1;
	ix->capstr = ix->nstr = (size_t)nstr + 1;
	ix->str = xcalloc(ix->capstr, sizeof *ix->str);
	for (size_t i = 1; i < ix->nstr; i++) {
		uint32_t n;
		if ((size_t)(end - *p) < sizeof n)
			return -1;
		memcpy(&n, *p, sizeof n);
		*p += sizeof n;
		if (n > JIDX_STR_MAX || (size_t)(end - *p) < n || memchr(*p, '\0', n))
			return -1;
		ix->str[i] = xstrndup((const char *)*p, n);
		*p += n;
	}
	return 0;
}

int journal_index_load(struct journal_index *ix, const void *buf, size_t len)
{
	struct jidx_head h;
	const unsigned char *p = buf, *end;
	unsigned char sum[JIDX_SUM];
	journal_index_init(ix);
	if (len < sizeof h + JIDX_SUM || len > JIDX_FILE_MAX)
		return -1;
	end = p + len - JIDX_SUM;
	crypto_generichash(sum, sizeof sum, p, len - JIDX_SUM, NULL, 0);
	if (sodium_memcmp(sum, end, JIDX_SUM) != 0)
		return -1;
	memcpy(&h, p, sizeof h);
	p += sizeof h;
	if (memcmp(h.magic, magic, sizeof magic) != 0 || h.tail_len > sizeof h.tail ||
	    (h.flags & ~JIDX_DEGRADED) || h.nrow > JIDX_ROWS_MAX ||
	    h.nblk > (size_t)(end - p) / sizeof(struct jidx_block))
		return -1;
	ix->dev = h.dev;
	ix->ino = h.ino;
	ix->mtime_ns = h.mtime_ns;
	ix->covered = h.covered;
	ix->lines = h.lines;
	ix->overflow = h.overflow;
	ix->tail_len = h.tail_len;
	memcpy(ix->tail, h.tail, sizeof ix->tail);
	ix->degraded = (h.flags & JIDX_DEGRADED) != 0;
	ix->nblk = ix->capblk = (size_t)h.nblk;
	if (ix->nblk) {
		ix->blk = xmalloc(ix->nblk * sizeof *ix->blk);
		memcpy(ix->blk, p, ix->nblk * sizeof *ix->blk);
		p += ix->nblk * sizeof *ix->blk;
	}
	if (!blocks_ok(ix) || load_strings(ix, &p, end, h.nstr) < 0 ||
	    h.nrow != (size_t)(end - p) / sizeof(struct jidx_row) ||
	    (size_t)(end - p) % sizeof(struct jidx_row))
		goto fail;
	ix->nrow = ix->caprow = (size_t)h.nrow;
	if (ix->nrow) {
		ix->row = xmalloc(ix->nrow * sizeof *ix->row);
		memcpy(ix->row, p, ix->nrow * sizeof *ix->row);
	}
	for (size_t i = 0; i < ix->nrow; i++) {
		const struct jidx_row *r = &ix->row[i];
		if (r->kind >= JIDX_KINDS || (r->kind != JIDX_HOUR && r->hour != 0))
			goto fail;
		for (size_t k = 0; k < 4; k++)
			if (r->k[k] >= ix->nstr)
				goto fail;
	}
	return 0;
fail:
	journal_index_free(ix);
	return -1;
}
