/* Message body framing for the relay: Content-Length, chunked (CRLF only, trailer
 * fields checked as header fields) or close-delimited. */
#include "http_body.h"

#include <string.h>

#define CHUNK_LINE_MAX 4096
#define TRAILER_MAX 16384      /* the default caps of a head (http_parse.c) */
#define TRAILER_LINE_MAX 8192
#define TRAILER_FIELDS_MAX 100

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

enum chunk_state {
	CS_SIZE, CS_EXT, CS_SIZE_LF, CS_DATA, CS_DATA_CR, CS_DATA_LF,
	CS_TRAILER_START, CS_TRAILER_NAME, CS_TRAILER_VALUE, CS_TRAILER_LF, CS_END_LF, CS_DONE,
};

void http_body_init(struct http_body *b, enum http_body_mode mode, uint64_t length)
{
	memset(b, 0, sizeof(*b));
	b->mode = mode;
	b->remaining = mode == HTTP_BODY_LENGTH ? length : 0;
	b->state = mode == HTTP_BODY_NONE ? CS_DONE : CS_SIZE;
	b->max_line = TRAILER_LINE_MAX;
	b->max_section = TRAILER_MAX;
	b->max_fields = TRAILER_FIELDS_MAX;
}

void http_body_limits(struct http_body *b, const struct http_limits *lim)
{
	if (!lim)
		return;
	if (lim->max_head)
		b->max_section = lim->max_head;
	if (lim->max_line)
		b->max_line = lim->max_line;
	if (lim->max_headers)
		b->max_fields = lim->max_headers;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int chunk_fail(struct http_body *b, const char *why)
{
	b->error = why;
	return -1;
}

/* One byte of a chunk-size line: hex digits, then perhaps extensions after ';' (or white
 * space), then the line end. 0, or -1 with b->error. */
static int chunk_size_byte(struct http_body *b, char c)
{
	if (++b->line_len > CHUNK_LINE_MAX)
		return chunk_fail(b, "chunk size line too long");
	if (c == '\n')
		return chunk_fail(b, "bare LF in a chunk size line");
	if (c == '\r') {
		if (!b->size_digits)
			return chunk_fail(b, "chunk size missing");
		b->state = CS_SIZE_LF;
		return 0;
	}
	if (b->state == CS_EXT) {
		if (c == '\0')
			return chunk_fail(b, "NUL in a chunk extension");
		if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f)
			return chunk_fail(b, "control character in a chunk extension");
		return 0;
	}
	if (hexval(c) >= 0) {
		if (b->remaining >> 59)
			return chunk_fail(b, "chunk size too large");
		b->remaining = b->remaining * 16 + (uint64_t)hexval(c);
		b->size_digits = true;
	} else if ((c == ';' || c == ' ' || c == '\t') && b->size_digits) {
		b->state = CS_EXT;
	} else {
		return chunk_fail(b, "invalid chunk size");
	}
	return 0;
}

/* One byte of the trailer section (RFC 9112 7.1.2): field lines as in a head, each
 * ended by CRLF, then an empty line. 0, or -1 with b->error. */
static int trailer_byte(struct http_body *b, char c)
{
	unsigned char u = (unsigned char)c;

	if (b->state != CS_TRAILER_LF && b->state != CS_END_LF && ++b->line_len > b->max_line)
		return chunk_fail(b, "trailer line too long");
	switch (b->state) {
	case CS_TRAILER_START:
		if (c == '\r') {
			b->state = CS_END_LF;
		} else if (c == ' ' || c == '\t') {
			return chunk_fail(b, "obsolete line folding in the trailer section");
		} else if (http_fields_tchar(u)) {
			if (++b->trailer_fields > b->max_fields)
				return chunk_fail(b, "too many trailer fields");
			b->state = CS_TRAILER_NAME;
		} else {
			return chunk_fail(b, c == '\n' ? "bare LF in the trailer section"
						       : "invalid trailer field name");
		}
		return 0;
	case CS_TRAILER_NAME:
		if (c == ':')
			b->state = CS_TRAILER_VALUE;
		else if (!http_fields_tchar(u))
			return chunk_fail(b, "invalid trailer field name");
		return 0;
	case CS_TRAILER_VALUE:
		if (c == '\r')
			b->state = CS_TRAILER_LF;
		else if (c == '\0')
			return chunk_fail(b, "NUL in a trailer");
		else if (c == '\n')
			return chunk_fail(b, "bare LF in the trailer section");
		else if ((u < 0x20 && c != '\t') || u == 0x7f)
			return chunk_fail(b, "control character in a trailer");
		return 0;
	case CS_TRAILER_LF:
	case CS_END_LF:
		if (c != '\n')
			return chunk_fail(b, "bare CR in the trailer section");
		b->state = b->state == CS_END_LF ? CS_DONE : CS_TRAILER_START;
		b->line_len = 0;
		return 0;
	default:
		return 0;
	}
}

static int chunked_feed(struct http_body *b, const char *buf, size_t len, size_t *used)
{
	size_t i = 0;
	while (i < len && b->state != CS_DONE) {
		char c = buf[i];
		switch (b->state) {
		case CS_SIZE:
		case CS_EXT:
			if (chunk_size_byte(b, c) < 0)
				return -1;
			break;
		case CS_SIZE_LF:
			if (c != '\n')
				return chunk_fail(b, "bare CR after chunk size");
			b->state = b->remaining ? CS_DATA : CS_TRAILER_START;
			b->line_len = 0;
			break;
		case CS_DATA: {
			size_t n = len - i;
			if (n > b->remaining)
				n = (size_t)b->remaining;
			b->remaining -= n;
			i += n;
			if (b->remaining == 0)
				b->state = CS_DATA_CR;
			continue;
		}
		case CS_DATA_CR:
			if (c != '\r')
				return chunk_fail(b, "chunk data not followed by CRLF");
			b->state = CS_DATA_LF;
			break;
		case CS_DATA_LF:
			if (c != '\n')
				return chunk_fail(b, "chunk data not followed by CRLF");
			b->state = CS_SIZE;
			b->line_len = 0;
			b->size_digits = false;
			break;
		case CS_TRAILER_START:
		case CS_TRAILER_NAME:
		case CS_TRAILER_VALUE:
		case CS_TRAILER_LF:
		case CS_END_LF:
			if (trailer_byte(b, c) < 0)
				return -1;
			break;
		default:
			break;
		}
		if (b->state >= CS_TRAILER_START && ++b->trailer_bytes > b->max_section)
			return chunk_fail(b, "trailer section too large");
		i++;
	}
	*used = i;
	return b->state == CS_DONE ? 1 : 0;
}

int http_body_feed(struct http_body *b, const char *buf, size_t len, size_t *used)
{
	*used = 0;
	switch (b->mode) {
	case HTTP_BODY_NONE:
		return 1;
	case HTTP_BODY_LENGTH: {
		size_t n = len;
		if (n > b->remaining)
			n = (size_t)b->remaining;
		b->remaining -= n;
		*used = n;
		return b->remaining == 0 ? 1 : 0;
	}
	case HTTP_BODY_CLOSE:
		*used = len;
		return 0;
	case HTTP_BODY_CHUNKED:
		if (b->state == CS_DONE)
			return 1;
		return chunked_feed(b, buf, len, used);
	}
	return -1;
}
