/* journal_index: building and checking the per-file index and rollup (journal_index.h);
 * its serialised form is in journal_index_file.c. */
#include "journal_index.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_read.h"

void journal_index_init(struct journal_index *ix)
{
	memset(ix, 0, sizeof *ix);
}

void journal_index_free(struct journal_index *ix)
{
	for (size_t i = 1; i < ix->nstr; i++)
		free(ix->str[i]);
	free(ix->str);
	free(ix->shash);
	free(ix->blk);
	free(ix->row);
	free(ix->rhash);
	journal_index_init(ix);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define FNV0 0xcbf29ce484222325ULL

/* ---- strings --------------------------------------------------------------------- */

const char *journal_index_str(const struct journal_index *ix, uint32_t i)
{
	return i > 0 && i < ix->nstr ? ix->str[i] : NULL;
}

static void str_rehash(struct journal_index *ix)
{
	free(ix->shash);
	ix->shcap = 64;
	while (ix->shcap < ix->nstr * 2)
		ix->shcap *= 2;
	ix->shash = xcalloc(ix->shcap, sizeof *ix->shash);
	for (uint32_t i = 1; i < ix->nstr; i++) {
		size_t m = ix->shcap - 1, h = fnv(FNV0, ix->str[i], strlen(ix->str[i])) & m;
		while (ix->shash[h])
			h = (h + 1) & m;
		ix->shash[h] = i;
	}
}

/* The id of s (made when new), 0 for NULL, UINT32_MAX when there is no room. */
static uint32_t str_id(struct journal_index *ix, const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (n > JIDX_STR_MAX) {
		n = JIDX_STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* cut on a character boundary */
	}
	if (ix->nstr == 0)
		ix->nstr = 1;
	if (ix->shcap < ix->nstr * 2 + 2)
		str_rehash(ix);
	size_t m = ix->shcap - 1, h = fnv(FNV0, s, n) & m;
	for (; ix->shash[h]; h = (h + 1) & m) {
		const char *t = ix->str[ix->shash[h]];
		if (strncmp(t, s, n) == 0 && t[n] == '\0') /* stops at t's end */
			return ix->shash[h];
	}
	if (ix->nstr > JIDX_STRINGS_MAX)
		return UINT32_MAX;
	if (ix->nstr >= ix->capstr) {
		ix->capstr = ix->capstr ? ix->capstr * 2 : 64;
		ix->str = xrealloc(ix->str, ix->capstr * sizeof *ix->str);
		ix->str[0] = NULL;
	}
	ix->str[ix->nstr] = xstrndup(s, n);
	ix->shash[h] = (uint32_t)ix->nstr;
	return (uint32_t)ix->nstr++;
}

/* ---- rollup rows ----------------------------------------------------------------- */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

static uint64_t row_key_hash(const struct jidx_row *r)
{
	uint64_t h = mix(r->kind, (uint32_t)r->hour);
	h = mix(h, (uint64_t)r->k[0] << 32 | r->k[1]);
	return mix(h, (uint64_t)r->k[2] << 32 | r->k[3]);
}

static bool row_key_eq(const struct jidx_row *a, const struct jidx_row *b)
{
	return a->kind == b->kind && a->hour == b->hour && memcmp(a->k, b->k, sizeof a->k) == 0;
}

static void row_rehash(struct journal_index *ix)
{
	free(ix->rhash);
	ix->rhcap = 64;
	while (ix->rhcap < ix->nrow * 2)
		ix->rhcap *= 2;
	ix->rhash = xcalloc(ix->rhcap, sizeof *ix->rhash);
	for (size_t i = 0; i < ix->nrow; i++) {
		size_t m = ix->rhcap - 1, h = row_key_hash(&ix->row[i]) & m;
		while (ix->rhash[h])
			h = (h + 1) & m;
		ix->rhash[h] = (uint32_t)i + 1;
	}
}

static void row_add(struct journal_index *ix, const struct jidx_row *key)
{
	for (size_t i = 0; i < 4; i++)
		if (key->k[i] == UINT32_MAX) {
			ix->overflow++;
			return;
		}
	if (ix->rhcap < ix->nrow * 2 + 2)
		row_rehash(ix);
	size_t m = ix->rhcap - 1, h = row_key_hash(key) & m;
	for (; ix->rhash[h]; h = (h + 1) & m)
		if (row_key_eq(&ix->row[ix->rhash[h] - 1], key)) {
			ix->row[ix->rhash[h] - 1].n++;
			return;
		}
	if (ix->nrow >= JIDX_ROWS_MAX) {
		ix->overflow++;
		return;
	}
	if (ix->nrow == ix->caprow) {
		ix->caprow = ix->caprow ? ix->caprow * 2 : 256;
		ix->row = xrealloc(ix->row, ix->caprow * sizeof *ix->row);
	}
	ix->row[ix->nrow] = *key;
	ix->row[ix->nrow].n = 1;
	ix->rhash[h] = (uint32_t)++ix->nrow;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void rollup_add(struct journal_index *ix, const struct journal_record *r)
{
	struct jidx_row k = { .kind = JIDX_HOUR };
	int64_t hour = floor_div(r->time_us, 3600LL * 1000000);
	if (hour < INT32_MIN || hour > INT32_MAX) {
		ix->overflow++;
		return;
	}
	k.hour = (int32_t)hour;
	k.k[0] = str_id(ix, r->group);
	k.k[1] = str_id(ix, r->category);
	k.k[2] = str_id(ix, r->action);
	k.k[3] = str_id(ix, r->event);
	row_add(ix, &k);
	if (r->event && strcmp(r->event, "hit") != 0 && strcmp(r->event, "bypass") != 0)
		return; /* not an incident (the journal's own events, admin actions) */
	struct jidx_row c = { .kind = JIDX_CLIENT, .k = { k.k[0], str_id(ix, r->client) } };
	row_add(ix, &c);
	struct jidx_row s = { .kind = JIDX_SITE, .k = { k.k[0], str_id(ix, r->host) } };
	row_add(ix, &s);
}

/* ---- blocks and their Bloom filters ------------------------------------------------ */

static const char *const bloom_keys[] = {
	"category", "group", "action", "proto", "event", "id", "client",
};

static uint64_t bloom_hash(const char *key, size_t klen, const char *val, size_t vlen)
{
	uint64_t h = fnv(FNV0, key, klen);
	h = fnv(h, "", 1);
	h = fnv(h, val, vlen);
	return h ^ (h >> 29);
}

static void bloom_set(uint64_t *bloom, uint64_t h)
{
	for (int i = 0; i < 3; i++) {
		unsigned bit = (unsigned)(h >> (i * 21)) & (JIDX_BLOOM_WORDS * 64 - 1);
		bloom[bit / 64] |= 1ULL << (bit % 64);
	}
}

static bool bloom_has(const uint64_t *bloom, uint64_t h)
{
	for (int i = 0; i < 3; i++) {
		unsigned bit = (unsigned)(h >> (i * 21)) & (JIDX_BLOOM_WORDS * 64 - 1);
		if (!(bloom[bit / 64] & (1ULL << (bit % 64))))
			return false;
	}
	return true;
}

/* The Bloom hash of a "key":"value" needle for an indexed key, or false. */
static bool needle_hash(const char *s, uint64_t *h)
{
	size_t n = strlen(s);
	if (n < 6 || s[0] != '"' || s[n - 1] != '"')
		return false;
	const char *kend = strchr(s + 1, '"');
	if (!kend || kend[1] != ':' || kend[2] != '"')
		return false;
	const char *val = kend + 3;
	size_t vlen = (size_t)(s + n - 1 - val);
	if (kend + 3 > s + n - 1 || memchr(val, '"', vlen) || memchr(val, '\\', vlen))
		return false;
	size_t klen = (size_t)(kend - (s + 1));
	for (size_t i = 0; i < CG_ARRAY_LEN(bloom_keys); i++)
		if (strlen(bloom_keys[i]) == klen && memcmp(bloom_keys[i], s + 1, klen) == 0) {
			*h = bloom_hash(s + 1, klen, val, vlen);
			return true;
		}
	return false;
}

bool journal_index_block_may(const struct jidx_block *b, int64_t from_us, int64_t to_us,
			     const char *const *must)
{
	if (b->opaque)
		return true;
	if (b->tmax < from_us || b->tmin > to_us)
		return false;
	for (; must && *must; must++) {
		uint64_t h;
		if (needle_hash(*must, &h) && !bloom_has(b->bloom, h))
			return false;
	}
	return true;
}

/* The block the line at off goes into: the last one when it has room, else a new one. */
static struct jidx_block *block_for(struct journal_index *ix, uint64_t off, size_t len)
{
	struct jidx_block *b = ix->nblk ? &ix->blk[ix->nblk - 1] : NULL;
	if (b && b->lines < JIDX_BLOCK_LINES && b->len + len <= JIDX_BLOCK_BYTES &&
	    b->off + b->len == off)
		return b;
	if (ix->nblk == ix->capblk) {
		ix->capblk = ix->capblk ? ix->capblk * 2 : 64;
		ix->blk = xrealloc(ix->blk, ix->capblk * sizeof *ix->blk);
	}
	b = &ix->blk[ix->nblk++];
	memset(b, 0, sizeof *b);
	b->off = off;
	b->tmin = INT64_MAX;
	b->tmax = INT64_MIN;
	return b;
}

/* The raw values of the members the index wants, in one pass over the line: at each
 * ":" (a member's key and value meet) the key is the text back to the quote before it
 * and the value runs to its closing quote (escapes skipped). Every value of a key of
 * the Bloom filter goes into it (every occurrence, whatever the line: the filter then
 * holds whatever a raw needle "key":"value" of journal_scan could match); the first of
 * each of the n keys is kept in v[] (NULL: none). Returns false when a value holds an
 * escape (the rollup then takes the full parse's decoded strings). */
static bool raw_members(const char *line, size_t len, const char *const *keys, size_t n,
			size_t nbloom, uint64_t *bloom, const char **v, size_t *vlen)
{
	const char *end = line + len;
	bool plain = true;
	for (size_t k = 0; k < n; k++)
		v[k] = NULL;
	for (const char *p = line; (p = memmem(p, (size_t)(end - p), "\":\"", 3)) != NULL;) {
		const char *ks = p, *val = p + 3, *q = val;
		while (ks > line && ks[-1] != '"' && p - ks < 16)
			ks--;
		bool esc = false;
		while (q < end && *q != '"') {
			if (*q == '\\') {
				esc = true;
				q++;
			}
			q++;
		}
		if (q > end)
			q = end;
		size_t klen = (size_t)(p - ks);
		for (size_t k = 0; k < n; k++) {
			if (strlen(keys[k]) != klen || memcmp(keys[k], ks, klen) != 0)
				continue;
			if (k < nbloom)
				bloom_set(bloom, bloom_hash(ks, klen, val, (size_t)(q - val)));
			if (!v[k]) {
				v[k] = val;
				vlen[k] = (size_t)(q - val);
				plain &= !esc;
			}
			break;
		}
		p = q;
	}
	return plain;
}

/* The rollup's fields as raw values copied into buf (a journal line has no NUL). */
static const char *raw_copy(char **buf, const char *v, size_t n)
{
	if (!v)
		return NULL;
	char *out = *buf;
	memcpy(out, v, n);
	out[n] = '\0';
	*buf += n + 1;
	return out;
}

static void index_line(struct journal_index *ix, const char *line, size_t len, uint64_t off,
		       char *arena)
{
	/* the keys of the Bloom filter, then host, which only the rollup needs */
	enum { K_CAT, K_GROUP, K_ACTION, K_PROTO, K_EVENT, K_ID, K_CLIENT, K_HOST, K_N };
	struct jidx_block *b = block_for(ix, off, len + 1);
	struct journal_record r;
	const char *err, *v[K_N];
	size_t vlen[K_N];
	bool plain = true;
	int64_t t;
	b->len += (uint32_t)len + 1;
	b->lines++;
	ix->lines++;
	if (journal_line_time(line, len, &t) < 0) {
		/* not as the writer starts a line: the scan parses it in full, so must see it */
		b->opaque = 1;
		if (journal_parse_line(line, len, &r, arena, JOURNAL_LINE_MAX + 1, &err) == 0)
			rollup_add(ix, &r);
		return;
	}
	if (t < b->tmin)
		b->tmin = t;
	if (t > b->tmax)
		b->tmax = t;
	static const char *const keys[K_N] = {
		"category", "group", "action", "proto", "event", "id", "client", "host",
	};
	plain = raw_members(line, len, keys, K_N, K_HOST, b->bloom, v, vlen);
	if (!plain) {
		/* an escaped value: the rollup takes the decoded strings */
		if (journal_parse_line(line, len, &r, arena, JOURNAL_LINE_MAX + 1, &err) == 0)
			rollup_add(ix, &r);
		return;
	}
	char *at = arena;
	memset(&r, 0, sizeof r);
	r.time_us = t;
	r.category = raw_copy(&at, v[K_CAT], vlen[K_CAT]);
	r.group = raw_copy(&at, v[K_GROUP], vlen[K_GROUP]);
	r.action = raw_copy(&at, v[K_ACTION], vlen[K_ACTION]);
	r.event = raw_copy(&at, v[K_EVENT], vlen[K_EVENT]);
	r.client = raw_copy(&at, v[K_CLIENT], vlen[K_CLIENT]);
	r.host = raw_copy(&at, v[K_HOST], vlen[K_HOST]);
	rollup_add(ix, &r);
}

/* ---- keeping up with the file ------------------------------------------------------ */

/* Whether the bytes before ix->covered still end with the tail recorded. */
static bool tail_ok(int fd, const struct journal_index *ix)
{
	char buf[65];
	size_t n = ix->tail_len + 1;
	if (ix->covered < n || ix->tail_len > sizeof ix->tail)
		return false;
	if (pread(fd, buf, n, (off_t)(ix->covered - n)) != (ssize_t)n)
		return false;
	return buf[n - 1] == '\n' && memcmp(buf, ix->tail, ix->tail_len) == 0;
}

static void set_tail(struct journal_index *ix, const char *line, size_t len)
{
	ix->tail_len = (uint32_t)(len < sizeof ix->tail ? len : sizeof ix->tail);
	memcpy(ix->tail, line + len - ix->tail_len, ix->tail_len);
}

int journal_index_update(struct journal_index *ix, const char *path)
{
	struct journal_reader rd;
	struct stat st;
	if (journal_reader_open(&rd, path) < 0)
		return -1;
	if (fstat(rd.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		journal_reader_close(&rd);
		errno = EINVAL;
		return -1;
	}
	int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	uint64_t size = (uint64_t)st.st_size;
	bool keep = ix->covered > 0 && ix->dev == (uint64_t)st.st_dev &&
		    ix->ino == (uint64_t)st.st_ino && size >= ix->covered && tail_ok(rd.fd, ix);
	if (keep && size == ix->covered && mtime != ix->mtime_ns)
		keep = false; /* same size, written since: changed in place */
	if (keep && size == ix->covered) {
		journal_reader_close(&rd);
		return 0;
	}
	if (!keep) {
		journal_index_free(ix);
		ix->dev = (uint64_t)st.st_dev;
		ix->ino = (uint64_t)st.st_ino;
	}
	int rc = keep ? 1 : 2;
	if (journal_reader_seek(&rd, ix->covered) < 0) {
		journal_reader_close(&rd);
		return -1;
	}
	char *arena = xmalloc(JOURNAL_LINE_MAX + 1);
	const char *line;
	size_t len;
	bool complete;
	int got;
	while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
		if (got < 0) {
			if (errno != EMSGSIZE) {
				rc = -1;
				break;
			}
			ix->degraded = true; /* an over-long line: blocks would not cover it */
			break;
		}
		if (!complete)
			break; /* being written, or torn: not yet */
		index_line(ix, line, len, rd.offset, arena);
		ix->covered = rd.offset + len + 1;
		set_tail(ix, line, len);
	}
	free(arena);
	ix->mtime_ns = mtime;
	journal_reader_close(&rd);
	return rc;
}
