/* DNS wire messages: a bounded parser for queries and upstream replies. Writing our own
 * answers and rewriting replies for a client: dns_write.h. */
#ifndef CG_DNS_MSG_H
#define CG_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN 12
#define DNS_NAME_WIRE_MAX 255   /* RFC 1035 3.1 */
#define DNS_NAME_TEXT_MAX 254   /* text form plus its NUL */
#define DNS_NAME_ESC_MAX 1024   /* escaped text form (\DDD) plus its NUL */
#define DNS_MAX_PTRS 64         /* compression pointers followed per name */
#define DNS_EDNS_OUR_SIZE 1232  /* what we advertise (DNS flag day 2020) */

#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_PTR 12
#define DNS_TYPE_MX 15
#define DNS_TYPE_TXT 16
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_SRV 33
#define DNS_TYPE_DNAME 39
#define DNS_TYPE_OPT 41
#define DNS_TYPE_SVCB 64
#define DNS_TYPE_HTTPS 65
#define DNS_TYPE_ANY 255
#define DNS_CLASS_IN 1

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010

#define DNS_EDE_BLOCKED 15   /* RFC 8914 */
#define DNS_EDE_FILTERED 17
#define DNS_EDE_OTHER 0
#define DNS_EDE_NO_REACHABLE_AUTHORITY 22

/* Why a client message was not served normally. */
enum dns_reject {
	DNS_OK,
	DNS_REJ_SHORT,     /* shorter than a header: dropped */
	DNS_REJ_RESPONSE,  /* QR=1: dropped (no answering answers) */
	DNS_REJ_OPCODE,    /* not QUERY: NOTIMP */
	DNS_REJ_QDCOUNT,   /* qdcount != 1: FORMERR */
	DNS_REJ_NAME,      /* bad QNAME (truncated, pointer, label/name too long): FORMERR */
	DNS_REJ_TRUNC,     /* question or a record runs past the end: FORMERR */
	DNS_REJ_EDNS,      /* bad or repeated OPT: FORMERR */
	DNS_REJ_BADVERS,   /* EDNS version > 0: BADVERS */
	DNS_REJ_COUNT
};
const char *dns_reject_name(enum dns_reject r);

/* A client's query as far as the gateway needs it. */
struct dns_query {
	uint16_t id;
	uint16_t flags;
	uint16_t qtype, qclass;
	char name[DNS_NAME_TEXT_MAX]; /* lowercase text, no trailing dot; "" = root */
	size_t name_len;
	bool name_odd;      /* a label holds bytes outside printable ASCII, or a '.' */
	size_t qname_len;   /* wire bytes of the QNAME */
	size_t q_end;       /* offset just past the question */
	bool edns;          /* the client sent an OPT record */
	bool do_bit;
	uint16_t edns_size; /* the client's UDP payload size (>= 512) */
};

/* Parse a client query from buf/len. Returns DNS_OK or the reason it is rejected; on
 * anything but DNS_REJ_SHORT/RESPONSE the header fields (id, flags) are filled so that
 * an error answer can be made with dns_build_error. */
enum dns_reject dns_query_parse(const uint8_t *buf, size_t len, struct dns_query *q);

/* Skip a name at off; *next = the offset after it where it sits. 0 or -1. */
int dns_name_skip(const uint8_t *buf, size_t len, size_t off, size_t *next);

/* Read a possibly compressed name at off into out (DNS_NAME_TEXT_MAX bytes): lowercase
 * text without the trailing dot. Pointers must point backwards; at most DNS_MAX_PTRS
 * are followed and the name may not exceed 255 wire bytes. *odd is set when a label has
 * a byte outside printable ASCII or a '.'. Returns the text length, or -1. */
int dns_name_read(const uint8_t *buf, size_t len, size_t off, char *out, bool *odd,
		  size_t *next);

/* Read a name as dns_name_read does, but as a sensor records the names of other
 * people's messages: case kept, and every byte that is not printable ASCII, and '.' and
 * '\\', written as \DDD, so that the text is unambiguous and holds no control bytes.
 * out holds DNS_NAME_ESC_MAX bytes. Returns the text length, or -1. */
int dns_name_read_escaped(const uint8_t *buf, size_t len, size_t off, char *out,
			  size_t *next);

/* The header and first question of any DNS message, as a passive sensor reads it. */
struct dns_peek {
	uint16_t id, flags, qdcount;
	bool has_question;            /* qdcount > 0, and the question was read */
	uint16_t qtype, qclass;
	char name[DNS_NAME_ESC_MAX];  /* escaped (dns_name_read_escaped); "" for the root */
	size_t name_len;
};

/* Read the header and first question of a message: a query or a response, of any opcode
 * and question count. dns_query_parse is the proxy's strict reading of a query it must
 * answer (and may refuse); a sensor sees both directions of other people's traffic and
 * only reports, so it takes what the header says and the first question as it stands,
 * its name escaped, and reads nothing after it. 0 (has_question false when qdcount is
 * 0), or -1 when the message is shorter than a header or the question is malformed or
 * cut short. */
int dns_question_peek(const uint8_t *buf, size_t len, struct dns_peek *pk);

/* Text name ("a.example.com", "" for the root) to uncompressed wire form in out (at least
 * DNS_NAME_WIRE_MAX bytes). Returns the wire length, or -1 (empty label, too long). */
int dns_name_to_wire(const char *name, size_t len, uint8_t *out);

/* One resource record located in a message. */
struct dns_rr {
	size_t name_off;
	uint16_t type, rclass;
	uint32_t ttl;
	size_t ttl_off;
	uint16_t rdlen;
	size_t rdata_off;
	size_t end;
};

/* Locate the record at off. 0 or -1 (runs past len, bad name). */
int dns_rr_read(const uint8_t *buf, size_t len, size_t off, struct dns_rr *rr);

/* What the gateway needs from an upstream reply. */
#define DNS_REPLY_MAX_TTLS 256
struct dns_reply_info {
	uint16_t id, flags;
	uint8_t rcode;
	uint16_t ancount, nscount, arcount;
	size_t q_end;
	size_t opt_off;          /* start of the OPT record, or 0 when there is none */
	uint16_t opt_index;      /* how many additional records come before it */
	uint8_t ext_rcode;       /* upper 8 bits of the RCODE from the OPT (RFC 6891) */
	uint32_t min_ttl;        /* cache lifetime (positive: min TTL; negative: RFC 2308) */
	bool negative;           /* NXDOMAIN or NODATA */
	bool chain;              /* has CNAME/DNAME/SVCB/HTTPS records to inspect */
	bool https;              /* has HTTPS/SVCB records (ECH stripping) */
	uint16_t ttl_offs[DNS_REPLY_MAX_TTLS]; /* TTL fields (OPT excluded) */
	size_t n_ttls;
	bool too_many_ttls;      /* more records than ttl_offs holds: do not cache */
};

/* Check an upstream reply against the question we asked (qname text, qtype, qclass)
 * and the ID we sent, and collect reply facts. 0 or -1 (not a valid reply to it). */
int dns_reply_scan(const uint8_t *buf, size_t len, uint16_t id, const char *qname,
		   uint16_t qtype, uint16_t qclass, struct dns_reply_info *ri);

/* Walk the answer section of a reply and call fn for every name that a client would
 * be led to: CNAME/DNAME targets and SVCB/HTTPS TargetNames (not the owner of the
 * question itself). Stops and returns fn's value when it is non-zero; 0 otherwise, -1
 * on a malformed message. */
typedef int (*dns_chain_fn)(void *arg, const char *name, size_t len);
int dns_reply_chain(const uint8_t *buf, size_t len, dns_chain_fn fn, void *arg);


/* Query type as text ("A", "AAAA", "TYPE123") into buf (at least 16 bytes). */
const char *dns_type_name(uint16_t type, char *buf);

#endif
