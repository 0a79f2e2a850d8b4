/* district_msg: the ingest's input parser. The structured data is read as RFC 5424 says
 * (SD-ELEMENTs, PARAM-VALUEs with \" \\ \] escapes), only the campusgate element is used,
 * and the journal line behind it is parsed with the journal's own parser. */
#include "district_msg.h"

#include <string.h>

#include "journal_read.h"

#define SD_ID "campusgate@32473"
#define PARAM_MAX 128 /* school_id, seq and day are short; longer values are skipped */

bool district_school_id_ok(const char *s, size_t n)
{
	if (n < 1 || n > DISTRICT_SCHOOL_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool utf8_check(const char *s, size_t n, bool controls)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned c = p[i];
		size_t k;
		uint32_t cp;
		if (c == 0 || (!controls && (c < 0x20 || c == 0x7f)))
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += k + 1;
	}
	return true;
}

bool district_text_ok(const char *s, size_t n)
{
	return utf8_check(s, n, false);
}

bool district_utf8_ok(const char *s, size_t n)
{
	return utf8_check(s, n, true);
}

/* The params of the campusgate element that the ingest needs. */
struct sd_vals {
	bool in_cg, have_cg;
	char school_id[PARAM_MAX + 1], seq[PARAM_MAX + 1], day[PARAM_MAX + 1];
	bool have_school, have_seq, have_day;
};

/* Read one PARAM-VALUE at s[*i] (after the opening quote) to its closing quote; the
 * unescaped value goes to out (cut at PARAM_MAX: *too_long). -1 when it does not end. */
static int sd_value(const char *s, size_t len, size_t *i, char *out, bool *too_long)
{
	size_t n = 0;
	*too_long = false;
	while (*i < len && s[*i] != '"') {
		char c = s[*i];
		if (c == '\\' && *i + 1 < len &&
		    (s[*i + 1] == '"' || s[*i + 1] == '\\' || s[*i + 1] == ']'))
			c = s[++*i];
		if (n < PARAM_MAX)
			out[n++] = c;
		else
			*too_long = true;
		++*i;
	}
	out[n] = '\0';
	if (*i >= len)
		return -1;
	++*i; /* the closing quote */
	return 0;
}

/* One SD-ELEMENT at s[*i] == '['; fills v from the campusgate element. */
static int sd_element(const char *s, size_t len, size_t *i, struct sd_vals *v, const char **why)
{
	size_t start = ++*i;
	while (*i < len && s[*i] != ' ' && s[*i] != ']' && s[*i] != '=' && s[*i] != '"')
		++*i;
	if (*i == start || *i >= len) {
		*why = "structured data: an element without an id";
		return -1;
	}
	v->in_cg = *i - start == strlen(SD_ID) && memcmp(s + start, SD_ID, strlen(SD_ID)) == 0;
	if (v->in_cg && v->have_cg) {
		*why = "structured data: the campusgate element twice";
		return -1;
	}
	v->have_cg |= v->in_cg;
	while (*i < len && s[*i] == ' ') {
		size_t name = ++*i;
		while (*i < len && s[*i] != '=' && s[*i] != ' ' && s[*i] != ']' && s[*i] != '"')
			++*i;
		size_t nlen = *i - name;
		if (nlen == 0 || nlen > 32 || *i + 1 >= len || s[*i] != '=' || s[*i + 1] != '"') {
			*why = "structured data: expected NAME=\"VALUE\"";
			return -1;
		}
		*i += 2;
		char val[PARAM_MAX + 1];
		bool too_long;
		if (sd_value(s, len, i, val, &too_long) < 0) {
			*why = "structured data: a value without its closing quote";
			return -1;
		}
		if (!v->in_cg)
			continue;
		char *dst = NULL;
		bool *have = NULL;
		if (nlen == 9 && memcmp(s + name, "school_id", 9) == 0)
			dst = v->school_id, have = &v->have_school;
		else if (nlen == 3 && memcmp(s + name, "seq", 3) == 0)
			dst = v->seq, have = &v->have_seq;
		else if (nlen == 3 && memcmp(s + name, "day", 3) == 0)
			dst = v->day, have = &v->have_day;
		if (!dst)
			continue;
		if (*have) {
			*why = "structured data: a parameter twice";
			return -1;
		}
		if (too_long) {
			*why = "structured data: school_id, seq or day too long";
			return -1;
		}
		memcpy(dst, val, sizeof val);
		*have = true;
	}
	if (*i >= len || s[*i] != ']') {
		*why = "structured data: an element without its closing ']'";
		return -1;
	}
	++*i;
	return 0;
}

static int parse_event(struct district_msg *m, const struct sd_vals *v, char *arena,
		       const char **why)
{
	unsigned long long seq;
	const char *perr;
	if (!v->have_seq || parse_uint(v->seq, 1, INT64_MAX, &seq) < 0) {
		*why = "an event without a valid seq in its structured data";
		return -1;
	}
	if (journal_parse_line(m->line, m->len, &m->r, arena, DISTRICT_MSG_MAX + 1, &perr) < 0) {
		*why = perr ? perr : "not a journal line";
		return -1;
	}
	if (m->r.seq != seq || m->r.seq > INT64_MAX) {
		*why = "the seq of the structured data and of the journal line differ";
		return -1;
	}
	m->kind = DM_EVENT;
	m->hash_ok = journal_line_hash_ok(m->line, &m->r);
	return 0;
}

static int parse_digest(struct district_msg *m, const struct sd_vals *v, const char **why)
{
	if (journal_digest_parse(m->line, m->len, &m->d) < 0) {
		*why = "not a digest line";
		return -1;
	}
	if (strcmp(m->d.day, v->day) != 0) {
		*why = "the day of the structured data and of the digest differ";
		return -1;
	}
	if (m->d.last_seq > INT64_MAX || m->d.first_seq > INT64_MAX) {
		*why = "digest: seq out of range";
		return -1;
	}
	m->kind = DM_DIGEST;
	return 0;
}

int district_msg_parse(const char *buf, size_t len, struct district_msg *m, char *arena,
		       const char **why)
{
	struct sd_vals v;
	size_t i = 0;
	memset(m, 0, sizeof *m);
	memset(&v, 0, sizeof v);
	if (len && buf[len - 1] == '\n')
		len--;
	if (len && buf[len - 1] == '\r')
		len--;
	if (len > DISTRICT_MSG_MAX) {
		*why = "message too long";
		return -1;
	}
	if (len == 0 || buf[0] != '[') {
		*why = "no structured data (expected '[campusgate@32473 ...]')";
		return -1;
	}
	while (i < len && buf[i] == '[')
		if (sd_element(buf, len, &i, &v, why) < 0)
			return -1;
	if (!v.have_cg) {
		*why = "no [campusgate@32473] element";
		return -1;
	}
	if (!v.have_school || !district_school_id_ok(v.school_id, strlen(v.school_id))) {
		*why = "no valid school_id (1-64 of A-Z a-z 0-9 . _ -)";
		return -1;
	}
	memcpy(m->school_id, v.school_id, strlen(v.school_id) + 1);
	if (i >= len || buf[i] != ' ') {
		*why = "no journal line after the structured data";
		return -1;
	}
	i++;
	if (len - i >= 3 && memcmp(buf + i, "\xef\xbb\xbf", 3) == 0)
		i += 3; /* RFC 5424's BOM before a UTF-8 MSG */
	m->line = buf + i;
	m->len = len - i;
	if (m->len == 0 || m->line[0] != '{') {
		*why = "no journal line after the structured data";
		return -1;
	}
	if (m->len >= JOURNAL_LINE_MAX) {
		*why = "journal line too long";
		return -1;
	}
	if (!district_text_ok(m->line, m->len)) {
		*why = "the line is not valid UTF-8 text (control byte or bad sequence)";
		return -1;
	}
	if (v.have_day && !v.have_seq)
		return parse_digest(m, &v, why);
	return parse_event(m, &v, arena, why);
}

int district_msg_parse_auth(const char *buf, size_t len, struct district_msg *m, char *arena,
			    const char **why)
{
	char auth[DISTRICT_SCHOOL_ID_MAX + 1] = "";
	const char *sp = memchr(buf, ' ', len < DISTRICT_SCHOOL_ID_MAX + 1 ? len :
					      DISTRICT_SCHOOL_ID_MAX + 1);
	size_t n = sp ? (size_t)(sp - buf) : 0;
	if (!sp || !district_school_id_ok(buf, n)) {
		memset(m, 0, sizeof *m);
		*why = "no authenticated school id before the message (the district's rsyslog "
		       "config does not set it: docs/district.md)";
		return -1;
	}
	memcpy(auth, buf, n);
	auth[n] = '\0';
	int rc = district_msg_parse(sp + 1, len - n - 1, m, arena, why);
	memcpy(m->auth_school, auth, n + 1);
	if (rc < 0)
		return -1;
	if (strcmp(m->school_id, m->auth_school) != 0) {
		*why = DISTRICT_FORGED_REASON ": the message names another school than its "
		       "certificate";
		return DISTRICT_MSG_FORGED;
	}
	return 0;
}
