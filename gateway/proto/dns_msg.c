/* DNS wire messages: bounded parsing of queries and replies (dns_write.c writes). */
#include "dns_msg.h"

#include <stdio.h>
#include <string.h>

#include "dns_wire.h"

const char *dns_reject_name(enum dns_reject r)
{
	static const char *names[DNS_REJ_COUNT] = {
		"ok", "short", "response", "opcode", "qdcount", "name", "truncated",
		"edns", "badvers",
	};
	return (unsigned)r < DNS_REJ_COUNT ? names[r] : "?";
}

#define NAME_PTR 1    /* compression pointers may be followed (not in a query's question:
			 nothing earlier to point at) */
#define NAME_ESCAPE 2 /* case kept, bytes that are not plain printable as \DDD */

/* The one name reader, with the NAME_ flags above. out may be NULL to only validate. */
static int name_read(const uint8_t *buf, size_t len, size_t off, unsigned flags, char *out,
		     bool *odd, size_t *next)
{
	size_t pos = off, wire = 0, olen = 0;
	unsigned ptrs = 0;
	bool jumped = false, o = false;

	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			if (!(flags & NAME_PTR) || pos + 1 >= len)
				return -1;
			size_t t = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
			/* Only strictly backwards, never into the header: no loops. */
			if (t >= pos || t < DNS_HDR_LEN || ++ptrs > DNS_MAX_PTRS)
				return -1;
			if (!jumped) {
				*next = pos + 2;
				jumped = true;
			}
			pos = t;
			continue;
		}
		if (c & 0xc0) /* 0x40 / 0x80: obsolete extended label types */
			return -1;
		if (c == 0) {
			if (!jumped)
				*next = pos + 1;
			break;
		}
		if (pos + 1 + c > len || wire + 1 + c + 1 > DNS_NAME_WIRE_MAX)
			return -1;
		wire += 1 + (size_t)c;
		if (out && olen)
			out[olen++] = '.';
		else if (!out && olen)
			olen++;
		for (size_t i = 0; i < c; i++) {
			uint8_t ch = buf[pos + 1 + i];
			bool plain = ch > 0x20 && ch < 0x7f && ch != '.';
			if (!plain)
				o = true;
			if ((flags & NAME_ESCAPE) && (!plain || ch == '\\')) {
				if (out)
					snprintf(out + olen, 5, "\\%03u", ch);
				olen += 4;
				continue;
			}
			if (!(flags & NAME_ESCAPE) && ch >= 'A' && ch <= 'Z')
				ch = (uint8_t)(ch + 32);
			if (out)
				out[olen] = (char)ch;
			olen++;
		}
		pos += 1 + (size_t)c;
	}
	if (out)
		out[olen] = '\0';
	if (odd)
		*odd = o;
	return (int)olen;
}

int dns_name_skip(const uint8_t *buf, size_t len, size_t off, size_t *next)
{
	size_t pos = off, wire = 0;
	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -1;
			*next = pos + 2;
			return 0;
		}
		if (c & 0xc0)
			return -1;
		if (c == 0) {
			*next = pos + 1;
			return 0;
		}
		wire += 1 + (size_t)c;
		if (wire + 1 > DNS_NAME_WIRE_MAX)
			return -1;
		pos += 1 + (size_t)c;
	}
}

int dns_name_read(const uint8_t *buf, size_t len, size_t off, char *out, bool *odd,
		  size_t *next)
{
	return name_read(buf, len, off, NAME_PTR, out, odd, next);
}

int dns_name_read_escaped(const uint8_t *buf, size_t len, size_t off, char *out,
			  size_t *next)
{
	return name_read(buf, len, off, NAME_PTR | NAME_ESCAPE, out, NULL, next);
}

int dns_name_to_wire(const char *name, size_t len, uint8_t *out)
{
	size_t o = 0, i = 0;
	if (len && name[len - 1] == '.')
		len--;
	while (i < len) {
		size_t j = i;
		while (j < len && name[j] != '.')
			j++;
		size_t l = j - i;
		if (l == 0 || l > 63 || o + 1 + l + 1 > DNS_NAME_WIRE_MAX)
			return -1;
		out[o++] = (uint8_t)l;
		memcpy(out + o, name + i, l);
		o += l;
		i = j + 1;
		if (j < len && j + 1 == len) /* "a." handled above; "a.." is an empty label */
			return -1;
	}
	out[o++] = 0;
	return (int)o;
}

int dns_rr_read(const uint8_t *buf, size_t len, size_t off, struct dns_rr *rr)
{
	size_t p;
	if (dns_name_skip(buf, len, off, &p) < 0 || p + 10 > len)
		return -1;
	rr->name_off = off;
	rr->type = rd16(buf + p);
	rr->rclass = rd16(buf + p + 2);
	rr->ttl_off = p + 4;
	rr->ttl = rd32(buf + p + 4);
	rr->rdlen = rd16(buf + p + 8);
	rr->rdata_off = p + 10;
	if (rr->rdata_off + rr->rdlen > len)
		return -1;
	rr->end = rr->rdata_off + rr->rdlen;
	return 0;
}

/* The options inside an OPT record must tile its data exactly. */
static int opt_options_ok(const uint8_t *buf, const struct dns_rr *rr)
{
	size_t p = rr->rdata_off;
	while (p < rr->end) {
		if (p + 4 > rr->end)
			return -1;
		size_t olen = rd16(buf + p + 2);
		if (p + 4 + olen > rr->end)
			return -1;
		p += 4 + olen;
	}
	return 0;
}

enum dns_reject dns_query_parse(const uint8_t *buf, size_t len, struct dns_query *q)
{
	q->q_end = 0;
	q->edns = q->do_bit = false;
	q->edns_size = 512;
	q->name[0] = '\0';
	q->name_len = 0;
	if (len < DNS_HDR_LEN)
		return DNS_REJ_SHORT;
	q->id = rd16(buf);
	q->flags = rd16(buf + 2);
	if (q->flags & DNS_FLAG_QR)
		return DNS_REJ_RESPONSE;
	if ((q->flags >> 11 & 0xf) != 0)
		return DNS_REJ_OPCODE;
	if (rd16(buf + 4) != 1)
		return DNS_REJ_QDCOUNT;
	size_t an = rd16(buf + 6), ns = rd16(buf + 8), ar = rd16(buf + 10), p;
	int n = name_read(buf, len, DNS_HDR_LEN, 0, q->name, &q->name_odd, &p);
	if (n < 0)
		return DNS_REJ_NAME;
	q->name_len = (size_t)n;
	q->qname_len = p - DNS_HDR_LEN;
	if (p + 4 > len)
		return DNS_REJ_TRUNC;
	q->qtype = rd16(buf + p);
	q->qclass = rd16(buf + p + 2);
	q->q_end = p + 4;
	p = q->q_end;
	/* Queries carry no answers in practice; walk whatever is claimed, bounded by len. */
	enum dns_reject late = DNS_OK;
	for (size_t i = 0; i < an + ns + ar; i++) {
		struct dns_rr rr;
		if (dns_rr_read(buf, len, p, &rr) < 0)
			return DNS_REJ_TRUNC;
		p = rr.end;
		if (rr.type != DNS_TYPE_OPT)
			continue;
		if (i < an + ns || q->edns || buf[rr.name_off] != 0 || opt_options_ok(buf, &rr) < 0)
			return DNS_REJ_EDNS;
		q->edns = true;
		q->edns_size = rr.rclass < 512 ? 512 : rr.rclass;
		q->do_bit = (rr.ttl & 0x8000) != 0;
		if ((rr.ttl >> 16 & 0xff) != 0)
			late = DNS_REJ_BADVERS;
	}
	return late;
}

int dns_question_peek(const uint8_t *buf, size_t len, struct dns_peek *pk)
{
	pk->has_question = false;
	pk->qtype = pk->qclass = 0;
	pk->name[0] = '\0';
	pk->name_len = 0;
	if (len < DNS_HDR_LEN)
		return -1;
	pk->id = rd16(buf);
	pk->flags = rd16(buf + 2);
	pk->qdcount = rd16(buf + 4);
	if (pk->qdcount == 0)
		return 0;
	size_t p;
	int n = dns_name_read_escaped(buf, len, DNS_HDR_LEN, pk->name, &p);
	if (n < 0 || p + 4 > len) {
		pk->name[0] = '\0';
		return -1;
	}
	pk->name_len = (size_t)n;
	pk->qtype = rd16(buf + p);
	pk->qclass = rd16(buf + p + 2);
	pk->has_question = true;
	return 0;
}

int dns_reply_scan(const uint8_t *buf, size_t len, uint16_t id, const char *qname,
		   uint16_t qtype, uint16_t qclass, struct dns_reply_info *ri)
{
	char name[DNS_NAME_TEXT_MAX];
	size_t p;
	if (len < DNS_HDR_LEN || rd16(buf) != id)
		return -1;
	ri->id = id;
	ri->flags = rd16(buf + 2);
	if (!(ri->flags & DNS_FLAG_QR) || (ri->flags >> 11 & 0xf) != 0 || rd16(buf + 4) != 1)
		return -1;
	ri->rcode = ri->flags & 0xf;
	ri->ancount = rd16(buf + 6);
	ri->nscount = rd16(buf + 8);
	ri->arcount = rd16(buf + 10);
	if (name_read(buf, len, DNS_HDR_LEN, 0, name, NULL, &p) < 0 || strcmp(name, qname) != 0)
		return -1;
	if (p + 4 > len || rd16(buf + p) != qtype || rd16(buf + p + 2) != qclass)
		return -1;
	ri->q_end = p + 4;
	ri->opt_off = 0;
	ri->opt_index = 0;
	ri->ext_rcode = 0;
	ri->n_ttls = 0;
	ri->too_many_ttls = ri->chain = ri->https = false;
	uint32_t min_an = UINT32_MAX, soa_min = UINT32_MAX;
	bool soa = false;
	p = ri->q_end;
	size_t total = (size_t)ri->ancount + ri->nscount + ri->arcount;
	for (size_t i = 0; i < total; i++) {
		struct dns_rr rr;
		if (dns_rr_read(buf, len, p, &rr) < 0)
			return -1;
		p = rr.end;
		if (rr.type == DNS_TYPE_OPT) {
			if (i < (size_t)ri->ancount + ri->nscount || ri->opt_off)
				return -1;
			ri->opt_off = rr.name_off;
			ri->opt_index = (uint16_t)(i - ri->ancount - ri->nscount);
			ri->ext_rcode = buf[rr.ttl_off];
			continue;
		}
		if (ri->n_ttls < DNS_REPLY_MAX_TTLS)
			ri->ttl_offs[ri->n_ttls++] = (uint16_t)rr.ttl_off;
		else
			ri->too_many_ttls = true;
		uint32_t ttl = rr.ttl > 0x7fffffff ? 0 : rr.ttl; /* RFC 2181 8 */
		if (i < ri->ancount) {
			if (ttl < min_an)
				min_an = ttl;
			if (rr.type == DNS_TYPE_CNAME || rr.type == DNS_TYPE_DNAME ||
			    rr.type == DNS_TYPE_SVCB || rr.type == DNS_TYPE_HTTPS)
				ri->chain = true;
			if (rr.type == DNS_TYPE_SVCB || rr.type == DNS_TYPE_HTTPS)
				ri->https = true;
		} else if (i < (size_t)ri->ancount + ri->nscount && rr.type == DNS_TYPE_SOA &&
			   rr.rdlen >= 22) {
			uint32_t m = rd32(buf + rr.end - 4);
			m = m > 0x7fffffff ? 0 : m;
			soa = true;
			soa_min = ttl < m ? ttl : m;
		}
	}
	ri->negative = ri->rcode == DNS_RCODE_NXDOMAIN ||
		       (ri->rcode == DNS_RCODE_NOERROR && ri->ancount == 0);
	if (ri->negative)
		ri->min_ttl = soa ? soa_min : 0; /* RFC 2308 5: no SOA, no caching */
	else
		ri->min_ttl = min_an == UINT32_MAX ? 0 : min_an;
	return 0;
}

int dns_reply_chain(const uint8_t *buf, size_t len, dns_chain_fn fn, void *arg)
{
	char name[DNS_NAME_TEXT_MAX];
	size_t p;
	if (len < DNS_HDR_LEN || dns_name_skip(buf, len, DNS_HDR_LEN, &p) < 0 || p + 4 > len)
		return -1;
	p += 4;
	size_t an = rd16(buf + 6);
	for (size_t i = 0; i < an; i++) {
		struct dns_rr rr;
		size_t np;
		int n;
		bool odd;
		if (dns_rr_read(buf, len, p, &rr) < 0)
			return -1;
		p = rr.end;
		switch (rr.type) {
		case DNS_TYPE_CNAME:
		case DNS_TYPE_DNAME:
			n = dns_name_read(buf, rr.end, rr.rdata_off, name, &odd, &np);
			break;
		case DNS_TYPE_SVCB:
		case DNS_TYPE_HTTPS:
			if (rr.rdlen < 3)
				return -1;
			n = dns_name_read(buf, rr.end, rr.rdata_off + 2, name, &odd, &np);
			break;
		default:
			continue;
		}
		if (n < 0)
			return -1;
		if (n == 0 || odd) /* "." = the owner itself; odd names match no list */
			continue;
		int r = fn(arg, name, (size_t)n);
		if (r)
			return r;
	}
	return 0;
}

const char *dns_type_name(uint16_t type, char *buf)
{
	/* The IANA mnemonics (the ones ldns knows, and the query-only types). */
	static const struct { uint16_t t; const char *n; } names[] = {
		{1, "A"}, {2, "NS"}, {3, "MD"}, {4, "MF"}, {5, "CNAME"}, {6, "SOA"},
		{7, "MB"}, {8, "MG"}, {9, "MR"}, {10, "NULL"}, {11, "WKS"}, {12, "PTR"},
		{13, "HINFO"}, {14, "MINFO"}, {15, "MX"}, {16, "TXT"}, {17, "RP"},
		{18, "AFSDB"}, {19, "X25"}, {20, "ISDN"}, {21, "RT"}, {22, "NSAP"},
		{23, "NSAP-PTR"}, {24, "SIG"}, {25, "KEY"}, {26, "PX"}, {27, "GPOS"},
		{28, "AAAA"}, {29, "LOC"}, {30, "NXT"}, {31, "EID"}, {32, "NIMLOC"},
		{33, "SRV"}, {34, "ATMA"}, {35, "NAPTR"}, {36, "KX"}, {37, "CERT"},
		{38, "A6"}, {39, "DNAME"}, {40, "SINK"}, {41, "OPT"}, {42, "APL"},
		{43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"}, {47, "NSEC"},
		{48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"}, {51, "NSEC3PARAM"},
		{52, "TLSA"}, {53, "SMIMEA"}, {55, "HIP"}, {58, "TALINK"}, {59, "CDS"},
		{60, "CDNSKEY"}, {61, "OPENPGPKEY"}, {62, "CSYNC"}, {63, "ZONEMD"},
		{64, "SVCB"}, {65, "HTTPS"}, {99, "SPF"}, {104, "NID"}, {105, "L32"},
		{106, "L64"}, {107, "LP"}, {108, "EUI48"}, {109, "EUI64"}, {249, "TKEY"},
		{250, "TSIG"}, {251, "IXFR"}, {252, "AXFR"}, {255, "ANY"}, {256, "URI"},
		{257, "CAA"}, {32769, "DLV"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].t == type)
			return names[i].n;
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}
