/* Message body framing for the relay: Content-Length, chunked or close-delimited. */
#include "http_body.h"

#include <string.h>

#define CHUNK_LINE_MAX 4096
#define TRAILER_MAX 16384

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

enum chunk_state {
	CS_SIZE, CS_EXT, CS_SIZE_LF, CS_DATA, CS_DATA_CR, CS_DATA_LF,
	CS_TRAILER_START, CS_TRAILER, CS_TRAILER_LF, CS_END_LF, CS_DONE,
};

void http_body_init(struct http_body *b, enum http_body_mode mode, uint64_t length)
{
	memset(b, 0, sizeof(*b));
	b->mode = mode;
	b->remaining = mode == HTTP_BODY_LENGTH ? length : 0;
	b->state = mode == HTTP_BODY_NONE ? CS_DONE : CS_SIZE;
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
	if (c == '\r' || c == '\n') {
		if (!b->size_digits)
			return chunk_fail(b, "chunk size missing");
		b->state = c == '\r' ? CS_SIZE_LF : (b->remaining ? CS_DATA : CS_TRAILER_START);
		return 0;
	}
	if (b->state == CS_EXT) {
		if (c == '\0')
			return chunk_fail(b, "NUL in a chunk extension");
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
			if (c == '\r')
				b->state = CS_DATA_LF;
			else if (c == '\n')
				goto next_chunk;
			else
				return chunk_fail(b, "chunk data not followed by CRLF");
			break;
		case CS_DATA_LF:
			if (c != '\n')
				return chunk_fail(b, "chunk data not followed by CRLF");
next_chunk:
			b->state = CS_SIZE;
			b->line_len = 0;
			b->size_digits = false;
			break;
		case CS_TRAILER_START:
			if (c == '\r')
				b->state = CS_END_LF;
			else if (c == '\n')
				b->state = CS_DONE;
			else
				b->state = CS_TRAILER;
			break;
		case CS_TRAILER:
			if (c == '\r')
				b->state = CS_TRAILER_LF;
			else if (c == '\n')
				b->state = CS_TRAILER_START;
			else if (c == '\0')
				return chunk_fail(b, "NUL in a trailer");
			break;
		case CS_TRAILER_LF:
		case CS_END_LF:
			if (c != '\n')
				return chunk_fail(b, "bare CR in the trailer section");
			b->state = b->state == CS_END_LF ? CS_DONE : CS_TRAILER_START;
			break;
		default:
			break;
		}
		if (b->state >= CS_TRAILER_START && ++b->trailer_bytes > TRAILER_MAX)
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
