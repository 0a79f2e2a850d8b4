/* libFuzzer target: journal_index_load on arbitrary bytes, the index cache file a reader
 * takes back from its folder. The input's last 32 bytes are replaced by the right
 * checksum first, so that the checks behind it are reached. A loaded index must keep
 * every bound the scans rely on (blocks contiguous from 0 to the covered size, string
 * ids in range), and must dump and load back the same. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "journal_index.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct journal_index ix, back;
	if (size < 32 || size > (1u << 20))
		return 0;
	unsigned char *buf = malloc(size);
	memcpy(buf, data, size);
	crypto_generichash(buf + size - 32, 32, buf, size - 32, NULL, 0);
	if (journal_index_load(&ix, buf, size) == 0) {
		uint64_t at = 0;
		for (size_t i = 0; i < ix.nblk; i++) {
			if (ix.blk[i].off != at)
				abort();
			at += ix.blk[i].len;
			(void)journal_index_block_may(&ix.blk[i], 0, 1,
				(const char *const[]){ "\"client\":\"10.0.0.1\"", NULL });
		}
		if (at != ix.covered)
			abort();
		for (size_t r = 0; r < ix.nrow; r++)
			for (int k = 0; k < 4; k++)
				if (ix.row[r].k[k] && !journal_index_str(&ix, ix.row[r].k[k]))
					abort();
		struct sbuf out;
		sbuf_init(&out);
		journal_index_dump(&ix, &out);
		if (journal_index_load(&back, out.data, out.len) != 0 || back.nblk != ix.nblk ||
		    back.nrow != ix.nrow || back.nstr != ix.nstr)
			abort();
		journal_index_free(&back);
		sbuf_free(&out);
		journal_index_free(&ix);
	}
	free(buf);
	return 0;
}
