/* Writing DNS messages: our own answers (blocks, NODATA, SERVFAIL, EDE), queries to the
 * upstreams, and upstream replies rewritten for a client. Reading is dns_msg.h. */
#ifndef CG_DNS_WRITE_H
#define CG_DNS_WRITE_H

#include "dns_msg.h"

/* A message being written into a caller's fixed buffer. */
struct dns_writer {
	uint8_t *p;
	size_t len, cap;
	bool overflow;
	uint16_t an, ns, ar;
};

/* Start an answer to q (whose wire form is qwire): header with the client's ID, opcode,
 * RD and CD, QR and RA set, the rcode given, and the client's question copied. */
void dns_writer_start(struct dns_writer *w, uint8_t *out, size_t cap,
		      const uint8_t *qwire, const struct dns_query *q, int rcode);
/* Records whose owner is the question name (a pointer to it). */
void dns_writer_addr(struct dns_writer *w, uint16_t type, uint32_t ttl,
		     const uint8_t *addr, size_t alen);
void dns_writer_cname(struct dns_writer *w, uint32_t ttl, const char *target, size_t len);
/* Copy record rr of message src into the answer section with its names decompressed
 * (the owner, and names inside CNAME/DNAME/NS/PTR/MX/SOA data); ttl overrides rr->ttl
 * when it is smaller. */
void dns_writer_copy_rr(struct dns_writer *w, const uint8_t *src, size_t slen,
			const struct dns_rr *rr, uint32_t ttl);
/* SOA for negative answers (authority section): owner = the question name. */
void dns_writer_soa(struct dns_writer *w, uint32_t ttl);
/* OPT (additional section) with our payload size, the DO bit, and when ede_code >= 0
 * an Extended DNS Error option with extra text. */
void dns_writer_opt(struct dns_writer *w, bool do_bit, int ede_code, const char *ede_text);
/* Write the section counts; returns the length, or 0 when the buffer was too small. */
size_t dns_writer_finish(struct dns_writer *w);

/* A minimal error answer (header + question when it was parsed) for a rejected query:
 * FORMERR/NOTIMP/REFUSED/SERVFAIL/BADVERS. Returns the length, 0 if none can be made. */
size_t dns_build_error(uint8_t *out, size_t cap, const uint8_t *qwire, size_t qlen,
		       const struct dns_query *q, enum dns_reject why, int rcode);

/* Write a query for name/qtype/qclass with the given ID, RD/CD flags and an OPT record
 * (our payload size, DO bit). Returns the length, or 0 on a bad name. */
size_t dns_build_query(uint8_t *out, size_t cap, uint16_t id, uint16_t flags,
		       const char *name, size_t name_len, uint16_t qtype, uint16_t qclass,
		       bool do_bit);

/* Turn a stored reply into the answer for a client: the client's ID and question bytes
 * (same name, perhaps other case), AA cleared, TTLs decremented by age (never below 0),
 * our OPT appended when the client sent EDNS, carrying the upstream's Extended DNS Error
 * options kept by dns_reply_strip_opt (opt_off: where that reduced OPT starts, 0 = none;
 * dropped for a client without EDNS, or first when the answer would not fit), and TC
 * set with the answer cut to header + question when it exceeds max_len. Returns the
 * length or 0. */
size_t dns_reply_for_client(uint8_t *out, size_t cap, const uint8_t *reply, size_t rlen,
			    size_t opt_off, const uint16_t *ttl_offs, size_t n_ttls,
			    uint32_t age, const uint8_t *qwire, const struct dns_query *q,
			    size_t max_len);

/* Reduce the OPT record of a reply in place to what may go on to a client: nothing
 * (the record is removed, and any record after it) unless it carries Extended DNS
 * Error options (RFC 8914, code 15); then an OPT with just those (at most
 * DNS_EDE_KEEP_MAX bytes of them) stays as the last record and ri->opt_off points at
 * it. Size, version, flags and other options are the upstream's business with us, not
 * the client's. TTL offsets past the cut are dropped from ri. Returns the new length. */
#define DNS_EDE_KEEP_MAX 512
size_t dns_reply_strip_opt(uint8_t *buf, size_t len, struct dns_reply_info *ri);

/* Copy reply in into out with the ech SvcParam (key 5) removed from every HTTPS/SVCB
 * record; every name is written uncompressed. Returns the new length, or 0 when the
 * reply is malformed or out is too small (then use the reply as it was). */
size_t dns_reply_strip_ech(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

#endif
