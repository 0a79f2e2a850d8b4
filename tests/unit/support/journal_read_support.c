/* Helpers shared by the journal reader's unit tests (see journal_read_support.h). */
#include "journal_read_support.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "util.h"

void chain_init(struct chain *c)
{
	memset(c, 0, sizeof *c);
	c->dir = tu_tmpdir();
}

void chain_free(struct chain *c)
{
	tu_rmtree(c->dir);
	free(c->dir);
}

char *path_in(const char *dir, const char *name)
{
	struct sbuf b;
	sbuf_init(&b);
	sbuf_printf(&b, "%s/%s", dir, name);
	return sbuf_take(&b);
}

void append_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0640);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

void chain_add(struct chain *c, int32_t day, const char *name, int n, const char *event)
{
	char fname[32];
	struct sbuf out;
	sbuf_init(&out);
	if (c->day_first == 0 || day != c->day) {
		c->day = day;
		c->day_first = c->seq + 1;
	}
	if (!name) {
		journal_day_str(day, fname);
		strcat(fname, ".jsonl");
		name = fname;
	}
	for (int i = 0; i < n; i++) {
		struct journal_record r;
		char id[24];
		memset(&r, 0, sizeof r);
		c->seq++;
		snprintf(id, sizeof id, "id%llu", (unsigned long long)c->seq);
		r.seq = c->seq;
		r.time_us = (int64_t)day * US_PER_DAY - OFF8 * 1000000LL + 3600LL * 1000000 +
			    (int64_t)c->seq * 1000;
		r.utc_offset = OFF8;
		r.id = id;
		r.event = event ? event : "hit";
		r.proto = "dns";
		r.action = "block";
		r.client = "192.0.2.7";
		r.host = "bet.example";
		r.category = "gambling";
		memcpy(r.prev, c->last, JOURNAL_HASH_LEN);
		journal_format_line(&out, &r);
		memcpy(c->last, r.hash, JOURNAL_HASH_LEN);
	}
	char *p = path_in(c->dir, name);
	append_file(p, out.data, out.len);
	free(p);
	sbuf_free(&out);
}
