/* libFuzzer target for the journal reader side: the bytes as a journal file through the
 * streaming line reader, each line through the line parser (with the tightest arena the
 * API allows), the hash check and the digest parser, and the first line as a file name,
 * a day and a time. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "journal_format.h"
#include "journal_read.h"
#include "journal_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one_line(const char *line, size_t len)
{
	struct journal_record r;
	struct journal_digest d;
	const char *err = NULL;
	char *arena = malloc(len + 1);
	if (journal_parse_line(line, len, &r, arena, len + 1, &err) == 0) {
		(void)journal_line_hash_ok(line, &r);
		/* every string the parser returns is inside the arena and terminated */
		const char *s[] = { r.id, r.event, r.proto, r.action, r.client, r.host, r.path,
				    r.rule_file, r.rule_text, r.reason, r.start_prev };
		for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
			if (s[i] && (s[i] < arena || s[i] + strlen(s[i]) >= arena + len + 1))
				abort();
		if (r.body_len >= len)
			abort();
	} else if (!err) {
		abort();
	}
	free(arena);
	(void)journal_digest_parse(line, len, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The parsers on every line (fast); the file reader (a 1 MiB buffer per open) on
	 * one input in eight, or when it is long enough to matter. */
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n < JOURNAL_LINE_MAX)
			one_line(p, n);
		p += n + 1;
	}
	if (size % 8 != 0 && size < 4096)
		return 0;
	int fd = memfd_create("fuzz-journal", MFD_CLOEXEC);
	char path[64];
	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct journal_reader rd;
	const char *line;
	size_t len;
	bool complete;
	int got, first = 1;
	if (journal_reader_open(&rd, path) == 0) {
		while ((got = journal_reader_next(&rd, &line, &len, &complete)) != 0) {
			if (got < 0)
				continue;
			if (len >= JOURNAL_LINE_MAX)
				abort();
			if (first && len < 64) {
				char name[64];
				int32_t day, off;
				unsigned part;
				int64_t us;
				memcpy(name, line, len);
				name[len] = '\0';
				(void)journal_file_name_parse(name, &day, &part);
				(void)journal_parse_day(line, len, &day);
				(void)journal_parse_time(line, len, &us, &off);
			}
			first = 0;
		}
		journal_reader_close(&rd);
	}
	close(fd);
	return 0;
}
