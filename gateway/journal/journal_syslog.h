/* Forwarding journal events to syslog: RFC 5424 with structured data
 * [campusgate@32473 ...], to the local socket or a collector over UDP or TCP (RFC 6587
 * octet counting). Used by the journal's writer thread only; never blocks it. */
#ifndef CG_JSYSLOG_H
#define CG_JSYSLOG_H

#include <stdint.h>

#include "journal_format.h"

struct journal_syslog;

/* spec: "local" (/dev/log), "udp:HOST:PORT", "tcp:HOST:PORT" (HOST an address; [v6]
 * in brackets). NULL with *err set (static) when spec is bad; for "off" or NULL spec
 * returns NULL with *err NULL. school names the sender in the structured data, school_id
 * ([district] school_id, may be NULL) identifies it to the district store. */
struct journal_syslog *journal_syslog_open(const char *spec, const char *school,
					   const char *school_id, const char **err);

/* Format r as one RFC 5424 message (no framing) into out: MSGID the event, the fields as
 * structured data, and line/len (r's journal line, a final newline left out) as MSG. */
void journal_syslog_format(struct sbuf *out, const struct journal_record *r, const char *hostname,
			   const char *school, const char *school_id, const char *line, size_t len);

/* The daily digest as a message: MSGID "digest", day and school_id as structured data,
 * the digest.log line as MSG (docs/district.md). */
void journal_syslog_format_digest(struct sbuf *out, int64_t time_us, int32_t utc_offset,
				  const char *hostname, const char *school_id, const char *day,
				  const char *line, size_t len);

/* Send r with its journal line; drops it (counted) rather than wait when the peer is slow
 * or away. */
void journal_syslog_send(struct journal_syslog *js, const struct journal_record *r,
			 const char *line, size_t len);
/* Send a day's digest line (the same rules). */
void journal_syslog_send_digest(struct journal_syslog *js, int64_t time_us, int32_t utc_offset,
				const char *day, const char *line, size_t len);

/* Messages sent and dropped so far (over TCP, a message still queued counts as sent
 * until the connection is lost with it). */
void journal_syslog_counts(const struct journal_syslog *js, uint64_t *sent, uint64_t *dropped);

void journal_syslog_close(struct journal_syslog *js);

#endif
