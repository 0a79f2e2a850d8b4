/* One message as the district's rsyslog hands it to `campusgate district ingest`: the
 * structured data of the school's RFC 5424 message, a space, and the journal line (or
 * the digest line) it carries. Parsed as hostile input: bounded, every field checked. */
#ifndef CG_DISTRICT_MSG_H
#define CG_DISTRICT_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal_format.h"
#include "journal_verify.h"

#define DISTRICT_MSG_MAX (JOURNAL_LINE_MAX + 8192) /* SD, and the line with its newline */
#define DISTRICT_SCHOOL_ID_MAX 64

enum district_kind { DM_EVENT, DM_DIGEST };

/* A parsed message. line points into the caller's buffer; the record's strings into
 * the arena given to district_msg_parse. */
struct district_msg {
	enum district_kind kind;
	char school_id[DISTRICT_SCHOOL_ID_MAX + 1];
	/* district_msg_parse_auth: the school whose certificate the message came in with
	 * (empty when the prefix was not a valid id) */
	char auth_school[DISTRICT_SCHOOL_ID_MAX + 1];
	const char *line;          /* the journal or digest line, no newline */
	size_t len;
	struct journal_record r;   /* DM_EVENT: the line's fields (hash checked) */
	bool hash_ok;              /* DM_EVENT: the line matches its own hash */
	struct journal_digest d;   /* DM_DIGEST */
};

/* Whether s (n bytes) is a school id: 1-64 of [A-Za-z0-9._-] (the [district] school_id rule). */
bool district_school_id_ok(const char *s, size_t n);

/* Whether s[0..n) is valid UTF-8 with no NUL and no C0 control byte (what a journal line
 * written by campusgated is, and what the store's text columns take). */
bool district_text_ok(const char *s, size_t n);

/* Whether s[0..n) is valid UTF-8 without NUL (control characters allowed). */
bool district_utf8_ok(const char *s, size_t n);

/* Parse buf (len bytes, a final "\n" or "\r\n" allowed) into m. arena: at least
 * DISTRICT_MSG_MAX + 1 bytes. Returns 0, or -1 with a static English reason in *why.
 * An event must carry school_id and seq in [campusgate@32473], a journal line that parses,
 * with the same seq; a digest (day=... and no seq) a valid digest line of that day. A
 * line that parses but does not match its hash is accepted (hash_ok false): the store
 * keeps it as evidence and `district verify` reports it. */
int district_msg_parse(const char *buf, size_t len, struct district_msg *m, char *arena,
		       const char **why);

/* What district_msg_parse_auth returns for a message that parses but whose school_id is
 * not the school its certificate authenticated. */
#define DISTRICT_MSG_FORGED (-2)
/* The start of such a message's reason in the store's rejects ("...: certificate A,
 * message B"), which `district verify` counts per certificate. */
#define DISTRICT_FORGED_REASON "school_id mismatch"

/* Parse what the district's rsyslog hands the ingest when each school comes in on its own
 * listener (docs/district.md, "Which school sent it"): the id of the school that listener
 * authenticated by its certificate, a space, then what district_msg_parse reads. Returns
 * 0 when the message parses and its school_id is m->auth_school; -1 with *why when it
 * does not parse (m->auth_school set when the prefix was a valid id); DISTRICT_MSG_FORGED
 * with *why when it parses but names another school (m filled, both ids in m). */
int district_msg_parse_auth(const char *buf, size_t len, struct district_msg *m, char *arena,
			    const char **why);

#endif
